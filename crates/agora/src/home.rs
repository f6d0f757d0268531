//! Assembles the site: the areas' pages and APIs on the platform, and the home page.

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use platform::web::{NavItem, render};
use platform::{Page, Platform, Result, server};

/// The main navigation, in order.
pub fn nav() -> Vec<NavItem> {
    let mut nav = vec![NavItem {
        label: "nav-home",
        path: "/",
    }];
    nav.extend(dialogue::nav());
    nav
}

pub async fn app(platform: &Platform) -> anyhow::Result<server::App> {
    let pages = Router::new().route("/", get(home)).merge(dialogue::pages());
    let api = Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .merge(dialogue::api());
    Ok(server::app(platform.clone(), pages, api))
}

/// The OpenAPI document of the native API: the platform's endpoints and every area's.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    platform::server::ApiDoc::openapi().merge_from(dialogue::openapi())
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

async fn home(page: Page) -> Result<Response> {
    render(&HomePage { page })
}

#[cfg(test)]
mod tests {
    /// The native API's contract is reviewed like code: a change to it shows in this snapshot.
    #[test]
    fn openapi_document() {
        let doc = serde_json::to_value(super::openapi()).unwrap();
        assert!(doc["paths"]["/api/v1/me"]["get"].is_object());
        insta::assert_json_snapshot!("openapi", doc);
    }
}
