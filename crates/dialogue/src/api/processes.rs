//! Co-creation processes with their phases, themes and criteria.

use axum::Json;
use axum::extract::Path;
use platform::web::{JsonBody, SignedIn};
use platform::{Error, Platform, Result};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{Created, load};
use crate::processes::{self, Counts, NewProcess};

pub(super) fn routes() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_processes, create_process))
        .routes(routes!(get_process, update_process))
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
    JsonBody(new): JsonBody<NewProcess>,
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

/// Replaces a process's setup — phases (matched by kind), themes (by slug), criteria (by `id`),
/// rule and limits — all or nothing (editors of its organization). What would break what has
/// happened (a new voting rule once ballots exist, removing a theme that holds ideas, overlapping
/// phases…) is refused with each reason on its field. The slug and organization stay.
#[utoipa::path(
    put,
    path = "/api/v1/dialogue/processes/{slug}",
    tag = "dialogue",
    params(("slug" = String, Path, description = "The process's slug")),
    request_body = NewProcess,
    responses(
        (status = 200, description = "The process as it is now", body = ProcessOut),
        (status = 403, description = "Not an editor of this organization"),
        (status = 404, description = "No such process"),
        (status = 422, description = "Invalid or refused fields, each named")
    ),
    security(("token" = []))
)]
async fn update_process(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    JsonBody(edit): JsonBody<NewProcess>,
) -> Result<Json<ProcessOut>> {
    let p = load(&platform, &slug).await?;
    if !user.can_edit_for(p.process.organization_id) {
        return Err(Error::forbidden("dialogue-error-staff-only"));
    }
    let updated = platform
        .db
        .write(async |tx| {
            crate::process_setup::update(tx, &user.actor(), p.process.id, &edit).await
        })
        .await?;
    Ok(Json(process_out(&platform, &updated).await?))
}
