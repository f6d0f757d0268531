//! The catalogue's pages: search with facets, a dataset with its access box and resources,
//! organizations, and file downloads.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

use platform::search::{SearchQuery, Sort};
use platform::web::{Pager, RequestContext, render};
use platform::{Bilingual, Error, Lang, Page, Platform, Result};

use crate::model::*;
use crate::store::{self, Lookup};

pub fn pages(extension: Option<std::sync::Arc<dyn crate::ckan::CkanExtension>>) -> Router {
    Router::new()
        .route("/dataset", get(search_page))
        .route("/dataset/{name}", get(dataset_page))
        .route("/organization", get(organizations_page))
        .route("/organization/{slug}", get(organization_page))
        .merge(crate::editor::routes(extension))
}

/// File downloads, outside the language prefix (their URLs appear in the API).
pub fn downloads() -> Router {
    Router::new().route(
        "/dataset/{dataset}/resource/{resource}/download/{filename}",
        get(download),
    )
}

/// The label of a vocabulary value, e.g. `access_level` / `under_review`.
pub fn label(lang: Lang, vocabulary: &str, value: &str) -> String {
    let key = format!("catalogue-{vocabulary}-{}", value.replace('_', "-"));
    if platform::i18n::has_key(&key) {
        lang.t(&key)
    } else {
        value.to_string()
    }
}

/// A dataset as a page shows it.
pub struct DatasetView {
    pub d: Dataset,
    pub title: String,
    pub title_missing: bool,
    pub notes_html: String,
    pub rationale_html: String,
    pub licence_title: String,
    pub licence_url: String,
    pub licence_open: bool,
    pub organization_title: String,
    pub keywords: Vec<String>,
    pub resources: Vec<ResourceView>,
    pub json_ld: String,
    pub access_label: String,
    pub exemption_label: String,
    pub frequency_label: String,
    pub planned: Option<String>,
    pub current_as_of: Option<String>,
    pub opened: Option<String>,
}

pub struct HistoryRow {
    pub when: String,
    pub access: String,
    pub exemption: String,
    /// The release date planned then, for data to be opened.
    pub planned: Option<String>,
}

pub struct ResourceView {
    pub id: Uuid,
    pub name: String,
    pub format: String,
    pub size: String,
    pub language: String,
    pub url: String,
    pub description: String,
    /// The data page (preview, filters, downloads) of a resource with a datastore table.
    pub data_path: Option<String>,
}

