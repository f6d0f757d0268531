//! Markdown written by people, rendered to HTML and sanitized: no script, no inline event
//! handlers, links marked `rel="nofollow noopener"`.

use pulldown_cmark::{Options, Parser, html};

pub fn render(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("nofollow noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// Plain text with the Markdown marks taken out, for snippets and search.
pub fn to_plain(source: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(source.len());
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_is_removed() {
        let html = render("Hello <script>alert(1)</script> **world** <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(html.contains("<strong>world</strong>"), "{html}");
    }

    #[test]
    fn links_are_nofollow_and_js_links_dropped() {
        let html = render("[site](https://ontario.ca) [bad](javascript:alert(1))");
        assert!(
            html.contains("rel=\"nofollow noopener noreferrer\""),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn plain_text() {
        assert_eq!(
            to_plain("# Title\n\nSome *emphasis* and `code`."),
            "Title Some emphasis and code."
        );
    }
}
