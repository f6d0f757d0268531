//! Background jobs on every engine: running, progress, retries with back-off, leases that run out,
//! concurrency, unknown kinds, retry and cancel from the administration, graceful shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use platform::auth::Role;
use platform::db::{Actor, Db, now};
use platform::jobs::{self, EnqueueOptions, Job, JobFilter, JobState, Registry, WorkerOptions};
use platform::testing::{Client, Person};
use platform::{Error, Platform, exec, testing};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use uuid::Uuid;

fn fast() -> WorkerOptions {
    WorkerOptions {
        poll_interval: Duration::from_millis(50),
        lease: Duration::from_secs(2),
        heartbeat: Duration::from_millis(300),
        progress_interval: Duration::from_millis(100),
        backoff_base: Duration::from_millis(150),
        backoff_max: Duration::from_secs(2),
        shutdown_grace: Duration::from_millis(200),
    }
}

fn tester() -> Actor {
    Actor::system("tester")
}

async fn enqueue(db: &Db, kind: &str, payload: Value, opts: EnqueueOptions) -> Uuid {
    let mut tx = db.begin().await.unwrap();
    let id = jobs::enqueue(&mut tx, &tester(), kind, payload, opts)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Waits until the job satisfies `done`, or fails with what the job looked like.
async fn wait_for(db: &Db, id: Uuid, what: &str, done: impl Fn(&Job) -> bool) -> Job {
    let started = Instant::now();
    loop {
        let job = jobs::get(db, id).await.unwrap().expect("the job exists");
        if done(&job) {
            return job;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}: {job:#?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn state_is(state: JobState) -> impl Fn(&Job) -> bool {
    move |j: &Job| j.state == state.as_str()
}

async fn audit_count(db: &Db, action: &str, id: Uuid) -> i64 {
    async fn count(db: &Db, action: &str, id: Uuid) -> platform::Result<i64> {
        Ok(platform::read!(db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity_id = $2"
        )
        .bind(action)
        .bind(id.to_string())
        .fetch_one(&mut *c)
        .await?))
    }
    count(db, action, id).await.unwrap()
}

async fn runs_summary(db: &Db) -> platform::Result<(i64, i64, i64)> {
    Ok(platform::read!(db, |c| {
        sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(SUM(runs), 0) AS BIGINT), COALESCE(MAX(runs), 0) FROM job_test_runs")
        .fetch_one(&mut *c)
        .await?
    }))
}

#[tokio::test]
async fn a_job_runs_and_records_progress() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let gate = Arc::new(Semaphore::new(0));
        let mut registry = Registry::new();
        let g = gate.clone();
        registry.register("test.count", move |ctx| {
            let gate = g.clone();
            async move {
                let n: i64 = ctx.payload()["rows"].as_i64().unwrap();
                for i in 1..=n {
                    ctx.progress(i, Some(n), "rows")?;
                    if i == n / 2 {
                        gate.acquire().await?.forget();
                    }
                }
                Ok(())
            }
        });
        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 1, fast());
        let id = enqueue(
            &db,
            "test.count",
            json!({ "rows": 13956 }),
            EnqueueOptions::default(),
        )
        .await;
        assert_eq!(audit_count(&db, "job.enqueue", id).await, 1);

        let half = wait_for(&db, id, "half-way progress", |j| j.progress_done == 6978).await;
        assert_eq!(half.state, "running");
        assert_eq!(half.progress_total, Some(13956));
        assert_eq!(half.progress_note, "rows");
        assert_eq!(half.attempts, 1);
        assert!(
            half.locked_by
                .as_deref()
                .is_some_and(|w| workers.worker_ids().iter().any(|id| id == w))
        );
        assert!(half.lease_until.is_some_and(|l| l > now()));

        gate.add_permits(1);
        let done = wait_for(&db, id, "success", state_is(JobState::Succeeded)).await;
        assert_eq!(
            (done.progress_done, done.progress_total),
            (13956, Some(13956))
        );
        assert_eq!(done.attempts, 1);
        assert!(done.finished_at.is_some());
        assert!(
            done.locked_by.is_none() && done.lease_until.is_none() && done.last_error.is_none()
        );
        workers.shutdown().await;
    }
}

