//! The database side of the datastore: each resource's loads (versions and failed attempts with
//! their reports), which version serves, and the data dictionary.

use std::collections::BTreeMap;
use std::path::Path;

use object_store::buffered::BufWriter;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use platform::db::{Actor, now};
use platform::{Db, Error, Platform, Result, Tx, exec, read};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::report::Report;
use crate::types::ColumnType;

const LOAD_COLUMNS: &str = "id, resource_id, version, ok, source, file_name, parquet_key, row_count, byte_count, report, created_at";

/// One load of a resource's table: a version when it succeeded, a report either way.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Load {
    pub id: Uuid,
    pub resource_id: Uuid,
    pub version: Option<i64>,
    pub ok: bool,
    /// Where the data came from: `upload`, `link`, `api`, `cli`.
    pub source: String,
    pub file_name: String,
    pub parquet_key: Option<String>,
    pub row_count: i64,
    pub byte_count: i64,
    pub report: Json<Report>,
    pub created_at: OffsetDateTime,
}

/// What an editor says about the columns: a type that replaces the inferred one, bilingual
/// labels and descriptions (exported as a Frictionless Table Schema), and the key `datastore_upsert`
/// matches rows on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dictionary {
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnInfo>,
    #[serde(default)]
    pub primary_key: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub type_override: Option<ColumnType>,
    #[serde(default)]
    pub label_en: String,
    #[serde(default)]
    pub label_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub description_fr: String,
}

impl Dictionary {
    pub fn overrides(&self) -> BTreeMap<String, ColumnType> {
        self.columns
            .iter()
            .filter_map(|(name, c)| c.type_override.map(|t| (name.clone(), t)))
            .collect()
    }
}

/// The version serving now.
pub async fn current(db: &Db, resource: Uuid) -> Result<Option<Load>> {
    let sql = format!(
        "SELECT {LOAD_COLUMNS} FROM datastore_loads WHERE id = \
         (SELECT current_load FROM datastore_tables WHERE resource_id = $1)"
    );
    Ok(read!(db, |c| sqlx::query_as::<_, Load>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(resource)
    .fetch_optional(&mut *c)
    .await?))
}

/// Version `n` of a table.
pub async fn version(db: &Db, resource: Uuid, n: i64) -> Result<Option<Load>> {
    let sql = format!(
        "SELECT {LOAD_COLUMNS} FROM datastore_loads WHERE resource_id = $1 AND version = $2"
    );
    Ok(read!(db, |c| sqlx::query_as::<_, Load>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(resource)
    .bind(n)
    .fetch_optional(&mut *c)
    .await?))
}

/// The version that was serving at `at`.
pub async fn as_of(db: &Db, resource: Uuid, at: OffsetDateTime) -> Result<Option<Load>> {
    let loads = versions(db, resource).await?;
    Ok(loads.into_iter().find(|l| l.created_at <= at))
}

/// Every version, newest first.
pub async fn versions(db: &Db, resource: Uuid) -> Result<Vec<Load>> {
    let sql = format!(
        "SELECT {LOAD_COLUMNS} FROM datastore_loads WHERE resource_id = $1 AND ok ORDER BY version DESC"
    );
    Ok(read!(db, |c| sqlx::query_as::<_, Load>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(resource)
    .fetch_all(&mut *c)
    .await?))
}

/// Every load, failed ones too, newest first.
pub async fn loads(db: &Db, resource: Uuid, limit: i64) -> Result<Vec<Load>> {
    let sql = format!(
        "SELECT {LOAD_COLUMNS} FROM datastore_loads WHERE resource_id = $1 ORDER BY id DESC LIMIT $2"
    );
    Ok(read!(db, |c| sqlx::query_as::<_, Load>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(resource)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?))
}

/// What a finished load records.
pub struct NewLoad<'a> {
    pub resource: Uuid,
    pub source: &'a str,
    pub file_name: &'a str,
    /// Where its Parquet file is, when it succeeded.
    pub parquet_key: Option<String>,
    pub report: &'a Report,
}

