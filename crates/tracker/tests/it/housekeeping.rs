//! Deleting from the pages: an item after a confirmation page, gone from every list and back when
//! an administrator restores it; a plan that holds published commitments refused and archived
//! instead; who may do what; every step in the audit log.

use axum::http::StatusCode;
use platform::auth::Role;
use platform::db::Actor;
use platform::testing;
use tracker::store;

use crate::common::{client, count, org, person, text};
use crate::store::{commitment, fixture};

async fn audit_actions(db: &platform::Db) -> Vec<String> {
    async fn rows(db: &platform::Db) -> platform::Result<Vec<String>> {
        Ok(platform::read!(db, |c| {
            sqlx::query_scalar::<_, String>(
            "SELECT action FROM audit_log WHERE entity_type IN ('tracker_item', 'tracker_plan') ORDER BY id"
        )
        .fetch_all(&mut *c)
        .await?
        }))
    }
    rows(db).await.unwrap()
}

#[tokio::test]
async fn items_are_deleted_after_confirmation_and_restored_by_administrators() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let tbs = org(db, "treasury-board-secretariat", "", "").await;
        let labour = org(db, "ministry-of-labour", "", "").await;
        let editor = person(db, "ed@ontario.ca", "Ed", Role::Editor, Some(tbs)).await;
        let other = person(db, "lab@ontario.ca", "Lab", Role::Editor, Some(labour)).await;
        let admin = person(db, "admin@ontario.ca", "Admin", Role::Admin, None).await;
        let mut tx = db.begin().await.unwrap();
        let item = store::create_item(&mut tx, &Actor::system("test"), commitment("1", vec![]))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let path = format!("/en{}", item.path());

        // Only the lead organization's team may delete.
        let outsider = client(&t).signed_in(db, other).await;
        assert_eq!(
            outsider.get(&format!("{path}/delete")).await.status,
            StatusCode::FORBIDDEN,
            "{}",
            t.engine
        );
        assert_eq!(
            outsider.post(&format!("{path}/delete"), &[]).await.status,
            StatusCode::FORBIDDEN
        );
        let anon = client(&t);
        assert_ne!(
            anon.post(&format!("{path}/delete"), &[]).await.status,
            StatusCode::SEE_OTHER
        );

        // The team sees a confirmation page in its language, then deletes.
        let team = client(&t).signed_in(db, editor).await;
        let confirm = team.get(&format!("{path}/delete")).await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", t.engine);
        assert!(text(&confirm.body).contains("an administrator can restore it"));
        let fr = team.get(&format!("/fr{}/delete", item.path())).await;
        assert!(text(&fr.body).contains("un administrateur peut le restaurer"));
        // A form from another site is refused.
        assert_eq!(
            team.post_without_csrf(&format!("{path}/delete"), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = team.post(&format!("{path}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", t.engine, r.body);

        // Gone from its page, the list, the plan and the API; its rows are kept.
        assert_eq!(anon.get(&path).await.status, StatusCode::NOT_FOUND);
        assert!(!anon.get("/en/tracker").await.body.contains("Commitment 1"));
        assert!(
            !anon
                .get("/en/tracker/plans/plan-one")
                .await
                .body
                .contains("Commitment 1")
        );
        assert_eq!(count(db, "tracker_items").await, 1);

        // A plan that held it can now be deleted; restoring the item then waits for the plan.
        let admin_c = client(&t).signed_in(db, admin).await;
        assert_eq!(
            team.get("/en/tracker/deleted").await.status,
            StatusCode::FORBIDDEN
        );
        let deleted = admin_c.get("/en/tracker/deleted").await;
        assert!(deleted.body.contains("Commitment 1"), "{}", t.engine);
        let r = admin_c.post("/en/tracker/plans/plan-one/delete", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", t.engine, r.body);
        let r = admin_c
            .post(&format!("/en/tracker/deleted/{}/restore", item.id), &[])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.engine);
        assert!(
            text(&r.body).contains("restore the plan first"),
            "{}",
            r.body
        );
        let plan_id = store::deleted(db)
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.kind == "plan")
            .unwrap()
            .id;
        for id in [plan_id, item.id] {
            let r = admin_c
                .post(&format!("/en/tracker/deleted/{id}/restore"), &[])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", t.engine, r.body);
        }
        assert_eq!(anon.get(&path).await.status, StatusCode::OK, "{}", t.engine);
        assert!(store::deleted(db).await.unwrap().is_empty());

        // Hostile ids on the restore form are pages that do not exist.
        for bad in ["not-an-id", "00000000-0000-0000-0000-000000000000"] {
            let r = admin_c
                .post(&format!("/en/tracker/deleted/{bad}/restore"), &[])
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{}: {bad}", t.engine);
        }

        let actions = audit_actions(db).await;
        for action in [
            "tracker.item.delete",
            "tracker.plan.delete",
            "tracker.plan.restore",
            "tracker.item.restore",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{}: {action} in {actions:?}",
                t.engine
            );
        }
    }
}

#[tokio::test]
async fn a_plan_with_published_commitments_is_archived_not_deleted() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let admin = person(db, "admin@ontario.ca", "Admin", Role::Admin, None).await;
        let tbs = org(db, "treasury-board-secretariat", "", "").await;
        let editor = person(db, "ed@ontario.ca", "Ed", Role::Editor, Some(tbs)).await;
        let mut tx = db.begin().await.unwrap();
        store::create_item(&mut tx, &Actor::system("test"), commitment("1", vec![]))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // Plans are the administrators'.
        let team = client(&t).signed_in(db, editor).await;
        assert_eq!(
            team.get("/en/tracker/plans/plan-one/delete").await.status,
            StatusCode::FORBIDDEN
        );

        let c = client(&t).signed_in(db, admin).await;
        let page = c.get("/en/tracker/plans/plan-one/delete").await;
        assert_eq!(page.status, StatusCode::OK, "{}", t.engine);
        assert!(text(&page.body).contains("it cannot be deleted, only archived"));
        assert!(!text(&page.body).contains("Delete the plan"));
        // Sent anyway, the deletion is refused with the reason, in French on a French page.
        let r = c.post("/fr/tracker/plans/plan-one/delete", &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.engine);
        assert!(text(&r.body).contains("archivez-le plutôt"), "{}", r.body);
        assert!(store::plan_by_slug(db, "plan-one").await.unwrap().is_some());

        // Archived, it stays with its commitments and is marked.
        for bad in ["", "maybe"] {
            let r = c
                .post("/en/tracker/plans/plan-one/archive", &[("archived", bad)])
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}: {bad:?}", t.engine);
        }
        let r = c
            .post("/en/tracker/plans/plan-one/archive", &[("archived", "yes")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", t.engine);
        let plan = store::plan_by_slug(db, "plan-one").await.unwrap().unwrap();
        assert!(plan.archived_at.is_some());
        let plans = c.get("/en/tracker/plans").await;
        assert!(text(&plans.body).contains("Archived"));
        let fr = c.get("/fr/tracker/plans/plan-one").await;
        assert!(text(&fr.body).contains("Ce plan est archivé."));
        let r = c
            .post("/en/tracker/plans/plan-one/archive", &[("archived", "no")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let plan = store::plan_by_slug(db, "plan-one").await.unwrap().unwrap();
        assert!(plan.archived_at.is_none());
        let actions = audit_actions(db).await;
        assert!(actions.iter().any(|a| a == "tracker.plan.archive"));
        assert!(actions.iter().any(|a| a == "tracker.plan.unarchive"));
        assert!(!actions.iter().any(|a| a == "tracker.plan.delete"));
    }
}
