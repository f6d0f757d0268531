//! Commitments and projects in the site's search index, in English and French, and the tracker
//! list's text search through it.

use std::collections::HashSet;
use std::sync::Arc;

use futures::future::BoxFuture;
use platform::area::SearchKind;
use platform::search::{SearchDoc, SearchQuery, SearchSource};
use platform::{Bilingual, Db, Lang, Platform, Result};
use uuid::Uuid;

use crate::store::{self, Summary};

pub const KIND: &str = "tracker_item";

/// Where a search hit of this kind leads: a short address that redirects to the item's page.
pub fn path(id: &str) -> String {
    format!("/tracker/items/{id}")
}

/// The most items a text search of the tracker list considers.
const MAX_MATCHES: usize = 1000;

pub struct ItemSource;

/// The area's search sources, for the binary to register.
pub fn sources() -> Vec<Arc<dyn SearchSource>> {
    vec![Arc::new(ItemSource)]
}

/// The kinds the site-wide search lists, in the order of its filters.
pub fn site_kinds() -> Vec<SearchKind> {
    vec![SearchKind {
        kind: KIND,
        filter_label: "search-kind-tracker",
        hit_label: "search-one-tracker",
        path,
    }]
}

/// What the index knows of an item: its title, the template's texts, the lead organization and
/// team, and the milestones; facets for its kind, plan, organization, status and themes.
pub fn document(s: &Summary) -> SearchDoc {
    let i = &s.item;
    let texts = [
        &i.short_title,
        &i.status_quo,
        &i.objective,
        &i.description,
        &i.ambition,
        &i.lead_team,
        &s.organization.title,
    ];
    let mut en: Vec<&str> = texts.iter().map(|b| b.en.as_str()).collect();
    let mut fr: Vec<&str> = texts.iter().map(|b| b.fr.as_str()).collect();
    for m in &s.milestones {
        en.push(&m.activity.en);
        fr.push(&m.activity.fr);
    }
    let join = |parts: Vec<&str>| {
        parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut doc = SearchDoc::new(KIND, i.id.to_string());
    doc.title = i.title.clone();
    doc.body = Bilingual::new(join(en), join(fr));
    doc.date = Some(i.updated_at);
    doc = doc
        .facet("item_kind", i.kind.as_str())
        .facet("organization", &s.organization.slug)
        .facet("status", s.status.as_str());
    if let Some(plan) = &s.plan {
        doc = doc.facet("plan", &plan.slug);
    }
    for t in &s.themes {
        doc = doc.facet("theme", &t.slug);
    }
    doc
}

fn parse_ids(ids: &[String]) -> Vec<Uuid> {
    ids.iter().filter_map(|i| Uuid::parse_str(i).ok()).collect()
}

impl SearchSource for ItemSource {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let ids = parse_ids(ids);
            Ok(store::summaries(db, &ids)
                .await?
                .iter()
                .map(document)
                .collect())
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move { Ok(store::count_items(db).await? as u64) })
    }

    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let after = after.and_then(|a| Uuid::parse_str(&a).ok());
            let ids = store::ids_after(db, after, batch as i64).await?;
            let mut docs: Vec<SearchDoc> = store::summaries(db, &ids)
                .await?
                .iter()
                .map(document)
                .collect();
            // The walk continues after the last id, so the batch goes in id order.
            docs.sort_by(|a, b| a.id.cmp(&b.id));
            Ok(docs)
        })
    }
}

/// The items whose text matches `text`, searched in both languages (`lang` weighing more).
pub fn matching(platform: &Platform, text: &str, lang: Lang) -> Result<HashSet<Uuid>> {
    let results = platform.search.query(&SearchQuery {
        text: text.to_string(),
        lang,
        kinds: vec![KIND.into()],
        limit: MAX_MATCHES,
        highlight: false,
        ..SearchQuery::default()
    })?;
    Ok(results
        .hits
        .iter()
        .filter_map(|h| Uuid::parse_str(&h.id).ok())
        .collect())
}

/// The items a filter selects, narrowed to those matching its words when it has any.
pub async fn list(platform: &Platform, filter: &store::Filter, lang: Lang) -> Result<Vec<Summary>> {
    let mut items = store::list(&platform.db, filter).await?;
    let words = filter.q.trim();
    if !words.is_empty() {
        let ids = matching(platform, words, lang)?;
        items.retain(|s| ids.contains(&s.item.id));
    }
    Ok(items)
}
