//! Staff pages that set a process up: create one (blank, or copied from a previous process with
//! its phases moved), and edit its phases, themes, criteria, voting rule and limits. A refused
//! change comes back with every reason on its field, in the page's language, and nothing saved.
//!
//! The form has one group of fields per phase kind (a process has at most one of each), one row
//! per theme and criterion plus a few blank rows for new ones. Controls are named
//! `<kind>_<field>`, `theme<row>_<field>` and `criterion<row>_<field>`; the store names the same
//! fields `phases[i].<field>`, `themes[i].<field>` and `criteria[i].<field>`, and
//! [`Setup::to_controls`] maps one to the other.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use platform::auth::CurrentUser;
use platform::forms::FieldLabels;
use platform::orgs::{self, Organization};
use platform::web::{CsrfForm, FormErrors, SignedIn, render, render_status, see_other};
use platform::{Error, FieldError, Msg, Page, Platform, Result};
use serde::Deserialize;
use time::Date;
use time::macros::format_description;
use uuid::Uuid;

use super::crumbs;
use super::process::{load, under};
use crate::model::{Audience, PhaseKind, ProcessFull, VoteRule};
use crate::process_setup;
use crate::processes::{self, NewCriterion, NewPhase, NewProcess, NewTheme};

/// Blank rows offered for new themes and criteria.
const BLANK_ROWS: usize = 3;
/// Rows read from a form beyond which it is refused as a whole, before anything else is read.
const MAX_ROWS: usize = processes::MAX_THEMES + 20;

/// The labels of the fields that are not in a row.
const LABELS: &[(&str, &str)] = &[
    ("slug", "dialogue-setup-slug"),
    ("organization_id", "dialogue-setup-organization"),
    ("title_en", "dialogue-setup-title-en"),
    ("title_fr", "dialogue-setup-title-fr"),
    ("summary_en", "dialogue-setup-summary-en"),
    ("summary_fr", "dialogue-setup-summary-fr"),
    ("guidance_en", "dialogue-setup-guidance-en"),
    ("guidance_fr", "dialogue-setup-guidance-fr"),
    ("vote_rule", "dialogue-setup-vote-rule"),
    ("vote_max", "dialogue-setup-vote-max"),
    ("ideas_per_person", "dialogue-setup-ideas-per-person"),
    ("report_threshold", "dialogue-setup-report-threshold"),
    ("phases", "dialogue-phases"),
    ("themes", "dialogue-themes"),
    ("criteria", "dialogue-criteria"),
    ("from", "dialogue-setup-copy-from"),
    ("opens_on", "dialogue-setup-copy-start"),
];

/// The label keys of the fields of a phase, a theme and a criterion.
const PHASE_FIELDS: &[(&str, &str)] = &[
    ("include", "dialogue-setup-phase-include"),
    ("opens_on", "dialogue-setup-opens-on"),
    ("closes_on", "dialogue-setup-closes-on"),
    ("title_en", "dialogue-setup-title-en"),
    ("title_fr", "dialogue-setup-title-fr"),
    ("description_en", "dialogue-setup-description-en"),
    ("description_fr", "dialogue-setup-description-fr"),
    ("submit", "dialogue-may-submit"),
    ("comment", "dialogue-may-comment"),
    ("vote", "dialogue-may-vote"),
    ("kind", "dialogue-phases"),
];
const THEME_FIELDS: &[(&str, &str)] = &[
    ("slug", "dialogue-setup-slug"),
    ("title_en", "dialogue-setup-title-en"),
    ("title_fr", "dialogue-setup-title-fr"),
    ("description_en", "dialogue-setup-description-en"),
    ("description_fr", "dialogue-setup-description-fr"),
    ("remove", "dialogue-setup-remove-theme"),
];
const CRITERION_FIELDS: &[(&str, &str)] = &[
    ("label_en", "dialogue-setup-label-en"),
    ("label_fr", "dialogue-setup-label-fr"),
    ("remove", "dialogue-setup-remove-criterion"),
];

