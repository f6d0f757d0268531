//! The inventory and charter dashboard: counts by access level and exemption that leave private
//! and draft holdings out, the release schedule, progress over time from the access history,
//! targets with their refusals and progress, the CSV inventory, and the pages in both languages.

use axum::http::{StatusCode, header};
use time::{Duration, OffsetDateTime};

use catalogue::dashboard::{self, targets};
use catalogue::store::{self, DatasetInput};
use platform::db::Actor;
use platform::testing::{self, Reply};
use platform::{Error, Platform};

use crate::requests::{browser, people};

async fn holding(platform: &Platform, name: &str, f: impl FnOnce(&mut DatasetInput)) {
    let org = platform::orgs::find_by_slug(&platform.db, "ministry-of-health")
        .await
        .unwrap()
        .unwrap();
    let mut input = DatasetInput {
        name: name.into(),
        title_en: format!("Title of {name}"),
        organization_id: Some(org.id),
        ..Default::default()
    };
    f(&mut input);
    let mut tx = platform.db.begin().await.unwrap();
    store::create(&mut tx, &Actor::system("test"), input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Two years of history: one holding under review since then and opened today, one restricted
/// for privacy, one to be opened (overdue) and one planned ahead; a private and a draft one
/// that no count may show.
async fn inventory(platform: &Platform) {
    let today = catalogue::forms::today();
    let long_ago = OffsetDateTime::now_utc() - Duration::days(730);
    holding(platform, "opened-today", |d| {
        d.access_level = "under_review".into();
        d.metadata_created = Some(long_ago);
    })
    .await;
    let d = store::get(&platform.db, "opened-today")
        .await
        .unwrap()
        .unwrap();
    let mut input = DatasetInput::from_dataset(&d);
    input.access_level = "open".into();
    let mut tx = platform.db.begin().await.unwrap();
    store::update(&mut tx, &Actor::system("test"), &d, input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    holding(platform, "patients", |d| {
        d.access_level = "restricted".into();
        d.exemption = "privacy".into();
        d.exemption_rationale_en = "Health records of people.".into();
        d.metadata_created = Some(long_ago);
    })
    .await;
    holding(platform, "late", |d| {
        d.access_level = "to_be_opened".into();
        d.planned_open_date = Some(today - Duration::days(3));
    })
    .await;
    holding(platform, "soon", |d| {
        d.access_level = "to_be_opened".into();
        d.planned_open_date = Some(today + Duration::days(40));
    })
    .await;
    holding(platform, "secret-open", |d| d.private = true).await;
    holding(platform, "draft-open", |d| d.state = "draft".into()).await;
}

#[tokio::test]
async fn counts_schedule_and_progress_leave_hidden_holdings_out_on_every_engine() {
    for t in testing::engines().await {
        let (api, _) = people(&t).await;
        let platform = &api.platform;
        inventory(platform).await;
        let db = &platform.db;
        let inv = dashboard::inventory(db).await.unwrap();
        assert_eq!(inv.total, 4, "{}", t.engine);
        assert_eq!(inv.levels, [1, 0, 1, 2]);
        let privacy = inv
            .exemptions
            .iter()
            .find(|e| e.exemption == "privacy")
            .unwrap();
        assert_eq!(privacy.levels, [0, 0, 1, 0]);
        assert_eq!(inv.organizations.len(), 1);
        assert_eq!(inv.organizations[0].total, 4);

        let today = catalogue::forms::today();
        let (overdue, upcoming) = dashboard::schedule(db, today).await.unwrap();
        let names = |l: &[dashboard::Planned]| l.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            (names(&overdue), names(&upcoming)),
            (vec!["late".to_string()], vec!["soon".to_string()])
        );

        let changes = dashboard::changes(db).await.unwrap();
        let (step, points) = dashboard::progress(&changes, today);
        assert_eq!(step, dashboard::Step::Month);
        assert_eq!(
            points.first().unwrap().levels,
            [0, 1, 1, 0],
            "two years ago"
        );
        assert_eq!(points.last().unwrap().levels, [1, 0, 1, 2], "today");
    }
}

#[tokio::test]
async fn targets_are_checked_audited_and_measured_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let platform = &api.platform;
        inventory(platform).await;
        let db = &platform.db;
        let actor = p.admin.actor();
        let e = targets::create(
            db,
            &actor,
            &targets::NewTarget {
                organization: "ministry-of-nowhere".into(),
                open_count: 0,
                due_date: None,
            },
        )
        .await
        .unwrap_err();
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["open_count", "due_date", "organization"],
            "{}",
            t.engine
        );
        assert!(matches!(e, Error::Validation(_)));
        assert!(targets::list(db).await.unwrap().is_empty());

        let today = catalogue::forms::today();
        for (org, count, due) in [
            ("", 3, today + Duration::days(100)),
            ("ministry-of-health", 1, today + Duration::days(10)),
            ("", 1, today - Duration::days(30)),
        ] {
            targets::create(
                db,
                &actor,
                &targets::NewTarget {
                    organization: org.into(),
                    open_count: count,
                    due_date: Some(due),
                },
            )
            .await
            .unwrap();
        }
        let changes = dashboard::changes(db).await.unwrap();
        let progress = targets::progress(targets::list(db).await.unwrap(), &changes, today);
        let seen: Vec<(i64, targets::TargetState, i64)> = progress
            .iter()
            .map(|p| (p.open_now, p.state, p.percent))
            .collect();
        // Ordered by due date: the missed one (nothing was open a month ago), then health's
        // (one open now: reached), then the overall one (one of three).
        assert_eq!(
            seen,
            [
                (1, targets::TargetState::Missed, 0),
                (1, targets::TargetState::Met, 100),
                (1, targets::TargetState::InProgress, 33)
            ]
        );
        let id = progress[0].target.id;
        targets::delete(db, &actor, id).await.unwrap();
        assert!(matches!(
            targets::delete(db, &actor, id).await,
            Err(Error::NotFound)
        ));
        let audited = crate::requests::audit_count(platform, "open_data_target.%").await;
        assert_eq!(audited, 4);
    }
}

