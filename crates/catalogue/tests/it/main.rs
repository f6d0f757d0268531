//! The catalogue's integration tests: one binary, one module per subject.

mod bodies;
mod ckan;
mod dashboard;
mod editor;
mod harvest;
mod import;
mod membership;
mod request_comments;
mod requests;
mod security;
mod store;
mod visibility;