/// Records a load; one that succeeded becomes the next version and starts serving, in the same
/// transaction, and the resource is marked `datastore_active`.
pub async fn record_load(tx: &mut Tx, actor: &Actor, load: NewLoad<'_>) -> Result<Load> {
    let id = Uuid::now_v7();
    let at = now();
    let ok = load.report.ok && load.parquet_key.is_some();
    let version: Option<i64> = if ok {
        let max: Option<i64> = exec!(tx, |c| sqlx::query_scalar(
            "SELECT MAX(version) FROM datastore_loads WHERE resource_id = $1"
        )
        .bind(load.resource)
        .fetch_one(&mut *c)
        .await?);
        Some(max.unwrap_or(0) + 1)
    } else {
        None
    };
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO datastore_loads (id, resource_id, version, ok, source, file_name, parquet_key, row_count, byte_count, report, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(id)
    .bind(load.resource)
    .bind(version)
    .bind(ok)
    .bind(load.source)
    .bind(load.file_name)
    .bind(&load.parquet_key)
    .bind(load.report.rows as i64)
    .bind(load.report.bytes as i64)
    .bind(Json(load.report))
    .bind(at)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    ensure_table(tx, load.resource).await?;
    if ok {
        exec!(tx, |c| sqlx::query(
            "UPDATE datastore_tables SET current_load = $1, updated_at = $2 WHERE resource_id = $3"
        )
        .bind(id)
        .bind(at)
        .bind(load.resource)
        .execute(&mut *c)
        .await?
        .rows_affected());
        catalogue::store::set_datastore_active(tx, load.resource, true).await?;
    }
    tx.audit(
        actor,
        if ok { "datastore.load" } else { "datastore.load_failed" },
        "resource",
        &load.resource.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"version": version, "rows": load.report.rows, "source": load.source})),
    )
    .await?;
    let sql = format!("SELECT {LOAD_COLUMNS} FROM datastore_loads WHERE id = $1");
    Ok(exec!(tx, |c| sqlx::query_as::<_, Load>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await?))
}

async fn ensure_table(tx: &mut Tx, resource: Uuid) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO datastore_tables (resource_id, current_load, dictionary, updated_at) VALUES ($1, NULL, $2, $3) \
         ON CONFLICT (resource_id) DO NOTHING"
    )
    .bind(resource)
    .bind(Json(Dictionary::default()))
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Stops serving a table (`datastore_delete` without filters); its versions stay on record.
pub async fn drop_table(tx: &mut Tx, actor: &Actor, resource: Uuid) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "UPDATE datastore_tables SET current_load = NULL, updated_at = $1 WHERE resource_id = $2"
    )
    .bind(now())
    .bind(resource)
    .execute(&mut *c)
    .await?
    .rows_affected());
    catalogue::store::set_datastore_active(tx, resource, false).await?;
    tx.audit(
        actor,
        "datastore.delete",
        "resource",
        &resource.to_string(),
        None::<&()>,
        None::<&()>,
    )
    .await
}

pub async fn dictionary(db: &Db, resource: Uuid) -> Result<Dictionary> {
    let found: Option<Json<Dictionary>> = read!(db, |c| sqlx::query_scalar(
        "SELECT dictionary FROM datastore_tables WHERE resource_id = $1"
    )
    .bind(resource)
    .fetch_optional(&mut *c)
    .await?);
    Ok(found.map(|j| j.0).unwrap_or_default())
}

pub async fn set_dictionary(
    tx: &mut Tx,
    actor: &Actor,
    resource: Uuid,
    dict: &Dictionary,
) -> Result<()> {
    ensure_table(tx, resource).await?;
    exec!(tx, |c| sqlx::query(
        "UPDATE datastore_tables SET dictionary = $1, updated_at = $2 WHERE resource_id = $3"
    )
    .bind(Json(dict))
    .bind(now())
    .bind(resource)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit(
        actor,
        "datastore.dictionary",
        "resource",
        &resource.to_string(),
        None::<&()>,
        Some(dict),
    )
    .await
}

/// Copies a finished Parquet file into the object store, streaming, and returns its key.
pub async fn publish(platform: &Platform, resource: Uuid, file: &Path) -> Result<String> {
    let key = format!("datastore/{resource}/{}.parquet", Uuid::now_v7());
    let store = platform.files.store();
    let path = StorePath::parse(&key).map_err(Error::internal)?;
    let mut writer = BufWriter::new(store, path);
    let mut input = tokio::fs::File::open(file).await.map_err(Error::internal)?;
    tokio::io::copy(&mut input, &mut writer)
        .await
        .map_err(Error::internal)?;
    writer.shutdown().await.map_err(Error::internal)?;
    Ok(key)
}

/// Copies a file out of the object store into `dir`, streaming; the temporary file goes when dropped.
pub async fn fetch(platform: &Platform, key: &str, dir: &Path) -> Result<tempfile::NamedTempFile> {
    use futures::StreamExt;
    let store = platform.files.store();
    let path = StorePath::parse(key).map_err(Error::internal)?;
    let mut stream = store.get(&path).await?.into_stream();
    let tmp = tempfile::Builder::new()
        .prefix("agora-source-")
        .tempfile_in(dir)
        .map_err(Error::internal)?;
    let mut out = tokio::fs::File::from_std(tmp.reopen().map_err(Error::internal)?);
    while let Some(chunk) = stream.next().await {
        out.write_all(&chunk?).await.map_err(Error::internal)?;
    }
    out.flush().await.map_err(Error::internal)?;
    Ok(tmp)
}

/// The object store, for DataFusion.
pub fn object_store(platform: &Platform) -> std::sync::Arc<dyn ObjectStore> {
    platform.files.store()
}
