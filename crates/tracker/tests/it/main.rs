//! The tracker's integration tests: one binary, one module per subject.

mod api;
mod canada;
mod common;
mod forms;
mod housekeeping;
mod ogp_csv;
mod pages;
mod seed;
mod store;
