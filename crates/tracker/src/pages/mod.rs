//! The tracker's pages: the list with filters, a commitment or project with everything about it,
//! the timeline, the printable action plan, the forms the responsible team uses (progress
//! updates, milestones), IRM assessments and the OGP CSV import for administrators.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use platform::auth::CurrentUser;
use platform::forms::FieldLabels;
use platform::web::{CsrfForm, FormErrors, Pager, SignedIn, render, render_status, see_other};
use platform::{Bilingual, Error, Lang, Page, Platform, Result};
use serde::Deserialize;
use uuid::Uuid;

use crate::gantt::{self, Chart, Group};
use crate::model::{
    Completion, EvidenceKind, Impact, Kind, Novelty, OgpValue, OpenedGovernment, Specificity,
    Status, today,
};
use crate::origin::TrailIdea;
use crate::store::{
    self, AssessmentInput, Detail, EvidenceInput, Filter, Item, Milestone, MilestoneInput, OrgRef,
    Plan, Summary, Theme, Update, UpdateInput,
};

mod housekeeping;
mod ogp_csv;

use ogp_csv::*;

pub fn routes() -> Router {
    Router::new()
        .route("/tracker", get(index))
        .route("/tracker/timeline", get(timeline))
        .route("/tracker/plans", get(plans))
        .route("/tracker/plans/{slug}", get(plan))
        .route("/tracker/feed.atom", get(crate::feed::site))
        .route("/tracker/export/ogp.csv", get(export_csv))
        .route(
            "/tracker/import",
            platform::body::large_body(get(import_form).post(import)),
        )
        .route("/tracker/items/{id}", get(item_by_id))
        .route("/tracker/{kind}/{slug}", get(item_page))
        .route("/tracker/{kind}/{slug}/feed.atom", get(crate::feed::item))
        .route(
            "/tracker/{kind}/{slug}/updates",
            get(update_form).post(post_update),
        )
        .route(
            "/tracker/{kind}/{slug}/milestones",
            get(milestone_new).post(milestone_create),
        )
        .route(
            "/tracker/{kind}/{slug}/milestones/{n}",
            get(milestone_edit).post(milestone_save),
        )
        .route(
            "/tracker/{kind}/{slug}/assessments",
            get(assessment_form).post(assessment_create),
        )
        .merge(crate::forms::routes())
        .merge(housekeeping::routes())
}

// ---- showing bilingual text ----

/// How templates show bilingual fields.
pub trait Show {
    /// Paragraphs (at blank lines) of lines, in `lang` or else the other language.
    fn paras(&self, lang: Lang) -> Vec<Vec<String>>;
    /// The non-empty lines.
    fn list(&self, lang: Lang) -> Vec<String>;
    /// Markdown, rendered and sanitized.
    fn md(&self, lang: Lang) -> String;
    fn blank(&self) -> bool;
}

impl Show for Bilingual {
    fn paras(&self, lang: Lang) -> Vec<Vec<String>> {
        crate::model::paragraphs(self.get(lang))
    }
    fn list(&self, lang: Lang) -> Vec<String> {
        crate::model::lines(self.get(lang))
    }
    fn md(&self, lang: Lang) -> String {
        platform::markdown::render(self.get(lang))
    }
    fn blank(&self) -> bool {
        self.en.trim().is_empty() && self.fr.trim().is_empty()
    }
}

fn can_edit(user: &Option<CurrentUser>, item: &Item) -> bool {
    user.as_ref()
        .is_some_and(|u| u.can_edit_for(item.organization_id))
}

pub(crate) async fn find_item(platform: &Platform, kind: &str, slug: &str) -> Result<Item> {
    let kind = Kind::from_segment(kind).ok_or(Error::NotFound)?;
    store::item_by_slug(&platform.db, slug)
        .await?
        .filter(|i| i.kind == kind)
        .ok_or(Error::NotFound)
}

pub(crate) fn item_crumbs(page: Page, item: &Item) -> Page {
    let label = item.label().get(page.lang).to_string();
    let tracker = page.t("tracker-title");
    page.crumb(tracker, "/tracker").crumb(label, &item.path())
}

/// What the filter forms offer.
struct Choices {
    plans: Vec<Plan>,
    organizations: Vec<OrgRef>,
    themes: Vec<Theme>,
}

