//! Opening the index and writing to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tantivy::schema::OwnedValue;
use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::db::Db;
use crate::error::{Error, Msg, Result};
use crate::i18n::Lang;

use super::collectors::FacetCache;
use super::follow::{FollowState, Gap, max_seq};
use super::schema::{build_schema, french_analyzer, micros, sort_key, valid_name};
use super::{
    FR_ANALYZER, INDEX_BUSY, Inner, KIND_FACET, REBUILD, SCHEMA_VERSION, Search, SearchDoc,
    WRITER_BUDGET, internal,
};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Payload {
    pub(super) v: u32,
    pub(super) seq: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) gaps: Vec<i64>,
}

impl Search {
    /// Opens the index in `dir`, creating it when missing. An index written with another schema
    /// or [`SCHEMA_VERSION`], or one that cannot be read, is discarded: it is derived data, and the
    /// follower rebuilds it.
    pub fn open(dir: &Path) -> Result<Search> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create search folder {}", dir.display()))?;
        let (schema, _) = build_schema();
        let existing = if dir.join("meta.json").exists() {
            match Index::open_in_dir(dir) {
                Ok(index) if index.schema() != schema => {
                    tracing::warn!(dir = %dir.display(), "search index has another schema; rebuilding it");
                    None
                }
                Ok(index) => match read_payload(&index) {
                    Ok(Some(p)) if p.v != SCHEMA_VERSION => {
                        tracing::warn!(dir = %dir.display(), found = p.v, want = SCHEMA_VERSION, "search index has another version; rebuilding it");
                        None
                    }
                    Ok(_) => Some(index),
                    Err(e) => {
                        tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable; rebuilding it");
                        None
                    }
                },
                Err(e) => {
                    tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable; rebuilding it");
                    None
                }
            }
        } else {
            None
        };
        let index = match existing {
            Some(index) => index,
            None => {
                clear_dir(dir)?;
                Index::create_in_dir(dir, schema).map_err(internal)?
            }
        };
        Search::from_index(index, Some(dir.to_path_buf()))
    }

    /// An index in memory, for tests.
    pub fn open_in_ram() -> Search {
        let (schema, _) = build_schema();
        Search::from_index(Index::create_in_ram(schema), None).expect("an index in memory opens")
    }

    fn from_index(index: Index, dir: Option<PathBuf>) -> Result<Search> {
        index.tokenizers().register(FR_ANALYZER, french_analyzer());
        let (_, f) = build_schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(internal)?;
        let payload = read_payload(&index).map_err(internal)?;
        let now = Instant::now();
        let state = match &payload {
            Some(p) => FollowState {
                built: true,
                seq: p.seq,
                gaps: p
                    .gaps
                    .iter()
                    .map(|&s| {
                        (
                            s,
                            Gap {
                                first_seen: now,
                                xmax: None,
                            },
                        )
                    })
                    .collect(),
            },
            None => FollowState {
                built: false,
                seq: 0,
                gaps: BTreeMap::new(),
            },
        };
        let applied = AtomicI64::new(payload.map(|p| p.seq).unwrap_or(-1));
        Ok(Search(Arc::new(Inner {
            index,
            reader,
            f,
            dir,
            writer: Mutex::new(None),
            state: tokio::sync::Mutex::new(state),
            applied,
            wake: tokio::sync::Notify::new(),
            facet_cache: FacetCache::default(),
        })))
    }

    /// The last `change_log` position applied, or `None` when the index was never built.
    pub fn applied_seq(&self) -> Option<i64> {
        let v = self.0.applied.load(Ordering::Acquire);
        (v >= 0).then_some(v)
    }

    /// Wakes the follower at once (after a write, so that it shows up in search sooner).
    pub fn poke(&self) {
        self.0.wake.notify_one();
    }

    /// Waits until the follower has applied every change committed so far, or `timeout` passes;
    /// true when caught up. For tests and read-your-writes pages.
    pub async fn caught_up(&self, db: &Db, timeout: Duration) -> Result<bool> {
        let target = max_seq(db).await?;
        let deadline = Instant::now() + timeout;
        self.poke();
        loop {
            if self.applied_seq().is_some_and(|s| s >= target) {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Asks every node to rebuild its index from the sources (e.g. `agora reindex` while servers
    /// run), or, with `kind`, only that kind's documents.
    pub async fn request_reindex(db: &Db, kind: Option<&str>) -> Result<()> {
        let mut tx = db.begin().await?;
        match kind {
            Some(kind) => tx.changed(kind, REBUILD).await?,
            None => tx.changed(REBUILD, "").await?,
        }
        tx.commit().await
    }

    /// Number of documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.0.reader.searcher().num_docs()
    }

    // ---- writing ---------------------------------------------------------------------------

    pub(super) fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<T>,
    ) -> Result<T> {
        let mut guard = self.0.writer.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let threads = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, 4);
            let writer = self.0.index.writer_with_num_threads(threads, WRITER_BUDGET.max(threads * (16 << 20))).map_err(|e| match (&self.0.dir, e) {
                (Some(dir), tantivy::TantivyError::LockFailure(..)) => {
                    tracing::warn!(dir = %dir.display(), "the search index is written by another process");
                    Error::Conflict(Msg::new(INDEX_BUSY))
                }
                (_, e) => internal(e),
            })?;
            // A process killed between writing a commit's files and its meta.json leaves those
            // files behind, and the next commit would write the same names and fail: they are
            // not part of the index, so they go before anything is written.
            if let Err(e) = writer.garbage_collect_files().wait() {
                tracing::warn!(error = %e, "cannot remove the search index's unused files");
            }
            *guard = Some(writer);
        }
        f(guard.as_mut().expect("writer just opened")).map_err(internal)
    }

    fn to_document(&self, d: &SearchDoc) -> Result<TantivyDocument> {
        let f = &self.0.f;
        if !valid_name(&d.kind) {
            return Err(internal(format!("invalid kind {:?}", d.kind)));
        }
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, d.key());
        doc.add_text(f.kind, &d.kind);
        doc.add_text(f.id, &d.id);
        for (field, text) in [
            (f.title_en, &d.title.en),
            (f.body_en, &d.body.en),
            (f.title_fr, &d.title.fr),
            (f.body_fr, &d.body.fr),
        ] {
            if !text.is_empty() {
                doc.add_text(field, text);
            }
        }
        let mut facets: BTreeMap<String, Vec<OwnedValue>> = BTreeMap::new();
        for (name, value) in &d.facets {
            if !valid_name(name) || name == KIND_FACET {
                return Err(internal(format!(
                    "invalid facet name {name:?} in {}",
                    d.key()
                )));
            }
            if !value.is_empty() {
                facets
                    .entry(name.clone())
                    .or_default()
                    .push(OwnedValue::Str(value.clone()));
            }
        }
        if !facets.is_empty() {
            doc.add_object(
                f.facets,
                facets
                    .into_iter()
                    .map(|(k, v)| (k, OwnedValue::Array(v)))
                    .collect(),
            );
        }
        if let Some(date) = d.date {
            doc.add_i64(f.date, micros(date));
        }
        doc.add_bool(f.public, d.public);
        for who in &d.visible_to {
            doc.add_text(f.visible_to, who);
        }
        // Titles that sort alike are ordered by their key, so that an order never depends on
        // where documents sit in the index (a rebuilt index answers as the one it replaces).
        let key = d.key();
        for (field, lang) in [(f.sort_en, Lang::En), (f.sort_fr, Lang::Fr)] {
            doc.add_text(field, format!("{}\u{1}{key}", sort_key(d.title.get(lang))));
        }
        Ok(doc)
    }

    /// Deletes the documents with these keys, then adds `docs` (replacing any with the same key).
    pub(super) fn write(&self, delete_keys: &[String], docs: &[SearchDoc]) -> Result<()> {
        let converted = docs
            .iter()
            .map(|d| self.to_document(d))
            .collect::<Result<Vec<_>>>()?;
        let f = self.0.f;
        self.with_writer(|w| {
            for key in delete_keys {
                w.delete_term(Term::from_field_text(f.key, key));
            }
            for d in docs {
                w.delete_term(Term::from_field_text(f.key, &d.key()));
            }
            for doc in converted {
                w.add_document(doc)?;
            }
            Ok(())
        })
    }

    pub(super) fn delete_kind(&self, kind: &str) -> Result<()> {
        let f = self.0.f;
        self.with_writer(|w| {
            w.delete_term(Term::from_field_text(f.kind, kind));
            Ok(())
        })
    }

    pub(super) fn commit(&self, payload: &Payload) -> Result<()> {
        let text = serde_json::to_string(payload).map_err(internal)?;
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&text);
            prepared.commit()?;
            Ok(())
        })?;
        self.0.reader.reload().map_err(internal)?;
        self.0.facet_cache.refresh(&self.0.reader.searcher());
        self.0.applied.store(payload.seq, Ordering::Release);
        metrics::gauge!("agora_search_applied_seq").set(payload.seq as f64);
        Ok(())
    }

    pub(super) fn rollback(&self) {
        let mut guard = self.0.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = guard.as_mut()
            && let Err(e) = w.rollback()
        {
            tracing::warn!(error = %e, "search index rollback failed; reopening the writer");
            *guard = None;
        }
    }

    pub(super) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Search) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this))
            .await
            .map_err(internal)?
    }
}

fn read_payload(index: &Index) -> tantivy::Result<Option<Payload>> {
    let metas = index.load_metas()?;
    Ok(metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<Payload>(p).ok()))
}

fn clear_dir(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry.map_err(Error::internal)?.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}
