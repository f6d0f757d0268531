//! The editor's pages through the real router: an organization's editor adds a dataset with
//! every field, uploads its file, changes its access level (audited, kept as history), edits and
//! deletes resources; bad input comes back with an error summary naming each field, in English
//! and French, and nothing is saved; people who may not edit are refused.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use uuid::Uuid;

use catalogue::store::{self, DatasetInput};
use platform::auth::Role;
use platform::config::{Limits, Settings};
use platform::db::Actor;
use platform::testing::{self, Client, Multipart, Person, Reply, TestDb, count};
use platform::{Db, Platform};

/// A visitor of the catalogue's site on `platform`.
fn client(platform: Platform) -> Client {
    Client::site(&platform, catalogue::pages(), catalogue::api())
}

/// Posts the multipart form of a resource: the text fields and, when given, a CSV file.
async fn post_file(
    c: &Client,
    uri: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Reply {
    let form = Multipart::new().fields(fields);
    let form = match file {
        Some((name, data)) => form.csv("file", name, data),
        None => form,
    };
    c.post_multipart(uri, form).await
}

async fn organization(db: &Db, slug: &str, en: &str, fr: &str) -> Uuid {
    testing::org(db, slug, en, fr).await.id
}

async fn person(db: &Db, email: &str, role: Role, org: Option<Uuid>) {
    let person = Person::new(email).role(role);
    match org {
        Some(org) => person.member_of(org),
        None => person,
    }
    .create(db)
    .await;
}

struct World {
    health: Uuid,
    finance: Uuid,
}

async fn world(db: &Db) -> World {
    let health = organization(db, "health", "Ministry of Health", "Ministère de la Santé").await;
    let finance = organization(
        db,
        "finance",
        "Ministry of Finance",
        "Ministère des Finances",
    )
    .await;
    person(db, "editor@health.example", Role::Editor, Some(health)).await;
    person(db, "admin@agora.example", Role::Admin, None).await;
    person(db, "someone@example.org", Role::Participant, None).await;
    let mut tx = db.begin().await.unwrap();
    store::create_group(
        &mut tx,
        &Actor::system("test"),
        "health-care",
        "Health care",
        "Soins de santé",
    )
    .await
    .unwrap();
    store::create(
        &mut tx,
        &Actor::system("test"),
        DatasetInput {
            name: "budget-tables".into(),
            title_en: "Budget tables".into(),
            organization_id: Some(finance),
            license_id: "OGL-ON-1.0".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    World { health, finance }
}

/// The messages of the error summary, in order.
fn summary(html: &str) -> Vec<String> {
    let Some(start) = html.find("agora-error-summary") else {
        return vec![];
    };
    let end = html[start..].find("</ul>").unwrap() + start;
    html[start..end]
        .split("<a href=\"#")
        .skip(1)
        .map(|a| {
            let (field, rest) = a.split_once("\">").unwrap();
            let text = rest.split("</a>").next().unwrap();
            format!(
                "#{field} {}",
                text.replace("&#39;", "'").replace("&quot;", "\"")
            )
        })
        .collect()
}

fn full_form(org: &str) -> Vec<(&str, &str)> {
    vec![
        ("title_en", "Fish stocking"),
        ("title_fr", "Ensemencement des poissons"),
        ("name", ""),
        ("notes_en", "Where and when fish were **stocked**."),
        ("notes_fr", "Où et quand les poissons ont été ensemencés."),
        ("keywords_en", "fish, lakes, fish"),
        ("keywords_fr", "poissons, lacs"),
        ("groups", "health-care"),
        ("owner_org", org),
        ("license_id", "cc-by"),
        ("update_frequency", "yearly"),
        ("current_as_of", "2026-06-30"),
        ("access_level", "to_be_opened"),
        ("exemption", "none"),
        ("exemption_rationale_en", ""),
        ("exemption_rationale_fr", ""),
        ("planned_open_date", "2027-03-31"),
        ("opened_date", ""),
        ("maintainer", "Fish and Wildlife Branch"),
        ("maintainer_email", "fish@ontario.example"),
        ("maintainer_branch_en", "Fisheries"),
        ("maintainer_branch_fr", "Pêches"),
        ("author", ""),
        ("author_email", ""),
        ("geographic_coverage_en", "Ontario"),
        ("geographic_coverage_fr", "Ontario"),
        ("geographic_granularity", "lake"),
        ("temporal_start", "2010-01-01"),
        ("temporal_end", "2025-12-31"),
        ("url", "https://www.ontario.ca/page/fish-stocking"),
        ("version", "2"),
        ("state", "active"),
    ]
}

#[tokio::test]
async fn editors_add_and_change_datasets_on_every_engine() {
    for t in testing::engines().await {
        let engine = t.engine;
        let db = &t.db;
        let w = world(db).await;
        let health = w.health.to_string();
        let finance = w.finance.to_string();

        // Visitors are sent to log in; participants are refused.
        let visitor = client(t.platform());
        let r = visitor.get("/en/dataset/new").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}");
        assert!(
            r.location().starts_with("/en/account/login"),
            "{}",
            r.location()
        );
        let r = visitor.get("/en/dataset/budget-tables").await;
        assert!(
            !r.body.contains("/dataset/budget-tables/edit"),
            "{engine}: no edit link for visitors"
        );
        let someone = client(t.platform());
        someone.sign_in("someone@example.org").await;
        assert_eq!(
            someone.get("/en/dataset/new").await.status,
            StatusCode::FORBIDDEN
        );

        let editor = client(t.platform());
        editor.sign_in("editor@health.example").await;
        let r = editor.get("/en/dataset").await;
        assert!(
            r.body.contains("href=\"/en/dataset/new\""),
            "{engine}: editors get the add link"
        );
        let r = editor.get("/en/dataset/new").await;
        assert_eq!(r.status, StatusCode::OK, "{engine}: {}", r.body);
        assert!(
            r.body.contains(&format!(
                "<option value=\"{health}\" selected>Ministry of Health</option>"
            )),
            "{engine}: the editor's one organization is chosen"
        );
        assert!(
            !r.body.contains(&finance),
            "{engine}: only organizations the editor edits for are offered"
        );
        assert!(r.body.contains(
            "<option value=\"OGL-ON-1.0\" selected>Open Government Licence – Ontario</option>"
        ));
        assert!(r.body.contains("Creative Commons Attribution 4.0"));

        // A refused submission names every problem with its field, stores nothing.
        let before = count(db, "datasets").await;
        let mut bad = full_form(&finance);
        bad.retain(|(k, _)| {
            ![
                "title_en",
                "title_fr",
                "access_level",
                "license_id",
                "temporal_start",
            ]
            .contains(k)
        });
        bad.extend([
            ("title_en", " "),
            ("access_level", "restricted"),
            ("license_id", "no-such-licence"),
            ("temporal_start", "31/12/2010"),
        ]);
        let r = editor.post("/en/dataset/new", &bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: {}",
            r.body
        );
        // Every problem, in the order of the form; the empty name is left to the title.
        assert_eq!(
            summary(&r.body),
            [
                "#title_en Title in English: This field is required.",
                "#owner_org Organization: Choose an organization you edit for.",
                "#license_id Licence: Choose a licence from the list.",
                "#exemption_rationale_en Why it is restricted, in English: Explain publicly why this data is restricted.",
                "#temporal_start Data from: Give a date like 2024-03-31.",
            ],
            "{engine}"
        );
        assert!(
            r.body.contains("value=\"Fish and Wildlife Branch\""),
            "{engine}: what was typed is kept"
        );
        assert!(r.body.contains("id=\"title_en-error\""));
        assert_eq!(
            count(db, "datasets").await,
            before,
            "{engine}: nothing saved"
        );
        let r = editor.post("/fr/dataset/new", &bad).await;
        assert!(
            summary(&r.body)
                .iter()
                .any(|s| s == "#title_en Titre en anglais : Ce champ est obligatoire."),
            "{engine}: {:#?}",
            summary(&r.body)
        );
        // Without the form's token, nothing happens.
        let r = editor
            .send(
                Request::post("/en/dataset/new")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("title_en=Sneaky"))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{engine}");

        // Every field, stored as given; the name comes from the title.
        let r = editor.post("/en/dataset/new", &full_form(&health)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        assert_eq!(
            r.location(),
            "/en/dataset/fish-stocking/resource/new?notice=notice-catalogue-dataset-created"
        );
        let d = store::get(db, "fish-stocking").await.unwrap().unwrap();
        assert_eq!(d.row.title_fr, "Ensemencement des poissons");
        assert_eq!(
            d.row.license_id, "CC-BY-4.0",
            "{engine}: CKAN's id becomes ours"
        );
        assert_eq!(d.keywords_en, ["fish", "lakes"]);
        assert_eq!(d.keywords_fr, ["lacs", "poissons"]);
        assert_eq!(d.groups[0].name, "health-care");
        assert_eq!(d.row.access_level.as_str(), "to_be_opened");
        assert_eq!(d.row.planned_open_date.unwrap().to_string(), "2027-03-31");
        assert_eq!(d.row.temporal_end.unwrap().to_string(), "2025-12-31");
        assert_eq!(d.row.maintainer_branch_fr, "Pêches");
        assert_eq!(d.row.update_frequency, "yearly");
        assert!(d.row.creator_user_id.is_some());

        // The file, uploaded.
        let r = editor.get(&r.location()).await;
        assert!(
            r.body.contains("The dataset is created. Now add its data."),
            "{engine}"
        );
        let csv = b"lake,species,count\nSimcoe,lake trout,12000\n";
        let r = post_file(
            &editor,
            "/en/dataset/fish-stocking/resource/new",
            &[
                ("name_en", ""),
                ("name_fr", "Ensemencement 2025"),
                ("format", ""),
                ("resource_type", "data"),
                ("language", "english_and_french"),
                ("data_range_start", "2025-01-01"),
            ],
            Some(("stocking-2025.csv", csv)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let d = store::get(db, "fish-stocking").await.unwrap().unwrap();
        let res = &d.resources[0];
        assert_eq!(res.format, "CSV");
        assert_eq!(res.size, Some(csv.len() as i64));
        assert_eq!(
            (res.name_en.as_str(), res.name_fr.as_str()),
            ("", "Ensemencement 2025")
        );
        assert_eq!(res.hash.len(), 64);
        let page = editor.get("/en/dataset/fish-stocking").await.body;
        assert!(
            page.contains("/dataset/fish-stocking/edit")
                && page.contains("/dataset/fish-stocking/access"),
            "{engine}: editors see their tools"
        );
        let download = format!(
            "/dataset/{}/resource/{}/download/stocking-2025.csv",
            d.row.id, res.id
        );
        assert!(page.contains(&download), "{engine}");
        // The dataset is to be opened: its file goes to its editors, not yet to the public.
        let r = visitor.get(&download).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{engine}");
        assert!(r.body.contains("not open"), "{engine}: {}", r.body);
        let r = editor.get(&download).await;
        assert_eq!(r.body.as_bytes(), csv);

        // A link, and a link without an address refused with its field named.
        let r = post_file(
            &editor,
            "/en/dataset/fish-stocking/resource/new",
            &[
                ("url", ""),
                ("name_en", "Nothing"),
                ("resource_type", "data"),
                ("language", "english"),
            ],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(
            summary(&r.body)
                .iter()
                .any(|s| s
                    == "#url Or link to the data: Give the address of the file, or upload one."),
            "{:#?}",
            summary(&r.body)
        );
        let r = post_file(
            &editor,
            "/en/dataset/fish-stocking/resource/new",
            &[
                ("url", "https://data.example.org/stations.json"),
                ("name_en", "Stations"),
                ("resource_type", "data"),
                ("language", "english"),
            ],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let d = store::get(db, "fish-stocking").await.unwrap().unwrap();
        let link = d
            .resources
            .iter()
            .find(|r| r.name_en == "Stations")
            .unwrap()
            .clone();
        assert_eq!(link.format, "JSON");

        // Editing a resource keeps its file unless a new one comes; deleting takes it off the page.
        let file_res = d.resources[0].id;
        let r = post_file(
            &editor,
            &format!("/en/dataset/fish-stocking/resource/{file_res}/edit"),
            &[
                ("name_en", "Stocking 2025"),
                ("format", "CSV"),
                ("resource_type", "data"),
                ("language", "english_and_french"),
            ],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let kept = store::resource(db, file_res).await.unwrap().unwrap();
        assert_eq!(kept.name_en, "Stocking 2025");
        assert!(
            kept.file_key.is_some() && kept.size == Some(csv.len() as i64),
            "{engine}"
        );
        let r = editor
            .get(&format!(
                "/en/dataset/fish-stocking/resource/{}/delete",
                link.id
            ))
            .await;
        assert!(
            r.body.contains("Delete “Stations” from “Fish stocking”?"),
            "{engine}"
        );
        let r = editor
            .post(
                &format!("/en/dataset/fish-stocking/resource/{}/delete", link.id),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(
            store::get(db, "fish-stocking")
                .await
                .unwrap()
                .unwrap()
                .resources
                .len(),
            1
        );

        // Marking it restricted: refused without a rationale, then recorded in the history.
        let r = editor
            .post(
                "/en/dataset/fish-stocking/access",
                &[
                    ("access_level", "restricted"),
                    ("exemption", "privacy"),
                    ("exemption_rationale_en", ""),
                    ("exemption_rationale_fr", ""),
                    ("planned_open_date", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(
            summary(&r.body)
                .iter()
                .any(|s| s.starts_with("#exemption_rationale_en "))
        );
        let r = editor
            .post(
                "/en/dataset/fish-stocking/access",
                &[
                    ("access_level", "restricted"),
                    ("exemption", "privacy"),
                    (
                        "exemption_rationale_en",
                        "Stocking sites on **private** land identify their owners.",
                    ),
                    (
                        "exemption_rationale_fr",
                        "Les sites sur des terres privées identifient leurs propriétaires.",
                    ),
                    ("planned_open_date", "2027-03-31"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let d = store::get(db, "fish-stocking").await.unwrap().unwrap();
        assert_eq!(d.row.access_level.as_str(), "restricted");
        assert_eq!(
            d.row.planned_open_date, None,
            "{engine}: a planned date belongs to data to be opened"
        );
        let history = store::access_history(db, d.row.id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| h.access_level.as_str())
                .collect::<Vec<_>>(),
            ["to_be_opened", "restricted"]
        );
        assert_eq!(history[1].actor_label, "editor@health.example");
        let page = editor.get("/en/dataset/fish-stocking").await.body;
        assert!(
            page.contains("<td>To be opened (planned for March 31, 2027)</td>"),
            "{engine}: the history keeps the date that was planned"
        );
        let audited = count(
            db,
            &format!(
                "audit_log WHERE action = 'dataset.update.access' AND entity_id = '{}'",
                d.row.id
            ),
        )
        .await;
        assert_eq!(audited, 1, "{engine}");
        let page = visitor.get("/fr/dataset/fish-stocking").await.body;
        assert!(
            page.contains("Les sites sur des terres privées identifient leurs propriétaires."),
            "{engine}: the rationale is public"
        );
        assert!(
            page.contains("Exemption : Protection de la vie privée"),
            "{engine}"
        );
        let history_table = &page[page.find("Historique").unwrap_or(0)..];
        assert!(
            history_table.contains("<td>À ouvrir (prévue le 31 mars 2027)</td>")
                && history_table.contains("<td>Restreint</td>"),
            "{engine}: the history shows both levels"
        );

        // Editing: every field comes back; a rename keeps the old address.
        let r = editor.get("/en/dataset/fish-stocking/edit").await;
        assert!(r.body.contains("value=\"fish, lakes\""), "{engine}");
        assert!(
            r.body
                .contains("name=\"groups\" value=\"health-care\" checked"),
            "{engine}"
        );
        let mut changed = full_form(&health);
        changed.retain(|(k, _)| {
            ![
                "name",
                "access_level",
                "exemption",
                "exemption_rationale_en",
                "planned_open_date",
            ]
            .contains(k)
        });
        changed.extend([
            ("name", "fish-stocking-program"),
            ("access_level", "restricted"),
            ("exemption", "privacy"),
            ("exemption_rationale_en", "Sites on private land."),
            ("planned_open_date", ""),
        ]);
        let r = editor
            .post("/en/dataset/fish-stocking/edit", &changed)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        assert_eq!(
            r.location(),
            "/en/dataset/fish-stocking-program?notice=notice-catalogue-dataset-saved"
        );
        let r = visitor.get("/en/dataset/fish-stocking").await;
        assert_eq!(r.location(), "/en/dataset/fish-stocking-program");

        // Another organization's dataset is not this editor's; an administrator's it is.
        assert_eq!(
            editor.get("/en/dataset/budget-tables/edit").await.status,
            StatusCode::FORBIDDEN
        );
        let r = editor
            .post(
                "/en/dataset/budget-tables/access",
                &[("access_level", "under_review"), ("exemption", "none")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{engine}");
        assert_eq!(
            store::get(db, "budget-tables")
                .await
                .unwrap()
                .unwrap()
                .row
                .access_level
                .as_str(),
            "open"
        );
        let admin = client(t.platform());
        admin.sign_in("admin@agora.example").await;
        let r = admin
            .post(
                "/en/dataset/budget-tables/access",
                &[("access_level", "under_review"), ("exemption", "none")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        assert_eq!(
            store::get(db, "budget-tables")
                .await
                .unwrap()
                .unwrap()
                .row
                .access_level
                .as_str(),
            "under_review"
        );
    }
}

#[tokio::test]
async fn oversize_uploads_are_refused_with_the_limit() {
    let t: TestDb = testing::sqlite().await;
    let w = world(&t.db).await;
    let settings = Settings {
        data_dir: t.dir.path().to_path_buf(),
        limits: Limits {
            max_upload_bytes: 4096,
            ..Limits::default()
        },
        ..Settings::default()
    };
    let platform = Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    store::create(
        &mut tx,
        &Actor::system("test"),
        DatasetInput {
            name: "stations".into(),
            title_en: "Stations".into(),
            organization_id: Some(w.health),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let editor = client(platform);
    editor.sign_in("editor@health.example").await;
    let r = editor.get("/en/dataset/stations/resource/new").await;
    assert!(
        r.body.contains("Files up to 4 KiB."),
        "the form states the limit"
    );
    let big = vec![b'x'; 10_000];
    let r = post_file(
        &editor,
        "/en/dataset/stations/resource/new",
        &[("resource_type", "data"), ("language", "english")],
        Some(("big.csv", &big)),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("4 KiB"), "{}", r.body);
    let r = post_file(
        &editor,
        "/fr/dataset/stations/resource/new",
        &[("resource_type", "data"), ("language", "english")],
        Some(("big.csv", &big)),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("lang=\"fr\""));
    assert!(
        store::get(&t.db, "stations")
            .await
            .unwrap()
            .unwrap()
            .resources
            .is_empty()
    );
    let _ = w.finance;
}

#[tokio::test]
async fn license_list_serves_the_configured_list() {
    let t = testing::sqlite().await;
    let c = client(t.platform());
    let r = c.get("/api/3/action/license_list").await;
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let list = body["result"].as_array().unwrap();
    let ogl = list.iter().find(|l| l["id"] == "OGL-ON-1.0").unwrap();
    assert_eq!(ogl["title"], "Open Government Licence – Ontario");
    assert_eq!(
        ogl["title_translated"]["fr"],
        "Licence du gouvernement ouvert – Ontario"
    );
    for id in [
        "OGL-Canada-2.0",
        "CC-BY-4.0",
        "CC0-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "PDDL-1.0",
    ] {
        assert!(list.iter().any(|l| l["id"] == id), "{id} is listed");
    }
}

#[tokio::test]
async fn pages_take_forms_up_to_the_form_limit_and_files_up_to_the_upload_limit() {
    let t: TestDb = testing::sqlite().await;
    let w = world(&t.db).await;
    let editor = client(t.platform());
    editor.sign_in("editor@health.example").await;
    // A plain form over 1 MiB, with and without a declared length.
    let big = "x".repeat(2 * 1024 * 1024);
    let r = editor
        .post("/fr/dataset/new", &[("title_en", &big), ("name", "big")])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(
        r.body.contains("1 MiB") && r.body.contains("lang=\"fr\""),
        "{}",
        r.body
    );
    let chunks = (0..32).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 65536])));
    let r = editor
        .send(
            Request::post("/en/dataset/new")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from_stream(futures::stream::iter(chunks)))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("1 MiB"), "{}", r.body);
    // A file of a few MiB is stored as sent.
    let mut tx = t.db.begin().await.unwrap();
    store::create(
        &mut tx,
        &Actor::system("test"),
        DatasetInput {
            name: "stations".into(),
            title_en: "Stations".into(),
            organization_id: Some(w.health),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // The text fields of an upload form are held to the form limit too.
    let r = post_file(
        &editor,
        "/en/dataset/stations/resource/new",
        &[("description_en", &big)],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    let data: Vec<u8> = (0..3 * 1024 * 1024 + 7)
        .map(|i| (i * 31 % 251) as u8)
        .collect();
    let r = post_file(
        &editor,
        "/en/dataset/stations/resource/new",
        &[("resource_type", "data"), ("language", "english")],
        Some(("scan.bin", &data)),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let d = store::get(&t.db, "stations").await.unwrap().unwrap();
    let resource = &d.resources[0];
    assert_eq!(resource.size, Some(data.len() as i64));
    let key = resource.file_key.clone().unwrap();
    let stored = t.platform().files.get(&key).await.unwrap();
    assert!(stored == data, "the file is stored as sent");
    let r = editor
        .get(&format!(
            "/dataset/{}/resource/{}/download/scan.bin",
            d.row.id, resource.id
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.len(), String::from_utf8_lossy(&data).len());
}
