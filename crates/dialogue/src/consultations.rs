//! The consultations directory: entries with organization, topics, engagement level, dates, ways
//! to take part and results. Status is never stored: it follows from the dates and the results.

use platform::db::{Actor, Audited, BindBilingual, Conn, OnViolation, Tx, now};
use platform::{Error, FieldError, Result, exec, on, sql};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;

use crate::model::{Consultation, Level, STATUS_SQL, Status, Topic, Way, WayKind, today};
use crate::text;

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewWay {
    pub kind: Option<WayKind>,
    #[serde(default)]
    pub label_en: String,
    #[serde(default)]
    pub label_fr: String,
    /// The survey or outside page (http or https).
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub place_en: String,
    #[serde(default)]
    pub place_fr: String,
    #[serde(default, with = "crate::serde_time::date::option")]
    pub event_on: Option<Date>,
    /// For events: the time as people read it, e.g. "18:00–20:00".
    #[serde(default)]
    pub time_label: String,
}

/// What was asked, what people said and what the government did about it.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Results {
    #[serde(default)]
    pub we_asked_en: String,
    #[serde(default)]
    pub we_asked_fr: String,
    #[serde(default)]
    pub you_said_en: String,
    #[serde(default)]
    pub you_said_fr: String,
    #[serde(default)]
    pub we_did_en: String,
    #[serde(default)]
    pub we_did_fr: String,
    #[serde(default)]
    pub results_url: String,
    #[serde(with = "crate::serde_time::date")]
    pub published_on: Date,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewConsultation {
    pub slug: String,
    pub organization_id: Uuid,
    pub title_en: String,
    #[serde(default)]
    pub title_fr: String,
    #[serde(default)]
    pub summary_en: String,
    #[serde(default)]
    pub summary_fr: String,
    pub level: Option<Level>,
    #[serde(default, with = "crate::serde_time::date::option")]
    pub opens_on: Option<Date>,
    #[serde(default, with = "crate::serde_time::date::option")]
    pub closes_on: Option<Date>,
    /// Open with no closing date.
    #[serde(default)]
    pub ongoing: bool,
    /// The process where people submit ideas, for a way of kind `ideas`.
    pub process_id: Option<Uuid>,
    /// Topic slugs; each must exist.
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub ways: Vec<NewWay>,
    pub results: Option<Results>,
    /// Where an imported entry comes from, with its id there: importing again updates nothing twice.
    #[serde(default)]
    pub source: String,
    pub external_id: Option<String>,
    #[serde(default)]
    pub sample: bool,
    /// Saved as a draft: only its organization's staff see it until it is published.
    #[serde(default)]
    pub draft: bool,
}

/// What is wrong with `new`, each named by its field; empty when it can be saved.
pub fn check(new: &NewConsultation) -> Vec<FieldError> {
    validate(new)
}

fn validate(new: &NewConsultation) -> Vec<FieldError> {
    let mut e = Vec::new();
    if !platform::orgs::valid_slug(&new.slug) {
        e.push(FieldError::new("slug", "error-slug-invalid"));
    }
    if new.title_en.trim().is_empty() && new.title_fr.trim().is_empty() {
        e.push(FieldError::new("title_en", "error-required"));
    }
    for (field, value, max) in [
        ("title_en", &new.title_en, 300),
        ("title_fr", &new.title_fr, 300),
        ("summary_en", &new.summary_en, 10_000),
        ("summary_fr", &new.summary_fr, 10_000),
    ] {
        text::check(&mut e, field, value, max, false);
    }
    if new.level.is_none() {
        e.push(FieldError::new("level", "error-not-in-list"));
    }
    if let (Some(o), Some(c)) = (new.opens_on, new.closes_on)
        && c < o
    {
        e.push(FieldError::new("closes_on", "dialogue-error-dates"));
    }
    if !new.ongoing && new.closes_on.is_none() {
        e.push(FieldError::new(
            "closes_on",
            "dialogue-error-closes-or-ongoing",
        ));
    }
    for (i, w) in new.ways.iter().enumerate() {
        match w.kind {
            None => e.push(FieldError::new(
                format!("ways[{i}].kind"),
                "error-not-in-list",
            )),
            Some(WayKind::Survey | WayKind::Link) => {
                text::check_url(&mut e, &format!("ways[{i}].url"), &w.url, true);
            }
            Some(WayKind::Event) => {
                if w.place_en.trim().is_empty() && w.place_fr.trim().is_empty() {
                    e.push(FieldError::new(
                        format!("ways[{i}].place_en"),
                        "error-required",
                    ));
                }
                if w.event_on.is_none() {
                    e.push(FieldError::new(
                        format!("ways[{i}].event_on"),
                        "error-required",
                    ));
                }
                text::check_url(&mut e, &format!("ways[{i}].url"), &w.url, false);
            }
            Some(WayKind::Ideas) => {
                if new.process_id.is_none() {
                    e.push(FieldError::new("process_id", "error-required"));
                }
            }
        }
    }
    if let Some(r) = &new.results {
        validate_results(r, &mut e);
    }
    e
}

