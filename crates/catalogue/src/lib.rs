#![recursion_limit = "256"]
//! Open data: the catalogue of every data holding, open or not, with its access status; the
//! CKAN Action API; search; imports.

pub mod ckan;
pub mod dashboard;
pub mod dcat;
pub mod editor;
pub mod feeds;
pub mod forms;
pub mod harvest;
pub mod import;
pub mod licences;
pub mod links;
pub mod model;
pub mod pages;
pub mod requests;
pub mod search;
pub mod standards;
pub mod store;
pub mod upload;

use platform::Platform;
use platform::area::Area;
use platform::web::NavItem;

/// The catalogue as the binary mounts it, with another area's CKAN actions (the datastore's)
/// when there is one (see [`api_with`]).
pub fn area(extension: Option<std::sync::Arc<dyn ckan::CkanExtension>>) -> Area {
    Area::new("catalogue")
        .pages(pages_with(extension.clone()))
        .api(api_with(extension))
        .openapi(openapi())
        .nav(nav())
        .search(search::sources(), search::site_kinds())
        .jobs(requests::notify::register)
        .demo(|platform, shared_data| async move { load_demo(&platform, &shared_data).await })
}

/// The pages, relative to the language prefix.
pub fn pages() -> axum::Router {
    pages_with(None)
}

/// The pages, with another area told of the resources the editor saves, as [`api_with`] does.
pub fn pages_with(extension: Option<std::sync::Arc<dyn ckan::CkanExtension>>) -> axum::Router {
    pages::pages(extension)
        .merge(requests::pages::routes())
        .merge(dashboard::pages::routes())
}

/// The API and the downloads, at absolute paths.
pub fn api() -> axum::Router {
    api_with(None)
}

/// The API with another area's CKAN actions (the datastore's) served beside the catalogue's.
pub fn api_with(extension: Option<std::sync::Arc<dyn ckan::CkanExtension>>) -> axum::Router {
    ckan::api(extension)
        .merge(pages::downloads())
        .merge(dcat::routes())
        .merge(feeds::routes())
        .merge(requests::api::routes())
        .merge(dashboard::api::routes())
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        requests::api::list_requests,
        requests::api::create_request,
        requests::api::get_request,
        requests::api::vote,
        requests::api::withdraw_vote,
        requests::api::follow,
        requests::api::unfollow,
        requests::api::comment,
        requests::api::change_status,
        requests::api::assign,
        dashboard::api::figures,
        dashboard::api::inventory_csv
    ),
    tags((name = "catalogue", description = "Open data beyond the CKAN Action API: data requests people vote on, and the Open Data Charter dashboard"))
)]
struct ApiDoc;

/// The OpenAPI description of the catalogue's native endpoints.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    ApiDoc::openapi()
}

pub fn nav() -> Vec<NavItem> {
    vec![NavItem {
        label: "nav-data",
        path: "/data",
    }]
}

/// Loads Ontario's published inventory into the demo, when the shared data is present, and a
/// few sample data requests.
pub async fn load_demo(platform: &Platform, shared_data: &std::path::Path) -> anyhow::Result<()> {
    let csv = shared_data.join("ontario-catalogue/data-ontario-ca-catalogue-2020-09-10.csv");
    if csv.exists() {
        let file = std::fs::File::open(&csv)?;
        let summary = import::ontario_catalogue(platform, file, &|_, _| {}).await?;
        print!("catalogue demo: Ontario inventory: {summary}");
    } else {
        println!(
            "catalogue demo: {} not found, skipping the Ontario inventory",
            csv.display()
        );
    }
    requests::demo::load(platform).await
}
