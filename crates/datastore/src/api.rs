//! CKAN's datastore actions, served by the catalogue's Action API through [`CkanExtension`]:
//! `datastore_search`, `datastore_search_sql`, `datastore_info`, `datastore_create`,
//! `datastore_upsert` and `datastore_delete`.

use std::collections::BTreeMap;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use catalogue::ckan::{self, ActionCall, ActionResult, ApiError, CkanExtension, param_str};
use catalogue::model::{DatasetRow, ResourceRow};
use platform::auth::CurrentUser;
use platform::db::Actor;
use platform::{Platform, Result};

use crate::engine::{self, QueryError};
use crate::ingest::ID_COLUMN;
use crate::search::SearchQuery;
use crate::store::{self, Dictionary, Load};
use crate::types::ColumnType;
use crate::{load, sql, write};

/// The datastore as a CKAN extension.
pub struct Datastore;

const READ_ACTIONS: &[&str] = &["datastore_search", "datastore_search_sql", "datastore_info"];
const WRITE_ACTIONS: &[&str] = &["datastore_create", "datastore_upsert", "datastore_delete"];

impl CkanExtension for Datastore {
    fn action(&self, name: &str) -> Option<bool> {
        if READ_ACTIONS.contains(&name) {
            Some(true)
        } else if WRITE_ACTIONS.contains(&name) {
            Some(false)
        } else {
            None
        }
    }

    fn run(&self, name: &str, call: ActionCall) -> BoxFuture<'static, ActionResult> {
        let name = name.to_string();
        Box::pin(async move {
            match name.as_str() {
                "datastore_search" => datastore_search(&call).await,
                "datastore_search_sql" => datastore_search_sql(&call).await,
                "datastore_info" => datastore_info(&call).await,
                "datastore_create" => write::datastore_create(&call).await,
                "datastore_upsert" => write::datastore_upsert(&call).await,
                "datastore_delete" => write::datastore_delete(&call).await,
                other => Err(ApiError::BadRequest(format!(
                    "Action name not known: {other}"
                ))),
            }
        })
    }

    /// Queues the load of a tabular file; its data page follows how it goes.
    fn resource_changed(
        &self,
        platform: &Platform,
        dataset: &DatasetRow,
        resource: &ResourceRow,
    ) -> BoxFuture<'static, Result<Option<String>>> {
        let platform = platform.clone();
        let resource = resource.clone();
        let page = crate::pages::data_path(&dataset.name, resource.id);
        Box::pin(async move {
            let queued = load::enqueue(&platform, &Actor::system("datastore"), &resource).await?;
            Ok(queued.map(|_| page))
        })
    }
}

pub fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("Resource \"{id}\" was not found."))
}

/// The `resource_id` parameter (or `id`, as older clients send).
pub fn resource_param(params: &Map<String, Value>) -> std::result::Result<String, ApiError> {
    param_str(params, "resource_id")
        .or_else(|| param_str(params, "id"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::Validation(BTreeMap::from([(
                "resource_id".to_string(),
                vec!["Missing value".to_string()],
            )]))
        })
}

/// A resource whose data the caller may read, with its dataset (see `ckan::can_read_data`).
pub async fn readable(
    platform: &Platform,
    user: Option<&CurrentUser>,
    id: &str,
) -> std::result::Result<(ResourceRow, DatasetRow), ApiError> {
    let uuid = Uuid::parse_str(id).map_err(|_| not_found(id))?;
    let r = catalogue::store::resource(&platform.db, uuid)
        .await?
        .filter(|r| r.state != catalogue::model::State::Deleted)
        .ok_or_else(|| not_found(id))?;
    let d = catalogue::store::dataset_row(&platform.db, &r.dataset_id.to_string())
        .await?
        .ok_or_else(|| not_found(id))?;
    if !ckan::can_read(user, &d) {
        return Err(ApiError::Authorization(format!(
            "User not authorized to read resource {id}"
        )));
    }
    if !ckan::can_read_data(user, &d) {
        return Err(ApiError::Authorization(format!(
            "User not authorized to read resource {id}: the data of dataset {} is not open \
             (access level {})",
            d.name, d.access_level
        )));
    }
    Ok((r, d))
}

