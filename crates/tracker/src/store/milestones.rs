//! Milestones of an item: the records, their validation, and adding, editing, deleting and reordering them.

use platform::db::{Audited, BindBilingual, Conn};
use platform::error::{FieldError, Msg};
use platform::{Actor, Bilingual, Db, Error, Result, Tx, exec, on, read, sql};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::model::{Completion, Novelty, Weighed, When, overdue, today};

use super::evidence::{CheckedEvidence, Evidence, EvidenceInput, check_evidence, insert_evidence};
use super::items::Item;
use super::{is_blank, scale, trimmed};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    pub id: Uuid,
    pub item_id: Uuid,
    /// 1, 2, 3… in the order of the plan.
    pub position: i64,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub activity: Bilingual,
    pub novelty: Novelty,
    /// `YYYY-MM-DD`, or `YYYY-MM` for a whole month.
    #[schema(value_type = Option<String>, example = "2017-01")]
    pub start: Option<When>,
    #[schema(value_type = Option<String>, example = "2017-12")]
    pub end: Option<When>,
    pub completion: Completion,
    /// Its share of the commitment's progress; without weights every milestone counts the same.
    pub weight: Option<i64>,
    pub evidence: Vec<Evidence>,
}

impl Weighed for Milestone {
    fn completion(&self) -> Completion {
        self.completion
    }
    fn weight(&self) -> Option<i64> {
        self.weight
    }
}

