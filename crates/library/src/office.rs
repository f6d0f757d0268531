//! Text of Word (DOCX) and OpenDocument (ODT) files. Both are zip archives of XML: every entry's
//! declared size is checked against the cap before anything is inflated, and the one entry read
//! is read through `take(cap)`, so an archive that lies about its sizes still stops at the cap.
//! Pages are where the file says they break (`w:br w:type="page"`, `w:lastRenderedPageBreak`,
//! `text:soft-page-break`).

use std::io::Read;
use std::path::Path;

use crate::extract::{Extracted, Failure, Limits};

const MAX_ENTRIES: usize = 10_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Docx,
    Odt,
}

/// Reads the text of the archive at `path`, page by page.
pub fn extract(path: &Path, limits: &Limits) -> Result<Extracted, Failure> {
    let file = std::fs::File::open(path).map_err(|_| Failure::Missing)?;
    let mut zip =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|_| Failure::Damaged)?;
    if zip.len() > MAX_ENTRIES {
        return Err(Failure::Limits);
    }
    let cap = limits.max_text as u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| Failure::Damaged)?;
        if entry.size() > cap {
            return Err(Failure::Limits);
        }
    }
    let (kind, name) = if zip.index_for_name("word/document.xml").is_some() {
        (Kind::Docx, "word/document.xml")
    } else if zip.index_for_name("content.xml").is_some() {
        (Kind::Odt, "content.xml")
    } else {
        return Err(Failure::Unsupported);
    };
    let entry = zip.by_name(name).map_err(|_| Failure::Damaged)?;
    let mut xml = Vec::new();
    entry
        .take(cap + 1)
        .read_to_end(&mut xml)
        .map_err(|_| Failure::Damaged)?;
    if xml.len() as u64 > cap {
        return Err(Failure::Limits);
    }
    let text = String::from_utf8_lossy(&xml);
    let pages = pages_of(&text, kind);
    let joined = pages.join("\u{c}");
    Ok(crate::extract::split_text(&joined, limits))
}

/// The text of the document's XML, one string per page.
fn pages_of(xml: &str, kind: Kind) -> Vec<String> {
    let mut pages = vec![String::new()];
    // DOCX keeps its text in `w:t` elements; ODT's is any character data in the body.
    let mut in_text = false;
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        if in_text {
            let chunk = &rest[..open];
            if !chunk.is_empty() {
                pages
                    .last_mut()
                    .expect("a page")
                    .push_str(&crate::extract::decode_entities(chunk));
            }
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let closing = tag.starts_with('/');
        let page = pages.last_mut().expect("a page");
        match (kind, name) {
            (Kind::Docx, "w:t") => in_text = !closing && !tag.ends_with('/'),
            (Kind::Docx, "w:p") if closing => page.push('\n'),
            (Kind::Docx, "w:tab") => page.push(' '),
            (Kind::Docx, "w:br") if tag.contains("w:type=\"page\"") => pages.push(String::new()),
            (Kind::Docx, "w:br") => page.push('\n'),
            (Kind::Docx, "w:lastRenderedPageBreak") if !page.trim().is_empty() => {
                pages.push(String::new())
            }
            (Kind::Odt, "office:text") => in_text = !closing,
            (Kind::Odt, "text:p" | "text:h") if closing => page.push('\n'),
            (Kind::Odt, "text:s" | "text:tab") => page.push(' '),
            (Kind::Odt, "text:line-break") => page.push('\n'),
            (Kind::Odt, "text:soft-page-break") if !page.trim().is_empty() => {
                pages.push(String::new())
            }
            _ => {}
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_text_with_its_page_breaks() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>Article 1 &amp; 2</w:t><w:tab/><w:t xml:space="preserve">wages</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/><w:t>Second page</w:t></w:r></w:p></w:body></w:document>"#;
        let pages = pages_of(xml, Kind::Docx);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].trim(), "Article 1 & 2 wages");
        assert_eq!(pages[1].trim(), "Second page");
    }

    #[test]
    fn odt_text_with_its_page_breaks() {
        let xml = r#"<office:document-content><office:automatic-styles><style:style>not text</style:style></office:automatic-styles><office:body><office:text><text:h>Titre</text:h><text:p>Salaires<text:s/>et primes</text:p><text:soft-page-break/><text:p>Suite</text:p></office:text></office:body></office:document-content>"#;
        let pages = pages_of(xml, Kind::Odt);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].trim(), "Titre\nSalaires et primes");
        assert_eq!(pages[1].trim(), "Suite");
    }
}
