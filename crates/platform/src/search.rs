//! Full-text search: one tantivy index derived from the database of record, fed by every area.
//!
//! Areas describe their searchable entities as [`SearchDoc`]s through a [`SearchSource`]; every
//! write announces itself in the `change_log` table ([`Tx::changed`](crate::db::Tx::changed)), in
//! the writer's transaction. Each node keeps its own index and *follows* that log
//! ([`Search::follow`], [`spawn_follower`]): it reloads the changed entities through their source
//! and replaces their documents. The last applied position is stored in the index's commit payload,
//! so a restarted node resumes where it stopped; [`Search::reindex`] rebuilds everything.
//!
//! Text is indexed in both languages (English `en_stem`; French: simple tokenizer → lower case →
//! ASCII folding → French stop words → French stemmer) and searched in both, the page language
//! weighing more and titles more than bodies. Facets are the `facets` JSON fast field: one column
//! per facet name, counted by a small collector over term ordinals (multi-valued columns are
//! copied into plain arrays per segment first, see `FacetCache`).
//!
//! Private documents are never returned unless the caller names who may see them
//! ([`SearchQuery::include_private_for`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::{Bound, Range};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue, SortByString};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::index::SegmentId;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, JsonObjectOptions, NumericOptions, OwnedValue, STORED,
    STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentReader,
    TantivyDocument, Term,
};
use time::OffsetDateTime;

use crate::Platform;
use crate::db::Db;
use crate::error::{Error, Msg, Result};
use crate::i18n::{Bilingual, Lang};

/// Bump when the analyzers or the meaning of a field change without the schema changing: an index
/// written with another version is discarded and rebuilt.
pub const SCHEMA_VERSION: u32 = 1;

/// In [`SearchQuery::include_private_for`]: every private document (for administrators).
pub const ALL_PRIVATE: &str = "*";

/// A `change_log` row with this kind asks every node to rebuild its whole index; a row with
/// `entity_id` = `"*"` asks for one kind to be rebuilt. See [`Search::request_reindex`].
pub const REBUILD: &str = "*";

/// The message key of the error returned when another process (a running server) holds this
/// index's writer: rebuild through [`Search::request_reindex`] instead. See [`is_busy`].
pub const INDEX_BUSY: &str = "search-index-busy";

/// Whether `error` says another process writes this search index.
pub fn is_busy(error: &Error) -> bool {
    matches!(error, Error::Conflict(m) if m.key == INDEX_BUSY)
}

/// The facet name that counts and filters documents by their kind.
pub const KIND_FACET: &str = "kind";

/// The French analyzer's name in the index.
pub const FR_ANALYZER: &str = "fr_stem";

/// The most hits one query returns.
pub const MAX_LIMIT: usize = 10_000;

const WRITER_BUDGET: usize = 64 << 20;
const LOG_PAGE: i64 = 1000;
const MAX_ROWS_PER_FOLLOW: usize = 20_000;
const LOAD_CHUNK: usize = 500;
const REINDEX_BATCH: usize = 2000;
const BODY_SNIPPET_CHARS: usize = 220;
const MAX_QUERY_ITEMS: usize = 32;
const MAX_TRACKED_GAPS: usize = 10_000;
/// A gap in `change_log` (PostgreSQL only) is first given this long for its transaction to get
/// its id, then given up once every transaction that was running at that point has ended.
const GAP_SETTLE: Duration = Duration::from_secs(1);

// ---- documents and sources -----------------------------------------------------------------

/// What one searchable entity looks like to the index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchDoc {
    /// The area's name for the entity type (`dataset`, `idea`…): lower-case letters, digits, `_`, `-`.
    pub kind: String,
    pub id: String,
    pub title: Bilingual,
    pub body: Bilingual,
    /// `(facet name, value)` pairs; a name may repeat (tags). Names: lower-case letters, digits,
    /// `_`, `-`; `kind` is reserved.
    pub facets: Vec<(String, String)>,
    /// When the entity last changed, for sorting and date ranges.
    pub date: Option<OffsetDateTime>,
    /// Only public documents are returned to everyone.
    pub public: bool,
    /// Who may also see it when it is not public (e.g. the owning organization's id).
    pub visible_to: Vec<String>,
}

impl SearchDoc {
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> SearchDoc {
        SearchDoc {
            kind: kind.into(),
            id: id.into(),
            public: true,
            ..SearchDoc::default()
        }
    }
    pub fn facet(mut self, name: impl Into<String>, value: impl Into<String>) -> SearchDoc {
        self.facets.push((name.into(), value.into()));
        self
    }
    fn key(&self) -> String {
        format!("{}:{}", self.kind, self.id)
    }
}

/// How an area hands its entities to the index. Implementations read the database of record.
///
/// ```ignore
/// impl SearchSource for Datasets {
///     fn kind(&self) -> &'static str { "dataset" }
///     fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
///         Box::pin(async move { /* SELECT … WHERE id IN … */ })
///     }
///     …
/// }
/// ```
pub trait SearchSource: Send + Sync {
    fn kind(&self) -> &'static str;
    /// The documents for these ids; an id that is not returned has been deleted.
    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>>;
    /// How many documents [`load_all`](Self::load_all) will return, for progress bars.
    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>>;
    /// Up to `batch` documents with an id after `after` (keyset paging, ordered by id); an empty
    /// batch ends the walk.
    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>>;
}

// ---- queries and results -------------------------------------------------------------------

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first; newest first among equals, and for an empty query.
    #[default]
    Relevance,
    DateDesc,
    DateAsc,
    /// By title in the page language (falling back to the other), case and accents ignored.
    TitleAsc,
    TitleDesc,
}

