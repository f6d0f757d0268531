//! Co-creation processes: the list, a process's overview with its phases and themes, its ideas
//! by theme, and its open-data downloads.

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use platform::web::{Pager, render};
use platform::{Error, Page, Platform, Result};

use super::{crumbs, query};
use crate::consultations;
use crate::ideas::{self, IdeaFilter};
use crate::model::{Consultation, Idea, IdeaState, PhaseKind, ProcessFull, Theme, VoteRule};
use crate::processes::{self, Counts};
use crate::votes;

pub struct ProcessItem {
    pub p: ProcessFull,
    pub counts: Counts,
}

#[derive(askama::Template)]
#[template(path = "dialogue/processes.html")]
struct ProcessesPage {
    page: Page,
    items: Vec<ProcessItem>,
}

pub async fn processes(platform: Platform, page: Page) -> Result<Response> {
    let page = crumbs(page.titled("dialogue-processes-title"), &[]);
    let mut items = Vec::new();
    for p in processes::list(&platform.db).await? {
        let counts = processes::counts(&platform.db, p.process.id).await?;
        items.push(ProcessItem { p, counts });
    }
    render(&ProcessesPage { page, items })
}

/// Loads a process by slug, or answers 404.
pub async fn load(platform: &Platform, slug: &str) -> Result<ProcessFull> {
    processes::find(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)
}

/// The page's breadcrumbs below a process.
pub fn under(page: Page, p: &ProcessFull) -> Page {
    let list = page.t("dialogue-processes-title");
    let title = p.process.title().get(page.lang).to_string();
    crumbs(
        page,
        &[
            (list, "/processes".into()),
            (title, format!("/processes/{}", p.process.slug)),
        ],
    )
}

pub struct ThemeCount {
    pub theme: Theme,
    pub ideas: i64,
}

/// What a visitor can do now, and why not.
pub struct Actions {
    pub submit: Option<std::result::Result<(), String>>,
    pub vote: Option<std::result::Result<(), String>>,
    pub results: bool,
}

pub fn actions(page: &Page, p: &ProcessFull) -> Actions {
    let user = page.user.as_ref();
    let why = |e: Error| page.lang.msg(&e.message());
    Actions {
        submit: p
            .open_phase(PhaseKind::Ideas)
            .map(|_| ideas::may_submit(p, user).map_err(why)),
        vote: p
            .open_phase(PhaseKind::Voting)
            .map(|_| votes::may_vote(p, user).map_err(why)),
        results: p.results_visible(),
    }
}

#[derive(askama::Template)]
#[template(path = "dialogue/process.html")]
struct ProcessPage {
    page: Page,
    p: ProcessFull,
    counts: Counts,
    themes: Vec<ThemeCount>,
    actions: Actions,
    consultation: Option<Consultation>,
}

pub async fn process(platform: Platform, page: Page, Path(slug): Path<String>) -> Result<Response> {
    if let Ok(id) = uuid::Uuid::parse_str(&slug)
        && processes::find(&platform.db, &slug).await?.is_none()
    {
        // Search results link by id.
        let p = processes::find_by_id(&platform.db, id)
            .await?
            .ok_or(Error::NotFound)?;
        return Ok(axum::response::Redirect::permanent(
            &page.url(&format!("/processes/{}", p.process.slug)),
        )
        .into_response());
    }
    let p = load(&platform, &slug).await?;
    let title = p.process.title().get(page.lang).to_string();
    let list = page.t("dialogue-processes-title");
    let page = crumbs(page.with_title(title), &[(list, "/processes".into())]);
    let counts = processes::counts(&platform.db, p.process.id).await?;
    let per_theme = processes::theme_counts(&platform.db, p.process.id).await?;
    let themes = p
        .themes
        .iter()
        .map(|t| ThemeCount {
            theme: t.clone(),
            ideas: per_theme
                .iter()
                .find(|(id, _)| *id == t.id)
                .map(|(_, n)| *n)
                .unwrap_or(0),
        })
        .collect();
    let consultation = consultations::for_process(&platform.db, p.process.id).await?;
    render(&ProcessPage {
        actions: actions(&page, &p),
        counts,
        themes,
        consultation,
        p,
        page,
    })
}

#[derive(askama::Template)]
#[template(path = "dialogue/ideas.html")]
struct IdeasPage {
    page: Page,
    p: ProcessFull,
    filter: IdeaFilter,
    ideas: Vec<Idea>,
    pager: Pager,
    actions: Actions,
    states: Vec<(String, String)>,
}

impl IdeasPage {
    fn theme_title(&self, idea: &Idea) -> platform::Bilingual {
        self.p
            .theme(idea.theme_id)
            .map(|t| t.title())
            .unwrap_or_default()
    }
}

pub async fn ideas(platform: Platform, page: Page, Path(slug): Path<String>) -> Result<Response> {
    let p = load(&platform, &slug).await?;
    let filter: IdeaFilter = query(&page);
    let page = under(page.titled("dialogue-ideas-title"), &p);
    let staff = page
        .user
        .as_ref()
        .is_some_and(|u| u.can_edit_for(p.process.organization_id) || u.is_moderator());
    let pager = Pager::new(&page, 20);
    let (list, total) = ideas::list(
        &platform.db,
        &p,
        &filter,
        staff,
        pager.per_page,
        pager.offset(),
    )
    .await?;
    let states = IdeaState::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), page.t(s.label_key())))
        .collect();
    render(&IdeasPage {
        actions: actions(&page, &p),
        pager: pager.with_total(total),
        ideas: list,
        states,
        filter,
        p,
        page,
    })
}

#[derive(askama::Template)]
#[template(path = "dialogue/data.html")]
struct DataPage {
    page: Page,
    p: ProcessFull,
    results: bool,
}

pub async fn data(platform: Platform, page: Page, Path(slug): Path<String>) -> Result<Response> {
    let p = load(&platform, &slug).await?;
    let page = under(page.titled("dialogue-data-title"), &p);
    render(&DataPage {
        results: p.results_visible(),
        p,
        page,
    })
}

/// Whether the process votes one favourite per theme.
pub fn per_theme(p: &ProcessFull) -> bool {
    p.process.rule() == VoteRule::OnePerTheme
}
