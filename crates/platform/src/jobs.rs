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
use std::fmt::Write as _;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query};
use axum::response::Response;
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::types::Json;
use time::{OffsetDateTime, UtcOffset};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use tracing::Instrument;
use uuid::Uuid;

use crate::db::{Actor, Db, Engine, Tx, TxConn, now};
use crate::error::{Error, Msg, Result};
use crate::web::{Admin, CsrfForm, Page, Pager, render, see_other};
use crate::{Platform, exec, read};

/// Attempts a job gets unless [`EnqueueOptions::max_attempts`] says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;

/// The PostgreSQL channel on which enqueues are announced to every node.
pub const NOTIFY_CHANNEL: &str = "agora_jobs";

/// Longest error text kept on a job.
const MAX_ERROR_CHARS: usize = 4000;

const COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, lease_until, locked_by, progress_done, \
                       progress_total, progress_note, last_error, created_at, updated_at, finished_at";

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
    tx.audit(
        actor,
        "job.enqueue",
        "job",
        &id.to_string(),
        None::<&()>,
        Some(&after),
    )
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
pub async fn list(db: &Db, filter: &JobFilter, limit: i64, offset: i64) -> Result<(Vec<Job>, i64)> {
    let (state, kind) = (filter.state.trim(), filter.kind.trim());
    let where_ = "WHERE ($1 = '' OR state = $1) AND ($2 = '' OR kind = $2)";
    let list_sql =
        format!("SELECT {COLUMNS} FROM jobs {where_} ORDER BY id DESC LIMIT $3 OFFSET $4");
    let count_sql = format!("SELECT COUNT(*) FROM jobs {where_}");
    Ok(read!(db, |c| {
        let rows = sqlx::query_as::<_, Job>(sqlx::AssertSqlSafe(list_sql.as_str()))
            .bind(state)
            .bind(kind)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
            .bind(state)
            .bind(kind)
            .fetch_one(&mut *c)
            .await?;
        (rows, total)
    }))
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    Ok(read!(db, |c| sqlx::query_as::<_, Job>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}

/// How many jobs are in each state; every known state is present, in [`JobState::ALL`] order.
pub async fn counts_by_state(db: &Db) -> Result<Vec<(JobState, i64)>> {
    let rows: Vec<(String, i64)> = read!(db, |c| {
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
    let before = get_in_tx(tx, id).await?.ok_or(Error::NotFound)?;
    let at = now();
    let sql = format!(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, lease_until = NULL, locked_by = NULL, finished_at = NULL, \
         updated_at = $1 WHERE id = $2 AND state IN ('failed', 'cancelled') RETURNING {COLUMNS}"
    );
    let after = exec!(tx, |c| sqlx::query_as::<_, Job>(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(at)
    .bind(id)
    .fetch_optional(&mut *c)
    .await?);
    let after = after.ok_or_else(|| Error::Conflict(Msg::new("jobs-error-not-retryable")))?;
    tx.audit(
        actor,
        "job.retry",
        "job",
        &id.to_string(),
        Some(&audit_view(&before)),
        Some(&audit_view(&after)),
    )
    .await?;
    announce(tx).await?;
    Ok(after)
}

/// Cancels a queued or running job. A running handler is stopped at its next heartbeat.
pub async fn cancel(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Job> {
    let before = get_in_tx(tx, id).await?.ok_or(Error::NotFound)?;
    let at = now();
    let sql = format!(
        "UPDATE jobs SET state = 'cancelled', lease_until = NULL, locked_by = NULL, finished_at = $1, updated_at = $1 \
         WHERE id = $2 AND state IN ('queued', 'running') RETURNING {COLUMNS}"
    );
    let after = exec!(tx, |c| sqlx::query_as::<_, Job>(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(at)
    .bind(id)
    .fetch_optional(&mut *c)
    .await?);
    let after = after.ok_or_else(|| Error::Conflict(Msg::new("jobs-error-not-cancellable")))?;
    tx.audit(
        actor,
        "job.cancel",
        "job",
        &id.to_string(),
        Some(&audit_view(&before)),
        Some(&audit_view(&after)),
    )
    .await?;
    Ok(after)
}

async fn get_in_tx(tx: &mut Tx, id: Uuid) -> Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    Ok(exec!(tx, |c| sqlx::query_as::<_, Job>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
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

// ---- workers ----

#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Sleep between looks at the table when idle.
    pub poll_interval: Duration,
    /// How long a lease lasts; another worker takes the job over when it runs out.
    pub lease: Duration,
    /// How often a running job's lease is extended.
    pub heartbeat: Duration,
    /// How often reported progress is written.
    pub progress_interval: Duration,
    /// Delay before the first retry; doubled for each further one.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// On shutdown, how long running jobs get to finish before their lease is handed back.
    pub shutdown_grace: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            heartbeat: Duration::from_secs(15),
            progress_interval: Duration::from_millis(500),
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(3600),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The delay before the next run after `attempts` failed runs: `base · 2^(attempts-1)`, capped.
pub fn backoff(base: Duration, max: Duration, attempts: i64) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 30) as u32;
    base.checked_mul(1u32 << exponent).unwrap_or(max).min(max)
}

/// The running workers of this process. [`WorkerHandle::shutdown`] stops them gracefully; dropping
/// the handle asks them to stop without waiting.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    ids: Vec<String>,
}

impl WorkerHandle {
    /// The `locked_by` names of these workers.
    pub fn worker_ids(&self) -> &[String] {
        &self.ids
    }

    /// Stops taking jobs, lets running ones finish within the grace period, hands back the leases
    /// of those that do not, and waits for every worker to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "job worker ended abnormally");
            }
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Starts `n` workers with the default options.
pub fn spawn_workers(platform: Platform, registry: Arc<Registry>, n: usize) -> WorkerHandle {
    spawn_workers_with(platform, registry, n, WorkerOptions::default())
}

pub fn spawn_workers_with(
    platform: Platform,
    registry: Arc<Registry>,
    n: usize,
    opts: WorkerOptions,
) -> WorkerHandle {
    let (stop, stop_rx) = watch::channel(false);
    let node = node_name();
    let shared = Arc::new(Shared {
        platform: platform.clone(),
        registry,
        opts,
    });
    let mut tasks = Vec::new();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{node}#{}", i + 1);
        ids.push(id.clone());
        tasks.push(tokio::spawn(worker_loop(
            shared.clone(),
            id,
            stop_rx.clone(),
        )));
    }
    if let (true, Db::Postgres(pool)) = (n > 0, &platform.db) {
        tasks.push(tokio::spawn(listen_loop(pool.clone(), stop_rx)));
    }
    tracing::info!(workers = n, node = %node, "job workers started");
    WorkerHandle { stop, tasks, ids }
}

/// Runs every job that is due now in this task, one after another, until none is left; returns
/// how many ran. For tests and one-off commands, where no workers run: a job that fails is queued
/// again after its back-off and so is not run twice here.
pub async fn run_due(platform: &Platform, registry: Arc<Registry>) -> Result<usize> {
    let shared = Shared {
        platform: platform.clone(),
        registry,
        opts: WorkerOptions::default(),
    };
    let worker = format!("{}#now", node_name());
    let (_stop, mut stop_rx) = watch::channel(false);
    let mut ran = 0;
    while let Some(job) = claim(&platform.db, &worker, shared.opts.lease, false).await? {
        run_job(&shared, &worker, job, &mut stop_rx).await;
        ran += 1;
    }
    Ok(ran)
}

/// `host/pid/random`, so that leases name the process that holds them.
fn node_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "agora".to_string());
    let random = Uuid::new_v4().simple().to_string();
    format!("{host}/{}/{}", std::process::id(), &random[..6])
}

struct Shared {
    platform: Platform,
    registry: Arc<Registry>,
    opts: WorkerOptions,
}

fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

async fn worker_loop(shared: Arc<Shared>, worker: String, mut stop: watch::Receiver<bool>) {
    let db = &shared.platform.db;
    let mut woken = false;
    while !stopping(&stop) {
        // Registered before looking, so that an enqueue in between is not missed.
        let notified = WAKE.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        // Woken by an enqueue whose transaction may still be open: go straight to the writer, which
        // waits for that commit, rather than look on a reader that cannot see the job yet.
        let look_first = !std::mem::take(&mut woken);
        match claim(db, &worker, shared.opts.lease, look_first).await {
            Ok(Some(job)) => {
                let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
                run_job(&shared, &worker, job, &mut stop)
                    .instrument(span)
                    .await
            }
            Ok(None) => {
                tokio::select! {
                    _ = &mut notified => woken = true,
                    _ = tokio::time::sleep(shared.opts.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, worker = %worker, "cannot lease a job");
                tokio::select! {
                    _ = tokio::time::sleep(shared.opts.poll_interval.max(Duration::from_secs(1))) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
    tracing::debug!(worker = %worker, "job worker stopped");
}

/// Forwards PostgreSQL notifications to this process's workers; polling covers any gap.
async fn listen_loop(pool: sqlx::PgPool, mut stop: watch::Receiver<bool>) {
    while !stopping(&stop) {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for new jobs; polling only");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(10)) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
        };
        if let Err(e) = listener.listen(NOTIFY_CHANNEL).await {
            tracing::warn!(error = %e, "cannot listen for new jobs; polling only");
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(10)) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        loop {
            tokio::select! {
                received = listener.recv() => match received {
                    Ok(_) => WAKE.notify_waiters(),
                    Err(sqlx::Error::PoolClosed) => return,
                    Err(e) => {
                        tracing::debug!(error = %e, "job notifications interrupted");
                        break;
                    }
                },
                _ = stop.changed() => return,
            }
        }
    }
}

/// Leases the next due job (or one whose lease ran out) for `worker`, counting an attempt. With
/// `look_first`, SQLite checks on a reader before taking the write lock, so that idle workers do not
/// take it every poll.
async fn claim(db: &Db, worker: &str, lease: Duration, look_first: bool) -> Result<Option<Job>> {
    let at = now();
    let lease_until = at + lease;
    let due = "(state = 'queued' AND run_at <= $3) OR (state = 'running' AND lease_until < $3)";
    if let (Db::Sqlite { .. }, true) = (db, look_first) {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE {} LIMIT 1) AS due",
            due.replace("$3", "$1")
        );
        let found: i64 = read!(db, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(
            sql.as_str()
        ))
        .bind(at)
        .fetch_one(&mut *c)
        .await?);
        if found == 0 {
            return Ok(None);
        }
    }
    let lock = match db.engine() {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, lease_until = $2, updated_at = $3 \
         WHERE id = (SELECT id FROM jobs WHERE {due} ORDER BY run_at, id LIMIT 1{lock}) RETURNING {COLUMNS}"
    );
    let mut tx = db.begin().await?;
    let job = exec!(tx, |c| {
        sqlx::query_as::<_, Job>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(worker)
            .bind(lease_until)
            .bind(at)
            .fetch_optional(&mut *c)
            .await?
    });
    tx.commit().await?;
    Ok(job)
}

/// How a run ended, as recorded on the job.
enum Finish {
    Succeeded,
    Failed(String),
    /// Handed back on shutdown: due again at once, the attempt not counted.
    Released,
}

enum Ran {
    Joined(std::result::Result<anyhow::Result<()>, tokio::task::JoinError>),
    /// The job was cancelled or another worker holds it now.
    Lost,
    Interrupted,
}

async fn run_job(shared: &Shared, worker: &str, job: Job, stop: &mut watch::Receiver<bool>) {
    let opts = &shared.opts;
    let db = &shared.platform.db;
    let started = Instant::now();
    let ctx = JobContext::new(&job, shared.platform.clone());

    let Some(handler) = shared.registry.get(&job.kind) else {
        let known: Vec<&str> = shared.registry.kinds().collect();
        let known = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        let error = format!(
            "no handler is registered for job kind `{}` (kinds this server runs: {known})",
            job.kind
        );
        tracing::warn!(%error, "job failed");
        record(db, &job, worker, &ctx, Finish::Failed(error), opts, true).await;
        return;
    };
    if job.attempts > job.max_attempts {
        let error = format!(
            "the job was interrupted {} times without finishing (its worker stopped or lost its lease){}",
            job.attempts - 1,
            job.last_error
                .as_deref()
                .map(|e| format!("; last error: {e}"))
                .unwrap_or_default()
        );
        record(db, &job, worker, &ctx, Finish::Failed(error), opts, true).await;
        return;
    }

    tracing::debug!("job started");
    let mut task = tokio::spawn(handler(ctx.clone()).in_current_span());
    let mut tick = tokio::time::interval_at(
        Instant::now() + opts.progress_interval,
        opts.progress_interval,
    );
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last_lease = Instant::now();
    let mut deadline: Option<Instant> = None;
    let far = Instant::now() + Duration::from_secs(86_400 * 365);
    let ran = loop {
        tokio::select! {
            joined = &mut task => break Ran::Joined(joined),
            _ = tick.tick() => {
                let progress = ctx.snapshot(true);
                if !progress.dirty && last_lease.elapsed() < opts.heartbeat {
                    continue;
                }
                match heartbeat(db, job.id, worker, opts.lease, &progress).await {
                    Ok(true) => last_lease = Instant::now(),
                    Ok(false) => break Ran::Lost,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot extend the lease of a job");
                        if progress.dirty {
                            ctx.mark_dirty();
                        }
                    }
                }
            }
            _ = stop.changed(), if deadline.is_none() => {
                deadline = Some(Instant::now() + opts.shutdown_grace);
            }
            _ = tokio::time::sleep_until(deadline.unwrap_or(far)), if deadline.is_some() => break Ran::Interrupted,
        }
    };
    let finish = match ran {
        Ran::Joined(Ok(Ok(()))) => Finish::Succeeded,
        Ran::Joined(Ok(Err(e))) => Finish::Failed(format!("{e:#}")),
        Ran::Joined(Err(e)) if e.is_panic() => Finish::Failed(format!(
            "the handler panicked: {}",
            panic_message(e.into_panic())
        )),
        Ran::Joined(Err(e)) => Finish::Failed(format!("the handler stopped: {e}")),
        Ran::Lost => {
            ctx.inner.cancelled.store(true, Ordering::Relaxed);
            stop_task(task).await;
            tracing::info!("job cancelled or taken over; its handler was stopped");
            return;
        }
        Ran::Interrupted => {
            stop_task(task).await;
            tracing::info!("job interrupted by shutdown; handed back");
            Finish::Released
        }
    };
    let outcome = match &finish {
        Finish::Succeeded => "succeeded",
        Finish::Failed(_) if job.attempts >= job.max_attempts => "failed",
        Finish::Failed(_) => "retried",
        Finish::Released => "released",
    };
    metrics::counter!("agora_jobs_finished_total", "kind" => job.kind.clone(), "outcome" => outcome).increment(1);
    metrics::histogram!("agora_job_duration_seconds", "kind" => job.kind.clone())
        .record(started.elapsed().as_secs_f64());
    match &finish {
        Finish::Failed(error) => tracing::warn!(%error, outcome, "job run failed"),
        _ => tracing::debug!(
            outcome,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "job ended"
        ),
    }
    record(db, &job, worker, &ctx, finish, opts, false).await;
}

async fn stop_task(task: JoinHandle<anyhow::Result<()>>) {
    task.abort();
    // Let the handler's future be dropped before the lease changes hands.
    let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        return (*s).to_string();
    }
    if let Some(s) = payload.downcast_ref::<String>() {
        return s.clone();
    }
    "(no message)".to_string()
}

/// Writes progress and extends the lease; false when the job is no longer this worker's.
async fn heartbeat(db: &Db, id: Uuid, worker: &str, lease: Duration, p: &Progress) -> Result<bool> {
    let at = now();
    let mut tx = db.begin().await?;
    let n = exec!(tx, |c| {
        sqlx::query(
            "UPDATE jobs SET lease_until = $1, updated_at = $2, progress_done = $3, progress_total = $4, progress_note = $5 \
             WHERE id = $6 AND locked_by = $7 AND state = 'running'",
        )
        .bind(at + lease)
        .bind(at)
        .bind(p.done)
        .bind(p.total)
        .bind(&p.note)
        .bind(id)
        .bind(worker)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.commit().await?;
    Ok(n == 1)
}

/// Records how a run ended, retrying the write a few times: if it never lands, the lease runs out
/// and the job runs again, which handlers tolerate.
async fn record(
    db: &Db,
    job: &Job,
    worker: &str,
    ctx: &JobContext,
    finish: Finish,
    opts: &WorkerOptions,
    permanent: bool,
) {
    for attempt in 1..=3 {
        match write_finish(db, job, worker, ctx, &finish, opts, permanent).await {
            Ok(true) => return,
            Ok(false) => {
                tracing::info!("job changed hands before its end was recorded");
                return;
            }
            Err(e) if attempt < 3 => {
                tracing::warn!(error = %e, "cannot record the end of a job; trying again");
                tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot record the end of a job; it will run again when its lease ends")
            }
        }
    }
}

async fn write_finish(
    db: &Db,
    job: &Job,
    worker: &str,
    ctx: &JobContext,
    finish: &Finish,
    opts: &WorkerOptions,
    permanent: bool,
) -> Result<bool> {
    let at = now();
    let p = ctx.snapshot(false);
    let (state, run_at, error, finished_at, attempts_delta): (
        &str,
        OffsetDateTime,
        Option<String>,
        Option<OffsetDateTime>,
        i64,
    ) = match finish {
        Finish::Succeeded => ("succeeded", job.run_at, None, Some(at), 0),
        Finish::Failed(e) if permanent || job.attempts >= job.max_attempts => (
            "failed",
            job.run_at,
            Some(truncate(e, MAX_ERROR_CHARS)),
            Some(at),
            0,
        ),
        Finish::Failed(e) => (
            "queued",
            at + backoff(opts.backoff_base, opts.backoff_max, job.attempts),
            Some(truncate(e, MAX_ERROR_CHARS)),
            None,
            0,
        ),
        Finish::Released => ("queued", at, job.last_error.clone(), None, -1),
    };
    let mut tx = db.begin().await?;
    let n = exec!(tx, |c| {
        sqlx::query(
            "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, finished_at = $4, attempts = attempts + $5, \
             lease_until = NULL, locked_by = NULL, progress_done = $6, progress_total = $7, progress_note = $8, updated_at = $9 \
             WHERE id = $10 AND locked_by = $11 AND state = 'running'",
        )
        .bind(state)
        .bind(run_at)
        .bind(error)
        .bind(finished_at)
        .bind(attempts_delta)
        .bind(p.done)
        .bind(p.total)
        .bind(&p.note)
        .bind(at)
        .bind(job.id)
        .bind(worker)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.commit().await?;
    Ok(n == 1)
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

// ---- the command line ----

/// Jobs as plain-text columns for `agora jobs`.
pub fn format_table(jobs: &[Job]) -> String {
    if jobs.is_empty() {
        return "no jobs\n".to_string();
    }
    let header = [
        "ID",
        "KIND",
        "STATE",
        "ATTEMPTS",
        "PROGRESS",
        "UPDATED (UTC)",
        "NOTE",
    ];
    let rows: Vec<[String; 7]> = jobs
        .iter()
        .map(|j| {
            let progress = match (j.progress_done, j.progress_total) {
                (done, Some(total)) if total > 0 => {
                    format!("{done}/{total} ({}%)", (done.clamp(0, total) * 100) / total)
                }
                (done, Some(total)) => format!("{done}/{total}"),
                (0, None) => "-".to_string(),
                (done, None) => done.to_string(),
            };
            let note = match (&j.last_error, j.job_state()) {
                (Some(_), Some(JobState::Failed | JobState::Queued)) => {
                    format!("error: {}", j.error_summary().unwrap_or_default())
                }
                _ => j.progress_note.clone(),
            };
            [
                j.id.to_string(),
                j.kind.clone(),
                j.state.clone(),
                format!("{}/{}", j.attempts, j.max_attempts),
                progress,
                format_utc(j.updated_at),
                truncate(&note, 80),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }
    out
}

fn format_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

// ---- administration pages (routes in `admin::pages`) ----

#[derive(askama::Template)]
#[template(path = "admin/jobs.html")]
struct JobsPage {
    page: Page,
    filter: JobFilter,
    states: [JobState; 5],
    counts: Vec<(JobState, i64)>,
    jobs: Vec<Job>,
    pager: Pager,
}

impl JobsPage {
    fn state_href(&self, state: &JobState) -> String {
        format!("{}?state={}", self.page.url("/admin/jobs"), state.as_str())
    }
}

pub(crate) async fn admin_list(
    platform: Platform,
    page: Page,
    _: Admin,
    Query(filter): Query<JobFilter>,
) -> Result<Response> {
    let page = page.titled("admin-jobs-title");
    let page = page
        .clone()
        .crumb(page.t("admin-title"), "/admin")
        .crumb(page.title.clone(), "/admin/jobs");
    let pager = Pager::new(&page, 50);
    let counts = update_metrics(&platform.db).await?;
    let (jobs, total) = list(&platform.db, &filter, pager.per_page, pager.offset()).await?;
    render(&JobsPage {
        page,
        filter,
        states: JobState::ALL,
        counts,
        jobs,
        pager: pager.with_total(total),
    })
}

#[derive(askama::Template)]
#[template(path = "admin/job.html")]
struct JobPage {
    page: Page,
    job: Job,
}

pub(crate) async fn admin_detail(
    platform: Platform,
    page: Page,
    _: Admin,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let job = get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    let page = page
        .clone()
        .with_title(page.t1("jobs-detail-title", "kind", &job.kind));
    let page = page
        .clone()
        .crumb(page.t("admin-title"), "/admin")
        .crumb(page.t("admin-jobs-title"), "/admin/jobs")
        .crumb(page.title.clone(), &format!("/admin/jobs/{id}"));
    render(&JobPage { page, job })
}

#[derive(Deserialize)]
pub(crate) struct NoFields {}

pub(crate) async fn admin_retry(
    platform: Platform,
    page: Page,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response> {
    let mut tx = platform.db.begin().await?;
    retry(&mut tx, &admin.actor(), id).await?;
    tx.commit().await?;
    Ok(see_other(&format!(
        "{}?notice=notice-job-retried",
        page.url(&format!("/admin/jobs/{id}"))
    )))
}

pub(crate) async fn admin_cancel(
    platform: Platform,
    page: Page,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response> {
    let mut tx = platform.db.begin().await?;
    cancel(&mut tx, &admin.actor(), id).await?;
    tx.commit().await?;
    Ok(see_other(&format!(
        "{}?notice=notice-job-cancelled",
        page.url(&format!("/admin/jobs/{id}"))
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn job(state: &str, done: i64, total: Option<i64>, error: Option<&str>) -> Job {
        let at = time::macros::datetime!(2026-11-26 14:05:09 UTC);
        Job {
            id: Uuid::nil(),
            kind: "datastore.ingest".into(),
            payload: Json(json!({})),
            state: state.into(),
            attempts: 2,
            max_attempts: 5,
            run_at: at,
            lease_until: None,
            locked_by: None,
            progress_done: done,
            progress_total: total,
            progress_note: "rows".into(),
            last_error: error.map(str::to_string),
            created_at: at,
            updated_at: at,
            finished_at: None,
        }
    }

    #[test]
    fn table_has_aligned_columns() {
        let jobs = [
            job("running", 1200, Some(13956), None),
            job("failed", 0, None, Some("bad row 7\nmore detail")),
        ];
        let text = format_table(&jobs);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("ID "));
        assert!(lines[1].contains("1200/13956 (8%)"), "{text}");
        assert!(lines[1].contains("2026-11-26 14:05:09"), "{text}");
        assert!(lines[2].contains("error: bad row 7"), "{text}");
        assert!(!text.contains("more detail"));
        let state_col = lines[0].find("STATE").unwrap();
        assert_eq!(&lines[1][state_col..state_col + 7], "running");
        assert_eq!(&lines[2][state_col..state_col + 6], "failed");
        assert_eq!(format_table(&[]), "no jobs\n");
    }
}
