//! Loading a resource's file: as a background job when a resource is uploaded or linked, or from
//! the command line. The file is read from the object store (or its link), loaded in a blocking
//! thread, its Parquet copied to the object store, and the new version recorded; a load that fails
//! records its report and the previous version keeps serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use catalogue::model::ResourceRow;
use platform::db::Actor;
use platform::jobs::{self, EnqueueOptions, JobContext};
use platform::{Error, Platform, Result};

use crate::ingest::{self, LoadOptions, Progress};
use crate::link::{self, FetchError, LinkPolicy};
use crate::sniff::Format;
use crate::store::{self, Load, NewLoad};

/// The job kind of an ingestion.
pub const JOB_KIND: &str = "datastore.ingest";

#[derive(Debug, Serialize, Deserialize)]
pub struct IngestJob {
    pub resource_id: Uuid,
}

/// The format the datastore would load this resource as, if any.
pub fn tabular_format(r: &ResourceRow) -> Option<Format> {
    Format::from_label(&r.format)
        .or_else(|| r.file_key.as_deref().and_then(Format::from_name))
        .or_else(|| Format::from_name(r.url.split(['?', '#']).next().unwrap_or("")))
}

/// Queues the loading of a resource's data, when it is in a format the datastore loads.
pub async fn enqueue(platform: &Platform, actor: &Actor, r: &ResourceRow) -> Result<Option<Uuid>> {
    if tabular_format(r).is_none() || (r.file_key.is_none() && r.url.trim().is_empty()) {
        return Ok(None);
    }
    let mut tx = platform.db.begin().await?;
    let id = jobs::enqueue(
        &mut tx,
        actor,
        JOB_KIND,
        serde_json::to_value(IngestJob { resource_id: r.id }).map_err(Error::internal)?,
        EnqueueOptions {
            max_attempts: Some(3),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// A load of this resource waiting or under way, if any (the newest).
pub async fn pending(db: &platform::Db, resource: Uuid) -> Result<Option<jobs::Job>> {
    for state in [jobs::JobState::Running, jobs::JobState::Queued] {
        let filter = jobs::JobFilter {
            kind: JOB_KIND.to_string(),
            ..jobs::JobFilter::state(state)
        };
        let (found, _) = jobs::list(db, &filter, 100, 0).await?;
        if let Some(job) = found
            .into_iter()
            .find(|j| j.payload.0["resource_id"] == resource.to_string())
        {
            return Ok(Some(job));
        }
    }
    Ok(None)
}

/// Registers the ingestion job.
pub fn register(registry: &mut jobs::Registry) {
    registry.register(JOB_KIND, run_job);
}

async fn run_job(ctx: JobContext) -> anyhow::Result<()> {
    let job: IngestJob = ctx.payload_as()?;
    let platform = ctx.platform().clone();
    let r = catalogue::store::resource(&platform.db, job.resource_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("resource {} no longer exists", job.resource_id))?;
    if r.state == catalogue::model::State::Deleted {
        return Ok(());
    }
    let tmp = tmp_dir(&platform)?;
    let (fetched, source, file_name) = match &r.file_key {
        Some(key) => (
            store::fetch(&platform, key, &tmp)
                .await
                .map_err(|e| FetchError::Failed(e.into())),
            "upload",
            key.rsplit('/').next().unwrap_or("").to_string(),
        ),
        None => {
            let policy = LinkPolicy::from_settings(&platform.settings.datastore);
            (
                link::fetch(&r.url, &tmp, &policy).await,
                "link",
                r.url.clone(),
            )
        }
    };
    let source_file = match fetched {
        Ok(f) => f,
        // A refused link is reported at once; a failure is retried first (a link may be down
        // for a moment) and the last one reported.
        Err(e) if !e.retry() => {
            record_unreadable(&platform, &r, source, &file_name, e.problem()).await?;
            return Ok(());
        }
        Err(e) => {
            if ctx.is_last_attempt() {
                record_unreadable(&platform, &r, source, &file_name, e.problem()).await?;
            }
            return Err(e.into());
        }
    };
    let progress = Arc::new(Progress::default());
    let reporter = {
        let progress = progress.clone();
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let (done, note) = describe(&progress, started.elapsed());
                if ctx.progress(done, Some(1000), &note).is_err() {
                    progress.cancelled.store(true, Ordering::Relaxed);
                    break;
                }
            }
        })
    };
    let result = load(
        &platform,
        &Actor::system("datastore"),
        &r,
        source_file.path(),
        source,
        &file_name,
        progress.clone(),
    )
    .await;
    reporter.abort();
    let load = result?;
    let (_, note) = describe(&progress, Duration::from_secs_f64(load.report.0.seconds));
    ctx.progress(1000, Some(1000), &note)?;
    if !load.ok {
        // A file with problems is an outcome, not a failure to retry: the report is on record.
        tracing::info!(resource = %r.id, "datastore load refused: {}", load.report.0.text(platform::Lang::En).trim());
    }
    Ok(())
}

