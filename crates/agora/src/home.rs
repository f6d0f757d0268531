//! Assembles the site: the areas' pages and APIs on the platform, and the home page.

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use platform::web::{NavItem, render};
use platform::{Page, Platform, Result, server};

/// The main navigation, in order.
pub fn nav() -> Vec<NavItem> {
    let mut items = vec![NavItem {
        label: "nav-home",
        path: "/",
    }];
    items.extend(catalogue::nav());
    items.extend(dialogue::nav());
    items.extend(tracker::nav());
    items
}

pub async fn app(platform: &Platform) -> anyhow::Result<server::App> {
    let pages = Router::new()
        .route("/", get(home))
        .merge(catalogue::pages())
        .merge(dialogue::pages())
        .merge(tracker::pages());
    let api = Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .merge(catalogue::api())
        .merge(dialogue::api())
        .merge(tracker::api());
    Ok(server::app(platform.clone(), pages, api))
}

/// Every area's searchable entities.
pub fn search_sources() -> Vec<std::sync::Arc<dyn platform::search::SearchSource>> {
    vec![catalogue::search::source(), tracker::search_source()]
}

/// The kinds of background job this server runs, registered by each area.
pub fn job_registry() -> platform::jobs::Registry {
    platform::jobs::Registry::new()
}

/// The OpenAPI document of the native API: the platform's endpoints and every area's.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let mut doc = platform::server::ApiDoc::openapi();
    doc.merge(catalogue::openapi());
    doc.merge(dialogue::openapi());
    doc.merge(tracker::openapi());
    doc
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

async fn home(page: Page) -> Result<Response> {
    render(&HomePage { page })
}

#[cfg(test)]
mod tests {
    /// The native API's contract is reviewed like code: a change to it shows in this snapshot.
    #[test]
    fn openapi_document() {
        let doc = serde_json::to_value(super::openapi()).unwrap();
        assert!(doc["paths"]["/api/v1/me"]["get"].is_object());
        insta::assert_json_snapshot!("openapi", doc);
    }
}
