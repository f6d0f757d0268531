//! Editing the catalogue in pages, for an organization's editors and administrators: datasets
//! with every field, their access level (audited, kept as history), and their resources,
//! uploaded files included. Every form goes through the same `DatasetInput` / `ResourceInput`
//! validation as the CKAN API, and works without JavaScript.

use std::sync::Arc;

use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use platform::body::large_body;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use platform::auth::CurrentUser;
use platform::forms::FieldLabel;
use platform::web::{
    CsrfForm, FormErrors, RequestContext, SignedIn, constant_time_eq, render_status, see_other,
};
use platform::{Error, FieldError, Page, Platform, Result};

use crate::ckan::{self, CkanExtension};
use crate::model::*;
use crate::pages::label;
use crate::store::{self, DatasetInput, ResourceInput};
use crate::upload::{self, ResourceFile, Upload, format_from_name};

/// The area told of the resources saved here, as the API tells it (see [`crate::pages_with`]).
#[derive(Clone)]
struct Told(Option<Arc<dyn CkanExtension>>);

pub fn routes(extension: Option<Arc<dyn CkanExtension>>) -> Router {
    Router::new()
        .route("/dataset/new", get(new_dataset).post(create_dataset))
        .route("/dataset/{name}/edit", get(edit_dataset).post(save_dataset))
        .route("/dataset/{name}/access", get(access_form).post(save_access))
        .route(
            "/dataset/{name}/resource/new",
            large_body(get(new_resource).post(create_resource)),
        )
        .route(
            "/dataset/{name}/resource/{id}/edit",
            large_body(get(edit_resource).post(save_resource)),
        )
        .route(
            "/dataset/{name}/resource/{id}/delete",
            get(confirm_delete).post(delete_resource),
        )
        .layer(Extension(Told(extension)))
}

/// Whether this person may add datasets at all: administrators, and editors of an organization.
pub fn can_add(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| u.organizations.iter().any(|o| u.can_edit_for(*o)) || u.is_admin())
}

/// The dataset by its current name, if this person may edit it.
async fn editable(platform: &Platform, user: &CurrentUser, name: &str) -> Result<Dataset> {
    let d = store::get(&platform.db, name)
        .await?
        .filter(|d| d.row.state != State::Deleted)
        .ok_or(Error::NotFound)?;
    if !user.can_edit_for(d.row.organization_id) {
        return Err(Error::forbidden("catalogue-error-not-editor"));
    }
    Ok(d)
}

// ---- what the forms offer ----

pub struct Choice {
    pub value: String,
    pub label: String,
}

fn vocabulary(page: &Page, vocabulary: &str, values: &[&str]) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: v.to_string(),
            label: label(page.lang, vocabulary, v),
        })
        .collect()
}

/// The lists a dataset form chooses from.
pub struct Choices {
    pub organizations: Vec<Choice>,
    pub licences: Vec<Choice>,
    pub frequencies: Vec<Choice>,
    pub access_levels: Vec<Choice>,
    pub exemptions: Vec<Choice>,
    pub groups: Vec<Choice>,
}

impl Choices {
    async fn load(platform: &Platform, page: &Page, user: &CurrentUser) -> Result<Choices> {
        let mut organizations: Vec<Choice> = platform::orgs::list(&platform.db)
            .await?
            .into_iter()
            .filter(|o| user.can_edit_for(o.id))
            .map(|o| Choice {
                value: o.id.to_string(),
                label: o.title().get(page.lang).to_string(),
            })
            .collect();
        organizations.sort_by_key(|c| c.label.to_lowercase());
        let licences = crate::licences::all()
            .iter()
            .map(|l| Choice {
                value: l.id.to_string(),
                label: l.title(page.lang).to_string(),
            })
            .collect();
        let groups = store::groups(&platform.db)
            .await?
            .into_iter()
            .map(|g| Choice {
                label: platform::Bilingual::new(&g.title_en, &g.title_fr)
                    .get(page.lang)
                    .to_string(),
                value: g.name,
            })
            .collect();
        Ok(Choices {
            organizations,
            licences,
            frequencies: vocabulary(page, "frequency", &UPDATE_FREQUENCIES),
            access_levels: vocabulary(page, "access-level", AccessLevel::CODES),
            exemptions: vocabulary(page, "exemption", Exemption::CODES),
            groups,
        })
    }
}

