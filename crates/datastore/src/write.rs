//! Writes through the API: `datastore_create`, `datastore_upsert` and `datastore_delete`. Each
//! change writes a new version (the old rows streamed through, the change applied) and switches
//! to it in one transaction, like a load; earlier versions stay readable.
//!
//! Writes to one table are serialized, so that none is lost: in this process one writer per
//! resource at a time ([`writer_lock`]); across nodes the switch to the new version happens only
//! if the version it was built on is still the current one, and otherwise the whole change is
//! made again on the new head.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use datafusion::arrow::array::{ArrayRef, BooleanArray, new_null_array};
use datafusion::arrow::compute::{filter_record_batch, interleave_record_batch};
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::logical_expr::ident;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use futures::StreamExt;
use serde_json::{Map, Value, json};

use catalogue::ckan::{self, ActionCall, ActionResult, ApiError, param_bool, param_str};
use catalogue::model::ResourceRow;
use platform::db::{Actor, Engine};
use platform::{Platform, Tx, exec};
use uuid::Uuid;

use crate::api::{fields_json, query_error, readable, refuse_unknown, resource_param};
use crate::engine;
use crate::ingest::{ColumnBuilder, ID_COLUMN, table_schema};
use crate::load::tmp_dir;
use crate::report::{ColumnReport, Report};
use crate::search::{SearchQuery, literal};
use crate::store::{self, ColumnInfo, Dictionary, Load, NewLoad};
use crate::types::ColumnType;

/// Records accepted in one call.
pub const MAX_RECORDS: usize = 100_000;

/// Times a change is made again when another node switched the table under it.
const STALE_RETRIES: usize = 5;

/// The message of a write whose base version is no longer the current one; it is retried.
const STALE: &str = "The table changed while this change was written. Send it again.";

static WRITERS: LazyLock<Mutex<HashMap<Uuid, Weak<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

/// Waits until this process has no other write to `resource` under way; the write holds the guard.
pub async fn writer_lock(resource: Uuid) -> tokio::sync::OwnedMutexGuard<()> {
    let lock = {
        let mut writers = WRITERS.lock().unwrap_or_else(|e| e.into_inner());
        writers.retain(|_, w| w.strong_count() > 0);
        match writers.get(&resource).and_then(Weak::upgrade) {
            Some(lock) => lock,
            None => {
                let lock = Arc::new(tokio::sync::Mutex::new(()));
                writers.insert(resource, Arc::downgrade(&lock));
                lock
            }
        }
    };
    lock.lock_owned().await
}