fn validate_results(r: &Results, e: &mut Vec<FieldError>) {
    for (field, value) in [
        ("we_asked_en", &r.we_asked_en),
        ("we_asked_fr", &r.we_asked_fr),
        ("you_said_en", &r.you_said_en),
        ("you_said_fr", &r.you_said_fr),
        ("we_did_en", &r.we_did_en),
        ("we_did_fr", &r.we_did_fr),
    ] {
        text::check(e, field, value, 10_000, false);
    }
    if r.we_did_en.trim().is_empty() && r.we_did_fr.trim().is_empty() {
        e.push(FieldError::new("we_did_en", "error-required"));
    }
    text::check_url(e, "results_url", &r.results_url, false);
}

fn search_text(new: &NewConsultation) -> String {
    text::fold(&format!(
        "{} {} {} {}",
        new.title_en, new.title_fr, new.summary_en, new.summary_fr
    ))
}

/// How the audit log names a consultation and its actions (`consultation.create`, …).
pub(crate) const CONSULTATION: Audited = Audited::new("consultation", "dialogue_consultation");

/// Adds a topic, or leaves an existing one as it is.
pub async fn ensure_topic(tx: &mut Tx, slug: &str, label_en: &str, label_fr: &str) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_topics (slug, label_en, label_fr) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING"
    )
    .bind(slug)
    .bind_bilingual((label_en, label_fr))
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

pub async fn create(tx: &mut Tx, actor: &Actor, new: &NewConsultation) -> Result<Uuid> {
    let errors = validate(new);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = Uuid::now_v7();
    let at = now();
    let results = new.results.clone().unwrap_or(Results {
        we_asked_en: String::new(),
        we_asked_fr: String::new(),
        you_said_en: String::new(),
        you_said_fr: String::new(),
        we_did_en: String::new(),
        we_did_fr: String::new(),
        results_url: String::new(),
        published_on: today(),
    });
    let published = new.results.as_ref().map(|r| r.published_on);
    let level = new.level.unwrap_or(Level::Consult);
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO dialogue_consultations (id, slug, organization_id, title_en, title_fr, summary_en, summary_fr, level, \
             opens_on, closes_on, ongoing, process_id, we_asked_en, we_asked_fr, you_said_en, you_said_fr, we_did_en, we_did_fr, \
             results_url, results_published_on, search_text, source, external_id, sample, created_at, updated_at, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25, $26)",
        )
        .bind(id)
        .bind(&new.slug)
        .bind(new.organization_id)
        .bind_bilingual((new.title_en.trim(), new.title_fr.trim()))
        .bind_bilingual((new.summary_en.trim(), new.summary_fr.trim()))
        .bind(level.as_str())
        .bind(new.opens_on)
        .bind(new.closes_on)
        .bind(new.ongoing)
        .bind(new.process_id)
        .bind_bilingual((results.we_asked_en.trim(), results.we_asked_fr.trim()))
        .bind_bilingual((results.you_said_en.trim(), results.you_said_fr.trim()))
        .bind_bilingual((results.we_did_en.trim(), results.we_did_fr.trim()))
        .bind(results.results_url.trim())
        .bind(published)
        .bind(search_text(new))
        .bind(&new.source)
        .bind(&new.external_id)
        .bind(new.sample)
        .bind(at)
        .bind((!new.draft).then_some(at))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    // Two unique keys: the slug, and the source with its external id.
    .on_unique(|key| {
        if key.contains("slug") {
            Error::field("slug", "error-slug-taken")
        } else {
            Error::field("external_id", "error-slug-taken")
        }
    })
    .on_foreign_key(|_| Error::field("organization_id", "dialogue-error-no-organization"))?;
    write_children(tx, id, new).await?;
    tx.audit_created(actor, CONSULTATION, id, new).await?;
    tx.changed("consultation", &id.to_string()).await?;
    Ok(id)
}

