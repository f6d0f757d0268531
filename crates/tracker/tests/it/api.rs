//! The JSON API under /api/v1/tracker: public reads, writes with a token and the same rights as
//! the pages, and refusals that name each field.

use axum::http::StatusCode;
use platform::auth::Role;
use platform::testing;
use serde_json::json;

use crate::common::{client, count, org, person, token};

#[tokio::test]
async fn reads_are_public() {
    let t = testing::sqlite().await;
    tracker::load_demo(&t.platform()).await.unwrap();
    let c = client(&t);
    let list = c.get("/api/v1/tracker/items?kind=commitment").await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["item"]["number"], "1");
    assert_eq!(
        list[0]["item"]["short_title"]["fr"],
        "Adopter la Charte internationale sur les données ouvertes"
    );
    assert_eq!(list[0]["progress"]["percent"], 31);
    assert_eq!(list[0]["status"], "in_progress");
    assert_eq!(
        list[0]["organization"]["slug"],
        "treasury-board-secretariat"
    );
    let one = c
        .get("/api/v1/tracker/items/youth-digital-engagement-tool")
        .await;
    assert_eq!(one.status, StatusCode::OK);
    let one = one.json();
    assert_eq!(one["item"]["contact"]["email"], "Sean.Twyford@ontario.ca");
    assert_eq!(one["milestones"][0]["start"], "2017-01");
    assert_eq!(one["milestones"][0]["end"], serde_json::Value::Null);
    assert_eq!(one["milestones"][0]["completion"], "substantial");
    assert_eq!(one["updates"][0]["sample"], true);
    assert_eq!(one["item"]["values"][1]["value"], "civic_participation");
    assert_eq!(one["item"]["origin"][3]["stage"], "voting");
    let plans = c.get("/api/v1/tracker/plans").await.json();
    assert_eq!(plans[0]["slug"], "ontario-ogp-action-plan-2017");
    assert_eq!(plans[0]["year_submitted"], 2016);
    let plan = c
        .get("/api/v1/tracker/plans/ontario-ogp-action-plan-2017")
        .await
        .json();
    assert_eq!(plan["commitments"].as_array().unwrap().len(), 3);
    assert_eq!(
        c.get("/api/v1/tracker/themes")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let missing = c.get("/api/v1/tracker/items/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn writes_need_the_team_and_name_every_bad_field() {
    for t in testing::engines().await {
        let db = &t.db;
        tracker::load_demo(&t.platform()).await.unwrap();
        let tbs = org(db, "treasury-board-secretariat", "", "").await;
        let labour = org(db, "ministry-of-labour", "", "").await;
        let editor = person(db, "team@example.org", "Team", Role::Editor, Some(tbs)).await;
        let outsider = person(db, "labour@example.org", "", Role::Editor, Some(labour)).await;
        let admin = person(db, "admin@example.org", "", Role::Admin, None).await;
        let anonymous = client(&t);
        let body = json!({
            "kind": "project",
            "organization": "treasury-board-secretariat",
            "title": {"en": "Data inventory dashboard", "fr": "Tableau de bord de l'inventaire"},
            "themes": ["open-data"],
            "milestones": [
                {"activity": {"en": "Design"}, "start": "2018-03", "end": "2018-01-15"},
                {"activity": {"en": "Build"}, "completion": "almost", "weight": -2},
                {"activity": {"en": "Launch"}, "evidence": [{"kind": "page", "url": "/en/tracker/projects/nope"}]}
            ]
        });
        let r = anonymous.post_json("/api/v1/tracker/items", &body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let c = client(&t);
        c.set_token(Some(&token(db, outsider).await));
        let r = c.post_json("/api/v1/tracker/items", &body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.engine);

        c.set_token(Some(&token(db, editor).await));
        let items = count(db, "tracker_items").await;
        let r = c.post_json("/api/v1/tracker/items", &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let fields = &r.json()["error"]["fields"];
        assert_eq!(
            fields["milestones[0].end"][0],
            "The end date is before the start date."
        );
        assert!(
            fields["milestones[1].completion"][0]
                .as_str()
                .unwrap()
                .contains("\"almost\" is not on the completion scale")
        );
        assert_eq!(
            fields["milestones[1].weight"][0],
            "The weight cannot be below zero."
        );
        assert_eq!(
            fields["milestones[2].evidence[0].url"][0],
            "There is no page at /en/tracker/projects/nope: check the address."
        );
        assert_eq!(count(db, "tracker_items").await, items);
        assert_eq!(
            count(db, "tracker_milestones").await,
            13 + 8,
            "the demo's milestones only"
        );

        let good = json!({
            "kind": "project",
            "organization": "treasury-board-secretariat",
            "title": {"en": "Data inventory dashboard", "fr": "Tableau de bord de l'inventaire"},
            "milestones": [
                {"activity": {"en": "Design"}, "start": "2018-01", "end": "2018-03-15", "weight": 1},
                {"activity": {"en": "Build"}, "start": "2018-03-16", "end": "2018-09", "weight": 3, "completion": "limited"}
            ]
        });
        let r = c.post_json("/api/v1/tracker/items", &good).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let created = r.json();
        assert_eq!(created["item"]["slug"], "data-inventory-dashboard");
        assert_eq!(created["progress"]["weighted"], true);
        assert_eq!(created["progress"]["percent"], 19);
        let design = created["milestones"][0]["id"].as_str().unwrap().to_string();

        let r = c
            .post_json(
                "/api/v1/tracker/items/data-inventory-dashboard/updates",
                &json!({"body": {"en": "Designed."}, "milestone": design, "completion": "complete"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["completion_before"], "not_started");
        assert_eq!(r.json()["author"], "Team");
        let r = c
            .post_json(
                "/api/v1/tracker/items/data-inventory-dashboard/updates",
                &json!({"body": {"en": "?"}, "milestone": design, "completion": "done"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["error"]["fields"]["completion"].is_array());
        let r = c
            .post_json(
                "/api/v1/tracker/items/data-inventory-dashboard/milestones",
                &json!({"activity": {"fr": "Lancer"}, "start": "2018-10", "end": "2018-09-30"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            r.json()["error"]["fields"]["end"][0],
            "The end date is before the start date."
        );
        // Beside the text, each field's stable message key, for clients that translate.
        assert_eq!(
            r.json()["error"]["field_errors"],
            json!([{
                "field": "end",
                "message": "The end date is before the start date.",
                "key": "tracker-error-end-before-start"
            }])
        );
        assert_eq!(r.json()["error"]["key"], "error-validation");
        let r = c
            .post_json(
                "/api/v1/tracker/items/data-inventory-dashboard/milestones",
                &json!({"activity": {"fr": "Lancer"}, "start": "2018-10"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(r.json()["milestones"][2]["position"], 3);

        // Not JSON, or not the right JSON: a 400 that says why.
        let r = c
            .send(
                axum::http::Request::post("/api/v1/tracker/items")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from("{\"kind\": "))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("The request body is not valid JSON for this endpoint")
        );

        // Plans and assessments are for administrators.
        let plan =
            json!({"title": {"en": "Second plan"}, "plan_number": 2, "country": "Ontario, Canada"});
        assert_eq!(
            c.post_json("/api/v1/tracker/plans", &plan).await.status,
            StatusCode::FORBIDDEN
        );
        let assessment = json!({"assessor": "IRM", "assessed_on": "2019-01-31", "completion": "limited", "relevance": ["technology"]});
        let path = "/api/v1/tracker/items/adopt-the-international-open-data-charter/assessments";
        assert_eq!(
            c.post_json(path, &assessment).await.status,
            StatusCode::FORBIDDEN
        );
        c.set_token(Some(&token(db, admin).await));
        let r = c.post_json("/api/v1/tracker/plans", &plan).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["slug"], "second-plan");
        let r = c.post_json(path, &assessment).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["relevance"][0], "technology");
        let r = c
            .post_json(path, &json!({"assessor": "IRM", "assessed_on": "soon"}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn the_team_changes_moves_and_deletes_through_the_api() {
    for t in testing::engines().await {
        let db = &t.db;
        tracker::load_demo(&t.platform()).await.unwrap();
        let tbs = org(db, "treasury-board-secretariat", "", "").await;
        let labour = org(db, "ministry-of-labour", "", "").await;
        let editor = person(db, "team@example.org", "Team", Role::Editor, Some(tbs)).await;
        let outsider = person(db, "labour@example.org", "", Role::Editor, Some(labour)).await;
        let admin = person(db, "admin@example.org", "", Role::Admin, None).await;
        let item = "/api/v1/tracker/items/open-government-guide-and-training";
        let c = client(&t);
        let mut body = c.get(item).await.json()["item"].clone();
        body["organization"] = json!("treasury-board-secretariat");
        body["plan"] = json!("ontario-ogp-action-plan-2017");
        body["ambition"]["en"] = json!("Every public servant knows how to open their work.");

        // Outsiders and visitors may not; bad fields are each named and nothing changes.
        for who in [None, Some(outsider)] {
            let secret = match who {
                Some(u) => Some(token(db, u).await),
                None => None,
            };
            c.set_token(secret.as_deref());
            let r = c.json("PUT", item, Some(&body)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{} {}", t.engine, r.body);
            let r = c
                .json("DELETE", &format!("{item}/milestones/1"), None)
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        c.set_token(Some(&token(db, editor).await));
        let mut bad = body.clone();
        bad["kind"] = json!("project");
        bad["contact"]["email"] = json!("nobody");
        bad["origin_process"] = json!("nope");
        let r = c.json("PUT", item, Some(&bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let r = c.json("PUT", item, Some(&json!({"kind": "commitment", "organization": "treasury-board-secretariat", "contact": {"email": "x"}, "origin_process": "nope"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = &r.json()["error"]["fields"];
        for f in ["title", "plan", "number", "contact.email", "origin_process"] {
            assert!(fields[f].is_array(), "{f} not named in {fields}");
        }
        let r = c.json("PUT", item, Some(&body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            r.json()["item"]["ambition"]["en"],
            "Every public servant knows how to open their work."
        );

        // Milestones: a bad change is named; a move and a delete renumber the rest.
        let names = |d: &serde_json::Value| -> Vec<String> {
            d["milestones"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    format!(
                        "{} {}",
                        m["position"],
                        m["activity"]["en"].as_str().unwrap()
                    )
                })
                .collect()
        };
        let before = names(&c.get(item).await.json());
        let r = c
            .json("PUT", &format!("{item}/milestones/2"), Some(&json!({"activity": {"en": "x"}, "start": "2018-05", "end": "2018-01", "weight": -1})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = &r.json()["error"]["fields"];
        assert!(
            fields["end"].is_array() && fields["weight"].is_array(),
            "{fields}"
        );
        let r = c
            .json(
                "POST",
                &format!("{item}/milestones/1/move"),
                Some(&json!({"position": 99})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = c
            .json(
                "POST",
                &format!("{item}/milestones/1/move"),
                Some(&json!({"position": 2})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let moved = names(&r.json());
        assert_eq!(moved[0][2..], before[1][2..]);
        assert_eq!(moved[1][2..], before[0][2..]);
        let r = c
            .json("DELETE", &format!("{item}/milestones/1"), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let after = names(&c.get(item).await.json());
        assert_eq!(after.len(), before.len() - 1);
        assert!(after[0].starts_with("1 ") && after[0][2..] == before[0][2..]);
        let r = c
            .json("DELETE", &format!("{item}/milestones/99"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Deleting the item; plans change by administrators only.
        let items = count(db, "tracker_items").await;
        let r = c.json("DELETE", item, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(c.get(item).await.status, StatusCode::NOT_FOUND);
        let plan = "/api/v1/tracker/plans/ontario-ogp-action-plan-2017";
        let change = json!({"title": {"en": "Ontario's first action plan"}, "plan_number": 1, "year_submitted": 2016});
        assert_eq!(
            c.json("PUT", plan, Some(&change)).await.status,
            StatusCode::FORBIDDEN
        );
        c.set_token(Some(&token(db, admin).await));
        let r = c.json("PUT", plan, Some(&json!({"plan_number": 0}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = c.json("PUT", plan, Some(&change)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["title"]["en"], "Ontario's first action plan");
        // Deleted softly: kept for an administrator to restore.
        assert_eq!(count(db, "tracker_items").await, items);
    }
}
