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
use uuid::Uuid;

use platform::auth::CurrentUser;
use platform::web::RequestContext;
use platform::{Error, FieldError, Lang, Platform};

use crate::model::*;
use crate::upload::Upload;

mod dicts;
mod read;
mod write;

pub use dicts::*;
pub use read::license_list_json;
use read::*;
use write::*;
pub(crate) use write::{dataset_input, timestamp_field};

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

// ---- visibility ----

/// Whether the caller may see this dataset: public ones to all, private and draft ones to the
/// organization's editors and admins.
pub fn can_read(user: Option<&CurrentUser>, d: &DatasetRow) -> bool {
    if d.state == State::Active && !d.private {
        return true;
    }
    user.is_some_and(|u| {
        u.can_edit_for(d.organization_id)
            || (d.state == State::Draft && d.creator_user_id == Some(u.id))
    })
}

/// Whether the caller may have this dataset's data (its files and tables), not only its
/// description: the data of a dataset whose access level is not `open` (under review, restricted,
/// to be opened) goes only to its organization's editors and to admins. The one rule for every
/// path that serves data: file downloads, the datastore's actions, dumps and pages.
pub fn can_read_data(user: Option<&CurrentUser>, d: &DatasetRow) -> bool {
    can_read(user, d)
        && (d.access_level == AccessLevel::Open
            || user.is_some_and(|u| u.can_edit_for(d.organization_id)))
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

/// The `Content-Type: application/json` header of the API's answers.
pub fn headers_json() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        "application/json".parse().expect("valid header"),
    );
    h
}
