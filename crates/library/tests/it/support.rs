//! Fixtures shared by the tests: the platform of a test database, clients of the library's pages
//! and API, the job workers, and documents with real files.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use library::documents::{self, DocumentInput, Origin};
use platform::Platform;
use platform::db::Actor;
use platform::testing::{Client, TestDb};
use uuid::Uuid;

/// The one platform of a test database, so that every client reads the same search index.
pub fn platform_of(t: &TestDb) -> Platform {
    static PLATFORMS: LazyLock<Mutex<HashMap<PathBuf, Platform>>> = LazyLock::new(Default::default);
    PLATFORMS
        .lock()
        .unwrap()
        .entry(t.dir.path().to_path_buf())
        .or_insert_with(|| t.platform())
        .clone()
}

pub fn client(t: &TestDb) -> Client {
    Client::site(&platform_of(t), library::pages(), library::api())
}

/// Brings the search index up to date, as the server's follower does.
pub async fn index(t: &TestDb) {
    let platform = platform_of(t);
    platform
        .search
        .follow(&platform.db, &library::search::sources())
        .await
        .unwrap();
}

/// Runs the queued jobs (text extraction), as the workers do.
pub async fn run_jobs(platform: &Platform) {
    let mut registry = platform::jobs::Registry::new();
    library::extract::register(&mut registry);
    platform::jobs::run_due(platform, Arc::new(registry))
        .await
        .unwrap();
}

pub fn report(title_en: &str, title_fr: &str, lang: &str) -> DocumentInput {
    DocumentInput {
        kind: "report".into(),
        title_en: title_en.into(),
        title_fr: title_fr.into(),
        language: lang.into(),
        access: "public".into(),
        ..Default::default()
    }
}

/// A report with `bytes` as its file, its extraction queued.
pub async fn report_with_file(platform: &Platform, name: &str, lang: &str, bytes: Vec<u8>) -> Uuid {
    let actor = Actor::system("test");
    let input = report(&format!("Report {name}"), &format!("Rapport {name}"), lang);
    let id = platform
        .db
        .write(async |tx| documents::create(tx, &actor, &input, &Origin::default()).await)
        .await
        .unwrap();
    library::demo::attach(platform, &actor, id, name, bytes)
        .await
        .unwrap();
    id
}

pub fn document_file(name: &str) -> Option<Vec<u8>> {
    let dir = platform::testing::shared_data()?;
    Some(std::fs::read(dir.join("documents").join(name)).unwrap())
}
