//! Staff pages: the assessment queue, assessing an idea (criteria, private notes, public answer,
//! state, merge), plain-language rewrites, and the moderation queue.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use platform::auth::CurrentUser;
use platform::forms::FieldLabels;
use platform::web::{CsrfForm, FormErrors, SignedIn, render, render_status, see_other};
use platform::{Error, Page, Platform, Result};
use serde::Deserialize;
use uuid::Uuid;

use super::{crumbs, query};
use crate::ideas::{self, Assessment};
use crate::model::{Check, Idea, IdeaState, Note, Objection, ProcessFull, TargetKind, Version};
use crate::moderation::{self, Decision, QueueItem};
use crate::processes;
use crate::web::FIELD_LABELS;

/// An idea and its process, for someone who edits for the process's organization.
async fn staff_idea(
    platform: &Platform,
    user: &CurrentUser,
    id: Uuid,
) -> Result<(Idea, ProcessFull)> {
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    let p = processes::find_by_id(&platform.db, idea.process_id)
        .await?
        .ok_or(Error::NotFound)?;
    if !user.can_edit_for(p.process.organization_id) {
        return Err(Error::forbidden("dialogue-error-staff-only"));
    }
    Ok((idea, p))
}

#[derive(Default)]
pub struct AssessValues {
    pub checks: Vec<Uuid>,
    pub state: String,
    pub merged_into: String,
    pub answer_en: String,
    pub answer_fr: String,
    pub title: String,
    pub body: String,
    pub note: String,
    pub note_body: String,
}

#[derive(askama::Template)]
#[template(path = "dialogue/assess.html")]
struct AssessPage {
    page: Page,
    p: ProcessFull,
    idea: Idea,
    versions: Vec<Version>,
    objections: Vec<Objection>,
    notes: Vec<Note>,
    others: Vec<Idea>,
    v: AssessValues,
    errors: FormErrors,
    states: [IdeaState; 4],
}

impl AssessPage {
    fn checked(&self, id: &Uuid) -> bool {
        self.v.checks.contains(id)
    }
    fn original(&self) -> Option<&Version> {
        self.versions.first()
    }
}

async fn assess_page(
    platform: &Platform,
    page: Page,
    idea: Idea,
    p: ProcessFull,
    v: Option<AssessValues>,
    errors: FormErrors,
) -> Result<AssessPage> {
    let checks: Vec<Check> = ideas::checks(&platform.db, idea.id).await?;
    let v = v.unwrap_or_else(|| AssessValues {
        checks: checks
            .iter()
            .filter(|c| c.met)
            .map(|c| c.criterion_id)
            .collect(),
        state: match idea.state() {
            IdeaState::Submitted => IdeaState::InAssessment.as_str().to_string(),
            s => s.as_str().to_string(),
        },
        merged_into: idea.merged_into.map(|m| m.to_string()).unwrap_or_default(),
        answer_en: idea.answer_en.clone(),
        answer_fr: idea.answer_fr.clone(),
        title: idea.title.clone(),
        body: idea.body.clone(),
        note: String::new(),
        note_body: String::new(),
    });
    let queue = page.t("dialogue-queue-title");
    let title = page.t1("dialogue-assess-title", "title", &idea.title);
    let page = page.with_title(title);
    let page = crumbs(page, &[(queue, "/dialogue/assessment".into())]);
    let (others, _) = ideas::list(
        &platform.db,
        &p,
        &ideas::IdeaFilter::default(),
        false,
        500,
        0,
    )
    .await?;
    let others = others
        .into_iter()
        .filter(|o| o.id != idea.id && o.state() != IdeaState::Merged)
        .collect();
    Ok(AssessPage {
        versions: ideas::versions(&platform.db, idea.id).await?,
        objections: ideas::objections(&platform.db, idea.id).await?,
        notes: ideas::notes(&platform.db, idea.id).await?,
        others,
        v,
        errors,
        states: [
            IdeaState::InAssessment,
            IdeaState::Accepted,
            IdeaState::NotRetained,
            IdeaState::Merged,
        ],
        idea,
        p,
        page,
    })
}

/// The assessment page again after a refused rewrite or note: the form's errors, and what was
/// typed in the form that was sent (`keep`).
async fn assess_again(
    platform: &Platform,
    page: Page,
    idea: Idea,
    p: ProcessFull,
    e: &Error,
    keep: impl FnOnce(&mut AssessValues),
) -> Result<Response> {
    let errors = FieldLabels::keys(&page, FIELD_LABELS).errors(&page, e);
    let mut view = assess_page(platform, page, idea, p, None, errors).await?;
    keep(&mut view.v);
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

pub async fn assess_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let (idea, p) = staff_idea(&platform, &user, id).await?;
    let view = assess_page(&platform, page, idea, p, None, FormErrors::default()).await?;
    render(&view)
}

fn values_from(form: &[(String, String)]) -> AssessValues {
    let get = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    AssessValues {
        checks: form
            .iter()
            .filter(|(k, _)| k == "check")
            .filter_map(|(_, v)| Uuid::parse_str(v).ok())
            .collect(),
        state: get("state"),
        merged_into: get("merged_into"),
        answer_en: get("answer_en"),
        answer_fr: get("answer_fr"),
        title: get("title"),
        body: get("body"),
        note: get("note"),
        note_body: get("note_body"),
    }
}

