//! The data page of a resource: its table with server-side paging, sorting and a filter per
//! column (plain links and a GET form, no script), the load status and the validation report of
//! a refused load, and the downloads.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value};
use uuid::Uuid;

use catalogue::ckan::ApiError;
use platform::web::{FormErrors, Pager, RequestContext, ShownError, render};
use platform::{Error, Lang, Page, Platform, Result};

use crate::api::readable;
use crate::engine;
use crate::fulltext;
use crate::report::Severity;
use crate::search::{SearchQuery, TextQuery, literal};
use crate::store::{self, Load};
use crate::types::ColumnType;

/// Rows per page of the preview.
const PER_PAGE: i64 = 25;

pub fn pages() -> Router {
    Router::new()
        .route(
            "/dataset/{dataset}/resource/{resource}/data",
            get(data_page),
        )
        .merge(crate::dictionary::pages())
        .merge(crate::explore::pages())
}

/// The path of a resource's data page, after the language prefix.
pub fn data_path(dataset: &str, resource: Uuid) -> String {
    format!("/dataset/{dataset}/resource/{resource}/data")
}

pub struct ColumnView {
    pub name: String,
    pub type_label: String,
    /// The id of its filter field.
    pub field: String,
    pub filter: String,
    pub sort_href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria_sort: &'static str,
}

pub struct ProblemView {
    pub error: bool,
    pub message: String,
    /// "Row 3: 0164A".
    pub examples: Vec<String>,
}

pub struct LoadView {
    /// "Version 2, 13,956 rows, loaded 2026-11-26 20:40 from an upload."
    pub line: String,
}

pub struct RefusedView {
    pub line: String,
    pub problems: Vec<ProblemView>,
}

