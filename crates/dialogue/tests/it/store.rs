//! The store on every engine: directory statuses and filters, idea submission rules, assessment,
//! rewrites and lineage, ballots and receipts, moderation.

use dialogue::consultations::{self, Filter, NewConsultation, NewWay, Results};
use dialogue::ideas::{self, Assessment, NewIdea};
use dialogue::model::{
    IdeaState, Level, PhaseKind, ReportReason, Status, TargetKind, Visibility, VoteRule, WayKind,
    today,
};
use dialogue::moderation::{self, Decision, ReportCounting};
use dialogue::votes::{self, BallotChoice};
use platform::auth::Role;
use platform::db::Actor;
use platform::{Error, Lang, testing};
use time::Duration;

use crate::support::*;

fn entry(slug: &str, org: uuid::Uuid, opens: i64, closes: Option<i64>) -> NewConsultation {
    NewConsultation {
        slug: slug.into(),
        organization_id: org,
        title_en: format!("Entry {slug}"),
        title_fr: format!("Fiche {slug}"),
        summary_en: "About water quality in lakes".into(),
        summary_fr: "Sur la qualité de l’eau des lacs".into(),
        level: Some(Level::Consult),
        opens_on: Some(today() + Duration::days(opens)),
        closes_on: closes.map(|c| today() + Duration::days(c)),
        ongoing: closes.is_none(),
        topics: vec!["water".into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn directory_status_follows_dates_and_results() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let actor = Actor::system("test");
        let mut tx = db.begin().await.unwrap();
        consultations::ensure_topic(&mut tx, "water", "Water", "Eau")
            .await
            .unwrap();
        consultations::create(&mut tx, &actor, &entry("upcoming-one", o.id, 5, Some(20)))
            .await
            .unwrap();
        consultations::create(&mut tx, &actor, &entry("open-soon", o.id, -5, Some(3)))
            .await
            .unwrap();
        consultations::create(&mut tx, &actor, &entry("open-late", o.id, -5, Some(40)))
            .await
            .unwrap();
        consultations::create(&mut tx, &actor, &entry("ongoing-one", o.id, -50, None))
            .await
            .unwrap();
        consultations::create(&mut tx, &actor, &entry("closed-one", o.id, -50, Some(-10)))
            .await
            .unwrap();
        let mut done = entry("with-results", o.id, -90, Some(-60));
        done.results = Some(Results {
            we_asked_en: "What matters?".into(),
            we_asked_fr: String::new(),
            you_said_en: "Clean water.".into(),
            you_said_fr: String::new(),
            we_did_en: "A new monitoring program.".into(),
            we_did_fr: String::new(),
            results_url: "https://example.org/report".into(),
            published_on: today() - Duration::days(20),
        });
        consultations::create(&mut tx, &actor, &done).await.unwrap();
        tx.commit().await.unwrap();

        let status = |slug: &'static str| async move {
            consultations::find(db, slug)
                .await
                .unwrap()
                .unwrap()
                .status()
        };
        assert_eq!(
            status("upcoming-one").await,
            Status::Upcoming,
            "{}",
            t.engine
        );
        assert_eq!(status("open-soon").await, Status::Open);
        assert_eq!(status("ongoing-one").await, Status::Open);
        assert_eq!(status("closed-one").await, Status::Closed);
        assert_eq!(status("with-results").await, Status::Results);

        // The SQL filter agrees with the Rust rule.
        for s in Status::ALL {
            let f = Filter {
                status: s.as_str().into(),
                ..Default::default()
            };
            let (rows, total) = consultations::list(db, &f, 50, 0).await.unwrap();
            assert!(rows.iter().all(|c| c.status() == *s), "{} {s}", t.engine);
            assert_eq!(total as usize, rows.len());
        }
        let open = Filter {
            status: "open".into(),
            ..Default::default()
        };
        let (rows, _) = consultations::list(db, &open, 50, 0).await.unwrap();
        let slugs: Vec<_> = rows.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["open-soon", "open-late", "ongoing-one"],
            "open, closing soonest first, ongoing last"
        );

        // Words (accents folded), topic, level, organization.
        let words = Filter {
            q: "QUALITÉ lacs".into(),
            ..Default::default()
        };
        assert_eq!(consultations::list(db, &words, 50, 0).await.unwrap().1, 6);
        let none = Filter {
            q: "volcano".into(),
            ..Default::default()
        };
        assert_eq!(consultations::list(db, &none, 50, 0).await.unwrap().1, 0);
        let topic = Filter {
            topic: "water".into(),
            level: "consult".into(),
            organization: "tbs".into(),
            ..Default::default()
        };
        assert_eq!(consultations::list(db, &topic, 50, 0).await.unwrap().1, 6);
        let other = Filter {
            level: "collaborate".into(),
            ..Default::default()
        };
        assert_eq!(consultations::list(db, &other, 50, 0).await.unwrap().1, 0);

        let soon = consultations::closing_soon(db, 14).await.unwrap();
        assert_eq!(
            soon.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(),
            ["open-soon"]
        );

        let counts = consultations::status_counts(db).await.unwrap();
        assert_eq!(
            counts,
            vec![
                (Status::Upcoming, 1),
                (Status::Open, 3),
                (Status::Closed, 1),
                (Status::Results, 1)
            ]
        );

        // Publishing results changes the status; the audit log has it.
        let closed = consultations::find(db, "closed-one")
            .await
            .unwrap()
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        consultations::publish_results(
            &mut tx,
            &actor,
            &closed,
            &Results {
                we_asked_en: String::new(),
                we_asked_fr: String::new(),
                you_said_en: String::new(),
                you_said_fr: String::new(),
                we_did_en: "We changed the rules.".into(),
                we_did_fr: "Nous avons changé les règles.".into(),
                results_url: String::new(),
                published_on: today(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(status("closed-one").await, Status::Results);
        let (audit, _) = platform::admin::list_audit(
            db,
            &platform::admin::AuditFilter {
                action: "consultation.results".into(),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(audit.len(), 1);
    }
}

#[tokio::test]
async fn directory_refuses_bad_entries_and_saves_nothing() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let actor = Actor::system("test");
        let mut bad = entry("Bad Slug", o.id, 5, Some(1));
        bad.title_en = "<script>alert(1)</script>".into();
        bad.level = None;
        bad.ways = vec![NewWay {
            kind: Some(WayKind::Survey),
            url: "javascript:alert(1)".into(),
            ..Default::default()
        }];
        let mut tx = db.begin().await.unwrap();
        let err = consultations::create(&mut tx, &actor, &bad)
            .await
            .unwrap_err();
        drop(tx);
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        for f in ["slug", "title_en", "level", "closes_on", "ways[0].url"] {
            assert!(fields.contains(&f), "{}: {f} not in {fields:?}", t.engine);
        }
        // Unknown topic: a field error, nothing saved.
        let mut tx = db.begin().await.unwrap();
        let mut unknown = entry("fine-slug", o.id, -1, Some(3));
        unknown.topics = vec!["no-such-topic".into()];
        let err = consultations::create(&mut tx, &actor, &unknown)
            .await
            .unwrap_err();
        drop(tx);
        assert_eq!(err.field_errors()[0].field, "topics", "{}", t.engine);
        assert_eq!(count(db, "dialogue_consultations").await, 0);
    }
}

#[tokio::test]
async fn ideas_are_submitted_only_while_the_phase_is_open_and_within_limits() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let unverified = person(db, "bob@example.org", Role::Participant, false, None).await;
        let idea = |title: &'static str| NewIdea {
            theme: "transparency",
            title,
            body: "Publish it all.",
            lang: Lang::En,
        };

        // Unverified: refused, nothing saved.
        let err = db
            .write(async |tx| ideas::submit(tx, &p, &unverified, idea("Open data")).await)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(m) if m.key == "dialogue-error-verify-first"),
            "{}: {err:?}",
            t.engine
        );

        // Bad fields: each named, nothing saved.
        let err = submit_idea(db, &p, &ada, "nope", "", "<script>x</script>")
            .await
            .unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| (f.field.as_str(), f.msg.key.as_ref()))
            .collect();
        assert_eq!(
            fields,
            [
                ("theme", "error-not-in-list"),
                ("title", "error-required"),
                ("body", "dialogue-error-html")
            ]
        );
        let long = "x".repeat(5001);
        let err = submit_idea(db, &p, &ada, "transparency", "Fine", &long)
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].msg.key, "error-too-long");
        assert_eq!(count(db, "dialogue_ideas").await, 0);
        assert_eq!(count(db, "dialogue_idea_versions").await, 0);

        // Within the limit of 3 per person, then refused.
        for title in ["One", "Two", "Three"] {
            db.write(async |tx| ideas::submit(tx, &p, &ada, idea(title)).await)
                .await
                .unwrap();
        }
        let err = db
            .write(async |tx| ideas::submit(tx, &p, &ada, idea("Four")).await)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(m) if m.key == "dialogue-error-idea-limit"),
            "{err:?}"
        );
        assert_eq!(count(db, "dialogue_ideas").await, 3);
        // The author follows their idea and version 1 is the original.
        assert_eq!(count(db, "dialogue_follows").await, 3);

        // Outside the phase: refused.
        set_phase(db, &p, PhaseKind::Ideas, -10, -1).await;
        let closed = reload(db, &p).await;
        let grace = person(db, "grace@example.org", Role::Participant, true, None).await;
        let err = db
            .write(async |tx| ideas::submit(tx, &closed, &grace, idea("Late")).await)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(m) if m.key == "dialogue-error-submissions-closed"),
            "{err:?}"
        );
        assert_eq!(count(db, "dialogue_ideas").await, 3);
    }
}

