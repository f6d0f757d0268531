//! Site search: one box over every area's public documents in the search index (datasets, ideas,
//! consultations, processes, commitments and projects), in English and French, with a filter by kind.

use std::sync::Arc;

use axum::Extension;
use axum::response::Response;
use platform::area::SearchKind;
use platform::search::{KIND_FACET, SearchQuery};
use platform::web::{Pager, render};
use platform::{Page, Platform, Result};
use serde::Deserialize;

const PER_PAGE: i64 = 20;

#[derive(Deserialize, Default)]
struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
}

struct Hit {
    href: String,
    kind_label: String,
    title_html: String,
    /// Set when the title is in the other language.
    title_lang: Option<&'static str>,
    body_html: String,
    body_lang: Option<&'static str>,
}

struct KindLink {
    label: String,
    count: u64,
    href: String,
    current: bool,
}

#[derive(askama::Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: Page,
    q: String,
    kind: String,
    total: u64,
    hits: Vec<Hit>,
    kinds: Vec<KindLink>,
    pager: Pager,
}

fn href(page: &Page, q: &str, kind: &str) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        s.append_pair("q", q);
    }
    if !kind.is_empty() {
        s.append_pair("kind", kind);
    }
    let query = s.finish();
    if query.is_empty() {
        page.url("/search")
    } else {
        format!("{}?{query}", page.url("/search"))
    }
}

/// The search page; `kinds` are the areas' kinds, in the order of the filters (`home::app`).
pub async fn search(
    platform: Platform,
    Extension(kinds): Extension<Arc<[SearchKind]>>,
    page: Page,
) -> Result<Response> {
    let params: Params = page
        .query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let q = params.q.trim().to_string();
    // An unknown kind is ignored rather than refused: a hand-edited link still finds things.
    let kind = kinds
        .iter()
        .find(|k| k.kind == params.kind)
        .map(|k| k.kind.to_string())
        .unwrap_or_default();
    let all_kinds = || kinds.iter().map(|k| k.kind.to_string()).collect();
    let pager = Pager::new(&page, PER_PAGE);
    let results = platform.search.query(&SearchQuery {
        text: q.clone(),
        lang: page.lang,
        kinds: if kind.is_empty() {
            all_kinds()
        } else {
            vec![kind.clone()]
        },
        // Draft datasets are public in the index for their editors' pages, not here.
        exclude: vec![("state".into(), "draft".into())],
        facets: vec![KIND_FACET.into()],
        offset: pager.offset() as usize,
        limit: PER_PAGE as usize,
        ..Default::default()
    })?;
    // The counts per kind ignore the kind filter, so that every tab says what it holds.
    let counts = if kind.is_empty() {
        results.facet(KIND_FACET).cloned()
    } else {
        platform
            .search
            .query(&SearchQuery {
                text: q.clone(),
                lang: page.lang,
                kinds: all_kinds(),
                exclude: vec![("state".into(), "draft".into())],
                facets: vec![KIND_FACET.into()],
                limit: 0,
                highlight: false,
                ..Default::default()
            })?
            .facet(KIND_FACET)
            .cloned()
    };
    let count_of = |k: &str| {
        counts
            .as_ref()
            .and_then(|f| f.values.iter().find(|v| v.value == k))
            .map(|v| v.count)
            .unwrap_or(0)
    };
    let mut links = vec![KindLink {
        label: page.t("search-kind-all"),
        count: kinds.iter().map(|k| count_of(k.kind)).sum(),
        href: href(&page, &q, ""),
        current: kind.is_empty(),
    }];
    links.extend(kinds.iter().map(|k| KindLink {
        label: page.t(k.filter_label),
        count: count_of(k.kind),
        href: href(&page, &q, k.kind),
        current: kind == k.kind,
    }));
    let other = |l: platform::Lang| (l != page.lang).then(|| l.code());
    let hits = results
        .hits
        .iter()
        .filter_map(|h| {
            let hit_kind = kinds.iter().find(|k| k.kind == h.kind)?;
            Some(Hit {
                href: page.url(&(hit_kind.path)(&h.id)),
                kind_label: page.t(hit_kind.hit_label),
                title_html: h.title_html.clone(),
                title_lang: other(h.title_lang),
                body_html: h.body_html.clone(),
                body_lang: other(h.body_lang),
            })
        })
        .collect();
    let total = results.total;
    render(&SearchPage {
        page: page.titled("search-title"),
        q,
        kind,
        total,
        hits,
        kinds: links,
        pager: pager.with_total(total as i64),
    })
}
