//! The platform's integration tests: one binary, one module per subject.

mod accounts;
mod jobs;
mod mail;
mod ratelimit;
mod schema;
mod web;