async fn choices(platform: &Platform) -> Result<Choices> {
    let used = store::organizations_in_use(&platform.db).await?;
    let organizations = platform::orgs::list(&platform.db)
        .await?
        .iter()
        .filter(|o| used.contains(&o.id))
        .map(OrgRef::from)
        .collect();
    Ok(Choices {
        plans: store::plans(&platform.db).await?,
        organizations,
        themes: store::themes(&platform.db).await?,
    })
}

// ---- the list ----

#[derive(askama::Template)]
#[template(path = "tracker/index.html")]
struct IndexPage {
    page: Page,
    filter: Filter,
    choices: Choices,
    items: Vec<Summary>,
    pager: Pager,
}

const PER_PAGE: i64 = 20;

async fn index(platform: Platform, page: Page, Query(filter): Query<Filter>) -> Result<Response> {
    let page = page.titled("tracker-title");
    let all = crate::search::list(&platform, &filter, page.lang).await?;
    let pager = Pager::new(&page, PER_PAGE).with_total(all.len() as i64);
    let items = all
        .into_iter()
        .skip(pager.offset() as usize)
        .take(PER_PAGE as usize)
        .collect();
    let choices = choices(&platform).await?;
    render(&IndexPage {
        page,
        filter,
        choices,
        items,
        pager,
    })
}

impl IndexPage {
    fn selected(&self, field: &str, value: &str) -> bool {
        let current = match field {
            "kind" => &self.filter.kind,
            "plan" => &self.filter.plan,
            "status" => &self.filter.status,
            "organization" => &self.filter.organization,
            "theme" => &self.filter.theme,
            _ => return false,
        };
        current == value
    }
    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
    fn statuses(&self) -> &'static [Status] {
        Status::ALL
    }
    fn feed_url(&self) -> String {
        self.page.url("/tracker/feed.atom")
    }
}

// ---- one commitment or project ----

#[derive(askama::Template)]
#[template(path = "tracker/item.html")]
struct ItemPage {
    page: Page,
    d: Detail,
    chart: Option<Chart>,
    can_edit: bool,
    is_admin: bool,
}

impl ItemPage {
    fn milestone(&self, id: &Option<Uuid>) -> Option<&Milestone> {
        id.and_then(|id| self.d.summary.milestones.iter().find(|m| m.id == id))
    }
    fn has_evidence(&self) -> bool {
        self.d
            .summary
            .milestones
            .iter()
            .any(|m| !m.evidence.is_empty())
    }
    fn change(&self, u: &Update) -> Option<String> {
        change(self.page.lang, u)
    }
    fn status_change(&self, u: &Update) -> Option<String> {
        status_change(self.page.lang, u)
    }
    /// "2 of 5": an idea's rank among those it competed with.
    fn rank_text(&self, idea: &TrailIdea) -> Option<String> {
        let (rank, of) = (idea.rank?, idea.of?);
        Some(self.page.lang.t_args(
            "tracker-origin-rank-of",
            &[("rank", rank.to_string()), ("of", of.to_string())],
        ))
    }
}

/// Search hits know an item by its id; its page lives at its kind and slug.
async fn item_by_id(platform: Platform, page: Page, Path(id): Path<String>) -> Result<Response> {
    let id = Uuid::parse_str(&id).map_err(|_| Error::NotFound)?;
    let summary = store::summaries(&platform.db, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound)?;
    Ok(axum::response::Redirect::permanent(&page.url(&summary.item.path())).into_response())
}

async fn item_page(
    platform: Platform,
    page: Page,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    let can_edit = can_edit(&page.user, &item);
    let is_admin = page.user.as_ref().is_some_and(|u| u.is_admin());
    let d = store::detail(&platform.db, item).await?;
    let page = item_crumbs(page, &d.summary.item);
    let page = {
        let title = d.summary.item.title.get(page.lang).to_string();
        page.with_title(title)
    };
    let chart = gantt::build(
        &[Group {
            label: d.summary.item.label().get(page.lang).to_string(),
            milestones: &d.summary.milestones,
        }],
        today(),
        page.lang,
    );
    render(&ItemPage {
        page,
        d,
        chart,
        can_edit,
        is_admin,
    })
}

// ---- the timeline ----

#[derive(askama::Template)]
#[template(path = "tracker/timeline.html")]
struct TimelinePage {
    page: Page,
    filter: Filter,
    choices: Choices,
    items: Vec<Summary>,
    chart: Option<Chart>,
}

