//! `datastore_search` as a DataFrame: filters, full-text `q`, fields, distinct, sort and paging,
//! each built from parsed parameters and typed literals, never from user text pasted into SQL.
//! The preview pages and the dumps use the same query.

use std::collections::BTreeMap;

use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::datatypes::Schema;
use datafusion::common::ScalarValue;
use datafusion::dataframe::DataFrame;
use datafusion::functions::string::expr_fn::{contains, lower};
use datafusion::logical_expr::{Expr, SortExpr, cast, ident, lit};
use serde_json::{Map, Value};

use catalogue::ckan::{ApiError, param_bool, param_int};

use crate::ingest::ID_COLUMN;
use crate::types::{self, ColumnType};

/// CKAN's default page and its largest.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 32_000;

/// Full-text search: words anywhere in the row, or per column.
#[derive(Clone, Debug, PartialEq)]
pub enum TextQuery {
    Anywhere(String),
    Columns(Vec<(String, String)>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchQuery {
    /// Column → accepted values (a list means any of them).
    pub filters: Vec<(String, Vec<Value>)>,
    pub q: Option<TextQuery>,
    pub fields: Option<Vec<String>>,
    /// Column and ascending.
    pub sort: Vec<(String, bool)>,
    pub distinct: bool,
    pub limit: usize,
    pub offset: usize,
    pub include_total: bool,
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(BTreeMap::from([(field.to_string(), vec![message.into()])]))
}

fn not_in_table(param: &str, name: &str) -> ApiError {
    invalid(param, format!("field \"{name}\" not in table"))
}

/// A parameter that may come as JSON text (GET) or as JSON.
fn json_param(params: &Map<String, Value>, key: &str) -> Result<Option<Value>, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.trim_start().starts_with(['{', '[']) => serde_json::from_str(s)
            .map(Some)
            .map_err(|e| invalid(key, format!("Could not parse as JSON: {e}"))),
        Some(v) => Ok(Some(v.clone())),
    }
}

/// A list given as a JSON list or as comma-separated text.
fn name_list(v: &Value, key: &str) -> Result<Vec<String>, ApiError> {
    match v {
        Value::String(s) => Ok(s
            .split(',')
            .map(|p| p.trim().trim_matches('"').to_string())
            .filter(|p| !p.is_empty())
            .collect()),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(key, "Must be a list of strings"))
            })
            .collect(),
        _ => Err(invalid(key, "Must be a list of strings")),
    }
}

impl SearchQuery {
    /// Reads CKAN's parameters; `schema` is the table's, so that every column named exists.
    pub fn from_params(
        params: &Map<String, Value>,
        schema: &Schema,
    ) -> Result<SearchQuery, ApiError> {
        let has = |name: &str| schema.field_with_name(name).is_ok();
        let mut query = SearchQuery {
            include_total: param_bool(params, "include_total", true)?,
            distinct: param_bool(params, "distinct", false)?,
            ..SearchQuery::default()
        };
        let limit = param_int(params, "limit", DEFAULT_LIMIT as i64)?;
        if limit < 0 {
            return Err(invalid("limit", "Must be a positive integer"));
        }
        query.limit = (limit as usize).min(MAX_LIMIT);
        let offset = param_int(params, "offset", 0)?;
        if offset < 0 {
            return Err(invalid("offset", "Must be a positive integer"));
        }
        query.offset = offset as usize;
        if let Some(filters) = json_param(params, "filters")? {
            let Value::Object(obj) = filters else {
                return Err(invalid("filters", "Must be a JSON object"));
            };
            for (name, v) in obj {
                if !has(&name) {
                    return Err(not_in_table("filters", &name));
                }
                let values = match v {
                    Value::Array(list) => list,
                    other => vec![other],
                };
                query.filters.push((name, values));
            }
        }
        match json_param(params, "q")? {
            None => {}
            Some(Value::Object(obj)) => {
                let mut per_column = Vec::new();
                for (name, v) in obj {
                    if !has(&name) {
                        return Err(not_in_table("q", &name));
                    }
                    let text = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    per_column.push((name, text));
                }
                query.q = Some(TextQuery::Columns(per_column));
            }
            Some(Value::String(s)) => query.q = Some(TextQuery::Anywhere(s)),
            Some(other) => query.q = Some(TextQuery::Anywhere(other.to_string())),
        }
        if let Some(fields) = json_param(params, "fields")? {
            let names = name_list(&fields, "fields")?;
            for n in &names {
                if !has(n) {
                    return Err(not_in_table("fields", n));
                }
            }
            if !names.is_empty() {
                query.fields = Some(names);
            }
        }
        if let Some(sort) = json_param(params, "sort")? {
            for part in name_list(&sort, "sort")? {
                let (name, asc) = parse_sort(&part);
                if !has(&name) {
                    return Err(not_in_table("sort", &name));
                }
                query.sort.push((name, asc));
            }
        }
        Ok(query)
    }

