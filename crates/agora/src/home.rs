//! Assembles the site: the areas' pages and APIs on the platform, and the home page.

use std::sync::Arc;

use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use platform::area::{Area, SearchKind};
use platform::web::{NavItem, render};
use platform::{Page, Platform, Result, server};

/// Every area of the site, in order: the order of the navigation, of the site search's filters
/// and of loading the demo (the tracker's commitments link to the dialogue's processes).
pub fn areas() -> Vec<Area> {
    vec![
        platform::area(),
        catalogue::area(ckan_extension()),
        #[cfg(feature = "datastore")]
        datastore::area(),
        dialogue::area(),
        tracker::area(),
        library::area(),
    ]
}

/// The CKAN actions other areas add to the catalogue's Action API, and their reaction to the
/// resources saved through it or the editor's pages.
fn ckan_extension() -> Option<Arc<dyn catalogue::ckan::CkanExtension>> {
    #[cfg(feature = "datastore")]
    return Some(Arc::new(datastore::api::Datastore));
    #[cfg(not(feature = "datastore"))]
    None
}

/// The main navigation, in order.
pub fn nav(areas: &[Area]) -> Vec<NavItem> {
    let mut items = vec![NavItem {
        label: "nav-home",
        path: "/",
    }];
    items.extend(areas.iter().flat_map(|a| a.nav.iter().cloned()));
    items.push(NavItem {
        label: "nav-search",
        path: "/search",
    });
    items
}

pub async fn app(platform: &Platform, areas: &[Area]) -> anyhow::Result<server::App> {
    let kinds: Arc<[SearchKind]> = site_search_kinds(areas).into();
    let mut pages = Router::new().route("/", get(home)).route(
        "/search",
        get(crate::search::search).layer(Extension(kinds)),
    );
    let openapi = openapi(areas);
    let mut api = Router::new().route(
        "/api/v1/openapi.json",
        get(move || async move { axum::Json(openapi) }),
    );
    for area in areas {
        pages = pages.merge(area.pages.clone());
        api = api.merge(area.api.clone());
    }
    Ok(server::app(platform.clone(), pages, api))
}

/// Every area's searchable entities.
pub fn search_sources(areas: &[Area]) -> Vec<Arc<dyn platform::search::SearchSource>> {
    areas
        .iter()
        .flat_map(|a| a.search_sources.iter().cloned())
        .collect()
}

/// The kinds the site-wide search page lists, in the order of its filters.
fn site_search_kinds(areas: &[Area]) -> Vec<SearchKind> {
    areas
        .iter()
        .flat_map(|a| a.search_kinds.iter().copied())
        .collect()
}

/// The kinds of background job this server runs, registered by each area.
pub fn job_registry(areas: &[Area]) -> platform::jobs::Registry {
    let mut registry = platform::jobs::Registry::new();
    for register in areas.iter().flat_map(|a| &a.jobs) {
        register(&mut registry);
    }
    registry
}

/// The OpenAPI document of the native API: the platform's endpoints and every area's.
pub fn openapi(areas: &[Area]) -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let mut doc = platform::server::ApiDoc::openapi();
    for area_doc in areas.iter().filter_map(|a| a.openapi.clone()) {
        doc.merge(area_doc);
    }
    doc
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
        let doc = serde_json::to_value(super::openapi(&super::areas())).unwrap();
        assert!(doc["paths"]["/api/v1/me"]["get"].is_object());
        // Keys sorted: serde_json keeps insertion order (preserve_order), the contract does not.
        insta::with_settings!({sort_maps => true}, {
            insta::assert_json_snapshot!("openapi", doc);
        });
    }
}
