//! Deleting items and plans from the pages, each after a confirmation page; archiving a plan,
//! which is what a plan that holds items gets instead of deletion; and the administrators' page
//! of what was deleted, where each can be restored.

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use platform::web::{CsrfForm, FormErrors, SignedIn, render, render_status, see_other};
use platform::{Error, Page, Platform, Result};
use serde::Deserialize;
use uuid::Uuid;

use super::{find_item, form_page, item_crumbs, require_admin, require_team};
use crate::store::{self, Deleted, Item, Plan};

pub fn routes() -> Router {
    Router::new()
        .route(
            "/tracker/{kind}/{slug}/delete",
            get(delete_item_form).post(delete_item),
        )
        .route(
            "/tracker/plans/{slug}/delete",
            get(delete_plan_form).post(delete_plan),
        )
        .route("/tracker/plans/{slug}/archive", post(archive_plan))
        .route("/tracker/deleted", get(deleted))
        .route("/tracker/deleted/{id}/restore", post(restore))
}

#[derive(askama::Template)]
#[template(path = "tracker/delete_item.html")]
struct DeleteItemPage {
    page: Page,
    item: Item,
}

async fn delete_item_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let page = form_page(
        item_crumbs(page, &item),
        "tracker-delete-item",
        &item,
        "/delete",
    );
    render(&DeleteItemPage { page, item })
}

async fn delete_item(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    platform
        .db
        .write(async |tx| store::delete_item(tx, &user.actor(), &item).await)
        .await?;
    Ok(see_other(&format!(
        "{}?notice=notice-tracker-item-deleted",
        page.url("/tracker")
    )))
}

#[derive(askama::Template)]
#[template(path = "tracker/delete_plan.html")]
struct DeletePlanPage {
    page: Page,
    plan: Plan,
    /// The items the plan holds: with any, it can only be archived.
    items: i64,
    errors: FormErrors,
}

async fn find_plan(platform: &Platform, slug: &str) -> Result<Plan> {
    store::plan_by_slug(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)
}

fn plan_crumbs(page: Page, plan: &Plan) -> Page {
    let tracker = page.t("tracker-title");
    let plans = page.t("tracker-plans-title");
    let title = plan.title.get(page.lang).to_string();
    let page = page.titled("tracker-delete-or-archive");
    let own = page.title.clone();
    page.crumb(tracker, "/tracker")
        .crumb(plans, "/tracker/plans")
        .crumb(title, &format!("/tracker/plans/{}", plan.slug))
        .crumb(own, &format!("/tracker/plans/{}/delete", plan.slug))
}

async fn plan_page(
    platform: &Platform,
    page: Page,
    plan: Plan,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let items = store::items_in_plan(&platform.db, plan.id).await?;
    render_status(
        status,
        &DeletePlanPage {
            page: plan_crumbs(page, &plan),
            plan,
            items,
            errors,
        },
    )
}

async fn delete_plan_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    require_admin(&user)?;
    let plan = find_plan(&platform, &slug).await?;
    plan_page(&platform, page, plan, FormErrors::default(), StatusCode::OK).await
}

async fn delete_plan(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    require_admin(&user)?;
    let plan = find_plan(&platform, &slug).await?;
    match platform
        .db
        .write(async |tx| store::delete_plan(tx, &user.actor(), &plan).await)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-plan-deleted",
            page.url("/tracker/plans")
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = page.errors(&e);
            plan_page(
                &platform,
                page,
                plan,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct ArchiveForm {
    #[serde(default)]
    archived: String,
}

async fn archive_plan(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ArchiveForm>,
) -> Result<Response> {
    require_admin(&user)?;
    let plan = find_plan(&platform, &slug).await?;
    let archived = match form.archived.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(Error::bad_request("error-form-invalid")),
    };
    platform
        .db
        .write(async |tx| store::archive_plan(tx, &user.actor(), &plan, archived).await)
        .await?;
    let notice = if archived {
        "notice-tracker-plan-archived"
    } else {
        "notice-tracker-plan-unarchived"
    };
    Ok(see_other(&format!(
        "{}?notice={notice}",
        page.url(&format!("/tracker/plans/{}", plan.slug))
    )))
}

#[derive(askama::Template)]
#[template(path = "tracker/deleted.html")]
struct DeletedPage {
    page: Page,
    entries: Vec<Deleted>,
    errors: FormErrors,
}

impl DeletedPage {
    fn kind_key(&self, d: &Deleted) -> &'static str {
        match d.kind.as_str() {
            "plan" => "tracker-plan",
            "project" => "tracker-kind-project",
            _ => "tracker-kind-commitment",
        }
    }
}

async fn deleted_page(
    platform: &Platform,
    page: Page,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let page = page.titled("tracker-deleted-title");
    let title = page.title.clone();
    let tracker = page.t("tracker-title");
    let page = page
        .crumb(tracker, "/tracker")
        .crumb(title, "/tracker/deleted");
    render_status(
        status,
        &DeletedPage {
            entries: store::deleted(&platform.db).await?,
            page,
            errors,
        },
    )
}

async fn deleted(platform: Platform, page: Page, SignedIn(user): SignedIn) -> Result<Response> {
    require_admin(&user)?;
    deleted_page(&platform, page, FormErrors::default(), StatusCode::OK).await
}

async fn restore(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    require_admin(&user)?;
    let id = Uuid::parse_str(&id).map_err(|_| Error::NotFound)?;
    match platform
        .db
        .write(async |tx| store::restore(tx, &user.actor(), id).await)
        .await
    {
        Ok(d) => {
            let path = if d.kind == "plan" {
                format!("/tracker/plans/{}", d.slug)
            } else {
                format!("/tracker/items/{}", d.id)
            };
            Ok(see_other(&format!(
                "{}?notice=notice-tracker-restored",
                page.url(&path)
            )))
        }
        Err(e @ Error::Validation(_)) => {
            let errors = page.errors(&e);
            deleted_page(&platform, page, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}
