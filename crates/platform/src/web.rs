//! What every page and API request goes through: the language from the URL, the visitor (session
//! cookie or API token), the CSRF token, error pages in the right language, security headers,
//! metrics, and the `Page` that templates draw the layout from.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{
    ConnectInfo, FromRequest, FromRequestParts, MatchedPath, OriginalUri, Request, State,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::de::DeserializeOwned;

use crate::Platform;
use crate::auth::{self, CurrentUser, SESSION_COOKIE, TokenProblem};
use crate::error::{Error, ErrorExt, FieldError, Result};
use crate::i18n::Lang;

pub const CSRF_COOKIE: &str = "agora_csrf";
pub const CSRF_FIELD: &str = "_csrf";

/// What the platform knows about the request, set by [`context`] before any handler runs.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub lang: Lang,
    /// Whether the URL itself named the language (`/en/…`, `/fr/…`).
    pub lang_in_path: bool,
    /// The path after the language segment, always starting with `/`.
    pub path: String,
    pub query: Option<String>,
    pub user: Option<CurrentUser>,
    /// Set when an API token was presented and refused.
    pub token_problem: Option<TokenProblem>,
    pub csrf: String,
    pub client: String,
}

/// Splits `/fr/account/login` into (`Some(Fr)`, `/account/login`).
pub fn split_lang(path: &str) -> (Option<Lang>, String) {
    let trimmed = path.trim_start_matches('/');
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    match Lang::from_code(first) {
        Some(lang) => (Some(lang), format!("/{rest}")),
        None => (None, path.to_string()),
    }
}

fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    if path.starts_with("/api/") || path.starts_with("/datastore/") {
        return true;
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

/// The middleware that builds the [`RequestContext`] and turns errors into pages or JSON.
pub async fn context(State(platform): State<Platform>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let (lang_from_path, path) = split_lang(req.uri().path());
    let lang = lang_from_path.unwrap_or_else(|| {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    });
    let json = wants_json(req.uri().path(), req.headers());
    let jar = CookieJar::from_headers(req.headers());
    let (csrf, new_csrf) = match jar.get(CSRF_COOKIE).map(|c| c.value().to_string()) {
        Some(v) if v.len() >= 32 && v.len() <= 64 => (v, false),
        _ => (auth::new_secret(), true),
    };
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    let mut ctx = RequestContext {
        lang,
        lang_in_path: lang_from_path.is_some(),
        path,
        query: req.uri().query().map(str::to_string),
        user: None,
        token_problem: None,
        csrf,
        client,
    };

    // No route takes more than uploads do; each route's own limit is applied as it reads.
    let limit = platform.settings.limits.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let early = if declared.is_some_and(|n| n > limit as u64) {
        Some(Error::PayloadTooLarge { limit })
    } else {
        match identify(&platform, req.headers().clone(), &jar).await {
            Ok((user, problem)) => {
                ctx.user = user;
                ctx.token_problem = problem;
                None
            }
            Err(e) => Some(e),
        }
    };

    req.extensions_mut().insert(ctx.clone());
    req.extensions_mut().insert(platform.clone());
    let mut res = match early {
        Some(e) => e.into_response(),
        None => next.run(req).await,
    };

    if let Some(ErrorExt(err)) = res.extensions().get::<ErrorExt>().cloned() {
        res = if json {
            error_json(&err)
        } else {
            error_page(&platform, &ctx, &err)
        };
    } else if res.status() == StatusCode::PAYLOAD_TOO_LARGE
        && res.headers().get(header::CONTENT_TYPE)
            != Some(&HeaderValue::from_static("application/json"))
    {
        // axum's plain-text rejection of a body over its route's limit (see `crate::body`);
        // an API that answers 413 in its own JSON shape is left as it is.
        let err = Error::PayloadTooLarge {
            limit: crate::body::small_limit(&platform.settings.limits, &ctx.path),
        };
        res = if json {
            error_json(&err)
        } else {
            error_page(&platform, &ctx, &err)
        };
    }
    if new_csrf {
        let cookie = Cookie::build((CSRF_COOKIE, ctx.csrf.clone()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(platform.settings.secure_cookies())
            .build();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    metrics::histogram!("agora_request_context_seconds").record(started.elapsed().as_secs_f64());
    res
}

/// The visitor: an API token in `Authorization` (or `X-CKAN-API-Key`) wins over the session cookie.
async fn identify(
    platform: &Platform,
    headers: HeaderMap,
    jar: &CookieJar,
) -> Result<(Option<CurrentUser>, Option<TokenProblem>)> {
    let token = headers
        .get(header::AUTHORIZATION)
        .or_else(|| headers.get("x-ckan-api-key"))
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .strip_prefix("Bearer ")
                .unwrap_or(v.trim())
                .trim()
                .to_string()
        })
        .filter(|v| !v.is_empty());
    if let Some(token) = token {
        return Ok(
            match auth::authenticate_token(&platform.db, &token).await? {
                Ok(user) => (Some(user), None),
                Err(problem) => (None, Some(problem)),
            },
        );
    }
    if let Some(secret) = jar.get(SESSION_COOKIE) {
        return Ok((
            auth::session_user(&platform.db, secret.value()).await?,
            None,
        ));
    }
    Ok((None, None))
}

fn error_json(err: &Error) -> Response {
    let mut fields = serde_json::Map::new();
    for FieldError { field, msg } in err.field_errors() {
        let entry = fields
            .entry(field.clone())
            .or_insert_with(|| serde_json::Value::Array(vec![]));
        if let serde_json::Value::Array(list) = entry {
            list.push(Lang::En.msg(msg).into());
        }
    }
    let body = serde_json::json!({
        "error": { "code": err.code(), "message": Lang::En.msg(&err.message()), "fields": fields }
    });
    (err.status(), axum::Json(body)).into_response()
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    message: String,
    fields: FormErrors,
}

fn error_page(platform: &Platform, ctx: &RequestContext, err: &Error) -> Response {
    let status = err.status();
    let mut page = Page::from_parts(platform, ctx);
    page.title = page.t(match status.as_u16() {
        404 => "error-title-404",
        403 | 401 => "error-title-403",
        413 => "error-title-413",
        422 | 400 | 409 => "error-title-400",
        429 => "error-title-429",
        503 => "error-title-503",
        _ => "error-title-500",
    });
    let fields = page.errors(err);
    let tpl = ErrorPage {
        status: status.as_u16(),
        message: page.lang.msg(&err.message()),
        fields,
        page,
    };
    match askama::Template::render(&tpl) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot render the error page");
            (status, err.message().key.to_string()).into_response()
        }
    }
}

