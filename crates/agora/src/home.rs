//! Assembles the site: the areas' pages and APIs on the platform, and the home page.

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use platform::web::{NavItem, render};
use platform::{Page, Platform, Result, server};

/// The main navigation, in order.
pub fn nav() -> Vec<NavItem> {
    vec![NavItem {
        label: "nav-home",
        path: "/",
    }]
}

pub async fn app(platform: &Platform) -> anyhow::Result<server::App> {
    let pages = Router::new().route("/", get(home));
    let api = Router::new();
    Ok(server::app(platform.clone(), pages, api))
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

async fn home(page: Page) -> Result<Response> {
    render(&HomePage { page })
}