/// Runs `change` holding the resource's writer lock, again from the start (a fresh read of the
/// current version) when another node switched the table first.
async fn serialized<F, Fut>(resource: Uuid, mut change: F) -> ActionResult
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ActionResult>,
{
    let _writer = writer_lock(resource).await;
    let mut attempt = 0;
    loop {
        match change().await {
            Err(ApiError::Integrity(m)) if m == STALE && attempt < STALE_RETRIES => {
                attempt += 1;
                tracing::info!(%resource, attempt, "datastore table changed under a write; writing again");
            }
            other => return other,
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(BTreeMap::from([(field.to_string(), vec![message.into()])]))
}

/// A resource the caller may edit. As CKAN, only a table made through the API (`url_type`
/// `datastore`) takes writes, unless `force` says to: the others are reloaded from their file or
/// link, which would undo the change.
async fn writable(call: &ActionCall, action: &str) -> Result<(ResourceRow, Actor), ApiError> {
    let id = resource_param(&call.params)?;
    let (r, d) = readable(&call.platform, call.user.as_ref(), &id).await?;
    let user = ckan::require_editor(call.user.as_ref(), d.organization_id, action)?;
    if !param_bool(&call.params, "force", false)? && r.url_type != DATASTORE_URL_TYPE {
        return Err(invalid(
            "read-only",
            "Cannot edit read-only resource because changes made may be lost. Use a resource created for editing e.g. with datastore_create or use \"force=True\" to ignore this warning.",
        ));
    }
    Ok((r, user.actor()))
}

/// The `url_type` of a resource whose table is written through the API.
pub const DATASTORE_URL_TYPE: &str = "datastore";

/// `datastore_create`'s `resource`: a new resource of the dataset `package_id`, written through
/// the API (its url is its dump).
async fn new_resource(call: &ActionCall, spec: &Value) -> Result<(ResourceRow, Actor), ApiError> {
    if call.params.contains_key("resource_id") || call.params.contains_key("id") {
        return Err(invalid(
            "resource",
            "resource cannot be used with resource_id",
        ));
    }
    let spec = match spec {
        Value::String(s) => serde_json::from_str::<Value>(s).unwrap_or(Value::Null),
        other => other.clone(),
    };
    let Value::Object(spec) = spec else {
        return Err(invalid("resource", "Must be a JSON object"));
    };
    if spec
        .get("url")
        .and_then(Value::as_str)
        .is_some_and(|u| !u.is_empty())
    {
        return Err(invalid(
            "resource",
            "A resource with a url is loaded from it: create it with resource_create",
        ));
    }
    let package = spec
        .get("package_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("package_id", "Missing value"))?;
    let dataset = catalogue::store::get(&call.platform.db, package)
        .await?
        .filter(|d| d.row.state != catalogue::model::State::Deleted)
        .ok_or_else(|| ApiError::NotFound("Dataset not found".into()))?;
    if !ckan::can_read(call.user.as_ref(), &dataset.row) {
        return Err(ApiError::NotFound("Dataset not found".into()));
    }
    let user = ckan::require_editor(
        call.user.as_ref(),
        dataset.row.organization_id,
        "datastore_create",
    )?;
    let text = |k: &str| {
        spec.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let id = uuid::Uuid::now_v7();
    let input = catalogue::store::ResourceInput {
        id: Some(id),
        name_en: text("name"),
        description_en: text("description"),
        url: format!("{}/datastore/dump/{id}", call.platform.settings.base_url()),
        url_type: DATASTORE_URL_TYPE.into(),
        format: match text("format") {
            f if f.is_empty() => "CSV".into(),
            f => f,
        },
        ..Default::default()
    };
    let mut tx = call.platform.db.begin().await?;
    let id = catalogue::store::create_resource(&mut tx, &user.actor(), &dataset, input).await?;
    tx.commit().await?;
    let r = catalogue::store::resource(&call.platform.db, id)
        .await?
        .ok_or_else(|| crate::api::not_found(&id.to_string()))?;
    Ok((r, user.actor()))
}

/// `aliases`: a list or comma-separated names, each valid as CKAN's table names are.
fn alias_list(params: &Map<String, Value>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(names) = key_list(params, "aliases")? else {
        return Ok(None);
    };
    for name in &names {
        let valid = !name.is_empty()
            && name.trim() == name
            && !name.starts_with('_')
            && !name.contains(['"', '%']);
        if !valid {
            return Err(invalid(
                "alias",
                format!("\"{name}\" is not a valid alias name"),
            ));
        }
    }
    Ok(Some(names))
}

/// Replaces a table's aliases; a name another table has, or a resource's id, is refused.
async fn set_aliases(
    call: &ActionCall,
    tx: &mut Tx,
    resource: uuid::Uuid,
    names: &[String],
) -> Result<(), ApiError> {
    for name in names {
        if let Some(owner) = crate::api::alias_target(&call.platform, name).await?
            && owner != resource
        {
            return Err(invalid(
                "alias",
                format!("The alias \"{name}\" already exists."),
            ));
        }
        if let Ok(id) = uuid::Uuid::parse_str(name)
            && catalogue::store::resource(&call.platform.db, id)
                .await?
                .is_some()
        {
            return Err(invalid("alias", format!("\"{name}\" already exists")));
        }
    }
    replace_aliases(tx, resource, names).await?;
    Ok(())
}

async fn replace_aliases(
    tx: &mut Tx,
    resource: uuid::Uuid,
    names: &[String],
) -> platform::Result<()> {
    exec!(tx, |c| sqlx::query(
        "DELETE FROM datastore_aliases WHERE resource_id = $1"
    )
    .bind(resource)
    .execute(&mut *c)
    .await?
    .rows_affected());
    for name in names {
        exec!(tx, |c| sqlx::query(
            "INSERT INTO datastore_aliases (name, resource_id, created_at) VALUES ($1, $2, $3)"
        )
        .bind(name)
        .bind(resource)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected());
    }
    Ok(())
}

/// `calculate_record_count`: true, false or `background`. Counts are always exact here (each
/// version records its rows), so the value is checked and has nothing more to do.
fn check_record_count(params: &Map<String, Value>) -> Result<(), ApiError> {
    match params.get("calculate_record_count") {
        None | Some(Value::Null) | Some(Value::Bool(_)) => Ok(()),
        Some(Value::String(s))
            if ["background", "true", "false", "True", "False", ""].contains(&s.as_str()) =>
        {
            Ok(())
        }
        Some(_) => Err(invalid(
            "calculate_record_count",
            "Value must be one of ['background'] or a boolean",
        )),
    }
}

/// Records to return when `include_records` asks: each as stored, with its `_id`.
fn included_records(
    params: &Map<String, Value>,
    records: &[(i64, Map<String, Value>)],
) -> Result<Option<Value>, ApiError> {
    if !param_bool(params, "include_records", false)? {
        return Ok(None);
    }
    Ok(Some(Value::Array(
        records
            .iter()
            .map(|(id, record)| {
                let mut obj = Map::new();
                obj.insert(ID_COLUMN.into(), json!(id));
                for (k, v) in record {
                    if k != ID_COLUMN {
                        obj.insert(k.clone(), v.clone());
                    }
                }
                Value::Object(obj)
            })
            .collect(),
    )))
}

const CREATE_PARAMS: &[&str] = &[
    "resource_id",
    "id",
    "resource",
    "force",
    "aliases",
    "fields",
    "delete_fields",
    "records",
    "primary_key",
    "indexes",
    "triggers",
    "include_records",
    "calculate_record_count",
];
const UPSERT_PARAMS: &[&str] = &[
    "resource_id",
    "id",
    "force",
    "records",
    "method",
    "include_records",
    "calculate_record_count",
    "dry_run",
];
const DELETE_PARAMS: &[&str] = &[
    "resource_id",
    "id",
    "force",
    "filters",
    "include_deleted_records",
    "calculate_record_count",
];

/// A parameter that may be JSON text (form posts) or JSON.
fn json_list(params: &Map<String, Value>, key: &str) -> Result<Vec<Value>, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.clone()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(a)) => Ok(a),
            _ => Err(invalid(key, "Must be a JSON list")),
        },
        Some(_) => Err(invalid(key, "Must be a JSON list")),
    }
}