/// One phase kind's fields as typed.
#[derive(Clone, Debug)]
pub struct PhaseRow {
    pub kind: PhaseKind,
    pub include: bool,
    pub opens_on: String,
    pub closes_on: String,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub submit: String,
    pub comment: String,
    pub vote: String,
}

impl PhaseRow {
    /// The control of one of this phase's fields.
    pub fn name(&self, field: &str) -> String {
        format!("{}_{field}", self.kind.as_str())
    }
    fn blank(kind: PhaseKind) -> Self {
        PhaseRow {
            kind,
            include: false,
            opens_on: String::new(),
            closes_on: String::new(),
            title_en: String::new(),
            title_fr: String::new(),
            description_en: String::new(),
            description_fr: String::new(),
            submit: Audience::Nobody.as_str().into(),
            comment: Audience::Nobody.as_str().into(),
            vote: Audience::Nobody.as_str().into(),
        }
    }
}

/// One theme's fields as typed; `existing` themes keep their slug.
#[derive(Clone, Debug, Default)]
pub struct ThemeRow {
    pub row: usize,
    pub existing: bool,
    pub slug: String,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub remove: bool,
}

impl ThemeRow {
    pub fn name(&self, field: &str) -> String {
        format!("theme{}_{field}", self.row)
    }
    fn is_blank(&self) -> bool {
        !self.existing
            && [
                &self.slug,
                &self.title_en,
                &self.title_fr,
                &self.description_en,
                &self.description_fr,
            ]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// One criterion's fields as typed; `id` names an existing one.
#[derive(Clone, Debug, Default)]
pub struct CriterionRow {
    pub row: usize,
    pub id: String,
    pub label_en: String,
    pub label_fr: String,
    pub remove: bool,
}

impl CriterionRow {
    pub fn name(&self, field: &str) -> String {
        format!("criterion{}_{field}", self.row)
    }
    fn is_blank(&self) -> bool {
        self.id.is_empty() && self.label_en.trim().is_empty() && self.label_fr.trim().is_empty()
    }
}

/// The whole setup form as typed, so that a refused form comes back as it was sent.
#[derive(Clone, Debug)]
pub struct Setup {
    pub slug: String,
    pub organization_id: String,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub guidance_en: String,
    pub guidance_fr: String,
    pub vote_rule: String,
    pub vote_max: String,
    pub hide_tallies: bool,
    pub ideas_per_person: String,
    pub report_threshold: String,
    pub phases: Vec<PhaseRow>,
    pub themes: Vec<ThemeRow>,
    pub criteria: Vec<CriterionRow>,
}

fn date_text(d: Date) -> String {
    d.to_string()
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

impl Setup {
    fn blank() -> Self {
        Setup {
            slug: String::new(),
            organization_id: String::new(),
            title_en: String::new(),
            title_fr: String::new(),
            summary_en: String::new(),
            summary_fr: String::new(),
            guidance_en: String::new(),
            guidance_fr: String::new(),
            vote_rule: VoteRule::OnePerTheme.as_str().into(),
            vote_max: "1".into(),
            hide_tallies: true,
            ideas_per_person: "0".into(),
            report_threshold: "3".into(),
            phases: PhaseKind::ALL.iter().map(|k| PhaseRow::blank(*k)).collect(),
            themes: Vec::new(),
            criteria: Vec::new(),
        }
        .with_blank_rows()
    }

    /// The form filled with a setup: an existing process (`existing` themes keep their slugs),
    /// or a copy.
    fn of(new: &NewProcess, existing: bool) -> Self {
        let mut s = Setup {
            slug: new.slug.clone(),
            organization_id: new.organization_id.to_string(),
            title_en: new.title_en.clone(),
            title_fr: new.title_fr.clone(),
            summary_en: new.summary_en.clone(),
            summary_fr: new.summary_fr.clone(),
            guidance_en: new.guidance_en.clone(),
            guidance_fr: new.guidance_fr.clone(),
            vote_rule: new.vote_rule.as_str().into(),
            vote_max: new.vote_max.to_string(),
            hide_tallies: new.hide_tallies,
            ideas_per_person: new.ideas_per_person.to_string(),
            report_threshold: new.report_threshold.to_string(),
            phases: Vec::new(),
            themes: Vec::new(),
            criteria: Vec::new(),
        };
        s.phases = PhaseKind::ALL
            .iter()
            .map(|k| match new.phases.iter().find(|p| p.kind == *k) {
                Some(p) => PhaseRow {
                    kind: *k,
                    include: true,
                    opens_on: date_text(p.opens_on),
                    closes_on: date_text(p.closes_on),
                    title_en: p.title_en.clone(),
                    title_fr: p.title_fr.clone(),
                    description_en: p.description_en.clone(),
                    description_fr: p.description_fr.clone(),
                    submit: p.submit.as_str().into(),
                    comment: p.comment.as_str().into(),
                    vote: p.vote.as_str().into(),
                },
                None => PhaseRow::blank(*k),
            })
            .collect();
        s.themes = new
            .themes
            .iter()
            .enumerate()
            .map(|(row, t)| ThemeRow {
                row,
                existing,
                slug: t.slug.clone(),
                title_en: t.title_en.clone(),
                title_fr: t.title_fr.clone(),
                description_en: t.description_en.clone(),
                description_fr: t.description_fr.clone(),
                remove: false,
            })
            .collect();
        s.criteria = new
            .criteria
            .iter()
            .enumerate()
            .map(|(row, c)| CriterionRow {
                row,
                id: c.id.map(|id| id.to_string()).unwrap_or_default(),
                label_en: c.label_en.clone(),
                label_fr: c.label_fr.clone(),
                remove: false,
            })
            .collect();
        s.with_blank_rows()
    }

    /// Adds blank rows for new themes and criteria after the filled ones.
    fn with_blank_rows(mut self) -> Self {
        self.themes.retain(|t| !t.is_blank());
        self.criteria.retain(|c| !c.is_blank());
        let next = self.themes.iter().map(|t| t.row + 1).max().unwrap_or(0);
        self.themes
            .extend((next..next + BLANK_ROWS).map(|row| ThemeRow {
                row,
                ..Default::default()
            }));
        let next = self.criteria.iter().map(|c| c.row + 1).max().unwrap_or(0);
        self.criteria
            .extend((next..next + BLANK_ROWS).map(|row| CriterionRow {
                row,
                ..Default::default()
            }));
        self
    }

    /// Reads the form. More rows than a process may hold refuse the form before any is read.
    fn read(form: &[(String, String)]) -> std::result::Result<Self, Error> {
        let get = |key: &str| {
            form.iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let on = |key: &str| form.iter().any(|(k, v)| k == key && !v.is_empty());
        let rows = |prefix: &str| -> std::result::Result<Vec<usize>, Error> {
            let mut rows: Vec<usize> = Vec::new();
            for (k, _) in form {
                let Some(rest) = k.strip_prefix(prefix) else {
                    continue;
                };
                let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                if digits.is_empty() || !rest[digits.len()..].starts_with('_') {
                    continue;
                }
                match digits.parse::<usize>() {
                    Ok(n) if !rows.contains(&n) => rows.push(n),
                    Ok(_) => {}
                    Err(_) => rows.push(usize::MAX),
                }
                if rows.len() > MAX_ROWS || rows.contains(&usize::MAX) {
                    return Err(Error::Validation(vec![FieldError::with(
                        if prefix == "theme" {
                            "themes"
                        } else {
                            "criteria"
                        },
                        Msg::new("dialogue-error-too-many").arg(
                            "max",
                            if prefix == "theme" {
                                processes::MAX_THEMES
                            } else {
                                processes::MAX_CRITERIA
                            },
                        ),
                    )]));
                }
            }
            rows.sort_unstable();
            Ok(rows)
        };
        let theme_rows = rows("theme")?;
        let criterion_rows = rows("criterion")?;
        Ok(Setup {
            slug: get("slug").trim().to_string(),
            organization_id: get("organization_id"),
            title_en: get("title_en"),
            title_fr: get("title_fr"),
            summary_en: get("summary_en"),
            summary_fr: get("summary_fr"),
            guidance_en: get("guidance_en"),
            guidance_fr: get("guidance_fr"),
            vote_rule: get("vote_rule"),
            vote_max: get("vote_max"),
            hide_tallies: on("hide_tallies"),
            ideas_per_person: get("ideas_per_person"),
            report_threshold: get("report_threshold"),
            phases: PhaseKind::ALL
                .iter()
                .map(|k| {
                    let f = |field: &str| get(&format!("{}_{field}", k.as_str()));
                    PhaseRow {
                        kind: *k,
                        include: on(&format!("{}_include", k.as_str())),
                        opens_on: f("opens_on"),
                        closes_on: f("closes_on"),
                        title_en: f("title_en"),
                        title_fr: f("title_fr"),
                        description_en: f("description_en"),
                        description_fr: f("description_fr"),
                        submit: f("submit"),
                        comment: f("comment"),
                        vote: f("vote"),
                    }
                })
                .collect(),
            themes: theme_rows
                .into_iter()
                .map(|row| {
                    let f = |field: &str| get(&format!("theme{row}_{field}"));
                    ThemeRow {
                        row,
                        existing: on(&format!("theme{row}_existing")),
                        slug: f("slug").trim().to_string(),
                        title_en: f("title_en"),
                        title_fr: f("title_fr"),
                        description_en: f("description_en"),
                        description_fr: f("description_fr"),
                        remove: on(&format!("theme{row}_remove")),
                    }
                })
                .collect(),
            criteria: criterion_rows
                .into_iter()
                .map(|row| {
                    let f = |field: &str| get(&format!("criterion{row}_{field}"));
                    CriterionRow {
                        row,
                        id: f("id"),
                        label_en: f("label_en"),
                        label_fr: f("label_fr"),
                        remove: on(&format!("criterion{row}_remove")),
                    }
                })
                .collect(),
        })
    }

    /// The setup the store takes, and the fields that could not be read (dates, numbers,
    /// choices), named by their controls.
    fn to_new(&self) -> (NewProcess, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut number = |field: &str, value: &str| -> i64 {
            match value.trim().parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    errors.push(FieldError::new(field, "error-not-a-number"));
                    0
                }
            }
        };
        let vote_max = number("vote_max", &self.vote_max);
        let ideas_per_person = number("ideas_per_person", &self.ideas_per_person);
        let report_threshold = number("report_threshold", &self.report_threshold);
        let vote_rule = VoteRule::parse(&self.vote_rule).unwrap_or_else(|| {
            errors.push(FieldError::new("vote_rule", "error-not-in-list"));
            VoteRule::OnePerTheme
        });
        let organization_id = Uuid::parse_str(&self.organization_id).unwrap_or_default();
        let mut phases = Vec::new();
        for row in self.phases.iter().filter(|r| r.include) {
            let mut day = |field: &str, value: &str| match parse_date(value) {
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new(row.name(field), "dialogue-error-date"));
                    None
                }
            };
            let opens_on = day("opens_on", &row.opens_on);
            let closes_on = day("closes_on", &row.closes_on);
            let mut audience = |field: &str, value: &str| {
                Audience::parse(value).unwrap_or_else(|| {
                    errors.push(FieldError::new(row.name(field), "error-not-in-list"));
                    Audience::Nobody
                })
            };
            let submit = audience("submit", &row.submit);
            let comment = audience("comment", &row.comment);
            let vote = audience("vote", &row.vote);
            if let (Some(opens_on), Some(closes_on)) = (opens_on, closes_on) {
                phases.push(NewPhase {
                    kind: row.kind,
                    title_en: row.title_en.clone(),
                    title_fr: row.title_fr.clone(),
                    description_en: row.description_en.clone(),
                    description_fr: row.description_fr.clone(),
                    opens_on,
                    closes_on,
                    submit,
                    comment,
                    vote,
                });
            }
        }
        let themes = self
            .kept_themes()
            .map(|t| NewTheme {
                slug: t.slug.clone(),
                title_en: t.title_en.clone(),
                title_fr: t.title_fr.clone(),
                description_en: t.description_en.clone(),
                description_fr: t.description_fr.clone(),
            })
            .collect();
        let mut criteria = Vec::new();
        for c in self.kept_criteria() {
            let id = if c.id.is_empty() {
                None
            } else {
                match Uuid::parse_str(&c.id) {
                    Ok(id) => Some(id),
                    Err(_) => {
                        errors.push(FieldError::new(c.name("label_en"), "error-form-invalid"));
                        None
                    }
                }
            };
            criteria.push(NewCriterion {
                id,
                label_en: c.label_en.clone(),
                label_fr: c.label_fr.clone(),
            });
        }
        let new = NewProcess {
            slug: self.slug.clone(),
            organization_id,
            title_en: self.title_en.clone(),
            title_fr: self.title_fr.clone(),
            summary_en: self.summary_en.clone(),
            summary_fr: self.summary_fr.clone(),
            guidance_en: self.guidance_en.clone(),
            guidance_fr: self.guidance_fr.clone(),
            vote_rule,
            vote_max,
            hide_tallies: self.hide_tallies,
            ideas_per_person,
            report_threshold,
            sample: false,
            phases,
            themes,
            criteria,
        };
        (new, errors)
    }

