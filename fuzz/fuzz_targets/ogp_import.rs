//! OGP's commitment CSV, as an import reads it: any bytes give the rows or a list of problems,
//! each a sentence in English and French; and the "Supporting Institution(s)" column reads back
//! what the export wrote.
#![no_main]

use libfuzzer_sys::fuzz_target;
use platform::Lang;
use tracker::ogp::{check, parse_supporting, supporting};

/// Text an institution's name is made of (the column's own separators, `; ` and ` | `, and its
/// labels' colon excluded).
fn plain_lines(s: &str) -> String {
    s.chars()
        .filter(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '\n' | '.' | ',' | '(' | ')' | '-' | '\'')
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    match check(data) {
        Ok(_) => {}
        Err(err) => {
            assert!(!err.0.is_empty(), "an import refused without a reason");
            for lang in Lang::ALL {
                for sentence in err.describe(lang) {
                    assert!(!sentence.trim().is_empty());
                    assert!(!sentence.contains("tracker-import-"), "{sentence}");
                }
            }
            for p in &err.0 {
                if let Some(line) = p.line {
                    assert!(line >= 2, "data lines start at 2, after the header");
                }
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    let (gov, civil) = text.split_once('|').unwrap_or((&text, ""));
    let (gov, civil) = (plain_lines(gov), plain_lines(civil));
    let lines = |s: &str| tracker::model::lines(s).join("\n");
    for lang in Lang::ALL {
        let written = supporting(&gov, &civil, lang);
        assert_eq!(
            parse_supporting(&written),
            (lines(&gov), lines(&civil)),
            "{written:?}"
        );
    }
});
