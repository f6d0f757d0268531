//! The CKAN Action API at `/api/3/action/{name}` and `/api/action/{name}`: CKAN's envelope,
//! error types and HTTP codes, so that existing clients (ckanapi, harvesters) work unchanged.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequest, Multipart, Path, Request};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures::future::BoxFuture;
use platform::body::large_body;
use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use platform::auth::CurrentUser;
use platform::orgs::{self, Organization};
use platform::web::RequestContext;
use platform::{Error, FieldError, Lang, Platform};

use crate::model::*;
use crate::store::{self, DatasetInput, Lookup, ResourceInput};
use crate::upload::{Upload, format_from_name};

pub const CKAN_VERSION: &str = "2.11.0";

pub fn api(extension: Option<Arc<dyn CkanExtension>>) -> Router {
    let handler =
        move |platform: Platform, ctx: RequestContext, action: Path<String>, req: Request| {
            dispatch(extension.clone(), platform, ctx, action, req)
        };
    Router::new()
        .route("/api/3/action/{action}", large_body(any(handler.clone())))
        .route("/api/action/{action}", large_body(any(handler)))
}

/// What another area adds to the Action API, as CKAN extensions do: actions under its own names
/// (the datastore's), and a reaction to resources whose data changed, whether through the API or
/// the editor's pages. The binary hands it to [`crate::api_with`] and [`crate::pages_with`], so
/// that the catalogue does not depend on the area.
pub trait CkanExtension: Send + Sync + 'static {
    /// Whether `name` is one of its actions: `Some(true)` for one that GET may call.
    fn action(&self, name: &str) -> Option<bool>;
    fn run(&self, name: &str, call: ActionCall) -> BoxFuture<'static, ActionResult>;
    /// Called once a resource was created or given a new file or link (after the commit).
    /// Answers the page (its path after the language prefix) that follows what the area does
    /// with the resource, such as the datastore's data page while the file loads; none when the
    /// resource is none of its concern.
    fn resource_changed(
        &self,
        platform: &Platform,
        dataset: &DatasetRow,
        resource: &ResourceRow,
    ) -> BoxFuture<'static, platform::Result<Option<String>>>;
}

/// Tells the extension, if any, that a resource's data changed: the one path the API and the
/// editor's pages take after their commit. The resource is saved whatever happens next: a
/// failure here is logged, and shows where the extension reports its own state.
pub async fn resource_changed(
    extension: Option<&Arc<dyn CkanExtension>>,
    platform: &Platform,
    dataset: &DatasetRow,
    resource: &ResourceRow,
) -> Option<String> {
    match extension?
        .resource_changed(platform, dataset, resource)
        .await
    {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(resource = %resource.id, error = ?e, "resource change not handled");
            None
        }
    }
}

/// Whether a saved resource has new data for the extension: a new resource, or another file or
/// link.
pub fn data_changed(before: Option<&ResourceRow>, after: &ResourceRow) -> bool {
    before
        .is_none_or(|b| after.file_key != b.file_key || after.url != b.url || after.hash != b.hash)
}

/// An action call handed to a [`CkanExtension`].
pub struct ActionCall {
    pub platform: Platform,
    pub user: Option<CurrentUser>,
    pub params: Map<String, Value>,
}

