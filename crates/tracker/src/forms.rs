//! The forms that write the tracker: action plans (administrators); commitments and projects
//! with every field of the template, in English and French (the lead organization's editors and
//! administrators); deleting and reordering milestones. Each write is one transaction with the
//! audit log; a refusal shows every problem, each named after its field, and stores nothing.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use platform::auth::{CurrentUser, Role};
use platform::forms::FieldLabels;
use platform::web::{CsrfForm, FormErrors, SignedIn, render_status, see_other};
use platform::{Bilingual, Error, Page, Platform, Result};
use serde::Deserialize;
use uuid::Uuid;

use crate::model::{Kind, OgpValue, Status};
use crate::pages::{
    find_item, find_milestone, form_page, item_crumbs, position, require_admin, require_team,
};
use crate::store::{
    self, Contact, Item, ItemInput, OrgRef, Plan, PlanInput, Theme, ValueRelevance,
};

pub fn routes() -> Router {
    Router::new()
        .route("/tracker/new", get(item_new).post(item_create))
        .route("/tracker/plans/new", get(plan_new).post(plan_create))
        .route("/tracker/plans/{slug}/edit", get(plan_edit).post(plan_save))
        .route(
            "/tracker/{kind}/{slug}/edit",
            get(item_edit).post(item_save),
        )
        .route(
            "/tracker/{kind}/{slug}/milestones/{n}/delete",
            post(milestone_delete),
        )
        .route(
            "/tracker/{kind}/{slug}/milestones/{n}/move",
            post(milestone_move),
        )
}

// ---- what forms share ----

/// A submitted form: every field by name (checkboxes are present when ticked).
#[derive(Deserialize, Default, Clone)]
#[serde(transparent)]
pub struct Fields(HashMap<String, String>);

impl Fields {
    pub fn v(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn on(&self, name: &str) -> bool {
        !self.v(name).is_empty()
    }
    fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }
    fn set_pair(&mut self, name: &str, b: &Bilingual) {
        self.set(format!("{name}_en"), b.en.clone());
        self.set(format!("{name}_fr"), b.fr.clone());
    }
    fn pair(&self, name: &str) -> Bilingual {
        Bilingual::new(self.v(&format!("{name}_en")), self.v(&format!("{name}_fr")))
    }
}

/// One field of a form as the template draws it.
pub struct Field {
    pub name: String,
    pub label: String,
    pub value: String,
    pub hint: String,
    /// A text area rather than a line.
    pub long: bool,
    pub required: bool,
}

/// A group of fields under a heading.
pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub fields: Vec<Field>,
}

struct FieldMaker<'a> {
    page: &'a Page,
    form: &'a Fields,
}

impl FieldMaker<'_> {
    fn one(&self, name: &str, label_key: &str, long: bool) -> Field {
        Field {
            name: name.to_string(),
            label: self.page.t(label_key),
            value: self.form.v(name).to_string(),
            hint: String::new(),
            long,
            required: false,
        }
    }
    /// The English and French fields of one bilingual text.
    fn pair(&self, name: &str, label_key: &str, long: bool) -> [Field; 2] {
        let label = self.page.t(label_key);
        let in_lang = |lang: &str| {
            let key = format!("{name}_{lang}");
            Field {
                label: self.page.lang.t_args(
                    &format!("tracker-form-in-{lang}"),
                    &[("field", label.clone())],
                ),
                value: self.form.v(&key).to_string(),
                name: key,
                hint: String::new(),
                long,
                required: false,
            }
        };
        [in_lang("en"), in_lang("fr")]
    }
}

fn parse_number(
    errors: &mut Vec<platform::error::FieldError>,
    field: &str,
    v: &str,
) -> Option<i64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    let n = v.parse().ok();
    if n.is_none() {
        errors.push(platform::error::FieldError::new(
            field,
            "error-not-a-number",
        ));
    }
    n
}

// ---- commitments and projects ----