fn key_list(params: &Map<String, Value>, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        )),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(key, "Must be a list of field names"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(invalid(key, "Must be a list of field names")),
    }
}

/// A field given to `datastore_create`: `{"id": "name", "type": "int", "info": {…}}`.
struct FieldSpec {
    name: String,
    column_type: ColumnType,
    info: Option<ColumnInfo>,
}

fn field_specs(values: &[Value]) -> Result<Vec<FieldSpec>, ApiError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let name = v
            .get("id")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("fields", format!("field {}: \"id\" is required", i + 1)))?;
        if name.starts_with('_') {
            return Err(invalid(
                "fields",
                format!("\"{name}\" is not a valid field name: names starting with _ are reserved"),
            ));
        }
        if !seen.insert(name.to_string()) {
            return Err(invalid(
                "fields",
                format!("field \"{name}\" is given twice"),
            ));
        }
        let column_type = match v.get("type").and_then(Value::as_str) {
            None | Some("") => ColumnType::Text,
            Some(t) => ColumnType::from_ckan(t).ok_or_else(|| {
                invalid(
                    "fields",
                    format!("\"{t}\" is not a valid field type (field \"{name}\")"),
                )
            })?,
        };
        let info = v.get("info").and_then(Value::as_object).map(|o| {
            let s = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            ColumnInfo {
                type_override: None,
                label_en: s("label"),
                label_fr: s("label_fr"),
                description_en: s("notes"),
                description_fr: s("notes_fr"),
            }
        });
        out.push(FieldSpec {
            name: name.to_string(),
            column_type,
            info,
        });
    }
    Ok(out)
}

/// A JSON value as the text a column builder reads.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// Builds a batch of `schema` from records, `_id`s given. Errors name the record and field.
fn records_batch(
    schema: &SchemaRef,
    records: &[(i64, Map<String, Value>)],
) -> Result<RecordBatch, ApiError> {
    let types: Vec<ColumnType> = schema
        .fields()
        .iter()
        .skip(1)
        .map(|f| ColumnType::from_arrow(f.data_type()))
        .collect();
    let mut ids = ColumnBuilder::new(ColumnType::Integer, records.len());
    let mut builders: Vec<ColumnBuilder> = types
        .iter()
        .map(|t| ColumnBuilder::new(*t, records.len()))
        .collect();
    for (n, (id, record)) in records.iter().enumerate() {
        ids.append(&id.to_string());
        for (i, f) in schema.fields().iter().skip(1).enumerate() {
            let v = record.get(f.name()).unwrap_or(&Value::Null);
            let text = value_text(v).unwrap_or_default();
            let structured = matches!(v, Value::Object(_) | Value::Array(_));
            if (structured && types[i] != ColumnType::Text) || !builders[i].append(&text) {
                return Err(invalid(
                    "records",
                    format!(
                        "record {}: field \"{}\": {v} is not a valid {}",
                        n + 1,
                        f.name(),
                        types[i].as_str()
                    ),
                ));
            }
        }
    }
    let mut arrays: Vec<ArrayRef> = vec![ids.finish()];
    arrays.extend(builders.iter_mut().map(ColumnBuilder::finish));
    RecordBatch::try_new(schema.clone(), arrays).map_err(|e| {
        tracing::error!(error = %e, "records batch");
        ApiError::Internal
    })
}

