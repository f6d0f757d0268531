//! Turning a constraint violation into the error people see, in one call after the statement
//! (no check-then-insert race):
//!
//! ```ignore
//! exec!(tx, |c| insert.execute(&mut *c).await)
//!     .on_unique(|_| Error::field("slug", "error-slug-taken"))
//!     .on_foreign_key(|_| Error::field("organization_id", "dialogue-error-no-organization"))?;
//! ```

use crate::error::{Error, Result};

/// `on_unique` and `on_foreign_key` on the result of a statement, as `sqlx::Error` or already
/// as the platform's [`Error`]; they chain. The closure is given the violated constraint: its
/// name on PostgreSQL, SQLite's message (which names the columns) on SQLite; a column name
/// tells two unique keys of one table apart on both (`|key| key.contains("slug")`).
pub trait OnViolation<T> {
    fn on_unique(self, error: impl FnOnce(&str) -> Error) -> Result<T>;
    fn on_foreign_key(self, error: impl FnOnce(&str) -> Error) -> Result<T>;
}

#[derive(Clone, Copy)]
enum Kind {
    Unique,
    ForeignKey,
}

/// The violated constraint, when `e` is a violation of this kind.
fn violated(e: &sqlx::Error, kind: Kind) -> Option<String> {
    let sqlx::Error::Database(d) = e else {
        return None;
    };
    let hit = match kind {
        Kind::Unique => d.is_unique_violation(),
        Kind::ForeignKey => d.is_foreign_key_violation(),
    };
    hit.then(|| d.constraint().unwrap_or(d.message()).to_string())
}

fn map<T>(
    result: Result<T, Error>,
    kind: Kind,
    error: impl FnOnce(&str) -> Error,
) -> Result<T, Error> {
    match result {
        Err(Error::Internal(cause)) => {
            let key = cause
                .downcast_ref::<sqlx::Error>()
                .and_then(|e| violated(e, kind));
            match key {
                Some(key) => Err(error(&key)),
                None => Err(Error::Internal(cause)),
            }
        }
        other => other,
    }
}

impl<T> OnViolation<T> for Result<T, sqlx::Error> {
    fn on_unique(self, error: impl FnOnce(&str) -> Error) -> Result<T> {
        map(self.map_err(Error::from), Kind::Unique, error)
    }
    fn on_foreign_key(self, error: impl FnOnce(&str) -> Error) -> Result<T> {
        map(self.map_err(Error::from), Kind::ForeignKey, error)
    }
}

impl<T> OnViolation<T> for Result<T, Error> {
    fn on_unique(self, error: impl FnOnce(&str) -> Error) -> Result<T> {
        map(self, Kind::Unique, error)
    }
    fn on_foreign_key(self, error: impl FnOnce(&str) -> Error) -> Result<T> {
        map(self, Kind::ForeignKey, error)
    }
}
