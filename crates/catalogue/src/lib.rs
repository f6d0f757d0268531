#![recursion_limit = "256"]
//! Open data: the catalogue of every data holding, open or not, with its access status; the
//! CKAN Action API; search; imports.

pub mod ckan;
pub mod dcat;
pub mod editor;
pub mod feeds;
pub mod harvest;
pub mod import;
pub mod licences;
pub mod links;
pub mod model;
pub mod pages;
pub mod search;
pub mod standards;
pub mod store;
pub mod upload;

use platform::Platform;
use platform::web::NavItem;

pub use pages::pages;

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
}

pub fn nav() -> Vec<NavItem> {
    vec![NavItem {
        label: "nav-data",
        path: "/dataset",
    }]
}

/// Loads Ontario's published inventory into the demo, when the shared data is present.
pub async fn load_demo(platform: &Platform, shared_data: &std::path::Path) -> anyhow::Result<()> {
    let csv = shared_data.join("ontario-catalogue/data-ontario-ca-catalogue-2020-09-10.csv");
    if !csv.exists() {
        println!(
            "catalogue demo: {} not found, skipping the Ontario inventory",
            csv.display()
        );
        return Ok(());
    }
    let file = std::fs::File::open(&csv)?;
    let summary = import::ontario_catalogue(platform, file, &|_, _| {}).await?;
    print!("catalogue demo: Ontario inventory: {summary}");
    Ok(())
}
