//! Background jobs: ingestion, reindexing, link checks, e-mail. A job is a row in the `jobs` table,
//! so it survives restarts and is visible to every node.
//!
//! - [`enqueue`] adds a job inside the caller's transaction: the job exists exactly when the
//!   caller's write does.
//! - A [`Registry`] maps each job kind to an async handler; [`spawn_workers`] starts workers in the
//!   server process. A worker leases one job at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL;
//!   one `UPDATE … RETURNING` on SQLite, whose single writer makes it atomic), extends the lease
//!   while the handler runs, and records the outcome. A job whose lease ran out (its worker died) is
//!   leased again by another worker.
//! - A failed run is retried after an exponential back-off until `max_attempts`, then the job is
//!   `failed` with its last error kept; an administrator can queue it again ([`retry`]).
//! - Workers wake on their own every `poll_interval`, at once when a job is enqueued in this process
//!   (SQLite) or by any node (PostgreSQL `NOTIFY`, delivered on commit).
//!
//! Payloads are shown to administrators and kept after the job ends: reference secrets, never put
//! them in a payload. Handlers must tolerate running more than once (a worker may die after the
//! work is done but before it is recorded).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::types::Json;
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::db::{Actor, Audited, Conn, Db, Tx, TxConn, now};
use crate::error::{Error, Msg, Result};
use crate::web::Page;
use crate::{Platform, exec, on, sql};

mod pages;
mod worker;

pub(crate) use pages::*;
pub use worker::*;

/// Attempts a job gets unless [`EnqueueOptions::max_attempts`] says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;

/// The PostgreSQL channel on which enqueues are announced to every node.
pub const NOTIFY_CHANNEL: &str = "agora_jobs";

/// Longest error text kept on a job.
const MAX_ERROR_CHARS: usize = 4000;

const COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, lease_until, locked_by, progress_done, \
                       progress_total, progress_note, last_error, created_at, updated_at, finished_at";

/// How the audit log names a job (`job.enqueue`, `job.retry`, `job.cancel`).
const JOB: Audited = Audited::new("job", "job");

/// Wakes idle workers of this process.
static WAKE: Notify = Notify::const_new();

// ---- the model ----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Failed,
        JobState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The message key of the state's name.
    pub fn label_key(self) -> &'static str {
        match self {
            JobState::Queued => "jobs-state-queued",
            JobState::Running => "jobs-state-running",
            JobState::Succeeded => "jobs-state-succeeded",
            JobState::Failed => "jobs-state-failed",
            JobState::Cancelled => "jobs-state-cancelled",
        }
    }
}

/// One job as stored.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    pub payload: Json<Value>,
    pub state: String,
    /// Runs started so far, the current one included.
    pub attempts: i64,
    pub max_attempts: i64,
    /// When the job is due (again, after a failure).
    pub run_at: OffsetDateTime,
    pub lease_until: Option<OffsetDateTime>,
    pub locked_by: Option<String>,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    pub progress_note: String,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

impl Job {
    pub fn job_state(&self) -> Option<JobState> {
        JobState::parse(&self.state)
    }

    pub fn state_label_key(&self) -> &'static str {
        self.job_state()
            .map(JobState::label_key)
            .unwrap_or("jobs-state-unknown")
    }

    pub fn can_retry(&self) -> bool {
        matches!(
            self.job_state(),
            Some(JobState::Failed | JobState::Cancelled)
        )
    }

    pub fn can_cancel(&self) -> bool {
        matches!(self.job_state(), Some(JobState::Queued | JobState::Running))
    }

    pub fn payload_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.payload.0).unwrap_or_default()
    }

    /// `(done, max)` for a `<progress>` element, when the total is known.
    pub fn progress_bar(&self) -> Option<(i64, i64)> {
        self.progress_total
            .filter(|t| *t > 0)
            .map(|t| (self.progress_done.clamp(0, t), t))
    }

    /// "1,200 of 13,956", "1,200 done" or "" in the page's language.
    pub fn progress_text(&self, page: &Page) -> String {
        match self.progress_total {
            Some(total) => page.lang.t_args(
                "jobs-progress-of",
                &[
                    ("done", page.lang.number(self.progress_done)),
                    ("total", page.lang.number(total)),
                ],
            ),
            None if self.progress_done > 0 => page.t1(
                "jobs-progress-done",
                "done",
                page.lang.number(self.progress_done),
            ),
            None => String::new(),
        }
    }

    /// "2 of 5" in the page's language.
    pub fn attempts_text(&self, page: &Page) -> String {
        page.lang.t_args(
            "jobs-attempts-value",
            &[
                ("attempts", page.lang.number(self.attempts)),
                ("max", page.lang.number(self.max_attempts)),
            ],
        )
    }

    /// The first line of the last error, for tables.
    pub fn error_summary(&self) -> Option<String> {
        self.last_error
            .as_deref()
            .map(|e| truncate(e.lines().next().unwrap_or(""), 160))
    }
}

