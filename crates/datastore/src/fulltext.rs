//! Full-text search as CKAN's datastore does it in PostgreSQL, computed by DataFusion on the rows:
//! a row's text becomes a vector of lexemes with positions (`to_tsvector`), a query becomes a tree
//! of lexemes (`plainto_tsquery` when `plain`, `to_tsquery` syntax otherwise), a row matches when
//! the tree holds (`@@`), and matching rows get PostgreSQL's `ts_rank(vector, query, 32)`.
//!
//! Lexemes: words are runs of letters and digits (a decimal number keeps its point), lower-cased;
//! PostgreSQL's stop words of the language are dropped (they still take a position); accents are
//! folded (so `donnees` finds `données`, where PostgreSQL would not), then the Snowball stemmer of
//! the language (`english`, `french`; `simple` does not stem) reduces the word.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Builder};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use frostem::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// A text search configuration, by PostgreSQL's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    French,
    Simple,
}

impl Language {
    pub const NAMES: [&'static str; 3] = ["english", "french", "simple"];

    pub fn parse(name: &str) -> Option<Language> {
        let name = name.trim().to_ascii_lowercase();
        match name.strip_prefix("pg_catalog.").unwrap_or(&name) {
            "english" => Some(Language::English),
            "french" => Some(Language::French),
            "simple" => Some(Language::Simple),
            _ => None,
        }
    }
}

fn stop_list(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}

// PostgreSQL's stop word lists (Snowball's; licence in stopwords/LICENCE), as its `english` and
// `french` configurations use.
static ENGLISH_STOP: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| stop_list(include_str!("stopwords/english.txt")));
static FRENCH_STOP: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| stop_list(include_str!("stopwords/french.txt")));

/// Turns words into lexemes for one language.
pub struct Analyzer {
    stemmer: Option<Stemmer>,
    stop: Option<&'static HashSet<&'static str>>,
}

impl Analyzer {
    pub fn new(language: Language) -> Analyzer {
        match language {
            Language::English => Analyzer {
                stemmer: Some(Stemmer::new(Algorithm::English)),
                stop: Some(&ENGLISH_STOP),
            },
            Language::French => Analyzer {
                stemmer: Some(Stemmer::new(Algorithm::French)),
                stop: Some(&FRENCH_STOP),
            },
            Language::Simple => Analyzer {
                stemmer: None,
                stop: None,
            },
        }
    }

    /// The lexeme of a word; None for a stop word.
    pub fn lexeme(&self, word: &str) -> Option<String> {
        let lower = word.to_lowercase();
        if self.stop.is_some_and(|s| s.contains(lower.as_str())) {
            return None;
        }
        let folded = fold(&lower);
        let numeric = folded.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        match &self.stemmer {
            Some(stemmer) if !numeric => Some(stemmer.stem(&folded).into_owned()),
            _ => Some(folded),
        }
    }
}

/// Lower-case text without accents: `é` → `e`, `œ` → `oe`, `ß` → `ss`.
fn fold(lower: &str) -> String {
    if lower.is_ascii() {
        return lower.to_string();
    }
    let mut out = String::with_capacity(lower.len());
    for c in lower.nfd() {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// The words of a text: runs of letters and digits; `3.5` stays one word.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start {
            let digits_before = text[s..i].bytes().all(|b| b.is_ascii_digit());
            let digit_after = chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
            if c == '.' && digits_before && digit_after {
                continue;
            }
            out.push(&text[s..i]);
            start = None;
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

// ---- queries ----

/// A lexeme of a query; `prefix` for `word:*`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Term {
    pub lexeme: String,
    pub prefix: bool,
}

/// A parsed query (`tsquery`). `And` and `Or` hold all their operands (`a & b & c` is one node),
/// so that the tree is as deep as the query's brackets and `!`, never as long as its words.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Query {
    Term(Term),
    /// Terms at given distances from the first (`a <-> b`, or the words of one operand).
    Phrase(Vec<(Term, u16)>),
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
}

