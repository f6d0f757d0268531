//! What every area of Agora stands on: settings, the database of record, accounts and roles,
//! sessions, the audit log, background jobs, files, search, English and French, the HTML layout
//! and errors. It knows nothing about any area; areas mount their routes on [`server::app`].

pub mod accounts;
pub mod admin;
pub mod area;
pub mod assets;
pub mod auth;
pub mod body;
pub mod config;
pub mod db;
pub mod error;
pub mod files;
pub mod forms;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod markdown;
pub mod orgs;
pub mod ratelimit;
pub mod search;
pub mod serde_time;
pub mod server;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod upload;
pub mod web;

use std::ops::Deref;
use std::sync::{Arc, LazyLock};

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

pub use crate::db::{Actor, Db, Tx};
pub use crate::error::{Error, FieldError, Msg, Result};
pub use crate::i18n::{Bilingual, Lang};
pub use crate::web::{Page, SignedIn};

use crate::config::Settings;
use crate::files::Files;
use crate::mail::Mailer;
use crate::search::Search;
use crate::web::NavItem;

/// The shared services, handed to every area. Cheap to clone.
#[derive(Clone)]
pub struct Platform(Arc<PlatformInner>);

pub struct PlatformInner {
    pub settings: Settings,
    pub db: Db,
    pub mailer: Mailer,
    pub files: Files,
    pub search: Search,
    pub nav: Arc<Vec<NavItem>>,
}

impl Deref for Platform {
    type Target = PlatformInner;
    fn deref(&self) -> &PlatformInner {
        &self.0
    }
}

impl Platform {
    /// Opens the database (applying migrations) and the other services named in `settings`.
    pub async fn open(settings: Settings, nav: Vec<NavItem>) -> anyhow::Result<Platform> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create data folder {}: {e}",
                settings.data_dir.display()
            )
        })?;
        let db = Db::open(&settings.database_url()).await?;
        Platform::with_db(settings, db, nav)
    }

    pub fn with_db(settings: Settings, db: Db, nav: Vec<NavItem>) -> anyhow::Result<Platform> {
        let mailer = Mailer::from_settings(&settings)?;
        let files = Files::from_settings(&settings)?;
        let search = Search::open(&settings.search_dir())?;
        Ok(Platform(Arc::new(PlatformInner {
            settings,
            db,
            mailer,
            files,
            search,
            nav: Arc::new(nav),
        })))
    }

    /// Sends an e-mail from the site's address, now. Only the `mail.send` job calls this: code
    /// that wants mail sent queues it with [`mail::queue`] inside its transaction.
    pub async fn send_email(&self, email: mail::Email) -> Result<()> {
        self.mailer.send(&self.settings.site.mail_from, email).await
    }
}

/// The platform's own part of the site, registered by the binary like an area's: it sends the
/// queued mail. (Its pages and `/api/v1/me` are mounted by [`server::app`] itself.)
pub fn area() -> area::Area {
    area::Area::new("platform").jobs(mail::register)
}

/// The process-wide Prometheus recorder behind `/metrics`.
pub static METRICS: LazyLock<PrometheusHandle> = LazyLock::new(|| {
    let recorder = PrometheusBuilder::new()
        .set_buckets(&[
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ])
        .expect("valid buckets")
        .build_recorder();
    let handle = recorder.handle();
    if metrics::set_global_recorder(recorder).is_err() {
        tracing::warn!("a metrics recorder was already installed");
    }
    handle
});
