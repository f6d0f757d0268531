//! The datastore through CKAN's Action API, as a CKAN client uses it: a CSV uploaded with
//! `resource_create` is loaded by a background job and queried with correct types; searches,
//! SQL, writes, versions, failed loads and dumps; on SQLite and PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use platform::Platform;
use platform::jobs::{self, WorkerOptions};
use platform::server::App;
use platform::testing::{self, Client, Multipart, Person, TestDb, api_token, json_request};

pub struct Api {
    pub app: App,
    pub token: String,
    pub other_token: String,
    _workers: jobs::WorkerHandle,
}

pub async fn setup(t: &TestDb) -> Api {
    setup_on(t, t.platform()).await
}

/// The platform of `t` with linked files fetched from private addresses too, as the tests' own
/// file servers listen on 127.0.0.1.
pub fn allowing_private_links(t: &TestDb) -> Platform {
    let mut settings = t.platform().settings.clone();
    settings.datastore.allow_private_links = true;
    Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap()
}

/// The catalogue's pages and API with the datastore told of saved resources, as the binary
/// assembles them, on `platform`.
pub async fn setup_on(t: &TestDb, platform: Platform) -> Api {
    let db = &t.db;
    let org = testing::org(
        db,
        "natural-resources",
        "Natural Resources",
        "Richesses naturelles",
    )
    .await;
    let editor = Person::new("editor@mnrf.example")
        .editor_for(org.id)
        .create(db)
        .await;
    let token = api_token(db, editor.id).await;
    let other = Person::new("someone@example.org").create(db).await;
    let other_token = api_token(db, other.id).await;
    let mut registry = jobs::Registry::new();
    datastore::load::register(&mut registry);
    let workers = jobs::spawn_workers_with(
        platform.clone(),
        Arc::new(registry),
        1,
        WorkerOptions {
            poll_interval: Duration::from_millis(50),
            backoff_base: Duration::from_millis(50),
            ..WorkerOptions::default()
        },
    );
    let extension: Arc<dyn catalogue::ckan::CkanExtension> = Arc::new(datastore::api::Datastore);
    let app = platform::server::app(
        platform.clone(),
        catalogue::pages_with(Some(extension.clone())).merge(datastore::pages()),
        catalogue::api_with(Some(extension)).merge(datastore::api()),
    );
    Api {
        app,
        token,
        other_token,
        _workers: workers,
    }
}

impl Api {
    /// A new visitor of the site, with no cookies.
    pub fn visitor(&self) -> Client {
        Client::new(self.app.clone())
    }

    /// Sends `req` as it is; the answer's JSON (or its text as a JSON string).
    pub async fn call(&self, req: Request<Body>) -> (StatusCode, Value) {
        let r = self.visitor().send(req).await;
        (r.status, r.json_or_text())
    }

    async fn raw(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let r = self.visitor().get(path).await;
        (
            r.status,
            r.header(header::CONTENT_TYPE.as_str()),
            r.bytes.to_vec(),
        )
    }

    pub async fn post(
        &self,
        action: &str,
        token: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let uri = format!("/api/3/action/{action}");
        self.call(json_request("POST", &uri, token, Some(&body)))
            .await
    }

    /// `resource_create` or `resource_update` with a file, as ckanapi sends it.
    pub async fn upload(
        &self,
        action: &str,
        fields: &[(&str, &str)],
        name: &str,
        data: &[u8],
    ) -> Value {
        let mut req = Multipart::new()
            .fields(fields)
            .csv("upload", name, data)
            .request(&format!("/api/3/action/{action}"));
        req.headers_mut()
            .insert(header::AUTHORIZATION, self.token.parse().unwrap());
        let (status, res) = self.call(req).await;
        assert_eq!(status, StatusCode::OK, "{res}");
        res["result"].clone()
    }

    pub async fn search(&self, params: Value) -> (StatusCode, Value) {
        self.post("datastore_search", None, params).await
    }

