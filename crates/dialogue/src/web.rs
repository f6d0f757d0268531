//! Small helpers the templates call.

use platform::Page;
use time::Date;

/// People's Markdown, rendered and sanitized.
pub fn md(source: &str) -> String {
    platform::markdown::render(source)
}

/// A day as people write it in the page's language.
pub fn day(page: &Page, d: &Date) -> String {
    page.lang.date(*d)
}

/// A short plain-text excerpt of Markdown.
pub fn excerpt(source: &str, max: usize) -> String {
    crate::text::excerpt(source, max)
}

/// The language code of the other language when `code` is not the page's, for a `lang`
/// attribute on text written in another language.
pub fn foreign(page: &Page, code: &str) -> bool {
    code != page.lang.code()
}

/// A percentage with no decimals, "0" when the total is zero.
pub fn percent(part: &i64, total: &i64) -> i64 {
    if *total <= 0 {
        0
    } else {
        (*part * 100 + *total / 2) / *total
    }
}

/// The width class of a bar in the results chart (0–100 in steps of 5).
pub fn bar(part: &i64, max: &i64) -> i64 {
    if *max <= 0 {
        0
    } else {
        ((*part * 20 + *max / 2) / *max) * 5
    }
}

/// Query string for a filter link: the current filters with one changed.
pub fn with_param(page: &Page, key: &str, value: &str) -> String {
    let pairs: Vec<(String, String)> = page
        .query
        .as_deref()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .filter(|(k, _)| k != key && k != "page" && k != "notice")
                .collect()
        })
        .unwrap_or_default();
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.extend_pairs(pairs.iter());
    if !value.is_empty() {
        s.append_pair(key, value);
    }
    let q = s.finish();
    if q.is_empty() {
        page.url(&page.path)
    } else {
        format!("{}?{}", page.url(&page.path), q)
    }
}

/// The label of each form field of the area, for messages read away from their field
/// (`platform::forms::FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &err)`).
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("theme", "dialogue-theme"),
    ("title", "dialogue-idea-title"),
    ("body", "dialogue-idea-body"),
    ("comment", "dialogue-comment-label"),
    ("objection", "dialogue-object-label"),
    ("note", "dialogue-rewrite-note"),
    ("note_body", "dialogue-note-label"),
    ("answer_en", "dialogue-answer-en"),
    ("answer_fr", "dialogue-answer-fr"),
    ("state", "dialogue-decision"),
    ("merged_into", "dialogue-merge-into"),
    ("checks", "dialogue-criteria"),
    ("ballot", "dialogue-vote-title"),
    ("ideas", "dialogue-vote-title"),
    ("reason", "dialogue-report-why"),
    ("results_url", "dialogue-results-url"),
];
