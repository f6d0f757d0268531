//! Votes and moderation reports are rate limited per account and per address: over the limit the
//! API answers 429 in its error shape with `Retry-After`, pages in the visitor's language.

use axum::http::{StatusCode, header};
use dialogue::ideas;
use dialogue::model::{PhaseKind, VoteRule};
use platform::auth::Role;
use platform::config::{RateLimit, Settings};
use platform::testing::{self, TestDb};
use platform::{Lang, Platform};
use serde_json::{Value, json};

use crate::support::*;

/// The site on `t` with two votes and two reports an account per window.
fn limited(t: &TestDb) -> Platform {
    let mut settings = Settings {
        data_dir: t.dir.path().join("limited"),
        ..Settings::default()
    };
    let two = RateLimit {
        per_address: 100,
        per_account: 2,
        window_minutes: 60,
    };
    settings.limits.rate.vote = two.clone();
    settings.limits.rate.report = two;
    Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap()
}

fn assert_api_limited(r: &Reply) {
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["error"]["code"], "rate_limited", "{body}");
}

#[tokio::test]
async fn votes_and_reports_are_limited_per_account() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "limits",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        person(db, "bob@example.org", Role::Participant, true, None).await;
        let id = submit_idea(db, &p, &ada, "transparency", "Idea", "Text")
            .await
            .unwrap();
        let idea = ideas::get(db, id).await.unwrap().unwrap();
        let mut comments = Vec::new();
        for text in ["One", "Two", "Three"] {
            comments.push(
                comment_as(db, &p, &idea, &ada, text, Lang::En)
                    .await
                    .unwrap(),
            );
        }

        let mut bob = Client::for_platform(limited(&t));
        bob.login("bob@example.org").await;
        let report = |c: uuid::Uuid| json!({"kind": "comment", "id": c, "reason": "spam"});
        for c in &comments[..2] {
            let r = bob.post_json("/api/v1/dialogue/reports", report(*c)).await;
            assert_eq!(r.status, StatusCode::OK, "{}: {}", t.engine, r.body);
        }
        let over = bob
            .post_json("/api/v1/dialogue/reports", report(comments[2]))
            .await;
        assert_api_limited(&over);
        let page = bob
            .post(
                "/fr/report",
                &[
                    ("kind", "comment"),
                    ("id", &comments[2].to_string()),
                    ("reason", "spam"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
        assert!(page.body.contains("Trop de signalements"), "{}", page.body);
        assert_eq!(
            count(db, "dialogue_reports").await,
            2,
            "{}: nothing recorded over the limit",
            t.engine
        );

        // Ballots: two attempts (voting is not open: refused), then the limit.
        let ballot = json!({"ballots": [{"scope": "all", "ideas": [id]}]});
        let path = "/api/v1/dialogue/processes/limits/ballots";
        for _ in 0..2 {
            let r = bob.post_json(path, ballot.clone()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", t.engine, r.body);
        }
        assert_api_limited(&bob.post_json(path, ballot).await);
    }
}
