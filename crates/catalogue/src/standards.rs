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
            "contentUrl": crate::ckan::resource_url(res, base_url),
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
