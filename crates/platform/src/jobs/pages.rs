//! The administration pages of the job queue (routed in `admin::pages`).

use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use crate::Platform;
use crate::error::{Error, Result};
use crate::web::{Admin, CsrfForm, Page, Pager, render, see_other};

use super::*;

#[derive(askama::Template)]
#[template(path = "admin/jobs.html")]
pub(super) struct JobsPage {
    page: Page,
    filter: JobFilter,
    states: [JobState; 5],
    counts: Vec<(JobState, i64)>,
    jobs: Vec<Job>,
    pager: Pager,
}

impl JobsPage {
    fn state_href(&self, state: &JobState) -> String {
        format!("{}?state={}", self.page.url("/admin/jobs"), state.as_str())
    }
}

pub(crate) async fn admin_list(
    platform: Platform,
    page: Page,
    _: Admin,
    Query(filter): Query<JobFilter>,
) -> Result<Response> {
    let page = page.titled("admin-jobs-title");
    let page = page
        .clone()
        .crumb(page.t("admin-title"), "/admin")
        .crumb(page.title.clone(), "/admin/jobs");
    let pager = Pager::new(&page, 50);
    let counts = update_metrics(&platform.db).await?;
    let (jobs, total) = list(&platform.db, &filter, pager.per_page, pager.offset()).await?;
    render(&JobsPage {
        page,
        filter,
        states: JobState::ALL,
        counts,
        jobs,
        pager: pager.with_total(total),
    })
}

#[derive(askama::Template)]
#[template(path = "admin/job.html")]
pub(super) struct JobPage {
    page: Page,
    job: Job,
}

pub(crate) async fn admin_detail(
    platform: Platform,
    page: Page,
    _: Admin,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let job = get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    let page = page
        .clone()
        .with_title(page.t1("jobs-detail-title", "kind", &job.kind));
    let page = page
        .clone()
        .crumb(page.t("admin-title"), "/admin")
        .crumb(page.t("admin-jobs-title"), "/admin/jobs")
        .crumb(page.title.clone(), &format!("/admin/jobs/{id}"));
    render(&JobPage { page, job })
}

#[derive(Deserialize)]
pub(crate) struct NoFields {}

pub(crate) async fn admin_retry(
    platform: Platform,
    page: Page,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response> {
    let actor = admin.actor();
    platform
        .db
        .write(async |tx| retry(tx, &actor, id).await)
        .await?;
    Ok(back_to_job(&page, id, "notice-job-retried"))
}

pub(crate) async fn admin_cancel(
    platform: Platform,
    page: Page,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response> {
    let actor = admin.actor();
    platform
        .db
        .write(async |tx| cancel(tx, &actor, id).await)
        .await?;
    Ok(back_to_job(&page, id, "notice-job-cancelled"))
}

/// To the job's page, with `notice` shown.
fn back_to_job(page: &Page, id: Uuid, notice: &str) -> Response {
    see_other(&format!(
        "{}?notice={notice}",
        page.url(&format!("/admin/jobs/{id}"))
    ))
}