impl Milestone {
    pub fn overdue(&self) -> bool {
        overdue(self.end, self.completion, today())
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MilestoneRow {
    id: Uuid,
    pub(super) item_id: Uuid,
    position: i64,
    activity_en: String,
    activity_fr: String,
    novelty: String,
    start_date: Option<Date>,
    start_precision: String,
    end_date: Option<Date>,
    end_precision: String,
    completion: String,
    weight: Option<i64>,
}

const MILESTONE: Audited = Audited::new("tracker.milestone", "tracker_milestone");

pub(super) const MILESTONE_COLUMNS: &str = "m.id, m.item_id, m.position, m.activity_en, m.activity_fr, m.novelty, m.start_date, m.start_precision, m.end_date, m.end_precision, m.completion, m.weight";

impl From<MilestoneRow> for Milestone {
    fn from(r: MilestoneRow) -> Milestone {
        Milestone {
            id: r.id,
            item_id: r.item_id,
            position: r.position,
            activity: Bilingual::new(r.activity_en, r.activity_fr),
            novelty: Novelty::parse(&r.novelty).unwrap_or(Novelty::New),
            start: When::from_parts(r.start_date, &r.start_precision),
            end: When::from_parts(r.end_date, &r.end_precision),
            completion: Completion::parse(&r.completion).unwrap_or(Completion::NotStarted),
            weight: r.weight,
            evidence: Vec::new(),
        }
    }
}

/// A milestone as sent: dates as `YYYY-MM-DD` or `YYYY-MM`, scales as codes.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MilestoneInput {
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub activity: Bilingual,
    /// `new` or `ongoing`.
    #[serde(default)]
    pub novelty: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// `not_started` (the default), `limited`, `substantial` or `complete`.
    #[serde(default)]
    pub completion: String,
    /// Zero or more; leave out to count every milestone the same.
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
}

pub const MAX_WEIGHT: i64 = 1000;

fn date_field(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<When> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let parsed = When::parse(v);
    if parsed.is_none() {
        errors.push(FieldError::with(
            field,
            Msg::new("tracker-error-date").arg("value", v),
        ));
    }
    parsed
}

/// A milestone whose fields have been checked.
#[derive(Clone, Debug)]
pub struct CheckedMilestone {
    pub activity: Bilingual,
    pub novelty: Novelty,
    pub start: Option<When>,
    pub end: Option<When>,
    pub completion: Completion,
    pub weight: Option<i64>,
    pub evidence: Vec<CheckedEvidence>,
}

/// Checks a milestone; field names start with `prefix` (`"milestones[2]."` in the API, empty
/// on the milestone form).
pub async fn check_milestone(
    tx: &mut Tx,
    input: &MilestoneInput,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<CheckedMilestone>> {
    let before = errors.len();
    if is_blank(&input.activity) {
        errors.push(FieldError::new(
            format!("{prefix}activity"),
            "error-required",
        ));
    }
    let novelty = if input.novelty.trim().is_empty() {
        Some(Novelty::New)
    } else {
        scale(
            errors,
            &format!("{prefix}novelty"),
            &input.novelty,
            Novelty::parse,
            "tracker-error-novelty",
        )
    };
    let start = date_field(errors, &format!("{prefix}start"), &input.start);
    let end = date_field(errors, &format!("{prefix}end"), &input.end);
    if let (Some(s), Some(e)) = (start, end)
        && e.last_day() < s.date
    {
        errors.push(FieldError::new(
            format!("{prefix}end"),
            "tracker-error-end-before-start",
        ));
    }
    let completion = if input.completion.trim().is_empty() {
        Some(Completion::NotStarted)
    } else {
        scale(
            errors,
            &format!("{prefix}completion"),
            &input.completion,
            Completion::parse,
            "tracker-error-completion",
        )
    };
    match input.weight {
        Some(w) if w < 0 => errors.push(FieldError::new(
            format!("{prefix}weight"),
            "tracker-error-weight-negative",
        )),
        Some(w) if w > MAX_WEIGHT => errors.push(FieldError::with(
            format!("{prefix}weight"),
            Msg::new("error-out-of-range")
                .arg("min", 0)
                .arg("max", MAX_WEIGHT),
        )),
        _ => {}
    }
    let mut evidence = Vec::new();
    for (i, e) in input.evidence.iter().enumerate() {
        if let Some(ok) = check_evidence(tx, e, &format!("{prefix}evidence[{i}]."), errors).await? {
            evidence.push(ok);
        }
    }
    if errors.len() > before {
        return Ok(None);
    }
    Ok(Some(CheckedMilestone {
        activity: trimmed(&input.activity),
        novelty: novelty.unwrap_or(Novelty::New),
        start,
        end,
        completion: completion.unwrap_or(Completion::NotStarted),
        weight: input.weight,
        evidence,
    }))
}

pub(super) async fn insert_milestone(
    tx: &mut Tx,
    item_id: Uuid,
    position: i64,
    m: &CheckedMilestone,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let at = platform::db::now();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_milestones (id, item_id, position, activity_en, activity_fr, novelty, start_date, start_precision, end_date, end_precision, completion, weight, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id)
        .bind(item_id)
        .bind(position)
        .bind_bilingual(&m.activity)
        .bind(m.novelty.as_str())
        .bind(m.start.map(|w| w.date))
        .bind(m.start.map_or("day", |w| w.precision.as_str()))
        .bind(m.end.map(|w| w.date))
        .bind(m.end.map_or("day", |w| w.precision.as_str()))
        .bind(m.completion.as_str())
        .bind(m.weight)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    for e in &m.evidence {
        insert_evidence(tx, id, None, e).await?;
    }
    Ok(id)
}

/// Adds a milestone at the end of an item's list. Its completion changes later through progress
/// updates, so that the history shows every change.
pub async fn add_milestone(
    tx: &mut Tx,
    actor: &Actor,
    item: &Item,
    input: &MilestoneInput,
) -> Result<Uuid> {
    let mut errors = Vec::new();
    let checked = check_milestone(tx, input, "", &mut errors).await?;
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let next: i64 = exec!(tx, |c| {
        sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM tracker_milestones WHERE item_id = $1",
        )
        .bind(item.id)
        .fetch_one(&mut *c)
        .await?
    });
    let id = insert_milestone(tx, item.id, next, &checked).await?;
    let after = serde_json::json!({
        "item": item.id, "activity": checked.activity, "start": checked.start.map(|w| w.to_string()),
        "end": checked.end.map(|w| w.to_string()), "weight": checked.weight, "completion": checked.completion,
    });
    tx.audit_created(actor, MILESTONE, id, &after).await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(id)
}

/// Changes a milestone's activity, novelty, dates and weight (not its completion: that is what
/// progress updates do).
pub async fn edit_milestone(
    tx: &mut Tx,
    actor: &Actor,
    milestone: &Milestone,
    input: &MilestoneInput,
) -> Result<()> {
    let mut errors = Vec::new();
    let input = MilestoneInput {
        completion: milestone.completion.as_str().to_string(),
        evidence: Vec::new(),
        ..input.clone()
    };
    let checked = check_milestone(tx, &input, "", &mut errors).await?;
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    exec!(tx, |c| {
        sqlx::query(
            "UPDATE tracker_milestones SET activity_en = $2, activity_fr = $3, novelty = $4, start_date = $5, start_precision = $6, \
             end_date = $7, end_precision = $8, weight = $9, updated_at = $10 WHERE id = $1",
        )
        .bind(milestone.id)
        .bind_bilingual(&checked.activity)
        .bind(checked.novelty.as_str())
        .bind(checked.start.map(|w| w.date))
        .bind(checked.start.map_or("day", |w| w.precision.as_str()))
        .bind(checked.end.map(|w| w.date))
        .bind(checked.end.map_or("day", |w| w.precision.as_str()))
        .bind(checked.weight)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    let after = serde_json::json!({
        "activity": checked.activity, "novelty": checked.novelty, "start": checked.start.map(|w| w.to_string()),
        "end": checked.end.map(|w| w.to_string()), "weight": checked.weight,
    });
    tx.audit_updated(actor, MILESTONE, milestone.id, milestone, &after)
        .await?;
    tx.changed("tracker_item", &milestone.item_id.to_string())
        .await?;
    Ok(())
}

/// Deletes a milestone with its evidence; the milestones after it move up one place. Progress
/// updates about it stay in the history without their link to it.
pub async fn delete_milestone(
    tx: &mut Tx,
    actor: &Actor,
    item: &Item,
    milestone: &Milestone,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM tracker_milestones WHERE id = $1 AND item_id = $2")
            .bind(milestone.id)
            .bind(item.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    let ids = milestone_ids(&mut *tx, item.id).await?;
    renumber(tx, &ids).await?;
    tx.audit_deleted(actor, MILESTONE, milestone.id, milestone)
        .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(())
}

/// Moves a milestone to `position` (1 is first); the others keep their order around it.
pub async fn move_milestone(
    tx: &mut Tx,
    actor: &Actor,
    item: &Item,
    milestone: &Milestone,
    position: i64,
) -> Result<()> {
    let mut ids = milestone_ids(&mut *tx, item.id).await?;
    if !(1..=ids.len() as i64).contains(&position) {
        return Err(Error::Validation(vec![FieldError::with(
            "position",
            Msg::new("error-out-of-range")
                .arg("min", 1)
                .arg("max", ids.len()),
        )]));
    }
    ids.retain(|id| *id != milestone.id);
    ids.insert(position as usize - 1, milestone.id);
    renumber(tx, &ids).await?;
    tx.audit_as(
        actor,
        MILESTONE,
        "move",
        milestone.id,
        Some(&serde_json::json!({ "position": milestone.position })),
        Some(&serde_json::json!({ "position": position })),
    )
    .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(())
}

/// Numbers milestones 1, 2, 3… in the order given.
async fn renumber(tx: &mut Tx, ids: &[Uuid]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        exec!(tx, |c| {
            sqlx::query("UPDATE tracker_milestones SET position = $2 WHERE id = $1")
                .bind(id)
                .bind(i as i64 + 1)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
    }
    Ok(())
}

/// The milestone at `position` of an item.
pub async fn milestone_at(db: &Db, item: Uuid, position: i64) -> Result<Option<Milestone>> {
    let row = read!(db, |c| {
        sqlx::query_as::<_, MilestoneRow>(sql!(
            "SELECT ",
            MILESTONE_COLUMNS,
            " FROM tracker_milestones m WHERE m.item_id = $1 AND m.position = $2"
        ))
        .bind(item)
        .bind(position)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(row.map(Milestone::from))
}

/// How many milestones an item has.
pub async fn milestone_count(db: &Db, item: Uuid) -> Result<i64> {
    Ok(read!(db, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM tracker_milestones WHERE item_id = $1")
            .bind(item)
            .fetch_one(&mut *c)
            .await?
    }))
}

/// An item's milestone ids in order.
pub async fn milestone_ids(conn: impl Into<Conn<'_>>, item: Uuid) -> Result<Vec<Uuid>> {
    Ok(on!(conn, |c| {
        sqlx::query_scalar("SELECT id FROM tracker_milestones WHERE item_id = $1 ORDER BY position")
            .bind(item)
            .fetch_all(&mut *c)
            .await?
    }))
}
