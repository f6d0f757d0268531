//! What the tests share: a small browser-like client over the real router, and people and
//! organizations to act as.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use platform::auth::{self, NewUser, Role};
use platform::orgs::{self, NewOrganization};
use platform::server::{self, App};
use platform::testing::TestDb;
use platform::{Actor, Bilingual, Db};
use tower::ServiceExt;
use uuid::Uuid;

pub struct Client {
    app: App,
    pub platform: platform::Platform,
    cookies: Vec<(String, String)>,
    pub token: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Client {
    pub fn new(t: &TestDb) -> Client {
        let platform = t.platform();
        Client {
            app: server::app(platform.clone(), tracker::pages(), tracker::api()),
            platform,
            cookies: Vec::new(),
            token: None,
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Reply {
        if !self.cookies.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, self.cookie_header().parse().unwrap());
        }
        // As a same-site script would, API writes with the session cookie carry its CSRF token.
        if let Some(csrf) = self.csrf() {
            req.headers_mut()
                .insert(platform::web::CSRF_HEADER, csrf.parse().unwrap());
        }
        if let Some(token) = &self.token {
            req.headers_mut()
                .insert(header::AUTHORIZATION, token.parse().unwrap());
        }
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        Reply {
            status,
            headers,
            body,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A GET, as a browser sends it: without the `#fragment`.
    pub async fn get(&mut self, uri: &str) -> Reply {
        let uri = uri.split('#').next().unwrap_or(uri);
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A form post; the CSRF token is added unless `csrf` is false.
    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)], csrf: bool) -> Reply {
        if self.csrf().is_none() {
            self.get("/en/tracker").await;
        }
        let mut pairs: Vec<(&str, String)> =
            fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        if csrf {
            pairs.push(("_csrf", self.csrf().unwrap()));
        }
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_form(uri, fields, true).await
    }

    /// A JSON request with any method.
    pub async fn json_request(
        &mut self,
        method: &str,
        uri: &str,
        body: Option<&serde_json::Value>,
    ) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .unwrap();
        self.send(req).await
    }

    pub async fn post_json(&mut self, uri: &str, body: &serde_json::Value) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    pub async fn post_multipart(&mut self, uri: &str, lang: &str, file: &str) -> Reply {
        if self.csrf().is_none() {
            self.get("/en/tracker").await;
        }
        let boundary = "XyZtrackerBoundary";
        let csrf = self.csrf().unwrap();
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"text_lang\"\r\n\r\n{lang}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ogp.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
             --{boundary}--\r\n"
        );
        self.send(
            Request::post(uri)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub fn csrf(&self) -> Option<String> {
        self.cookies
            .iter()
            .find(|(k, _)| k == "agora_csrf")
            .map(|(_, v)| v.clone())
    }

    /// Signs in through the log-in form.
    pub async fn sign_in(&mut self, email: &str) {
        let r = self
            .post(
                "/en/account/login",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "log-in failed: {}", r.body);
    }
}

pub const PASSWORD: &str = "a long enough password";

/// An organization by slug, created when missing.
pub async fn org(db: &Db, slug: &str, en: &str, fr: &str) -> Uuid {
    if let Some(o) = orgs::find_by_slug(db, slug).await.unwrap() {
        return o.id;
    }
    let mut tx = db.begin().await.unwrap();
    let o = orgs::create(
        &mut tx,
        &Actor::system("test"),
        NewOrganization {
            slug: slug.into(),
            title: Bilingual::new(en, fr),
            description: Bilingual::default(),
            jurisdiction: "provincial".into(),
            category: "ministry".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    o.id
}

/// A verified account with a role, editing for `org` when given.
pub async fn person(db: &Db, email: &str, name: &str, role: Role, org: Option<Uuid>) -> Uuid {
    let mut tx = db.begin().await.unwrap();
    let actor = Actor::system("test");
    let user = auth::create_user(
        &mut tx,
        &actor,
        NewUser {
            email,
            display_name: name,
            password: PASSWORD,
            role,
            verified: true,
            locale: "en",
        },
    )
    .await
    .unwrap();
    if let Some(org) = org {
        auth::add_membership(&mut tx, &actor, user.id, org)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    user.id
}

/// An API token for a person.
pub async fn token(db: &Db, user: Uuid) -> String {
    let mut tx = db.begin().await.unwrap();
    let (secret, _) = auth::create_api_token(&mut tx, &Actor::system("test"), user, "test", None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    secret
}

/// How many rows a table has.
pub async fn count(db: &Db, table: &str) -> i64 {
    async fn inner(db: &Db, table: &str) -> platform::Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        Ok(platform::read!(db, |c| sqlx::query_scalar::<_, i64>(
            sqlx::AssertSqlSafe(sql.as_str())
        )
        .fetch_one(&mut *c)
        .await?))
    }
    inner(db, table).await.unwrap()
}

/// Page text without tags, entities decoded and white space collapsed, for comparing words.
/// Inline elements join their neighbours; others separate words.
pub fn text(html: &str) -> String {
    const INLINE: [&str; 9] = [
        "a", "strong", "em", "span", "code", "time", "abbr", "b", "i",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !INLINE.contains(&name.to_ascii_lowercase().as_str()) {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let out = out
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
