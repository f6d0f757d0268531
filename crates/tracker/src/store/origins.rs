//! The dialogue ideas an item came from.

use platform::error::{FieldError, Msg};
use platform::{Db, Result, Tx, exec, read};
use uuid::Uuid;

use super::items::ItemInput;

/// Checks the process and ideas an item came from: the process must exist, and each idea must
/// be a visible idea of that process.
pub(super) async fn check_origin(
    tx: &mut Tx,
    input: &ItemInput,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Uuid>> {
    let slug = input.origin_process.trim();
    let process = if slug.is_empty() {
        if !input.origin_ideas.is_empty() {
            errors.push(FieldError::new(
                "origin_process",
                "tracker-error-origin-process-required",
            ));
        }
        None
    } else {
        let id = dialogue::links::process_id(tx, slug).await?;
        if id.is_none() {
            errors.push(FieldError::with(
                "origin_process",
                Msg::new("tracker-error-origin-process-unknown").arg("value", slug),
            ));
        }
        id
    };
    for (i, idea) in input.origin_ideas.iter().enumerate() {
        let field = format!("origin_ideas[{i}]");
        match dialogue::links::idea_process(tx, *idea).await? {
            None => errors.push(FieldError::with(
                field,
                Msg::new("tracker-error-origin-idea-unknown").arg("value", idea),
            )),
            Some(p) if process.is_some_and(|want| want != p) => errors.push(FieldError::with(
                field,
                Msg::new("tracker-error-origin-idea-elsewhere").arg("value", idea),
            )),
            Some(_) => {}
        }
    }
    Ok(process)
}

/// Replaces the ideas an item came from.
pub(super) async fn set_origin_ideas(tx: &mut Tx, item_id: Uuid, ideas: &[Uuid]) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM tracker_item_ideas WHERE item_id = $1")
            .bind(item_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    let mut seen = std::collections::BTreeSet::new();
    for idea in ideas {
        if !seen.insert(*idea) {
            continue;
        }
        let position = seen.len() as i64;
        exec!(tx, |c| {
            sqlx::query(
                "INSERT INTO tracker_item_ideas (item_id, idea_id, position) VALUES ($1, $2, $3)",
            )
            .bind(item_id)
            .bind(idea)
            .bind(position)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    Ok(())
}

/// The ideas an item came from, in order.
pub async fn origin_ideas(db: &Db, item_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(read!(db, |c| {
        sqlx::query_scalar(
            "SELECT idea_id FROM tracker_item_ideas WHERE item_id = $1 ORDER BY position",
        )
        .bind(item_id)
        .fetch_all(&mut *c)
        .await?
    }))
}
