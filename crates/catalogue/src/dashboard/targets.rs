//! Targets an administrator sets — "N datasets open by DATE", overall or for one organization —
//! and the progress towards each, measured from the access history.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use platform::db::{Actor, Db, now};
use platform::{Error, FieldError, Msg, Result, exec, read};

use super::{Change, levels_at};

/// The most a target may ask for: more than any catalogue holds.
pub const MAX_COUNT: i64 = 100_000_000;

#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Target {
    pub id: Uuid,
    /// None for the whole inventory.
    pub organization_id: Option<Uuid>,
    pub open_count: i64,
    #[serde(with = "crate::forms::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub due_date: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A target as an administrator sets it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewTarget {
    /// The organization's slug; empty for the whole inventory.
    #[serde(default)]
    pub organization: String,
    pub open_count: i64,
    #[serde(with = "crate::forms::iso_date::option", default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Date>,
}

pub async fn list(db: &Db) -> Result<Vec<Target>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, Target>(
            "SELECT id, organization_id, open_count, due_date, created_at FROM open_data_targets ORDER BY due_date, id",
        )
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Every problem with a new target at once, and the organization it names.
pub async fn check(db: &Db, new: &NewTarget) -> Result<(Option<Uuid>, Vec<FieldError>)> {
    let mut errors = Vec::new();
    if !(1..=MAX_COUNT).contains(&new.open_count) {
        errors.push(FieldError::with(
            "open_count",
            Msg::new("error-out-of-range")
                .arg("min", 1)
                .arg("max", MAX_COUNT),
        ));
    }
    if new.due_date.is_none() {
        errors.push(FieldError::new("due_date", "catalogue-target-error-date"));
    }
    let organization = match new.organization.trim() {
        "" => None,
        slug => {
            let found = platform::orgs::find_by_slug(db, slug).await?.map(|o| o.id);
            if found.is_none() {
                errors.push(FieldError::new(
                    "organization",
                    "catalogue-request-error-organization",
                ));
            }
            found
        }
    };
    Ok((organization, errors))
}

pub async fn create(db: &Db, actor: &Actor, new: &NewTarget) -> Result<Uuid> {
    let (organization, errors) = check(db, new).await?;
    let Some(due_date) = new.due_date.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let target = Target {
        id: Uuid::now_v7(),
        organization_id: organization,
        open_count: new.open_count,
        due_date,
        created_at: now(),
    };
    let mut tx = db.begin().await?;
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO open_data_targets (id, organization_id, open_count, due_date, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(target.id)
        .bind(target.organization_id)
        .bind(target.open_count)
        .bind(target.due_date)
        .bind(target.created_at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.audit(
        actor,
        "open_data_target.create",
        "open_data_target",
        &target.id.to_string(),
        None::<&()>,
        Some(&target),
    )
    .await?;
    tx.commit().await?;
    Ok(target.id)
}

pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    let before: Option<Target> = read!(db, |c| {
        sqlx::query_as::<_, Target>(
            "SELECT id, organization_id, open_count, due_date, created_at FROM open_data_targets WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
    });
    let before = before.ok_or(Error::NotFound)?;
    let mut tx = db.begin().await?;
    exec!(tx, |c| {
        sqlx::query("DELETE FROM open_data_targets WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    tx.audit(
        actor,
        "open_data_target.delete",
        "open_data_target",
        &id.to_string(),
        Some(&before),
        None::<&()>,
    )
    .await?;
    tx.commit().await
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetState {
    /// Reached (by the due date, when it has passed).
    Met,
    /// Not reached yet; the due date is ahead.
    InProgress,
    /// The due date passed without reaching it.
    Missed,
}

impl TargetState {
    pub fn key(self) -> &'static str {
        match self {
            TargetState::Met => "catalogue-target-met",
            TargetState::InProgress => "catalogue-target-in-progress",
            TargetState::Missed => "catalogue-target-missed",
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TargetProgress {
    #[serde(flatten)]
    pub target: Target,
    /// Open holdings now.
    pub open_now: i64,
    /// Open holdings at the end of the due date, once it has passed.
    pub open_at_due: Option<i64>,
    pub state: TargetState,
    /// How far along, 0 to 100.
    pub percent: i64,
}

/// Measures each target against the access history.
pub fn progress(targets: Vec<Target>, changes: &[Change], today: Date) -> Vec<TargetProgress> {
    targets
        .into_iter()
        .map(|t| {
            let due_passed = t.due_date < today;
            let mut dates = vec![today];
            if due_passed {
                dates.insert(0, t.due_date);
            }
            let counts = levels_at(changes, &dates, t.organization_id);
            let open_now = counts[counts.len() - 1][0];
            let open_at_due = due_passed.then(|| counts[0][0]);
            let reached = open_at_due.unwrap_or(open_now);
            let state = if reached >= t.open_count {
                TargetState::Met
            } else if due_passed {
                TargetState::Missed
            } else {
                TargetState::InProgress
            };
            TargetProgress {
                // Floored, so that 100 % means reached.
                percent: (reached * 100 / t.open_count.max(1)).min(100),
                open_now,
                open_at_due,
                state,
                target: t,
            }
        })
        .collect()
}