/// A CKAN error: its `__type`, HTTP status and message (or, for validation, the field errors).
#[derive(Debug)]
pub enum ApiError {
    NotFound(String),
    Authorization(String),
    Validation(BTreeMap<String, Vec<String>>),
    SearchQuery(String),
    Integrity(String),
    /// Not an action error: a bare JSON string with 400, as CKAN answers unknown actions.
    BadRequest(String),
    /// A body over the limit (in bytes): 413.
    PayloadTooLarge(usize),
    Internal,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Validation(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.join(" ")))
                    .collect();
                write!(f, "{}", parts.join("; "))
            }
            ApiError::NotFound(m)
            | ApiError::Authorization(m)
            | ApiError::SearchQuery(m)
            | ApiError::Integrity(m)
            | ApiError::BadRequest(m) => write!(f, "{m}"),
            ApiError::PayloadTooLarge(limit) => {
                write!(f, "request body larger than {limit} bytes")
            }
            ApiError::Internal => write!(f, "internal error"),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound => ApiError::NotFound("Not found".into()),
            Error::Forbidden(m) => ApiError::Authorization(Lang::En.msg(&m)),
            Error::Unauthorized => ApiError::Authorization("Authorization required".into()),
            Error::Validation(fields) => ApiError::Validation(field_map(&fields)),
            Error::BadRequest(m) => ApiError::BadRequest(Lang::En.msg(&m)),
            Error::Conflict(m) => ApiError::Integrity(Lang::En.msg(&m)),
            Error::PayloadTooLarge { limit } => ApiError::PayloadTooLarge(limit),
            other => {
                tracing::error!(error = ?other, "action failed");
                ApiError::Internal
            }
        }
    }
}

fn field_map(fields: &[FieldError]) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in fields {
        map.entry(f.field.clone())
            .or_default()
            .push(Lang::En.msg(&f.msg));
    }
    map
}

fn validation(field: &str, message: &str) -> ApiError {
    ApiError::Validation(BTreeMap::from([(
        field.to_string(),
        vec![message.to_string()],
    )]))
}

pub type ActionResult = Result<Value, ApiError>;

struct Call {
    extension: Option<Arc<dyn CkanExtension>>,
    platform: Platform,
    user: Option<CurrentUser>,
    params: Map<String, Value>,
    upload: Option<Upload>,
    help: String,
}

fn envelope(help: &str, result: ActionResult) -> Response {
    match result {
        Ok(result) => (
            StatusCode::OK,
            axum::Json(json!({"help": help, "success": true, "result": result})),
        )
            .into_response(),
        Err(ApiError::BadRequest(msg)) => (
            StatusCode::BAD_REQUEST,
            axum::Json(Value::String(format!("Bad request - {msg}"))),
        )
            .into_response(),
        Err(e) => {
            let (status, error) = match e {
                ApiError::NotFound(m) => (
                    StatusCode::NOT_FOUND,
                    json!({"__type": "Not Found Error", "message": m}),
                ),
                ApiError::Authorization(m) => (
                    StatusCode::FORBIDDEN,
                    json!({"__type": "Authorization Error", "message": m}),
                ),
                ApiError::Validation(fields) => {
                    let mut obj = Map::new();
                    obj.insert("__type".into(), "Validation Error".into());
                    for (k, v) in fields {
                        obj.insert(k, json!(v));
                    }
                    (StatusCode::CONFLICT, Value::Object(obj))
                }
                ApiError::SearchQuery(m) => (
                    StatusCode::BAD_REQUEST,
                    json!({"__type": "Search Query Error", "message": m}),
                ),
                ApiError::Integrity(m) => (
                    StatusCode::BAD_REQUEST,
                    json!({"__type": "Integrity Error", "message": m}),
                ),
                ApiError::PayloadTooLarge(limit) => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    json!({
                        "__type": "Request Entity Too Large",
                        "message": format!(
                            "The request body is larger than the limit of {} ({limit} bytes).",
                            platform::i18n::human_bytes(limit as u64)
                        ),
                        "limit": limit,
                    }),
                ),
                ApiError::Internal | ApiError::BadRequest(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"__type": "Internal Server Error", "message": "Internal Server Error"}),
                ),
            };
            (
                status,
                axum::Json(json!({"help": help, "success": false, "error": error})),
            )
                .into_response()
        }
    }
}

const READ_ACTIONS: &[&str] = &[
    "status_show",
    "package_list",
    "package_show",
    "package_search",
    "current_package_list_with_resources",
    "resource_show",
    "organization_list",
    "organization_show",
    "group_list",
    "group_show",
    "tag_list",
    "license_list",
    "help_show",
    "site_read",
];
const WRITE_ACTIONS: &[&str] = &[
    "package_create",
    "package_update",
    "package_patch",
    "package_delete",
    "resource_create",
    "resource_update",
    "resource_patch",
    "resource_delete",
];

