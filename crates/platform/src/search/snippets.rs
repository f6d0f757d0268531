//! Highlighted titles and body excerpts for hits.

use std::collections::HashMap;
use std::ops::Range;

use tantivy::query::Query;
use tantivy::snippet::SnippetGenerator;

use crate::i18n::Lang;

use super::BODY_SNIPPET_CHARS;
use super::schema::Fields;

pub(super) struct Highlighter<'a> {
    searcher: &'a tantivy::Searcher,
    query: Option<&'a dyn Query>,
    f: Fields,
    generators: HashMap<(bool, Lang), Option<SnippetGenerator>>,
}

impl<'a> Highlighter<'a> {
    pub(super) fn new(
        searcher: &'a tantivy::Searcher,
        query: Option<&'a dyn Query>,
        f: Fields,
    ) -> Self {
        Highlighter {
            searcher,
            query,
            f,
            generators: HashMap::new(),
        }
    }

    fn generator(&mut self, title: bool, lang: Lang) -> Option<&SnippetGenerator> {
        let (searcher, query, f) = (self.searcher, self.query, self.f);
        self.generators
            .entry((title, lang))
            .or_insert_with(|| {
                let field = if title { f.title(lang) } else { f.body(lang) };
                let mut generator = SnippetGenerator::create(searcher, query?, field).ok()?;
                generator.set_max_num_chars(if title { 100_000 } else { BODY_SNIPPET_CHARS });
                Some(generator)
            })
            .as_ref()
    }

    /// The whole title, with the matches marked.
    pub(super) fn title(&mut self, lang: Lang, text: &str) -> String {
        if let Some(generator) = self.generator(true, lang) {
            let snippet = generator.snippet(text);
            if !snippet.is_empty() {
                let start = snippet.fragment_range().start;
                let ranges: Vec<Range<usize>> = snippet
                    .highlighted()
                    .iter()
                    .map(|r| r.start + start..r.end + start)
                    .collect();
                return marked_html(text, &ranges);
            }
        }
        escape_html(text)
    }

    /// The passage around the best match, or the beginning.
    pub(super) fn body(&mut self, lang: Lang, text: &str) -> String {
        if let Some(generator) = self.generator(false, lang) {
            let snippet = generator.snippet(text);
            if !snippet.is_empty() {
                let range = snippet.fragment_range();
                let mut out = String::new();
                if range.start > 0 {
                    out.push_str("… ");
                }
                out.push_str(&marked_html(&text[range.clone()], snippet.highlighted()));
                if range.end < text.trim_end().len() {
                    out.push_str(" …");
                }
                return out;
            }
        }
        let (head, cut) = truncate_at_word(text, BODY_SNIPPET_CHARS);
        let mut out = escape_html(head);
        if cut {
            out.push_str(" …");
        }
        out
    }
}

pub(super) fn truncate_at_word(text: &str, max_chars: usize) -> (&str, bool) {
    let text = text.trim();
    let Some((end, _)) = text.char_indices().nth(max_chars) else {
        return (text, false);
    };
    let head = &text[..end];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > end / 2 => &head[..space],
        _ => head,
    };
    (head.trim_end(), true)
}

/// `text` escaped for HTML, with `ranges` (byte ranges) wrapped in `<mark>`.
pub(super) fn marked_html(text: &str, ranges: &[Range<usize>]) -> String {
    let mut sorted: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start < r.end && r.end <= text.len())
        .cloned()
        .collect();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for r in sorted {
        if r.start < at || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        out.push_str(&escape_html(&text[at..r.start]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[r.clone()]));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&escape_html(&text[at..]));
    out
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
