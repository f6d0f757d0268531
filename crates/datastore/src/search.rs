//! `datastore_search` as a DataFrame: filters, full-text `q`, fields, distinct, sort and paging,
//! each built from parsed parameters and typed literals, never from user text pasted into SQL.
//! The preview pages and the dumps use the same query.

use std::collections::BTreeMap;

use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::datatypes::Schema;
use datafusion::common::ScalarValue;
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{Expr, SortExpr, cast, ident, lit};
use serde_json::{Map, Value};

use catalogue::ckan::{ApiError, param_bool, param_int, param_str};

use crate::fulltext::{self, Language};
use crate::ingest::ID_COLUMN;
use crate::types::{self, ColumnType};

/// CKAN's default page and its largest.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 32_000;
/// Largest offset a query skips by (a larger one finds no rows all the same).
const MAX_OFFSET: usize = 1 << 53;

/// Full-text search: over every column of the row (`q` as text, or `full_text`), or per column
/// (`q` as an object).
#[derive(Clone, Debug, PartialEq)]
pub enum TextQuery {
    Anywhere(String),
    Columns(Vec<(String, String)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    /// Column → accepted values (a list means any of them).
    pub filters: Vec<(String, Vec<Value>)>,
    pub q: Option<TextQuery>,
    /// CKAN 2.9+'s `full_text`: words anywhere in the row, beside a per-column `q`.
    pub full_text: Option<String>,
    /// `plainto_tsquery` (every word must be there) rather than `to_tsquery`'s syntax.
    pub plain: bool,
    /// With `plain`, each word matches the start of a word too (the data page's filters, where
    /// "Rain" should find "Rainbow Trout"); CKAN's API matches whole words.
    pub word_prefixes: bool,
    pub language: Language,
    pub fields: Option<Vec<String>>,
    /// Column and ascending.
    pub sort: Vec<(String, bool)>,
    /// `nulls first` (true) or `nulls last` (false) as a sort clause said, by index in `sort`.
    pub nulls_first: Vec<Option<bool>>,
    pub distinct: bool,
    pub limit: usize,
    pub offset: usize,
    pub include_total: bool,
    /// Whether text search adds CKAN's `rank` columns (and orders by them when no sort is given);
    /// the API does, the preview and the dumps do not.
    pub rank: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            filters: Vec::new(),
            q: None,
            full_text: None,
            plain: true,
            word_prefixes: false,
            language: Language::English,
            fields: None,
            sort: Vec::new(),
            nulls_first: Vec::new(),
            distinct: false,
            limit: DEFAULT_LIMIT,
            offset: 0,
            include_total: true,
            rank: false,
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(BTreeMap::from([(field.to_string(), vec![message.into()])]))
}

/// CKAN's answer for a name that is not a column (or a sort clause it cannot read).
fn invalid_value(param: &str, name: &str) -> ApiError {
    invalid(param, format!("invalid value \"{name}\""))
}

/// A parameter that may come as JSON text (GET) or as JSON.
fn json_param(params: &Map<String, Value>, key: &str) -> Result<Option<Value>, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.trim_start().starts_with(['{', '[']) => serde_json::from_str(s)
            .map(Some)
            .map_err(|_| invalid(key, "Cannot parse JSON")),
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
                    .map(|s| s.trim().to_string())
                    .ok_or_else(|| invalid(key, format!("Neither a string nor a list: {i}")))
            })
            .collect(),
        _ => Err(invalid(key, "Not a list")),
    }
}

