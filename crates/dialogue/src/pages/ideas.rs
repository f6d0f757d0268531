//! Submitting an idea (with similar ideas shown first), an idea's page with its versions, answer,
//! lineage and comments, following, objecting to a rewrite, and reporting.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use platform::forms::FieldLabels;
use platform::ratelimit::{Action, Throttle};
use platform::web::{CsrfForm, FormErrors, SignedIn, render, render_status, see_other};
use platform::{Error, Page, Platform, Result};
use serde::Deserialize;
use uuid::Uuid;

use super::process::{load, under};
use crate::ideas::{self, NewIdea};
use crate::model::{
    Comment, Idea, IdeaState, Objection, ProcessFull, ReportReason, TargetKind, Version,
};
use crate::web::FIELD_LABELS;
use crate::{moderation, processes, text, votes};

#[derive(Deserialize, Default)]
pub struct IdeaForm {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    action: String,
}

#[derive(askama::Template)]
#[template(path = "dialogue/idea_form.html")]
struct IdeaFormPage {
    page: Page,
    p: ProcessFull,
    form: IdeaForm,
    errors: FormErrors,
    checked: bool,
    similar: Vec<Idea>,
    long_sentences: Option<usize>,
}

fn form_page(page: Page, p: &ProcessFull) -> Page {
    let ideas = page.t("dialogue-ideas-title");
    let page = under(page.titled("dialogue-submit-idea"), p);
    // Ideas sit between the process and the form in the trail.
    let mut page = page;
    let last = page.crumbs.pop();
    page = page.crumb(ideas, &format!("/processes/{}/ideas", p.process.slug));
    if let Some(last) = last {
        page.crumbs.push(last);
    }
    page
}

pub async fn new_form(
    platform: Platform,
    page: Page,
    Path(slug): Path<String>,
) -> Result<Response> {
    let p = load(&platform, &slug).await?;
    if page.user.is_none() {
        let back = page.url(&format!("/processes/{slug}/ideas/new"));
        let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
        return Ok(see_other(&format!(
            "{}?next={next}",
            page.url("/account/login"),
        )));
    }
    ideas::may_submit(&p, page.user.as_ref())?;
    let form = IdeaForm {
        theme: super::query::<ThemeQuery>(&page).theme,
        ..Default::default()
    };
    render(&IdeaFormPage {
        page: form_page(page, &p),
        p,
        form,
        errors: FormErrors::default(),
        checked: false,
        similar: Vec::new(),
        long_sentences: None,
    })
}

#[derive(Deserialize, Default)]
struct ThemeQuery {
    #[serde(default)]
    theme: String,
}

