//! Comments on ideas: replies one level deep, and an author's short window to edit, shown on the
//! page; refusals named in the page's language, nothing partial saved.

use axum::http::StatusCode;
use dialogue::model::{PhaseKind, VoteRule};
use platform::auth::Role;
use platform::testing;
use uuid::Uuid;

use crate::support::*;

#[tokio::test]
async fn replies_go_one_level_deep_and_authors_edit_briefly() {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "ogp",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let author = person(db, "ada@example.org", Role::Participant, true, None).await;
        person(db, "bob@example.org", Role::Participant, true, None).await;
        let idea = submit_idea(
            db,
            &p,
            &author,
            "transparency",
            "Open contracts",
            "Publish them.",
        )
        .await
        .unwrap();
        let other = submit_idea(
            db,
            &p,
            &author,
            "transparency",
            "Open budgets",
            "Publish them.",
        )
        .await
        .unwrap();
        let stored = dialogue::ideas::get(db, idea).await.unwrap().unwrap();
        let first = comment_as(
            db,
            &p,
            &stored,
            &author,
            "A first comment.",
            platform::Lang::En,
        )
        .await
        .unwrap();

        let bob = client(&t);
        bob.sign_in("bob@example.org").await;
        let page = bob.get(&format!("/en/ideas/{idea}")).await;
        assert!(
            page.body.contains("name=\"parent\""),
            "{engine}: a reply form"
        );
        let r = bob
            .post(
                &format!("/en/ideas/{idea}/comments"),
                &[
                    ("comment", "A reply, with é and 🌱."),
                    ("parent", &first.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let comments = dialogue::ideas::comments(db, idea).await.unwrap();
        let reply = comments
            .iter()
            .find(|c| c.parent_id == Some(first))
            .unwrap();
        // A reply to the reply answers the first comment: one level deep.
        let r = bob
            .post(
                &format!("/en/ideas/{idea}/comments"),
                &[
                    ("comment", "Answering the reply."),
                    ("parent", &reply.id.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let comments = dialogue::ideas::comments(db, idea).await.unwrap();
        assert_eq!(
            comments
                .iter()
                .filter(|c| c.parent_id == Some(first))
                .count(),
            2
        );
        let page = bob.get(&format!("/en/ideas/{idea}")).await;
        assert!(page.body.contains("dialogue-replies"));
        assert!(page.body.contains("A reply, with é and 🌱."));

        // A comment of another idea, or no comment at all, cannot be answered.
        let r = bob
            .post(
                &format!("/fr/ideas/{other}/comments"),
                &[("comment", "Hors sujet."), ("parent", &first.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(
            r.body.contains("Impossible de répondre à ce commentaire"),
            "{}",
            r.body
        );
        let r = bob
            .post(
                &format!("/en/ideas/{idea}/comments"),
                &[("comment", "x"), ("parent", &Uuid::now_v7().to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = bob
            .post(
                &format!("/en/ideas/{idea}/comments"),
                &[
                    ("comment", "x"),
                    ("parent", "'; DROP TABLE dialogue_comments; --"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(count(db, "dialogue_comments").await, 3, "{engine}");

        // Bob edits his reply; the page says it was edited. Ada may not edit it.
        let r = bob
            .post(
                &format!("/en/comments/{}/edit", reply.id),
                &[("comment", "A reply, corrected.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let page = bob.get(&format!("/en/ideas/{idea}")).await;
        assert!(page.body.contains("A reply, corrected."));
        assert!(page.body.contains("· edited "), "{}", page.body);
        let fr = bob.get(&format!("/fr/ideas/{idea}")).await;
        assert!(fr.body.contains("· modifié "));
        let ada = client(&t);
        ada.sign_in("ada@example.org").await;
        let r = ada
            .post(
                &format!("/en/comments/{}/edit", reply.id),
                &[("comment", "Mine now.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = bob
            .post(
                &format!("/en/comments/{}/edit", reply.id),
                &[("comment", "<script>alert(1)</script>")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("HTML is not accepted"));

        // After the window, the edit is refused by name and the text stays.
        let mut tx = db.begin().await.unwrap();
        platform::exec!(tx, |c| sqlx::query(
            "UPDATE dialogue_comments SET created_at = $1 WHERE id = $2"
        )
        .bind(platform::db::now() - time::Duration::minutes(20))
        .bind(reply.id)
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected());
        tx.commit().await.unwrap();
        let r = bob
            .post(
                &format!("/fr/comments/{}/edit", reply.id),
                &[("comment", "Trop tard.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(
            r.body
                .contains("dans les 15 minutes qui suivent sa publication"),
            "{}",
            r.body
        );
        let kept = dialogue::ideas::comment(db, reply.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.body, "A reply, corrected.");
        assert_eq!(
            count(db, "audit_log WHERE action = 'comment.update'").await,
            1,
            "{engine}"
        );
    }
}