impl TimelinePage {
    fn selected(&self, field: &str, value: &str) -> bool {
        match field {
            "kind" => self.filter.kind == value,
            "plan" => self.filter.plan == value,
            "organization" => self.filter.organization == value,
            "theme" => self.filter.theme == value,
            _ => false,
        }
    }
    fn kinds(&self) -> &'static [Kind] {
        Kind::ALL
    }
    fn milestone_count(&self) -> usize {
        self.items.iter().map(|s| s.milestones.len()).sum()
    }
}

async fn timeline(
    platform: Platform,
    page: Page,
    Query(filter): Query<Filter>,
) -> Result<Response> {
    let page = page.titled("tracker-timeline-title");
    let title = page.title.clone();
    let tracker = page.t("tracker-title");
    let page = page
        .crumb(tracker, "/tracker")
        .crumb(title, "/tracker/timeline");
    let items = crate::search::list(&platform, &filter, page.lang).await?;
    let labels: Vec<String> = items
        .iter()
        .map(|s| item_heading(page.lang, &s.item))
        .collect();
    let groups: Vec<Group<'_>> = items
        .iter()
        .zip(&labels)
        .map(|(s, label)| Group {
            label: label.clone(),
            milestones: &s.milestones,
        })
        .collect();
    let chart = gantt::build(&groups, today(), page.lang);
    let choices = choices(&platform).await?;
    render(&TimelinePage {
        page,
        filter,
        choices,
        items,
        chart,
    })
}

/// "Commitment 1: Adopt the Open Data Charter" / "Project: …".
fn item_heading(lang: Lang, item: &Item) -> String {
    let label = item.label().get(lang);
    match item.kind {
        Kind::Commitment => format!(
            "{} {}: {label}",
            lang.t("tracker-kind-commitment"),
            item.number
        ),
        Kind::Project => format!("{}: {label}", lang.t("tracker-kind-project")),
    }
}

// ---- plans ----

#[derive(askama::Template)]
#[template(path = "tracker/plans.html")]
struct PlansPage {
    page: Page,
    plans: Vec<(Plan, i64)>,
}

async fn plans(platform: Platform, page: Page) -> Result<Response> {
    let page = page.titled("tracker-plans-title");
    let title = page.title.clone();
    let tracker = page.t("tracker-title");
    let page = page
        .crumb(tracker, "/tracker")
        .crumb(title, "/tracker/plans");
    let counts = store::commitments_per_plan(&platform.db).await?;
    let plans = store::plans(&platform.db)
        .await?
        .into_iter()
        .map(|p| {
            let n = counts.get(&p.id).copied().unwrap_or(0);
            (p, n)
        })
        .collect();
    render(&PlansPage { page, plans })
}

#[derive(askama::Template)]
#[template(path = "tracker/plan.html")]
struct PlanPage {
    page: Page,
    plan: Plan,
    items: Vec<Summary>,
}

async fn plan(platform: Platform, page: Page, Path(slug): Path<String>) -> Result<Response> {
    let plan = store::plan_by_slug(&platform.db, &slug)
        .await?
        .ok_or(Error::NotFound)?;
    let items = store::list(
        &platform.db,
        &Filter {
            kind: Kind::Commitment.as_str().into(),
            plan: plan.slug.clone(),
            ..Filter::default()
        },
    )
    .await?;
    let title = plan.title.get(page.lang).to_string();
    let tracker = page.t("tracker-title");
    let plans = page.t("tracker-plans-title");
    let page = page
        .with_title(title.clone())
        .crumb(tracker, "/tracker")
        .crumb(plans, "/tracker/plans")
        .crumb(title, &format!("/tracker/plans/{}", plan.slug));
    render(&PlanPage { page, plan, items })
}

// ---- progress updates ----

#[derive(Deserialize, Default, Clone)]
struct UpdateForm {
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    body_fr: String,
    #[serde(default)]
    milestone: String,
    #[serde(default)]
    completion: String,
    #[serde(default)]
    evidence_kind: String,
    #[serde(default)]
    evidence_url: String,
    #[serde(default)]
    evidence_title: String,
    #[serde(default)]
    status: String,
}

#[derive(askama::Template)]
#[template(path = "tracker/update_form.html")]
struct UpdateFormPage {
    page: Page,
    d: Detail,
    form: UpdateForm,
    errors: FormErrors,
}

