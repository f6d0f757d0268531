//! The database of record: SQLite (embedded default) or PostgreSQL, chosen once from the URL.
//!
//! Each query is written once with `$1` placeholders and compiled for both engines through the
//! [`read!`](crate::read) and [`exec!`](crate::exec) macros, which run the same body on whichever
//! connection type the engine has. Every write goes through a [`Tx`], which also records the
//! audit log and the search change log in the same transaction.
//!
//! The kit a store is written with (see "How to write a query" in docs/ARCHITECTURE.md):
//! [`Conn`] and [`on!`](crate::on) for a query that runs on either the read pool or a
//! transaction, [`sql!`](crate::sql) for SQL built from constants, [`placeholders`] for `IN`
//! lists with [`BindAll`], [`BindBilingual`] for bilingual columns, [`OnViolation`] for constraint violations,
//! [`Audited`] with `Tx::audit_created`/`audit_updated`/`audit_deleted`, and [`Db::write`].

mod audit;
mod bind;
mod conn;
mod sql;
mod violations;

pub use audit::Audited;
pub use bind::{BilingualRef, BindAll, BindBilingual};
pub use conn::{Conn, Held};
pub use sql::{concatcp, placeholders};
pub use violations::OnViolation;

use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::config::redact_url;
use crate::error::{Error, Result};

pub static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
pub static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("../../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A handle on the database of record. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// One writer connection (SQLite allows one writer at a time) and a pool of readers.
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Postgres(PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    Scheme(String),
    #[error("cannot reach database {url}: {source}")]
    Unreachable { url: String, source: sqlx::Error },
    #[error("cannot create the folder for database {url}: {source}")]
    Folder { url: String, source: std::io::Error },
    #[error("cannot apply migrations to {url}: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
}

impl Db {
    /// Connects by URL. An unknown scheme is refused rather than silently creating a file.
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        let shown = redact_url(url);
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            let memory = path == ":memory:" || path.is_empty();
            if !memory
                && let Some(parent) = std::path::Path::new(path)
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).map_err(|source| ConnectError::Folder {
                    url: shown.clone(),
                    source,
                })?;
            }
            let opts = if memory {
                // A shared in-memory database, private to this process, for tests.
                SqliteConnectOptions::from_str(&format!(
                    "sqlite:file:mem{}?mode=memory&cache=shared",
                    Uuid::new_v4().simple()
                ))
                .map_err(|source| ConnectError::Unreachable {
                    url: shown.clone(),
                    source,
                })?
            } else {
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
            }
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .synchronous(SqliteSynchronous::Normal);
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(if memory { 1 } else { 0 })
                .idle_timeout(if memory {
                    None
                } else {
                    Some(Duration::from_secs(600))
                })
                .max_lifetime(if memory {
                    None
                } else {
                    Some(Duration::from_secs(1800))
                })
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await
                .map_err(|source| ConnectError::Unreachable {
                    url: shown.clone(),
                    source,
                })?;
            let reader = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await
                .map_err(|source| ConnectError::Unreachable {
                    url: shown.clone(),
                    source,
                })?;
            return Ok(Db::Sqlite { writer, reader });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts =
                PgConnectOptions::from_str(url).map_err(|source| ConnectError::Unreachable {
                    url: shown.clone(),
                    source,
                })?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .map_err(|source| ConnectError::Unreachable {
                    url: shown.clone(),
                    source,
                })?;
            return Ok(Db::Postgres(pool));
        }
        Err(ConnectError::Scheme(shown))
    }

    /// Connects and applies the migrations.
    pub async fn open(url: &str) -> Result<Db, ConnectError> {
        let db = Db::connect(url).await?;
        db.migrate().await.map_err(|source| ConnectError::Migrate {
            url: redact_url(url),
            source,
        })?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite { .. } => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so that a read followed by a write never fails with "database is locked" when another
    /// process (the CLI beside a running server) writes too.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match self {
            Db::Sqlite { writer, .. } => {
                TxInner::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx { inner })
    }

    pub async fn ping(&self) -> Result<()> {
        crate::read!(self, |c| {
            sqlx::query("SELECT 1").execute(&mut *c).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Runs `$body` with `$c` bound to a `&mut` connection from the read pool, compiled once per engine.
#[macro_export]
macro_rules! read {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { reader, .. } => {
                let mut conn = reader.acquire().await?;
                let $c: &mut ::sqlx::SqliteConnection = &mut *conn;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                let $c: &mut ::sqlx::PgConnection = &mut *conn;
                $body
            }
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection, compiled once per engine.
#[macro_export]
macro_rules! exec {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx.conn() {
            $crate::db::TxConn::Sqlite($c) => $body,
            $crate::db::TxConn::Postgres($c) => $body,
        }
    };
}

enum TxInner {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A connection on one engine: a transaction's, or one held from the read pool by [`on!`](crate::on).
pub enum TxConn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Who did something, for the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub label: String,
}

impl Actor {
    pub fn user(id: Uuid, email: &str) -> Self {
        Actor {
            user_id: Some(id),
            label: email.to_string(),
        }
    }
    pub fn system(label: &str) -> Self {
        Actor {
            user_id: None,
            label: label.to_string(),
        }
    }
    pub fn anonymous() -> Self {
        Actor::system("anonymous")
    }
}

/// A write transaction. Dropping it without `commit` rolls back.
pub struct Tx {
    inner: TxInner,
}

impl Tx {
    pub fn engine(&self) -> Engine {
        match self.inner {
            TxInner::Sqlite(_) => Engine::Sqlite,
            TxInner::Postgres(_) => Engine::Postgres,
        }
    }

    pub fn conn(&mut self) -> TxConn<'_> {
        match &mut self.inner {
            TxInner::Sqlite(t) => TxConn::Sqlite(t),
            TxInner::Postgres(t) => TxConn::Postgres(t),
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Records one write in the audit log, inside this transaction: it is kept exactly when the
    /// write is.
    pub async fn audit<B: Serialize, A: Serialize>(
        &mut self,
        actor: &Actor,
        action: &str,
        entity_type: &str,
        entity_id: &str,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<()> {
        let before = before
            .map(serde_json::to_value)
            .transpose()
            .map_err(Error::internal)?;
        let after = after
            .map(serde_json::to_value)
            .transpose()
            .map_err(Error::internal)?;
        let id = Uuid::now_v7();
        let at = OffsetDateTime::now_utc();
        crate::exec!(self, |c| {
            sqlx::query(
                "INSERT INTO audit_log (id, at, actor_id, actor_label, action, entity_type, entity_id, before_state, after_state) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(at)
            .bind(actor.user_id)
            .bind(&actor.label)
            .bind(action)
            .bind(entity_type)
            .bind(entity_id)
            .bind(before.map(sqlx::types::Json))
            .bind(after.map(sqlx::types::Json))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }

    /// Notes that a searchable entity changed, so that every node's search index picks it up.
    pub async fn changed(&mut self, kind: &str, entity_id: &str) -> Result<()> {
        let at = OffsetDateTime::now_utc();
        crate::exec!(self, |c| {
            sqlx::query("INSERT INTO change_log (kind, entity_id, at) VALUES ($1, $2, $3)")
                .bind(kind)
                .bind(entity_id)
                .bind(at)
                .execute(&mut *c)
                .await?;
        });
        Ok(())
    }
}

/// Now, in UTC: every stored timestamp is UTC so that SQLite's text timestamps sort correctly.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
