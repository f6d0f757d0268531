//! Atom feeds of progress updates: one per commitment or project, and one for the whole tracker.
//! Each feed speaks the language of its URL.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use platform::{Lang, Page, Platform, Result};

use crate::model::Kind;
use crate::pages::{Show, change, status_change};
use crate::store::{self, FeedEntry};

const LIMIT: i64 = 50;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The title of one entry: "Commitment: Adopt the Charter — milestone 2: not started → complete".
fn entry_title(lang: Lang, e: &FeedEntry) -> String {
    let mut title = String::new();
    if e.update.sample {
        title.push_str(&lang.t("tracker-sample"));
        title.push_str(" – ");
    }
    title.push_str(e.item_title.get(lang));
    if let Some(n) = e.milestone_position {
        title.push_str(" – ");
        title.push_str(&lang.t_args("tracker-milestone-n", &[("n", n.to_string())]));
        if let Some(c) = change(lang, &e.update) {
            title.push_str(&lang.t("tracker-colon"));
            title.push(' ');
            title.push_str(&c);
        }
    } else if let Some(c) = status_change(lang, &e.update) {
        title.push_str(" – ");
        title.push_str(&lang.t("tracker-update-status-changed"));
        title.push_str(&lang.t("tracker-colon"));
        title.push(' ');
        title.push_str(&c);
    }
    title
}

fn atom(
    platform: &Platform,
    page: &Page,
    title: &str,
    self_path: &str,
    alternate: &str,
    entries: &[FeedEntry],
) -> Response {
    let base = platform.settings.base_url();
    let lang = page.lang;
    let updated = entries
        .first()
        .map(|e| e.update.posted_at)
        .unwrap_or_else(|| time::OffsetDateTime::UNIX_EPOCH);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<id>{base}{}</id>\n<updated>{}</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{base}{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{base}{}\"/>\n<author><name>{}</name></author>\n",
        lang.code(),
        escape(title),
        escape(self_path),
        rfc3339(updated),
        escape(self_path),
        escape(alternate),
        escape(&page.site_name),
    ));
    for e in entries {
        let link = format!(
            "{base}{}#update-{}",
            page.url(&format!(
                "/tracker/{}/{}",
                e.item_kind.segment(),
                e.item_slug
            )),
            e.update.id
        );
        let mut html = String::new();
        if let Some(n) = e.milestone_position {
            html.push_str("<p><strong>");
            html.push_str(&escape(
                &lang.t_args("tracker-milestone-n", &[("n", n.to_string())]),
            ));
            html.push_str(&escape(&lang.t("tracker-colon")));
            html.push_str("</strong> ");
            html.push_str(&escape(e.milestone_activity.get(lang)));
            if let Some(c) = change(lang, &e.update) {
                html.push_str(" (");
                html.push_str(&escape(&c));
                html.push(')');
            }
            html.push_str("</p>");
        }
        if let Some(c) = status_change(lang, &e.update) {
            html.push_str("<p><strong>");
            html.push_str(&escape(&lang.t("tracker-update-status-changed")));
            html.push_str(&escape(&lang.t("tracker-colon")));
            html.push_str("</strong> ");
            html.push_str(&escape(&c));
            html.push_str("</p>");
        }
        html.push_str(&e.update.body.md(lang));
        let author = if e.update.author.is_empty() {
            page.site_name.clone()
        } else {
            e.update.author.clone()
        };
        xml.push_str(&format!(
            "<entry>\n<id>urn:uuid:{}</id>\n<title>{}</title>\n<updated>{}</updated>\n<published>{}</published>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<author><name>{}</name></author>\n<content type=\"html\">{}</content>\n</entry>\n",
            e.update.id,
            escape(&entry_title(lang, e)),
            rfc3339(e.update.posted_at),
            rfc3339(e.update.posted_at),
            escape(&link),
            escape(&author),
            escape(&html),
        ));
    }
    xml.push_str("</feed>\n");
    let mut res = xml.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    res
}

/// Every progress update of the tracker, newest first.
pub async fn site(platform: Platform, page: Page) -> Result<Response> {
    let entries = store::recent_updates(&platform.db, None, LIMIT).await?;
    let title = format!("{} – {}", page.t("tracker-feed-site"), page.site_name);
    Ok(atom(
        &platform,
        &page,
        &title,
        &page.url("/tracker/feed.atom"),
        &page.url("/tracker"),
        &entries,
    ))
}

/// The progress updates of one commitment or project.
pub async fn item(
    platform: Platform,
    page: Page,
    Path((kind, slug)): Path<(String, String)>,
) -> Result<Response> {
    let kind = Kind::from_segment(&kind).ok_or(platform::Error::NotFound)?;
    let item = store::item_by_slug(&platform.db, &slug)
        .await?
        .filter(|i| i.kind == kind)
        .ok_or(platform::Error::NotFound)?;
    let entries = store::recent_updates(&platform.db, Some(item.id), LIMIT).await?;
    let title = format!(
        "{} – {}",
        item.label().get(page.lang),
        page.t("tracker-section-updates")
    );
    let path = page.url(&item.path());
    Ok(atom(
        &platform,
        &page,
        &title,
        &format!("{path}/feed.atom"),
        &path,
        &entries,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
