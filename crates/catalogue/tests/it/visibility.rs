//! Private, draft and deleted datasets never leak: not in search, facets, counts, feeds, DCAT,
//! data.json or the sitemap. Restricted holdings are public metadata and do appear.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use platform::testing;

use crate::ckan::Api;

async fn text(api: &Api, path: &str) -> (StatusCode, String) {
    let r = api.visitor().get(path).await;
    (r.status, r.body)
}

#[tokio::test]
async fn hidden_datasets_never_leak_on_every_engine() {
    for t in testing::engines().await {
        let api = crate::ckan::setup(&t).await;
        let engine = t.engine;
        let make = |name: &str, extra: Value| {
            let mut p = json!({"name": name, "title": format!("Title of {name}"), "owner_org": "ministry-of-health", "tags": [{"name": format!("tag-{name}")}]});
            for (k, v) in extra.as_object().unwrap() {
                p[k] = v.clone();
            }
            p
        };
        for (name, extra) in [
            ("visible-open", json!({})),
            (
                "visible-restricted",
                json!({"access_level": "restricted", "exemption": "security", "exemption_rationale": "Locations of critical infrastructure."}),
            ),
            ("hidden-private", json!({"private": true})),
            ("hidden-draft", json!({"state": "draft"})),
            ("hidden-deleted", json!({})),
        ] {
            let (status, body) = api
                .post("package_create", Some(&api.token), make(name, extra))
                .await;
            assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        }
        let (status, _) = api
            .post(
                "package_delete",
                Some(&api.token),
                json!({"id": "hidden-deleted"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        api.platform
            .search
            .follow(&api.platform.db, &catalogue::search::sources())
            .await
            .unwrap();

        let (_, body) = api.get("/api/3/action/package_search?rows=100&facet.field=%5B%22tags%22,%22access_level%22%5D").await;
        let result = &body["result"];
        assert_eq!(result["count"], 2, "{engine}: {body}");
        let tags = result["facets"]["tags"].as_object().unwrap();
        assert!(
            tags.contains_key("tag-visible-open") && tags.contains_key("tag-visible-restricted"),
            "{engine}: {tags:?}"
        );
        assert!(
            tags.keys().all(|k| !k.starts_with("tag-hidden")),
            "{engine}: {tags:?}"
        );
        assert_eq!(
            result["facets"]["access_level"],
            json!({"open": 1, "restricted": 1})
        );
        let (_, body) = api.get("/api/3/action/package_list").await;
        assert_eq!(
            body["result"],
            json!(["visible-open", "visible-restricted"])
        );
        let (_, body) = api.get("/api/3/action/tag_list").await;
        assert_eq!(
            body["result"],
            json!(["tag-visible-open", "tag-visible-restricted"])
        );
        let (_, body) = api
            .get("/api/3/action/organization_show?id=ministry-of-health")
            .await;
        assert_eq!(body["result"]["package_count"], 2);

        // The editor sees the private one when asking for it; others never do.
        let req = Request::get("/api/3/action/package_search?include_private=true&rows=100")
            .header("Authorization", &api.token)
            .body(Body::empty())
            .unwrap();
        let (_, body) = api.call(req).await;
        assert_eq!(body["result"]["count"], 3, "{engine}: {body}");
        let req = Request::get("/api/3/action/package_search?include_private=true&rows=100")
            .header("Authorization", &api.other_token)
            .body(Body::empty())
            .unwrap();
        let (_, body) = api.call(req).await;
        assert_eq!(body["result"]["count"], 2);
        let (status, _) = api
            .get("/api/3/action/package_show?id=hidden-private")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        for path in [
            "/sitemap.xml",
            "/feeds/dataset.atom",
            "/feeds/organization/ministry-of-health.atom",
            "/catalog.ttl",
            "/catalog.rdf",
            "/catalog.jsonld",
            "/data.json",
            "/en/dataset?access_level=all",
            "/fr/dataset?access_level=all",
        ] {
            let (status, body) = text(&api, path).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {path}");
            assert!(
                !body.contains("hidden-"),
                "{engine}: {path} shows a hidden dataset"
            );
            assert!(
                body.contains("visible-restricted") || body.contains("Title of visible-restricted"),
                "{engine}: {path} lacks the restricted holding"
            );
        }
        for path in [
            "/en/dataset/hidden-private",
            "/en/dataset/hidden-draft",
            "/en/dataset/hidden-deleted",
            "/dataset/hidden-private.ttl",
            "/feeds/dataset/hidden-draft.atom",
        ] {
            let (status, _) = text(&api, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{engine}: {path}");
        }
        let (_, page) = text(&api, "/en/dataset/visible-restricted").await;
        assert!(
            page.contains("Locations of critical infrastructure.") && page.contains("Security"),
            "{engine}"
        );
        let (_, page) = text(&api, "/fr/dataset/visible-restricted").await;
        assert!(
            page.contains("Sécurité") && page.contains("Restreint"),
            "{engine}"
        );
    }
}

/// A DCAT page number near `i64::MAX` is an empty page, not an overflow of its offset.
#[tokio::test]
async fn a_far_catalog_page_is_empty() {
    for t in testing::engines().await {
        let api = crate::ckan::setup(&t).await;
        let (status, body) = text(&api, "/catalog.ttl?page=9223372036854775807").await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.engine);
        assert!(!body.contains("/dataset/"), "{body}");
    }
}