#[tokio::test]
async fn a_flood_of_ideas_is_refused() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let mut ps = Vec::new();
        for i in 0..4 {
            ps.push(
                process(
                    db,
                    &o,
                    &format!("flood-{i}"),
                    VoteRule::OnePerTheme,
                    vec![phase(PhaseKind::Ideas, -1, 1)],
                )
                .await,
            );
        }
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let mut refused = None;
        for n in 0..12 {
            let p = &ps[n % 4];
            let title = format!("Idea {n}");
            match submit_idea(db, p, &ada, "accountability", &title, "Text.").await {
                Ok(_) => {}
                Err(e) => {
                    refused = Some((n, e));
                    break;
                }
            }
        }
        let (n, e) = refused.expect("the flood was refused");
        assert_eq!(n as i64, ideas::IDEAS_PER_HOUR, "{}", t.engine);
        assert!(
            matches!(&e, Error::RateLimited(m) if m.key == "dialogue-error-flood-ideas"),
            "{e:?}"
        );
    }
}

#[tokio::test]
async fn assessment_rewrites_keep_the_original_and_merges_keep_lineage() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let staff = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let a = submit_idea(
            db,
            &p,
            &ada,
            "transparency",
            "Open the data",
            "It is my considered view that data ought to be opened forthwith.",
        )
        .await
        .unwrap();
        let b = submit_idea(db, &p, &ada, "transparency", "Data in CSV", "Use CSV.")
            .await
            .unwrap();
        let idea_a = ideas::get(db, a).await.unwrap().unwrap();

        // The queue has both.
        assert_eq!(
            ideas::queue(db, &staff, None).await.unwrap().len(),
            2,
            "{}",
            t.engine
        );

        // A rewrite is a new version; the original stays.
        db.write(async |tx| {
            ideas::rewrite(
                tx,
                &staff,
                &idea_a,
                "Open the data",
                "Open the data now.",
                "shorter",
            )
            .await
        })
        .await
        .unwrap();
        let now = ideas::get(db, a).await.unwrap().unwrap();
        assert_eq!((now.version, now.body.as_str()), (2, "Open the data now."));
        let versions = ideas::versions(db, a).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(
            versions[0].body,
            "It is my considered view that data ought to be opened forthwith."
        );
        assert_eq!(versions[1].editor_label, "staff");
        assert_eq!(versions[1].note, "shorter");
        // The same text again is refused.
        let err = db
            .write(async |tx| {
                ideas::rewrite(tx, &staff, &now, "Open the data", "Open the data now.", "").await
            })
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].msg.key, "dialogue-error-rewrite-same");

        // The author objects once; someone else cannot.
        let grace = person(db, "grace@example.org", Role::Participant, true, None).await;
        assert!(matches!(
            db.write(async |tx| ideas::object(tx, &grace, &now, "No").await)
                .await,
            Err(Error::Forbidden(_))
        ));
        db.write(async |tx| {
            ideas::object(tx, &ada, &now, "The rewrite drops my point about speed.").await
        })
        .await
        .unwrap();
        assert!(matches!(
            db.write(async |tx| ideas::object(tx, &ada, &now, "Again").await)
                .await,
            Err(Error::Conflict(_))
        ));
        assert_eq!(ideas::objections(db, a).await.unwrap()[0].version_number, 2);

        // Not retained needs a reason; the checklist and the private note are kept.
        let err = assess_as(
            db,
            &staff,
            &p,
            &now,
            &Assessment {
                state: Some(IdeaState::NotRetained),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "answer_en");
        let checks = vec![(p.criteria[0].id, true), (p.criteria[1].id, false)];
        assess_as(
            db,
            &staff,
            &p,
            &now,
            &Assessment {
                checks: checks.clone(),
                state: Some(IdeaState::Accepted),
                answer_en: "On the ballot.".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        db.write(async |tx| ideas::add_note(tx, &staff, &now, "Check with the data office.").await)
            .await
            .unwrap();
        let stored = ideas::checks(db, a).await.unwrap();
        assert_eq!(stored.iter().filter(|c| c.met).count(), 1);
        assert_eq!(ideas::notes(db, a).await.unwrap().len(), 1);
        let after = ideas::get(db, a).await.unwrap().unwrap();
        assert_eq!(
            (after.state(), after.answered_by.as_str()),
            (IdeaState::Accepted, "staff")
        );

        // Merge b into a: lineage both ways; merging into itself or into a merged idea is refused.
        let idea_b = ideas::get(db, b).await.unwrap().unwrap();
        let err = assess_as(
            db,
            &staff,
            &p,
            &idea_b,
            &Assessment {
                state: Some(IdeaState::Merged),
                merged_into: Some(b),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_errors()[0].msg.key, "dialogue-error-merge-self");
        assess_as(
            db,
            &staff,
            &p,
            &idea_b,
            &Assessment {
                state: Some(IdeaState::Merged),
                merged_into: Some(a),
                answer_en: "Same as another idea.".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            ideas::get(db, b).await.unwrap().unwrap().merged_into,
            Some(a)
        );
        assert_eq!(ideas::merged_from(db, a).await.unwrap()[0].id, b);
        let merged_b = ideas::get(db, b).await.unwrap().unwrap();
        let err = assess_as(
            db,
            &staff,
            &p,
            &after,
            &Assessment {
                state: Some(IdeaState::Merged),
                merged_into: Some(merged_b.id),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_errors()[0].msg.key, "dialogue-error-merge-target");
        // The queue keeps ideas whose author objected to the current rewrite.
        let queue = ideas::queue(db, &staff, None).await.unwrap();
        assert_eq!(
            queue.iter().map(|i| i.id).collect::<Vec<_>>(),
            vec![a],
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn one_favourite_per_theme_change_and_receipts() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![
                phase(PhaseKind::Ideas, -3, 3),
                phase(PhaseKind::Voting, -1, 5),
            ],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let staff = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let t1 = accepted_idea(db, &p, &ada, &staff, "transparency", "T one").await;
        let t2 = accepted_idea(db, &p, &ada, &staff, "transparency", "T two").await;
        let a1 = accepted_idea(db, &p, &ada, &staff, "accountability", "A one").await;
        let voter = person(db, "voter@example.org", Role::Participant, true, None).await;
        let not_accepted = submit_idea(db, &p, &voter, "accountability", "Pending", "x")
            .await
            .unwrap();
        let choice = |scope: &str, ideas: Vec<uuid::Uuid>, change: bool| BallotChoice {
            scope: scope.into(),
            ideas,
            change,
        };

        // An idea of another theme, or one not accepted, is not on the ballot.
        let err = cast(db, &p, &voter, &[choice("transparency", vec![a1], false)])
            .await
            .unwrap_err();
        assert_eq!(
            err.field_errors()[0].field,
            "theme-transparency",
            "{}",
            t.engine
        );
        let err = cast(
            db,
            &p,
            &voter,
            &[choice("accountability", vec![not_accepted], false)],
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_errors()[0].msg.key, "dialogue-error-ballot-idea");
        let err = cast(
            db,
            &p,
            &voter,
            &[choice("transparency", vec![t1, t2], false)],
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.field_errors()[0].msg.key,
            "dialogue-error-ballot-too-many"
        );
        assert_eq!(count(db, "dialogue_ballots").await, 0);
        assert_eq!(count(db, "dialogue_receipts").await, 0);

        // Two themes at once: one receipt for both ballots.
        let out = cast(
            db,
            &p,
            &voter,
            &[
                choice("transparency", vec![t1], false),
                choice("accountability", vec![a1], false),
            ],
        )
        .await
        .unwrap();
        let code = out.receipt.clone().unwrap();
        assert_eq!((out.cast, out.changed), (2, 0));

        // A second ballot in a theme is refused; nothing partial is saved.
        let err = cast(db, &p, &voter, &[choice("transparency", vec![t2], false)])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Conflict(m) if m.key == "dialogue-error-already-voted"),
            "{err:?}"
        );
        assert_eq!(count(db, "dialogue_ballots").await, 2);
        assert_eq!(count(db, "dialogue_receipts").await, 1);

        // Changing keeps the ballot and its receipt.
        let out = cast(db, &p, &voter, &[choice("transparency", vec![t2], true)])
            .await
            .unwrap();
        assert_eq!((out.cast, out.changed, out.receipt), (0, 1, None));
        let mine = votes::my_ballots(db, &p, voter.id).await.unwrap();
        assert!(
            mine.contains(&("transparency".to_string(), vec![t2])),
            "{mine:?}"
        );
        let check = votes::check_receipt(db, &code).await.unwrap().unwrap();
        assert_eq!(check.ballots.len(), 2);
        assert!(check.ballots.iter().all(|b| b.counted));
        // The check says which themes, never which ideas.
        let json = serde_json::to_string(&check).unwrap();
        for id in [t1, t2, a1] {
            assert!(!json.contains(&id.to_string()), "{json}");
        }
        // Lower case and spaces work; a wrong code finds nothing.
        assert!(
            votes::check_receipt(db, &code.to_lowercase().replace('-', " "))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            votes::check_receipt(db, "AAAAA-AAAAA-AAAAA-AAAAA")
                .await
                .unwrap()
                .is_none()
        );

        // Tallies hidden while open; ranked once voting closed.
        assert!(!p.results_visible());
        set_phase(db, &p, PhaseKind::Voting, -5, -1).await;
        let closed = reload(db, &p).await;
        assert!(closed.results_visible());
        let ranked = votes::ranked(db, &closed).await.unwrap();
        assert_eq!(ranked[0].rows[0].idea.id, t2);
        assert_eq!((ranked[0].rows[0].rank, ranked[0].rows[0].votes), (1, 1));
        assert_eq!((ranked[0].rows[1].rank, ranked[0].rows[1].votes), (2, 0));
        // Voting after the close is refused.
        let late = person(db, "late@example.org", Role::Participant, true, None).await;
        let err = cast(
            db,
            &closed,
            &late,
            &[choice("accountability", vec![a1], false)],
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(m) if m.key == "dialogue-error-voting-closed"),
            "{err:?}"
        );
        // The audit log says who cast a ballot, never for what.
        let (audit, _) = platform::admin::list_audit(
            db,
            &platform::admin::AuditFilter {
                action: "ballot.".into(),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(audit.len(), 3);
        for e in audit {
            let after = serde_json::to_string(&e.after_state).unwrap();
            for id in [t1, t2, a1] {
                assert!(!after.contains(&id.to_string()), "{after}");
            }
        }
    }
}

#[tokio::test]
async fn approval_up_to_n_and_unverified_voters() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p2",
            VoteRule::Approval,
            vec![
                phase(PhaseKind::Ideas, -3, 3),
                phase(PhaseKind::Voting, -1, 5),
            ],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let staff = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let i1 = accepted_idea(db, &p, &ada, &staff, "transparency", "One").await;
        let i2 = accepted_idea(db, &p, &ada, &staff, "accountability", "Two").await;
        let i3 = accepted_idea(db, &p, &ada, &staff, "accountability", "Three").await;
        let voter = person(db, "voter@example.org", Role::Participant, true, None).await;
        let all = |ideas: Vec<uuid::Uuid>, change: bool| {
            vec![BallotChoice {
                scope: "all".into(),
                ideas,
                change,
            }]
        };
        let err = cast(db, &p, &voter, &all(vec![i1, i2, i3], false))
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "ideas", "{}", t.engine);
        let err = cast(db, &p, &voter, &all(vec![i1, i1], false))
            .await
            .unwrap_err();
        assert_eq!(
            err.field_errors()[0].msg.key,
            "dialogue-error-ballot-duplicate"
        );
        cast(db, &p, &voter, &all(vec![i1, i2], false))
            .await
            .unwrap();
        cast(db, &p, &voter, &all(vec![i3], true)).await.unwrap();
        assert_eq!(votes::totals(db, p.process.id).await.unwrap().choices, 1);
        let unverified = person(db, "bob@example.org", Role::Participant, false, None).await;
        let err = cast(db, &p, &unverified, &all(vec![i1], false))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Forbidden(m) if m.key == "dialogue-error-verify-first"),
            "{err:?}"
        );
    }
}

