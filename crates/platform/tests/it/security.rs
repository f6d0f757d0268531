//! The hardening checks: return addresses, CSRF on API writes, cookie names and flags, client
//! addresses behind proxies, `/metrics`, reset links, log-in throttling and the hashing pool.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::post;
use platform::auth::{self, CurrentUser, LoginLimits, Purpose};
use platform::db::Actor;
use platform::testing::{self, Client, Person, Reply, form_request};
use platform::web::{CSRF_HEADER, SignedIn};
use platform::{Error, Platform};

const PASSWORD: &str = "a good long password";

/// A native API write, as the areas' APIs have: it needs a signed-in person.
fn api() -> Router {
    Router::new().route(
        "/api/v1/test/write",
        post(|SignedIn(user): SignedIn| async move { user.email }),
    )
}

/// A browser sending from one peer address.
fn browser(platform: &Platform) -> Client {
    Client::site(platform, Router::new(), api()).with_peer("192.0.2.10:5000".parse().unwrap())
}

async fn log_in(b: &Client, email: &str, next: &str) -> Reply {
    b.post(
        "/en/account/login",
        &[("email", email), ("password", PASSWORD), ("next", next)],
    )
    .await
}

async fn user(platform: &Platform, email: &str) -> CurrentUser {
    Person::new(email)
        .password(PASSWORD)
        .create(&platform.db)
        .await
}

#[tokio::test]
async fn log_in_never_sends_people_to_another_site() {
    for t in testing::engines().await {
        let platform = t.platform_with(|_| {});
        user(&platform, "ada@example.org").await;
        let b = browser(&platform);
        for next in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%2F%2Fevil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:%20x=1",
            " //evil.example",
            "/\u{3000}/evil.example",
            &format!("/{}", "a".repeat(10_000)),
        ] {
            let query: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            let form = b.get(&format!("/en/account/login?next={query}")).await;
            assert_eq!(form.status, StatusCode::OK, "{}: {next:?}", t.engine);
            assert!(
                form.body.contains("name=\"next\" value=\"\""),
                "{}: the form carries {next:?}",
                t.engine
            );
            let done = log_in(&b, "ada@example.org", next).await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}: {next:?}", t.engine);
            assert_eq!(done.location(), "/en/account", "{}: {next:?}", t.engine);
        }
        let done = log_in(&b, "ada@example.org", "/fr/datasets?q=eau").await;
        assert_eq!(done.location(), "/fr/datasets?q=eau");
    }
}