impl UpdateFormPage {
    fn item(&self) -> &Item {
        &self.d.summary.item
    }
    fn completions(&self) -> &'static [Completion] {
        Completion::ALL
    }
    fn evidence_kinds(&self) -> &'static [EvidenceKind] {
        EvidenceKind::ALL
    }
    fn settable(&self) -> &'static [Status] {
        Status::SETTABLE
    }
}

/// The team may post: editors of the lead organization, and administrators.
pub(crate) fn require_team(user: &CurrentUser, item: &Item) -> Result<()> {
    if user.can_edit_for(item.organization_id) {
        Ok(())
    } else {
        Err(Error::forbidden("tracker-error-not-team"))
    }
}

async fn update_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
    Query(q): Query<MilestoneQuery>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let page = form_page(
        item_crumbs(page, &item),
        "tracker-update-title",
        &item,
        "/updates",
    );
    let d = store::detail(&platform.db, item).await?;
    render(&UpdateFormPage {
        page,
        d,
        form: UpdateForm {
            milestone: q.milestone,
            evidence_kind: EvidenceKind::Page.as_str().into(),
            ..UpdateForm::default()
        },
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize, Default)]
struct MilestoneQuery {
    #[serde(default)]
    milestone: String,
}

/// A form's page: its title, and itself as the last breadcrumb.
pub(crate) fn form_page(page: Page, key: &str, item: &Item, tail: &str) -> Page {
    let page = page.titled(key);
    let title = page.title.clone();
    page.crumb(title, &format!("{}{tail}", item.path()))
}

async fn post_update(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<UpdateForm>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let milestone = match form.milestone.trim() {
        "" => Ok(None),
        id => Uuid::parse_str(id).map(Some),
    };
    let outcome = match milestone {
        Err(_) => Err(Error::field("milestone", "tracker-error-milestone-unknown")),
        Ok(milestone) => {
            let evidence_title = Bilingual::new(
                if page.lang == Lang::En {
                    form.evidence_title.clone()
                } else {
                    String::new()
                },
                if page.lang == Lang::Fr {
                    form.evidence_title.clone()
                } else {
                    String::new()
                },
            );
            let input = UpdateInput {
                body: Bilingual::new(form.body_en.clone(), form.body_fr.clone()),
                milestone,
                completion: form.completion.clone(),
                status: form.status.clone(),
                evidence: Some(EvidenceInput {
                    kind: form.evidence_kind.clone(),
                    url: form.evidence_url.clone(),
                    title: evidence_title,
                }),
                ..UpdateInput::default()
            };
            platform
                .db
                .write(async |tx| {
                    store::post_update(tx, &user.actor(), &user.display_name, &item, &input).await
                })
                .await
        }
    };
    match outcome {
        Ok(u) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-update-posted#update-{}",
            page.url(&item.path()),
            u.id
        ))),
        Err(e @ Error::Validation(_)) => {
            let page = form_page(
                item_crumbs(page, &item),
                "tracker-update-title",
                &item,
                "/updates",
            );
            let errors = page.errors(&e);
            let d = store::detail(&platform.db, item).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &UpdateFormPage {
                    page,
                    d,
                    form,
                    errors,
                },
            )
        }
        Err(e) => Err(e),
    }
}

// ---- milestones ----

#[derive(Deserialize, Default, Clone)]
struct MilestoneForm {
    #[serde(default)]
    activity_en: String,
    #[serde(default)]
    activity_fr: String,
    #[serde(default)]
    novelty: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    weight: String,
}

impl MilestoneForm {
    fn from_milestone(m: &Milestone) -> MilestoneForm {
        MilestoneForm {
            activity_en: m.activity.en.clone(),
            activity_fr: m.activity.fr.clone(),
            novelty: m.novelty.as_str().into(),
            start: m.start.map(|w| w.to_string()).unwrap_or_default(),
            end: m.end.map(|w| w.to_string()).unwrap_or_default(),
            weight: m.weight.map(|w| w.to_string()).unwrap_or_default(),
        }
    }

    fn input(&self) -> std::result::Result<MilestoneInput, Error> {
        let weight = match self.weight.trim() {
            "" => None,
            w => Some(
                w.parse::<i64>()
                    .map_err(|_| Error::field("weight", "error-not-a-number"))?,
            ),
        };
        Ok(MilestoneInput {
            activity: Bilingual::new(self.activity_en.clone(), self.activity_fr.clone()),
            novelty: self.novelty.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            completion: String::new(),
            weight,
            evidence: Vec::new(),
        })
    }
}

