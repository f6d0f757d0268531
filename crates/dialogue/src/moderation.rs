//! Moderation: people report ideas and comments (spam, offensive, does not belong); at the
//! process's threshold a contribution hides pending review; moderators keep or remove it and may
//! block its author. Every step is in the audit log.

use platform::auth::{self, CurrentUser, Role};
use platform::db::{Actor, Audited, Conn, OnViolation, Tx, now};
use platform::{Error, Msg, Result, exec, on};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::model::{ReportReason, TargetKind, Visibility};

/// The contribution a report is about, with what moderation needs to know.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    pub kind: TargetKind,
    pub id: Uuid,
    pub idea_id: Uuid,
    pub process_id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    pub text: String,
    pub status: String,
    pub threshold: i64,
}

impl Target {
    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.status).unwrap_or(Visibility::Visible)
    }
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: Uuid,
    idea_id: Uuid,
    process_id: Uuid,
    author_id: Option<Uuid>,
    author_name: Option<String>,
    title: String,
    body: String,
    status: String,
    threshold: i64,
}

pub async fn target(
    conn: impl Into<Conn<'_>>,
    kind: TargetKind,
    id: Uuid,
) -> Result<Option<Target>> {
    let row = match kind {
        TargetKind::Comment => on!(conn, |c| {
            sqlx::query_as::<_, TargetRow>(
            "SELECT m.id, m.idea_id, i.process_id, m.author_id, u.display_name AS author_name, '' AS title, m.body, m.status, \
             p.report_threshold AS threshold FROM dialogue_comments m JOIN dialogue_ideas i ON i.id = m.idea_id \
             JOIN dialogue_processes p ON p.id = i.process_id LEFT JOIN users u ON u.id = m.author_id WHERE m.id = $1"
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        }),
        TargetKind::Idea => on!(conn, |c| {
            sqlx::query_as::<_, TargetRow>(
            "SELECT i.id, i.id AS idea_id, i.process_id, i.author_id, u.display_name AS author_name, i.title, i.body, i.status, \
             p.report_threshold AS threshold FROM dialogue_ideas i JOIN dialogue_processes p ON p.id = i.process_id \
             LEFT JOIN users u ON u.id = i.author_id WHERE i.id = $1"
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        }),
    };
    Ok(row.map(|r| Target {
        kind,
        id: r.id,
        idea_id: r.idea_id,
        process_id: r.process_id,
        author_id: r.author_id,
        author_name: r.author_name,
        text: if r.title.is_empty() {
            r.body
        } else {
            format!("{}\n\n{}", r.title, r.body)
        },
        status: r.status,
        threshold: r.threshold,
    }))
}

/// How the audit log names a contribution of this kind (`idea.moderate`, `comment.auto_hide`).
fn audited(kind: TargetKind) -> Audited {
    match kind {
        TargetKind::Comment => Audited::new("comment", "dialogue_comment"),
        TargetKind::Idea => Audited::new("idea", "dialogue_idea"),
    }
}

/// A report, in the audit log: `report.create` on the contribution reported.
fn audited_report(kind: TargetKind) -> Audited {
    Audited::new("report", audited(kind).entity_type)
}

async fn set_status(
    tx: &mut Tx,
    kind: TargetKind,
    id: Uuid,
    from: &str,
    to: Visibility,
) -> Result<u64> {
    let sql = match kind {
        TargetKind::Comment => {
            "UPDATE dialogue_comments SET status = $1, updated_at = $2 WHERE id = $3 AND ($4 = '' OR status = $4)"
        }
        TargetKind::Idea => {
            "UPDATE dialogue_ideas SET status = $1, updated_at = $2 WHERE id = $3 AND ($4 = '' OR status = $4)"
        }
    };
    Ok(exec!(tx, |c| sqlx::query(sql)
        .bind(to.as_str())
        .bind(now())
        .bind(id)
        .bind(from)
        .execute(&mut *c)
        .await?
        .rows_affected()))
}

/// Tells the search index that an idea's visibility changed (comments are not indexed).
async fn announce(tx: &mut Tx, kind: TargetKind, id: Uuid) -> Result<()> {
    match kind {
        TargetKind::Idea => tx.changed(crate::search::IDEA, &id.to_string()).await,
        TargetKind::Comment => Ok(()),
    }
}

/// Whose open reports count towards hiding a contribution until a moderator looks at it. Every
/// report is kept and shown to moderators either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReportCounting {
    /// Only reports by people whose e-mail is verified: throwaway accounts cannot hide others.
    #[default]
    VerifiedOnly,
    Everyone,
}

impl ReportCounting {
    /// The policy set by `[dialogue] auto_hide_verified_only`.
    pub fn from_settings(settings: &platform::config::Settings) -> ReportCounting {
        if settings.dialogue.auto_hide_verified_only {
            ReportCounting::VerifiedOnly
        } else {
            ReportCounting::Everyone
        }
    }
}

/// Reports a contribution. Returns whether this report hid it (the open reports that count under
/// `counting` reached the process's threshold).
pub async fn report(
    tx: &mut Tx,
    reporter: &CurrentUser,
    kind: TargetKind,
    id: Uuid,
    reason: ReportReason,
    counting: ReportCounting,
) -> Result<bool> {
    let target = target(&mut *tx, kind, id).await?.ok_or(Error::NotFound)?;
    if target.author_id == Some(reporter.id) {
        return Err(Error::forbidden("dialogue-error-report-own"));
    }
    if target.visibility() == Visibility::Removed {
        return Err(Error::forbidden("dialogue-error-report-removed"));
    }
    // Lock the contribution first, so that concurrent reports count each other.
    let lock = match kind {
        TargetKind::Comment => "UPDATE dialogue_comments SET status = status WHERE id = $1",
        TargetKind::Idea => "UPDATE dialogue_ideas SET status = status WHERE id = $1",
    };
    exec!(tx, |c| sqlx::query(lock)
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected());
    let report_id = Uuid::now_v7();
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_reports (id, target_kind, target_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(report_id)
    .bind(kind.as_str())
    .bind(id)
    .bind(reporter.id)
    .bind(reason.as_str())
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::Conflict(Msg::new("dialogue-error-reported-already")))?;
    let count_sql = match counting {
        ReportCounting::Everyone => {
            "SELECT COUNT(*) FROM dialogue_reports r WHERE r.target_kind = $1 AND r.target_id = $2 AND r.resolved_at IS NULL"
        }
        ReportCounting::VerifiedOnly => {
            "SELECT COUNT(*) FROM dialogue_reports r JOIN users u ON u.id = r.reporter_id \
             WHERE r.target_kind = $1 AND r.target_id = $2 AND r.resolved_at IS NULL AND u.verified_at IS NOT NULL"
        }
    };
    let open: i64 = exec!(tx, |c| {
        sqlx::query_scalar(count_sql)
            .bind(kind.as_str())
            .bind(id)
            .fetch_one(&mut *c)
            .await?
    });
    tx.audit_created(
        &reporter.actor(),
        audited_report(kind),
        id,
        &serde_json::json!({"reason": reason.as_str(), "open_reports": open}),
    )
    .await?;
    let mut hidden = false;
    if open >= target.threshold {
        hidden = set_status(tx, kind, id, "visible", Visibility::Pending).await? > 0;
        if hidden {
            announce(tx, kind, id).await?;
            tx.audit_as(
                &Actor::system("moderation"),
                audited(kind),
                "auto_hide",
                id,
                Some(&serde_json::json!({"status": "visible"})),
                Some(&serde_json::json!({"status": "pending", "open_reports": open, "threshold": target.threshold})),
            )
            .await?;
        }
    }
    Ok(hidden)
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The contribution is fine: show it again and close the reports.
    Keep,
    /// Take it down for good.
    Remove,
    /// Take it down and block its author.
    Block,
}

/// A moderator's decision on a reported contribution.
pub async fn decide(
    tx: &mut Tx,
    moderator: &CurrentUser,
    kind: TargetKind,
    id: Uuid,
    decision: Decision,
) -> Result<()> {
    if !moderator.is_moderator() {
        return Err(Error::forbidden("dialogue-error-moderators-only"));
    }
    let target = target(&mut *tx, kind, id).await?.ok_or(Error::NotFound)?;
    let author = match (decision == Decision::Block, target.author_id) {
        (false, _) => None,
        (true, None) => return Err(Error::forbidden("dialogue-error-no-author")),
        (true, Some(author_id)) => {
            let user = auth::find_user(&mut *tx, author_id)
                .await?
                .ok_or(Error::NotFound)?;
            if user.id == moderator.id {
                return Err(Error::forbidden("error-cannot-block-self"));
            }
            if Role::parse(&user.role) != Some(Role::Participant) {
                return Err(Error::forbidden("dialogue-error-block-staff"));
            }
            Some(user)
        }
    };
    let (status, resolution) = match decision {
        Decision::Keep => (Visibility::Visible, "kept"),
        Decision::Remove | Decision::Block => (Visibility::Removed, "removed"),
    };
    set_status(tx, kind, id, "", status).await?;
    announce(tx, kind, id).await?;
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE dialogue_reports SET resolved_at = $1, resolution = $2 WHERE target_kind = $3 AND target_id = $4 AND resolved_at IS NULL"
    )
    .bind(now())
    .bind(resolution)
    .bind(kind.as_str())
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        &moderator.actor(),
        audited(kind),
        "moderate",
        id,
        Some(&serde_json::json!({"status": target.status})),
        Some(&serde_json::json!({"status": status.as_str(), "decision": decision})),
    )
    .await?;
    if let Some(user) = author {
        auth::set_blocked(tx, &moderator.actor(), &user, true).await?;
    }
    Ok(())
}

