//! The ballot, casting and changing it, the receipt, checking a receipt, and ranked results.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use platform::forms::FieldLabels;
use platform::ratelimit::{Action, Throttle};
use platform::web::{CsrfForm, FormErrors, SignedIn, render, render_status};
use platform::{Error, FieldError, Page, Platform, Result};
use serde::Deserialize;
use uuid::Uuid;

use super::no_store;
use super::process::{load, per_theme, under};
use crate::model::{Idea, IdeaState, PhaseKind, ProcessFull, Theme};
use crate::votes::{self, APPROVAL_SCOPE, BallotChoice, RankedGroup, ReceiptCheck, VoteOutcome};
use crate::web::FIELD_LABELS;
use crate::{ideas, processes};

pub struct BallotGroup {
    /// Theme slug, or `all`.
    pub scope: String,
    pub theme: Option<Theme>,
    pub ideas: Vec<Idea>,
    /// The ideas this voter chose before (a ballot exists).
    pub had: Option<Vec<Uuid>>,
    /// What the form shows as chosen now.
    pub chosen: Vec<Uuid>,
}

impl BallotGroup {
    pub fn field(&self) -> String {
        votes::scope_field(&self.scope)
    }
    pub fn is_chosen(&self, id: &Uuid) -> bool {
        self.chosen.contains(id)
    }
}

#[derive(askama::Template)]
#[template(path = "dialogue/vote.html")]
struct BallotPage {
    page: Page,
    p: ProcessFull,
    groups: Vec<BallotGroup>,
    errors: FormErrors,
    closes_on: Option<time::Date>,
}

impl BallotPage {
    fn voted_before(&self) -> bool {
        self.groups.iter().any(|g| g.had.is_some())
    }
}

async fn groups(
    platform: &Platform,
    p: &ProcessFull,
    voter: Uuid,
    chosen: Option<&[BallotChoice]>,
) -> Result<Vec<BallotGroup>> {
    let accepted = ideas::in_state(&platform.db, p.process.id, IdeaState::Accepted).await?;
    let mine = votes::my_ballots(&platform.db, p, voter).await?;
    let had = |scope: &str| {
        mine.iter()
            .find(|(s, _)| s == scope)
            .map(|(_, ideas)| ideas.clone())
    };
    let chosen_for = |scope: &str, had: &Option<Vec<Uuid>>| match chosen {
        Some(choices) => choices
            .iter()
            .find(|c| c.scope == scope)
            .map(|c| c.ideas.clone())
            .unwrap_or_default(),
        None => had.clone().unwrap_or_default(),
    };
    Ok(if per_theme(p) {
        p.themes
            .iter()
            .map(|t| {
                let had = had(&t.slug);
                BallotGroup {
                    scope: t.slug.clone(),
                    theme: Some(t.clone()),
                    ideas: accepted
                        .iter()
                        .filter(|i| i.theme_id == t.id)
                        .cloned()
                        .collect(),
                    chosen: chosen_for(&t.slug, &had),
                    had,
                }
            })
            .collect()
    } else {
        let had = had(APPROVAL_SCOPE);
        vec![BallotGroup {
            scope: APPROVAL_SCOPE.to_string(),
            theme: None,
            ideas: accepted,
            chosen: chosen_for(APPROVAL_SCOPE, &had),
            had,
        }]
    })
}

fn ballot_page(page: Page, p: &ProcessFull) -> Page {
    under(page.titled("dialogue-vote-title"), p)
}

pub async fn ballot(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    let p = load(&platform, &slug).await?;
    votes::may_vote(&p, Some(&user))?;
    let groups = groups(&platform, &p, user.id, None).await?;
    let closes_on = p.open_phase(PhaseKind::Voting).map(|ph| ph.closes_on);
    render(&BallotPage {
        page: ballot_page(page, &p),
        groups,
        errors: FormErrors::default(),
        closes_on,
        p,
    })
}

/// Reads the ballot form: `theme-<slug>` = idea id per theme, or repeated `idea` for approval;
/// `had-<scope>` marks a ballot the page knew about (so the form changes it).
fn choices_from(
    p: &ProcessFull,
    form: &[(String, String)],
) -> (Vec<BallotChoice>, Vec<FieldError>) {
    let value = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let mut errors = Vec::new();
    let mut out = Vec::new();
    if per_theme(p) {
        for t in &p.themes {
            let Some(v) = value(&format!("theme-{}", t.slug)).filter(|v| !v.is_empty()) else {
                continue;
            };
            match Uuid::parse_str(v) {
                Ok(id) => out.push(BallotChoice {
                    scope: t.slug.clone(),
                    ideas: vec![id],
                    change: value(&format!("had-{}", t.slug)) == Some("1"),
                }),
                Err(_) => errors.push(FieldError::new(
                    votes::scope_field(&t.slug),
                    "dialogue-error-ballot-idea",
                )),
            }
        }
    } else {
        let mut ids = Vec::new();
        for (k, v) in form {
            if k == "idea" {
                match Uuid::parse_str(v) {
                    Ok(id) => ids.push(id),
                    Err(_) => errors.push(FieldError::new("ideas", "dialogue-error-ballot-idea")),
                }
            }
        }
        if !ids.is_empty() {
            out.push(BallotChoice {
                scope: APPROVAL_SCOPE.to_string(),
                ideas: ids,
                change: value(&format!("had-{APPROVAL_SCOPE}")) == Some("1"),
            });
        }
    }
    (out, errors)
}

