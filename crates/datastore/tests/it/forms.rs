//! The editor's resource forms load tabular data as the API does: a CSV uploaded through the page
//! becomes a typed, queryable table and the editor lands on its data page; a link given in the
//! form is fetched and loaded; a link to a private network address is refused with a report in
//! English and French unless the operator allows such addresses; on SQLite and PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use datastore::report::Report;
use platform::testing::{self, Client, Multipart, Reply, TestDb};

use crate::api::{Api, STATIONS, allowing_private_links, dataset, setup, setup_on};

/// The editor of the natural-resources ministry, signed in.
async fn editor(api: &Api) -> Client {
    let browser = api.visitor();
    browser.get("/en/dataset").await;
    browser.sign_in("editor@mnrf.example").await;
    browser
}

/// The resource form sent as a browser sends it: multipart, with the CSRF token and the file
/// part (empty when no file is given). Answers the status and where it leads.
async fn send_resource(
    browser: &Client,
    uri: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (StatusCode, String) {
    let (name, data) = file.unwrap_or(("", b""));
    let form = Multipart::new().fields(fields).csv("file", name, data);
    let r = browser.post_multipart(uri, form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    (r.status, r.location())
}

/// The resource id in a data page's address, checking that the editor landed there.
fn landed_on_data_page(location: &str, dataset: &str) -> String {
    let prefix = format!("/en/dataset/{dataset}/resource/");
    let rest = location
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("not a data page: {location}"));
    let (id, tail) = rest.split_once('/').unwrap();
    assert_eq!(
        tail, "data?notice=notice-catalogue-resource-saved",
        "{location}"
    );
    id.to_string()
}

/// The report of the first load recorded for a resource, once there is one.
async fn first_report(t: &TestDb, id: &str) -> Report {
    let id = Uuid::parse_str(id).unwrap();
    for _ in 0..400 {
        if let Some(l) = datastore::store::loads(&t.db, id, 5).await.unwrap().pop() {
            return l.report.0;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no load of {id} was recorded");
}

/// A file server on 127.0.0.1 serving the stations, counting the requests it gets.
async fn file_server() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let files = axum::Router::new()
        .route(
            "/open/stations.csv",
            axum::routing::get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { STATIONS }
            }),
        )
        .route(
            "/moved.csv",
            axum::routing::get(|| async {
                axum::response::Redirect::permanent("/open/stations.csv")
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, files).await });
    (addr, hits)
}

