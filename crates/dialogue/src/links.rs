//! What other areas need to link to open dialogue (a commitment to the process and the ideas it
//! came from, evidence to a consultation): whether the target exists and is public, read inside
//! the caller's transaction.

use platform::{Result, Tx, exec};
use uuid::Uuid;

/// The id of the co-creation process with this slug.
pub async fn process_id(tx: &mut Tx, slug: &str) -> Result<Option<Uuid>> {
    Ok(exec!(tx, |c| {
        sqlx::query_scalar("SELECT id FROM dialogue_processes WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// The process a visible idea belongs to; `None` when there is no such idea or it is hidden or
/// removed.
pub async fn idea_process(tx: &mut Tx, idea: Uuid) -> Result<Option<Uuid>> {
    Ok(exec!(tx, |c| {
        sqlx::query_scalar(
            "SELECT process_id FROM dialogue_ideas WHERE id = $1 AND status = 'visible'",
        )
        .bind(idea)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// Whether the directory has a consultation with this slug.
pub async fn consultation_exists(tx: &mut Tx, slug: &str) -> Result<bool> {
    let n: i64 = exec!(tx, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM dialogue_consultations WHERE slug = $1")
            .bind(slug)
            .fetch_one(&mut *c)
            .await?
    });
    Ok(n > 0)
}
