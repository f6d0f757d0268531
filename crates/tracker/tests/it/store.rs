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

/// The audit log's entries as `action entity_type entity_id`, oldest first.
async fn audited(db: &Db) -> Vec<String> {
    async fn rows(db: &Db) -> platform::Result<Vec<(String, String, String)>> {
        Ok(platform::read!(db, |c| {
            sqlx::query_as("SELECT action, entity_type, entity_id FROM audit_log ORDER BY id")
                .fetch_all(&mut *c)
                .await?
        }))
    }
    rows(db)
        .await
        .unwrap()
        .into_iter()
        .map(|(a, t, id)| format!("{a} {t} {id}"))
        .collect()
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
                url: "/en/account/login".into(),
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
        let log = audited(db).await;
        for entry in [
            format!("tracker.milestone.create tracker_milestone {}", m.id),
            format!("tracker.milestone.update tracker_milestone {}", m.id),
        ] {
            assert!(log.contains(&entry), "{entry} in {log:?}");
        }
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

/// A public dataset, a draft one, and a co-creation process (votes shown) with three ideas
/// (two in it, one in another process) and ballots for one of them.
pub struct Dialogue {
    pub idea_a: uuid::Uuid,
    pub idea_b: uuid::Uuid,
    pub elsewhere: uuid::Uuid,
}

pub async fn catalogue_and_dialogue(db: &Db) -> Dialogue {
    let actor = Actor::system("test");
    let tbs = org(
        db,
        "treasury-board-secretariat",
        "Treasury Board Secretariat",
        "",
    )
    .await;
    let mut tx = db.begin().await.unwrap();
    for (name, state) in [("water-quality", "active"), ("draft-data", "draft")] {
        catalogue::store::create(
            &mut tx,
            &actor,
            catalogue::store::DatasetInput {
                name: name.into(),
                title_en: name.into(),
                organization_id: Some(tbs),
                access_level: "open".into(),
                state: state.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let today = time::OffsetDateTime::now_utc().date();
    // "co-creation" shows its tallies; "other" hides them while its voting is open.
    let process = |slug: &str| -> dialogue::processes::NewProcess {
        let open = slug == "other";
        serde_json::from_value(serde_json::json!({
            "slug": slug, "organization_id": tbs, "title_en": format!("Process {slug}"),
            "title_fr": format!("Processus {slug}"), "vote_rule": "one_per_theme", "hide_tallies": open,
            "phases": [{"kind": "voting", "opens_on": (today - time::Duration::days(30)).to_string(),
                        "closes_on": (today + time::Duration::days(if open { 10 } else { -1 })).to_string()}],
            "themes": [{"slug": "open-data", "title_en": "Open data", "title_fr": "Données ouvertes"}],
        }))
        .unwrap()
    };
    for slug in ["co-creation", "other"] {
        dialogue::processes::create(&mut tx, &actor, &process(slug))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let co = dialogue::processes::find(db, "co-creation")
        .await
        .unwrap()
        .unwrap();
    let other = dialogue::processes::find(db, "other")
        .await
        .unwrap()
        .unwrap();
    let mut tx = db.begin().await.unwrap();
    let en = platform::Lang::En;
    let idea_a = dialogue::ideas::create_sample(
        &mut tx,
        &actor,
        &co,
        "open-data",
        en,
        "Publish contracts",
        "As open data.",
    )
    .await
    .unwrap();
    let idea_b = dialogue::ideas::create_sample(
        &mut tx,
        &actor,
        &co,
        "open-data",
        en,
        "Open the budget",
        "Month by month.",
    )
    .await
    .unwrap();
    let elsewhere = dialogue::ideas::create_sample(
        &mut tx,
        &actor,
        &other,
        "open-data",
        en,
        "Elsewhere",
        "Another process.",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // Accepted for voting, then two votes for B and one for A.
    let mut tx = db.begin().await.unwrap();
    for id in [idea_a, idea_b] {
        // What staff assessment does: accept the idea for voting.
        let done: Result<u64, Error> = async {
            Ok(platform::exec!(&mut tx, |c| {
                sqlx::query("UPDATE dialogue_ideas SET state = 'accepted' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *c)
                    .await?
                    .rows_affected()
            }))
        }
        .await;
        assert_eq!(done.unwrap(), 1);
    }
    tx.commit().await.unwrap();
    let mut voters = Vec::new();
    for i in 0..3 {
        voters.push(
            crate::common::person(
                db,
                &format!("voter{i}@example.org"),
                "",
                platform::auth::Role::Participant,
                None,
            )
            .await,
        );
    }
    let mut tx = db.begin().await.unwrap();
    for (voter, idea) in voters.into_iter().zip([idea_b, idea_b, idea_a]) {
        dialogue::votes::insert_sample_ballot(&mut tx, &co, voter, "open-data", idea)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    Dialogue {
        idea_a,
        idea_b,
        elsewhere,
    }
}

fn evidence(kind: &str, url: &str) -> EvidenceInput {
    EvidenceInput {
        kind: kind.into(),
        url: url.into(),
        title: Bilingual::default(),
    }
}

#[tokio::test]
async fn evidence_and_origin_must_lead_to_what_exists() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let d = catalogue_and_dialogue(db).await;
        let missing = uuid::Uuid::now_v7();
        let mut input = commitment("1", vec![milestone("Publish", "", "", "", None)]);
        input.milestones[0].evidence = vec![
            evidence("dataset", "no-such-dataset"),
            evidence("dataset", "draft-data"),
            evidence("dataset", "/fr/dataset/gone"),
            evidence("dataset", "/en/tracker/plans/plan-one"),
            evidence("page", &format!("/en/ideas/{missing}")),
            evidence("page", "/en/processes/nope/results"),
            evidence("page", "/en/consultations/nope"),
            evidence("document", "not a url"),
        ];
        input.origin_process = "co-creation".into();
        input.origin_ideas = vec![missing, d.elsewhere];
        let got = fields(&create(db, input).await.unwrap_err());
        for want in [
            "milestones[0].evidence[0].url: tracker-error-dataset-not-found",
            "milestones[0].evidence[1].url: tracker-error-dataset-not-public",
            "milestones[0].evidence[2].url: tracker-error-dataset-not-found",
            "milestones[0].evidence[3].url: tracker-error-evidence-not-dataset",
            "milestones[0].evidence[4].url: tracker-error-link-not-found",
            "milestones[0].evidence[5].url: tracker-error-link-not-found",
            "milestones[0].evidence[6].url: tracker-error-link-not-found",
            "milestones[0].evidence[7].url: tracker-error-url",
            "origin_ideas[0]: tracker-error-origin-idea-unknown",
            "origin_ideas[1]: tracker-error-origin-idea-elsewhere",
        ] {
            assert!(
                got.contains(&want.to_string()),
                "{} missing {want} in {got:#?}",
                t.engine
            );
        }
        let mut input = commitment("1", vec![]);
        input.origin_process = "nope".into();
        let got = fields(&create(db, input).await.unwrap_err());
        assert_eq!(
            got,
            vec!["origin_process: tracker-error-origin-process-unknown"]
        );
        let mut input = commitment("1", vec![]);
        input.origin_ideas = vec![d.idea_a];
        let got = fields(&create(db, input).await.unwrap_err());
        assert_eq!(
            got,
            vec!["origin_process: tracker-error-origin-process-required"]
        );
        for table in [
            "tracker_items",
            "tracker_milestones",
            "tracker_evidence",
            "tracker_item_ideas",
        ] {
            assert_eq!(count(db, table).await, 0, "{} {table}", t.engine);
        }

        // What exists is accepted: a dataset by name or address, an idea, a process.
        let mut input = commitment("1", vec![milestone("Publish", "", "", "", None)]);
        input.milestones[0].evidence = vec![
            evidence("dataset", "water-quality"),
            evidence("dataset", "/fr/dataset/water-quality"),
            evidence("page", &format!("/fr/ideas/{}", d.idea_a)),
            evidence("page", "/en/processes/co-creation"),
            evidence("document", "https://files.ontario.ca/guide.pdf"),
        ];
        input.origin_process = "co-creation".into();
        input.origin_ideas = vec![d.idea_b, d.idea_a];
        let item = create(db, input).await.unwrap();
        let detail = store::detail(db, item).await.unwrap();
        let urls: Vec<&str> = detail.summary.milestones[0]
            .evidence
            .iter()
            .map(|e| e.url.as_str())
            .collect();
        assert_eq!(
            urls[..2],
            ["/en/dataset/water-quality", "/fr/dataset/water-quality"]
        );
        assert_eq!(
            detail.summary.milestones[0].evidence[1].href(platform::Lang::En),
            "/en/dataset/water-quality"
        );
        let trail = detail.origin_trail.expect("a trail");
        assert_eq!(trail.process.slug, "co-creation");
        assert!(trail.process.results_visible);
        let ideas: Vec<String> = trail
            .ideas
            .iter()
            .map(|i| {
                format!(
                    "{}: {:?} votes, rank {:?} of {:?}",
                    i.title, i.votes, i.rank, i.of
                )
            })
            .collect();
        assert_eq!(
            ideas,
            [
                "Open the budget: Some(2) votes, rank Some(1) of Some(2)",
                "Publish contracts: Some(1) votes, rank Some(2) of Some(2)",
            ],
            "{}",
            t.engine
        );

        // While a process hides its tallies, the trail shows no votes.
        let mut input = commitment("2", vec![]);
        input.origin_process = "other".into();
        input.origin_ideas = vec![d.elsewhere];
        let item = create(db, input).await.unwrap();
        let trail = store::detail(db, item).await.unwrap().origin_trail.unwrap();
        assert!(!trail.process.results_visible);
        assert_eq!((trail.ideas[0].votes, trail.ideas[0].rank), (None, None));
    }
}

#[tokio::test]
async fn items_milestones_and_plans_are_changed_deleted_and_reordered() {
    for t in testing::engines().await {
        let db = &t.db;
        fixture(db).await;
        let actor = Actor::system("test");
        let item = create(
            db,
            commitment(
                "1",
                vec![
                    milestone("First", "2017-01", "2017-02", "", None),
                    milestone("Second", "", "", "", None),
                    milestone("Third", "", "", "", None),
                ],
            ),
        )
        .await
        .unwrap();
        create(db, commitment("2", vec![])).await.unwrap();

        // Every field changes; the number may not be another commitment's; nothing partial.
        let mut input = commitment("2", vec![]);
        input.title = Bilingual::new("Renamed", "Renommé");
        input.status_quo = Bilingual::new("Before", "Avant");
        let mut tx = db.begin().await.unwrap();
        let err = store::update_item(&mut tx, &actor, &item, input.clone())
            .await
            .unwrap_err();
        drop(tx);
        assert_eq!(fields(&err), vec!["number: tracker-error-number-taken"]);
        input.number = "1".into();
        input.kind = "project".into();
        let mut tx = db.begin().await.unwrap();
        let err = store::update_item(&mut tx, &actor, &item, input.clone())
            .await
            .unwrap_err();
        drop(tx);
        assert_eq!(fields(&err), vec!["kind: tracker-error-kind-fixed"]);
        input.kind = String::new();
        let mut tx = db.begin().await.unwrap();
        let saved = store::update_item(&mut tx, &actor, &item, input)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(saved.slug, item.slug);
        let reread = store::item_by_slug(db, &item.slug).await.unwrap().unwrap();
        assert_eq!(reread.title, Bilingual::new("Renamed", "Renommé"));
        assert_eq!(reread.status_quo, Bilingual::new("Before", "Avant"));

        // Move the third milestone first, then delete the (now) second.
        let third = store::milestone_at(db, item.id, 3).await.unwrap().unwrap();
        let mut tx = db.begin().await.unwrap();
        let err = store::move_milestone(&mut tx, &actor, &item, &third, 4)
            .await
            .unwrap_err();
        drop(tx);
        assert_eq!(fields(&err), vec!["position: error-out-of-range"]);
        let mut tx = db.begin().await.unwrap();
        store::move_milestone(&mut tx, &actor, &item, &third, 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let order = |d: &store::Detail| -> Vec<String> {
            d.summary
                .milestones
                .iter()
                .map(|m| format!("{} {}", m.position, m.activity.en))
                .collect()
        };
        let d = store::detail(db, reread.clone()).await.unwrap();
        assert_eq!(order(&d), ["1 Third", "2 First", "3 Second"]);
        let first = store::milestone_at(db, item.id, 2).await.unwrap().unwrap();
        let mut tx = db.begin().await.unwrap();
        store::delete_milestone(&mut tx, &actor, &reread, &first)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let d = store::detail(db, reread.clone()).await.unwrap();
        assert_eq!(order(&d), ["1 Third", "2 Second"]);

        // A plan's fields change; a bad number is refused.
        let plan = store::plan_by_slug(db, "plan-one").await.unwrap().unwrap();
        let mut tx = db.begin().await.unwrap();
        let err = store::update_plan(
            &mut tx,
            &actor,
            &plan,
            PlanInput {
                plan_number: 0,
                ..PlanInput::default()
            },
        )
        .await
        .unwrap_err();
        drop(tx);
        let mut got = fields(&err);
        got.sort();
        assert_eq!(
            got,
            vec!["plan_number: error-out-of-range", "title: error-required"]
        );
        let mut tx = db.begin().await.unwrap();
        store::update_plan(
            &mut tx,
            &actor,
            &plan,
            PlanInput {
                title: Bilingual::new("Plan one, revised", ""),
                plan_number: 2,
                ..PlanInput::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let plan = store::plan_by_slug(db, "plan-one").await.unwrap().unwrap();
        assert_eq!(
            (plan.title.en.as_str(), plan.plan_number),
            ("Plan one, revised", 2)
        );

        // Deleting an item takes it out of every read; it is kept, with its milestones, evidence
        // and updates, for an administrator to restore.
        let milestones = count(db, "tracker_milestones").await;
        let mut tx = db.begin().await.unwrap();
        store::delete_item(&mut tx, &actor, &reread).await.unwrap();
        tx.commit().await.unwrap();
        assert!(store::item_by_slug(db, &item.slug).await.unwrap().is_none());
        assert_eq!(count(db, "tracker_milestones").await, milestones);
        assert_eq!(count(db, "tracker_items").await, 2);
        assert!(
            store::deleted(db)
                .await
                .unwrap()
                .iter()
                .any(|d| d.id == item.id)
        );

        // Each change is in the audit log under its action and entity type.
        let log = audited(db).await;
        for entry in [
            format!("tracker.plan.create tracker_plan {}", plan.id),
            format!("tracker.plan.update tracker_plan {}", plan.id),
            format!("tracker.item.create tracker_item {}", item.id),
            format!("tracker.item.update tracker_item {}", item.id),
            format!("tracker.milestone.move tracker_milestone {}", third.id),
            format!("tracker.milestone.delete tracker_milestone {}", first.id),
            format!("tracker.item.delete tracker_item {}", item.id),
        ] {
            assert!(log.contains(&entry), "{entry} in {log:?}");
        }
    }
}