#[derive(askama::Template)]
#[template(path = "tracker/milestone_form.html")]
struct MilestoneFormPage {
    page: Page,
    item: Item,
    /// The position of the milestone being changed, or none for a new one.
    editing: Option<i64>,
    /// How many milestones the item has.
    count: i64,
    form: MilestoneForm,
    errors: FormErrors,
}

impl MilestoneFormPage {
    fn novelties(&self) -> &'static [Novelty] {
        Novelty::ALL
    }
    /// The places a milestone can move to.
    fn positions(&self) -> Vec<i64> {
        (1..=self.count).collect()
    }
    fn base(&self) -> String {
        self.page.url(&self.item.path())
    }
    fn action(&self) -> String {
        match self.editing {
            Some(n) => self
                .page
                .url(&format!("{}/milestones/{n}", self.item.path())),
            None => self.page.url(&format!("{}/milestones", self.item.path())),
        }
    }
}

async fn milestone_page(
    platform: &Platform,
    page: Page,
    item: Item,
    editing: Option<i64>,
    form: MilestoneForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let (key, tail) = match editing {
        Some(n) => ("tracker-milestone-edit-title", format!("/milestones/{n}")),
        None => ("tracker-milestone-new-title", "/milestones".to_string()),
    };
    let page = form_page(item_crumbs(page, &item), key, &item, &tail);
    let count = store::milestone_count(&platform.db, item.id).await?;
    render_status(
        status,
        &MilestoneFormPage {
            page,
            item,
            editing,
            count,
            form,
            errors,
        },
    )
}

