//! Rate limits: the counter is exact under concurrency on both engines, windows roll over, and
//! sign-up, password reset and verification resends answer 429 with `Retry-After` and a page in
//! the visitor's language once over the limit.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use platform::Platform;
use platform::auth::{self, NewUser, Role};
use platform::config::{RateLimit, Settings};
use platform::db::Actor;
use platform::ratelimit;
use platform::server::{self, App};
use platform::testing::{self, TestDb};
use tower::ServiceExt;

#[tokio::test]
async fn the_counter_is_exact_under_concurrency_and_windows_roll_over() {
    for t in testing::engines().await {
        let engine = t.engine;
        let key = vec![("vote|account|x".to_string(), 10)];
        let now = 1_800_000_000;
        let hits = (0..20).map(|_| {
            let (db, key) = (t.db.clone(), key.clone());
            tokio::spawn(async move { ratelimit::hit(&db, &key, 3600, now).await.unwrap() })
        });
        let mut allowed = 0;
        for h in hits {
            if h.await.unwrap().is_none() {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 10, "{engine}: exactly the limit passes");
        let retry = ratelimit::hit(&t.db, &key, 3600, now).await.unwrap();
        let window_end = now - now % 3600 + 3600;
        assert_eq!(retry, Some((window_end - now) as u64), "{engine}");
        // The next window starts afresh, and the old one's rows are swept.
        assert_eq!(
            ratelimit::hit(&t.db, &key, 3600, window_end).await.unwrap(),
            None,
            "{engine}"
        );
        // Two keys: over on either is over.
        let both = vec![("a".to_string(), 5), ("b".to_string(), 1)];
        assert_eq!(ratelimit::hit(&t.db, &both, 60, now).await.unwrap(), None);
        assert!(
            ratelimit::hit(&t.db, &both, 60, now)
                .await
                .unwrap()
                .is_some()
        );
    }
}

#[tokio::test]
async fn a_window_too_large_for_seconds_saturates_instead_of_overflowing() {
    let hostile = RateLimit {
        per_address: 1,
        per_account: 0,
        window_minutes: i64::MAX,
    };
    assert_eq!(hostile.window_seconds(), i64::MAX);
    for t in testing::engines().await {
        let engine = t.engine;
        let key = vec![("overflow|address|x".to_string(), 1)];
        let now = 1_800_000_000;
        assert_eq!(
            ratelimit::hit(&t.db, &key, i64::MAX, now).await.unwrap(),
            None,
            "{engine}"
        );
        assert_eq!(
            ratelimit::hit(&t.db, &key, i64::MAX, now).await.unwrap(),
            Some((i64::MAX - now) as u64),
            "{engine}: the window ends as late as an i64 allows"
        );
        // Through the settings: the second sign-up from one address is refused, not a panic.
        let mut settings = Settings {
            data_dir: t.dir.path().to_path_buf(),
            ..Settings::default()
        };
        settings.limits.rate.signup = hostile.clone();
        let platform = Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap();
        let c = Client::new(&platform, None).await;
        for (email, status) in [
            ("first@example.org", StatusCode::SEE_OTHER),
            ("second@example.org", StatusCode::TOO_MANY_REQUESTS),
        ] {
            let fields = [
                ("email", email),
                ("password", "a good long password"),
                ("password_confirm", "a good long password"),
            ];
            let reply = c.post("/en/account/signup", &fields).await;
            assert_eq!(reply.status, status, "{engine}: {}", reply.body);
        }
    }
}

#[tokio::test]
async fn a_hit_prunes_its_own_expired_counters_and_a_sweep_every_key() {
    async fn rows(db: &platform::Db, key: &str) -> i64 {
        async fn count(db: &platform::Db, key: &str) -> platform::Result<i64> {
            Ok(platform::read!(db, |c| sqlx::query_scalar(
                "SELECT COUNT(*) FROM rate_limits WHERE key = $1"
            )
            .bind(key)
            .fetch_one(&mut *c)
            .await?))
        }
        count(db, key).await.unwrap()
    }
    for t in testing::engines().await {
        let engine = t.engine;
        let (mine, other) = ("prune|mine".to_string(), "prune|other".to_string());
        let earlier = 1_800_000_000;
        let later = earlier + 7200;
        for key in [&mine, &other] {
            ratelimit::hit(&t.db, &[(key.clone(), 5)], 3600, earlier)
                .await
                .unwrap();
        }
        ratelimit::hit(&t.db, &[(mine.clone(), 5)], 3600, later)
            .await
            .unwrap();
        assert_eq!(
            rows(&t.db, &mine).await,
            1,
            "{engine}: the ended window is gone"
        );
        let mut tx = t.db.begin().await.unwrap();
        ratelimit::sweep_expired(&mut tx, later).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(rows(&t.db, &other).await, 0, "{engine}: swept");
        assert_eq!(
            rows(&t.db, &mine).await,
            1,
            "{engine}: the current window stays"
        );
    }
}

struct Client {
    app: App,
    cookies: String,
    csrf: String,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

const CSRF: &str = "0123456789abcdef0123456789abcdef";

impl Client {
    async fn new(platform: &Platform, user: Option<uuid::Uuid>) -> Client {
        // Signed in, the form token is the session's own.
        let mut csrf = CSRF.to_string();
        let mut session = String::new();
        if let Some(u) = user {
            let secret = auth::create_session(&platform.db, u).await.unwrap();
            csrf = platform::web::session_csrf(&secret);
            session = format!("; agora_session={secret}");
        }
        Client {
            app: server::app(platform.clone(), Router::new(), Router::new()),
            cookies: format!("agora_csrf={csrf}{session}"),
            csrf,
        }
    }

    async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut pairs = vec![("_csrf", self.csrf.as_str())];
        pairs.extend_from_slice(fields);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let req = Request::post(uri)
            .header(header::COOKIE, &self.cookies)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }
}

/// The platform on `t` with small limits: two of each per address, one per account.
fn limited(t: &TestDb) -> Platform {
    let mut settings = Settings {
        data_dir: t.dir.path().to_path_buf(),
        ..Settings::default()
    };
    let small = RateLimit {
        per_address: 2,
        per_account: 1,
        window_minutes: 10,
    };
    settings.limits.rate.signup = small.clone();
    settings.limits.rate.password_reset = small.clone();
    settings.limits.rate.verification_resend = small;
    Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap()
}

fn assert_limited(r: &Reply, text: &str) {
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let retry: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    assert!(r.body.contains(text), "{}", r.body);
}

#[tokio::test]
async fn sign_up_is_limited_per_address_and_per_e_mail() {
    for t in testing::engines().await {
        let platform = limited(&t);
        let c = Client::new(&platform, None).await;
        let signup = |email: &'static str| {
            [
                ("email", email),
                ("password", "a good long password"),
                ("password_confirm", "a good long password"),
            ]
        };
        let first = c
            .post("/en/account/signup", &signup("one@example.org"))
            .await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", t.engine);
        // The same e-mail again: over the per-account limit before anything else is looked at.
        let again = c
            .post("/fr/account/signup", &signup("ONE@example.org"))
            .await;
        assert_limited(&again, "Trop de comptes ont été créés d’ici");
        // A third attempt from the same address is over the per-address limit.
        let third = c
            .post("/en/account/signup", &signup("two@example.org"))
            .await;
        assert_limited(&third, "Too many accounts were created from here");
        assert!(
            auth::find_user_by_email(&platform.db, "two@example.org")
                .await
                .unwrap()
                .is_none(),
            "{}: nothing created over the limit",
            t.engine
        );
    }
}

