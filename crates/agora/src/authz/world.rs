//! The site the matrix runs against: two ministries, one person per role with a session and an
//! API token, and one thing of every kind a route acts on (open, private, draft and restricted
//! datasets with loaded tables, a process with an idea, a consultation, a plan and a commitment,
//! a data request, a target, a job). Made once per engine, through the site's own APIs as an
//! administrator, so they are what a real site holds.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use platform::Db;
use platform::auth::Role;
use platform::jobs::{self, WorkerOptions};
use platform::server::App;
use platform::testing::{Client, Multipart, Person, TestDb, api_token};
use serde_json::{Value, json};

use super::matrix::Who;

/// A small table to load into the datastore.
const STATIONS: &[u8] = b"station,code,count\nToronto,0164A,500\nOttawa,0201,250\n";
/// The table of the restricted dataset: its town's name must show to nobody else.
const RESTRICTED: &[u8] = b"station,code,count\nKapuskasing,0999K,12\n";

pub struct World {
    pub app: App,
    pub db: Db,
    pub data_dir: std::path::PathBuf,
    /// Placeholder values of the matrix's paths and bodies: `{open_a}` and the like.
    pub values: HashMap<&'static str, String>,
    people: HashMap<Who, Account>,
    /// The query [`World::fingerprint`] runs.
    snapshot_sql: String,
    /// Dataset ids by name.
    ids: std::sync::Mutex<HashMap<String, String>>,
    admin: Client,
}

struct Account {
    user: Option<uuid::Uuid>,
    token: Option<String>,
}

impl World {
    pub async fn new(t: &TestDb) -> World {
        let db = t.db.clone();
        let settings = platform::config::Settings {
            data_dir: t.dir.path().to_path_buf(),
            ..Default::default()
        };
        let areas = crate::home::areas();
        let platform =
            platform::Platform::with_db(settings, db.clone(), crate::home::nav(&areas)).unwrap();
        let app = crate::home::app(&platform, &areas).await.unwrap();
        let workers = jobs::spawn_workers_with(
            platform.clone(),
            Arc::new(crate::home::job_registry(&areas)),
            1,
            WorkerOptions {
                poll_interval: Duration::from_millis(20),
                backoff_base: Duration::from_millis(20),
                ..WorkerOptions::default()
            },
        );

        let org_a = platform::testing::org(&db, "org-a", "Ministry A", "Ministère A").await;
        let org_b = platform::testing::org(&db, "org-b", "Ministry B", "Ministère B").await;
        let mut people = HashMap::new();
        let mut values: HashMap<&'static str, String> = HashMap::new();
        for who in Who::ALL {
            let email = format!("{}@example.org", who.name());
            let person = Person::new(&email);
            let person = match who {
                Who::Anonymous => {
                    people.insert(
                        who,
                        Account {
                            user: None,
                            token: None,
                        },
                    );
                    continue;
                }
                Who::Unverified => person.verified(false),
                Who::Participant => person,
                Who::Member => person.member_of(org_a.id),
                Who::Moderator => person.role(Role::Moderator),
                Who::EditorA => person.editor_for(org_a.id),
                Who::EditorB => person.editor_for(org_b.id),
                Who::Admin => person.role(Role::Admin),
            };
            let user = person.create(&db).await;
            let token = api_token(&db, user.id).await;
            if who == Who::Participant {
                values.insert("participant_id", user.id.to_string());
            }
            people.insert(
                who,
                Account {
                    user: Some(user.id),
                    token: Some(token),
                },
            );
        }
        let admin_id = people[&Who::Admin].user.unwrap();
        let admin_session = platform::auth::create_session(&db, admin_id).await.unwrap();
        let admin = session_client(&app, &admin_session);
        let snapshot_sql = snapshot_sql(&db).await;
        let mut world = World {
            app,
            db,
            data_dir: t.dir.path().to_path_buf(),
            values,
            people,
            snapshot_sql,
            ids: Default::default(),
            admin,
        };
        world.values.insert("org_a", "org-a".into());
        world.values.insert("org_a_id", org_a.id.to_string());
        world.values.insert("org_b_id", org_b.id.to_string());
        world.make_things().await;
        // Loads done, nothing runs behind the requests: what changes is what they change.
        world.wait_for_jobs().await;
        workers.shutdown().await;
        platform
            .search
            .follow(&world.db, &crate::home::search_sources(&areas))
            .await
            .unwrap();
        world
    }

