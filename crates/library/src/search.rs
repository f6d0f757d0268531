//! The library in the platform's search index: one record per document (its description and
//! metadata) and one per page (its text), so that a hit can land on the page where the words
//! are. A page record's id is `{document id}-p{page}`; its link is the document's page anchored
//! at `#page-N`.
//!
//! Withdrawn documents leave the index. A restricted document's description is public; its pages
//! are visible only to its organization's editors.

use std::sync::Arc;

use futures::future::BoxFuture;
use platform::area::SearchKind;
use platform::search::{SearchDoc, SearchSource};
use platform::{Bilingual, Db, Result, on, sql};
use uuid::Uuid;

use crate::documents::{self, COLUMNS};
use crate::model::{DocLang, Document};

pub const DOCUMENT: &str = "library_document";
pub const PAGE: &str = "library_page";

pub fn sources() -> Vec<Arc<dyn SearchSource>> {
    vec![Arc::new(Documents), Arc::new(Pages)]
}

pub fn site_kinds() -> Vec<SearchKind> {
    vec![
        SearchKind {
            kind: DOCUMENT,
            filter_label: "search-kind-library-document",
            hit_label: "search-one-library-document",
            path: |id| format!("/library/{id}"),
        },
        SearchKind {
            kind: PAGE,
            filter_label: "search-kind-library-page",
            hit_label: "search-one-library-page",
            path: page_path,
        },
    ]
}

pub fn page_id(document: Uuid, page: i64) -> String {
    format!("{document}-p{page}")
}

fn parse_page_id(id: &str) -> Option<(Uuid, i64)> {
    let (doc, page) = id.rsplit_once("-p")?;
    Some((Uuid::parse_str(doc).ok()?, page.parse().ok()?))
}

/// The document's page, at the anchor of the page.
pub fn page_path(id: &str) -> String {
    match parse_page_id(id) {
        Some((doc, page)) => format!("/library/{doc}#page-{page}"),
        None => "/library".to_string(),
    }
}

fn access(mut doc: SearchDoc, d: &Document, text_too: bool) -> SearchDoc {
    if text_too && !d.is_public() {
        doc.public = false;
        doc.visible_to = d
            .organization_id
            .map(|o| o.to_string())
            .into_iter()
            .collect();
    }
    doc
}

pub fn document_record(d: &Document) -> SearchDoc {
    let mut doc = SearchDoc::new(DOCUMENT, d.id.to_string())
        .facet("library_kind", &d.kind)
        .facet("language", &d.language);
    if !d.sector.is_empty() {
        doc = doc.facet("sector", &d.sector);
    }
    let meta = [
        d.employer.as_str(),
        d.union_name.as_str(),
        d.sector.as_str(),
        d.location.as_str(),
        d.minister.as_str(),
        d.ministry.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join("\n");
    let body = |summary: &str| {
        if summary.is_empty() {
            meta.clone()
        } else {
            format!("{summary}\n{meta}")
        }
    };
    doc.title = d.title();
    doc.body = Bilingual::new(body(&d.summary_en), body(&d.summary_fr));
    doc.date = Some(d.updated_at);
    access(doc, d, false)
}

pub fn page_record(d: &Document, page: i64, text: &str) -> SearchDoc {
    let mut doc = SearchDoc::new(PAGE, page_id(d.id, page))
        .facet("library_kind", &d.kind)
        .facet("document", d.id.to_string());
    let title = d.title();
    doc.title = Bilingual::new(
        format!("{} (p. {page})", title.en),
        format!("{} (p. {page})", title.fr),
    );
    doc.body = match d.doc_lang() {
        DocLang::En => Bilingual::new(text, ""),
        DocLang::Fr => Bilingual::new("", text),
        DocLang::Both => Bilingual::new(text, text),
    };
    doc.date = Some(d.updated_at);
    access(doc, d, true)
}

fn ids(ids: &[String]) -> Vec<Uuid> {
    ids.iter().filter_map(|i| Uuid::parse_str(i).ok()).collect()
}

async fn count(db: &Db, sql: &'static str) -> Result<u64> {
    let n: i64 = on!(db, |c| sqlx::query_scalar(sql).fetch_one(&mut *c).await?);
    Ok(n as u64)
}

struct Documents;

impl SearchSource for Documents {
    fn kind(&self) -> &'static str {
        DOCUMENT
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for id in self::ids(ids) {
                if let Some(d) = documents::find(db, id).await?
                    && !d.is_withdrawn()
                {
                    out.push(document_record(&d));
                }
            }
            Ok(out)
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(count(
            db,
            "SELECT COUNT(*) FROM library_documents WHERE withdrawn_at IS NULL",
        ))
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
            let rows = on!(db, |c| {
                sqlx::query_as::<_, Document>(sql!(
                "SELECT ",
                COLUMNS,
                " FROM library_documents WHERE id > $1 AND withdrawn_at IS NULL ORDER BY id LIMIT $2"
            ))
            .bind(after)
            .bind(batch as i64)
            .fetch_all(&mut *c)
            .await?
            });
            Ok(rows.iter().map(document_record).collect())
        })
    }
}

struct Pages;

#[derive(sqlx::FromRow)]
struct PageRow {
    document_id: Uuid,
    page: i64,
    text: String,
}

impl SearchSource for Pages {
    fn kind(&self) -> &'static str {
        PAGE
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let mut out = Vec::new();
            let mut current: Option<Document> = None;
            for (doc, page) in ids.iter().filter_map(|i| parse_page_id(i)) {
                if current.as_ref().is_none_or(|d| d.id != doc) {
                    current = documents::find(db, doc).await?;
                }
                let Some(d) = current.as_ref().filter(|d| !d.is_withdrawn()) else {
                    continue;
                };
                let text: Option<String> = on!(db, |c| sqlx::query_scalar(
                    "SELECT text FROM library_pages WHERE document_id = $1 AND page = $2"
                )
                .bind(doc)
                .bind(page)
                .fetch_optional(&mut *c)
                .await?);
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    out.push(page_record(d, page, &text));
                }
            }
            Ok(out)
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(count(
            db,
            "SELECT COUNT(*) FROM library_pages p JOIN library_documents d ON d.id = p.document_id \
             WHERE d.withdrawn_at IS NULL AND p.text <> ''",
        ))
    }

    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let (after_doc, after_page) = after
                .as_deref()
                .and_then(parse_page_id)
                .unwrap_or((Uuid::nil(), 0));
            let rows = on!(db, |c| {
                sqlx::query_as::<_, PageRow>(
                "SELECT p.document_id, p.page, p.text FROM library_pages p JOIN library_documents d ON d.id = p.document_id \
                 WHERE d.withdrawn_at IS NULL AND p.text <> '' AND (p.document_id > $1 OR (p.document_id = $1 AND p.page > $2)) \
                 ORDER BY p.document_id, p.page LIMIT $3"
            )
            .bind(after_doc)
            .bind(after_page)
            .bind(batch as i64)
            .fetch_all(&mut *c)
            .await?
            });
            let mut out = Vec::with_capacity(rows.len());
            let mut current: Option<Document> = None;
            for r in rows {
                if current.as_ref().is_none_or(|d| d.id != r.document_id) {
                    current = documents::find(db, r.document_id).await?;
                }
                if let Some(d) = &current {
                    out.push(page_record(d, r.page, &r.text));
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_round_trip_to_anchored_paths() {
        let id = Uuid::now_v7();
        assert_eq!(page_path(&page_id(id, 3)), format!("/library/{id}#page-3"));
        assert_eq!(page_path("nonsense"), "/library");
    }
}
