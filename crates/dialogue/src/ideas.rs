//! Ideas: submission within an open phase, versions (the author's original and staff
//! plain-language rewrites), assessment with the process's criteria, comments and follows.

use platform::auth::CurrentUser;
use platform::db::{Actor, Audited, Conn, OnViolation, Tx, now};
use platform::{Error, FieldError, Lang, Msg, Result, exec, on, sql};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::model::{
    Audience, Check, Comment, Idea, IdeaState, Note, Objection, PhaseKind, ProcessFull, Version,
    admits,
};
use crate::text;

/// Ideas one person may submit in an hour, across processes: more is a flood.
pub const IDEAS_PER_HOUR: i64 = 10;
/// Comments one person may write in ten minutes.
pub const COMMENTS_PER_TEN_MINUTES: i64 = 10;

pub const IDEA_SELECT: &str = "SELECT i.id, i.process_id, i.theme_id, i.author_id, i.lang, i.title, i.body, i.version, i.state, \
     i.merged_into, i.answer_en, i.answer_fr, i.answered_by, i.answered_at, i.status, i.sample, i.created_at, i.updated_at, \
     u.display_name AS author_name, \
     (SELECT COUNT(*) FROM dialogue_comments m WHERE m.idea_id = i.id AND m.status = 'visible') AS comments \
     FROM dialogue_ideas i LEFT JOIN users u ON u.id = i.author_id";

/// How the audit log names an idea, a comment and their actions (`idea.create`, `idea.assess`, …).
const IDEA: Audited = Audited::new("idea", "dialogue_idea");
const COMMENT: Audited = Audited::new("comment", "dialogue_comment");

/// Why someone may not do something now; each is a clear message.
pub fn refuse_for(audience: Audience, user: Option<&CurrentUser>) -> Option<Error> {
    if admits(audience, user) {
        return None;
    }
    Some(match (audience, user) {
        (Audience::Nobody, _) => Error::forbidden("dialogue-error-not-allowed"),
        (_, None) => Error::forbidden("error-sign-in-required"),
        (Audience::Verified, Some(_)) => Error::forbidden("dialogue-error-verify-first"),
        _ => Error::forbidden("dialogue-error-not-allowed"),
    })
}

/// Whether `user` may submit an idea now, and if not, why.
pub fn may_submit(process: &ProcessFull, user: Option<&CurrentUser>) -> Result<()> {
    let Some(phase) = process.open_phase(PhaseKind::Ideas) else {
        return Err(Error::forbidden("dialogue-error-submissions-closed"));
    };
    match refuse_for(phase.submit(), user) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

pub struct NewIdea<'a> {
    pub theme: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub lang: Lang,
}

/// Checks the fields of an idea; every problem at once.
pub fn validate(process: &ProcessFull, new: &NewIdea<'_>) -> (Vec<FieldError>, String, String) {
    let mut errors = Vec::new();
    if process.theme_by_slug(new.theme).is_none() {
        errors.push(FieldError::new(
            "theme",
            if new.theme.is_empty() {
                "error-required"
            } else {
                "error-not-in-list"
            },
        ));
    }
    let title = text::check(&mut errors, "title", new.title, text::TITLE_MAX, true);
    let body = text::check(&mut errors, "body", new.body, text::BODY_MAX, true);
    (errors, title, body)
}

