//! The index's fields and analyzers, and how values are stored in them.

use std::sync::LazyLock;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, JsonObjectOptions, NumericOptions, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer,
};
use time::OffsetDateTime;

use crate::i18n::Lang;

use super::{FR_ANALYZER, KIND_FACET};

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) key: Field,
    pub(super) kind: Field,
    pub(super) id: Field,
    pub(super) title_en: Field,
    pub(super) body_en: Field,
    pub(super) title_fr: Field,
    pub(super) body_fr: Field,
    pub(super) facets: Field,
    pub(super) date: Field,
    pub(super) public: Field,
    pub(super) visible_to: Field,
    pub(super) sort_en: Field,
    pub(super) sort_fr: Field,
}

impl Fields {
    pub(super) fn title(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.title_en,
            Lang::Fr => self.title_fr,
        }
    }
    pub(super) fn body(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.body_en,
            Lang::Fr => self.body_fr,
        }
    }
}

pub(super) fn build_schema() -> (Schema, Fields) {
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
pub(super) const ENGLISH_STOP_WORDS: &[&str] = &[
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
pub(super) fn sort_key(title: &str) -> String {
    let mut analyzer = SORT_ANALYZER.clone();
    let mut out = String::new();
    let trimmed: String = title.trim().chars().take(128).collect();
    analyzer
        .token_stream(&trimmed)
        .process(&mut |t| out.push_str(&t.text));
    out
}

pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

pub(super) fn facet_column(name: &str) -> String {
    if name == KIND_FACET {
        "kind".to_string()
    } else {
        format!("facets.{name}")
    }
}

pub(super) fn micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

pub(super) fn from_micros(v: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(v as i128 * 1000).ok()
}