const ITEM_NAMES: &[(&str, &str, &str)] = &[
    ("kind", "title_en", "tracker-form-kind"),
    ("slug", "title_en", "tracker-form-title"),
    ("title", "title_en", "tracker-form-title"),
    ("plan", "plan", "tracker-filter-plan"),
    ("number", "number", "tracker-form-number"),
    ("organization", "organization", "tracker-lead-organization"),
    ("contact.email", "contact_email", "tracker-contact-email"),
    ("themes", "themes", "tracker-form-themes"),
    ("origin_process", "origin_process", "tracker-origin-process"),
    ("origin_ideas", "origin_ideas", "tracker-form-origin-ideas"),
    ("source_url", "source_url", "tracker-source-url"),
    ("status_override", "title_en", "tracker-filter-status"),
];

/// Reads the ideas box: one idea a line, by its address (…/ideas/ID) or id.
fn idea_ids(text: &str, errors: &mut Vec<platform::error::FieldError>) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let last = line
            .split(['#', '?'])
            .next()
            .unwrap_or(line)
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(line);
        match Uuid::parse_str(last) {
            Ok(id) => ids.push(id),
            Err(_) => errors.push(platform::error::FieldError::with(
                "origin_ideas",
                platform::error::Msg::new("tracker-error-origin-idea-line")
                    .arg("line", i + 1)
                    .arg("value", line),
            )),
        }
    }
    ids
}

fn item_input(form: &Fields, kind: Kind, themes: &[Theme]) -> Result<ItemInput> {
    let mut errors = Vec::new();
    let origin_ideas = idea_ids(form.v("origin_ideas"), &mut errors);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(ItemInput {
        kind: kind.as_str().into(),
        plan: form.v("plan").into(),
        number: form.v("number").into(),
        ogp_id: form.v("ogp_id").into(),
        organization: form.v("organization").into(),
        title: form.pair("title"),
        short_title: form.pair("short_title"),
        lead_team: form.pair("lead_team"),
        contact: Contact {
            name: form.v("contact_name").into(),
            role: form.pair("contact_role"),
            email: form.v("contact_email").into(),
        },
        actors_government: form.pair("actors_government"),
        actors_civil_society: form.pair("actors_civil_society"),
        status_quo: form.pair("status_quo"),
        objective: form.pair("objective"),
        description: form.pair("description"),
        values_intro: form.pair("values_intro"),
        values: OgpValue::ALL
            .iter()
            .map(|v| ValueRelevance {
                value: *v,
                relevant: form.on(&format!("value_{}", v.as_str())),
                text: form.pair(&format!("value_{}", v.as_str())),
            })
            .collect(),
        ambition: form.pair("ambition"),
        themes: themes
            .iter()
            .filter(|t| form.on(&format!("theme-{}", t.slug)))
            .map(|t| t.slug.clone())
            .collect(),
        origin_process: form.v("origin_process").into(),
        origin_ideas,
        source_url: form.v("source_url").into(),
        ..ItemInput::default()
    })
}