impl DatasetView {
    pub fn new(d: Dataset, lang: Lang, base_url: &str) -> DatasetView {
        let r = &d.row;
        let title = r.title();
        let licence = licence(&r.license_id);
        let rationale = Bilingual::new(&r.exemption_rationale_en, &r.exemption_rationale_fr);
        let resources = d
            .resources
            .iter()
            .map(|res| ResourceView {
                id: res.id,
                name: if res.name().get(lang).is_empty() {
                    res.format.clone()
                } else {
                    res.name().get(lang).to_string()
                },
                format: res.format.clone(),
                size: res
                    .size
                    .map(|s| platform::i18n::human_bytes(s as u64))
                    .unwrap_or_default(),
                language: label(lang, "language", &res.language),
                url: crate::ckan::resource_url(res, base_url),
                data_path: res
                    .datastore_active
                    .then(|| format!("/dataset/{}/resource/{}/data", r.name, res.id)),
                description: Bilingual::new(&res.description_en, &res.description_fr)
                    .get(lang)
                    .to_string(),
            })
            .collect();
        let keywords = match lang {
            Lang::Fr if !d.keywords_fr.is_empty() => d.keywords_fr.clone(),
            _ => d.keywords_en.clone(),
        };
        let json_ld = crate::standards::schema_org(&d, base_url, lang);
        DatasetView {
            access_label: label(lang, "access-level", r.access_level.as_str()),
            exemption_label: label(lang, "exemption", r.exemption.as_str()),
            frequency_label: label(lang, "frequency", &r.update_frequency),
            planned: r.planned_open_date.map(|d| lang.date(d)),
            current_as_of: r.current_as_of.map(|d| lang.date(d)),
            opened: r.opened_date.map(|d| lang.date(d)),
            title: title.get(lang).to_string(),
            title_missing: title.missing(lang),
            notes_html: platform::markdown::render(r.notes().get(lang)),
            rationale_html: platform::markdown::render(rationale.get(lang)),
            licence_title: licence
                .map(|l| l.title(lang).to_string())
                .unwrap_or_else(|| r.license_id.clone()),
            licence_url: licence.map(|l| l.url.to_string()).unwrap_or_default(),
            licence_open: licence.is_some_and(|l| l.open),
            organization_title: d.organization.title().get(lang).to_string(),
            keywords,
            resources,
            json_ld,
            d,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "catalogue/dataset.html")]
struct DatasetPage {
    page: Page,
    v: DatasetView,
    history: Vec<HistoryRow>,
    /// Whether the visitor edits for the dataset's organization.
    can_edit: bool,
    /// Whether the visitor may have the data: not when it is not open, unless they edit for it.
    can_have_data: bool,
}

async fn dataset_page(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    Path(name): Path<String>,
) -> Result<Response> {
    let d = match store::lookup(&platform.db, &name).await? {
        Lookup::Found(d) => *d,
        Lookup::Renamed(current) => {
            return Ok(
                Redirect::permanent(&page.url(&format!("/dataset/{current}"))).into_response(),
            );
        }
        Lookup::Missing => return Err(Error::NotFound),
    };
    if d.row.state == State::Deleted || !crate::ckan::can_read(ctx.user.as_ref(), &d.row) {
        return Err(Error::NotFound);
    }
    let history = store::access_history(&platform.db, d.row.id)
        .await?
        .iter()
        .map(|h| HistoryRow {
            when: page.date(&h.at),
            access: label(page.lang, "access-level", h.access_level.as_str()),
            exemption: label(page.lang, "exemption", h.exemption.as_str()),
            planned: h.planned_open_date.map(|d| page.lang.date(d)),
        })
        .collect();
    let can_edit = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.can_edit_for(d.row.organization_id));
    let can_have_data = crate::ckan::can_read_data(ctx.user.as_ref(), &d.row);
    let v = DatasetView::new(d, page.lang, &platform.settings.base_url());
    let datasets = page.t("catalogue-datasets");
    let page = page.with_title(v.title.clone()).crumb(datasets, "/dataset");
    let page = page
        .clone()
        .crumb(v.title.clone(), &format!("/dataset/{}", v.d.row.name));
    render(&DatasetPage {
        page,
        v,
        history,
        can_edit,
        can_have_data,
    })
}

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    organization: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    res_format: Vec<String>,
    #[serde(default)]
    license_id: Vec<String>,
    #[serde(default)]
    access_level: Vec<String>,
    #[serde(default)]
    update_frequency: Vec<String>,
    #[serde(default)]
    sort: String,
}

pub struct FacetView {
    pub name: &'static str,
    pub title: String,
    pub values: Vec<FacetItem>,
}

pub struct FacetItem {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
    /// The search with this value toggled.
    pub href: String,
}

pub struct Hit {
    pub name: String,
    /// Set when the title is shown in the other language.
    pub title_lang: Option<&'static str>,
    pub title_html: String,
    pub body_html: String,
    pub organization: String,
    pub access_level: String,
    pub access_label: String,
    pub formats: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "catalogue/search.html")]
struct SearchPage {
    page: Page,
    q: String,
    sort: String,
    total: u64,
    hits: Vec<Hit>,
    facets: Vec<FacetView>,
    pager: Pager,
    /// Whether the default "open only" filter is in force.
    open_only_default: bool,
    all_levels_href: String,
    /// Whether the visitor may add datasets.
    can_add: bool,
}

const PAGE_FACETS: [&str; 6] = [
    "access_level",
    "organization",
    "tags",
    "res_format",
    "license_id",
    "update_frequency",
];

fn selected<'a>(p: &'a SearchParams, facet: &str) -> &'a Vec<String> {
    match facet {
        "organization" => &p.organization,
        "tags" => &p.tags,
        "res_format" => &p.res_format,
        "license_id" => &p.license_id,
        "access_level" => &p.access_level,
        _ => &p.update_frequency,
    }
}

