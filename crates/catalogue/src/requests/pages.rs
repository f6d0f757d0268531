//! The data request pages: the list ranked by votes, the form to ask for a dataset, and a
//! request's page with its vote, follow and comment forms, and the staff's answer.

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use platform::ratelimit::{Action, Throttle};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use platform::auth::CurrentUser;
use platform::forms::FieldLabels;
use platform::web::{CsrfForm, FormErrors, Pager, SignedIn, render_status, see_other};
use platform::{Error, Page, Platform, Result};

use super::{DataRequest, Filter, NewRequest, StatusChange};
use crate::forms::{OrgChoice, organization_choices, parse_date, today};
use crate::pages::label;

pub fn routes() -> Router {
    Router::new()
        .route("/data/requests", get(list))
        .route("/data/requests/new", get(new_form).post(submit))
        .route("/data/requests/{id}", get(show))
        .route("/data/requests/{id}/vote", post(vote))
        .route("/data/requests/{id}/follow", post(follow))
        .route("/data/requests/{id}/comments", post(comment))
        .route(
            "/data/requests/{id}/comments/{comment}/edit",
            post(edit_comment),
        )
        .route("/data/requests/{id}/status", post(change_status))
        .route("/data/requests/{id}/assign", post(assign))
}

/// A request as a list or a page shows it.
pub struct RequestView {
    pub r: DataRequest,
    pub status_label: String,
    /// What the status means, for statuses without details of their own.
    pub status_text: String,
    /// Set when the request is written in the other language.
    pub foreign_lang: Option<&'static str>,
    pub organization: Option<String>,
    pub suggested_organization: Option<String>,
    pub planned: Option<String>,
    /// "1 vote", "12 votes"
    pub votes_text: String,
}

/// A count of votes in words, singular for one.
pub fn votes_text(page: &Page, n: i64) -> String {
    if n == 1 {
        page.t("catalogue-request-one-vote")
    } else {
        page.t1("catalogue-request-votes-count", "count", page.number(&n))
    }
}

impl RequestView {
    pub fn new(r: DataRequest, page: &Page, orgs: &[OrgChoice]) -> RequestView {
        let title_of = |id: Option<Uuid>| {
            id.and_then(|id| orgs.iter().find(|o| o.id == id))
                .map(|o| o.title.clone())
        };
        RequestView {
            status_label: label(page.lang, "request-status", &r.status),
            status_text: label(page.lang, "request-status-text", &r.status),
            foreign_lang: (r.lang() != page.lang).then(|| r.lang().code()),
            organization: title_of(r.organization_id),
            suggested_organization: title_of(r.suggested_organization_id),
            planned: r.planned_date.map(|d| page.lang.date(d)),
            votes_text: votes_text(page, r.votes),
            r,
        }
    }
}

impl RequestView {
    pub fn assigned_to(&self, organization: &Uuid) -> bool {
        self.r.organization_id == Some(*organization)
    }
}

pub struct StatusOption {
    pub value: &'static str,
    pub label: String,
}