    /// A client acting as `who`: a browser with a new session (and the session's CSRF token),
    /// or none for the anonymous visitor. New each time, as one row logs out.
    pub async fn browser(&self, who: Who) -> Client {
        match self.people[&who].user {
            Some(id) => {
                let s = platform::auth::create_session(&self.db, id).await.unwrap();
                session_client(&self.app, &s)
            }
            None => Client::new(self.app.clone()),
        }
    }

    /// A client acting as `who` with its API token and no cookies.
    pub fn api_client(&self, who: Who) -> Client {
        let c = Client::new(self.app.clone());
        if let Some(t) = &self.people[&who].token {
            c.set_token(Some(t));
        }
        c
    }

    async fn ckan(&self, action: &str, body: Value) -> Value {
        let r = self
            .admin_token_client()
            .json("POST", &format!("/api/3/action/{action}"), Some(&body))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{action} {body}: {}", r.body);
        r.json()["result"].clone()
    }

    fn admin_token_client(&self) -> Client {
        self.api_client(Who::Admin)
    }

    async fn native(&self, method: &str, path: &str, body: Value) -> Value {
        let r = self
            .admin_token_client()
            .json(method, path, Some(&body))
            .await;
        assert!(r.status.is_success(), "{method} {path} {body}: {}", r.body);
        r.json_or_text()
    }

