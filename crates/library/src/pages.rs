//! The library's pages: the list of documents, the collective agreements with their filters, a
//! document with its pages' text, and the staff forms to add, edit and withdraw documents. Every
//! page works without JavaScript, in English and French.

use axum::Router;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use platform::auth::CurrentUser;
use platform::body::large_body;
use platform::forms::FieldLabels;
use platform::orgs::{self, Organization};
use platform::web::{
    CsrfForm, FormErrors, Pager, RequestContext, SignedIn, constant_time_eq, render, render_status,
    see_other,
};
use platform::{Error, FieldError, Page, Platform, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::agreements::{self, AgreementFilter};
use crate::documents::{self, DocumentInput, Filter};
use crate::files::{self, Received};
use crate::model::{self, Access, DocLang, Document, Kind, TYPED_FIELDS};

const PER_PAGE: i64 = 25;

pub fn router() -> Router {
    Router::new()
        .route("/library", get(library))
        .route("/library/agreements", get(agreements_list))
        .route("/library/new", large_body(get(new_form).post(create)))
        .route("/library/{id}", get(document))
        .route("/library/{id}/edit", large_body(get(edit_form).post(save)))
        .route("/library/{id}/withdraw", get(withdraw_form).post(withdraw))
}

/// The label of each form field, for the error summary.
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("kind", "library-field-kind"),
    ("organization_id", "library-field-organization"),
    ("title_en", "library-field-title-en"),
    ("title_fr", "library-field-title-fr"),
    ("summary_en", "library-field-summary-en"),
    ("summary_fr", "library-field-summary-fr"),
    ("language", "library-field-language"),
    ("access", "library-field-access"),
    ("restricted_reason", "library-field-restricted-reason"),
    ("source_url", "library-field-source-url"),
    ("employer", "library-field-employer"),
    ("union_name", "library-field-union-name"),
    ("sector", "library-field-sector"),
    ("location", "library-field-location"),
    ("starts_on", "library-field-starts-on"),
    ("expires_on", "library-field-expires-on"),
    ("employees_covered", "library-field-employees-covered"),
    ("minister", "library-field-minister"),
    ("ministry", "library-field-ministry"),
    ("letter_on", "library-field-letter-on"),
    ("pair_id", "library-field-pair-id"),
    ("file", "library-field-file"),
    ("reason", "library-field-withdraw-reason"),
    ("year", "library-filter-year"),
    ("expiring_within", "library-filter-expiring"),
];

fn errors(page: &Page, err: &Error) -> FormErrors {
    FieldLabels::keys(page, FIELD_LABELS).errors(page, err)
}

async fn load(platform: &Platform, id: &str) -> Result<Document> {
    let id = Uuid::parse_str(id).map_err(|_| Error::NotFound)?;
    documents::find(&platform.db, id)
        .await?
        .ok_or(Error::NotFound)
}

// ---- lists ---------------------------------------------------------------------------------

#[derive(askama::Template)]
#[template(path = "library/list.html")]
struct ListPage {
    page: Page,
    kind: String,
    kinds: Vec<(String, String)>,
    documents: Vec<Document>,
    pager: Pager,
    staff: bool,
}

async fn library(platform: Platform, page: Page) -> Result<Response> {
    let filter: Filter = page.params();
    let pager = Pager::new(&page, PER_PAGE);
    let (documents, total) =
        documents::list(&platform.db, &filter, PER_PAGE, pager.offset()).await?;
    let kinds = Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), page.t(k.label_key())))
        .collect();
    let staff = page.user.as_ref().is_some_and(is_staff);
    let page = page.titled("library-title");
    render(&ListPage {
        kind: Kind::parse(&filter.kind)
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        kinds,
        documents,
        pager: pager.with_total(total),
        staff,
        page,
    })
}

fn is_staff(user: &CurrentUser) -> bool {
    user.is_admin() || !user.editor_organizations().is_empty()
}

#[derive(askama::Template)]
#[template(path = "library/agreements.html")]
struct AgreementsPage {
    page: Page,
    filter: AgreementFilter,
    sectors: Vec<(String, String)>,
    locations: Vec<(String, String)>,
    agreements: Vec<Document>,
    pager: Pager,
    errors: FormErrors,
    csv_href: String,
}

impl AgreementsPage {
    fn expiring(&self) -> bool {
        !self.filter.expiring_within.is_empty()
    }
}

