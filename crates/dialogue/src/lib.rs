//! Open dialogue: the consultations directory with published results, and co-creation processes —
//! ideas by theme, staff assessment with visible plain-language rewrites, one-person-one-vote
//! ballots with receipts, ranked results, comments and moderation.
//!
//! The area plugs into Agora through [`area`].

pub mod api;
pub mod attachments;
pub mod consultations;
pub mod demo;
pub mod export;
pub mod ideas;
pub mod import;
pub mod links;
pub mod model;
pub mod moderation;
pub mod notify;
pub mod pages;
pub mod process_setup;
pub mod processes;
pub mod search;
pub mod serde_time;
pub mod text;
pub mod votes;
pub mod web;

use platform::area::Area;
use platform::web::NavItem;

pub use demo::load_demo;

/// The dialogue as the binary mounts it.
pub fn area() -> Area {
    Area::new("dialogue")
        .pages(pages())
        .api(api())
        .openapi(openapi())
        .nav(nav())
        .search(search::sources(), search::site_kinds())
        .jobs(notify::register)
        .demo(|platform, _shared_data| async move { load_demo(&platform).await })
}

/// The area's pages, relative to the language prefix.
pub fn pages() -> axum::Router {
    pages::router()
}

/// The area's JSON API and downloads, under `/api/v1/dialogue/`.
pub fn api() -> axum::Router {
    api::router()
}

/// The OpenAPI description of [`api`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    api::ApiDoc::openapi()
}

/// The area's entries in the main navigation.
pub fn nav() -> Vec<NavItem> {
    vec![
        NavItem {
            label: "dialogue-nav-consultations",
            path: "/consultations",
        },
        NavItem {
            label: "dialogue-nav-processes",
            path: "/processes",
        },
    ]
}