#[tokio::test]
async fn pages_csv_and_json_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let platform = &api.platform;
        inventory(platform).await;
        let visitor = browser(platform, None).await;

        let Reply {
            status, body: csv, ..
        } = visitor.get("/data/inventory.csv").await;
        assert_eq!(status, StatusCode::OK);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[0].starts_with("name,title_en,title_fr,organization,"),
            "{csv}"
        );
        assert_eq!(lines.len(), 5, "{}: {csv}", t.engine);
        assert!(
            csv.contains("patients,")
                && csv.contains("restricted,privacy,Health records of people.")
        );
        assert!(!csv.contains("secret-open") && !csv.contains("draft-open"));

        let Reply { status, body, .. } = visitor.get("/en/data").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("The inventory: 4 data holdings") && body.contains("role=\"search\"")
        );
        let Reply { status, body, .. } = visitor.get("/fr/data/dashboard").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("<svg class=\"open-data-chart__svg\""),
            "the chart"
        );
        assert!(
            body.contains("(les chiffres du graphique)"),
            "the table beside it"
        );
        assert!(body.contains("En retard (1)") && body.contains("À venir (1)"));
        assert!(body.contains("0 des 0 demandes de données les plus appuyées"));

        let Reply { status, .. } = visitor.get("/en/data/dashboard/targets").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "to the sign-in page");
        let alice = browser(platform, Some(p.alice.id)).await;
        let Reply { status, .. } = alice
            .post(
                "/en/data/dashboard/targets",
                &[("open_count", "5"), ("due_date", "2030-01-01")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let admin = browser(platform, Some(p.admin.id)).await;
        let Reply { status, body, .. } = admin
            .post(
                "/fr/data/dashboard/targets",
                &[
                    ("open_count", "beaucoup"),
                    ("due_date", "31/12/2030"),
                    ("organization", "nowhere"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("Nombre de jeux de données ouverts : "),
            "{body}"
        );
        assert!(
            body.contains("D’ici le : Indiquez une date comme 2027-03-31."),
            "{body}"
        );
        assert!(
            body.contains("Pour : Choisissez une organisation dans la liste."),
            "{body}"
        );
        assert!(targets::list(&platform.db).await.unwrap().is_empty());
        let Reply {
            status, headers, ..
        } = admin
            .post(
                "/en/data/dashboard/targets",
                &[
                    ("open_count", "2"),
                    ("due_date", "2030-01-01"),
                    ("organization", "ministry-of-health"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let Reply { body, .. } = admin.get(headers[header::LOCATION].to_str().unwrap()).await;
        assert!(
            body.contains("2 datasets open by January 1, 2030"),
            "{body}"
        );

        let (status, json) = api.get("/api/v1/catalogue/dashboard").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["inventory"]["levels"]["open"], 1);
        assert_eq!(json["inventory"]["levels"]["to_be_opened"], 2);
        assert_eq!(json["overdue"][0]["name"], "late");
        assert_eq!(json["targets"][0]["state"], "in_progress");
        assert_eq!(json["top_requests"]["of"], 0);
    }
}

/// A client that asks for gzip gets the whole inventory: the compression layer polls the body
/// once more after its end, which a bare `stream::unfold` answers with a panic (found by API
/// fuzzing: the connection broke mid-transfer).
#[tokio::test]
async fn inventory_csv_compressed_ends_cleanly() {
    use axum::body::Body;
    use axum::http::Request;

    let t = testing::sqlite().await;
    let (api, _) = people(&t).await;
    let platform = &api.platform;
    inventory(platform).await;
    let visitor = browser(platform, None).await;
    let req = Request::get("/data/inventory.csv")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let res = visitor.send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CONTENT_ENCODING], "gzip");
    let body = res.bytes;
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
}
