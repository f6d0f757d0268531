//! Documents through the API and the staff pages: typed metadata checked field by field (nothing
//! saved when refused), edits and withdrawals audited, restricted files kept from visitors, and
//! the document record in the search.

use library::documents;
use platform::Lang;
use platform::auth::Role;
use platform::search::SearchQuery;
use platform::testing::{self, Multipart, Person, api_token, count};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn bad_metadata_is_refused_with_each_field_named() {
    for t in testing::engines().await {
        let db = &t.db;
        let org = testing::org(
            db,
            "tbs",
            "Treasury Board Secretariat",
            "Secrétariat du Conseil du Trésor",
        )
        .await;
        let editor = Person::new("editor@example.org")
            .editor_for(org.id)
            .create(db)
            .await;
        let token = api_token(db, editor.id).await;
        let api = client(&t).with_token(&token);
        let refused = api
            .json(
                "POST",
                "/api/v1/library/documents",
                Some(&json!({
                    "kind": "collective_agreement",
                    "organization_id": org.id,
                    "title_en": "Agreement",
                    "access": "restricted",
                    "metadata": {
                        "employer": 42,
                        "starts_on": "2024-04-01",
                        "expires_on": "2023-03-31",
                        "employees_covered": "many",
                        "minister": "Someone",
                        "colour": "blue"
                    }
                })),
            )
            .await;
        assert_eq!(refused.status, 422, "{}: {}", t.engine, refused.body);
        let body = refused.json();
        let mut fields: Vec<(String, String)> = body["error"]["field_errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_string(),
                    e["key"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            vec![
                (
                    "colour".to_string(),
                    "library-error-unknown-field".to_string()
                ),
                ("employees_covered".into(), "error-not-a-number".into()),
                ("employer".into(), "library-error-not-text".into()),
                ("expires_on".into(), "library-error-dates".into()),
                ("minister".into(), "library-error-not-for-kind".into()),
                ("restricted_reason".into(), "library-error-reason".into()),
                ("union_name".into(), "error-required".into()),
            ],
            "{}",
            t.engine
        );
        assert_eq!(count(db, "library_documents").await, 0);
        // A date that is not a date, an unknown type, no title.
        let refused = api
            .json(
                "POST",
                "/api/v1/library/documents",
                Some(&json!({ "kind": "memo", "organization_id": org.id, "metadata": {} })),
            )
            .await;
        assert_eq!(refused.status, 422);
        let keys = refused.json()["error"]["fields"].clone();
        assert!(
            keys["kind"].is_array() && keys["title_en"].is_array(),
            "{keys}"
        );
        let refused = api
            .json(
                "POST",
                "/api/v1/library/documents",
                Some(&json!({
                    "kind": "mandate_letter", "organization_id": org.id, "title_en": "Letter",
                    "metadata": { "minister": "A. Minister", "letter_on": "2021-02-30" }
                })),
            )
            .await;
        assert_eq!(
            refused.json()["error"]["field_errors"][0]["field"],
            "letter_on"
        );
        // Someone who edits for no organization may not add one.
        let visitor = Person::new("visitor@example.org").create(db).await;
        let other = client(&t).with_token(&api_token(db, visitor.id).await);
        let r = other
            .json(
                "POST",
                "/api/v1/library/documents",
                Some(&json!({ "kind": "report", "organization_id": org.id, "title_en": "Mine" })),
            )
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(count(db, "library_documents").await, 0);

        // The staff form says the same in the page's language, keeps what was typed, saves nothing.
        let staff = client(&t).signed_in(db, editor.id).await;
        let form = Multipart::new().fields(&[
            ("kind", "collective_agreement"),
            ("organization_id", &org.id.to_string()),
            ("title_en", "Agreement typed in the form"),
            ("employer", "Ministry"),
            ("union_name", "OPSEU"),
            ("starts_on", "2024-04-01"),
            ("expires_on", "2023-03-31"),
            ("employees_covered", "12 000"),
        ]);
        let page = staff.post_multipart("/fr/library/new", form).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(
            page.body.contains(
                "Date d’expiration : La date d’expiration ne doit pas précéder la date de début."
            ),
            "{}",
            page.body
        );
        assert!(page.body.contains("Agreement typed in the form"));
        assert_eq!(count(db, "library_documents").await, 0);
    }
}

#[tokio::test]
async fn documents_are_created_edited_withdrawn_and_audited() {
    for t in testing::engines().await {
        let db = &t.db;
        let platform = platform_of(&t);
        let org = testing::org(db, "fin", "Ministry of Finance", "Ministère des Finances").await;
        let editor = Person::new("editor@example.org")
            .editor_for(org.id)
            .create(db)
            .await;
        let admin = Person::new("admin@example.org")
            .role(Role::Admin)
            .create(db)
            .await;
        let token = api_token(db, editor.id).await;
        let api = client(&t).with_token(&token);
        let letter = api
            .json(
                "POST",
                "/api/v1/library/documents",
                Some(&json!({
                    "kind": "mandate_letter", "organization_id": org.id,
                    "title_en": "Mandate letter: Minister of Finance", "title_fr": "Lettre de mandat : ministre des Finances",
                    "language": "both",
                    "metadata": { "minister": "A. Minister", "ministry": "Finance", "letter_on": "2021-12-16" }
                })),
            )
            .await;
        assert_eq!(letter.status, 201, "{}", letter.body);
        let letter_id = letter.json()["id"].as_str().unwrap().to_string();
        let response = api
            .json(
                "POST",
                "/api/v1/library/documents",
                Some(&json!({
                    "kind": "response_letter", "organization_id": org.id,
                    "title_en": "Response to the mandate letter",
                    "metadata": { "minister": "A. Minister", "pair_id": letter_id }
                })),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.body);
        let id = response.json()["id"].as_str().unwrap().to_string();
        // A file sent through the API becomes version 1; its text is extracted by the job.
        let put = api
            .send_api(
                axum::http::Request::builder()
                    .method("PUT")
                    .uri(format!(
                        "/api/v1/library/documents/{id}/file?name=response.txt"
                    ))
                    .header("content-type", "text/plain")
                    .body(axum::body::Body::from(
                        "We will table the budget by March.\u{c}Second page.",
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(put.status, 200, "{}", put.body);
        assert_eq!(put.json()["version"], 1);
        run_jobs(&platform).await;
        let pages = api
            .get(&format!("/api/v1/library/documents/{id}/pages"))
            .await;
        assert_eq!(pages.json().as_array().unwrap().len(), 2, "{}", pages.body);

        // Edited: restricted, with a reason; the file and the text are then for editors only.
        let edit = api
            .json(
                "PUT",
                &format!("/api/v1/library/documents/{id}"),
                Some(&json!({
                    "kind": "response_letter", "organization_id": org.id,
                    "title_en": "Response to the mandate letter",
                    "access": "restricted", "restricted_reason": "Cabinet confidence",
                    "metadata": { "minister": "A. Minister", "pair_id": letter_id }
                })),
            )
            .await;
        assert_eq!(edit.status, 204, "{}", edit.body);
        let visitor = client(&t);
        assert_eq!(
            visitor
                .get(&format!("/api/v1/library/documents/{id}/file"))
                .await
                .status,
            403
        );
        assert_eq!(
            visitor
                .get(&format!("/api/v1/library/documents/{id}/pages"))
                .await
                .status,
            403
        );
        let page = visitor.get(&format!("/en/library/{id}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Cabinet confidence"));
        assert!(!page.body.contains("table the budget"));
        assert!(
            page.body.contains("Mandate letter: Minister of Finance"),
            "the pair is linked"
        );
        let staff = client(&t).signed_in(db, editor.id).await;
        let own = staff.get(&format!("/en/library/{id}")).await;
        assert!(own.body.contains("table the budget"));
        // Its pages are not in the public search; its description is.
        index(&t).await;
        let public = platform
            .search
            .query(&SearchQuery {
                text: "budget".into(),
                lang: Lang::En,
                kinds: vec![
                    library::search::PAGE.into(),
                    library::search::DOCUMENT.into(),
                ],
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(public.total, 0, "{}", t.engine);
        let described = platform
            .search
            .query(&SearchQuery {
                text: "mandate".into(),
                lang: Lang::En,
                kinds: vec![library::search::DOCUMENT.into()],
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(described.total, 2);

        // Withdrawn through the page: a reason is needed; then it leaves the list and the index.
        let none = staff
            .post(&format!("/en/library/{id}/withdraw"), &[("reason", "  ")])
            .await;
        assert_eq!(none.status, 422);
        assert!(none.body.contains("Reason: This field is required."));
        let done = staff
            .post(
                &format!("/en/library/{id}/withdraw"),
                &[("reason", "Sent by mistake")],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let list = api.get("/api/v1/library/documents").await;
        assert_eq!(list.json()["total"], 1);
        let shown = visitor.get(&format!("/fr/library/{id}")).await;
        assert!(
            shown.body.contains("Ce document a été retiré.")
                && shown.body.contains("Sent by mistake")
        );
        index(&t).await;
        let described = platform
            .search
            .query(&SearchQuery {
                text: "mandate".into(),
                lang: Lang::En,
                kinds: vec![library::search::DOCUMENT.into()],
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(described.total, 1);
        // Another organization's editor cannot withdraw or edit the letter.
        let other_org =
            testing::org(db, "hlth", "Ministry of Health", "Ministère de la Santé").await;
        let stranger = Person::new("stranger@example.org")
            .editor_for(other_org.id)
            .create(db)
            .await;
        let stranger = client(&t).signed_in(db, stranger.id).await;
        let r = stranger.get(&format!("/en/library/{letter_id}/edit")).await;
        assert_eq!(r.status, 403);
        // The audit log has each step.
        let actions = audit_actions(db).await.unwrap();
        for action in [
            "library.document.create",
            "library.document.file",
            "library.document.update",
            "library.document.withdraw",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} in {actions:?}"
            );
        }
        let _ = (admin, documents::find(db, uuid::Uuid::nil()).await.unwrap());
    }
}

#[tokio::test]
async fn library_pages_answer_in_both_languages() {
    for t in testing::engines().await {
        let db = &t.db;
        let org = testing::org(
            db,
            "tbs",
            "Treasury Board Secretariat",
            "Secrétariat du Conseil du Trésor",
        )
        .await;
        let editor = Person::new("editor@example.org")
            .editor_for(org.id)
            .create(db)
            .await;
        let staff = client(&t).signed_in(db, editor.id).await;
        for (path, text) in [
            ("/en/library", "Document library"),
            ("/fr/library", "Bibliothèque de documents"),
            ("/en/library/new", "Add a document"),
            ("/fr/library/new", "Ajouter un document"),
            ("/en/library/agreements", "Collective agreements"),
        ] {
            let r = staff.get(path).await;
            assert_eq!(r.status, 200, "{path}");
            assert!(r.body.contains(text), "{path}");
        }
        // A document added through the form with a file, then opened.
        let form = Multipart::new()
            .fields(&[
                ("kind", "report"),
                ("organization_id", &org.id.to_string()),
                ("title_en", "Annual report"),
                ("title_fr", "Rapport annuel"),
                ("language", "en"),
                ("access", "public"),
            ])
            .file(
                "file",
                "report.html",
                "text/html",
                b"<html><body><p>Open by default</p></body></html>",
            );
        let r = staff.post_multipart("/en/library/new", form).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let at = r.location();
        run_jobs(&platform_of(&t)).await;
        let shown = client(&t).get(&at).await;
        assert!(shown.body.contains("Open by default"), "{}", shown.body);
        assert!(shown.body.contains("id=\"page-1\""));
        assert!(client(&t).get("/en/library/not-an-id").await.status == 404);
        assert!(
            client(&t)
                .get("/en/library/new")
                .await
                .status
                .is_redirection()
                || client(&t).get("/en/library/new").await.status == 401
        );
    }
}

async fn audit_actions(db: &platform::Db) -> platform::Result<Vec<String>> {
    Ok(platform::on!(db, |c| sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_type = 'library_document' ORDER BY id"
    )
    .fetch_all(&mut *c)
    .await?))
}