/// The entry's topics and ways to take part, as `new` gives them (after the old ones are gone).
async fn write_children(tx: &mut Tx, id: Uuid, new: &NewConsultation) -> Result<()> {
    for topic in &new.topics {
        exec!(tx, |c| {
            sqlx::query(
            "INSERT INTO dialogue_consultation_topics (consultation_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        )
        .bind(id)
        .bind(topic)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })
        .on_foreign_key(|_| Error::field("topics", "error-not-in-list"))?;
    }
    for (i, w) in new.ways.iter().enumerate() {
        exec!(tx, |c| {
            sqlx::query(
            "INSERT INTO dialogue_consultation_ways (id, consultation_id, position, kind, label_en, label_fr, url, place_en, place_fr, event_on, time_label) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        )
        .bind(Uuid::now_v7())
        .bind(id)
        .bind(i as i64)
        .bind(w.kind.unwrap_or(WayKind::Link).as_str())
        .bind_bilingual((w.label_en.trim(), w.label_fr.trim()))
        .bind(w.url.trim())
        .bind_bilingual((w.place_en.trim(), w.place_fr.trim()))
        .bind(w.event_on)
        .bind(w.time_label.trim())
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
    }
    Ok(())
}

/// Publishes (or corrects) the results of a consultation: its status becomes "results published".
pub async fn publish_results(
    tx: &mut Tx,
    actor: &Actor,
    before: &Consultation,
    results: &Results,
) -> Result<()> {
    let mut e = Vec::new();
    validate_results(results, &mut e);
    if !e.is_empty() {
        return Err(Error::Validation(e));
    }
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE dialogue_consultations SET we_asked_en = $1, we_asked_fr = $2, you_said_en = $3, you_said_fr = $4, we_did_en = $5, \
         we_did_fr = $6, results_url = $7, results_published_on = $8, updated_at = $9 WHERE id = $10"
    )
    .bind_bilingual((results.we_asked_en.trim(), results.we_asked_fr.trim()))
    .bind_bilingual((results.you_said_en.trim(), results.you_said_fr.trim()))
    .bind_bilingual((results.we_did_en.trim(), results.we_did_fr.trim()))
    .bind(results.results_url.trim())
    .bind(results.published_on)
    .bind(now())
    .bind(before.id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        actor,
        CONSULTATION,
        "results",
        before.id,
        Some(before),
        Some(results),
    )
    .await?;
    if before.results_published_on.is_none() && !before.is_draft() {
        crate::notify::queue_results(tx, before.id, actor.user_id).await?;
    }
    tx.changed("consultation", &before.id.to_string()).await
}

/// Changes an entry's description, dates, topics and ways to take part (not its results, which
/// [`publish_results`] sets, nor whether it is published).
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    before: &Consultation,
    new: &NewConsultation,
) -> Result<()> {
    let errors = validate(new);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    exec!(tx, |c| {
        sqlx::query(
            "UPDATE dialogue_consultations SET slug = $1, organization_id = $2, title_en = $3, title_fr = $4, summary_en = $5, \
             summary_fr = $6, level = $7, opens_on = $8, closes_on = $9, ongoing = $10, process_id = $11, search_text = $12, \
             updated_at = $13 WHERE id = $14",
        )
        .bind(&new.slug)
        .bind(new.organization_id)
        .bind_bilingual((new.title_en.trim(), new.title_fr.trim()))
        .bind_bilingual((new.summary_en.trim(), new.summary_fr.trim()))
        .bind(new.level.unwrap_or(Level::Consult).as_str())
        .bind(new.opens_on)
        .bind(new.closes_on)
        .bind(new.ongoing)
        .bind(new.process_id)
        .bind(search_text(new))
        .bind(now())
        .bind(before.id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("slug", "error-slug-taken"))
    .on_foreign_key(|_| Error::field("organization_id", "dialogue-error-no-organization"))?;
    for table in [
        "DELETE FROM dialogue_consultation_topics WHERE consultation_id = $1",
        "DELETE FROM dialogue_consultation_ways WHERE consultation_id = $1",
    ] {
        exec!(tx, |c| sqlx::query(table)
            .bind(before.id)
            .execute(&mut *c)
            .await?
            .rows_affected());
    }
    write_children(tx, before.id, new).await?;
    tx.audit_updated(actor, CONSULTATION, before.id, before, new)
        .await?;
    tx.changed("consultation", &before.id.to_string()).await
}

/// Removes an entry with its topics, ways, subscribers and attachments' records; the caller
/// removes the attachments' files after the commit.
pub async fn delete(tx: &mut Tx, actor: &Actor, before: &Consultation) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "DELETE FROM dialogue_consultations WHERE id = $1"
    )
    .bind(before.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_deleted(actor, CONSULTATION, before.id, before)
        .await?;
    tx.changed("consultation", &before.id.to_string()).await
}

/// Makes a draft public; publishing what is already public changes nothing.
pub async fn publish(tx: &mut Tx, actor: &Actor, before: &Consultation) -> Result<()> {
    let at = now();
    let n = exec!(tx, |c| {
        sqlx::query(
        "UPDATE dialogue_consultations SET published_at = $1, updated_at = $1 WHERE id = $2 AND published_at IS NULL"
    )
    .bind(at)
    .bind(before.id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    if n == 0 {
        return Ok(());
    }
    tx.audit_as(
        actor,
        CONSULTATION,
        "publish",
        before.id,
        Some(before),
        Some(&serde_json::json!({ "published_at": at })),
    )
    .await?;
    tx.changed("consultation", &before.id.to_string()).await
}

/// The dates an entry takes when it is closed or reopened.
#[derive(Clone, Debug, Serialize)]
pub struct Dates {
    #[serde(with = "crate::serde_time::date::option")]
    pub opens_on: Option<Date>,
    #[serde(with = "crate::serde_time::date::option")]
    pub closes_on: Option<Date>,
    pub ongoing: bool,
}

/// Closes an entry now: it closed yesterday, the last whole day it was open (status follows from
/// the dates, so closing is a change of dates). One that had not opened opens and closes then.
pub async fn close(tx: &mut Tx, actor: &Actor, before: &Consultation) -> Result<()> {
    if before.status() == Status::Closed {
        return Err(Error::field(
            "status",
            "dialogue-entry-error-already-closed",
        ));
    }
    let closes_on = today() - Duration::days(1);
    let dates = Dates {
        opens_on: before.opens_on.map(|o| o.min(closes_on)),
        closes_on: Some(closes_on),
        ongoing: false,
    };
    set_dates(tx, actor, before, "close", &dates).await
}

/// Opens a closed entry again until `closes_on`, or with no end when `ongoing`.
pub async fn reopen(
    tx: &mut Tx,
    actor: &Actor,
    before: &Consultation,
    closes_on: Option<Date>,
    ongoing: bool,
) -> Result<()> {
    if !ongoing {
        match closes_on {
            None => {
                return Err(Error::field(
                    "closes_on",
                    "dialogue-error-closes-or-ongoing",
                ));
            }
            Some(c) if c < today() => {
                return Err(Error::field(
                    "closes_on",
                    "dialogue-entry-error-reopen-past",
                ));
            }
            Some(_) => {}
        }
    }
    let dates = Dates {
        opens_on: before.opens_on.map(|o| o.min(today())),
        closes_on: if ongoing { None } else { closes_on },
        ongoing,
    };
    set_dates(tx, actor, before, "reopen", &dates).await
}

async fn set_dates(
    tx: &mut Tx,
    actor: &Actor,
    before: &Consultation,
    verb: &str,
    dates: &Dates,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE dialogue_consultations SET opens_on = $1, closes_on = $2, ongoing = $3, updated_at = $4 WHERE id = $5"
    )
    .bind(dates.opens_on)
    .bind(dates.closes_on)
    .bind(dates.ongoing)
    .bind(now())
    .bind(before.id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        actor,
        CONSULTATION,
        verb,
        before.id,
        Some(before),
        Some(dates),
    )
    .await?;
    tx.changed("consultation", &before.id.to_string()).await
}

/// Someone asks to hear when the entry's results are published.
pub async fn subscribe(tx: &mut Tx, consultation: Uuid, user: Uuid) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_consultation_subscribers (consultation_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    )
    .bind(consultation)
    .bind(user)
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

pub async fn unsubscribe(tx: &mut Tx, consultation: Uuid, user: Uuid) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "DELETE FROM dialogue_consultation_subscribers WHERE consultation_id = $1 AND user_id = $2"
    )
    .bind(consultation)
    .bind(user)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn is_subscribed(
    conn: impl Into<Conn<'_>>,
    consultation: Uuid,
    user: Uuid,
) -> Result<bool> {
    let n: i64 = on!(conn, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM dialogue_consultation_subscribers WHERE consultation_id = $1 AND user_id = $2"
    )
    .bind(consultation)
    .bind(user)
    .fetch_one(&mut *c)
    .await?
    });
    Ok(n > 0)
}

pub async fn subscribers(conn: impl Into<Conn<'_>>, consultation: Uuid) -> Result<Vec<Uuid>> {
    Ok(on!(conn, |c| {
        sqlx::query_scalar(
        "SELECT user_id FROM dialogue_consultation_subscribers WHERE consultation_id = $1 ORDER BY user_id"
    )
    .bind(consultation)
    .fetch_all(&mut *c)
    .await?
    }))
}

const SELECT: &str = "SELECT c.id, c.slug, c.organization_id, c.title_en, c.title_fr, c.summary_en, c.summary_fr, c.level, c.opens_on, \
     c.closes_on, c.ongoing, c.process_id, c.we_asked_en, c.we_asked_fr, c.you_said_en, c.you_said_fr, c.we_did_en, c.we_did_fr, \
     c.results_url, c.results_published_on, c.source, c.external_id, c.sample, c.created_at, c.updated_at, c.search_text, c.published_at, \
     o.slug AS org_slug, o.title_en AS org_title_en, o.title_fr AS org_title_fr";

/// Every entry with its status; `$1` is today.
const SELECT_WITH_STATUS: &str = sql!(
    SELECT,
    ", ",
    STATUS_SQL,
    " AS status FROM dialogue_consultations c JOIN organizations o ON o.id = c.organization_id"
);

pub async fn find(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<Consultation>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Consultation>(sql!(
        SELECT_WITH_STATUS,
        " WHERE c.slug = $2"
    ))
    .bind(today())
    .bind(slug)
    .fetch_optional(&mut *c)
    .await?))
}

