//! The consultations directory: entries, filtered and paged, and the whole directory as CSV.

use axum::Json;
use axum::extract::Path;
// Named `Query`, as axum's is, so that utoipa documents its parameters as the query's.
use platform::web::{JsonBody, QueryParams as Query, SignedIn};
use platform::{Error, Platform, Result};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Created, Paging};
use crate::consultations::{self, Filter, NewConsultation};
use crate::export::{self, ConsultationOut, csv_response};

pub(super) fn routes() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_consultations, create_consultation))
        .routes(routes!(consultations_csv))
        .routes(routes!(get_consultation))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ConsultationList {
    pub total: i64,
    pub items: Vec<ConsultationOut>,
}

/// The consultations directory, filtered.
#[utoipa::path(
    get,
    path = "/api/v1/dialogue/consultations",
    tag = "dialogue",
    params(Filter, Paging),
    responses((status = 200, description = "Entries, open first", body = ConsultationList))
)]
async fn list_consultations(
    platform: Platform,
    Query(f): Query<Filter>,
    Query(paging): Query<Paging>,
) -> Result<Json<ConsultationList>> {
    let (limit, offset) = paging.window();
    let (list, total) = consultations::list(&platform.db, &f, limit, offset).await?;
    let mut items = Vec::with_capacity(list.len());
    for c in list {
        items.push(export::consultation_out(&platform, c).await?);
    }
    Ok(Json(ConsultationList { total, items }))
}

/// The whole directory as CSV (the same filters apply).
#[utoipa::path(
    get,
    path = "/api/v1/dialogue/consultations.csv",
    tag = "dialogue",
    params(Filter),
    responses((status = 200, description = "CSV, one row per entry", content_type = "text/csv"))
)]
async fn consultations_csv(
    platform: Platform,
    Query(f): Query<Filter>,
) -> Result<axum::response::Response> {
    let rows = export::directory(&platform, &f).await?;
    Ok(csv_response(
        "consultations.csv",
        export::directory_csv(&rows)?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/consultations/{slug}",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The entry's slug")),
    responses(
        (status = 200, description = "One entry", body = ConsultationOut),
        (status = 404, description = "No such entry")
    )
)]
async fn get_consultation(
    platform: Platform,
    Path(slug): Path<String>,
) -> Result<Json<ConsultationOut>> {
    let c = consultations::find(&platform.db, &slug)
        .await?
        .filter(|c| !c.is_draft())
        .ok_or(Error::NotFound)?;
    Ok(Json(export::consultation_out(&platform, c).await?))
}

/// Adds an entry to the directory (editors of its organization, administrators).
#[utoipa::path(
    post,
    path = "/api/v1/dialogue/consultations",
    tag = "dialogue",
    request_body = NewConsultation,
    responses(
        (status = 201, description = "Created", body = Created),
        (status = 403, description = "Not an editor of this organization"),
        (status = 422, description = "Invalid fields, each named")
    ),
    security(("token" = []))
)]
async fn create_consultation(
    platform: Platform,
    SignedIn(user): SignedIn,
    JsonBody(new): JsonBody<NewConsultation>,
) -> Result<(axum::http::StatusCode, Json<Created>)> {
    if !user.can_edit_for(new.organization_id) {
        return Err(Error::forbidden("dialogue-error-staff-only"));
    }
    let mut tx = platform.db.begin().await?;
    let id = consultations::create(&mut tx, &user.actor(), &new).await?;
    tx.commit().await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(Created { id, slug: new.slug }),
    ))
}