    fn kept_themes(&self) -> impl Iterator<Item = &ThemeRow> {
        self.themes.iter().filter(|t| !t.remove && !t.is_blank())
    }

    fn kept_criteria(&self) -> impl Iterator<Item = &CriterionRow> {
        self.criteria.iter().filter(|c| !c.remove && !c.is_blank())
    }

    /// The store's field names (`themes[2].slug`) as this form's controls (`theme4_slug`).
    fn to_controls(&self, new: &NewProcess, errors: Vec<FieldError>) -> Vec<FieldError> {
        let themes: Vec<usize> = self.kept_themes().map(|t| t.row).collect();
        let criteria: Vec<usize> = self.kept_criteria().map(|c| c.row).collect();
        errors
            .into_iter()
            .map(|e| {
                let field = match split_row(&e.field) {
                    Some(("phases", i, f)) => new
                        .phases
                        .get(i)
                        .map(|p| format!("{}_{f}", p.kind.as_str())),
                    Some(("themes", i, f)) => themes.get(i).map(|row| format!("theme{row}_{f}")),
                    Some(("criteria", i, f)) => {
                        criteria.get(i).map(|row| format!("criterion{row}_{f}"))
                    }
                    _ => None,
                };
                FieldError {
                    field: field.unwrap_or(e.field),
                    msg: e.msg,
                }
            })
            .collect()
    }

