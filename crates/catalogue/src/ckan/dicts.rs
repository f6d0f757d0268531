//! CKAN's dictionaries: how datasets, resources, organizations and groups read in its answers.

use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use platform::Lang;
use platform::orgs::Organization;

use super::*;

/// CKAN's timestamp form: UTC, no zone, microseconds.
pub fn ckan_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

pub(super) fn ckan_date(d: Option<Date>) -> Value {
    d.map(|d| Value::String(d.to_string()))
        .unwrap_or(Value::Null)
}

pub fn organization_dict(o: &Organization, package_count: Option<i64>) -> Value {
    let mut v = json!({
        "id": o.id,
        "name": o.slug,
        "title": o.title_en,
        "display_name": o.title_en,
        "title_translated": {"en": o.title_en, "fr": o.title_fr},
        "description": o.description_en,
        "description_translated": {"en": o.description_en, "fr": o.description_fr},
        "created": ckan_time(o.created_at),
        "is_organization": true,
        "state": "active",
        "type": "organization",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "jurisdiction": o.jurisdiction,
        "category": o.category,
    });
    if let Some(n) = package_count {
        v["package_count"] = json!(n);
    }
    v
}

pub(super) fn group_dict(g: &GroupRow, package_count: Option<i64>) -> Value {
    let mut v = json!({
        "id": g.id,
        "name": g.name,
        "title": g.title_en,
        "display_name": g.title_en,
        "title_translated": {"en": g.title_en, "fr": g.title_fr},
        "description": g.description_en,
        "created": ckan_time(g.created_at),
        "is_organization": false,
        "state": "active",
        "type": "group",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
    });
    if let Some(n) = package_count {
        v["package_count"] = json!(n);
    }
    v
}

pub fn resource_dict(r: &ResourceRow, base_url: &str) -> Value {
    let mut v = json!({
        "id": r.id,
        "package_id": r.dataset_id,
        "name": r.name_en,
        "name_translated": {"en": r.name_en, "fr": r.name_fr},
        "description": r.description_en,
        "description_translated": {"en": r.description_en, "fr": r.description_fr},
        "url": resource_url(r, base_url),
        "url_type": if r.url_type.is_empty() { Value::Null } else { Value::String(r.url_type.clone()) },
        "format": r.format,
        "mimetype": if r.mimetype.is_empty() { Value::Null } else { Value::String(r.mimetype.clone()) },
        "size": r.size,
        "hash": r.hash,
        "position": r.position,
        "state": r.state,
        "created": ckan_time(r.created),
        "last_modified": r.last_modified.map(ckan_time),
        "metadata_modified": ckan_time(r.metadata_modified),
        "resource_type": r.resource_type,
        "type": r.resource_type,
        "language": r.language,
        "data_range_start": ckan_date(r.data_range_start),
        "data_range_end": ckan_date(r.data_range_end),
        "data_last_updated": ckan_date(r.data_last_updated),
        "datastore_active": r.datastore_active,
        "cache_url": null,
        "mimetype_inner": null,
    });
    if let Value::Object(obj) = &mut v {
        for (k, val) in &r.extras.0 {
            obj.entry(k.clone()).or_insert(val.clone());
        }
    }
    v
}

/// Where a resource's file is downloaded: its own URL, or ours for uploads.
pub fn resource_url(r: &ResourceRow, base_url: &str) -> String {
    match &r.file_key {
        Some(key) => format!(
            "{base_url}/dataset/{}/resource/{}/download/{}",
            r.dataset_id,
            r.id,
            key.rsplit('/').next().unwrap_or("file")
        ),
        None => r.url.clone(),
    }
}

/// A resource's address in what the public catalogue publishes (DCAT, data.json, schema.org):
/// none for a file Agora holds of a dataset that is not open, since its download is refused to
/// the public (`can_read_data`). A link the publisher gave stays: it is theirs to serve.
pub fn public_resource_url(
    r: &ResourceRow,
    access_level: AccessLevel,
    base_url: &str,
) -> Option<String> {
    if r.file_key.is_some() && access_level != AccessLevel::Open {
        return None;
    }
    Some(resource_url(r, base_url)).filter(|u| !u.is_empty())
}

pub fn package_dict(d: &Dataset, base_url: &str) -> Value {
    let r = &d.row;
    let licence = licence(&r.license_id);
    let mut tags: Vec<&String> = d.keywords_en.iter().chain(d.keywords_fr.iter()).collect();
    tags.sort();
    tags.dedup();
    let tag_dicts: Vec<Value> = tags.iter().map(|t| json!({"id": tag_id(t), "name": t, "display_name": t, "state": "active", "vocabulary_id": null})).collect();
    json!({
        "id": r.id,
        "name": r.name,
        "title": r.title().get(Lang::En),
        "title_translated": {"en": r.title_en, "fr": r.title_fr},
        "notes": r.notes().get(Lang::En),
        "notes_translated": {"en": r.notes_en, "fr": r.notes_fr},
        "url": r.url,
        "version": r.version,
        "type": "dataset",
        "author": r.author,
        "author_email": r.author_email,
        "maintainer": r.maintainer,
        "maintainer_email": r.maintainer_email,
        "maintainer_branch": {"en": r.maintainer_branch_en, "fr": r.maintainer_branch_fr},
        "license_id": r.license_id,
        "license_title": licence.map(|l| l.title_en).unwrap_or(""),
        "license_url": licence.map(|l| l.url).unwrap_or(""),
        "isopen": licence.is_some_and(|l| l.open),
        "owner_org": r.organization_id,
        "organization": organization_dict(&d.organization, None),
        "private": r.private,
        "state": r.state,
        "creator_user_id": r.creator_user_id,
        "metadata_created": ckan_time(r.metadata_created),
        "metadata_modified": ckan_time(r.metadata_modified),
        "num_resources": d.resources.len(),
        "num_tags": tag_dicts.len(),
        "tags": tag_dicts,
        "keywords": {"en": d.keywords_en, "fr": d.keywords_fr},
        "groups": d.groups.iter().map(|g| group_dict(g, None)).collect::<Vec<_>>(),
        "extras": r.extras.0.iter().map(|e| json!({"key": e.key, "value": e.value})).collect::<Vec<_>>(),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "resources": d.resources.iter().map(|res| resource_dict(res, base_url)).collect::<Vec<_>>(),
        "access_level": r.access_level,
        "exemption": r.exemption,
        "exemption_rationale": {"en": r.exemption_rationale_en, "fr": r.exemption_rationale_fr},
        "planned_open_date": ckan_date(r.planned_open_date),
        "opened_date": ckan_date(r.opened_date),
        "current_as_of": ckan_date(r.current_as_of),
        "update_frequency": r.update_frequency,
        "geographic_coverage": {"en": r.geographic_coverage_en, "fr": r.geographic_coverage_fr},
        "geographic_granularity": r.geographic_granularity,
        "temporal_start": ckan_date(r.temporal_start),
        "temporal_end": ckan_date(r.temporal_end),
    })
}

/// A stable id for a keyword, derived from its text.
pub(super) fn tag_id(tag: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, tag.as_bytes())
}
