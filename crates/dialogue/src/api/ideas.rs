//! Ideas of a process, their comments, similar ideas while writing one, and the open-data
//! downloads of both.

use axum::Json;
use axum::extract::Path;
// Named `Query`, as axum's is, so that utoipa documents its parameters as the query's.
use platform::web::{JsonBody, QueryParams as Query, SignedIn};
use platform::{Error, Lang, Platform, Result};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{Created, Paging, lang_param, load};
use crate::export::{self, CommentOut, IdeaOut, csv_response};
use crate::ideas::{self, IdeaFilter, NewIdea};
use crate::processes;
use crate::votes;

pub(super) fn routes() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_ideas, submit_idea))
        .routes(routes!(ideas_json))
        .routes(routes!(ideas_csv))
        .routes(routes!(comments_json))
        .routes(routes!(comments_csv))
        .routes(routes!(similar))
        .routes(routes!(get_idea))
        .routes(routes!(comment))
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
    let (limit, offset) = paging.window();
    let (list, total) = ideas::list(&platform.db, &p, &f, false, limit, offset).await?;
    let tallies = if p.results_visible() {
        Some(votes::tallies(&platform.db, p.process.id).await?)
    } else {
        None
    };
    let items = list
        .iter()
        .map(|i| {
            let v = tallies.as_deref().map(|t| export::votes_in(t, i.id));
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
    JsonBody(body): JsonBody<IdeaBody>,
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
    let original = export::original_of(&platform, &idea).await?;
    let votes = if p.results_visible() {
        let tallies = votes::tallies(&platform.db, p.process.id).await?;
        Some(export::votes_in(&tallies, id))
    } else {
        None
    };
    let comments = ideas::comments(&platform.db, id)
        .await?
        .into_iter()
        .filter(|c| c.is_visible())
        .map(export::comment_out)
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
    JsonBody(body): JsonBody<CommentBody>,
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