async fn dispatch(
    extension: Option<Arc<dyn CkanExtension>>,
    platform: Platform,
    ctx: RequestContext,
    Path(action): Path<String>,
    req: Request,
) -> Response {
    let help = format!(
        "{}/api/3/action/help_show?name={action}",
        platform.settings.base_url()
    );
    let known_read = READ_ACTIONS.contains(&action.as_str());
    let known_write = WRITE_ACTIONS.contains(&action.as_str());
    let extended = extension.as_ref().and_then(|e| e.action(&action));
    if !known_read && !known_write && extended.is_none() {
        return envelope(
            &help,
            Err(ApiError::BadRequest(format!(
                "Action name not known: {action}"
            ))),
        );
    }
    let method = req.method().clone();
    if method != Method::GET && method != Method::POST {
        return envelope(
            &help,
            Err(ApiError::BadRequest(format!("Method {method} not allowed"))),
        );
    }
    if method == Method::GET && !known_read && extended != Some(true) {
        return envelope(
            &help,
            Err(ApiError::BadRequest(format!(
                "Action {action} requires POST"
            ))),
        );
    }
    if let Some(problem) = ctx.token_problem {
        return envelope(
            &help,
            Err(ApiError::Authorization(Lang::En.t(problem.key()))),
        );
    }
    let (params, upload) = match read_params(&platform, &action, req).await {
        Ok(p) => p,
        Err(e) => return envelope(&help, Err(e)),
    };
    if let (Some(ext), Some(_)) = (&extension, extended) {
        let call = ActionCall {
            platform,
            user: ctx.user,
            params,
        };
        return envelope(&help, ext.run(&action, call).await);
    }
    let call = Call {
        extension,
        platform,
        user: ctx.user,
        params,
        upload,
        help: help.clone(),
    };
    let result = run(&action, call).await;
    envelope(&help, result)
}

async fn run(action: &str, call: Call) -> ActionResult {
    match action {
        "status_show" | "site_read" => status_show(&call),
        "help_show" => Ok(Value::String(format!(
            "The {} action of the CKAN-compatible API of Agora.",
            call.params
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
        ))),
        "package_list" => package_list(&call).await,
        "package_show" => package_show(&call).await,
        "package_search" => {
            crate::search::package_search(&call.platform, call.user.as_ref(), &call.params).await
        }
        "current_package_list_with_resources" => current_package_list(&call).await,
        "resource_show" => resource_show(&call).await,
        "organization_list" => organization_list(&call).await,
        "organization_show" => organization_show(&call).await,
        "group_list" => group_list(&call).await,
        "group_show" => group_show(&call).await,
        "tag_list" => tag_list(&call).await,
        "license_list" => Ok(license_list_json()),
        "package_create" => package_create(call).await,
        "package_update" => package_write(call, false).await,
        "package_patch" => package_write(call, true).await,
        "package_delete" => package_delete(call).await,
        "resource_create" => resource_create(call).await,
        "resource_update" => resource_write(call, false).await,
        "resource_patch" => resource_write(call, true).await,
        "resource_delete" => resource_delete(call).await,
        other => Err(ApiError::BadRequest(format!(
            "Action name not known: {other}"
        ))),
    }
}

/// The actions that take a file (`upload`) in a multipart body; every other action's body is
/// held to `[limits] max_json_bytes`.
const UPLOAD_ACTIONS: &[&str] = &["resource_create", "resource_update", "resource_patch"];

