//! Tabular data: CSV, TSV, spreadsheets and JSON lines become typed, versioned Parquet tables,
//! queried through CKAN's datastore API, previewed and downloaded.

pub mod api;
pub mod bounded;
pub mod demo;
pub mod dictionary;
pub mod dump;
pub mod engine;
pub mod explore;
pub mod fulltext;
pub mod ingest;
pub mod link;
pub mod load;
pub mod pages;
pub mod report;
pub mod search;
pub mod sniff;
pub mod source;
pub mod sql;
pub mod sql_functions;
pub mod store;
pub mod types;
pub mod write;

pub use demo::load_demo;
pub use pages::pages;

/// The datastore as the binary mounts it. Its CKAN actions are served by the catalogue's Action
/// API, which the binary hands [`api::Datastore`] (`catalogue::area`).
pub fn area() -> platform::area::Area {
    platform::area::Area::new("datastore")
        .pages(pages())
        .api(api())
        .jobs(load::register)
        .demo(|platform, shared_data| async move { load_demo(&platform, &shared_data).await })
}

/// The datastore's routes at absolute paths: the dumps and the Table Schemas.
pub fn api() -> axum::Router {
    dump::routes().merge(dictionary::routes())
}
