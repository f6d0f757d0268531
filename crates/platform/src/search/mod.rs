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

mod collectors;
mod follow;
mod index;
mod query;
mod schema;
mod snippets;

pub use follow::spawn_follower;
pub use schema::french_analyzer;

use std::path::PathBuf;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::anyhow;
use futures::future::BoxFuture;
use tantivy::{Index, IndexReader, IndexWriter};
use time::OffsetDateTime;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::i18n::{Bilingual, Lang};

use collectors::FacetCache;
use follow::FollowState;
use schema::Fields;

/// Bump when the analyzers or the meaning of a field change without the schema changing: an index
/// written with another version is discarded and rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

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

// ---- the index handle --------------------------------------------------------------------

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

#[cfg(test)]
mod tests;
