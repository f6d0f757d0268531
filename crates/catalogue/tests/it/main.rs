//! The catalogue's integration tests: one binary, one module per subject.

mod bodies;
mod ckan;
mod dashboard;
mod editor;
mod harvest;
mod import;
mod membership;
mod requests;
mod security;
mod store;
mod visibility;

pub fn shared_data() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/data is not present");
        None
    }
}