/// The resource an alias names (datastore_create's `aliases`).
pub async fn alias_target(platform: &Platform, name: &str) -> Result<Option<Uuid>> {
    Ok(platform::read!(&platform.db, |c| sqlx::query_scalar(
        "SELECT resource_id FROM datastore_aliases WHERE name = $1"
    )
    .bind(name)
    .fetch_optional(&mut *c)
    .await?))
}

/// A table's aliases, by name.
pub async fn aliases(platform: &Platform, resource: Uuid) -> Result<Vec<String>> {
    Ok(platform::read!(&platform.db, |c| sqlx::query_scalar(
        "SELECT name FROM datastore_aliases WHERE resource_id = $1 ORDER BY name"
    )
    .bind(resource)
    .fetch_all(&mut *c)
    .await?))
}

/// A resource named by its id or by an alias, that the caller may read.
pub async fn readable_or_alias(
    platform: &Platform,
    user: Option<&CurrentUser>,
    id: &str,
) -> std::result::Result<(ResourceRow, DatasetRow), ApiError> {
    if Uuid::parse_str(id).is_err()
        && let Some(target) = alias_target(platform, id).await?
    {
        return readable(platform, user, &target.to_string()).await;
    }
    readable(platform, user, id).await
}

/// The version a read asks for: the current one, `version=N`, or the one serving `as_of` a time.
pub async fn version_for(
    platform: &Platform,
    resource: Uuid,
    params: &Map<String, Value>,
) -> std::result::Result<Load, ApiError> {
    let id = resource.to_string();
    if params.get("version").is_some_and(|v| !v.is_null()) {
        let n = ckan::param_int(params, "version", 0)?;
        let load = store::version(&platform.db, resource, n)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("Resource \"{id}\" has no version {n}.")))?;
        return kept(platform, load);
    }
    if let Some(at) = param_str(params, "as_of").filter(|s| !s.trim().is_empty()) {
        let t = parse_as_of(at).ok_or_else(|| {
            ApiError::Validation(BTreeMap::from([(
                "as_of".into(),
                vec!["Expected a date or an ISO 8601 date and time".into()],
            )]))
        })?;
        let load = store::as_of(&platform.db, resource, t)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("Resource \"{id}\" had no data at {at}.")))?;
        return kept(platform, load);
    }
    store::current(&platform.db, resource)
        .await?
        .ok_or_else(|| not_found(&id))
}

/// A version asked for, unless the retention policy removed its data.
fn kept(platform: &Platform, load: Load) -> std::result::Result<Load, ApiError> {
    match load.removed_at {
        None => Ok(load),
        Some(_) => Err(ApiError::NotFound(store::removed_message(
            &platform.settings.datastore,
            &load,
        ))),
    }
}

fn parse_as_of(s: &str) -> Option<time::OffsetDateTime> {
    let s = s.trim();
    crate::types::parse_timestamp(s)
        .or_else(|| {
            crate::types::parse_date(s)
                .map(|d| d.next_day().unwrap_or(d).midnight() - time::Duration::microseconds(1))
        })
        .map(|t| t.assume_utc())
}

pub fn query_error(e: QueryError, field: &str) -> ApiError {
    match e {
        QueryError::Internal(inner) => {
            tracing::error!(error = %inner, "datastore query failed");
            ApiError::Internal
        }
        other => ApiError::Validation(BTreeMap::from([(
            field.to_string(),
            vec![other.to_string()],
        )])),
    }
}

/// CKAN's field list of a table.
pub fn fields_json(schema: &Schema, dict: &Dictionary) -> Value {
    ranked_fields_json(schema, dict, &[])
}

/// CKAN's field list: `_id` first as `int`, then each column with its type and dictionary entry;
/// the rank columns of a text search (named in `ranks`) as `float`.
pub fn ranked_fields_json(schema: &Schema, dict: &Dictionary, ranks: &[String]) -> Value {
    Value::Array(
        schema
            .fields()
            .iter()
            .map(|f| {
                if f.name() == ID_COLUMN {
                    return json!({"id": ID_COLUMN, "type": "int"});
                }
                if ranks.contains(f.name()) {
                    return json!({"id": f.name(), "type": "float"});
                }
                let t = ColumnType::from_arrow(f.data_type());
                let mut v = json!({"id": f.name(), "type": t.ckan()});
                if let Some(info) = dict.columns.get(f.name()) {
                    v["info"] = json!({
                        "label": info.label_en,
                        "notes": info.description_en,
                        "label_fr": info.label_fr,
                        "notes_fr": info.description_fr,
                        "type_override": info.type_override.map(|t| t.ckan()).unwrap_or(""),
                    });
                }
                v
            })
            .collect(),
    )
}

