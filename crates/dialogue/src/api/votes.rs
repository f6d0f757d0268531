//! Ballots and their receipts, and the results: ranked per theme, and the tallies as open data.

use axum::Json;
use axum::extract::Path;
use platform::ratelimit::{Action, Throttle};
use platform::web::{JsonBody, SignedIn};
use platform::{Error, Platform, Result};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::load;
use crate::export::{self, TallyOut, csv_response};
use crate::votes::{self, BallotChoice, ReceiptCheck, VoteOutcome};

pub(super) fn routes() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(results))
        .routes(routes!(tallies_json))
        .routes(routes!(tallies_csv))
        .routes(routes!(cast))
        .routes(routes!(check_receipt))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ResultsOut {
    pub published: bool,
    pub totals: Option<votes::Totals>,
    pub ranked: Vec<TallyOut>,
}

/// Ranked results per theme; empty while voting is open and the process hides tallies.
#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/results",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "Ranked results (never who voted)", body = ResultsOut))
)]
async fn results(platform: Platform, Path(slug): Path<String>) -> Result<Json<ResultsOut>> {
    let p = load(&platform, &slug).await?;
    if !p.results_visible() {
        return Ok(Json(ResultsOut {
            published: false,
            totals: None,
            ranked: Vec::new(),
        }));
    }
    Ok(Json(ResultsOut {
        published: true,
        totals: Some(votes::totals(&platform.db, p.process.id).await?),
        ranked: export::tallies_of(&platform, &p).await?,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/tallies.json",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses(
        (status = 200, description = "Votes per idea, ranked per theme (open data)", body = [TallyOut]),
        (status = 403, description = "Tallies are hidden while voting is open")
    )
)]
async fn tallies_json(platform: Platform, Path(slug): Path<String>) -> Result<Json<Vec<TallyOut>>> {
    let p = load(&platform, &slug).await?;
    Ok(Json(export::tallies_of(&platform, &p).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/tallies.csv",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses(
        (status = 200, description = "Votes per idea, ranked per theme (open data)", content_type = "text/csv"),
        (status = 403, description = "Tallies are hidden while voting is open")
    )
)]
async fn tallies_csv(
    platform: Platform,
    Path(slug): Path<String>,
) -> Result<axum::response::Response> {
    let p = load(&platform, &slug).await?;
    let rows = export::tallies_of(&platform, &p).await?;
    Ok(csv_response(
        &format!("{slug}-tallies.csv"),
        export::tallies_csv(&rows)?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BallotBody {
    pub ballots: Vec<BallotChoice>,
}

/// Casts or changes ballots. A second ballot in a scope is refused (409): change it instead.
#[utoipa::path(
    post,
    path = "/api/v1/dialogue/processes/{slug}/ballots",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    request_body = BallotBody,
    responses(
        (status = 200, description = "Counted; a receipt code when new ballots were cast", body = VoteOutcome),
        (status = 403, description = "Voting is not open, or the account is not verified"),
        (status = 409, description = "A ballot exists in this scope already (or none to change)"),
        (status = 422, description = "An idea is not on the ballot, or too many were chosen")
    ),
    security(("token" = []))
)]
async fn cast(
    platform: Platform,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<BallotBody>,
) -> Result<Json<VoteOutcome>> {
    let p = load(&platform, &slug).await?;
    throttle.check(Action::Vote).await?;
    Ok(Json(
        platform
            .db
            .write(async |tx| votes::vote(tx, &p, &user, &body.ballots).await)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReceiptBody {
    pub code: String,
}

/// Checks a receipt: says whether each ballot it covers is counted, never what it holds.
#[utoipa::path(
    post,
    path = "/api/v1/dialogue/receipts/check",
    tag = "dialogue",
    request_body = ReceiptBody,
    responses(
        (status = 200, description = "The ballots the code covers", body = ReceiptCheck),
        (status = 404, description = "No ballot has this receipt")
    )
)]
async fn check_receipt(
    platform: Platform,
    JsonBody(body): JsonBody<ReceiptBody>,
) -> Result<Json<ReceiptCheck>> {
    votes::check_receipt(&platform.db, &body.code)
        .await?
        .map(Json)
        .ok_or(Error::NotFound)
}
