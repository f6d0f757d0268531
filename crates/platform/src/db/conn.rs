//! One connection argument for reads and writes: a store function takes `impl Into<Conn<'_>>` and
//! is called with `&Db` (a connection from the read pool) or `&mut Tx` (inside the write
//! transaction), so no store needs a `tx_` twin of a read.

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

use super::{Db, Engine, Tx, TxConn};
use crate::error::Result;

/// Where a query runs: the read pool of a [`Db`], or the connection of a [`Tx`].
///
/// Run a query on it with [`on!`](crate::on). To run several, convert once
/// (`let mut conn = conn.into();`) and pass `&mut conn` each time: it lends the same connection.
pub enum Conn<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Db(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

impl<'a, 'b> From<&'b mut Conn<'a>> for Conn<'b> {
    fn from(conn: &'b mut Conn<'a>) -> Self {
        match conn {
            Conn::Db(db) => Conn::Db(db),
            Conn::Tx(tx) => Conn::Tx(tx),
        }
    }
}

impl<'a> Conn<'a> {
    /// The conversion [`on!`](crate::on) applies to its argument.
    pub fn of(conn: impl Into<Conn<'a>>) -> Self {
        conn.into()
    }

    pub fn engine(&self) -> Engine {
        match self {
            Conn::Db(db) => db.engine(),
            Conn::Tx(tx) => tx.engine(),
        }
    }

    /// A connection to run statements on: one taken from the read pool (given back when the
    /// [`Held`] is dropped), or the transaction's own.
    pub async fn hold(self) -> Result<Held<'a>, sqlx::Error> {
        Ok(Held(match self {
            Conn::Db(Db::Sqlite { reader, .. }) => HeldInner::Sqlite(reader.acquire().await?),
            Conn::Db(Db::Postgres(pool)) => HeldInner::Postgres(pool.acquire().await?),
            Conn::Tx(tx) => HeldInner::Tx(tx),
        }))
    }
}

/// A connection held for the length of one [`on!`](crate::on) body.
pub struct Held<'a>(HeldInner<'a>);

enum HeldInner<'a> {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    Tx(&'a mut Tx),
}

impl Held<'_> {
    pub fn conn(&mut self) -> TxConn<'_> {
        match &mut self.0 {
            HeldInner::Sqlite(c) => TxConn::Sqlite(c),
            HeldInner::Postgres(c) => TxConn::Postgres(c),
            HeldInner::Tx(tx) => tx.conn(),
        }
    }
}

/// Runs `$body` with `$c` bound to a `&mut` connection of whatever `$conn` converts into a
/// [`Conn`]: `&Db`, `&mut Tx` or `&mut Conn`. The body is compiled once per engine, as with
/// [`read!`](crate::read) and [`exec!`](crate::exec).
///
/// ```ignore
/// pub async fn find(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<Process>> {
///     Ok(on!(conn, |c| sqlx::query_as(SELECT_BY_SLUG).bind(slug).fetch_optional(&mut *c).await?))
/// }
/// ```
#[macro_export]
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {{
        let mut held = $crate::db::Conn::of($conn).hold().await?;
        match held.conn() {
            $crate::db::TxConn::Sqlite($c) => $body,
            $crate::db::TxConn::Postgres($c) => $body,
        }
    }};
}

impl Db {
    /// Runs `work` in a new write transaction and commits it when `work` succeeds; on an error
    /// the transaction is rolled back and the error returned. The one way for a handler to write:
    ///
    /// ```ignore
    /// let id = platform.db.write(async |tx| consultations::create(tx, &actor, &new).await).await?;
    /// ```
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        F: AsyncFnOnce(&mut Tx) -> Result<T>,
    {
        let mut tx = self.begin().await?;
        let value = work(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }
}