/// Most words a query may have, and deepest its brackets and `!` may nest: parsing and matching
/// recurse once per level, and a query of thousands would exhaust the stack.
pub const MAX_WORDS: usize = 256;
pub const MAX_DEPTH: usize = 32;

fn too_many_words(count: usize) -> String {
    format!(
        "The text search has {count} words; at most {MAX_WORDS} are allowed: search for fewer words"
    )
}

/// Refuses a text of more words than a query may have.
fn check_words(text: &str) -> Result<(), String> {
    let count = words(text).len();
    if count > MAX_WORDS {
        return Err(too_many_words(count));
    }
    Ok(())
}

/// `op` over the operands left (stop words leave none): None, the one left, or one node that
/// takes in the operands of nodes of its own kind.
fn gather(operands: Vec<Option<Query>>, and: bool) -> Option<Query> {
    let mut flat = Vec::with_capacity(operands.len());
    for q in operands.into_iter().flatten() {
        match (q, and) {
            (Query::And(inner), true) | (Query::Or(inner), false) => flat.extend(inner),
            (q, _) => flat.push(q),
        }
    }
    match flat.len() {
        0 => None,
        1 => flat.pop(),
        _ if and => Some(Query::And(flat)),
        _ => Some(Query::Or(flat)),
    }
}

/// Terms with their distance from the first, from the words of a text; None when every word is
/// a stop word.
fn operand(analyzer: &Analyzer, text: &str, prefix: bool) -> Option<Query> {
    let mut terms: Vec<(Term, u16)> = Vec::new();
    let mut first: Option<usize> = None;
    for (pos, word) in words(text).into_iter().enumerate() {
        if let Some(lexeme) = analyzer.lexeme(word) {
            let base = *first.get_or_insert(pos);
            terms.push((Term { lexeme, prefix }, (pos - base).min(16383) as u16));
        }
    }
    match terms.len() {
        0 => None,
        1 => Some(Query::Term(terms.remove(0).0)),
        _ => Some(Query::Phrase(terms)),
    }
}

/// `plainto_tsquery`: every word of the text must be there (with `prefix`, as the start of a
/// word, as if each were written `word:*`). Ok(None) when no word is left; Err when the text has
/// more than [`MAX_WORDS`] words.
pub fn plain(analyzer: &Analyzer, text: &str, prefix: bool) -> Result<Option<Query>, String> {
    check_words(text)?;
    let terms = words(text)
        .into_iter()
        .filter_map(|w| analyzer.lexeme(w))
        .map(|lexeme| Some(Query::Term(Term { lexeme, prefix })))
        .collect();
    Ok(gather(terms, true))
}

/// `to_tsquery`: `&` (and), `|` (or), `!` (not), parentheses, `<->` and `<N>` (words next to
/// each other or N apart), `:*` (prefix) and quoted operands. Ok(None) when only stop words are
/// left; Err with PostgreSQL's message when the text is not a query, or when it has more than
/// [`MAX_WORDS`] words or nests brackets and `!` deeper than [`MAX_DEPTH`].
pub fn parse(analyzer: &Analyzer, text: &str) -> Result<Option<Query>, String> {
    check_words(text)?;
    let tokens = tokenize(text).ok_or_else(|| syntax_error(text))?;
    let operands = tokens
        .iter()
        .filter(|t| matches!(t, Token::Operand(..)))
        .count();
    if operands > MAX_WORDS {
        return Err(too_many_words(operands));
    }
    let mut parser = Parser {
        analyzer,
        tokens: &tokens,
        at: 0,
        depth: 0,
        text,
    };
    if tokens.is_empty() {
        return Ok(None);
    }
    let q = parser.or()?;
    if parser.at != tokens.len() {
        return Err(syntax_error(text));
    }
    Ok(q)
}