/// Submits an idea. Refused outside the idea phase, for people the phase does not admit, beyond
/// the process's per-person limit and in a flood; nothing is saved then.
pub async fn submit(
    tx: &mut Tx,
    process: &ProcessFull,
    user: &CurrentUser,
    new: NewIdea<'_>,
) -> Result<Uuid> {
    may_submit(process, Some(user))?;
    let (errors, title, body) = validate(process, &new);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let theme = process
        .theme_by_slug(new.theme)
        .ok_or_else(|| Error::field("theme", "error-not-in-list"))?;
    let at = now();
    let id = Uuid::now_v7();
    IDEA_FLOOD.refuse(tx, user.id, at).await?;
    // The per-person limit holds under concurrency: the counter row is updated only below it.
    let limit = process.process.ideas_per_person;
    let counted = exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO dialogue_participants (process_id, user_id, ideas) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
        )
        .bind(process.process.id)
        .bind(user.id)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "UPDATE dialogue_participants SET ideas = ideas + 1 WHERE process_id = $1 AND user_id = $2 AND ($3 = 0 OR ideas < $3)",
        )
        .bind(process.process.id)
        .bind(user.id)
        .bind(limit)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if counted == 0 {
        return Err(Error::Forbidden(
            Msg::new("dialogue-error-idea-limit").arg("max", limit),
        ));
    }
    let lang = new.lang.code();
    insert(
        tx,
        &NewRow {
            id,
            process_id: process.process.id,
            theme_id: theme.id,
            author: Some(user),
            lang,
            title: &title,
            body: &body,
            at,
        },
    )
    .await?;
    exec!(tx, |c| sqlx::query(
        "INSERT INTO dialogue_follows (idea_id, user_id, created_at) VALUES ($1, $2, $3)"
    )
    .bind(id)
    .bind(user.id)
    .bind(at)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_created(
        &user.actor(),
        IDEA,
        id,
        &serde_json::json!({
            "process": process.process.slug, "theme": theme.slug, "title": title, "body": body, "lang": lang
        }),
    )
    .await?;
    tx.changed("idea", &id.to_string()).await?;
    Ok(id)
}

/// How much one person may write in a while; more is a flood.
struct Flood {
    /// Counts what one person (`$1`) wrote since a moment (`$2`).
    count: &'static str,
    window: Duration,
    max: i64,
    message: &'static str,
}

const IDEA_FLOOD: Flood = Flood {
    count: "SELECT COUNT(*) FROM dialogue_ideas WHERE author_id = $1 AND created_at > $2",
    window: Duration::hours(1),
    max: IDEAS_PER_HOUR,
    message: "dialogue-error-flood-ideas",
};

const COMMENT_FLOOD: Flood = Flood {
    count: "SELECT COUNT(*) FROM dialogue_comments WHERE author_id = $1 AND created_at > $2",
    window: Duration::minutes(10),
    max: COMMENTS_PER_TEN_MINUTES,
    message: "dialogue-error-flood-comments",
};

impl Flood {
    /// Refuses `person` writing at `at` when they wrote `max` or more in the window before.
    async fn refuse(&self, tx: &mut Tx, person: Uuid, at: OffsetDateTime) -> Result<()> {
        let recent: i64 = exec!(tx, |c| sqlx::query_scalar(self.count)
            .bind(person)
            .bind(at - self.window)
            .fetch_one(&mut *c)
            .await?);
        if recent >= self.max {
            return Err(Error::RateLimited(
                Msg::new(self.message).arg("count", self.max),
            ));
        }
        Ok(())
    }
}

/// A new idea as it is written: the idea and its first version, the author's text.
struct NewRow<'a> {
    id: Uuid,
    process_id: Uuid,
    theme_id: Uuid,
    /// `None` for the demo's sample ideas, which are labelled as samples.
    author: Option<&'a CurrentUser>,
    lang: &'a str,
    title: &'a str,
    body: &'a str,
    at: OffsetDateTime,
}

async fn insert(tx: &mut Tx, row: &NewRow<'_>) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO dialogue_ideas (id, process_id, theme_id, author_id, lang, title, body, version, search_text, state, status, sample, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, 'submitted', 'visible', $9, $10, $10)",
        )
        .bind(row.id)
        .bind(row.process_id)
        .bind(row.theme_id)
        .bind(row.author.map(|u| u.id))
        .bind(row.lang)
        .bind(row.title)
        .bind(row.body)
        .bind(text::fold(&format!("{} {}", row.title, row.body)))
        .bind(row.author.is_none())
        .bind(row.at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    insert_version(
        tx,
        &VersionRow {
            idea_id: row.id,
            number: 1,
            title: row.title,
            body: row.body,
            lang: row.lang,
            editor: row.author.map(|u| (u.id, u.display_name.as_str())),
            note: "",
            at: row.at,
        },
    )
    .await
}

/// One version of an idea's text: the author's (number 1) or a staff rewrite.
struct VersionRow<'a> {
    idea_id: Uuid,
    number: i64,
    title: &'a str,
    body: &'a str,
    lang: &'a str,
    /// Who wrote it, by id and the name shown; `None` for a sample.
    editor: Option<(Uuid, &'a str)>,
    note: &'a str,
    at: OffsetDateTime,
}