pub async fn assess(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let (idea, p) = staff_idea(&platform, &user, id).await?;
    let mut v = values_from(&form);
    let state = IdeaState::parse(&v.state);
    let merged_into = if v.merged_into.is_empty() {
        None
    } else {
        Uuid::parse_str(&v.merged_into).ok()
    };
    let a = Assessment {
        checks: p
            .criteria
            .iter()
            .map(|c| (c.id, v.checks.contains(&c.id)))
            .collect(),
        state,
        answer_en: v.answer_en.clone(),
        answer_fr: v.answer_fr.clone(),
        merged_into,
    };
    let result = if state.is_none() {
        Err(Error::field("state", "error-not-in-list"))
    } else {
        platform
            .db
            .write(async |tx| ideas::assess(tx, &user, &p, &idea, &a).await)
            .await
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-assessed",
            page.url(&format!("/ideas/{id}/assess"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &e);
            v.title = idea.title.clone();
            v.body = idea.body.clone();
            let view = assess_page(&platform, page, idea, p, Some(v), errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(e),
    }
}

pub async fn rewrite(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let (idea, p) = staff_idea(&platform, &user, id).await?;
    let v = values_from(&form);
    match platform
        .db
        .write(async |tx| ideas::rewrite(tx, &user, &idea, &v.title, &v.body, &v.note).await)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-rewritten",
            page.url(&format!("/ideas/{id}/assess"))
        ))),
        Err(e @ Error::Validation(_)) => {
            assess_again(&platform, page, idea, p, &e, |kept| {
                kept.title = v.title;
                kept.body = v.body;
                kept.note = v.note;
            })
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn note(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let (idea, p) = staff_idea(&platform, &user, id).await?;
    let v = values_from(&form);
    match platform
        .db
        .write(async |tx| ideas::add_note(tx, &user, &idea, &v.note_body).await)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-note-added#notes",
            page.url(&format!("/ideas/{id}/assess"))
        ))),
        Err(e @ Error::Validation(_)) => {
            assess_again(&platform, page, idea, p, &e, |kept| {
                kept.note_body = v.note_body
            })
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    #[serde(default)]
    process: String,
}

pub struct QueueRow {
    pub idea: Idea,
    pub process: ProcessFull,
    pub objected: bool,
}

#[derive(askama::Template)]
#[template(path = "dialogue/queue.html")]
struct QueuePage {
    page: Page,
    rows: Vec<QueueRow>,
    processes: Vec<(String, String)>,
    current: String,
}

fn staff_anywhere(user: &CurrentUser) -> Result<()> {
    if user.is_admin() || !user.editor_organizations().is_empty() {
        Ok(())
    } else {
        Err(Error::forbidden("dialogue-error-staff-only"))
    }
}

pub async fn queue(platform: Platform, page: Page, SignedIn(user): SignedIn) -> Result<Response> {
    staff_anywhere(&user)?;
    let q: QueueQuery = query(&page);
    let all = processes::list(&platform.db).await?;
    let mine: Vec<&ProcessFull> = all
        .iter()
        .filter(|p| user.can_edit_for(p.process.organization_id))
        .collect();
    let selected = mine.iter().find(|p| p.process.slug == q.process);
    let ideas = ideas::queue(&platform.db, &user, selected.map(|p| p.process.id)).await?;
    let mut rows = Vec::with_capacity(ideas.len());
    for idea in ideas {
        let Some(process) = all.iter().find(|p| p.process.id == idea.process_id) else {
            continue;
        };
        let objected = ideas::objections(&platform.db, idea.id)
            .await?
            .iter()
            .any(|o| o.version_number == idea.version);
        rows.push(QueueRow {
            idea,
            process: process.clone(),
            objected,
        });
    }
    let processes = mine
        .iter()
        .map(|p| {
            (
                p.process.slug.clone(),
                p.process.title().get(page.lang).to_string(),
            )
        })
        .collect();
    let page = crumbs(page.titled("dialogue-queue-title"), &[]);
    render(&QueuePage {
        page,
        rows,
        processes,
        current: selected.map(|p| p.process.slug.clone()).unwrap_or_default(),
    })
}

#[derive(askama::Template)]
#[template(path = "dialogue/moderation.html")]
struct ModerationPage {
    page: Page,
    items: Vec<QueueItem>,
}

fn moderator(user: &CurrentUser) -> Result<()> {
    if user.is_moderator() {
        Ok(())
    } else {
        Err(Error::forbidden("dialogue-error-moderators-only"))
    }
}

pub async fn moderation(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
) -> Result<Response> {
    moderator(&user)?;
    let page = crumbs(page.titled("dialogue-moderation-title"), &[]);
    render(&ModerationPage {
        items: moderation::queue(&platform.db).await?,
        page,
    })
}

#[derive(Deserialize, Default)]
pub struct ModerateForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    decision: String,
}

pub async fn moderate(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<ModerateForm>,
) -> Result<Response> {
    moderator(&user)?;
    let kind =
        TargetKind::parse(&form.kind).ok_or_else(|| Error::bad_request("error-form-invalid"))?;
    let id = Uuid::parse_str(&form.id).map_err(|_| Error::bad_request("error-form-invalid"))?;
    let decision = match form.decision.as_str() {
        "keep" => Decision::Keep,
        "remove" => Decision::Remove,
        "block" => Decision::Block,
        _ => return Err(Error::bad_request("error-form-invalid")),
    };
    platform
        .db
        .write(async |tx| moderation::decide(tx, &user, kind, id, decision).await)
        .await?;
    Ok(see_other(&format!(
        "{}?notice=notice-dialogue-moderated",
        page.url("/dialogue/moderation")
    )))
}