    /// Every row's controls labelled "<row> – <field>", in the page's language.
    fn labels(&self, page: &Page) -> FieldLabels {
        let mut labels = FieldLabels::keys(page, LABELS);
        for ph in &self.phases {
            let row = page.t(ph.kind.label_key());
            for (field, key) in PHASE_FIELDS {
                labels = labels.label(ph.name(field), format!("{row} – {}", page.t(key)));
            }
        }
        for t in &self.themes {
            let row = page.t1("dialogue-setup-theme-n", "n", t.row + 1);
            for (field, key) in THEME_FIELDS {
                labels = labels.label(t.name(field), format!("{row} – {}", page.t(key)));
            }
        }
        for c in &self.criteria {
            let row = page.t1("dialogue-setup-criterion-n", "n", c.row + 1);
            for (field, key) in CRITERION_FIELDS {
                labels = labels.label(c.name(field), format!("{row} – {}", page.t(key)));
            }
        }
        labels
    }
}

/// `themes[2].slug` as `("themes", 2, "slug")`.
fn split_row(field: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = field.split_once('[')?;
    let (index, rest) = rest.split_once(']')?;
    let inner = rest.strip_prefix('.')?;
    Some((list, index.parse().ok()?, inner))
}

#[derive(askama::Template)]
#[template(path = "dialogue/staff/process_form.html")]
struct SetupPage {
    page: Page,
    /// The process being edited; none on the creation page.
    editing: Option<ProcessFull>,
    v: Setup,
    errors: FormErrors,
    organizations: Vec<Organization>,
    /// Processes whose setup may be copied: slug and title.
    sources: Vec<(String, String)>,
    copy: CopyQuery,
    action: String,
}