async fn insert_version(tx: &mut Tx, v: &VersionRow<'_>) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_idea_versions (id, idea_id, number, title, body, lang, editor_id, editor_label, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(Uuid::now_v7())
    .bind(v.idea_id)
    .bind(v.number)
    .bind(v.title)
    .bind(v.body)
    .bind(v.lang)
    .bind(v.editor.map(|(id, _)| id))
    .bind(v.editor.map(|(_, label)| label).unwrap_or_default())
    .bind(v.note)
    .bind(v.at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A sample idea for the demo, written by nobody in particular and labelled as a sample.
pub async fn create_sample(
    tx: &mut Tx,
    actor: &Actor,
    process: &ProcessFull,
    theme_slug: &str,
    lang: Lang,
    title: &str,
    body: &str,
) -> Result<Uuid> {
    let theme = process
        .theme_by_slug(theme_slug)
        .ok_or_else(|| Error::field("theme", "error-not-in-list"))?;
    let id = Uuid::now_v7();
    insert(
        tx,
        &NewRow {
            id,
            process_id: process.process.id,
            theme_id: theme.id,
            author: None,
            lang: lang.code(),
            title,
            body,
            at: now(),
        },
    )
    .await?;
    tx.audit_created(
        actor,
        IDEA,
        id,
        &serde_json::json!({ "process": process.process.slug, "theme": theme_slug, "title": title, "sample": true }),
    )
    .await?;
    tx.changed("idea", &id.to_string()).await?;
    Ok(id)
}

pub async fn get(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Idea>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Idea>(sql!(
        IDEA_SELECT,
        " WHERE i.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct IdeaFilter {
    /// Theme slug.
    #[serde(default)]
    pub theme: String,
    /// submitted, in_assessment, accepted, not_retained or merged.
    #[serde(default)]
    pub state: String,
    /// Words in the title or text.
    #[serde(default)]
    pub q: String,
}

/// The conditions of [`list`]: `$1` the process, `$2` whether hidden ones count, `$3` a theme
/// slug, `$4` a state, `$5`–`$8` words.
const LIST_WHERE: &str = "WHERE i.process_id = $1 AND ($2 OR i.status = 'visible') \
     AND ($3 = '' OR i.theme_id IN (SELECT t.id FROM dialogue_themes t WHERE t.process_id = i.process_id AND t.slug = $3)) \
     AND ($4 = '' OR i.state = $4) \
     AND ($5 = '' OR i.search_text LIKE $5 ESCAPE '\\') AND ($6 = '' OR i.search_text LIKE $6 ESCAPE '\\') \
     AND ($7 = '' OR i.search_text LIKE $7 ESCAPE '\\') AND ($8 = '' OR i.search_text LIKE $8 ESCAPE '\\')";

/// Ideas of a process, newest first. Hidden and removed ones only when `include_hidden`.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    process: &ProcessFull,
    f: &IdeaFilter,
    include_hidden: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Idea>, i64)> {
    const LIST: &str = sql!(
        IDEA_SELECT,
        " ",
        LIST_WHERE,
        " ORDER BY i.sample, i.created_at DESC, i.id DESC LIMIT $9 OFFSET $10"
    );
    const COUNT: &str = sql!("SELECT COUNT(*) FROM dialogue_ideas i ", LIST_WHERE);
    let words = text::search_words(&text::clean_query(&f.q));
    let mut w: [String; 4] = Default::default();
    for (slot, word) in w.iter_mut().zip(words) {
        *slot = format!("%{}%", text::like_escape(&word));
    }
    let state = f.state.trim();
    let theme_slug = if process.theme_by_slug(f.theme.trim()).is_some() {
        f.theme.trim()
    } else {
        ""
    };
    Ok(on!(conn, |c| {
        let rows = sqlx::query_as::<_, Idea>(LIST)
            .bind(process.process.id)
            .bind(include_hidden)
            .bind(theme_slug)
            .bind(state)
            .bind(&w[0])
            .bind(&w[1])
            .bind(&w[2])
            .bind(&w[3])
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar(COUNT)
            .bind(process.process.id)
            .bind(include_hidden)
            .bind(theme_slug)
            .bind(state)
            .bind(&w[0])
            .bind(&w[1])
            .bind(&w[2])
            .bind(&w[3])
            .fetch_one(&mut *c)
            .await?;
        (rows, total)
    }))
}

/// Every visible idea of a process in one state, by theme then title (the ballot; results).
pub async fn in_state(
    conn: impl Into<Conn<'_>>,
    process_id: Uuid,
    state: IdeaState,
) -> Result<Vec<Idea>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Idea>(sql!(
        IDEA_SELECT,
        " WHERE i.process_id = $1 AND i.state = $2 AND i.status = 'visible' ORDER BY i.title, i.id"
    ))
    .bind(process_id)
    .bind(state.as_str())
    .fetch_all(&mut *c)
    .await?))
}