#[derive(Clone, Debug)]
pub struct SearchQuery {
    /// What people typed. Words, `"phrases"`, `+required`, `-excluded`, `OR`; anything else is
    /// taken as words. Empty (or `*`, `*:*`) matches everything.
    pub text: String,
    pub lang: Lang,
    /// Only these kinds; empty = all.
    pub kinds: Vec<String>,
    /// `(facet, values)`: a document matches a filter when it has any of the values; it must
    /// match every filter. A filter without values is ignored.
    pub filters: Vec<(String, Vec<String>)>,
    /// `(facet, value)` pairs a document must not have.
    pub exclude: Vec<(String, String)>,
    /// Inclusive bounds on [`SearchDoc::date`].
    pub date_from: Option<OffsetDateTime>,
    pub date_to: Option<OffsetDateTime>,
    /// Facets to count over the matching documents.
    pub facets: Vec<String>,
    /// Values kept per facet, most frequent first; `None` keeps all.
    pub facet_limit: Option<usize>,
    pub sort: Sort,
    pub offset: usize,
    /// At most [`MAX_LIMIT`]; 0 counts without returning hits.
    pub limit: usize,
    /// Also return private documents visible to any of these (organization ids…);
    /// [`ALL_PRIVATE`] returns every private document. `None`: public documents only.
    pub include_private_for: Option<Vec<String>>,
    /// Build title and body snippets (off when only ids are needed).
    pub highlight: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            lang: Lang::En,
            kinds: Vec::new(),
            filters: Vec::new(),
            exclude: Vec::new(),
            date_from: None,
            date_to: None,
            facets: Vec::new(),
            facet_limit: Some(50),
            sort: Sort::Relevance,
            offset: 0,
            limit: 10,
            include_private_for: None,
            highlight: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub kind: String,
    pub id: String,
    pub score: f32,
    pub date: Option<OffsetDateTime>,
    /// The title as HTML: escaped, matches wrapped in `<mark>`.
    pub title_html: String,
    /// The language the title is shown in (the other one when it is missing in the page language).
    pub title_lang: Lang,
    /// A passage of the body around the best match, as HTML; the beginning when nothing matched.
    pub body_html: String,
    pub body_lang: Lang,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetResult {
    pub name: String,
    /// Most frequent first, then by value.
    pub values: Vec<FacetValue>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub total: u64,
    pub hits: Vec<SearchHit>,
    /// One entry per requested facet, in the order asked.
    pub facets: Vec<FacetResult>,
}

impl SearchResults {
    pub fn facet(&self, name: &str) -> Option<&FacetResult> {
        self.facets.iter().find(|f| f.name == name)
    }
    /// The count of one facet value (0 when absent).
    pub fn facet_count(&self, name: &str, value: &str) -> u64 {
        self.facet(name)
            .and_then(|f| f.values.iter().find(|v| v.value == value))
            .map(|v| v.count)
            .unwrap_or(0)
    }
}

/// What one [`Search::follow`] call did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowReport {
    /// `change_log` rows applied.
    pub changes: usize,
    /// The position now stored in the index.
    pub seq: i64,
    /// The whole index was rebuilt (never built before, or asked for).
    pub rebuilt: bool,
}

// ---- the index -----------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    id: Field,
    title_en: Field,
    body_en: Field,
    title_fr: Field,
    body_fr: Field,
    facets: Field,
    date: Field,
    public: Field,
    visible_to: Field,
    sort_en: Field,
    sort_fr: Field,
}

impl Fields {
    fn title(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.title_en,
            Lang::Fr => self.title_fr,
        }
    }
    fn body(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.body_en,
            Lang::Fr => self.body_fr,
        }
    }
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let raw_fast = |opts: TextOptions| opts.set_fast(tantivy::tokenizer::RAW_TOKENIZER_NAME);
    let text = |analyzer: &str| {
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored()
    };
    let key = b.add_text_field("key", raw_fast(STRING | STORED));
    let kind = b.add_text_field("kind", raw_fast(STRING));
    let id = b.add_text_field("id", STORED);
    let title_en = b.add_text_field("title_en", text("en_stem"));
    let body_en = b.add_text_field("body_en", text("en_stem"));
    let title_fr = b.add_text_field("title_fr", text(FR_ANALYZER));
    let body_fr = b.add_text_field("body_fr", text(FR_ANALYZER));
    let facets = b.add_json_field(
        "facets",
        JsonObjectOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_index_option(IndexRecordOption::Basic),
            )
            .set_fast("raw"),
    );
    let date = b.add_i64_field("date", NumericOptions::from(INDEXED | FAST | STORED));
    let public = b.add_bool_field("public", INDEXED);
    let visible_to = b.add_text_field("visible_to", STRING);
    let sort_en = b.add_text_field("sort_en", raw_fast(TextOptions::default()));
    let sort_fr = b.add_text_field("sort_fr", raw_fast(TextOptions::default()));
    let fields = Fields {
        key,
        kind,
        id,
        title_en,
        body_en,
        title_fr,
        body_fr,
        facets,
        date,
        public,
        visible_to,
        sort_en,
        sort_fr,
    };
    (b.build(), fields)
}

/// French words of tantivy's stop list as they look after ASCII folding, which runs first.
const FRENCH_FOLDED_STOP_WORDS: &[&str] = &[
    "a", "meme", "etee", "etees", "etant", "etes", "etais", "etait", "etions", "etiez", "etaient",
    "fumes", "futes", "eumes", "eutes", "eut", "cela",
];