fn syntax_error(text: &str) -> String {
    format!("syntax error in tsquery: \"{text}\"")
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    And,
    Or,
    Not,
    Open,
    Close,
    Follow(u16),
    Operand(String, bool),
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let single = match c {
            '&' => Some(Token::And),
            '|' => Some(Token::Or),
            '!' => Some(Token::Not),
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            _ => None,
        };
        if let Some(token) = single {
            out.push(token);
            i += 1;
            continue;
        }
        match c {
            c if c.is_whitespace() => i += 1,
            '<' => {
                let end = chars[i..].iter().position(|c| *c == '>')? + i;
                let inner: String = chars[i + 1..end].iter().collect();
                let distance = if inner == "-" {
                    1
                } else {
                    inner.trim().parse::<u16>().ok().filter(|d| *d <= 16384)?
                };
                out.push(Token::Follow(distance));
                i = end + 1;
            }
            _ => {
                let mut word = String::new();
                if c == '\'' {
                    i += 1;
                    loop {
                        match chars.get(i)? {
                            '\'' if chars.get(i + 1) == Some(&'\'') => {
                                word.push('\'');
                                i += 2;
                            }
                            '\'' => {
                                i += 1;
                                break;
                            }
                            '\\' => {
                                word.push(*chars.get(i + 1)?);
                                i += 2;
                            }
                            other => {
                                word.push(*other);
                                i += 1;
                            }
                        }
                    }
                } else {
                    while i < chars.len()
                        && !chars[i].is_whitespace()
                        && !matches!(chars[i], '&' | '|' | '!' | '(' | ')' | '<' | ':')
                    {
                        word.push(chars[i]);
                        i += 1;
                    }
                }
                let mut prefix = false;
                if chars.get(i) == Some(&':') {
                    i += 1;
                    while let Some(w) = chars.get(i).filter(|w| "*abcdABCD".contains(**w)) {
                        prefix |= *w == '*';
                        i += 1;
                    }
                }
                out.push(Token::Operand(word, prefix));
            }
        }
    }
    Some(out)
}

struct Parser<'a> {
    analyzer: &'a Analyzer,
    tokens: &'a [Token],
    at: usize,
    /// Brackets and `!` open around the current token.
    depth: usize,
    text: &'a str,
}

type Parsed = Result<Option<Query>, String>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// `next (op next)*`, as one node.
    fn binary(&mut self, op: Token, next: fn(&mut Self) -> Parsed, and: bool) -> Parsed {
        let mut operands = vec![next(self)?];
        while self.peek() == Some(&op) {
            self.at += 1;
            operands.push(next(self)?);
        }
        Ok(gather(operands, and))
    }

    fn or(&mut self) -> Parsed {
        self.binary(Token::Or, Self::and, false)
    }

    fn and(&mut self) -> Parsed {
        self.binary(Token::And, Self::phrase, true)
    }

    /// One level deeper (a bracket or a `!`), refused beyond [`MAX_DEPTH`].
    fn nested(&mut self, inner: fn(&mut Self) -> Parsed) -> Parsed {
        if self.depth >= MAX_DEPTH {
            return Err(format!(
                "The text search nests brackets and ! more than {MAX_DEPTH} deep: simplify it"
            ));
        }
        self.depth += 1;
        let q = inner(self);
        self.depth -= 1;
        q
    }

    fn phrase(&mut self) -> Parsed {
        let mut left = self.not()?;
        while let Some(Token::Follow(distance)) = self.peek() {
            let distance = *distance;
            self.at += 1;
            let right = self.not()?;
            left = match (left, right) {
                (None, r) => r,
                (l, None) => l,
                (Some(l), Some(r)) => {
                    Some(Query::Phrase(follow(l, r, distance).ok_or_else(|| {
                        format!(
                            "\"{}\": <-> and <N> join words and phrases only, not &, | or !",
                            self.text
                        )
                    })?))
                }
            };
        }
        Ok(left)
    }

    fn not(&mut self) -> Parsed {
        if self.peek() == Some(&Token::Not) {
            self.at += 1;
            return Ok(self.nested(Self::not)?.map(|q| Query::Not(Box::new(q))));
        }
        self.primary()
    }

    fn primary(&mut self) -> Parsed {
        match self.peek().cloned() {
            Some(Token::Open) => {
                self.at += 1;
                let q = self.nested(Self::or)?;
                if self.peek() != Some(&Token::Close) {
                    return Err(syntax_error(self.text));
                }
                self.at += 1;
                Ok(q)
            }
            Some(Token::Operand(word, prefix)) => {
                self.at += 1;
                Ok(operand(self.analyzer, &word, prefix))
            }
            _ => Err(syntax_error(self.text)),
        }
    }
}