    /// A dataset of ministry A, with a linked resource; answers the resource's id.
    async fn dataset(&self, name: &str, extra: Value) -> String {
        let mut body = json!({
            "name": name, "title": format!("Dataset {name}"), "owner_org": "org-a",
            "notes": "Secret notes.",
            "resources": [{"name": "Linked", "url": "https://data.example.org/x.csv", "format": "CSV"}]
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let d = self.ckan("package_create", body).await;
        self.ids
            .lock()
            .unwrap()
            .insert(name.to_string(), d["id"].as_str().unwrap().to_string());
        d["resources"][0]["id"].as_str().unwrap().to_string()
    }

    /// A CSV uploaded to `dataset`: its id and file name.
    async fn upload(&self, dataset: &str, data: &[u8]) -> (String, String) {
        let mut req = Multipart::new()
            .fields(&[("package_id", dataset), ("name", "Stations")])
            .csv("upload", "stations.csv", data)
            .request("/api/3/action/resource_create");
        req.headers_mut().insert(
            axum::http::header::AUTHORIZATION,
            self.people[&Who::Admin]
                .token
                .clone()
                .unwrap()
                .parse()
                .unwrap(),
        );
        let r = Client::new(self.app.clone()).send(req).await;
        assert_eq!(r.status, StatusCode::OK, "upload: {}", r.body);
        let res = r.json()["result"].clone();
        let url = res["url"].as_str().unwrap();
        (
            res["id"].as_str().unwrap().to_string(),
            url.rsplit('/').next().unwrap().to_string(),
        )
    }

    async fn make_things(&mut self) {
        let v = |s: &str| s.to_string();
        let linked = self.dataset("open-a", json!({})).await;
        self.values.insert("open_a", v("open-a"));
        self.values.insert("open_a_linked", linked);
        let (res, file) = self.upload("open-a", STATIONS).await;
        self.values.insert("open_a_res", res);
        self.values.insert("open_a_file", file);
        let res = self.dataset("private-a", json!({"private": true})).await;
        self.values.insert("private_a", v("private-a"));
        self.values.insert("private_a_res", res);
        let res = self.dataset("draft-a", json!({"state": "draft"})).await;
        self.values.insert("draft_a", v("draft-a"));
        self.values.insert("draft_a_res", res);
        self.dataset("restricted-a", json!({})).await;
        let (res, file) = self.upload("restricted-a", RESTRICTED).await;
        self.wait_for_jobs().await;
        self.ckan(
            "package_patch",
            json!({"id": "restricted-a", "access_level": "under_review"}),
        )
        .await;
        self.values.insert("restricted_a", v("restricted-a"));
        let ids = self.ids.lock().unwrap().clone();
        self.values.insert("open_a_id", ids["open-a"].clone());
        self.values
            .insert("restricted_a_id", ids["restricted-a"].clone());
        self.values.insert("restricted_a_res", res);
        self.values.insert("restricted_a_file", file);

        // The dialogue: a process of ministry A open for ideas and votes, an idea, a consultation.
        let today = time::OffsetDateTime::now_utc().date();
        let later = today + time::Duration::days(30);
        self.native(
            "POST",
            "/api/v1/dialogue/processes",
            json!({
                "slug": "process-a", "organization_id": self.values["org_a_id"], "title_en": "Process A",
                "vote_rule": "approval", "vote_max": 2,
                "phases": [
                    {"kind": "ideas", "opens_on": today.to_string(), "closes_on": later.to_string(), "submit": "verified", "comment": "verified"},
                    {"kind": "voting", "opens_on": today.to_string(), "closes_on": later.to_string(), "vote": "verified"}
                ],
                "themes": [{"slug": "one", "title_en": "One"}]
            }),
        )
        .await;
        self.values.insert("process_a", v("process-a"));
        let r = self
            .api_client(Who::Participant)
            .json(
                "POST",
                "/api/v1/dialogue/processes/process-a/ideas",
                Some(&json!({"theme": "one", "title": "Open contracts", "body": "Publish every contract."})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "idea: {}", r.body);
        self.values
            .insert("idea", r.json()["id"].as_str().unwrap().to_string());
        self.native(
            "POST",
            "/api/v1/dialogue/consultations",
            json!({"slug": "consultation-a", "organization_id": self.values["org_a_id"], "title_en": "Consultation A", "level": "consult",
                   "opens_on": (today - time::Duration::days(60)).to_string(), "closes_on": (today - time::Duration::days(1)).to_string()}),
        )
        .await;
        self.values.insert("consultation_a", v("consultation-a"));

        // The tracker: a plan and a commitment of ministry A with a milestone.
        self.native(
            "POST",
            "/api/v1/tracker/plans",
            json!({"slug": "plan-a", "title": {"en": "Plan A"}, "plan_number": 1, "country": "Ontario, Canada"}),
        )
        .await;
        self.values.insert("plan_a", v("plan-a"));
        let item = self.tracker_item("item-a").await;
        self.values.insert("item_a", item);

        // A data request, a target, a job, a user to act on.
        let r = self
            .api_client(Who::Participant)
            .json(
                "POST",
                "/api/v1/catalogue/requests",
                Some(&json!({"title": "Bus stops", "description": "Every bus stop.", "organization": "org-a"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "request: {}", r.body);
        self.values
            .insert("request", r.json()["id"].as_str().unwrap().to_string());
        let r = self
            .admin
            .post(
                "/en/data/dashboard/targets",
                &[
                    ("organization", "org-a"),
                    ("open_count", "5"),
                    ("due_date", "2030-01-01"),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "target: {} {}", r.status, r.body);
        let target = first_id(&self.db, "open_data_targets").await;
        self.values.insert("target", target);
        let job = first_id(&self.db, "jobs").await;
        self.values.insert("job", job);
    }

    /// A commitment of ministry A with one milestone: its slug.
    async fn tracker_item(&self, slug: &str) -> String {
        let r = self
            .native(
                "POST",
                "/api/v1/tracker/items",
                json!({"kind": "project", "slug": slug, "organization": "org-a", "title": {"en": format!("Item {slug}")},
                       "milestones": [{"activity": {"en": "Design"}, "start": "2018-01", "end": "2018-03-15"},
                                      {"activity": {"en": "Build"}, "start": "2018-04", "end": "2018-06"}]}),
            )
            .await;
        r["slug"].as_str().unwrap_or(slug).to_string()
    }

    /// Makes what a `{fresh_…}` placeholder names, new for each request.
    pub async fn fresh(&self, name: &str, n: usize) -> String {
        match name {
            "fresh_dataset" => {
                let name = format!("fresh-{n}");
                self.dataset(&name, json!({})).await;
                name
            }
            "fresh_resource" => self.dataset(&format!("fresh-{n}"), json!({})).await,
            "fresh_item" => self.tracker_item(&format!("fresh-item-{n}")).await,
            "fresh_user" => {
                let email = format!("fresh-{n}@example.org");
                Person::new(&email).create(&self.db).await.id.to_string()
            }
            "fresh_token" => {
                let id = self.values["participant_id"].parse().unwrap();
                let mut tx = self.db.begin().await.unwrap();
                let (_, token) = platform::auth::create_api_token(
                    &mut tx,
                    &platform::Actor::system("test"),
                    id,
                    "fresh",
                    None,
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                token.id.to_string()
            }
            other => panic!("no fixture makes {{{other}}}"),
        }
    }

    /// Waits until no job is queued or running.
    pub async fn wait_for_jobs(&self) {
        for _ in 0..500 {
            let busy = sqlx_text(
                &self.db,
                "SELECT CAST(COUNT(*) AS TEXT) FROM jobs WHERE state IN ('queued', 'running')",
            )
            .await;
            if busy.first().map(String::as_str) == Some("0") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("jobs never finished");
    }

    /// What the site holds: a digest of every table's rows (but of the tables that a refused
    /// request may rightly touch) and the size of every file of its data folder.
    pub async fn fingerprint(&self) -> BTreeMap<String, u64> {
        let sql = sqlx::AssertSqlSafe(self.snapshot_sql.clone());
        let rows: Vec<(String, Option<String>)> = match &self.db {
            Db::Sqlite { writer, .. } => sqlx::query_as(sql).fetch_all(writer).await,
            Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        }
        .unwrap_or_else(|e| panic!("{e}"));
        let mut by_table: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (table, row) in rows {
            by_table
                .entry(table)
                .or_default()
                .push(row.unwrap_or_default());
        }
        let mut out = BTreeMap::new();
        for (table, mut rows) in by_table {
            rows.sort();
            out.insert(format!("table {table}"), digest(&rows));
        }
        files(&self.data_dir, &self.data_dir, &mut out);
        out
    }
}

/// One query that reads every row of every table (but those skipped) as text, with its table:
/// one round trip per fingerprint.
async fn snapshot_sql(db: &Db) -> String {
    let mut parts = Vec::new();
    for table in tables(db).await {
        if SKIPPED_TABLES.contains(&table.as_str()) {
            continue;
        }
        let columns: Vec<String> = columns(db, &table)
            .await
            .into_iter()
            .filter(|c| !SKIPPED_COLUMNS.contains(&c.as_str()))
            .collect();
        parts.push(match db {
            Db::Sqlite { .. } => format!(
                "SELECT '{table}', {} FROM \"{table}\"",
                columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join("||','||")
            ),
            Db::Postgres(_) => format!(
                "SELECT CAST('{table}' AS TEXT), CAST(ROW({}) AS TEXT) FROM \"{table}\"",
                columns
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        });
    }
    parts.join(" UNION ALL ")
}

/// Tables a refused request may change: its session's last use, failed log-ins, rate limits.
const SKIPPED_TABLES: &[&str] = &[
    "sessions",
    "login_failures",
    "rate_limits",
    "_sqlx_migrations",
];
/// Columns that record a use, not a change.
const SKIPPED_COLUMNS: &[&str] = &["last_used_at", "last_seen_at"];

fn digest<T: Hash>(value: &T) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

fn files(root: &Path, dir: &Path, out: &mut BTreeMap<String, u64>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        // The database itself is compared by its rows; the search index is rebuilt from them.
        if rel.starts_with("agora.db") || rel.starts_with("search") {
            continue;
        }
        if path.is_dir() {
            files(root, &path, out);
        } else {
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            out.insert(format!("file {rel}"), len);
        }
    }
}

fn session_client(app: &App, session: &str) -> Client {
    let c = Client::new(app.clone());
    c.set_cookie(
        platform::web::CSRF_COOKIE,
        &platform::web::session_csrf(session),
    );
    c.set_cookie(platform::auth::SESSION_COOKIE, session);
    c
}

/// One text column of a query's rows (the writer's view on SQLite: the latest).
pub async fn sqlx_text(db: &Db, sql: &str) -> Vec<String> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Db::Sqlite { writer, .. } => sqlx::query_scalar::<_, Option<String>>(sql)
            .fetch_all(writer)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        Db::Postgres(pool) => sqlx::query_scalar::<_, Option<String>>(sql)
            .fetch_all(pool)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    }
    .into_iter()
    .map(Option::unwrap_or_default)
    .collect()
}

/// The id of a row of `table`.
async fn first_id(db: &Db, table: &str) -> String {
    let sql = sqlx::AssertSqlSafe(format!("SELECT id FROM {table} LIMIT 1"));
    let id: uuid::Uuid = match db {
        Db::Sqlite { writer, .. } => sqlx::query_scalar(sql).fetch_one(writer).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("a row of {table}: {e}"));
    id.to_string()
}

async fn tables(db: &Db) -> Vec<String> {
    let sql = match db {
        Db::Sqlite { .. } => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Db::Postgres(_) => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    sqlx_text(db, sql).await
}

async fn columns(db: &Db, table: &str) -> Vec<String> {
    let sql = match db {
        Db::Sqlite { .. } => format!("SELECT name FROM pragma_table_info('{table}')"),
        Db::Postgres(_) => format!(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    sqlx_text(db, &sql).await
}
