//! The database side of the datastore: each resource's loads (versions and failed attempts with
//! their reports), which version serves, and the data dictionary.

use std::collections::BTreeMap;
use std::path::Path;

use object_store::buffered::BufWriter;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use platform::db::{Actor, Audited, now};
use platform::{Db, Error, Platform, Result, Tx, exec, read, sql};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::report::Report;
use crate::types::ColumnType;

/// The columns a load is recorded with; `removed_at` is set later, by the retention policy.
const LOAD_RECORDED_COLUMNS: &str = "id, resource_id, version, ok, source, file_name, parquet_key, row_count, byte_count, report, created_at";
const LOAD_COLUMNS: &str = sql!(LOAD_RECORDED_COLUMNS, ", removed_at");

/// The audit log's entries about a resource's datastore table (`datastore.load`, …).
const TABLE: Audited = Audited::new("datastore", "resource");

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
    /// When the retention policy removed its Parquet file; the row stays for the record.
    pub removed_at: Option<OffsetDateTime>,
}

impl Load {
    /// Whether its data is still in the object store.
    pub fn kept(&self) -> bool {
        self.removed_at.is_none()
    }
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
    Ok(read!(db, |c| {
        sqlx::query_as::<_, Load>(sql!(
        "SELECT ",
        LOAD_COLUMNS,
        " FROM datastore_loads WHERE id = (SELECT current_load FROM datastore_tables WHERE resource_id = $1)"
    ))
    .bind(resource)
    .fetch_optional(&mut *c)
    .await?
    }))
}

/// Version `n` of a table.
pub async fn version(db: &Db, resource: Uuid, n: i64) -> Result<Option<Load>> {
    Ok(read!(db, |c| sqlx::query_as::<_, Load>(sql!(
        "SELECT ",
        LOAD_COLUMNS,
        " FROM datastore_loads WHERE resource_id = $1 AND version = $2"
    ))
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
    Ok(read!(db, |c| sqlx::query_as::<_, Load>(sql!(
        "SELECT ",
        LOAD_COLUMNS,
        " FROM datastore_loads WHERE resource_id = $1 AND ok ORDER BY version DESC"
    ))
    .bind(resource)
    .fetch_all(&mut *c)
    .await?))
}

/// Every load, failed ones too, newest first.
pub async fn loads(db: &Db, resource: Uuid, limit: i64) -> Result<Vec<Load>> {
    Ok(read!(db, |c| sqlx::query_as::<_, Load>(sql!(
        "SELECT ",
        LOAD_COLUMNS,
        " FROM datastore_loads WHERE resource_id = $1 ORDER BY id DESC LIMIT $2"
    ))
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
        sqlx::query(sql!(
            "INSERT INTO datastore_loads (",
            LOAD_RECORDED_COLUMNS,
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
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
    tx.audit_as(
        actor,
        TABLE,
        if ok { "load" } else { "load_failed" },
        load.resource,
        None::<&()>,
        Some(&serde_json::json!({"version": version, "rows": load.report.rows, "source": load.source})),
    )
    .await?;
    Ok(exec!(tx, |c| sqlx::query_as::<_, Load>(sql!(
        "SELECT ",
        LOAD_COLUMNS,
        " FROM datastore_loads WHERE id = $1"
    ))
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
    tx.audit_as(actor, TABLE, "delete", resource, None::<&()>, None::<&()>)
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
    tx.audit_as(
        actor,
        TABLE,
        "dictionary",
        resource,
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

/// Removes the Parquet files of versions beyond the `[datastore]` retention policy: all but the
/// newest `keep_versions`, and (when `keep_days` is set) those older than that; never the version
/// serving. Their rows stay, marked removed, and each removal is audited. Returns the versions
/// removed.
pub async fn apply_retention(
    platform: &Platform,
    actor: &Actor,
    resource: Uuid,
) -> Result<Vec<i64>> {
    let policy = &platform.settings.datastore;
    let keep = policy.keep_versions.max(1);
    let at = now();
    let cutoff = (policy.keep_days > 0)
        .then(|| at - time::Duration::days(policy.keep_days.min(1_000_000) as i64));
    let serving = current(&platform.db, resource).await?.map(|l| l.id);
    let doomed: Vec<Load> = versions(&platform.db, resource)
        .await?
        .into_iter()
        .filter(Load::kept)
        .enumerate()
        .filter(|(i, l)| {
            Some(l.id) != serving && (*i >= keep || cutoff.is_some_and(|c| l.created_at < c))
        })
        .map(|(_, l)| l)
        .collect();
    if doomed.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = platform.db.begin().await?;
    for l in &doomed {
        exec!(tx, |c| sqlx::query(
            "UPDATE datastore_loads SET removed_at = $1 WHERE id = $2"
        )
        .bind(at)
        .bind(l.id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        tx.audit_as(
            actor,
            TABLE,
            "version_removed",
            resource,
            None::<&()>,
            Some(&serde_json::json!({
                "version": l.version,
                "parquet_key": l.parquet_key,
                "keep_versions": keep,
                "keep_days": policy.keep_days,
            })),
        )
        .await?;
    }
    tx.commit().await?;
    // Files go once the rows say so: a file left behind by a failed delete is only space.
    let store = platform.files.store();
    for key in doomed.iter().filter_map(|l| l.parquet_key.as_deref()) {
        let removed = match StorePath::parse(key) {
            Ok(path) => store.delete(&path).await.map_err(anyhow::Error::from),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = removed {
            tracing::warn!(%resource, key, "could not remove an old datastore version: {e:#}");
        }
    }
    Ok(doomed.iter().filter_map(|l| l.version).collect())
}

/// Why a version asked for has no data any more, and what to do instead.
pub fn removed_message(policy: &platform::config::DatastoreSettings, load: &Load) -> String {
    let days = if policy.keep_days > 0 {
        format!(" and none older than {} days", policy.keep_days)
    } else {
        String::new()
    };
    format!(
        "Version {} of resource \"{}\" is no longer kept: this site keeps the last {} versions of a table{days}. Ask for a newer version, or the current one without version or as_of.",
        load.version.unwrap_or(0),
        load.resource_id,
        policy.keep_versions.max(1),
    )
}

/// Applies the retention policy after a new version, logging rather than failing: the version
/// itself is recorded already.
pub async fn tidy(platform: &Platform, actor: &Actor, resource: Uuid) {
    if let Err(e) = apply_retention(platform, actor, resource).await {
        tracing::error!(%resource, "datastore retention failed: {e}");
    }
}

/// The column profile stored for a version, if computed already.
pub async fn profile(db: &Db, load: Uuid) -> Result<Option<serde_json::Value>> {
    let found: Option<Json<serde_json::Value>> = read!(db, |c| sqlx::query_scalar(
        "SELECT profile FROM datastore_profiles WHERE load_id = $1"
    )
    .bind(load)
    .fetch_optional(&mut *c)
    .await?);
    Ok(found.map(|j| j.0))
}

/// Keeps a version's column profile; a profile stored meanwhile by another request stays.
pub async fn save_profile(db: &Db, load: Uuid, profile: &serde_json::Value) -> Result<()> {
    let mut tx = db.begin().await?;
    exec!(tx, |c| sqlx::query(
        "INSERT INTO datastore_profiles (load_id, profile, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (load_id) DO NOTHING"
    )
    .bind(load)
    .bind(Json(profile))
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.commit().await
}

/// The object store, for DataFusion.
pub fn object_store(platform: &Platform) -> std::sync::Arc<dyn ObjectStore> {
    platform.files.store()
}
