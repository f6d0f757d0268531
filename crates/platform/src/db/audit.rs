//! The audit log's common entries: an entity created, updated or deleted.

use std::fmt::Display;

use serde::Serialize;

use super::{Actor, Tx};
use crate::error::Result;

/// What the audit log calls one kind of entity: the prefix of its actions (`"tracker.item"` gives
/// `tracker.item.create`, `.update`, `.delete`) and its entity type (`"tracker_item"`). A store
/// declares one per entity it audits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Audited {
    pub action: &'static str,
    pub entity_type: &'static str,
}

impl Audited {
    pub const fn new(action: &'static str, entity_type: &'static str) -> Self {
        Audited {
            action,
            entity_type,
        }
    }
}

impl Tx {
    /// Records `<action>.create` with the new state.
    pub async fn audit_created<A: Serialize>(
        &mut self,
        actor: &Actor,
        entity: Audited,
        id: impl Display,
        after: &A,
    ) -> Result<()> {
        self.audit_as(actor, entity, "create", id, None::<&()>, Some(after))
            .await
    }

    /// Records `<action>.update` with the states before and after.
    pub async fn audit_updated<B: Serialize, A: Serialize>(
        &mut self,
        actor: &Actor,
        entity: Audited,
        id: impl Display,
        before: &B,
        after: &A,
    ) -> Result<()> {
        self.audit_as(actor, entity, "update", id, Some(before), Some(after))
            .await
    }

    /// Records `<action>.delete` with the state that is gone.
    pub async fn audit_deleted<B: Serialize>(
        &mut self,
        actor: &Actor,
        entity: Audited,
        id: impl Display,
        before: &B,
    ) -> Result<()> {
        self.audit_as(actor, entity, "delete", id, Some(before), None::<&()>)
            .await
    }

    /// Records `<action>.<verb>` for a change that is neither a creation, an update nor a
    /// deletion as such (`consultation.results`).
    pub async fn audit_as<B: Serialize, A: Serialize>(
        &mut self,
        actor: &Actor,
        entity: Audited,
        verb: &str,
        id: impl Display,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<()> {
        let action = format!("{}.{verb}", entity.action);
        self.audit(
            actor,
            &action,
            entity.entity_type,
            &id.to_string(),
            before,
            after,
        )
        .await
    }
}
