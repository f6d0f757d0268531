//! The open data home page, the charter dashboard, and the administrators' targets form.

use std::collections::HashMap;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

use platform::forms::FieldLabels;
use platform::web::{Admin, CsrfForm, FormErrors, render_status, see_other};
use platform::{Bilingual, Error, Page, Platform, Result};

use super::chart::{self, Chart};
use super::targets::{self, NewTarget, TargetProgress};
use super::{Inventory, Planned, percent};
use crate::forms::{OrgChoice, organization_choices, parse_date, today};
use crate::model::{AccessLevel, DATASET_COLUMNS, DatasetRow};
use crate::pages::label;
use crate::requests::pages::RequestView;

pub fn routes() -> Router {
    Router::new()
        .route("/data", get(home))
        .route("/data/dashboard", get(dashboard))
        .route(
            "/data/dashboard/targets",
            get(targets_form).post(add_target),
        )
        .route("/data/dashboard/targets/{id}/delete", post(delete_target))
}

/// An access level with its count, linking to the search that lists them.
pub struct LevelView {
    pub level: &'static str,
    pub label: String,
    pub count: i64,
    /// Its share of the inventory, as text ("30 %").
    pub percent: String,
}

pub fn percent_text(page: &Page, n: i64) -> String {
    page.t1("catalogue-percent", "n", n)
}

fn level_views(page: &Page, inv: &Inventory) -> Vec<LevelView> {
    AccessLevel::CODES
        .iter()
        .enumerate()
        .map(|(i, level)| LevelView {
            level,
            label: label(page.lang, "access-level", level),
            count: inv.levels[i],
            percent: percent_text(page, percent(inv.levels[i], inv.total)),
        })
        .collect()
}

pub struct NewestView {
    pub name: String,
    pub title: String,
    pub foreign_lang: Option<&'static str>,
    pub organization: String,
    pub access_level: String,
    pub access_label: String,
    pub created: String,
}