/// Lucene's English stop words: optional in a query rather than required.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// The French analyzer: simple tokenizer → lower case → ASCII folding → French stop words →
/// French stemmer. Folding before stemming lets `donnees` find `données`.
pub fn french_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::French).expect("tantivy has French stop words"))
        .filter(StopWordFilter::remove(
            FRENCH_FOLDED_STOP_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(Stemmer::new(Language::French))
        .build()
}

static SORT_ANALYZER: LazyLock<TextAnalyzer> = LazyLock::new(|| {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
});

/// The title as it sorts: lower case, without accents, the first 64 characters.
fn sort_key(title: &str) -> String {
    let mut analyzer = SORT_ANALYZER.clone();
    let mut out = String::new();
    let trimmed: String = title.trim().chars().take(64).collect();
    analyzer
        .token_stream(&trimmed)
        .process(&mut |t| out.push_str(&t.text));
    out
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Payload {
    v: u32,
    seq: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    gaps: Vec<i64>,
}

/// A `change_log` position not (yet) seen while later ones are (PostgreSQL: a transaction still
/// running, or one rolled back).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Gap {
    first_seen: Instant,
    /// The next transaction id when the gap had settled: once every older transaction has ended
    /// and the row is still missing, it never will appear.
    xmax: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
struct FollowState {
    built: bool,
    seq: i64,
    gaps: BTreeMap<i64, Gap>,
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

/// The search index of this node. Cheap to clone.
#[derive(Clone)]
pub struct Search(Arc<Inner>);

struct Inner {
    index: Index,
    reader: IndexReader,
    f: Fields,
    dir: Option<PathBuf>,
    /// Opened on first write, so that a process that only reads (a CLI command beside a running
    /// server) does not take the directory's lock.
    writer: Mutex<Option<IndexWriter>>,
    /// Serializes follow and reindex.
    state: tokio::sync::Mutex<FollowState>,
    applied: AtomicI64,
    wake: tokio::sync::Notify,
    facet_cache: FacetCache,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("dir", &self.0.dir)
            .field("applied_seq", &self.applied_seq())
            .finish()
    }
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::internal(anyhow!("search index: {e}"))
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

    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<T>) -> Result<T> {
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
        doc.add_text(f.sort_en, sort_key(d.title.get(Lang::En)));
        doc.add_text(f.sort_fr, sort_key(d.title.get(Lang::Fr)));
        Ok(doc)
    }

    /// Deletes the documents with these keys, then adds `docs` (replacing any with the same key).
    fn write(&self, delete_keys: &[String], docs: &[SearchDoc]) -> Result<()> {
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

    fn delete_kind(&self, kind: &str) -> Result<()> {
        let f = self.0.f;
        self.with_writer(|w| {
            w.delete_term(Term::from_field_text(f.kind, kind));
            Ok(())
        })
    }

    fn commit(&self, payload: &Payload) -> Result<()> {
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

    fn rollback(&self) {
        let mut guard = self.0.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = guard.as_mut()
            && let Err(e) = w.rollback()
        {
            tracing::warn!(error = %e, "search index rollback failed; reopening the writer");
            *guard = None;
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Search) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this))
            .await
            .map_err(internal)?
    }

    // ---- following the change log ------------------------------------------------------------

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

    // ---- querying ------------------------------------------------------------------------------

    /// Runs a search. Never fails on odd user text.
    pub fn query(&self, q: &SearchQuery) -> Result<SearchResults> {
        let started = Instant::now();
        let f = self.0.f;
        let searcher = self.0.reader.searcher();
        let text = self.text_query(&q.text, q.lang);
        let filtered = self.filtered_query(q, text.as_ref().map(|t| t.query.box_clone()));

        let facet_columns: Vec<String> = q.facets.iter().map(|name| facet_column(name)).collect();
        let counter = FacetCounter {
            columns: facet_columns,
            cache: &self.0.facet_cache,
        };
        // Bounded by the index size, so that odd paging values cost nothing.
        let num_docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let limit = q.limit.min(MAX_LIMIT);
        let want_hits = limit > 0 && q.offset < num_docs;
        let window = TopDocs::with_limit(limit.max(1)).and_offset(q.offset.min(num_docs));
        let date_field = "date";
        let sort_field = match q.lang {
            Lang::En => "sort_en",
            Lang::Fr => "sort_fr",
        };
        let sort = match q.sort {
            Sort::Relevance if text.is_none() => Sort::DateDesc,
            other => other,
        };
        // (score, address) for each hit, best first.
        let (total, facet_maps, top): (usize, Vec<Vec<(String, u64)>>, Ranked) = match sort {
            Sort::Relevance => {
                let top = want_hits.then(|| {
                    window.order_by((
                        SortBySimilarityScore,
                        (
                            SortByStaticFastValue::<i64>::for_field(date_field),
                            Order::Desc,
                        ),
                    ))
                });
                let (n, facets, hits) = searcher
                    .search(&*filtered, &(Count, counter, top))
                    .map_err(internal)?;
                (
                    n,
                    facets,
                    hits.unwrap_or_default()
                        .into_iter()
                        .map(|((score, _), a)| (score, a))
                        .collect(),
                )
            }
            Sort::DateDesc | Sort::DateAsc => {
                let order = if sort == Sort::DateAsc {
                    Order::Asc
                } else {
                    Order::Desc
                };
                let top = want_hits.then(|| TopByDate {
                    offset: q.offset.min(num_docs),
                    limit,
                    newest_first: order == Order::Desc,
                });
                let (n, facets, hits) = searcher
                    .search(&*filtered, &(Count, counter, top))
                    .map_err(internal)?;
                (
                    n,
                    facets,
                    hits.unwrap_or_default()
                        .into_iter()
                        .map(|a| (0.0, a))
                        .collect(),
                )
            }
            Sort::TitleAsc | Sort::TitleDesc => {
                let order = if sort == Sort::TitleAsc {
                    Order::Asc
                } else {
                    Order::Desc
                };
                let top = want_hits
                    .then(|| window.order_by((SortByString::for_field(sort_field), order)));
                let (n, facets, hits) = searcher
                    .search(&*filtered, &(Count, counter, top))
                    .map_err(internal)?;
                (
                    n,
                    facets,
                    hits.unwrap_or_default()
                        .into_iter()
                        .map(|(_, a)| (0.0, a))
                        .collect(),
                )
            }
        };

        let facets = q
            .facets
            .iter()
            .zip(facet_maps)
            .map(|(name, counts)| {
                let mut values: Vec<FacetValue> = counts
                    .into_iter()
                    .map(|(value, count)| FacetValue { value, count })
                    .collect();
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                if let Some(limit) = q.facet_limit {
                    values.truncate(limit);
                }
                FacetResult {
                    name: name.clone(),
                    values,
                }
            })
            .collect();

        let mut highlighter = Highlighter::new(&searcher, text.as_ref().map(|t| &*t.highlight), f);
        let mut columns: HashMap<u32, SegmentColumns> = HashMap::new();
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let columns = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                    v.insert(SegmentColumns {
                        key: if q.highlight {
                            None
                        } else {
                            fast.str("key").map_err(internal)?
                        },
                        date: fast.column_opt::<i64>(date_field).map_err(internal)?,
                    })
                }
            };
            let date = columns
                .date
                .as_ref()
                .and_then(|c| c.first(address.doc_id))
                .and_then(from_micros);
            // With snippets the stored document is read anyway; without, the key column is
            // cheaper than the document store.
            let doc: Option<TantivyDocument> = if q.highlight {
                Some(searcher.doc(address).map_err(internal)?)
            } else {
                None
            };
            let stored = |field: Field| {
                doc.as_ref()
                    .and_then(|d| d.get_first(field))
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let mut key = stored(f.key);
            if let Some(column) = &columns.key
                && let Some(ord) = column.ords().first(address.doc_id)
            {
                column.ord_to_str(ord, &mut key).map_err(internal)?;
            }
            let Some((kind, id)) = key.split_once(':') else {
                continue;
            };
            let mut hit = SearchHit {
                kind: kind.to_string(),
                id: id.to_string(),
                score,
                date,
                title_html: String::new(),
                title_lang: q.lang,
                body_html: String::new(),
                body_lang: q.lang,
            };
            if doc.is_some() {
                let title = Bilingual::new(stored(f.title_en), stored(f.title_fr));
                let body = Bilingual::new(stored(f.body_en), stored(f.body_fr));
                hit.title_lang = if title.missing(q.lang) {
                    q.lang.other()
                } else {
                    q.lang
                };
                hit.body_lang = if body.missing(q.lang) {
                    q.lang.other()
                } else {
                    q.lang
                };
                hit.title_html = highlighter.title(hit.title_lang, title.get(q.lang));
                hit.body_html = highlighter.body(hit.body_lang, body.get(q.lang));
            }
            hits.push(hit);
        }
        metrics::histogram!("agora_search_query_seconds").record(started.elapsed().as_secs_f64());
        Ok(SearchResults {
            total: total as u64,
            hits,
            facets,
        })
    }

    fn facet_term(&self, name: &str, value: &str) -> Term {
        if name == KIND_FACET {
            return Term::from_field_text(self.0.f.kind, value);
        }
        let mut term = Term::from_field_json_path(self.0.f.facets, name, false);
        term.append_type_and_str(value);
        term
    }

    fn filtered_query(&self, q: &SearchQuery, text: Option<Box<dyn Query>>) -> Box<dyn Query> {
        let f = self.0.f;
        let filter = |query: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
            (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
        };
        // One term: its postings; several: a set query (one bitset), cheap to intersect.
        let any_of = |mut terms: Vec<Term>| -> Box<dyn Query> {
            if terms.len() == 1 {
                let term = terms.pop().expect("one term");
                Box::new(TermQuery::new(term, IndexRecordOption::Basic))
            } else {
                Box::new(TermSetQuery::new(terms))
            }
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Private documents are few: excluding them costs less than requiring `public`.
        let private = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_bool(f.public, false),
                IndexRecordOption::Basic,
            ))
        };
        match &q.include_private_for {
            Some(who) if who.iter().any(|w| w == ALL_PRIVATE) => {}
            Some(who) if !who.is_empty() => {
                let visible = any_of(
                    who.iter()
                        .map(|w| Term::from_field_text(f.visible_to, w))
                        .collect(),
                );
                let hidden =
                    BooleanQuery::new(vec![(Occur::Must, private()), (Occur::MustNot, visible)]);
                clauses.push((Occur::MustNot, Box::new(hidden)));
            }
            _ => clauses.push((Occur::MustNot, private())),
        }
        if !q.kinds.is_empty() {
            clauses.push(filter(any_of(
                q.kinds
                    .iter()
                    .map(|k| Term::from_field_text(f.kind, k))
                    .collect(),
            )));
        }
        for (name, values) in q.filters.iter().filter(|(_, values)| !values.is_empty()) {
            clauses.push(filter(any_of(
                values.iter().map(|v| self.facet_term(name, v)).collect(),
            )));
        }
        for (name, value) in &q.exclude {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    self.facet_term(name, value),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if q.date_from.is_some() || q.date_to.is_some() {
            let bound = |d: Option<OffsetDateTime>| {
                d.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_i64(f.date, micros(d)))
                })
            };
            clauses.push(filter(Box::new(RangeQuery::new(
                bound(q.date_from),
                bound(q.date_to),
            ))));
        }
        match text {
            Some(text) => clauses.push((Occur::Must, text)),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        if clauses.len() == 1 && clauses[0].0 == Occur::Must {
            return clauses.pop().expect("one clause").1;
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Turns user text into a query over both languages. `None`: match everything.
    fn text_query(&self, text: &str, lang: Lang) -> Option<TextQuery> {
        let items = parse_user_text(text);
        if items.is_empty() {
            return None;
        }
        let f = self.0.f;
        let tokenizers = self.0.index.tokenizers();
        let mut analyzers: Vec<(Field, Score, TextAnalyzer)> = Vec::new();
        for (l, weight) in [(lang, 1.0), (lang.other(), 0.5)] {
            let name = match l {
                Lang::En => "en_stem",
                Lang::Fr => FR_ANALYZER,
            };
            let analyzer = tokenizers.get(name).expect("analyzers are registered");
            analyzers.push((f.title(l), 3.0 * weight, analyzer.clone()));
            analyzers.push((f.body(l), weight, analyzer));
        }

        // One query per item over the four fields, and whether a language drops it as a stop word.
        let mut built: Vec<Clause> = Vec::new();
        for item in items {
            let text = match &item.piece {
                Piece::Word(w) | Piece::Phrase(w) => w.as_str(),
            };
            let mut per_field: Vec<Box<dyn Query>> = Vec::new();
            let mut dropped_somewhere = false;
            for (field, boost, analyzer) in analyzers.iter_mut() {
                match field_query(*field, analyzer, text) {
                    Some(q) => per_field.push(Box::new(BoostQuery::new(q, *boost))),
                    None => dropped_somewhere = true,
                }
            }
            let query: Option<Box<dyn Query>> = match per_field.len() {
                0 => None,
                1 => per_field.pop(),
                _ => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    per_field, 0.1,
                ))),
            };
            let stop = matches!(&item.piece, Piece::Word(w) if dropped_somewhere || ENGLISH_STOP_WORDS.contains(&w.to_lowercase().as_str()));
            built.push(Clause {
                modifier: item.modifier,
                or_prev: item.or_prev,
                query,
                stop,
            });
        }

        let mut required: Vec<Box<dyn Query>> = Vec::new();
        let mut excluded: Vec<Box<dyn Query>> = Vec::new();
        let mut optional: Vec<Box<dyn Query>> = Vec::new();
        // Plain items; consecutive ones joined by OR form one group. (members, all stop words)
        let mut groups: Vec<(Vec<Box<dyn Query>>, bool)> = Vec::new();
        let mut last_plain = false;
        for Clause {
            modifier,
            or_prev,
            query,
            stop,
        } in built
        {
            let Some(query) = query else {
                last_plain = false;
                continue;
            };
            match modifier {
                Modifier::Must => required.push(query),
                Modifier::Not => excluded.push(query),
                Modifier::None => {
                    if or_prev && last_plain {
                        let group = groups.last_mut().expect("a previous plain item");
                        group.0.push(query);
                        group.1 &= stop;
                    } else {
                        groups.push((vec![query], stop));
                    }
                }
            }
            last_plain = modifier == Modifier::None;
        }
        let mut content: Vec<Box<dyn Query>> = Vec::new();
        for (mut members, stop) in groups {
            let query = if members.len() == 1 {
                members.pop().expect("one member")
            } else {
                Box::new(BooleanQuery::union(members)) as Box<dyn Query>
            };
            if stop {
                optional.push(query)
            } else {
                content.push(query)
            }
        }

        let highlight: Box<dyn Query> = Box::new(BooleanQuery::union(
            required
                .iter()
                .chain(content.iter())
                .chain(optional.iter())
                .map(|q| q.box_clone())
                .collect(),
        ));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        match content.len() {
            0 => {}
            // All required: an intersection, cheaper than counting matches per document.
            1 | 2 => clauses.extend(content.into_iter().map(|q| (Occur::Must, q))),
            n => {
                // CKAN's (Solr dismax) `mm` = "2<-1 5<80%": up to two words all required, up to
                // five all but one, beyond that 80%.
                let min = if n <= 5 { n - 1 } else { n * 8 / 10 };
                let should = content.into_iter().map(|q| (Occur::Should, q)).collect();
                clauses.push((
                    Occur::Must,
                    Box::new(BooleanQuery::with_minimum_required_clauses(should, min)),
                ));
            }
        }
        clauses.extend(required.into_iter().map(|q| (Occur::Must, q)));
        let has_positive = !clauses.is_empty();
        let optional_count = optional.len();
        clauses.extend(optional.into_iter().map(|q| (Occur::Should, q)));
        if !has_positive && optional_count == 0 {
            if excluded.is_empty() {
                // Nothing searchable was typed (punctuation only): no match rather than all.
                return Some(TextQuery {
                    query: Box::new(tantivy::query::EmptyQuery),
                    highlight,
                });
            }
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        clauses.extend(excluded.into_iter().map(|q| (Occur::MustNot, q)));
        let min_should = if has_positive {
            0
        } else {
            1.min(optional_count)
        };
        Some(TextQuery {
            query: Box::new(BooleanQuery::with_minimum_required_clauses(
                clauses, min_should,
            )),
            highlight,
        })
    }
}

