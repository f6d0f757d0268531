//! Open dialogue in the platform's search index: ideas, consultations and processes, found by the
//! site search in English and French, and the similar ideas shown before someone submits theirs.
//!
//! Only what everyone may read is indexed: an idea hidden by reports or removed by a moderator
//! is left out (its source returns nothing for it, so the index drops it).

use std::sync::Arc;

use futures::future::BoxFuture;
use platform::area::SearchKind;
use platform::db::Conn;
use platform::markdown::to_plain;
use platform::search::{SearchDoc, SearchQuery, SearchSource};
use platform::{Bilingual, Db, Lang, Platform, Result, on, sql};
use uuid::Uuid;

use crate::consultations;
use crate::ideas::IDEA_SELECT;
use crate::model::{Consultation, Idea, Process};

pub const IDEA: &str = "idea";
pub const CONSULTATION: &str = "consultation";
pub const PROCESS: &str = "process";

/// The area's search sources, for the binary to register.
pub fn sources() -> Vec<Arc<dyn SearchSource>> {
    vec![
        Arc::new(Ideas),
        Arc::new(Consultations),
        Arc::new(Processes),
    ]
}

/// The kinds the site-wide search lists, in the order of its filters.
pub fn site_kinds() -> Vec<SearchKind> {
    vec![
        SearchKind {
            kind: CONSULTATION,
            filter_label: "search-kind-consultation",
            hit_label: "search-one-consultation",
            path: |id| format!("/consultations/{id}"),
        },
        SearchKind {
            kind: PROCESS,
            filter_label: "search-kind-process",
            hit_label: "search-one-process",
            path: |id| format!("/processes/{id}"),
        },
        SearchKind {
            kind: IDEA,
            filter_label: "search-kind-idea",
            hit_label: "search-one-idea",
            path: |id| format!("/ideas/{id}"),
        },
    ]
}

/// The page of an indexed entity, relative to the language prefix.
pub fn path(kind: &str, id: &str) -> Option<String> {
    site_kinds()
        .into_iter()
        .find(|k| k.kind == kind)
        .map(|k| (k.path)(id))
}

fn ids(ids: &[String]) -> Vec<Uuid> {
    ids.iter().filter_map(|i| Uuid::parse_str(i).ok()).collect()
}

/// An idea is written in one language; it is indexed in that language's fields.
pub fn idea_document(i: &Idea) -> SearchDoc {
    let mut doc = SearchDoc::new(IDEA, i.id.to_string())
        .facet("process", i.process_id.to_string())
        .facet("theme", i.theme_id.to_string())
        .facet("state", &i.state);
    let (title, body) = match i.lang() {
        Lang::En => (
            Bilingual::new(&i.title, ""),
            Bilingual::new(to_plain(&i.body), to_plain(&i.answer_fr)),
        ),
        Lang::Fr => (
            Bilingual::new("", &i.title),
            Bilingual::new(to_plain(&i.answer_en), to_plain(&i.body)),
        ),
    };
    doc.title = title;
    doc.body = body;
    doc.date = Some(i.updated_at);
    doc
}

pub fn consultation_document(c: &Consultation, topics: &[String]) -> SearchDoc {
    let body = |summary: &str, asked: &str, said: &str, did: &str, org: &str| {
        [summary, asked, said, did, org]
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| to_plain(s))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut doc = SearchDoc::new(CONSULTATION, c.id.to_string())
        .facet("organization", &c.org_slug)
        .facet("level", &c.level);
    for t in topics {
        doc = doc.facet("topic", t);
    }
    doc.title = c.title();
    doc.body = Bilingual::new(
        body(
            &c.summary_en,
            &c.we_asked_en,
            &c.you_said_en,
            &c.we_did_en,
            &c.org_title_en,
        ),
        body(
            &c.summary_fr,
            &c.we_asked_fr,
            &c.you_said_fr,
            &c.we_did_fr,
            &c.org_title_fr,
        ),
    );
    doc.date = Some(c.updated_at);
    doc
}

pub fn process_document(p: &Process) -> SearchDoc {
    let mut doc = SearchDoc::new(PROCESS, p.id.to_string())
        .facet("organization", p.organization_id.to_string());
    doc.title = p.title();
    doc.body = Bilingual::new(to_plain(&p.summary_en), to_plain(&p.summary_fr));
    doc.date = Some(p.updated_at);
    doc
}

/// The number `sql` counts, for a source's `count_all`.
async fn count(db: &Db, sql: &'static str) -> Result<u64> {
    let n: i64 = on!(db, |c| sqlx::query_scalar(sql).fetch_one(&mut *c).await?);
    Ok(n as u64)
}

struct Ideas;

async fn visible_ideas(conn: impl Into<Conn<'_>>, ids: &[Uuid]) -> Result<Vec<Idea>> {
    let mut conn = conn.into();
    let mut out = Vec::with_capacity(ids.len());
    // Ids come in chunks of a few hundred at most (the follower's); one indexed lookup each.
    for id in ids {
        let idea = on!(&mut conn, |c| sqlx::query_as::<_, Idea>(sql!(
            IDEA_SELECT,
            " WHERE i.id = $1 AND i.status = 'visible'"
        ))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?);
        out.extend(idea);
    }
    Ok(out)
}