    /// Waits for the load job to record version `n`.
    pub async fn wait_for_version(&self, resource: &str, n: i64) -> Value {
        for _ in 0..400 {
            let (status, body) = self
                .post("datastore_info", None, json!({"resource_id": resource}))
                .await;
            if status == StatusCode::OK && body["result"]["meta"]["version"] == json!(n) {
                return body["result"].clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("version {n} of {resource} never came");
    }
}

pub const STATIONS: &[u8] = b"\xef\xbb\xbfstation,code,year,count,opened,active\n\
Toronto,0164A,2012,500,2012-05-01,true\n\
Ottawa,0201,2013,250,2013-06-15,false\n\
Sudbury,0333B,2012,,2014-01-01,true\n";

pub async fn dataset(api: &Api, name: &str, private: bool) {
    let (status, body) = api
        .post(
            "package_create",
            Some(&api.token),
            json!({"name": name, "title": "Fish stocking", "owner_org": "natural-resources", "private": private}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_uploaded_csv_is_loaded_and_searched_on_every_engine() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        dataset(&api, "stations", false).await;
        let r = api
            .upload(
                "resource_create",
                &[("package_id", "stations"), ("name", "Stations")],
                "stations.csv",
                STATIONS,
            )
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        let info = api.wait_for_version(&id, 1).await;
        assert_eq!(info["meta"]["count"], 3, "{engine}");
        let (_, shown) = api.post("resource_show", None, json!({"id": id})).await;
        assert_eq!(shown["result"]["datastore_active"], true, "{engine}");

        // Types over the whole file; codes stay text.
        let (status, body) = api.search(json!({"resource_id": id})).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let res = &body["result"];
        let fields: Vec<(String, String)> = res["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().into(),
                    f["type"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("_id", "int"),
                ("station", "text"),
                ("code", "text"),
                ("year", "int8"),
                ("count", "int8"),
                ("opened", "date"),
                ("active", "bool")
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(res["total"], 3);
        assert_eq!(
            res["records"][0],
            json!({"_id": 1, "station": "Toronto", "code": "0164A", "year": 2012, "count": 500, "opened": "2012-05-01", "active": true})
        );
        assert_eq!(res["records"][2]["count"], Value::Null);

        // The shape of a production CKAN's answer (City of Toronto).
        let toronto: Value = serde_json::from_str(
            &std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../../shared/data/ckan-responses/datastore.json"),
            )
            .unwrap_or_else(|_| "{\"result\":{}}".into()),
        )
        .unwrap();
        for key in toronto["result"].as_object().unwrap().keys() {
            assert!(res.get(key).is_some(), "{engine}: {key} missing");
        }
        assert!(
            body["help"]
                .as_str()
                .unwrap()
                .contains("help_show?name=datastore_search")
        );

        // Filters: a value, a list (any of), typed from text; unknown fields refused by name.
        let total = |body: &Value| body["result"]["total"].clone();
        let (_, b) = api
            .search(json!({"resource_id": id, "filters": {"year": 2012}}))
            .await;
        assert_eq!(total(&b), 2, "{engine}");
        let (_, b) = api
            .search(json!({"resource_id": id, "filters": {"year": ["2012", 2013]}}))
            .await;
        assert_eq!(total(&b), 3);
        let (_, b) = api
            .search(json!({"resource_id": id, "filters": {"code": "0201"}}))
            .await;
        assert_eq!(b["result"]["records"][0]["station"], "Ottawa");
        let (_, b) = api
            .search(
                json!({"resource_id": id, "filters": {"active": false, "opened": "2013-06-15"}}),
            )
            .await;
        assert_eq!(total(&b), 1);
        let (status, b) = api
            .search(json!({"resource_id": id, "filters": {"nope": 1}}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(b["error"]["__type"], "Validation Error");
        assert_eq!(b["error"]["filters"][0], "invalid value \"nope\"");
        let (status, b) = api
            .search(json!({"resource_id": id, "filters": {"year": "soon"}}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}");
        assert!(b["error"]["filters"][0].as_str().unwrap().contains("year"));

        // Full text, anywhere or per column; GET with JSON-text parameters.
        let (_, b) = api.search(json!({"resource_id": id, "q": "toronto"})).await;
        assert_eq!(total(&b), 1);
        let (_, b) = api
            .search(json!({"resource_id": id, "q": {"station": "sudbury"}}))
            .await;
        assert_eq!(total(&b), 1);
        let (_, b) = api
            .search(json!({"resource_id": id, "q": {"station": "sud:*"}, "plain": false}))
            .await;
        assert_eq!(total(&b), 1, "{b}");
        let (status, b) = api
            .call(
                Request::get(format!(
                    "/api/action/datastore_search?resource_id={id}&filters=%7B%22year%22%3A2013%7D&fields=station,year"
                ))
                .body(Body::empty())
                .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(
            b["result"]["records"],
            json!([{"station": "Ottawa", "year": 2013}])
        );

        // Sort (nulls first when descending, as PostgreSQL behind CKAN does), paging and links;
        // distinct; other record formats.
        let (_, b) = api
            .search(json!({"resource_id": id, "sort": "count desc", "limit": 1, "offset": 1}))
            .await;
        assert_eq!(b["result"]["records"][0]["station"], "Toronto");
        assert_eq!(b["result"]["total"], 3);
        let next = b["result"]["_links"]["next"].as_str().unwrap();
        assert_eq!(
            next,
            format!(
                "/api/action/datastore_search?resource_id={id}&sort=count+desc&limit=1&offset=2"
            )
        );
        let (_, b) = api
            .search(
                json!({"resource_id": id, "fields": ["year"], "distinct": true, "sort": "year"}),
            )
            .await;
        assert_eq!(
            b["result"]["records"],
            json!([{"year": 2012}, {"year": 2013}])
        );
        let (_, b) = api
            .search(json!({"resource_id": id, "fields": "station,year", "records_format": "lists", "limit": 2}))
            .await;
        assert_eq!(
            b["result"]["records"],
            json!([["Toronto", 2012], ["Ottawa", 2013]])
        );
        let (_, b) = api
            .search(json!({"resource_id": id, "fields": "station,count", "records_format": "csv", "include_total": false}))
            .await;
        assert_eq!(
            b["result"]["records"],
            "Toronto,500\nOttawa,250\nSudbury,\n"
        );
        assert!(b["result"].get("total").is_none());

        // SQL: one read-only SELECT over tables named by resource id.
        let sql =
            format!("SELECT year, SUM(count) AS fish FROM \"{id}\" GROUP BY year ORDER BY year");
        let (status, b) = api
            .post("datastore_search_sql", None, json!({"sql": sql}))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {b}");
        assert_eq!(
            b["result"]["records"],
            json!([{"year": 2012, "fish": 500}, {"year": 2013, "fish": 250}])
        );
        for (bad, why) in [
            (format!("DROP TABLE \"{id}\""), "read-only SELECT"),
            (format!("SELECT 1; SELECT * FROM \"{id}\""), "one statement"),
            (
                "SELECT * FROM information_schema.tables".to_string(),
                "not a datastore table",
            ),
            (
                "SELECT * FROM '/etc/passwd'".to_string(),
                "not a datastore table",
            ),
            (format!("COPY \"{id}\" TO '/tmp/x.csv'"), "read-only SELECT"),
            (
                format!("INSERT INTO \"{id}\" VALUES (1)"),
                "read-only SELECT",
            ),
            ("SELEC nothing".to_string(), "could not be parsed"),
        ] {
            let (status, b) = api
                .post("datastore_search_sql", None, json!({"sql": bad}))
                .await;
            assert_eq!(status, StatusCode::CONFLICT, "{bad}: {b}");
            assert_eq!(b["error"]["__type"], "Validation Error");
            let msg = b["error"]["sql"][0].as_str().unwrap();
            assert!(msg.contains(why), "{bad}: {msg}");
        }
        let (status, b) = api
            .post("datastore_search_sql", None, json!({"sql": format!("SELECT * FROM \"{id}\" a, \"{id}\" b, \"{id}\" c, \"{id}\" d, \"{id}\" e, \"{id}\" f, \"{id}\" g, \"{id}\" h, \"{id}\" i, \"{id}\" j")}))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(b["result"]["records_truncated"], true);
        assert_eq!(b["result"]["records"].as_array().unwrap().len(), 32_000);

        // Writes make versions; earlier versions stay readable.
        let (status, b) = api
            .post("datastore_upsert", Some(&api.token), json!({"resource_id": id, "force": true, "method": "insert", "records": [{"station": "Kenora", "code": "0999", "year": "2014", "count": 75}]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {b}");
        assert_eq!(b["result"]["version"], 2);
        let (_, b) = api
            .search(json!({"resource_id": id, "filters": {"station": "Kenora"}}))
            .await;
        assert_eq!(b["result"]["records"][0]["_id"], 4);
        let (_, b) = api.search(json!({"resource_id": id, "version": 1})).await;
        assert_eq!(b["result"]["total"], 3);
        let (status, _) = api
            .post(
                "datastore_upsert",
                Some(&api.other_token),
                json!({"resource_id": id, "force": true, "method": "insert", "records": []}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, b) = api
            .post(
                "datastore_upsert",
                Some(&api.token),
                json!({"resource_id": id, "force": true, "records": [{"station": "X", "year": "later"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}");
        let (status, b) = api
            .post("datastore_upsert", Some(&api.token), json!({"resource_id": id, "force": true, "method": "update", "records": [{"_id": 2, "count": 260}]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let (_, b) = api
            .search(json!({"resource_id": id, "filters": {"_id": 2}}))
            .await;
        assert_eq!(b["result"]["records"][0]["count"], 260);
        assert_eq!(b["result"]["records"][0]["station"], "Ottawa");

        // A file with problems: a report, and the last good version keeps serving.
        api.upload(
            "resource_update",
            &[("id", &id)],
            "stations.csv",
            b"%PDF-1.4\x00\x00binary",
        )
        .await;
        let mut refused = None;
        for _ in 0..400 {
            let loads = datastore::store::loads(&t.db, uuid::Uuid::parse_str(&id).unwrap(), 10)
                .await
                .unwrap();
            if let Some(l) = loads.iter().find(|l| !l.ok) {
                refused = Some(l.clone());
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let refused = refused.expect("the bad file was looked at");
        assert_eq!(refused.report.0.problems[0].code, "binary");
        let (_, b) = api.search(json!({"resource_id": id})).await;
        assert_eq!(
            b["result"]["total"], 4,
            "{engine}: the previous version serves"
        );

        // Dumps: streamed, with the search filters when given.
        let (status, ct, bytes) = api.raw(&format!("/datastore/dump/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ct.starts_with("text/csv"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("_id,station,code,year,count,opened,active\n1,Toronto,0164A,2012,500,2012-05-01,true\n"), "{text}");
        assert_eq!(text.lines().count(), 5);
        let (_, _, bytes) = api
            .raw(&format!(
                "/datastore/dump/{id}?format=json&filters=%7B%22year%22%3A2012%7D"
            ))
            .await;
        let dumped: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(dumped["records"].as_array().unwrap().len(), 2);
        let (status, ct, bytes) = api
            .raw(&format!("/datastore/dump/{id}?format=parquet"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ct, "application/vnd.apache.parquet");
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
        let (_, _, bytes) = api
            .raw(&format!("/datastore/dump/{id}?format=parquet&q=toronto"))
            .await;
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
        let (_, _, bytes) = api
            .raw(&format!("/datastore/dump/{id}?format=tsv&fields=station"))
            .await;
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "station\nToronto\nOttawa\nSudbury\nKenora\n"
        );
        let (status, _, _) = api.raw(&format!("/datastore/dump/{id}?format=xml")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Deleting rows makes a version; deleting the table stops it serving.
        let (status, b) = api
            .post(
                "datastore_delete",
                Some(&api.token),
                json!({"resource_id": id, "force": true, "filters": {"year": 2012}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(b["result"]["deleted"], 2);
        let (_, b) = api.search(json!({"resource_id": id})).await;
        assert_eq!(b["result"]["total"], 2);
        let (status, b) = api
            .post(
                "datastore_delete",
                Some(&api.token),
                json!({"resource_id": id}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "uploaded tables are read-only: {b}"
        );
        assert!(
            b["error"]["read-only"][0]
                .as_str()
                .unwrap()
                .contains("force=True")
        );
        let (status, _) = api
            .post(
                "datastore_delete",
                Some(&api.token),
                json!({"resource_id": id, "force": "true"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, b) = api.search(json!({"resource_id": id})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(b["error"]["__type"], "Not Found Error");
        let (_, shown) = api.post("resource_show", None, json!({"id": id})).await;
        assert_eq!(shown["result"]["datastore_active"], false);
    }
}

#[tokio::test]
async fn tables_made_through_the_api_with_a_primary_key() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        dataset(&api, "counts", false).await;
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({
                    "resource": {"package_id": "counts", "name": "Counts"},
                    "fields": [
                        {"id": "lake", "type": "text", "info": {"label": "Lake", "notes": "Official name", "label_fr": "Lac"}},
                        {"id": "fish", "type": "int"},
                        {"id": "checked", "type": "timestamp"}
                    ],
                    "primary_key": ["lake"],
                    "records": [{"lake": "Erie", "fish": 10, "checked": "2021-04-30T10:00:00Z"}, {"lake": "Huron", "fish": 3}]
                }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {b}");
        assert_eq!(b["result"]["fields"][1]["info"]["label"], "Lake");
        let id = b["result"]["resource_id"].as_str().unwrap().to_string();
        let (_, shown) = api.post("resource_show", None, json!({"id": id})).await;
        assert_eq!(shown["result"]["url_type"], "datastore");
        assert_eq!(shown["result"]["datastore_active"], true);
        let (status, b) = api
            .post("datastore_upsert", Some(&api.token), json!({"resource_id": id, "records": [{"lake": "Erie", "fish": 12}, {"lake": "Superior", "fish": 1}]}))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let (_, b) = api.search(json!({"resource_id": id, "sort": "_id"})).await;
        assert_eq!(
            b["result"]["records"],
            json!([
                {"_id": 1, "lake": "Erie", "fish": 12, "checked": "2021-04-30T10:00:00"},
                {"_id": 2, "lake": "Huron", "fish": 3, "checked": null},
                {"_id": 3, "lake": "Superior", "fish": 1, "checked": null}
            ])
        );
        let (status, b) = api
            .post("datastore_upsert", Some(&api.token), json!({"resource_id": id, "method": "update", "records": [{"lake": "Ontario", "fish": 1}]}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(b["error"]["key"][0].as_str().unwrap().contains("Ontario"));
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({"resource_id": id, "fields": [{"id": "_secret", "type": "text"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            b["error"]["fields"][0]
                .as_str()
                .unwrap()
                .contains("reserved")
        );
        let (status, _) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({"resource_id": id, "fields": [{"id": "x", "type": "money"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn private_tables_are_not_readable_by_others() {
    let t = testing::sqlite().await;
    let api = setup(&t).await;
    dataset(&api, "hidden", true).await;
    let r = api
        .upload(
            "resource_create",
            &[("package_id", "hidden")],
            "stations.csv",
            STATIONS,
        )
        .await;
    let id = r["id"].as_str().unwrap().to_string();
    // The editor sees it load; nobody else reads it, by search, SQL or dump.
    let mut loaded = false;
    for _ in 0..400 {
        let (status, _) = api
            .post(
                "datastore_info",
                Some(&api.token),
                json!({"resource_id": id}),
            )
            .await;
        if status == StatusCode::OK {
            loaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(loaded);
    let (status, b) = api.search(json!({"resource_id": id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
    let (status, _) = api
        .post(
            "datastore_search",
            Some(&api.other_token),
            json!({"resource_id": id}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api
        .post(
            "datastore_search_sql",
            None,
            json!({"sql": format!("SELECT * FROM \"{id}\"")}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = api.raw(&format!("/datastore/dump/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api
        .post(
            "datastore_search",
            Some(&api.token),
            json!({"resource_id": id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_link_that_cannot_be_fetched_gets_a_report() {
    let t = testing::sqlite().await;
    let api = setup_on(&t, allowing_private_links(&t)).await;
    dataset(&api, "linked", false).await;
    let (status, r) = api
        .post(
            "resource_create",
            Some(&api.token),
            json!({"package_id": "linked", "name": "Gone", "url": "http://127.0.0.1:9/gone.csv", "format": "CSV"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let id = uuid::Uuid::parse_str(r["result"]["id"].as_str().unwrap()).unwrap();
    let mut report = None;
    for _ in 0..600 {
        let loads = datastore::store::loads(&t.db, id, 5).await.unwrap();
        if let Some(l) = loads.first() {
            report = Some(l.report.0.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = report.expect("the failed fetch was reported after its retries");
    assert!(!report.ok);
    assert_eq!(report.problems[0].code, "unreachable");
    assert!(
        report.problems[0]
            .message(platform::Lang::En)
            .starts_with("The file could not be fetched: ")
    );
    let (status, _) = api.search(json!({"resource_id": id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_linked_csv_is_fetched_and_loaded() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let files = axum::Router::new().route(
        "/open/stations.csv",
        axum::routing::get(|| async { STATIONS }),
    );
    tokio::spawn(async move { axum::serve(listener, files).await });
    let t = testing::sqlite().await;
    let api = setup_on(&t, allowing_private_links(&t)).await;
    dataset(&api, "linked", false).await;
    let (status, r) = api
        .post(
            "resource_create",
            Some(&api.token),
            json!({"package_id": "linked", "name": "Stations", "url": format!("http://{addr}/open/stations.csv")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["result"]["format"], "CSV");
    let id = r["result"]["id"].as_str().unwrap().to_string();
    let info = api.wait_for_version(&id, 1).await;
    assert_eq!(info["meta"]["count"], 3);
    assert_eq!(info["meta"]["versions"][0]["source"], "link");
}

#[tokio::test]
async fn hostile_offsets_and_limits_answer_without_a_panic() {
    let t = testing::sqlite().await;
    let api = setup(&t).await;
    dataset(&api, "stations", false).await;
    let r = api
        .upload(
            "resource_create",
            &[("package_id", "stations"), ("name", "Stations")],
            "stations.csv",
            STATIONS,
        )
        .await;
    let id = r["id"].as_str().unwrap().to_string();
    api.wait_for_version(&id, 1).await;
    let (status, body) = api
        .search(json!({"resource_id": id, "offset": i64::MAX, "limit": 1000}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["records"], json!([]));
    let next = body["result"]["_links"]["next"].as_str().unwrap();
    assert!(
        next.contains(&format!("offset={}", i64::MAX)),
        "the next link saturates: {next}"
    );
    for (key, value) in [
        ("offset", json!(-1)),
        ("offset", json!("18446744073709551615")),
        ("limit", json!("18446744073709551615")),
    ] {
        let (status, body) = api.search(json!({"resource_id": id, key: value})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{key}={value}: {body}");
        assert_eq!(body["success"], false);
        assert!(body["error"][key].is_array(), "{key}={value}: {body}");
    }
}
