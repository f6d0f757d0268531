use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use platform::testing::{self, Client, Person, TestDb};

fn client(t: &TestDb) -> Client {
    Client::site(&t.platform(), Router::new(), Router::new())
}

/// Sends the queued e-mail (as the job workers would) and returns the link in the newest one.
async fn outbox_link(t: &TestDb, marker: &str) -> String {
    crate::mail::deliver(t).await;
    let mut files: Vec<_> = std::fs::read_dir(t.dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    let text = std::fs::read_to_string(files.last().expect("an e-mail in the outbox")).unwrap();
    // Undo quoted-printable soft breaks and escapes.
    let text = text
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = text.find(marker).expect("link in e-mail");
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let url = &rest[..end];
    url[url.find("/en/").or_else(|| url.find("/fr/")).unwrap()..].to_string()
}

#[tokio::test]
async fn sign_up_verify_log_in_and_out() {
    for t in testing::engines().await {
        let c = client(&t);
        let form = c.get("/en/account/signup").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("name=\"_csrf\""));
        let csrf = c.csrf().unwrap();

        // Without the token the form is refused.
        let forged = c
            .post_without_csrf("/en/account/signup", &[("email", "x@example.org")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", t.engine);

        // Invalid input: the form again with an error summary that links to each field; nothing saved.
        let bad = c
            .post(
                "/en/account/signup",
                &[
                    ("_csrf", &csrf),
                    ("email", ""),
                    ("password", "short"),
                    ("password_confirm", "other"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("agora-error-summary"));
        assert!(
            bad.body.contains("href=\"#email\"")
                && bad.body.contains("href=\"#password\"")
                && bad.body.contains("href=\"#password_confirm\"")
        );
        assert!(
            platform::auth::list_users(&t.db, 10, 0)
                .await
                .unwrap()
                .0
                .is_empty()
        );

        let ok = c
            .post(
                "/en/account/signup",
                &[
                    ("_csrf", &csrf),
                    ("email", "grace@example.org"),
                    ("display_name", "Grace"),
                    ("password", "a good long password"),
                    ("password_confirm", "a good long password"),
                ],
            )
            .await;
        assert_eq!(
            ok.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            t.engine,
            ok.body
        );

        // The same e-mail again says so.
        let dup = c
            .post(
                "/en/account/signup",
                &[
                    ("_csrf", &csrf),
                    ("email", "GRACE@example.org"),
                    ("password", "a good long password"),
                    ("password_confirm", "a good long password"),
                ],
            )
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            dup.body
                .contains("An account already uses this e-mail address")
        );

        assert!(
            crate::mail::outbox(&t).is_empty(),
            "the verification e-mail waits for its job"
        );
        let verify = outbox_link(&t, "http://").await;
        assert!(verify.starts_with("/en/account/verify?token="), "{verify}");
        let page = c.get(&verify).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("verified"));
        assert_eq!(
            c.get(&verify).await.status,
            StatusCode::BAD_REQUEST,
            "a verification link works once"
        );

        let wrong = c
            .post(
                "/en/account/login",
                &[
                    ("_csrf", &csrf),
                    ("email", "grace@example.org"),
                    ("password", "not it at all"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let login = c
            .post(
                "/en/account/login",
                &[
                    ("_csrf", &csrf),
                    ("email", "grace@example.org"),
                    ("password", "a good long password"),
                    ("next", "/en/account"),
                ],
            )
            .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER);
        assert_eq!(login.headers[header::LOCATION], "/en/account");
        let session_cookie = login
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("agora_session="))
            .unwrap();
        assert!(
            session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"),
            "{session_cookie}"
        );

        let account = c.get("/en/account").await;
        assert_eq!(account.status, StatusCode::OK);
        assert!(account.body.contains("grace@example.org") && account.body.contains("Sign out"));

        // A log-in never sends people to another site.
        let evil = c
            .post(
                "/en/account/login",
                &[
                    ("_csrf", &c.csrf().unwrap()),
                    ("email", "grace@example.org"),
                    ("password", "a good long password"),
                    ("next", "//evil.example"),
                ],
            )
            .await;
        assert_eq!(evil.headers[header::LOCATION], "/en/account");

        // Signing in gave a new CSRF token: the visitor's old one no longer works.
        let stale = c.post("/en/account/logout", &[("_csrf", &csrf)]).await;
        assert_eq!(stale.status, StatusCode::FORBIDDEN);
        let out = c
            .post("/en/account/logout", &[("_csrf", &c.csrf().unwrap())])
            .await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        let after = c.get("/en/account").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert!(
            after.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/en/account/login?next=%2Fen%2Faccount")
        );
    }
}

#[tokio::test]
async fn password_reset_by_e_mail() {
    let t = testing::sqlite().await;
    let c = client(&t);
    c.get("/fr/account/password/forgot").await;
    let csrf = c.csrf().unwrap();
    Person::new("rose@example.org")
        .password("first password!")
        .locale("fr")
        .create(&t.db)
        .await;
    // Unknown addresses get the same answer.
    let unknown = c
        .post(
            "/fr/account/password/forgot",
            &[("_csrf", &csrf), ("email", "nobody@example.org")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::SEE_OTHER);
    let known = c
        .post(
            "/fr/account/password/forgot",
            &[("_csrf", &csrf), ("email", "rose@example.org")],
        )
        .await;
    assert_eq!(
        known.headers[header::LOCATION],
        unknown.headers[header::LOCATION]
    );
    let link = outbox_link(&t, "http://").await;
    assert!(
        link.starts_with("/fr/account/password/reset?token="),
        "{link}"
    );
    let token = link.split("token=").nth(1).unwrap().to_string();
    let mismatch = c
        .post(
            "/fr/account/password/reset",
            &[
                ("_csrf", &csrf),
                ("token", &token),
                ("password", "second password!"),
                ("password_confirm", "different"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch
            .body
            .contains("Les deux mots de passe ne sont pas identiques")
    );
    let done = c
        .post(
            "/fr/account/password/reset",
            &[
                ("_csrf", &csrf),
                ("token", &token),
                ("password", "second password!"),
                ("password_confirm", "second password!"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let login = c
        .post(
            "/fr/account/login",
            &[
                ("_csrf", &csrf),
                ("email", "rose@example.org"),
                ("password", "second password!"),
            ],
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn languages_errors_and_headers() {
    let t = testing::sqlite().await;
    let c = client(&t);
    let root = c
        .send(
            Request::get("/")
                .header(header::ACCEPT_LANGUAGE, "fr-CA,fr;q=0.9,en;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(root.headers[header::LOCATION], "/fr/");
    let root = c
        .send(
            Request::get("/")
                .header(header::ACCEPT_LANGUAGE, "en-GB")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(root.headers[header::LOCATION], "/en/");

    let missing = c.get("/fr/pas-de-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.body.contains("<html lang=\"fr\">") && missing.body.contains("Page introuvable"),
        "{}",
        missing.body
    );
    assert!(
        missing.body.contains("href=\"/en/pas-de-page\""),
        "the toggle keeps the page"
    );
    let missing = c.get("/en/no-such-page").await;
    assert!(missing.body.contains("<html lang=\"en\">") && missing.body.contains("Page not found"));

    let api = c.get("/api/v1/nothing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&api.body).unwrap()["error"]["code"],
        "not_found"
    );

    let login = c.get("/en/account/login").await;
    let csp = login.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(login.headers["x-content-type-options"], "nosniff");
    assert!(login.headers.contains_key("referrer-policy"));
    assert!(login.headers.contains_key("x-request-id"));

    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    let metrics = c.get("/metrics").await;
    assert!(
        metrics.body.contains("agora_http_requests_total"),
        "{}",
        metrics.body
    );

    let css = c.get(&platform::assets::url("app.css")).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn tokens_over_the_api() {
    let t = testing::sqlite().await;
    let c = client(&t);
    let actor = platform::Actor::system("test");
    let user = Person::new("api@example.org")
        .password("long password here")
        .role(platform::auth::Role::Editor)
        .create(&t.db)
        .await;
    let mut tx = t.db.begin().await.unwrap();
    let (secret, token) = platform::auth::create_api_token(&mut tx, &actor, user.id, "ci", None)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let me = c
        .send(
            Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, &secret)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert!(me.body.contains("api@example.org"));
    let bearer = c
        .send(
            Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, format!("Bearer {secret}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bearer.status, StatusCode::OK);
    let ckan_style = c
        .send(
            Request::get("/api/v1/me")
                .header("X-CKAN-API-Key", &secret)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(ckan_style.status, StatusCode::OK);

    let anonymous = c.get("/api/v1/me").await;
    assert_eq!(anonymous.status, StatusCode::FORBIDDEN);

    let mut tx = t.db.begin().await.unwrap();
    platform::auth::revoke_api_token(&mut tx, &actor, user.id, token.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let revoked = c
        .send(
            Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, &secret)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::FORBIDDEN);
    assert!(revoked.body.contains("revoked"), "{}", revoked.body);
}

#[tokio::test]
async fn oversize_bodies_get_413_with_the_limit() {
    let t = testing::sqlite().await;
    let mut settings = platform::config::Settings {
        data_dir: t.dir.path().to_path_buf(),
        ..Default::default()
    };
    settings.limits.max_form_bytes = 1024;
    settings.limits.max_json_bytes = 1024;
    settings.limits.max_upload_bytes = 1024;
    let platform = platform::Platform::with_db(settings, t.db.clone(), vec![]).unwrap();
    let c = Client::site(&platform, Router::new(), Router::new());
    let big = "x".repeat(4096);
    let res = c
        .post_without_csrf("/fr/account/login", &[("email", &big)])
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.body.contains("1 KiB") && res.body.contains("lang=\"fr\""),
        "{}",
        res.body
    );
    let api = c
        .send(
            Request::post("/api/v1/me")
                .header(header::CONTENT_LENGTH, "999999")
                .body(Body::from(big.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(api.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(api.body.contains("1 KiB"));
}

#[tokio::test]
async fn admin_pages_need_an_admin() {
    let t = testing::sqlite().await;
    let c = client(&t);
    let anon = c.get("/en/admin/audit").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    for (email, role) in [
        ("admin@example.org", platform::auth::Role::Admin),
        ("someone@example.org", platform::auth::Role::Participant),
    ] {
        Person::new(email)
            .password("long password here")
            .role(role)
            .create(&t.db)
            .await;
    }
    c.get("/en/account/login").await;
    let csrf = c.csrf().unwrap();
    c.post(
        "/en/account/login",
        &[
            ("_csrf", &csrf),
            ("email", "someone@example.org"),
            ("password", "long password here"),
        ],
    )
    .await;
    assert_eq!(c.get("/en/admin/audit").await.status, StatusCode::FORBIDDEN);
    c.post("/en/account/logout", &[("_csrf", &c.csrf().unwrap())])
        .await;
    c.post(
        "/en/account/login",
        &[
            ("_csrf", &c.csrf().unwrap()),
            ("email", "admin@example.org"),
            ("password", "long password here"),
        ],
    )
    .await;
    let audit = c.get("/en/admin/audit?action=user.").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("user.create") && audit.body.contains("someone@example.org"));
    let users = c.get("/fr/admin/users").await;
    assert!(users.body.contains("Personnes et rôles"));
}

/// `?page=` near `i64::MAX` on a listing page: the offset and the links around the current page
/// saturate instead of overflowing (found by API fuzzing; `/en/dataset?page=9223372036854775807`
/// answered 500).
#[test]
fn a_far_page_does_not_overflow() {
    use platform::web::{Page, Pager};
    let page = Page {
        lang: platform::i18n::Lang::En,
        path: "/dataset".into(),
        query: Some("page=9223372036854775807&q=x".into()),
        user: None,
        csrf: String::new(),
        site_name: String::new(),
        jurisdiction: String::new(),
        nav: Default::default(),
        title: String::new(),
        crumbs: Vec::new(),
        notice: None,
    };
    let pager = Pager::new(&page, 20).with_total(45);
    assert_eq!(pager.offset(), i64::MAX);
    let numbers: Vec<i64> = pager.links().iter().map(|l| l.number).collect();
    assert_eq!(numbers, vec![1, 3], "{numbers:?}");
    assert!(pager.next().is_none());
}
