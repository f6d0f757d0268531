//! The in-process client: requests go through the assembled router with `oneshot`, as a browser
//! or an API client would send them, without a socket.

use std::net::SocketAddr;
use std::sync::Mutex;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::Value;
use tower::ServiceExt;
use uuid::Uuid;

use crate::auth::{self, SESSION_COOKIE};
use crate::server::{self, App};
use crate::web::{CSRF_COOKIE, CSRF_COOKIE_SECURE, CSRF_FIELD, CSRF_HEADER, session_csrf};
use crate::{Db, Platform};

/// A browser or an API client of one site. It keeps the cookies it is given (dropping those
/// cleared), sends the API token when it has one, and adds the CSRF token as a page or a
/// same-site script does: the `_csrf` field of forms ([`Client::post`]) and the `X-CSRF-Token`
/// header of JSON calls ([`Client::post_json`], [`Client::json`]). [`Client::send`] adds neither,
/// so a test can send what another site could.
///
/// Its methods take `&self`, so a client can be used from closures and several requests at once.
pub struct Client {
    app: App,
    cookies: Mutex<Vec<(String, String)>>,
    token: Mutex<Option<String>>,
    peer: Option<SocketAddr>,
}

/// An answer: status, headers and body (as bytes and as text).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Bytes,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
}

impl Reply {
    /// The `Location` header, or an empty string.
    pub fn location(&self) -> String {
        self.header(header::LOCATION.as_str())
    }

    /// A header's value as text, or an empty string when it is missing.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    /// The body as JSON; the test fails, showing the body, when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The body as JSON, or as a JSON string holding the text when it is not JSON (so an
    /// assertion message shows what came instead).
    pub fn json_or_text(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|_| Value::String(self.body.clone()))
    }

    /// Every `Set-Cookie` header, whole.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }
}

impl Client {
    /// A client of `app`, with no cookies yet.
    pub fn new(app: App) -> Client {
        Client {
            app,
            cookies: Mutex::new(Vec::new()),
            token: Mutex::new(None),
            peer: None,
        }
    }

    /// A client of the site that `platform` serves with these pages and API routes.
    pub fn site(platform: &Platform, pages: Router, api: Router) -> Client {
        Client::new(server::app(platform.clone(), pages, api))
    }

    /// This client, signed in as `user` by a session made directly (no log-in form): it holds
    /// the session cookie and the session's own CSRF token, as after a log-in.
    pub async fn signed_in(self, db: &Db, user: Uuid) -> Client {
        let secret = auth::create_session(db, user).await.unwrap();
        self.set_cookie(CSRF_COOKIE, &session_csrf(&secret));
        self.set_cookie(SESSION_COOKIE, &secret);
        self
    }

    /// This client, sending `token` as its API token (`Authorization`).
    pub fn with_token(self, token: &str) -> Client {
        self.set_token(Some(token));
        self
    }

    /// This client, connecting from `peer` (what the server sees as the remote address).
    pub fn with_peer(mut self, peer: SocketAddr) -> Client {
        self.peer = Some(peer);
        self
    }

    /// Sends `token` as the API token from now on, or none.
    pub fn set_token(&self, token: Option<&str>) {
        *self.token.lock().unwrap() = token.map(str::to_string);
    }