#[tokio::test]
async fn a_failing_job_is_retried_with_back_off_then_fails() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let runs = Arc::new(std::sync::Mutex::new(Vec::<Instant>::new()));
        let mut registry = Registry::new();
        let r = runs.clone();
        registry.register("test.fail", move |ctx| {
            let runs = r.clone();
            async move {
                runs.lock().unwrap().push(Instant::now());
                anyhow::bail!("row {} is broken", ctx.attempt())
            }
        });
        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 2, fast());
        let id = enqueue(
            &db,
            "test.fail",
            json!({}),
            EnqueueOptions {
                max_attempts: Some(3),
                ..Default::default()
            },
        )
        .await;

        let first = wait_for(&db, id, "the first failure", |j| {
            j.attempts == 1 && j.state == "queued"
        })
        .await;
        assert_eq!(first.last_error.as_deref(), Some("row 1 is broken"));
        assert!(
            first.run_at > first.updated_at,
            "the retry waits: {first:#?}"
        );
        assert!(first.finished_at.is_none());

        let failed = wait_for(&db, id, "failure", state_is(JobState::Failed)).await;
        assert_eq!(failed.attempts, 3);
        assert_eq!(failed.last_error.as_deref(), Some("row 3 is broken"));
        assert!(failed.finished_at.is_some() && failed.locked_by.is_none());

        let runs = runs.lock().unwrap().clone();
        assert_eq!(runs.len(), 3);
        // 150 ms, then 300 ms (a little slack for timestamps stored as text on SQLite).
        assert!(
            runs[1] - runs[0] >= Duration::from_millis(140),
            "{:?}",
            runs[1] - runs[0]
        );
        assert!(
            runs[2] - runs[1] >= Duration::from_millis(290),
            "{:?}",
            runs[2] - runs[1]
        );

        // A panicking handler is a failure like any other.
        let mut registry = Registry::new();
        registry.register("test.panic", |_ctx| async move { panic!("bad input") });
        workers.shutdown().await;
        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 1, fast());
        let id = enqueue(
            &db,
            "test.panic",
            json!({}),
            EnqueueOptions {
                max_attempts: Some(1),
                ..Default::default()
            },
        )
        .await;
        let failed = wait_for(&db, id, "failure", state_is(JobState::Failed)).await;
        assert_eq!(
            failed.last_error.as_deref(),
            Some("the handler panicked: bad input")
        );
        workers.shutdown().await;
    }
}

