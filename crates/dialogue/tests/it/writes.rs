//! Consultation and process writes on every engine: taken slugs and external ids, unknown
//! organizations, the audit entries, and reads inside the write transaction.

use dialogue::consultations::{self, NewConsultation, Results};
use dialogue::model::{Level, PhaseKind, VoteRule, today};
use dialogue::processes::{self, NewCriterion, NewProcess};
use platform::db::Actor;
use platform::{Error, FieldError, testing};
use uuid::Uuid;

use crate::support::*;

fn consultation(slug: &str, org: Uuid) -> NewConsultation {
    NewConsultation {
        slug: slug.into(),
        organization_id: org,
        title_en: format!("  Entry {slug} "),
        title_fr: format!("Fiche {slug}"),
        level: Some(Level::Consult),
        ongoing: true,
        source: "test".into(),
        external_id: Some(format!("ext-{slug}")),
        ..Default::default()
    }
}

fn new_process(slug: &str, org: Uuid) -> NewProcess {
    NewProcess {
        slug: slug.into(),
        organization_id: org,
        title_en: format!("Process {slug}"),
        title_fr: format!("Processus {slug}"),
        summary_en: String::new(),
        summary_fr: String::new(),
        guidance_en: "Be brief".into(),
        guidance_fr: "Soyez bref".into(),
        vote_rule: VoteRule::OnePerTheme,
        vote_max: 1,
        hide_tallies: true,
        ideas_per_person: 0,
        report_threshold: 3,
        sample: false,
        phases: vec![phase(PhaseKind::Ideas, -1, 5)],
        themes: vec![theme("health")],
        criteria: vec![NewCriterion {
            id: None,
            label_en: " Relevant ".into(),
            label_fr: "Pertinente".into(),
        }],
    }
}

fn only_field(err: &Error) -> &FieldError {
    assert_eq!(err.field_errors().len(), 1, "{err:?}");
    &err.field_errors()[0]
}

/// The actions recorded in the audit log for one entity, oldest first.
async fn audit_actions(db: &platform::Db, id: Uuid) -> Vec<(String, String)> {
    async fn inner(db: &platform::Db, id: Uuid) -> platform::Result<Vec<(String, String)>> {
        Ok(platform::read!(db, |c| sqlx::query_as(
            "SELECT action, entity_type FROM audit_log WHERE entity_id = $1 ORDER BY id"
        )
        .bind(id.to_string())
        .fetch_all(&mut *c)
        .await?))
    }
    inner(db, id).await.unwrap()
}

