//! Changing a process's setup after it was created — phases, themes, criteria, voting rule and
//! limits — without breaking what has already happened in it, and reusing a setup for a new
//! process.
//!
//! An edit names the whole setup. Phases are matched by kind (a process has at most one of
//! each), themes by slug (their address; it does not change) and criteria by id. What the edit
//! leaves out is deleted, unless ideas, ballots or assessments hang on it: then the whole edit is
//! refused with the reason, and nothing is saved.

use platform::db::{Actor, Tx, now};
use platform::{Error, FieldError, Msg, Result, exec, on};
use time::{Date, Duration};
use uuid::Uuid;

use crate::model::{PhaseKind, ProcessFull, VoteRule, today};
use crate::processes::{self, NewCriterion, NewPhase, NewProcess, NewTheme};
use crate::text;

/// How long the texts of a setup may be.
const TITLE_MAX: usize = 200;
const SUMMARY_MAX: usize = 5_000;

/// The rules a setup follows when staff write it from the pages, on top of those of
/// [`processes::create`]: clean texts, and phases that follow each other without overlapping.
pub fn check(new: &NewProcess) -> Vec<FieldError> {
    let mut errors = processes::validate(new);
    if errors
        .iter()
        .any(|e| e.msg.key == "dialogue-error-too-many")
    {
        return errors;
    }
    let e = &mut errors;
    clean(e, "title_en", &new.title_en, TITLE_MAX);
    clean(e, "title_fr", &new.title_fr, TITLE_MAX);
    clean(e, "summary_en", &new.summary_en, SUMMARY_MAX);
    clean(e, "summary_fr", &new.summary_fr, SUMMARY_MAX);
    clean(e, "guidance_en", &new.guidance_en, SUMMARY_MAX);
    clean(e, "guidance_fr", &new.guidance_fr, SUMMARY_MAX);
    for (i, p) in new.phases.iter().enumerate() {
        clean(e, &format!("phases[{i}].title_en"), &p.title_en, TITLE_MAX);
        clean(e, &format!("phases[{i}].title_fr"), &p.title_fr, TITLE_MAX);
        clean(
            e,
            &format!("phases[{i}].description_en"),
            &p.description_en,
            SUMMARY_MAX,
        );
        clean(
            e,
            &format!("phases[{i}].description_fr"),
            &p.description_fr,
            SUMMARY_MAX,
        );
    }
    for (i, t) in new.themes.iter().enumerate() {
        clean(e, &format!("themes[{i}].title_en"), &t.title_en, TITLE_MAX);
        clean(e, &format!("themes[{i}].title_fr"), &t.title_fr, TITLE_MAX);
        clean(
            e,
            &format!("themes[{i}].description_en"),
            &t.description_en,
            SUMMARY_MAX,
        );
        clean(
            e,
            &format!("themes[{i}].description_fr"),
            &t.description_fr,
            SUMMARY_MAX,
        );
    }
    for (i, c) in new.criteria.iter().enumerate() {
        if c.label_en.trim().is_empty() && c.label_fr.trim().is_empty() {
            e.push(FieldError::new(
                format!("criteria[{i}].label_en"),
                "error-required",
            ));
        }
        clean(
            e,
            &format!("criteria[{i}].label_en"),
            &c.label_en,
            TITLE_MAX,
        );
        clean(
            e,
            &format!("criteria[{i}].label_fr"),
            &c.label_fr,
            TITLE_MAX,
        );
    }
    if new.phases.is_empty() {
        errors.push(FieldError::new("phases", "dialogue-error-no-phase"));
    }
    // Each phase must end before the next one (by dates) begins.
    let mut by_date: Vec<(usize, &NewPhase)> = new.phases.iter().enumerate().collect();
    by_date.sort_by_key(|(_, p)| (p.opens_on, p.closes_on));
    for pair in by_date.windows(2) {
        let ((_, before), (i, after)) = (pair[0], pair[1]);
        if before.closes_on >= after.opens_on && before.opens_on <= before.closes_on {
            errors.push(FieldError::with(
                format!("phases[{i}].opens_on"),
                Msg::new("dialogue-error-phases-overlap").arg("phase", before.kind.as_str()),
            ));
        }
    }
    errors
}