impl SetupPage {
    fn audiences(&self) -> &'static [Audience] {
        Audience::ALL
    }
    fn rules(&self) -> &'static [VoteRule] {
        VoteRule::ALL
    }
}

#[derive(Deserialize, Default, Clone, Debug)]
pub struct CopyQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub opens_on: String,
}

/// The organizations `user` may create a process for.
async fn organizations_of(platform: &Platform, user: &CurrentUser) -> Result<Vec<Organization>> {
    let all = orgs::list(&platform.db).await?;
    Ok(all
        .into_iter()
        .filter(|o| user.can_edit_for(o.id))
        .collect())
}

async fn new_page(
    platform: &Platform,
    page: Page,
    user: &CurrentUser,
    v: Setup,
    errors: FormErrors,
    copy: CopyQuery,
) -> Result<SetupPage> {
    let list = page.t("dialogue-processes-title");
    let page = crumbs(
        page.titled("dialogue-setup-new-title"),
        &[(list, "/processes".into())],
    );
    let sources = process_setup::sources(&platform.db)
        .await?
        .into_iter()
        .map(|(slug, en, fr)| {
            let title = platform::Bilingual::new(&en, &fr)
                .get(page.lang)
                .to_string();
            (slug, title)
        })
        .collect();
    Ok(SetupPage {
        action: page.url("/dialogue/processes/new"),
        organizations: organizations_of(platform, user).await?,
        editing: None,
        v,
        errors,
        sources,
        copy,
        page,
    })
}