impl SearchSource for Ideas {
    fn kind(&self) -> &'static str {
        IDEA
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            Ok(visible_ideas(db, &self::ids(ids))
                .await?
                .iter()
                .map(idea_document)
                .collect())
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            count(
                db,
                "SELECT COUNT(*) FROM dialogue_ideas WHERE status = 'visible'",
            )
            .await
        })
    }

    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let after = after
                .and_then(|a| Uuid::parse_str(&a).ok())
                .unwrap_or(Uuid::nil());
            let rows = on!(db, |c| sqlx::query_as::<_, Idea>(sql!(
                IDEA_SELECT,
                " WHERE i.id > $1 AND i.status = 'visible' ORDER BY i.id LIMIT $2"
            ))
            .bind(after)
            .bind(batch as i64)
            .fetch_all(&mut *c)
            .await?);
            Ok(rows.iter().map(idea_document).collect())
        })
    }
}

struct Consultations;

async fn consultation_documents(db: &Db, rows: Vec<Consultation>) -> Result<Vec<SearchDoc>> {
    let mut out = Vec::with_capacity(rows.len());
    // Drafts are their staff's alone until published.
    for c in rows.into_iter().filter(|c| !c.is_draft()) {
        let topics: Vec<String> = consultations::topics_of(db, c.id)
            .await?
            .into_iter()
            .map(|t| t.slug)
            .collect();
        out.push(consultation_document(&c, &topics));
    }
    Ok(out)
}

impl SearchSource for Consultations {
    fn kind(&self) -> &'static str {
        CONSULTATION
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let mut rows = Vec::new();
            for id in self::ids(ids) {
                rows.extend(consultations::find_by_id(db, id).await?);
            }
            consultation_documents(db, rows).await
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            count(
                db,
                "SELECT COUNT(*) FROM dialogue_consultations WHERE published_at IS NOT NULL",
            )
            .await
        })
    }

    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let after = after.and_then(|a| Uuid::parse_str(&a).ok());
            let rows = consultations::after(db, after, batch as i64).await?;
            consultation_documents(db, rows).await
        })
    }
}

struct Processes;

impl SearchSource for Processes {
    fn kind(&self) -> &'static str {
        PROCESS
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let mut docs = Vec::new();
            for id in self::ids(ids) {
                if let Some(p) = crate::processes::find_by_id(db, id).await? {
                    docs.push(process_document(&p.process));
                }
            }
            Ok(docs)
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move { count(db, "SELECT COUNT(*) FROM dialogue_processes").await })
    }

    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let after = after.and_then(|a| Uuid::parse_str(&a).ok());
            Ok(crate::processes::after(db, after, batch as i64)
                .await?
                .iter()
                .map(process_document)
                .collect())
        })
    }
}

/// Words too common to say what an idea is about, in English and French (three letters or more;
/// shorter words are skipped anyway).
const COMMON_WORDS: &[&str] = &[
    "and", "are", "but", "for", "from", "has", "have", "its", "not", "our", "should", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "was", "were", "what",
    "when", "which", "who", "will", "with", "would", "you", "your", "aux", "avec", "ces", "cette",
    "dans", "des", "elle", "est", "être", "les", "leur", "leurs", "mais", "nous", "par", "pas",
    "plus", "pour", "que", "qui", "ses", "son", "sont", "sur", "une", "vos", "votre",
];

/// Words of a draft that say what it is about: distinct, at most 24, in the order written.
fn key_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
    {
        let lower = word.to_lowercase();
        if !COMMON_WORDS.contains(&lower.as_str()) && !out.contains(&lower) {
            out.push(lower);
        }
        if out.len() == 24 {
            break;
        }
    }
    out
}

/// Existing ideas of a process like the draft `title` + `body`, best first, from the search index
/// (stemmed, in both languages). Any word may match; when the draft has three words or more, an
/// idea must share at least two of them, so that one common word does not fill the list.
pub async fn similar_ideas(
    platform: &Platform,
    process_id: Uuid,
    title: &str,
    body: &str,
    lang: Lang,
    limit: usize,
) -> Result<Vec<Idea>> {
    let words = key_words(&format!("{title} {body}"));
    if words.is_empty() {
        return Ok(Vec::new());
    }
    // Lower-case letters and digits only, so no word is search syntax; joined by OR, so that any
    // may match.
    let text = words.join(" OR ");
    let results = platform.search.query(&SearchQuery {
        text,
        lang,
        kinds: vec![IDEA.into()],
        filters: vec![("process".into(), vec![process_id.to_string()])],
        limit: limit * 4,
        ..Default::default()
    })?;
    let needed = if words.len() >= 3 { 2 } else { 1 };
    let ids: Vec<Uuid> = results
        .hits
        .iter()
        .filter(|h| marked_words(&format!("{} {}", h.title_html, h.body_html)) >= needed)
        .filter_map(|h| Uuid::parse_str(&h.id).ok())
        .take(limit)
        .collect();
    // The database has the last word: an idea hidden since it was indexed is not shown.
    let found = visible_ideas(&platform.db, &ids).await?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            found
                .iter()
                .find(|i| i.id == *id && i.process_id == process_id)
        })
        .cloned()
        .collect())
}

/// How many different words a snippet marks.
fn marked_words(html: &str) -> usize {
    let mut seen: Vec<String> = Vec::new();
    for part in html.split("<mark>").skip(1) {
        if let Some((word, _)) = part.split_once("</mark>") {
            let w = word.to_lowercase();
            if !seen.contains(&w) {
                seen.push(w);
            }
        }
    }
    seen.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_words_are_distinct_and_skip_short_ones() {
        assert_eq!(
            key_words("Open the data, OPEN it: l’accès aux données"),
            vec!["open", "data", "accès", "données"]
        );
        assert!(key_words("a b c").is_empty());
    }

    #[test]
    fn marked_words_counts_each_word_once() {
        assert_eq!(
            marked_words("<mark>Open</mark> the <mark>data</mark>, <mark>open</mark>"),
            2
        );
        assert_eq!(marked_words("no marks"), 0);
    }
}
