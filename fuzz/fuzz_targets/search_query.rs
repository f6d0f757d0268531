//! The site search's query text, paging and filters: whatever people type, a search answers
//! (never an error, never a panic) and respects its page size.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use platform::Lang;
use platform::search::{Search, SearchQuery, Sort};

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    french: bool,
    sort: u8,
    offset: usize,
    limit: usize,
    kinds: Vec<String>,
    filters: Vec<(String, Vec<String>)>,
    exclude: Vec<(String, String)>,
    facets: Vec<String>,
    dates: Option<(i64, i64)>,
    private: Option<Vec<String>>,
    highlight: bool,
}

fn search() -> &'static Search {
    static SEARCH: OnceLock<Search> = OnceLock::new();
    SEARCH.get_or_init(Search::open_in_ram)
}

fn at(seconds: i64) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(seconds % 253_402_300_799).ok()
}

fuzz_target!(|input: Input| {
    let q = SearchQuery {
        text: input.text,
        lang: if input.french { Lang::Fr } else { Lang::En },
        kinds: input.kinds,
        filters: input.filters,
        exclude: input.exclude,
        date_from: input.dates.and_then(|(from, _)| at(from)),
        date_to: input.dates.and_then(|(_, to)| at(to)),
        facets: input.facets,
        facet_limit: Some(50),
        sort: match input.sort % 5 {
            0 => Sort::Relevance,
            1 => Sort::DateDesc,
            2 => Sort::DateAsc,
            3 => Sort::TitleAsc,
            _ => Sort::TitleDesc,
        },
        offset: input.offset,
        limit: input.limit,
        include_private_for: input.private,
        highlight: input.highlight,
    };
    let results = search()
        .query(&q)
        .unwrap_or_else(|e| panic!("{q:?} failed: {e}"));
    assert!(results.hits.len() <= q.limit, "{q:?}");
    assert_eq!(results.total, 0);
});