/// Adds the headers every response carries.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        if !h.contains_key(name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "strict-origin-when-cross-origin");
    set(h, "x-frame-options", "DENY");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    res
}

/// Counts requests and their latency by route for `/metrics`.
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("agora_http_requests_total", &labels).increment(1);
    metrics::histogram!("agora_http_request_duration_seconds", &labels[..2])
        .record(started.elapsed().as_secs_f64());
    res
}

// ---- the Page: the layout's data ----

#[derive(Clone, Debug)]
pub struct NavItem {
    /// Message key of the label.
    pub label: &'static str,
    /// Path after the language prefix.
    pub path: &'static str,
}

#[derive(Clone, Debug)]
pub struct Crumb {
    pub label: String,
    pub href: String,
}

/// A form error as shown: the field's id and the translated message.
#[derive(Clone, Debug)]
pub struct ShownError {
    pub field: String,
    pub message: String,
}

/// The errors of one submitted form, for the error summary and each field.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(pub Vec<ShownError>);

impl FormErrors {
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
    pub fn for_field(&self, field: &str) -> Vec<&ShownError> {
        self.0.iter().filter(|e| e.field == field).collect()
    }
}

impl std::ops::Deref for FormErrors {
    type Target = [ShownError];
    fn deref(&self) -> &[ShownError] {
        &self.0
    }
}

/// Everything the layout needs; each page template has a `page` field of this type.
#[derive(Clone, Debug)]
pub struct Page {
    pub lang: Lang,
    pub path: String,
    pub query: Option<String>,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub site_name: String,
    pub jurisdiction: String,
    pub nav: Arc<Vec<NavItem>>,
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub notice: Option<String>,
}

