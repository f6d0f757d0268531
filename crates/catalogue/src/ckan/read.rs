//! The read actions: `package_show`, `package_list`, `organization_list`, `tag_list`…

use serde_json::{Map, Value, json};
use uuid::Uuid;

use platform::orgs::{self};

use crate::store::{self, Lookup};

use super::*;

pub(super) fn status_show(call: &Call) -> ActionResult {
    let s = &call.platform.settings;
    Ok(json!({
        "ckan_version": CKAN_VERSION,
        "site_url": s.base_url(),
        "site_title": s.site.name_en,
        "site_description": format!("Open government for {}", s.site.jurisdiction_en),
        "error_emails_to": null,
        "locale_default": "en",
        "extensions": ["agora", "datastore", "fluent", "dcat"],
    }))
}

pub(super) async fn package_list(call: &Call) -> ActionResult {
    let limit = param_int(&call.params, "limit", i64::MAX)?;
    let offset = param_int(&call.params, "offset", 0)?;
    if limit < 0 || offset < 0 {
        return Err(validation(
            if limit < 0 { "limit" } else { "offset" },
            "Must be a natural number",
        ));
    }
    Ok(json!(
        store::public_names(&call.platform.db, limit, offset).await?
    ))
}

pub(super) async fn find_dataset(call: &Call, key: &str) -> Result<Dataset, ApiError> {
    let id = required(&call.params, key)?;
    let d = match store::lookup(&call.platform.db, id).await? {
        Lookup::Found(d) => *d,
        Lookup::Renamed(current) => store::get(&call.platform.db, &current)
            .await?
            .ok_or_else(|| ApiError::NotFound("Not found".into()))?,
        Lookup::Missing => return Err(ApiError::NotFound("Not found".into())),
    };
    if d.row.state == State::Deleted && !call.user.as_ref().is_some_and(|u| u.is_admin()) {
        return Err(ApiError::NotFound("Not found".into()));
    }
    if !can_read(call.user.as_ref(), &d.row) {
        return Err(ApiError::Authorization(format!(
            "User not authorized to read package {}",
            d.row.name
        )));
    }
    Ok(d)
}

pub(super) async fn package_show(call: &Call) -> ActionResult {
    let d = find_dataset(call, "id").await?;
    Ok(package_dict(&d, &call.platform.settings.base_url()))
}

pub(super) async fn current_package_list(call: &Call) -> ActionResult {
    let limit = param_int(&call.params, "limit", 100)?.clamp(0, 1000);
    let offset = param_int(&call.params, "offset", 0)?.max(0);
    let names = store::public_names(&call.platform.db, limit, offset).await?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if let Some(d) = store::get(&call.platform.db, &name).await? {
            out.push(package_dict(&d, &call.platform.settings.base_url()));
        }
    }
    Ok(Value::Array(out))
}

pub(super) async fn resource_show(call: &Call) -> ActionResult {
    let id = required(&call.params, "id")?;
    let id =
        Uuid::parse_str(id).map_err(|_| ApiError::NotFound("Resource was not found.".into()))?;
    let r = store::resource(&call.platform.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Resource was not found.".into()))?;
    let d = store::dataset_row(&call.platform.db, &r.dataset_id.to_string())
        .await?
        .ok_or_else(|| ApiError::NotFound("Resource was not found.".into()))?;
    if !can_read(call.user.as_ref(), &d) {
        return Err(ApiError::Authorization(format!(
            "User not authorized to read resource {id}"
        )));
    }
    Ok(resource_dict(&r, &call.platform.settings.base_url()))
}

pub(super) fn sort_and_page<T>(
    mut items: Vec<T>,
    params: &Map<String, Value>,
    key: impl Fn(&T) -> (String, String),
) -> Result<Vec<T>, ApiError> {
    let sort = param_str(params, "sort")
        .unwrap_or("title asc")
        .trim()
        .to_ascii_lowercase();
    let (field, dir) = sort.split_once(' ').unwrap_or((sort.as_str(), "asc"));
    let by_name = match field {
        "name" => true,
        "title" | "display_name" | "" => false,
        other => {
            return Err(validation(
                "sort",
                &format!("Cannot sort by field `{other}`"),
            ));
        }
    };
    items.sort_by(|a, b| {
        let (an, at) = key(a);
        let (bn, bt) = key(b);
        if by_name {
            an.cmp(&bn)
        } else {
            at.to_lowercase().cmp(&bt.to_lowercase())
        }
    });
    if dir.trim() == "desc" {
        items.reverse();
    }
    let offset = param_int(params, "offset", 0)?.max(0) as usize;
    let limit = param_int(params, "limit", 1000)?.clamp(0, 1000) as usize;
    Ok(items.into_iter().skip(offset).take(limit).collect())
}

pub(super) async fn organization_list(call: &Call) -> ActionResult {
    let all_fields = param_bool(&call.params, "all_fields", false)?;
    let counts = store::counts_by_organization(&call.platform.db).await?;
    let orgs = sort_and_page(orgs::list(&call.platform.db).await?, &call.params, |o| {
        (o.slug.clone(), o.title_en.clone())
    })?;
    Ok(Value::Array(
        orgs.iter()
            .map(|o| {
                if all_fields {
                    organization_dict(o, Some(*counts.get(&o.id).unwrap_or(&0)))
                } else {
                    Value::String(o.slug.clone())
                }
            })
            .collect(),
    ))
}

pub(super) async fn organization_show(call: &Call) -> ActionResult {
    let id = required(&call.params, "id")?;
    let org = match Uuid::parse_str(id) {
        Ok(uuid) => orgs::find(&call.platform.db, uuid).await?,
        Err(_) => orgs::find_by_slug(&call.platform.db, id).await?,
    }
    .ok_or_else(|| ApiError::NotFound("Organization not found".into()))?;
    let counts = store::counts_by_organization(&call.platform.db).await?;
    Ok(organization_dict(
        &org,
        Some(*counts.get(&org.id).unwrap_or(&0)),
    ))
}

pub(super) async fn group_list(call: &Call) -> ActionResult {
    let all_fields = param_bool(&call.params, "all_fields", false)?;
    let groups = sort_and_page(store::groups(&call.platform.db).await?, &call.params, |g| {
        (g.name.clone(), g.title_en.clone())
    })?;
    Ok(Value::Array(
        groups
            .iter()
            .map(|g| {
                if all_fields {
                    group_dict(g, None)
                } else {
                    Value::String(g.name.clone())
                }
            })
            .collect(),
    ))
}

pub(super) async fn group_show(call: &Call) -> ActionResult {
    let id = required(&call.params, "id")?;
    let groups = store::groups(&call.platform.db).await?;
    let g = groups
        .iter()
        .find(|g| g.name == id || g.id.to_string() == id)
        .ok_or_else(|| ApiError::NotFound("Group not found".into()))?;
    Ok(group_dict(g, None))
}

pub(super) async fn tag_list(call: &Call) -> ActionResult {
    let query = param_str(&call.params, "query").unwrap_or("");
    Ok(json!(store::keyword_list(&call.platform.db, query).await?))
}

/// CKAN's `license_list`: the configured licences, with their French titles beside.
pub fn license_list_json() -> Value {
    Value::Array(
        crate::licences::all()
            .iter()
            .map(|l| json!({"id": l.id, "title": l.title_en, "title_translated": {"en": l.title_en, "fr": l.title_fr}, "url": l.url, "is_okd_compliant": l.open, "is_osi_compliant": false, "od_conformance": if l.open { "approved" } else { "not reviewed" }, "status": "active"}))
            .collect(),
    )
}