fn staff_anywhere(user: &CurrentUser) -> Result<()> {
    if user.is_admin() || !user.editor_organizations().is_empty() {
        Ok(())
    } else {
        Err(Error::forbidden("dialogue-error-staff-only"))
    }
}

/// The creation page; `?from=<slug>&opens_on=<date>` fills it with a copy of that process.
pub async fn new_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
) -> Result<Response> {
    staff_anywhere(&user)?;
    let copy: CopyQuery = page.params();
    let mut errors = Vec::new();
    let mut v = Setup::blank();
    if !copy.from.is_empty() {
        match copy_setup(&platform, &copy).await {
            Ok(new) => v = Setup::of(&new, false),
            Err(Error::Validation(e)) => errors = e,
            Err(e) => return Err(e),
        }
    }
    // A copy keeps its source's organization only for staff of that organization.
    let mine = organizations_of(&platform, &user).await?;
    if !mine.iter().any(|o| o.id.to_string() == v.organization_id)
        && let Some(first) = mine.first()
    {
        v.organization_id = first.id.to_string();
    }
    let shown = FieldLabels::keys(&page, LABELS).errors(&page, &Error::Validation(errors));
    let status = if shown.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = new_page(&platform, page, &user, v, shown, copy).await?;
    render_status(status, &view)
}