fn phrase_terms(q: Query) -> Option<Vec<(Term, u16)>> {
    match q {
        Query::Term(t) => Some(vec![(t, 0)]),
        Query::Phrase(terms) => Some(terms),
        _ => None,
    }
}

/// `left <distance> right`: right's terms placed `distance` after left's last one.
fn follow(left: Query, right: Query, distance: u16) -> Option<Vec<(Term, u16)>> {
    let mut terms = phrase_terms(left)?;
    let last = terms.last().map(|(_, d)| *d).unwrap_or(0);
    for (t, d) in phrase_terms(right)? {
        terms.push((t, last.saturating_add(distance).saturating_add(d)));
    }
    Some(terms)
}

impl Query {
    fn terms<'a>(&'a self, out: &mut Vec<&'a Term>) {
        match self {
            Query::Term(t) => out.push(t),
            Query::Phrase(terms) => out.extend(terms.iter().map(|(t, _)| t)),
            Query::And(all) | Query::Or(all) => all.iter().for_each(|q| q.terms(out)),
            Query::Not(a) => a.terms(out),
        }
    }
}

// ---- documents ----

/// Largest position PostgreSQL records, and positions kept per lexeme.
const MAX_POS: usize = 16383;
const MAX_POSITIONS: usize = 256;

/// The lexemes of a row that a query can use, with their positions (from 1).
#[derive(Debug, Default)]
pub struct Document {
    lexemes: BTreeMap<String, Vec<u16>>,
}

impl Document {
    fn entries<'a>(&'a self, term: &'a Term) -> Box<dyn Iterator<Item = &'a Vec<u16>> + 'a> {
        if term.prefix {
            Box::new(
                self.lexemes
                    .range(term.lexeme.clone()..)
                    .take_while(move |(k, _)| k.starts_with(&term.lexeme))
                    .map(|(_, v)| v),
            )
        } else {
            Box::new(self.lexemes.get(&term.lexeme).into_iter())
        }
    }
}

/// What the lexemes of a query need from a row: its terms, exact and prefix.
struct Wanted {
    exact: HashSet<String>,
    prefixes: Vec<String>,
}

impl Wanted {
    fn new(query: &Query) -> Wanted {
        let mut terms = Vec::new();
        query.terms(&mut terms);
        Wanted {
            exact: terms
                .iter()
                .filter(|t| !t.prefix)
                .map(|t| t.lexeme.clone())
                .collect(),
            prefixes: terms
                .iter()
                .filter(|t| t.prefix)
                .map(|t| t.lexeme.clone())
                .collect(),
        }
    }

    fn wants(&self, lexeme: &str) -> bool {
        self.exact.contains(lexeme) || self.prefixes.iter().any(|p| lexeme.starts_with(p))
    }
}

/// Builds documents, remembering each word's lexeme (columns repeat their values).
struct DocumentBuilder<'a> {
    analyzer: &'a Analyzer,
    wanted: &'a Wanted,
    cache: HashMap<String, Option<String>>,
}

