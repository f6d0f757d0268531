//! `datastore_search_sql`: one read-only `SELECT` over datastore tables named by resource id.
//! The statement is parsed first and refused unless it is a single query; every table it names
//! (by resource id or alias) must be a datastore table the caller may read (nothing else is
//! registered, so files, system tables and other catalogs do not exist for it); it may call only
//! the reviewed functions of [`crate::sql_functions`], never recursively (`WITH RECURSIVE`), and
//! the functions that build longer text are bounded ([`crate::bounded`]); the plan is checked
//! again with DDL, DML and statements off; it runs under the engine's time and memory limits,
//! its rows are encoded as they come, and the answer stops at a row cap and a byte cap.

use std::collections::BTreeMap;

use datafusion::common::TableReference;
use datafusion::config::Dialect;
use datafusion::execution::context::SQLOptions;
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;
use serde_json::{Value, json};
use uuid::Uuid;

use catalogue::ckan::{ActionResult, ApiError};
use platform::Platform;
use platform::auth::CurrentUser;

use crate::api::{Cells, Records, alias_target, fields_json, readable};
use crate::engine::{self, Limits};
use crate::store::{self, Dictionary};

/// Rows returned at most; beyond, the result says `records_truncated`.
pub const ROW_CAP: usize = 32_000;

fn refuse(message: impl Into<String>) -> ApiError {
    ApiError::Validation(BTreeMap::from([("sql".to_string(), vec![message.into()])]))
}

pub async fn run(platform: &Platform, user: Option<&CurrentUser>, text: &str) -> ActionResult {
    if text.trim().is_empty() {
        return Err(refuse("Missing value"));
    }
    let ctx = engine::session(platform).map_err(|e| crate::api::query_error(e.into(), "sql"))?;
    let limits = Limits::of(platform);
    crate::bounded::install(&ctx, limits.built_values())
        .map_err(|e| crate::api::query_error(e.into(), "sql"))?;
    let mut statement = ctx
        .state()
        .sql_to_statement(text, &Dialect::PostgreSQL)
        .map_err(|e| {
            let root = e.find_root().to_string();
            if root.contains("single SQL statement") {
                refuse("Only one statement is allowed: a single SELECT")
            } else {
                refuse(format!("The SQL could not be parsed: {root}"))
            }
        })?;
    let is_query =
        matches!(&statement, DfStatement::Statement(s) if matches!(**s, SqlStatement::Query(_)));
    if !is_query {
        return Err(refuse(
            "Only a read-only SELECT is allowed (no DDL, DML, COPY, EXPLAIN, SET or other statements)",
        ));
    }
    if let DfStatement::Statement(query) = &mut statement {
        crate::sql_functions::check(query).map_err(refuse)?;
        crate::sql_functions::bound_concatenations(query);
    }
    let references = ctx
        .state()
        .resolve_table_references(&statement)
        .map_err(|e| refuse(e.find_root().to_string()))?;
    for reference in references {
        let TableReference::Bare { table } = &reference else {
            return Err(refuse(format!(
                "\"{reference}\" is not a datastore table: only datastore tables, named by their resource id, can be queried (no schemas, system tables or files)"
            )));
        };
        // A resource id, or an alias given to a table by datastore_create.
        let id = match Uuid::parse_str(table) {
            Ok(id) => id,
            Err(_) => alias_target(platform, table).await?.ok_or_else(|| {
                refuse(format!(
                    "\"{table}\" is not a datastore table: only datastore tables, named by their resource id or an alias in double quotes, can be queried (no system tables or files)"
                ))
            })?,
        };
        let (r, _) = readable(platform, user, &id.to_string()).await?;
        let load = store::current(&platform.db, r.id)
            .await?
            .ok_or_else(|| refuse(format!("Resource \"{table}\" has no datastore table")))?;
        engine::register(&ctx, table, &load)
            .await
            .map_err(|e| crate::api::query_error(e.into(), "sql"))?;
    }
    let plan = ctx
        .state()
        .statement_to_plan(statement)
        .await
        .map_err(|e| refuse(e.find_root().to_string()))?;
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
        .verify_plan(&plan)
        .map_err(|e| refuse(e.find_root().to_string()))?;
    let df = ctx
        .execute_logical_plan(plan)
        .await
        .map_err(|e| refuse(e.find_root().to_string()))?
        .limit(0, Some(ROW_CAP + 1))
        .map_err(|e| refuse(e.find_root().to_string()))?;
    let schema = df.schema().as_arrow().clone();
    let records = Records::new("objects", Cells::Sql, ROW_CAP, limits.answer)?;
    let records = engine::for_each_batch(df, records, |records, batch, deadline| {
        records.push(batch, deadline)
    })
    .await
    .map_err(|e| crate::api::query_error(e, "sql"))?;
    let truncated = records.full;
    let mut result = json!({
        "sql": text,
        "fields": fields_json(&schema, &Dictionary::default()),
        "records": records.finish()?,
    });
    if truncated {
        result["records_truncated"] = Value::Bool(true);
    }
    Ok(result)
}