async fn agreements_list(platform: Platform, page: Page) -> Result<Response> {
    let filter: AgreementFilter = page.params();
    let pager = Pager::new(&page, PER_PAGE);
    let (sectors, locations) = agreements::choices(&platform.db).await?;
    let pairs = |v: Vec<String>| -> Vec<(String, String)> {
        v.into_iter().map(|s| (s.clone(), s)).collect()
    };
    let query = serde_urlencoded::to_string(&filter).unwrap_or_default();
    let csv_href = format!("/api/v1/library/agreements.csv?{query}");
    let (agreements, total, errors, status) = match filter.checked() {
        Ok(checked) => {
            let (rows, total) =
                agreements::list(&platform.db, &checked, PER_PAGE, pager.offset()).await?;
            (rows, total, FormErrors::default(), StatusCode::OK)
        }
        Err(e) => (
            Vec::new(),
            0,
            errors(&page, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let page = page.titled("library-agreements-title");
    let library = page.t("library-title");
    let page = page.crumb(library, "/library");
    render_status(
        status,
        &AgreementsPage {
            filter,
            sectors: pairs(sectors),
            locations: pairs(locations),
            agreements,
            pager: pager.with_total(total),
            errors,
            csv_href,
            page,
        },
    )
}

// ---- one document --------------------------------------------------------------------------

#[derive(askama::Template)]
#[template(path = "library/document.html")]
struct DocumentPage {
    page: Page,
    d: Document,
    organization: Option<Organization>,
    pair: Option<Document>,
    pages: Vec<model::Page>,
    versions: Vec<model::Version>,
    readable: bool,
    editable: bool,
}

impl DocumentPage {
    fn kind_label(&self) -> String {
        self.page.t(self.d.kind().label_key())
    }
    fn count(&self) -> String {
        self.d
            .employees_covered
            .map(|n| self.page.number(&n))
            .unwrap_or_default()
    }
    fn date(&self, d: &Option<time::Date>) -> String {
        d.map(|d| self.page.lang.date(d)).unwrap_or_default()
    }
    fn size(&self) -> String {
        let bytes = self.d.file_size.unwrap_or(0);
        if bytes >= 1 << 20 {
            format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
        } else {
            format!("{} kB", (bytes + 1023) / 1024)
        }
    }
    fn page_label(&self, p: &model::Page) -> String {
        self.page.t1("library-page-number", "number", p.page)
    }
}

async fn document(platform: Platform, page: Page, Path(id): Path<String>) -> Result<Response> {
    let d = load(&platform, &id).await?;
    let readable = d.readable_by(page.user.as_ref());
    let editable = page.user.as_ref().is_some_and(|u| d.editable_by(u));
    let organization = match d.organization_id {
        Some(o) => orgs::find(&platform.db, o).await?,
        None => None,
    };
    let pair = match d.pair_id {
        Some(p) => documents::find(&platform.db, p).await?,
        None => None,
    };
    let pages = if readable {
        documents::pages(&platform.db, d.id).await?
    } else {
        Vec::new()
    };
    let versions = documents::versions(&platform.db, d.id).await?;
    let title = d.title().get(page.lang).to_string();
    let page = page.with_title(title);
    let library = page.t("library-title");
    let page = page.crumb(library, "/library");
    let path = page.path.clone();
    let title = page.title.clone();
    let page = page.crumb(title, &path);
    render(&DocumentPage {
        page,
        d,
        organization,
        pair,
        pages,
        versions,
        readable,
        editable,
    })
}

// ---- staff forms ---------------------------------------------------------------------------

/// The document form as typed, every field as text, so that a refused form comes back filled in.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DocumentForm {
    pub kind: String,
    pub organization_id: String,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub language: String,
    pub access: String,
    pub restricted_reason: String,
    pub source_url: String,
    pub employer: String,
    pub union_name: String,
    pub sector: String,
    pub location: String,
    pub starts_on: String,
    pub expires_on: String,
    pub employees_covered: String,
    pub minister: String,
    pub ministry: String,
    pub letter_on: String,
    pub pair_id: String,
}

impl DocumentForm {
    fn from_document(d: &Document) -> DocumentForm {
        let date = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        DocumentForm {
            kind: d.kind.clone(),
            organization_id: d.organization_id.map(|o| o.to_string()).unwrap_or_default(),
            title_en: d.title_en.clone(),
            title_fr: d.title_fr.clone(),
            summary_en: d.summary_en.clone(),
            summary_fr: d.summary_fr.clone(),
            language: d.language.clone(),
            access: d.access.clone(),
            restricted_reason: d.restricted_reason.clone(),
            source_url: d.source_url.clone(),
            employer: d.employer.clone(),
            union_name: d.union_name.clone(),
            sector: d.sector.clone(),
            location: d.location.clone(),
            starts_on: date(d.starts_on),
            expires_on: date(d.expires_on),
            employees_covered: d
                .employees_covered
                .map(|n| n.to_string())
                .unwrap_or_default(),
            minister: d.minister.clone(),
            ministry: d.ministry.clone(),
            letter_on: date(d.letter_on),
            pair_id: d.pair_id.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    fn value(&self, field: &str) -> &str {
        match field {
            "employer" => &self.employer,
            "union_name" => &self.union_name,
            "sector" => &self.sector,
            "location" => &self.location,
            "starts_on" => &self.starts_on,
            "expires_on" => &self.expires_on,
            "employees_covered" => &self.employees_covered,
            "minister" => &self.minister,
            "ministry" => &self.ministry,
            "letter_on" => &self.letter_on,
            "pair_id" => &self.pair_id,
            _ => "",
        }
    }

    /// The input the store checks, and the errors only the form can find (its organization).
    fn input(&self, user: &CurrentUser) -> (DocumentInput, Vec<FieldError>) {
        let mut e = Vec::new();
        let organization_id = match self.organization_id.trim() {
            "" => None,
            o => match Uuid::parse_str(o) {
                Ok(o) if user.is_admin() || user.can_edit_for(o) => Some(o),
                _ => {
                    e.push(FieldError::new(
                        "organization_id",
                        "library-error-no-organization",
                    ));
                    None
                }
            },
        };
        if organization_id.is_none() && !user.is_admin() && e.is_empty() {
            e.push(FieldError::new("organization_id", "error-required"));
        }
        let mut metadata = Map::new();
        for f in TYPED_FIELDS {
            let v = self.value(f).trim();
            if !v.is_empty() {
                metadata.insert(f.to_string(), Value::String(v.to_string()));
            }
        }
        (
            DocumentInput {
                kind: self.kind.clone(),
                organization_id,
                title_en: self.title_en.clone(),
                title_fr: self.title_fr.clone(),
                summary_en: self.summary_en.clone(),
                summary_fr: self.summary_fr.clone(),
                language: self.language.clone(),
                access: self.access.clone(),
                restricted_reason: self.restricted_reason.clone(),
                source_url: self.source_url.clone(),
                metadata,
            },
            e,
        )
    }
}

#[derive(askama::Template)]
#[template(path = "library/form.html")]
struct FormPage {
    page: Page,
    /// The document being changed, or none for a new one.
    editing: Option<Document>,
    form: DocumentForm,
    errors: FormErrors,
    orgs: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    accesses: Vec<(String, String)>,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.editing {
            Some(d) => self.page.url(&format!("/library/{}/edit", d.id)),
            None => self.page.url("/library/new"),
        }
    }
}

async fn form_page(
    platform: &Platform,
    page: Page,
    user: &CurrentUser,
    editing: Option<Document>,
    form: DocumentForm,
    errors: FormErrors,
) -> Result<Response> {
    let orgs = orgs::list(&platform.db)
        .await?
        .into_iter()
        .filter(|o| user.is_admin() || user.can_edit_for(o.id))
        .map(|o| (o.id.to_string(), o.title().get(page.lang).to_string()))
        .collect();
    let labels = |all: &[(&'static str, &'static str)]| {
        all.iter()
            .map(|(v, k)| (v.to_string(), page.t(k)))
            .collect::<Vec<_>>()
    };
    let kinds = Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), page.t(k.label_key())))
        .collect();
    let languages = labels(
        &DocLang::ALL
            .iter()
            .map(|l| (l.as_str(), l.label_key()))
            .collect::<Vec<_>>(),
    );
    let accesses = labels(
        &Access::ALL
            .iter()
            .map(|a| (a.as_str(), a.label_key()))
            .collect::<Vec<_>>(),
    );
    let status = if errors.0.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = match &editing {
        Some(d) => {
            let title = page.t1("library-edit-title", "title", d.title().get(page.lang));
            page.with_title(title)
        }
        None => page.titled("library-new-title"),
    };
    let library = page.t("library-title");
    let page = page.crumb(library, "/library");
    render_status(
        status,
        &FormPage {
            page,
            editing,
            form,
            errors,
            orgs,
            kinds,
            languages,
            accesses,
        },
    )
}

