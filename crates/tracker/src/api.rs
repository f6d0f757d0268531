//! The tracker's native JSON API under `/api/v1/tracker/`, described in the OpenAPI document.
//! Reads are public; writes take an API token (or a session) with the same rights as the pages:
//! the lead organization's editors and administrators.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use platform::web::{JsonBody, QueryParams, SignedIn};
use platform::{Error, Platform, Result};
use serde::Serialize;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::Kind;
use crate::store::{
    self, Assessment, AssessmentInput, Detail, Filter, Item, ItemInput, MilestoneInput, Plan,
    PlanInput, Summary, Theme, Update, UpdateInput,
};

/// Text in English and French; either may be empty.
#[derive(utoipa::ToSchema)]
#[schema(as = Bilingual)]
#[allow(dead_code)]
pub struct BilingualDoc {
    pub en: String,
    pub fr: String,
}

pub fn routes() -> Router {
    api_routes().split_for_parts().0
}

/// The routes with their OpenAPI description: each path is written once, in its handler's
/// `#[utoipa::path]`.
fn api_routes() -> OpenApiRouter {
    OpenApiRouter::with_openapi(Tags::openapi())
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(show_plan, update_plan))
        .routes(routes!(list_themes))
        .routes(routes!(list_items, create_item))
        .routes(routes!(show_item, update_item, delete_item))
        .routes(routes!(update_milestone, delete_milestone))
        .routes(routes!(move_milestone))
        .routes(routes!(create_milestone))
        .routes(routes!(create_update))
        .routes(routes!(create_assessment))
}

#[derive(utoipa::OpenApi)]
#[openapi(tags((name = "tracker", description = "Action plans, OGP commitments and government projects: milestones, progress updates and IRM assessments.")))]
struct Tags;

/// The OpenAPI description of [`routes`].
pub struct TrackerDoc;

impl utoipa::OpenApi for TrackerDoc {
    fn openapi() -> utoipa::openapi::OpenApi {
        api_routes().into_openapi()
    }
}

fn created<T: Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

async fn item_by_slug(platform: &Platform, slug: &str) -> Result<Item> {
    store::item_by_slug(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)
}

/// The action plans, newest first.
#[utoipa::path(get, path = "/api/v1/tracker/plans", tag = "tracker",
    responses((status = 200, description = "Every action plan", body = Vec<Plan>)))]
async fn list_plans(platform: Platform) -> Result<Json<Vec<Plan>>> {
    Ok(Json(store::plans(&platform.db).await?))
}

/// A plan with its commitments.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanWithItems {
    pub plan: Plan,
    pub commitments: Vec<Summary>,
}

/// One action plan and its commitments, in order.
#[utoipa::path(get, path = "/api/v1/tracker/plans/{slug}", tag = "tracker",
    params(("slug" = String, Path, description = "The plan's slug")),
    responses((status = 200, description = "The plan", body = PlanWithItems), (status = 404, description = "No such plan")))]
async fn show_plan(platform: Platform, Path(slug): Path<String>) -> Result<Json<PlanWithItems>> {
    let plan = store::plan_by_slug(&platform.db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let commitments = store::list(
        &platform.db,
        &Filter {
            kind: Kind::Commitment.as_str().into(),
            plan: plan.slug.clone(),
            ..Filter::default()
        },
    )
    .await?;
    Ok(Json(PlanWithItems { plan, commitments }))
}

/// Creates an action plan (administrators).
#[utoipa::path(post, path = "/api/v1/tracker/plans", tag = "tracker", request_body = PlanInput,
    responses((status = 201, description = "The new plan", body = Plan), (status = 403, description = "Not an administrator"),
        (status = 422, description = "Invalid fields, each named")),
    security(("token" = [])))]