    /// The router this client sends to.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Puts a cookie in the jar, as a server's `Set-Cookie` would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let mut jar = self.cookies.lock().unwrap();
        jar.retain(|(k, _)| k != name);
        if !value.is_empty() {
            jar.push((name.to_string(), value.to_string()));
        }
    }

    /// A cookie's value, when the jar has it.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// The CSRF token the site gave (the visitor's, or the session's once signed in), under
    /// either cookie name.
    pub fn csrf(&self) -> Option<String> {
        self.cookie(CSRF_COOKIE)
            .or_else(|| self.cookie(CSRF_COOKIE_SECURE))
    }

    /// The `Cookie` header this client sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends `req` with this client's cookies and API token (unless it carries its own), and
    /// keeps the cookies the answer sets. No CSRF token is added.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.response(req).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Reply {
            status,
            headers,
            bytes,
            body,
        }
    }

    /// As [`Client::send`], but the answer as it comes, its body not read yet (to check how it
    /// streams).
    pub async fn response(&self, mut req: Request<Body>) -> Response {
        let cookies = self.cookie_header();
        if !cookies.is_empty() && !req.headers().contains_key(header::COOKIE) {
            req.headers_mut()
                .insert(header::COOKIE, cookies.parse().unwrap());
        }
        let token = self.token.lock().unwrap().clone();
        if let Some(token) = token
            && !req.headers().contains_key(header::AUTHORIZATION)
        {
            req.headers_mut()
                .insert(header::AUTHORIZATION, token.parse().unwrap());
        }
        if let Some(peer) = self.peer {
            req.extensions_mut().insert(ConnectInfo(peer));
        }
        let res = self.app.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.set_cookie(k, v);
        }
        res
    }

    /// Sends `req` as a same-site script does: with the CSRF token in `X-CSRF-Token` (when the
    /// client has one and the request does not carry its own).
    pub async fn send_api(&self, mut req: Request<Body>) -> Reply {
        if let Some(csrf) = self.csrf()
            && !req.headers().contains_key(CSRF_HEADER)
        {
            req.headers_mut().insert(CSRF_HEADER, csrf.parse().unwrap());
        }
        self.send(req).await
    }

    /// A GET, as a browser sends it: without the `#fragment`.
    pub async fn get(&self, uri: &str) -> Reply {
        let uri = uri.split('#').next().unwrap_or(uri);
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// The CSRF token, fetching a page first when the site has not given one yet.
    pub async fn ensure_csrf(&self) -> String {
        if self.csrf().is_none() {
            self.get("/en/account/login").await;
        }
        self.csrf().expect("the site sets a CSRF cookie")
    }

    /// Posts a form as its page does: with the `_csrf` field, unless `fields` has one.
    pub async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        if fields.iter().any(|(k, _)| *k == CSRF_FIELD) {
            return self.post_without_csrf(uri, fields).await;
        }
        let csrf = self.ensure_csrf().await;
        let mut all = fields.to_vec();
        all.push((CSRF_FIELD, csrf.as_str()));
        self.post_without_csrf(uri, &all).await
    }

    /// Posts exactly these fields, as a form on another site could.
    pub async fn post_without_csrf(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        self.send(form_request(uri, fields)).await
    }

    /// Posts a multipart form as its page does: the `_csrf` field first, then the parts.
    pub async fn post_multipart(&self, uri: &str, form: Multipart) -> Reply {
        let csrf = self.ensure_csrf().await;
        let mut parts = vec![Part::Text(CSRF_FIELD.to_string(), csrf)];
        parts.extend(form.parts);
        self.send(Multipart { parts }.request(uri)).await
    }

    /// Posts JSON as a same-site script does (see [`Client::send_api`]).
    pub async fn post_json(&self, uri: &str, body: impl Serialize) -> Reply {
        let body = serde_json::to_value(body).unwrap();
        self.json("POST", uri, Some(&body)).await
    }

    /// A JSON request with any method, as a same-site script sends it; `Content-Type` is JSON
    /// also when there is no body.
    pub async fn json(&self, method: &str, uri: &str, body: Option<&Value>) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .unwrap();
        self.send_api(req).await
    }

    /// Logs in through the log-in form.
    pub async fn log_in(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/en/account/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Logs in through the log-in form with the fixtures' [`super::PASSWORD`]; the test fails
    /// when that does not sign in.
    pub async fn sign_in(&self, email: &str) {
        let r = self.log_in(email, super::PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "log-in failed: {}", r.body);
    }
}

/// A request with `method` as an API client sends it: with `token` in `Authorization` when given,
/// and `body` as JSON when given.
pub fn json_request(
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, token);
    }
    match body {
        Some(body) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap()
}

/// A urlencoded form post of exactly these fields.
pub fn form_request(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// A `multipart/form-data` body: text fields and files, in order.
#[derive(Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

enum Part {
    Text(String, String),
    File {
        name: String,
        filename: String,
        content_type: String,
        data: Vec<u8>,
    },
}

const BOUNDARY: &str = "AgoraTestBoundary";

impl Multipart {
    pub fn new() -> Multipart {
        Multipart::default()
    }

    pub fn field(mut self, name: &str, value: &str) -> Multipart {
        self.parts
            .push(Part::Text(name.to_string(), value.to_string()));
        self
    }

    pub fn fields(self, fields: &[(&str, &str)]) -> Multipart {
        fields.iter().fold(self, |form, (k, v)| form.field(k, v))
    }

    /// A file part named `name`, sent as `filename` of type `text/csv`.
    pub fn csv(self, name: &str, filename: &str, data: &[u8]) -> Multipart {
        self.file(name, filename, "text/csv", data)
    }

    pub fn file(
        mut self,
        name: &str,
        filename: &str,
        content_type: &str,
        data: &[u8],
    ) -> Multipart {
        self.parts.push(Part::File {
            name: name.to_string(),
            filename: filename.to_string(),
            content_type: content_type.to_string(),
            data: data.to_vec(),
        });
        self
    }

    /// A POST of this form to `uri`.
    pub fn request(self, uri: &str) -> Request<Body> {
        let mut body = Vec::new();
        for part in self.parts {
            match part {
                Part::Text(name, value) => body.extend_from_slice(
                    format!(
                        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                    )
                    .as_bytes(),
                ),
                Part::File {
                    name,
                    filename,
                    content_type,
                    data,
                } => {
                    body.extend_from_slice(
                        format!(
                            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                             filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
                        )
                        .as_bytes(),
                    );
                    body.extend_from_slice(&data);
                    body.extend_from_slice(b"\r\n");
                }
            }
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        Request::post(uri)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap()
    }
}
