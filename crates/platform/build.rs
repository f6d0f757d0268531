// Rebuild when a migration is added or changed: `sqlx::migrate!` embeds the migration files at
// compile time, and Cargo does not otherwise notice a new file in these folders.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/sqlite");
    println!("cargo:rerun-if-changed=../../migrations/postgres");
}