/// Marks a job as leased by a worker that is gone.
async fn lease_to_dead_worker(db: &Db, id: Uuid, lease_until: time::OffsetDateTime, attempts: i64) {
    let mut tx = db.begin().await.unwrap();
    exec!(tx, |c| {
        sqlx::query("UPDATE jobs SET state = 'running', attempts = $1, locked_by = 'dead-worker', lease_until = $2 WHERE id = $3")
        .bind(attempts)
        .bind(lease_until)
        .bind(id)
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected()
    });
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_job_whose_lease_ran_out_runs_again() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let ran = Arc::new(std::sync::Mutex::new(Vec::<Uuid>::new()));
        let mut registry = Registry::new();
        let r = ran.clone();
        registry.register("test.ok", move |ctx| {
            let ran = r.clone();
            async move {
                ran.lock().unwrap().push(ctx.id());
                Ok(())
            }
        });
        let expired = enqueue(&db, "test.ok", json!({}), EnqueueOptions::default()).await;
        let still_leased = enqueue(&db, "test.ok", json!({}), EnqueueOptions::default()).await;
        let worn_out = enqueue(
            &db,
            "test.ok",
            json!({}),
            EnqueueOptions {
                max_attempts: Some(1),
                ..Default::default()
            },
        )
        .await;
        lease_to_dead_worker(&db, expired, now() - time::Duration::seconds(1), 1).await;
        lease_to_dead_worker(&db, still_leased, now() + time::Duration::minutes(10), 1).await;
        lease_to_dead_worker(&db, worn_out, now() - time::Duration::seconds(1), 1).await;

        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 2, fast());
        let done = wait_for(&db, expired, "the take-over", state_is(JobState::Succeeded)).await;
        assert_eq!(done.attempts, 2);
        let failed = wait_for(&db, worn_out, "failure", state_is(JobState::Failed)).await;
        assert!(
            failed
                .last_error
                .as_deref()
                .unwrap_or("")
                .contains("interrupted"),
            "{failed:#?}"
        );

        tokio::time::sleep(Duration::from_millis(300)).await;
        let held = jobs::get(&db, still_leased).await.unwrap().unwrap();
        assert_eq!(
            (held.state.as_str(), held.locked_by.as_deref()),
            ("running", Some("dead-worker"))
        );
        assert_eq!(*ran.lock().unwrap(), vec![expired]);
        workers.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_never_run_the_same_job() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let mut tx = db.begin().await.unwrap();
        exec!(tx, |c| sqlx::query(
            "CREATE TABLE job_test_runs (job_id TEXT PRIMARY KEY NOT NULL, runs BIGINT NOT NULL)"
        )
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected());
        tx.commit().await.unwrap();

        let mut registry = Registry::new();
        registry.register("test.increment", |ctx| async move {
            let mut tx = ctx.db().begin().await?;
            exec!(tx, |c| sqlx::query(
                "INSERT INTO job_test_runs (job_id, runs) VALUES ($1, 1) ON CONFLICT (job_id) DO UPDATE SET runs = job_test_runs.runs + 1"
            )
            .bind(ctx.id().to_string())
            .execute(&mut *c)
            .await?
            .rows_affected());
            tx.commit().await?;
            Ok(())
        });
        let registry = Arc::new(registry);

        let mut tx = db.begin().await.unwrap();
        for i in 0..50 {
            jobs::enqueue(
                &mut tx,
                &tester(),
                "test.increment",
                json!({ "i": i }),
                EnqueueOptions::default(),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        // Two nodes, two workers each.
        let a = jobs::spawn_workers_with(platform.clone(), registry.clone(), 2, fast());
        let b = jobs::spawn_workers_with(platform.clone(), registry.clone(), 2, fast());
        let started = Instant::now();
        loop {
            let (_, succeeded) = jobs::list(&db, &JobFilter::state(JobState::Succeeded), 1, 0)
                .await
                .unwrap();
            if succeeded == 50 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "only {succeeded} of 50 jobs succeeded"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        a.shutdown().await;
        b.shutdown().await;

        assert_eq!(runs_summary(&db).await.unwrap(), (50, 50, 1));
        let counts = jobs::counts_by_state(&db).await.unwrap();
        assert!(counts.contains(&(JobState::Succeeded, 50)), "{counts:?}");
        let (all, total) = jobs::list(&db, &JobFilter::default(), 100, 0)
            .await
            .unwrap();
        assert_eq!((all.len(), total), (50, 50));
        assert!(all.iter().all(|j| j.attempts == 1));
    }
}

#[tokio::test]
async fn an_unknown_kind_fails_clearly() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let mut registry = Registry::new();
        registry.register("test.ok", |_ctx| async move { Ok(()) });
        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 1, fast());
        let id = enqueue(
            &db,
            "test.nobody-runs-this",
            json!({}),
            EnqueueOptions::default(),
        )
        .await;
        let failed = wait_for(&db, id, "failure", state_is(JobState::Failed)).await;
        let error = failed.last_error.unwrap();
        assert!(
            error.contains("no handler is registered for job kind `test.nobody-runs-this`"),
            "{error}"
        );
        assert!(error.contains("test.ok"), "{error}");
        assert_eq!(failed.attempts, 1);
        workers.shutdown().await;
    }
}

