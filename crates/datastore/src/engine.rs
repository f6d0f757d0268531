//! Queries over the Parquet versions with DataFusion: sessions that see only the tables they are
//! given, under one process-wide memory pool that spills to disk, and a time limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::dataframe::DataFrame;
use datafusion::error::DataFusionError;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::{FairSpillPool, MemoryPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use futures::StreamExt;
use serde_json::Value;
use url::Url;

use platform::Platform;

use crate::store::Load;
use crate::types;

const STORE_URL: &str = "agora-files://store/";

/// What a query may use, from the `[datastore]` settings: its time, and the memory every datastore
/// query of this process shares (beyond it, sorts and aggregations spill to disk and whatever
/// cannot spill fails with a clear error).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub time: Duration,
    pub memory: usize,
    /// Bytes of records an answer may hold.
    pub answer: usize,
}

impl Limits {
    pub fn of(platform: &Platform) -> Limits {
        let s = &platform.settings.datastore;
        Limits {
            time: Duration::from_secs(s.query_seconds.max(1)),
            memory: s.query_memory_mb.max(1) << 20,
            answer: s.max_answer_mb.max(1) << 20,
        }
    }

    /// The limits a DataFrame's session was made with.
    fn of_frame(df: &DataFrame) -> Limits {
        df.task_ctx()
            .session_config()
            .get_extension::<Limits>()
            .map(|l| *l)
            .unwrap_or(Limits {
                time: Duration::from_secs(20),
                memory: 512 << 20,
                answer: 32 << 20,
            })
    }

    /// Bytes a batch of values built by a query's functions may take (see [`crate::bounded`]):
    /// they are outside the memory pool, so a quarter of it.
    pub fn built_values(&self) -> usize {
        self.memory / 4
    }
}

/// One pool per configured size, shared by every session of this process that uses it.
fn memory_pool(limit: usize) -> Arc<dyn MemoryPool> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<dyn MemoryPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    pools
        .entry(limit)
        .or_insert_with(|| Arc::new(FairSpillPool::new(limit)))
        .clone()
}

/// A session whose only tables are the ones registered on it, reading through the platform's
/// object store.
pub fn session(platform: &Platform) -> Result<SessionContext, DataFusionError> {
    session_with(platform, 2)
}

/// A session that reads files in order, one partition: scans come out in `_id` order without a
/// sort, so a dump streams in constant memory.
pub fn session_in_order(platform: &Platform) -> Result<SessionContext, DataFusionError> {
    session_with(platform, 1)
}

fn session_with(platform: &Platform, partitions: usize) -> Result<SessionContext, DataFusionError> {
    let spill = platform
        .settings
        .data_dir
        .join("tmp")
        .join("datastore-spill");
    std::fs::create_dir_all(&spill)?;
    let limits = Limits::of(platform);
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(memory_pool(limits.memory))
        .with_disk_manager_builder(
            DiskManagerBuilder::default().with_mode(DiskManagerMode::Directories(vec![spill])),
        )
        .build_arc()?;
    let mut config = SessionConfig::new()
        .with_target_partitions(partitions)
        .with_information_schema(false)
        .with_default_catalog_and_schema("datastore", "public")
        .with_extension(Arc::new(limits));
    config
        .options_mut()
        .execution
        .parquet
        .schema_force_view_types = false;
    config.options_mut().sql_parser.dialect = datafusion::config::Dialect::PostgreSQL;
    // A recursive query makes rows without end; datastore_search_sql refuses it by name too.
    config.options_mut().execution.enable_recursive_ctes = false;
    let ctx = SessionContext::new_with_config_rt(config, runtime);
    ctx.register_object_store(&store_url(), platform.files.store());
    Ok(ctx)
}

fn store_url() -> Url {
    Url::parse(STORE_URL).expect("a valid url")
}

/// The location DataFusion reads a version from.
pub fn version_url(load: &Load) -> Option<String> {
    load.parquet_key
        .as_ref()
        .map(|key| format!("{STORE_URL}{key}"))
}

/// A version as a DataFrame.
pub async fn read(ctx: &SessionContext, load: &Load) -> Result<DataFrame, DataFusionError> {
    let url =
        version_url(load).ok_or_else(|| DataFusionError::Plan("this load has no table".into()))?;
    ctx.read_parquet(url, ParquetReadOptions::default()).await
}

/// Registers a version under `name` for SQL.
pub async fn register(
    ctx: &SessionContext,
    name: &str,
    load: &Load,
) -> Result<(), DataFusionError> {
    let url =
        version_url(load).ok_or_else(|| DataFusionError::Plan("this load has no table".into()))?;
    ctx.register_parquet(name, url, ParquetReadOptions::default())
        .await
}

/// Collects a DataFrame within its session's limits.
pub async fn collect(df: DataFrame) -> Result<Vec<RecordBatch>, QueryError> {
    let limits = Limits::of_frame(&df);
    match tokio::time::timeout(limits.time, df.collect()).await {
        Ok(r) => r.map_err(|e| QueryError::from(e).within(limits)),
        Err(_) => Err(QueryError::TimedOut(Some(limits.time))),
    }
}

