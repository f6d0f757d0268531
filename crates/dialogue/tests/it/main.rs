//! The open-dialogue integration tests: one binary, one module per subject. Store tests run on
//! SQLite and, when `AGORA_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod api;
mod comments;
mod consultation_staff;
mod limits;
mod membership;
mod pages;
mod search;
mod setup;
mod store;
mod support;
mod writes;