/// Records a load that could not even read its file, so that the data page says why.
async fn record_unreadable(
    platform: &Platform,
    r: &ResourceRow,
    source: &str,
    file_name: &str,
    problem: crate::report::Problem,
) -> Result<()> {
    let report = crate::report::Report {
        ok: false,
        format: tabular_format(r).map(|f| f.as_str()).unwrap_or("").into(),
        encoding: None,
        delimiter: None,
        rows: 0,
        bytes: 0,
        columns: Vec::new(),
        problems: vec![problem],
        seconds: 0.0,
    };
    let mut tx = platform.db.begin().await?;
    store::record_load(
        &mut tx,
        &Actor::system("datastore"),
        NewLoad {
            resource: r.id,
            source,
            file_name,
            parquet_key: None,
            report: &report,
        },
    )
    .await?;
    tx.commit().await
}

/// Progress in thousandths (two passes of the bytes) and a note: pass, rows, bytes, rate.
pub fn describe(p: &Progress, elapsed: Duration) -> (i64, String) {
    let pass = p.pass.load(Ordering::Relaxed).max(1);
    let passes = if p.second_pass.load(Ordering::Relaxed) {
        2
    } else {
        1
    };
    let rows = p.rows.load(Ordering::Relaxed);
    let bytes = p.bytes.load(Ordering::Relaxed);
    let total = p.total_bytes.load(Ordering::Relaxed).max(1);
    let fraction = (bytes.min(total) as f64 / total as f64 + (pass - 1) as f64) / f64::from(passes);
    let rate = rows as f64 / elapsed.as_secs_f64().max(0.001);
    let counts = format!(
        "{rows} rows, {:.1} of {:.1} MB, {:.0} rows/s",
        bytes as f64 / 1e6,
        total as f64 / 1e6,
        rate
    );
    let note = if passes == 1 {
        counts
    } else {
        format!("pass {pass}/2: {counts}")
    };
    ((fraction * 1000.0) as i64, note)
}

/// Loads a local file as the next version of a resource's table and records the outcome; a new
/// version is followed by the retention policy's removal of old ones.
pub async fn load(
    platform: &Platform,
    actor: &Actor,
    r: &ResourceRow,
    file: &Path,
    source: &str,
    file_name: &str,
    progress: Arc<Progress>,
) -> Result<Load> {
    let format = Format::from_name(file_name)
        .or_else(|| tabular_format(r))
        .unwrap_or(Format::Csv);
    let dictionary = store::dictionary(&platform.db, r.id).await?;
    let opts = LoadOptions {
        format,
        overrides: dictionary.overrides(),
        max_workbook_part: platform.settings.datastore.max_spreadsheet_mb.max(1) << 20,
    };
    let tmp = tmp_dir(platform)?;
    let file = file.to_path_buf();
    let loaded =
        tokio::task::spawn_blocking(move || ingest::load_file(&file, &opts, &progress, &tmp))
            .await
            .map_err(Error::internal)?
            .map_err(Error::internal)?;
    let parquet_key = match &loaded.parquet {
        Some(f) => Some(store::publish(platform, r.id, f.path()).await?),
        None => None,
    };
    let mut tx = platform.db.begin().await?;
    let load = store::record_load(
        &mut tx,
        actor,
        NewLoad {
            resource: r.id,
            source,
            file_name,
            parquet_key,
            report: &loaded.report,
        },
    )
    .await?;
    tx.commit().await?;
    if load.ok {
        store::tidy(platform, actor, r.id).await;
    }
    Ok(load)
}

/// Where loads write their temporary files.
pub fn tmp_dir(platform: &Platform) -> Result<PathBuf> {
    let dir = platform.settings.data_dir.join("tmp");
    std::fs::create_dir_all(&dir).map_err(Error::internal)?;
    Ok(dir)
}
