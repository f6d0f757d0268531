//! Exploring a table without a script: a profile of every column (type, values, empty cells,
//! distinct values, smallest and largest, most frequent) and a chart builder (a bar or line chart
//! of one column by another with an aggregate), drawn as SVG with its data table beside it.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use datafusion::arrow::datatypes::DataType;
use datafusion::dataframe::DataFrame;
use datafusion::functions_aggregate::expr_fn::{approx_distinct, avg, count, max, min, sum};
use datafusion::logical_expr::{Expr, cast, ident, lit};

use serde::{Deserialize, Serialize};

use platform::web::{RequestContext, render};
use platform::{Error, Page, Platform, Result};

use crate::engine;
use crate::ingest::ID_COLUMN;
use crate::pages::{api_error, data_path, type_label};
use crate::store;
use crate::types::ColumnType;

/// Most bars a chart draws (the largest values), most points a line draws.
const MAX_BARS: usize = 20;
const MAX_POINTS: usize = 400;
/// Columns whose most frequent values are listed.
const MAX_TOP_COLUMNS: usize = 25;

pub fn pages() -> Router {
    Router::new()
        .route(
            "/dataset/{dataset}/resource/{resource}/profile",
            get(profile_page),
        )
        .route(
            "/dataset/{dataset}/resource/{resource}/chart",
            get(chart_page),
        )
}

pub fn profile_path(dataset: &str, resource: uuid::Uuid) -> String {
    format!("/dataset/{dataset}/resource/{resource}/profile")
}

pub fn chart_path(dataset: &str, resource: uuid::Uuid) -> String {
    format!("/dataset/{dataset}/resource/{resource}/chart")
}

pub struct ProfileRow {
    pub name: String,
    pub type_label: String,
    pub values: String,
    pub empty: String,
    pub distinct: String,
    pub min: String,
    pub max: String,
    pub top: String,
}

#[derive(Template)]
#[template(path = "datastore/profile.html")]
struct ProfilePage {
    page: Page,
    data_href: String,
    chart_href: String,
    rows: Vec<ProfileRow>,
}

struct Context {
    load: store::Load,
    df: DataFrame,
    page: Page,
    data_href: String,
    chart_href: String,
    profile_href: String,
}

/// The table's current version and the page, with breadcrumbs down to `leaf`.
async fn open(
    platform: &Platform,
    ctx: &RequestContext,
    page: Page,
    dataset: &str,
    resource: &str,
    leaf_key: &str,
) -> Result<Context> {
    let (r, d) = crate::api::readable(platform, ctx.user.as_ref(), resource)
        .await
        .map_err(api_error)?;
    if d.name != dataset && d.id.to_string() != dataset {
        return Err(Error::NotFound);
    }
    let load = store::current(&platform.db, r.id)
        .await?
        .ok_or(Error::NotFound)?;
    let session = engine::session(platform).map_err(Error::internal)?;
    let df = engine::read(&session, &load)
        .await
        .map_err(Error::internal)?;
    let datasets = page.t("catalogue-datasets");
    let dataset_title = d.title().get(page.lang).to_string();
    let name = r.name().get(page.lang).to_string();
    let resource_title = if name.is_empty() {
        r.id.to_string()
    } else {
        name
    };
    let leaf = page.t(leaf_key);
    let leaf_path = if leaf_key == "datastore-profile" {
        profile_path(&d.name, r.id)
    } else {
        chart_path(&d.name, r.id)
    };
    let title = page.lang.t_args(
        "datastore-page-title",
        &[("what", leaf.clone()), ("name", resource_title.clone())],
    );
    let page = page
        .with_title(title)
        .crumb(datasets, "/dataset")
        .crumb(dataset_title, &format!("/dataset/{}", d.name))
        .crumb(resource_title, &data_path(&d.name, r.id))
        .crumb(leaf, &leaf_path);
    Ok(Context {
        data_href: page.url(&data_path(&d.name, r.id)),
        chart_href: page.url(&chart_path(&d.name, r.id)),
        profile_href: page.url(&profile_path(&d.name, r.id)),
        load,
        df,
        page,
    })
}