pub async fn find_by_id(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Consultation>> {
    one_by_id(conn, sql!(SELECT_WITH_STATUS, " WHERE c.id = $2"), id).await
}

/// The entry `sql` finds with today as `$1` and an id as `$2`.
async fn one_by_id(
    conn: impl Into<Conn<'_>>,
    sql: &'static str,
    id: Uuid,
) -> Result<Option<Consultation>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Consultation>(sql)
        .bind(today())
        .bind(id)
        .fetch_optional(&mut *c)
        .await?))
}

/// Up to `limit` published entries with an id after `after`, by id (keyset paging for the search
/// index).
pub async fn after(
    conn: impl Into<Conn<'_>>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Consultation>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Consultation>(sql!(
        SELECT_WITH_STATUS,
        " WHERE c.id > $2 AND c.published_at IS NOT NULL ORDER BY c.id LIMIT $3"
    ))
    .bind(today())
    .bind(after.unwrap_or(Uuid::nil()))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?))
}

/// The directory's filters; empty means any.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct Filter {
    /// Words in the title or summary.
    #[serde(default)]
    pub q: String,
    /// Organization slug.
    #[serde(default)]
    pub organization: String,
    /// Topic slug.
    #[serde(default)]
    pub topic: String,
    /// share, consult, deliberate or collaborate.
    #[serde(default)]
    pub level: String,
    /// upcoming, open, closed or results.
    #[serde(default)]
    pub status: String,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.q.trim().is_empty()
            && self.organization.is_empty()
            && self.topic.is_empty()
            && self.level.is_empty()
            && self.status.is_empty()
    }

    fn words(&self) -> [String; 4] {
        let words = text::search_words(&text::clean_query(&self.q));
        let mut out: [String; 4] = Default::default();
        for (slot, w) in out.iter_mut().zip(words) {
            *slot = format!("%{}%", text::like_escape(&w));
        }
        out
    }
}

