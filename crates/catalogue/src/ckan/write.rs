//! The write actions: packages and resources created, updated, patched and deleted.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use platform::orgs::{self};
use platform::{Error, Platform};

use crate::store::{self, DatasetInput, ResourceInput};
use crate::upload::{ResourceFile, format_from_name};

use super::*;

pub(super) fn text_field(params: &Map<String, Value>, key: &str) -> (String, String) {
    let translated = params
        .get(&format!("{key}_translated"))
        .or_else(|| params.get(key).filter(|v| v.is_object()));
    if let Some(Value::Object(t)) = translated {
        let get = |l: &str| t.get(l).and_then(Value::as_str).unwrap_or("").to_string();
        return (get("en"), get("fr"));
    }
    (
        param_str(params, key).unwrap_or("").to_string(),
        String::new(),
    )
}

pub(super) fn string(params: &Map<String, Value>, key: &str) -> String {
    match params.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

pub(super) fn date_field(
    params: &Map<String, Value>,
    key: &str,
    errors: &mut BTreeMap<String, Vec<String>>,
) -> Option<Date> {
    let s = string(params, key);
    if s.trim().is_empty() {
        return None;
    }
    let day = s.trim().get(..10).unwrap_or("");
    match Date::parse(
        day,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) => Some(d),
        Err(_) => {
            errors
                .entry(key.to_string())
                .or_default()
                .push("Date format incorrect: use YYYY-MM-DD".into());
            None
        }
    }
}

pub(crate) fn timestamp_field(params: &Map<String, Value>, key: &str) -> Option<OffsetDateTime> {
    let s = string(params, key);
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .or_else(|| OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339).ok())
}

pub(super) fn keywords(params: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
    if let Some(Value::Object(k)) = params.get("keywords") {
        let list = |l: &str| {
            k.get(l)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        return (list("en"), list("fr"));
    }
    let tags = match params.get("tags") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.get("name").and_then(Value::as_str).or_else(|| t.as_str()))
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    (tags, Vec::new())
}

pub(super) async fn resolve_org(
    platform: &Platform,
    value: &str,
) -> Result<Option<Uuid>, ApiError> {
    let org = match Uuid::parse_str(value) {
        Ok(id) => orgs::find(&platform.db, id).await?,
        Err(_) => orgs::find_by_slug(&platform.db, value).await?,
    };
    Ok(org.map(|o| o.id))
}

/// Turns a package dictionary into a dataset input; field errors for what cannot be read.
pub(crate) async fn dataset_input(
    platform: &Platform,
    params: &Map<String, Value>,
) -> Result<DatasetInput, ApiError> {
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let owner = string(params, "owner_org");
    let organization_id = if owner.is_empty() {
        None
    } else {
        let found = resolve_org(platform, &owner).await?;
        if found.is_none() {
            errors
                .entry("owner_org".into())
                .or_default()
                .push(format!("Organization does not exist: {owner}"));
        }
        found
    };
    let (title_en, title_fr) = text_field(params, "title");
    let (notes_en, notes_fr) = text_field(params, "notes");
    let (branch_en, branch_fr) = text_field(params, "maintainer_branch");
    let (cov_en, cov_fr) = text_field(params, "geographic_coverage");
    let (rat_en, rat_fr) = text_field(params, "exemption_rationale");
    let (keywords_en, keywords_fr) = keywords(params);
    let groups = match params.get("groups") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|g| g.get("name").and_then(Value::as_str).or_else(|| g.as_str()))
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    let extras = match params.get("extras") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|e| {
                Some(Extra {
                    key: e.get("key")?.as_str()?.to_string(),
                    value: e.get("value").map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })?,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let resources = match params.get("resources") {
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            for (i, r) in list.iter().enumerate() {
                match r {
                    Value::Object(obj) => out.push(resource_input(
                        obj,
                        &mut errors,
                        &format!("resources[{i}]."),
                    )),
                    _ => errors
                        .entry(format!("resources[{i}]"))
                        .or_default()
                        .push("Expected a resource dictionary".into()),
                }
            }
            Some(out)
        }
        _ => None,
    };
    let private = param_bool(params, "private", false)?;
    let input = DatasetInput {
        name: string(params, "name"),
        title_en,
        title_fr,
        notes_en,
        notes_fr,
        organization_id,
        license_id: string(params, "license_id"),
        url: string(params, "url"),
        version: string(params, "version"),
        author: string(params, "author"),
        author_email: string(params, "author_email"),
        maintainer: string(params, "maintainer"),
        maintainer_email: string(params, "maintainer_email"),
        maintainer_branch_en: branch_en,
        maintainer_branch_fr: branch_fr,
        update_frequency: string(params, "update_frequency"),
        geographic_coverage_en: cov_en,
        geographic_coverage_fr: cov_fr,
        geographic_granularity: string(params, "geographic_granularity"),
        temporal_start: date_field(params, "temporal_start", &mut errors),
        temporal_end: date_field(params, "temporal_end", &mut errors),
        access_level: string(params, "access_level"),
        exemption: string(params, "exemption"),
        exemption_rationale_en: rat_en,
        exemption_rationale_fr: rat_fr,
        planned_open_date: date_field(params, "planned_open_date", &mut errors),
        opened_date: date_field(params, "opened_date", &mut errors),
        current_as_of: date_field(params, "current_as_of", &mut errors),
        state: string(params, "state"),
        private,
        keywords_en,
        keywords_fr,
        groups,
        extras,
        resources,
        metadata_created: None,
        metadata_modified: None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(input)
}