#[tokio::test]
async fn retry_from_failed_is_audited_and_runs_again() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let broken = Arc::new(AtomicBool::new(true));
        let mut registry = Registry::new();
        let b = broken.clone();
        registry.register("test.flaky", move |_ctx| {
            let broken = b.clone();
            async move {
                anyhow::ensure!(!broken.load(Ordering::SeqCst), "the source is down");
                Ok(())
            }
        });
        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 1, fast());
        let id = enqueue(
            &db,
            "test.flaky",
            json!({ "url": "https://example.org" }),
            EnqueueOptions {
                max_attempts: Some(1),
                ..Default::default()
            },
        )
        .await;
        wait_for(&db, id, "failure", state_is(JobState::Failed)).await;

        // Only failed or cancelled jobs can be retried; an unknown one is not found.
        let mut tx = db.begin().await.unwrap();
        assert!(matches!(
            jobs::retry(&mut tx, &tester(), Uuid::now_v7()).await,
            Err(Error::NotFound)
        ));
        drop(tx);

        broken.store(false, Ordering::SeqCst);
        let mut tx = db.begin().await.unwrap();
        let queued = jobs::retry(&mut tx, &tester(), id).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((queued.state.as_str(), queued.attempts), ("queued", 0));
        assert_eq!(queued.last_error.as_deref(), Some("the source is down"));
        assert_eq!(audit_count(&db, "job.retry", id).await, 1);

        let done = wait_for(&db, id, "success", state_is(JobState::Succeeded)).await;
        assert_eq!(done.attempts, 1);
        assert!(done.last_error.is_none());

        let mut tx = db.begin().await.unwrap();
        assert!(matches!(
            jobs::retry(&mut tx, &tester(), id).await,
            Err(Error::Conflict(_))
        ));
        drop(tx);
        workers.shutdown().await;
    }
}

#[tokio::test]
async fn cancel_stops_queued_and_running_jobs() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let steps = Arc::new(AtomicUsize::new(0));
        let mut registry = Registry::new();
        let s = steps.clone();
        registry.register("test.forever", move |ctx| {
            let steps = s.clone();
            async move {
                for i in 0.. {
                    steps.fetch_add(1, Ordering::SeqCst);
                    ctx.progress(i, None, "looping")?;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Ok(())
            }
        });
        let later = enqueue(
            &db,
            "test.forever",
            json!({}),
            EnqueueOptions {
                run_at: Some(now() + time::Duration::hours(1)),
                ..Default::default()
            },
        )
        .await;
        let mut tx = db.begin().await.unwrap();
        let cancelled = jobs::cancel(&mut tx, &tester(), later).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(cancelled.state, "cancelled");
        assert_eq!(audit_count(&db, "job.cancel", later).await, 1);
        let mut tx = db.begin().await.unwrap();
        assert!(matches!(
            jobs::cancel(&mut tx, &tester(), later).await,
            Err(Error::Conflict(_))
        ));
        drop(tx);

        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 1, fast());
        let id = enqueue(&db, "test.forever", json!({}), EnqueueOptions::default()).await;
        wait_for(&db, id, "progress", |j| j.progress_done > 5).await;
        let mut tx = db.begin().await.unwrap();
        jobs::cancel(&mut tx, &tester(), id).await.unwrap();
        tx.commit().await.unwrap();
        // The handler stops at the next heartbeat.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let seen = steps.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            steps.load(Ordering::SeqCst),
            seen,
            "the handler kept running"
        );
        let job = jobs::get(&db, id).await.unwrap().unwrap();
        assert_eq!(job.state, "cancelled");
        assert_eq!(
            jobs::get(&db, later).await.unwrap().unwrap().state,
            "cancelled"
        );
        workers.shutdown().await;
    }
}

