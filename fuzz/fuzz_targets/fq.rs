//! `fq` and field-qualified `q` of package_search: any text is read or refused with a message,
//! never a panic, and what is read is only known fields with non-empty date bounds in order.
#![no_main]

use catalogue::search::{Filters, parse_filters};
use libfuzzer_sys::fuzz_target;

const FIELDS: [&str; 9] = [
    "organization",
    "tags",
    "res_format",
    "license_id",
    "access_level",
    "update_frequency",
    "groups",
    "exemption",
    "metadata_modified",
];

fuzz_target!(|input: (bool, &str)| {
    let (allow_words, text) = input;
    let mut filters = Filters::default();
    match parse_filters(text, allow_words, &mut filters) {
        Ok(()) => {
            if !allow_words {
                assert!(filters.words.is_empty(), "{text:?} gave words in fq");
            }
            for (field, _) in &filters.include {
                assert!(FIELDS.contains(&field.as_str()), "{field}");
            }
            for (field, _) in &filters.exclude {
                assert!(FIELDS.contains(&field.as_str()), "{field}");
            }
            // A word may be a quoted phrase or a bracketed group, spaces and all.
            for word in &filters.words {
                assert!(!word.trim().is_empty(), "{word:?}");
            }
        }
        Err(message) => assert!(!message.is_empty()),
    }
});