#[tokio::test]
async fn a_csv_uploaded_through_the_page_becomes_a_typed_table_on_every_engine() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        dataset(&api, "stations", false).await;
        let browser = editor(&api).await;
        let (_, location) = send_resource(
            &browser,
            "/en/dataset/stations/resource/new",
            &[("name_en", "Stations"), ("resource_type", "data")],
            Some(("stations.csv", STATIONS)),
        )
        .await;
        let id = landed_on_data_page(&location, "stations");

        // The page the editor lands on says the resource is saved and how its load goes.
        let Reply { status, body, .. } = browser.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(body.contains("The resource is saved."), "{engine}: {body}");
        assert!(
            body.contains("reload the page to follow it") || body.contains("Rows (3)"),
            "{engine}: {body}"
        );

        // Typed over the whole file, queryable through the API and on the page.
        let info = api.wait_for_version(&id, 1).await;
        assert_eq!(info["meta"]["versions"][0]["source"], "upload", "{engine}");
        let (status, found) = api
            .search(json!({"resource_id": id, "filters": {"year": 2012}, "sort": "station desc"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {found}");
        let types: Vec<&str> = found["result"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            ["int", "text", "text", "int8", "int8", "date", "bool"],
            "{engine}"
        );
        assert_eq!(found["result"]["total"], 2, "{engine}");
        assert_eq!(found["result"]["records"][0]["code"], "0164A", "{engine}");
        assert_eq!(found["result"]["records"][0]["count"], 500, "{engine}");
        let Reply { status, body, .. } = browser.get(&location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Rows (3)"), "{engine}: {body}");
        assert!(body.contains("Sudbury"), "{engine}");

        // A new file through the edit form is the next version; saving again without one
        // changes no data and leads back to the dataset.
        let edit = format!("/en/dataset/stations/resource/{id}/edit");
        let fewer =
            b"station,code,year,count,opened,active\nTimmins,0999,2015,40,2015-02-02,true\n";
        let (_, location) = send_resource(
            &browser,
            &edit,
            &[("name_en", "Stations"), ("resource_type", "data")],
            Some(("stations.csv", fewer)),
        )
        .await;
        assert_eq!(landed_on_data_page(&location, "stations"), id);
        let info = api.wait_for_version(&id, 2).await;
        assert_eq!(info["meta"]["count"], 1, "{engine}");
        let (_, location) = send_resource(
            &browser,
            &edit,
            &[("name_en", "Stations, renamed"), ("resource_type", "data")],
            None,
        )
        .await;
        assert_eq!(
            location,
            "/en/dataset/stations?notice=notice-catalogue-resource-saved#resources"
        );
        let filter = platform::jobs::JobFilter {
            state: String::new(),
            kind: datastore::load::JOB_KIND.into(),
        };
        let (loads, _) = platform::jobs::list(&t.db, &filter, 100, 0).await.unwrap();
        assert_eq!(
            loads
                .iter()
                .filter(|j| j.payload.0["resource_id"] == id.as_str())
                .count(),
            2,
            "{engine}: one load per file, none for a change of name"
        );

        // A file the datastore does not load is saved and listed, as before.
        let (_, location) = send_resource(
            &browser,
            "/en/dataset/stations/resource/new",
            &[
                ("name_en", "Methods"),
                ("resource_type", "technical_document"),
            ],
            Some(("methods.pdf", b"%PDF-1.4 not a table")),
        )
        .await;
        assert_eq!(
            location,
            "/en/dataset/stations?notice=notice-catalogue-resource-saved#resources"
        );
    }
}

#[tokio::test]
async fn a_link_given_in_the_page_is_fetched_and_loaded_on_every_engine() {
    let (addr, hits) = file_server().await;
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup_on(&t, allowing_private_links(&t)).await;
        dataset(&api, "linked", false).await;
        let browser = editor(&api).await;
        // Through a redirect, as published files often are.
        let url = format!("http://{addr}/moved.csv");
        let (_, location) = send_resource(
            &browser,
            "/en/dataset/linked/resource/new",
            &[
                ("name_en", "Stations"),
                ("resource_type", "data"),
                ("url", &url),
            ],
            None,
        )
        .await;
        let id = landed_on_data_page(&location, "linked");
        let info = api.wait_for_version(&id, 1).await;
        assert_eq!(info["meta"]["count"], 3, "{engine}");
        assert_eq!(info["meta"]["versions"][0]["source"], "link", "{engine}");
        let (_, found) = api
            .search(json!({"resource_id": id, "filters": {"code": "0201"}}))
            .await;
        assert_eq!(found["result"]["records"][0]["station"], "Ottawa");
        let Reply { status, body, .. } = browser.get(&location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Rows (3)"), "{engine}: {body}");
    }
    assert!(hits.load(Ordering::SeqCst) >= 1);
}

#[tokio::test]
async fn private_links_are_refused_unless_allowed_on_every_engine() {
    let (addr, hits) = file_server().await;
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        dataset(&api, "linked", false).await;
        let browser = editor(&api).await;
        let mut refused = Vec::new();
        for url in [
            format!("http://{addr}/open/stations.csv"),
            format!("http://localhost:{}/open/stations.csv", addr.port()),
            "http://169.254.169.254/latest/meta-data/iam/info.csv".to_string(),
            "http://[::1]/stations.csv".to_string(),
        ] {
            let (_, location) = send_resource(
                &browser,
                "/en/dataset/linked/resource/new",
                &[
                    ("name_en", "Inside"),
                    ("resource_type", "data"),
                    ("format", "CSV"),
                    ("url", &url),
                ],
                None,
            )
            .await;
            let id = landed_on_data_page(&location, "linked");
            let report = first_report(&t, &id).await;
            assert!(!report.ok, "{engine}: {url}");
            assert_eq!(report.problems[0].code, "link-private", "{engine}: {url}");
            refused.push(id);
        }
        assert_eq!(
            hits.load(Ordering::SeqCst),
            0,
            "{engine}: nothing was requested"
        );

        // The data page says why, in English and in French.
        let id = &refused[0];
        let Reply { body, .. } = browser
            .get(&format!("/en/dataset/linked/resource/{id}/data"))
            .await;
        assert!(
            body.contains("The link points to a private network address"),
            "{engine}: {body}"
        );
        assert!(body.contains("127.0.0.1"), "{engine}");
        let Reply { body, .. } = browser
            .get(&format!("/fr/dataset/linked/resource/{id}/data"))
            .await;
        assert!(
            body.contains("Le lien mène à une adresse de réseau privé"),
            "{engine}: {body}"
        );
    }
}

#[tokio::test]
async fn an_intranet_allows_private_links_within_the_size_limit_on_every_engine() {
    let (addr, _) = file_server().await;
    for t in testing::engines().await {
        let engine = t.engine;
        let mut settings = allowing_private_links(&t).settings.clone();
        settings.datastore.max_link_bytes = 64;
        let small = platform::Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap();
        let api = setup_on(&t, small).await;
        dataset(&api, "intranet", false).await;
        let browser = editor(&api).await;
        let (_, location) = send_resource(
            &browser,
            "/en/dataset/intranet/resource/new",
            &[
                ("name_en", "Stations"),
                ("resource_type", "data"),
                ("url", &format!("http://{addr}/open/stations.csv")),
            ],
            None,
        )
        .await;
        let id = landed_on_data_page(&location, "intranet");
        let report = first_report(&t, &id).await;
        assert_eq!(report.problems[0].code, "link-too-large", "{engine}");
        let Reply { body, .. } = browser
            .get(&format!("/en/dataset/intranet/resource/{id}/data"))
            .await;
        assert!(
            body.contains("The linked file is larger than the limit of 64 B for links"),
            "{engine}: {body}"
        );
    }
}
