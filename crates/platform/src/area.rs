//! An area of the site (the catalogue, the dialogue, the tracker…) described in one value:
//! everything it adds to the platform. Each area crate exports `pub fn area() -> Area`, and the
//! binary lists the areas once (`crates/agora/src/home.rs`, `areas()`) and walks that list for
//! the routes, the main navigation, the OpenAPI document, the search index, the site search's
//! kinds, the background jobs and the demo content.
//!
//! ```
//! # use platform::area::Area;
//! # use platform::web::NavItem;
//! # fn pages() -> axum::Router { axum::Router::new() }
//! pub fn area() -> Area {
//!     Area::new("library")
//!         .pages(pages())
//!         .nav(vec![NavItem { label: "library-nav", path: "/library" }])
//!         .demo(|_platform, _shared_data| async { Ok(()) })
//! }
//! # assert_eq!(area().name, "library");
//! ```

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use futures::future::LocalBoxFuture;

use crate::Platform;
use crate::jobs::Registry;
use crate::search::SearchSource;
use crate::web::NavItem;

/// Loads an area's demo content, given the folder of public data the demo draws on. The loaders
/// run one after the other on the command line's task, so their futures need not be `Send`.
pub type DemoLoader =
    Arc<dyn Fn(Platform, PathBuf) -> LocalBoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// One area, as the binary mounts it. Every part but the name is optional.
#[derive(Clone)]
pub struct Area {
    /// A short name for messages (`catalogue`, `dialogue`).
    pub name: &'static str,
    /// The pages, relative to the language prefix (`/data`, not `/en/data`).
    pub pages: Router,
    /// The API and other routes at absolute paths (`/api/v1/…`, downloads).
    pub api: Router,
    /// The OpenAPI description of the area's native API, merged into the site's.
    pub openapi: Option<utoipa::openapi::OpenApi>,
    /// The area's entries in the main navigation, in order.
    pub nav: Vec<NavItem>,
    /// What the area puts in the search index.
    pub search_sources: Vec<Arc<dyn SearchSource>>,
    /// The index's kinds the site-wide search page lists, in the order of its filters.
    pub search_kinds: Vec<SearchKind>,
    /// Each registers the handlers of some of the area's job kinds.
    pub jobs: Vec<fn(&mut Registry)>,
    pub demo: Option<DemoLoader>,
}

/// A kind of document the site-wide search page lists and filters on.
#[derive(Clone, Copy, Debug)]
pub struct SearchKind {
    /// The kind as indexed ([`SearchSource::kind`]).
    pub kind: &'static str,
    /// Message key of the filter ("Datasets").
    pub filter_label: &'static str,
    /// Message key shown on one hit ("Dataset").
    pub hit_label: &'static str,
    /// The page of a hit with this id, relative to the language prefix.
    pub path: fn(&str) -> String,
}

impl Area {
    /// An area that adds nothing yet.
    pub fn new(name: &'static str) -> Area {
        Area {
            name,
            pages: Router::new(),
            api: Router::new(),
            openapi: None,
            nav: Vec::new(),
            search_sources: Vec::new(),
            search_kinds: Vec::new(),
            jobs: Vec::new(),
            demo: None,
        }
    }

    pub fn pages(mut self, pages: Router) -> Area {
        self.pages = pages;
        self
    }

    pub fn api(mut self, api: Router) -> Area {
        self.api = api;
        self
    }

    pub fn openapi(mut self, doc: utoipa::openapi::OpenApi) -> Area {
        self.openapi = Some(doc);
        self
    }

    pub fn nav(mut self, items: Vec<NavItem>) -> Area {
        self.nav = items;
        self
    }

    /// What the area indexes, and which of the index's kinds the site search lists.
    pub fn search(mut self, sources: Vec<Arc<dyn SearchSource>>, kinds: Vec<SearchKind>) -> Area {
        self.search_sources = sources;
        self.search_kinds = kinds;
        self
    }

    /// Adds a function that registers job handlers (`mail::register`).
    pub fn jobs(mut self, register: fn(&mut Registry)) -> Area {
        self.jobs.push(register);
        self
    }

    /// Sets the demo loader. Loaders run in the order of the binary's list, so an area whose
    /// demo refers to another's comes after it.
    pub fn demo<F, Fut>(mut self, load: F) -> Area
    where
        F: Fn(Platform, PathBuf) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + 'static,
    {
        let loader: DemoLoader = Arc::new(
            move |platform: Platform,
                  shared_data: PathBuf|
                  -> LocalBoxFuture<'static, anyhow::Result<()>> {
                Box::pin(load(platform, shared_data))
            },
        );
        self.demo = Some(loader);
        self
    }
}