#[derive(askama::Template)]
#[template(path = "dialogue/voted.html")]
struct VotedPage {
    page: Page,
    p: ProcessFull,
    outcome: VoteOutcome,
}

pub async fn cast(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let p = load(&platform, &slug).await?;
    votes::may_vote(&p, Some(&user))?;
    throttle.check(Action::Vote).await?;
    let (choices, mut problems) = choices_from(&p, &form);
    let result = if problems.is_empty() {
        platform
            .db
            .write(async |tx| votes::vote(tx, &p, &user, &choices).await)
            .await
    } else {
        Err(Error::Validation(std::mem::take(&mut problems)))
    };
    match result {
        Ok(outcome) => {
            let page = under(page.titled("dialogue-voted-title"), &p);
            Ok(no_store(render(&VotedPage { page, p, outcome })?))
        }
        Err(e @ Error::Validation(_)) => {
            // A ballot's themes are labelled by their titles.
            let labels = p
                .themes
                .iter()
                .fold(FieldLabels::keys(&page, FIELD_LABELS), |labels, t| {
                    labels.label(votes::scope_field(&t.slug), t.title().get(page.lang))
                });
            let errors = labels.errors(&page, &e);
            let groups = groups(&platform, &p, user.id, Some(&choices)).await?;
            let closes_on = p.open_phase(PhaseKind::Voting).map(|ph| ph.closes_on);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &BallotPage {
                    page: ballot_page(page, &p),
                    groups,
                    errors,
                    closes_on,
                    p,
                },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct ReceiptQuery {
    #[serde(default)]
    code: String,
}

pub struct ReceiptView {
    pub check: ReceiptCheck,
    pub process: Option<ProcessFull>,
}

impl ReceiptView {
    pub fn scope_title(&self, scope: &str) -> Option<platform::Bilingual> {
        self.process
            .as_ref()
            .and_then(|p| p.theme_by_slug(scope))
            .map(|t| t.title())
    }
}

#[derive(askama::Template)]
#[template(path = "dialogue/receipt.html")]
struct ReceiptPage {
    page: Page,
    code: String,
    asked: bool,
    found: Option<ReceiptView>,
}

pub async fn receipt(platform: Platform, page: Page) -> Result<Response> {
    let q: ReceiptQuery = super::query(&page);
    let code = crate::text::clean_query(&q.code);
    let page = super::crumbs(page.titled("dialogue-receipt-check-title"), &[]);
    let found = if code.is_empty() {
        None
    } else {
        match votes::check_receipt(&platform.db, &code).await? {
            Some(check) => {
                let process = processes::find_by_id(&platform.db, check.process_id).await?;
                Some(ReceiptView { check, process })
            }
            None => None,
        }
    };
    Ok(no_store(render(&ReceiptPage {
        asked: !code.is_empty(),
        code,
        found,
        page,
    })?))
}

#[derive(askama::Template)]
#[template(path = "dialogue/results.html")]
struct ResultsPage {
    page: Page,
    p: ProcessFull,
    groups: Vec<RankedGroup>,
    visible: bool,
    closes_on: Option<time::Date>,
    totals: votes::Totals,
}

impl ResultsPage {
    fn max_votes(&self, g: &RankedGroup) -> i64 {
        g.rows.iter().map(|r| r.votes).max().unwrap_or(0)
    }
}

pub async fn results(platform: Platform, page: Page, Path(slug): Path<String>) -> Result<Response> {
    let p = load(&platform, &slug).await?;
    let page = under(page.titled("dialogue-results-ranked"), &p);
    let visible = p.results_visible();
    let groups = if visible {
        votes::ranked(&platform.db, &p).await?
    } else {
        Vec::new()
    };
    let totals = if visible {
        votes::totals(&platform.db, p.process.id).await?
    } else {
        votes::Totals::default()
    };
    let closes_on = p.phase(PhaseKind::Voting).map(|ph| ph.closes_on);
    render(&ResultsPage {
        groups,
        visible,
        closes_on,
        totals,
        p,
        page,
    })
}