fn status_options(page: &Page, values: &[&'static str]) -> Vec<StatusOption> {
    values
        .iter()
        .map(|v| StatusOption {
            value: v,
            label: label(page.lang, "request-status", v),
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "catalogue/requests/list.html")]
struct ListPage {
    page: Page,
    filter: Filter,
    statuses: Vec<StatusOption>,
    orgs: Vec<OrgChoice>,
    requests: Vec<RequestView>,
    pager: Pager,
}

/// Titles the page; the trail runs through open data and the list of requests.
fn requests_page(page: Page, key: &str) -> Page {
    let data = page.t("nav-data");
    let requests = page.t("catalogue-requests-title");
    page.titled(key)
        .crumb(data, "/data")
        .crumb(requests, "/data/requests")
}

async fn list(platform: Platform, page: Page) -> Result<Response> {
    let filter: Filter = page.params();
    let orgs = organization_choices(&platform, page.lang).await?;
    let pager = Pager::new(&page, 20);
    let (rows, total) = super::list(&platform.db, &filter, pager.per_page, pager.offset()).await?;
    let page = requests_page(page, "catalogue-requests-title");
    let requests = rows
        .into_iter()
        .map(|r| RequestView::new(r, &page, &orgs))
        .collect();
    render_status(
        StatusCode::OK,
        &ListPage {
            statuses: status_options(&page, &super::STATUSES),
            pager: pager.with_total(total),
            filter,
            orgs,
            requests,
            page,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "catalogue/requests/new.html")]
struct NewPage {
    page: Page,
    form: NewRequest,
    orgs: Vec<OrgChoice>,
    errors: FormErrors,
}

async fn new_form(platform: Platform, page: Page, SignedIn(_): SignedIn) -> Result<Response> {
    let orgs = organization_choices(&platform, page.lang).await?;
    let page = requests_page(page, "catalogue-request-new-title");
    render_status(
        StatusCode::OK,
        &NewPage {
            page,
            form: NewRequest::default(),
            orgs,
            errors: FormErrors::default(),
        },
    )
}

#[derive(Deserialize)]
struct NewForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    organization: String,
}

/// The labels the request forms' errors lead with.
const REQUEST_LABELS: &[(&str, &str)] = &[
    ("title", "catalogue-request-field-title"),
    ("description", "catalogue-request-field-description"),
    ("organization", "catalogue-request-field-organization"),
    ("body", "catalogue-request-comment"),
    ("status", "catalogue-request-field-status"),
    ("planned_date", "catalogue-request-field-planned-date"),
    ("dataset", "catalogue-request-field-dataset"),
    ("note", "catalogue-request-field-note"),
    ("vote", "catalogue-request-votes-heading"),
];

async fn submit(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<Response> {
    throttle.check(Action::DataRequest).await?;
    let new = NewRequest {
        title: form.title,
        description: form.description,
        organization: form.organization,
        lang: page.lang.code().to_string(),
    };
    match super::create(&platform.db, &user, &new).await {
        Ok(id) => Ok(see_other(&format!(
            "{}?notice=notice-catalogue-request-submitted",
            page.url(&format!("/data/requests/{id}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::keys(&page, REQUEST_LABELS).errors(&page, &e);
            let orgs = organization_choices(&platform, page.lang).await?;
            let page = requests_page(page, "catalogue-request-new-title");
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewPage {
                    page,
                    form: new,
                    orgs,
                    errors,
                },
            )
        }
        Err(e) => Err(e),
    }
}

pub struct CommentView {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub author: Option<String>,
    pub when: String,
    /// When its author last edited it, in the page's language.
    pub edited: Option<String>,
    /// Whether the person reading may still edit it.
    pub editable: bool,
    pub body: String,
    pub html: String,
}

pub struct EventView {
    pub when: String,
    pub status: String,
    pub organization: Option<String>,
    pub planned: Option<String>,
    pub note: String,
}

/// What the staff forms held when they were sent back with errors.
#[derive(Default, Deserialize)]
struct StaffForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    planned_date: String,
    #[serde(default)]
    dataset: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    organization: String,
}

#[derive(askama::Template)]
#[template(path = "catalogue/requests/show.html")]
struct ShowPage {
    page: Page,
    v: RequestView,
    description_html: String,
    /// The released dataset: its name, its title, and the title's language when not the page's.
    dataset: Option<(String, String, Option<&'static str>)>,
    standing: super::Standing,
    signed_in: bool,
    comments: Vec<CommentView>,
    events: Vec<EventView>,
    staff: bool,
    next: Vec<StatusOption>,
    orgs: Vec<OrgChoice>,
    form: StaffForm,
    comment: String,
    errors: FormErrors,
}

impl ShowPage {
    /// The replies to one comment, oldest first.
    fn replies(&self, id: &Uuid) -> Vec<&CommentView> {
        self.comments
            .iter()
            .filter(|c| c.parent_id == Some(*id))
            .collect()
    }
}

async fn find(platform: &Platform, id: &str) -> Result<DataRequest> {
    let id = Uuid::parse_str(id).map_err(|_| Error::NotFound)?;
    super::get(&platform.db, id).await?.ok_or(Error::NotFound)
}

async fn show(platform: Platform, page: Page, Path(id): Path<String>) -> Result<Response> {
    let r = find(&platform, &id).await?;
    request_page(
        &platform,
        page,
        r,
        StaffForm::default(),
        String::new(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn request_page(
    platform: &Platform,
    page: Page,
    r: DataRequest,
    form: StaffForm,
    comment: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response> {
    let orgs = organization_choices(platform, page.lang).await?;
    let standing = match &page.user {
        Some(u) => super::standing(&platform.db, r.id, u.id).await?,
        None => super::Standing::default(),
    };
    let staff = page.user.as_ref().is_some_and(|u| super::can_manage(u, &r));
    let dataset = match r.dataset_id {
        Some(id) => crate::store::dataset_row(&platform.db, &id.to_string())
            .await?
            .filter(|d| d.is_public())
            .map(|d| {
                let title = d.title();
                let foreign = title.missing(page.lang).then(|| page.lang.other().code());
                (d.name.clone(), title.get(page.lang).to_string(), foreign)
            }),
        None => None,
    };
    let comments = super::comments(&platform.db, r.id)
        .await?
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            parent_id: c.parent_id,
            editable: c.editable_by(page.user.as_ref()),
            author: Some(c.author_name).filter(|n| !n.is_empty()),
            when: page.datetime(&c.created_at),
            edited: c.edited_at.map(|at| page.datetime(&at)),
            html: platform::markdown::render(&c.body),
            body: c.body,
        })
        .collect();
    let org_title = |id: Option<Uuid>| {
        id.and_then(|id| orgs.iter().find(|o| o.id == id))
            .map(|o| o.title.clone())
    };
    let events = super::events(&platform.db, r.id)
        .await?
        .into_iter()
        .map(|e| EventView {
            when: page.date(&e.at),
            status: label(page.lang, "request-status", &e.status),
            organization: org_title(e.organization_id),
            planned: e.planned_date.map(|d| page.lang.date(d)),
            note: e.note,
        })
        .collect();
    let next = status_options(&page, super::next_statuses(&r.status));
    let description_html = platform::markdown::render(&r.description);
    let title = r.title.clone();
    let page = requests_page(page, "catalogue-requests-title").with_title(title);
    let page = {
        let path = page.path.clone();
        let title = page.title.clone();
        page.crumb(title, &path)
    };
    let v = RequestView::new(r, &page, &orgs);
    render_status(
        status,
        &ShowPage {
            signed_in: page.user.is_some(),
            v,
            description_html,
            dataset,
            standing,
            comments,
            events,
            staff,
            next,
            orgs,
            form,
            comment,
            errors,
            page,
        },
    )
}

/// Sends the request page back with the errors of the form that failed, or redirects with a
/// notice when it worked.
async fn answer(
    platform: &Platform,
    page: Page,
    r: DataRequest,
    outcome: Result<&'static str>,
    form: StaffForm,
    comment: String,
) -> Result<Response> {
    let error = match outcome {
        Ok(notice) => {
            return Ok(see_other(&format!(
                "{}?notice={notice}",
                page.url(&format!("/data/requests/{}", r.id))
            )));
        }
        Err(e) => e,
    };
    let (errors, status) = match &error {
        Error::Validation(_) => (
            FieldLabels::keys(&page, REQUEST_LABELS).errors(&page, &error),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Error::Conflict(msg) => (
            FormErrors(vec![platform::web::ShownError {
                field: "vote".into(),
                message: page.lang.msg(msg),
            }]),
            StatusCode::CONFLICT,
        ),
        _ => return Err(error),
    };
    let r = super::get(&platform.db, r.id)
        .await?
        .ok_or(Error::NotFound)?;
    request_page(platform, page, r, form, comment, errors, status).await
}

#[derive(Deserialize)]
struct VoteForm {
    #[serde(default)]
    action: String,
}

async fn vote(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> Result<Response> {
    let r = find(&platform, &id).await?;
    throttle.check(Action::Vote).await?;
    let outcome = if form.action == "withdraw" {
        super::withdraw_vote(&platform.db, &user, &r)
            .await
            .map(|_| "notice-catalogue-request-vote-withdrawn")
    } else {
        super::vote(&platform.db, &user, &r)
            .await
            .map(|_| "notice-catalogue-request-voted")
    };
    answer(
        &platform,
        page,
        r,
        outcome,
        StaffForm::default(),
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
struct FollowForm {
    #[serde(default)]
    on: String,
}

async fn follow(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<FollowForm>,
) -> Result<Response> {
    let r = find(&platform, &id).await?;
    let on = form.on != "0";
    super::follow(&platform.db, &user, &r, on).await?;
    let notice = if on {
        "notice-catalogue-request-following"
    } else {
        "notice-catalogue-request-unfollowed"
    };
    answer(
        &platform,
        page,
        r,
        Ok(notice),
        StaffForm::default(),
        String::new(),
    )
    .await
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    body: String,
    /// The comment this one replies to, if any.
    #[serde(default)]
    parent: String,
}

async fn comment(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response> {
    let r = find(&platform, &id).await?;
    let outcome = match form.parent.trim() {
        "" => super::comment(&platform.db, &user, &r, &form.body).await,
        to => {
            let to = Uuid::parse_str(to).map_err(|_| Error::bad_request("error-form-invalid"))?;
            super::reply(&platform.db, &user, &r, to, &form.body).await
        }
    }
    .map(|_| "notice-catalogue-request-commented");
    answer(&platform, page, r, outcome, StaffForm::default(), form.body).await
}

/// The author changes a comment's text within minutes of posting it.
async fn edit_comment(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path((id, comment)): Path<(String, Uuid)>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response> {
    let r = find(&platform, &id).await?;
    let outcome = super::edit_comment(&platform.db, &user, &r, comment, &form.body)
        .await
        .map(|_| "notice-catalogue-request-comment-edited");
    answer(&platform, page, r, outcome, StaffForm::default(), form.body).await
}

fn staff_only(user: &CurrentUser, r: &DataRequest) -> Result<()> {
    if super::can_manage(user, r) {
        Ok(())
    } else {
        Err(Error::forbidden("catalogue-request-error-staff-only"))
    }
}

async fn change_status(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let r = find(&platform, &id).await?;
    staff_only(&user, &r)?;
    let planned_date: std::result::Result<Option<Date>, ()> = match form.planned_date.trim() {
        "" => Ok(None),
        s => parse_date(s).map(Some).ok_or(()),
    };
    let outcome = match planned_date {
        Err(()) if form.status == "planned" => Err(Error::field(
            "planned_date",
            "catalogue-request-error-date-format",
        )),
        planned_date => {
            let change = StatusChange {
                status: form.status.clone(),
                planned_date: planned_date.unwrap_or(None),
                dataset: form.dataset.clone(),
                note: form.note.clone(),
            };
            super::change_status(&platform.db, &user, &r, &change, today())
                .await
                .map(|_| "notice-catalogue-request-status-changed")
        }
    };
    answer(&platform, page, r, outcome, form, String::new()).await
}

async fn assign(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<Response> {
    let r = find(&platform, &id).await?;
    staff_only(&user, &r)?;
    let outcome = super::assign(&platform.db, &user, &r, &form.organization)
        .await
        .map(|_| "notice-catalogue-request-assigned");
    answer(&platform, page, r, outcome, form, String::new()).await
}