/// The columns read per hit, once per segment.
struct SegmentColumns {
    key: Option<StrColumn>,
    date: Option<tantivy::columnar::Column<i64>>,
}

/// Hits as (score, address), best first.
type Ranked = Vec<(Score, DocAddress)>;

/// One item of user text as a query, before it is combined with the others.
struct Clause {
    modifier: Modifier,
    or_prev: bool,
    /// `None` when no language keeps a token of it (punctuation).
    query: Option<Box<dyn Query>>,
    /// A stop word in some language: it may match, need not.
    stop: bool,
}

struct TextQuery {
    query: Box<dyn Query>,
    /// The positive part only, for snippets.
    highlight: Box<dyn Query>,
}

fn field_query(field: Field, analyzer: &mut TextAnalyzer, text: &str) -> Option<Box<dyn Query>> {
    let mut terms: Vec<(usize, Term)> = Vec::new();
    analyzer.token_stream(text).process(&mut |token| {
        terms.push((token.position, Term::from_field_text(field, &token.text)))
    });
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.pop().expect("one term").1,
            IndexRecordOption::WithFreqs,
        ))),
        _ => {
            let first = terms[0].0;
            Some(Box::new(PhraseQuery::new_with_offset(
                terms.into_iter().map(|(p, t)| (p - first, t)).collect(),
            )))
        }
    }
}

