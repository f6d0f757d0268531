//! The CKAN Action API: envelopes, error types and codes, reads and writes, as CKAN clients use it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use platform::server::App;
use platform::testing::{self, Client, Multipart, Person, TestDb, api_token, json_request};

/// The catalogue's site on the test kit: two ministries, an editor of health with an API token,
/// and a participant with another.
pub struct Api {
    pub app: App,
    pub token: String,
    pub other_token: String,
    pub platform: platform::Platform,
}

pub async fn setup(t: &TestDb) -> Api {
    let platform = t.platform();
    let db = &t.db;
    let health = testing::org(
        db,
        "ministry-of-health",
        "Ministry of Health",
        "Ministère de la Santé",
    )
    .await;
    testing::org(
        db,
        "ministry-of-finance",
        "Ministry of Finance",
        "Ministère des Finances",
    )
    .await;
    let editor = Person::new("editor@health.example")
        .editor_for(health.id)
        .create(db)
        .await;
    let other = Person::new("someone@example.org").create(db).await;
    let app = platform::server::app(platform.clone(), catalogue::pages(), catalogue::api());
    Api {
        app,
        token: api_token(db, editor.id).await,
        other_token: api_token(db, other.id).await,
        platform,
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
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Request::get(path).body(Body::empty()).unwrap())
            .await
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
}

fn package(name: &str) -> Value {
    json!({
        "name": name,
        "title": "Hospital wait times",
        "title_translated": {"en": "Hospital wait times", "fr": "Temps d’attente dans les hôpitaux"},
        "notes": "Wait times for surgery and diagnostic imaging.",
        "owner_org": "ministry-of-health",
        "license_id": "OGL-ON-1.0",
        "tags": [{"name": "health"}, {"name": "hospitals"}],
        "update_frequency": "monthly",
        "resources": [{"name": "Wait times 2024", "url": "https://data.example.org/wait-times-2024.csv", "format": "CSV"}]
    })
}