#[tokio::test]
async fn consultation_writes_name_the_field_and_read_inside_the_transaction() {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let o = org(db, "tbs").await;
        let actor = Actor::system("test");

        let mut tx = db.begin().await.unwrap();
        let id = consultations::create(&mut tx, &actor, &consultation("water", o.id))
            .await
            .unwrap();
        // The same read serves the transaction (which sees the new entry) and the read pool.
        let inside = consultations::find(&mut tx, "water")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(inside.id, id, "{engine}");
        assert_eq!(inside.title_en, "Entry water", "{engine}: trimmed");
        assert_eq!(inside.title_fr, "Fiche water", "{engine}");
        assert!(
            consultations::find(db, "water").await.unwrap().is_none(),
            "{engine}"
        );
        tx.commit().await.unwrap();
        assert_eq!(
            consultations::find_by_id(db, id)
                .await
                .unwrap()
                .map(|c| c.slug),
            Some("water".to_string()),
            "{engine}"
        );

        let refused = async |new: NewConsultation| {
            let mut tx = db.begin().await.unwrap();
            consultations::create(&mut tx, &actor, &new)
                .await
                .unwrap_err()
        };
        // The slug is taken.
        let mut again = consultation("water", o.id);
        again.external_id = Some("ext-other".into());
        let err = refused(again).await;
        assert_eq!(
            only_field(&err),
            &FieldError::new("slug", "error-slug-taken"),
            "{engine}"
        );
        // The source and external id are taken, under another slug.
        let mut twin = consultation("water-2", o.id);
        twin.external_id = Some("ext-water".into());
        let err = refused(twin).await;
        assert_eq!(
            only_field(&err),
            &FieldError::new("external_id", "error-slug-taken"),
            "{engine}"
        );
        // No such organization.
        let err = refused(consultation("orphan", Uuid::now_v7())).await;
        assert_eq!(
            only_field(&err),
            &FieldError::new("organization_id", "dialogue-error-no-organization"),
            "{engine}"
        );
        assert_eq!(count(db, "dialogue_consultations").await, 1, "{engine}");

        let before = consultations::find(db, "water").await.unwrap().unwrap();
        let mut tx = db.begin().await.unwrap();
        consultations::publish_results(
            &mut tx,
            &actor,
            &before,
            &Results {
                we_asked_en: "What".into(),
                we_asked_fr: "Quoi".into(),
                you_said_en: String::new(),
                you_said_fr: String::new(),
                we_did_en: " Acted ".into(),
                we_did_fr: String::new(),
                results_url: String::new(),
                published_on: today(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let after = consultations::find(db, "water").await.unwrap().unwrap();
        assert_eq!(
            (
                after.we_asked_en.as_str(),
                after.we_asked_fr.as_str(),
                after.we_did_en.as_str()
            ),
            ("What", "Quoi", "Acted"),
            "{engine}"
        );
        let entity = "dialogue_consultation".to_string();
        assert_eq!(
            audit_actions(db, id).await,
            [
                ("consultation.create".to_string(), entity.clone()),
                ("consultation.results".to_string(), entity)
            ],
            "{engine}"
        );
    }
}

#[tokio::test]
async fn process_writes_name_the_field_and_read_inside_the_transaction() {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let o = org(db, "tbs").await;
        let actor = Actor::system("test");

        let mut tx = db.begin().await.unwrap();
        let created = processes::create(&mut tx, &actor, &new_process("budget", o.id))
            .await
            .unwrap();
        // Several statements on the transaction's connection: the process, then its parts.
        let inside = processes::find(&mut tx, "budget").await.unwrap().unwrap();
        assert_eq!(inside.process.id, created.id, "{engine}");
        assert_eq!(inside.phases.len(), 1, "{engine}");
        assert_eq!(inside.themes[0].title_fr, "Thème health", "{engine}");
        assert_eq!(inside.criteria[0].label_en, "Relevant", "{engine}: trimmed");
        assert_eq!(inside.process.guidance_fr, "Soyez bref", "{engine}");
        assert!(
            processes::find(db, "budget").await.unwrap().is_none(),
            "{engine}"
        );
        assert_eq!(processes::list(&mut tx).await.unwrap().len(), 1, "{engine}");
        tx.commit().await.unwrap();
        assert_eq!(processes::list(db).await.unwrap().len(), 1, "{engine}");

        let mut tx = db.begin().await.unwrap();
        let err = processes::create(&mut tx, &actor, &new_process("budget", o.id))
            .await
            .unwrap_err();
        drop(tx);
        assert_eq!(
            only_field(&err),
            &FieldError::new("slug", "error-slug-taken"),
            "{engine}"
        );
        let mut tx = db.begin().await.unwrap();
        let err = processes::create(&mut tx, &actor, &new_process("orphan", Uuid::now_v7()))
            .await
            .unwrap_err();
        drop(tx);
        assert_eq!(
            only_field(&err),
            &FieldError::new("organization_id", "dialogue-error-no-organization"),
            "{engine}"
        );
        assert_eq!(count(db, "dialogue_processes").await, 1, "{engine}");
        assert_eq!(
            audit_actions(db, created.id).await,
            [("process.create".to_string(), "dialogue_process".to_string())],
            "{engine}"
        );
    }
}
