//! Staff set processes up from the pages: create one, copy one with its phases moved, move a
//! phase, and are refused — with the reason, in the page's language, nothing saved — the changes
//! that would break what has happened. Hostile values never give a 500.

use axum::http::StatusCode;
use dialogue::model::{PhaseKind, VoteRule, today};
use dialogue::votes::BallotChoice;
use platform::auth::Role;
use platform::testing;
use time::Duration;

use crate::support::*;

/// The fields the page's POST form would send as it is drawn: text boxes, text areas, hidden
/// fields, ticked boxes and the chosen option of each list.
fn form_fields(html: &str) -> Vec<(String, String)> {
    // The setup form, not the header's sign-out form.
    let form = html
        .match_indices("<form method=\"post\"")
        .map(|(start, _)| &html[start..start + html[start..].find("</form>").unwrap()])
        .find(|form| form.contains("name=\"title_en\""))
        .expect("the setup form");
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let i = tag.find(&key)? + key.len();
        let j = tag[i..].find('"')?;
        Some(unescape(&tag[i..i + j]))
    };
    let has = |tag: &str, word: &str| tag.contains(&format!(" {word}"));
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..tag_end];
        if tag.starts_with("<input") {
            let name = attr(tag, "name").unwrap_or_default();
            let kind = attr(tag, "type").unwrap_or_default();
            let value = attr(tag, "value").unwrap_or_default();
            if name != "_csrf" && !name.is_empty() && (kind != "checkbox" || has(tag, "checked")) {
                out.push((name, value));
            }
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap();
            let close = rest.find("</textarea>").unwrap();
            out.push((name, unescape(&rest[tag_end + 1..close])));
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let close = rest.find("</select>").unwrap();
            let options = &rest[tag_end..close];
            let mut chosen = None;
            for o in options.split("<option").skip(1) {
                let value = attr(&format!(" {o}"), "value").unwrap_or_default();
                if chosen.is_none() || o.contains(" selected") {
                    chosen = Some(value);
                }
                if o.contains(" selected") {
                    break;
                }
            }
            out.push((name, chosen.unwrap_or_default()));
        }
        rest = &rest[1..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// `fields` with `key` set to `value` (added when missing).
fn set(mut fields: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    fields.retain(|(k, _)| k != key);
    fields.push((key.to_string(), value.to_string()));
    fields
}

fn without(mut fields: Vec<(String, String)>, key: &str) -> Vec<(String, String)> {
    fields.retain(|(k, _)| k != key);
    fields
}

async fn post(c: &Client, uri: &str, fields: &[(String, String)]) -> Reply {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(uri, &refs).await
}

fn day(days: i64) -> String {
    (today() + Duration::days(days)).to_string()
}

#[tokio::test]
async fn staff_create_a_process_and_copy_it_with_its_phases_moved() {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let o = org(db, "tbs").await;
        person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        person(db, "ada@example.org", Role::Participant, true, None).await;

        // Participants may not reach the pages.
        let ada = client(&t);
        ada.sign_in("ada@example.org").await;
        assert_eq!(
            ada.get("/en/dialogue/processes/new").await.status,
            StatusCode::FORBIDDEN
        );

        let staff = client(&t);
        staff.sign_in("staff@example.org").await;
        let list = staff.get("/en/processes").await;
        assert!(list.body.contains("/en/dialogue/processes/new"), "{engine}");
        let blank = staff.get("/en/dialogue/processes/new").await;
        assert_eq!(blank.status, StatusCode::OK, "{engine}");
        let fields = form_fields(&blank.body);
        let fields = [
            ("slug", "ogp-2027"),
            ("title_en", "Open Government Plan 2027 🌱"),
            ("title_fr", "Plan pour un gouvernement ouvert 2027 — éàç"),
            ("ideas_include", "1"),
            ("ideas_opens_on", &day(-2)),
            ("ideas_closes_on", &day(10)),
            ("ideas_submit", "verified"),
            ("ideas_comment", "signed_in"),
            ("voting_include", "1"),
            ("voting_opens_on", &day(20)),
            ("voting_closes_on", &day(30)),
            ("voting_vote", "verified"),
            ("theme0_slug", "open-data"),
            ("theme0_title_en", "Open data"),
            ("theme0_title_fr", "Données ouvertes"),
            ("theme1_slug", "health"),
            ("theme1_title_en", "Health"),
            ("criterion0_label_en", "Achievable in two years"),
            ("criterion0_label_fr", "Réalisable en deux ans"),
            ("vote_rule", "approval"),
            ("vote_max", "3"),
        ]
        .into_iter()
        .fold(fields, |f, (k, v)| set(f, k, v));
        let r = post(&staff, "/en/dialogue/processes/new", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        assert_eq!(
            r.location(),
            "/en/processes/ogp-2027?notice=notice-dialogue-process-created"
        );
        let p = dialogue::processes::find(db, "ogp-2027")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.phases.len(), 2);
        assert_eq!(p.themes.len(), 2);
        assert_eq!(p.criteria.len(), 1);
        assert_eq!(p.process.title_en, "Open Government Plan 2027 🌱");
        assert_eq!(p.process.rule(), VoteRule::Approval);
        assert_eq!(p.process.vote_max, 3);
        assert_eq!(
            count(db, "audit_log WHERE action = 'process.create'").await,
            1
        );
        let page = staff.get("/en/processes/ogp-2027").await;
        assert!(page.body.contains("Open Government Plan 2027 🌱"));
        assert!(page.body.contains("/en/processes/ogp-2027/edit"));

        // Copy it: the phases move so the first opens on the day given, lengths and gaps kept.
        let copy = staff
            .get("/fr/dialogue/processes/new?from=ogp-2027&opens_on=2031-03-01")
            .await;
        assert_eq!(copy.status, StatusCode::OK, "{engine}: {}", copy.body);
        let fields = form_fields(&copy.body);
        let get = |k: &str| fields.iter().find(|(f, _)| f == k).unwrap().1.clone();
        assert_eq!(get("ideas_opens_on"), "2031-03-01");
        assert_eq!(get("ideas_closes_on"), "2031-03-13");
        assert_eq!(get("voting_opens_on"), "2031-03-23");
        assert_eq!(get("theme0_slug"), "open-data");
        assert_eq!(get("vote_rule"), "approval");
        assert_eq!(get("slug"), "");
        // Without a slug the form comes back, in French, nothing saved.
        let r = post(&staff, "/fr/dialogue/processes/new", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Nom court dans l’adresse : "), "{}", r.body);
        assert_eq!(count(db, "dialogue_processes").await, 1);
        let r = post(
            &staff,
            "/fr/dialogue/processes/new",
            &set(fields, "slug", "ogp-2031"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let c = dialogue::processes::find(db, "ogp-2031")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.phases[0].opens_on.to_string(), "2031-03-01");
        assert_eq!(c.themes.len(), 2);
        assert_eq!(c.criteria[0].label_fr, "Réalisable en deux ans");
        assert_ne!(c.criteria[0].id, p.criteria[0].id);
        assert_eq!(count(db, "dialogue_ideas").await, 0);

        // A copy onto a day that moves a phase past the years allowed is refused by name.
        let r = staff
            .get("/en/dialogue/processes/new?from=ogp-2027&opens_on=2100-12-25")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body
                .contains("First phase opens on: Enter a date between the years 2000 and 2100."),
            "{}",
            r.body
        );
        let r = staff
            .get("/en/dialogue/processes/new?from=ogp-2027&opens_on=31/12/2030")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = staff.get("/en/dialogue/processes/new?from=nope").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn staff_move_a_phase_and_participants_see_the_new_dates() {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let o = org(db, "tbs").await;
        let other = testing::org(db, "fin", "Finance", "Finances").await;
        let p = process(
            db,
            &o,
            "ogp",
            VoteRule::OnePerTheme,
            vec![
                phase(PhaseKind::Ideas, -3, 3),
                phase(PhaseKind::Voting, 10, 20),
            ],
        )
        .await;
        person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        person(db, "fin@example.org", Role::Editor, true, Some(other.id)).await;
        let outsider = client(&t);
        outsider.sign_in("fin@example.org").await;
        assert_eq!(
            outsider.get("/en/processes/ogp/edit").await.status,
            StatusCode::FORBIDDEN,
            "{engine}: staff of another organization"
        );

        let staff = client(&t);
        staff.sign_in("staff@example.org").await;
        let form = staff.get("/en/processes/ogp/edit").await;
        assert_eq!(form.status, StatusCode::OK, "{engine}");
        let fields = form_fields(&form.body);
        let moved = set(
            set(fields, "voting_opens_on", "2030-05-04"),
            "voting_closes_on",
            "2030-05-20",
        );
        let r = post(&staff, "/en/processes/ogp/edit", &moved).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let after = reload(db, &p).await;
        assert_eq!(
            after.phase(PhaseKind::Voting).unwrap().opens_on.to_string(),
            "2030-05-04"
        );
        assert_eq!(after.themes.len(), 2, "nothing else changed");
        assert_eq!(
            after.themes.iter().map(|t| t.id).collect::<Vec<_>>(),
            p.themes.iter().map(|t| t.id).collect::<Vec<_>>(),
            "themes keep their ids"
        );
        assert_eq!(after.criteria[0].id, p.criteria[0].id);
        assert_eq!(
            count(db, "audit_log WHERE action = 'process.update'").await,
            1
        );
        let visitor = client(&t);
        let en = visitor.get("/en/processes/ogp").await;
        assert!(
            en.body.contains("May 4, 2030") || en.body.contains("4 May 2030"),
            "{}",
            en.body
        );
        let fr = visitor.get("/fr/processes/ogp").await;
        assert!(fr.body.contains("4 mai 2030"), "{}", fr.body);
        assert!(
            !fr.body.contains("/processes/ogp/edit"),
            "visitors get no edit link"
        );

        // Add a theme and a criterion, rename one, remove an unused criterion.
        let fields = form_fields(&staff.get("/en/processes/ogp/edit").await.body);
        let fields = [
            ("theme2_slug", "climate"),
            ("theme2_title_en", "Climate"),
            ("theme1_title_en", "Answerability"),
            ("criterion1_remove", "1"),
            ("criterion2_label_en", "Costed"),
        ]
        .into_iter()
        .fold(fields, |f, (k, v)| set(f, k, v));
        let r = post(&staff, "/en/processes/ogp/edit", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let after = reload(db, &p).await;
        assert_eq!(
            after
                .themes
                .iter()
                .map(|t| t.title_en.as_str())
                .collect::<Vec<_>>(),
            ["Theme transparency", "Answerability", "Climate"]
        );
        assert_eq!(
            after
                .criteria
                .iter()
                .map(|c| c.label_en.as_str())
                .collect::<Vec<_>>(),
            ["Relevant", "Costed"]
        );
    }
}

#[tokio::test]
async fn changes_that_break_what_happened_are_refused_with_the_reason() {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "ogp",
            VoteRule::OnePerTheme,
            vec![
                phase(PhaseKind::Ideas, -9, -2),
                phase(PhaseKind::Voting, -1, 5),
            ],
        )
        .await;
        let author = person(db, "ada@example.org", Role::Participant, true, None).await;
        let staff_user = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let voter = person(db, "voter@example.org", Role::Participant, true, None).await;
        // Ideas were submitted while the idea phase was open.
        set_phase(db, &p, PhaseKind::Ideas, -9, 1).await;
        let open = reload(db, &p).await;
        let idea = accepted_idea(
            db,
            &open,
            &author,
            &staff_user,
            "transparency",
            "Open contracts",
        )
        .await;
        set_phase(db, &p, PhaseKind::Ideas, -9, -2).await;
        let open = reload(db, &p).await;
        cast(
            db,
            &open,
            &voter,
            &[BallotChoice {
                scope: "transparency".into(),
                ideas: vec![idea],
                change: false,
            }],
        )
        .await
        .unwrap();
        let stored = dialogue::ideas::get(db, idea).await.unwrap().unwrap();
        assess_as(
            db,
            &staff_user,
            &open,
            &stored,
            &dialogue::ideas::Assessment {
                state: Some(dialogue::model::IdeaState::Accepted),
                checks: vec![(open.criteria[0].id, true)],
                ..Default::default()
            },
        )
        .await
        .unwrap();

        let staff = client(&t);
        staff.sign_in("staff@example.org").await;
        let fields = form_fields(&staff.get("/en/processes/ogp/edit").await.body);
        let audits = count(db, "audit_log").await;
        let refused = async |lang: &str, changes: &[(&str, &str)], expected: &str| {
            let mut f = set(
                fields.clone(),
                "title_en",
                "A new title that must not be saved",
            );
            for (k, v) in changes {
                f = if v.is_empty() {
                    without(f, k)
                } else {
                    set(f, k, v)
                };
            }
            let r = post(&staff, &format!("/{lang}/processes/ogp/edit"), &f).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: {expected}"
            );
            assert!(
                r.body.contains(expected),
                "{engine}: {expected} in {}",
                r.body
            );
            r
        };
        refused(
            "en",
            &[("vote_rule", "approval")],
            "Voting rule: The voting rule cannot change: a ballot has been cast under it.",
        )
        .await;
        refused(
            "fr",
            &[("vote_rule", "approval")],
            "Règle de vote : La règle de vote ne peut plus changer : 1 bulletin a été déposé selon elle.",
        )
        .await;
        refused(
            "en",
            &[("theme0_remove", "1")],
            "Themes: The theme &#34;transparency&#34; holds an idea; it cannot be removed.",
        )
        .await;
        refused(
            "fr",
            &[("theme0_remove", "1")],
            "Thèmes : Le thème « transparency » contient 1 idée; il ne peut pas être retiré.",
        )
        .await;
        refused(
            "en",
            &[("criterion0_remove", "1")],
            "The criterion &#34;Relevant&#34; was used in an assessment",
        )
        .await;
        refused(
            "en",
            &[("voting_include", "")],
            "Phases: The voting phase holds a contribution; it cannot be removed.",
        )
        .await;
        refused(
            "en",
            &[("ideas_include", "")],
            "The ideas phase holds a contribution",
        )
        .await;
        let r = refused(
            "en",
            &[("voting_opens_on", &day(3))],
            "Voting – Opens on: This phase has started and holds a contribution",
        )
        .await;
        assert!(r.body.contains("href=\"#voting_opens_on\""));
        refused(
            "en",
            &[("voting_opens_on", &day(-3))],
            "Voting – Opens on: This phase starts before the ideas phase ends; phases may not overlap.",
        )
        .await;
        refused(
            "fr",
            &[("voting_opens_on", &day(-3))],
            "Vote – Ouverture le : Cette phase commence avant la fin de la phase des idées",
        )
        .await;
        refused(
            "en",
            &[("ideas_closes_on", &day(-12))],
            "Ideas – Closes on: The closing date must not be before the opening date.",
        )
        .await;
        // Several reasons at once are all given.
        let r = refused(
            "en",
            &[("vote_rule", "approval"), ("theme0_remove", "1")],
            "Voting rule: The voting rule cannot change",
        )
        .await;
        assert!(
            r.body
                .contains("The theme &#34;transparency&#34; holds an idea")
        );
        // Nothing of any refused edit was saved, nor audited.
        let after = reload(db, &p).await;
        assert_eq!(after.process.title_en, p.process.title_en, "{engine}");
        assert_eq!(after.themes.len(), 2);
        assert_eq!(after.criteria.len(), 2);
        assert_eq!(after.phases.len(), 2);
        assert_eq!(after.process.rule(), VoteRule::OnePerTheme);
        assert_eq!(count(db, "audit_log").await, audits);

        // What does not touch the ballots or ideas still goes through: an unused theme goes.
        let r = post(
            &staff,
            "/en/processes/ogp/edit",
            &set(fields.clone(), "theme1_remove", "1"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        assert_eq!(reload(db, &p).await.themes.len(), 1);

        // The API takes the same setup and gives the same refusals, each with its key.
        let token = testing::api_token(db, staff_user.id).await;
        let api = client(&t).with_token(&token);
        let current = reload(db, &p).await;
        let mut edit = dialogue::process_setup::setup_of(&current);
        edit.vote_rule = VoteRule::Approval;
        let r = api
            .json(
                "PUT",
                "/api/v1/dialogue/processes/ogp",
                Some(&serde_json::to_value(&edit).unwrap()),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {}",
            r.body
        );
        let errors = &r.json()["error"]["field_errors"];
        assert_eq!(errors[0]["field"], "vote_rule");
        assert_eq!(errors[0]["key"], "dialogue-error-rule-after-ballots");
        let mut edit = dialogue::process_setup::setup_of(&current);
        edit.phases[1].closes_on = today() + Duration::days(9);
        let r = api
            .json(
                "PUT",
                "/api/v1/dialogue/processes/ogp",
                Some(&serde_json::to_value(&edit).unwrap()),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{engine}: {}", r.body);
        assert_eq!(
            r.json()["phases"][1]["closes_on"],
            (today() + Duration::days(9)).to_string()
        );
        let other = client(&t).with_token(&testing::api_token(db, author.id).await);
        let r = other
            .json(
                "PUT",
                "/api/v1/dialogue/processes/ogp",
                Some(&serde_json::to_value(&edit).unwrap()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn hostile_setups_are_refused_by_name_never_with_a_500() {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let o = org(db, "tbs").await;
        process(
            db,
            &o,
            "ogp",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let staff_user = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let staff = client(&t);
        staff.sign_in("staff@example.org").await;
        let fields = form_fields(&staff.get("/en/processes/ogp/edit").await.body);
        let before = count(db, "audit_log").await;
        let bad = async |lang: &str, changes: &[(&str, &str)], expected: &str| {
            let f = changes
                .iter()
                .fold(fields.clone(), |f, (k, v)| set(f, k, v));
            let r = post(&staff, &format!("/{lang}/processes/ogp/edit"), &f).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{engine}: {changes:?}"
            );
            assert!(
                r.body.contains(expected),
                "{engine}: {expected} in {}",
                r.body
            );
        };
        bad(
            "en",
            &[("ideas_opens_on", "99999-01-01")],
            "Ideas – Opens on: Enter a date as year-month-day",
        )
        .await;
        bad(
            "en",
            &[("ideas_opens_on", "2027-02-30")],
            "Enter a date as year-month-day",
        )
        .await;
        bad(
            "fr",
            &[("ideas_opens_on", "1899-12-31")],
            "Entrez une date entre les années 2000 et 2100.",
        )
        .await;
        bad(
            "en",
            &[("ideas_closes_on", "2101-01-01")],
            "Enter a date between the years 2000 and 2100.",
        )
        .await;
        bad(
            "en",
            &[("vote_max", "1e9"), ("vote_rule", "one_per_theme")],
            "Ideas a ballot may hold: Enter a whole number.",
        )
        .await;
        bad(
            "en",
            &[("ideas_per_person", "99999999999999999999999")],
            "Enter a whole number.",
        )
        .await;
        bad(
            "en",
            &[("report_threshold", "-4")],
            "Enter a number from 1 to 100.",
        )
        .await;
        bad(
            "en",
            &[("vote_rule", "ranked")],
            "Voting rule: Choose one of the listed values.",
        )
        .await;
        bad(
            "en",
            &[("ideas_submit", "everyone")],
            "Ideas – Who may submit ideas: Choose one of the listed values.",
        )
        .await;
        bad(
            "en",
            &[("title_en", "<script>alert(1)</script>")],
            "HTML is not accepted",
        )
        .await;
        bad(
            "en",
            &[("title_en", "Bell\u{7}")],
            "invisible control characters",
        )
        .await;
        bad(
            "en",
            &[("theme0_title_en", &"x".repeat(201))],
            "Theme 1 – Title in English: This is too long",
        )
        .await;
        bad(
            "en",
            &[
                ("theme5_slug", "transparency"),
                ("theme5_title_en", "Twice"),
            ],
            "Theme 6 – Short name in the address",
        )
        .await;
        bad(
            "en",
            &[("theme5_slug", "Ünïcode ☃"), ("theme5_title_en", "Snow")],
            "Use 2 to 100 lower-case letters",
        )
        .await;
        bad(
            "en",
            &[("theme99999999999999999999999_slug", "a")],
            "Themes: There can be at most 50.",
        )
        .await;
        // Huge row counts are refused before anything is read.
        let mut many = fields.clone();
        for i in 0..200 {
            many.push((format!("theme{}_slug", 10 + i), format!("t{i}")));
            many.push((format!("theme{}_title_en", 10 + i), format!("T{i}")));
        }
        let r = post(&staff, "/en/processes/ogp/edit", &many).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(r.body.contains("There can be at most 50."));
        let mut sixty = fields.clone();
        for i in 0..60 {
            sixty.push((format!("theme{}_slug", 10 + i), format!("t{i}")));
            sixty.push((format!("theme{}_title_en", 10 + i), format!("T{i}")));
        }
        let r = post(&staff, "/en/processes/ogp/edit", &sixty).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(r.body.contains("There can be at most 50."), "{}", r.body);
        // A criterion id of nothing in this process.
        bad(
            "en",
            &[("criterion0_id", &uuid::Uuid::now_v7().to_string())],
            "The form could not be read.",
        )
        .await;
        assert_eq!(
            count(db, "audit_log").await,
            before,
            "{engine}: nothing saved"
        );
        assert_eq!(count(db, "dialogue_themes").await, 2);

        // Unicode in every text survives the round trip.
        let r = post(
            &staff,
            "/fr/processes/ogp/edit",
            &set(
                set(
                    fields.clone(),
                    "title_fr",
                    "Gouvernement ouvert — « 2027 » 🇨🇦 עברית",
                ),
                "theme0_description_fr",
                "Transparence\u{301} et données",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let fr = client(&t).get("/fr/processes/ogp").await;
        assert!(fr.body.contains("Gouvernement ouvert — « 2027 » 🇨🇦 עברית"));

        // The API refuses a process of ten thousand phases by name, quickly.
        let token = testing::api_token(db, staff_user.id).await;
        let api = client(&t).with_token(&token);
        let phases: Vec<_> = (0..10_000)
            .map(|i| serde_json::json!({"kind": "ideas", "opens_on": "2030-01-01", "closes_on": format!("2030-01-{:02}", i % 28 + 1)}))
            .collect();
        let r = api
            .json(
                "POST",
                "/api/v1/dialogue/processes",
                Some(&serde_json::json!({
                    "slug": "huge", "organization_id": o.id, "title_en": "Huge",
                    "vote_rule": "approval", "themes": [{"slug": "a", "title_en": "A"}],
                    "phases": phases,
                })),
            )
            .await;
        assert!(
            r.status == StatusCode::UNPROCESSABLE_ENTITY
                || r.status == StatusCode::PAYLOAD_TOO_LARGE,
            "{engine}: {} {}",
            r.status,
            r.body
        );
        if r.status == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(r.body.contains("There can be at most 5."), "{}", r.body);
        }
        let r = api
            .json(
                "POST",
                "/api/v1/dialogue/processes",
                Some(&serde_json::json!({
                    "slug": "far", "organization_id": o.id, "title_en": "Far",
                    "vote_rule": "approval", "themes": [{"slug": "a", "title_en": "A"}],
                    "phases": [{"kind": "ideas", "opens_on": "9999-01-01", "closes_on": "9999-12-31"}],
                })),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {}",
            r.body
        );
        assert_eq!(count(db, "dialogue_processes").await, 1);
    }
}
