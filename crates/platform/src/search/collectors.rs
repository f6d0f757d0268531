//! Tantivy collectors: facet counts over cached term ordinals, and the top hits by date.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentReader};

// ---- facet counting ------------------------------------------------------------------------

/// Multi-valued facet columns (tags, formats) as plain arrays per segment: the start of each
/// document's values and the values' term ordinals. Built on first use and again after each
/// commit for new segments, dropped with their segment; counting then costs a few nanoseconds
/// per value instead of an index lookup per document.
#[derive(Default)]
pub(super) struct FacetCache(Mutex<HashMap<(SegmentId, String), Arc<MultiOrds>>>);

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
    pub(super) fn refresh(&self, searcher: &tantivy::Searcher) {
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
pub(super) struct FacetCounter<'a> {
    pub(super) columns: Vec<String>,
    pub(super) cache: &'a FacetCache,
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

pub(super) struct SegmentFacetCounter {
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
pub(super) struct TopByDate {
    pub(super) offset: usize,
    pub(super) limit: usize,
    pub(super) newest_first: bool,
}

/// Greater is worse, so that a max-heap keeps the worst kept document on top.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct DateRanked {
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

pub(super) struct SegmentTopByDate {
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
