//! The catalogue in other people's formats: schema.org `Dataset` for search engines.

use serde_json::json;

use platform::Lang;

use crate::model::Dataset;
use crate::model::licence;

/// schema.org `Dataset` JSON-LD for a dataset page, safe to embed in a `<script>` element.
pub fn schema_org(d: &Dataset, base_url: &str, lang: Lang) -> String {
    let r = &d.row;
    let url = format!("{base_url}/{}/dataset/{}", lang.code(), r.name);
    let notes = r.notes();
    let description = if notes.get(lang).is_empty() {
        r.title().get(lang).to_string()
    } else {
        platform::markdown::to_plain(notes.get(lang))
    };
    let mut v = json!({
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "identifier": r.id,
        "name": r.title().get(lang),
        "description": description,
        "inLanguage": lang.code(),
        "keywords": d.keywords_en.iter().chain(&d.keywords_fr).collect::<Vec<_>>(),
        "creator": {"@type": "GovernmentOrganization", "name": d.organization.title().get(lang)},
        "publisher": {"@type": "GovernmentOrganization", "name": d.organization.title().get(lang)},
        "dateCreated": r.metadata_created.date().to_string(),
        "dateModified": r.metadata_modified.date().to_string(),
        "isAccessibleForFree": true,
        "conditionsOfAccess": r.access_level,
        "distribution": d.resources.iter().map(|res| json!({
            "@type": "DataDownload",
            "name": res.name().get(lang),
            "encodingFormat": res.format,
            "contentUrl": crate::ckan::public_resource_url(res, r.access_level, base_url),
        })).collect::<Vec<_>>(),
    });
    if let Some(l) = licence(&r.license_id).filter(|l| !l.url.is_empty()) {
        v["license"] = json!(l.url);
    }
    if let (Some(a), Some(b)) = (r.temporal_start, r.temporal_end) {
        v["temporalCoverage"] = json!(format!("{a}/{b}"));
    }
    // `</` would end the script element early.
    v.to_string().replace("</", "<\\/")
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

pub struct FeedEntry {
    pub id: String,
    pub title: String,
    pub link: String,
    pub updated: time::OffsetDateTime,
    pub summary: String,
}

/// An Atom feed.
pub fn atom(
    id: &str,
    title: &str,
    self_link: &str,
    alternate: &str,
    entries: &[FeedEntry],
) -> String {
    use time::format_description::well_known::Rfc3339;
    let stamp = |t: time::OffsetDateTime| {
        t.to_offset(time::UtcOffset::UTC)
            .replace_nanosecond(0)
            .unwrap_or(t)
            .format(&Rfc3339)
            .unwrap_or_default()
    };
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>{}</id>\n<title>{}</title>\n<updated>{}</updated>\n<link rel=\"self\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(id),
        xml_escape(title),
        stamp(updated),
        xml_escape(self_link),
        xml_escape(alternate)
    );
    for e in entries {
        out.push_str(&format!(
            "<entry>\n<id>{}</id>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
            xml_escape(&e.id),
            xml_escape(&e.title),
            xml_escape(&e.link),
            stamp(e.updated),
            xml_escape(title),
            xml_escape(&e.summary)
        ));
    }
    out.push_str("</feed>\n");
    out
}