/// One optional text of a setup: not too long, no HTML, no control characters.
fn clean(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    text::check(errors, field, value, max, false);
}

/// Creates a process written from the pages: [`check`], then [`processes::create`].
pub async fn create(tx: &mut Tx, actor: &Actor, new: &NewProcess) -> Result<crate::model::Process> {
    let errors = check(new);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    processes::create(tx, actor, new).await
}

/// The setup of `p` as an edit that changes nothing: the form's starting values, and the audit's
/// "before".
pub fn setup_of(p: &ProcessFull) -> NewProcess {
    let pr = &p.process;
    NewProcess {
        slug: pr.slug.clone(),
        organization_id: pr.organization_id,
        title_en: pr.title_en.clone(),
        title_fr: pr.title_fr.clone(),
        summary_en: pr.summary_en.clone(),
        summary_fr: pr.summary_fr.clone(),
        guidance_en: pr.guidance_en.clone(),
        guidance_fr: pr.guidance_fr.clone(),
        vote_rule: pr.rule(),
        vote_max: pr.vote_max,
        hide_tallies: pr.hide_tallies,
        ideas_per_person: pr.ideas_per_person,
        report_threshold: pr.report_threshold,
        sample: pr.sample,
        phases: p
            .phases
            .iter()
            .map(|ph| NewPhase {
                kind: ph.kind(),
                title_en: ph.title_en.clone(),
                title_fr: ph.title_fr.clone(),
                description_en: ph.description_en.clone(),
                description_fr: ph.description_fr.clone(),
                opens_on: ph.opens_on,
                closes_on: ph.closes_on,
                submit: ph.submit(),
                comment: ph.comment(),
                vote: ph.vote(),
            })
            .collect(),
        themes: p
            .themes
            .iter()
            .map(|t| NewTheme {
                slug: t.slug.clone(),
                title_en: t.title_en.clone(),
                title_fr: t.title_fr.clone(),
                description_en: t.description_en.clone(),
                description_fr: t.description_fr.clone(),
            })
            .collect(),
        criteria: p
            .criteria
            .iter()
            .map(|c| NewCriterion {
                id: Some(c.id),
                label_en: c.label_en.clone(),
                label_fr: c.label_fr.clone(),
            })
            .collect(),
    }
}

/// A new process's setup taken from `source`: its phases moved so that the first opens on
/// `first_opens` (each keeps its length and the gaps between them), its themes, criteria, rules
/// and limits; no ideas, ballots or comments. The slug is left for staff to choose.
pub fn copy_of(source: &ProcessFull, first_opens: Date) -> Result<NewProcess> {
    let mut new = setup_of(source);
    new.slug = String::new();
    new.sample = false;
    for c in &mut new.criteria {
        c.id = None;
    }
    let Some(first) = new.phases.iter().map(|p| p.opens_on).min() else {
        return Ok(new);
    };
    let shift = first_opens - first;
    let moved = |d: Date| {
        d.checked_add(shift)
            .filter(|d| processes::YEARS.contains(&d.year()))
            .ok_or_else(|| {
                Error::Validation(vec![FieldError::with(
                    "opens_on",
                    Msg::new("dialogue-error-year")
                        .arg("min", *processes::YEARS.start())
                        .arg("max", *processes::YEARS.end()),
                )])
            })
    };
    for p in &mut new.phases {
        p.opens_on = moved(p.opens_on)?;
        p.closes_on = moved(p.closes_on)?;
    }
    Ok(new)
}

/// What hangs on a process's setup: refused edits are measured against it.
struct Holdings {
    ballots: i64,
    /// Ideas per theme, including removed ones (they still point at their theme).
    ideas_by_theme: Vec<(Uuid, i64)>,
    /// Assessment checks per criterion.
    checks_by_criterion: Vec<(Uuid, i64)>,
}