pub async fn submit(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<IdeaForm>,
) -> Result<Response> {
    let p = load(&platform, &slug).await?;
    // Outside the phase, or for people the phase does not admit: a refusal, whatever the form.
    ideas::may_submit(&p, Some(&user))?;
    let new = NewIdea {
        theme: form.theme.trim(),
        title: &form.title,
        body: &form.body,
        lang: page.lang,
    };
    if form.action == "check" {
        let (errors, _, _) = ideas::validate(&p, &new);
        // Only the text's own problems matter when checking; a missing theme does not.
        let errors: Vec<_> = errors.into_iter().filter(|e| e.field != "theme").collect();
        let similar = crate::search::similar_ideas(
            &platform,
            p.process.id,
            &form.title,
            &form.body,
            page.lang,
            5,
        )
        .await?;
        let long_sentences = text::long_sentences(&form.body);
        let shown =
            FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &Error::Validation(errors));
        let status = if shown.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_status(
            status,
            &IdeaFormPage {
                page: form_page(page, &p),
                p,
                form,
                errors: shown,
                checked: true,
                similar,
                long_sentences,
            },
        );
    }
    match platform
        .db
        .write(async |tx| ideas::submit(tx, &p, &user, new).await)
        .await
    {
        Ok(id) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-idea-submitted",
            page.url(&format!("/ideas/{id}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &e);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &IdeaFormPage {
                    page: form_page(page, &p),
                    p,
                    form,
                    errors,
                    checked: false,
                    similar: Vec::new(),
                    long_sentences: None,
                },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(askama::Template)]
#[template(path = "dialogue/idea.html")]
pub struct IdeaPage {
    page: Page,
    p: ProcessFull,
    idea: Idea,
    versions: Vec<Version>,
    objections: Vec<Objection>,
    merged_into: Option<Idea>,
    merged_from: Vec<Idea>,
    comments: Vec<Comment>,
    votes: Option<i64>,
    following: bool,
    staff: bool,
    moderator: bool,
    may_comment: bool,
    comment_closed_reason: String,
    comment_value: String,
    objection_value: String,
    errors: FormErrors,
    reasons: &'static [ReportReason],
}

impl IdeaPage {
    /// Comments that answer the idea itself, oldest first.
    fn top_comments(&self) -> Vec<&Comment> {
        self.comments
            .iter()
            .filter(|c| c.parent_id.is_none())
            .collect()
    }
    /// The replies to one comment, oldest first.
    fn replies(&self, id: &Uuid) -> Vec<&Comment> {
        self.comments
            .iter()
            .filter(|c| c.parent_id == Some(*id))
            .collect()
    }
    fn original(&self) -> Option<&Version> {
        self.versions.first()
    }
    fn current(&self) -> Option<&Version> {
        self.versions.last()
    }
    fn is_author(&self) -> bool {
        self.page
            .user
            .as_ref()
            .is_some_and(|u| self.idea.author_id == Some(u.id))
    }
    fn objected_to_current(&self) -> bool {
        self.objections
            .iter()
            .any(|o| o.version_number == self.idea.version)
    }
    fn can_report(&self, author: &Option<Uuid>) -> bool {
        match &self.page.user {
            None => false,
            Some(u) => *author != Some(u.id),
        }
    }
    fn show_hidden(&self) -> bool {
        self.staff || self.moderator
    }
    fn theme_title(&self) -> platform::Bilingual {
        self.p
            .theme(self.idea.theme_id)
            .map(|t| t.title())
            .unwrap_or_default()
    }
}

async fn idea_page(
    platform: &Platform,
    page: Page,
    id: Uuid,
    comment_value: String,
    objection_value: String,
    errors: FormErrors,
) -> Result<IdeaPage> {
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    let p = processes::find_by_id(&platform.db, idea.process_id)
        .await?
        .ok_or(Error::NotFound)?;
    let ideas_label = page.t("dialogue-ideas-title");
    let page = under(page.with_title(idea.title.clone()), &p);
    let mut page = page;
    let last = page.crumbs.pop();
    page = page.crumb(ideas_label, &format!("/processes/{}/ideas", p.process.slug));
    if let Some(last) = last {
        page.crumbs.push(last);
    }
    let user = page.user.clone();
    let staff = user
        .as_ref()
        .is_some_and(|u| u.can_edit_for(p.process.organization_id));
    let moderator = user.as_ref().is_some_and(|u| u.is_moderator());
    let merged_into = match idea.merged_into {
        Some(t) => ideas::get(&platform.db, t).await?,
        None => None,
    };
    let votes = if p.results_visible() && idea.state() == IdeaState::Accepted {
        Some(
            votes::tallies(&platform.db, p.process.id)
                .await?
                .into_iter()
                .find(|(i, _)| *i == idea.id)
                .map(|(_, n)| n)
                .unwrap_or(0),
        )
    } else {
        None
    };
    let following = match &user {
        Some(u) => ideas::follows(&platform.db, u.id, idea.id).await?,
        None => false,
    };
    let may_comment = p.may_comment(user.as_ref()) && idea.is_visible();
    let comment_closed_reason = if may_comment {
        String::new()
    } else if !p.comments_open() {
        page.t("dialogue-error-comments-closed")
    } else if user.is_none() {
        page.t("dialogue-comment-sign-in")
    } else {
        page.t("dialogue-error-verify-first")
    };
    Ok(IdeaPage {
        versions: ideas::versions(&platform.db, idea.id).await?,
        objections: ideas::objections(&platform.db, idea.id).await?,
        merged_from: ideas::merged_from(&platform.db, idea.id).await?,
        comments: ideas::comments(&platform.db, idea.id).await?,
        merged_into,
        votes,
        following,
        staff,
        moderator,
        may_comment,
        comment_closed_reason,
        comment_value,
        objection_value,
        errors,
        reasons: ReportReason::ALL,
        idea,
        p,
        page,
    })
}

pub async fn idea(platform: Platform, page: Page, Path(id): Path<Uuid>) -> Result<Response> {
    let view = idea_page(
        &platform,
        page,
        id,
        String::new(),
        String::new(),
        FormErrors::default(),
    )
    .await?;
    render(&view)
}

#[derive(Deserialize, Default)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
    /// The comment this one replies to, if any.
    #[serde(default)]
    parent: String,
}

