//! The area's HTML pages. Every page works without JavaScript, in English and French.

mod consultation_edit;
mod directory;
mod ideas;
mod process;
mod process_edit;
mod staff;
mod vote;

use axum::Router;
use axum::routing::{get, post};
use platform::Page;
use serde::de::DeserializeOwned;

pub fn router() -> Router {
    Router::new()
        .route("/consultations", get(directory::directory))
        .route("/consultations/closing-soon", get(directory::closing_soon))
        .route("/consultations/feed.atom", get(directory::feed))
        .route("/consultations/{slug}", get(directory::consultation))
        .route(
            "/consultations/{slug}/results",
            get(directory::results_form).post(directory::publish_results),
        )
        .merge(consultation_routes())
        .route("/processes", get(process::processes))
        .route("/processes/{slug}", get(process::process))
        .route(
            "/processes/{slug}/edit",
            get(process_edit::edit_form).post(process_edit::edit),
        )
        .route(
            "/dialogue/processes/new",
            get(process_edit::new_form).post(process_edit::create),
        )
        .route("/processes/{slug}/ideas", get(process::ideas))
        .route(
            "/processes/{slug}/ideas/new",
            get(ideas::new_form).post(ideas::submit),
        )
        .route("/processes/{slug}/vote", get(vote::ballot).post(vote::cast))
        .route("/processes/{slug}/results", get(vote::results))
        .route("/processes/{slug}/data", get(process::data))
        .route("/receipts", get(vote::receipt))
        .route("/ideas/{id}", get(ideas::idea))
        .route("/ideas/{id}/comments", post(ideas::comment))
        .route("/comments/{id}/edit", post(ideas::edit_comment))
        .route("/ideas/{id}/follow", post(ideas::follow))
        .route("/ideas/{id}/objection", post(ideas::object))
        .route("/report", post(ideas::report))
        .route(
            "/ideas/{id}/assess",
            get(staff::assess_form).post(staff::assess),
        )
        .route("/ideas/{id}/rewrite", post(staff::rewrite))
        .route("/ideas/{id}/notes", post(staff::note))
        .route("/dialogue/assessment", get(staff::queue))
        .route(
            "/dialogue/moderation",
            get(staff::moderation).post(staff::moderate),
        )
}

/// Staff's pages for running a consultation's entry, and subscribing to its results.
fn consultation_routes() -> Router {
    use consultation_edit as edit;
    Router::new()
        .route("/consultations/new", get(edit::new_form).post(edit::create))
        .route(
            "/consultations/{slug}/edit",
            get(edit::edit_form).post(edit::save),
        )
        .route("/consultations/{slug}/publish", post(edit::publish))
        .route("/consultations/{slug}/close", post(edit::close))
        .route(
            "/consultations/{slug}/reopen",
            get(edit::reopen_form).post(edit::reopen),
        )
        .route(
            "/consultations/{slug}/delete",
            get(edit::delete_form).post(edit::delete),
        )
        .route("/consultations/{slug}/subscribe", post(edit::subscribe))
        .route(
            "/consultations/{slug}/attachments",
            platform::body::large_body(post(edit::attach)),
        )
        .route(
            "/consultations/{slug}/attachments/{id}",
            get(edit::download),
        )
        .route(
            "/consultations/{slug}/attachments/{id}/delete",
            post(edit::detach),
        )
        .route("/dialogue/consultations", get(edit::staff_list))
}

/// The page's query string as `T`, keeping the first of repeated keys and ignoring what does not
/// parse, so that a hand-edited URL never fails the page.
pub(crate) fn query<T: DeserializeOwned + Default>(page: &Page) -> T {
    let Some(q) = page.query.as_deref() else {
        return T::default();
    };
    let mut seen: Vec<(String, String)> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(q.as_bytes()).into_owned() {
        if !seen.iter().any(|(key, _)| *key == k) {
            seen.push((k, v));
        }
    }
    let clean = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(seen)
        .finish();
    serde_urlencoded::from_str(&clean).unwrap_or_default()
}

/// The last breadcrumb is the page itself, labelled with its title.
pub(crate) fn crumbs(page: Page, trail: &[(String, String)]) -> Page {
    let title = page.title.clone();
    let path = page.path.clone();
    let mut page = page;
    for (label, href) in trail {
        page = page.crumb(label.clone(), href);
    }
    page.crumb(title, &path)
}

/// Adds `Cache-Control: no-store` (pages that show a secret once, such as a receipt).
pub(crate) fn no_store(mut res: axum::response::Response) -> axum::response::Response {
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
}