const WHERE: &str = "WHERE x.published_at IS NOT NULL AND ($2 = '' OR x.org_slug = $2) \
     AND ($3 = '' OR EXISTS (SELECT 1 FROM dialogue_consultation_topics t WHERE t.consultation_id = x.id AND t.topic = $3)) \
     AND ($4 = '' OR x.level = $4) AND ($5 = '' OR x.status = $5) \
     AND ($6 = '' OR x.search_text LIKE $6 ESCAPE '\\') AND ($7 = '' OR x.search_text LIKE $7 ESCAPE '\\') \
     AND ($8 = '' OR x.search_text LIKE $8 ESCAPE '\\') AND ($9 = '' OR x.search_text LIKE $9 ESCAPE '\\')";

/// Open first (closing soonest first, ongoing last), then upcoming (opening soonest), then the
/// past (most recent first).
const ORDER: &str = "ORDER BY CASE x.status WHEN 'open' THEN 0 WHEN 'upcoming' THEN 1 ELSE 2 END, \
     (x.closes_on IS NULL), \
     CASE WHEN x.status = 'open' THEN x.closes_on END, \
     CASE WHEN x.status = 'upcoming' THEN x.opens_on END, \
     CASE WHEN x.status IN ('closed', 'results') THEN x.closes_on END DESC, \
     x.title_en, x.id";