async fn create_plan(
    platform: Platform,
    SignedIn(user): SignedIn,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<Response> {
    if !user.is_admin() {
        return Err(Error::forbidden("error-admin-only"));
    }
    let mut tx = platform.db.begin().await?;
    let plan = store::create_plan(&mut tx, &user.actor(), input).await?;
    tx.commit().await?;
    Ok(created(plan))
}

/// Changes an action plan's title, summary, country, region, number and year (administrators).
#[utoipa::path(put, path = "/api/v1/tracker/plans/{slug}", tag = "tracker", request_body = PlanInput,
    params(("slug" = String, Path, description = "The plan's slug (it stays the same)")),
    responses((status = 200, description = "The plan", body = Plan), (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such plan"), (status = 422, description = "Invalid fields, each named")),
    security(("token" = [])))]
async fn update_plan(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<Json<Plan>> {
    if !user.is_admin() {
        return Err(Error::forbidden("error-admin-only"));
    }
    let plan = store::plan_by_slug(&platform.db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let mut tx = platform.db.begin().await?;
    let plan = store::update_plan(&mut tx, &user.actor(), &plan, input).await?;
    tx.commit().await?;
    Ok(Json(plan))
}

/// The themes commitments and projects are filed under.
#[utoipa::path(get, path = "/api/v1/tracker/themes", tag = "tracker",
    responses((status = 200, description = "Every theme", body = Vec<Theme>)))]
async fn list_themes(platform: Platform) -> Result<Json<Vec<Theme>>> {
    Ok(Json(store::themes(&platform.db).await?))
}

/// Commitments and projects with their milestones and progress, filtered.
#[utoipa::path(get, path = "/api/v1/tracker/items", tag = "tracker", params(Filter),
    responses((status = 200, description = "The items the filter selects", body = Vec<Summary>)))]
async fn list_items(
    platform: Platform,
    QueryParams(filter): QueryParams<Filter>,
) -> Result<Json<Vec<Summary>>> {
    Ok(Json(
        crate::search::list(&platform, &filter, platform::Lang::En).await?,
    ))
}

/// One commitment or project with everything about it.
#[utoipa::path(get, path = "/api/v1/tracker/items/{slug}", tag = "tracker",
    params(("slug" = String, Path, description = "The item's slug")),
    responses((status = 200, description = "The item", body = Detail), (status = 404, description = "No such item")))]
async fn show_item(platform: Platform, Path(slug): Path<String>) -> Result<Json<Detail>> {
    let item = item_by_slug(&platform, &slug).await?;
    Ok(Json(store::detail(&platform.db, item).await?))
}

/// Creates a commitment or project with its milestones (editors of the lead organization,
/// administrators). Nothing is stored unless every field is right.
#[utoipa::path(post, path = "/api/v1/tracker/items", tag = "tracker", request_body = ItemInput,
    responses((status = 201, description = "The new item", body = Detail), (status = 403, description = "Not an editor of the lead organization"),
        (status = 422, description = "Invalid fields, each named (for example `milestones[1].end`)")),
    security(("token" = [])))]
async fn create_item(
    platform: Platform,
    SignedIn(user): SignedIn,
    JsonBody(input): JsonBody<ItemInput>,
) -> Result<Response> {
    if let Some(org) = platform::orgs::find_by_slug(&platform.db, input.organization.trim()).await?
        && !user.can_edit_for(org.id)
    {
        return Err(Error::forbidden("tracker-error-not-team"));
    }
    if !user.is_admin() && user.role != platform::auth::Role::Editor {
        return Err(Error::forbidden("tracker-error-not-team"));
    }
    let mut tx = platform.db.begin().await?;
    let item = store::create_item(&mut tx, &user.actor(), input).await?;
    tx.commit().await?;
    Ok(created(store::detail(&platform.db, item).await?))
}

fn require_team(user: &platform::auth::CurrentUser, item: &Item) -> Result<()> {
    crate::pages::require_team(user, item)
}