/// How `datastore_search` shows cells (as CKAN's SQL does): timestamps to the second
/// (`2021-04-30T00:00:00`), whole floats without a fraction; in CSV and TSV booleans as `t`/`f`.
/// `datastore_search_sql` shows them as they are.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    Search,
    Sql,
}

fn cell(column: &dyn Array, row: usize, cells: Cells) -> Value {
    if cells == Cells::Search && !column.is_null(row) {
        match column.data_type() {
            DataType::Timestamp(..) => {
                let text = engine::cell_text(column, row);
                return Value::String(text.split('.').next().unwrap_or("").to_string());
            }
            DataType::Float32 | DataType::Float64 => {
                if let Value::Number(n) = engine::cell_json(column, row)
                    && let Some(f) = n.as_f64()
                    && f.fract() == 0.0
                    && f.abs() < 9e15
                {
                    return json!(f as i64);
                }
            }
            _ => {}
        }
    }
    engine::cell_json(column, row)
}

fn cell_text(column: &dyn Array, row: usize, cells: Cells) -> String {
    if cells == Cells::Search && !column.is_null(row) {
        match column.data_type() {
            DataType::Boolean => {
                return if column.as_boolean().value(row) {
                    "t"
                } else {
                    "f"
                }
                .to_string();
            }
            DataType::Timestamp(..) | DataType::Float32 | DataType::Float64 => {
                return match cell(column, row, cells) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
            }
            _ => {}
        }
    }
    engine::cell_text(column, row)
}

/// Rows as CKAN's `records`: objects (keys in column order), lists, or CSV / TSV text.
pub fn records_json(
    batches: &[RecordBatch],
    format: &str,
    cells: Cells,
) -> std::result::Result<Value, ApiError> {
    let mut records = Records::new(format, cells, usize::MAX, usize::MAX)?;
    let far = std::time::Instant::now() + std::time::Duration::from_secs(86_400);
    for b in batches {
        records
            .push(b, far)
            .map_err(|e| query_error(e, "records_format"))?;
    }
    records.finish()
}

/// Rows encoded as CKAN's `records` as they come, up to a number of rows and of bytes: the
/// answer stops there (`full`), before any larger value is copied.
pub struct Records {
    format: RecordsFormat,
    cells: Cells,
    max_rows: usize,
    max_bytes: usize,
    rows: usize,
    bytes: usize,
    /// A row was left out for a limit.
    pub full: bool,
}

enum RecordsFormat {
    Objects(Vec<Value>),
    Lists(Vec<Value>),
    Delimited(Box<csv::Writer<Vec<u8>>>),
}

impl Records {
    pub fn new(
        format: &str,
        cells: Cells,
        max_rows: usize,
        max_bytes: usize,
    ) -> std::result::Result<Records, ApiError> {
        let format = match format {
            "objects" => RecordsFormat::Objects(Vec::new()),
            "lists" => RecordsFormat::Lists(Vec::new()),
            "csv" | "tsv" => RecordsFormat::Delimited(Box::new(
                csv::WriterBuilder::new()
                    .delimiter(if format == "csv" { b',' } else { b'\t' })
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(Vec::new()),
            )),
            _ => {
                return Err(ApiError::Validation(BTreeMap::from([(
                    "records_format".into(),
                    vec!["Value must be one of ['objects', 'lists', 'csv', 'tsv']".into()],
                )])));
            }
        };
        Ok(Records {
            format,
            cells,
            max_rows,
            max_bytes,
            rows: 0,
            bytes: 0,
            full: false,
        })
    }

