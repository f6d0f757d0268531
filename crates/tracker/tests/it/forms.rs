//! The forms that write the tracker, through the real router: who may use them, every template
//! field kept in both languages, each problem named after its field in the page's language,
//! nothing saved from a refused form; search finds what was written, in English and French; the
//! commitment page shows the trail back to the ideas it came from.

use axum::http::StatusCode;
use platform::auth::Role;
use platform::testing;
use tracker::store;

use crate::common::{Client, client, count, org, person, text};
use crate::store::{catalogue_and_dialogue, fixture};

/// Every field of the commitment form, filled in.
fn full_commitment(number: &str) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> = vec![
        ("kind", "commitment".into()),
        ("plan", "plan-one".into()),
        ("number", number.into()),
        ("organization", "treasury-board-secretariat".into()),
        ("title_en", "Publish every contract as open data".into()),
        (
            "title_fr",
            "Publier chaque contrat en données ouvertes".into(),
        ),
        ("short_title_en", "Open contracts".into()),
        ("short_title_fr", "Contrats ouverts".into()),
        ("ogp_id", "ON0099".into()),
        (
            "source_url",
            "https://www.ontario.ca/page/open-contracts".into(),
        ),
        ("lead_team_en", "Procurement Division".into()),
        ("lead_team_fr", "Division de l'approvisionnement".into()),
        ("contact_name", "Ada Lovelace".into()),
        ("contact_role_en", "Director".into()),
        ("contact_role_fr", "Directrice".into()),
        ("contact_email", "ada@ontario.ca".into()),
        (
            "actors_government_en",
            "Ministry of Finance\nTreasury Board".into(),
        ),
        ("actors_civil_society_en", "Open North".into()),
        (
            "status_quo_en",
            "Contracts are published as scanned PDFs.".into(),
        ),
        (
            "status_quo_fr",
            "Les contrats sont publiés en PDF numérisés.".into(),
        ),
        ("objective_en", "Every contract is searchable data.".into()),
        (
            "description_en",
            "A register of contracts, updated weekly.".into(),
        ),
        (
            "values_intro_en",
            "This commitment is relevant to two values.".into(),
        ),
        ("value_access_information", "on".into()),
        (
            "value_access_information_en",
            "People can read every contract.".into(),
        ),
        ("value_public_accountability", "on".into()),
        ("ambition_en", "Procurement that anyone can follow.".into()),
        ("ambition_fr", "Des achats que chacun peut suivre.".into()),
        ("theme-open-data", "on".into()),
    ];
    f.sort_by_key(|(k, _)| *k);
    f
}

