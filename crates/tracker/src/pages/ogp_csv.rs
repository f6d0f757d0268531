//! The OGP commitments CSV: its export, and its import page for administrators.

use axum::extract::{Multipart, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use platform::web::{RequestContext, SignedIn, constant_time_eq, render, render_status};
use platform::{Error, Lang, Page, Platform, Result};
use serde::Deserialize;

use crate::ogp::{self, ImportReport};
use crate::store::{self};

use super::*;

#[derive(Deserialize, Default)]
pub(super) struct ExportQuery {
    #[serde(default)]
    plan: String,
}

pub(super) async fn export_csv(
    platform: Platform,
    page: Page,
    Query(q): Query<ExportQuery>,
) -> Result<Response> {
    let plan = q.plan.trim();
    if !plan.is_empty() && store::plan_by_slug(&platform.db, plan).await?.is_none() {
        return Err(Error::NotFound);
    }
    let csv = ogp::export(
        &platform.db,
        page.lang,
        (!plan.is_empty()).then_some(plan),
        &platform.settings.base_url(),
    )
    .await?;
    let name = if plan.is_empty() {
        format!("ogp-commitments-{}.csv", page.lang.code())
    } else {
        format!("ogp-commitments-{plan}-{}.csv", page.lang.code())
    };
    let mut res = csv.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[derive(askama::Template)]
#[template(path = "tracker/import.html")]
pub(super) struct ImportPage {
    page: Page,
    problems: Vec<String>,
    report: Option<ImportReport>,
    text_lang: String,
}

impl ImportPage {
    fn done_text(&self, r: &ImportReport) -> String {
        self.page.lang.t_args(
            "tracker-import-done",
            &[
                ("created", r.commitments_created.to_string()),
                ("updated", r.commitments_updated.to_string()),
            ],
        )
    }
}

pub(super) fn import_page(page: Page) -> Page {
    let page = page.titled("tracker-import-title");
    let title = page.title.clone();
    let tracker = page.t("tracker-title");
    page.crumb(tracker, "/tracker")
        .crumb(title, "/tracker/import")
}

pub(super) async fn import_form(page: Page, SignedIn(user): SignedIn) -> Result<Response> {
    require_admin(&user)?;
    let page = import_page(page);
    let text_lang = page.lang.code().to_string();
    render(&ImportPage {
        page,
        problems: Vec::new(),
        report: None,
        text_lang,
    })
}

/// Reads the upload: the CSRF token, the language of the text and the file.
pub(super) async fn read_upload(
    mut multipart: Multipart,
    csrf: &str,
    limit: usize,
) -> Result<(String, Vec<u8>)> {
    let mut token = String::new();
    let mut lang = String::new();
    let mut file = None;
    // The route takes uploads up to the upload limit; the file is parsed whole, so it is read
    // whole, and an import is an administrator's.
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge { limit }
        } else {
            Error::bad_request("error-form-invalid")
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(refused)?;
        match name.as_str() {
            "_csrf" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "text_lang" => lang = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    if csrf.is_empty() || !constant_time_eq(token.as_bytes(), csrf.as_bytes()) {
        return Err(Error::forbidden("error-csrf"));
    }
    Ok((lang, file.unwrap_or_default()))
}

pub(super) async fn import(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    SignedIn(user): SignedIn,
    multipart: Multipart,
) -> Result<Response> {
    require_admin(&user)?;
    let (text_lang, bytes) = read_upload(
        multipart,
        &ctx.csrf,
        platform.settings.limits.max_upload_bytes,
    )
    .await?;
    let page = import_page(page);
    let Some(lang) = Lang::from_code(&text_lang) else {
        let problems = vec![page.t("tracker-import-choose-language")];
        return refused(page, problems, text_lang);
    };
    if bytes.is_empty() {
        let problems = vec![page.t("tracker-import-no-file")];
        return refused(page, problems, text_lang);
    }
    let base = platform.settings.base_url();
    match ogp::import(&platform.db, &user.actor(), &bytes, lang, &base).await? {
        Ok(report) => render(&ImportPage {
            page,
            problems: Vec::new(),
            report: Some(report),
            text_lang,
        }),
        Err(e) => {
            let problems = e.describe(page.lang);
            refused(page, problems, text_lang)
        }
    }
}

/// The import page again with what is wrong with the upload, nothing imported.
fn refused(page: Page, problems: Vec<String>, text_lang: String) -> Result<Response> {
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ImportPage {
            page,
            problems,
            report: None,
            text_lang,
        },
    )
}