    /// Adds the rows of a batch; false once a limit is reached (the rest is left out). Stops
    /// with the time limit's error at `deadline`.
    pub fn push(
        &mut self,
        batch: &RecordBatch,
        deadline: std::time::Instant,
    ) -> std::result::Result<bool, QueryError> {
        let schema = batch.schema();
        let fields = schema.fields();
        // The columns an answer shows: in an object, a name given twice keeps its last value.
        let shown: Vec<usize> = match self.format {
            RecordsFormat::Objects(_) => (0..fields.len())
                .filter(|&i| !fields[i + 1..].iter().any(|f| f.name() == fields[i].name()))
                .collect(),
            _ => (0..fields.len()).collect(),
        };
        let mut names = 0;
        if matches!(self.format, RecordsFormat::Objects(_)) {
            names = shown.iter().map(|&i| fields[i].name().len() + 4).sum();
        }
        for row in 0..batch.num_rows() {
            if row % 256 == 0 && std::time::Instant::now() >= deadline {
                return Err(QueryError::TimedOut(None));
            }
            let mut size = 2 + shown.len() + names;
            for &i in &shown {
                size = size.saturating_add(cell_size(batch.column(i), row));
            }
            if self.rows >= self.max_rows || self.bytes.saturating_add(size) > self.max_bytes {
                self.full = true;
                return Ok(false);
            }
            self.rows += 1;
            self.bytes += size;
            let cells = self.cells;
            match &mut self.format {
                RecordsFormat::Objects(out) => {
                    let mut obj = Map::with_capacity(schema.fields().len());
                    for (i, f) in schema.fields().iter().enumerate() {
                        obj.insert(f.name().clone(), cell(batch.column(i), row, cells));
                    }
                    out.push(Value::Object(obj));
                }
                RecordsFormat::Lists(out) => out.push(Value::Array(
                    batch
                        .columns()
                        .iter()
                        .map(|c| cell(c, row, cells))
                        .collect(),
                )),
                RecordsFormat::Delimited(w) => w
                    .write_record(batch.columns().iter().map(|c| cell_text(c, row, cells)))
                    .map_err(|e| QueryError::Internal(DataFusionError::External(Box::new(e))))?,
            }
        }
        Ok(true)
    }

    pub fn finish(self) -> std::result::Result<Value, ApiError> {
        Ok(match self.format {
            RecordsFormat::Objects(out) | RecordsFormat::Lists(out) => Value::Array(out),
            RecordsFormat::Delimited(w) => {
                let bytes = w.into_inner().map_err(|_| ApiError::Internal)?;
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            }
        })
    }
}

/// At least the bytes a cell takes in an answer (its text, quotes and escapes aside), found
/// without copying it: a text's length, a list's or other nested value's memory.
fn cell_size(column: &dyn Array, row: usize) -> usize {
    if column.is_null(row) {
        return 4;
    }
    match column.data_type() {
        DataType::Utf8 => column.as_string::<i32>().value(row).len() + 2,
        DataType::LargeUtf8 => column.as_string::<i64>().value(row).len() + 2,
        DataType::Utf8View => column.as_string_view().value(row).len() + 2,
        DataType::Boolean => 5,
        DataType::Int8 | DataType::Int16 | DataType::UInt8 | DataType::UInt16 => 6,
        DataType::Int32 | DataType::UInt32 | DataType::Date32 => 12,
        DataType::Int64 | DataType::UInt64 => 20,
        t if t.is_primitive() => 32,
        _ => column
            .slice(row, 1)
            .to_data()
            .get_slice_memory_size()
            .unwrap_or(usize::MAX)
            .saturating_add(2),
    }
}

/// A parameter as it reads in a query string.
fn param_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The links CKAN gives to page through a search: the same query from the start, the next page,
/// and the previous one when there is one before it (CKAN takes the request's query string; the
/// parameters of a POST are kept too, so that the links repeat the same search).
fn links(params: &Map<String, Value>, offset: usize, limit: usize) -> Value {
    let encode = |pairs: Vec<(String, String)>| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        if query.is_empty() {
            "/api/action/datastore_search".to_string()
        } else {
            format!("/api/action/datastore_search?{query}")
        }
    };
    let with_offset = |value: i64| {
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.clone(), param_text(v)))
            .collect();
        match pairs.iter_mut().find(|(k, _)| k == "offset") {
            Some(pair) => pair.1 = value.to_string(),
            None => pairs.push(("offset".into(), value.to_string())),
        }
        encode(pairs)
    };
    let start: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "offset")
        .map(|(k, v)| (k.clone(), param_text(v)))
        .collect();
    let mut links = json!({
        "start": encode(start),
        "next": with_offset(i64::try_from(offset.saturating_add(limit)).unwrap_or(i64::MAX)),
    });
    if offset as i64 - limit as i64 > 0 {
        links["prev"] = json!(with_offset(offset as i64 - limit as i64));
    }
    links
}