/// One person, one ballot under concurrency: many simultaneous first ballots from the same voter
/// give exactly one; many voters at once are all counted once.
#[tokio::test]
async fn one_ballot_per_person_holds_under_concurrency() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![
                phase(PhaseKind::Ideas, -3, 3),
                phase(PhaseKind::Voting, -1, 5),
            ],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let staff = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let idea = accepted_idea(db, &p, &ada, &staff, "transparency", "T").await;
        let voter = person(db, "voter@example.org", Role::Participant, true, None).await;
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (db, p, voter) = (db.clone(), p.clone(), voter.clone());
                tokio::spawn(async move {
                    cast(
                        &db,
                        &p,
                        &voter,
                        &[BallotChoice {
                            scope: "transparency".into(),
                            ideas: vec![idea],
                            change: false,
                        }],
                    )
                    .await
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(Error::Conflict(m)) => assert_eq!(m.key, "dialogue-error-already-voted"),
                Err(e) => panic!("{}: unexpected {e:?}", t.engine),
            }
        }
        assert_eq!(ok, 1, "{}", t.engine);
        assert_eq!(votes::totals(db, p.process.id).await.unwrap().ballots, 1);

        let mut voters = Vec::new();
        for i in 0..12 {
            voters.push(
                person(
                    db,
                    &format!("v{i}@example.org"),
                    Role::Participant,
                    true,
                    None,
                )
                .await,
            );
        }
        let tasks: Vec<_> = voters
            .into_iter()
            .map(|v| {
                let (db, p) = (db.clone(), p.clone());
                tokio::spawn(async move {
                    cast(
                        &db,
                        &p,
                        &v,
                        &[BallotChoice {
                            scope: "transparency".into(),
                            ideas: vec![idea],
                            change: false,
                        }],
                    )
                    .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let totals = votes::totals(db, p.process.id).await.unwrap();
        assert_eq!(
            (totals.ballots, totals.choices, totals.voters),
            (13, 13, 13),
            "{}",
            t.engine
        );

        // The same voter changes their ballot many times at once, between two ideas: still one
        // ballot with one choice, and the tallies add up.
        let other = accepted_idea(db, &p, &ada, &staff, "transparency", "U").await;
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                let (db, p, voter) = (db.clone(), p.clone(), voter.clone());
                tokio::spawn(async move {
                    cast(
                        &db,
                        &p,
                        &voter,
                        &[BallotChoice {
                            scope: "transparency".into(),
                            ideas: vec![if i % 2 == 0 { idea } else { other }],
                            change: true,
                        }],
                    )
                    .await
                })
            })
            .collect();
        for task in tasks {
            let outcome = task.await.unwrap().unwrap();
            assert_eq!((outcome.changed, outcome.cast), (1, 0), "{}", t.engine);
            assert!(outcome.receipt.is_none());
        }
        let totals = votes::totals(db, p.process.id).await.unwrap();
        assert_eq!(
            (
                totals.ballots,
                totals.choices,
                totals.voters,
                totals.receipts
            ),
            (13, 13, 13, 13),
            "{}",
            t.engine
        );
        let tallies = votes::tallies(db, p.process.id).await.unwrap();
        assert_eq!(
            tallies.iter().map(|(_, n)| n).sum::<i64>(),
            13,
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn only_verified_reports_hide_by_default() {
    assert_eq!(
        ReportCounting::from_settings(&platform::config::Settings::default()),
        ReportCounting::VerifiedOnly
    );
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let bob = person(db, "bob@example.org", Role::Participant, true, None).await;
        let throwaway1 = person(db, "x1@example.org", Role::Participant, false, None).await;
        let throwaway2 = person(db, "x2@example.org", Role::Participant, false, None).await;
        let id = submit_idea(db, &p, &ada, "transparency", "Idea", "Text")
            .await
            .unwrap();
        let idea = ideas::get(db, id).await.unwrap().unwrap();
        let c = comment_as(db, &p, &idea, &ada, "A fair point", Lang::En)
            .await
            .unwrap();
        let counting = ReportCounting::VerifiedOnly;
        // Two unverified accounts reach the threshold of 2 in number, but do not count.
        for who in [&throwaway1, &throwaway2] {
            let hidden = report_as(
                db,
                who,
                TargetKind::Comment,
                c,
                ReportReason::Spam,
                counting,
            )
            .await
            .unwrap();
            assert!(!hidden, "{}", t.engine);
        }
        assert_eq!(
            ideas::comment(db, c).await.unwrap().unwrap().visibility(),
            Visibility::Visible,
            "{}",
            t.engine
        );
        // Their reports are still there for moderators.
        let queue = moderation::queue(db).await.unwrap();
        assert_eq!(queue[0].reports, 2, "{}", t.engine);
        // One verified report makes one that counts; a second hides it.
        assert!(
            !report_as(
                db,
                &bob,
                TargetKind::Comment,
                c,
                ReportReason::Spam,
                counting
            )
            .await
            .unwrap()
        );
        let cy = person(db, "cy@example.org", Role::Participant, true, None).await;
        assert!(
            report_as(
                db,
                &cy,
                TargetKind::Comment,
                c,
                ReportReason::Spam,
                counting
            )
            .await
            .unwrap(),
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn reports_hide_at_the_threshold_and_moderators_decide() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let bob = person(db, "bob@example.org", Role::Participant, true, None).await;
        let cy = person(db, "cy@example.org", Role::Participant, false, None).await;
        let moderator = person(db, "mod@example.org", Role::Moderator, true, None).await;
        let id = submit_idea(db, &p, &ada, "transparency", "Idea", "Text")
            .await
            .unwrap();
        let idea = ideas::get(db, id).await.unwrap().unwrap();
        let c = comment_as(db, &p, &idea, &bob, "Buy cheap watches", Lang::En)
            .await
            .unwrap();

        assert!(
            matches!(
                report_as(
                    db,
                    &bob,
                    TargetKind::Comment,
                    c,
                    ReportReason::Spam,
                    ReportCounting::Everyone
                )
                .await,
                Err(Error::Forbidden(_))
            ),
            "own comment"
        );
        assert!(
            !report_as(
                db,
                &ada,
                TargetKind::Comment,
                c,
                ReportReason::Spam,
                ReportCounting::Everyone
            )
            .await
            .unwrap()
        );
        assert!(
            matches!(
                report_as(
                    db,
                    &ada,
                    TargetKind::Comment,
                    c,
                    ReportReason::Offensive,
                    ReportCounting::Everyone
                )
                .await,
                Err(Error::Conflict(_))
            ),
            "twice"
        );
        // The threshold is 2: the second person's report hides it pending review (counting
        // everyone's reports here; cy is not verified).
        assert!(
            report_as(
                db,
                &cy,
                TargetKind::Comment,
                c,
                ReportReason::Spam,
                ReportCounting::Everyone
            )
            .await
            .unwrap(),
            "{}",
            t.engine
        );
        assert_eq!(
            ideas::comment(db, c).await.unwrap().unwrap().visibility(),
            Visibility::Pending
        );
        let queue = moderation::queue(db).await.unwrap();
        assert_eq!((queue.len(), queue[0].reports, queue[0].spam), (1, 2, 2));

        // Only moderators decide; keep shows it again and closes the reports.
        assert!(matches!(
            decide_as(db, &ada, TargetKind::Comment, c, Decision::Keep).await,
            Err(Error::Forbidden(_))
        ));
        decide_as(db, &moderator, TargetKind::Comment, c, Decision::Keep)
            .await
            .unwrap();
        assert_eq!(
            ideas::comment(db, c).await.unwrap().unwrap().visibility(),
            Visibility::Visible
        );
        assert!(moderation::queue(db).await.unwrap().is_empty());

        // Block: removed, and the author is blocked (sessions end, no log-in).
        report_as(
            db,
            &moderator,
            TargetKind::Comment,
            c,
            ReportReason::Spam,
            ReportCounting::Everyone,
        )
        .await
        .unwrap();
        decide_as(db, &moderator, TargetKind::Comment, c, Decision::Block)
            .await
            .unwrap();
        assert_eq!(
            ideas::comment(db, c).await.unwrap().unwrap().visibility(),
            Visibility::Removed
        );
        let blocked = platform::auth::find_user(db, bob.id)
            .await
            .unwrap()
            .unwrap();
        assert!(blocked.blocked_at.is_some(), "{}", t.engine);
        // Staff cannot be blocked from the queue.
        let staff = person(db, "staff@example.org", Role::Editor, true, Some(o.id)).await;
        let sc = comment_as(db, &p, &idea, &staff, "Staff note", Lang::En)
            .await
            .unwrap();
        assert!(matches!(
            decide_as(db, &moderator, TargetKind::Comment, sc, Decision::Block).await,
            Err(Error::Forbidden(_))
        ));
        // All of it is audited.
        let (audit, _) =
            platform::admin::list_audit(db, &platform::admin::AuditFilter::default(), 100, 0)
                .await
                .unwrap();
        for action in [
            "report.create",
            "comment.auto_hide",
            "comment.moderate",
            "user.block",
        ] {
            assert!(
                audit.iter().any(|e| e.action == action),
                "{}: {action}",
                t.engine
            );
        }
    }
}

#[tokio::test]
async fn comments_follow_the_phase_and_refuse_floods() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let unverified = person(db, "bob@example.org", Role::Participant, false, None).await;
        let id = submit_idea(db, &p, &ada, "transparency", "Idea", "Text")
            .await
            .unwrap();
        let idea = ideas::get(db, id).await.unwrap().unwrap();
        assert!(
            matches!(comment_as(db, &p, &idea, &unverified, "Hi", Lang::En).await, Err(Error::Forbidden(m)) if m.key == "dialogue-error-verify-first")
        );
        let err = comment_as(db, &p, &idea, &ada, "  ", Lang::En)
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "comment");
        for i in 0..ideas::COMMENTS_PER_TEN_MINUTES {
            comment_as(db, &p, &idea, &ada, &format!("Comment {i}"), Lang::En)
                .await
                .unwrap();
        }
        let err = comment_as(db, &p, &idea, &ada, "One more", Lang::En)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::RateLimited(_)),
            "{}: {err:?}",
            t.engine
        );
        set_phase(db, &p, PhaseKind::Ideas, -9, -1).await;
        let closed = reload(db, &p).await;
        let err = comment_as(db, &closed, &idea, &ada, "Late", Lang::En)
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::Forbidden(m) if m.key == "dialogue-error-comments-closed"));
    }
}

