//! Data requests in the native JSON API, under `/api/v1/catalogue/requests`. Reads are public;
//! writes take a session or an API token.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use platform::ratelimit::{Action, Throttle};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use platform::web::{JsonBody as Body, QueryParams as Query, SignedIn};
use platform::{Error, Platform, Result};

use super::{Comment, DataRequest, Event, Filter, NewRequest, Standing, StatusChange};
use crate::forms::today;

pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/catalogue/requests",
            get(list_requests).post(create_request),
        )
        .route("/api/v1/catalogue/requests/{id}", get(get_request))
        .route(
            "/api/v1/catalogue/requests/{id}/vote",
            post(vote).delete(withdraw_vote),
        )
        .route(
            "/api/v1/catalogue/requests/{id}/follow",
            post(follow).delete(unfollow),
        )
        .route("/api/v1/catalogue/requests/{id}/comments", post(comment))
        .route(
            "/api/v1/catalogue/requests/{id}/status",
            post(change_status),
        )
        .route("/api/v1/catalogue/requests/{id}/assign", post(assign))
}

/// 20 requests unless asked for, at most 100.
type Paging = platform::web::Paging<20, 100>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestList {
    pub total: i64,
    /// Most votes first.
    pub items: Vec<DataRequest>,
}

#[utoipa::path(
    get,
    path = "/api/v1/catalogue/requests",
    tag = "catalogue",
    params(Filter, Paging),
    responses((status = 200, description = "Data requests ranked by votes", body = RequestList))
)]
pub async fn list_requests(
    platform: Platform,
    Query(filter): Query<Filter>,
    Query(paging): Query<Paging>,
) -> Result<Json<RequestList>> {
    let (limit, offset) = paging.window();
    let (items, total) = super::list(&platform.db, &filter, limit, offset).await?;
    Ok(Json(RequestList { total, items }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: DataRequest,
    /// The released dataset's name.
    pub dataset_name: Option<String>,
    pub comments: Vec<Comment>,
    pub history: Vec<Event>,
    /// The caller's vote and follow, when signed in.
    pub mine: Option<Standing>,
}

async fn find(platform: &Platform, id: Uuid) -> Result<DataRequest> {
    super::get(&platform.db, id).await?.ok_or(Error::NotFound)
}

async fn detail(
    platform: &Platform,
    r: DataRequest,
    user: Option<&platform::auth::CurrentUser>,
) -> Result<RequestDetail> {
    let dataset_name = match r.dataset_id {
        Some(id) => crate::store::dataset_row(&platform.db, &id.to_string())
            .await?
            .filter(|d| d.is_public())
            .map(|d| d.name),
        None => None,
    };
    let mine = match user {
        Some(u) => Some(super::standing(&platform.db, r.id, u.id).await?),
        None => None,
    };
    Ok(RequestDetail {
        comments: super::comments(&platform.db, r.id).await?,
        history: super::events(&platform.db, r.id).await?,
        dataset_name,
        mine,
        request: r,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/catalogue/requests/{id}",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request with its comments and history", body = RequestDetail),
        (status = 404, description = "No such request")
    )
)]
pub async fn get_request(
    platform: Platform,
    ctx: platform::web::RequestContext,
    Path(id): Path<Uuid>,
) -> Result<Json<RequestDetail>> {
    let r = find(&platform, id).await?;
    Ok(Json(detail(&platform, r, ctx.user.as_ref()).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedId {
    pub id: Uuid,
}

/// Submits a request; its author follows it.
#[utoipa::path(
    post,
    path = "/api/v1/catalogue/requests",
    tag = "catalogue",
    request_body = NewRequest,
    responses(
        (status = 201, description = "Submitted", body = CreatedId),
        (status = 403, description = "Not signed in"),
        (status = 422, description = "Invalid fields, each named")
    ),
    security(("token" = []))
)]
pub async fn create_request(
    platform: Platform,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    Body(new): Body<NewRequest>,
) -> Result<(StatusCode, Json<CreatedId>)> {
    throttle.check(Action::DataRequest).await?;
    let id = super::create(&platform.db, &user, &new).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id })))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Votes {
    pub votes: i64,
}