/// The parameters `datastore_search` takes: CKAN 2.11's, and Agora's `version` and `as_of`.
const SEARCH_PARAMS: &[&str] = &[
    "resource_id",
    "id",
    "q",
    "plain",
    "filters",
    "language",
    "limit",
    "offset",
    "fields",
    "sort",
    "distinct",
    "include_total",
    "total_estimation_threshold",
    "records_format",
    "full_text",
    "callback",
    "version",
    "as_of",
];

/// CKAN's answer to parameters an action does not take: a Validation Error on `__junk` naming
/// them as Python shows the list of their keys.
pub fn refuse_unknown(
    params: &Map<String, Value>,
    known: &[&str],
) -> std::result::Result<(), ApiError> {
    let junk: Vec<String> = params
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| format!("('{k}',)"))
        .collect();
    if junk.is_empty() {
        return Ok(());
    }
    Err(ApiError::Validation(BTreeMap::from([(
        "__junk".into(),
        vec![format!(
            "The input field [{}] was not expected.",
            junk.join(", ")
        )],
    )])))
}

async fn datastore_search(call: &ActionCall) -> ActionResult {
    let params = &call.params;
    refuse_unknown(params, SEARCH_PARAMS)?;
    let id = resource_param(params)?;
    let (r, _) = readable_or_alias(&call.platform, call.user.as_ref(), &id).await?;
    let load = version_for(&call.platform, r.id, params).await?;
    let records_format = match param_str(params, "records_format") {
        None | Some("") => "objects".to_string(),
        Some(f) => f.to_string(),
    };
    records_json(&[], &records_format, Cells::Search)?;
    let threshold = match params.get("total_estimation_threshold") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(_) => Some(ckan::param_int(params, "total_estimation_threshold", 0)?),
    };
    let ctx = engine::session(&call.platform).map_err(|e| query_error(e.into(), "resource_id"))?;
    let df = engine::read(&ctx, &load)
        .await
        .map_err(|e| query_error(e.into(), "resource_id"))?;
    let schema = df.schema().as_arrow().clone();
    let mut query = SearchQuery::from_params(params, &schema)?;
    query.rank = true;
    let selected = query.select(df)?;
    // As CKAN: with a threshold and nothing narrowing the rows, the table's row count stands in
    // for a count when it reaches the threshold (ours is exact, CKAN's comes from statistics).
    let total = if !query.include_total {
        None
    } else if threshold.is_some_and(|t| !query.narrows() && load.row_count >= t) {
        Some((load.row_count as usize, true))
    } else {
        Some((
            engine::count(selected.clone())
                .await
                .map_err(|e| query_error(e, "q"))?,
            false,
        ))
    };
    let page = query.page(query.order(selected)?)?;
    let out_schema = page.schema().as_arrow().clone();
    let answer = engine::Limits::of(&call.platform).answer;
    let records = Records::new(&records_format, Cells::Search, usize::MAX, answer)?;
    let records = engine::for_each_batch(page, records, |records, batch, deadline| {
        records.push(batch, deadline)
    })
    .await
    .map_err(|e| query_error(e, "q"))?;
    if records.full {
        return Err(ApiError::Validation(BTreeMap::from([(
            "limit".into(),
            vec![format!(
                "The answer would be larger than {} MB, the datastore's limit: ask for fewer rows (limit) or columns (fields), or download the table",
                answer >> 20
            )],
        )])));
    }
    let dict = store::dictionary(&call.platform.db, r.id).await?;
    // The keys in the order of CKAN's answer.
    let mut result = Map::new();
    result.insert("include_total".into(), json!(query.include_total));
    // As CKAN, an alias answers with the resource id it stands for.
    result.insert("resource_id".into(), json!(r.id));
    result.insert(
        "fields".into(),
        ranked_fields_json(&out_schema, &dict, &query.rank_names()),
    );
    result.insert("records_format".into(), json!(records_format));
    result.insert("records".into(), records.finish()?);
    for echo in ["q", "full_text", "filters", "sort", "language", "as_of"] {
        if let Some(v) = params.get(echo) {
            let v = match (echo, v) {
                ("filters", Value::String(s)) => serde_json::from_str(s).unwrap_or(v.clone()),
                ("q", Value::String(s)) if s.trim_start().starts_with('{') => {
                    serde_json::from_str(s).unwrap_or(v.clone())
                }
                _ => v.clone(),
            };
            result.insert(echo.into(), v);
        }
    }
    if params.contains_key("plain") {
        result.insert("plain".into(), json!(query.plain));
    }
    if params.contains_key("distinct") {
        result.insert("distinct".into(), json!(query.distinct));
    }
    if params.contains_key("offset") {
        result.insert("offset".into(), json!(query.offset));
    }
    result.insert("total_estimation_threshold".into(), json!(threshold));
    result.insert("limit".into(), json!(query.limit));
    result.insert("_links".into(), links(params, query.offset, query.limit));
    if let Some((total, estimated)) = total {
        result.insert("total".into(), json!(total));
        result.insert("total_was_estimated".into(), json!(estimated));
    }
    if load.version.is_some() {
        result.insert("version".into(), json!(load.version));
    }
    Ok(Value::Object(result))
}