async fn copy_setup(platform: &Platform, copy: &CopyQuery) -> Result<NewProcess> {
    let source = processes::find(&platform.db, &copy.from)
        .await?
        .ok_or_else(|| Error::field("from", "error-not-in-list"))?;
    let opens_on = if copy.opens_on.trim().is_empty() {
        process_setup::default_start()
    } else {
        parse_date(&copy.opens_on).ok_or_else(|| Error::field("opens_on", "dialogue-error-date"))?
    };
    process_setup::copy_of(&source, opens_on)
}

pub async fn create(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    staff_anywhere(&user)?;
    let v = match Setup::read(&form) {
        Ok(v) => v,
        Err(e) => return refused_new(&platform, page, &user, Setup::blank(), e).await,
    };
    let (new, unread) = v.to_new();
    let result = if !unread.is_empty() {
        Err(Error::Validation(unread))
    } else if !user.can_edit_for(new.organization_id) {
        Err(Error::field("organization_id", "error-not-in-list"))
    } else {
        platform
            .db
            .write(async |tx| process_setup::create(tx, &user.actor(), &new).await)
            .await
            .map_err(|e| match e {
                Error::Validation(list) => Error::Validation(v.to_controls(&new, list)),
                e => e,
            })
    };
    match result {
        Ok(p) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-process-created",
            page.url(&format!("/processes/{}", p.slug))
        ))),
        Err(e @ Error::Validation(_)) => refused_new(&platform, page, &user, v, e).await,
        Err(e) => Err(e),
    }
}

async fn refused_new(
    platform: &Platform,
    page: Page,
    user: &CurrentUser,
    v: Setup,
    e: Error,
) -> Result<Response> {
    let v = v.with_blank_rows();
    let errors = v.labels(&page).errors(&page, &e);
    let view = new_page(platform, page, user, v, errors, CopyQuery::default()).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

/// A process that `user` edits for.
async fn editable(platform: &Platform, user: &CurrentUser, slug: &str) -> Result<ProcessFull> {
    let p = load(platform, slug).await?;
    if !user.can_edit_for(p.process.organization_id) {
        return Err(Error::forbidden("dialogue-error-staff-only"));
    }
    Ok(p)
}

fn edit_page(page: Page, p: ProcessFull, v: Setup, errors: FormErrors) -> SetupPage {
    let page = under(page.titled("dialogue-setup-edit-title"), &p);
    SetupPage {
        action: page.url(&format!("/processes/{}/edit", p.process.slug)),
        editing: Some(p),
        v,
        errors,
        organizations: Vec::new(),
        sources: Vec::new(),
        copy: CopyQuery::default(),
        page,
    }
}

pub async fn edit_form(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response> {
    let p = editable(&platform, &user, &slug).await?;
    let v = Setup::of(&process_setup::setup_of(&p), true);
    render(&edit_page(page, p, v, FormErrors::default()))
}

pub async fn edit(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let p = editable(&platform, &user, &slug).await?;
    let (v, result) = match Setup::read(&form) {
        Err(e) => (Setup::of(&process_setup::setup_of(&p), true), Err(e)),
        Ok(mut v) => {
            v.slug = p.process.slug.clone();
            v.organization_id = p.process.organization_id.to_string();
            let (new, unread) = v.to_new();
            let result = if !unread.is_empty() {
                Err(Error::Validation(unread))
            } else {
                platform
                    .db
                    .write(async |tx| {
                        process_setup::update(tx, &user.actor(), p.process.id, &new).await
                    })
                    .await
                    .map_err(|e| match e {
                        Error::Validation(list) => Error::Validation(v.to_controls(&new, list)),
                        e => e,
                    })
            };
            (v, result)
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "{}?notice=notice-dialogue-process-saved",
            page.url(&format!("/processes/{slug}"))
        ))),
        Err(e @ Error::Validation(_)) => {
            let v = v.with_blank_rows();
            let errors = v.labels(&page).errors(&page, &e);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(page, p, v, errors),
            )
        }
        Err(e) => Err(e),
    }
}
