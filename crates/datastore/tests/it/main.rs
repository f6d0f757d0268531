//! The datastore's integration tests: one binary, one module per subject.

mod api;
mod ckan;
mod concurrency;
mod forms;
mod hostile;
mod ingest;
mod pages;
mod restricted;

pub fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/data is not present");
        None
    }
}
