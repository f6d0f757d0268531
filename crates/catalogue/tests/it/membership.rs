//! A membership in an organization grants nothing without the editor role: a participant who is a
//! member of the Ministry of Health cannot edit its datasets, see its private or draft ones, or
//! have them counted in facets, through the CKAN API, the pages or the editor; its editor can.

use axum::http::StatusCode;
use serde_json::{Value, json};

use platform::auth;
use platform::testing::{self, Person, api_token};

use crate::ckan::Api;

/// A participant with a membership row in the Ministry of Health: an API token and a session.
async fn member(api: &Api) -> (String, String) {
    let db = &api.platform.db;
    let health = platform::orgs::find_by_slug(db, "ministry-of-health")
        .await
        .unwrap()
        .unwrap();
    let user = Person::new("member@health.example")
        .member_of(health.id)
        .create(db)
        .await;
    let token = api_token(db, user.id).await;
    let session = auth::create_session(db, user.id).await.unwrap();
    (token, session)
}

async fn session_of_editor(api: &Api) -> String {
    let editor = auth::find_user_by_email(&api.platform.db, "editor@health.example")
        .await
        .unwrap()
        .unwrap();
    auth::create_session(&api.platform.db, editor.id)
        .await
        .unwrap()
}

async fn page(api: &Api, path: &str, session: &str) -> (StatusCode, String) {
    let visitor = api.visitor();
    visitor.set_cookie(auth::SESSION_COOKIE, session);
    let r = visitor.get(path).await;
    (r.status, r.body)
}

fn names(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body["result"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_membership_without_the_editor_role_grants_nothing_on_every_engine() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = crate::ckan::setup(&t).await;
        for (name, extra) in [
            ("open-counts", json!({})),
            ("private-counts", json!({"private": true})),
            ("draft-counts", json!({"state": "draft"})),
        ] {
            let mut p = json!({"name": name, "title": format!("Title of {name}"), "owner_org": "ministry-of-health"});
            for (k, v) in extra.as_object().unwrap() {
                p[k] = v.clone();
            }
            let (status, body) = api.post("package_create", Some(&api.token), p).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        }
        api.platform
            .search
            .follow(&api.platform.db, &catalogue::search::sources())
            .await
            .unwrap();
        let (member_token, member_session) = member(&api).await;
        let editor_session = session_of_editor(&api).await;

        // package_search with private and drafts asked for, and facet counts.
        let search = json!({"include_private": true, "include_drafts": true, "rows": 100, "facet.field": ["organization"]});
        let (_, body) = api
            .post("package_search", Some(&member_token), search.clone())
            .await;
        assert_eq!(names(&body), ["open-counts"], "{engine}: {body}");
        assert_eq!(
            body["result"]["facets"]["organization"]["ministry-of-health"], 1,
            "{engine}: facets count only what the member may see"
        );
        let (_, body) = api.post("package_search", Some(&api.token), search).await;
        assert_eq!(
            names(&body),
            ["draft-counts", "open-counts", "private-counts"],
            "{engine}: the editor sees them all"
        );
        assert_eq!(
            body["result"]["facets"]["organization"]["ministry-of-health"],
            3
        );

        // package_show of the private and draft datasets.
        for name in ["private-counts", "draft-counts"] {
            let (status, _) = api
                .post("package_show", Some(&member_token), json!({"id": name}))
                .await;
            assert_ne!(status, StatusCode::OK, "{engine}: {name}");
            let (status, _) = api
                .post("package_show", Some(&api.token), json!({"id": name}))
                .await;
            assert_eq!(status, StatusCode::OK, "{engine}: {name}");
        }

        // Editing through the API.
        let (status, body) = api
            .post(
                "package_patch",
                Some(&member_token),
                json!({"id": "open-counts", "title": "Changed"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {body}");
        let (status, body) = api
            .post(
                "package_create",
                Some(&member_token),
                json!({"name": "by-member", "title": "By member", "owner_org": "ministry-of-health"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {body}");

        // The search page and its facet counts.
        let (status, html) = page(&api, "/en/dataset", &member_session).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Title of open-counts")
                && !html.contains("Title of private-counts")
                && !html.contains("Title of draft-counts"),
            "{engine}: {html}"
        );
        let (_, html) = page(&api, "/en/dataset", &editor_session).await;
        assert!(html.contains("Title of private-counts"), "{engine}");

        // The dataset pages and the editor.
        let (status, _) = page(&api, "/en/dataset/private-counts", &member_session).await;
        assert_ne!(status, StatusCode::OK, "{engine}");
        for path in ["/en/dataset/new", "/en/dataset/open-counts/edit"] {
            let (status, _) = page(&api, path, &member_session).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {path}");
            let (status, _) = page(&api, path, &editor_session).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {path}");
        }
    }
}