/// Votes for a request: one vote a person.
#[utoipa::path(
    post,
    path = "/api/v1/catalogue/requests/{id}/vote",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "Counted", body = Votes),
        (status = 404, description = "No such request"),
        (status = 409, description = "Voted already, or the request is answered")
    ),
    security(("token" = []))
)]
pub async fn vote(
    platform: Platform,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    Path(id): Path<Uuid>,
) -> Result<Json<Votes>> {
    let r = find(&platform, id).await?;
    throttle.check(Action::Vote).await?;
    super::vote(&platform.db, &user, &r).await?;
    let votes = find(&platform, id).await?.votes;
    Ok(Json(Votes { votes }))
}

/// Withdraws the caller's vote.
#[utoipa::path(
    delete,
    path = "/api/v1/catalogue/requests/{id}/vote",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "Withdrawn", body = Votes),
        (status = 404, description = "No such request"),
        (status = 409, description = "The caller has not voted for it")
    ),
    security(("token" = []))
)]
pub async fn withdraw_vote(
    platform: Platform,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    Path(id): Path<Uuid>,
) -> Result<Json<Votes>> {
    let r = find(&platform, id).await?;
    throttle.check(Action::Vote).await?;
    super::withdraw_vote(&platform.db, &user, &r).await?;
    let votes = find(&platform, id).await?.votes;
    Ok(Json(Votes { votes }))
}

/// Follows a request: its status changes arrive by e-mail.
#[utoipa::path(
    post,
    path = "/api/v1/catalogue/requests/{id}/follow",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    responses((status = 204, description = "Following"), (status = 404, description = "No such request")),
    security(("token" = []))
)]
pub async fn follow(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let r = find(&platform, id).await?;
    super::follow(&platform.db, &user, &r, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/api/v1/catalogue/requests/{id}/follow",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    responses((status = 204, description = "Not following any more"), (status = 404, description = "No such request")),
    security(("token" = []))
)]
pub async fn unfollow(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let r = find(&platform, id).await?;
    super::follow(&platform.db, &user, &r, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewComment {
    /// Markdown, at most 4,000 characters.
    pub body: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/catalogue/requests/{id}/comments",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    request_body = NewComment,
    responses(
        (status = 201, description = "Posted", body = CreatedId),
        (status = 404, description = "No such request"),
        (status = 422, description = "Empty or too long")
    ),
    security(("token" = []))
)]
pub async fn comment(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    Body(new): Body<NewComment>,
) -> Result<(StatusCode, Json<CreatedId>)> {
    let r = find(&platform, id).await?;
    let id = super::comment(&platform.db, &user, &r, &new.body).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id })))
}

/// Moves a request along the workflow (staff of its organization, or administrators); its
/// followers are told by e-mail.
#[utoipa::path(
    post,
    path = "/api/v1/catalogue/requests/{id}/status",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The request as it now is", body = DataRequest),
        (status = 403, description = "Not staff of the request's organization"),
        (status = 404, description = "No such request"),
        (status = 422, description = "A status that cannot follow the current one, or a missing date, dataset or reason")
    ),
    security(("token" = []))
)]
pub async fn change_status(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    Body(change): Body<StatusChange>,
) -> Result<Json<DataRequest>> {
    let r = find(&platform, id).await?;
    super::change_status(&platform.db, &user, &r, &change, today()).await?;
    Ok(Json(find(&platform, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Assignment {
    /// The organization's slug; empty to unassign.
    pub organization: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/catalogue/requests/{id}/assign",
    tag = "catalogue",
    params(("id" = Uuid, Path, description = "The request's id")),
    request_body = Assignment,
    responses(
        (status = 200, description = "The request as it now is", body = DataRequest),
        (status = 403, description = "Not staff of the request's organization"),
        (status = 404, description = "No such request"),
        (status = 422, description = "No such organization")
    ),
    security(("token" = []))
)]
pub async fn assign(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    Body(a): Body<Assignment>,
) -> Result<Json<DataRequest>> {
    let r = find(&platform, id).await?;
    super::assign(&platform.db, &user, &r, &a.organization).await?;
    Ok(Json(find(&platform, id).await?))
}