/// Changes every field of a commitment or project (its team). Its kind and slug stay; its
/// milestones change through their own endpoints, and `milestones` is ignored. Moving it to
/// another lead organization takes the right to edit for both.
#[utoipa::path(put, path = "/api/v1/tracker/items/{slug}", tag = "tracker", request_body = ItemInput,
    params(("slug" = String, Path, description = "The item's slug")),
    responses((status = 200, description = "The item", body = Detail), (status = 403, description = "Not on the item's team"),
        (status = 404, description = "No such item"), (status = 422, description = "Invalid fields, each named")),
    security(("token" = [])))]
async fn update_item(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<ItemInput>,
) -> Result<Json<Detail>> {
    let item = item_by_slug(&platform, &slug).await?;
    require_team(&user, &item)?;
    if let Some(org) = platform::orgs::find_by_slug(&platform.db, input.organization.trim()).await?
        && !user.can_edit_for(org.id)
    {
        return Err(Error::forbidden("tracker-error-not-team"));
    }
    let mut tx = platform.db.begin().await?;
    let item = store::update_item(&mut tx, &user.actor(), &item, input).await?;
    tx.commit().await?;
    Ok(Json(store::detail(&platform.db, item).await?))
}

/// Deletes a commitment or project (its team): it leaves every list and page, and an
/// administrator can restore it with its milestones, evidence, updates and assessments.
#[utoipa::path(delete, path = "/api/v1/tracker/items/{slug}", tag = "tracker",
    params(("slug" = String, Path, description = "The item's slug")),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Not on the item's team"),
        (status = 404, description = "No such item")),
    security(("token" = [])))]
async fn delete_item(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<StatusCode> {
    let item = item_by_slug(&platform, &slug).await?;
    require_team(&user, &item)?;
    let mut tx = platform.db.begin().await?;
    store::delete_item(&mut tx, &user.actor(), &item).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The milestone at position `n` (1 is first) of an item.
async fn milestone_of(platform: &Platform, item: &Item, n: i64) -> Result<store::Milestone> {
    store::milestone_at(&platform.db, item.id, n)
        .await?
        .ok_or(Error::NotFound)
}

/// Changes a milestone's activity, novelty, dates and weight (its team). Its completion changes
/// only through progress updates, so that the history shows every change: `completion` and
/// `evidence` are ignored here.
#[utoipa::path(put, path = "/api/v1/tracker/items/{slug}/milestones/{n}", tag = "tracker", request_body = MilestoneInput,
    params(("slug" = String, Path, description = "The item's slug"), ("n" = i64, Path, description = "The milestone's place, 1 for the first")),
    responses((status = 200, description = "The item", body = Detail), (status = 403, description = "Not on the item's team"),
        (status = 404, description = "No such item or milestone"), (status = 422, description = "Invalid fields, each named")),
    security(("token" = [])))]
async fn update_milestone(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path((slug, n)): Path<(String, i64)>,
    JsonBody(input): JsonBody<MilestoneInput>,
) -> Result<Json<Detail>> {
    let item = item_by_slug(&platform, &slug).await?;
    require_team(&user, &item)?;
    let milestone = milestone_of(&platform, &item, n).await?;
    let mut tx = platform.db.begin().await?;
    store::edit_milestone(&mut tx, &user.actor(), &milestone, &input).await?;
    tx.commit().await?;
    Ok(Json(store::detail(&platform.db, item).await?))
}

/// Deletes a milestone and its evidence (its team); those after it move up one place.
#[utoipa::path(delete, path = "/api/v1/tracker/items/{slug}/milestones/{n}", tag = "tracker",
    params(("slug" = String, Path, description = "The item's slug"), ("n" = i64, Path, description = "The milestone's place, 1 for the first")),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Not on the item's team"),
        (status = 404, description = "No such item or milestone")),
    security(("token" = [])))]
