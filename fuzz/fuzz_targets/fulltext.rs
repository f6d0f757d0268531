//! The datastore's full-text `q` (`to_tsquery` and `plainto_tsquery`): any text is a query or a
//! message, the query is as shallow and as short as the limits say, ranks are finite, and a text
//! always matches the plain query made of its own words.
#![no_main]

use arbitrary::Arbitrary;
use datastore::fulltext::{self, Analyzer, Language, MAX_DEPTH, MAX_WORDS, Query};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    language: u8,
    prefix: bool,
    query: String,
    row: String,
}

/// Depth of brackets and `!`, and number of terms.
fn shape(q: &Query) -> (usize, usize) {
    match q {
        Query::Term(_) => (1, 1),
        Query::Phrase(terms) => (1, terms.len()),
        Query::And(all) | Query::Or(all) => all
            .iter()
            .map(shape)
            .fold((0, 0), |(d, n), (qd, qn)| (d.max(qd + 1), n + qn)),
        Query::Not(inner) => {
            let (d, n) = shape(inner);
            (d + 1, n)
        }
    }
}

fn check_rank(q: &Query, language: Language, text: &str) -> Option<f64> {
    let rank = fulltext::rank_text(q, language, text);
    if let Some(r) = rank {
        assert!(r.is_finite() && r >= 0.0, "rank {r} for {q:?} on {text:?}");
    }
    rank
}

fuzz_target!(|input: Input| {
    let language = match input.language % 3 {
        0 => Language::English,
        1 => Language::French,
        _ => Language::Simple,
    };
    let analyzer = Analyzer::new(language);
    match fulltext::parse(&analyzer, &input.query) {
        Ok(Some(q)) => {
            let (depth, terms) = shape(&q);
            // Each bracket or `!` adds a level, and an and/or node one more below it.
            assert!(
                depth <= 2 * MAX_DEPTH + 2,
                "depth {depth} for {:?}",
                input.query
            );
            assert!(terms <= MAX_WORDS, "{terms} terms for {:?}", input.query);
            check_rank(&q, language, &input.row);
            check_rank(&q, language, &input.query);
        }
        Ok(None) => {}
        Err(message) => assert!(!message.is_empty()),
    }
    match fulltext::plain(&analyzer, &input.row, input.prefix) {
        Ok(Some(q)) => {
            assert!(
                check_rank(&q, language, &input.row).is_some(),
                "{:?} does not match its own words ({q:?})",
                input.row
            );
        }
        Ok(None) => {}
        Err(message) => assert!(fulltext::words(&input.row).len() > MAX_WORDS, "{message}"),
    }
});
