//! Following the `change_log`: applying changes, rebuilding, and the background follower.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Platform;
use crate::db::Db;
use crate::error::Result;

use super::index::Payload;
use super::{
    FollowReport, GAP_SETTLE, LOAD_CHUNK, LOG_PAGE, MAX_ROWS_PER_FOLLOW, MAX_TRACKED_GAPS, REBUILD,
    REINDEX_BATCH, SCHEMA_VERSION, Search, SearchSource, internal,
};

/// A `change_log` position not (yet) seen while later ones are (PostgreSQL: a transaction still
/// running, or one rolled back).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Gap {
    pub(super) first_seen: Instant,
    /// The next transaction id when the gap had settled: once every older transaction has ended
    /// and the row is still missing, it never will appear.
    pub(super) xmax: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct FollowState {
    pub(super) built: bool,
    pub(super) seq: i64,
    pub(super) gaps: BTreeMap<i64, Gap>,
}

impl FollowState {
    fn payload(&self) -> Payload {
        Payload {
            v: SCHEMA_VERSION,
            seq: self.seq,
            gaps: self.gaps.keys().copied().collect(),
        }
    }
}

impl Search {
    /// Applies the `change_log` rows written since the last call: reloads those entities through
    /// their sources and replaces their documents, then commits with the new position. Builds the
    /// whole index first when it was never built.
    pub async fn follow(&self, db: &Db, sources: &[Arc<dyn SearchSource>]) -> Result<FollowReport> {
        let mut state = self.0.state.lock().await;
        let result = if state.built {
            self.follow_locked(&mut state, db, sources).await
        } else {
            match self
                .rebuild_locked(&mut state, db, sources, &|_, _| {})
                .await
            {
                Ok(_) => Ok(FollowReport {
                    changes: 0,
                    seq: state.seq,
                    rebuilt: true,
                }),
                Err(e) => Err(e),
            }
        };
        if result.is_err() {
            self.rollback();
        }
        result
    }

    async fn follow_locked(
        &self,
        state: &mut FollowState,
        db: &Db,
        sources: &[Arc<dyn SearchSource>],
    ) -> Result<FollowReport> {
        let postgres = matches!(db, Db::Postgres(_));
        let mut next = state.clone();
        // Taken before reading, so that a transaction still running now is never mistaken for
        // one that ended.
        let snapshot = if postgres {
            Some(pg_snapshot(db).await?)
        } else {
            None
        };

        let mut rows = Vec::new();
        if postgres && !next.gaps.is_empty() {
            let wanted: Vec<i64> = next.gaps.keys().copied().collect();
            for row in read_seqs(db, &wanted).await? {
                next.gaps.remove(&row.0);
                rows.push(row);
            }
        }
        let mut cursor = next.seq;
        loop {
            let page = read_after(db, cursor, LOG_PAGE).await?;
            let full = page.len() as i64 == LOG_PAGE;
            for row in page {
                if postgres {
                    // Bounded: a jump (a pruned log) is not a million open transactions.
                    let from = (cursor + 1).max(row.0 - MAX_TRACKED_GAPS as i64);
                    for missing in from..row.0 {
                        next.gaps.entry(missing).or_insert(Gap {
                            first_seen: Instant::now(),
                            xmax: None,
                        });
                    }
                }
                cursor = cursor.max(row.0);
                rows.push(row);
            }
            if !full || rows.len() >= MAX_ROWS_PER_FOLLOW {
                break;
            }
        }
        next.seq = cursor;
        if let Some((xmin, xmax)) = snapshot {
            next.gaps.retain(|seq, gap| match gap.xmax {
                None => {
                    if gap.first_seen.elapsed() >= GAP_SETTLE {
                        gap.xmax = Some(xmax);
                    }
                    true
                }
                Some(x) if xmin >= x => {
                    tracing::debug!(seq, "change_log gap closed: its transaction rolled back");
                    false
                }
                Some(_) => true,
            });
            while next.gaps.len() > MAX_TRACKED_GAPS {
                next.gaps.pop_first();
            }
        }

        if rows.is_empty() && next.payload() == state.payload() {
            // Nothing new, at most gap bookkeeping: no commit needed.
            *state = next;
            return Ok(FollowReport {
                changes: 0,
                seq: state.seq,
                rebuilt: false,
            });
        }
        if rows.iter().any(|(_, kind, _)| kind == REBUILD) {
            self.rebuild_locked(state, db, sources, &|_, _| {}).await?;
            return Ok(FollowReport {
                changes: rows.len(),
                seq: state.seq,
                rebuilt: true,
            });
        }

        let mut by_kind: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut whole_kinds: BTreeSet<&str> = BTreeSet::new();
        for (_, kind, id) in &rows {
            if id == REBUILD {
                whole_kinds.insert(kind);
            } else {
                by_kind.entry(kind).or_default().insert(id);
            }
        }
        for kind in &whole_kinds {
            let Some(source) = sources.iter().find(|s| s.kind() == *kind) else {
                tracing::warn!(kind, "no search source for this kind; change ignored");
                continue;
            };
            let kind = kind.to_string();
            self.blocking(move |s| s.delete_kind(&kind)).await?;
            self.load_all_into(db, source.as_ref(), &mut |_| {}).await?;
        }
        for (kind, ids) in by_kind {
            if whole_kinds.contains(kind) {
                continue;
            }
            let Some(source) = sources.iter().find(|s| s.kind() == kind) else {
                tracing::warn!(kind, "no search source for this kind; change ignored");
                continue;
            };
            let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
            for chunk in ids.chunks(LOAD_CHUNK) {
                let docs = source.load(db, chunk).await?;
                let keys: Vec<String> = chunk.iter().map(|id| format!("{kind}:{id}")).collect();
                self.blocking(move |s| s.write(&keys, &docs)).await?;
            }
        }
        let payload = next.payload();
        self.blocking(move |s| s.commit(&payload)).await?;
        tracing::debug!(
            changes = rows.len(),
            seq = next.seq,
            "search index followed the change log"
        );
        *state = next;
        Ok(FollowReport {
            changes: rows.len(),
            seq: state.seq,
            rebuilt: false,
        })
    }