/// Runs a DataFrame within its session's time limit, handing each batch as it comes to `each`
/// on a blocking thread (encoding rows can take long), with the instant the time is up; `each`
/// says whether to go on. The state comes back when the rows end or `each` stops.
pub async fn for_each_batch<S: Send + 'static>(
    df: DataFrame,
    mut state: S,
    each: fn(&mut S, &RecordBatch, Instant) -> Result<bool, QueryError>,
) -> Result<S, QueryError> {
    let limits = Limits::of_frame(&df);
    let deadline = Instant::now() + limits.time;
    let timed_out = || QueryError::TimedOut(Some(limits.time));
    let mut stream = tokio::time::timeout_at(deadline.into(), df.execute_stream())
        .await
        .map_err(|_| timed_out())?
        .map_err(|e| QueryError::from(e).within(limits))?;
    loop {
        let batch = match tokio::time::timeout_at(deadline.into(), stream.next()).await {
            Err(_) => return Err(timed_out()),
            Ok(None) => return Ok(state),
            Ok(Some(batch)) => batch.map_err(|e| QueryError::from(e).within(limits))?,
        };
        let (back, go_on) = tokio::task::spawn_blocking(move || {
            let go_on = each(&mut state, &batch, deadline);
            (state, go_on)
        })
        .await
        .map_err(|e| QueryError::Internal(DataFusionError::External(Box::new(e))))?;
        state = back;
        if !go_on.map_err(|e| e.within(limits))? {
            return Ok(state);
        }
    }
}

pub async fn count(df: DataFrame) -> Result<usize, QueryError> {
    let limits = Limits::of_frame(&df);
    match tokio::time::timeout(limits.time, df.count()).await {
        Ok(r) => r.map_err(|e| QueryError::from(e).within(limits)),
        Err(_) => Err(QueryError::TimedOut(Some(limits.time))),
    }
}

/// Why a query stopped.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{}", timed_out(.0))]
    TimedOut(Option<Duration>),
    #[error("{}", out_of_memory(.0))]
    OutOfMemory(Option<usize>),
    /// A mistake in the query (unknown column, bad type…), with DataFusion's explanation.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Internal(DataFusionError),
}

fn timed_out(limit: &Option<Duration>) -> String {
    match limit {
        Some(t) => format!(
            "The query was stopped after {} seconds, the datastore's time limit: ask for less (filters, fewer joins, a LIMIT)",
            t.as_secs()
        ),
        None => "The query was stopped at the datastore's time limit".into(),
    }
}

fn out_of_memory(limit: &Option<usize>) -> String {
    match limit {
        Some(m) => format!(
            "The query was stopped: it needed more than {} MB of memory, the datastore's limit; ask for less (filters, fewer joins or groups, a LIMIT)",
            m >> 20
        ),
        None => "The query was stopped: it needed more memory than the datastore's limit".into(),
    }
}

impl QueryError {
    /// Names the limits in the message.
    pub fn within(self, limits: Limits) -> QueryError {
        match self {
            QueryError::OutOfMemory(None) => QueryError::OutOfMemory(Some(limits.memory)),
            QueryError::TimedOut(None) => QueryError::TimedOut(Some(limits.time)),
            other => other,
        }
    }
}

impl From<DataFusionError> for QueryError {
    fn from(e: DataFusionError) -> Self {
        let root = e.find_root();
        match root {
            DataFusionError::ResourcesExhausted(_) => QueryError::OutOfMemory(None),
            DataFusionError::Plan(_)
            | DataFusionError::SchemaError(..)
            | DataFusionError::SQL(..)
            | DataFusionError::NotImplemented(_)
            | DataFusionError::Execution(_)
            | DataFusionError::ArrowError(..) => QueryError::Invalid(root.to_string()),
            _ => QueryError::Internal(e),
        }
    }
}

// ---- cells out ----

/// A cell as JSON: numbers and booleans as themselves, dates and times in ISO form.
pub fn cell_json(column: &dyn Array, row: usize) -> Value {
    if column.is_null(row) {
        return Value::Null;
    }
    match column.data_type() {
        DataType::Int8 => column.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => column.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => column.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => column.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => column.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => column.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => column.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => column.as_primitive::<UInt64Type>().value(row).into(),
        DataType::Float32 => float(column.as_primitive::<Float32Type>().value(row) as f64),
        DataType::Float64 => float(column.as_primitive::<Float64Type>().value(row)),
        DataType::Boolean => column.as_boolean().value(row).into(),
        _ => Value::String(cell_text(column, row)),
    }
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A cell as text, as CSV shows it; empty for null.
pub fn cell_text(column: &dyn Array, row: usize) -> String {
    if column.is_null(row) {
        return String::new();
    }
    match column.data_type() {
        DataType::Utf8 => column.as_string::<i32>().value(row).to_string(),
        DataType::LargeUtf8 => column.as_string::<i64>().value(row).to_string(),
        DataType::Utf8View => column.as_string_view().value(row).to_string(),
        DataType::Date32 => types::days_to_date(column.as_primitive::<Date32Type>().value(row))
            .map(|d| d.to_string())
            .unwrap_or_default(),
        DataType::Timestamp(unit, _) => {
            let us = match unit {
                TimeUnit::Second => column
                    .as_primitive::<TimestampSecondType>()
                    .value(row)
                    .saturating_mul(1_000_000),
                TimeUnit::Millisecond => column
                    .as_primitive::<TimestampMillisecondType>()
                    .value(row)
                    .saturating_mul(1_000),
                TimeUnit::Microsecond => {
                    column.as_primitive::<TimestampMicrosecondType>().value(row)
                }
                TimeUnit::Nanosecond => {
                    column.as_primitive::<TimestampNanosecondType>().value(row) / 1_000
                }
            };
            types::micros_to_timestamp(us)
                .map(types::format_timestamp)
                .unwrap_or_default()
        }
        DataType::Boolean => column.as_boolean().value(row).to_string(),
        DataType::Float32 | DataType::Float64 => match cell_json(column, row) {
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        },
        _ => match cell_json_number(column, row) {
            Some(s) => s,
            None => datafusion::arrow::util::display::array_value_to_string(column, row)
                .unwrap_or_default(),
        },
    }
}

fn cell_json_number(column: &dyn Array, row: usize) -> Option<String> {
    if column.data_type().is_integer() {
        Some(cell_json(column, row).to_string())
    } else {
        None
    }
}