pub async fn list(
    conn: impl Into<Conn<'_>>,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Consultation>, i64)> {
    const LIST: &str = sql!(
        "SELECT * FROM (",
        SELECT_WITH_STATUS,
        ") x ",
        WHERE,
        " ",
        ORDER,
        " LIMIT $10 OFFSET $11"
    );
    const COUNT: &str = sql!("SELECT COUNT(*) FROM (", SELECT_WITH_STATUS, ") x ", WHERE);
    let words = f.words();
    let (org, topic, level, status) = (
        f.organization.trim(),
        f.topic.trim(),
        f.level.trim(),
        f.status.trim(),
    );
    Ok(on!(conn, |c| {
        let rows = sqlx::query_as::<_, Consultation>(LIST)
            .bind(today())
            .bind(org)
            .bind(topic)
            .bind(level)
            .bind(status)
            .bind(&words[0])
            .bind(&words[1])
            .bind(&words[2])
            .bind(&words[3])
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar(COUNT)
            .bind(today())
            .bind(org)
            .bind(topic)
            .bind(level)
            .bind(status)
            .bind(&words[0])
            .bind(&words[1])
            .bind(&words[2])
            .bind(&words[3])
            .fetch_one(&mut *c)
            .await?;
        (rows, total)
    }))
}

/// How many entries each status has, for the status filter.
pub async fn status_counts(conn: impl Into<Conn<'_>>) -> Result<Vec<(Status, i64)>> {
    let rows: Vec<(String, i64)> = on!(conn, |c| sqlx::query_as(sql!(
        "SELECT x.status, COUNT(*) FROM (",
        SELECT_WITH_STATUS,
        ") x WHERE x.published_at IS NOT NULL GROUP BY x.status"
    ))
    .bind(today())
    .fetch_all(&mut *c)
    .await?);
    Ok(Status::ALL
        .iter()
        .map(|s| {
            let n = rows
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (*s, n)
        })
        .collect())
}

/// Open entries that close within `days` days, soonest first.
pub async fn closing_soon(conn: impl Into<Conn<'_>>, days: i64) -> Result<Vec<Consultation>> {
    let until = today() + Duration::days(days);
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Consultation>(sql!(
        "SELECT * FROM (",
        SELECT_WITH_STATUS,
        ") x WHERE x.published_at IS NOT NULL AND x.status = 'open' AND NOT x.ongoing AND x.closes_on IS NOT NULL AND x.closes_on <= $2 \
         ORDER BY x.closes_on, x.title_en, x.id LIMIT 200"
    ))
    .bind(today())
    .bind(until)
    .fetch_all(&mut *c)
    .await?
    }))
}

