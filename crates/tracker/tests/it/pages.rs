//! The pages through the real router: what visitors see in English and French, what the
//! responsible team can do, and bad input refused in the page's language, never a 500.

use axum::http::StatusCode;
use platform::auth::Role;
use platform::testing;
use tracker::store;

use crate::common::{client, count, org, person, post_import, text};

const C1: &str = "/tracker/commitments/adopt-the-international-open-data-charter";

async fn milestone_id(db: &platform::Db, slug: &str, position: i64) -> String {
    let item = store::item_by_slug(db, slug).await.unwrap().unwrap();
    store::detail(db, item)
        .await
        .unwrap()
        .summary
        .milestones
        .into_iter()
        .find(|m| m.position == position)
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn every_page_answers_in_both_languages() {
    let t = testing::sqlite().await;
    tracker::load_demo(&t.platform()).await.unwrap();
    let c = client(&t);
    for (path, en, fr) in [
        (
            "/tracker",
            "Commitments and projects",
            "Engagements et projets",
        ),
        (
            "/tracker?kind=project&status=completed",
            "Collective Agreement e-Library Portal",
            "Portail de la bibliothèque",
        ),
        (
            "/tracker?theme=youth",
            "Youth digital engagement tool",
            "Outil de mobilisation numérique des jeunes",
        ),
        ("/tracker?overdue=1", "0 results", "0 résultat"),
        ("/tracker/timeline", "Today", "Aujourd'hui"),
        (
            "/tracker/timeline?plan=ontario-ogp-action-plan-2017",
            "Publish Implementation Schedule and Plan",
            "Publier le calendrier et le plan de mise en œuvre",
        ),
        ("/tracker/plans", "Action plans", "Plans d'action"),
        (
            "/tracker/plans/ontario-ogp-action-plan-2017",
            "Training of Trainers",
            "Formation des formateurs",
        ),
        (C1, "Main objective", "Objectif principal"),
        (
            "/tracker/projects/open-data-directive",
            "The directive comes into force",
            "La directive entre en vigueur",
        ),
    ] {
        let r = c.get(&format!("/en{path}")).await;
        assert_eq!(r.status, StatusCode::OK, "/en{path}");
        assert!(text(&r.body).contains(en), "/en{path} lacks {en}");
        let r = c.get(&format!("/fr{path}")).await;
        assert_eq!(r.status, StatusCode::OK, "/fr{path}");
        assert!(text(&r.body).contains(fr), "/fr{path} lacks {fr}");
        assert!(r.body.contains("<html lang=\"fr\">"));
    }
    // The timeline draws an SVG chart with today's line, and the table says the same.
    let tl = c.get("/en/tracker/timeline").await.body;
    assert!(tl.contains("<svg class=\"tracker-gantt__svg\" role=\"img\""));
    assert!(tl.contains("tracker-gantt__today"));
    assert!(tl.contains("<caption>Milestones and their dates</caption>"));
    // The printable plan carries print styles.
    let css = c
        .get(&format!(
            "/assets/{}/tracker.css",
            platform::assets::VERSION.as_str()
        ))
        .await;
    assert!(css.body.contains("@media print"));
    for missing in [
        "/en/tracker/commitments/nope",
        "/en/tracker/widgets/adopt-the-international-open-data-charter",
        "/en/tracker/projects/adopt-the-international-open-data-charter",
        "/fr/tracker/plans/nope",
        "/en/tracker/export/ogp.csv?plan=nope",
        "/en/tracker/commitments/nope/feed.atom",
        "/en/tracker/commitments/adopt-the-international-open-data-charter/milestones/99",
        "/en/tracker/commitments/adopt-the-international-open-data-charter/milestones/abc",
    ] {
        let r = c.get(missing).await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::SEE_OTHER,
            "{missing}: {}",
            r.status
        );
    }
}

