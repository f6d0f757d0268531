//! Comments on data requests: replies one level deep, and the author's short window to edit,
//! shown on the page; refusals named in the page's language, nothing partial saved.

use axum::http::StatusCode;
use catalogue::requests::{self, NewRequest};
use platform::testing;
use uuid::Uuid;

use crate::requests::{browser, people};

#[tokio::test]
async fn replies_go_one_level_deep_and_authors_edit_briefly_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let platform = &api.platform;
        let db = &platform.db;
        let new = NewRequest {
            title: "Wait times".into(),
            description: "By hospital.".into(),
            organization: "ministry-of-health".into(),
            lang: "en".into(),
        };
        let id = requests::create(db, &p.alice, &new).await.unwrap();
        let other = requests::create(
            db,
            &p.alice,
            &NewRequest {
                title: "Beds".into(),
                ..new.clone()
            },
        )
        .await
        .unwrap();
        let r = requests::get(db, id).await.unwrap().unwrap();
        let first = requests::comment(db, &p.alice, &r, "Monthly, please.")
            .await
            .unwrap();

        let bob = browser(platform, Some(p.bob.id)).await;
        let page = bob.get(&format!("/en/data/requests/{id}")).await;
        assert!(
            page.body.contains("name=\"parent\""),
            "{}: a reply form",
            t.engine
        );
        let reply = bob
            .post(
                &format!("/en/data/requests/{id}/comments"),
                &[
                    ("body", "Weekly would be better 🌱."),
                    ("parent", &first.to_string()),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            t.engine,
            reply.body
        );
        let comments = requests::comments(db, id).await.unwrap();
        let reply = comments
            .iter()
            .find(|c| c.parent_id == Some(first))
            .unwrap()
            .clone();
        // A reply to the reply answers the first comment.
        let r2 = bob
            .post(
                &format!("/en/data/requests/{id}/comments"),
                &[("body", "Or daily."), ("parent", &reply.id.to_string())],
            )
            .await;
        assert_eq!(r2.status, StatusCode::SEE_OTHER);
        let comments = requests::comments(db, id).await.unwrap();
        assert_eq!(
            comments
                .iter()
                .filter(|c| c.parent_id == Some(first))
                .count(),
            2
        );
        let page = bob.get(&format!("/en/data/requests/{id}")).await;
        assert!(
            page.body.contains("open-data-replies")
                && page.body.contains("Weekly would be better 🌱.")
        );

        // A comment of another request cannot be answered; a garbled parent is a bad request.
        let refused = bob
            .post(
                &format!("/fr/data/requests/{other}/comments"),
                &[("body", "Hors sujet."), ("parent", &first.to_string())],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            t.engine
        );
        assert!(
            refused
                .body
                .contains("Impossible de répondre à ce commentaire"),
            "{}",
            refused.body
        );
        let garbled = bob
            .post(
                &format!("/en/data/requests/{id}/comments"),
                &[("body", "x"), ("parent", "not-an-id")],
            )
            .await;
        assert_eq!(garbled.status, StatusCode::BAD_REQUEST);
        assert_eq!(requests::comments(db, id).await.unwrap().len(), 3);

        // Bob edits his reply; it says it was edited. Alice may not edit it.
        let edit = format!("/en/data/requests/{id}/comments/{}/edit", reply.id);
        let done = bob.post(&edit, &[("body", "Weekly, corrected.")]).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            t.engine,
            done.body
        );
        let page = bob.get(&format!("/fr/data/requests/{id}")).await;
        assert!(page.body.contains("Weekly, corrected.") && page.body.contains("· modifié "));
        let alice = browser(platform, Some(p.alice.id)).await;
        assert_eq!(
            alice.post(&edit, &[("body", "Mine.")]).await.status,
            StatusCode::FORBIDDEN
        );
        let empty = bob.post(&edit, &[("body", "  ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let unknown = bob
            .post(
                &format!("/en/data/requests/{id}/comments/{}/edit", Uuid::now_v7()),
                &[("body", "x")],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);

        // After the window the edit is refused by name, and the text stays.
        let mut tx = db.begin().await.unwrap();
        platform::exec!(tx, |c| sqlx::query(
            "UPDATE data_request_comments SET created_at = $1 WHERE id = $2"
        )
        .bind(platform::db::now() - time::Duration::minutes(20))
        .bind(reply.id)
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected());
        tx.commit().await.unwrap();
        let late = bob
            .post(
                &format!("/fr/data/requests/{id}/comments/{}/edit", reply.id),
                &[("body", "Trop tard.")],
            )
            .await;
        assert_eq!(
            late.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            t.engine
        );
        assert!(
            late.body
                .contains("dans les 15 minutes qui suivent sa publication"),
            "{}",
            late.body
        );
        let kept = requests::comments(db, id).await.unwrap();
        assert!(kept.iter().any(|c| c.body == "Weekly, corrected."));
    }
}