// ---- errors as the forms show them ----

/// The form control a validation error belongs to: bilingual pairs point at the English field.
fn control(field: &str) -> &str {
    match field {
        "title" => "title_en",
        "exemption_rationale" => "exemption_rationale_en",
        other => other,
    }
}

/// Field errors for the error summary and beside each field, each naming its field:
/// "Title: This field is required."
fn form_errors(page: &Page, e: &Error) -> FormErrors {
    labelled_errors(page, e, |field| field)
}

/// On a resource's form, `url` is its link to the data, not a source page.
fn resource_errors(page: &Page, e: &Error) -> FormErrors {
    labelled_errors(page, e, |field| match field {
        "url" => "resource_url",
        other => other,
    })
}

/// The fields of the forms in the order they are drawn, so that the error summary reads from
/// the top of the form down.
const FORM_ORDER: &[&str] = &[
    "file",
    "url",
    "title_en",
    "title_fr",
    "name",
    "name_en",
    "name_fr",
    "notes_en",
    "notes_fr",
    "keywords_en",
    "keywords_fr",
    "groups",
    "owner_org",
    "license_id",
    "update_frequency",
    "current_as_of",
    "access_level",
    "exemption",
    "exemption_rationale_en",
    "exemption_rationale_fr",
    "planned_open_date",
    "opened_date",
    "maintainer",
    "maintainer_email",
    "author",
    "author_email",
    "temporal_start",
    "temporal_end",
    "format",
    "resource_type",
    "language",
    "data_range_start",
    "data_range_end",
    "data_last_updated",
    "state",
];

fn labelled_errors(page: &Page, e: &Error, label_of: fn(&str) -> &str) -> FormErrors {
    let mut fields: Vec<&FieldError> = e.field_errors().iter().collect();
    // A name left empty is made from the title: without a title, the title is the problem.
    if fields.iter().any(|f| f.field == "title") {
        fields.retain(|f| !(f.field == "name" && f.msg.key == "error-required"));
    }
    fields.sort_by_key(|f| {
        FORM_ORDER
            .iter()
            .position(|o| *o == control(&f.field))
            .unwrap_or(FORM_ORDER.len())
    });
    // Every field is labelled: by its `catalogue-field-…` message, or else by its name.
    platform::forms::labelled(page.lang, fields, |field| {
        let control = control(field);
        let key = format!("catalogue-field-{}", label_of(control).replace('_', "-"));
        let label = if platform::i18n::has_key(&key) {
            page.t(&key)
        } else {
            control.to_string()
        };
        Some(FieldLabel {
            control: control.to_string(),
            label,
        })
    })
}

/// A form answers 200, or 422 when it comes back with errors.
fn form_status(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The page titled with `key`, its title the last crumb, at `path`.
fn titled(page: Page, key: &str, path: &str) -> Page {
    let page = page.titled(key);
    let title = page.title.clone();
    page.crumb(title, path)
}

fn day(value: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = Date::parse(
        value,
        time::macros::format_description!("[year]-[month]-[day]"),
    );
    if parsed.is_err() {
        errors.push(FieldError::new(field, "catalogue-error-day"));
    }
    parsed.ok()
}

fn day_text(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The store's verdict on `input`, with the problems the form found first.
fn check(mut input: DatasetInput, mut errors: Vec<FieldError>) -> Result<DatasetInput> {
    input.normalize();
    if errors.is_empty() {
        return Ok(input);
    }
    for e in input.validate() {
        if !errors.iter().any(|x| x.field == e.field) {
            errors.push(e);
        }
    }
    Err(Error::Validation(errors))
}

// ---- datasets ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DatasetForm {
    pub name: String,
    pub title_en: String,
    pub title_fr: String,
    pub notes_en: String,
    pub notes_fr: String,
    pub owner_org: String,
    pub license_id: String,
    pub url: String,
    pub version: String,
    pub author: String,
    pub author_email: String,
    pub maintainer: String,
    pub maintainer_email: String,
    pub maintainer_branch_en: String,
    pub maintainer_branch_fr: String,
    pub update_frequency: String,
    pub geographic_coverage_en: String,
    pub geographic_coverage_fr: String,
    pub geographic_granularity: String,
    pub temporal_start: String,
    pub temporal_end: String,
    pub keywords_en: String,
    pub keywords_fr: String,
    #[serde(skip)]
    pub groups: Vec<String>,
    pub private: String,
    pub state: String,
    #[serde(flatten)]
    pub access: AccessForm,
    pub opened_date: String,
    pub current_as_of: String,
}

/// The access fields, which also make a form of their own.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AccessForm {
    pub access_level: String,
    pub exemption: String,
    pub exemption_rationale_en: String,
    pub exemption_rationale_fr: String,
    pub planned_open_date: String,
}