async fn new_form(platform: Platform, page: Page, SignedIn(user): SignedIn) -> Result<Response> {
    if !is_staff(&user) {
        return Err(Error::forbidden("library-error-staff-only"));
    }
    let form = DocumentForm {
        kind: Kind::Report.as_str().into(),
        organization_id: user
            .editor_organizations()
            .first()
            .map(|o| o.to_string())
            .unwrap_or_default(),
        language: "en".into(),
        access: "public".into(),
        ..Default::default()
    };
    form_page(&platform, page, &user, None, form, FormErrors::default()).await
}

/// The form's fields and file, its CSRF token checked.
async fn read_form(
    platform: &Platform,
    multipart: Multipart,
    ctx: &RequestContext,
) -> Result<(DocumentForm, Option<Received>)> {
    let (pairs, file) = files::read_multipart(platform, multipart).await?;
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
    Ok((form, file))
}

async fn create(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    SignedIn(user): SignedIn,
    multipart: Multipart,
) -> Result<Response> {
    if !is_staff(&user) {
        return Err(Error::forbidden("library-error-staff-only"));
    }
    let (form, file) = read_form(&platform, multipart, &ctx).await?;
    let (input, mut form_errors) = form.input(&user);
    if let Err(mut e) = documents::validate(&input) {
        form_errors.append(&mut e);
    }
    if !form_errors.is_empty() {
        let err = Error::Validation(form_errors);
        return form_page(
            &platform,
            page.clone(),
            &user,
            None,
            form,
            errors(&page, &err),
        )
        .await;
    }
    let actor = user.actor();
    let written = platform
        .db
        .write(async |tx| {
            let id = documents::create(tx, &actor, &input, &Default::default()).await?;
            if let Some(f) = &file {
                let d = documents::find(&mut *tx, id)
                    .await?
                    .ok_or(Error::NotFound)?;
                documents::set_file(tx, &actor, &d, &f.file).await?;
            }
            Ok(id)
        })
        .await;
    match written {
        Ok(id) => {
            if let Some(f) = file {
                f.kept();
            }
            platform::jobs::wake();
            Ok(see_other(&page.url(&format!("/library/{id}"))))
        }
        Err(e @ Error::Validation(_)) => {
            form_page(
                &platform,
                page.clone(),
                &user,
                None,
                form,
                errors(&page, &e),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn editable(platform: &Platform, user: &CurrentUser, id: &str) -> Result<Document> {
    let d = load(platform, id).await?;
    if !d.editable_by(user) {
        return Err(Error::forbidden("library-error-staff-only"));
    }
    Ok(d)
}

async fn edit_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Result<Response> {
    let d = editable(&platform, &user, &id).await?;
    let form = DocumentForm::from_document(&d);
    form_page(&platform, page, &user, Some(d), form, FormErrors::default()).await
}

async fn save(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response> {
    let d = editable(&platform, &user, &id).await?;
    let (form, file) = read_form(&platform, multipart, &ctx).await?;
    let (input, mut form_errors) = form.input(&user);
    if let Err(mut e) = documents::validate(&input) {
        form_errors.append(&mut e);
    }
    if !form_errors.is_empty() {
        let err = Error::Validation(form_errors);
        return form_page(
            &platform,
            page.clone(),
            &user,
            Some(d),
            form,
            errors(&page, &err),
        )
        .await;
    }
    let actor = user.actor();
    let written = platform
        .db
        .write(async |tx| {
            documents::update(tx, &actor, &d, &input).await?;
            if let Some(f) = &file {
                let now = documents::find(&mut *tx, d.id)
                    .await?
                    .ok_or(Error::NotFound)?;
                documents::set_file(tx, &actor, &now, &f.file).await?;
            }
            Ok(())
        })
        .await;
    match written {
        Ok(()) => {
            if let Some(f) = file {
                f.kept();
            }
            platform::jobs::wake();
            Ok(see_other(&page.url(&format!("/library/{}", d.id))))
        }
        Err(e @ Error::Validation(_)) => {
            form_page(
                &platform,
                page.clone(),
                &user,
                Some(d),
                form,
                errors(&page, &e),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(askama::Template)]
#[template(path = "library/withdraw.html")]
struct WithdrawPage {
    page: Page,
    d: Document,
    reason: String,
    errors: FormErrors,
}

fn withdraw_page(page: Page, d: Document, reason: String, errors: FormErrors) -> Result<Response> {
    let title = page.t1("library-withdraw-title", "title", d.title().get(page.lang));
    let page = page.with_title(title);
    let library = page.t("library-title");
    let page = page.crumb(library, "/library");
    let status = if errors.0.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &WithdrawPage {
            page,
            d,
            reason,
            errors,
        },
    )
}

async fn withdraw_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Result<Response> {
    let d = editable(&platform, &user, &id).await?;
    withdraw_page(page, d, String::new(), FormErrors::default())
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<WithdrawForm>,
) -> Result<Response> {
    let d = editable(&platform, &user, &id).await?;
    let actor = user.actor();
    match platform
        .db
        .write(async |tx| documents::withdraw(tx, &actor, &d, &form.reason).await)
        .await
    {
        Ok(()) => Ok(see_other(&page.url(&format!("/library/{}", d.id)))),
        Err(e @ Error::Validation(_)) => {
            let shown = errors(&page, &e);
            withdraw_page(page, d, form.reason, shown)
        }
        Err(e) => Err(e),
    }
}