/// The most recently changed entries, for the feed.
pub async fn recent(conn: impl Into<Conn<'_>>, limit: i64) -> Result<Vec<Consultation>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Consultation>(sql!(
        "SELECT * FROM (",
        SELECT_WITH_STATUS,
        ") x WHERE x.published_at IS NOT NULL ORDER BY x.updated_at DESC, x.id DESC LIMIT $2"
    ))
    .bind(today())
    .bind(limit)
    .fetch_all(&mut *c)
    .await?))
}

pub async fn topics_of(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Vec<Topic>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Topic>(
        "SELECT t.slug, t.label_en, t.label_fr FROM dialogue_topics t JOIN dialogue_consultation_topics ct ON ct.topic = t.slug \
         WHERE ct.consultation_id = $1 ORDER BY t.label_en"
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?
    }))
}

pub async fn ways_of(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Vec<Way>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Way>(
        "SELECT id, consultation_id, position, kind, label_en, label_fr, url, place_en, place_fr, event_on, time_label \
         FROM dialogue_consultation_ways WHERE consultation_id = $1 ORDER BY position"
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?
    }))
}

/// Every topic, for the form's choices.
pub async fn topics(conn: impl Into<Conn<'_>>) -> Result<Vec<Topic>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Topic>(
        "SELECT slug, label_en, label_fr FROM dialogue_topics ORDER BY label_en"
    )
    .fetch_all(&mut *c)
    .await?))
}

/// Every entry, drafts included, most recently changed first (the staff's list, which keeps
/// those of the person's organizations).
pub async fn all_with_drafts(conn: impl Into<Conn<'_>>) -> Result<Vec<Consultation>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Consultation>(sql!(
        SELECT_WITH_STATUS,
        " ORDER BY c.updated_at DESC, c.id DESC LIMIT 2000"
    ))
    .bind(today())
    .fetch_all(&mut *c)
    .await?))
}

/// Topics that at least one entry uses.
pub async fn topics_in_use(conn: impl Into<Conn<'_>>) -> Result<Vec<Topic>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Topic>(
        "SELECT t.slug, t.label_en, t.label_fr FROM dialogue_topics t \
         WHERE EXISTS (SELECT 1 FROM dialogue_consultation_topics ct JOIN dialogue_consultations c ON c.id = ct.consultation_id \
         WHERE ct.topic = t.slug AND c.published_at IS NOT NULL) ORDER BY t.label_en"
    )
    .fetch_all(&mut *c)
    .await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct OrgOption {
    pub slug: String,
    pub title_en: String,
    pub title_fr: String,
}

impl OrgOption {
    pub fn title(&self) -> platform::Bilingual {
        platform::Bilingual::new(&self.title_en, &self.title_fr)
    }
}

/// Organizations with at least one entry.
pub async fn organizations_in_use(conn: impl Into<Conn<'_>>) -> Result<Vec<OrgOption>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, OrgOption>(
        "SELECT o.slug, o.title_en, o.title_fr FROM organizations o \
         WHERE EXISTS (SELECT 1 FROM dialogue_consultations c WHERE c.organization_id = o.id AND c.published_at IS NOT NULL) ORDER BY o.title_en"
    )
    .fetch_all(&mut *c)
    .await?
    }))
}

/// The entry that points at a process, if any (a BudgetTalks-style consultation).
pub async fn for_process(
    conn: impl Into<Conn<'_>>,
    process_id: Uuid,
) -> Result<Option<Consultation>> {
    const SQL: &str = sql!(
        SELECT_WITH_STATUS,
        " WHERE c.process_id = $2 AND c.published_at IS NOT NULL ORDER BY c.created_at LIMIT 1"
    );
    one_by_id(conn, SQL, process_id).await
}

/// Whether an entry with this source and external id exists (imports skip it).
pub async fn exists_external(
    conn: impl Into<Conn<'_>>,
    source: &str,
    external_id: &str,
) -> Result<bool> {
    let n: i64 = on!(conn, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM dialogue_consultations WHERE source = $1 AND external_id = $2"
    )
    .bind(source)
    .bind(external_id)
    .fetch_one(&mut *c)
    .await?);
    Ok(n > 0)
}
