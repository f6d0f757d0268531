//! The JSON API: reads, writes with a session or token, errors in the API's shape, downloads.

use axum::http::StatusCode;
use dialogue::model::{PhaseKind, VoteRule};
use platform::auth::Role;
use platform::testing;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn api_reads_writes_and_refuses_clearly() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        person(db, "ada@example.org", Role::Participant, true, None).await;
        let mut staff = Client::new(&t);
        staff.login("staff@example.org").await;
        let today = dialogue::model::today();
        let new = json!({
            "slug": "api-process", "organization_id": o.id, "title_en": "Made by API", "vote_rule": "approval", "vote_max": 2,
            "phases": [
                {"kind": "ideas", "opens_on": today.to_string(), "closes_on": (today + time::Duration::days(3)).to_string(), "submit": "verified", "comment": "verified"},
                {"kind": "voting", "opens_on": today.to_string(), "closes_on": (today + time::Duration::days(3)).to_string(), "vote": "verified"}
            ],
            "themes": [{"slug": "one", "title_en": "One"}]
        });
        let r = staff
            .post_json("/api/v1/dialogue/processes", new.clone())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", t.engine, r.body);
        // The same slug again: a field error in the API's shape.
        let r = staff.post_json("/api/v1/dialogue/processes", new).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["error"]["code"], "validation");
        assert!(body["error"]["fields"]["slug"].is_array(), "{body}");

        // A participant cannot create processes; nobody signed in cannot submit.
        let mut ada = Client::new(&t);
        ada.login("ada@example.org").await;
        let r = ada
            .post_json("/api/v1/dialogue/processes", json!({"slug": "x"}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let mut anon = Client::new(&t);
        let r = anon
            .post_json(
                "/api/v1/dialogue/processes/api-process/ideas",
                json!({"theme": "one", "title": "T", "body": "B"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["error"]["code"], "forbidden");

        // Submit, similar, list; a body that is not JSON is a 400 with the reason.
        let r = ada
            .post_json(
                "/api/v1/dialogue/processes/api-process/ideas",
                json!({"theme": "one", "title": "Open contracts", "body": "Publish contracts."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let idea: Value = serde_json::from_str(&r.body).unwrap();
        let r = ada
            .post_json(
                "/api/v1/dialogue/processes/api-process/ideas",
                json!({"theme": "one", "title": ""}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "missing body field: {}",
            r.body
        );
        let r = ada
            .post_json(
                "/api/v1/dialogue/processes/api-process/ideas",
                json!({"theme": "one", "title": "", "body": "<script>"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            body["error"]["fields"]["title"].is_array()
                && body["error"]["fields"]["body"].is_array(),
            "{body}"
        );
        index(&t).await;
        let similar: Value = serde_json::from_str(
            &anon
                .get("/api/v1/dialogue/processes/api-process/similar?q=contracts")
                .await
                .body,
        )
        .unwrap();
        assert_eq!(similar[0]["title"], "Open contracts");
        let list: Value = serde_json::from_str(
            &anon
                .get("/api/v1/dialogue/processes/api-process/ideas?per_page=x")
                .await
                .body,
        )
        .unwrap();
        assert_eq!(list["error"]["code"], "bad_request", "{list}");
        let list: Value = serde_json::from_str(
            &anon
                .get("/api/v1/dialogue/processes/api-process/ideas")
                .await
                .body,
        )
        .unwrap();
        assert_eq!(list["total"], 1);

        // Accept it, then vote with the API; a second ballot is a 409.
        let p = dialogue::processes::find(db, "api-process")
            .await
            .unwrap()
            .unwrap();
        let staff_user = person(db, "staff2@example.org", Role::Editor, true, Some(o.id)).await;
        let id: uuid::Uuid = idea["id"].as_str().unwrap().parse().unwrap();
        let stored = dialogue::ideas::get(db, id).await.unwrap().unwrap();
        assess_as(
            db,
            &staff_user,
            &p,
            &stored,
            &dialogue::ideas::Assessment {
                state: Some(dialogue::model::IdeaState::Accepted),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let ballot = json!({"ballots": [{"scope": "all", "ideas": [id]}]});
        let r = ada
            .post_json(
                "/api/v1/dialogue/processes/api-process/ballots",
                ballot.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let out: Value = serde_json::from_str(&r.body).unwrap();
        let code = out["receipt"].as_str().unwrap().to_string();
        let r = ada
            .post_json("/api/v1/dialogue/processes/api-process/ballots", ballot)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = anon
            .post_json("/api/v1/dialogue/receipts/check", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let check: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(check["ballots"][0]["counted"], true);
        assert!(!r.body.contains(&id.to_string()));
        assert_eq!(
            anon.post_json("/api/v1/dialogue/receipts/check", json!({"code": "nope"}))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Results stay hidden while voting is open.
        let results: Value = serde_json::from_str(
            &anon
                .get("/api/v1/dialogue/processes/api-process/results")
                .await
                .body,
        )
        .unwrap();
        assert_eq!(results["published"], false);
        set_phase(db, &p, PhaseKind::Voting, -3, -1).await;
        let results: Value = serde_json::from_str(
            &anon
                .get("/api/v1/dialogue/processes/api-process/results")
                .await
                .body,
        )
        .unwrap();
        assert_eq!(results["ranked"][0]["votes"], 1);
        assert_eq!(results["totals"]["voters"], 1);

        // Downloads: ideas with answers, comments; never voters or e-mail addresses.
        let csv = anon
            .get("/api/v1/dialogue/processes/api-process/ideas.csv")
            .await;
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert!(csv.body.starts_with("id,process,theme,state,title"));
        assert!(!csv.body.contains("@example.org"));
        let json: Value = serde_json::from_str(
            &anon
                .get("/api/v1/dialogue/processes/api-process/ideas.json")
                .await
                .body,
        )
        .unwrap();
        assert_eq!(json[0]["votes"], 1);
        assert_eq!(
            anon.get("/api/v1/dialogue/processes/nope").await.status,
            StatusCode::NOT_FOUND
        );
        let _ = VoteRule::Approval;
    }
}

/// A page number near `i64::MAX` is an empty page, not an overflow (found by API fuzzing: the
/// offset `(page - 1) * per_page` panicked and answered 500).
#[tokio::test]
async fn a_far_page_is_empty() {
    for t in testing::engines().await {
        let mut c = Client::new(&t);
        for path in [
            "/api/v1/dialogue/consultations?page=9223372036854775806&per_page=500",
            "/api/v1/dialogue/consultations?page=9223372036854775807&per_page=2",
        ] {
            let r = c.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{}: {path}: {}", t.engine, r.body);
            let body: Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(body["items"], json!([]), "{path}: {body}");
        }
    }
}
