//! The document library: documents of a few types (collective agreements, mandate and response
//! letters, reports) with typed, bilingual metadata and access levels; their files and versions;
//! the text of every page, extracted in a background job by limited child processes and found by
//! the site search down to the page.
//!
//! The area plugs into Agora through [`area`].

pub mod agreements;
pub mod api;
pub mod demo;
pub mod documents;
pub mod extract;
pub mod files;
pub mod model;
pub mod office;
pub mod pages;
pub mod search;

use platform::area::Area;
use platform::web::NavItem;

/// The library as the binary mounts it.
pub fn area() -> Area {
    Area::new("library")
        .pages(pages())
        .api(api())
        .openapi(openapi())
        .nav(nav())
        .search(search::sources(), search::site_kinds())
        .jobs(extract::register)
        .demo(|platform, shared_data| async move { demo::load(&platform, &shared_data).await })
}

/// The area's pages, relative to the language prefix.
pub fn pages() -> axum::Router {
    pages::router()
}

/// The area's JSON API and downloads, under `/api/v1/library/`.
pub fn api() -> axum::Router {
    api::router()
}

/// The OpenAPI description of [`api`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    api::ApiDoc::openapi()
}

pub fn nav() -> Vec<NavItem> {
    vec![NavItem {
        label: "library-nav",
        path: "/library",
    }]
}