#[tokio::test]
async fn shutdown_hands_back_an_unfinished_job() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let first_run = Arc::new(AtomicBool::new(true));
        let make_registry = |first_run: Arc<AtomicBool>| {
            let mut registry = Registry::new();
            registry.register("test.slow", move |_ctx| {
                let first_run = first_run.clone();
                async move {
                    if first_run.swap(false, Ordering::SeqCst) {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                    Ok(())
                }
            });
            Arc::new(registry)
        };
        let workers = jobs::spawn_workers_with(
            platform.clone(),
            make_registry(first_run.clone()),
            1,
            fast(),
        );
        let id = enqueue(&db, "test.slow", json!({}), EnqueueOptions::default()).await;
        wait_for(&db, id, "the start", state_is(JobState::Running)).await;
        let started = Instant::now();
        workers.shutdown().await;
        assert!(started.elapsed() < Duration::from_secs(5));
        let released = jobs::get(&db, id).await.unwrap().unwrap();
        assert_eq!((released.state.as_str(), released.attempts), ("queued", 0));
        assert!(released.locked_by.is_none() && released.lease_until.is_none());

        let workers =
            jobs::spawn_workers_with(platform.clone(), make_registry(first_run), 1, fast());
        let done = wait_for(&db, id, "success", state_is(JobState::Succeeded)).await;
        assert_eq!(done.attempts, 1);
        workers.shutdown().await;
    }
}

#[tokio::test]
async fn idle_workers_wake_when_a_job_is_enqueued() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let mut registry = Registry::new();
        registry.register("test.ok", |_ctx| async move { Ok(()) });
        // Polling alone would take a minute.
        let opts = WorkerOptions {
            poll_interval: Duration::from_secs(60),
            ..fast()
        };
        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 2, opts);
        tokio::time::sleep(Duration::from_millis(300)).await;
        for round in 0..3 {
            let started = Instant::now();
            // The wake comes while the transaction is still open; the job is seen once it commits.
            let mut tx = db.begin().await.unwrap();
            let id = jobs::enqueue(
                &mut tx,
                &tester(),
                "test.ok",
                json!({ "round": round }),
                EnqueueOptions::default(),
            )
            .await
            .unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
            tx.commit().await.unwrap();
            wait_for(&db, id, "success", state_is(JobState::Succeeded)).await;
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "round {round} took {:?}",
                started.elapsed()
            );
        }
        workers.shutdown().await;
    }
}

#[tokio::test]
async fn enqueue_checks_its_input_and_waits_for_commit() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let db = platform.db.clone();
        let mut tx = db.begin().await.unwrap();
        assert!(matches!(
            jobs::enqueue(
                &mut tx,
                &tester(),
                " ",
                json!({}),
                EnqueueOptions::default()
            )
            .await,
            Err(Error::Validation(_))
        ));
        let zero = EnqueueOptions {
            max_attempts: Some(0),
            ..Default::default()
        };
        assert!(matches!(
            jobs::enqueue(&mut tx, &tester(), "test.ok", json!({}), zero).await,
            Err(Error::Validation(_))
        ));
        // Rolled back: the job never existed.
        let id = jobs::enqueue(
            &mut tx,
            &tester(),
            "test.ok",
            json!({}),
            EnqueueOptions::default(),
        )
        .await
        .unwrap();
        drop(tx);
        assert!(jobs::get(&db, id).await.unwrap().is_none());

        let due = now() + time::Duration::hours(2);
        let id = enqueue(
            &db,
            "test.ok",
            json!({ "n": 1 }),
            EnqueueOptions {
                run_at: Some(due),
                max_attempts: Some(2),
            },
        )
        .await;
        let job = jobs::get(&db, id).await.unwrap().unwrap();
        assert_eq!(
            (job.state.as_str(), job.attempts, job.max_attempts),
            ("queued", 0, 2)
        );
        assert_eq!(job.payload.0, json!({ "n": 1 }));
        assert!((job.run_at - due).abs() < time::Duration::milliseconds(1));
        // Not due yet: no worker takes it.
        let mut registry = Registry::new();
        registry.register("test.ok", |_ctx| async move { Ok(()) });
        let workers = jobs::spawn_workers_with(platform.clone(), Arc::new(registry), 1, fast());
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(jobs::get(&db, id).await.unwrap().unwrap().state, "queued");
        workers.shutdown().await;
    }
}

// ---- the administration pages ----

/// The site, with a signed-in administrator.
async fn admin(platform: &Platform) -> Client {
    let user = Person::new("admin@example.org")
        .name("Admin")
        .role(Role::Admin)
        .create(&platform.db)
        .await;
    Client::site(platform, axum::Router::new(), axum::Router::new())
        .signed_in(&platform.db, user.id)
        .await
}