async fn holdings(tx: &mut Tx, process_id: Uuid) -> Result<Holdings> {
    let (ballots, ideas_by_theme, checks_by_criterion) = exec!(tx, |c| {
        let ballots: i64 = sqlx::query_scalar(crate::votes::COUNT_BALLOTS)
            .bind(process_id)
            .fetch_one(&mut *c)
            .await?;
        let ideas: Vec<(Uuid, i64)> = sqlx::query_as(
            "SELECT theme_id, COUNT(*) FROM dialogue_ideas WHERE process_id = $1 GROUP BY theme_id",
        )
        .bind(process_id)
        .fetch_all(&mut *c)
        .await?;
        let checks: Vec<(Uuid, i64)> = sqlx::query_as(
            "SELECT k.criterion_id, COUNT(*) FROM dialogue_checks k JOIN dialogue_criteria r ON r.id = k.criterion_id \
             WHERE r.process_id = $1 GROUP BY k.criterion_id",
        )
        .bind(process_id)
        .fetch_all(&mut *c)
        .await?;
        (ballots, ideas, checks)
    });
    Ok(Holdings {
        ballots,
        ideas_by_theme,
        checks_by_criterion,
    })
}

fn count_of(list: &[(Uuid, i64)], id: Uuid) -> i64 {
    list.iter()
        .find(|(k, _)| *k == id)
        .map(|(_, n)| *n)
        .unwrap_or(0)
}

/// The reasons `edit` would break what has happened in `current`, each on the field it concerns.
fn refusals(current: &ProcessFull, edit: &NewProcess, held: &Holdings) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let ideas: i64 = held.ideas_by_theme.iter().map(|(_, n)| n).sum();
    let ballots = held.ballots;
    if ballots > 0 && edit.vote_rule != current.process.rule() {
        errors.push(FieldError::with(
            "vote_rule",
            Msg::new("dialogue-error-rule-after-ballots").arg("count", ballots),
        ));
    }
    if ballots > 0
        && edit.vote_rule == VoteRule::Approval
        && edit.vote_max < current.process.vote_max
    {
        errors.push(FieldError::with(
            "vote_max",
            Msg::new("dialogue-error-max-after-ballots")
                .arg("count", ballots)
                .arg("max", current.process.vote_max),
        ));
    }
    for theme in &current.themes {
        let held_ideas = count_of(&held.ideas_by_theme, theme.id);
        if held_ideas > 0 && !edit.themes.iter().any(|t| t.slug == theme.slug) {
            errors.push(FieldError::with(
                "themes",
                Msg::new("dialogue-error-theme-has-ideas")
                    .arg("theme", &theme.slug)
                    .arg("count", held_ideas),
            ));
        }
    }
    for criterion in &current.criteria {
        let checks = count_of(&held.checks_by_criterion, criterion.id);
        if checks > 0 && !edit.criteria.iter().any(|c| c.id == Some(criterion.id)) {
            errors.push(FieldError::with(
                "criteria",
                Msg::new("dialogue-error-criterion-used")
                    .arg(
                        "criterion",
                        if criterion.label_en.is_empty() {
                            &criterion.label_fr
                        } else {
                            &criterion.label_en
                        },
                    )
                    .arg("count", checks),
            ));
        }
    }
    for (i, c) in edit.criteria.iter().enumerate() {
        if let Some(id) = c.id
            && !current.criteria.iter().any(|k| k.id == id)
        {
            errors.push(FieldError::new(
                format!("criteria[{i}].label_en"),
                "error-form-invalid",
            ));
        }
    }
    // A phase that people have already acted in keeps existing, and keeps having started.
    for (kind, held) in [(PhaseKind::Ideas, ideas), (PhaseKind::Voting, ballots)] {
        if held == 0 || current.phase(kind).is_none() {
            continue;
        }
        match edit.phases.iter().position(|p| p.kind == kind) {
            None => errors.push(FieldError::with(
                "phases",
                Msg::new("dialogue-error-phase-holds")
                    .arg("phase", kind.as_str())
                    .arg("count", held),
            )),
            Some(i) if edit.phases[i].opens_on > today() => errors.push(FieldError::with(
                format!("phases[{i}].opens_on"),
                Msg::new("dialogue-error-phase-started").arg("count", held),
            )),
            Some(_) => {}
        }
    }
    errors
}

