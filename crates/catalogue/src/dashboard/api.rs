//! The dashboard's figures as JSON (`/api/v1/catalogue/dashboard`) and the whole inventory as
//! CSV (`/data/inventory.csv`), streamed a batch at a time so that a large catalogue never sits
//! in memory.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures::StreamExt;
use serde::Serialize;
use uuid::Uuid;

use platform::orgs::Organization;
use platform::{Platform, Result};

use super::targets::{self, TargetProgress};
use super::{Inventory, Planned, ProgressPoint};
use crate::forms::today;
use crate::requests::TopMeasure;

pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/catalogue/dashboard", get(figures))
        .route("/data/inventory.csv", get(inventory_csv))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub inventory: Inventory,
    /// Holdings to be opened whose planned date has passed.
    pub overdue: Vec<Planned>,
    pub upcoming: Vec<Planned>,
    /// The inventory's access levels over time.
    pub progress: Vec<ProgressPoint>,
    pub targets: Vec<TargetProgress>,
    /// How many of the 25 most-voted data requests are released.
    pub top_requests: TopMeasure,
}

#[utoipa::path(
    get,
    path = "/api/v1/catalogue/dashboard",
    tag = "catalogue",
    responses((status = 200, description = "The Open Data Charter dashboard's figures", body = Dashboard))
)]
pub async fn figures(platform: Platform) -> Result<Json<Dashboard>> {
    let today = today();
    let changes = super::changes(&platform.db).await?;
    let (overdue, upcoming) = super::schedule(&platform.db, today).await?;
    Ok(Json(Dashboard {
        inventory: super::inventory(&platform.db).await?,
        overdue,
        upcoming,
        progress: super::progress(&changes, today).1,
        targets: targets::progress(targets::list(&platform.db).await?, &changes, today),
        top_requests: crate::requests::top_measure(&platform.db).await?,
    }))
}

const CSV_HEADER: [&str; 14] = [
    "name",
    "title_en",
    "title_fr",
    "organization",
    "organization_title_en",
    "organization_title_fr",
    "access_level",
    "exemption",
    "exemption_rationale_en",
    "exemption_rationale_fr",
    "planned_open_date",
    "opened_date",
    "metadata_modified",
    "url",
];

const BATCH: i64 = 1000;

fn csv_rows(
    rows: &[crate::model::DatasetRow],
    orgs: &HashMap<Uuid, Organization>,
    base_url: &str,
    header: bool,
) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    if header {
        w.write_record(CSV_HEADER)?;
    }
    for d in rows.iter().filter(|d| d.is_public()) {
        let org = orgs.get(&d.organization_id);
        let date = |x: Option<time::Date>| x.map(|x| x.to_string()).unwrap_or_default();
        w.write_record([
            d.name.as_str(),
            &d.title_en,
            &d.title_fr,
            org.map(|o| o.slug.as_str()).unwrap_or(""),
            org.map(|o| o.title_en.as_str()).unwrap_or(""),
            org.map(|o| o.title_fr.as_str()).unwrap_or(""),
            d.access_level.as_str(),
            d.exemption.as_str(),
            &d.exemption_rationale_en,
            &d.exemption_rationale_fr,
            &date(d.planned_open_date),
            &date(d.opened_date),
            &d.metadata_modified.date().to_string(),
            &format!("{base_url}/en/dataset/{}", d.name),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Every public holding, open or not, with its access level, exemption, rationale and dates.
#[utoipa::path(
    get,
    path = "/data/inventory.csv",
    tag = "catalogue",
    responses((status = 200, description = "CSV, one row per public holding", content_type = "text/csv"))
)]
pub async fn inventory_csv(platform: Platform) -> Result<Response> {
    let orgs: HashMap<Uuid, Organization> = platform::orgs::list(&platform.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let base_url = platform.settings.base_url();
    // State: the last id written, and whether the batches are done. Fused, because the
    // compression layer polls the body again after its end, which a bare `unfold` panics on.
    let stream =
        futures::stream::unfold((None::<Uuid>, false, true), move |(after, done, first)| {
            let platform = platform.clone();
            let orgs = orgs.clone();
            let base_url = base_url.clone();
            async move {
                if done {
                    return None;
                }
                let rows = match crate::store::rows_after(&platform.db, after, BATCH).await {
                    Ok(rows) => rows,
                    Err(e) => {
                        tracing::error!(error = %e, "inventory export stopped");
                        return Some((
                            Err(std::io::Error::other(e.to_string())),
                            (after, true, false),
                        ));
                    }
                };
                let last = rows.last().map(|r| r.id);
                let finished = (rows.len() as i64) < BATCH;
                let chunk = csv_rows(&rows, &orgs, &base_url, first)
                    .map(bytes::Bytes::from)
                    .map_err(std::io::Error::other);
                Some((chunk, (last.or(after), finished, false)))
            }
        })
        .fuse();
    let mut res = Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"inventory.csv\""),
    );
    Ok(res)
}