/// Checks that each record is an object naming only known fields.
fn record_objects(
    values: Vec<Value>,
    schema: &Schema,
) -> Result<Vec<Map<String, Value>>, ApiError> {
    if values.len() > MAX_RECORDS {
        return Err(invalid(
            "records",
            format!("At most {MAX_RECORDS} records per call"),
        ));
    }
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let Value::Object(obj) = v else {
                return Err(invalid(
                    "records",
                    format!("record {} is not an object", i + 1),
                ));
            };
            for k in obj.keys() {
                if k != ID_COLUMN && schema.field_with_name(k).is_err() {
                    return Err(invalid(
                        "records",
                        format!("record {}: field \"{k}\" not in table", i + 1),
                    ));
                }
            }
            Ok(obj)
        })
        .collect()
}

/// The old rows, in the new schema (new columns null).
fn conform(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, ApiError> {
    let columns: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|f| match batch.schema().index_of(f.name()) {
            Ok(i) => batch.column(i).clone(),
            Err(_) => new_null_array(f.data_type(), batch.num_rows()),
        })
        .collect();
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| {
        tracing::error!(error = %e, "conform batch");
        ApiError::Internal
    })
}

/// What happens to each batch of the current version on its way to the next: kept as it is
/// (`None`), or replaced by the batch returned (rows removed or changed, order kept).
type Transform<'a> = &'a (dyn Fn(&RecordBatch) -> Result<Option<RecordBatch>, ApiError> + Sync);

/// Streams the current version through `transform`, then `extra` (new rows, with `_id`s after
/// every existing one), into a new version; rows stay in `_id` order.
async fn write_version(
    platform: &Platform,
    actor: &Actor,
    r: &ResourceRow,
    base: Option<&Load>,
    schema: &SchemaRef,
    transform: Transform<'_>,
    extra: Option<RecordBatch>,
) -> Result<Load, ApiError> {
    let started = std::time::Instant::now();
    let tmp = tmp_dir(platform)?;
    let mut file = tempfile::Builder::new()
        .prefix("agora-write-")
        .suffix(".parquet")
        .tempfile_in(&tmp)
        .map_err(|e| ApiError::from(platform::Error::internal(e)))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let internal = |e: datafusion::parquet::errors::ParquetError| {
        tracing::error!(error = %e, "datastore write");
        ApiError::Internal
    };
    let mut writer =
        ArrowWriter::try_new(file.as_file_mut(), schema.clone(), Some(props)).map_err(internal)?;
    let mut rows = 0u64;
    if let Some(load) = base {
        let ctx = engine::session(platform).map_err(|e| query_error(e.into(), "resource_id"))?;
        let mut stream = engine::read(&ctx, load)
            .await
            .map_err(|e| query_error(e.into(), "resource_id"))?
            .execute_stream()
            .await
            .map_err(|e| query_error(e.into(), "resource_id"))?;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(|e| query_error(e.into(), "resource_id"))?;
            let batch = conform(&batch, schema)?;
            let batch = transform(&batch)?.unwrap_or(batch);
            rows += batch.num_rows() as u64;
            writer.write(&batch).map_err(internal)?;
        }
    }
    if let Some(batch) = extra {
        rows += batch.num_rows() as u64;
        writer.write(&batch).map_err(internal)?;
    }
    writer.close().map_err(internal)?;
    let bytes = std::fs::metadata(file.path()).map(|m| m.len()).unwrap_or(0);
    let report = Report {
        ok: true,
        format: "api".into(),
        encoding: None,
        delimiter: None,
        rows,
        bytes,
        columns: schema
            .fields()
            .iter()
            .skip(1)
            .map(|f| ColumnReport {
                name: f.name().clone(),
                column_type: ColumnType::from_arrow(f.data_type()),
                inferred: None,
                nulls: 0,
            })
            .collect(),
        problems: Vec::new(),
        seconds: started.elapsed().as_secs_f64(),
    };
    let key = store::publish(platform, r.id, file.path()).await?;
    let mut tx = platform.db.begin().await?;
    // The version this one was built on must still be the current one (and stays so until the
    // commit: the row is locked on PostgreSQL, SQLite has one writer).
    let head_sql = match tx.engine() {
        Engine::Postgres => {
            "SELECT current_load FROM datastore_tables WHERE resource_id = $1 FOR UPDATE"
        }
        Engine::Sqlite => "SELECT current_load FROM datastore_tables WHERE resource_id = $1",
    };
    let head: Option<Uuid> = exec!(tx, |c| sqlx::query_scalar::<_, Option<Uuid>>(head_sql)
        .bind(r.id)
        .fetch_optional(&mut *c)
        .await
        .map_err(platform::Error::from)?)
    .flatten();
    if head != base.map(|l| l.id) {
        drop(tx);
        use object_store::ObjectStoreExt as _;
        if let Ok(path) = object_store::path::Path::parse(&key) {
            let _ = platform.files.store().delete(&path).await;
        }
        return Err(ApiError::Integrity(STALE.into()));
    }
    let load = store::record_load(
        &mut tx,
        actor,
        NewLoad {
            resource: r.id,
            source: "api",
            file_name: "",
            parquet_key: Some(key),
            report: &report,
        },
    )
    .await?;
    tx.commit().await?;
    store::tidy(platform, actor, r.id).await;
    Ok(load)
}