/// Replaces the setup of `current` with `edit`, all or nothing, and audits the change. The slug,
/// organization and sample flag stay as they are.
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    process_id: Uuid,
    edit: &NewProcess,
) -> Result<ProcessFull> {
    // Read inside the transaction, so that the check and the change see the same rows.
    let current = processes::find_by_id(&mut *tx, process_id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut edit = edit.clone();
    edit.slug = current.process.slug.clone();
    edit.organization_id = current.process.organization_id;
    edit.sample = current.process.sample;
    if edit.vote_rule == VoteRule::OnePerTheme {
        edit.vote_max = 1;
    }
    let mut errors = check(&edit);
    if errors.is_empty() {
        let held = holdings(tx, process_id).await?;
        errors = refusals(&current, &edit, &held);
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let at = now();
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE dialogue_processes SET title_en = $1, title_fr = $2, summary_en = $3, summary_fr = $4, \
         guidance_en = $5, guidance_fr = $6, vote_rule = $7, vote_max = $8, hide_tallies = $9, \
         ideas_per_person = $10, report_threshold = $11, updated_at = $12 WHERE id = $13"
    )
    .bind(edit.title_en.trim())
    .bind(edit.title_fr.trim())
    .bind(edit.summary_en.trim())
    .bind(edit.summary_fr.trim())
    .bind(edit.guidance_en.trim())
    .bind(edit.guidance_fr.trim())
    .bind(edit.vote_rule.as_str())
    .bind(edit.vote_max)
    .bind(edit.hide_tallies)
    .bind(edit.ideas_per_person)
    .bind(edit.report_threshold)
    .bind(at)
    .bind(process_id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    replace_phases(tx, &current, &edit.phases).await?;
    replace_themes(tx, &current, &edit.themes).await?;
    replace_criteria(tx, &current, &edit.criteria).await?;
    tx.audit_updated(
        actor,
        processes::PROCESS,
        process_id,
        &setup_of(&current),
        &edit,
    )
    .await?;
    tx.changed("process", &process_id.to_string()).await?;
    processes::find_by_id(&mut *tx, process_id)
        .await?
        .ok_or(Error::NotFound)
}

/// Nothing points at phases, so they are written again, in the order of their dates.
async fn replace_phases(tx: &mut Tx, current: &ProcessFull, phases: &[NewPhase]) -> Result<()> {
    let process_id = current.process.id;
    exec!(tx, |c| sqlx::query(
        "DELETE FROM dialogue_phases WHERE process_id = $1"
    )
    .bind(process_id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    let mut ordered: Vec<&NewPhase> = phases.iter().collect();
    ordered.sort_by_key(|p| (p.opens_on, p.closes_on));
    for (position, p) in ordered.into_iter().enumerate() {
        let id = current
            .phase(p.kind)
            .map(|old| old.id)
            .unwrap_or_else(Uuid::now_v7);
        exec!(tx, |c| {
            sqlx::query(
            "INSERT INTO dialogue_phases (id, process_id, position, kind, title_en, title_fr, description_en, description_fr, \
             opens_on, closes_on, submit_audience, comment_audience, vote_audience) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        )
        .bind(id)
        .bind(process_id)
        .bind(position as i64)
        .bind(p.kind.as_str())
        .bind(p.title_en.trim())
        .bind(p.title_fr.trim())
        .bind(p.description_en.trim())
        .bind(p.description_fr.trim())
        .bind(p.opens_on)
        .bind(p.closes_on)
        .bind(p.submit.as_str())
        .bind(p.comment.as_str())
        .bind(p.vote.as_str())
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
    }
    Ok(())
}

/// Ideas point at themes, so a kept theme is updated in place.
async fn replace_themes(tx: &mut Tx, current: &ProcessFull, themes: &[NewTheme]) -> Result<()> {
    let process_id = current.process.id;
    for old in &current.themes {
        if !themes.iter().any(|t| t.slug == old.slug) {
            exec!(tx, |c| sqlx::query(
                "DELETE FROM dialogue_themes WHERE id = $1"
            )
            .bind(old.id)
            .execute(&mut *c)
            .await?
            .rows_affected());
        }
    }
    for (position, t) in themes.iter().enumerate() {
        match current.theme_by_slug(&t.slug) {
            Some(old) => exec!(tx, |c| {
                sqlx::query(
                "UPDATE dialogue_themes SET position = $1, title_en = $2, title_fr = $3, description_en = $4, description_fr = $5 \
                 WHERE id = $6"
            )
            .bind(position as i64)
            .bind(t.title_en.trim())
            .bind(t.title_fr.trim())
            .bind(t.description_en.trim())
            .bind(t.description_fr.trim())
            .bind(old.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
            }),
            None => exec!(tx, |c| {
                sqlx::query(
                "INSERT INTO dialogue_themes (id, process_id, slug, position, title_en, title_fr, description_en, description_fr) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            )
            .bind(Uuid::now_v7())
            .bind(process_id)
            .bind(&t.slug)
            .bind(position as i64)
            .bind(t.title_en.trim())
            .bind(t.title_fr.trim())
            .bind(t.description_en.trim())
            .bind(t.description_fr.trim())
            .execute(&mut *c)
            .await?
            .rows_affected()
            }),
        };
    }
    Ok(())
}

/// Assessment checks point at criteria, so a kept criterion is updated in place.
async fn replace_criteria(
    tx: &mut Tx,
    current: &ProcessFull,
    criteria: &[NewCriterion],
) -> Result<()> {
    let process_id = current.process.id;
    for old in &current.criteria {
        if !criteria.iter().any(|c| c.id == Some(old.id)) {
            exec!(tx, |c| sqlx::query(
                "DELETE FROM dialogue_criteria WHERE id = $1"
            )
            .bind(old.id)
            .execute(&mut *c)
            .await?
            .rows_affected());
        }
    }
    for (position, k) in criteria.iter().enumerate() {
        match k.id {
            Some(id) => exec!(tx, |c| {
                sqlx::query(
                "UPDATE dialogue_criteria SET position = $1, label_en = $2, label_fr = $3 WHERE id = $4 AND process_id = $5"
            )
            .bind(position as i64)
            .bind(k.label_en.trim())
            .bind(k.label_fr.trim())
            .bind(id)
            .bind(process_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
            }),
            None => exec!(tx, |c| {
                sqlx::query(
                "INSERT INTO dialogue_criteria (id, process_id, position, label_en, label_fr) VALUES ($1, $2, $3, $4, $5)"
            )
            .bind(Uuid::now_v7())
            .bind(process_id)
            .bind(position as i64)
            .bind(k.label_en.trim())
            .bind(k.label_fr.trim())
            .execute(&mut *c)
            .await?
            .rows_affected()
            }),
        };
    }
    Ok(())
}

/// Every process whose setup staff may copy: all of them; a setup is public.
pub async fn sources(
    conn: impl Into<platform::db::Conn<'_>>,
) -> Result<Vec<(String, String, String)>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT slug, title_en, title_fr FROM dialogue_processes ORDER BY created_at DESC",
        )
        .fetch_all(&mut *c)
        .await?
    }))
}

/// The first day of the copy when staff do not say: a week from today.
pub fn default_start() -> Date {
    today() + Duration::days(7)
}