#[tokio::test]
async fn read_and_write_actions_on_every_engine() {
    for t in testing::engines().await {
        let api = setup(&t).await;
        let engine = t.engine;

        let (status, body) = api.get("/api/3/action/status_show").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["success"], true);
        assert_eq!(body["result"]["ckan_version"], "2.11.0");
        assert!(
            body["help"]
                .as_str()
                .unwrap()
                .ends_with("/api/3/action/help_show?name=status_show")
        );

        // Writes need a token of someone who edits for the organization.
        let (status, body) = api
            .post("package_create", None, package("wait-times"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {body}");
        assert_eq!(body["error"]["__type"], "Authorization Error");
        let (status, body) = api
            .post(
                "package_create",
                Some(&api.other_token),
                package("wait-times"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}: {body}");

        let (status, body) = api
            .post("package_create", Some(&api.token), package("wait-times"))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let created = &body["result"];
        assert_eq!(created["name"], "wait-times");
        assert_eq!(created["organization"]["name"], "ministry-of-health");
        assert_eq!(created["num_resources"], 1);
        assert_eq!(created["resources"][0]["format"], "CSV");
        assert_eq!(
            created["license_title"],
            "Open Government Licence – Ontario"
        );
        assert_eq!(created["isopen"], true);
        assert_eq!(created["tags"].as_array().unwrap().len(), 2);
        let modified = created["metadata_modified"].as_str().unwrap();
        assert!(
            modified.len() == 26 && !modified.ends_with('Z'),
            "CKAN's timestamp form: {modified}"
        );

        // Validation errors name each field, with 409.
        let (status, body) = api.post("package_create", Some(&api.token), json!({"name": "wait-times", "owner_org": "ministry-of-health", "license_id": "bogus", "access_level": "restricted"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}: {body}");
        assert_eq!(body["error"]["__type"], "Validation Error");
        for field in ["title", "license_id", "exemption_rationale"] {
            assert!(
                body["error"][field].is_array(),
                "{engine}: {field} missing in {body}"
            );
        }
        let (status, body) = api
            .post(
                "package_create",
                Some(&api.token),
                json!({"name": "x-y", "title": "X", "owner_org": "no-such-org"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            body["error"]["owner_org"][0]
                .as_str()
                .unwrap()
                .contains("no-such-org")
        );
        // The same name again.
        let (status, body) = api
            .post("package_create", Some(&api.token), package("wait-times"))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["name"][0], "That URL is already in use.");

        let (status, body) = api.get("/api/3/action/package_show?id=wait-times").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["result"]["title_translated"]["fr"],
            "Temps d’attente dans les hôpitaux"
        );
        let (status, body) = api.get("/api/action/package_show?id=nope").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["__type"], "Not Found Error");
        let (status, body) = api.get("/api/3/action/package_show").await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["id"][0], "Missing value");

        // Patch changes one field and keeps the rest; restricting records its reason.
        let (status, body) = api
            .post("package_patch", Some(&api.token), json!({"id": "wait-times", "access_level": "restricted", "exemption": "privacy", "exemption_rationale": {"en": "Small counts identify patients.", "fr": "De petits nombres identifieraient des patients."}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        assert_eq!(body["result"]["access_level"], "restricted");
        assert_eq!(body["result"]["num_resources"], 1, "patch keeps resources");
        assert_eq!(body["result"]["title"], "Hospital wait times");

        // Update replaces.
        let mut replaced = package("wait-times");
        replaced["title_translated"] = json!({"en": "Surgical wait times", "fr": ""});
        replaced["resources"] = json!([]);
        let (status, body) = api.post("package_update", Some(&api.token), replaced).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        assert_eq!(body["result"]["title"], "Surgical wait times");
        assert_eq!(body["result"]["num_resources"], 0);
        assert_eq!(body["result"]["access_level"], "open");

        let (status, body) = api.post("resource_create", Some(&api.token), json!({"package_id": "wait-times", "url": "https://data.example.org/2025.csv", "name": "2025"})).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let rid = body["result"]["id"].as_str().unwrap().to_string();
        assert_eq!(body["result"]["format"], "CSV");
        let (_, body) = api
            .get(&format!("/api/3/action/resource_show?id={rid}"))
            .await;
        assert_eq!(body["result"]["name"], "2025");
        let (status, body) = api
            .post(
                "resource_patch",
                Some(&api.token),
                json!({"id": rid, "description": "The 2025 figures"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["result"]["description"], "The 2025 figures");
        assert_eq!(body["result"]["name"], "2025");
        let (status, _) = api
            .post("resource_delete", Some(&api.token), json!({"id": rid}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = api
            .get(&format!("/api/3/action/resource_show?id={rid}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Lists.
        let (_, body) = api.get("/api/3/action/package_list").await;
        assert_eq!(body["result"], json!(["wait-times"]));
        let (_, body) = api
            .get("/api/3/action/organization_list?all_fields=true&sort=name%20asc")
            .await;
        assert_eq!(body["result"][1]["name"], "ministry-of-health");
        assert_eq!(body["result"][1]["package_count"], 1);
        let (_, body) = api
            .get("/api/3/action/organization_show?id=ministry-of-health")
            .await;
        assert_eq!(body["result"]["title"], "Ministry of Health");
        let (_, body) = api.get("/api/3/action/tag_list").await;
        assert_eq!(body["result"], json!(["health", "hospitals"]));
        let (_, body) = api.get("/api/3/action/license_list").await;
        assert!(
            body["result"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["id"] == "OGL-ON-1.0")
        );

        // Deleting takes it out of every public listing.
        let (status, _) = api
            .post(
                "package_delete",
                Some(&api.token),
                json!({"id": "wait-times"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, body) = api.get("/api/3/action/package_list").await;
        assert_eq!(body["result"], json!([]));
        let (status, _) = api.get("/api/3/action/package_show?id=wait-times").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn protocol_errors_are_ckan_shaped() {
    let t = testing::sqlite().await;
    let api = setup(&t).await;
    let (status, body) = api.get("/api/3/action/no_such_action").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!("Bad request - Action name not known: no_such_action")
    );
    let req = Request::post("/api/3/action/package_create")
        .header(header::AUTHORIZATION, &api.token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("[1,2]"))
        .unwrap();
    let (status, body) = api.call(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.as_str().unwrap().starts_with("Bad request - "),
        "{body}"
    );
    let req = Request::post("/api/3/action/package_create")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let (status, body) = api.call(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.as_str().unwrap().contains("JSON"), "{body}");
    let (status, body) = api.get("/api/3/action/package_create?name=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let req = Request::get("/api/3/action/package_list")
        .header(header::AUTHORIZATION, "agora_not-a-token")
        .body(Body::empty())
        .unwrap();
    let (status, body) = api.call(req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["__type"], "Authorization Error");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not known")
    );
    let (status, body) = api.get("/api/3/action/package_list?limit=abc").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["limit"][0], "Invalid integer");
}

#[tokio::test]
async fn uploads_are_stored_and_served() {
    let t = testing::sqlite().await;
    let api = setup(&t).await;
    let (status, _) = api
        .post("package_create", Some(&api.token), package("with-upload"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut req = Multipart::new()
        .fields(&[("package_id", "with-upload"), ("name", "Stations")])
        .csv("upload", "stations.csv", b"id,name\n1,Toronto\n2,Ottawa\n")
        .request("/api/3/action/resource_create");
    req.headers_mut()
        .insert(header::AUTHORIZATION, api.token.parse().unwrap());
    let (status, res) = api.call(req).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["result"]["url_type"], "upload");
    assert_eq!(res["result"]["format"], "CSV");
    assert_eq!(res["result"]["size"], 27);
    let url = res["result"]["url"].as_str().unwrap();
    let path = &url[url.find("/dataset/").unwrap()..];
    let file = api.visitor().get(path).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "text/csv");
    assert_eq!(&file.bytes[..], b"id,name\n1,Toronto\n2,Ottawa\n");
}
