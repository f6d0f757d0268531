//! The library's integration tests: one binary, one module per subject. They run on SQLite and,
//! when `AGORA_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod agreements;
mod documents;
mod extraction;
mod support;