// ---- enqueueing ----

#[derive(Clone, Debug, Default)]
pub struct EnqueueOptions {
    /// Not before this time; now when absent.
    pub run_at: Option<OffsetDateTime>,
    /// Runs allowed before the job is `failed`; [`DEFAULT_MAX_ATTEMPTS`] when absent.
    pub max_attempts: Option<i64>,
}

/// Adds a job inside the caller's transaction and records it in the audit log. Workers see it
/// once the transaction commits.
pub async fn enqueue(
    tx: &mut Tx,
    actor: &Actor,
    kind: &str,
    payload: Value,
    opts: EnqueueOptions,
) -> Result<Uuid> {
    let kind = kind.trim();
    if kind.is_empty() || kind.chars().count() > 100 {
        return Err(Error::field("kind", "jobs-error-kind"));
    }
    let max_attempts = opts.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
    if max_attempts < 1 {
        return Err(Error::field("max_attempts", "jobs-error-max-attempts"));
    }
    let id = Uuid::now_v7();
    let at = now();
    let run_at = opts.run_at.unwrap_or(at).to_offset(UtcOffset::UTC);
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, progress_done, progress_note, created_at, updated_at) \
             VALUES ($1, $2, $3, 'queued', 0, $4, $5, 0, '', $6, $6)",
        )
        .bind(id)
        .bind(kind)
        .bind(Json(&payload))
        .bind(max_attempts)
        .bind(run_at)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    // The payload stays on the job; the audit log keeps what identifies it.
    let after = json!({ "kind": kind, "run_at": run_at, "max_attempts": max_attempts });
    tx.audit_as(actor, JOB, "enqueue", id, None::<&()>, Some(&after))
        .await?;
    announce(tx).await?;
    Ok(id)
}

/// Tells workers that a job is ready. On PostgreSQL the notification goes out on commit, to every
/// node; on SQLite the in-process workers wake and wait for the writer, which this transaction
/// holds until it ends.
async fn announce(tx: &mut Tx) -> Result<()> {
    match tx.conn() {
        TxConn::Postgres(c) => {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(NOTIFY_CHANNEL)
                .execute(&mut *c)
                .await?;
        }
        TxConn::Sqlite(_) => WAKE.notify_waiters(),
    }
    Ok(())
}

/// Wakes this process's idle workers now, e.g. after a job was added by hand.
pub fn wake() {
    WAKE.notify_waiters();
}

// ---- queries ----

/// Which jobs a list shows; empty strings mean "any", so the type binds straight from a query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct JobFilter {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub kind: String,
}

impl JobFilter {
    pub fn state(state: JobState) -> JobFilter {
        JobFilter {
            state: state.as_str().to_string(),
            kind: String::new(),
        }
    }
}

/// Jobs newest first, with the number that match the filter.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    filter: &JobFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Job>, i64)> {
    const FILTER: &str = "WHERE ($1 = '' OR state = $1) AND ($2 = '' OR kind = $2)";
    const PAGE: &str = sql!(
        "SELECT ",
        COLUMNS,
        " FROM jobs ",
        FILTER,
        " ORDER BY id DESC LIMIT $3 OFFSET $4"
    );
    const COUNT: &str = sql!("SELECT COUNT(*) FROM jobs ", FILTER);
    let (state, kind) = (filter.state.trim(), filter.kind.trim());
    Ok(on!(conn, |c| {
        let rows = sqlx::query_as::<_, Job>(PAGE)
            .bind(state)
            .bind(kind)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar(COUNT)
            .bind(state)
            .bind(kind)
            .fetch_one(&mut *c)
            .await?;
        (rows, total)
    }))
}

