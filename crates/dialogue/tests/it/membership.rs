//! A membership in an organization grants no staff page without the editor role.

use axum::http::StatusCode;
use dialogue::model::{PhaseKind, VoteRule};
use platform::auth::Role;
use platform::testing;

use crate::support::*;

#[tokio::test]
async fn staff_pages_need_the_editor_role_not_just_a_membership() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "members",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        person(
            db,
            "member@example.org",
            Role::Participant,
            true,
            Some(o.id),
        )
        .await;
        person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let id = submit_idea(db, &p, &ada, "transparency", "Idea", "Text")
            .await
            .unwrap();
        let assess = format!("/en/ideas/{id}/assess");
        for (who, expected) in [
            ("member@example.org", StatusCode::FORBIDDEN),
            ("staff@example.org", StatusCode::OK),
        ] {
            let mut c = Client::new(&t);
            c.login(who).await;
            for path in ["/en/dialogue/assessment", assess.as_str()] {
                let r = c.get(path).await;
                assert_eq!(r.status, expected, "{}: {who} {path}", t.engine);
            }
        }
        let mut member = Client::new(&t);
        member.login("member@example.org").await;
        let r = member
            .post(
                &format!("/en/ideas/{id}/rewrite"),
                &[("title", "Rewritten"), ("body", "New text")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.engine);
    }
}