    /// Rebuilds the whole index from the sources: clears it, adds every document in batches and
    /// commits with the `change_log` position read before loading, so that the follower replays
    /// whatever changed meanwhile. Readers see the old index until the commit.
    /// `progress(done, total)` is called after each batch.
    pub async fn reindex(
        &self,
        db: &Db,
        sources: &[Arc<dyn SearchSource>],
        progress: impl Fn(u64, u64) + Send + Sync,
    ) -> Result<u64> {
        let mut state = self.0.state.lock().await;
        let result = self
            .rebuild_locked(&mut state, db, sources, &progress)
            .await;
        if result.is_err() {
            self.rollback();
        }
        result
    }

    async fn rebuild_locked(
        &self,
        state: &mut FollowState,
        db: &Db,
        sources: &[Arc<dyn SearchSource>],
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<u64> {
        let started = Instant::now();
        let (seq, gaps) = start_point(db).await?;
        let mut total = 0;
        for source in sources {
            total += source.count_all(db).await?;
        }
        progress(0, total);
        self.blocking(|s| s.with_writer(|w| w.delete_all_documents().map(|_| ())))
            .await?;
        let mut done = 0u64;
        for source in sources {
            self.load_all_into(db, source.as_ref(), &mut |n| {
                done += n;
                progress(done, total.max(done));
            })
            .await?;
        }
        let now = Instant::now();
        let next = FollowState {
            built: true,
            seq,
            gaps: gaps
                .into_iter()
                .map(|s| {
                    (
                        s,
                        Gap {
                            first_seen: now,
                            xmax: None,
                        },
                    )
                })
                .collect(),
        };
        let payload = next.payload();
        self.blocking(move |s| s.commit(&payload)).await?;
        *state = next;
        tracing::info!(
            docs = done,
            seq,
            seconds = started.elapsed().as_secs_f64(),
            "search index rebuilt"
        );
        Ok(done)
    }

    /// Pages through one source and adds its documents; loading the next page overlaps with
    /// indexing the previous one.
    async fn load_all_into(
        &self,
        db: &Db,
        source: &dyn SearchSource,
        on_batch: &mut (dyn FnMut(u64) + Send),
    ) -> Result<()> {
        let mut after: Option<String> = None;
        let mut pending: Option<tokio::task::JoinHandle<Result<u64>>> = None;
        loop {
            let docs = source.load_all(db, after.clone(), REINDEX_BATCH).await;
            // Wait for the previous batch even when loading failed, so that nothing is written
            // after a rollback.
            if let Some(handle) = pending.take() {
                on_batch(handle.await.map_err(internal)??);
            }
            let docs = docs?;
            let Some(last) = docs.last() else { break };
            after = Some(last.id.clone());
            let this = self.clone();
            pending = Some(tokio::task::spawn_blocking(move || {
                this.write(&[], &docs)?;
                Ok(docs.len() as u64)
            }));
        }
        Ok(())
    }
}

type LogRow = (i64, String, String);

async fn read_after(db: &Db, after: i64, limit: i64) -> Result<Vec<LogRow>> {
    Ok(crate::read!(db, |c| sqlx::query_as::<_, LogRow>(
        "SELECT seq, kind, entity_id FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2"
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?))
}

pub(super) async fn max_seq(db: &Db) -> Result<i64> {
    Ok(crate::read!(db, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COALESCE(MAX(seq), 0) FROM change_log"
    )
    .fetch_one(&mut *c)
    .await?))
}

/// PostgreSQL only: rows at these positions.
async fn read_seqs(db: &Db, seqs: &[i64]) -> Result<Vec<LogRow>> {
    match db {
        Db::Postgres(pool) => Ok(sqlx::query_as::<_, LogRow>(
            "SELECT seq, kind, entity_id FROM change_log WHERE seq = ANY($1) ORDER BY seq",
        )
        .bind(seqs)
        .fetch_all(pool)
        .await?),
        Db::Sqlite { .. } => Ok(Vec::new()),
    }
}

/// PostgreSQL: the oldest transaction id still running, and the next one to be given out.
async fn pg_snapshot(db: &Db) -> Result<(u64, u64)> {
    let Db::Postgres(pool) = db else {
        return Ok((0, 0));
    };
    let (xmin, xmax): (String, String) =
        sqlx::query_as("SELECT pg_snapshot_xmin(pg_current_snapshot())::text, pg_snapshot_xmax(pg_current_snapshot())::text").fetch_one(pool).await?;
    let parse = |s: &str| {
        s.parse::<u64>()
            .map_err(|e| internal(format!("transaction id {s:?}: {e}")))
    };
    Ok((parse(&xmin)?, parse(&xmax)?))
}

/// Where a rebuild starts following: the last position now, and (PostgreSQL) the positions below
/// it not visible yet, whose transactions may still commit.
async fn start_point(db: &Db) -> Result<(i64, Vec<i64>)> {
    let seq = max_seq(db).await?;
    let gaps = match db {
        Db::Postgres(pool) => {
            sqlx::query_scalar::<_, i64>(
                "SELECT g FROM (SELECT seq, lead(seq) OVER (ORDER BY seq) AS nxt FROM change_log WHERE seq <= $1) t \
                 CROSS JOIN LATERAL generate_series(t.seq + 1, t.nxt - 1) AS g \
                 WHERE t.nxt > t.seq + 1 ORDER BY g DESC LIMIT $2",
            )
            .bind(seq)
            .bind(MAX_TRACKED_GAPS as i64)
            .fetch_all(pool)
            .await?
        }
        Db::Sqlite { .. } => Vec::new(),
    };
    Ok((seq, gaps))
}

// ---- the background follower -----------------------------------------------------------------

/// Follows the change log in the background: at start (building the index when it was never
/// built), every `interval`, and whenever [`Search::poke`] is called. Errors are logged and
/// retried.
pub fn spawn_follower(
    platform: &Platform,
    sources: Vec<Arc<dyn SearchSource>>,
    interval: Duration,
) -> tokio::task::JoinHandle<()> {
    let search = platform.search.clone();
    let db = platform.db.clone();
    tokio::spawn(async move {
        let mut failures = 0u32;
        loop {
            match search.follow(&db, &sources).await {
                Ok(report) => {
                    failures = 0;
                    if report.changes > 0 || report.rebuilt {
                        tracing::debug!(
                            changes = report.changes,
                            seq = report.seq,
                            rebuilt = report.rebuilt,
                            "search follower applied changes"
                        );
                    }
                    if report.changes >= MAX_ROWS_PER_FOLLOW {
                        // A backlog: keep going without waiting.
                        continue;
                    }
                }
                Err(e) => {
                    failures += 1;
                    metrics::counter!("agora_search_follow_errors_total").increment(1);
                    tracing::warn!(error = %e, failures, "search follower failed; retrying");
                }
            }
            let wait = if failures == 0 {
                interval
            } else {
                (interval * 2u32.pow(failures.min(6))).min(Duration::from_secs(60))
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = search.0.wake.notified() => {}
            }
        }
    })
}