/// The most recently added public holdings.
async fn newest(platform: &Platform, limit: i64) -> Result<Vec<DatasetRow>> {
    let sql = format!(
        "SELECT {DATASET_COLUMNS} FROM datasets WHERE state = 'active' AND private = FALSE ORDER BY metadata_created DESC, id DESC LIMIT $1"
    );
    Ok(platform::read!(&platform.db, |c| sqlx::query_as::<
        _,
        DatasetRow,
    >(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(limit)
    .fetch_all(&mut *c)
    .await?))
}

fn org_titles(orgs: &[OrgChoice]) -> HashMap<Uuid, String> {
    orgs.iter().map(|o| (o.id, o.title.clone())).collect()
}

#[derive(askama::Template)]
#[template(path = "catalogue/dashboard/home.html")]
struct HomePage {
    page: Page,
    total: i64,
    levels: Vec<LevelView>,
    newest: Vec<NewestView>,
    requests: Vec<RequestView>,
}

async fn home(platform: Platform, page: Page) -> Result<Response> {
    let page = page.titled("nav-data");
    let page = {
        let title = page.title.clone();
        page.crumb(title, "/data")
    };
    let inv = super::inventory(&platform.db).await?;
    let orgs = organization_choices(&platform, page.lang).await?;
    let titles = org_titles(&orgs);
    let newest = newest(&platform, 6)
        .await?
        .into_iter()
        .map(|d| {
            let title = Bilingual::new(&d.title_en, &d.title_fr);
            NewestView {
                title: title.get(page.lang).to_string(),
                foreign_lang: title.missing(page.lang).then(|| page.lang.other().code()),
                organization: titles.get(&d.organization_id).cloned().unwrap_or_default(),
                access_label: label(page.lang, "access-level", d.access_level.as_str()),
                created: page.date(&d.metadata_created),
                access_level: d.access_level.to_string(),
                name: d.name,
            }
        })
        .collect();
    let (top, _) =
        crate::requests::list(&platform.db, &crate::requests::Filter::default(), 5, 0).await?;
    let requests = top
        .into_iter()
        .map(|r| RequestView::new(r, &page, &orgs))
        .collect();
    render_status(
        StatusCode::OK,
        &HomePage {
            total: inv.total,
            levels: level_views(&page, &inv),
            newest,
            requests,
            page,
        },
    )
}

pub struct OrgRow {
    pub slug: String,
    pub title: String,
    pub levels: [i64; 4],
    pub total: i64,
    pub open_percent: String,
}

pub struct ExemptionRow {
    pub label: String,
    pub levels: [i64; 4],
    pub total: i64,
}

pub struct PlannedView {
    pub name: String,
    pub title: String,
    pub foreign_lang: Option<&'static str>,
    pub organization: String,
    pub date: String,
}

pub struct TargetView {
    pub p: TargetProgress,
    /// "2,000 datasets open by March 31, 2027"
    pub sentence: String,
    pub scope: String,
    pub state: String,
    pub percent: String,
}

pub struct PointRow {
    pub label: String,
    pub levels: [i64; 4],
}

#[derive(askama::Template)]
#[template(path = "catalogue/dashboard/dashboard.html")]
struct DashboardPage {
    page: Page,
    total: i64,
    levels: Vec<LevelView>,
    level_labels: Vec<String>,
    exemptions: Vec<ExemptionRow>,
    organizations: Vec<OrgRow>,
    overdue: Vec<PlannedView>,
    upcoming: Vec<PlannedView>,
    chart: Option<Chart>,
    points: Vec<PointRow>,
    targets: Vec<TargetView>,
    measure_text: String,
    is_admin: bool,
}

fn planned_views(
    page: &Page,
    list: Vec<Planned>,
    titles: &HashMap<Uuid, String>,
) -> Vec<PlannedView> {
    list.into_iter()
        .map(|p| PlannedView {
            title: Bilingual::new(&p.title_en, &p.title_fr)
                .get(page.lang)
                .to_string(),
            foreign_lang: Bilingual::new(&p.title_en, &p.title_fr)
                .missing(page.lang)
                .then(|| page.lang.other().code()),
            organization: titles.get(&p.organization_id).cloned().unwrap_or_default(),
            date: page.lang.date(p.planned_open_date),
            name: p.name,
        })
        .collect()
}

fn target_views(
    page: &Page,
    list: Vec<TargetProgress>,
    titles: &HashMap<Uuid, String>,
) -> Vec<TargetView> {
    list.into_iter()
        .map(|p| TargetView {
            scope: match p.target.organization_id {
                Some(o) => titles.get(&o).cloned().unwrap_or_default(),
                None => page.t("catalogue-target-overall"),
            },
            sentence: page.lang.t_args(
                "catalogue-target-sentence",
                &[
                    ("count", page.number(&p.target.open_count)),
                    ("date", page.lang.date(p.target.due_date)),
                ],
            ),
            state: page.t(p.state.key()),
            percent: percent_text(page, p.percent),
            p,
        })
        .collect()
}

async fn dashboard(platform: Platform, page: Page) -> Result<Response> {
    let data = page.t("nav-data");
    let page = page
        .titled("catalogue-dashboard-title")
        .crumb(data, "/data");
    let page = {
        let title = page.title.clone();
        page.crumb(title, "/data/dashboard")
    };
    let today = today();
    let inv = super::inventory(&platform.db).await?;
    let orgs = organization_choices(&platform, page.lang).await?;
    let titles = org_titles(&orgs);
    let slugs: HashMap<Uuid, String> = orgs.iter().map(|o| (o.id, o.slug.clone())).collect();
    let (overdue, upcoming) = super::schedule(&platform.db, today).await?;
    let changes = super::changes(&platform.db).await?;
    let (step, points) = super::progress(&changes, today);
    let chart = (!points.is_empty()).then(|| chart::draw(page.lang, step, &points));
    let last = points.len().saturating_sub(1);
    let point_rows = points
        .iter()
        .enumerate()
        .map(|(i, p)| PointRow {
            label: chart::point_label(page.lang, step, p, i == last),
            levels: p.levels,
        })
        .collect();
    let targets = targets::progress(targets::list(&platform.db).await?, &changes, today);
    let measure = crate::requests::top_measure(&platform.db).await?;
    let mut organizations: Vec<OrgRow> = inv
        .organizations
        .iter()
        .map(|o| OrgRow {
            slug: slugs.get(&o.organization_id).cloned().unwrap_or_default(),
            title: titles.get(&o.organization_id).cloned().unwrap_or_default(),
            levels: o.levels,
            total: o.total,
            open_percent: percent_text(&page, percent(o.levels[0], o.total)),
        })
        .collect();
    organizations.sort_by_key(|o| o.title.to_lowercase());
    let exemptions = inv
        .exemptions
        .iter()
        .map(|e| ExemptionRow {
            label: label(page.lang, "exemption", &e.exemption),
            levels: e.levels,
            total: e.levels.iter().sum(),
        })
        .filter(|r| r.total > 0)
        .collect();
    render_status(
        StatusCode::OK,
        &DashboardPage {
            total: inv.total,
            levels: level_views(&page, &inv),
            level_labels: AccessLevel::CODES
                .iter()
                .map(|l| label(page.lang, "access-level", l))
                .collect(),
            exemptions,
            organizations,
            overdue: planned_views(&page, overdue, &titles),
            upcoming: planned_views(&page, upcoming, &titles),
            chart,
            points: point_rows,
            targets: target_views(&page, targets, &titles),
            measure_text: page.lang.t_args(
                "catalogue-dashboard-top-requests",
                &[
                    ("released", measure.released.to_string()),
                    ("of", measure.of.to_string()),
                ],
            ),
            is_admin: page.user.as_ref().is_some_and(|u| u.is_admin()),
            page,
        },
    )
}

#[derive(Default, Deserialize)]
struct TargetForm {
    #[serde(default)]
    organization: String,
    #[serde(default)]
    open_count: String,
    #[serde(default)]
    due_date: String,
}

#[derive(askama::Template)]
#[template(path = "catalogue/dashboard/targets.html")]
struct TargetsPage {
    page: Page,
    targets: Vec<TargetView>,
    orgs: Vec<OrgChoice>,
    form: TargetForm,
    errors: FormErrors,
}

async fn targets_page(
    platform: &Platform,
    page: Page,
    form: TargetForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let data = page.t("nav-data");
    let dashboard = page.t("catalogue-dashboard-title");
    let page = page
        .titled("catalogue-targets-title")
        .crumb(data, "/data")
        .crumb(dashboard, "/data/dashboard");
    let page = {
        let title = page.title.clone();
        page.crumb(title, "/data/dashboard/targets")
    };
    let orgs = organization_choices(platform, page.lang).await?;
    let titles = org_titles(&orgs);
    let changes = super::changes(&platform.db).await?;
    let targets = targets::progress(targets::list(&platform.db).await?, &changes, today());
    render_status(
        status,
        &TargetsPage {
            targets: target_views(&page, targets, &titles),
            orgs,
            form,
            errors,
            page,
        },
    )
}

async fn targets_form(platform: Platform, page: Page, Admin(_): Admin) -> Result<Response> {
    targets_page(
        &platform,
        page,
        TargetForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn add_target(
    platform: Platform,
    page: Page,
    Admin(user): Admin,
    CsrfForm(form): CsrfForm<TargetForm>,
) -> Result<Response> {
    let count = form.open_count.trim();
    let date = form.due_date.trim();
    let mut errors = Vec::new();
    let open_count = match count.parse::<i64>() {
        Ok(n) => n,
        Err(_) if count.is_empty() => {
            errors.push(platform::FieldError::new("open_count", "error-required"));
            0
        }
        Err(_) => {
            errors.push(platform::FieldError::new(
                "open_count",
                "error-not-a-number",
            ));
            0
        }
    };
    let due_date = parse_date(date);
    if due_date.is_none() && !date.is_empty() {
        errors.push(platform::FieldError::new(
            "due_date",
            "catalogue-request-error-date-format",
        ));
    }
    let new = NewTarget {
        organization: form.organization.clone(),
        open_count,
        due_date,
    };
    let outcome = if errors.is_empty() {
        targets::create(&platform.db, &user.actor(), &new).await
    } else {
        // The fields that did parse are checked too, so that every problem shows at once.
        let (_, more) = targets::check(&platform.db, &new).await?;
        let reported: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
        errors.extend(more.into_iter().filter(|e| !reported.contains(&e.field)));
        Err(Error::Validation(errors))
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "{}?notice=notice-catalogue-target-added",
            page.url("/data/dashboard/targets")
        ))),
        Err(e @ Error::Validation(_)) => {
            let labels = [
                ("organization", "catalogue-target-scope"),
                ("open_count", "catalogue-target-count"),
                ("due_date", "catalogue-target-due"),
            ];
            let errors = FieldLabels::keys(&page, &labels).errors(&page, &e);
            targets_page(
                &platform,
                page,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn delete_target(
    platform: Platform,
    page: Page,
    Admin(user): Admin,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> Result<Response> {
    let id = Uuid::parse_str(&id).map_err(|_| Error::NotFound)?;
    targets::delete(&platform.db, &user.actor(), id).await?;
    Ok(see_other(&format!(
        "{}?notice=notice-catalogue-target-removed",
        page.url("/data/dashboard/targets")
    )))
}