/// The largest `_id` of a version (0 when empty).
async fn max_id(platform: &Platform, load: &Load) -> Result<i64, ApiError> {
    let ctx = engine::session(platform).map_err(|e| query_error(e.into(), "resource_id"))?;
    let df = engine::read(&ctx, load)
        .await
        .and_then(|df| {
            df.aggregate(
                vec![],
                vec![datafusion::functions_aggregate::expr_fn::max(ident(
                    ID_COLUMN,
                ))],
            )
        })
        .map_err(|e| query_error(e.into(), "resource_id"))?;
    let batches = engine::collect(df)
        .await
        .map_err(|e| query_error(e, "resource_id"))?;
    Ok(batches
        .first()
        .filter(|b| b.num_rows() > 0)
        .and_then(|b| engine::cell_json(b.column(0), 0).as_i64())
        .unwrap_or(0))
}

async fn current_schema(platform: &Platform, load: &Load) -> Result<SchemaRef, ApiError> {
    let ctx = engine::session(platform).map_err(|e| query_error(e.into(), "resource_id"))?;
    let df = engine::read(&ctx, load)
        .await
        .map_err(|e| query_error(e.into(), "resource_id"))?;
    Ok(Arc::new(df.schema().as_arrow().clone()))
}

fn result(
    r: &ResourceRow,
    schema: &Schema,
    dict: &Dictionary,
    load: &Load,
    method: Option<&str>,
) -> Value {
    let mut v = json!({
        "resource_id": r.id,
        "fields": fields_json(schema, dict),
        "version": load.version,
        "total": load.row_count,
    });
    if !dict.primary_key.is_empty() {
        v["primary_key"] = json!(dict.primary_key);
    }
    if let Some(m) = method {
        v["method"] = json!(m);
    }
    v
}

pub async fn datastore_create(call: &ActionCall) -> ActionResult {
    refuse_unknown(&call.params, CREATE_PARAMS)?;
    check_record_count(&call.params)?;
    let aliases = alias_list(&call.params)?;
    let (r, actor) = match call.params.get("resource").filter(|v| !v.is_null()) {
        Some(spec) => new_resource(call, spec).await?,
        None => {
            if !call.params.contains_key("resource_id") && !call.params.contains_key("id") {
                return Err(invalid("resource_id", "resource_id or resource required"));
            }
            writable(call, "datastore_create").await?
        }
    };
    serialized(r.id, || create_table(call, &r, &actor, aliases.as_deref())).await
}