/// GET parameters (JSON-looking values parsed, a repeated key a list), a JSON body, a form body or
/// a multipart body with an `upload` file, streamed into the file store.
async fn read_params(
    platform: &Platform,
    action: &str,
    req: Request,
) -> Result<(Map<String, Value>, Option<Upload>), ApiError> {
    let mut params = Map::new();
    if let Some(q) = req.uri().query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            let value = parse_get_value(&v);
            match params.get_mut(k.as_ref()) {
                Some(Value::Array(list)) if !v.starts_with('[') => list.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                }
                None => {
                    params.insert(k.into_owned(), value);
                }
            }
        }
    }
    if req.method() != Method::POST {
        return Ok((params, None));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let limits = &platform.settings.limits;
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, &())
            .await
            .map_err(|e| ApiError::BadRequest(format!("Could not read the multipart body: {e}")))?;
        let takes_upload = UPLOAD_ACTIONS.contains(&action);
        let mut budget = limits.max_json_bytes;
        let mut upload = None;
        let unreadable = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(limits.max_upload_bytes)
            } else {
                ApiError::BadRequest(format!("Could not read the multipart body: {e}"))
            }
        };
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or("").to_string();
            match field.file_name().map(str::to_string) {
                Some(filename) if takes_upload && upload.is_none() => {
                    let content_type = field
                        .content_type()
                        .unwrap_or("application/octet-stream")
                        .to_string();
                    upload = Some(Upload::receive(platform, field, filename, content_type).await?);
                }
                file => {
                    let text = crate::upload::text_field(field, &mut budget, limits.max_json_bytes)
                        .await?;
                    if file.is_none() {
                        params.insert(name, parse_get_value(&text));
                    }
                }
            }
        }
        return Ok((params, upload));
    }
    let body = platform::body::read_limited(req.into_body(), limits.max_json_bytes).await?;
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok((params, None));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        for (k, v) in url::form_urlencoded::parse(&body) {
            params.insert(k.into_owned(), parse_get_value(&v));
        }
        return Ok((params, None));
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(obj)) => {
            params.extend(obj);
            Ok((params, None))
        }
        Ok(_) => Err(ApiError::BadRequest(
            "Request data JSON decoded to  but dictionary expected".into(),
        )),
        Err(e) => Err(ApiError::BadRequest(format!("JSON Error: {e}"))),
    }
}

fn parse_get_value(v: &str) -> Value {
    let t = v.trim_start();
    if (t.starts_with('[') || t.starts_with('{'))
        && let Ok(parsed) = serde_json::from_str(v)
    {
        return parsed;
    }
    Value::String(v.to_string())
}

// ---- parameter helpers ----

pub fn param_str<'a>(params: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    params.get(key).and_then(Value::as_str)
}

/// A whole number, given as a number or a string; the error names the parameter.
pub fn param_int(params: &Map<String, Value>, key: &str, default: i64) -> Result<i64, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| validation(key, "Invalid integer")),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(default),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| validation(key, "Invalid integer")),
        Some(_) => Err(validation(key, "Invalid integer")),
    }
}

pub fn param_bool(params: &Map<String, Value>, key: &str, default: bool) -> Result<bool, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" | "" => Ok(false),
            _ => Err(validation(key, "Value must be one of: true, false")),
        },
        Some(Value::Number(n)) => Ok(n.as_i64() != Some(0)),
        Some(_) => Err(validation(key, "Value must be one of: true, false")),
    }
}

fn required<'a>(params: &'a Map<String, Value>, key: &str) -> Result<&'a str, ApiError> {
    match params.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
        _ => Err(validation(key, "Missing value")),
    }
}

// ---- dictionaries ----

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

