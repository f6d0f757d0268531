//! The consultations directory: filters, "closing soon", the Atom feed, an entry's page and the
//! staff form that publishes its results.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use platform::forms::FieldLabels;
use platform::web::{CsrfForm, FormErrors, Pager, SignedIn, render, render_status, see_other};
use platform::{Error, Page, Platform, Result};
use serde::Deserialize;
use time::Date;

use super::{crumbs, query};
use crate::attachments::{self, Attachment};
use crate::consultations::{self, Filter, OrgOption, Results};
use crate::model::{Consultation, Level, Status, Topic, Way, today};
use crate::processes;
use crate::web::FIELD_LABELS;

pub struct Entry {
    pub c: Consultation,
    pub topics: Vec<Topic>,
}

async fn entries(platform: &Platform, list: Vec<Consultation>) -> Result<Vec<Entry>> {
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        let topics = consultations::topics_of(&platform.db, c.id).await?;
        out.push(Entry { c, topics });
    }
    Ok(out)
}

#[derive(askama::Template)]
#[template(path = "dialogue/consultations.html")]
struct DirectoryPage {
    page: Page,
    filter: Filter,
    entries: Vec<Entry>,
    pager: Pager,
    orgs: Vec<(String, String)>,
    topics: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    levels: Vec<(String, String)>,
}

pub async fn directory(platform: Platform, page: Page) -> Result<Response> {
    let filter: Filter = query(&page);
    let page = page.titled("dialogue-directory-title");
    let page = crumbs(page, &[]);
    let pager = Pager::new(&page, 20);
    let (list, total) =
        consultations::list(&platform.db, &filter, pager.per_page, pager.offset()).await?;
    let lang = page.lang;
    let orgs = consultations::organizations_in_use(&platform.db)
        .await?
        .iter()
        .map(|o: &OrgOption| (o.slug.clone(), o.title().get(lang).to_string()))
        .collect();
    let topics = consultations::topics_in_use(&platform.db)
        .await?
        .iter()
        .map(|t: &Topic| (t.slug.clone(), t.label().get(lang).to_string()))
        .collect();
    let statuses = consultations::status_counts(&platform.db)
        .await?
        .iter()
        .map(|(s, n): &(Status, i64)| {
            (
                s.as_str().to_string(),
                format!("{} ({})", page.t(s.label_key()), page.number(n)),
            )
        })
        .collect();
    let levels = Level::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), page.t(l.label_key())))
        .collect();
    render(&DirectoryPage {
        entries: entries(&platform, list).await?,
        pager: pager.with_total(total),
        orgs,
        topics,
        statuses,
        levels,
        filter,
        page,
    })
}

pub const SOON_DAYS: i64 = 14;

#[derive(askama::Template)]
#[template(path = "dialogue/closing.html")]
struct ClosingPage {
    page: Page,
    entries: Vec<Entry>,
    days: i64,
}

pub async fn closing_soon(platform: Platform, page: Page) -> Result<Response> {
    let page = page.titled("dialogue-closing-title");
    let directory = page.t("dialogue-directory-title");
    let page = crumbs(page, &[(directory, "/consultations".into())]);
    let list = consultations::closing_soon(&platform.db, SOON_DAYS).await?;
    render(&ClosingPage {
        entries: entries(&platform, list).await?,
        days: SOON_DAYS,
        page,
    })
}

#[derive(askama::Template)]
#[template(path = "dialogue/feed.xml")]
struct Feed {
    page: Page,
    base: String,
    updated: String,
    entries: Vec<Consultation>,
}

impl Feed {
    fn rfc3339(t: &time::OffsetDateTime) -> String {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }
}