fn facet_column(name: &str) -> String {
    if name == KIND_FACET {
        "kind".to_string()
    } else {
        format!("facets.{name}")
    }
}

fn micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

fn from_micros(v: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(v as i128 * 1000).ok()
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

// ---- user text ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    None,
    Must,
    Not,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Word(String),
    Phrase(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Item {
    modifier: Modifier,
    piece: Piece,
    /// Joined to the previous item by `OR`.
    or_prev: bool,
}

/// Splits user text into words and phrases with their `+`/`-`/`NOT`/`OR` markers. Total: any
/// text gives some list (an unclosed quote runs to the end; syntax it does not know is words).
fn parse_user_text(text: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut pending_not = false;
    let mut pending_or = false;
    while items.len() < MAX_QUERY_ITEMS {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut modifier = Modifier::None;
        if first == '+' || first == '-' {
            chars.next();
            modifier = if first == '+' {
                Modifier::Must
            } else {
                Modifier::Not
            };
        }
        let piece = if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            Piece::Phrase(phrase)
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            match word.as_str() {
                "AND" | "&&" if modifier == Modifier::None => continue,
                "OR" | "||" if modifier == Modifier::None => {
                    pending_or = true;
                    continue;
                }
                "NOT" | "!" if modifier == Modifier::None => {
                    pending_not = true;
                    continue;
                }
                _ => {}
            }
            if word.chars().all(|c| c == '*' || c == ':') {
                // `*`, `*:*`: everything, which is what no word means.
                continue;
            }
            Piece::Word(word)
        };
        if pending_not {
            modifier = Modifier::Not;
        }
        let or_prev = pending_or && !items.is_empty();
        pending_not = false;
        pending_or = false;
        items.push(Item {
            modifier,
            piece,
            or_prev,
        });
    }
    items
}

// ---- snippets ------------------------------------------------------------------------------

struct Highlighter<'a> {
    searcher: &'a tantivy::Searcher,
    query: Option<&'a dyn Query>,
    f: Fields,
    generators: HashMap<(bool, Lang), Option<SnippetGenerator>>,
}

