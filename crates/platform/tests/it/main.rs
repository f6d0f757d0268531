//! The platform's integration tests: one binary, one module per subject.

mod accounts;
mod jobs;
mod schema;
mod security;
mod web;