#[tokio::test]
async fn a_team_member_moves_a_milestone_and_visitors_follow_it() {
    for t in testing::engines().await {
        let db = &t.db;
        tracker::load_demo(&t.platform()).await.unwrap();
        let tbs = org(db, "treasury-board-secretariat", "", "").await;
        person(db, "nosa@example.org", "Nosa", Role::Editor, Some(tbs)).await;
        let m3 = milestone_id(db, "adopt-the-international-open-data-charter", 3).await;

        let team = client(&t);
        team.sign_in("nosa@example.org").await;
        let page = team.get(&format!("/en{C1}")).await;
        assert!(page.body.contains("Post a progress update"), "{}", t.engine);
        let form = team.get(&format!("/en{C1}/updates?milestone={m3}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.body
                .contains(&format!("<option value=\"{m3}\" selected>"))
        );
        let posted = team
            .post(
                &format!("/en{C1}/updates"),
                &[
                    ("milestone", m3.as_str()),
                    ("completion", "substantial"),
                    ("body_en", "The implementation schedule is **drafted**."),
                    ("body_fr", "Le calendrier de mise en œuvre est **rédigé**."),
                    ("evidence_kind", "document"),
                    (
                        "evidence_url",
                        "https://www.ontario.ca/page/ontarios-open-data-directive",
                    ),
                    ("evidence_title", "Open Data Directive"),
                ],
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
        assert!(
            posted.location().starts_with(&format!(
                "/en{C1}?notice=notice-tracker-update-posted#update-"
            )),
            "{}",
            posted.location()
        );

        // A visitor sees it on the page, in the timeline and in the feeds, in both languages.
        let visitor = client(&t);
        let page = visitor.get(&posted.location()).await;
        assert!(page.body.contains("Your progress update is posted."));
        let words = text(&page.body);
        assert!(
            words.contains("The implementation schedule is drafted."),
            "{words}"
        );
        assert!(
            words.contains("Milestone 3: Not started → Substantial"),
            "{words}"
        );
        assert!(words.contains("Posted by Nosa"));
        assert!(page.body.contains("href=\"https://www.ontario.ca/page/ontarios-open-data-directive\">Open Data Directive</a>"));
        assert!(
            !page.body.contains("Post a progress update"),
            "visitors get no form"
        );
        let fr = text(&visitor.get(&format!("/fr{C1}")).await.body);
        assert!(fr.contains("Jalon 3 : Pas commencé → Substantiel"), "{fr}");
        assert!(fr.contains("Le calendrier de mise en œuvre est rédigé."));

        let timeline = visitor.get("/en/tracker/timeline").await.body;
        let row = timeline
            .split("<tr>")
            .skip(1)
            .find(|r| r.contains("Publish Implementation Schedule and Plan"))
            .unwrap();
        assert!(row.contains("Substantial"), "{row}");

        let feed = visitor.get("/en/tracker/feed.atom").await;
        assert_eq!(
            feed.headers["content-type"],
            "application/atom+xml; charset=utf-8"
        );
        assert!(feed.body.starts_with("<?xml"));
        assert!(feed.body.contains(
            "Adopt the International Open Data Charter – Milestone 3: Not started → Substantial"
        ));
        assert!(
            feed.body
                .contains("The implementation schedule is &lt;strong&gt;drafted&lt;/strong&gt;.")
        );
        let item_feed = visitor.get(&format!("/fr{C1}/feed.atom")).await.body;
        assert!(item_feed.contains("xml:lang=\"fr\""));
        assert!(
            item_feed.contains("Jalon 3\u{a0}: Pas commencé → Substantiel"),
            "{item_feed}"
        );
        assert_eq!(
            item_feed.matches("<entry>").count(),
            3,
            "two samples and this update"
        );
    }
}

#[tokio::test]
async fn only_the_team_may_post_and_forms_need_their_token() {
    let t = testing::sqlite().await;
    let db = &t.db;
    tracker::load_demo(&t.platform()).await.unwrap();
    let labour = org(db, "ministry-of-labour", "", "").await;
    person(db, "other@example.org", "", Role::Editor, Some(labour)).await;
    person(db, "someone@example.org", "", Role::Participant, None).await;
    let anonymous = client(&t);
    let r = anonymous.get(&format!("/en{C1}/updates")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/en/account/login?next="));
    let r = anonymous
        .post(&format!("/en{C1}/updates"), &[("body_en", "x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for email in ["other@example.org", "someone@example.org"] {
        let c = client(&t);
        c.sign_in(email).await;
        for path in ["/updates", "/milestones", "/milestones/1", "/assessments"] {
            let r = c.get(&format!("/en{C1}{path}")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{email} {path}");
        }
        let r = c
            .post(&format!("/fr{C1}/updates"), &[("body_en", "x")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            text(&r.body).contains("Seules l'équipe responsable"),
            "{}",
            r.body
        );
        let r = c.get("/en/tracker/import").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let tbs = org(db, "treasury-board-secretariat", "", "").await;
    person(db, "team@example.org", "", Role::Editor, Some(tbs)).await;
    let team = client(&t);
    team.sign_in("team@example.org").await;
    let r = team
        .post_without_csrf(&format!("/en{C1}/updates"), &[("body_en", "x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token, no update");
    assert_eq!(count(db, "tracker_updates").await, 4);
}

#[tokio::test]
async fn bad_input_is_refused_in_the_page_language_and_nothing_is_saved() {
    for t in testing::engines().await {
        let db = &t.db;
        tracker::load_demo(&t.platform()).await.unwrap();
        let tbs = org(db, "treasury-board-secretariat", "", "").await;
        person(db, "team@example.org", "", Role::Editor, Some(tbs)).await;
        person(db, "admin@example.org", "", Role::Admin, None).await;
        let c = client(&t);
        c.sign_in("team@example.org").await;
        let m4 = milestone_id(db, "adopt-the-international-open-data-charter", 4).await;
        let other = milestone_id(db, "youth-digital-engagement-tool", 1).await;
        let updates = count(db, "tracker_updates").await;
        let milestones = count(db, "tracker_milestones").await;

        for (fields, field, message) in [
            (
                vec![
                    ("milestone", m4.as_str()),
                    ("completion", "half"),
                    ("body_fr", "x"),
                ],
                "completion",
                "« half » ne fait pas partie de l'échelle de réalisation",
            ),
            (
                vec![
                    ("milestone", m4.as_str()),
                    ("completion", "complete"),
                    ("body_fr", ""),
                ],
                "body_en",
                "Rédigez la mise à jour, en anglais ou en français.",
            ),
            (
                vec![("milestone", other.as_str()), ("body_fr", "x")],
                "milestone",
                "Choisissez l'un des jalons de cet engagement.",
            ),
            (
                vec![("milestone", "not-a-uuid"), ("body_fr", "x")],
                "milestone",
                "Choisissez l'un des jalons de cet engagement.",
            ),
            (
                vec![("body_fr", "x"), ("status", "paused")],
                "status",
                "« paused » n'est pas un état qu'une équipe peut choisir",
            ),
            (
                vec![
                    ("milestone", m4.as_str()),
                    ("body_fr", "x"),
                    ("evidence_url", "/fr/tracker/commitments/nope"),
                ],
                "evidence_url",
                "Il n'y a aucune page à l'adresse /fr/tracker/commitments/nope",
            ),
            (
                vec![
                    ("milestone", m4.as_str()),
                    ("body_fr", "x"),
                    ("evidence_kind", "dataset"),
                    ("evidence_url", "no-such-dataset"),
                ],
                "evidence_url",
                "Il n'y a pas de jeu de données « no-such-dataset » dans le catalogue",
            ),
            (
                vec![
                    ("milestone", m4.as_str()),
                    ("body_fr", "x"),
                    (
                        "evidence_url",
                        "/fr/ideas/0193a6b2-0000-7000-8000-000000000000",
                    ),
                ],
                "evidence_url",
                "Il n'y a aucune page à l'adresse /fr/ideas/",
            ),
            (
                vec![
                    ("milestone", m4.as_str()),
                    ("body_fr", "x"),
                    ("evidence_url", "javascript:alert(1)"),
                ],
                "evidence_url",
                "n'est pas une adresse Web",
            ),
            (
                vec![
                    ("milestone", m4.as_str()),
                    ("body_fr", "x"),
                    ("evidence_url", "https://x.org"),
                    ("evidence_kind", "video"),
                ],
                "evidence_kind",
                "n'est pas un type de preuve",
            ),
        ] {
            let r = c.post(&format!("/fr{C1}/updates"), &fields).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {fields:?}",
                t.engine
            );
            assert!(r.body.contains("agora-error-summary"));
            assert!(
                r.body.contains(&format!("href=\"#{field}\"")),
                "{field}: {}",
                r.body
            );
            assert!(
                r.body.contains(&format!("id=\"{field}\"")),
                "the summary links to the field {field}"
            );
            assert!(
                text(&r.body).contains(message),
                "{message} not in {}",
                text(&r.body)
            );
        }
        assert_eq!(count(db, "tracker_updates").await, updates);
        assert_eq!(count(db, "tracker_evidence").await, 1);

        for (fields, field, message) in [
            (
                vec![
                    ("activity_en", "x"),
                    ("start", "2018-05"),
                    ("end", "2018-04"),
                ],
                "end",
                "The end date is before the start date.",
            ),
            (
                vec![("activity_en", "x"), ("weight", "-1")],
                "weight",
                "The weight cannot be below zero.",
            ),
            (
                vec![("activity_en", "x"), ("weight", "lots")],
                "weight",
                "Enter a whole number.",
            ),
            (
                vec![("activity_en", "x"), ("start", "May 2018")],
                "start",
                "is not a date",
            ),
            (
                vec![("activity_fr", ""), ("novelty", "old")],
                "activity_en",
                "This field is required.",
            ),
            (
                vec![("activity_en", "x"), ("novelty", "old")],
                "novelty",
                "is neither new nor ongoing",
            ),
        ] {
            for path in ["/milestones", "/milestones/1"] {
                let r = c.post(&format!("/en{C1}{path}"), &fields).await;
                assert_eq!(
                    r.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{path} {fields:?}"
                );
                assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
                assert!(
                    text(&r.body).contains(message),
                    "{message} not in {}",
                    text(&r.body)
                );
            }
        }
        assert_eq!(count(db, "tracker_milestones").await, milestones);
        let ok = c
            .post(
                &format!("/en{C1}/milestones"),
                &[
                    ("activity_en", "Report on the Charter"),
                    ("activity_fr", "Rendre compte"),
                    ("novelty", "ongoing"),
                    ("start", "2017-06"),
                    ("end", "2017-12-31"),
                    ("weight", "2"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let page = text(&c.get(&format!("/en{C1}")).await.body);
        assert!(
            page.contains(
                "Report on the Charter Overdue Ongoing June 2017 December 31, 2017 Not started 2"
            ),
            "{page}"
        );
        assert!(page.contains("Overdue"), "its end has passed");
        let edit = c.get(&format!("/en{C1}/milestones/5")).await;
        assert!(edit.body.contains("value=\"2017-12-31\""));

        // Assessments are for administrators; the date must be a day.
        let admin = client(&t);
        admin.sign_in("admin@example.org").await;
        let r = admin
            .post(
                &format!("/fr{C1}/assessments"),
                &[
                    ("assessor", "MEI"),
                    ("assessed_on", "2018-02"),
                    ("completion", "finished"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            text(&r.body).contains("« 2018-02 » n'est pas une date"),
            "{}",
            text(&r.body)
        );
        assert!(
            text(&r.body).contains("« finished » ne fait pas partie de l'échelle de réalisation")
        );
        let r = admin
            .post(
                &format!("/en{C1}/assessments"),
                &[
                    ("specificity", "high"),
                    ("relevance_access_information", "1"),
                    ("potential_impact", "moderate"),
                    ("completion", "limited"),
                    ("opened_government", "marginal"),
                    ("assessor", "IRM progress report 2017–2018"),
                    ("assessed_on", "2018-06-30"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = text(&admin.get(&format!("/en{C1}")).await.body);
        assert!(page.contains("Assessment of June 30, 2018"), "{page}");
        assert!(page.contains("Did it open government? Marginal"));
    }
}

#[tokio::test]
async fn administrators_import_and_export_ogp_csv_from_the_pages() {
    let t = testing::sqlite().await;
    let db = &t.db;
    tracker::load_demo(&t.platform()).await.unwrap();
    person(db, "admin@example.org", "", Role::Admin, None).await;
    let c = client(&t);
    c.sign_in("admin@example.org").await;
    let csv = c
        .get("/en/tracker/export/ogp.csv?plan=ontario-ogp-action-plan-2017")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ogp-commitments-ontario-ogp-action-plan-2017-en.csv")
    );
    assert_eq!(c.get("/en/tracker/import").await.status, StatusCode::OK);

    let broken = csv.body.replacen("Completion,", "Status,", 1);
    let r = post_import(&c, "/fr/tracker/import", "en", &broken).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = text(&r.body);
    assert!(words.contains("Rien n'a été importé"), "{words}");
    assert!(
        words.contains("La colonne « Status » ne fait pas partie des colonnes"),
        "{words}"
    );
    assert!(
        words.contains("La colonne « Completion » manque."),
        "{words}"
    );

    let r = post_import(&c, "/en/tracker/import", "en", &csv.body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(text(&r.body).contains("Imported: 0 new commitments, 3 updated."));
    assert_eq!(count(db, "tracker_items").await, 8);

    let r = post_import(&c, "/en/tracker/import", "en", "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choose a CSV file."));
}