async fn delete_milestone(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path((slug, n)): Path<(String, i64)>,
) -> Result<StatusCode> {
    let item = item_by_slug(&platform, &slug).await?;
    require_team(&user, &item)?;
    let milestone = milestone_of(&platform, &item, n).await?;
    let mut tx = platform.db.begin().await?;
    store::delete_milestone(&mut tx, &user.actor(), &item, &milestone).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where a milestone moves to.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MoveInput {
    /// Its new place, 1 for the first.
    pub position: i64,
}

/// Moves a milestone to another place in the item's list (its team).
#[utoipa::path(post, path = "/api/v1/tracker/items/{slug}/milestones/{n}/move", tag = "tracker", request_body = MoveInput,
    params(("slug" = String, Path, description = "The item's slug"), ("n" = i64, Path, description = "The milestone's place now, 1 for the first")),
    responses((status = 200, description = "The item, milestones in their new order", body = Detail), (status = 403, description = "Not on the item's team"),
        (status = 404, description = "No such item or milestone"), (status = 422, description = "A place outside the list")),
    security(("token" = [])))]
async fn move_milestone(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path((slug, n)): Path<(String, i64)>,
    JsonBody(input): JsonBody<MoveInput>,
) -> Result<Json<Detail>> {
    let item = item_by_slug(&platform, &slug).await?;
    require_team(&user, &item)?;
    let milestone = milestone_of(&platform, &item, n).await?;
    let mut tx = platform.db.begin().await?;
    store::move_milestone(&mut tx, &user.actor(), &item, &milestone, input.position).await?;
    tx.commit().await?;
    Ok(Json(store::detail(&platform.db, item).await?))
}

/// Adds a milestone at the end of an item's list (its team).
#[utoipa::path(post, path = "/api/v1/tracker/items/{slug}/milestones", tag = "tracker", request_body = MilestoneInput,
    params(("slug" = String, Path, description = "The item's slug")),
    responses((status = 201, description = "The item with the new milestone", body = Detail), (status = 403, description = "Not on the item's team"),
        (status = 404, description = "No such item"), (status = 422, description = "Invalid fields, each named")),
    security(("token" = [])))]
async fn create_milestone(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<MilestoneInput>,
) -> Result<Response> {
    let item = item_by_slug(&platform, &slug).await?;
    require_team(&user, &item)?;
    let mut tx = platform.db.begin().await?;
    store::add_milestone(&mut tx, &user.actor(), &item, &input).await?;
    tx.commit().await?;
    Ok(created(store::detail(&platform.db, item).await?))
}

/// Posts a progress update, which may move one milestone's completion (its team).
#[utoipa::path(post, path = "/api/v1/tracker/items/{slug}/updates", tag = "tracker", request_body = UpdateInput,
    params(("slug" = String, Path, description = "The item's slug")),
    responses((status = 201, description = "The update", body = Update), (status = 403, description = "Not on the item's team"),
        (status = 404, description = "No such item"), (status = 422, description = "Invalid fields, each named")),
    security(("token" = [])))]
async fn create_update(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<UpdateInput>,
) -> Result<Response> {
    let item = item_by_slug(&platform, &slug).await?;
    require_team(&user, &item)?;
    let mut tx = platform.db.begin().await?;
    let update =
        store::post_update(&mut tx, &user.actor(), &user.display_name, &item, &input).await?;
    tx.commit().await?;
    Ok(created(update))
}

/// Records an IRM-style assessment (administrators).
#[utoipa::path(post, path = "/api/v1/tracker/items/{slug}/assessments", tag = "tracker", request_body = AssessmentInput,
    params(("slug" = String, Path, description = "The item's slug")),
    responses((status = 201, description = "The assessment", body = Assessment), (status = 403, description = "Not an administrator"),
        (status = 404, description = "No such item"), (status = 422, description = "Invalid fields, each named")),
    security(("token" = [])))]
async fn create_assessment(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<AssessmentInput>,
) -> Result<Response> {
    let item = item_by_slug(&platform, &slug).await?;
    if !user.is_admin() {
        return Err(Error::forbidden("error-admin-only"));
    }
    let mut tx = platform.db.begin().await?;
    let assessment = store::add_assessment(&mut tx, &user.actor(), item.id, &input).await?;
    tx.commit().await?;
    Ok(created(assessment))
}
