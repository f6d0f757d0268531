//! Staff of a consultation's organization run its directory entry from these pages: create and
//! edit it (every field, topics, ways to take part and events), keep it as a draft that only
//! they see (its page is the preview) and publish it, close and reopen it, delete it after a
//! confirmation, and attach files to its results. Anyone signed in may subscribe to hear when
//! the results are published.

use axum::extract::{Multipart, Path};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use platform::auth::CurrentUser;
use platform::forms::FieldLabels;
use platform::upload::{self, Upload};
use platform::web::{
    CsrfForm, FormErrors, SignedIn, constant_time_eq, render, render_status, see_other,
};
use platform::{Error, FieldError, Page, Platform, Result};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use super::crumbs;
use crate::attachments::{self, Attachment};
use crate::consultations::{self, NewConsultation, NewWay};
use crate::model::{Consultation, Level, Status, Topic, WayKind};
use crate::processes;

/// The consultation at `slug`, for someone who edits for its organization.
pub(crate) async fn editable(
    platform: &Platform,
    user: &CurrentUser,
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

fn staff_anywhere(user: &CurrentUser) -> Result<()> {
    if user.is_admin() || !user.editor_organizations().is_empty() {
        Ok(())
    } else {
        Err(Error::forbidden("dialogue-error-staff-only"))
    }
}

fn entry_url(page: &Page, slug: &str, notice: &str) -> String {
    format!(
        "{}?notice={notice}",
        page.url(&format!("/consultations/{slug}"))
    )
}

// ---- the staff's list ----

#[derive(askama::Template)]
#[template(path = "dialogue/staff/consultations.html")]
struct StaffListPage {
    page: Page,
    entries: Vec<Consultation>,
}

/// Every entry of the organizations the person edits for, drafts first.
pub async fn staff_list(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
) -> Result<Response> {
    staff_anywhere(&user)?;
    let mut entries: Vec<Consultation> = consultations::all_with_drafts(&platform.db)
        .await?
        .into_iter()
        .filter(|c| user.can_edit_for(c.organization_id))
        .collect();
    entries.sort_by_key(|c| !c.is_draft());
    let page = crumbs(page.titled("dialogue-entry-staff-consultations-title"), &[]);
    render(&StaffListPage { page, entries })
}

// ---- the form ----

/// A way to take part as the form has it: every field as typed.
#[derive(Clone, Debug, Default)]
pub struct WayRow {
    pub kind: String,
    pub label_en: String,
    pub label_fr: String,
    pub url: String,
    pub place_en: String,
    pub place_fr: String,
    pub event_on: String,
    pub time_label: String,
}

impl WayRow {
    fn is_blank(&self) -> bool {
        [
            &self.kind,
            &self.label_en,
            &self.label_fr,
            &self.url,
            &self.place_en,
            &self.place_fr,
            &self.event_on,
            &self.time_label,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    fn slot(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "kind" => &mut self.kind,
            "label_en" => &mut self.label_en,
            "label_fr" => &mut self.label_fr,
            "url" => &mut self.url,
            "place_en" => &mut self.place_en,
            "place_fr" => &mut self.place_fr,
            "event_on" => &mut self.event_on,
            "time_label" => &mut self.time_label,
            _ => return None,
        })
    }
}

/// A day as a date field sends it: 2027-03-31.
fn parse_day(value: &str) -> Option<Date> {
    Date::parse(
        value.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// How many empty rows for ways to take part the form offers beyond those filled in.
const BLANK_WAYS: usize = 2;
/// More rows than this are refused: a form cannot grow the table without end.
const MAX_WAYS: usize = 50;

/// The entry's form as typed, kept so that a refused form comes back filled in.
#[derive(Clone, Debug, Default)]
pub struct ConsultationForm {
    pub slug: String,
    pub organization: String,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub level: String,
    pub opens_on: String,
    pub closes_on: String,
    pub ongoing: bool,
    pub process: String,
    pub topics: Vec<String>,
    pub ways: Vec<WayRow>,
}

impl ConsultationForm {
    fn from_pairs(pairs: &[(String, String)]) -> Result<ConsultationForm> {
        let mut f = ConsultationForm::default();
        let mut rows: Vec<WayRow> = Vec::new();
        for (k, v) in pairs {
            let value = v.clone();
            match k.as_str() {
                "slug" => f.slug = value.trim().to_string(),
                "organization" => f.organization = value,
                "title_en" => f.title_en = value,
                "title_fr" => f.title_fr = value,
                "summary_en" => f.summary_en = value,
                "summary_fr" => f.summary_fr = value,
                "level" => f.level = value,
                "opens_on" => f.opens_on = value,
                "closes_on" => f.closes_on = value,
                "ongoing" => f.ongoing = true,
                "process" => f.process = value,
                "topic" => f.topics.push(value),
                key => {
                    // ways[3].place_en
                    let Some((index, field)) = key
                        .strip_prefix("ways[")
                        .and_then(|rest| rest.split_once("]."))
                    else {
                        continue;
                    };
                    let Ok(index) = index.parse::<usize>() else {
                        continue;
                    };
                    if index >= MAX_WAYS {
                        return Err(Error::bad_request("error-form-invalid"));
                    }
                    if rows.len() <= index {
                        rows.resize_with(index + 1, WayRow::default);
                    }
                    if let Some(slot) = rows[index].slot(field) {
                        *slot = value;
                    }
                }
            }
        }
        f.ways = rows.into_iter().filter(|w| !w.is_blank()).collect();
        Ok(f)
    }

    async fn from_entry(platform: &Platform, c: &Consultation) -> Result<ConsultationForm> {
        let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let process = match c.process_id {
            Some(id) => processes::find_by_id(&platform.db, id)
                .await?
                .map(|p| p.process.slug)
                .unwrap_or_default(),
            None => String::new(),
        };
        let ways = consultations::ways_of(&platform.db, c.id)
            .await?
            .into_iter()
            .map(|w| WayRow {
                kind: w.kind.clone(),
                label_en: w.label_en,
                label_fr: w.label_fr,
                url: w.url,
                place_en: w.place_en,
                place_fr: w.place_fr,
                event_on: day(w.event_on),
                time_label: w.time_label,
            })
            .collect();
        Ok(ConsultationForm {
            slug: c.slug.clone(),
            organization: c.org_slug.clone(),
            title_en: c.title_en.clone(),
            title_fr: c.title_fr.clone(),
            summary_en: c.summary_en.clone(),
            summary_fr: c.summary_fr.clone(),
            level: c.level.clone(),
            opens_on: day(c.opens_on),
            closes_on: day(c.closes_on),
            ongoing: c.ongoing,
            process,
            topics: consultations::topics_of(&platform.db, c.id)
                .await?
                .into_iter()
                .map(|t| t.slug)
                .collect(),
            ways,
        })
    }

    /// The entry the form describes, with what the form alone can tell is wrong (an unknown
    /// organization, a date that is not one); the store checks the rest.
    async fn entry(
        &self,
        platform: &Platform,
        user: &CurrentUser,
    ) -> Result<(NewConsultation, Vec<FieldError>)> {
        let mut e = Vec::new();
        let organization_id = match self.organization.trim() {
            "" => {
                e.push(FieldError::new(
                    "organization_id",
                    "dialogue-entry-error-organization-required",
                ));
                Uuid::nil()
            }
            slug => match platform::orgs::find_by_slug(&platform.db, slug).await? {
                None => {
                    e.push(FieldError::new(
                        "organization_id",
                        "dialogue-error-no-organization",
                    ));
                    Uuid::nil()
                }
                Some(o) if !user.can_edit_for(o.id) => {
                    e.push(FieldError::new(
                        "organization_id",
                        "dialogue-entry-error-not-your-organization",
                    ));
                    o.id
                }
                Some(o) => o.id,
            },
        };
        let mut date = |field: &str, value: &str| -> Option<Date> {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            match parse_day(value) {
                Some(d) => Some(d),
                None => {
                    e.push(FieldError::new(field, "dialogue-entry-error-date-format"));
                    None
                }
            }
        };
        let opens_on = date("opens_on", &self.opens_on);
        let closes_on = date("closes_on", &self.closes_on);
        let ways: Vec<NewWay> = self
            .ways
            .iter()
            .enumerate()
            .map(|(i, w)| NewWay {
                kind: WayKind::parse(w.kind.trim()),
                label_en: w.label_en.clone(),
                label_fr: w.label_fr.clone(),
                url: w.url.trim().to_string(),
                place_en: w.place_en.clone(),
                place_fr: w.place_fr.clone(),
                event_on: date(&format!("ways[{i}].event_on"), &w.event_on),
                time_label: w.time_label.clone(),
            })
            .collect();
        let process_id = match self.process.trim() {
            "" => None,
            slug => match processes::find(&platform.db, slug).await? {
                Some(p) => Some(p.process.id),
                None => {
                    e.push(FieldError::new("process_id", "error-not-in-list"));
                    None
                }
            },
        };
        let known = consultations::topics(&platform.db).await?;
        let mut topics = Vec::new();
        for t in &self.topics {
            if !known.iter().any(|k| &k.slug == t) {
                e.push(FieldError::new("topics", "error-not-in-list"));
                break;
            }
            if !topics.contains(t) {
                topics.push(t.clone());
            }
        }
        let new = NewConsultation {
            slug: self.slug.clone(),
            organization_id,
            title_en: self.title_en.clone(),
            title_fr: self.title_fr.clone(),
            summary_en: self.summary_en.clone(),
            summary_fr: self.summary_fr.clone(),
            level: Level::parse(self.level.trim()),
            opens_on,
            closes_on,
            ongoing: self.ongoing,
            process_id,
            topics,
            ways,
            draft: true,
            ..NewConsultation::default()
        };
        e.extend(consultations::check(&new));
        Ok((new, e))
    }
}

/// The form's labels: each way's fields are labelled with the way's number.
fn labels(page: &Page, rows: usize) -> FieldLabels {
    let mut labels = FieldLabels::controls(
        page,
        &[
            ("slug", "slug", "dialogue-entry-field-slug"),
            ("external_id", "slug", "dialogue-entry-field-slug"),
            ("organization_id", "organization", "dialogue-organization"),
            ("title_en", "title_en", "dialogue-entry-field-title-en"),
            ("title_fr", "title_fr", "dialogue-entry-field-title-fr"),
            (
                "summary_en",
                "summary_en",
                "dialogue-entry-field-summary-en",
            ),
            (
                "summary_fr",
                "summary_fr",
                "dialogue-entry-field-summary-fr",
            ),
            ("level", "level", "dialogue-level"),
            ("opens_on", "opens_on", "dialogue-entry-field-opens-on"),
            ("closes_on", "closes_on", "dialogue-entry-field-closes-on"),
            ("process_id", "process", "dialogue-entry-field-process"),
            ("topics", "topics", "dialogue-topics"),
        ],
    );
    for i in 0..rows {
        let way = page.t1("dialogue-entry-field-way-n", "n", i + 1);
        for (field, key) in WAY_FIELDS {
            labels = labels.label(
                format!("ways[{i}].{field}"),
                format!("{way}, {}", page.t(key)),
            );
        }
    }
    labels
}

const WAY_FIELDS: [(&str, &str); 8] = [
    ("kind", "dialogue-entry-field-way-kind"),
    ("label_en", "dialogue-entry-field-way-label-en"),
    ("label_fr", "dialogue-entry-field-way-label-fr"),
    ("url", "dialogue-entry-field-way-url"),
    ("place_en", "dialogue-entry-field-way-place-en"),
    ("place_fr", "dialogue-entry-field-way-place-fr"),
    ("event_on", "dialogue-entry-field-way-event-on"),
    ("time_label", "dialogue-entry-field-way-time"),
];

#[derive(askama::Template)]
#[template(path = "dialogue/staff/consultation_form.html")]
struct FormPage {
    page: Page,
    /// The entry being edited, or none for a new one.
    editing: Option<Consultation>,
    form: ConsultationForm,
    errors: FormErrors,
    organizations: Vec<(String, String)>,
    processes: Vec<(String, String)>,
    topics: Vec<Topic>,
    levels: &'static [Level],
    kinds: &'static [WayKind],
}

impl FormPage {
    fn action(&self) -> String {
        match &self.editing {
            Some(c) => self.page.url(&format!("/consultations/{}/edit", c.slug)),
            None => self.page.url("/consultations/new"),
        }
    }
    fn has_topic(&self, slug: &str) -> bool {
        self.form.topics.iter().any(|t| t == slug)
    }
    /// The filled-in ways and a few empty rows.
    fn rows(&self) -> Vec<(usize, WayRow)> {
        self.form
            .ways
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(WayRow::default(), BLANK_WAYS))
            .enumerate()
            .collect()
    }
    fn way_name(&self, i: &usize, field: &str) -> String {
        format!("ways[{i}].{field}")
    }
    fn way_title(&self, i: &usize) -> String {
        self.page.t1("dialogue-entry-field-way-n", "n", i + 1)
    }
}

async fn form_page(
    platform: &Platform,
    page: Page,
    user: &CurrentUser,
    editing: Option<Consultation>,
    form: ConsultationForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let lang = page.lang;
    let organizations = platform::orgs::list(&platform.db)
        .await?
        .into_iter()
        .filter(|o| user.can_edit_for(o.id))
        .map(|o| {
            let title = platform::Bilingual::new(&o.title_en, &o.title_fr);
            (o.slug.clone(), title.get(lang).to_string())
        })
        .collect();
    let processes = processes::list(&platform.db)
        .await?
        .into_iter()
        .filter(|p| user.can_edit_for(p.process.organization_id))
        .map(|p| {
            (
                p.process.slug.clone(),
                p.process.title().get(lang).to_string(),
            )
        })
        .collect();
    let directory = page.t("dialogue-directory-title");
    let page = match &editing {
        Some(c) => {
            let title = c.title().get(lang).to_string();
            crumbs(
                page.titled("dialogue-entry-edit-consultation-title"),
                &[
                    (directory, "/consultations".into()),
                    (title, format!("/consultations/{}", c.slug)),
                ],
            )
        }
        None => crumbs(
            page.titled("dialogue-entry-new-consultation-title"),
            &[(directory, "/consultations".into())],
        ),
    };
    render_status(
        status,
        &FormPage {
            page,
            editing,
            form,
            errors,
            organizations,
            processes,
            topics: consultations::topics(&platform.db).await?,
            levels: Level::ALL,
            kinds: WayKind::ALL,
        },
    )
}

pub async fn new_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
) -> Result<Response> {
    staff_anywhere(&user)?;
    let mut form = ConsultationForm {
        level: Level::Consult.as_str().into(),
        ..ConsultationForm::default()
    };
    // One organization: nothing to choose.
    if let [only] = user.editor_organizations()
        && let Some(o) = platform::orgs::find(&platform.db, *only).await?
    {
        form.organization = o.slug;
    }
    form_page(
        &platform,
        page,
        &user,
        None,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Saves a new entry as a draft; its page is the preview until it is published.
pub async fn create(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    staff_anywhere(&user)?;
    let form = ConsultationForm::from_pairs(&pairs)?;
    let (new, mut errors) = form.entry(&platform, &user).await?;
    let outcome = if errors.is_empty() {
        platform
            .db
            .write(async |tx| consultations::create(tx, &user.actor(), &new).await)
            .await
            .map(|_| ())
    } else {
        errors.dedup_by(|a, b| a.field == b.field);
        Err(Error::Validation(errors))
    };
    match outcome {
        Ok(()) => Ok(see_other(&entry_url(
            &page,
            &new.slug,
            "notice-dialogue-consultation-saved",
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = labels(&page, form.ways.len()).errors(&page, &e);
            form_page(
                &platform,
                page,
                &user,
                None,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let form = ConsultationForm::from_entry(&platform, &c).await?;
    form_page(
        &platform,
        page,
        &user,
        Some(c),
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn save(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let form = ConsultationForm::from_pairs(&pairs)?;
    let (new, mut errors) = form.entry(&platform, &user).await?;
    let outcome = if errors.is_empty() {
        platform
            .db
            .write(async |tx| consultations::update(tx, &user.actor(), &c, &new).await)
            .await
    } else {
        errors.dedup_by(|a, b| a.field == b.field);
        Err(Error::Validation(errors))
    };
    match outcome {
        Ok(()) => Ok(see_other(&entry_url(
            &page,
            &new.slug,
            "notice-dialogue-consultation-saved",
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = labels(&page, form.ways.len()).errors(&page, &e);
            form_page(
                &platform,
                page,
                &user,
                Some(c),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ---- publishing, closing, reopening ----

pub async fn publish(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    platform
        .db
        .write(async |tx| consultations::publish(tx, &user.actor(), &c).await)
        .await?;
    Ok(see_other(&entry_url(
        &page,
        &c.slug,
        "notice-dialogue-consultation-published",
    )))
}

pub async fn close(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    match platform
        .db
        .write(async |tx| consultations::close(tx, &user.actor(), &c).await)
        .await
    {
        // Closed already (a second click) is closed all the same.
        Ok(()) | Err(Error::Validation(_)) => Ok(see_other(&entry_url(
            &page,
            &c.slug,
            "notice-dialogue-consultation-closed",
        ))),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct ReopenForm {
    #[serde(default)]
    closes_on: String,
    #[serde(default)]
    ongoing: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "dialogue/staff/consultation_reopen.html")]
struct ReopenPage {
    page: Page,
    c: Consultation,
    form: ReopenForm,
    errors: FormErrors,
}

fn entry_crumbs(page: Page, key: &str, c: &Consultation) -> Page {
    let directory = page.t("dialogue-directory-title");
    let title = c.title().get(page.lang).to_string();
    crumbs(
        page.titled(key),
        &[
            (directory, "/consultations".into()),
            (title, format!("/consultations/{}", c.slug)),
        ],
    )
}

pub async fn reopen_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    render(&ReopenPage {
        page: entry_crumbs(page, "dialogue-entry-reopen-title", &c),
        c,
        form: ReopenForm::default(),
        errors: FormErrors::default(),
    })
}

pub async fn reopen(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ReopenForm>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let ongoing = form.ongoing.is_some();
    let closes_on = match form.closes_on.trim() {
        "" => Ok(None),
        v => parse_day(v)
            .map(Some)
            .ok_or_else(|| Error::field("closes_on", "dialogue-entry-error-date-format")),
    };
    let outcome = match closes_on {
        Ok(closes_on) => {
            platform
                .db
                .write(async |tx| {
                    consultations::reopen(tx, &user.actor(), &c, closes_on, ongoing).await
                })
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(see_other(&entry_url(
            &page,
            &c.slug,
            "notice-dialogue-consultation-reopened",
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = labels(&page, 0).errors(&page, &e);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ReopenPage {
                    page: entry_crumbs(page, "dialogue-entry-reopen-title", &c),
                    c,
                    form,
                    errors,
                },
            )
        }
        Err(e) => Err(e),
    }
}

// ---- deleting ----

#[derive(askama::Template)]
#[template(path = "dialogue/staff/consultation_delete.html")]
struct DeletePage {
    page: Page,
    c: Consultation,
    attachments: usize,
}

pub async fn delete_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let attachments = attachments::of(&platform.db, c.id).await?.len();
    render(&DeletePage {
        page: entry_crumbs(page, "dialogue-entry-delete-title", &c),
        c,
        attachments,
    })
}

pub async fn delete(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let files = attachments::of(&platform.db, c.id).await?;
    platform
        .db
        .write(async |tx| consultations::delete(tx, &user.actor(), &c).await)
        .await?;
    for f in files {
        if let Err(e) = platform.files.delete(&f.file_key).await {
            tracing::warn!(error = %e, key = f.file_key, "cannot remove a deleted consultation's file");
        }
    }
    Ok(see_other(&format!(
        "{}?notice=notice-dialogue-consultation-deleted",
        page.url("/dialogue/consultations")
    )))
}

// ---- subscribing to the results ----

#[derive(Deserialize, Default)]
pub struct SubscribeForm {
    #[serde(default)]
    action: String,
}

pub async fn subscribe(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<SubscribeForm>,
) -> Result<Response> {
    let c = consultations::find(&platform.db, &slug)
        .await?
        .filter(|c| !c.is_draft())
        .ok_or(Error::NotFound)?;
    let (subscribing, notice) = match form.action.as_str() {
        "unsubscribe" => (false, "notice-dialogue-unsubscribed"),
        _ => (true, "notice-dialogue-subscribed"),
    };
    platform
        .db
        .write(async |tx| {
            if subscribing {
                consultations::subscribe(tx, c.id, user.id).await
            } else {
                consultations::unsubscribe(tx, c.id, user.id).await
            }
        })
        .await?;
    Ok(see_other(&format!(
        "{}#results",
        entry_url(&page, &c.slug, notice)
    )))
}

// ---- files with the results ----

/// Receives one file with its title (multipart), and keeps it with the results.
pub async fn attach(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let limits = &platform.settings.limits;
    let mut budget = limits.max_form_bytes;
    let (mut csrf, mut title_en, mut title_fr) = (String::new(), String::new(), String::new());
    let mut received: Option<Upload> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| upload::multipart_error(e, limits.max_upload_bytes))?
    {
        let name = field.name().unwrap_or_default().to_string();
        match (name.as_str(), field.file_name().map(str::to_string)) {
            ("file", Some(filename)) if !filename.is_empty() && received.is_none() => {
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                received = Some(Upload::receive(&platform, field, filename, content_type).await?);
            }
            (other, _) => {
                let text = upload::text_field(field, &mut budget, limits.max_form_bytes).await?;
                match other {
                    platform::web::CSRF_FIELD => csrf = text,
                    "attachment_title_en" => title_en = text,
                    "attachment_title_fr" => title_fr = text,
                    _ => {}
                }
            }
        }
    }
    if page.csrf.is_empty() || !constant_time_eq(csrf.as_bytes(), page.csrf.as_bytes()) {
        return Err(Error::forbidden("error-csrf"));
    }
    let outcome = match received.as_mut() {
        None => Err(Error::field("file", "dialogue-entry-error-file-missing")),
        Some(file) => platform
            .db
            .write(async |tx| {
                attachments::add(tx, &user.actor(), c.id, &title_en, &title_fr, file).await
            })
            .await
            .map(|_| ()),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-attachment-added#attachments",
            page.url(&format!("/consultations/{}/results", c.slug))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::controls(
                &page,
                &[
                    ("file", "file", "dialogue-attachment-file"),
                    (
                        "title_en",
                        "attachment_title_en",
                        "dialogue-entry-field-title-en",
                    ),
                    (
                        "title_fr",
                        "attachment_title_fr",
                        "dialogue-entry-field-title-fr",
                    ),
                ],
            )
            .errors(&page, &e);
            super::directory::results_again(&platform, page, c, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn detach(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((slug, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let c = editable(&platform, &user, &slug).await?;
    let attachment = find_attachment(&platform, &c, &id).await?;
    platform
        .db
        .write(async |tx| attachments::remove(tx, &user.actor(), &attachment).await)
        .await?;
    if let Err(e) = platform.files.delete(&attachment.file_key).await {
        tracing::warn!(error = %e, key = attachment.file_key, "cannot remove a detached file");
    }
    Ok(see_other(&format!(
        "{}?notice=notice-dialogue-attachment-removed#attachments",
        page.url(&format!("/consultations/{}/results", c.slug))
    )))
}

async fn find_attachment(platform: &Platform, c: &Consultation, id: &str) -> Result<Attachment> {
    let id = Uuid::parse_str(id).map_err(|_| Error::NotFound)?;
    attachments::find(&platform.db, id)
        .await?
        .filter(|a| a.consultation_id == c.id)
        .ok_or(Error::NotFound)
}

/// Serves an attachment: to anyone once the entry is published, to its staff before.
pub async fn download(
    platform: Platform,
    page: Page,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response> {
    let c = consultations::find(&platform.db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let staff = page
        .user
        .as_ref()
        .is_some_and(|u| u.can_edit_for(c.organization_id));
    if c.is_draft() && !staff {
        return Err(Error::NotFound);
    }
    let a = find_attachment(&platform, &c, &id).await?;
    let (size, stream) = platform.files.get_stream(&a.file_key).await?;
    let content_type = HeaderValue::from_str(&a.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", a.filename))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, HeaderValue::from(size)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

/// Whether the entry's status allows closing it (open or upcoming) or reopening it (closed).
pub fn may_close(c: &Consultation) -> bool {
    matches!(c.status(), Status::Open | Status::Upcoming)
}