#[tokio::test]
async fn admin_pages_list_show_and_retry_jobs() {
    for t in testing::engines().await {
        eprintln!("engine: {}", t.engine);
        let platform = t.platform();
        let platform = platform.clone();
        let db = platform.db.clone();
        let admin = admin(&platform).await;

        let running = enqueue(
            &db,
            "datastore.ingest",
            json!({ "resource": "r1" }),
            EnqueueOptions::default(),
        )
        .await;
        let failed = enqueue(
            &db,
            "links.check",
            json!({ "url": "https://example.org/<x>" }),
            EnqueueOptions::default(),
        )
        .await;
        let mut tx = db.begin().await.unwrap();
        exec!(tx, |c| {
            sqlx::query("UPDATE jobs SET state = 'running', attempts = 1, progress_done = 1200, progress_total = 13956, progress_note = 'rows' WHERE id = $1")
                .bind(running)
                .execute(&mut *c)
                .await
                .unwrap();
            sqlx::query("UPDATE jobs SET state = 'failed', attempts = 5, last_error = 'HTTP 404 from https://example.org/<x>' WHERE id = $1")
                .bind(failed)
                .execute(&mut *c)
                .await
                .unwrap()
                .rows_affected()
        });
        tx.commit().await.unwrap();

        let r = admin.get("/en/admin/jobs").await;
        let html = &r.body;
        assert_eq!(r.status, StatusCode::OK, "{html}");
        assert!(
            html.contains(r#"<progress max="13956" value="1200""#),
            "{html}"
        );
        assert!(html.contains("1,200 of 13,956"), "{html}");
        assert!(
            html.contains("HTTP 404 from https://example.org/&#60;x&#62;")
                || html.contains("HTTP 404 from https://example.org/&lt;x&gt;"),
            "{html}"
        );
        assert!(!html.contains("<x>"), "not escaped: {html}");
        assert!(html.contains("<caption>") && html.contains(r#"scope="col""#));
        assert!(html.contains(&format!("/en/admin/jobs/{failed}/retry")));
        assert!(!html.contains(&format!("/en/admin/jobs/{running}/retry")));

        let r = admin.get("/en/admin/jobs?state=failed").await;
        let html = &r.body;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            html.contains("links.check") && !html.contains("datastore.ingest"),
            "{html}"
        );

        let r = admin.get(&format!("/fr/admin/jobs/{running}")).await;
        let html = &r.body;
        assert_eq!(r.status, StatusCode::OK, "{html}");
        assert!(html.contains("1\u{202f}200 sur 13\u{202f}956"), "{html}");
        assert!(
            html.contains("&quot;resource&quot;: &quot;r1&quot;")
                || html.contains("&#34;resource&#34;: &#34;r1&#34;"),
            "{html}"
        );

        let r = admin
            .get(&format!("/en/admin/jobs/{}", Uuid::now_v7()))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let retry = format!("/en/admin/jobs/{failed}/retry");
        let r = admin.post(&retry, &[("_csrf", "wrong")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            jobs::get(&db, failed).await.unwrap().unwrap().state,
            "failed"
        );

        let r = admin.post(&retry, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            r.location(),
            format!("/en/admin/jobs/{failed}?notice=notice-job-retried")
        );
        assert_eq!(
            jobs::get(&db, failed).await.unwrap().unwrap().state,
            "queued"
        );
        assert_eq!(audit_count(&db, "job.retry", failed).await, 1);

        let r = admin.post(&retry, &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        let r = admin
            .post(&format!("/en/admin/jobs/{running}/cancel"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            jobs::get(&db, running).await.unwrap().unwrap().state,
            "cancelled"
        );

        // Not for visitors.
        let visitor = Client::site(&platform, axum::Router::new(), axum::Router::new());
        let status = visitor.get("/en/admin/jobs").await.status;
        assert!(status.is_redirection(), "{status}");
    }
}