/// A version's column profile, computed once and kept: the counts and bounds of every column and
/// the most frequent values of the text and boolean ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub rows: i64,
    pub columns: Vec<ColumnProfile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// Cells with a value.
    pub values: i64,
    /// Estimated (HyperLogLog) so that memory stays flat; none for booleans.
    pub distinct: Option<i64>,
    pub min: String,
    pub max: String,
    /// The most frequent values and their counts, most frequent first.
    pub top: Vec<(String, i64)>,
}

/// The stored profile of a version, computed and stored by the first request that needs it.
pub async fn profile(platform: &Platform, load: &store::Load, df: &DataFrame) -> Result<Profile> {
    if let Some(stored) = store::profile(&platform.db, load.id).await?
        && let Ok(p) = serde_json::from_value::<Profile>(stored)
    {
        return Ok(p);
    }
    let p = compute_profile(df).await?;
    store::save_profile(
        &platform.db,
        load.id,
        &serde_json::to_value(&p).map_err(Error::internal)?,
    )
    .await?;
    Ok(p)
}

async fn compute_profile(df: &DataFrame) -> Result<Profile> {
    let schema = df.schema().as_arrow().clone();
    let columns: Vec<(String, ColumnType)> = schema
        .fields()
        .iter()
        .filter(|f| f.name() != ID_COLUMN)
        .map(|f| (f.name().clone(), ColumnType::from_arrow(f.data_type())))
        .collect();
    // One pass for every column's counts and bounds.
    let mut aggregates: Vec<Expr> = vec![count(lit(1)).alias("rows")];
    for (i, (name, t)) in columns.iter().enumerate() {
        aggregates.push(count(ident(name)).alias(format!("n{i}")));
        if *t != ColumnType::Boolean {
            // Floats are counted by their text.
            let distinct_of = if *t == ColumnType::Decimal {
                cast(ident(name), DataType::Utf8)
            } else {
                ident(name)
            };
            aggregates.push(approx_distinct(distinct_of).alias(format!("d{i}")));
            aggregates.push(min(ident(name)).alias(format!("lo{i}")));
            aggregates.push(max(ident(name)).alias(format!("hi{i}")));
        }
    }
    let summary = df
        .clone()
        .aggregate(vec![], aggregates)
        .map_err(Error::internal)?;
    let batches = engine::collect(summary).await.map_err(Error::internal)?;
    let batch = batches
        .first()
        .ok_or_else(|| Error::internal(anyhow::anyhow!("no summary")))?;
    let cell = |name: &str| -> String {
        batch
            .schema()
            .index_of(name)
            .ok()
            .filter(|_| batch.num_rows() > 0)
            .map(|i| engine::cell_text(batch.column(i), 0))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for (i, (name, t)) in columns.iter().enumerate() {
        let top = if *t == ColumnType::Text && i < MAX_TOP_COLUMNS {
            top_values(df, name, 3).await?
        } else if *t == ColumnType::Boolean {
            top_values(df, name, 2).await?
        } else {
            Vec::new()
        };
        out.push(ColumnProfile {
            name: name.clone(),
            column_type: *t,
            values: cell(&format!("n{i}")).parse().unwrap_or(0),
            distinct: cell(&format!("d{i}")).parse().ok(),
            min: cell(&format!("lo{i}")),
            max: cell(&format!("hi{i}")),
            top,
        });
    }
    Ok(Profile {
        rows: cell("rows").parse().unwrap_or(0),
        columns: out,
    })
}

async fn profile_page(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    Path((dataset, resource)): Path<(String, String)>,
) -> Result<Response> {
    let c = open(
        &platform,
        &ctx,
        page,
        &dataset,
        &resource,
        "datastore-profile",
    )
    .await?;
    let p = profile(&platform, &c.load, &c.df).await?;
    let rows = p
        .columns
        .iter()
        .map(|col| ProfileRow {
            name: col.name.clone(),
            type_label: type_label(c.page.lang, col.column_type),
            values: c.page.number(&col.values),
            empty: c.page.number(&(p.rows - col.values)),
            distinct: col.distinct.map(|n| c.page.number(&n)).unwrap_or_default(),
            min: col.min.clone(),
            max: col.max.clone(),
            // "Brook Trout (2,345), Walleye (1,876)…"
            top: col
                .top
                .iter()
                .map(|(v, n)| format!("{v} ({})", c.page.number(n)))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    render(&ProfilePage {
        page: c.page,
        data_href: c.data_href,
        chart_href: c.chart_href,
        rows,
    })
}

async fn top_values(df: &DataFrame, name: &str, n: usize) -> Result<Vec<(String, i64)>> {
    let grouped = df
        .clone()
        .filter(ident(name).is_not_null())
        .and_then(|d| d.aggregate(vec![ident(name)], vec![count(lit(1)).alias("n")]))
        .and_then(|d| {
            d.sort(vec![
                ident("n").sort(false, false),
                ident(name).sort(true, false),
            ])
        })
        .and_then(|d| d.limit(0, Some(n)))
        .map_err(Error::internal)?;
    let batches = engine::collect(grouped).await.map_err(Error::internal)?;
    let mut out = Vec::new();
    for b in &batches {
        for row in 0..b.num_rows() {
            out.push((
                engine::cell_text(b.column(0), row),
                engine::cell_json(b.column(1), row).as_i64().unwrap_or(0),
            ));
        }
    }
    Ok(out)
}

// ---- charts ----

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One bar or point, placed in the SVG's coordinates.
pub struct Mark {
    /// The label as drawn (shortened), and in full for the table.
    pub label: String,
    pub full_label: String,
    pub value: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

#[derive(Template)]
#[template(path = "datastore/chart.html")]
struct ChartPage {
    page: Page,
    data_href: String,
    profile_href: String,
    x_choices: Vec<Choice>,
    y_choices: Vec<Choice>,
    aggregates: Vec<Choice>,
    kinds: Vec<Choice>,
    line: bool,
    caption: String,
    value_heading: String,
    x_heading: String,
    marks: Vec<Mark>,
    height: f64,
    points: String,
    y_max: String,
    truncated: bool,
}

fn choice(value: &str, label: String, current: &str) -> Choice {
    Choice {
        value: value.to_string(),
        label,
        selected: value == current,
    }
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

async fn chart_page(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    Path((dataset, resource)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let c = open(
        &platform,
        &ctx,
        page,
        &dataset,
        &resource,
        "datastore-chart",
    )
    .await?;
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let schema = c.df.schema().as_arrow().clone();
    let columns: Vec<(String, ColumnType)> = schema
        .fields()
        .iter()
        .filter(|f| f.name() != ID_COLUMN)
        .map(|f| (f.name().clone(), ColumnType::from_arrow(f.data_type())))
        .collect();
    let numeric: Vec<&String> = columns
        .iter()
        .filter(|(_, t)| t.is_numeric())
        .map(|(n, _)| n)
        .collect();
    // Defaults: the first text column by the first numeric one.
    let x = Some(get("x"))
        .filter(|x| columns.iter().any(|(n, _)| n == x))
        .or_else(|| {
            columns
                .iter()
                .find(|(_, t)| *t == ColumnType::Text)
                .map(|(n, _)| n.clone())
        })
        .or_else(|| columns.first().map(|(n, _)| n.clone()))
        .unwrap_or_default();
    let y = Some(get("y"))
        .filter(|y| numeric.contains(&y))
        .unwrap_or_default();
    let agg = match get("agg").as_str() {
        a @ ("sum" | "avg" | "min" | "max") if !y.is_empty() => a.to_string(),
        _ => "count".to_string(),
    };
    let line = get("kind") == "line";
    let t = |k: &str| c.page.t(k);
    let x_choices = columns
        .iter()
        .map(|(n, _)| choice(n, n.clone(), &x))
        .collect();
    let mut y_choices = vec![choice("", t("datastore-chart-rows"), &y)];
    y_choices.extend(numeric.iter().map(|n| choice(n, (*n).clone(), &y)));
    let aggregates = ["count", "sum", "avg", "min", "max"]
        .iter()
        .map(|a| choice(a, t(&format!("datastore-agg-{a}")), &agg))
        .collect();
    let kinds = vec![
        choice(
            "bar",
            t("datastore-chart-bar"),
            if line { "line" } else { "bar" },
        ),
        choice(
            "line",
            t("datastore-chart-line"),
            if line { "line" } else { "bar" },
        ),
    ];
    let value_expr = match agg.as_str() {
        "sum" => sum(ident(&y)),
        "avg" => avg(ident(&y)),
        "min" => min(ident(&y)),
        "max" => max(ident(&y)),
        _ if y.is_empty() => count(lit(1)),
        _ => count(ident(&y)),
    };
    let limit = if line { MAX_POINTS } else { MAX_BARS };
    let grouped =
        c.df.clone()
            .aggregate(vec![ident(&x)], vec![value_expr.alias("value")])
            .and_then(|d| {
                if line {
                    d.sort(vec![ident(&x).sort(true, false)])
                } else {
                    d.sort(vec![
                        ident("value").sort(false, false),
                        ident(&x).sort(true, false),
                    ])
                }
            })
            .and_then(|d| d.limit(0, Some(limit + 1)))
            .map_err(Error::internal)?;
    let batches = engine::collect(grouped).await.map_err(Error::internal)?;
    let mut data: Vec<(String, f64)> = Vec::new();
    for b in &batches {
        for row in 0..b.num_rows() {
            let label = engine::cell_text(b.column(0), row);
            let value = engine::cell_json(b.column(1), row).as_f64().unwrap_or(0.0);
            data.push((
                if label.is_empty() {
                    t("datastore-chart-empty")
                } else {
                    label
                },
                value,
            ));
        }
    }
    let truncated = data.len() > limit;
    data.truncate(limit);
    let max_value = data.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let scale = |v: f64| if max_value > 0.0 { v / max_value } else { 0.0 };
    // Bars: 24 units a row, labels in the first 220 of 720. Lines: 720 × 300 with margins.
    let (marks, height, points) = if line {
        let n = data.len().max(2) as f64 - 1.0;
        let marks: Vec<Mark> = data
            .iter()
            .enumerate()
            .map(|(i, (label, v))| Mark {
                label: short(label, 12),
                full_label: label.clone(),
                value: format_value(*v),
                x: 60.0 + 640.0 * i as f64 / n,
                y: 270.0 - 240.0 * scale(*v),
                width: 0.0,
            })
            .collect();
        let points = marks
            .iter()
            .map(|m| format!("{:.1},{:.1}", m.x, m.y))
            .collect::<Vec<_>>()
            .join(" ");
        (marks, 300.0, points)
    } else {
        let marks: Vec<Mark> = data
            .iter()
            .enumerate()
            .map(|(i, (label, v))| Mark {
                label: short(label, 30),
                full_label: label.clone(),
                value: format_value(*v),
                x: 220.0,
                y: 8.0 + 24.0 * i as f64,
                width: (400.0 * scale(*v)).max(1.0),
            })
            .collect();
        (marks, 16.0 + 24.0 * data.len() as f64, String::new())
    };
    let value_heading = if y.is_empty() {
        t("datastore-chart-rows")
    } else {
        format!(
            "{} ({})",
            y,
            t(&format!("datastore-agg-{agg}")).to_lowercase()
        )
    };
    let caption = c.page.lang.t_args(
        "datastore-chart-caption",
        &[("value", value_heading.clone()), ("by", x.clone())],
    );
    render(&ChartPage {
        data_href: c.data_href,
        profile_href: c.profile_href,
        x_choices,
        y_choices,
        aggregates,
        kinds,
        line,
        caption,
        value_heading,
        x_heading: x,
        marks,
        height,
        points,
        y_max: format_value(max_value),
        truncated,
        page: c.page,
    })
}