/// The name of the rank column of a text search: `rank`, or `rank <column>` for a per-column one.
pub fn rank_name(column: Option<&str>) -> String {
    match column {
        Some(c) => format!("rank {c}"),
        None => "rank".to_string(),
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
            plain: param_bool(params, "plain", true)?,
            ..SearchQuery::default()
        };
        let limit = param_int(params, "limit", DEFAULT_LIMIT as i64)?;
        if limit < 0 {
            return Err(invalid("limit", "Must be a natural number"));
        }
        query.limit = (limit as usize).min(MAX_LIMIT);
        let offset = param_int(params, "offset", 0)?;
        if offset < 0 {
            return Err(invalid_value("offset", &offset.to_string()));
        }
        query.offset = offset as usize;
        if let Some(filters) = json_param(params, "filters")? {
            let Value::Object(obj) = filters else {
                return Err(invalid("filters", "Cannot parse JSON"));
            };
            for (name, v) in obj {
                if !has(&name) {
                    return Err(invalid_value("filters", &name));
                }
                let values = match v {
                    Value::Array(list) => list,
                    other => vec![other],
                };
                query.filters.push((name, values));
            }
        }
        // A text `q`, or an object of column → text; JSON that is not an object stays text.
        let q = match params.get("q") {
            Some(Value::String(s)) if s.trim_start().starts_with('{') => {
                serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            Some(Value::Array(_)) | Some(Value::Number(_)) | Some(Value::Bool(_)) => {
                Value::String(params["q"].to_string())
            }
            Some(v) => v.clone(),
            None => Value::Null,
        };
        match q {
            Value::Object(obj) => {
                let mut per_column = Vec::new();
                for (name, v) in obj {
                    match v {
                        Value::String(text) if has(&name) => {
                            if !text.is_empty() {
                                per_column.push((name, text));
                            }
                        }
                        _ => return Err(invalid_value("q", &name)),
                    }
                }
                if !per_column.is_empty() {
                    query.q = Some(TextQuery::Columns(per_column));
                }
            }
            Value::String(s) if !s.is_empty() => query.q = Some(TextQuery::Anywhere(s)),
            _ => {}
        }
        if let Some(text) = param_str(params, "full_text").filter(|s| !s.is_empty()) {
            query.full_text = Some(text.to_string());
        }
        if let Some(language) = param_str(params, "language").filter(|s| !s.trim().is_empty()) {
            query.language = Language::parse(language).ok_or_else(|| {
                invalid(
                    "language",
                    format!(
                        "text search configuration \"{language}\" does not exist: use one of {}",
                        Language::NAMES.join(", ")
                    ),
                )
            })?;
        }
        let ranks = query.rank_names();
        if let Some(fields) = json_param(params, "fields")? {
            let mut names = name_list(&fields, "fields")?;
            for n in &names {
                if !has(n) && !ranks.contains(n) {
                    return Err(invalid_value("fields", n));
                }
            }
            // A column named twice is shown once (as its key in a record would be).
            let mut seen = std::collections::HashSet::new();
            names.retain(|n| seen.insert(n.clone()));
            if !names.is_empty() {
                query.fields = Some(names);
            }
        }
        if let Some(sort) = json_param(params, "sort")? {
            for part in name_list(&sort, "sort")? {
                let (name, asc, nulls_first) =
                    parse_sort(&part).ok_or_else(|| invalid_value("sort", &part))?;
                if !has(&name) && !ranks.contains(&name) {
                    return Err(invalid_value("sort", &part));
                }
                // Sorting again by a column already sorted on changes nothing.
                if query.sort.iter().any(|(n, _)| *n == name) {
                    continue;
                }
                query.sort.push((name, asc));
                query.nulls_first.push(nulls_first);
            }
        }
        Ok(query)
    }

    /// The text searches to run: (rank column name, column searched or every column, text).
    fn text_searches(&self) -> Vec<(String, Option<&str>, &str)> {
        let mut out = Vec::new();
        // As CKAN: `full_text` replaces a text `q`, and goes with a per-column one.
        if let Some(text) = &self.full_text {
            out.push((rank_name(None), None, text.as_str()));
        } else if let Some(TextQuery::Anywhere(text)) = &self.q {
            out.push((rank_name(None), None, text.as_str()));
        }
        if let Some(TextQuery::Columns(per_column)) = &self.q {
            for (c, text) in per_column {
                out.push((rank_name(Some(c)), Some(c.as_str()), text.as_str()));
            }
        }
        out
    }

    /// The rank columns this query adds: `rank` for a text `q` or `full_text`, `rank <column>`
    /// for each column of an object `q`.
    pub fn rank_names(&self) -> Vec<String> {
        self.text_searches()
            .into_iter()
            .map(|(name, _, _)| name)
            .collect()
    }

    /// A parsed text query; None when it has no words left (it then matches nothing).
    fn parse_text(&self, text: &str) -> Result<Option<fulltext::Query>, ApiError> {
        let analyzer = fulltext::Analyzer::new(self.language);
        if self.plain {
            fulltext::plain(&analyzer, text, self.word_prefixes)
        } else {
            fulltext::parse(&analyzer, text)
        }
        .map_err(|m| invalid("q", m))
    }

    /// The rows this query selects, before paging: filters, text search, fields, distinct.
    pub fn select(&self, df: DataFrame) -> Result<DataFrame, ApiError> {
        let schema = df.schema().as_arrow().clone();
        let mut df = df;
        for (name, values) in &self.filters {
            let t = column_type(&schema, name);
            let mut accepted = Vec::with_capacity(values.len());
            for v in values {
                let scalar = literal(t, v).ok_or_else(|| {
                    invalid(
                        "filters",
                        format!("invalid value for field \"{name}\" ({}): {v}", t.as_str()),
                    )
                })?;
                accepted.push(lit(scalar));
            }
            // One IN list, not a chain of ORs as deep as the list is long.
            let any = match accepted.len() {
                0 => lit(false),
                1 => ident(name).eq(accepted.remove(0)),
                _ => ident(name).in_list(accepted, false),
            };
            df = df.filter(any).map_err(internal)?;
        }
        let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let mut ranks = Vec::new();
        for (rank, column, text) in self.text_searches() {
            let mut searched: Vec<Expr> = match column {
                Some(c) => vec![cast(ident(c), DataType::Utf8)],
                None => columns
                    .iter()
                    .filter(|n| n.as_str() != ID_COLUMN)
                    .map(|n| cast(ident(n), DataType::Utf8))
                    .collect(),
            };
            if searched.is_empty() {
                searched.push(lit(""));
            }
            let parsed = self.parse_text(text)?;
            df = df
                .with_column(&rank, fulltext::rank_expr(parsed, self.language, searched))
                .map_err(internal)?;
            df = df.filter(ident(&rank).is_not_null()).map_err(internal)?;
            ranks.push(rank);
        }
        let shown: Vec<String> = match &self.fields {
            // CKAN: with `full_text`, every column and rank is shown whatever `fields` says, but
            // `rank` only when `fields` names it.
            Some(fields) if self.full_text.is_some() && self.rank => columns
                .iter()
                .chain(
                    ranks
                        .iter()
                        .filter(|r| r.as_str() != "rank" || fields.iter().any(|f| f == *r)),
                )
                .cloned()
                .collect(),
            Some(fields) => fields.clone(),
            None if self.rank => columns.iter().chain(ranks.iter()).cloned().collect(),
            None => columns,
        };
        df = df
            .select(shown.iter().map(ident).collect::<Vec<_>>())
            .map_err(internal)?;
        if self.distinct {
            df = df.distinct().map_err(internal)?;
        }
        Ok(df)
    }

    /// The order: as asked, else by rank (best first) after a text search, then by `_id` (when
    /// selected) so that pages never overlap.
    pub fn order(&self, df: DataFrame) -> Result<DataFrame, ApiError> {
        let selected = df.schema().as_arrow().clone();
        let mut sort: Vec<SortExpr> = self
            .sort
            .iter()
            .enumerate()
            .map(|(i, (n, asc))| {
                let nulls_first = self.nulls_first.get(i).copied().flatten().unwrap_or(!*asc);
                ident(n).sort(*asc, nulls_first)
            })
            .collect();
        if self.sort.is_empty() && self.rank {
            for r in self.rank_names() {
                if selected.field_with_name(&r).is_ok() {
                    sort.push(ident(r).sort(false, true));
                }
            }
        }
        let has_id = selected.field_with_name(ID_COLUMN).is_ok();
        if has_id && !self.sort.iter().any(|(n, _)| n == ID_COLUMN) {
            sort.push(ident(ID_COLUMN).sort(true, false));
        }
        if sort.is_empty() {
            return Ok(df);
        }
        df.sort(sort).map_err(internal)
    }

    pub fn page(&self, df: DataFrame) -> Result<DataFrame, ApiError> {
        // No table has 2^53 rows; beyond, DataFusion's `offset + limit` would overflow.
        let offset = self.offset.min(MAX_OFFSET);
        df.limit(offset, Some(self.limit)).map_err(internal)
    }

    /// Whether rows are narrowed (filters, text search or distinct): a total then needs a count.
    pub fn narrows(&self) -> bool {
        !self.filters.is_empty() || !self.text_searches().is_empty() || self.distinct
    }
}