impl AccessForm {
    fn from_row(r: &DatasetRow) -> AccessForm {
        AccessForm {
            access_level: r.access_level.to_string(),
            exemption: r.exemption.to_string(),
            exemption_rationale_en: r.exemption_rationale_en.clone(),
            exemption_rationale_fr: r.exemption_rationale_fr.clone(),
            planned_open_date: day_text(r.planned_open_date),
        }
    }

    fn apply(&self, input: &mut DatasetInput, errors: &mut Vec<FieldError>) {
        input.access_level = self.access_level.clone();
        input.exemption = self.exemption.clone();
        input.exemption_rationale_en = self.exemption_rationale_en.trim().to_string();
        input.exemption_rationale_fr = self.exemption_rationale_fr.trim().to_string();
        // A planned date belongs to data that is to be opened; otherwise the field is ignored.
        input.planned_open_date = if self.access_level == "to_be_opened" {
            day(&self.planned_open_date, "planned_open_date", errors)
        } else {
            None
        };
    }
}

fn keyword_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect()
}

impl DatasetForm {
    /// Reads a posted form: `groups` may repeat (one checkbox each).
    fn parse(pairs: Vec<(String, String)>) -> Result<DatasetForm> {
        let (groups, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "groups");
        let encoded = serde_urlencoded::to_string(&rest)
            .map_err(|_| Error::bad_request("error-form-invalid"))?;
        let mut form: DatasetForm = serde_urlencoded::from_str(&encoded)
            .map_err(|_| Error::bad_request("error-form-invalid"))?;
        form.groups = groups.into_iter().map(|(_, v)| v).collect();
        Ok(form)
    }

    fn blank(organization: Option<String>) -> DatasetForm {
        DatasetForm {
            owner_org: organization.unwrap_or_default(),
            license_id: "OGL-ON-1.0".into(),
            update_frequency: "as_required".into(),
            state: "active".into(),
            access: AccessForm {
                access_level: "open".into(),
                exemption: "none".into(),
                ..AccessForm::default()
            },
            ..DatasetForm::default()
        }
    }

    fn from_dataset(d: &Dataset) -> DatasetForm {
        let r = &d.row;
        DatasetForm {
            name: r.name.clone(),
            title_en: r.title_en.clone(),
            title_fr: r.title_fr.clone(),
            notes_en: r.notes_en.clone(),
            notes_fr: r.notes_fr.clone(),
            owner_org: r.organization_id.to_string(),
            license_id: r.license_id.clone(),
            url: r.url.clone(),
            version: r.version.clone(),
            author: r.author.clone(),
            author_email: r.author_email.clone(),
            maintainer: r.maintainer.clone(),
            maintainer_email: r.maintainer_email.clone(),
            maintainer_branch_en: r.maintainer_branch_en.clone(),
            maintainer_branch_fr: r.maintainer_branch_fr.clone(),
            update_frequency: r.update_frequency.clone(),
            geographic_coverage_en: r.geographic_coverage_en.clone(),
            geographic_coverage_fr: r.geographic_coverage_fr.clone(),
            geographic_granularity: r.geographic_granularity.clone(),
            temporal_start: day_text(r.temporal_start),
            temporal_end: day_text(r.temporal_end),
            keywords_en: d.keywords_en.join(", "),
            keywords_fr: d.keywords_fr.join(", "),
            groups: d.groups.iter().map(|g| g.name.clone()).collect(),
            private: if r.private {
                "on".into()
            } else {
                String::new()
            },
            state: r.state.to_string(),
            access: AccessForm::from_row(r),
            opened_date: day_text(r.opened_date),
            current_as_of: day_text(r.current_as_of),
        }
    }