async fn search_page(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    axum_extra::extract::Query(params): axum_extra::extract::Query<SearchParams>,
) -> Result<Response> {
    let page = page.titled("catalogue-datasets").crumb("", "/dataset");
    let mut page = page;
    if let Some(c) = page.crumbs.last_mut() {
        c.label = page.title.clone();
    }
    let raw_query = ctx.query.clone().unwrap_or_default();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .filter(|(k, _)| k != "page")
        .collect();
    // Open data by default; the inventory's other holdings are one click away.
    let any_level = pairs.iter().any(|(k, _)| k == "access_level");
    let open_only_default = !any_level;
    let mut filters: Vec<(String, Vec<String>)> = Vec::new();
    for facet in PAGE_FACETS {
        let values = selected(&params, facet);
        let all_levels = facet == "access_level" && values.iter().any(|v| v == "all");
        if !values.is_empty() && !all_levels {
            filters.push((facet.to_string(), values.clone()));
        }
    }
    if open_only_default {
        filters.push(("access_level".into(), vec!["open".into()]));
    }
    let pager = Pager::new(&page, 20);
    let sort = match params.sort.as_str() {
        "newest" => Sort::DateDesc,
        "title" => Sort::TitleAsc,
        _ => Sort::Relevance,
    };
    let include_private_for = ctx.user.as_ref().map(|u| {
        if u.is_admin() {
            vec![platform::search::ALL_PRIVATE.to_string()]
        } else {
            u.editor_organizations()
                .iter()
                .map(|o| o.to_string())
                .collect()
        }
    });
    let query = SearchQuery {
        text: params.q.clone(),
        lang: page.lang,
        kinds: vec![crate::search::KIND.into()],
        filters,
        exclude: vec![("state".into(), "draft".into())],
        facets: PAGE_FACETS.iter().map(|s| s.to_string()).collect(),
        facet_limit: Some(12),
        sort,
        offset: pager.offset() as usize,
        limit: pager.per_page as usize,
        include_private_for,
        ..Default::default()
    };
    let results = platform.search.query(&query)?;
    let ids: Vec<Uuid> = results
        .hits
        .iter()
        .filter_map(|h| Uuid::parse_str(&h.id).ok())
        .collect();
    let datasets = store::load_ids(&platform.db, &ids).await?;
    let hits = results
        .hits
        .iter()
        .filter_map(|h| {
            let d = datasets.iter().find(|d| d.row.id.to_string() == h.id)?;
            let mut formats: Vec<String> = d
                .resources
                .iter()
                .map(|r| r.format.clone())
                .filter(|f| !f.is_empty())
                .collect();
            formats.sort();
            formats.dedup();
            // Without a description the passage would only repeat the organization.
            let has_text = !d.row.notes_en.trim().is_empty()
                || !d.row.notes_fr.trim().is_empty()
                || !params.q.trim().is_empty();
            Some(Hit {
                name: d.row.name.clone(),
                title_lang: (h.title_lang != page.lang).then(|| h.title_lang.code()),
                title_html: h.title_html.clone(),
                body_html: if has_text {
                    h.body_html.clone()
                } else {
                    String::new()
                },
                organization: d.organization.title().get(page.lang).to_string(),
                access_level: d.row.access_level.to_string(),
                access_label: label(page.lang, "access-level", d.row.access_level.as_str()),
                formats,
            })
        })
        .collect();
    let orgs: std::collections::HashMap<String, Bilingual> = platform::orgs::list(&platform.db)
        .await?
        .into_iter()
        .map(|o| (o.slug.clone(), o.title()))
        .collect();
    let base = page.url("/dataset");
    let toggle = |facet: &str, value: &str, on: bool| -> String {
        let mut kept: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, v)| !(k == facet && v == value))
            .cloned()
            .collect();
        if !on {
            kept.push((facet.to_string(), value.to_string()));
        }
        if facet == "access_level" {
            kept.retain(|(k, v)| !(k == "access_level" && v == "all"));
            if on && !kept.iter().any(|(k, _)| k == "access_level") {
                kept.push(("access_level".into(), "all".into()));
            }
        }
        let q = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&kept)
            .finish();
        if q.is_empty() {
            base.clone()
        } else {
            format!("{base}?{q}")
        }
    };
    let facets = PAGE_FACETS
        .iter()
        .map(|name| {
            let chosen = selected(&params, name);
            let values = results
                .facet(name)
                .map(|f| {
                    f.values
                        .iter()
                        .map(|v| {
                            let is_selected = chosen.contains(&v.value)
                                || (*name == "access_level"
                                    && open_only_default
                                    && v.value == "open");
                            FacetItem {
                                label: match *name {
                                    "organization" => orgs
                                        .get(&v.value)
                                        .map(|t| t.get(page.lang).to_string())
                                        .unwrap_or_else(|| v.value.clone()),
                                    "access_level" => label(page.lang, "access-level", &v.value),
                                    "update_frequency" => label(page.lang, "frequency", &v.value),
                                    "license_id" => licence(&v.value)
                                        .map(|l| l.title(page.lang).to_string())
                                        .unwrap_or_else(|| v.value.clone()),
                                    _ => v.value.clone(),
                                },
                                href: toggle(name, &v.value, is_selected),
                                value: v.value.clone(),
                                count: v.count,
                                selected: is_selected,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            FacetView {
                name,
                title: page.t(&format!("catalogue-facet-{}", name.replace('_', "-"))),
                values,
            }
        })
        .collect();
    let all_levels_href = {
        let mut kept: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "access_level")
            .cloned()
            .collect();
        kept.push(("access_level".into(), "all".into()));
        format!(
            "{base}?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&kept)
                .finish()
        )
    };
    let pager = pager.with_total(results.total as i64);
    render(&SearchPage {
        q: params.q,
        sort: params.sort,
        total: results.total,
        hits,
        facets,
        pager,
        open_only_default,
        all_levels_href,
        can_add: crate::editor::can_add(ctx.user.as_ref()),
        page,
    })
}

pub struct OrgView {
    pub slug: String,
    pub title: String,
    pub count: i64,
}

#[derive(askama::Template)]
#[template(path = "catalogue/organizations.html")]
struct OrganizationsPage {
    page: Page,
    orgs: Vec<OrgView>,
}

async fn organizations_page(platform: Platform, page: Page) -> Result<Response> {
    let page = page.titled("catalogue-organizations");
    let page = page.clone().crumb(page.title.clone(), "/organization");
    let counts = store::counts_by_organization(&platform.db).await?;
    let mut orgs: Vec<OrgView> = platform::orgs::list(&platform.db)
        .await?
        .into_iter()
        .map(|o| OrgView {
            count: *counts.get(&o.id).unwrap_or(&0),
            title: o.title().get(page.lang).to_string(),
            slug: o.slug,
        })
        .collect();
    orgs.sort_by_key(|a| a.title.to_lowercase());
    render(&OrganizationsPage { page, orgs })
}

async fn organization_page(
    platform: Platform,
    page: Page,
    Path(slug): Path<String>,
) -> Result<Response> {
    let org = platform::orgs::find_by_slug(&platform.db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Redirect::to(&format!(
        "{}?organization={}&access_level=all",
        page.url("/dataset"),
        org.slug
    ))
    .into_response())
}

async fn download(
    platform: Platform,
    ctx: RequestContext,
    Path((dataset, resource, _filename)): Path<(Uuid, Uuid, String)>,
) -> Result<Response> {
    let r = store::resource(&platform.db, resource)
        .await?
        .filter(|r| r.dataset_id == dataset)
        .ok_or(Error::NotFound)?;
    let d = store::dataset_row(&platform.db, &dataset.to_string())
        .await?
        .ok_or(Error::NotFound)?;
    if d.state == State::Deleted || !crate::ckan::can_read(ctx.user.as_ref(), &d) {
        return Err(Error::NotFound);
    }
    if !crate::ckan::can_read_data(ctx.user.as_ref(), &d) {
        return Err(Error::forbidden("catalogue-error-data-not-open"));
    }
    let Some(key) = &r.file_key else {
        return Ok(Redirect::to(&r.url).into_response());
    };
    // Streamed from the store, never read whole into memory.
    let (size, chunks) = platform.files.get_stream(key).await?;
    let filename = key.rsplit('/').next().unwrap_or("file");
    let mut res = (StatusCode::OK, axum::body::Body::from_stream(chunks)).into_response();
    res.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    let mime = if r.mimetype.is_empty() {
        "application/octet-stream"
    } else {
        r.mimetype.as_str()
    };
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