#[tokio::test]
async fn api_writes_by_session_cookie_need_the_session_csrf_token() {
    for t in testing::engines().await {
        let platform = t.platform_with(|_| {});
        user(&platform, "ada@example.org").await;
        user(&platform, "bob@example.org").await;
        let ada = browser(&platform);
        ada.get("/en/account/login").await;
        let visitor_token = ada.csrf().unwrap();
        assert_eq!(
            log_in(&ada, "ada@example.org", "").await.status,
            StatusCode::SEE_OTHER
        );
        let ada_token = ada.csrf().unwrap();
        assert_ne!(ada_token, visitor_token, "signing in rotates the token");
        let bob = browser(&platform);
        log_in(&bob, "bob@example.org", "").await;
        let bob_token = bob.csrf().unwrap();

        // What a form on another site can send: the cookie rides along, the header cannot.
        let forged = ada
            .post_without_csrf("/api/v1/test/write", &[("name", "forged")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", t.engine);
        assert!(forged.body.contains("X-CSRF-Token"), "{}", forged.body);
        for wrong in [visitor_token.as_str(), bob_token.as_str(), ""] {
            let mut req = form_request("/api/v1/test/write", &[]);
            req.headers_mut()
                .insert(CSRF_HEADER, wrong.parse().unwrap());
            assert_eq!(
                ada.send(req).await.status,
                StatusCode::FORBIDDEN,
                "{}: another session's token",
                t.engine
            );
        }
        let mut req = form_request("/api/v1/test/write", &[]);
        req.headers_mut()
            .insert(CSRF_HEADER, ada_token.parse().unwrap());
        let ok = ada.send(req).await;
        assert_eq!(ok.status, StatusCode::OK, "{}: {}", t.engine, ok.body);
        assert_eq!(ok.body, "ada@example.org");

        // Reads need no token; API tokens need none either.
        assert_eq!(ada.get("/api/v1/me").await.status, StatusCode::OK);
        let mut tx = platform.db.begin().await.unwrap();
        let ada_row = auth::find_user_by_email(&platform.db, "ada@example.org")
            .await
            .unwrap()
            .unwrap();
        let (secret, _) =
            auth::create_api_token(&mut tx, &Actor::system("test"), ada_row.id, "script", None)
                .await
                .unwrap();
        tx.commit().await.unwrap();
        let script = browser(&platform);
        let mut req = form_request("/api/v1/test/write", &[]);
        req.headers_mut()
            .insert(header::AUTHORIZATION, secret.parse().unwrap());
        assert_eq!(script.send(req).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn cookies_are_host_only_and_secure_over_https() {
    let t = testing::sqlite().await;
    let platform = t.platform_with(|s| {
        s.base_url = Some("https://open.example.org".into());
    });
    user(&platform, "ada@example.org").await;
    let b = browser(&platform);
    let form = b.get("/en/account/login").await;
    let csrf = form
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-agora_csrf="))
        .expect("the __Host- CSRF cookie");
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(csrf.contains(flag), "{csrf}");
    }
    assert!(!csrf.to_ascii_lowercase().contains("domain="), "{csrf}");
    // The plain name is neither set nor read over https.
    assert!(b.cookie("agora_csrf").is_none());
    let token = b.cookie("__Host-agora_csrf").unwrap();
    let login = b
        .post(
            "/en/account/login",
            &[
                ("_csrf", &token),
                ("email", "ada@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    for cookie in login.set_cookies() {
        for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "{cookie}");
        }
    }
    assert!(
        login
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("__Host-agora_session=")),
        "the session cookie is __Host- over https"
    );
    assert!(b.cookie("agora_session").is_none());
    let session_token = b.cookie("__Host-agora_csrf").unwrap();
    assert_ne!(session_token, token);
    // The session is read back under its __Host- name: the account page is served, not the log-in.
    let account = b.get("/en/account").await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.body);
    let out = b
        .post("/en/account/logout", &[("_csrf", &session_token)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    for cookie in out.set_cookies() {
        for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "{cookie}");
        }
    }
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    use axum::http::HeaderMap;
    use platform::web::client_address;
    let trusted: Vec<platform::config::IpRange> = vec![
        "127.0.0.1/32".parse().unwrap(),
        "10.0.0.0/8".parse().unwrap(),
    ];
    let headers = |xff: &[&str]| {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    };
    let ip = |s: &str| Some(s.parse().unwrap());
    // An untrusted peer's header is ignored.
    assert_eq!(
        client_address(ip("203.0.113.5"), &headers(&["1.2.3.4"]), &trusted),
        "203.0.113.5"
    );
    // Through trusted proxies: the rightmost untrusted entry, not what the client put first.
    assert_eq!(
        client_address(
            ip("127.0.0.1"),
            &headers(&["6.6.6.6, 198.51.100.7", "10.1.2.3"]),
            &trusted
        ),
        "198.51.100.7"
    );
    assert_eq!(
        client_address(ip("127.0.0.1"), &headers(&[]), &trusted),
        "127.0.0.1"
    );
    assert_eq!(
        client_address(ip("127.0.0.1"), &headers(&["junk, 10.0.0.9"]), &trusted),
        "10.0.0.9"
    );
    assert_eq!(
        client_address(None, &headers(&["1.2.3.4"]), &trusted),
        "unknown"
    );
    assert_eq!(
        client_address(ip("127.0.0.1"), &headers(&["1.2.3.4"]), &[]),
        "127.0.0.1"
    );

    // End to end: the per-address log-in limit follows the real client.
    for proxied in [false, true] {
        let t = testing::sqlite().await;
        let platform = t.platform_with(|s| {
            s.limits.login_failures_per_address = 2;
            if proxied {
                s.server.trusted_proxies = vec!["192.0.2.10/32".parse().unwrap()];
            }
        });
        let b = browser(&platform);
        b.get("/en/account/login").await;
        let csrf = b.csrf().unwrap();
        let mut statuses = Vec::new();
        for (i, client) in ["1.1.1.1", "2.2.2.2", "3.3.3.3"].iter().enumerate() {
            let email = format!("nobody{i}@example.org");
            let mut req = form_request(
                "/en/account/login",
                &[("_csrf", &csrf), ("email", &email), ("password", "wrong")],
            );
            req.headers_mut()
                .insert("x-forwarded-for", client.parse().unwrap());
            statuses.push(b.send(req).await.status);
        }
        let limited = statuses.contains(&StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            limited, !proxied,
            "proxied: {proxied}, statuses: {statuses:?}"
        );
    }
}

#[tokio::test]
async fn metrics_can_require_a_token() {
    let t = testing::sqlite().await;
    let open = t.platform_with(|_| {});
    let b = browser(&open);
    assert_eq!(b.get("/metrics").await.status, StatusCode::OK);

    let closed = t.platform_with(|s| {
        s.observability.metrics_token = Some("s3cret-metrics".into());
    });
    let b = browser(&closed);
    assert_eq!(b.get("/metrics").await.status, StatusCode::UNAUTHORIZED);
    for given in ["Bearer wrong", "s3cret-metrics", "Bearer s3cret-metric"] {
        let req = Request::get("/metrics")
            .header(header::AUTHORIZATION, given)
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            b.send(req).await.status,
            StatusCode::UNAUTHORIZED,
            "{given}"
        );
    }
    let req = Request::get("/metrics")
        .header(header::AUTHORIZATION, "Bearer s3cret-metrics")
        .body(Body::empty())
        .unwrap();
    let ok = b.send(req).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("agora_"), "{}", ok.body);
}

