//! The open-dialogue JSON API under `/api/v1/dialogue/`, and the open-data downloads. Reads are
//! public; writes take a session or an API token (`Authorization` header).

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use platform::ratelimit::{Action, Throttle};
use platform::web::SignedIn;
use platform::{Error, Lang, Msg, Platform, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::consultations::{self, Filter, NewConsultation};
use crate::export::{self, CommentOut, ConsultationOut, IdeaOut, TallyOut, csv_response};
use crate::ideas::{self, IdeaFilter, NewIdea};
use crate::model::{ReportReason, TargetKind};
use crate::processes::{self, Counts, NewProcess};
use crate::votes::{self, BallotChoice, ReceiptCheck, VoteOutcome};

pub fn router() -> Router {
    Router::new()
        .route(
            "/api/v1/dialogue/consultations",
            get(list_consultations).post(create_consultation),
        )
        .route("/api/v1/dialogue/consultations.csv", get(consultations_csv))
        .route(
            "/api/v1/dialogue/consultations/{slug}",
            get(get_consultation),
        )
        .route(
            "/api/v1/dialogue/processes",
            get(list_processes).post(create_process),
        )
        .route("/api/v1/dialogue/processes/{slug}", get(get_process))
        .route(
            "/api/v1/dialogue/processes/{slug}/ideas",
            get(list_ideas).post(submit_idea),
        )
        .route(
            "/api/v1/dialogue/processes/{slug}/ideas.json",
            get(ideas_json),
        )
        .route(
            "/api/v1/dialogue/processes/{slug}/ideas.csv",
            get(ideas_csv),
        )
        .route(
            "/api/v1/dialogue/processes/{slug}/comments.json",
            get(comments_json),
        )
        .route(
            "/api/v1/dialogue/processes/{slug}/comments.csv",
            get(comments_csv),
        )
        .route("/api/v1/dialogue/processes/{slug}/similar", get(similar))
        .route("/api/v1/dialogue/processes/{slug}/results", get(results))
        .route(
            "/api/v1/dialogue/processes/{slug}/tallies.json",
            get(tallies_json),
        )
        .route(
            "/api/v1/dialogue/processes/{slug}/tallies.csv",
            get(tallies_csv),
        )
        .route("/api/v1/dialogue/processes/{slug}/ballots", post(cast))
        .route("/api/v1/dialogue/ideas/{id}", get(get_idea))
        .route("/api/v1/dialogue/ideas/{id}/comments", post(comment))
        .route("/api/v1/dialogue/reports", post(report))
        .route("/api/v1/dialogue/receipts/check", post(check_receipt))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_consultations,
        create_consultation,
        consultations_csv,
        get_consultation,
        list_processes,
        create_process,
        get_process,
        list_ideas,
        submit_idea,
        ideas_json,
        ideas_csv,
        comments_json,
        comments_csv,
        similar,
        results,
        tallies_json,
        tallies_csv,
        cast,
        get_idea,
        comment,
        report,
        check_receipt
    ),
    tags((name = "dialogue", description = "Open dialogue: the consultations directory, co-creation processes, ideas, ballots, comments and reports"))
)]
pub struct ApiDoc;

/// A JSON body; a body that does not parse is a 400 with the reason, in the API's error shape.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let req = platform::body::limited_request(req).await?;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) => Err(Error::BadRequest(
                Msg::new("dialogue-error-json").arg("detail", e.body_text()),
            )),
        }
    }
}

