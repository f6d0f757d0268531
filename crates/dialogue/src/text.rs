//! Checks on what people write (required, length, no HTML or script, safe links, no control
//! characters), a plain-language hint, and the folding used to find similar ideas.

use platform::{FieldError, Msg};
use pulldown_cmark::{Event, Parser, Tag};

pub const TITLE_MAX: usize = 150;
pub const BODY_MAX: usize = 5_000;
pub const COMMENT_MAX: usize = 2_000;
pub const ANSWER_MAX: usize = 5_000;
pub const NOTE_MAX: usize = 5_000;

/// Checks one text field; pushes at most one error for it. Returns the trimmed text.
pub fn check(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        if required {
            errors.push(FieldError::new(field, "error-required"));
        }
        return String::new();
    }
    if value.chars().count() > max {
        errors.push(FieldError::with(
            field,
            Msg::new("error-too-long").arg("max", max),
        ));
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.push(FieldError::new(field, "dialogue-error-control"));
    } else if has_html(value) {
        errors.push(FieldError::new(field, "dialogue-error-html"));
    } else if has_unsafe_link(value) {
        errors.push(FieldError::new(field, "dialogue-error-link"));
    }
    value.replace("\r\n", "\n")
}

/// Whether the Markdown holds raw HTML (which includes any `<script>`).
pub fn has_html(source: &str) -> bool {
    Parser::new(source).any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        || source.to_ascii_lowercase().contains("<script")
}

/// Whether a link or image points anywhere but http(s), mailto or a relative path.
pub fn has_unsafe_link(source: &str) -> bool {
    Parser::new(source).any(|e| match e {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            !safe_url(&dest_url)
        }
        _ => false,
    })
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') && !scheme.contains('?') => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// A URL given by staff for a survey or an outside page: http or https only.
pub fn check_url(errors: &mut Vec<FieldError>, field: &str, value: &str, required: bool) -> String {
    let value = value.trim();
    if value.is_empty() {
        if required {
            errors.push(FieldError::new(field, "error-required"));
        }
        return String::new();
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && value.len() <= 2_000 => {
            value.to_string()
        }
        _ => {
            errors.push(FieldError::new(field, "dialogue-error-url"));
            String::new()
        }
    }
}

/// Drops control characters from a search query (they cannot be bound on PostgreSQL) and bounds
/// its length.
pub fn clean_query(q: &str) -> String {
    q.chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_string()
}

/// A hint when sentences are long: the average number of words per sentence, when above 25.
pub fn long_sentences(text: &str) -> Option<usize> {
    let plain = platform::markdown::to_plain(text);
    let sentences: Vec<&str> = plain
        .split(['.', '!', '?', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if sentences.is_empty() {
        return None;
    }
    let words: usize = sentences.iter().map(|s| s.split_whitespace().count()).sum();
    let average = words / sentences.len();
    (average > 25).then_some(average)
}

/// Lower-case, accents folded, everything else a space: "Données ouvertes!" → "donnees ouvertes".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'œ' | 'Œ' => 'o',
            c if c.is_alphanumeric() => c.to_lowercase().next().unwrap_or(c),
            _ => ' ',
        };
        if folded == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(folded);
    }
    out.trim_end().to_string()
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "that", "this", "from", "are", "was", "were", "have", "has",
    "more", "into", "about", "their", "they", "them", "our", "all", "can", "should", "would",
    "will", "not", "but", "its", "les", "des", "une", "pour", "avec", "que", "qui", "dans", "sur",
    "par", "plus", "est", "sont", "aux", "ces", "leur", "leurs", "nous", "vous", "pas",
];

/// The words of a query worth matching: folded, three letters or more, no stop words, at most 8.
pub fn search_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in fold(query).split(' ') {
        if w.chars().count() >= 3 && !STOP_WORDS.contains(&w) && !words.iter().any(|x| x == w) {
            words.push(w.to_string());
        }
        if words.len() == 8 {
            break;
        }
    }
    words
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A short plain-text excerpt.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let plain = platform::markdown::to_plain(markdown);
    if plain.chars().count() <= max {
        return plain;
    }
    let cut: String = plain.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_script_html_and_bad_links() {
        let mut e = Vec::new();
        check(&mut e, "body", "Hello <script>alert(1)</script>", 100, true);
        assert_eq!(e[0].msg.key, "dialogue-error-html");
        let mut e = Vec::new();
        check(&mut e, "body", "[x](javascript:alert(1))", 100, true);
        assert_eq!(e[0].msg.key, "dialogue-error-link");
        let mut e = Vec::new();
        check(
            &mut e,
            "body",
            "a < b and **bold** [ok](https://ontario.ca)",
            100,
            true,
        );
        assert!(e.is_empty(), "{e:?}");
        let mut e = Vec::new();
        check(&mut e, "body", "nul \u{0} byte", 100, true);
        assert_eq!(e[0].msg.key, "dialogue-error-control");
        let mut e = Vec::new();
        check(&mut e, "body", "   ", 100, true);
        assert_eq!(e[0].msg.key, "error-required");
        let mut e = Vec::new();
        check(&mut e, "title", &"x".repeat(151), 150, true);
        assert_eq!(e[0].msg.key, "error-too-long");
    }

    #[test]
    fn folding_and_words() {
        assert_eq!(
            fold("Données ouvertes, pour TOUS!"),
            "donnees ouvertes pour tous"
        );
        assert_eq!(
            search_words("Open the data for the public"),
            vec!["open", "data", "public"]
        );
    }

    #[test]
    fn long_sentence_hint() {
        assert_eq!(long_sentences("Short one. Another short."), None);
        let long = "word ".repeat(40);
        assert_eq!(long_sentences(&long), Some(40));
    }
}