pub(super) fn resource_input(
    obj: &Map<String, Value>,
    errors: &mut BTreeMap<String, Vec<String>>,
    prefix: &str,
) -> ResourceInput {
    let (name_en, name_fr) = text_field(obj, "name");
    let (description_en, description_fr) = text_field(obj, "description");
    let mut local = BTreeMap::new();
    const KNOWN: &[&str] = &[
        "id",
        "package_id",
        "name",
        "name_translated",
        "description",
        "description_translated",
        "url",
        "url_type",
        "format",
        "mimetype",
        "size",
        "hash",
        "resource_type",
        "type",
        "language",
        "data_range_start",
        "data_range_end",
        "data_last_updated",
        "position",
        "state",
        "created",
        "last_modified",
        "metadata_modified",
        "datastore_active",
        "cache_url",
        "cache_last_updated",
        "mimetype_inner",
        "upload",
        "revision_id",
    ];
    let extras = obj
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let size = match obj.get("size") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if !s.trim().is_empty() => match s.trim().parse() {
            Ok(n) => Some(n),
            Err(_) => {
                local.insert("size".to_string(), vec!["Invalid integer".to_string()]);
                None
            }
        },
        _ => None,
    };
    let input = ResourceInput {
        id: obj
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok()),
        name_en,
        name_fr,
        description_en,
        description_fr,
        url: string(obj, "url"),
        url_type: string(obj, "url_type"),
        file_key: None,
        format: string(obj, "format"),
        mimetype: string(obj, "mimetype"),
        size,
        hash: string(obj, "hash"),
        resource_type: if obj.contains_key("resource_type")
            && !string(obj, "resource_type").is_empty()
        {
            string(obj, "resource_type")
        } else {
            string(obj, "type")
        },
        language: string(obj, "language"),
        data_range_start: date_field(obj, "data_range_start", &mut local),
        data_range_end: date_field(obj, "data_range_end", &mut local),
        data_last_updated: date_field(obj, "data_last_updated", &mut local),
        extras,
    };
    for (k, v) in local {
        errors.insert(format!("{prefix}{k}"), v);
    }
    input
}

pub(super) async fn package_create(call: Call) -> ActionResult {
    let Some(user) = call.user.clone() else {
        return Err(ApiError::Authorization(
            "Action package_create requires an authenticated user".into(),
        ));
    };
    let input = dataset_input(&call.platform, &call.params).await?;
    if let Some(org) = input.organization_id {
        require_editor(Some(&user), org, "package_create")?;
    }
    let mut input = input;
    input.metadata_created =
        timestamp_field(&call.params, "metadata_created").filter(|_| user.is_admin());
    input.metadata_modified =
        timestamp_field(&call.params, "metadata_modified").filter(|_| user.is_admin());
    let mut tx = call.platform.db.begin().await?;
    let id = store::create(&mut tx, &user.actor(), input).await?;
    tx.commit().await?;
    let d = store::get(&call.platform.db, &id.to_string())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(package_dict(&d, &call.platform.settings.base_url()))
}

/// `package_update` replaces; `package_patch` changes only the fields given.
pub(super) async fn package_write(call: Call, patch: bool) -> ActionResult {
    // CKAN identifies the package by `id`, or by `name` when no id is given.
    let key = if call
        .params
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        "id"
    } else {
        "name"
    };
    let before = find_dataset(&call, key).await?;
    let user = require_editor(
        call.user.as_ref(),
        before.row.organization_id,
        if patch {
            "package_patch"
        } else {
            "package_update"
        },
    )?;
    let mut params = call.params.clone();
    if patch {
        let mut merged = match package_dict(&before, &call.platform.settings.base_url()) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        // Patching without resources keeps them as they are.
        if !params.contains_key("resources") {
            merged.remove("resources");
        }
        merged.remove("title");
        merged.remove("notes");
        for (k, v) in params {
            if k == "title" || k == "notes" {
                merged.remove(&format!("{k}_translated"));
            }
            merged.insert(k, v);
        }
        merged.insert(
            "owner_org".into(),
            json!(before.row.organization_id.to_string()),
        );
        if let Some(o) = call.params.get("owner_org") {
            merged.insert("owner_org".into(), o.clone());
        }
        params = merged;
    }
    if !params.contains_key("name") {
        params.insert("name".into(), json!(before.row.name));
    }
    if !params.contains_key("owner_org") {
        params.insert(
            "owner_org".into(),
            json!(before.row.organization_id.to_string()),
        );
    }
    let input = dataset_input(&call.platform, &params).await?;
    if let Some(org) = input
        .organization_id
        .filter(|o| *o != before.row.organization_id)
    {
        require_editor(Some(&user), org, "package_update")?;
    }
    let mut tx = call.platform.db.begin().await?;
    store::update(&mut tx, &user.actor(), &before, input).await?;
    tx.commit().await?;
    let d = store::get(&call.platform.db, &before.row.id.to_string())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(package_dict(&d, &call.platform.settings.base_url()))
}

