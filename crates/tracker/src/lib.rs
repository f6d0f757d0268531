//! The accountability tracker: Open Government Partnership action plans and their commitments
//! (every field of the OGP template, in English and French), government projects, milestones
//! with evidence and weights, progress updates that move milestones, IRM-style assessments, a
//! timeline, Atom feeds, and OGP's commitment CSV both ways.

pub mod api;
pub mod canada;
pub mod demo;
pub mod feed;
pub mod forms;
pub mod gantt;
pub mod model;
pub mod ogp;
pub mod origin;
pub mod pages;
pub mod search;
pub mod store;

use axum::Router;
use platform::area::Area;
use platform::web::NavItem;

/// The tracker as the binary mounts it.
pub fn area() -> Area {
    Area::new("tracker")
        .pages(pages())
        .api(api())
        .openapi(openapi())
        .nav(nav())
        .search(search::sources(), search::site_kinds())
        .demo(|platform, _shared_data| async move { load_demo(&platform).await })
}

/// The tracker's pages, relative to the language prefix.
pub fn pages() -> Router {
    pages::routes()
}

/// The tracker's JSON API under `/api/v1/tracker/`.
pub fn api() -> Router {
    api::routes()
}

/// The API's description, for the site's OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    api::TrackerDoc::openapi()
}

pub fn nav() -> Vec<NavItem> {
    vec![NavItem {
        label: "tracker-nav",
        path: "/tracker",
    }]
}

/// Loads the demo action plan, its commitments and the projects; harmless to run again.
pub async fn load_demo(platform: &platform::Platform) -> anyhow::Result<()> {
    demo::load(platform).await
}