/// An Atom feed of the directory: the entries most recently added or changed.
pub async fn feed(platform: Platform, page: Page) -> Result<Response> {
    let page = page.titled("dialogue-directory-title");
    let entries = consultations::recent(&platform.db, 50).await?;
    let updated = entries
        .iter()
        .map(|e| e.updated_at)
        .max()
        .unwrap_or_else(platform::db::now);
    let feed = Feed {
        base: platform
            .settings
            .base_url()
            .trim_end_matches('/')
            .to_string(),
        updated: Feed::rfc3339(&updated),
        entries,
        page,
    };
    let body = askama::Template::render(&feed)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

#[derive(askama::Template)]
#[template(path = "dialogue/consultation.html")]
struct ConsultationPage {
    page: Page,
    c: Consultation,
    topics: Vec<Topic>,
    ways: Vec<Way>,
    process_slug: Option<String>,
    may_edit: bool,
    attachments: Vec<Attachment>,
    /// Whether the visitor asked to hear of the results; none when not signed in.
    subscribed: Option<bool>,
}

impl ConsultationPage {
    fn may_close(&self) -> bool {
        super::consultation_edit::may_close(&self.c)
    }
    fn is_subscribed(&self) -> bool {
        self.subscribed == Some(true)
    }
}

pub async fn consultation(
    platform: Platform,
    page: Page,
    Path(slug): Path<String>,
) -> Result<Response> {
    let Some(c) = consultations::find(&platform.db, &slug).await? else {
        // Search results link by id.
        let by_id = match uuid::Uuid::parse_str(&slug) {
            Ok(id) => consultations::find_by_id(&platform.db, id).await?,
            Err(_) => None,
        };
        return match by_id {
            Some(c) => Ok(axum::response::Redirect::permanent(
                &page.url(&format!("/consultations/{}", c.slug)),
            )
            .into_response()),
            None => Err(Error::NotFound),
        };
    };
    let process_slug = match c.process_id {
        Some(id) => processes::find_by_id(&platform.db, id)
            .await?
            .map(|p| p.process.slug),
        None => None,
    };
    let title = c.title().get(page.lang).to_string();
    let directory = page.t("dialogue-directory-title");
    let page = crumbs(
        page.with_title(title),
        &[(directory, "/consultations".into())],
    );
    let may_edit = page
        .user
        .as_ref()
        .is_some_and(|u| u.can_edit_for(c.organization_id));
    // A draft is seen only by its staff: its page is their preview.
    if c.is_draft() && !may_edit {
        return Err(Error::NotFound);
    }
    let subscribed = match &page.user {
        Some(u) => Some(consultations::is_subscribed(&platform.db, c.id, u.id).await?),
        None => None,
    };
    render(&ConsultationPage {
        attachments: attachments::of(&platform.db, c.id).await?,
        subscribed,
        topics: consultations::topics_of(&platform.db, c.id).await?,
        ways: consultations::ways_of(&platform.db, c.id).await?,
        process_slug,
        may_edit,
        c,
        page,
    })
}

#[derive(Deserialize, Default)]
pub struct ResultsForm {
    #[serde(default)]
    we_asked_en: String,
    #[serde(default)]
    we_asked_fr: String,
    #[serde(default)]
    you_said_en: String,
    #[serde(default)]
    you_said_fr: String,
    #[serde(default)]
    we_did_en: String,
    #[serde(default)]
    we_did_fr: String,
    #[serde(default)]
    results_url: String,
}

#[derive(askama::Template)]
#[template(path = "dialogue/results_form.html")]
struct ResultsFormPage {
    page: Page,
    c: Consultation,
    form: ResultsForm,
    errors: FormErrors,
    attachments: Vec<Attachment>,
    /// The errors of the form that attaches a file.
    file_errors: FormErrors,
}

impl ResultsForm {
    fn from_entry(c: &Consultation) -> ResultsForm {
        ResultsForm {
            we_asked_en: c.we_asked_en.clone(),
            we_asked_fr: c.we_asked_fr.clone(),
            you_said_en: c.you_said_en.clone(),
            you_said_fr: c.you_said_fr.clone(),
            we_did_en: c.we_did_en.clone(),
            we_did_fr: c.we_did_fr.clone(),
            results_url: c.results_url.clone(),
        }
    }
}

/// The results page again after a refused file.
pub(crate) async fn results_again(
    platform: &Platform,
    page: Page,
    c: Consultation,
    file_errors: FormErrors,
) -> Result<Response> {
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ResultsFormPage {
            page: results_page(page, &c),
            form: ResultsForm::from_entry(&c),
            attachments: attachments::of(&platform.db, c.id).await?,
            c,
            errors: FormErrors::default(),
            file_errors,
        },
    )
}

async fn editable(
    platform: &Platform,
    user: &platform::auth::CurrentUser,
    slug: &str,
) -> Result<Consultation> {
    let c = consultations::find(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)?;
    if !user.can_edit_for(c.organization_id) {
        return Err(Error::forbidden("dialogue-error-staff-only"));
    }
    Ok(c)
}

fn results_page(page: Page, c: &Consultation) -> Page {
    let directory = page.t("dialogue-directory-title");
    let title = c.title().get(page.lang).to_string();
    let page = page.titled("dialogue-results-publish");
    crumbs(
        page,
        &[
            (directory, "/consultations".into()),
            (title, format!("/consultations/{}", c.slug)),
        ],
    )
}

pub async fn results_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let form = ResultsForm::from_entry(&c);
    render(&ResultsFormPage {
        page: results_page(page, &c),
        attachments: attachments::of(&platform.db, c.id).await?,
        c,
        form,
        errors: FormErrors::default(),
        file_errors: FormErrors::default(),
    })
}

pub async fn publish_results(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ResultsForm>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let published_on: Date = c.results_published_on.unwrap_or_else(today);
    let results = Results {
        we_asked_en: form.we_asked_en.clone(),
        we_asked_fr: form.we_asked_fr.clone(),
        you_said_en: form.you_said_en.clone(),
        you_said_fr: form.you_said_fr.clone(),
        we_did_en: form.we_did_en.clone(),
        we_did_fr: form.we_did_fr.clone(),
        results_url: form.results_url.clone(),
        published_on,
    };
    let published = platform
        .db
        .write(async |tx| consultations::publish_results(tx, &user.actor(), &c, &results).await)
        .await;
    match published {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-results-published",
            page.url(&format!("/consultations/{}", c.slug))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &e);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResultsFormPage {
                    page: results_page(page, &c),
                    attachments: attachments::of(&platform.db, c.id).await?,
                    c,
                    form,
                    errors,
                    file_errors: FormErrors::default(),
                },
            )
        }
        Err(e) => Err(e),
    }
}
