//! Co-creation processes: dated phases with per-phase permissions, themes, assessment criteria
//! and the voting rule.

use platform::db::{Actor, Audited, BindBilingual, Conn, OnViolation, Tx, now};
use platform::{Error, FieldError, Msg, Result, exec, on, sql};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::model::{Audience, Criterion, Phase, PhaseKind, Process, ProcessFull, Theme, VoteRule};

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewPhase {
    pub kind: PhaseKind,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub title_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(with = "crate::serde_time::date")]
    pub opens_on: Date,
    #[serde(with = "crate::serde_time::date")]
    pub closes_on: Date,
    #[serde(default = "nobody")]
    pub submit: Audience,
    #[serde(default = "nobody")]
    pub comment: Audience,
    #[serde(default = "nobody")]
    pub vote: Audience,
}

fn nobody() -> Audience {
    Audience::Nobody
}

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewTheme {
    pub slug: String,
    pub title_en: String,
    #[serde(default)]
    pub title_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub description_fr: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewCriterion {
    /// On an edit, the criterion this row keeps (checks made against it stay); ignored on create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    pub label_en: String,
    #[serde(default)]
    pub label_fr: String,
}

/// Everything that defines a process, as staff (or the demo) create it.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewProcess {
    pub slug: String,
    pub organization_id: Uuid,
    pub title_en: String,
    #[serde(default)]
    pub title_fr: String,
    #[serde(default)]
    pub summary_en: String,
    #[serde(default)]
    pub summary_fr: String,
    /// Plain-language guidance shown beside the idea form.
    #[serde(default)]
    pub guidance_en: String,
    #[serde(default)]
    pub guidance_fr: String,
    pub vote_rule: VoteRule,
    /// For approval voting: how many ideas a ballot may hold.
    #[serde(default = "one")]
    pub vote_max: i64,
    /// Hide the tallies while voting is open (avoids herding).
    #[serde(default = "yes")]
    pub hide_tallies: bool,
    /// Ideas one person may submit in this process; 0 for no limit.
    #[serde(default)]
    pub ideas_per_person: i64,
    /// Reports that hide a contribution pending review.
    #[serde(default = "three")]
    pub report_threshold: i64,
    #[serde(default)]
    pub sample: bool,
    pub phases: Vec<NewPhase>,
    pub themes: Vec<NewTheme>,
    #[serde(default)]
    pub criteria: Vec<NewCriterion>,
}

fn one() -> i64 {
    1
}
fn three() -> i64 {
    3
}
fn yes() -> bool {
    true
}

/// The most phases (one of each kind), themes and criteria a process may have.
pub const MAX_PHASES: usize = PhaseKind::ALL.len();
pub const MAX_THEMES: usize = 50;
pub const MAX_CRITERIA: usize = 30;

/// The years a phase may open or close in.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

