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

/// The datastore's routes at absolute paths: the dumps and the Table Schemas.
pub fn routes() -> axum::Router {
    dump::routes().merge(dictionary::routes())
}