pub(super) async fn package_delete(call: Call) -> ActionResult {
    let d = find_dataset(&call, "id").await?;
    let user = require_editor(call.user.as_ref(), d.row.organization_id, "package_delete")?;
    let mut tx = call.platform.db.begin().await?;
    store::delete(&mut tx, &user.actor(), &d).await?;
    tx.commit().await?;
    Ok(Value::Null)
}

pub(super) async fn resource_create(mut call: Call) -> ActionResult {
    let package_id = required(&call.params, "package_id")?.to_string();
    let mut params = call.params.clone();
    params.insert("id".into(), json!(package_id));
    let d = find_dataset(
        &Call {
            params,
            ..call.clone_light()
        },
        "id",
    )
    .await?;
    let user = require_editor(call.user.as_ref(), d.row.organization_id, "resource_create")?;
    let mut errors = BTreeMap::new();
    let mut input = resource_input(&call.params, &mut errors, "");
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    input.id = None;
    let resource_id = Uuid::now_v7();
    let stored = match &mut call.upload {
        Some(upload) => {
            input.id = Some(resource_id);
            Some(
                upload
                    .store(&call.platform, d.row.id, resource_id, &mut input)
                    .await?,
            )
        }
        None => {
            if input.format.is_empty() {
                input.format = format_from_name(&input.url);
            }
            None
        }
    };
    let mut tx = call.platform.db.begin().await?;
    let id = match store::create_resource(&mut tx, &user.actor(), &d, input).await {
        Ok(id) => id,
        Err(e) => {
            // Nothing half-written: the file goes when the record does not come.
            if let Some(key) = stored {
                let _ = call.platform.files.delete(&key).await;
            }
            return Err(e.into());
        }
    };
    tx.commit().await?;
    let r = store::resource(&call.platform.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    call.resource_changed(&d.row, &r).await;
    Ok(resource_dict(&r, &call.platform.settings.base_url()))
}

pub(super) async fn resource_write(mut call: Call, patch: bool) -> ActionResult {
    let id = required(&call.params, "id")?;
    let id =
        Uuid::parse_str(id).map_err(|_| ApiError::NotFound("Resource was not found.".into()))?;
    let before = store::resource(&call.platform.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Resource was not found.".into()))?;
    let d = store::dataset_row(&call.platform.db, &before.dataset_id.to_string())
        .await?
        .ok_or(Error::NotFound)?;
    let user = require_editor(call.user.as_ref(), d.organization_id, "resource_update")?;
    let mut params = call.params.clone();
    if patch {
        let mut merged = match resource_dict(&before, &call.platform.settings.base_url()) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        merged.remove("name");
        merged.remove("description");
        for (k, v) in params {
            if k == "name" || k == "description" {
                merged.remove(&format!("{k}_translated"));
            }
            merged.insert(k, v);
        }
        params = merged;
    }
    let mut errors = BTreeMap::new();
    let mut input = resource_input(&params, &mut errors, "");
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    input.id = Some(before.id);
    if before.file_key.is_some()
        && call.upload.is_none()
        && (input.url.is_empty()
            || input.url == resource_url(&before, &call.platform.settings.base_url()))
    {
        input.file_key = before.file_key.clone();
        input.url = String::new();
        input.url_type = "upload".into();
    }
    if let Some(upload) = &mut call.upload {
        upload
            .store(&call.platform, before.dataset_id, before.id, &mut input)
            .await?;
    }
    let mut tx = call.platform.db.begin().await?;
    store::update_resource(&mut tx, &user.actor(), &before, input).await?;
    tx.commit().await?;
    let r = store::resource(&call.platform.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    if data_changed(Some(&before), &r) {
        call.resource_changed(&d, &r).await;
    }
    Ok(resource_dict(&r, &call.platform.settings.base_url()))
}

pub(super) async fn resource_delete(call: Call) -> ActionResult {
    let id = required(&call.params, "id")?;
    let id =
        Uuid::parse_str(id).map_err(|_| ApiError::NotFound("Resource was not found.".into()))?;
    let before = store::resource(&call.platform.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Resource was not found.".into()))?;
    let d = store::dataset_row(&call.platform.db, &before.dataset_id.to_string())
        .await?
        .ok_or(Error::NotFound)?;
    let user = require_editor(call.user.as_ref(), d.organization_id, "resource_delete")?;
    let mut tx = call.platform.db.begin().await?;
    store::delete_resource(&mut tx, &user.actor(), &before).await?;
    tx.commit().await?;
    Ok(Value::Null)
}
