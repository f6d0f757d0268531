//! Harvesting over real HTTP: Agora's own CKAN API serves a catalogue on a local port, and
//! `harvest::ckan` brings it into an empty database on each engine, then again after changes,
//! asking only for what changed.

use axum::ServiceExt;
use axum::extract::Request;
use tokio::net::TcpListener;

use catalogue::harvest;
use catalogue::store::{self, DatasetInput, ResourceInput};
use platform::db::Actor;
use platform::testing::{self, TestDb};
use platform::{Db, Platform};

fn dataset(org: uuid::Uuid, n: usize) -> DatasetInput {
    let restricted = n.is_multiple_of(4);
    DatasetInput {
        name: format!("stations-{n:02}"),
        title_en: format!("Weather stations {n}"),
        title_fr: format!("Stations météo {n}"),
        notes_en: "Where the **stations** are.".into(),
        organization_id: Some(org),
        license_id: "OGL-ON-1.0".into(),
        update_frequency: "monthly".into(),
        keywords_en: vec!["weather".into(), format!("set-{}", n % 3)],
        keywords_fr: vec!["météo".into()],
        access_level: if restricted { "restricted" } else { "open" }.into(),
        exemption: if restricted { "security" } else { "none" }.into(),
        exemption_rationale_en: if restricted {
            "The stations' exact places are protected.".into()
        } else {
            String::new()
        },
        resources: Some(vec![ResourceInput {
            name_en: format!("Stations {n} (CSV)"),
            url: format!("https://data.example.org/stations-{n}.csv"),
            format: "CSV".into(),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// A source catalogue of `n` datasets served by Agora's CKAN API on a local port.
async fn source(n: usize) -> (TestDb, Platform, String) {
    let t = testing::sqlite().await;
    let platform = t.platform();
    let actor = Actor::system("test");
    let org = testing::org(
        &t.db,
        "environment",
        "Ministry of the Environment",
        "Ministère de l’Environnement",
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    store::create_group(&mut tx, &actor, "climate", "Climate", "Climat")
        .await
        .unwrap();
    for i in 0..n {
        let mut d = dataset(org.id, i);
        if i == 1 {
            d.groups = vec!["climate".into()];
        }
        store::create(&mut tx, &actor, d).await.unwrap();
    }
    tx.commit().await.unwrap();
    catch_up(&platform).await;
    let app = platform::server::app(platform.clone(), catalogue::pages(), catalogue::api());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, ServiceExt::<Request>::into_make_service(app))
            .await
            .unwrap();
    });
    (t, platform, format!("http://{addr}"))
}

async fn catch_up(platform: &Platform) {
    platform
        .search
        .follow(&platform.db, &catalogue::search::sources())
        .await
        .unwrap();
}

async fn names(db: &Db) -> Vec<String> {
    store::public_names(db, 1000, 0).await.unwrap()
}

#[tokio::test]
async fn harvests_pages_then_only_what_changed_on_every_engine() {
    for target in testing::engines().await {
        let engine = target.engine;
        // More than one page of 1,000 would take long to build; the paging loop is the same for
        // any count, and a page that is not full ends it.
        let (src, src_platform, url) = source(12).await;
        let here = target.platform();

        let seen = std::sync::Mutex::new(Vec::new());
        let report = harvest::ckan(&here, &format!("{url}/"), &|done, total| {
            seen.lock().unwrap().push((done, total));
        })
        .await
        .unwrap();
        assert_eq!(report.source, url);
        assert_eq!(report.since, None);
        assert_eq!(report.fetched, 12, "{engine}: {report}");
        assert_eq!(report.summary.created, 12, "{engine}: {report}");
        assert!(report.summary.skipped.is_empty(), "{engine}: {report}");
        assert_eq!(seen.lock().unwrap().last(), Some(&(12, 12)));
        assert_eq!(names(&target.db).await, names(&src.db).await);

        // The mapping keeps what matters: both languages, access and its reason, keywords,
        // groups, organization, resources, and the source's own modification time.
        let theirs = store::get(&src.db, "stations-04").await.unwrap().unwrap();
        let ours = store::get(&target.db, "stations-04")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ours.row.title_fr, "Stations météo 4");
        assert_eq!(ours.row.access_level.as_str(), "restricted");
        assert_eq!(ours.row.exemption.as_str(), "security");
        assert_eq!(
            ours.row.exemption_rationale_en,
            theirs.row.exemption_rationale_en
        );
        assert_eq!(ours.keywords_en, theirs.keywords_en);
        assert_eq!(ours.keywords_fr, ["météo"]);
        assert_eq!(ours.organization.slug, "environment");
        assert_eq!(
            ours.resources[0].url,
            "https://data.example.org/stations-4.csv"
        );
        assert_eq!(
            ours.row.metadata_modified.unix_timestamp(),
            theirs.row.metadata_modified.unix_timestamp()
        );
        assert!(
            ours.row
                .extras
                .0
                .iter()
                .any(|e| e.key == harvest::SOURCE_EXTRA && e.value == url)
        );
        let grouped = store::get(&target.db, "stations-01")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(grouped.groups[0].name, "climate", "{engine}");

        // Changes at the source: two datasets edited, one added.
        let actor = Actor::system("test");
        let mut tx = src.db.begin().await.unwrap();
        for name in ["stations-03", "stations-07"] {
            let before = store::get(&src.db, name).await.unwrap().unwrap();
            let mut changed = DatasetInput::from_dataset(&before);
            changed.title_en = format!("{} (revised)", before.row.title_en);
            store::update(&mut tx, &actor, &before, changed)
                .await
                .unwrap();
        }
        store::create(&mut tx, &actor, dataset(theirs.row.organization_id, 12))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        catch_up(&src_platform).await;

        let again = harvest::ckan(&here, &url, &|_, _| {}).await.unwrap();
        assert!(again.since.is_some(), "{engine}");
        assert_eq!(again.summary.created, 1, "{engine}: {again}");
        assert_eq!(again.summary.updated, 2, "{engine}: {again}");
        assert!(again.summary.skipped.is_empty(), "{engine}: {again}");
        // Only the changed packages come, with at most the last one seen before.
        assert!(
            (3..=4).contains(&again.fetched),
            "{engine}: fetched {} of 13: {again}",
            again.fetched
        );
        assert_eq!(
            store::get(&target.db, "stations-07")
                .await
                .unwrap()
                .unwrap()
                .row
                .title_en,
            "Weather stations 7 (revised)"
        );
        assert_eq!(names(&target.db).await.len(), 13);

        // Nothing changed: nothing written.
        let quiet = harvest::ckan(&here, &url, &|_, _| {}).await.unwrap();
        assert_eq!(
            (quiet.summary.created, quiet.summary.updated),
            (0, 0),
            "{engine}: {quiet}"
        );
        assert!(quiet.fetched <= 1, "{engine}: {quiet}");
    }
}

#[tokio::test]
async fn a_local_dataset_of_the_same_name_is_left_alone() {
    let (_src, _src_platform, url) = source(2).await;
    let target = testing::sqlite().await;
    let here = target.platform();
    let org = testing::org(&target.db, "ours", "Our ministry", "").await;
    let mut tx = target.db.begin().await.unwrap();
    let mut local = dataset(org.id, 1);
    local.title_en = "Our own stations".into();
    store::create(&mut tx, &Actor::system("test"), local)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let report = harvest::ckan(&here, &url, &|_, _| {}).await.unwrap();
    assert_eq!(report.summary.created, 1, "{report}");
    assert_eq!(report.summary.skipped.len(), 1, "{report}");
    assert_eq!(report.summary.skipped[0].0, "stations-01");
    assert!(
        report.summary.skipped[0]
            .1
            .contains("was not harvested from this source")
    );
    assert_eq!(
        store::get(&target.db, "stations-01")
            .await
            .unwrap()
            .unwrap()
            .row
            .title_en,
        "Our own stations"
    );
}

#[tokio::test]
async fn a_site_that_is_not_ckan_is_named_in_the_error() {
    let target = testing::sqlite().await;
    // A listener that answers every request with a web page.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async { axum::response::Html("<h1>Welcome</h1>") });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let err = harvest::ckan(&target.platform(), &format!("http://{addr}"), &|_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("http://{addr}/api/3/action/package_search")),
        "{err}"
    );
    assert!(err.contains("without CKAN's JSON"), "{err}");
    let err = harvest::ckan(&target.platform(), "http://127.0.0.1:9", &|_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot reach"), "{err}");
}
