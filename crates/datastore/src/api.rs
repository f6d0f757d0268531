//! CKAN's datastore actions, served by the catalogue's Action API through [`CkanExtension`]:
//! `datastore_search`, `datastore_search_sql`, `datastore_info`, `datastore_create`,
//! `datastore_upsert` and `datastore_delete`.

use std::collections::BTreeMap;

use datafusion::arrow::datatypes::Schema;
use datafusion::arrow::record_batch::RecordBatch;
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

/// A resource the caller may read, with its dataset.
pub async fn readable(
    platform: &Platform,
    user: Option<&CurrentUser>,
    id: &str,
) -> std::result::Result<(ResourceRow, DatasetRow), ApiError> {
    let uuid = Uuid::parse_str(id).map_err(|_| not_found(id))?;
    let r = catalogue::store::resource(&platform.db, uuid)
        .await?
        .filter(|r| r.state != "deleted")
        .ok_or_else(|| not_found(id))?;
    let d = catalogue::store::dataset_row(&platform.db, &r.dataset_id.to_string())
        .await?
        .ok_or_else(|| not_found(id))?;
    if !ckan::can_read(user, &d) {
        return Err(ApiError::Authorization(format!(
            "User not authorized to read resource {id}"
        )));
    }
    Ok((r, d))
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
        return store::version(&platform.db, resource, n)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("Resource \"{id}\" has no version {n}.")));
    }
    if let Some(at) = param_str(params, "as_of").filter(|s| !s.trim().is_empty()) {
        let t = parse_as_of(at).ok_or_else(|| {
            ApiError::Validation(BTreeMap::from([(
                "as_of".into(),
                vec!["Expected a date or an ISO 8601 date and time".into()],
            )]))
        })?;
        return store::as_of(&platform.db, resource, t)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("Resource \"{id}\" had no data at {at}.")));
    }
    store::current(&platform.db, resource)
        .await?
        .ok_or_else(|| not_found(&id))
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

/// CKAN's field list: `_id` first as `int`, then each column with its type and dictionary entry.
pub fn fields_json(schema: &Schema, dict: &Dictionary) -> Value {
    Value::Array(
        schema
            .fields()
            .iter()
            .map(|f| {
                if f.name() == ID_COLUMN {
                    return json!({"id": ID_COLUMN, "type": "int"});
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

/// Rows as CKAN's `records`: objects, lists, or CSV / TSV text.
pub fn records_json(batches: &[RecordBatch], format: &str) -> std::result::Result<Value, ApiError> {
    match format {
        "objects" => {
            let mut out = Vec::new();
            for b in batches {
                let schema = b.schema();
                for row in 0..b.num_rows() {
                    let mut obj = Map::new();
                    for (i, f) in schema.fields().iter().enumerate() {
                        obj.insert(f.name().clone(), engine::cell_json(b.column(i), row));
                    }
                    out.push(Value::Object(obj));
                }
            }
            Ok(Value::Array(out))
        }
        "lists" => {
            let mut out = Vec::new();
            for b in batches {
                for row in 0..b.num_rows() {
                    out.push(Value::Array(
                        b.columns()
                            .iter()
                            .map(|c| engine::cell_json(c, row))
                            .collect(),
                    ));
                }
            }
            Ok(Value::Array(out))
        }
        "csv" | "tsv" => {
            let delimiter = if format == "csv" { b',' } else { b'\t' };
            let mut w = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(Vec::new());
            for b in batches {
                for row in 0..b.num_rows() {
                    w.write_record(b.columns().iter().map(|c| engine::cell_text(c, row)))
                        .map_err(|_| ApiError::Internal)?;
                }
            }
            let bytes = w.into_inner().map_err(|_| ApiError::Internal)?;
            Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        }
        other => Err(ApiError::Validation(BTreeMap::from([(
            "records_format".into(),
            vec![format!(
                "Value must be one of ['objects', 'lists', 'csv', 'tsv'], not {other}"
            )],
        )]))),
    }
}

/// The links CKAN gives to page through a search: the same query from the start, and the next page.
fn links(params: &Map<String, Value>, offset: usize, limit: usize) -> Value {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "offset")
        .map(|(k, v)| {
            (
                k.clone(),
                match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            )
        })
        .collect();
    pairs.sort();
    let rest: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    json!({
        "start": format!("/api/action/datastore_search?{rest}"),
        "next": format!("/api/action/datastore_search?offset={}&{rest}", offset + limit),
    })
}

async fn datastore_search(call: &ActionCall) -> ActionResult {
    let id = resource_param(&call.params)?;
    let (r, _) = readable(&call.platform, call.user.as_ref(), &id).await?;
    let load = version_for(&call.platform, r.id, &call.params).await?;
    let records_format = param_str(&call.params, "records_format")
        .unwrap_or("objects")
        .to_string();
    let ctx = engine::session(&call.platform).map_err(|e| query_error(e.into(), "resource_id"))?;
    let df = engine::read(&ctx, &load)
        .await
        .map_err(|e| query_error(e.into(), "resource_id"))?;
    let schema = df.schema().as_arrow().clone();
    let query = SearchQuery::from_params(&call.params, &schema)?;
    let selected = query.select(df)?;
    let total = if query.include_total {
        Some(
            engine::count(selected.clone())
                .await
                .map_err(|e| query_error(e, "q"))?,
        )
    } else {
        None
    };
    let page = query.page(query.order(selected)?)?;
    let out_schema = page.schema().as_arrow().clone();
    let batches = engine::collect(page)
        .await
        .map_err(|e| query_error(e, "q"))?;
    let dict = store::dictionary(&call.platform.db, r.id).await?;
    let mut result = json!({
        "include_total": query.include_total,
        "resource_id": r.id,
        "fields": fields_json(&out_schema, &dict),
        "records_format": records_format,
        "records": records_json(&batches, &records_format)?,
        "limit": query.limit,
        "_links": links(&call.params, query.offset, query.limit),
    });
    for echo in ["offset", "filters", "q", "sort", "distinct", "as_of"] {
        if let Some(v) = call.params.get(echo) {
            result[echo] = v.clone();
        }
    }
    if let Some(t) = total {
        result["total"] = json!(t);
    }
    if load.version.is_some() {
        result["version"] = json!(load.version);
    }
    Ok(result)
}

async fn datastore_info(call: &ActionCall) -> ActionResult {
    let id = resource_param(&call.params)?;
    let (r, _) = readable(&call.platform, call.user.as_ref(), &id).await?;
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
            let native = f["type"].clone();
            f["schema"] = json!({"native_type": native, "notnull": false, "is_index": false});
            f
        })
        .collect();
    let versions = store::versions(&call.platform.db, r.id).await?;
    Ok(json!({
        "meta": {
            "count": load.row_count,
            "table_type": "BASE TABLE",
            "aliases": [],
            "size": load.byte_count,
            "version": load.version,
            "versions": versions.iter().map(|v| json!({
                "version": v.version,
                "rows": v.row_count,
                "created": ckan::ckan_time(v.created_at),
                "source": v.source,
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
