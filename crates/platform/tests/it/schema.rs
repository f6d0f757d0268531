use std::collections::BTreeMap;

use platform::db::Db;
use platform::read;
use platform::testing;

async fn columns(db: &Db) -> platform::Result<BTreeMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite { .. } => read!(db, |c| {
            sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' ORDER BY m.name, p.name"
        )
        .fetch_all(&mut *c)
        .await?
        }),
        Db::Postgres(_) => read!(db, |c| {
            sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' ORDER BY table_name, column_name"
        )
        .fetch_all(&mut *c)
        .await?
        }),
    };
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, column) in rows {
        out.entry(table).or_default().push(column);
    }
    Ok(out)
}

#[tokio::test]
async fn both_engines_have_the_same_tables_and_columns() {
    let sqlite = testing::sqlite().await;
    let sqlite_columns = columns(&sqlite.db).await.unwrap();
    assert!(
        sqlite_columns.contains_key("users") && sqlite_columns.contains_key("audit_log"),
        "{sqlite_columns:?}"
    );
    let Some(pg) = testing::postgres().await else {
        eprintln!("skipped the PostgreSQL half: AGORA_TEST_POSTGRES_URL is not set");
        return;
    };
    let pg_columns = columns(&pg.db).await.unwrap();
    assert_eq!(
        sqlite_columns, pg_columns,
        "the SQLite and PostgreSQL migrations differ"
    );
}

#[tokio::test]
async fn migration_files_come_in_pairs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let names = |engine: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root.join(engine))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

#[tokio::test]
async fn an_unknown_scheme_is_refused_and_an_unreachable_server_is_named_without_password() {
    let err = Db::connect("mysql://root@localhost/agora")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unsupported database URL"), "{err}");
    let err = Db::connect("postgres://agora:s3cret@127.0.0.1:1/agora")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}