async fn issue_reset(platform: &Platform, user: uuid::Uuid) -> String {
    let mut tx = platform.db.begin().await.unwrap();
    let token = auth::issue_email_token(&mut tx, user, Purpose::Reset)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    token
}

async fn consume_reset(platform: &Platform, token: String) -> Option<uuid::Uuid> {
    let mut tx = platform.db.begin().await.unwrap();
    let user = auth::consume_email_token(&mut tx, &token, Purpose::Reset)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    user
}

#[tokio::test]
async fn old_reset_links_die() {
    for t in testing::engines().await {
        let platform = t.platform_with(|_| {});
        let ada = user(&platform, "ada@example.org").await;
        let issue = || issue_reset(&platform, ada.id);
        let consume = |token: String| consume_reset(&platform, token);
        // A verification link is not touched by reset links.
        let mut tx = platform.db.begin().await.unwrap();
        let verify = auth::issue_email_token(&mut tx, ada.id, Purpose::Verify)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let first = issue().await;
        let second = issue().await;
        assert_eq!(consume(first).await, None, "{}: the older link", t.engine);
        let third = issue().await;
        assert_eq!(consume(third).await, Some(ada.id), "{}", t.engine);
        assert_eq!(consume(second).await, None);

        // Changing the password, by any path, ends the links not yet used.
        let pending = issue().await;
        let mut tx = platform.db.begin().await.unwrap();
        auth::set_password(
            &mut tx,
            &Actor::system("test"),
            ada.id,
            "another long password",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(consume(pending).await, None, "{}", t.engine);

        let mut tx = platform.db.begin().await.unwrap();
        let verified = auth::consume_email_token(&mut tx, &verify, Purpose::Verify)
            .await
            .unwrap();
        assert_eq!(verified, Some(ada.id));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_guesses_do_not_pass_the_limit() {
    for t in testing::engines().await {
        let platform = t.platform_with(|_| {});
        user(&platform, "ada@example.org").await;
        let limits = LoginLimits {
            per_account: 3,
            per_address: 1000,
            window: time::Duration::minutes(15),
        };
        let guesses = (0..12).map(|i| {
            let db = platform.db.clone();
            let limits = LoginLimits { ..limits };
            tokio::spawn(async move {
                auth::login(
                    &db,
                    &limits,
                    "ada@example.org",
                    &format!("guess number {i}"),
                    "198.51.100.1",
                )
                .await
            })
        });
        let mut checked = 0;
        let mut refused = 0;
        for g in futures::future::join_all(guesses).await {
            match g.unwrap() {
                Err(Error::Validation(_)) => checked += 1,
                Err(Error::RateLimited(_)) => refused += 1,
                Err(other) => panic!("{}: {other:?} {}", t.engine, other.message().key),
                Ok(_) => panic!("{}: a wrong password passed", t.engine),
            }
        }
        assert!(
            checked <= 3,
            "{}: {checked} passwords were checked past a limit of 3",
            t.engine
        );
        assert_eq!(checked + refused, 12);
        // Guessing on one at a time, the account locks after exactly three failures in all.
        for _ in 0..3 {
            match auth::login(&platform.db, &limits, "ada@example.org", "wrong", "x").await {
                Err(Error::Validation(_)) => checked += 1,
                Err(Error::RateLimited(_)) => break,
                other => panic!("{}: {other:?}", t.engine),
            }
        }
        assert_eq!(checked, 3, "{}", t.engine);
        // The right password is refused too while the account is locked.
        let locked = auth::login(&platform.db, &limits, "ada@example.org", PASSWORD, "x").await;
        assert!(matches!(locked, Err(Error::RateLimited(_))), "{}", t.engine);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_hashing_runs_a_bounded_number_at_once() {
    let hash = auth::hash_password("some password here").await.unwrap();
    let checks = (0..4 * auth::hashing_slots() + 4).map(|_| {
        let hash = hash.clone();
        tokio::spawn(async move { auth::verify_password("some password here", &hash).await })
    });
    for ok in futures::future::join_all(checks).await {
        assert!(ok.unwrap());
    }
    assert!(
        auth::hashing_peak() <= auth::hashing_slots(),
        "{} hashes ran at once, with {} slots",
        auth::hashing_peak(),
        auth::hashing_slots()
    );
}