pub async fn comment(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response> {
    let parent = match form.parent.trim() {
        "" => None,
        to => Some(Uuid::parse_str(to).map_err(|_| Error::bad_request("error-form-invalid"))?),
    };
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    let p = processes::find_by_id(&platform.db, idea.process_id)
        .await?
        .ok_or(Error::NotFound)?;
    match platform
        .db
        .write(async |tx| match parent {
            None => ideas::add_comment(tx, &p, &idea, &user, &form.comment, page.lang).await,
            Some(to) => ideas::add_reply(tx, &p, &idea, &user, to, &form.comment, page.lang).await,
        })
        .await
    {
        Ok(comment_id) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-commented#comment-{comment_id}",
            page.url(&format!("/ideas/{id}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &e);
            let view = idea_page(&platform, page, id, form.comment, String::new(), errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(e),
    }
}

/// The author changes a comment's text within minutes of posting it.
pub async fn edit_comment(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(comment_id): Path<Uuid>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response> {
    let comment = ideas::comment(&platform.db, comment_id)
        .await?
        .ok_or(Error::NotFound)?;
    let id = comment.idea_id;
    match platform
        .db
        .write(async |tx| ideas::edit_comment(tx, &user, comment_id, &form.comment).await)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-comment-edited#comment-{comment_id}",
            page.url(&format!("/ideas/{id}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &e);
            let view = idea_page(&platform, page, id, form.comment, String::new(), errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn follow(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response> {
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    let now_following = platform
        .db
        .write(async |tx| ideas::toggle_follow(tx, &user, &idea).await)
        .await?;
    let notice = if now_following {
        "notice-dialogue-following"
    } else {
        "notice-dialogue-unfollowed"
    };
    Ok(see_other(&format!(
        "{}?notice={notice}",
        page.url(&format!("/ideas/{id}"))
    )))
}

#[derive(Deserialize, Default)]
pub struct ObjectionForm {
    #[serde(default)]
    objection: String,
}

pub async fn object(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<ObjectionForm>,
) -> Result<Response> {
    let idea = ideas::get(&platform.db, id).await?.ok_or(Error::NotFound)?;
    match platform
        .db
        .write(async |tx| ideas::object(tx, &user, &idea, &form.objection).await)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-objection-recorded",
            page.url(&format!("/ideas/{id}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = FieldLabels::keys(&page, FIELD_LABELS).errors(&page, &e);
            let view =
                idea_page(&platform, page, id, String::new(), form.objection, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    reason: String,
}

pub async fn report(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> Result<Response> {
    throttle.check(Action::Report).await?;
    let kind =
        TargetKind::parse(&form.kind).ok_or_else(|| Error::bad_request("error-form-invalid"))?;
    let id = Uuid::parse_str(&form.id).map_err(|_| Error::bad_request("error-form-invalid"))?;
    let reason = ReportReason::parse(&form.reason)
        .ok_or_else(|| Error::field("reason", "dialogue-error-reason-choose"))?;
    let target = moderation::target(&platform.db, kind, id)
        .await?
        .ok_or(Error::NotFound)?;
    let counting = moderation::ReportCounting::from_settings(&platform.settings);
    let hidden = platform
        .db
        .write(async |tx| moderation::report(tx, &user, kind, id, reason, counting).await)
        .await?;
    let notice = if hidden {
        "notice-dialogue-reported-hidden"
    } else {
        "notice-dialogue-reported"
    };
    let anchor = match kind {
        TargetKind::Comment => format!("#comment-{id}"),
        TargetKind::Idea => String::new(),
    };
    Ok(see_other(&format!(
        "{}?notice={notice}{anchor}",
        page.url(&format!("/ideas/{}", target.idea_id))
    )))
}