    /// The dataset this form describes, on top of `base` (what is stored, or nothing), for
    /// `user`, who must edit for the organization chosen.
    fn input(&self, mut base: DatasetInput, user: &CurrentUser) -> Result<DatasetInput> {
        let mut errors = Vec::new();
        let title_slug = platform::orgs::slugify(if self.title_en.trim().is_empty() {
            &self.title_fr
        } else {
            &self.title_en
        });
        base.name = match self.name.trim() {
            "" => title_slug.chars().take(90).collect::<String>(),
            given => given.to_string(),
        }
        .trim_end_matches('-')
        .to_string();
        base.title_en = self.title_en.trim().to_string();
        base.title_fr = self.title_fr.trim().to_string();
        base.notes_en = self.notes_en.trim().to_string();
        base.notes_fr = self.notes_fr.trim().to_string();
        base.organization_id = Uuid::parse_str(self.owner_org.trim()).ok();
        if let Some(org) = base.organization_id
            && !user.can_edit_for(org)
        {
            errors.push(FieldError::new(
                "owner_org",
                "catalogue-error-organization-not-yours",
            ));
        }
        base.license_id = self.license_id.clone();
        for (to, from) in [
            (&mut base.url, &self.url),
            (&mut base.version, &self.version),
            (&mut base.author, &self.author),
            (&mut base.author_email, &self.author_email),
            (&mut base.maintainer, &self.maintainer),
            (&mut base.maintainer_email, &self.maintainer_email),
            (&mut base.maintainer_branch_en, &self.maintainer_branch_en),
            (&mut base.maintainer_branch_fr, &self.maintainer_branch_fr),
            (
                &mut base.geographic_coverage_en,
                &self.geographic_coverage_en,
            ),
            (
                &mut base.geographic_coverage_fr,
                &self.geographic_coverage_fr,
            ),
            (
                &mut base.geographic_granularity,
                &self.geographic_granularity,
            ),
        ] {
            *to = from.trim().to_string();
        }
        base.update_frequency = self.update_frequency.clone();
        base.temporal_start = day(&self.temporal_start, "temporal_start", &mut errors);
        base.temporal_end = day(&self.temporal_end, "temporal_end", &mut errors);
        base.opened_date = day(&self.opened_date, "opened_date", &mut errors);
        base.current_as_of = day(&self.current_as_of, "current_as_of", &mut errors);
        base.keywords_en = keyword_list(&self.keywords_en);
        base.keywords_fr = keyword_list(&self.keywords_fr);
        base.groups = self.groups.clone();
        base.private = !self.private.is_empty();
        base.state = self.state.clone();
        self.access.apply(&mut base, &mut errors);
        check(base, errors)
    }

    pub fn in_group(&self, name: &str) -> bool {
        self.groups.iter().any(|g| g == name)
    }
}

#[derive(askama::Template)]
#[template(path = "catalogue/dataset_form.html")]
struct DatasetFormPage {
    page: Page,
    form: DatasetForm,
    errors: FormErrors,
    /// The dataset's current name when editing; none when adding one.
    editing: Option<String>,
    choices: Choices,
}

impl DatasetFormPage {
    fn action(&self) -> String {
        match &self.editing {
            Some(name) => self.page.url(&format!("/dataset/{name}/edit")),
            None => self.page.url("/dataset/new"),
        }
    }
    fn cancel(&self) -> String {
        match &self.editing {
            Some(name) => self.page.url(&format!("/dataset/{name}")),
            None => self.page.url("/dataset"),
        }
    }
    /// Published, or a draft only its organization's editors see.
    fn states(&self) -> Vec<Choice> {
        vocabulary(&self.page, "state", &["active", "draft"])
    }
}

fn dataset_crumbs(page: Page, d: &Dataset) -> Page {
    let datasets = page.t("catalogue-datasets");
    let title = d.row.title().get(page.lang).to_string();
    page.crumb(datasets, "/dataset")
        .crumb(title, &format!("/dataset/{}", d.row.name))
}

async fn dataset_form(
    platform: &Platform,
    page: Page,
    user: &CurrentUser,
    editing: Option<&Dataset>,
    form: DatasetForm,
    errors: FormErrors,
) -> Result<Response> {
    let page = match editing {
        Some(d) => titled(
            dataset_crumbs(page, d),
            "catalogue-edit-title",
            &format!("/dataset/{}/edit", d.row.name),
        ),
        None => {
            let datasets = page.t("catalogue-datasets");
            titled(
                page.crumb(datasets, "/dataset"),
                "catalogue-new-title",
                "/dataset/new",
            )
        }
    };
    let choices = Choices::load(platform, &page, user).await?;
    let status = form_status(&errors);
    render_status(
        status,
        &DatasetFormPage {
            page,
            form,
            errors,
            editing: editing.map(|d| d.row.name.clone()),
            choices,
        },
    )
}

