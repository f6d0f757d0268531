//! The platform's integration tests: one binary, one module per subject.

mod accounts;
mod db;
mod jobs;
mod mail;
mod ratelimit;
mod schema;
mod security;
mod web;
