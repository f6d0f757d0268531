//! Deleting, archiving and restoring. Deletion is soft: a deleted item or plan leaves every page,
//! list, feed and search but keeps its rows, and an administrator can restore it. A plan whose
//! items are published (every item on the tracker is public) cannot be deleted, only archived.

use platform::db::{Conn, now};
use platform::{Actor, Error, Result, Tx, exec, on};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::items::ITEM;
use super::plans::{PLAN, Plan};

/// A deleted item or plan, as the restore page lists it.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Deleted {
    pub id: Uuid,
    /// `commitment`, `project` or `plan`.
    pub kind: String,
    pub slug: String,
    pub title_en: String,
    pub title_fr: String,
    pub deleted_at: OffsetDateTime,
}

impl Deleted {
    pub fn title(&self) -> platform::Bilingual {
        platform::Bilingual::new(&self.title_en, &self.title_fr)
    }
}

/// How many items (not deleted) a plan holds.
pub async fn items_in_plan(conn: impl Into<Conn<'_>>, plan: Uuid) -> Result<i64> {
    Ok(on!(conn, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM tracker_items WHERE plan_id = $1 AND deleted_at IS NULL"
    )
    .bind(plan)
    .fetch_one(&mut *c)
    .await?))
}

/// Deletes a plan that holds no items; one that does is refused, to be archived instead.
pub async fn delete_plan(tx: &mut Tx, actor: &Actor, plan: &Plan) -> Result<()> {
    if items_in_plan(&mut *tx, plan.id).await? > 0 {
        return Err(Error::field("plan", "tracker-error-plan-has-items"));
    }
    exec!(tx, |c| sqlx::query(
        "UPDATE tracker_plans SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL"
    )
    .bind(now())
    .bind(plan.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_deleted(actor, PLAN, plan.id, plan).await
}

/// Archives a plan (`archived`) or makes it current again.
pub async fn archive_plan(tx: &mut Tx, actor: &Actor, plan: &Plan, archived: bool) -> Result<()> {
    let at = archived.then(now);
    exec!(tx, |c| sqlx::query(
        "UPDATE tracker_plans SET archived_at = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(at)
    .bind(now())
    .bind(plan.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    let verb = if archived { "archive" } else { "unarchive" };
    tx.audit_as(
        actor,
        PLAN,
        verb,
        plan.id,
        Some(plan),
        Some(&serde_json::json!({ "archived_at": at })),
    )
    .await
}

/// Everything deleted, most recently deleted first.
pub async fn deleted(conn: impl Into<Conn<'_>>) -> Result<Vec<Deleted>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Deleted>(
        "SELECT id, kind, slug, title_en, title_fr, deleted_at FROM tracker_items WHERE deleted_at IS NOT NULL \
         UNION ALL SELECT id, 'plan', slug, title_en, title_fr, deleted_at FROM tracker_plans WHERE deleted_at IS NOT NULL \
         ORDER BY deleted_at DESC, id DESC LIMIT 500"
    )
    .fetch_all(&mut *c)
    .await?
    }))
}

async fn find_deleted(tx: &mut Tx, id: Uuid) -> Result<Deleted> {
    deleted_by_id(tx, id).await?.ok_or(Error::NotFound)
}

async fn deleted_by_id(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Deleted>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Deleted>(
        "SELECT id, kind, slug, title_en, title_fr, deleted_at FROM tracker_items WHERE id = $1 AND deleted_at IS NOT NULL \
         UNION ALL SELECT id, 'plan', slug, title_en, title_fr, deleted_at FROM tracker_plans WHERE id = $1 AND deleted_at IS NOT NULL"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    }))
}

/// Restores a deleted item or plan. An item whose plan is deleted waits for its plan.
pub async fn restore(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Deleted> {
    let d = find_deleted(tx, id).await?;
    if d.kind == "plan" {
        exec!(tx, |c| sqlx::query(
            "UPDATE tracker_plans SET deleted_at = NULL WHERE id = $1"
        )
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        tx.audit_as(actor, PLAN, "restore", id, Some(&d), None::<&()>)
            .await?;
        return Ok(d);
    }
    let plan_deleted: i64 = exec!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM tracker_items i JOIN tracker_plans p ON p.id = i.plan_id \
         WHERE i.id = $1 AND p.deleted_at IS NOT NULL"
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await?);
    if plan_deleted > 0 {
        return Err(Error::field("plan", "tracker-error-restore-plan-first"));
    }
    exec!(tx, |c| sqlx::query(
        "UPDATE tracker_items SET deleted_at = NULL WHERE id = $1"
    )
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_as(actor, ITEM, "restore", id, Some(&d), None::<&()>)
        .await?;
    tx.changed("tracker_item", &id.to_string()).await?;
    Ok(d)
}