impl<'a> Highlighter<'a> {
    fn new(searcher: &'a tantivy::Searcher, query: Option<&'a dyn Query>, f: Fields) -> Self {
        Highlighter {
            searcher,
            query,
            f,
            generators: HashMap::new(),
        }
    }

    fn generator(&mut self, title: bool, lang: Lang) -> Option<&SnippetGenerator> {
        let (searcher, query, f) = (self.searcher, self.query, self.f);
        self.generators
            .entry((title, lang))
            .or_insert_with(|| {
                let field = if title { f.title(lang) } else { f.body(lang) };
                let mut generator = SnippetGenerator::create(searcher, query?, field).ok()?;
                generator.set_max_num_chars(if title { 100_000 } else { BODY_SNIPPET_CHARS });
                Some(generator)
            })
            .as_ref()
    }

    /// The whole title, with the matches marked.
    fn title(&mut self, lang: Lang, text: &str) -> String {
        if let Some(generator) = self.generator(true, lang) {
            let snippet = generator.snippet(text);
            if !snippet.is_empty() {
                let start = snippet.fragment_range().start;
                let ranges: Vec<Range<usize>> = snippet
                    .highlighted()
                    .iter()
                    .map(|r| r.start + start..r.end + start)
                    .collect();
                return marked_html(text, &ranges);
            }
        }
        escape_html(text)
    }

    /// The passage around the best match, or the beginning.
    fn body(&mut self, lang: Lang, text: &str) -> String {
        if let Some(generator) = self.generator(false, lang) {
            let snippet = generator.snippet(text);
            if !snippet.is_empty() {
                let range = snippet.fragment_range();
                let mut out = String::new();
                if range.start > 0 {
                    out.push_str("… ");
                }
                out.push_str(&marked_html(&text[range.clone()], snippet.highlighted()));
                if range.end < text.trim_end().len() {
                    out.push_str(" …");
                }
                return out;
            }
        }
        let (head, cut) = truncate_at_word(text, BODY_SNIPPET_CHARS);
        let mut out = escape_html(head);
        if cut {
            out.push_str(" …");
        }
        out
    }
}

fn truncate_at_word(text: &str, max_chars: usize) -> (&str, bool) {
    let text = text.trim();
    let Some((end, _)) = text.char_indices().nth(max_chars) else {
        return (text, false);
    };
    let head = &text[..end];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > end / 2 => &head[..space],
        _ => head,
    };
    (head.trim_end(), true)
}