fn internal(e: datafusion::error::DataFusionError) -> ApiError {
    tracing::error!(error = %e, "datastore query could not be built");
    ApiError::Internal
}

/// `name`, `name asc`, `name desc`, `"Quoted name" desc`, each maybe followed by `nulls first`
/// or `nulls last`: (name, ascending, nulls first). None when it cannot be read.
fn parse_sort(part: &str) -> Option<(String, bool, Option<bool>)> {
    let mut p = part.trim();
    let lower = p.to_ascii_lowercase();
    let mut nulls_first = None;
    for (suffix, first) in [(" nulls first", true), (" nulls last", false)] {
        if lower.ends_with(suffix) {
            nulls_first = Some(first);
            p = p[..p.len() - suffix.len()].trim_end();
        }
    }
    let lower = p.to_ascii_lowercase();
    let (name, asc) = if lower.ends_with(" desc") {
        (&p[..p.len() - 5], false)
    } else if lower.ends_with(" asc") {
        (&p[..p.len() - 4], true)
    } else {
        (p, true)
    };
    let name = name.trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name);
    (!name.is_empty()).then(|| (name.to_string(), asc, nulls_first))
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
        assert_eq!(parse_sort("a"), Some(("a".into(), true, None)));
        assert_eq!(
            parse_sort("Stocking_Year DESC"),
            Some(("Stocking_Year".into(), false, None))
        );
        assert_eq!(
            parse_sort("\"Two words\" asc nulls first"),
            Some(("Two words".into(), true, Some(true)))
        );
        assert_eq!(parse_sort(" "), None);
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
