//! The workers: leasing due jobs, running their handlers under a heartbeat, and recording how
//! each run ended.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use tracing::Instrument;
use uuid::Uuid;

use crate::db::{Db, Engine, now};
use crate::error::Result;
use crate::{Platform, exec, on, sql};

use super::*;

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
pub(super) fn node_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "agora".to_string());
    let random = Uuid::new_v4().simple().to_string();
    format!("{host}/{}/{}", std::process::id(), &random[..6])
}

pub(super) struct Shared {
    platform: Platform,
    registry: Arc<Registry>,
    opts: WorkerOptions,
}

pub(super) fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

pub(super) async fn worker_loop(
    shared: Arc<Shared>,
    worker: String,
    mut stop: watch::Receiver<bool>,
) {
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
pub(super) async fn listen_loop(pool: sqlx::PgPool, mut stop: watch::Receiver<bool>) {
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
pub(super) async fn claim(
    db: &Db,
    worker: &str,
    lease: Duration,
    look_first: bool,
) -> Result<Option<Job>> {
    /// Jobs due at `$1`: queued and due, or running on a lease that ran out.
    const DUE: &str =
        "(state = 'queued' AND run_at <= $1) OR (state = 'running' AND lease_until < $1)";
    const ANY_DUE: &str = sql!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE ",
        DUE,
        " LIMIT 1) AS due"
    );
    const NEXT_DUE: &str = sql!(
        "SELECT id FROM jobs WHERE ",
        DUE,
        " ORDER BY run_at, id LIMIT 1"
    );
    const LEASE: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $2, lease_until = $3, \
         updated_at = $1 WHERE id = ";
    const CLAIM_SQLITE: &str = sql!(LEASE, "(", NEXT_DUE, ") RETURNING ", COLUMNS);
    const CLAIM_POSTGRES: &str = sql!(
        LEASE,
        "(",
        NEXT_DUE,
        " FOR UPDATE SKIP LOCKED) RETURNING ",
        COLUMNS
    );
    let at = now();
    let lease_until = at + lease;
    if let (Db::Sqlite { .. }, true) = (db, look_first) {
        let found: i64 = on!(db, |c| sqlx::query_scalar(ANY_DUE)
            .bind(at)
            .fetch_one(&mut *c)
            .await?);
        if found == 0 {
            return Ok(None);
        }
    }
    let claim = match db.engine() {
        Engine::Postgres => CLAIM_POSTGRES,
        Engine::Sqlite => CLAIM_SQLITE,
    };
    db.write(async |tx| {
        Ok(exec!(tx, |c| {
            sqlx::query_as::<_, Job>(claim)
                .bind(at)
                .bind(worker)
                .bind(lease_until)
                .fetch_optional(&mut *c)
                .await?
        }))
    })
    .await
}

/// How a run ended, as recorded on the job.
pub(super) enum Finish {
    Succeeded,
    Failed(String),
    /// Handed back on shutdown: due again at once, the attempt not counted.
    Released,
}

pub(super) enum Ran {
    Joined(std::result::Result<anyhow::Result<()>, tokio::task::JoinError>),
    /// The job was cancelled or another worker holds it now.
    Lost,
    Interrupted,
}

pub(super) async fn run_job(
    shared: &Shared,
    worker: &str,
    job: Job,
    stop: &mut watch::Receiver<bool>,
) {
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

pub(super) async fn stop_task(task: JoinHandle<anyhow::Result<()>>) {
    task.abort();
    // Let the handler's future be dropped before the lease changes hands.
    let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
}

pub(super) fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        return (*s).to_string();
    }
    if let Some(s) = payload.downcast_ref::<String>() {
        return s.clone();
    }
    "(no message)".to_string()
}

/// Writes progress and extends the lease; false when the job is no longer this worker's.
pub(super) async fn heartbeat(
    db: &Db,
    id: Uuid,
    worker: &str,
    lease: Duration,
    p: &Progress,
) -> Result<bool> {
    let at = now();
    let n = db
        .write(async |tx| {
            Ok(exec!(tx, |c| {
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
            }))
        })
        .await?;
    Ok(n == 1)
}

/// Records how a run ended, retrying the write a few times: if it never lands, the lease runs out
/// and the job runs again, which handlers tolerate.
pub(super) async fn record(
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

pub(super) async fn write_finish(
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
    let n = db
        .write(async |tx| {
            Ok(exec!(tx, |c| {
                sqlx::query(
                    "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, finished_at = $4, attempts = attempts + $5, \
                     lease_until = NULL, locked_by = NULL, progress_done = $6, progress_total = $7, progress_note = $8, updated_at = $9 \
                     WHERE id = $10 AND locked_by = $11 AND state = 'running'",
                )
                .bind(state)
                .bind(run_at)
                .bind(&error)
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
            }))
        })
        .await?;
    Ok(n == 1)
}

/// `s` cut to `max_chars` characters, with an ellipsis when something was cut.
pub fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