async fn create_table(
    call: &ActionCall,
    r: &ResourceRow,
    actor: &Actor,
    aliases: Option<&[String]>,
) -> ActionResult {
    let delete_fields = param_bool(&call.params, "delete_fields", false)?;
    let specs = field_specs(&json_list(&call.params, "fields")?)?;
    let records = json_list(&call.params, "records")?;
    let current = store::current(&call.platform.db, r.id).await?;
    let mut dict = store::dictionary(&call.platform.db, r.id).await?;
    // The columns: those of the current table, then the new ones given.
    let mut names: Vec<String> = Vec::new();
    let mut types: Vec<ColumnType> = Vec::new();
    if let Some(load) = &current {
        let schema = current_schema(&call.platform, load).await?;
        for f in schema.fields().iter().skip(1) {
            // `delete_fields`: the columns not given go, with their data.
            if delete_fields && !specs.iter().any(|s| s.name == *f.name()) {
                continue;
            }
            names.push(f.name().clone());
            types.push(ColumnType::from_arrow(f.data_type()));
        }
    }
    for spec in &specs {
        match names.iter().position(|n| *n == spec.name) {
            Some(i) if types[i] != spec.column_type => {
                return Err(invalid(
                    "fields",
                    format!(
                        "field \"{}\" is already {}: a type changes in the data dictionary",
                        spec.name,
                        types[i].ckan()
                    ),
                ));
            }
            Some(_) => {}
            None => {
                names.push(spec.name.clone());
                types.push(spec.column_type);
            }
        }
        if let Some(info) = &spec.info {
            dict.columns.insert(spec.name.clone(), info.clone());
        }
    }
    if names.is_empty() {
        return Err(invalid(
            "fields",
            "Missing value: give the fields of the new table",
        ));
    }
    if let Some(pk) = key_list(&call.params, "primary_key")? {
        for k in &pk {
            if !names.contains(k) {
                return Err(invalid(
                    "primary_key",
                    format!("field \"{k}\" not in table"),
                ));
            }
        }
        dict.primary_key = pk;
    }
    let schema = table_schema(&names, &types);
    let objects = record_objects(records, &schema)?;
    let first_id = match &current {
        Some(load) => max_id(&call.platform, load).await? + 1,
        None => 1,
    };
    let numbered: Vec<(i64, Map<String, Value>)> = objects
        .into_iter()
        .enumerate()
        .map(|(i, o)| (first_id + i as i64, o))
        .collect();
    let batch = records_batch(&schema, &numbered)?;
    let mut tx = call.platform.db.begin().await?;
    store::set_dictionary(&mut tx, actor, r.id, &dict).await?;
    if let Some(names) = &aliases {
        set_aliases(call, &mut tx, r.id, names).await?;
    }
    tx.commit().await?;
    let load = write_version(
        &call.platform,
        actor,
        r,
        current.as_ref(),
        &schema,
        &|_| Ok(None),
        Some(batch),
    )
    .await?;
    let mut out = result(r, &schema, &dict, &load, None);
    if let Some(names) = aliases {
        out["aliases"] = json!(names);
    }
    if let Some(records) = included_records(&call.params, &numbered)? {
        out["records"] = records;
    }
    Ok(out)
}

/// The text of each row's key, formatted as the column shows it.
fn row_keys(batch: &RecordBatch, key: &[String]) -> Result<Vec<String>, ApiError> {
    let columns: Vec<&ArrayRef> = key
        .iter()
        .map(|k| {
            batch
                .schema()
                .index_of(k)
                .map(|i| batch.column(i))
                .map_err(|_| invalid("primary_key", format!("field \"{k}\" not in table")))
        })
        .collect::<Result<_, _>>()?;
    Ok((0..batch.num_rows())
        .map(|row| {
            columns
                .iter()
                .map(|c| engine::cell_text(c.as_ref(), row))
                .collect::<Vec<_>>()
                .join("\u{1f}")
        })
        .collect())
}

pub async fn datastore_upsert(call: &ActionCall) -> ActionResult {
    refuse_unknown(&call.params, UPSERT_PARAMS)?;
    check_record_count(&call.params)?;
    let dry_run = param_bool(&call.params, "dry_run", false)?;
    let (r, actor) = writable(call, "datastore_upsert").await?;
    let method = param_str(&call.params, "method")
        .unwrap_or("upsert")
        .to_string();
    if !["upsert", "insert", "update"].contains(&method.as_str()) {
        return Err(invalid(
            "method",
            format!("Value must be one of ['upsert', 'insert', 'update'], not {method}"),
        ));
    }
    serialized(r.id, || upsert_rows(call, &r, &actor, &method, dry_run)).await
}