fn ckan_date(d: Option<Date>) -> Value {
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

fn group_dict(g: &GroupRow, package_count: Option<i64>) -> Value {
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
fn tag_id(tag: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, tag.as_bytes())
}

// ---- visibility ----

/// Whether the caller may see this dataset: public ones to all, private and draft ones to the
/// organization's editors and admins.
pub fn can_read(user: Option<&CurrentUser>, d: &DatasetRow) -> bool {
    if d.state == "active" && !d.private {
        return true;
    }
    user.is_some_and(|u| {
        u.can_edit_for(d.organization_id) || (d.state == "draft" && d.creator_user_id == Some(u.id))
    })
}

/// Whether the caller may have this dataset's data (its files and tables), not only its
/// description: the data of a dataset whose access level is not `open` (under review, restricted,
/// to be opened) goes only to its organization's editors and to admins. The one rule for every
/// path that serves data: file downloads, the datastore's actions, dumps and pages.
pub fn can_read_data(user: Option<&CurrentUser>, d: &DatasetRow) -> bool {
    can_read(user, d)
        && (d.access_level == "open" || user.is_some_and(|u| u.can_edit_for(d.organization_id)))
}

pub fn require_editor(
    user: Option<&CurrentUser>,
    organization: Uuid,
    what: &str,
) -> Result<CurrentUser, ApiError> {
    match user {
        None => Err(ApiError::Authorization(format!(
            "Action {what} requires an authenticated user"
        ))),
        Some(u) if u.can_edit_for(organization) => Ok(u.clone()),
        Some(u) => Err(ApiError::Authorization(format!(
            "User {} not authorized to edit packages of this organization",
            u.email
        ))),
    }
}

// ---- read actions ----

fn status_show(call: &Call) -> ActionResult {
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

async fn package_list(call: &Call) -> ActionResult {
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

async fn find_dataset(call: &Call, key: &str) -> Result<Dataset, ApiError> {
    let id = required(&call.params, key)?;
    let d = match store::lookup(&call.platform.db, id).await? {
        Lookup::Found(d) => *d,
        Lookup::Renamed(current) => store::get(&call.platform.db, &current)
            .await?
            .ok_or_else(|| ApiError::NotFound("Not found".into()))?,
        Lookup::Missing => return Err(ApiError::NotFound("Not found".into())),
    };
    if d.row.state == "deleted" && !call.user.as_ref().is_some_and(|u| u.is_admin()) {
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

async fn package_show(call: &Call) -> ActionResult {
    let d = find_dataset(call, "id").await?;
    Ok(package_dict(&d, &call.platform.settings.base_url()))
}

async fn current_package_list(call: &Call) -> ActionResult {
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

async fn resource_show(call: &Call) -> ActionResult {
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

fn sort_and_page<T>(
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

async fn organization_list(call: &Call) -> ActionResult {
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

async fn organization_show(call: &Call) -> ActionResult {
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

async fn group_list(call: &Call) -> ActionResult {
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

async fn group_show(call: &Call) -> ActionResult {
    let id = required(&call.params, "id")?;
    let groups = store::groups(&call.platform.db).await?;
    let g = groups
        .iter()
        .find(|g| g.name == id || g.id.to_string() == id)
        .ok_or_else(|| ApiError::NotFound("Group not found".into()))?;
    Ok(group_dict(g, None))
}

async fn tag_list(call: &Call) -> ActionResult {
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

// ---- writes ----

fn text_field(params: &Map<String, Value>, key: &str) -> (String, String) {
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

fn string(params: &Map<String, Value>, key: &str) -> String {
    match params.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn date_field(
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

fn keywords(params: &Map<String, Value>) -> (Vec<String>, Vec<String>) {
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

async fn resolve_org(platform: &Platform, value: &str) -> Result<Option<Uuid>, ApiError> {
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

fn resource_input(
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

async fn package_create(call: Call) -> ActionResult {
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
async fn package_write(call: Call, patch: bool) -> ActionResult {
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

async fn package_delete(call: Call) -> ActionResult {
    let d = find_dataset(&call, "id").await?;
    let user = require_editor(call.user.as_ref(), d.row.organization_id, "package_delete")?;
    let mut tx = call.platform.db.begin().await?;
    store::delete(&mut tx, &user.actor(), &d).await?;
    tx.commit().await?;
    Ok(Value::Null)
}

async fn resource_create(mut call: Call) -> ActionResult {
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

async fn resource_write(mut call: Call, patch: bool) -> ActionResult {
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

async fn resource_delete(call: Call) -> ActionResult {
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

impl Call {
    async fn resource_changed(&self, d: &DatasetRow, r: &ResourceRow) {
        resource_changed(self.extension.as_ref(), &self.platform, d, r).await;
    }

    /// A copy without the upload, for lookups.
    fn clone_light(&self) -> Call {
        Call {
            extension: self.extension.clone(),
            platform: self.platform.clone(),
            user: self.user.clone(),
            params: self.params.clone(),
            upload: None,
            help: self.help.clone(),
        }
    }
}

/// Accepts uploads up to the site's body limit: the platform answers 413 beyond it.
pub fn headers_json() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        "application/json".parse().expect("valid header"),
    );
    h
}