/// `text` escaped for HTML, with `ranges` (byte ranges) wrapped in `<mark>`.
fn marked_html(text: &str, ranges: &[Range<usize>]) -> String {
    let mut sorted: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start < r.end && r.end <= text.len())
        .cloned()
        .collect();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for r in sorted {
        if r.start < at || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        out.push_str(&escape_html(&text[at..r.start]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[r.clone()]));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&escape_html(&text[at..]));
    out
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

// ---- facet counting ------------------------------------------------------------------------

/// Multi-valued facet columns (tags, formats) as plain arrays per segment: the start of each
/// document's values and the values' term ordinals. Built on first use and again after each
/// commit for new segments, dropped with their segment; counting then costs a few nanoseconds
/// per value instead of an index lookup per document.
#[derive(Default)]
struct FacetCache(Mutex<HashMap<(SegmentId, String), Arc<MultiOrds>>>);

struct MultiOrds {
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl MultiOrds {
    fn build(column: &StrColumn, max_doc: DocId) -> MultiOrds {
        let column = column.ords();
        let mut values = vec![0u64; column.values.num_vals() as usize];
        column.values.get_range(0, &mut values);
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut at = 0u32;
        starts.push(at);
        for doc in 0..max_doc {
            at += column.index.value_row_ids(doc).len() as u32;
            starts.push(at);
        }
        MultiOrds {
            starts,
            ords: values.into_iter().map(|v| v as u32).collect(),
        }
    }
}

impl FacetCache {
    fn get(&self, reader: &SegmentReader, name: &str, column: &StrColumn) -> Arc<MultiOrds> {
        let key = (reader.segment_id(), name.to_string());
        if let Some(found) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return found.clone();
        }
        let built = Arc::new(MultiOrds::build(column, reader.max_doc()));
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, built.clone());
        built
    }

    /// Drops the segments gone from `searcher` and builds the facets already in use for its new
    /// segments.
    fn refresh(&self, searcher: &tantivy::Searcher) {
        let live: BTreeSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        let names: BTreeSet<String> = {
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            map.retain(|(segment, _), _| live.contains(segment));
            map.keys().map(|(_, name)| name.clone()).collect()
        };
        for reader in searcher.segment_readers() {
            for name in &names {
                if let Ok(Some(column)) = reader.fast_fields().str(name)
                    && column.ords().get_cardinality() == Cardinality::Multivalued
                {
                    self.get(reader, name, &column);
                }
            }
        }
    }
}

/// Counts the values of several facet columns over the matching documents: one counter per term
/// ordinal per segment, turned into strings once at the end.
struct FacetCounter<'a> {
    columns: Vec<String>,
    cache: &'a FacetCache,
}

enum FacetColumn {
    /// At most one value per document: read from the column in blocks.
    Single(StrColumn),
    Multi(StrColumn, Arc<MultiOrds>),
}

impl FacetColumn {
    fn str_column(&self) -> &StrColumn {
        match self {
            FacetColumn::Single(c) | FacetColumn::Multi(c, _) => c,
        }
    }
}

struct SegmentFacetCounter {
    columns: Vec<Option<(FacetColumn, Vec<u32>)>>,
    /// Documents handed one at a time (scored queries), counted in blocks.
    buffered: Vec<DocId>,
    docs: Vec<DocId>,
    rows: Vec<u32>,
    ords: Vec<u64>,
}

const FACET_BLOCK: usize = 256;

impl SegmentFacetCounter {
    fn count_block(&mut self, docs: &[DocId]) {
        for (column, counts) in self.columns.iter_mut().flatten() {
            match column {
                FacetColumn::Single(column) => {
                    let ords = column.ords();
                    self.docs.clear();
                    self.rows.clear();
                    ords.row_ids_for_docs(docs, &mut self.docs, &mut self.rows);
                    self.ords.resize(self.rows.len(), 0);
                    ords.values.get_vals(&self.rows, &mut self.ords);
                    for &ord in &self.ords {
                        counts[ord as usize] += 1;
                    }
                }
                FacetColumn::Multi(_, multi) => {
                    // Runs of consecutive documents (dense matches) are counted as one slice:
                    // a loop per document mispredicts its short, uneven lengths.
                    let mut i = 0;
                    while i < docs.len() {
                        let first = docs[i];
                        let mut j = i + 1;
                        while j < docs.len() && docs[j] == docs[j - 1] + 1 {
                            j += 1;
                        }
                        let end = docs[j - 1] as usize + 1;
                        let range =
                            multi.starts[first as usize] as usize..multi.starts[end] as usize;
                        for &ord in &multi.ords[range] {
                            counts[ord as usize] += 1;
                        }
                        i = j;
                    }
                }
            }
        }
    }
}