async fn upsert_rows(
    call: &ActionCall,
    r: &ResourceRow,
    actor: &Actor,
    method: &str,
    dry_run: bool,
) -> ActionResult {
    let load = store::current(&call.platform.db, r.id)
        .await?
        .ok_or_else(|| crate::api::not_found(&r.id.to_string()))?;
    let dict = store::dictionary(&call.platform.db, r.id).await?;
    let schema = current_schema(&call.platform, &load).await?;
    let records = record_objects(json_list(&call.params, "records")?, &schema)?;
    let next_id = max_id(&call.platform, &load).await? + 1;
    if method == "insert" {
        let numbered: Vec<_> = records
            .into_iter()
            .enumerate()
            .map(|(i, o)| (next_id + i as i64, o))
            .collect();
        let batch = records_batch(&schema, &numbered)?;
        let included = included_records(&call.params, &numbered)?;
        if dry_run {
            return Ok(result(r, &schema, &dict, &load, Some(method)));
        }
        let load = write_version(
            &call.platform,
            actor,
            r,
            Some(&load),
            &schema,
            &|_| Ok(None),
            Some(batch),
        )
        .await?;
        let mut out = result(r, &schema, &dict, &load, Some(method));
        if let Some(records) = included {
            out["records"] = records;
        }
        return Ok(out);
    }
    // Rows are matched on the primary key, or on `_id` when every record carries one.
    let key: Vec<String> = if records.iter().all(|o| o.contains_key(ID_COLUMN))
        && !records.is_empty()
    {
        vec![ID_COLUMN.to_string()]
    } else if !dict.primary_key.is_empty() {
        dict.primary_key.clone()
    } else {
        return Err(invalid(
            "primary_key",
            "The table has no primary key: give one to datastore_create, or _id in every record, or use method insert",
        ));
    };
    for (i, o) in records.iter().enumerate() {
        for k in &key {
            if o.get(k).is_none_or(Value::is_null) {
                return Err(invalid(
                    "records",
                    format!("record {}: the key field \"{k}\" is missing", i + 1),
                ));
            }
        }
    }
    // The key of each record, formatted as stored (through a one-row batch of the key columns).
    let key_schema = Arc::new(Schema::new(
        key.iter()
            .map(|k| schema.field_with_name(k).cloned())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| invalid("primary_key", "a key field is not in the table"))?,
    ));
    let mut record_keys = Vec::with_capacity(records.len());
    for (i, o) in records.iter().enumerate() {
        let mut arrays = Vec::new();
        for f in key_schema.fields() {
            let t = ColumnType::from_arrow(f.data_type());
            let v = &o[f.name()];
            if literal(t, v).is_none() {
                return Err(invalid(
                    "records",
                    format!(
                        "record {}: field \"{}\": {v} is not a valid {}",
                        i + 1,
                        f.name(),
                        t.as_str()
                    ),
                ));
            }
            let mut b = ColumnBuilder::new(t, 1);
            b.append(&value_text(v).unwrap_or_default());
            arrays.push(b.finish());
        }
        let batch =
            RecordBatch::try_new(key_schema.clone(), arrays).map_err(|_| ApiError::Internal)?;
        record_keys.push(row_keys(&batch, &key)?.remove(0));
    }
    let wanted: HashSet<&String> = record_keys.iter().collect();
    // First pass: the stored rows these records change.
    let mut matched: HashMap<String, Map<String, Value>> = HashMap::new();
    {
        let ctx =
            engine::session(&call.platform).map_err(|e| query_error(e.into(), "resource_id"))?;
        let mut stream = engine::read(&ctx, &load)
            .await
            .map_err(|e| query_error(e.into(), "resource_id"))?
            .execute_stream()
            .await
            .map_err(|e| query_error(e.into(), "resource_id"))?;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(|e| query_error(e.into(), "resource_id"))?;
            for (row, k) in row_keys(&batch, &key)?.into_iter().enumerate() {
                if wanted.contains(&k) {
                    let mut obj = Map::new();
                    for (i, f) in batch.schema().fields().iter().enumerate() {
                        obj.insert(f.name().clone(), engine::cell_json(batch.column(i), row));
                    }
                    matched.insert(k, obj);
                }
            }
        }
    }
    // Changed rows keep their place and `_id`; new ones follow every existing row.
    let mut changed: Vec<(i64, Map<String, Value>)> = Vec::new();
    let mut changed_at: HashMap<String, usize> = HashMap::new();
    let mut fresh: Vec<(i64, Map<String, Value>)> = Vec::new();
    for (k, record) in record_keys.iter().zip(records) {
        if let Some(&i) = changed_at.get(k) {
            changed[i].1.extend(record);
            continue;
        }
        match matched.get(k) {
            Some(old) => {
                let mut row = old.clone();
                let id = row.get(ID_COLUMN).and_then(Value::as_i64).unwrap_or(0);
                row.extend(record);
                changed_at.insert(k.clone(), changed.len());
                changed.push((id, row));
            }
            None if method == "update" => {
                return Err(invalid(
                    "key",
                    format!("key \"{}\" not found", k.replace('\u{1f}', ", ")),
                ));
            }
            None if key == [ID_COLUMN] => {
                return Err(invalid("records", format!("_id {k} not found")));
            }
            None => {
                fresh.push((next_id + fresh.len() as i64, record));
            }
        }
    }
    let changed_batch = records_batch(&schema, &changed)?;
    let fresh_batch = records_batch(&schema, &fresh)?;
    let included = included_records(
        &call.params,
        &changed
            .iter()
            .chain(fresh.iter())
            .cloned()
            .collect::<Vec<_>>(),
    )?;
    if dry_run {
        return Ok(result(r, &schema, &dict, &load, Some(method)));
    }
    let key_for_rows = key.clone();
    let replace = move |b: &RecordBatch| -> Result<Option<RecordBatch>, ApiError> {
        let keys = row_keys(b, &key_for_rows)?;
        if !keys.iter().any(|k| changed_at.contains_key(k)) {
            return Ok(None);
        }
        let indices: Vec<(usize, usize)> = keys
            .iter()
            .enumerate()
            .map(|(row, k)| match changed_at.get(k) {
                Some(&i) => (1, i),
                None => (0, row),
            })
            .collect();
        interleave_record_batch(&[b, &changed_batch], &indices)
            .map(Some)
            .map_err(|e| {
                tracing::error!(error = %e, "datastore upsert");
                ApiError::Internal
            })
    };
    let load = write_version(
        &call.platform,
        actor,
        r,
        Some(&load),
        &schema,
        &replace,
        Some(fresh_batch),
    )
    .await?;
    let mut out = result(r, &schema, &dict, &load, Some(method));
    if let Some(records) = included {
        out["records"] = records;
    }
    Ok(out)
}

