//! The datastore's integration tests: one binary, one module per subject.

mod api;
mod ckan;
mod concurrency;
mod forms;
mod hostile;
mod ingest;
mod pages;
mod restricted;
