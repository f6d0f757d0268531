//! Markdown written by people: the HTML never holds a script, an inline event handler or a
//! `javascript:` address, and the plain text never holds a tag.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The attributes of each tag in sanitized HTML: ammonia writes `<` in text as `&lt;`, so every
/// `<` opens a tag, and every attribute value is double-quoted.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let attr_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            let attr = rest[..attr_end].to_ascii_lowercase();
            rest = &rest[attr_end..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after
                    .strip_prefix('"')
                    .expect("attribute values are quoted");
                let close = after.find('"').expect("attribute values are closed");
                value = after[..close].to_string();
                rest = &after[close + 1..];
            }
            attributes.push((attr, value));
        }
        out.push((name, attributes));
    }
    out
}

/// An address as a browser reads its scheme: entities decoded, C0 controls and spaces trimmed at
/// the ends, tabs and newlines removed anywhere (a space inside makes it a relative address).
fn decoded(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

fuzz_target!(|source: &str| {
    let html = platform::markdown::render(source);
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    for (name, attributes) in tags(&html) {
        assert!(
            !matches!(
                name.trim_start_matches('/'),
                "script" | "iframe" | "object" | "embed" | "style" | "form" | "input"
            ),
            "<{name}> in {html}"
        );
        for (attr, value) in attributes {
            assert!(!attr.starts_with("on"), "{attr}= in {html}");
            assert!(attr != "style", "style= in {html}");
            if matches!(attr.as_str(), "href" | "src" | "action" | "formaction") {
                let v = decoded(&value);
                assert!(
                    !v.starts_with("javascript:")
                        && !v.starts_with("vbscript:")
                        && !v.starts_with("data:"),
                    "{attr}={value} in {html}"
                );
            }
            if name == "a" && attr == "rel" {
                assert!(value.contains("nofollow"), "{html}");
            }
        }
    }
    let plain = platform::markdown::to_plain(source);
    assert!(
        !plain.contains("  "),
        "plain text has its spaces collapsed: {plain:?}"
    );
    assert_eq!(plain.trim(), plain);
});