    /// The rows this query selects, before paging: filters, text search, fields, distinct.
    pub fn select(&self, df: DataFrame) -> Result<DataFrame, ApiError> {
        let schema = df.schema().as_arrow().clone();
        let mut df = df;
        for (name, values) in &self.filters {
            let t = column_type(&schema, name);
            let mut any: Option<Expr> = None;
            for v in values {
                let scalar = literal(t, v).ok_or_else(|| {
                    invalid(
                        "filters",
                        format!("invalid value for field \"{name}\" ({}): {v}", t.as_str()),
                    )
                })?;
                let e = ident(name).eq(lit(scalar));
                any = Some(match any {
                    Some(prev) => prev.or(e),
                    None => e,
                });
            }
            df = df.filter(any.unwrap_or(lit(false))).map_err(internal)?;
        }
        match &self.q {
            None => {}
            Some(TextQuery::Anywhere(text)) => {
                let columns: Vec<&str> = schema
                    .fields()
                    .iter()
                    .map(|f| f.name().as_str())
                    .filter(|n| *n != ID_COLUMN)
                    .collect();
                for word in text.split_whitespace() {
                    let needle = word.to_lowercase();
                    let mut any: Option<Expr> = None;
                    for c in &columns {
                        let e =
                            contains(lower(cast(ident(*c), DataType::Utf8)), lit(needle.clone()));
                        any = Some(match any {
                            Some(prev) => prev.or(e),
                            None => e,
                        });
                    }
                    if let Some(e) = any {
                        df = df.filter(e).map_err(internal)?;
                    }
                }
            }
            Some(TextQuery::Columns(per_column)) => {
                for (name, text) in per_column {
                    for word in text.split_whitespace() {
                        let e = contains(
                            lower(cast(ident(name), DataType::Utf8)),
                            lit(word.to_lowercase()),
                        );
                        df = df.filter(e).map_err(internal)?;
                    }
                }
            }
        }
        if let Some(fields) = &self.fields {
            df = df
                .select(fields.iter().map(ident).collect::<Vec<_>>())
                .map_err(internal)?;
        }
        if self.distinct {
            df = df.distinct().map_err(internal)?;
        }
        Ok(df)
    }

    /// The order: as asked, then by `_id` (when selected) so that pages never overlap.
    pub fn order(&self, df: DataFrame) -> Result<DataFrame, ApiError> {
        let mut sort: Vec<SortExpr> = self
            .sort
            .iter()
            .map(|(n, asc)| ident(n).sort(*asc, !*asc))
            .collect();
        let has_id = df.schema().as_arrow().field_with_name(ID_COLUMN).is_ok();
        if has_id && !self.sort.iter().any(|(n, _)| n == ID_COLUMN) {
            sort.push(ident(ID_COLUMN).sort(true, false));
        }
        if sort.is_empty() {
            return Ok(df);
        }
        df.sort(sort).map_err(internal)
    }

    pub fn page(&self, df: DataFrame) -> Result<DataFrame, ApiError> {
        df.limit(self.offset, Some(self.limit)).map_err(internal)
    }
}

fn internal(e: datafusion::error::DataFusionError) -> ApiError {
    tracing::error!(error = %e, "datastore query could not be built");
    ApiError::Internal
}

/// `name`, `name asc`, `name desc`, `"Quoted name" desc`.
fn parse_sort(part: &str) -> (String, bool) {
    let p = part.trim();
    let lower = p.to_ascii_lowercase();
    let (name, asc) = if lower.ends_with(" desc") {
        (&p[..p.len() - 5], false)
    } else if lower.ends_with(" asc") {
        (&p[..p.len() - 4], true)
    } else {
        (p, true)
    };
    (name.trim().trim_matches('"').to_string(), asc)
}

pub fn column_type(schema: &Schema, name: &str) -> ColumnType {
    schema
        .field_with_name(name)
        .map(|f| ColumnType::from_arrow(f.data_type()))
        .unwrap_or(ColumnType::Text)
}

/// A filter value as the column's type; None when it cannot be one.
pub fn literal(t: ColumnType, v: &Value) -> Option<ScalarValue> {
    let text = match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }?;
    Some(match t {
        ColumnType::Integer => {
            ScalarValue::Int64(Some(v.as_i64().or_else(|| types::parse_integer(&text))?))
        }
        ColumnType::Decimal => {
            ScalarValue::Float64(Some(v.as_f64().or_else(|| text.parse::<f64>().ok())?))
        }
        ColumnType::Boolean => {
            ScalarValue::Boolean(Some(v.as_bool().or_else(|| types::parse_boolean(&text))?))
        }
        ColumnType::Date => {
            ScalarValue::Date32(Some(types::date_to_days(types::parse_date(&text)?)))
        }
        ColumnType::Timestamp => ScalarValue::TimestampMicrosecond(
            Some(types::timestamp_to_micros(
                types::parse_timestamp(&text)
                    .or_else(|| types::parse_date(&text).map(|d| d.midnight()))?,
            )),
            None,
        ),
        ColumnType::Text => ScalarValue::Utf8(Some(match v {
            Value::String(s) => s.clone(),
            _ => text,
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parts() {
        assert_eq!(parse_sort("a"), ("a".into(), true));
        assert_eq!(
            parse_sort("Stocking_Year DESC"),
            ("Stocking_Year".into(), false)
        );
        assert_eq!(parse_sort("\"Two words\" asc"), ("Two words".into(), true));
    }

    #[test]
    fn literals_follow_the_column_type() {
        assert_eq!(
            literal(ColumnType::Integer, &Value::String("2012".into())),
            Some(ScalarValue::Int64(Some(2012)))
        );
        assert_eq!(
            literal(ColumnType::Integer, &Value::String("x".into())),
            None
        );
        assert_eq!(
            literal(ColumnType::Text, &serde_json::json!(25)),
            Some(ScalarValue::Utf8(Some("25".into())))
        );
        assert!(literal(ColumnType::Date, &Value::String("2021-04-30".into())).is_some());
    }
}