async fn item_fields(platform: &Platform, item: &Item) -> Result<Fields> {
    let mut f = Fields::default();
    let plan = match item.plan_id {
        Some(id) => store::plan_by_id(&platform.db, id).await?,
        None => None,
    };
    let org = platform::orgs::find(&platform.db, item.organization_id).await?;
    f.set("plan", plan.map(|p| p.slug).unwrap_or_default());
    f.set("organization", org.map(|o| o.slug).unwrap_or_default());
    f.set("number", item.number.clone());
    f.set("ogp_id", item.ogp_id.clone());
    f.set("source_url", item.source_url.clone());
    f.set_pair("title", &item.title);
    f.set_pair("short_title", &item.short_title);
    f.set_pair("lead_team", &item.lead_team);
    f.set("contact_name", item.contact.name.clone());
    f.set_pair("contact_role", &item.contact.role);
    f.set("contact_email", item.contact.email.clone());
    f.set_pair("actors_government", &item.actors_government);
    f.set_pair("actors_civil_society", &item.actors_civil_society);
    f.set_pair("status_quo", &item.status_quo);
    f.set_pair("objective", &item.objective);
    f.set_pair("description", &item.description);
    f.set_pair("values_intro", &item.values_intro);
    for v in &item.values {
        let name = format!("value_{}", v.value.as_str());
        if v.relevant {
            f.set(name.clone(), "on");
        }
        f.set_pair(&name, &v.text);
    }
    f.set_pair("ambition", &item.ambition);
    for slug in store::theme_slugs(&platform.db, item.id).await? {
        f.set(format!("theme-{slug}"), "on");
    }
    if let Some(id) = item.origin_process_id
        && let Some(p) = dialogue::processes::find_by_id(&platform.db, id).await?
    {
        f.set("origin_process", p.process.slug);
    }
    let ideas = store::origin_ideas(&platform.db, item.id).await?;
    f.set(
        "origin_ideas",
        ideas
            .iter()
            .map(|id| format!("/en/ideas/{id}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    Ok(f)
}

/// A co-creation process as the origin choice shows it.
pub struct ProcessChoice {
    pub slug: String,
    pub title: Bilingual,
}

#[derive(askama::Template)]
#[template(path = "tracker/item_form.html")]
struct ItemFormPage {
    page: Page,
    kind: Kind,
    /// The item being changed; none for a new one.
    item: Option<Item>,
    form: Fields,
    errors: FormErrors,
    sections: Vec<Section>,
    plans: Vec<Plan>,
    organizations: Vec<OrgRef>,
    themes: Vec<Theme>,
    processes: Vec<ProcessChoice>,
}

impl ItemFormPage {
    fn action(&self) -> String {
        match &self.item {
            Some(item) => self.page.url(&format!("{}/edit", item.path())),
            None => self.page.url("/tracker/new"),
        }
    }
    fn cancel(&self) -> String {
        match &self.item {
            Some(item) => self.page.url(&item.path()),
            None => self.page.url("/tracker"),
        }
    }
    fn values(&self) -> &'static [OgpValue] {
        OgpValue::ALL
    }
    fn value_field(&self, v: &OgpValue) -> String {
        format!("value_{}", v.as_str())
    }
    fn value_text(&self, v: &OgpValue) -> [Field; 2] {
        let maker = FieldMaker {
            page: &self.page,
            form: &self.form,
        };
        let [mut en, mut fr] = maker.pair(&self.value_field(v), v.label_key(), true);
        en.hint = self.page.t("tracker-form-value-hint");
        fr.hint = en.hint.clone();
        [en, fr]
    }
    fn theme_field(&self, t: &Theme) -> String {
        format!("theme-{}", t.slug)
    }
    fn is_commitment(&self) -> bool {
        self.kind == Kind::Commitment
    }
}

fn item_sections(page: &Page, form: &Fields, kind: Kind) -> Vec<Section> {
    let m = FieldMaker { page, form };
    let [mut title_en, title_fr] = m.pair("title", "tracker-form-title", false);
    title_en.required = true;
    title_en.hint = page.t("tracker-form-title-hint");
    let mut basics = vec![title_en, title_fr];
    basics.extend(m.pair("short_title", "tracker-short-title", false));
    if kind == Kind::Commitment {
        let mut number = m.one("number", "tracker-form-number", false);
        number.required = true;
        number.hint = page.t("tracker-form-number-hint");
        basics.insert(0, number);
        let mut ogp = m.one("ogp_id", "tracker-form-ogp-id", false);
        ogp.hint = page.t("tracker-form-ogp-id-hint");
        basics.push(ogp);
    }
    let mut source = m.one("source_url", "tracker-source-url", false);
    source.hint = page.t("tracker-form-source-url-hint");
    basics.push(source);

    let mut lead: Vec<Field> = m.pair("lead_team", "tracker-lead-team", false).into();
    lead.push(m.one("contact_name", "tracker-contact-name", false));
    lead.extend(m.pair("contact_role", "tracker-contact-role", false));
    lead.push(m.one("contact_email", "tracker-contact-email", false));

    let mut actors: Vec<Field> = Vec::new();
    for (name, key) in [
        ("actors_government", "tracker-actors-government"),
        ("actors_civil_society", "tracker-actors-civil-society"),
    ] {
        for mut f in m.pair(name, key, true) {
            f.hint = page.t("tracker-form-one-per-line");
            actors.push(f);
        }
    }
    let mut problem: Vec<Field> = Vec::new();
    for (name, key) in [
        ("status_quo", "tracker-section-status-quo"),
        ("objective", "tracker-section-objective"),
        ("description", "tracker-section-description"),
    ] {
        problem.extend(m.pair(name, key, true));
    }
    let section = |id, key: &str, fields| Section {
        id,
        title: page.t(key),
        fields,
    };
    vec![
        section("basics", "tracker-form-section-basics", basics),
        section("lead", "tracker-section-lead", lead),
        section("actors", "tracker-section-actors", actors),
        section("problem", "tracker-form-section-problem", problem),
        section(
            "values",
            "tracker-section-values",
            m.pair("values_intro", "tracker-form-values-intro", true)
                .into(),
        ),
        section(
            "ambition",
            "tracker-section-ambition",
            m.pair("ambition", "tracker-section-ambition", true).into(),
        ),
    ]
}

/// Who may create items at all: administrators, and editors of an organization.
fn require_editor(user: &CurrentUser) -> Result<()> {
    if user.is_admin() || (user.role == Role::Editor && !user.organizations.is_empty()) {
        Ok(())
    } else {
        Err(Error::forbidden("tracker-error-not-team"))
    }
}

#[allow(clippy::too_many_arguments)]
async fn item_form_page(
    platform: &Platform,
    page: Page,
    user: &CurrentUser,
    kind: Kind,
    item: Option<Item>,
    form: Fields,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let page = match &item {
        Some(item) => form_page(
            item_crumbs(page, item),
            "tracker-form-edit-title",
            item,
            "/edit",
        ),
        None => {
            let key = match kind {
                Kind::Commitment => "tracker-form-new-commitment",
                Kind::Project => "tracker-form-new-project",
            };
            let page = page.titled(key);
            let (title, tracker) = (page.title.clone(), page.t("tracker-title"));
            page.crumb(tracker, "/tracker").crumb(title, "/tracker/new")
        }
    };
    let organizations = platform::orgs::list(&platform.db)
        .await?
        .iter()
        .filter(|o| user.can_edit_for(o.id))
        .map(OrgRef::from)
        .collect();
    let processes = dialogue::processes::list(&platform.db)
        .await?
        .into_iter()
        .map(|p| ProcessChoice {
            slug: p.process.slug.clone(),
            title: p.process.title(),
        })
        .collect();
    let sections = item_sections(&page, &form, kind);
    render_status(
        status,
        &ItemFormPage {
            page,
            kind,
            item,
            form,
            errors,
            sections,
            plans: store::plans(&platform.db).await?,
            organizations,
            themes: store::themes(&platform.db).await?,
            processes,
        },
    )
}

#[derive(Deserialize, Default)]
struct KindQuery {
    #[serde(default)]
    kind: String,
}

fn kind_of(code: &str) -> Result<Kind> {
    Kind::parse(code).ok_or(Error::NotFound)
}

async fn item_new(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Query(q): Query<KindQuery>,
) -> Result<Response> {
    require_editor(&user)?;
    let kind = kind_of(if q.kind.is_empty() {
        "commitment"
    } else {
        &q.kind
    })?;
    let mut form = Fields::default();
    if let [only] = user.organizations.as_slice()
        && let Some(org) = platform::orgs::find(&platform.db, *only).await?
    {
        form.set("organization", org.slug);
    }
    item_form_page(
        &platform,
        page,
        &user,
        kind,
        None,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Refuses a lead organization the person does not edit for.
async fn check_organization(platform: &Platform, user: &CurrentUser, form: &Fields) -> Result<()> {
    if let Some(org) =
        platform::orgs::find_by_slug(&platform.db, form.v("organization").trim()).await?
        && !user.can_edit_for(org.id)
    {
        return Err(Error::field(
            "organization",
            "tracker-error-organization-not-yours",
        ));
    }
    Ok(())
}

async fn item_create(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response> {
    require_editor(&user)?;
    let kind = kind_of(form.v("kind"))?;
    let themes = store::themes(&platform.db).await?;
    let outcome = async {
        check_organization(&platform, &user, &form).await?;
        let input = item_input(&form, kind, &themes)?;
        platform
            .db
            .write(async |tx| store::create_item(tx, &user.actor(), input).await)
            .await
    }
    .await;
    match outcome {
        Ok(item) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-item-saved",
            page.url(&item.path())
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::controls(&page, ITEM_NAMES).errors(&page, &e);
            item_form_page(
                &platform,
                page,
                &user,
                kind,
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

async fn item_edit(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let form = item_fields(&platform, &item).await?;
    let kind = item.kind;
    item_form_page(
        &platform,
        page,
        &user,
        kind,
        Some(item),
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn item_save(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let themes = store::themes(&platform.db).await?;
    let outcome = async {
        check_organization(&platform, &user, &form).await?;
        let mut input = item_input(&form, item.kind, &themes)?;
        // What the form does not show stays as it is: the steps of the origin, the OGP id of a
        // project, and a status set through progress updates.
        input.origin = item.origin.clone();
        input.status_override = item
            .status_override
            .map(|s: Status| s.as_str().to_string())
            .unwrap_or_default();
        if item.kind == Kind::Project {
            input.ogp_id = item.ogp_id.clone();
        }
        platform
            .db
            .write(async |tx| store::update_item(tx, &user.actor(), &item, input).await)
            .await
    }
    .await;
    match outcome {
        Ok(saved) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-item-saved",
            page.url(&saved.path())
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::controls(&page, ITEM_NAMES).errors(&page, &e);
            let kind = item.kind;
            item_form_page(
                &platform,
                page,
                &user,
                kind,
                Some(item),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ---- action plans ----

const PLAN_NAMES: &[(&str, &str, &str)] = &[
    ("title", "title_en", "tracker-form-title"),
    ("slug", "title_en", "tracker-form-title"),
    ("plan_number", "plan_number", "tracker-form-plan-number"),
    ("year_submitted", "year_submitted", "tracker-form-plan-year"),
];

#[derive(askama::Template)]
#[template(path = "tracker/plan_form.html")]
struct PlanFormPage {
    page: Page,
    plan: Option<Plan>,
    errors: FormErrors,
    fields: Vec<Field>,
}

impl PlanFormPage {
    fn action(&self) -> String {
        match &self.plan {
            Some(p) => self.page.url(&format!("/tracker/plans/{}/edit", p.slug)),
            None => self.page.url("/tracker/plans/new"),
        }
    }
    fn cancel(&self) -> String {
        match &self.plan {
            Some(p) => self.page.url(&format!("/tracker/plans/{}", p.slug)),
            None => self.page.url("/tracker/plans"),
        }
    }
}

fn plan_fields(page: &Page, form: &Fields) -> Vec<Field> {
    let m = FieldMaker { page, form };
    let [mut title_en, title_fr] = m.pair("title", "tracker-form-title", false);
    title_en.required = true;
    title_en.hint = page.t("tracker-form-title-hint");
    let mut fields = vec![title_en, title_fr];
    fields.extend(m.pair("summary", "tracker-form-plan-summary", true));
    let mut number = m.one("plan_number", "tracker-form-plan-number", false);
    number.required = true;
    number.hint = page.t("tracker-form-plan-number-hint");
    fields.push(m.one("country", "tracker-form-plan-country", false));
    fields.push(m.one("region", "tracker-form-plan-region", false));
    fields.push(number);
    fields.push(m.one("year_submitted", "tracker-form-plan-year", false));
    fields
}

fn plan_input(form: &Fields) -> Result<PlanInput> {
    let mut errors = Vec::new();
    let plan_number = parse_number(&mut errors, "plan_number", form.v("plan_number"));
    let year_submitted = parse_number(&mut errors, "year_submitted", form.v("year_submitted"));
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(PlanInput {
        slug: String::new(),
        title: form.pair("title"),
        summary: form.pair("summary"),
        country: form.v("country").into(),
        region: form.v("region").into(),
        plan_number: plan_number.unwrap_or(0),
        year_submitted,
    })
}

fn plan_form_page(
    page: Page,
    plan: Option<Plan>,
    form: &Fields,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let page = match &plan {
        Some(p) => {
            let page = page.titled("tracker-form-edit-plan");
            let (title, tracker, plans) = (
                page.title.clone(),
                page.t("tracker-title"),
                page.t("tracker-plans-title"),
            );
            let name = p.title.get(page.lang).to_string();
            page.crumb(tracker, "/tracker")
                .crumb(plans, "/tracker/plans")
                .crumb(name, &format!("/tracker/plans/{}", p.slug))
                .crumb(title, &format!("/tracker/plans/{}/edit", p.slug))
        }
        None => {
            let page = page.titled("tracker-form-new-plan");
            let (title, tracker, plans) = (
                page.title.clone(),
                page.t("tracker-title"),
                page.t("tracker-plans-title"),
            );
            page.crumb(tracker, "/tracker")
                .crumb(plans, "/tracker/plans")
                .crumb(title, "/tracker/plans/new")
        }
    };
    let fields = plan_fields(&page, form);
    render_status(
        status,
        &PlanFormPage {
            page,
            plan,
            errors,
            fields,
        },
    )
}

async fn find_plan(platform: &Platform, slug: &str) -> Result<Plan> {
    store::plan_by_slug(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)
}

async fn plan_new(page: Page, SignedIn(user): SignedIn) -> Result<Response> {
    require_admin(&user)?;
    plan_form_page(
        page,
        None,
        &Fields::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
}

async fn plan_create(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response> {
    require_admin(&user)?;
    let outcome = async {
        let input = plan_input(&form)?;
        platform
            .db
            .write(async |tx| store::create_plan(tx, &user.actor(), input).await)
            .await
    }
    .await;
    match outcome {
        Ok(plan) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-plan-saved",
            page.url(&format!("/tracker/plans/{}", plan.slug))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::controls(&page, PLAN_NAMES).errors(&page, &e);
            plan_form_page(page, None, &form, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

async fn plan_edit(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    require_admin(&user)?;
    let plan = find_plan(&platform, &slug).await?;
    let mut form = Fields::default();
    form.set_pair("title", &plan.title);
    form.set_pair("summary", &plan.summary);
    form.set("country", plan.country.clone());
    form.set("region", plan.region.clone());
    form.set("plan_number", plan.plan_number.to_string());
    form.set(
        "year_submitted",
        plan.year_submitted
            .map(|y| y.to_string())
            .unwrap_or_default(),
    );
    plan_form_page(
        page,
        Some(plan),
        &form,
        FormErrors::default(),
        StatusCode::OK,
    )
}

async fn plan_save(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response> {
    require_admin(&user)?;
    let plan = find_plan(&platform, &slug).await?;
    let outcome = async {
        let input = plan_input(&form)?;
        platform
            .db
            .write(async |tx| store::update_plan(tx, &user.actor(), &plan, input).await)
            .await
    }
    .await;
    match outcome {
        Ok(saved) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-plan-saved",
            page.url(&format!("/tracker/plans/{}", saved.slug))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::controls(&page, PLAN_NAMES).errors(&page, &e);
            plan_form_page(
                page,
                Some(plan),
                &form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e),
    }
}

// ---- deleting and moving milestones ----

async fn milestone_delete(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug, n)): Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<Fields>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let m = find_milestone(&platform, &item, position(&n)?).await?;
    platform
        .db
        .write(async |tx| store::delete_milestone(tx, &user.actor(), &item, &m).await)
        .await?;
    Ok(see_other(&format!(
        "{}?notice=notice-tracker-milestone-deleted#milestones",
        page.url(&item.path())
    )))
}

async fn milestone_move(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug, n)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<Fields>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let m = find_milestone(&platform, &item, position(&n)?).await?;
    let to = form
        .v("to")
        .trim()
        .parse::<i64>()
        .map_err(|_| Error::field("to", "error-not-a-number"))?;
    platform
        .db
        .write(async |tx| store::move_milestone(tx, &user.actor(), &item, &m, to).await)
        .await?;
    Ok(see_other(&format!(
        "{}?notice=notice-tracker-milestone-moved#milestone-{to}",
        page.url(&item.path())
    )))
}
