//! The pages, driven in-process: the directory and its feed, submitting an idea, staff assessment
//! with a rewrite, voting with a receipt, results, reporting; and every bad input answered with a
//! clear refusal in the page's language, nothing partial saved, never a 500.

use axum::http::StatusCode;
use dialogue::consultations::{self, NewConsultation};
use dialogue::model::{Level, PhaseKind, VoteRule, today};
use platform::auth::Role;
use platform::db::Actor;
use platform::testing;
use time::Duration;

use crate::support::*;

#[tokio::test]
async fn directory_filters_feed_and_entry_in_both_languages() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let mut tx = db.begin().await.unwrap();
        consultations::ensure_topic(&mut tx, "budget", "Budget", "Budget")
            .await
            .unwrap();
        for (slug, opens, closes) in [
            ("budget-talks", -10, 5),
            ("later", 10, 40),
            ("done", -40, -5),
        ] {
            consultations::create(
                &mut tx,
                &Actor::system("test"),
                &NewConsultation {
                    slug: slug.into(),
                    organization_id: o.id,
                    title_en: format!("Talks {slug} & more"),
                    title_fr: format!("Parlons {slug}"),
                    summary_en: "Share **ideas**.".into(),
                    level: Some(Level::Consult),
                    opens_on: Some(today() + Duration::days(opens)),
                    closes_on: Some(today() + Duration::days(closes)),
                    topics: vec!["budget".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let mut c = Client::new(&t);
        let page = c.get("/en/consultations?status=open").await;
        assert_eq!(page.status, StatusCode::OK, "{}", t.engine);
        assert!(
            page.body.contains("Talks budget-talks &#38; more")
                || page.body.contains("Talks budget-talks &amp; more"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("Talks later"));
        assert!(page.body.contains("5 days left"));
        let fr = c.get("/fr/consultations?status=upcoming&status=open").await;
        assert_eq!(fr.status, StatusCode::OK, "a repeated key keeps the first");
        assert!(fr.body.contains("Parlons later") && fr.body.contains("À venir"));
        let soon = c.get("/en/consultations/closing-soon").await;
        assert!(soon.body.contains("Talks budget-talks"));
        assert!(!soon.body.contains("Talks later"));
        let feed = c.get("/fr/consultations/feed.atom").await;
        assert_eq!(
            feed.headers["content-type"],
            "application/atom+xml; charset=utf-8"
        );
        assert!(feed.body.starts_with("<?xml") && feed.body.matches("<entry>").count() == 3);
        assert!(feed.body.contains("xml:lang=\"fr\""));
        let entry = c.get("/en/consultations/budget-talks").await;
        assert!(entry.body.contains("<strong>ideas</strong>"));
        assert!(entry.body.contains("How to take part"));
        assert_eq!(
            c.get("/en/consultations/nope").await.status,
            StatusCode::NOT_FOUND
        );
        // A hand-written query never fails the page.
        assert_eq!(
            c.get("/en/consultations?page=-3&q=%00%01").await.status,
            StatusCode::OK
        );
        let csv = c.get("/api/v1/dialogue/consultations.csv").await;
        assert_eq!(csv.body.lines().count(), 4, "{}", csv.body);
    }
}

#[tokio::test]
async fn submit_assess_rewrite_and_object_through_the_pages() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "budget",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        person(db, "ada@example.org", Role::Participant, true, None).await;
        person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        person(db, "bob@example.org", Role::Participant, false, None).await;

        // Not signed in: the form sends people to log in.
        let mut anon = Client::new(&t);
        let r = anon.get("/en/processes/budget/ideas/new").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().starts_with("/en/account/login"));
        let r = anon
            .post(
                "/fr/processes/budget/ideas/new",
                &[("theme", "transparency"), ("title", "x"), ("body", "y")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Vous devez vous connecter"), "{}", r.body);

        // Unverified: a clear refusal in French.
        let mut bob = Client::new(&t);
        bob.login("bob@example.org").await;
        let r = bob
            .post(
                "/fr/processes/budget/ideas/new",
                &[
                    ("theme", "transparency"),
                    ("title", "Une idée"),
                    ("body", "Texte"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.engine);
        assert!(
            r.body.contains("Vérifiez d’abord votre adresse courriel"),
            "{}",
            r.body
        );

        let mut ada = Client::new(&t);
        ada.login("ada@example.org").await;
        let form = ada.get("/fr/processes/budget/ideas/new").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Rédiger une idée claire"));

        // Empty, oversize and script: the form again, each field named, in French; nothing saved.
        let long = "a".repeat(151);
        let r = ada
            .post(
                "/fr/processes/budget/ideas/new",
                &[
                    ("action", "submit"),
                    ("title", &long),
                    ("body", "<script>alert(1)</script>"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("href=\"#theme\"")
                && r.body.contains("href=\"#title\"")
                && r.body.contains("href=\"#body\"")
        );
        assert!(r.body.contains("Le HTML n’est pas accepté"), "{}", r.body);
        assert!(
            r.body.contains("au plus 150 caractères") || r.body.contains("150"),
            "{}",
            r.body
        );
        assert!(
            !r.body.contains("<script>alert(1)</script>"),
            "user text is escaped"
        );
        assert_eq!(count(db, "dialogue_ideas").await, 0);

        // Check for similar ideas first, then submit.
        let r = ada
            .post(
                "/en/processes/budget/ideas/new",
                &[
                    ("action", "check"),
                    ("theme", "transparency"),
                    ("title", "Open budget data"),
                    ("body", "Publish the budget as data."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("We found no similar idea"));
        let r = ada.post("/en/processes/budget/ideas/new", &[("action", "submit"), ("theme", "transparency"), ("title", "Open budget data"), ("body", "It is my considered view that the budget ought to be published as data forthwith.")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let idea_url = r.location();
        assert!(idea_url.contains("notice=notice-dialogue-idea-submitted"));
        let idea_path = idea_url.split('?').next().unwrap().to_string();
        let id = idea_path.rsplit('/').next().unwrap().to_string();
        index(&t).await;
        let r = ada
            .post(
                "/en/processes/budget/ideas/new",
                &[
                    ("action", "check"),
                    ("theme", "transparency"),
                    ("title", "Budget data"),
                    ("body", "open"),
                ],
            )
            .await;
        assert!(
            r.body.contains("Open budget data"),
            "the similar idea is shown"
        );

        // Staff: the queue, then an assessment with a rewrite.
        let mut staff = Client::new(&t);
        staff.login("staff@example.org").await;
        let q = staff.get("/en/dialogue/assessment").await;
        assert!(q.body.contains("Open budget data"));
        assert_eq!(
            ada.get("/en/dialogue/assessment").await.status,
            StatusCode::FORBIDDEN
        );
        let r = staff
            .post(
                &format!("/en/ideas/{id}/rewrite"),
                &[
                    ("title", "Open budget data"),
                    ("body", "Publish the budget as open data."),
                    ("note", "Plain language"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let checks: Vec<String> = p.criteria.iter().map(|c| c.id.to_string()).collect();
        let r = staff
            .post(
                &format!("/en/ideas/{id}/assess"),
                &[
                    ("check", &checks[0]),
                    ("state", "not_retained"),
                    ("answer_en", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#answer_en\""));
        let r = staff
            .post(
                &format!("/en/ideas/{id}/assess"),
                &[
                    ("check", &checks[0]),
                    ("check", &checks[1]),
                    ("state", "accepted"),
                    ("answer_en", "Thank you: this goes to the vote."),
                    ("answer_fr", "Merci : cette idée est soumise au vote."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = staff
            .post(
                &format!("/en/ideas/{id}/notes"),
                &[("note_body", "Private: ask Finance.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // The idea's page shows both versions, who rewrote it, the answer; never the private note.
        let page = anon.get(&idea_path).await;
        assert!(
            page.body.contains("Plain-language version")
                && page.body.contains("The author&#39;s original"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("Publish the budget as open data.")
                && page.body.contains("considered view")
        );
        assert!(page.body.contains("Rewritten by staff"));
        assert!(page.body.contains("Thank you: this goes to the vote."));
        assert!(!page.body.contains("ask Finance"));
        let fr = anon.get(&idea_path.replace("/en/", "/fr/")).await;
        assert!(fr.body.contains("Merci : cette idée est soumise au vote."));
        // The author is told by e-mail, once the jobs run after the commit.
        let outbox = || -> Vec<_> {
            std::fs::read_dir(t.dir.path().join("outbox"))
                .map(|d| d.collect())
                .unwrap_or_default()
        };
        assert!(outbox().is_empty(), "{}: nothing sent yet", t.engine);
        let mut registry = platform::jobs::Registry::new();
        platform::mail::register(&mut registry);
        dialogue::notify::register(&mut registry);
        platform::jobs::run_due(&t.platform(), std::sync::Arc::new(registry))
            .await
            .unwrap();
        assert!(!outbox().is_empty(), "{}", t.engine);

        // The author objects; it is shown publicly and recorded once.
        let r = ada
            .post(&format!("/en/ideas/{id}/objection"), &[("objection", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = ada
            .post(
                &format!("/en/ideas/{id}/objection"),
                &[("objection", "The rewrite loses my urgency.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = ada
            .post(
                &format!("/en/ideas/{id}/objection"),
                &[("objection", "Again")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(
            anon.get(&idea_path)
                .await
                .body
                .contains("The rewrite loses my urgency.")
        );

        // Outside the phase: refused.
        set_phase(db, &p, PhaseKind::Ideas, -9, -1).await;
        let r = ada
            .post(
                "/en/processes/budget/ideas/new",
                &[
                    ("action", "submit"),
                    ("theme", "transparency"),
                    ("title", "Late"),
                    ("body", "Late"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            r.body
                .contains("the idea phase of this process is not open")
        );
        assert_eq!(count(db, "dialogue_ideas").await, 1);
    }
}

#[tokio::test]
async fn vote_check_the_receipt_and_read_ranked_results() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "ogp",
            VoteRule::OnePerTheme,
            vec![
                phase(PhaseKind::Ideas, -9, 3),
                phase(PhaseKind::Voting, -1, 5),
            ],
        )
        .await;
        let author = person(db, "ada@example.org", Role::Participant, true, None).await;
        let staff = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let t1 = accepted_idea(db, &p, &author, &staff, "transparency", "Open contracts").await;
        let t2 = accepted_idea(db, &p, &author, &staff, "transparency", "Open budgets").await;
        let a1 = accepted_idea(
            db,
            &p,
            &author,
            &staff,
            "accountability",
            "Quarterly reports",
        )
        .await;
        person(db, "voter@example.org", Role::Participant, true, None).await;
        person(db, "bob@example.org", Role::Participant, false, None).await;

        let mut voter = Client::new(&t);
        voter.login("voter@example.org").await;
        let ballot = voter.get("/fr/processes/ogp/vote").await;
        assert_eq!(ballot.status, StatusCode::OK);
        assert!(ballot.body.contains("<legend>Thème transparency</legend>"));

        // Nothing chosen; an idea of the wrong theme: refusals on the form.
        let r = voter.post("/fr/processes/ogp/vote", &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choisissez au moins une idée"));
        let r = voter
            .post(
                "/en/processes/ogp/vote",
                &[("theme-transparency", &a1.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#theme-transparency\""));
        let r = voter
            .post(
                "/en/processes/ogp/vote",
                &[("theme-transparency", "not-a-uuid")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(count(db, "dialogue_ballots").await, 0);

        // One favourite per theme; the receipt is shown once, not cached.
        let r = voter
            .post(
                "/en/processes/ogp/vote",
                &[
                    ("theme-transparency", &t1.to_string()),
                    ("theme-accountability", &a1.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.headers["cache-control"], "no-store");
        let start = r.body.find("id=\"receipt-code\">").unwrap() + "id=\"receipt-code\">".len();
        let code = r.body[start..start + 23].to_string();
        assert!(dialogue::votes::plausible_receipt(&code), "{code}");

        // A second ballot from a stale form is refused (409) in the page's language.
        let r = voter
            .post(
                "/fr/processes/ogp/vote",
                &[("theme-transparency", &t2.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Vous avez déjà voté ici"), "{}", r.body);
        // Changing it from the ballot page works.
        let ballot = voter.get("/en/processes/ogp/vote").await;
        assert!(ballot.body.contains("name=\"had-transparency\""));
        let r = voter
            .post(
                "/en/processes/ogp/vote",
                &[
                    ("had-transparency", "1"),
                    ("theme-transparency", &t2.to_string()),
                    ("had-accountability", "1"),
                    ("theme-accountability", &a1.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Ballots changed: 2"));
        assert_eq!(count(db, "dialogue_ballots").await, 2);

        // Anyone can check the receipt: counted, and no idea is named.
        let mut anon = Client::new(&t);
        let check = anon
            .get(&format!("/en/receipts?code={}", code.to_lowercase()))
            .await;
        assert!(
            check.body.contains("Your vote is counted"),
            "{}",
            check.body
        );
        assert!(check.body.contains("Theme transparency") && check.body.contains("counted"));
        for title in ["Open contracts", "Open budgets", "Quarterly reports"] {
            assert!(!check.body.contains(title));
        }
        let wrong = anon.get("/fr/receipts?code=ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ").await;
        assert!(wrong.body.contains("Reçu introuvable"));

        // Unverified and signed-out voters are refused.
        let mut bob = Client::new(&t);
        bob.login("bob@example.org").await;
        let r = bob
            .post(
                "/en/processes/ogp/vote",
                &[("theme-transparency", &t1.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            anon.post(
                "/en/processes/ogp/vote",
                &[("theme-transparency", &t1.to_string())]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );

        // Results: hidden while open, ranked after the close; the tallies download follows.
        let r = anon.get("/en/processes/ogp/results").await;
        assert!(r.body.contains("Results are published when voting closes"));
        assert_eq!(
            anon.get("/api/v1/dialogue/processes/ogp/tallies.csv")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        set_phase(db, &p, PhaseKind::Voting, -5, -1).await;
        let r = anon.get("/en/processes/ogp/results").await;
        assert!(
            r.body.contains("1 people voted") || r.body.contains("people voted"),
            "{}",
            r.body
        );
        let first = r.body.find("Open budgets").unwrap();
        let second = r.body.find("Open contracts").unwrap();
        assert!(first < second, "ranked by votes");
        let csv = anon.get("/api/v1/dialogue/processes/ogp/tallies.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.starts_with("theme,rank,idea_id,title,votes"));
        assert!(!csv.body.contains("voter"), "never voters");
        // Voting after the close is refused.
        let r = voter
            .post(
                "/en/processes/ogp/vote",
                &[("theme-transparency", &t1.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Voting is not open"));
    }
}

#[tokio::test]
async fn report_a_comment_until_it_is_hidden_then_moderate() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "pp",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        person(db, "bob@example.org", Role::Participant, true, None).await;
        person(db, "cy@example.org", Role::Participant, false, None).await;
        person(db, "dee@example.org", Role::Participant, true, None).await;
        person(db, "mod@example.org", Role::Moderator, true, None).await;
        let id = db
            .write(async |tx| {
                dialogue::ideas::submit(
                    tx,
                    &p,
                    &ada,
                    dialogue::ideas::NewIdea {
                        theme: "transparency",
                        title: "An idea",
                        body: "Text",
                        lang: platform::Lang::En,
                    },
                )
                .await
            })
            .await
            .unwrap();

        let mut bob = Client::new(&t);
        bob.login("bob@example.org").await;
        let r = bob
            .post(&format!("/en/ideas/{id}/comments"), &[("comment", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("href=\"#comment\""));
        let r = bob
            .post(
                &format!("/en/ideas/{id}/comments"),
                &[("comment", "Cheap watches at example.com")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = bob.get(&format!("/en/ideas/{id}")).await;
        let marker = "id=\"comment-";
        let start = page.body.find(marker).unwrap() + marker.len();
        let comment = page.body[start..start + 36].to_string();

        let mut ada_c = Client::new(&t);
        ada_c.login("ada@example.org").await;
        let r = ada_c
            .post(
                "/en/report",
                &[("kind", "comment"), ("id", &comment), ("reason", "spam")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().contains("notice-dialogue-reported"));
        let r = ada_c
            .post(
                "/fr/report",
                &[("kind", "comment"), ("id", &comment), ("reason", "spam")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Vous avez déjà signalé ce contenu"));
        let r = bob
            .post(
                "/en/report",
                &[("kind", "comment"), ("id", &comment), ("reason", "spam")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "own comment");
        let r = ada_c
            .post(
                "/en/report",
                &[("kind", "nonsense"), ("id", "x"), ("reason", "spam")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // An unverified account's report is kept but does not count towards hiding (the default).
        let mut cy = Client::new(&t);
        cy.login("cy@example.org").await;
        let r = cy
            .post(
                "/en/report",
                &[
                    ("kind", "comment"),
                    ("id", &comment),
                    ("reason", "off_topic"),
                ],
            )
            .await;
        assert!(
            r.location().contains("notice-dialogue-reported")
                && !r.location().contains("notice-dialogue-reported-hidden"),
            "{}",
            r.location()
        );
        let mut dee = Client::new(&t);
        dee.login("dee@example.org").await;
        let r = dee
            .post(
                "/en/report",
                &[("kind", "comment"), ("id", &comment), ("reason", "spam")],
            )
            .await;
        assert!(
            r.location().contains("notice-dialogue-reported-hidden"),
            "{}",
            r.location()
        );

        // Hidden for the public, pending review.
        let mut anon = Client::new(&t);
        let page = anon.get(&format!("/en/ideas/{id}")).await;
        assert!(!page.body.contains("Cheap watches"), "{}", t.engine);
        assert!(page.body.contains("hidden after reports from participants"));

        // The moderator sees it in the queue and removes it, blocking the author.
        let mut m = Client::new(&t);
        m.login("mod@example.org").await;
        let q = m.get("/en/dialogue/moderation").await;
        assert!(q.body.contains("Cheap watches") && q.body.contains("3 open reports"));
        assert_eq!(
            ada_c.get("/en/dialogue/moderation").await.status,
            StatusCode::FORBIDDEN
        );
        let r = m
            .post(
                "/en/dialogue/moderation",
                &[("kind", "comment"), ("id", &comment), ("decision", "block")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            anon.get(&format!("/en/ideas/{id}"))
                .await
                .body
                .contains("A moderator removed this")
        );
        // The blocked author's session is over.
        let r = bob
            .post(&format!("/en/ideas/{id}/comments"), &[("comment", "Again")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn pages_of_the_demo_answer_in_both_languages() {
    let t = testing::sqlite().await;
    dialogue::load_demo(&t.platform()).await.unwrap();
    let mut c = Client::new(&t);
    let due = dialogue::demo::next_december_11();
    let budget = format!("budget-talks-{}", due.year() + 1);
    for lang in ["en", "fr"] {
        for path in [
            "/consultations".to_string(),
            "/consultations/closing-soon".into(),
            format!("/consultations/{budget}"),
            "/consultations/ogp-action-plan-2016".into(),
            "/processes".into(),
            "/processes/ogp-action-plan-2016".into(),
            "/processes/ogp-action-plan-2016/ideas".into(),
            "/processes/ogp-action-plan-2016/results".into(),
            "/processes/ogp-action-plan-2016/data".into(),
            "/processes/ogp-action-plan-next".into(),
            format!("/processes/{budget}"),
            "/receipts".into(),
        ] {
            let r = c.get(&format!("/{lang}{path}")).await;
            assert_eq!(r.status, StatusCode::OK, "/{lang}{path}");
            assert_eq!(r.body.matches("<h1").count(), 1, "/{lang}{path}: one h1");
        }
    }
    let r = c.get("/en/processes/ogp-action-plan-2016/results").await;
    assert!(r.body.contains("Adopt the International Open Data Charter"));
    let r = c.get("/fr/consultations/ogp-action-plan-2016").await;
    assert!(r.body.contains("Plus de 270 idées"));
}
