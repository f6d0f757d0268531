//! Progress updates on items and milestones, and the feed of recent ones.

use platform::db::{Audited, BindBilingual};
use platform::error::{FieldError, Msg};
use platform::{Actor, Bilingual, Db, Error, Result, Tx, exec, read, sql};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::model::{Completion, Kind, Progress, Status};

use super::evidence::{EvidenceInput, check_evidence, insert_evidence};
use super::items::Item;
use super::milestones::{MILESTONE_COLUMNS, Milestone, MilestoneRow};
use super::{is_blank, scale};

/// A dated post by the responsible team; it may move one milestone's completion.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Update {
    pub id: Uuid,
    pub item_id: Uuid,
    pub milestone_id: Option<Uuid>,
    pub completion_before: Option<Completion>,
    pub completion_after: Option<Completion>,
    /// The item's status before and after, when this update changed it.
    pub status_before: Option<Status>,
    pub status_after: Option<Status>,
    /// Markdown.
    #[schema(value_type = crate::api::BilingualDoc)]
    pub body: Bilingual,
    /// The name the author shows publicly (may be empty).
    pub author: String,
    /// A sample made up for the demonstration, not a real report.
    pub sample: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub posted_at: OffsetDateTime,
}

impl Update {
    pub fn changed(&self) -> bool {
        self.milestone_id.is_some() && self.completion_after.is_some()
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct UpdateRow {
    id: Uuid,
    item_id: Uuid,
    milestone_id: Option<Uuid>,
    completion_before: Option<String>,
    completion_after: Option<String>,
    status_before: Option<String>,
    status_after: Option<String>,
    body_en: String,
    body_fr: String,
    author_label: String,
    sample: bool,
    posted_at: OffsetDateTime,
}

const UPDATE: Audited = Audited::new("tracker.update", "tracker_update");

pub(super) const UPDATE_COLUMNS: &str = "u.id, u.item_id, u.milestone_id, u.completion_before, u.completion_after, u.status_before, u.status_after, u.body_en, u.body_fr, u.author_label, u.sample, u.posted_at";

impl From<UpdateRow> for Update {
    fn from(r: UpdateRow) -> Update {
        Update {
            id: r.id,
            item_id: r.item_id,
            milestone_id: r.milestone_id,
            completion_before: r.completion_before.as_deref().and_then(Completion::parse),
            completion_after: r.completion_after.as_deref().and_then(Completion::parse),
            status_before: r.status_before.as_deref().and_then(Status::parse),
            status_after: r.status_after.as_deref().and_then(Status::parse),
            body: Bilingual::new(r.body_en, r.body_fr),
            author: r.author_label,
            sample: r.sample,
            posted_at: r.posted_at,
        }
    }
}

/// A progress update as sent.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct UpdateInput {
    /// Markdown, in English, French or both.
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub body: Bilingual,
    /// The milestone it is about (its id), if any.
    #[serde(default)]
    pub milestone: Option<Uuid>,
    /// The milestone's new completion; empty to leave it.
    #[serde(default)]
    pub completion: String,
    #[serde(default)]
    pub evidence: Option<EvidenceInput>,
    /// `on_hold` or `withdrawn` to set the item's status by hand, `follow` to let it follow the
    /// milestones again; empty to leave it.
    #[serde(default)]
    pub status: String,
    /// For demonstration content only.
    #[serde(skip)]
    pub sample: bool,
    /// For demonstration content and imports; otherwise now.
    #[serde(skip)]
    pub posted_at: Option<OffsetDateTime>,
}

/// Posts a progress update; when it names a milestone and a completion, the milestone moves and
/// the update keeps the before and after.
pub async fn post_update(
    tx: &mut Tx,
    actor: &Actor,
    author: &str,
    item: &Item,
    input: &UpdateInput,
) -> Result<Update> {
    let mut errors = Vec::new();
    if is_blank(&input.body) {
        errors.push(FieldError::new("body_en", "tracker-error-update-empty"));
    }
    let milestone = match input.milestone {
        Some(id) => {
            let found = exec!(tx, |c| {
                sqlx::query_as::<_, MilestoneRow>(sql!(
                    "SELECT ",
                    MILESTONE_COLUMNS,
                    " FROM tracker_milestones m WHERE m.id = $1 AND m.item_id = $2"
                ))
                .bind(id)
                .bind(item.id)
                .fetch_optional(&mut *c)
                .await?
            });
            if found.is_none() {
                errors.push(FieldError::new(
                    "milestone",
                    "tracker-error-milestone-unknown",
                ));
            }
            found.map(Milestone::from)
        }
        None => None,
    };
    let completion = scale(
        &mut errors,
        "completion",
        &input.completion,
        Completion::parse,
        "tracker-error-completion",
    );
    if completion.is_some() && input.milestone.is_none() {
        errors.push(FieldError::new(
            "milestone",
            "tracker-error-completion-without-milestone",
        ));
    }
    // The status set by hand after this update: unchanged, none (follow), or on hold/withdrawn.
    let status_override = match input.status.trim() {
        "" => Some(item.status_override),
        "follow" => Some(None),
        other => match Status::parse(other).filter(|s| Status::SETTABLE.contains(s)) {
            Some(s) => Some(Some(s)),
            None => {
                errors.push(FieldError::with(
                    "status",
                    Msg::new("tracker-error-status").arg("value", other),
                ));
                None
            }
        },
    };
    let evidence = match &input.evidence {
        Some(e) if !e.url.trim().is_empty() || !is_blank(&e.title) => {
            if input.milestone.is_none() {
                errors.push(FieldError::new(
                    "milestone",
                    "tracker-error-evidence-without-milestone",
                ));
            }
            check_evidence(tx, e, "evidence_", &mut errors).await?
        }
        _ => None,
    };
    let Some(status_override) = status_override.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let now = platform::db::now();
    let (before, after) = match (&milestone, completion) {
        (Some(m), Some(c)) => (Some(m.completion), Some(c)),
        _ => (None, None),
    };
    // The item's status before and after, from its milestones and the status set by hand.
    let mut milestones: Vec<Milestone> = exec!(tx, |c| {
        sqlx::query_as::<_, MilestoneRow>(sql!(
            "SELECT ",
            MILESTONE_COLUMNS,
            " FROM tracker_milestones m WHERE m.item_id = $1 ORDER BY m.position"
        ))
        .bind(item.id)
        .fetch_all(&mut *c)
        .await?
    })
    .into_iter()
    .map(Milestone::from)
    .collect();
    let status_before = item
        .status_override
        .unwrap_or_else(|| Progress::of(&milestones).status());
    if let (Some(m), Some(c)) = (&milestone, after)
        && let Some(moved) = milestones.iter_mut().find(|x| x.id == m.id)
    {
        moved.completion = c;
    }
    let status_after = status_override.unwrap_or_else(|| Progress::of(&milestones).status());
    let (status_before, status_after) = if status_before == status_after {
        (None, None)
    } else {
        (Some(status_before), Some(status_after))
    };
    let update = Update {
        id: Uuid::now_v7(),
        item_id: item.id,
        milestone_id: milestone.as_ref().map(|m| m.id),
        completion_before: before,
        completion_after: after,
        status_before,
        status_after,
        body: Bilingual::new(input.body.en.trim(), input.body.fr.trim()),
        author: author.trim().to_string(),
        sample: input.sample,
        posted_at: input.posted_at.unwrap_or(now),
    };
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_updates (id, item_id, milestone_id, completion_before, completion_after, status_before, status_after, body_en, body_fr, author_id, author_label, sample, posted_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(update.id)
        .bind(update.item_id)
        .bind(update.milestone_id)
        .bind(before.map(|c| c.as_str()))
        .bind(after.map(|c| c.as_str()))
        .bind(status_before.map(|s| s.as_str()))
        .bind(status_after.map(|s| s.as_str()))
        .bind_bilingual(&update.body)
        .bind(actor.user_id)
        .bind(&update.author)
        .bind(update.sample)
        .bind(update.posted_at)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if let (Some(m), Some(c)) = (&milestone, after) {
        exec!(tx, |conn| {
            sqlx::query(
                "UPDATE tracker_milestones SET completion = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(m.id)
            .bind(c.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
    }
    if let (Some(m), Some(e)) = (&milestone, &evidence) {
        insert_evidence(tx, m.id, Some(update.id), e).await?;
    }
    exec!(tx, |c| {
        sqlx::query("UPDATE tracker_items SET status_override = $2, updated_at = $3 WHERE id = $1")
            .bind(item.id)
            .bind(status_override.map(|s| s.as_str()))
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    tx.audit_created(actor, UPDATE, update.id, &update).await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(update)
}

/// A progress update with what a feed needs to name it.
#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub update: Update,
    pub item_kind: Kind,
    pub item_slug: String,
    pub item_title: Bilingual,
    pub milestone_position: Option<i64>,
    pub milestone_activity: Bilingual,
}

#[derive(sqlx::FromRow)]
struct FeedRow {
    #[sqlx(flatten)]
    update: UpdateRow,
    kind: String,
    slug: String,
    title_en: String,
    title_fr: String,
    short_title_en: String,
    short_title_fr: String,
    position: Option<i64>,
    activity_en: Option<String>,
    activity_fr: Option<String>,
}

/// The latest progress updates, of one item or of all.
pub async fn recent_updates(db: &Db, item: Option<Uuid>, limit: i64) -> Result<Vec<FeedEntry>> {
    const RECENT: &str = sql!(
        "SELECT ",
        UPDATE_COLUMNS,
        ", i.kind, i.slug, i.title_en, i.title_fr, i.short_title_en, i.short_title_fr, m.position, m.activity_en, m.activity_fr \
         FROM tracker_updates u JOIN tracker_items i ON i.id = u.item_id LEFT JOIN tracker_milestones m ON m.id = u.milestone_id \
         WHERE i.deleted_at IS NULL AND ($1 IS NULL OR u.item_id = $1) ORDER BY u.posted_at DESC, u.id DESC LIMIT $2"
    );
    let rows = read!(db, |c| {
        sqlx::query_as::<_, FeedRow>(RECENT)
            .bind(item)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| {
            let short = Bilingual::new(r.short_title_en, r.short_title_fr);
            FeedEntry {
                update: r.update.into(),
                item_kind: Kind::parse(&r.kind).unwrap_or(Kind::Project),
                item_slug: r.slug,
                item_title: if is_blank(&short) {
                    Bilingual::new(r.title_en, r.title_fr)
                } else {
                    short
                },
                milestone_position: r.position,
                milestone_activity: Bilingual::new(
                    r.activity_en.unwrap_or_default(),
                    r.activity_fr.unwrap_or_default(),
                ),
            }
        })
        .collect())
}