/// PostgreSQL's name for a column type (`format_type`), as CKAN's `native_type` shows it.
fn native_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Integer => "bigint",
        ColumnType::Decimal => "double precision",
        ColumnType::Boolean => "boolean",
        ColumnType::Date => "date",
        ColumnType::Timestamp => "timestamp without time zone",
        ColumnType::Text => "text",
    }
}

async fn datastore_info(call: &ActionCall) -> ActionResult {
    let id = resource_param(&call.params)?;
    let (r, _) = match readable_or_alias(&call.platform, call.user.as_ref(), &id).await {
        Err(ApiError::NotFound(_)) => {
            return Err(ApiError::NotFound(format!(
                "Resource/Alias \"{id}\" was not found."
            )));
        }
        other => other?,
    };
    let load = version_for(&call.platform, r.id, &call.params).await?;
    let dict = store::dictionary(&call.platform.db, r.id).await?;
    let ctx = engine::session(&call.platform).map_err(|e| query_error(e.into(), "resource_id"))?;
    let df = engine::read(&ctx, &load)
        .await
        .map_err(|e| query_error(e.into(), "resource_id"))?;
    let schema = df.schema().as_arrow().clone();
    let fields: Vec<Value> = fields_json(&schema, &dict)
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f["id"] != ID_COLUMN)
        .map(|mut f| {
            let name = f["id"].as_str().unwrap_or("").to_string();
            let t = schema
                .field_with_name(&name)
                .map(|c| ColumnType::from_arrow(c.data_type()))
                .unwrap_or(ColumnType::Text);
            let key = dict.primary_key.contains(&name);
            f["schema"] = json!({
                "native_type": native_type(t),
                "notnull": false,
                "index_name": Value::Null,
                "is_index": false,
                "uniquekey": key,
            });
            f
        })
        .collect();
    let versions = store::versions(&call.platform.db, r.id).await?;
    Ok(json!({
        "meta": {
            "id": r.id,
            "count": load.row_count,
            "table_type": "BASE TABLE",
            "size": load.byte_count,
            "db_size": load.byte_count,
            "idx_size": 0,
            "aliases": aliases(&call.platform, r.id).await?,
            "version": load.version,
            "versions": versions.iter().map(|v| json!({
                "version": v.version,
                "rows": v.row_count,
                "created": ckan::ckan_time(v.created_at),
                "source": v.source,
                "kept": v.kept(),
            })).collect::<Vec<_>>(),
            "primary_key": dict.primary_key,
        },
        "fields": fields,
    }))
}

async fn datastore_search_sql(call: &ActionCall) -> ActionResult {
    let text = param_str(&call.params, "sql").unwrap_or("").to_string();
    sql::run(&call.platform, call.user.as_ref(), &text).await
}