impl Collector for FacetCounter<'_> {
    type Fruit = Vec<Vec<(String, u64)>>;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _segment: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let mut columns = Vec::with_capacity(self.columns.len());
        for name in &self.columns {
            let column = reader.fast_fields().str(name)?;
            columns.push(column.map(|c| {
                let counts = vec![0u32; c.num_terms()];
                if c.ords().get_cardinality() == Cardinality::Multivalued {
                    let multi = self.cache.get(reader, name, &c);
                    (FacetColumn::Multi(c, multi), counts)
                } else {
                    (FacetColumn::Single(c), counts)
                }
            }));
        }
        Ok(SegmentFacetCounter {
            columns,
            buffered: Vec::with_capacity(FACET_BLOCK),
            docs: Vec::new(),
            rows: Vec::new(),
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    /// Each segment's values come sorted (dictionary order): concatenate, sort (runs merge
    /// cheaply) and add up equal values.
    fn merge_fruits(
        &self,
        segments: Vec<Vec<Vec<(String, u64)>>>,
    ) -> tantivy::Result<Vec<Vec<(String, u64)>>> {
        let mut merged: Vec<Vec<(String, u64)>> = vec![Vec::new(); self.columns.len()];
        for segment in segments {
            for (i, values) in segment.into_iter().enumerate() {
                merged[i].extend(values);
            }
        }
        for values in &mut merged {
            values.sort_by(|a, b| a.0.cmp(&b.0));
            values.dedup_by(|later, earlier| {
                let same = later.0 == earlier.0;
                if same {
                    earlier.1 += later.1;
                }
                same
            });
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Vec<Vec<(String, u64)>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.buffered.push(doc);
        if self.buffered.len() == FACET_BLOCK {
            let docs = std::mem::take(&mut self.buffered);
            self.count_block(&docs);
            self.buffered = docs;
            self.buffered.clear();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.count_block(docs);
    }

    fn harvest(mut self) -> Self::Fruit {
        let rest = std::mem::take(&mut self.buffered);
        self.count_block(&rest);
        self.columns
            .into_iter()
            .map(|column| {
                let Some((column, counts)) = column else {
                    return Vec::new();
                };
                let column = column.str_column();
                let ords: Vec<u64> = counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(o, _)| o as u64)
                    .collect();
                let mut out = Vec::with_capacity(ords.len());
                let mut i = 0;
                let found = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                    out.push((
                        String::from_utf8_lossy(bytes).into_owned(),
                        counts[ords[i] as usize] as u64,
                    ));
                    i += 1;
                });
                if let Err(e) = found {
                    tracing::warn!(error = %e, "cannot read facet values");
                }
                out
            })
            .collect()
    }
}

// ---- sorting by date ----------------------------------------------------------------------------

/// The top documents by date, newest (or oldest) first, undated last, ties in index order.
/// Dates are read a block at a time and each block is walked backwards: documents are mostly
/// indexed oldest first, so the newest of a block come first and the rest rarely enter the heap.
struct TopByDate {
    offset: usize,
    limit: usize,
    newest_first: bool,
}

/// Greater is worse, so that a max-heap keeps the worst kept document on top.
#[derive(Clone, Copy, PartialEq, Eq)]
struct DateRanked {
    /// Higher is better.
    rank: i128,
    doc: DocId,
}

impl Ord for DateRanked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.rank.cmp(&self.rank).then(self.doc.cmp(&other.doc))
    }
}

impl PartialOrd for DateRanked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

struct SegmentTopByDate {
    segment: u32,
    column: Option<tantivy::columnar::Column<i64>>,
    newest_first: bool,
    keep: usize,
    heap: std::collections::BinaryHeap<DateRanked>,
    buffered: Vec<DocId>,
    dates: Vec<Option<i64>>,
}

impl SegmentTopByDate {
    fn take_block(&mut self, docs: &[DocId]) {
        self.dates.clear();
        self.dates.resize(docs.len(), None);
        if let Some(column) = &self.column {
            column.first_vals(docs, &mut self.dates);
        }
        for i in (0..docs.len()).rev() {
            let rank = match self.dates[i] {
                None => i128::MIN,
                Some(d) if self.newest_first => d as i128,
                Some(d) => -(d as i128),
            };
            let entry = DateRanked { rank, doc: docs[i] };
            if self.heap.len() < self.keep {
                self.heap.push(entry);
            } else if let Some(mut worst) = self.heap.peek_mut()
                && entry < *worst
            {
                *worst = entry;
            }
        }
    }
}

impl Collector for TopByDate {
    type Fruit = Vec<DocAddress>;
    type Child = SegmentTopByDate;

    fn for_segment(
        &self,
        segment: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTopByDate> {
        Ok(SegmentTopByDate {
            segment,
            column: reader.fast_fields().column_opt::<i64>("date")?,
            newest_first: self.newest_first,
            keep: self.offset + self.limit,
            heap: std::collections::BinaryHeap::with_capacity(self.offset + self.limit + 1),
            buffered: Vec::with_capacity(FACET_BLOCK),
            dates: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segments: Vec<Vec<(DateRanked, u32)>>,
    ) -> tantivy::Result<Vec<DocAddress>> {
        let mut all: Vec<(DateRanked, u32)> = segments.into_iter().flatten().collect();
        all.sort_by(|a, b| {
            b.0.rank
                .cmp(&a.0.rank)
                .then(a.1.cmp(&b.1))
                .then(a.0.doc.cmp(&b.0.doc))
        });
        Ok(all
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|(entry, segment)| DocAddress::new(segment, entry.doc))
            .collect())
    }
}

impl SegmentCollector for SegmentTopByDate {
    type Fruit = Vec<(DateRanked, u32)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.buffered.push(doc);
        if self.buffered.len() == FACET_BLOCK {
            let docs = std::mem::take(&mut self.buffered);
            self.take_block(&docs);
            self.buffered = docs;
            self.buffered.clear();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.take_block(docs);
    }

    fn harvest(mut self) -> Self::Fruit {
        let rest = std::mem::take(&mut self.buffered);
        self.take_block(&rest);
        let segment = self.segment;
        self.heap
            .into_vec()
            .into_iter()
            .map(|e| (e, segment))
            .collect()
    }
}

// ---- the change log --------------------------------------------------------------------------

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

async fn max_seq(db: &Db) -> Result<i64> {
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

#[cfg(test)]
mod tests;
