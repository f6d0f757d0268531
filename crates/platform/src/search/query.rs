//! Running a query: user text parsing, clause building, filters, paging and facets.

use std::collections::HashMap;
use std::ops::Bound;
use std::time::Instant;

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Order, Score, TantivyDocument, Term};
use time::OffsetDateTime;

use crate::error::Result;
use crate::i18n::{Bilingual, Lang};

use super::collectors::{FacetCounter, TopByDate};
use super::schema::{ENGLISH_STOP_WORDS, facet_column, from_micros, micros};
use super::snippets::Highlighter;
use super::{
    ALL_PRIVATE, FR_ANALYZER, FacetResult, FacetValue, KIND_FACET, MAX_LIMIT, MAX_QUERY_ITEMS,
    Search, SearchHit, SearchQuery, SearchResults, Sort, internal,
};

impl Search {
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

// ---- user text ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Modifier {
    None,
    Must,
    Not,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    Word(String),
    Phrase(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Item {
    pub(super) modifier: Modifier,
    pub(super) piece: Piece,
    /// Joined to the previous item by `OR`.
    pub(super) or_prev: bool,
}

/// Splits user text into words and phrases with their `+`/`-`/`NOT`/`OR` markers. Total: any
/// text gives some list (an unclosed quote runs to the end; syntax it does not know is words).
pub(super) fn parse_user_text(text: &str) -> Vec<Item> {
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
