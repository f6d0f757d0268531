//! The platform's integration tests: one binary, one module per subject.

mod accounts;
mod schema;
mod web;