async fn milestone_new(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let form = MilestoneForm {
        novelty: Novelty::New.as_str().into(),
        ..MilestoneForm::default()
    };
    milestone_page(
        &platform,
        page,
        item,
        None,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn milestone_create(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<MilestoneForm>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let outcome = match form.input() {
        Ok(input) => {
            platform
                .db
                .write(async |tx| store::add_milestone(tx, &user.actor(), &item, &input).await)
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-milestone-saved#milestones",
            page.url(&item.path())
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = milestone_errors(&page, &e);
            milestone_page(
                &platform,
                page,
                item,
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

/// The form asks for the activity in English and in French; a missing activity points at the
/// English field.
fn milestone_errors(page: &Page, e: &Error) -> FormErrors {
    FieldLabels::controls(
        page,
        &[
            ("activity", "activity_en", "tracker-milestone-activity"),
            ("novelty", "novelty", "tracker-milestone-novelty"),
            ("start", "start", "tracker-milestone-start"),
            ("end", "end", "tracker-milestone-end"),
            ("weight", "weight", "tracker-milestone-weight"),
        ],
    )
    .errors(page, e)
}

/// A milestone's number from the URL; anything else is a page that does not exist.
pub(crate) fn position(n: &str) -> Result<i64> {
    n.parse().map_err(|_| Error::NotFound)
}

pub(crate) async fn find_milestone(platform: &Platform, item: &Item, n: i64) -> Result<Milestone> {
    store::milestone_at(&platform.db, item.id, n)
        .await?
        .ok_or(Error::NotFound)
}

async fn milestone_edit(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug, n)): Path<(String, String, String)>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let n = position(&n)?;
    let m = find_milestone(&platform, &item, n).await?;
    let form = MilestoneForm::from_milestone(&m);
    milestone_page(
        &platform,
        page,
        item,
        Some(n),
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn milestone_save(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug, n)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<MilestoneForm>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_team(&user, &item)?;
    let n = position(&n)?;
    let m = find_milestone(&platform, &item, n).await?;
    let outcome = match form.input() {
        Ok(input) => {
            platform
                .db
                .write(async |tx| store::edit_milestone(tx, &user.actor(), &m, &input).await)
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-milestone-saved#milestones",
            page.url(&item.path())
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = milestone_errors(&page, &e);
            milestone_page(
                &platform,
                page,
                item,
                Some(n),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ---- IRM assessments ----

#[derive(Deserialize, Default, Clone)]
struct AssessmentForm {
    #[serde(default)]
    specificity: String,
    #[serde(default)]
    verifiable: String,
    #[serde(default)]
    relevance_access_information: Option<String>,
    #[serde(default)]
    relevance_civic_participation: Option<String>,
    #[serde(default)]
    relevance_public_accountability: Option<String>,
    #[serde(default)]
    relevance_technology: Option<String>,
    #[serde(default)]
    potential_impact: String,
    #[serde(default)]
    completion: String,
    #[serde(default)]
    opened_government: String,
    #[serde(default)]
    assessor: String,
    #[serde(default)]
    assessed_on: String,
    #[serde(default)]
    notes_en: String,
    #[serde(default)]
    notes_fr: String,
}

impl AssessmentForm {
    fn relevant(&self, v: &OgpValue) -> bool {
        match v {
            OgpValue::AccessInformation => self.relevance_access_information.is_some(),
            OgpValue::CivicParticipation => self.relevance_civic_participation.is_some(),
            OgpValue::PublicAccountability => self.relevance_public_accountability.is_some(),
            OgpValue::Technology => self.relevance_technology.is_some(),
        }
    }

    fn input(&self) -> std::result::Result<AssessmentInput, Error> {
        let verifiable = match self.verifiable.as_str() {
            "" => None,
            "yes" => Some(true),
            "no" => Some(false),
            _ => return Err(Error::field("verifiable", "tracker-error-yes-no")),
        };
        Ok(AssessmentInput {
            specificity: self.specificity.clone(),
            verifiable,
            relevance: OgpValue::ALL
                .iter()
                .copied()
                .filter(|v| self.relevant(v))
                .collect(),
            potential_impact: self.potential_impact.clone(),
            completion: self.completion.clone(),
            opened_government: self.opened_government.clone(),
            assessor: self.assessor.clone(),
            assessed_on: self.assessed_on.clone(),
            notes: Bilingual::new(self.notes_en.clone(), self.notes_fr.clone()),
        })
    }
}

#[derive(askama::Template)]
#[template(path = "tracker/assessment_form.html")]
struct AssessmentFormPage {
    page: Page,
    item: Item,
    form: AssessmentForm,
    errors: FormErrors,
}

impl AssessmentFormPage {
    fn specificities(&self) -> &'static [Specificity] {
        Specificity::ALL
    }
    fn impacts(&self) -> &'static [Impact] {
        Impact::ALL
    }
    fn completions(&self) -> &'static [Completion] {
        Completion::ALL
    }
    fn openings(&self) -> &'static [OpenedGovernment] {
        OpenedGovernment::ALL
    }
    fn values(&self) -> &'static [OgpValue] {
        OgpValue::ALL
    }
}

pub(crate) fn require_admin(user: &CurrentUser) -> Result<()> {
    if user.is_admin() {
        Ok(())
    } else {
        Err(Error::forbidden("error-admin-only"))
    }
}

async fn assessment_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_admin(&user)?;
    let page = form_page(
        item_crumbs(page, &item),
        "tracker-assessment-title",
        &item,
        "/assessments",
    );
    let form = AssessmentForm {
        assessed_on: crate::model::When::day(today()).to_string(),
        ..AssessmentForm::default()
    };
    render(&AssessmentFormPage {
        page,
        item,
        form,
        errors: FormErrors::default(),
    })
}

async fn assessment_create(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((kind, slug)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<AssessmentForm>,
) -> Result<Response> {
    let item = find_item(&platform, &kind, &slug).await?;
    require_admin(&user)?;
    let outcome = match form.input() {
        Ok(input) => platform
            .db
            .write(async |tx| store::add_assessment(tx, &user.actor(), item.id, &input).await)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-tracker-assessment-saved#assessment",
            page.url(&item.path())
        ))),
        Err(e @ Error::Validation(_)) => {
            let page = form_page(
                item_crumbs(page, &item),
                "tracker-assessment-title",
                &item,
                "/assessments",
            );
            let errors = page.errors(&e);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AssessmentFormPage {
                    page,
                    item,
                    form,
                    errors,
                },
            )
        }
        Err(e) => Err(e),
    }
}

/// An update's change of the item's status as words: "in progress → on hold".
pub fn status_change(lang: Lang, u: &Update) -> Option<String> {
    match (u.status_before, u.status_after) {
        (Some(b), Some(a)) => Some(format!(
            "{} → {}",
            lang.t(b.label_key()),
            lang.t(a.label_key())
        )),
        _ => None,
    }
}

/// An update's milestone change as words: "not started → substantial".
pub fn change(lang: Lang, u: &Update) -> Option<String> {
    match (u.completion_before, u.completion_after) {
        (Some(b), Some(a)) => Some(format!(
            "{} → {}",
            lang.t(b.label_key()),
            lang.t(a.label_key())
        )),
        _ => None,
    }
}