/// The rows `sql` finds for one idea, bound as `$1`: its versions, objections, notes….
async fn of_idea<T>(conn: impl Into<Conn<'_>>, sql: &'static str, idea_id: Uuid) -> Result<Vec<T>>
where
    T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>,
{
    Ok(on!(conn, |c| sqlx::query_as::<_, T>(sql)
        .bind(idea_id)
        .fetch_all(&mut *c)
        .await?))
}

const VERSIONS: &str = "SELECT id, idea_id, number, title, body, lang, editor_id, editor_label, note, created_at \
     FROM dialogue_idea_versions WHERE idea_id = $1 ORDER BY number";
const OBJECTIONS: &str = "SELECT id, idea_id, version_number, author_id, body, created_at FROM dialogue_objections \
     WHERE idea_id = $1 ORDER BY created_at";
const CHECKS: &str = "SELECT criterion_id, met FROM dialogue_checks WHERE idea_id = $1";
const NOTES: &str = "SELECT id, idea_id, author_id, author_label, body, created_at FROM dialogue_notes \
     WHERE idea_id = $1 ORDER BY created_at";

/// An idea's versions, the author's first and then each staff rewrite.
pub async fn versions(conn: impl Into<Conn<'_>>, idea_id: Uuid) -> Result<Vec<Version>> {
    of_idea(conn, VERSIONS, idea_id).await
}

/// The author's objections to rewrites, oldest first.
pub async fn objections(conn: impl Into<Conn<'_>>, idea_id: Uuid) -> Result<Vec<Objection>> {
    of_idea(conn, OBJECTIONS, idea_id).await
}

/// Which of the process's criteria the idea meets, as staff checked them.
pub async fn checks(conn: impl Into<Conn<'_>>, idea_id: Uuid) -> Result<Vec<Check>> {
    of_idea(conn, CHECKS, idea_id).await
}

/// Staff's private notes, oldest first.
pub async fn notes(conn: impl Into<Conn<'_>>, idea_id: Uuid) -> Result<Vec<Note>> {
    of_idea(conn, NOTES, idea_id).await
}

/// Ideas merged into this one (its lineage).
pub async fn merged_from(conn: impl Into<Conn<'_>>, idea_id: Uuid) -> Result<Vec<Idea>> {
    const SQL: &str = sql!(
        IDEA_SELECT,
        " WHERE i.merged_into = $1 ORDER BY i.created_at"
    );
    of_idea(conn, SQL, idea_id).await
}

/// What staff decide about an idea.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    /// Criterion id → met.
    #[serde(default)]
    pub checks: Vec<(Uuid, bool)>,
    pub state: Option<IdeaState>,
    /// The public answer; for "not retained" it is the reason, and required.
    #[serde(default)]
    pub answer_en: String,
    #[serde(default)]
    pub answer_fr: String,
    /// For "merged": the idea this one joins.
    pub merged_into: Option<Uuid>,
}

#[derive(Serialize)]
struct AssessmentAudit<'a> {
    state: &'a str,
    merged_into: Option<Uuid>,
    answer_en: &'a str,
    answer_fr: &'a str,
    checks: &'a [(Uuid, bool)],
}

