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
    items.push(NavItem {
        label: "nav-search",
        path: "/search",
    });
    items
}

pub async fn app(platform: &Platform) -> anyhow::Result<server::App> {
    let extension = ckan_extension();
    let pages = Router::new()
        .route("/", get(home))
        .route("/search", get(crate::search::search))
        .merge(catalogue::pages_with(extension.clone()))
        .merge(dialogue::pages())
        .merge(tracker::pages());
    let api = Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .merge(catalogue::api_with(extension))
        .merge(dialogue::api())
        .merge(tracker::api());
    #[cfg(feature = "datastore")]
    let (pages, api) = (
        pages.merge(datastore::pages()),
        api.merge(datastore::routes()),
    );
    Ok(server::app(platform.clone(), pages, api))
}

/// The CKAN actions other areas add to the catalogue's Action API, and their reaction to the
/// resources saved through it or the editor's pages.
fn ckan_extension() -> Option<std::sync::Arc<dyn catalogue::ckan::CkanExtension>> {
    #[cfg(feature = "datastore")]
    return Some(std::sync::Arc::new(datastore::api::Datastore));
    #[cfg(not(feature = "datastore"))]
    None
}

/// Every area's searchable entities.
pub fn search_sources() -> Vec<std::sync::Arc<dyn platform::search::SearchSource>> {
    let mut sources = vec![catalogue::search::source()];
    sources.extend(dialogue::search::sources());
    sources.push(tracker::search_source());
    sources
}

/// The kinds of background job this server runs, registered by each area.
pub fn job_registry() -> platform::jobs::Registry {
    let mut registry = platform::jobs::Registry::new();
    platform::mail::register(&mut registry);
    catalogue::requests::notify::register(&mut registry);
    dialogue::notify::register(&mut registry);
    #[cfg(feature = "datastore")]
    datastore::load::register(&mut registry);
    registry
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
        // Keys sorted: serde_json keeps insertion order (preserve_order), the contract does not.
        insta::with_settings!({sort_maps => true}, {
            insta::assert_json_snapshot!("openapi", doc);
        });
    }
}