fn pairs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn the_team_writes_commitments_with_every_field_and_bad_input_is_named() {
    let t = testing::sqlite().await;
    let db = &t.db;
    fixture(db).await;
    let tbs = org(db, "treasury-board-secretariat", "", "").await;
    let labour = org(db, "ministry-of-labour", "", "").await;
    person(db, "nosa@example.org", "Nosa", Role::Editor, Some(tbs)).await;
    person(db, "lee@example.org", "Lee", Role::Editor, Some(labour)).await;
    person(db, "pat@example.org", "Pat", Role::Participant, None).await;

    // Participants get no form; the form needs its token.
    let someone = client(&t);
    someone.sign_in("pat@example.org").await;
    assert_eq!(
        someone.get("/en/tracker/new").await.status,
        StatusCode::FORBIDDEN
    );
    let platform = t.platform();
    let team = Client::site(&platform, tracker::pages(), tracker::api());
    team.sign_in("nosa@example.org").await;
    assert!(
        team.get("/en/tracker")
            .await
            .body
            .contains("New commitment")
    );
    let form = team.get("/en/tracker/new?kind=commitment").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("Status quo or problem to be addressed in French"),
        "every field in both languages"
    );
    let fields = full_commitment("1");
    let r = team
        .post_without_csrf("/en/tracker/new", &pairs(&fields))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Bad input: each problem named with its field, in the page's language; nothing saved.
    let mut bad = full_commitment("1");
    for (k, v) in bad.iter_mut() {
        match *k {
            "title_en" | "title_fr" => v.clear(),
            "contact_email" => *v = "not an address".into(),
            "source_url" => *v = "ontario.ca".into(),
            "plan" => *v = "no-such-plan".into(),
            _ => {}
        }
    }
    bad.push(("origin_ideas", "not an idea".into()));
    let r = team.post("/fr/tracker/new", &pairs(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let words = text(&r.body);
    assert!(
        words.contains("Les idées dont il est issu : Ligne 1 : « not an idea »"),
        "{words}"
    );
    bad.retain(|(k, _)| *k != "origin_ideas");
    let r = team.post("/fr/tracker/new", &pairs(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = text(&r.body);
    for want in [
        "Titre : Ce champ est obligatoire.",
        "Courriel",
        "Plan d'action : Il n'y a aucun plan d'action « no-such-plan ».",
        "Cet engagement ailleurs :",
    ] {
        assert!(words.contains(want), "missing {want} in {words}");
    }
    assert!(
        r.body.contains("href=\"#title_en\""),
        "the summary links to the field"
    );
    assert!(r.body.contains("href=\"#contact_email\""));
    assert!(
        r.body.contains("value=\"Procurement Division\""),
        "what was typed stays"
    );
    // Another organization's commitment is refused by name.
    let mut other = full_commitment("1");
    for (k, v) in other.iter_mut() {
        if *k == "organization" {
            *v = "ministry-of-labour".into();
        }
    }
    let r = team.post("/en/tracker/new", &pairs(&other)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.body).contains("Lead organization: You do not edit for this organization"));
    assert_eq!(count(db, "tracker_items").await, 0);

    // Every field is kept and shown.
    let r = team.post("/en/tracker/new", &pairs(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let item = store::item_by_slug(db, "open-contracts")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.ogp_id, "ON0099");
    assert_eq!(item.contact.role.fr, "Directrice");
    assert!(
        item.value(tracker::model::OgpValue::PublicAccountability)
            .unwrap()
            .relevant
    );
    let page = text(&team.get(&r.location()).await.body);
    for want in [
        "The details are saved.",
        "Contracts are published as scanned PDFs.",
        "Ministry of Finance",
        "People can read every contract.",
        "Procurement that anyone can follow.",
    ] {
        assert!(page.contains(want), "missing {want} in {page}");
    }
    let fr = text(
        &team
            .get("/fr/tracker/commitments/open-contracts")
            .await
            .body,
    );
    assert!(
        fr.contains("Les contrats sont publiés en PDF numérisés."),
        "{fr}"
    );

    // Edit: the form comes back filled in; a taken number is refused; a change is saved.
    let edit = team
        .get("/en/tracker/commitments/open-contracts/edit")
        .await;
    assert!(edit.body.contains("value=\"ON0099\""));
    assert!(
        edit.body
            .contains("Les contrats sont publiés en PDF numérisés.</textarea>")
    );
    let mut second = full_commitment("2");
    for (k, v) in second.iter_mut() {
        if *k == "title_en" {
            *v = "Second".into();
        }
        if *k == "short_title_en" || *k == "short_title_fr" {
            v.clear();
        }
    }
    assert_eq!(
        team.post("/en/tracker/new", &pairs(&second)).await.status,
        StatusCode::SEE_OTHER
    );
    let mut changed = full_commitment("2");
    let r = team
        .post(
            "/en/tracker/commitments/open-contracts/edit",
            &pairs(&changed),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.body).contains(
        "Number in the plan: This action plan already has a commitment with this number."
    ));
    for (k, v) in changed.iter_mut() {
        if *k == "number" {
            *v = "1".into();
        }
        if *k == "status_quo_en" {
            *v = "Most contracts are PDFs.".into();
        }
    }
    let r = team
        .post(
            "/en/tracker/commitments/open-contracts/edit",
            &pairs(&changed),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let item = store::item_by_slug(db, "open-contracts")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.status_quo.en, "Most contracts are PDFs.");

    // Another organization's editor may not edit it.
    let lee = client(&t);
    lee.sign_in("lee@example.org").await;
    assert_eq!(
        lee.get("/en/tracker/commitments/open-contracts/edit")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Search finds it in English and French.
    platform
        .search
        .follow(db, &tracker::search::sources())
        .await
        .unwrap();
    let en = text(&team.get("/en/tracker?q=second").await.body);
    assert!(en.contains("1 result ·") && en.contains("Second"), "{en}");
    let en = text(&team.get("/en/tracker?q=contract").await.body);
    assert!(
        en.contains("2 results ·") && en.contains("Open contracts"),
        "{en}"
    );
    let fr = text(&team.get("/fr/tracker?q=contrats").await.body);
    assert!(
        fr.contains("2 résultats ·") && fr.contains("Contrats ouverts"),
        "{fr}"
    );
    // A project needs no plan or number.
    let form = team.get("/en/tracker/new?kind=project").await;
    assert!(
        !form.body.contains("name=\"number\""),
        "a project has no number"
    );
    let r = team
        .post(
            "/en/tracker/new",
            &[
                ("kind", "project"),
                ("organization", "treasury-board-secretariat"),
                ("title_fr", "Portail des données"),
                ("theme-open-data", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location()
            .starts_with("/en/tracker/projects/portail-des-donnees?"),
        "{}",
        r.location()
    );
    let none = text(&team.get("/en/tracker?q=zebra").await.body);
    assert!(none.contains("0 results"), "{none}");
}

#[tokio::test]
async fn milestones_are_added_edited_moved_and_deleted_through_forms() {
    let t = testing::sqlite().await;
    let db = &t.db;
    fixture(db).await;
    let tbs = org(db, "treasury-board-secretariat", "", "").await;
    person(db, "nosa@example.org", "Nosa", Role::Editor, Some(tbs)).await;
    let team = client(&t);
    team.sign_in("nosa@example.org").await;
    assert_eq!(
        team.post("/en/tracker/new", &pairs(&full_commitment("1")))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let base = "/en/tracker/commitments/open-contracts";
    for (activity, start, end) in [
        ("Draft", "2017-01", "2017-03"),
        ("Consult", "2017-04", ""),
        ("Publish", "", ""),
    ] {
        let r = team
            .post(
                &format!("{base}/milestones"),
                &[
                    ("activity_en", activity),
                    ("novelty", "new"),
                    ("start", start),
                    ("end", end),
                    ("weight", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // End before start, a weight below zero: named, in both languages; nothing saved.
    let r = team
        .post(
            &format!("{base}/milestones"),
            &[
                ("activity_en", "Backwards"),
                ("novelty", "new"),
                ("start", "2017-05-10"),
                ("end", "2017-04"),
                ("weight", "-2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = text(&r.body);
    assert!(
        words.contains("End date: The end date is before the start date."),
        "{words}"
    );
    assert!(
        words.contains("Weight: The weight cannot be below zero."),
        "{words}"
    );
    assert!(r.body.contains("href=\"#end\""));
    let r = team
        .post(
            "/fr/tracker/commitments/open-contracts/milestones",
            &[
                ("activity_en", "Backwards"),
                ("start", "2017-05-10"),
                ("end", "2017-04"),
            ],
        )
        .await;
    assert!(
        text(&r.body).contains("Date de fin : "),
        "{}",
        text(&r.body)
    );
    assert_eq!(count(db, "tracker_milestones").await, 3);

    // Move the third first, delete the second; the table follows.
    let edit = team.get(&format!("{base}/milestones/3")).await;
    assert!(edit.body.contains("Move this milestone") && edit.body.contains("Delete milestone 3"));
    let r = team
        .post(&format!("{base}/milestones/3/move"), &[("to", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = team.post(&format!("{base}/milestones/2/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = text(&team.get(&r.location()).await.body);
    assert!(page.contains("The milestone is deleted."));
    let item = store::item_by_slug(db, "open-contracts")
        .await
        .unwrap()
        .unwrap();
    let d = store::detail(db, item).await.unwrap();
    let order: Vec<&str> = d
        .summary
        .milestones
        .iter()
        .map(|m| m.activity.en.as_str())
        .collect();
    assert_eq!(order, ["Publish", "Consult"]);
    // Without the token, nothing moves.
    let r = team
        .post_without_csrf(&format!("{base}/milestones/2/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(count(db, "tracker_milestones").await, 2);
}

#[tokio::test]
async fn administrators_create_and_edit_plans() {
    let t = testing::sqlite().await;
    let db = &t.db;
    fixture(db).await;
    let tbs = org(db, "treasury-board-secretariat", "", "").await;
    person(db, "root@example.org", "Root", Role::Admin, None).await;
    person(db, "nosa@example.org", "Nosa", Role::Editor, Some(tbs)).await;
    let editor = client(&t);
    editor.sign_in("nosa@example.org").await;
    assert_eq!(
        editor.get("/en/tracker/plans/new").await.status,
        StatusCode::FORBIDDEN
    );
    let admin = client(&t);
    admin.sign_in("root@example.org").await;
    let r = admin
        .post(
            "/en/tracker/plans/new",
            &[("title_en", ""), ("plan_number", "two")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let words = text(&r.body);
    assert!(
        words.contains("Action plan number: Enter a whole number."),
        "{words}"
    );
    let r = admin
        .post(
            "/en/tracker/plans/new",
            &[
                ("title_en", "Second plan"),
                ("title_fr", "Deuxième plan"),
                ("plan_number", "2"),
                ("year_submitted", "2018"),
                ("country", "Ontario, Canada"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        "/en/tracker/plans/second-plan?notice=notice-tracker-plan-saved"
    );
    let r = admin
        .post(
            "/en/tracker/plans/second-plan/edit",
            &[
                ("title_en", "Second plan (2018–2020)"),
                ("plan_number", "2"),
                ("year_submitted", "1200"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r.body).contains("Year submitted:"));
    let r = admin
        .post(
            "/en/tracker/plans/second-plan/edit",
            &[
                ("title_en", "Second plan (2018–2020)"),
                ("plan_number", "2"),
                ("year_submitted", "2018"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = text(&admin.get("/en/tracker/plans/second-plan").await.body);
    assert!(page.contains("Second plan (2018–2020)"), "{page}");
}

#[tokio::test]
async fn a_commitment_shows_the_ideas_it_came_from_and_their_votes() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let d = catalogue_and_dialogue(db).await;
        let tbs = org(db, "treasury-board-secretariat", "", "").await;
        person(db, "nosa@example.org", "Nosa", Role::Editor, Some(tbs)).await;
        let team = client(&t);
        team.sign_in("nosa@example.org").await;
        let mut fields = full_commitment("1");
        fields.push(("origin_process", "co-creation".into()));
        fields.push((
            "origin_ideas",
            format!("/en/ideas/{}\n{}", d.idea_b, d.idea_a),
        ));
        let r = team.post("/en/tracker/new", &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let visitor = client(&t);
        let page = visitor.get("/en/tracker/commitments/open-contracts").await;
        let words = text(&page.body);
        assert!(
            words.contains("From the co-creation process: Process co-creation"),
            "{words}"
        );
        assert!(
            words.contains("Open the budget Open data Submitted 2 1 of 2")
                || words.contains("Open the budget Open data Accepted for voting 2 1 of 2"),
            "{} {words}",
            t.engine
        );
        assert!(
            page.body
                .contains(&format!("href=\"/en/ideas/{}\"", d.idea_a))
        );
        assert!(page.body.contains("href=\"/en/processes/co-creation\""));
        let fr = text(
            &visitor
                .get("/fr/tracker/commitments/open-contracts")
                .await
                .body,
        );
        assert!(
            fr.contains("Issu du processus de cocréation : Processus co-creation"),
            "{fr}"
        );
        assert!(fr.contains("1 sur 2"), "{fr}");
    }
}

/// The site's search finds the demo's commitments and projects in English and French after a
/// full rebuild (the load_all walk) as well as through the change log.
#[tokio::test]
async fn the_site_search_finds_commitments_and_projects_in_both_languages() {
    for t in testing::engines().await {
        let platform = t.platform();
        tracker::load_demo(&platform).await.unwrap();
        let sources = tracker::search::sources();
        let n = platform
            .search
            .reindex(&t.db, &sources, |_, _| {})
            .await
            .unwrap();
        assert_eq!(
            n as i64,
            count(&t.db, "tracker_items").await,
            "{}",
            t.engine
        );
        let find = |text: &str, lang: platform::Lang| {
            platform
                .search
                .query(&platform::search::SearchQuery {
                    text: text.into(),
                    lang,
                    ..Default::default()
                })
                .unwrap()
        };
        let en = find("charter", platform::Lang::En);
        assert!(en.total >= 1, "{}", t.engine);
        assert_eq!(en.hits[0].kind, tracker::search::KIND);
        assert!(
            en.hits[0].title_html.contains("<mark>Charter</mark>"),
            "{}",
            en.hits[0].title_html
        );
        let fr = find("jeunes", platform::Lang::Fr);
        assert!(
            fr.hits.iter().any(|h| h.title_html.contains("jeunes")),
            "{:?}",
            fr.hits
        );
        let facets = platform
            .search
            .query(&platform::search::SearchQuery {
                kinds: vec![tracker::search::KIND.into()],
                facets: vec!["item_kind".into()],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(facets.facet_count("item_kind", "commitment"), 3);
    }
}