pub(crate) fn validate(new: &NewProcess) -> Vec<FieldError> {
    let mut errors = Vec::new();
    // Refused before anything is compared, so that a huge list costs nothing.
    for (field, len, max) in [
        ("phases", new.phases.len(), MAX_PHASES),
        ("themes", new.themes.len(), MAX_THEMES),
        ("criteria", new.criteria.len(), MAX_CRITERIA),
    ] {
        if len > max {
            errors.push(FieldError::with(
                field,
                Msg::new("dialogue-error-too-many").arg("max", max as i64),
            ));
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    if !platform::orgs::valid_slug(&new.slug) {
        errors.push(FieldError::new("slug", "error-slug-invalid"));
    }
    if new.title_en.trim().is_empty() && new.title_fr.trim().is_empty() {
        errors.push(FieldError::new("title_en", "error-required"));
    }
    if !(1..=50).contains(&new.vote_max) {
        errors.push(FieldError::with(
            "vote_max",
            Msg::new("error-out-of-range").arg("min", 1).arg("max", 50),
        ));
    }
    if !(0..=1000).contains(&new.ideas_per_person) {
        errors.push(FieldError::with(
            "ideas_per_person",
            Msg::new("error-out-of-range")
                .arg("min", 0)
                .arg("max", 1000),
        ));
    }
    if !(1..=100).contains(&new.report_threshold) {
        errors.push(FieldError::with(
            "report_threshold",
            Msg::new("error-out-of-range").arg("min", 1).arg("max", 100),
        ));
    }
    if new.themes.is_empty() {
        errors.push(FieldError::new("themes", "error-required"));
    }
    for (i, t) in new.themes.iter().enumerate() {
        if !platform::orgs::valid_slug(&t.slug) || new.themes[..i].iter().any(|o| o.slug == t.slug)
        {
            errors.push(FieldError::new(
                format!("themes[{i}].slug"),
                "error-slug-invalid",
            ));
        }
        if t.title_en.trim().is_empty() && t.title_fr.trim().is_empty() {
            errors.push(FieldError::new(
                format!("themes[{i}].title_en"),
                "error-required",
            ));
        }
    }
    for (i, p) in new.phases.iter().enumerate() {
        for (field, day) in [("opens_on", p.opens_on), ("closes_on", p.closes_on)] {
            if !YEARS.contains(&day.year()) {
                errors.push(FieldError::with(
                    format!("phases[{i}].{field}"),
                    Msg::new("dialogue-error-year")
                        .arg("min", *YEARS.start() as i64)
                        .arg("max", *YEARS.end() as i64),
                ));
            }
        }
        if p.closes_on < p.opens_on {
            errors.push(FieldError::new(
                format!("phases[{i}].closes_on"),
                "dialogue-error-dates",
            ));
        }
        if new.phases[..i].iter().any(|o| o.kind == p.kind) {
            errors.push(FieldError::new(
                format!("phases[{i}].kind"),
                "dialogue-error-phase-twice",
            ));
        }
    }
    errors
}

/// How the audit log names a process and its actions (`process.create`).
pub(crate) const PROCESS: Audited = Audited::new("process", "dialogue_process");

pub async fn create(tx: &mut Tx, actor: &Actor, new: &NewProcess) -> Result<Process> {
    let errors = validate(new);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let at = now();
    let process = Process {
        id: Uuid::now_v7(),
        slug: new.slug.clone(),
        organization_id: new.organization_id,
        title_en: new.title_en.trim().to_string(),
        title_fr: new.title_fr.trim().to_string(),
        summary_en: new.summary_en.trim().to_string(),
        summary_fr: new.summary_fr.trim().to_string(),
        guidance_en: new.guidance_en.trim().to_string(),
        guidance_fr: new.guidance_fr.trim().to_string(),
        vote_rule: new.vote_rule.as_str().to_string(),
        vote_max: if new.vote_rule == VoteRule::OnePerTheme {
            1
        } else {
            new.vote_max
        },
        hide_tallies: new.hide_tallies,
        ideas_per_person: new.ideas_per_person,
        report_threshold: new.report_threshold,
        sample: new.sample,
        created_at: at,
        updated_at: at,
    };
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO dialogue_processes (id, slug, organization_id, title_en, title_fr, summary_en, summary_fr, guidance_en, guidance_fr, \
             vote_rule, vote_max, hide_tallies, ideas_per_person, report_threshold, sample, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
        )
        .bind(process.id)
        .bind(&process.slug)
        .bind(process.organization_id)
        .bind_bilingual((&process.title_en, &process.title_fr))
        .bind_bilingual((&process.summary_en, &process.summary_fr))
        .bind_bilingual((&process.guidance_en, &process.guidance_fr))
        .bind(&process.vote_rule)
        .bind(process.vote_max)
        .bind(process.hide_tallies)
        .bind(process.ideas_per_person)
        .bind(process.report_threshold)
        .bind(process.sample)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("slug", "error-slug-taken"))
    .on_foreign_key(|_| Error::field("organization_id", "dialogue-error-no-organization"))?;
    for (i, p) in new.phases.iter().enumerate() {
        exec!(tx, |c| {
            sqlx::query(
                "INSERT INTO dialogue_phases (id, process_id, position, kind, title_en, title_fr, description_en, description_fr, \
                 opens_on, closes_on, submit_audience, comment_audience, vote_audience) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(Uuid::now_v7())
            .bind(process.id)
            .bind(i as i64)
            .bind(p.kind.as_str())
            .bind_bilingual((p.title_en.trim(), p.title_fr.trim()))
            .bind_bilingual((p.description_en.trim(), p.description_fr.trim()))
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
    for (i, t) in new.themes.iter().enumerate() {
        exec!(tx, |c| {
            sqlx::query(
                "INSERT INTO dialogue_themes (id, process_id, slug, position, title_en, title_fr, description_en, description_fr) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::now_v7())
            .bind(process.id)
            .bind(&t.slug)
            .bind(i as i64)
            .bind_bilingual((t.title_en.trim(), t.title_fr.trim()))
            .bind_bilingual((t.description_en.trim(), t.description_fr.trim()))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    for (i, k) in new.criteria.iter().enumerate() {
        exec!(tx, |c| {
            sqlx::query(
                "INSERT INTO dialogue_criteria (id, process_id, position, label_en, label_fr) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(Uuid::now_v7())
            .bind(process.id)
            .bind(i as i64)
            .bind_bilingual((k.label_en.trim(), k.label_fr.trim()))
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    tx.audit_created(actor, PROCESS, process.id, new).await?;
    tx.changed("process", &process.id.to_string()).await?;
    Ok(process)
}

const PROCESS_COLUMNS: &str = "id, slug, organization_id, title_en, title_fr, summary_en, summary_fr, guidance_en, guidance_fr, \
     vote_rule, vote_max, hide_tallies, ideas_per_person, report_threshold, sample, created_at, updated_at";

pub async fn find(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<ProcessFull>> {
    let mut conn = conn.into();
    let process = on!(&mut conn, |c| sqlx::query_as::<_, Process>(sql!(
        "SELECT ",
        PROCESS_COLUMNS,
        " FROM dialogue_processes WHERE slug = $1"
    ))
    .bind(slug)
    .fetch_optional(&mut *c)
    .await?);
    match process {
        Some(p) => Ok(Some(full(conn, p).await?)),
        None => Ok(None),
    }
}

pub async fn find_by_id(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<ProcessFull>> {
    let mut conn = conn.into();
    let process = on!(&mut conn, |c| sqlx::query_as::<_, Process>(sql!(
        "SELECT ",
        PROCESS_COLUMNS,
        " FROM dialogue_processes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?);
    match process {
        Some(p) => Ok(Some(full(conn, p).await?)),
        None => Ok(None),
    }
}

/// Up to `limit` processes with an id after `after`, by id (keyset paging for the search index).
pub async fn after(
    conn: impl Into<Conn<'_>>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Process>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Process>(sql!(
        "SELECT ",
        PROCESS_COLUMNS,
        " FROM dialogue_processes WHERE id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after.unwrap_or(Uuid::nil()))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?))
}

/// A process with its phases, themes and criteria.
pub async fn full(conn: impl Into<Conn<'_>>, process: Process) -> Result<ProcessFull> {
    let id = process.id;
    let (phases, themes, criteria) = on!(conn, |c| {
        let phases = sqlx::query_as::<_, Phase>(
            "SELECT id, process_id, position, kind, title_en, title_fr, description_en, description_fr, opens_on, closes_on, \
             submit_audience, comment_audience, vote_audience FROM dialogue_phases WHERE process_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
        let themes = sqlx::query_as::<_, Theme>(
            "SELECT id, process_id, slug, position, title_en, title_fr, description_en, description_fr \
             FROM dialogue_themes WHERE process_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
        let criteria = sqlx::query_as::<_, Criterion>(
            "SELECT id, process_id, position, label_en, label_fr FROM dialogue_criteria WHERE process_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
        (phases, themes, criteria)
    });
    Ok(ProcessFull {
        process,
        phases,
        themes,
        criteria,
    })
}

/// Every process, newest first, with its phases and themes.
pub async fn list(conn: impl Into<Conn<'_>>) -> Result<Vec<ProcessFull>> {
    let mut conn = conn.into();
    let rows = on!(&mut conn, |c| sqlx::query_as::<_, Process>(sql!(
        "SELECT ",
        PROCESS_COLUMNS,
        " FROM dialogue_processes ORDER BY created_at DESC"
    ))
    .fetch_all(&mut *c)
    .await?);
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        out.push(full(&mut conn, p).await?);
    }
    // Open processes first, then upcoming, then the past, each newest first.
    out.sort_by_key(|p| {
        let last = p.phases.iter().map(|ph| ph.closes_on).max();
        let first = p.phases.iter().map(|ph| ph.opens_on).min();
        let today = crate::model::today();
        let rank = match (first, last) {
            (Some(f), Some(l)) if f <= today && today <= l => 0,
            (Some(f), _) if f > today => 1,
            _ => 2,
        };
        (rank, std::cmp::Reverse(last))
    });
    Ok(out)
}

/// Counts shown on a process page: ideas by state and theme, and ballots.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub ideas: i64,
    pub accepted: i64,
    pub ballots: i64,
    pub voters: i64,
    pub comments: i64,
}

pub async fn counts(conn: impl Into<Conn<'_>>, process_id: Uuid) -> Result<Counts> {
    let [ideas, accepted, ballots, voters, comments] = count_each(
        conn,
        process_id,
        [
            "SELECT COUNT(*) FROM dialogue_ideas WHERE process_id = $1 AND status <> 'removed'",
            "SELECT COUNT(*) FROM dialogue_ideas WHERE process_id = $1 AND state = 'accepted' AND status <> 'removed'",
            crate::votes::COUNT_BALLOTS,
            crate::votes::COUNT_VOTERS,
            "SELECT COUNT(*) FROM dialogue_comments m JOIN dialogue_ideas i ON i.id = m.idea_id WHERE i.process_id = $1 AND m.status = 'visible'",
        ],
    )
    .await?;
    Ok(Counts {
        ideas,
        accepted,
        ballots,
        voters,
        comments,
    })
}

/// The count each of `queries` makes for one process, bound as `$1`.
pub(crate) async fn count_each<const N: usize>(
    conn: impl Into<Conn<'_>>,
    process_id: Uuid,
    queries: [&'static str; N],
) -> Result<[i64; N]> {
    let mut counts = [0; N];
    on!(conn, |c| {
        for (n, sql) in counts.iter_mut().zip(queries) {
            *n = sqlx::query_scalar(sql)
                .bind(process_id)
                .fetch_one(&mut *c)
                .await?;
        }
    });
    Ok(counts)
}

/// Visible ideas per theme.
pub async fn theme_counts(conn: impl Into<Conn<'_>>, process_id: Uuid) -> Result<Vec<(Uuid, i64)>> {
    Ok(on!(conn, |c| {
        sqlx::query_as(
        "SELECT theme_id, COUNT(*) FROM dialogue_ideas WHERE process_id = $1 AND status = 'visible' GROUP BY theme_id"
    )
    .bind(process_id)
    .fetch_all(&mut *c)
    .await?
    }))
}