/// A contribution in the moderation queue: reports not yet resolved, by reason.
#[derive(Clone, Debug, Serialize)]
pub struct QueueItem {
    pub target: Target,
    pub reports: i64,
    pub spam: i64,
    pub offensive: i64,
    pub off_topic: i64,
    pub first_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct QueueRow {
    target_kind: String,
    target_id: Uuid,
    reports: i64,
    spam: i64,
    offensive: i64,
    off_topic: i64,
    first_at: OffsetDateTime,
}

pub async fn queue(conn: impl Into<Conn<'_>>) -> Result<Vec<QueueItem>> {
    let mut conn = conn.into();
    let rows = on!(&mut conn, |c| {
        sqlx::query_as::<_, QueueRow>(
        "SELECT target_kind, target_id, COUNT(*) AS reports, \
         SUM(CASE WHEN reason = 'spam' THEN 1 ELSE 0 END) AS spam, \
         SUM(CASE WHEN reason = 'offensive' THEN 1 ELSE 0 END) AS offensive, \
         SUM(CASE WHEN reason = 'off_topic' THEN 1 ELSE 0 END) AS off_topic, \
         MIN(created_at) AS first_at \
         FROM dialogue_reports WHERE resolved_at IS NULL GROUP BY target_kind, target_id ORDER BY MIN(created_at) LIMIT 500"
    )
    .fetch_all(&mut *c)
    .await?
    });
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(kind) = TargetKind::parse(&r.target_kind) else {
            continue;
        };
        if let Some(target) = target(&mut conn, kind, r.target_id).await? {
            out.push(QueueItem {
                target,
                reports: r.reports,
                spam: r.spam,
                offensive: r.offensive,
                off_topic: r.off_topic,
                first_at: r.first_at,
            });
        }
    }
    Ok(out)
}

/// Whether this person has reported this contribution already.
pub async fn has_reported(
    conn: impl Into<Conn<'_>>,
    user_id: Uuid,
    kind: TargetKind,
    id: Uuid,
) -> Result<bool> {
    let n: i64 = on!(conn, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM dialogue_reports WHERE target_kind = $1 AND target_id = $2 AND reporter_id = $3"
    )
    .bind(kind.as_str())
    .bind(id)
    .bind(user_id)
    .fetch_one(&mut *c)
    .await?
    });
    Ok(n > 0)
}