#[derive(Template)]
#[template(path = "datastore/data.html")]
struct DataPage {
    page: Page,
    dataset_name: String,
    resource_name: String,
    dictionary_path: String,
    profile_path: String,
    chart_path: String,
    current: Option<LoadView>,
    /// A load waiting or under way, with its progress.
    loading: Option<String>,
    refused: Option<RefusedView>,
    columns: Vec<ColumnView>,
    rows: Vec<Vec<String>>,
    numeric: Vec<bool>,
    total: String,
    q: String,
    errors: FormErrors,
    pager: Pager,
    downloads: Vec<(&'static str, String)>,
}

impl DataPage {
    /// Whether the per-column filters are shown open: one is in use, or one was refused.
    fn columns_open(&self) -> bool {
        !self.errors.is_empty() || self.columns.iter().any(|c| !c.filter.is_empty())
    }
}

pub(crate) fn api_error(e: ApiError) -> Error {
    match e {
        ApiError::NotFound(_) => Error::NotFound,
        ApiError::Authorization(_) => Error::NotFound,
        other => Error::internal(anyhow::anyhow!("{other}")),
    }
}

/// A text search the full text refuses (it recurses by word).
fn too_many_words(text: &str) -> bool {
    fulltext::words(text).len() > fulltext::MAX_WORDS
}

pub(crate) fn type_label(lang: Lang, t: ColumnType) -> String {
    lang.t(&format!("datastore-type-{}", t.as_str()))
}

fn load_view(page: &Page, l: &Load) -> LoadView {
    LoadView {
        line: page.lang.t_args(
            "datastore-version-line",
            &[
                ("version", l.version.unwrap_or(0).to_string()),
                ("rows", page.number(&l.row_count)),
                ("when", page.datetime(&l.created_at)),
                ("source", page.t(&format!("datastore-source-{}", l.source))),
            ],
        ),
    }
}

fn refused_view(page: &Page, l: &Load) -> RefusedView {
    let r = &l.report.0;
    RefusedView {
        line: page.lang.t_args(
            "datastore-report-line",
            &[
                ("when", page.datetime(&l.created_at)),
                ("file", l.file_name.clone()),
                ("rows", page.number(&(r.rows as i64))),
                ("columns", r.columns.len().to_string()),
            ],
        ),
        problems: r
            .problems
            .iter()
            .map(|p| ProblemView {
                error: p.severity == Severity::Error,
                message: p.message(page.lang),
                examples: p
                    .examples
                    .iter()
                    .map(|e| {
                        page.lang.t_args(
                            "datastore-example",
                            &[("row", e.row.to_string()), ("value", e.value.clone())],
                        )
                    })
                    .collect(),
            })
            .collect(),
    }
}

async fn data_page(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    Path((dataset, resource)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let (r, d) = readable(&platform, ctx.user.as_ref(), &resource)
        .await
        .map_err(api_error)?;
    if d.name != dataset && d.id.to_string() != dataset {
        return Err(Error::NotFound);
    }
    let name = r.name().get(page.lang).to_string();
    let title = if name.is_empty() {
        r.id.to_string()
    } else {
        name.clone()
    };
    let datasets = page.t("catalogue-datasets");
    let dataset_title = d.title().get(page.lang).to_string();
    let page = page
        .with_title(title.clone())
        .crumb(datasets, "/dataset")
        .crumb(dataset_title, &format!("/dataset/{}", d.name))
        .crumb(title.clone(), &data_path(&d.name, r.id));
    let loads = store::loads(&platform.db, r.id, 20).await?;
    let current = store::current(&platform.db, r.id).await?;
    // A refused load newer than what serves is shown with its report.
    let refused = loads
        .iter()
        .take_while(|l| current.as_ref().is_none_or(|c| l.id > c.id))
        .find(|l| !l.ok)
        .map(|l| refused_view(&page, l));
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let current_view = current.as_ref().map(|l| load_view(&page, l));
    let loading = crate::load::pending(&platform.db, r.id).await?.map(|job| {
        match job.progress_total.filter(|total| *total > 0) {
            Some(total) if job.state == "running" => page.t1(
                "datastore-loading",
                "percent",
                job.progress_done * 100 / total,
            ),
            _ => page.t("datastore-loading-queued"),
        }
    });
    let mut view = DataPage {
        pager: Pager::new(&page, PER_PAGE),
        page,
        dataset_name: d.name.clone(),
        resource_name: title,
        dictionary_path: crate::dictionary::dictionary_path(&d.name, r.id),
        profile_path: crate::explore::profile_path(&d.name, r.id),
        chart_path: crate::explore::chart_path(&d.name, r.id),
        current: current_view,
        loading,
        refused,
        columns: Vec::new(),
        rows: Vec::new(),
        numeric: Vec::new(),
        total: String::new(),
        q: get("q"),
        errors: FormErrors::default(),
        downloads: Vec::new(),
    };
    let Some(load) = current else {
        return render(&view);
    };
    let session = engine::session(&platform).map_err(Error::internal)?;
    let df = engine::read(&session, &load)
        .await
        .map_err(Error::internal)?;
    let schema = df.schema().as_arrow().clone();
    // Per-column filters: typed equality, or words in a text column.
    let mut query = SearchQuery {
        include_total: true,
        word_prefixes: true,
        limit: PER_PAGE as usize,
        offset: view.pager.offset().max(0) as usize,
        ..SearchQuery::default()
    };
    let mut text_filters = Vec::new();
    let mut errors = Vec::new();
    let sort = get("sort");
    let descending = get("dir") == "desc";
    for (i, f) in schema.fields().iter().enumerate() {
        let t = ColumnType::from_arrow(f.data_type());
        let field = format!("f{i}");
        let value = get(&format!("f.{}", f.name()));
        if !value.is_empty() {
            if t == ColumnType::Text && too_many_words(&value) {
                errors.push(ShownError {
                    field: field.clone(),
                    message: view.page.lang.t_args(
                        "datastore-filter-too-many-words",
                        &[
                            ("column", f.name().clone()),
                            ("max", fulltext::MAX_WORDS.to_string()),
                        ],
                    ),
                });
            } else if t == ColumnType::Text {
                text_filters.push((f.name().clone(), value.clone()));
            } else if literal(t, &Value::String(value.clone())).is_some() {
                query
                    .filters
                    .push((f.name().clone(), vec![Value::String(value.clone())]));
            } else {
                errors.push(ShownError {
                    field: field.clone(),
                    message: view.page.lang.t_args(
                        "datastore-filter-invalid",
                        &[
                            ("column", f.name().clone()),
                            ("value", value.clone()),
                            ("type", type_label(view.page.lang, t)),
                        ],
                    ),
                });
            }
        }
        let sorted_here = sort == *f.name();
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .filter(|(k, _)| k != "sort" && k != "dir" && k != "page")
            .cloned()
            .collect();
        pairs.push(("sort".into(), f.name().clone()));
        if sorted_here && !descending {
            pairs.push(("dir".into(), "desc".into()));
        }
        view.columns.push(ColumnView {
            name: f.name().clone(),
            type_label: type_label(view.page.lang, t),
            field,
            filter: value,
            sort_href: format!(
                "{}?{}",
                view.page.url(&data_path(&d.name, r.id)),
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish()
            ),
            aria_sort: match (sorted_here, descending) {
                (true, false) => "ascending",
                (true, true) => "descending",
                _ => "none",
            },
        });
        view.numeric.push(t.is_numeric());
    }
    if schema.field_with_name(&sort).is_ok() {
        query.sort.push((sort.clone(), !descending));
    }
    if !text_filters.is_empty() {
        query.q = Some(TextQuery::Columns(text_filters));
    }
    let q = view.q.clone();
    if too_many_words(&q) {
        errors.push(ShownError {
            field: "q".into(),
            message: view.page.lang.t_args(
                "datastore-search-too-many-words",
                &[("max", fulltext::MAX_WORDS.to_string())],
            ),
        });
    }
    if !errors.is_empty() {
        view.errors = FormErrors(errors);
        return render(&view);
    }
    let mut selected = query.select(df).map_err(api_error)?;
    if !q.is_empty() {
        selected = SearchQuery {
            q: Some(TextQuery::Anywhere(q.clone())),
            word_prefixes: true,
            ..SearchQuery::default()
        }
        .select(selected)
        .map_err(api_error)?;
    }
    let total = engine::count(selected.clone())
        .await
        .map_err(Error::internal)? as i64;
    let page_df = query
        .page(query.order(selected).map_err(api_error)?)
        .map_err(api_error)?;
    let batches = engine::collect(page_df).await.map_err(Error::internal)?;
    for b in &batches {
        for row in 0..b.num_rows() {
            view.rows.push(
                b.columns()
                    .iter()
                    .map(|c| engine::cell_text(c, row))
                    .collect(),
            );
        }
    }
    view.total = view.page.number(&total);
    view.pager = view.pager.with_total(total);
    let mut search: Map<String, Value> = Map::new();
    if !query.filters.is_empty() {
        search.insert(
            "filters".into(),
            Value::Object(
                query
                    .filters
                    .iter()
                    .map(|(k, v)| (k.clone(), v[0].clone()))
                    .collect(),
            ),
        );
    }
    let mut q_param = String::new();
    if let Some(TextQuery::Columns(per_column)) = &query.q {
        q_param = Value::Object(
            per_column
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
        .to_string();
    } else if !q.is_empty() {
        q_param = q.clone();
    }
    let mut extra = url::form_urlencoded::Serializer::new(String::new());
    if let Some(f) = search.get("filters") {
        extra.append_pair("filters", &f.to_string());
    }
    if !q_param.is_empty() {
        extra.append_pair("q", &q_param);
    }
    let extra = extra.finish();
    view.downloads = ["csv", "tsv", "json", "parquet"]
        .into_iter()
        .map(|f| {
            let label = match f {
                "csv" => "CSV",
                "tsv" => "TSV",
                "json" => "JSON",
                _ => "Parquet",
            };
            let sep = if extra.is_empty() { "" } else { "&" };
            (
                label,
                format!("/datastore/dump/{}?format={f}{sep}{extra}", r.id),
            )
        })
        .collect();
    render(&view)
}