#[derive(Deserialize, Default)]
struct NewQuery {
    #[serde(default)]
    organization: String,
}

async fn new_dataset(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    axum::extract::Query(q): axum::extract::Query<NewQuery>,
) -> Result<Response> {
    if !can_add(Some(&user)) {
        return Err(Error::forbidden("catalogue-error-not-editor"));
    }
    let org = match platform::orgs::find_by_slug(&platform.db, &q.organization).await? {
        Some(o) if user.can_edit_for(o.id) => Some(o.id.to_string()),
        // An editor of one organization publishes for it.
        _ if user.organizations.len() == 1 => Some(user.organizations[0].to_string()),
        _ => None,
    };
    let form = DatasetForm::blank(org);
    dataset_form(&platform, page, &user, None, form, FormErrors::default()).await
}

async fn create_dataset(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    if !can_add(Some(&user)) {
        return Err(Error::forbidden("catalogue-error-not-editor"));
    }
    let form = DatasetForm::parse(pairs)?;
    let created = match form.input(DatasetInput::default(), &user) {
        Ok(input) => {
            let name = input.name.clone();
            let mut tx = platform.db.begin().await?;
            match store::create(&mut tx, &user.actor(), input).await {
                Ok(_) => {
                    tx.commit().await?;
                    Ok(name)
                }
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(name) => Ok(see_other(&format!(
            "{}?notice=notice-catalogue-dataset-created",
            page.url(&format!("/dataset/{name}/resource/new"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = form_errors(&page, &e);
            dataset_form(&platform, page, &user, None, form, errors).await
        }
        Err(e) => Err(e),
    }
}

async fn edit_dataset(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(name): Path<String>,
) -> Result<Response> {
    let d = editable(&platform, &user, &name).await?;
    let form = DatasetForm::from_dataset(&d);
    dataset_form(
        &platform,
        page,
        &user,
        Some(&d),
        form,
        FormErrors::default(),
    )
    .await
}

/// Writes `input` over `before` in one transaction.
async fn update(
    platform: &Platform,
    user: &CurrentUser,
    before: &Dataset,
    input: Result<DatasetInput>,
) -> Result<String> {
    let input = input?;
    let name = input.name.clone();
    let mut tx = platform.db.begin().await?;
    store::update(&mut tx, &user.actor(), before, input).await?;
    tx.commit().await?;
    Ok(name)
}

async fn save_dataset(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(name): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let d = editable(&platform, &user, &name).await?;
    let form = DatasetForm::parse(pairs)?;
    let input = form.input(DatasetInput::from_dataset(&d), &user);
    match update(&platform, &user, &d, input).await {
        Ok(name) => Ok(see_other(&format!(
            "{}?notice=notice-catalogue-dataset-saved",
            page.url(&format!("/dataset/{name}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = form_errors(&page, &e);
            dataset_form(&platform, page, &user, Some(&d), form, errors).await
        }
        Err(e) => Err(e),
    }
}

// ---- access level ----

#[derive(askama::Template)]
#[template(path = "catalogue/access_form.html")]
struct AccessFormPage {
    page: Page,
    name: String,
    current: String,
    form: AccessForm,
    errors: FormErrors,
    choices: Choices,
}

async fn access_page(
    platform: &Platform,
    page: Page,
    user: &CurrentUser,
    d: &Dataset,
    form: AccessForm,
    errors: FormErrors,
) -> Result<Response> {
    let page = titled(
        dataset_crumbs(page, d),
        "catalogue-access-form-title",
        &format!("/dataset/{}/access", d.row.name),
    );
    let choices = Choices::load(platform, &page, user).await?;
    let status = form_status(&errors);
    render_status(
        status,
        &AccessFormPage {
            current: label(page.lang, "access-level", d.row.access_level.as_str()),
            name: d.row.name.clone(),
            page,
            form,
            errors,
            choices,
        },
    )
}

async fn access_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(name): Path<String>,
) -> Result<Response> {
    let d = editable(&platform, &user, &name).await?;
    let form = AccessForm::from_row(&d.row);
    access_page(&platform, page, &user, &d, form, FormErrors::default()).await
}

async fn save_access(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(name): Path<String>,
    CsrfForm(form): CsrfForm<AccessForm>,
) -> Result<Response> {
    let d = editable(&platform, &user, &name).await?;
    let mut input = DatasetInput::from_dataset(&d);
    let mut errors = Vec::new();
    form.apply(&mut input, &mut errors);
    match update(&platform, &user, &d, check(input, errors)).await {
        Ok(name) => Ok(see_other(&format!(
            "{}?notice=notice-catalogue-access-saved#access-heading",
            page.url(&format!("/dataset/{name}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = form_errors(&page, &e);
            access_page(&platform, page, &user, &d, form, errors).await
        }
        Err(e) => Err(e),
    }
}

// ---- resources ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ResourceForm {
    pub name_en: String,
    pub name_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub url: String,
    pub format: String,
    pub resource_type: String,
    pub language: String,
    pub data_range_start: String,
    pub data_range_end: String,
    pub data_last_updated: String,
}

impl ResourceForm {
    fn from_row(r: &ResourceRow) -> ResourceForm {
        ResourceForm {
            name_en: r.name_en.clone(),
            name_fr: r.name_fr.clone(),
            description_en: r.description_en.clone(),
            description_fr: r.description_fr.clone(),
            url: if r.file_key.is_some() {
                String::new()
            } else {
                r.url.clone()
            },
            format: r.format.clone(),
            resource_type: r.resource_type.clone(),
            language: r.language.clone(),
            data_range_start: day_text(r.data_range_start),
            data_range_end: day_text(r.data_range_end),
            data_last_updated: day_text(r.data_last_updated),
        }
    }

    /// The resource this form describes, on top of `base`; problems with dates first.
    fn input(&self, mut base: ResourceInput) -> (ResourceInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        base.name_en = self.name_en.trim().to_string();
        base.name_fr = self.name_fr.trim().to_string();
        base.description_en = self.description_en.trim().to_string();
        base.description_fr = self.description_fr.trim().to_string();
        base.format = self.format.trim().to_string();
        base.resource_type = self.resource_type.clone();
        base.language = self.language.clone();
        base.data_range_start = day(&self.data_range_start, "data_range_start", &mut errors);
        base.data_range_end = day(&self.data_range_end, "data_range_end", &mut errors);
        base.data_last_updated = day(&self.data_last_updated, "data_last_updated", &mut errors);
        let url = self.url.trim();
        if !url.is_empty() {
            base.url = url.to_string();
            base.url_type = String::new();
            base.file_key = None;
            if base.format.is_empty() {
                base.format = format_from_name(url);
            }
        } else if base.file_key.is_none() {
            // A link resource whose link was cleared: the store asks for one.
            base.url = String::new();
        }
        (base, errors)
    }
}

/// The fields and the file of a multipart form, its CSRF token checked. The file is streamed
/// into the store as it arrives (up to `[limits] max_upload_bytes`); the text fields may take
/// `max_form_bytes` in all. Past either, 413 with the limit.
async fn read_multipart(
    platform: &Platform,
    mut multipart: Multipart,
    ctx: &RequestContext,
) -> Result<(ResourceForm, Option<Upload>)> {
    let limits = &platform.settings.limits;
    let mut budget = limits.max_form_bytes;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut upload = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| upload::multipart_error(e, limits.max_upload_bytes))?
    {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) if name == "file" && !filename.is_empty() && upload.is_none() => {
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let received = Upload::receive(platform, field, filename, content_type).await?;
                if received.size > 0 {
                    upload = Some(received);
                }
            }
            _ => {
                let text = upload::text_field(field, &mut budget, limits.max_form_bytes).await?;
                if name != "file" {
                    pairs.push((name, text));
                }
            }
        }
    }
    let token = pairs
        .iter()
        .find(|(k, _)| k == platform::web::CSRF_FIELD)
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if ctx.csrf.is_empty() || !constant_time_eq(token.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(Error::forbidden("error-csrf"));
    }
    let encoded = serde_urlencoded::to_string(&pairs)
        .map_err(|_| Error::bad_request("error-form-invalid"))?;
    let form = serde_urlencoded::from_str(&encoded)
        .map_err(|_| Error::bad_request("error-form-invalid"))?;
    Ok((form, upload))
}

#[derive(askama::Template)]
#[template(path = "catalogue/resource_form.html")]
struct ResourceFormPage {
    page: Page,
    dataset: String,
    /// The resource being changed, or none for a new one.
    editing: Option<ResourceRow>,
    form: ResourceForm,
    errors: FormErrors,
    types: Vec<Choice>,
    languages: Vec<Choice>,
    limit: String,
}

impl ResourceFormPage {
    fn action(&self) -> String {
        match &self.editing {
            Some(r) => self
                .page
                .url(&format!("/dataset/{}/resource/{}/edit", self.dataset, r.id)),
            None => self
                .page
                .url(&format!("/dataset/{}/resource/new", self.dataset)),
        }
    }
    /// The name of the file a resource holds, if it holds one.
    fn current_file(&self) -> Option<&str> {
        self.editing
            .as_ref()
            .and_then(|r| r.file_key.as_deref())
            .map(|k| k.rsplit('/').next().unwrap_or(k))
    }
}

async fn resource_page(
    platform: &Platform,
    page: Page,
    d: &Dataset,
    editing: Option<ResourceRow>,
    form: ResourceForm,
    errors: FormErrors,
) -> Result<Response> {
    let page = dataset_crumbs(page, d);
    let page = match &editing {
        Some(r) => titled(
            page,
            "catalogue-resource-edit-title",
            &format!("/dataset/{}/resource/{}/edit", d.row.name, r.id),
        ),
        None => titled(
            page,
            "catalogue-resource-new-title",
            &format!("/dataset/{}/resource/new", d.row.name),
        ),
    };
    let status = form_status(&errors);
    render_status(
        status,
        &ResourceFormPage {
            dataset: d.row.name.clone(),
            editing,
            form,
            errors,
            types: vocabulary(&page, "resource-type", &RESOURCE_TYPES),
            languages: vocabulary(&page, "language", &RESOURCE_LANGUAGES),
            limit: platform::i18n::human_bytes(platform.settings.limits.max_upload_bytes as u64),
            page,
        },
    )
}

async fn new_resource(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(name): Path<String>,
) -> Result<Response> {
    let d = editable(&platform, &user, &name).await?;
    let form = ResourceForm {
        resource_type: "data".into(),
        language: "english_and_french".into(),
        ..ResourceForm::default()
    };
    resource_page(&platform, page, &d, None, form, FormErrors::default()).await
}

/// Stores the upload (if any) and writes the resource in one transaction; on any refusal the
/// stored file is removed again, so nothing is half-written. Answers the resource as saved.
async fn write_resource(
    platform: &Platform,
    user: &CurrentUser,
    d: &Dataset,
    before: Option<&ResourceRow>,
    form: &ResourceForm,
    upload: Option<Upload>,
) -> Result<ResourceRow> {
    let base = before.map(ResourceInput::from_row).unwrap_or_default();
    let (mut input, mut errors) = form.input(base);
    let id = before.map(|r| r.id).unwrap_or_else(Uuid::now_v7);
    let mut upload = upload;
    let stored = match &mut upload {
        Some(upload) if errors.is_empty() => {
            input.id = Some(id);
            Some(upload.store(platform, d.row.id, id, &mut input).await?)
        }
        _ => None,
    };
    if !errors.is_empty() {
        errors.extend(
            input
                .validate()
                .into_iter()
                .filter(|e| e.field != "url" || upload.is_none()),
        );
        return Err(Error::Validation(errors));
    }
    let mut tx = platform.db.begin().await?;
    let written = match before {
        Some(before) => store::update_resource(&mut tx, &user.actor(), before, input)
            .await
            .map(|()| before.id),
        None => store::create_resource(&mut tx, &user.actor(), d, input).await,
    };
    match written {
        Ok(id) => {
            tx.commit().await?;
            store::resource(&platform.db, id)
                .await?
                .ok_or(Error::NotFound)
        }
        Err(e) => {
            if let Some(key) = stored {
                let _ = platform.files.delete(&key).await;
            }
            Err(e)
        }
    }
}

/// After a save: the page that follows what the area told of new data does with it (the data
/// page while a table loads), or else the dataset's resources.
async fn resource_saved(
    platform: &Platform,
    told: &Told,
    page: Page,
    d: &Dataset,
    editing: Option<ResourceRow>,
    form: ResourceForm,
    written: Result<ResourceRow>,
) -> Result<Response> {
    match written {
        Ok(saved) => {
            let next = if ckan::data_changed(editing.as_ref(), &saved) {
                ckan::resource_changed(told.0.as_ref(), platform, &d.row, &saved).await
            } else {
                None
            };
            let notice = "notice=notice-catalogue-resource-saved";
            Ok(see_other(&match next {
                Some(path) => format!("{}?{notice}", page.url(&path)),
                None => format!(
                    "{}?{notice}#resources",
                    page.url(&format!("/dataset/{}", d.row.name))
                ),
            }))
        }
        Err(e @ Error::Validation(_)) => {
            let errors = resource_errors(&page, &e);
            resource_page(platform, page, d, editing, form, errors).await
        }
        Err(e) => Err(e),
    }
}

async fn create_resource(
    platform: Platform,
    Extension(told): Extension<Told>,
    ctx: RequestContext,
    page: Page,
    SignedIn(user): SignedIn,
    Path(name): Path<String>,
    multipart: Multipart,
) -> Result<Response> {
    let d = editable(&platform, &user, &name).await?;
    let (form, upload) = read_multipart(&platform, multipart, &ctx).await?;
    let written = write_resource(&platform, &user, &d, None, &form, upload).await;
    resource_saved(&platform, &told, page, &d, None, form, written).await
}

/// A resource of a dataset this person may edit.
async fn editable_resource(
    platform: &Platform,
    user: &CurrentUser,
    name: &str,
    id: &str,
) -> Result<(Dataset, ResourceRow)> {
    let d = editable(platform, user, name).await?;
    let id = Uuid::parse_str(id).map_err(|_| Error::NotFound)?;
    let r = d
        .resources
        .iter()
        .find(|r| r.id == id)
        .cloned()
        .ok_or(Error::NotFound)?;
    Ok((d, r))
}

async fn edit_resource(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response> {
    let (d, r) = editable_resource(&platform, &user, &name, &id).await?;
    let form = ResourceForm::from_row(&r);
    resource_page(&platform, page, &d, Some(r), form, FormErrors::default()).await
}

async fn save_resource(
    platform: Platform,
    Extension(told): Extension<Told>,
    ctx: RequestContext,
    page: Page,
    SignedIn(user): SignedIn,
    Path((name, id)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response> {
    let (d, r) = editable_resource(&platform, &user, &name, &id).await?;
    let (form, upload) = read_multipart(&platform, multipart, &ctx).await?;
    let written = write_resource(&platform, &user, &d, Some(&r), &form, upload).await;
    resource_saved(&platform, &told, page, &d, Some(r), form, written).await
}

#[derive(askama::Template)]
#[template(path = "catalogue/resource_delete.html")]
struct DeletePage {
    page: Page,
    dataset: String,
    resource: ResourceRow,
    question: String,
}

async fn confirm_delete(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response> {
    let (d, r) = editable_resource(&platform, &user, &name, &id).await?;
    let page = titled(
        dataset_crumbs(page, &d),
        "catalogue-resource-delete-title",
        &format!("/dataset/{}/resource/{}/delete", d.row.name, r.id),
    );
    let resource_name = match r.name().get(page.lang) {
        "" => r.format.clone(),
        n => n.to_string(),
    };
    let question = page.lang.t_args(
        "catalogue-resource-delete-question",
        &[
            ("name", resource_name),
            ("dataset", d.row.title().get(page.lang).to_string()),
        ],
    );
    render_status(
        StatusCode::OK,
        &DeletePage {
            dataset: d.row.name.clone(),
            resource: r,
            question,
            page,
        },
    )
}

async fn delete_resource(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((name, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let (d, r) = editable_resource(&platform, &user, &name, &id).await?;
    let mut tx = platform.db.begin().await?;
    store::delete_resource(&mut tx, &user.actor(), &r).await?;
    tx.commit().await?;
    Ok(see_other(&format!(
        "{}?notice=notice-catalogue-resource-deleted#resources",
        page.url(&format!("/dataset/{}", d.row.name))
    )))
}
