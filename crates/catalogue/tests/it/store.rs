use catalogue::store::{self, DatasetInput, Lookup, ResourceInput};
use platform::db::Actor;
use platform::{Error, testing};

async fn org(db: &platform::Db) -> uuid::Uuid {
    testing::org(
        db,
        "ministry-of-health",
        "Ministry of Health",
        "Ministère de la Santé",
    )
    .await
    .id
}

fn input(org: uuid::Uuid, name: &str) -> DatasetInput {
    DatasetInput {
        name: name.into(),
        title_en: "Wait times".into(),
        title_fr: "Temps d’attente".into(),
        organization_id: Some(org),
        license_id: "OGL-ON-1.0".into(),
        keywords_en: vec!["health".into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn datasets_on_every_engine() {
    for t in testing::engines().await {
        let db = &t.db;
        let engine = t.engine;
        let actor = Actor::system("test");
        let org = org(db).await;

        // Validation names every field at once and stores nothing.
        let mut tx = db.begin().await.unwrap();
        let bad = DatasetInput {
            name: "Bad Name".into(),
            license_id: "nope".into(),
            access_level: "restricted".into(),
            ..Default::default()
        };
        let err = store::create(&mut tx, &actor, bad).await.unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "title",
                "owner_org",
                "license_id",
                "exemption_rationale"
            ],
            "{engine}"
        );
        drop(tx);
        assert_eq!(store::count_all(db).await.unwrap(), 0);

        let mut tx = db.begin().await.unwrap();
        let mut first = input(org, "wait-times");
        first.resources = Some(vec![ResourceInput {
            name_en: "Data".into(),
            url: "https://example.org/data.csv".into(),
            format: "csv".into(),
            ..Default::default()
        }]);
        let id = store::create(&mut tx, &actor, first).await.unwrap();
        tx.commit().await.unwrap();
        let d = store::get(db, "wait-times").await.unwrap().unwrap();
        assert_eq!(d.row.id, id);
        assert_eq!(d.resources.len(), 1);
        assert_eq!(d.resources[0].format, "CSV");
        assert!(
            d.row.opened_date.is_some(),
            "{engine}: open data gets an opened date"
        );

        // A duplicate name is a field error.
        let mut tx = db.begin().await.unwrap();
        let dup = store::create(&mut tx, &actor, input(org, "wait-times"))
            .await
            .unwrap_err();
        assert!(
            matches!(&dup, Error::Validation(f) if f[0].field == "name"),
            "{engine}: {dup:?}"
        );
        drop(tx);

        // Rename keeps the old name as a redirect; restricting records history.
        let mut change = DatasetInput::from_dataset(&d);
        change.name = "hospital-wait-times".into();
        change.access_level = "restricted".into();
        change.exemption = "privacy".into();
        change.exemption_rationale_en = "Small counts could identify patients.".into();
        let mut tx = db.begin().await.unwrap();
        store::update(&mut tx, &actor, &d, change).await.unwrap();
        tx.commit().await.unwrap();
        assert!(
            matches!(store::lookup(db, "wait-times").await.unwrap(), Lookup::Renamed(n) if n == "hospital-wait-times"),
            "{engine}"
        );
        let history = store::access_history(db, id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| h.access_level.as_str())
                .collect::<Vec<_>>(),
            ["open", "restricted"],
            "{engine}"
        );
        assert_eq!(history[1].exemption.as_str(), "privacy");

        // The old name can't be taken by another dataset.
        let mut tx = db.begin().await.unwrap();
        assert!(
            store::create(&mut tx, &actor, input(org, "wait-times"))
                .await
                .is_err(),
            "{engine}"
        );
        drop(tx);

        // to_be_opened needs a date; open data has no exemption.
        let d = store::get(db, "hospital-wait-times")
            .await
            .unwrap()
            .unwrap();
        let mut planned = DatasetInput::from_dataset(&d);
        planned.access_level = "to_be_opened".into();
        let mut tx = db.begin().await.unwrap();
        let e = store::update(&mut tx, &actor, &d, planned)
            .await
            .unwrap_err();
        assert_eq!(e.field_errors()[0].field, "planned_open_date");
        drop(tx);

        // Soft delete takes it out of public listings.
        let mut tx = db.begin().await.unwrap();
        store::delete(&mut tx, &actor, &d).await.unwrap();
        tx.commit().await.unwrap();
        assert!(
            store::public_names(db, 100, 0).await.unwrap().is_empty(),
            "{engine}"
        );

        let (entries, _) = platform::admin::list_audit(
            db,
            &platform::admin::AuditFilter {
                entity_type: "dataset".into(),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["dataset.delete", "dataset.update.access", "dataset.create"],
            "{engine}"
        );
    }
}
