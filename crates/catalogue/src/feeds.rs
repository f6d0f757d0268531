//! Atom feeds (newest datasets, per organization, one dataset's history) and `sitemap.xml`.
//! Like every public output, they hold public datasets only.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use platform::{Error, Lang, Platform, Result};

use crate::pages::label;
use crate::standards::{FeedEntry, atom, xml_escape};
use crate::store;

pub fn routes() -> Router {
    Router::new()
        .route("/feeds/dataset.atom", get(newest))
        .route("/feeds/organization/{file}", get(organization))
        .route("/feeds/dataset/{file}", get(dataset_history))
        .route("/sitemap.xml", get(sitemap))
}

fn xml(body: String, media_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    res
}

async fn entries(platform: &Platform, organization: Option<uuid::Uuid>) -> Result<Vec<FeedEntry>> {
    let base = platform.settings.base_url();
    let rows = store::recent_public(&platform.db, organization, 50).await?;
    Ok(store::load(&platform.db, rows)
        .await?
        .iter()
        .map(|d| FeedEntry {
            id: format!("{base}/dataset/{}", d.row.id),
            title: d.row.title().get(Lang::En).to_string(),
            link: format!("{base}/en/dataset/{}", d.row.name),
            updated: d.row.metadata_modified,
            summary: format!(
                "{} — {}",
                d.organization.title_en,
                label(Lang::En, "access-level", d.row.access_level.as_str())
            ),
        })
        .collect())
}

async fn newest(platform: Platform) -> Result<Response> {
    let base = platform.settings.base_url();
    let list = entries(&platform, None).await?;
    let title = format!("{} — datasets", platform.settings.site.name_en);
    Ok(xml(
        atom(
            &format!("{base}/feeds/dataset.atom"),
            &title,
            &format!("{base}/feeds/dataset.atom"),
            &format!("{base}/en/dataset"),
            &list,
        ),
        "application/atom+xml",
    ))
}

async fn organization(platform: Platform, Path(file): Path<String>) -> Result<Response> {
    let slug = file.strip_suffix(".atom").ok_or(Error::NotFound)?;
    let org = platform::orgs::find_by_slug(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)?;
    let base = platform.settings.base_url();
    let list = entries(&platform, Some(org.id)).await?;
    let link = format!("{base}/feeds/organization/{slug}.atom");
    Ok(xml(
        atom(
            &link,
            &org.title_en,
            &link,
            &format!("{base}/en/organization/{slug}"),
            &list,
        ),
        "application/atom+xml",
    ))
}

async fn dataset_history(platform: Platform, Path(file): Path<String>) -> Result<Response> {
    let name = file.strip_suffix(".atom").ok_or(Error::NotFound)?;
    let d = store::get(&platform.db, name)
        .await?
        .filter(|d| d.row.is_public())
        .ok_or(Error::NotFound)?;
    let base = platform.settings.base_url();
    let history = store::access_history(&platform.db, d.row.id).await?;
    let page = format!("{base}/en/dataset/{}", d.row.name);
    let list: Vec<FeedEntry> = history
        .iter()
        .rev()
        .map(|h| FeedEntry {
            id: format!("{base}/dataset/{}/access/{}", d.row.id, h.id),
            title: format!(
                "Access: {}",
                label(Lang::En, "access-level", h.access_level.as_str())
            ),
            link: page.clone(),
            updated: h.at,
            summary: format!(
                "Exemption: {}",
                label(Lang::En, "exemption", h.exemption.as_str())
            ),
        })
        .collect();
    let link = format!("{base}/feeds/dataset/{}.atom", d.row.name);
    Ok(xml(
        atom(&link, d.row.title().get(Lang::En), &link, &page, &list),
        "application/atom+xml",
    ))
}

async fn sitemap(platform: Platform) -> Result<Response> {
    let base = platform.settings.base_url();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut url = |path: &str, modified: Option<time::Date>| {
        for lang in Lang::ALL {
            out.push_str(&format!(
                "<url><loc>{}</loc>",
                xml_escape(&format!("{base}/{}{path}", lang.code()))
            ));
            if let Some(m) = modified {
                out.push_str(&format!("<lastmod>{m}</lastmod>"));
            }
            for alt in Lang::ALL {
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    alt.code(),
                    xml_escape(&format!("{base}/{}{path}", alt.code()))
                ));
            }
            out.push_str("</url>\n");
        }
    };
    url("/", None);
    url("/dataset", None);
    url("/organization", None);
    let mut after = None;
    loop {
        let rows = store::rows_after(&platform.db, after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        for r in rows.iter().filter(|r| r.is_public()) {
            url(
                &format!("/dataset/{}", r.name),
                Some(r.metadata_modified.date()),
            );
        }
    }
    out.push_str("</urlset>\n");
    Ok(xml(out, "application/xml"))
}
