//! The store on every engine: what is kept, what is refused (each field named, nothing
//! partial), the progress roll-up, the history of completion changes, filters and overdue.

use platform::error::FieldError;
use platform::testing;
use platform::{Actor, Bilingual, Db, Error};
use tracker::model::{Completion, Status};
use tracker::store::{
    self, AssessmentInput, EvidenceInput, Filter, ItemInput, MilestoneInput, PlanInput, UpdateInput,
};

use crate::common::{count, org};

pub async fn fixture(db: &Db) {
    org(
        db,
        "treasury-board-secretariat",
        "Treasury Board Secretariat",
        "Secrétariat du Conseil du Trésor",
    )
    .await;
    org(
        db,
        "ministry-of-labour",
        "Ministry of Labour",
        "Ministère du Travail",
    )
    .await;
    let mut tx = db.begin().await.unwrap();
    store::upsert_theme(
        &mut tx,
        "open-data",
        &Bilingual::new("Open data", "Données ouvertes"),
    )
    .await
    .unwrap();
    store::create_plan(
        &mut tx,
        &Actor::system("test"),
        PlanInput {
            slug: "plan-one".into(),
            title: Bilingual::new("Plan one", "Plan un"),
            country: "Ontario, Canada".into(),
            region: "Americas".into(),
            plan_number: 1,
            year_submitted: Some(2016),
            ..PlanInput::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn milestone(
    en: &str,
    start: &str,
    end: &str,
    completion: &str,
    weight: Option<i64>,
) -> MilestoneInput {
    MilestoneInput {
        activity: Bilingual::new(en, ""),
        novelty: "new".into(),
        start: start.into(),
        end: end.into(),
        completion: completion.into(),
        weight,
        evidence: Vec::new(),
    }
}

pub fn commitment(number: &str, milestones: Vec<MilestoneInput>) -> ItemInput {
    ItemInput {
        kind: "commitment".into(),
        plan: "plan-one".into(),
        number: number.into(),
        organization: "treasury-board-secretariat".into(),
        title: Bilingual::new(
            format!("Commitment {number}"),
            format!("Engagement {number}"),
        ),
        themes: vec!["open-data".into()],
        milestones,
        ..ItemInput::default()
    }
}

async fn create(db: &Db, input: ItemInput) -> Result<store::Item, Error> {
    let mut tx = db.begin().await.unwrap();
    let r = store::create_item(&mut tx, &Actor::system("test"), input).await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

fn fields(e: &Error) -> Vec<String> {
    e.field_errors()
        .iter()
        .map(|FieldError { field, msg }| format!("{field}: {}", msg.key))
        .collect()
}

#[tokio::test]
async fn a_commitment_keeps_every_field_and_rolls_up_its_milestones() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let mut input = commitment(
            "1",
            vec![
                milestone("Announce", "2017-01", "2017-03-15", "complete", None),
                milestone("Draft", "2017-02-01", "", "limited", None),
                milestone("Publish", "", "", "", None),
            ],
        );
        input.contact.email = "someone@ontario.ca".into();
        input.contact.role = Bilingual::new("Manager", "Gestionnaire");
        input.actors_government = Bilingual::new("A\nB", "");
        input.values = vec![store::ValueRelevance {
            value: tracker::model::OgpValue::CivicParticipation,
            relevant: true,
            text: Bilingual::new("Civic text", "Texte civique"),
        }];
        input.milestones[0].evidence.push(EvidenceInput {
            kind: "dataset".into(),
            url: "https://data.ontario.ca/dataset/x".into(),
            title: Bilingual::new("A dataset", ""),
        });
        let item = create(db, input).await.unwrap();
        assert_eq!(item.slug, "commitment-1", "{}", t.engine);
        let d = store::detail(db, item.clone()).await.unwrap();
        let s = &d.summary;
        assert_eq!(s.item.contact.email, "someone@ontario.ca");
        assert_eq!(s.item.contact.role.fr, "Gestionnaire");
        assert!(
            s.item
                .value(tracker::model::OgpValue::CivicParticipation)
                .unwrap()
                .relevant
        );
        assert!(
            !s.item
                .value(tracker::model::OgpValue::Technology)
                .unwrap()
                .relevant
        );
        assert_eq!(s.milestones.len(), 3);
        assert_eq!(s.milestones[0].start.unwrap().to_string(), "2017-01");
        assert_eq!(s.milestones[0].end.unwrap().to_string(), "2017-03-15");
        assert_eq!(s.milestones[0].evidence.len(), 1);
        assert_eq!(
            s.milestones[0].evidence[0].kind,
            tracker::model::EvidenceKind::Dataset
        );
        // (100 + 25 + 0) / 3
        assert_eq!(s.progress.percent, 42);
        assert!(!s.progress.weighted);
        assert_eq!(s.status, Status::InProgress);
        assert_eq!(s.themes.len(), 1);
        assert_eq!(s.plan.as_ref().unwrap().slug, "plan-one");
        // With weights the roll-up follows them.
        let weighted = create(
            db,
            commitment(
                "2",
                vec![
                    milestone("Big", "", "", "complete", Some(3)),
                    milestone("Small", "", "", "not_started", Some(1)),
                ],
            ),
        )
        .await
        .unwrap();
        let d = store::detail(db, weighted).await.unwrap();
        assert_eq!(
            (d.summary.progress.percent, d.summary.progress.weighted),
            (75, true)
        );
        // Every write is in the audit log.
        let audited = count(db, "audit_log WHERE action = 'tracker.item.create'").await;
        assert_eq!(audited, 2);
    }
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_kept() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let mut input = commitment(
            "1",
            vec![
                milestone("Ok", "2017-01", "2017-02", "limited", Some(2)),
                milestone("Backwards", "2017-03-10", "2017-02", "", None),
                milestone("Off the scale", "", "", "half", None),
                milestone("Negative", "", "", "", Some(-1)),
                milestone("Bad date", "January 2017", "2017-13", "", None),
            ],
        );
        input.milestones[0].evidence = vec![
            EvidenceInput {
                kind: "page".into(),
                url: "/en/tracker/commitments/does-not-exist".into(),
                title: Bilingual::default(),
            },
            EvidenceInput {
                kind: "page".into(),
                url: "/en/consultations/something".into(),
                title: Bilingual::default(),
            },
            EvidenceInput {
                kind: "spreadsheet".into(),
                url: "not a url".into(),
                title: Bilingual::default(),
            },
        ];
        input.themes.push("no-such-theme".into());
        input.contact.email = "nobody".into();
        let err = create(db, input).await.unwrap_err();
        let got = fields(&err);
        for want in [
            "milestones[1].end: tracker-error-end-before-start",
            "milestones[2].completion: tracker-error-completion",
            "milestones[3].weight: tracker-error-weight-negative",
            "milestones[4].start: tracker-error-date",
            "milestones[4].end: tracker-error-date",
            "milestones[0].evidence[0].url: tracker-error-link-not-found",
            "milestones[0].evidence[1].url: tracker-error-link-unchecked",
            "milestones[0].evidence[2].kind: tracker-error-evidence-kind",
            "milestones[0].evidence[2].url: tracker-error-url",
            "themes: tracker-error-theme-unknown",
            "contact.email: error-email-invalid",
        ] {
            assert!(
                got.contains(&want.to_string()),
                "{} missing {want} in {got:#?}",
                t.engine
            );
        }
        assert_eq!(count(db, "tracker_items").await, 0);
        assert_eq!(count(db, "tracker_milestones").await, 0);
        assert_eq!(count(db, "tracker_evidence").await, 0);

        // Unknown organization and plan, a commitment without number, a bad kind.
        let mut input = commitment("", vec![]);
        input.organization = "nope".into();
        input.plan = "nope".into();
        let got = fields(&create(db, input).await.unwrap_err());
        for want in [
            "organization: tracker-error-organization-unknown",
            "plan: tracker-error-plan-unknown",
            "number: error-required",
        ] {
            assert!(got.contains(&want.to_string()), "missing {want} in {got:?}");
        }
        let mut input = commitment("1", vec![]);
        input.kind = "programme".into();
        let got = fields(&create(db, input).await.unwrap_err());
        assert!(
            got.contains(&"kind: tracker-error-kind".to_string()),
            "{got:?}"
        );
        assert_eq!(count(db, "tracker_items").await, 0);

        // A good link to a tracker page that exists is accepted; the same number twice is not.
        create(db, commitment("1", vec![])).await.unwrap();
        let mut input = commitment("2", vec![milestone("x", "", "", "", None)]);
        input.milestones[0].evidence.push(EvidenceInput {
            kind: "page".into(),
            url: "/fr/tracker/commitments/commitment-1#milestones".into(),
            title: Bilingual::default(),
        });
        create(db, input).await.unwrap();
        let got = fields(&create(db, commitment("1", vec![])).await.unwrap_err());
        assert_eq!(got, vec!["number: tracker-error-number-taken".to_string()]);
    }
}

async fn post(db: &Db, item: &store::Item, input: UpdateInput) -> Result<store::Update, Error> {
    let mut tx = db.begin().await.unwrap();
    let r = store::post_update(&mut tx, &Actor::system("test"), "Team", item, &input).await;
    if r.is_ok() {
        tx.commit().await.unwrap();
    }
    r
}

#[tokio::test]
async fn updates_move_milestones_and_keep_the_history() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let item = create(
            db,
            commitment("1", vec![milestone("One", "2017-01", "", "", None)]),
        )
        .await
        .unwrap();
        let m = store::detail(db, item.clone())
            .await
            .unwrap()
            .summary
            .milestones[0]
            .clone();
        let first = post(
            db,
            &item,
            UpdateInput {
                body: Bilingual::new("Started", "Commencé"),
                milestone: Some(m.id),
                completion: "limited".into(),
                evidence: Some(EvidenceInput {
                    kind: "document".into(),
                    url: "https://www.ontario.ca/page/open-data".into(),
                    title: Bilingual::new("Directive", ""),
                }),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(first.completion_before, Some(Completion::NotStarted));
        assert_eq!(first.completion_after, Some(Completion::Limited));
        post(
            db,
            &item,
            UpdateInput {
                body: Bilingual::new("Done", ""),
                milestone: Some(m.id),
                completion: "complete".into(),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap();
        let d = store::detail(db, item.clone()).await.unwrap();
        assert_eq!(d.summary.milestones[0].completion, Completion::Complete);
        assert_eq!(d.summary.status, Status::Completed);
        assert_eq!(d.summary.milestones[0].evidence.len(), 1);
        assert_eq!(
            d.summary.milestones[0].evidence[0].update_id,
            Some(first.id)
        );
        // The whole history, newest first.
        let history: Vec<_> = d
            .updates
            .iter()
            .map(|u| (u.completion_before, u.completion_after))
            .collect();
        assert_eq!(
            history,
            vec![
                (Some(Completion::Limited), Some(Completion::Complete)),
                (Some(Completion::NotStarted), Some(Completion::Limited)),
            ]
        );

        // Refused: a completion off the scale, a completion without a milestone, an empty
        // body, a milestone of another item, evidence to a page that does not exist.
        let other = create(
            db,
            commitment("2", vec![milestone("Two", "", "", "", None)]),
        )
        .await
        .unwrap();
        let other_m = store::detail(db, other).await.unwrap().summary.milestones[0].id;
        let err = post(
            db,
            &item,
            UpdateInput {
                body: Bilingual::default(),
                milestone: Some(other_m),
                completion: "half".into(),
                evidence: Some(EvidenceInput {
                    kind: "page".into(),
                    url: "/en/tracker/projects/missing".into(),
                    title: Bilingual::default(),
                }),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap_err();
        let got = fields(&err);
        for want in [
            "body_en: tracker-error-update-empty",
            "milestone: tracker-error-milestone-unknown",
            "completion: tracker-error-completion",
            "evidence_url: tracker-error-link-not-found",
        ] {
            assert!(got.contains(&want.to_string()), "missing {want} in {got:?}");
        }
        let err = post(
            db,
            &item,
            UpdateInput {
                body: Bilingual::new("x", ""),
                completion: "complete".into(),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&err),
            vec!["milestone: tracker-error-completion-without-milestone"]
        );
        assert_eq!(count(db, "tracker_updates").await, 2, "{}", t.engine);
        assert_eq!(count(db, "tracker_evidence").await, 1);
        let feed = store::recent_updates(db, None, 10).await.unwrap();
        assert_eq!(feed.len(), 2);
        assert_eq!(feed[0].milestone_position, Some(1));
    }
}

#[tokio::test]
async fn milestones_are_added_and_changed_with_the_same_checks() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let item = create(db, commitment("1", vec![])).await.unwrap();
        let actor = Actor::system("test");
        let mut tx = db.begin().await.unwrap();
        let err = store::add_milestone(
            &mut tx,
            &actor,
            &item,
            &milestone("x", "2018-05", "2018-04-30", "", Some(-5)),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&err),
            vec![
                "end: tracker-error-end-before-start",
                "weight: tracker-error-weight-negative"
            ]
        );
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        store::add_milestone(
            &mut tx,
            &actor,
            &item,
            &milestone("x", "2018-05", "2018-05", "", Some(0)),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let m = store::detail(db, item.clone())
            .await
            .unwrap()
            .summary
            .milestones[0]
            .clone();
        assert_eq!(m.position, 1);
        let mut tx = db.begin().await.unwrap();
        store::edit_milestone(
            &mut tx,
            &actor,
            &m,
            &milestone("y", "2018-05-02", "2019-01", "", Some(10)),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let m = store::detail(db, item).await.unwrap().summary.milestones[0].clone();
        assert_eq!(m.activity.en, "y");
        assert_eq!(m.weight, Some(10));
        assert_eq!(m.end.unwrap().to_string(), "2019-01");
    }
}

#[tokio::test]
async fn lists_filter_by_plan_status_organization_theme_kind_and_overdue() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        create(
            db,
            commitment(
                "1",
                vec![milestone("Late", "2016-01", "2016-06", "limited", None)],
            ),
        )
        .await
        .unwrap();
        create(
            db,
            commitment(
                "2",
                vec![milestone("Done", "2016-01", "2016-06", "complete", None)],
            ),
        )
        .await
        .unwrap();
        let mut project = commitment(
            "",
            vec![milestone("Future", "2016-01", "2999-01", "", None)],
        );
        project.kind = "project".into();
        project.plan = String::new();
        project.organization = "ministry-of-labour".into();
        project.themes = Vec::new();
        project.title = Bilingual::new("A project", "Un projet");
        create(db, project).await.unwrap();

        let slugs = |f: Filter| async move {
            store::list(db, &f)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.item.slug)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            slugs(Filter::default()).await,
            vec!["commitment-1", "commitment-2", "a-project"]
        );
        assert_eq!(
            slugs(Filter {
                kind: "project".into(),
                ..Filter::default()
            })
            .await,
            vec!["a-project"]
        );
        assert_eq!(
            slugs(Filter {
                plan: "plan-one".into(),
                ..Filter::default()
            })
            .await,
            vec!["commitment-1", "commitment-2"]
        );
        assert_eq!(
            slugs(Filter {
                status: "completed".into(),
                ..Filter::default()
            })
            .await,
            vec!["commitment-2"]
        );
        assert_eq!(
            slugs(Filter {
                status: "not_started".into(),
                ..Filter::default()
            })
            .await,
            vec!["a-project"]
        );
        assert_eq!(
            slugs(Filter {
                organization: "ministry-of-labour".into(),
                ..Filter::default()
            })
            .await,
            vec!["a-project"]
        );
        assert_eq!(
            slugs(Filter {
                theme: "open-data".into(),
                ..Filter::default()
            })
            .await,
            vec!["commitment-1", "commitment-2"]
        );
        assert_eq!(
            slugs(Filter {
                overdue: "1".into(),
                ..Filter::default()
            })
            .await,
            vec!["commitment-1"],
            "{}: only the limited milestone past its end is overdue",
            t.engine
        );
        assert!(
            slugs(Filter {
                plan: "unknown".into(),
                ..Filter::default()
            })
            .await
            .is_empty()
        );
    }
}

#[tokio::test]
async fn assessments_are_checked_and_kept() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let item = create(db, commitment("1", vec![])).await.unwrap();
        let actor = Actor::system("test");
        let mut tx = db.begin().await.unwrap();
        let err = store::add_assessment(
            &mut tx,
            &actor,
            item.id,
            &AssessmentInput {
                specificity: "very".into(),
                potential_impact: "huge".into(),
                completion: "done".into(),
                opened_government: "yes".into(),
                assessor: " ".into(),
                assessed_on: "2018-02-30".into(),
                ..AssessmentInput::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&err),
            vec![
                "specificity: tracker-error-specificity",
                "potential_impact: tracker-error-impact",
                "completion: tracker-error-completion",
                "opened_government: tracker-error-opened",
                "assessor: error-required",
                "assessed_on: tracker-error-day",
            ]
        );
        drop(tx);
        let mut tx = db.begin().await.unwrap();
        store::add_assessment(
            &mut tx,
            &actor,
            item.id,
            &AssessmentInput {
                specificity: "medium".into(),
                relevance: vec![tracker::model::OgpValue::AccessInformation],
                potential_impact: "moderate".into(),
                completion: "substantial".into(),
                opened_government: "marginal".into(),
                assessor: "IRM progress report".into(),
                assessed_on: "2018-03-31".into(),
                ..AssessmentInput::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let d = store::detail(db, item).await.unwrap();
        let a = &d.assessments[0];
        assert_eq!(a.assessed_on.to_string(), "2018-03-31");
        assert_eq!(
            a.relevance,
            vec![tracker::model::OgpValue::AccessInformation]
        );
        assert_eq!(
            a.opened_government,
            Some(tracker::model::OpenedGovernment::Marginal)
        );
    }
}

#[tokio::test]
async fn the_demo_loads_once() {
    for t in testing::engines().await {
        let platform = t.platform();
        tracker::load_demo(&platform).await.unwrap();
        let items = count(&t.db, "tracker_items").await;
        let updates = count(&t.db, "tracker_updates").await;
        let milestones = count(&t.db, "tracker_milestones").await;
        assert_eq!(items, 3 + 5, "{}", t.engine);
        assert_eq!(updates, 4);
        tracker::load_demo(&platform).await.unwrap();
        assert_eq!(count(&t.db, "tracker_items").await, items);
        assert_eq!(count(&t.db, "tracker_updates").await, updates);
        assert_eq!(count(&t.db, "tracker_milestones").await, milestones);
        assert_eq!(count(&t.db, "tracker_plans").await, 1);
        // The samples say so.
        let feed = store::recent_updates(&t.db, None, 50).await.unwrap();
        assert!(
            feed.iter()
                .all(|e| e.update.sample && e.update.body.en.contains("Sample update"))
        );
    }
}

#[tokio::test]
async fn updates_record_status_changes_and_the_team_may_set_one_by_hand() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let item = create(
            db,
            commitment("1", vec![milestone("Only", "", "", "", None)]),
        )
        .await
        .unwrap();
        let m = store::detail(db, item.clone())
            .await
            .unwrap()
            .summary
            .milestones[0]
            .id;
        let done = post(
            db,
            &item,
            UpdateInput {
                body: Bilingual::new("Done", ""),
                milestone: Some(m),
                completion: "complete".into(),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (done.status_before, done.status_after),
            (Some(Status::NotStarted), Some(Status::Completed)),
            "{}",
            t.engine
        );
        let fresh = store::item_by_slug(db, &item.slug).await.unwrap().unwrap();
        let held = post(
            db,
            &fresh,
            UpdateInput {
                body: Bilingual::new("Paused for the election", ""),
                status: "on_hold".into(),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (held.status_before, held.status_after),
            (Some(Status::Completed), Some(Status::OnHold))
        );
        let fresh = store::item_by_slug(db, &item.slug).await.unwrap().unwrap();
        assert_eq!(fresh.status_override, Some(Status::OnHold));
        assert_eq!(
            store::detail(db, fresh.clone())
                .await
                .unwrap()
                .summary
                .status,
            Status::OnHold
        );
        let err = post(
            db,
            &fresh,
            UpdateInput {
                body: Bilingual::new("?", ""),
                status: "paused".into(),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&err), vec!["status: tracker-error-status"]);
        let back = post(
            db,
            &fresh,
            UpdateInput {
                body: Bilingual::new("Resumed", ""),
                status: "follow".into(),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (back.status_before, back.status_after),
            (Some(Status::OnHold), Some(Status::Completed))
        );
        let quiet = post(
            db,
            &item,
            UpdateInput {
                body: Bilingual::new("Note", ""),
                ..UpdateInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (quiet.status_before, quiet.status_after),
            (None, None),
            "no change, nothing recorded"
        );
        let feed = store::recent_updates(db, Some(item.id), 10).await.unwrap();
        assert_eq!(feed.len(), 4);
    }
}