#[tokio::test]
async fn the_demo_loads_twice_without_duplicates() {
    for t in testing::engines().await {
        let platform = t.platform();
        dialogue::load_demo(&platform).await.unwrap();
        let counts = |table: &'static str| {
            let db = platform.db.clone();
            async move { count(&db, table).await }
        };
        let before = (
            counts("dialogue_processes").await,
            counts("dialogue_ideas").await,
            counts("dialogue_ballots").await,
            counts("dialogue_consultations").await,
        );
        dialogue::load_demo(&platform).await.unwrap();
        let after = (
            counts("dialogue_processes").await,
            counts("dialogue_ideas").await,
            counts("dialogue_ballots").await,
            counts("dialogue_consultations").await,
        );
        assert_eq!(before, after, "{}", t.engine);
        assert_eq!(before.0, 3);
        // Every status is in the directory; the 2016 process shows ranked results; the next
        // round is open for voting; Budget Talks is due on December 11.
        let statuses = consultations::status_counts(&platform.db).await.unwrap();
        assert!(statuses.iter().all(|(_, n)| *n >= 1), "{statuses:?}");
        let p2016 = dialogue::processes::find(&platform.db, "ogp-action-plan-2016")
            .await
            .unwrap()
            .unwrap();
        assert!(p2016.results_visible());
        assert_eq!(p2016.themes.len(), 4);
        let ranked = votes::ranked(&platform.db, &p2016).await.unwrap();
        assert_eq!(
            ranked[0].rows[0].idea.title,
            "Adopt the International Open Data Charter"
        );
        let next = dialogue::processes::find(&platform.db, "ogp-action-plan-next")
            .await
            .unwrap()
            .unwrap();
        assert!(next.open_phase(PhaseKind::Voting).is_some());
        let due = dialogue::demo::next_december_11();
        let budget =
            dialogue::processes::find(&platform.db, &format!("budget-talks-{}", due.year() + 1))
                .await
                .unwrap()
                .unwrap();
        assert_eq!(budget.phases.len(), 1);
        assert_eq!(budget.phases[0].closes_on, due);
        assert!(budget.open_phase(PhaseKind::Ideas).is_some());
    }
}