pub async fn datastore_delete(call: &ActionCall) -> ActionResult {
    refuse_unknown(&call.params, DELETE_PARAMS)?;
    check_record_count(&call.params)?;
    let (r, actor) = writable(call, "datastore_delete").await?;
    serialized(r.id, || delete_rows(call, &r, &actor)).await
}

async fn delete_rows(call: &ActionCall, r: &ResourceRow, actor: &Actor) -> ActionResult {
    let load = store::current(&call.platform.db, r.id)
        .await?
        .ok_or_else(|| crate::api::not_found(&r.id.to_string()))?;
    let dict = store::dictionary(&call.platform.db, r.id).await?;
    if !call.params.contains_key("filters") {
        let mut tx = call.platform.db.begin().await?;
        store::drop_table(&mut tx, actor, r.id).await?;
        set_aliases(call, &mut tx, r.id, &[]).await?;
        tx.commit().await?;
        return Ok(json!({"resource_id": r.id}));
    }
    let schema = current_schema(&call.platform, &load).await?;
    let query = SearchQuery::from_params(
        &Map::from_iter([("filters".to_string(), call.params["filters"].clone())]),
        &schema,
    )?;
    // The rows to delete, by `_id`, found with the same filters as datastore_search.
    let ctx = engine::session(&call.platform).map_err(|e| query_error(e.into(), "resource_id"))?;
    let df = engine::read(&ctx, &load)
        .await
        .map_err(|e| query_error(e.into(), "resource_id"))?;
    let doomed_df = query
        .select(df)?
        .select(vec![ident(ID_COLUMN)])
        .map_err(|e| query_error(e.into(), "filters"))?;
    let batches = engine::collect(doomed_df)
        .await
        .map_err(|e| query_error(e, "filters"))?;
    let doomed: HashSet<i64> = batches
        .iter()
        .flat_map(|b| {
            (0..b.num_rows())
                .filter_map(|i| engine::cell_json(b.column(0), i).as_i64())
                .collect::<Vec<_>>()
        })
        .collect();
    let deleted = doomed.len();
    let remove = move |b: &RecordBatch| -> Result<Option<RecordBatch>, ApiError> {
        let ids = b.column(
            b.schema()
                .index_of(ID_COLUMN)
                .map_err(|_| ApiError::Internal)?,
        );
        let keep = BooleanArray::from(
            (0..b.num_rows())
                .map(|i| {
                    !engine::cell_json(ids.as_ref(), i)
                        .as_i64()
                        .is_some_and(|id| doomed.contains(&id))
                })
                .collect::<Vec<_>>(),
        );
        filter_record_batch(b, &keep).map(Some).map_err(|e| {
            tracing::error!(error = %e, "datastore delete");
            ApiError::Internal
        })
    };
    let load = write_version(
        &call.platform,
        actor,
        r,
        Some(&load),
        &schema,
        &remove,
        None,
    )
    .await?;
    Ok(json!({
        "resource_id": r.id,
        "filters": call.params["filters"],
        "deleted": deleted,
        "version": load.version,
        "primary_key": dict.primary_key,
    }))
}
