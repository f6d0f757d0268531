//! The trail from a commitment back to open dialogue: the co-creation process and the ideas it
//! came from, with each idea's votes and rank when the process shows its results.

use platform::{Bilingual, Db, Lang, Result};
use serde::Serialize;
use uuid::Uuid;

use crate::store::{self, Item};

/// Where a commitment came from in open dialogue.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Trail {
    pub process: TrailProcess,
    /// In the order the commitment names them; hidden or removed ideas are left out.
    pub ideas: Vec<TrailIdea>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TrailProcess {
    pub id: Uuid,
    pub slug: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
    /// Whether vote counts are public: the process shows them, or its voting has closed.
    pub results_visible: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TrailIdea {
    pub id: Uuid,
    pub title: String,
    /// The language it was written in: `en` or `fr`.
    pub lang: String,
    /// The theme of the process it was filed under.
    #[schema(value_type = crate::api::BilingualDoc)]
    pub theme: Bilingual,
    /// `submitted`, `in_assessment`, `accepted`, `not_retained` or `merged`.
    pub state: String,
    /// Its votes, when the results are public and it was on the ballot.
    pub votes: Option<i64>,
    /// Its rank among the ideas it competed with (its theme, or the whole process).
    pub rank: Option<i64>,
    /// How many ideas it competed with.
    pub of: Option<usize>,
}

impl TrailIdea {
    /// The path of its page after the language prefix.
    pub fn path(&self) -> String {
        format!("/ideas/{}", self.id)
    }
    /// Its language, when the page is in the other one.
    pub fn foreign(&self, lang: Lang) -> Option<&str> {
        (self.lang != lang.code()).then_some(self.lang.as_str())
    }
    pub fn state_key(&self) -> String {
        format!("dialogue-state-{}", self.state)
    }
}

/// The trail of an item, or `None` when it names no process (or the process is gone).
pub async fn trail(db: &Db, item: &Item) -> Result<Option<Trail>> {
    let Some(process_id) = item.origin_process_id else {
        return Ok(None);
    };
    let Some(process) = dialogue::processes::find_by_id(db, process_id).await? else {
        return Ok(None);
    };
    let results_visible = process.results_visible();
    let ranked = if results_visible {
        dialogue::votes::ranked(db, &process).await?
    } else {
        Vec::new()
    };
    let mut ideas = Vec::new();
    for id in store::origin_ideas(db, item.id).await? {
        let Some(idea) = dialogue::ideas::get(db, id).await? else {
            continue;
        };
        if !idea.is_visible() {
            continue;
        }
        let place = ranked.iter().find_map(|group| {
            group
                .rows
                .iter()
                .find(|r| r.idea.id == id)
                .map(|r| (r.votes, r.rank, group.rows.len()))
        });
        ideas.push(TrailIdea {
            id,
            title: idea.title.clone(),
            lang: idea.lang.clone(),
            theme: process
                .theme(idea.theme_id)
                .map(|t| t.title())
                .unwrap_or_default(),
            state: idea.state.clone(),
            votes: place.map(|p| p.0),
            rank: place.map(|p| p.1),
            of: place.map(|p| p.2),
        });
    }
    Ok(Some(Trail {
        process: TrailProcess {
            id: process.process.id,
            slug: process.process.slug.clone(),
            title: process.process.title(),
            results_visible,
        },
        ideas,
    }))
}
