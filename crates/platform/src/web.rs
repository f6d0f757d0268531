//! What every page and API request goes through: the language from the URL, the visitor (session
//! cookie or API token), the CSRF token, error pages in the right language, security headers,
//! metrics, and the `Page` that templates draw the layout from.

use std::net::{IpAddr, SocketAddr};
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
use crate::auth::{self, CurrentUser, TokenProblem};
use crate::error::{Error, ErrorExt, Result};
use crate::i18n::Lang;

mod api;

use api::error_json;
pub use api::{ApiError, ApiErrorBody, ApiFieldError, JsonBody, Paging, QueryParams};

pub const CSRF_COOKIE: &str = "agora_csrf";
/// The CSRF cookie's name when cookies are secure (an https base URL): browsers keep a
/// `__Host-` cookie only when it is Secure, has `Path=/` and no `Domain`, so a sibling subdomain
/// cannot plant one. Over plain http (a local server) browsers refuse `__Host-`, hence two names.
pub const CSRF_COOKIE_SECURE: &str = "__Host-agora_csrf";
pub const CSRF_FIELD: &str = "_csrf";
/// The header that carries the CSRF token on API writes made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF cookie's name under these settings.
pub fn csrf_cookie_name(settings: &crate::config::Settings) -> &'static str {
    if settings.secure_cookies() {
        CSRF_COOKIE_SECURE
    } else {
        CSRF_COOKIE
    }
}

/// The CSRF token of a signed-in session: derived from the session's secret, so a token from one
/// session never validates for another and signing in gives a new one. Only the secret's holder
/// can compute it; the token says nothing about the secret.
pub fn session_csrf(session_secret: &str) -> String {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"agora csrf\0")
        .chain_update(session_secret.as_bytes())
        .finalize();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// The cookie that carries the CSRF token (for the double-submit check of forms).
pub fn csrf_cookie(platform: &Platform, token: String) -> Cookie<'static> {
    Cookie::build((csrf_cookie_name(&platform.settings), token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(platform.settings.secure_cookies())
        .build()
}

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
    let cookie_csrf = jar
        .get(csrf_cookie_name(&platform.settings))
        .map(|c| c.value().to_string())
        .filter(|v| (32..=64).contains(&v.len()));
    let csrf = cookie_csrf.clone().unwrap_or_else(auth::new_secret);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip());
    let client = client_address(
        peer,
        req.headers(),
        &platform.settings.server.trusted_proxies,
    );
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
            Ok((user, problem, session)) => {
                ctx.user = user;
                ctx.token_problem = problem;
                if let Some(secret) = session {
                    ctx.csrf = session_csrf(&secret);
                    if !api_write_carries_csrf(&req, &ctx.csrf) {
                        // A cross-site form can send the victim's cookie but not this header.
                        ctx.user = None;
                        ctx.token_problem = Some(TokenProblem::Csrf);
                    }
                }
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
        if let Some(secs) = err.retry_after() {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
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
    let sets_csrf = res.headers().get_all(header::SET_COOKIE).iter().any(|v| {
        v.as_bytes()
            .starts_with(format!("{}=", csrf_cookie_name(&platform.settings)).as_bytes())
    });
    if cookie_csrf.as_deref() != Some(ctx.csrf.as_str()) && !sets_csrf {
        let cookie = csrf_cookie(&platform, ctx.csrf.clone());
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    metrics::histogram!("agora_request_context_seconds").record(started.elapsed().as_secs_f64());
    res
}

/// The client's address: the socket's peer, unless the peer is a trusted proxy, in which case the
/// rightmost `X-Forwarded-For` entry that is not a trusted proxy (entries further left are
/// whatever the client chose to send).
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[crate::config::IpRange],
) -> String {
    let Some(peer) = peer else {
        return "unknown".to_string();
    };
    let is_trusted = |a: IpAddr| trusted.iter().any(|r| r.contains(a));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        // An unreadable entry was not written by a proxy we trust: stop at the last good hop.
        let Ok(addr) = hop.parse::<IpAddr>() else {
            break;
        };
        client = addr;
        if !is_trusted(addr) {
            break;
        }
    }
    client.to_string()
}

/// Whether a request is not an API write made with a session cookie, or carries the session's
/// CSRF token in [`CSRF_HEADER`]. Forms check theirs in [`CsrfForm`].
fn api_write_carries_csrf(req: &Request, expected: &str) -> bool {
    let safe = matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    let path = req.uri().path();
    let api = path.starts_with("/api/") || path.starts_with("/datastore/");
    if safe || !api {
        return true;
    }
    req.headers()
        .get(CSRF_HEADER)
        .is_some_and(|v| constant_time_eq(v.as_bytes(), expected.as_bytes()))
}

/// The visitor: an API token in `Authorization` (or `X-CKAN-API-Key`) wins over the session
/// cookie. The third value is the session's secret when the visitor came by session cookie.
async fn identify(
    platform: &Platform,
    headers: HeaderMap,
    jar: &CookieJar,
) -> Result<(Option<CurrentUser>, Option<TokenProblem>, Option<String>)> {
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
                Ok(user) => (Some(user), None, None),
                Err(problem) => (None, Some(problem), None),
            },
        );
    }
    if let Some(secret) = jar.get(auth::session_cookie_name(&platform.settings)) {
        let user = auth::session_user(&platform.db, secret.value()).await?;
        let session = user.as_ref().map(|_| secret.value().to_string());
        return Ok((user, None, session));
    }
    Ok((None, None, None))
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
        let home = format!("/{}/", ctx.lang.code());
        let back = safe_return_path(
            uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"),
            &home,
        );
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