/// Records an assessment; returns whether the public state or answer changed (to notify people).
pub async fn assess(
    tx: &mut Tx,
    staff: &CurrentUser,
    process: &ProcessFull,
    idea: &Idea,
    a: &Assessment,
) -> Result<bool> {
    let mut errors = Vec::new();
    let state = a.state.unwrap_or(IdeaState::InAssessment);
    let answer_en = text::check(
        &mut errors,
        "answer_en",
        &a.answer_en,
        text::ANSWER_MAX,
        false,
    );
    let answer_fr = text::check(
        &mut errors,
        "answer_fr",
        &a.answer_fr,
        text::ANSWER_MAX,
        false,
    );
    if state == IdeaState::NotRetained && answer_en.is_empty() && answer_fr.is_empty() {
        errors.push(FieldError::new(
            "answer_en",
            "dialogue-error-reason-required",
        ));
    }
    let mut merged_into = None;
    if state == IdeaState::Merged {
        match a.merged_into {
            None => errors.push(FieldError::new("merged_into", "error-required")),
            Some(target) if target == idea.id => {
                errors.push(FieldError::new("merged_into", "dialogue-error-merge-self"))
            }
            Some(target) => match get(&mut *tx, target).await? {
                Some(t) if t.process_id == idea.process_id && t.state() != IdeaState::Merged => {
                    merged_into = Some(target)
                }
                _ => errors.push(FieldError::new(
                    "merged_into",
                    "dialogue-error-merge-target",
                )),
            },
        }
    }
    for (criterion, _) in &a.checks {
        if !process.criteria.iter().any(|c| c.id == *criterion) {
            errors.push(FieldError::new("checks", "error-not-in-list"));
            break;
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let at = now();
    let answer_changed = answer_en != idea.answer_en || answer_fr != idea.answer_fr;
    let changed = state != idea.state() || answer_changed || merged_into != idea.merged_into;
    for (criterion, met) in &a.checks {
        exec!(tx, |c| sqlx::query(
            "INSERT INTO dialogue_checks (idea_id, criterion_id, met) VALUES ($1, $2, $3) \
             ON CONFLICT (idea_id, criterion_id) DO UPDATE SET met = excluded.met"
        )
        .bind(idea.id)
        .bind(criterion)
        .bind(met)
        .execute(&mut *c)
        .await?
        .rows_affected());
    }
    let answered_by = if answer_changed {
        staff.name().to_string()
    } else {
        idea.answered_by.clone()
    };
    let answered_at = if answer_changed {
        Some(at)
    } else {
        idea.answered_at
    };
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE dialogue_ideas SET state = $1, merged_into = $2, answer_en = $3, answer_fr = $4, answered_by = $5, answered_at = $6, updated_at = $7 WHERE id = $8"
    )
    .bind(state.as_str())
    .bind(merged_into)
    .bind(&answer_en)
    .bind(&answer_fr)
    .bind(&answered_by)
    .bind(answered_at)
    .bind(at)
    .bind(idea.id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        &staff.actor(),
        IDEA,
        "assess",
        idea.id,
        Some(&AssessmentAudit {
            state: &idea.state,
            merged_into: idea.merged_into,
            answer_en: &idea.answer_en,
            answer_fr: &idea.answer_fr,
            checks: &[],
        }),
        Some(&AssessmentAudit {
            state: state.as_str(),
            merged_into,
            answer_en: &answer_en,
            answer_fr: &answer_fr,
            checks: &a.checks,
        }),
    )
    .await?;
    tx.changed("idea", &idea.id.to_string()).await?;
    // The demo's sample ideas are decided as it seeds; their sample authors are told nothing.
    if changed && !idea.sample {
        crate::notify::queue(tx, crate::notify::Event::Assessed, idea.id, Some(staff.id)).await?;
    }
    Ok(changed)
}

/// A staff plain-language rewrite: a new version; the author's original stays and is shown beside
/// it. Returns the new version number.
pub async fn rewrite(
    tx: &mut Tx,
    staff: &CurrentUser,
    idea: &Idea,
    title: &str,
    body: &str,
    note: &str,
) -> Result<i64> {
    let mut errors = Vec::new();
    let title = text::check(&mut errors, "title", title, text::TITLE_MAX, true);
    let body = text::check(&mut errors, "body", body, text::BODY_MAX, true);
    let note = text::check(&mut errors, "note", note, 500, false);
    if errors.is_empty() && title == idea.title && body == idea.body {
        errors.push(FieldError::new("body", "dialogue-error-rewrite-same"));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let number = idea.version + 1;
    let at = now();
    insert_version(
        tx,
        &VersionRow {
            idea_id: idea.id,
            number,
            title: &title,
            body: &body,
            lang: &idea.lang,
            editor: Some((staff.id, staff.name())),
            note: &note,
            at,
        },
    )
    .await
    .on_unique(|_| Error::Conflict(Msg::new("dialogue-error-rewrite-conflict")))?;
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE dialogue_ideas SET title = $1, body = $2, version = $3, search_text = $4, updated_at = $5 WHERE id = $6"
    )
    .bind(&title)
    .bind(&body)
    .bind(number)
    .bind(text::fold(&format!("{title} {body}")))
    .bind(at)
    .bind(idea.id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        &staff.actor(),
        IDEA,
        "rewrite",
        idea.id,
        Some(&serde_json::json!({"version": idea.version, "title": idea.title, "body": idea.body})),
        Some(&serde_json::json!({"version": number, "title": title, "body": body, "note": note})),
    )
    .await?;
    tx.changed("idea", &idea.id.to_string()).await?;
    if idea.author_id.is_some() && !idea.sample {
        crate::notify::queue(tx, crate::notify::Event::Rewritten, idea.id, Some(staff.id)).await?;
    }
    Ok(number)
}

/// The author objects to the current rewrite; recorded once per version and shown publicly.
pub async fn object(tx: &mut Tx, author: &CurrentUser, idea: &Idea, body: &str) -> Result<()> {
    if idea.author_id != Some(author.id) {
        return Err(Error::forbidden("dialogue-error-author-only"));
    }
    if !idea.rewritten() {
        return Err(Error::forbidden("dialogue-error-nothing-to-object"));
    }
    let mut errors = Vec::new();
    let body = text::check(&mut errors, "objection", body, text::COMMENT_MAX, true);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_objections (id, idea_id, version_number, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(Uuid::now_v7())
    .bind(idea.id)
    .bind(idea.version)
    .bind(author.id)
    .bind(&body)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::Conflict(Msg::new("dialogue-error-objected-already")))?;
    tx.audit_as(
        &author.actor(),
        IDEA,
        "object",
        idea.id,
        None::<&()>,
        Some(&serde_json::json!({"version": idea.version, "objection": body})),
    )
    .await
}

/// A private staff note on an idea; never shown publicly.
pub async fn add_note(tx: &mut Tx, staff: &CurrentUser, idea: &Idea, body: &str) -> Result<()> {
    let mut errors = Vec::new();
    let body = text::check(&mut errors, "note_body", body, text::NOTE_MAX, true);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = Uuid::now_v7();
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_notes (id, idea_id, author_id, author_label, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(id)
    .bind(idea.id)
    .bind(staff.id)
    .bind(staff.name())
    .bind(&body)
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        &staff.actor(),
        IDEA,
        "note",
        idea.id,
        None::<&()>,
        Some(&serde_json::json!({"note": id})),
    )
    .await
}

/// Follows or stops following an idea; returns whether the person follows it now.
pub async fn toggle_follow(tx: &mut Tx, user: &CurrentUser, idea: &Idea) -> Result<bool> {
    let removed = exec!(tx, |c| sqlx::query(
        "DELETE FROM dialogue_follows WHERE idea_id = $1 AND user_id = $2"
    )
    .bind(idea.id)
    .bind(user.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    if removed == 0 {
        exec!(tx, |c| {
            sqlx::query(
            "INSERT INTO dialogue_follows (idea_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        )
        .bind(idea.id)
        .bind(user.id)
        .bind(now())
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
    }
    tx.audit_as(
        &user.actor(),
        IDEA,
        if removed == 0 { "follow" } else { "unfollow" },
        idea.id,
        None::<&()>,
        None::<&()>,
    )
    .await?;
    Ok(removed == 0)
}

pub async fn follows(conn: impl Into<Conn<'_>>, user_id: Uuid, idea_id: Uuid) -> Result<bool> {
    let n: i64 = on!(conn, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM dialogue_follows WHERE idea_id = $1 AND user_id = $2"
    )
    .bind(idea_id)
    .bind(user_id)
    .fetch_one(&mut *c)
    .await?);
    Ok(n > 0)
}

pub async fn followers(conn: impl Into<Conn<'_>>, idea_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(on!(conn, |c| sqlx::query_scalar(
        "SELECT user_id FROM dialogue_follows WHERE idea_id = $1"
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?))
}

// ---- comments ----

/// Adds a comment while a phase that lets this person comment is open.
pub async fn add_comment(
    tx: &mut Tx,
    process: &ProcessFull,
    idea: &Idea,
    user: &CurrentUser,
    body: &str,
    lang: Lang,
) -> Result<Uuid> {
    add_comment_under(tx, process, idea, user, None, body, lang).await
}

/// Replies to a comment of the idea: replies go one level deep, so a reply to a reply is a reply
/// to the comment it answers.
pub async fn add_reply(
    tx: &mut Tx,
    process: &ProcessFull,
    idea: &Idea,
    user: &CurrentUser,
    parent_id: Uuid,
    body: &str,
    lang: Lang,
) -> Result<Uuid> {
    let parent = comment(&mut *tx, parent_id)
        .await?
        .filter(|c| c.idea_id == idea.id)
        .ok_or_else(|| Error::field("comment", "dialogue-error-reply-target"))?;
    if !parent.is_visible() {
        return Err(Error::field("comment", "dialogue-error-reply-target"));
    }
    let top = parent.parent_id.unwrap_or(parent.id);
    add_comment_under(tx, process, idea, user, Some(top), body, lang).await
}

/// How long after posting an author may still edit a comment.
pub const COMMENT_EDIT_MINUTES: i64 = 15;

/// Changes the text of `user`'s own comment within [`COMMENT_EDIT_MINUTES`] of posting it; the
/// comment then shows when it was edited.
pub async fn edit_comment(
    tx: &mut Tx,
    user: &CurrentUser,
    id: Uuid,
    body: &str,
) -> Result<Comment> {
    let before = comment(&mut *tx, id).await?.ok_or(Error::NotFound)?;
    if before.author_id != Some(user.id) {
        return Err(Error::forbidden("dialogue-error-author-only"));
    }
    if !before.is_visible() {
        return Err(Error::forbidden("dialogue-error-idea-hidden"));
    }
    let at = now();
    if !before.editable_at(at) {
        return Err(Error::Validation(vec![FieldError::with(
            "comment",
            Msg::new("dialogue-error-edit-window").arg("minutes", COMMENT_EDIT_MINUTES),
        )]));
    }
    let mut errors = Vec::new();
    let body = text::check(&mut errors, "comment", body, text::COMMENT_MAX, true);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    exec!(tx, |c| sqlx::query(
        "UPDATE dialogue_comments SET body = $1, edited_at = $2, updated_at = $2 WHERE id = $3"
    )
    .bind(&body)
    .bind(at)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_updated(
        &user.actor(),
        COMMENT,
        id,
        &serde_json::json!({"body": before.body}),
        &serde_json::json!({"body": body}),
    )
    .await?;
    comment(&mut *tx, id).await?.ok_or(Error::NotFound)
}

async fn add_comment_under(
    tx: &mut Tx,
    process: &ProcessFull,
    idea: &Idea,
    user: &CurrentUser,
    parent_id: Option<Uuid>,
    body: &str,
    lang: Lang,
) -> Result<Uuid> {
    if !process.comments_open() {
        return Err(Error::forbidden("dialogue-error-comments-closed"));
    }
    if !process.may_comment(Some(user)) {
        let audience = process
            .current_phases()
            .iter()
            .map(|p| p.comment())
            .find(|a| *a != Audience::Nobody)
            .unwrap_or(Audience::Nobody);
        return Err(refuse_for(audience, Some(user))
            .unwrap_or_else(|| Error::forbidden("dialogue-error-not-allowed")));
    }
    if !idea.is_visible() {
        return Err(Error::forbidden("dialogue-error-idea-hidden"));
    }
    let mut errors = Vec::new();
    let body = text::check(&mut errors, "comment", body, text::COMMENT_MAX, true);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let at = now();
    let id = Uuid::now_v7();
    COMMENT_FLOOD.refuse(tx, user.id, at).await?;
    insert_comment(
        tx,
        &CommentRow {
            id,
            idea_id: idea.id,
            parent_id,
            author_id: Some(user.id),
            body: &body,
            lang,
            at,
        },
    )
    .await?;
    tx.audit_created(
        &user.actor(),
        COMMENT,
        id,
        &serde_json::json!({"idea": idea.id, "parent": parent_id, "body": body}),
    )
    .await?;
    crate::notify::queue(tx, crate::notify::Event::Commented, idea.id, Some(user.id)).await?;
    Ok(id)
}

/// A comment as it is written; one without an author is a demo sample.
struct CommentRow<'a> {
    id: Uuid,
    idea_id: Uuid,
    parent_id: Option<Uuid>,
    author_id: Option<Uuid>,
    body: &'a str,
    lang: Lang,
    at: OffsetDateTime,
}

async fn insert_comment(tx: &mut Tx, row: &CommentRow<'_>) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_comments (id, idea_id, author_id, body, lang, status, sample, created_at, updated_at, parent_id) \
         VALUES ($1, $2, $3, $4, $5, 'visible', $6, $7, $7, $8)"
    )
    .bind(row.id)
    .bind(row.idea_id)
    .bind(row.author_id)
    .bind(row.body)
    .bind(row.lang.code())
    .bind(row.author_id.is_none())
    .bind(row.at)
    .bind(row.parent_id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// A sample comment for the demo.
pub async fn create_sample_comment(
    tx: &mut Tx,
    actor: &Actor,
    idea_id: Uuid,
    lang: Lang,
    body: &str,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    insert_comment(
        tx,
        &CommentRow {
            id,
            idea_id,
            parent_id: None,
            author_id: None,
            body,
            lang,
            at: now(),
        },
    )
    .await?;
    tx.audit_created(
        actor,
        COMMENT,
        id,
        &serde_json::json!({"idea": idea_id, "sample": true}),
    )
    .await?;
    Ok(id)
}

const COMMENT_SELECT: &str = "SELECT m.id, m.idea_id, m.author_id, m.body, m.lang, m.status, m.sample, m.created_at, m.updated_at, \
     m.parent_id, m.edited_at, u.display_name AS author_name FROM dialogue_comments m LEFT JOIN users u ON u.id = m.author_id";

pub async fn comments(conn: impl Into<Conn<'_>>, idea_id: Uuid) -> Result<Vec<Comment>> {
    const SQL: &str = sql!(
        COMMENT_SELECT,
        " WHERE m.idea_id = $1 ORDER BY m.created_at, m.id"
    );
    of_idea(conn, SQL, idea_id).await
}

pub async fn comment(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Comment>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Comment>(sql!(
        COMMENT_SELECT,
        " WHERE m.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}

/// Visible comments of a process, for the open-data download.
pub async fn process_comments(conn: impl Into<Conn<'_>>, process_id: Uuid) -> Result<Vec<Comment>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Comment>(sql!(
        COMMENT_SELECT,
        " JOIN dialogue_ideas i ON i.id = m.idea_id WHERE i.process_id = $1 AND m.status = 'visible' AND i.status = 'visible' \
         ORDER BY m.created_at, m.id"
    ))
    .bind(process_id)
    .fetch_all(&mut *c)
    .await?
    }))
}

/// Ideas waiting for staff: submitted or in assessment, in processes `staff` edits for, oldest
/// first; ideas whose author objected to a rewrite come too.
pub async fn queue(
    conn: impl Into<Conn<'_>>,
    staff: &CurrentUser,
    process_id: Option<Uuid>,
) -> Result<Vec<Idea>> {
    Ok(on!(conn, |c| {
        sqlx::query_as::<_, Idea>(sql!(
        IDEA_SELECT,
        " JOIN dialogue_processes p ON p.id = i.process_id \
         WHERE ($1 OR p.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = $2)) \
         AND ($3 OR i.process_id = $4) AND i.status <> 'removed' \
         AND (i.state IN ('submitted', 'in_assessment') OR EXISTS (SELECT 1 FROM dialogue_objections o WHERE o.idea_id = i.id AND o.version_number = i.version)) \
         ORDER BY i.created_at, i.id LIMIT 500"
    ))
    .bind(staff.is_admin())
    .bind(staff.id)
    .bind(process_id.is_none())
    .bind(process_id.unwrap_or_else(Uuid::nil))
    .fetch_all(&mut *c)
    .await?
    }))
}
