//! Open data: ideas with their answers, comments, vote tallies (never voters) and the directory,
//! as the JSON the API returns and as CSV downloads.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use platform::{Error, Platform, Result};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::consultations::{self, Filter};
use crate::ideas::{self, IdeaFilter};
use crate::model::{Comment, Consultation, Idea, ProcessFull};
use crate::votes;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IdeaOut {
    pub id: Uuid,
    pub process: String,
    /// The theme's slug.
    pub theme: String,
    pub state: String,
    pub title: String,
    pub body: String,
    /// The language the author wrote in.
    pub lang: String,
    /// 1 for the author's text; more when staff rewrote it in plain language.
    pub version: i64,
    /// The author's original, when the idea was rewritten.
    pub original_title: Option<String>,
    pub original_body: Option<String>,
    pub merged_into: Option<Uuid>,
    pub answer_en: String,
    pub answer_fr: String,
    #[serde(with = "crate::serde_time::timestamp::option")]
    pub answered_at: Option<OffsetDateTime>,
    /// The name the author shows publicly; empty when anonymous.
    pub author_name: String,
    pub comments: i64,
    /// Votes, once the results are published.
    pub votes: Option<i64>,
    pub sample: bool,
    #[serde(with = "crate::serde_time::timestamp")]
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CommentOut {
    pub id: Uuid,
    pub idea_id: Uuid,
    pub body: String,
    pub lang: String,
    pub author_name: String,
    pub sample: bool,
    #[serde(with = "crate::serde_time::timestamp")]
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TallyOut {
    /// The theme's slug; empty for an approval vote.
    pub theme: String,
    pub rank: i64,
    pub idea_id: Uuid,
    pub title: String,
    pub votes: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConsultationOut {
    pub id: Uuid,
    pub slug: String,
    pub organization: String,
    pub organization_title_en: String,
    pub organization_title_fr: String,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    /// share, consult, deliberate or collaborate.
    pub level: String,
    /// upcoming, open, closed or results.
    pub status: String,
    #[serde(with = "crate::serde_time::date::option")]
    pub opens_on: Option<Date>,
    #[serde(with = "crate::serde_time::date::option")]
    pub closes_on: Option<Date>,
    pub ongoing: bool,
    pub topics: Vec<String>,
    pub we_asked_en: String,
    pub we_asked_fr: String,
    pub you_said_en: String,
    pub you_said_fr: String,
    pub we_did_en: String,
    pub we_did_fr: String,
    pub results_url: String,
    #[serde(with = "crate::serde_time::date::option")]
    pub results_published_on: Option<Date>,
    pub source: String,
    pub external_id: Option<String>,
    pub sample: bool,
}

pub fn idea_out(
    p: &ProcessFull,
    i: &Idea,
    original: Option<(String, String)>,
    votes: Option<i64>,
) -> IdeaOut {
    IdeaOut {
        id: i.id,
        process: p.process.slug.clone(),
        theme: p
            .theme(i.theme_id)
            .map(|t| t.slug.clone())
            .unwrap_or_default(),
        state: i.state.clone(),
        title: i.title.clone(),
        body: i.body.clone(),
        lang: i.lang.clone(),
        version: i.version,
        original_title: original.as_ref().map(|o| o.0.clone()),
        original_body: original.map(|o| o.1),
        merged_into: i.merged_into,
        answer_en: i.answer_en.clone(),
        answer_fr: i.answer_fr.clone(),
        answered_at: i.answered_at,
        author_name: i.author_name.clone().unwrap_or_default(),
        comments: i.comments,
        votes,
        sample: i.sample,
        created_at: i.created_at,
    }
}

/// Every visible idea of a process, oldest first.
pub async fn ideas_of(platform: &Platform, p: &ProcessFull) -> Result<Vec<IdeaOut>> {
    let (mut list, _) =
        ideas::list(&platform.db, p, &IdeaFilter::default(), false, 100_000, 0).await?;
    list.reverse();
    let tallies = if p.results_visible() {
        Some(votes::tallies(&platform.db, p.process.id).await?)
    } else {
        None
    };
    let mut out = Vec::with_capacity(list.len());
    for i in &list {
        let original = original_of(platform, i).await?;
        let votes = tallies.as_deref().map(|t| votes_in(t, i.id));
        out.push(idea_out(p, i, original, votes));
    }
    Ok(out)
}

/// The title and body an idea was submitted with, when staff rewrote it since.
pub async fn original_of(platform: &Platform, idea: &Idea) -> Result<Option<(String, String)>> {
    if !idea.rewritten() {
        return Ok(None);
    }
    Ok(ideas::versions(&platform.db, idea.id)
        .await?
        .into_iter()
        .next()
        .map(|v| (v.title, v.body)))
}

/// An idea's votes in its process's tallies (`votes::tallies`).
pub fn votes_in(tallies: &[(Uuid, i64)], idea: Uuid) -> i64 {
    tallies
        .iter()
        .find(|(id, _)| *id == idea)
        .map(|(_, n)| *n)
        .unwrap_or(0)
}

pub async fn comments_of(platform: &Platform, p: &ProcessFull) -> Result<Vec<CommentOut>> {
    Ok(ideas::process_comments(&platform.db, p.process.id)
        .await?
        .into_iter()
        .map(comment_out)
        .collect())
}

/// A comment as downloads and the API show it.
pub fn comment_out(c: Comment) -> CommentOut {
    CommentOut {
        id: c.id,
        idea_id: c.idea_id,
        body: c.body,
        lang: c.lang,
        author_name: c.author_name.unwrap_or_default(),
        sample: c.sample,
        created_at: c.created_at,
    }
}

/// Ranked tallies, only once the process shows its results.
pub async fn tallies_of(platform: &Platform, p: &ProcessFull) -> Result<Vec<TallyOut>> {
    if !p.results_visible() {
        return Err(Error::forbidden("dialogue-tallies-hidden"));
    }
    let groups = votes::ranked(&platform.db, p).await?;
    Ok(groups
        .into_iter()
        .flat_map(|g| {
            let theme = g.theme.map(|t| t.slug).unwrap_or_default();
            g.rows.into_iter().map(move |r| TallyOut {
                theme: theme.clone(),
                rank: r.rank,
                idea_id: r.idea.id,
                title: r.idea.title,
                votes: r.votes,
            })
        })
        .collect())
}

pub async fn consultation_out(platform: &Platform, c: Consultation) -> Result<ConsultationOut> {
    let topics = consultations::topics_of(&platform.db, c.id)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    Ok(ConsultationOut {
        status: c.status().as_str().to_string(),
        id: c.id,
        slug: c.slug,
        organization: c.org_slug,
        organization_title_en: c.org_title_en,
        organization_title_fr: c.org_title_fr,
        title_en: c.title_en,
        title_fr: c.title_fr,
        summary_en: c.summary_en,
        summary_fr: c.summary_fr,
        level: c.level,
        opens_on: c.opens_on,
        closes_on: c.closes_on,
        ongoing: c.ongoing,
        topics,
        we_asked_en: c.we_asked_en,
        we_asked_fr: c.we_asked_fr,
        you_said_en: c.you_said_en,
        you_said_fr: c.you_said_fr,
        we_did_en: c.we_did_en,
        we_did_fr: c.we_did_fr,
        results_url: c.results_url,
        results_published_on: c.results_published_on,
        source: c.source,
        external_id: c.external_id,
        sample: c.sample,
    })
}

pub async fn directory(platform: &Platform, f: &Filter) -> Result<Vec<ConsultationOut>> {
    let (list, _) = consultations::list(&platform.db, f, 100_000, 0).await?;
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        out.push(consultation_out(platform, c).await?);
    }
    Ok(out)
}

// ---- CSV ----

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn ts(t: &OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn write_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(Error::internal)?;
    for row in rows {
        w.write_record(&row).map_err(Error::internal)?;
    }
    w.into_inner()
        .map_err(|e| Error::internal(anyhow::anyhow!("{e}")))
}

pub fn ideas_csv(rows: &[IdeaOut]) -> Result<Vec<u8>> {
    write_csv(
        &[
            "id",
            "process",
            "theme",
            "state",
            "title",
            "body",
            "lang",
            "version",
            "original_title",
            "original_body",
            "merged_into",
            "answer_en",
            "answer_fr",
            "answered_at",
            "author_name",
            "comments",
            "votes",
            "sample",
            "created_at",
        ],
        rows.iter().map(|i| {
            vec![
                i.id.to_string(),
                i.process.clone(),
                i.theme.clone(),
                i.state.clone(),
                i.title.clone(),
                i.body.clone(),
                i.lang.clone(),
                i.version.to_string(),
                opt(&i.original_title),
                opt(&i.original_body),
                opt(&i.merged_into),
                i.answer_en.clone(),
                i.answer_fr.clone(),
                i.answered_at.as_ref().map(ts).unwrap_or_default(),
                i.author_name.clone(),
                i.comments.to_string(),
                opt(&i.votes),
                i.sample.to_string(),
                ts(&i.created_at),
            ]
        }),
    )
}

pub fn comments_csv(rows: &[CommentOut]) -> Result<Vec<u8>> {
    write_csv(
        &[
            "id",
            "idea_id",
            "body",
            "lang",
            "author_name",
            "sample",
            "created_at",
        ],
        rows.iter().map(|c| {
            vec![
                c.id.to_string(),
                c.idea_id.to_string(),
                c.body.clone(),
                c.lang.clone(),
                c.author_name.clone(),
                c.sample.to_string(),
                ts(&c.created_at),
            ]
        }),
    )
}

pub fn tallies_csv(rows: &[TallyOut]) -> Result<Vec<u8>> {
    write_csv(
        &["theme", "rank", "idea_id", "title", "votes"],
        rows.iter().map(|t| {
            vec![
                t.theme.clone(),
                t.rank.to_string(),
                t.idea_id.to_string(),
                t.title.clone(),
                t.votes.to_string(),
            ]
        }),
    )
}

pub fn directory_csv(rows: &[ConsultationOut]) -> Result<Vec<u8>> {
    write_csv(
        &[
            "id",
            "slug",
            "organization",
            "title_en",
            "title_fr",
            "level",
            "status",
            "opens_on",
            "closes_on",
            "ongoing",
            "topics",
            "we_asked_en",
            "we_asked_fr",
            "you_said_en",
            "you_said_fr",
            "we_did_en",
            "we_did_fr",
            "results_url",
            "results_published_on",
            "source",
            "external_id",
            "sample",
        ],
        rows.iter().map(|c| {
            vec![
                c.id.to_string(),
                c.slug.clone(),
                c.organization.clone(),
                c.title_en.clone(),
                c.title_fr.clone(),
                c.level.clone(),
                c.status.clone(),
                opt(&c.opens_on),
                opt(&c.closes_on),
                c.ongoing.to_string(),
                c.topics.join(";"),
                c.we_asked_en.clone(),
                c.we_asked_fr.clone(),
                c.you_said_en.clone(),
                c.you_said_fr.clone(),
                c.we_did_en.clone(),
                c.we_did_fr.clone(),
                c.results_url.clone(),
                opt(&c.results_published_on),
                c.source.clone(),
                opt(&c.external_id),
                c.sample.to_string(),
            ]
        }),
    )
}

/// A download: CSV with a file name.
pub fn csv_response(name: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