#[tokio::test]
async fn reset_requests_and_verification_resends_are_limited() {
    for t in testing::engines().await {
        let platform = limited(&t);
        let mut tx = platform.db.begin().await.unwrap();
        let user = auth::create_user(
            &mut tx,
            &Actor::system("test"),
            NewUser {
                email: "rose@example.org",
                display_name: "",
                password: "first password!",
                role: Role::Participant,
                verified: false,
                locale: "en",
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let anon = Client::new(&platform, None).await;
        let forgot = [("email", "rose@example.org")];
        let ok = anon.post("/en/account/password/forgot", &forgot).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", t.engine);
        let over = anon.post("/en/account/password/forgot", &forgot).await;
        assert_limited(&over, "Too many password reset e-mails");
        // An address with no account is counted the same way: the limit tells nothing.
        let unknown = [("email", "nobody@example.org")];
        let first = anon.post("/en/account/password/forgot", &unknown).await;
        assert_limited(&first, "Too many password reset e-mails");

        let signed_in = Client::new(&platform, Some(user.id)).await;
        let resent = signed_in.post("/en/account/verify/resend", &[]).await;
        assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", t.engine);
        let over = signed_in.post("/fr/account/verify/resend", &[]).await;
        assert_limited(&over, "Trop de courriels de vérification");

        // One reset mail and one verification mail were queued, none for the refused attempts.
        let queued: i64 = queued_mails(&platform).await;
        assert_eq!(queued, 2, "{}", t.engine);
    }
}

async fn queued_mails(platform: &Platform) -> i64 {
    let (jobs, _) = platform::jobs::list(
        &platform.db,
        &platform::jobs::JobFilter {
            kind: platform::mail::JOB_KIND.into(),
            ..Default::default()
        },
        100,
        0,
    )
    .await
    .unwrap();
    jobs.len() as i64
}
