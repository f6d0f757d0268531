//! The test kit, for the integration tests of every crate (behind the `testing` feature, so it
//! is not in the release binary):
//!
//! - the engines: [`engines`] gives one empty, migrated database on SQLite and, when
//!   `AGORA_TEST_POSTGRES_URL` is set, one on PostgreSQL; a test runs its body on each with
//!   `for t in testing::engines().await { … }` and names `t.engine` in its messages;
//! - [`Client`]: an in-process browser or API client over the assembled router, with a cookie
//!   jar, the CSRF token (form field and `X-CSRF-Token`), an API token, forms, multipart and
//!   JSON, answering a [`Reply`];
//! - fixtures: people ([`Person`]), organizations ([`org`]), API tokens ([`api_token`]) and
//!   sessions ([`Client::signed_in`], [`Client::log_in`]).

mod client;
mod fixtures;

pub use client::{Client, Multipart, Reply, form_request, json_request};
pub use fixtures::{PASSWORD, Person, api_token, count, org};

use std::str::FromStr;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tempfile::TempDir;

use crate::Platform;
use crate::config::Settings;
use crate::db::Db;

/// A migrated, empty database on one engine; its files live as long as this value.
pub struct TestDb {
    pub engine: &'static str,
    pub db: Db,
    pub dir: TempDir,
}

/// One empty database per available engine: SQLite always, PostgreSQL when configured.
pub async fn engines() -> Vec<TestDb> {
    let mut out = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        out.push(pg);
    }
    out
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("agora.db").display());
    let db = Db::open(&url).await.expect("sqlite opens");
    TestDb {
        engine: "sqlite",
        db,
        dir,
    }
}

/// A fresh schema in the PostgreSQL test database, or `None` when none is configured.
pub async fn postgres() -> Option<TestDb> {
    let url = std::env::var("AGORA_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let schema = format!("t_{started}_{}", uuid::Uuid::new_v4().simple());
    let admin = PgConnectOptions::from_str(&url).expect("AGORA_TEST_POSTGRES_URL parses");
    let mut conn = admin
        .connect()
        .await
        .expect("PostgreSQL test database reachable");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create schema");
    // A test's schema is not dropped when the test ends (there is no async drop); schemas of
    // test runs that started more than an hour ago are swept here instead.
    let old: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 't!_%' ESCAPE '!'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap_or_default();
    for name in old {
        let stamp = name
            .strip_prefix("t_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|n| n.parse::<u64>().ok());
        if stamp.is_none_or(|t| t + 3600 < started) {
            let drop_sql = format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE");
            let _ = sqlx::query(sqlx::AssertSqlSafe(drop_sql))
                .execute(&mut conn)
                .await;
        }
    }
    drop(conn);
    let opts = admin.options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(opts)
        .await
        .expect("connect to schema");
    let db = Db::Postgres(pool);
    db.migrate().await.expect("postgres migrations apply");
    Some(TestDb {
        engine: "postgres",
        db,
        dir: tempfile::tempdir().expect("temp dir"),
    })
}

/// The shared real data (`../shared/data` beside the checkout), or `None`, saying the test is
/// skipped, when it is not present.
pub fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/data is not present");
        None
    }
}

impl TestDb {
    /// The platform on this database, with its data folder (outbox, files, search) in a temp dir.
    pub fn platform(&self) -> Platform {
        let settings = Settings {
            data_dir: self.dir.path().to_path_buf(),
            ..Settings::default()
        };
        Platform::with_db(settings, self.db.clone(), Vec::new()).expect("platform builds")
    }

    /// The platform on this database with settings changed from the defaults by `change` (the
    /// data folder is this database's).
    pub fn platform_with(&self, change: impl FnOnce(&mut Settings)) -> Platform {
        let mut settings = Settings {
            data_dir: self.dir.path().to_path_buf(),
            ..Settings::default()
        };
        change(&mut settings);
        Platform::with_db(settings, self.db.clone(), Vec::new()).expect("platform builds")
    }
}