impl DocumentBuilder<'_> {
    fn build<'t>(&mut self, texts: impl Iterator<Item = &'t str>) -> Document {
        let mut doc = Document::default();
        let mut pos = 0usize;
        for text in texts {
            for word in words(text) {
                pos += 1;
                if !self.cache.contains_key(word) {
                    if self.cache.len() > 100_000 {
                        self.cache.clear();
                    }
                    let lexeme = self.analyzer.lexeme(word).filter(|l| self.wanted.wants(l));
                    self.cache.insert(word.to_string(), lexeme);
                }
                if let Some(Some(lexeme)) = self.cache.get(word) {
                    let positions = doc.lexemes.entry(lexeme.clone()).or_default();
                    let p = pos.min(MAX_POS) as u16;
                    if positions.len() < MAX_POSITIONS && positions.last() != Some(&p) {
                        positions.push(p);
                    }
                }
            }
        }
        doc
    }
}

/// Whether a row matches (`@@`).
pub fn matches(query: &Query, doc: &Document) -> bool {
    match query {
        Query::Term(t) => doc.entries(t).next().is_some(),
        Query::Phrase(terms) => {
            let Some((first, _)) = terms.first() else {
                return false;
            };
            doc.entries(first).flatten().any(|start| {
                terms.iter().skip(1).all(|(t, d)| {
                    let want = *start as usize + *d as usize;
                    doc.entries(t)
                        .any(|ps| ps.iter().any(|p| *p as usize == want))
                })
            })
        }
        Query::And(all) => all.iter().all(|q| matches(q, doc)),
        Query::Or(all) => all.iter().any(|q| matches(q, doc)),
        Query::Not(a) => !matches(a, doc),
    }
}

// ---- rank: PostgreSQL's ts_rank(vector, query, 32) with the default weights ----

/// Weight of an unlabelled position (D).
const WEIGHT: f32 = 0.1;

fn word_distance(w: i32) -> f32 {
    if w > 100 {
        return 1e-30;
    }
    (1.0 / (1.005 + 0.05 * ((w as f32) as f64 / 1.5 - 2.0).exp())) as f32
}

/// The query's distinct terms in PostgreSQL's order (bytes).
fn unique_terms(query: &Query) -> Vec<&Term> {
    let mut terms = Vec::new();
    query.terms(&mut terms);
    terms.sort_by(|a, b| a.lexeme.as_bytes().cmp(b.lexeme.as_bytes()));
    terms.dedup_by(|a, b| a.lexeme == b.lexeme);
    terms
}

fn rank_or(terms: &[&Term], doc: &Document) -> f32 {
    let mut res: f32 = 0.0;
    for term in terms {
        for positions in doc.entries(term) {
            let mut resj: f32 = 0.0;
            let mut wjm: f32 = -1.0;
            let mut jm: i32 = 0;
            for j in 0..positions.len() as i32 {
                resj += WEIGHT / ((j + 1) * (j + 1)) as f32;
                if WEIGHT > wjm {
                    wjm = WEIGHT;
                    jm = j;
                }
            }
            let inner: f32 = wjm + resj - wjm / ((jm + 1) * (jm + 1)) as f32;
            res = (res as f64 + inner as f64 / 1.64493406685) as f32;
        }
    }
    if !terms.is_empty() {
        res /= terms.len() as f32;
    }
    res
}

fn rank_and(terms: &[&Term], doc: &Document) -> f32 {
    let mut res: f32 = -1.0;
    let mut pos: Vec<Option<&Vec<u16>>> = vec![None; terms.len()];
    for i in 0..terms.len() {
        for entry in doc.entries(terms[i]) {
            pos[i] = Some(entry);
            for ct in pos[..i].iter().flatten() {
                for l in entry {
                    for p in ct.iter() {
                        let dist = (*l as i32 - *p as i32).abs();
                        if dist != 0 {
                            let curw =
                                ((WEIGHT * WEIGHT * word_distance(dist)) as f64).sqrt() as f32;
                            res = if res < 0.0 {
                                curw
                            } else {
                                (1.0 - (1.0 - res as f64) * (1.0 - curw as f64)) as f32
                            };
                        }
                    }
                }
            }
        }
    }
    res
}