/// Query parameters; a query that does not parse is a 400 in the API's error shape.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(e) => Err(Error::BadRequest(
                Msg::new("dialogue-error-query").arg("detail", e.body_text()),
            )),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ConsultationList {
    pub total: i64,
    pub items: Vec<ConsultationOut>,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct Paging {
    /// 1-based page number.
    #[serde(default)]
    pub page: Option<i64>,
    /// Items per page, at most 500.
    #[serde(default)]
    pub per_page: Option<i64>,
}

impl Paging {
    fn limits(&self) -> (i64, i64) {
        let per = self.per_page.unwrap_or(50).clamp(1, 500);
        let page = self.page.unwrap_or(1).max(1);
        (per, (page - 1).saturating_mul(per))
    }
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
    let (limit, offset) = paging.limits();
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
        .ok_or(Error::NotFound)?;
    Ok(Json(export::consultation_out(&platform, c).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: Uuid,
    pub slug: String,
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
    Body(new): Body<NewConsultation>,
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

#[derive(Serialize, utoipa::ToSchema)]
pub struct PhaseOut {
    pub kind: String,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
    #[serde(with = "crate::serde_time::date")]
    pub opens_on: time::Date,
    #[serde(with = "crate::serde_time::date")]
    pub closes_on: time::Date,
    /// upcoming, open or closed.
    pub state: String,
    pub submit: String,
    pub comment: String,
    pub vote: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ThemeOut {
    pub slug: String,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CriterionOut {
    pub id: Uuid,
    pub label_en: String,
    pub label_fr: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProcessOut {
    pub id: Uuid,
    pub slug: String,
    pub organization_id: Uuid,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub guidance_en: String,
    pub guidance_fr: String,
    /// one_per_theme or approval.
    pub vote_rule: String,
    pub vote_max: i64,
    pub hide_tallies: bool,
    pub ideas_per_person: i64,
    pub report_threshold: i64,
    pub results_published: bool,
    pub sample: bool,
    pub phases: Vec<PhaseOut>,
    pub themes: Vec<ThemeOut>,
    pub criteria: Vec<CriterionOut>,
    pub counts: Counts,
}

async fn process_out(platform: &Platform, p: &crate::model::ProcessFull) -> Result<ProcessOut> {
    let counts = processes::counts(&platform.db, p.process.id).await?;
    let pr = &p.process;
    Ok(ProcessOut {
        id: pr.id,
        slug: pr.slug.clone(),
        organization_id: pr.organization_id,
        title_en: pr.title_en.clone(),
        title_fr: pr.title_fr.clone(),
        summary_en: pr.summary_en.clone(),
        summary_fr: pr.summary_fr.clone(),
        guidance_en: pr.guidance_en.clone(),
        guidance_fr: pr.guidance_fr.clone(),
        vote_rule: pr.vote_rule.clone(),
        vote_max: pr.vote_max,
        hide_tallies: pr.hide_tallies,
        ideas_per_person: pr.ideas_per_person,
        report_threshold: pr.report_threshold,
        results_published: p.results_visible(),
        sample: pr.sample,
        phases: p
            .phases
            .iter()
            .map(|ph| PhaseOut {
                kind: ph.kind.clone(),
                title_en: ph.title_en.clone(),
                title_fr: ph.title_fr.clone(),
                description_en: ph.description_en.clone(),
                description_fr: ph.description_fr.clone(),
                opens_on: ph.opens_on,
                closes_on: ph.closes_on,
                state: if ph.is_open() {
                    "open"
                } else if ph.is_upcoming() {
                    "upcoming"
                } else {
                    "closed"
                }
                .to_string(),
                submit: ph.submit_audience.clone(),
                comment: ph.comment_audience.clone(),
                vote: ph.vote_audience.clone(),
            })
            .collect(),
        themes: p
            .themes
            .iter()
            .map(|t| ThemeOut {
                slug: t.slug.clone(),
                title_en: t.title_en.clone(),
                title_fr: t.title_fr.clone(),
                description_en: t.description_en.clone(),
                description_fr: t.description_fr.clone(),
            })
            .collect(),
        criteria: p
            .criteria
            .iter()
            .map(|c| CriterionOut {
                id: c.id,
                label_en: c.label_en.clone(),
                label_fr: c.label_fr.clone(),
            })
            .collect(),
        counts,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes",
    tag = "dialogue",
    responses((status = 200, description = "Every process, open ones first", body = [ProcessOut]))
)]
async fn list_processes(platform: Platform) -> Result<Json<Vec<ProcessOut>>> {
    let mut out = Vec::new();
    for p in processes::list(&platform.db).await? {
        out.push(process_out(&platform, &p).await?);
    }
    Ok(Json(out))
}

async fn load(platform: &Platform, slug: &str) -> Result<crate::model::ProcessFull> {
    processes::find(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses(
        (status = 200, description = "The process with its phases, themes and criteria", body = ProcessOut),
        (status = 404, description = "No such process")
    )
)]
async fn get_process(platform: Platform, Path(slug): Path<String>) -> Result<Json<ProcessOut>> {
    let p = load(&platform, &slug).await?;
    Ok(Json(process_out(&platform, &p).await?))
}

/// Creates a process with its phases, themes and criteria (editors of its organization).
#[utoipa::path(
    post,
    path = "/api/v1/dialogue/processes",
    tag = "dialogue",
    request_body = NewProcess,
    responses(
        (status = 201, description = "Created", body = Created),
        (status = 403, description = "Not an editor of this organization"),
        (status = 422, description = "Invalid fields, each named")
    ),
    security(("token" = []))
)]
async fn create_process(
    platform: Platform,
    SignedIn(user): SignedIn,
    Body(new): Body<NewProcess>,
) -> Result<(axum::http::StatusCode, Json<Created>)> {
    if !user.can_edit_for(new.organization_id) {
        return Err(Error::forbidden("dialogue-error-staff-only"));
    }
    let mut tx = platform.db.begin().await?;
    let p = processes::create(&mut tx, &user.actor(), &new).await?;
    tx.commit().await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(Created {
            id: p.id,
            slug: p.slug,
        }),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IdeaList {
    pub total: i64,
    pub items: Vec<IdeaOut>,
}

/// Ideas of a process, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/ideas",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug"), IdeaFilter, Paging),
    responses((status = 200, description = "Ideas", body = IdeaList))
)]
async fn list_ideas(
    platform: Platform,
    Path(slug): Path<String>,
    Query(f): Query<IdeaFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<IdeaList>> {
    let p = load(&platform, &slug).await?;
    let (limit, offset) = paging.limits();
    let (list, total) = ideas::list(&platform.db, &p, &f, false, limit, offset).await?;
    let tallies = if p.results_visible() {
        Some(votes::tallies(&platform.db, p.process.id).await?)
    } else {
        None
    };
    let items = list
        .iter()
        .map(|i| {
            let v = tallies.as_ref().map(|t| {
                t.iter()
                    .find(|(id, _)| *id == i.id)
                    .map(|(_, n)| *n)
                    .unwrap_or(0)
            });
            export::idea_out(&p, i, None, v)
        })
        .collect();
    Ok(Json(IdeaList { total, items }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct IdeaBody {
    /// The theme's slug.
    pub theme: String,
    pub title: String,
    /// Plain text or Markdown; no HTML.
    pub body: String,
    /// en or fr (default en).
    #[serde(default)]
    pub lang: Option<String>,
}

/// Submits an idea while the idea phase is open.
#[utoipa::path(
    post,
    path = "/api/v1/dialogue/processes/{slug}/ideas",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    request_body = IdeaBody,
    responses(
        (status = 201, description = "Submitted", body = IdeaOut),
        (status = 403, description = "Outside the idea phase, not verified, or over the per-person limit"),
        (status = 422, description = "Invalid fields, each named"),
        (status = 429, description = "Too many ideas in a short time")
    ),
    security(("token" = []))
)]
async fn submit_idea(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    Body(body): Body<IdeaBody>,
) -> Result<(axum::http::StatusCode, Json<IdeaOut>)> {
    let p = load(&platform, &slug).await?;
    let lang = lang_param(body.lang.as_deref())?;
    let id = platform
        .db
        .write(async |tx| {
            ideas::submit(
                tx,
                &p,
                &user,
                NewIdea {
                    theme: &body.theme,
                    title: &body.title,
                    body: &body.body,
                    lang,
                },
            )
            .await
        })
        .await?;
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(export::idea_out(&p, &idea, None, None)),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/ideas.json",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "Every visible idea with its answer (open data)", body = [IdeaOut]))
)]
async fn ideas_json(platform: Platform, Path(slug): Path<String>) -> Result<Json<Vec<IdeaOut>>> {
    let p = load(&platform, &slug).await?;
    Ok(Json(export::ideas_of(&platform, &p).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/ideas.csv",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "Every visible idea with its answer (open data)", content_type = "text/csv"))
)]
async fn ideas_csv(
    platform: Platform,
    Path(slug): Path<String>,
) -> Result<axum::response::Response> {
    let p = load(&platform, &slug).await?;
    let rows = export::ideas_of(&platform, &p).await?;
    Ok(csv_response(
        &format!("{slug}-ideas.csv"),
        export::ideas_csv(&rows)?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/comments.json",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "Every visible comment (open data)", body = [CommentOut]))
)]
async fn comments_json(
    platform: Platform,
    Path(slug): Path<String>,
) -> Result<Json<Vec<CommentOut>>> {
    let p = load(&platform, &slug).await?;
    Ok(Json(export::comments_of(&platform, &p).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/comments.csv",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    responses((status = 200, description = "Every visible comment (open data)", content_type = "text/csv"))
)]
async fn comments_csv(
    platform: Platform,
    Path(slug): Path<String>,
) -> Result<axum::response::Response> {
    let p = load(&platform, &slug).await?;
    let rows = export::comments_of(&platform, &p).await?;
    Ok(csv_response(
        &format!("{slug}-comments.csv"),
        export::comments_csv(&rows)?,
    ))
}

/// A `lang` parameter: `en` when absent or empty, otherwise `en` or `fr`.
fn lang_param(code: Option<&str>) -> Result<Lang> {
    match code {
        None | Some("") => Ok(Lang::En),
        Some(code) => {
            Lang::from_code(code).ok_or_else(|| Error::field("lang", "error-not-in-list"))
        }
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct SimilarQuery {
    /// The text being written.
    #[serde(default)]
    pub q: String,
    /// The language it is written in: `en` (default) or `fr`.
    #[serde(default)]
    pub lang: String,
}

/// Existing ideas similar to a text, best first, from the search index (English and French).
#[utoipa::path(
    get,
    path = "/api/v1/dialogue/processes/{slug}/similar",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug"), SimilarQuery),
    responses((status = 200, description = "Up to 10 ideas", body = [IdeaOut]))
)]
async fn similar(
    platform: Platform,
    Path(slug): Path<String>,
    Query(q): Query<SimilarQuery>,
) -> Result<Json<Vec<IdeaOut>>> {
    let p = load(&platform, &slug).await?;
    let lang = lang_param(Some(&q.lang))?;
    let list = crate::search::similar_ideas(&platform, p.process.id, &q.q, "", lang, 10).await?;
    Ok(Json(
        list.iter()
            .map(|i| export::idea_out(&p, i, None, None))
            .collect(),
    ))
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
    Body(body): Body<BallotBody>,
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

#[derive(Serialize, utoipa::ToSchema)]
pub struct IdeaDetail {
    pub idea: IdeaOut,
    pub comments: Vec<CommentOut>,
    /// Ideas merged into this one.
    pub merged_from: Vec<Uuid>,
}

#[utoipa::path(
    get,
    path = "/api/v1/dialogue/ideas/{id}",
    tag = "dialogue",
    params(("id" = Uuid, Path, description = "The idea's id")),
    responses(
        (status = 200, description = "The idea, its original when rewritten, its answer and comments", body = IdeaDetail),
        (status = 404, description = "No such idea, or hidden by moderation")
    )
)]
async fn get_idea(platform: Platform, Path(id): Path<Uuid>) -> Result<Json<IdeaDetail>> {
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    if !idea.is_visible() {
        return Err(Error::NotFound);
    }
    let p = processes::find_by_id(&platform.db, idea.process_id)
        .await?
        .ok_or(Error::NotFound)?;
    let original = if idea.rewritten() {
        ideas::versions(&platform.db, id)
            .await?
            .into_iter()
            .next()
            .map(|v| (v.title, v.body))
    } else {
        None
    };
    let votes = if p.results_visible() {
        Some(
            votes::tallies(&platform.db, p.process.id)
                .await?
                .into_iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n)
                .unwrap_or(0),
        )
    } else {
        None
    };
    let comments = ideas::comments(&platform.db, id)
        .await?
        .into_iter()
        .filter(|c| c.is_visible())
        .map(|c| CommentOut {
            id: c.id,
            idea_id: c.idea_id,
            body: c.body,
            lang: c.lang,
            author_name: c.author_name.unwrap_or_default(),
            sample: c.sample,
            created_at: c.created_at,
        })
        .collect();
    let merged_from = ideas::merged_from(&platform.db, id)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    Ok(Json(IdeaDetail {
        idea: export::idea_out(&p, &idea, original, votes),
        comments,
        merged_from,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CommentBody {
    pub body: String,
    /// en or fr (default en).
    #[serde(default)]
    pub lang: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/dialogue/ideas/{id}/comments",
    tag = "dialogue",
    params(("id" = Uuid, Path, description = "The idea's id")),
    request_body = CommentBody,
    responses(
        (status = 201, description = "Added", body = Created),
        (status = 403, description = "Comments are closed, or the account is not verified"),
        (status = 422, description = "Empty, too long, or holds HTML"),
        (status = 429, description = "Too many comments in a short time")
    ),
    security(("token" = []))
)]
async fn comment(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    Body(body): Body<CommentBody>,
) -> Result<(axum::http::StatusCode, Json<Created>)> {
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    let p = processes::find_by_id(&platform.db, idea.process_id)
        .await?
        .ok_or(Error::NotFound)?;
    let lang = body
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_default();
    let cid = platform
        .db
        .write(async |tx| ideas::add_comment(tx, &p, &idea, &user, &body.body, lang).await)
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(Created {
            id: cid,
            slug: String::new(),
        }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    pub kind: TargetKind,
    pub id: Uuid,
    pub reason: ReportReason,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportOutcome {
    /// True when this report reached the threshold and hid the contribution pending review.
    pub hidden: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/dialogue/reports",
    tag = "dialogue",
    request_body = ReportBody,
    responses(
        (status = 200, description = "Recorded", body = ReportOutcome),
        (status = 403, description = "One's own contribution"),
        (status = 409, description = "Reported by this person already")
    ),
    security(("token" = []))
)]
async fn report(
    platform: Platform,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    Body(body): Body<ReportBody>,
) -> Result<Json<ReportOutcome>> {
    throttle.check(Action::Report).await?;
    let hidden = platform
        .db
        .write(async |tx| {
            crate::moderation::report(
                tx,
                &user,
                body.kind,
                body.id,
                body.reason,
                crate::moderation::ReportCounting::from_settings(&platform.settings),
            )
            .await
        })
        .await?;
    Ok(Json(ReportOutcome { hidden }))
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
    Body(body): Body<ReceiptBody>,
) -> Result<Json<ReceiptCheck>> {
    votes::check_receipt(&platform.db, &body.code)
        .await?
        .map(Json)
        .ok_or(Error::NotFound)
}

#[cfg(test)]
mod tests {
    use super::Paging;

    #[test]
    fn a_page_past_any_end_does_not_overflow() {
        for page in [i64::MAX, i64::MAX / 2, 9_000_000_000_000_000] {
            let paging = Paging {
                page: Some(page),
                per_page: Some(500),
            };
            let (per, offset) = paging.limits();
            assert_eq!(per, 500);
            assert!(offset >= 0, "{page}: {offset}");
        }
        let (_, offset) = Paging {
            page: Some(-5),
            per_page: Some(i64::MAX),
        }
        .limits();
        assert_eq!(offset, 0);
    }
}