/// The longest return address followed; a longer one gives the default.
const MAX_RETURN_PATH: usize = 2048;

/// A return address taken from a request (`next`, `return`, `came_from`…) as a path on this
/// site, or `default` when it is anything else: another site (`//evil`, `/\\evil`,
/// `https://evil`), another scheme (`javascript:`), control characters or spaces (which
/// browsers strip, and a CR/LF would split the header), raw non-ASCII (a real path arrives
/// percent-encoded), an over-long value, or one that becomes any of these once percent-decoded.
pub fn safe_return_path(value: &str, default: &str) -> String {
    /// Starts with one `/` (not `//` or `/\\`, which browsers read as another host).
    fn rooted(p: &str) -> bool {
        let b = p.as_bytes();
        b.first() == Some(&b'/') && !matches!(b.get(1), Some(b'/' | b'\\'))
    }
    let raw_ok = rooted(value)
        && value.len() <= MAX_RETURN_PATH
        && value.bytes().all(|c| c.is_ascii_graphic() && c != b'\\');
    if !raw_ok {
        return default.to_string();
    }
    // Decoded as often as a proxy or framework might, it must still be rooted here, even with
    // its spaces dropped (`/%E3%80%80/evil`), and free of backslashes and control characters
    // (`%0d%0a`, `%09`).
    let mut decoded = value.to_string();
    for _ in 0..4 {
        let next = percent_decode(&decoded);
        if next == decoded {
            break;
        }
        let squeezed: String = next.chars().filter(|c| !c.is_whitespace()).collect();
        if !rooted(&squeezed) || next.chars().any(|c| c == '\\' || c.is_control()) {
            return default.to_string();
        }
        decoded = next;
    }
    let base = url::Url::parse("https://agora.invalid/").expect("a valid base");
    match base.join(value) {
        Ok(u) if u.origin() == base.origin() => value.to_string(),
        _ => default.to_string(),
    }
}

/// Percent-decodes `s` (bytes that are not UTF-8 become U+FFFD); `+` and `&` stay as they are.
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(
        format!("x={}", s.replace('+', "%2B").replace('&', "%26")).as_bytes(),
    )
    .next()
    .map(|(_, v)| v.into_owned())
    .unwrap_or_default()
}

/// A redirect after a successful POST (303, so the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub fn session_cookie(platform: &Platform, secret: String) -> Cookie<'static> {
    Cookie::build((auth::session_cookie_name(&platform.settings), secret))
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
    /// Saturates rather than overflows for a hand-written `?page=9223372036854775807`: such a
    /// page is simply past the end.
    pub fn offset(&self) -> i64 {
        (self.current - 1).saturating_mul(self.per_page)
    }
    pub fn with_total(mut self, total: i64) -> Pager {
        self.total = total;
        self
    }
    pub fn last(&self) -> i64 {
        (self.total.saturating_add(self.per_page - 1) / self.per_page.max(1)).max(1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_past_any_end_do_not_overflow() {
        for current in [i64::MAX, i64::MAX - 1, i64::MAX / 20 + 1] {
            let pager = Pager {
                current,
                per_page: 20,
                total: 45,
                base_query: "q=x".into(),
                path: "/en/datasets".into(),
            };
            assert!(pager.offset() > 9_000_000_000_000_000_000, "{current}");
            assert_eq!(pager.last(), 3);
            assert!(pager.next().is_none());
            let numbers: Vec<i64> = pager.links().iter().map(|l| l.number).collect();
            assert_eq!(numbers, vec![1, 3]);
        }
        let huge_total = Pager {
            current: 1,
            per_page: 20,
            total: i64::MAX,
            base_query: String::new(),
            path: "/en/datasets".into(),
        };
        assert!(huge_total.last() >= i64::MAX / 20);
    }

    #[test]
    fn return_paths_never_leave_the_site() {
        let home = "/en/account";
        let long = format!("/en/{}", "a".repeat(5000));
        let hostile = [
            "",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%252F%252Fevil.example",
            "/%5Cevil.example",
            "https://evil.example",
            "HTTPS://evil.example/en/",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%09/evil.example",
            "/%20/evil.example",
            "/%0d%0aSet-Cookie:%20x=1",
            "/en/\r\nSet-Cookie: x=1",
            " /en/account",
            " //evil.example",
            "\t//evil.example",
            "/en/caf\u{e9}",
            "/\u{3000}/evil.example",
            "/%E3%80%80/evil.example",
            "evil.example",
            "en/account",
            long.as_str(),
        ];
        for value in hostile {
            assert_eq!(safe_return_path(value, home), home, "{value:?}");
        }
        for value in [
            "/",
            "/en/",
            "/fr/datasets?q=eau&page=2",
            "/en/account/tokens",
            "/en/dataset/x%20y",
            "/en/search?q=%C3%A9t%C3%A9",
            "/en/processes/budget/ideas/new#form",
        ] {
            assert_eq!(safe_return_path(value, home), value, "{value:?}");
        }
    }
}