/// `ts_rank(vector, query, 32)`: between 0 and 1, as PostgreSQL's `real`.
pub fn rank(query: &Query, doc: &Document) -> f32 {
    let terms = unique_terms(query);
    let and = matches!(query, Query::And(..) | Query::Phrase(..));
    let mut res = if and && terms.len() >= 2 {
        rank_and(&terms, doc)
    } else {
        rank_or(&terms, doc)
    };
    if res < 0.0 {
        res = 1e-20;
    }
    res / (res + 1.0)
}

/// A `real` as JSON shows it: the shortest decimal that reads back as the same `real`.
fn real(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(value as f64)
}

// ---- the DataFusion function ----

/// `ckan_fts(text, …)`: the rank of the row's texts (in order) for one query, or null when the
/// row does not match. A query with no lexemes matches nothing.
#[derive(Debug, PartialEq, Eq, Hash)]
struct FullTextRank {
    query: Option<Query>,
    language: Language,
    signature: Signature,
}

impl ScalarUDFImpl for FullTextRank {
    fn name(&self) -> &str {
        "ckan_fts"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Float64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let arrays: Vec<ArrayRef> = args
            .args
            .iter()
            .map(|a| a.to_array(rows))
            .collect::<DfResult<_>>()?;
        let mut texts = Vec::with_capacity(arrays.len());
        for a in &arrays {
            match a.data_type() {
                DataType::Utf8 => texts.push(a.as_string::<i32>()),
                other => {
                    return Err(DataFusionError::Internal(format!(
                        "ckan_fts takes text, not {other}"
                    )));
                }
            }
        }
        let mut out = Float64Builder::with_capacity(rows);
        let Some(query) = &self.query else {
            out.append_nulls(rows);
            return Ok(ColumnarValue::Array(Arc::new(out.finish())));
        };
        let analyzer = Analyzer::new(self.language);
        let wanted = Wanted::new(query);
        let mut builder = DocumentBuilder {
            analyzer: &analyzer,
            wanted: &wanted,
            cache: HashMap::new(),
        };
        for row in 0..rows {
            let doc = builder.build(
                texts
                    .iter()
                    .filter(|t| !t.is_null(row))
                    .map(|t| t.value(row)),
            );
            if matches(query, &doc) {
                out.append_value(real(rank(query, &doc)));
            } else {
                out.append_null();
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// The expression giving each row's rank for `query` over `columns` (text), null when it does not
/// match.
pub fn rank_expr(query: Option<Query>, language: Language, columns: Vec<Expr>) -> Expr {
    ScalarUDF::new_from_impl(FullTextRank {
        query,
        language,
        signature: Signature::variadic_any(Volatility::Immutable),
    })
    .call(columns)
}

/// Rank and match of one text, for tests against PostgreSQL.
pub fn rank_text(query: &Query, language: Language, text: &str) -> Option<f64> {
    let analyzer = Analyzer::new(language);
    let wanted = Wanted::new(query);
    let mut builder = DocumentBuilder {
        analyzer: &analyzer,
        wanted: &wanted,
        cache: HashMap::new(),
    };
    let doc = builder.build(std::iter::once(text));
    matches(query, &doc).then(|| real(rank(query, &doc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> Analyzer {
        Analyzer::new(Language::English)
    }

    #[test]
    fn words_and_lexemes() {
        assert_eq!(
            words("The quick-brown fox, 3.5 m. 0164A"),
            vec!["The", "quick", "brown", "fox", "3.5", "m", "0164A"]
        );
        let a = english();
        assert_eq!(a.lexeme("The"), None);
        assert_eq!(a.lexeme("Foxes").as_deref(), Some("fox"));
        assert_eq!(a.lexeme("0164A").as_deref(), Some("0164a"));
        let fr = Analyzer::new(Language::French);
        assert_eq!(fr.lexeme("données"), fr.lexeme("donnees"));
    }

    #[test]
    fn plain_and_parsed_queries() {
        let a = english();
        assert_eq!(plain(&a, "the", false), Ok(None));
        let q = plain(&a, "Foxes dogs", false).unwrap().unwrap();
        assert_eq!(
            rank_text(&q, Language::English, "a dog and a fox"),
            Some(0.08872076)
        );
        assert!(rank_text(&q, Language::English, "a fox").is_none());
        let q = plain(&a, "Rain tro", true).unwrap().unwrap();
        assert!(rank_text(&q, Language::English, "Rainbow Trout").is_some());
        assert!(rank_text(&q, Language::English, "Rainbow").is_none());
        let q = parse(&a, "fox & !cat | jump:*").unwrap().unwrap();
        assert!(rank_text(&q, Language::English, "jumping").is_some());
        assert!(rank_text(&q, Language::English, "fox cat").is_none());
        assert!(parse(&a, "fox &").is_err());
        assert!(parse(&a, "(fox").is_err());
        let q = parse(&a, "quick <-> fox").unwrap().unwrap();
        assert!(rank_text(&q, Language::English, "the quick fox").is_some());
        assert!(rank_text(&q, Language::English, "the quick red fox").is_none());
    }

    #[test]
    fn ranks_like_postgresql() {
        // SELECT ts_rank(to_tsvector('english', t), plainto_tsquery('english', q), 32)
        let a = english();
        let t = "The quick brown foxes jumped over the lazy dogs";
        assert_eq!(
            rank_text(
                &plain(&a, "fox", false).unwrap().unwrap(),
                Language::English,
                t
            ),
            Some(0.057308756)
        );
        assert_eq!(
            rank_text(
                &plain(&a, "fox dog", false).unwrap().unwrap(),
                Language::English,
                t
            ),
            Some(0.08382119)
        );
    }

    /// Runs `f` on a thread with a 256 KiB stack, as small as a worker's could be: a query that
    /// recursed once per word or bracket would overflow it (an abort, not a panic).
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn long_and_deep_queries_are_refused_before_they_exhaust_the_stack() {
        let refused = on_small_stack(|| {
            let a = english();
            let many = vec!["fox"; 100_000].join(" & ");
            let bangs = format!("{}fox", "!".repeat(100_000));
            let brackets = format!("{}fox{}", "(".repeat(100_000), ")".repeat(100_000));
            let plain_words = vec!["fox"; 100_000].join(" ");
            [
                parse(&a, &many).unwrap_err(),
                parse(&a, &bangs).unwrap_err(),
                parse(&a, &brackets).unwrap_err(),
                plain(&a, &plain_words, false).unwrap_err(),
            ]
        });
        assert!(refused[0].contains("at most 256"), "{}", refused[0]);
        assert!(refused[1].contains("more than 32 deep"), "{}", refused[1]);
        assert!(refused[2].contains("more than 32 deep"), "{}", refused[2]);
        assert!(refused[3].contains("at most 256"), "{}", refused[3]);
    }

    #[test]
    fn queries_within_the_limits_are_flat_and_match_as_before() {
        let a = english();
        let text = (0..MAX_WORDS)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" & ");
        let q = parse(&a, &text).unwrap().unwrap();
        let Query::And(all) = &q else { panic!("{q:?}") };
        assert_eq!(all.len(), MAX_WORDS);
        let doc = text.replace('&', " ");
        assert!(rank_text(&q, Language::English, &doc).is_some());
        assert!(rank_text(&q, Language::English, "w1 w2").is_none());
        // Brackets of the same operator fold into one node; stop words drop out.
        assert_eq!(
            parse(&a, "(fox & dog) & the & cat").unwrap(),
            parse(&a, "fox & dog & cat").unwrap()
        );
        let deep = format!("{}fox{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse(&a, &deep).unwrap(), parse(&a, "fox").unwrap());
        let q = parse(&a, "!!fox | dog").unwrap().unwrap();
        assert!(rank_text(&q, Language::English, "a fox").is_some());
        assert!(rank_text(&q, Language::English, "a dog").is_some());
        assert!(rank_text(&q, Language::English, "a cat").is_none());
    }
}