impl Page {
    pub fn from_parts(platform: &Platform, ctx: &RequestContext) -> Page {
        let site = &platform.settings.site;
        let (site_name, jurisdiction) = match ctx.lang {
            Lang::En => (site.name_en.clone(), site.jurisdiction_en.clone()),
            Lang::Fr => (site.name_fr.clone(), site.jurisdiction_fr.clone()),
        };
        let notice = ctx
            .query
            .as_deref()
            .and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "notice")
                    .map(|(_, v)| v.into_owned())
            })
            .filter(|k| k.starts_with("notice-") && crate::i18n::has_key(k))
            .map(|k| ctx.lang.t(&k));
        Page {
            lang: ctx.lang,
            path: ctx.path.clone(),
            query: ctx.query.clone(),
            user: ctx.user.clone(),
            csrf: ctx.csrf.clone(),
            site_name,
            jurisdiction,
            nav: platform.nav.clone(),
            title: String::new(),
            crumbs: Vec::new(),
            notice,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message with one argument: `page.t1("key", "name", value)`.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    /// A path in this page's language: `url("/account/login")` → `/fr/account/login`.
    pub fn url(&self, path: &str) -> String {
        format!("/{}{}", self.lang.code(), path)
    }

    /// This page in the other language, query kept.
    pub fn alt_url(&self) -> String {
        let mut url = format!("/{}{}", self.lang.other().code(), self.path);
        if let Some(q) = self.query.as_deref().filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(q);
        }
        url
    }

    pub fn asset(&self, path: &str) -> String {
        crate::assets::url(path)
    }

    pub fn number(&self, n: &i64) -> String {
        self.lang.number(*n)
    }

    pub fn date(&self, d: &time::OffsetDateTime) -> String {
        self.lang.date(d.date())
    }

    pub fn datetime(&self, d: &time::OffsetDateTime) -> String {
        self.lang.datetime(*d)
    }

    /// Whether `path` is the current section, for `aria-current` in the navigation.
    pub fn is_current(&self, path: &str) -> bool {
        if path == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(path)
        }
    }

    pub fn titled(mut self, key: &str) -> Page {
        self.title = self.t(key);
        self
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Page {
        self.title = title.into();
        self
    }

    pub fn crumb(mut self, label: impl Into<String>, path: &str) -> Page {
        self.crumbs.push(Crumb {
            label: label.into(),
            href: self.url(path),
        });
        self
    }

    /// The query string as `T` (filters of a list page), keeping the first of repeated keys; a
    /// hand-edited query that does not parse gives the defaults rather than an error page.
    pub fn params<T: DeserializeOwned + Default>(&self) -> T {
        let Some(q) = self.query.as_deref() else {
            return T::default();
        };
        let mut seen: Vec<(String, String)> = Vec::new();
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()).into_owned() {
            if !seen.iter().any(|(key, _)| *key == k) {
                seen.push((k, v));
            }
        }
        let clean = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(seen)
            .finish();
        serde_urlencoded::from_str(&clean).unwrap_or_default()
    }

    /// Translates the field errors of `err` for the error summary.
    pub fn errors(&self, err: &Error) -> FormErrors {
        FormErrors(
            err.field_errors()
                .iter()
                .map(|f| ShownError {
                    field: f.field.clone(),
                    message: self.lang.msg(&f.msg),
                })
                .collect(),
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        let platform = parts
            .extensions
            .get::<Platform>()
            .ok_or_else(|| Error::internal(anyhow::anyhow!("context middleware missing")))?;
        let ctx = parts
            .extensions
            .get::<RequestContext>()
            .ok_or_else(|| Error::internal(anyhow::anyhow!("context middleware missing")))?;
        Ok(Page::from_parts(platform, ctx))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .ok_or_else(|| Error::internal(anyhow::anyhow!("context middleware missing")))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Platform {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        parts
            .extensions
            .get::<Platform>()
            .cloned()
            .ok_or_else(|| Error::internal(anyhow::anyhow!("context middleware missing")))
    }
}

/// A signed-in person; otherwise pages send people to the log-in page and the API answers 403.
pub struct SignedIn(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> std::result::Result<Self, Response> {
        let Some(ctx) = parts.extensions.get::<RequestContext>() else {
            return Err(
                Error::internal(anyhow::anyhow!("context middleware missing")).into_response(),
            );
        };
        if let Some(user) = &ctx.user {
            return Ok(SignedIn(user.clone()));
        }
        if let Some(problem) = ctx.token_problem {
            return Err(problem.error().into_response());
        }
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map(|o| o.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        if uri.path().starts_with("/api/") || parts.method != Method::GET {
            return Err(Error::forbidden("error-sign-in-required").into_response());
        }
        let back = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
        Err(
            Redirect::to(&format!("/{}/account/login?next={next}", ctx.lang.code()))
                .into_response(),
        )
    }
}

/// A signed-in administrator.
pub struct Admin(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> std::result::Result<Self, Response> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        if !user.is_admin() {
            return Err(Error::forbidden("error-admin-only").into_response());
        }
        Ok(Admin(user))
    }
}

/// A URL-encoded form whose CSRF token has been checked against the visitor's cookie.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self> {
        let expected = req
            .extensions()
            .get::<RequestContext>()
            .map(|c| c.csrf.clone())
            .unwrap_or_default();
        let limit = crate::body::limit_of(&req);
        let body = crate::body::read_limited(req.into_body(), limit).await?;
        check_csrf(&body, &expected)?;
        serde_urlencoded::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|e| {
                tracing::debug!(error = %e, "form did not parse");
                Error::bad_request("error-form-invalid")
            })
    }
}