pub async fn get(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Job>> {
    const BY_ID: &str = sql!("SELECT ", COLUMNS, " FROM jobs WHERE id = $1");
    Ok(on!(conn, |c| sqlx::query_as::<_, Job>(BY_ID)
        .bind(id)
        .fetch_optional(&mut *c)
        .await?))
}

/// How many jobs are in each state; every known state is present, in [`JobState::ALL`] order.
pub async fn counts_by_state(db: &Db) -> Result<Vec<(JobState, i64)>> {
    let rows: Vec<(String, i64)> = on!(db, |c| {
        sqlx::query_as::<_, (String, i64)>("SELECT state, COUNT(*) FROM jobs GROUP BY state")
            .fetch_all(&mut *c)
            .await?
    });
    let found: BTreeMap<String, i64> = rows.into_iter().collect();
    Ok(JobState::ALL
        .into_iter()
        .map(|s| (s, found.get(s.as_str()).copied().unwrap_or(0)))
        .collect())
}

/// Sets the `agora_jobs{state=…}` gauges from the database and returns the counts.
pub async fn update_metrics(db: &Db) -> Result<Vec<(JobState, i64)>> {
    let counts = counts_by_state(db).await?;
    for (state, n) in &counts {
        metrics::gauge!("agora_jobs", "state" => state.as_str()).set(*n as f64);
    }
    Ok(counts)
}

/// Queues a failed or cancelled job again, with a fresh count of attempts. The last error stays
/// until the next run ends.
pub async fn retry(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Job> {
    const RETRY: &str = sql!(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, lease_until = NULL, locked_by = NULL, finished_at = NULL, \
         updated_at = $1 WHERE id = $2 AND state IN ('failed', 'cancelled') RETURNING ",
        COLUMNS
    );
    let after = change_state(tx, actor, id, RETRY, "retry", "jobs-error-not-retryable").await?;
    announce(tx).await?;
    Ok(after)
}

/// Cancels a queued or running job. A running handler is stopped at its next heartbeat.
pub async fn cancel(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Job> {
    const CANCEL: &str = sql!(
        "UPDATE jobs SET state = 'cancelled', lease_until = NULL, locked_by = NULL, finished_at = $1, updated_at = $1 \
         WHERE id = $2 AND state IN ('queued', 'running') RETURNING ",
        COLUMNS
    );
    change_state(
        tx,
        actor,
        id,
        CANCEL,
        "cancel",
        "jobs-error-not-cancellable",
    )
    .await
}

/// Runs `update` (`$1` now, `$2` the job's id, returning the job) and records `job.<verb>` with
/// the states before and after; a job the update leaves alone is a conflict with `refusal`.
async fn change_state(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    update: &'static str,
    verb: &str,
    refusal: &'static str,
) -> Result<Job> {
    let before = get(&mut *tx, id).await?.ok_or(Error::NotFound)?;
    let after = exec!(tx, |c| sqlx::query_as::<_, Job>(update)
        .bind(now())
        .bind(id)
        .fetch_optional(&mut *c)
        .await?);
    let after = after.ok_or_else(|| Error::Conflict(Msg::new(refusal)))?;
    tx.audit_as(
        actor,
        JOB,
        verb,
        id,
        Some(&audit_view(&before)),
        Some(&audit_view(&after)),
    )
    .await?;
    Ok(after)
}

fn audit_view(job: &Job) -> Value {
    json!({ "kind": job.kind, "state": job.state, "attempts": job.attempts, "max_attempts": job.max_attempts, "last_error": job.last_error })
}

// ---- handlers ----

type HandlerFn = dyn Fn(JobContext) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync;

/// Which handler runs each kind of job. Each area registers its kinds at start-up.
#[derive(Default)]
pub struct Registry {
    handlers: BTreeMap<String, Arc<HandlerFn>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers the handler of `kind`.
    ///
    /// # Panics
    /// When `kind` already has a handler: two areas claiming one kind is a programming error.
    pub fn register<F, Fut>(&mut self, kind: &str, handler: F) -> &mut Registry
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let boxed: Arc<HandlerFn> = Arc::new(move |ctx| Box::pin(handler(ctx)));
        let previous = self.handlers.insert(kind.to_string(), boxed);
        assert!(previous.is_none(), "job kind `{kind}` registered twice");
        self
    }

    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }

    fn get(&self, kind: &str) -> Option<Arc<HandlerFn>> {
        self.handlers.get(kind).cloned()
    }
}

/// What a handler gets: the job, the platform, and a way to report progress.
#[derive(Clone)]
pub struct JobContext {
    inner: Arc<ContextInner>,
}

struct ContextInner {
    id: Uuid,
    kind: String,
    payload: Value,
    attempt: i64,
    max_attempts: i64,
    platform: Platform,
    progress: Mutex<Progress>,
    cancelled: AtomicBool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Progress {
    done: i64,
    total: Option<i64>,
    note: String,
    dirty: bool,
}

impl JobContext {
    fn new(job: &Job, platform: Platform) -> JobContext {
        JobContext {
            inner: Arc::new(ContextInner {
                id: job.id,
                kind: job.kind.clone(),
                payload: job.payload.0.clone(),
                attempt: job.attempts,
                max_attempts: job.max_attempts,
                platform,
                progress: Mutex::new(Progress {
                    done: job.progress_done,
                    total: job.progress_total,
                    note: job.progress_note.clone(),
                    dirty: false,
                }),
                cancelled: AtomicBool::new(false),
            }),
        }
    }

    pub fn id(&self) -> Uuid {
        self.inner.id
    }

    pub fn kind(&self) -> &str {
        &self.inner.kind
    }

    pub fn payload(&self) -> &Value {
        &self.inner.payload
    }

    /// The payload as a typed value; the error names the job kind and what did not fit.
    pub fn payload_as<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_json::from_value(self.inner.payload.clone()).map_err(|e| {
            anyhow::anyhow!(
                "the payload of this `{}` job does not fit: {e}",
                self.inner.kind
            )
        })
    }

    /// Which run this is, from 1.
    pub fn attempt(&self) -> i64 {
        self.inner.attempt
    }

    /// Whether a failure of this run fails the job for good.
    pub fn is_last_attempt(&self) -> bool {
        self.inner.attempt >= self.inner.max_attempts
    }

    pub fn platform(&self) -> &Platform {
        &self.inner.platform
    }

    pub fn db(&self) -> &Db {
        &self.inner.platform.db
    }

    /// Records progress, e.g. `ctx.progress(1200, Some(13956), "rows")?`. Cheap: the worker writes
    /// the latest value at most twice a second and when the job ends. Fails once the job has been
    /// cancelled or its lease lost, so that a loop calling it stops.
    pub fn progress(&self, done: i64, total: Option<i64>, note: &str) -> anyhow::Result<()> {
        if self.is_cancelled() {
            anyhow::bail!("the job was cancelled or taken over by another worker");
        }
        let mut p = self
            .inner
            .progress
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        p.done = done;
        p.total = total;
        if p.note != note {
            p.note = note.to_string();
        }
        p.dirty = true;
        Ok(())
    }

    /// True once the job has been cancelled or another worker took it over; the handler should stop.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    fn snapshot(&self, take_dirty: bool) -> Progress {
        let mut p = self
            .inner
            .progress
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let out = p.clone();
        if take_dirty {
            p.dirty = false;
        }
        out
    }

    fn mark_dirty(&self) {
        self.inner
            .progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .dirty = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_secs(10);
        let max = Duration::from_secs(3600);
        assert_eq!(backoff(base, max, 1), Duration::from_secs(10));
        assert_eq!(backoff(base, max, 2), Duration::from_secs(20));
        assert_eq!(backoff(base, max, 3), Duration::from_secs(40));
        assert_eq!(backoff(base, max, 9), Duration::from_secs(2560));
        assert_eq!(backoff(base, max, 10), max);
        assert_eq!(backoff(base, max, 1000), max);
        assert_eq!(backoff(base, max, 0), base);
    }

    #[test]
    fn states_round_trip() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobState::parse("nope"), None);
    }

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate("élan", 2), "él…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