/// A JSON body for the native API; one that does not parse is a 400 in the API's error shape,
/// naming the problem.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let req = crate::body::limited_request(req).await?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(Error::BadRequest(
                crate::Msg::new("error-json-body").arg("detail", e.body_text()),
            )),
        }
    }
}

/// Query parameters for the native API; a query that does not parse is a 400 in the API's error
/// shape, naming the problem.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(QueryParams(v)),
            Err(e) => Err(Error::BadRequest(
                crate::Msg::new("error-query-params").arg("detail", e.body_text()),
            )),
        }
    }
}

/// Checks the `_csrf` field of a URL-encoded body.
pub fn check_csrf(body: &[u8], expected: &str) -> Result<()> {
    let given = url::form_urlencoded::parse(body)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(Error::forbidden("error-csrf"));
    }
    Ok(())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Renders a template as an HTML response.
pub fn render<T: askama::Template>(tpl: &T) -> Result<Response> {
    Ok(Html(tpl.render()?).into_response())
}

/// Renders a template with a status, e.g. a form returned with errors (422).
pub fn render_status<T: askama::Template>(status: StatusCode, tpl: &T) -> Result<Response> {
    Ok((status, Html(tpl.render()?)).into_response())
}

/// A redirect after a successful POST (303, so the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub fn session_cookie(platform: &Platform, secret: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(platform.settings.secure_cookies())
        .max_age(time::Duration::days(auth::SESSION_DAYS))
        .build()
}

/// `/` sends people to their language's home page.
pub async fn root_redirect(headers: HeaderMap) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default();
    let mut res = Redirect::to(&format!("/{}/", lang.code())).into_response();
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-language"));
    res
}

pub async fn not_found() -> Error {
    Error::NotFound
}

/// A body with a size, for tests and small responses.
pub fn body_from(s: impl Into<String>) -> Body {
    Body::from(s.into())
}

// ---- pagination ----

/// Which slice of a long list a page shows, from `?page=N`.
#[derive(Clone, Debug)]
pub struct Pager {
    pub current: i64,
    pub per_page: i64,
    pub total: i64,
    /// The query string without `page`, to build the links.
    base_query: String,
    path: String,
}

#[derive(Clone, Debug)]
pub struct PageLink {
    pub number: i64,
    pub href: String,
    pub current: bool,
}

impl Pager {
    pub fn new(page: &Page, per_page: i64) -> Pager {
        let pairs: Vec<(String, String)> = page
            .query
            .as_deref()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let current = pairs
            .iter()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1);
        let base_query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(k, _)| k != "page" && k != "notice"))
            .finish();
        Pager {
            current,
            per_page,
            total: 0,
            base_query,
            path: page.url(&page.path),
        }
    }
    pub fn offset(&self) -> i64 {
        (self.current - 1).saturating_mul(self.per_page)
    }
    pub fn with_total(mut self, total: i64) -> Pager {
        self.total = total;
        self
    }
    pub fn last(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
    pub fn href(&self, n: i64) -> String {
        let sep = if self.base_query.is_empty() { "" } else { "&" };
        format!("{}?{}{}page={}", self.path, self.base_query, sep, n)
    }
    pub fn prev(&self) -> Option<String> {
        (self.current > 1).then(|| self.href(self.current - 1))
    }
    pub fn next(&self) -> Option<String> {
        (self.current < self.last()).then(|| self.href(self.current + 1))
    }
    /// Links around the current page, first and last always included.
    pub fn links(&self) -> Vec<PageLink> {
        let last = self.last();
        let mut numbers: Vec<i64> = vec![1, last];
        numbers.extend((self.current - 2).max(1)..=self.current.saturating_add(2).min(last));
        numbers.sort_unstable();
        numbers.dedup();
        numbers
            .into_iter()
            .map(|n| PageLink {
                number: n,
                href: self.href(n),
                current: n == self.current,
            })
            .collect()
    }
}
