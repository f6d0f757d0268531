//! Ideas: submission within an open phase, versions (the author's original and staff
//! plain-language rewrites), assessment with the process's criteria, comments and follows.

use platform::auth::CurrentUser;
use platform::db::{Actor, Db, Tx, now};
use platform::error::is_unique_violation;
use platform::{Error, FieldError, Lang, Msg, Result, exec, read};
use serde::{Deserialize, Serialize};
use time::Duration;
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
    db: &Db,
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
    let mut tx = db.begin().await?;
    let recent: i64 = exec!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM dialogue_ideas WHERE author_id = $1 AND created_at > $2"
    )
    .bind(user.id)
    .bind(at - Duration::hours(1))
    .fetch_one(&mut *c)
    .await?);
    if recent >= IDEAS_PER_HOUR {
        return Err(Error::RateLimited(
            Msg::new("dialogue-error-flood-ideas").arg("count", IDEAS_PER_HOUR),
        ));
    }
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
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO dialogue_ideas (id, process_id, theme_id, author_id, lang, title, body, version, search_text, state, status, sample, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, 'submitted', 'visible', FALSE, $9, $9)",
        )
        .bind(id)
        .bind(process.process.id)
        .bind(theme.id)
        .bind(user.id)
        .bind(lang)
        .bind(&title)
        .bind(&body)
        .bind(text::fold(&format!("{title} {body}")))
        .bind(at)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "INSERT INTO dialogue_idea_versions (id, idea_id, number, title, body, lang, editor_id, editor_label, note, created_at) \
             VALUES ($1, $2, 1, $3, $4, $5, $6, $7, '', $8)",
        )
        .bind(Uuid::now_v7())
        .bind(id)
        .bind(&title)
        .bind(&body)
        .bind(lang)
        .bind(user.id)
        .bind(user.display_name.as_str())
        .bind(at)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "INSERT INTO dialogue_follows (idea_id, user_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(user.id)
        .bind(at)
        .execute(&mut *c)
        .await?;
    });
    tx.audit(
        &user.actor(),
        "idea.create",
        "dialogue_idea",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({
            "process": process.process.slug, "theme": theme.slug, "title": title, "body": body, "lang": lang
        })),
    )
    .await?;
    tx.changed("idea", &id.to_string()).await?;
    tx.commit().await?;
    Ok(id)
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
    let at = now();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO dialogue_ideas (id, process_id, theme_id, author_id, lang, title, body, version, search_text, state, status, sample, created_at, updated_at) \
             VALUES ($1, $2, $3, NULL, $4, $5, $6, 1, $7, 'submitted', 'visible', TRUE, $8, $8)",
        )
        .bind(id)
        .bind(process.process.id)
        .bind(theme.id)
        .bind(lang.code())
        .bind(title)
        .bind(body)
        .bind(text::fold(&format!("{title} {body}")))
        .bind(at)
        .execute(&mut *c)
        .await?;
        sqlx::query(
            "INSERT INTO dialogue_idea_versions (id, idea_id, number, title, body, lang, editor_id, editor_label, note, created_at) \
             VALUES ($1, $2, 1, $3, $4, $5, NULL, '', '', $6)",
        )
        .bind(Uuid::now_v7())
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(lang.code())
        .bind(at)
        .execute(&mut *c)
        .await?;
    });
    tx.audit(
        actor,
        "idea.create",
        "dialogue_idea",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({ "process": process.process.slug, "theme": theme_slug, "title": title, "sample": true })),
    )
    .await?;
    tx.changed("idea", &id.to_string()).await?;
    Ok(id)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<Idea>> {
    let sql = format!("{IDEA_SELECT} WHERE i.id = $1");
    Ok(read!(db, |c| sqlx::query_as::<_, Idea>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
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

/// Ideas of a process, newest first. Hidden and removed ones only when `include_hidden`.
pub async fn list(
    db: &Db,
    process: &ProcessFull,
    f: &IdeaFilter,
    include_hidden: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Idea>, i64)> {
    let words = text::search_words(&text::clean_query(&f.q));
    let mut w: [String; 4] = Default::default();
    for (slot, word) in w.iter_mut().zip(words) {
        *slot = format!("%{}%", text::like_escape(&word));
    }
    let state = f.state.trim();
    let where_ = "WHERE i.process_id = $1 AND ($2 OR i.status = 'visible') \
         AND ($3 = '' OR i.theme_id IN (SELECT t.id FROM dialogue_themes t WHERE t.process_id = i.process_id AND t.slug = $3)) \
         AND ($4 = '' OR i.state = $4) \
         AND ($5 = '' OR i.search_text LIKE $5 ESCAPE '\\') AND ($6 = '' OR i.search_text LIKE $6 ESCAPE '\\') \
         AND ($7 = '' OR i.search_text LIKE $7 ESCAPE '\\') AND ($8 = '' OR i.search_text LIKE $8 ESCAPE '\\')";
    let list_sql = format!(
        "{IDEA_SELECT} {where_} ORDER BY i.sample, i.created_at DESC, i.id DESC LIMIT $9 OFFSET $10"
    );
    let count_sql = format!("SELECT COUNT(*) FROM dialogue_ideas i {where_}");
    let theme_slug = if process.theme_by_slug(f.theme.trim()).is_some() {
        f.theme.trim()
    } else {
        ""
    };
    Ok(read!(db, |c| {
        let rows = sqlx::query_as::<_, Idea>(sqlx::AssertSqlSafe(list_sql.as_str()))
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
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str()))
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
pub async fn in_state(db: &Db, process_id: Uuid, state: IdeaState) -> Result<Vec<Idea>> {
    let sql = format!(
        "{IDEA_SELECT} WHERE i.process_id = $1 AND i.state = $2 AND i.status = 'visible' ORDER BY i.title, i.id"
    );
    Ok(read!(db, |c| sqlx::query_as::<_, Idea>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(process_id)
    .bind(state.as_str())
    .fetch_all(&mut *c)
    .await?))
}

pub async fn versions(db: &Db, idea_id: Uuid) -> Result<Vec<Version>> {
    Ok(read!(db, |c| sqlx::query_as::<_, Version>(
        "SELECT id, idea_id, number, title, body, lang, editor_id, editor_label, note, created_at \
         FROM dialogue_idea_versions WHERE idea_id = $1 ORDER BY number"
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?))
}

pub async fn objections(db: &Db, idea_id: Uuid) -> Result<Vec<Objection>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, Objection>(
        "SELECT id, idea_id, version_number, author_id, body, created_at FROM dialogue_objections WHERE idea_id = $1 ORDER BY created_at"
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?
    }))
}

pub async fn checks(db: &Db, idea_id: Uuid) -> Result<Vec<Check>> {
    Ok(read!(db, |c| sqlx::query_as::<_, Check>(
        "SELECT criterion_id, met FROM dialogue_checks WHERE idea_id = $1"
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?))
}

pub async fn notes(db: &Db, idea_id: Uuid) -> Result<Vec<Note>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, Note>(
        "SELECT id, idea_id, author_id, author_label, body, created_at FROM dialogue_notes WHERE idea_id = $1 ORDER BY created_at"
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?
    }))
}

/// Ideas merged into this one (its lineage).
pub async fn merged_from(db: &Db, idea_id: Uuid) -> Result<Vec<Idea>> {
    let sql = format!("{IDEA_SELECT} WHERE i.merged_into = $1 ORDER BY i.created_at");
    Ok(read!(db, |c| sqlx::query_as::<_, Idea>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?))
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
    db: &Db,
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
            Some(target) => match get(db, target).await? {
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
    let mut tx = db.begin().await?;
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
    tx.audit(
        &staff.actor(),
        "idea.assess",
        "dialogue_idea",
        &idea.id.to_string(),
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
        crate::notify::queue(
            &mut tx,
            crate::notify::Event::Assessed,
            idea.id,
            Some(staff.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// A staff plain-language rewrite: a new version; the author's original stays and is shown beside
/// it. Returns the new version number.
pub async fn rewrite(
    db: &Db,
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
    let mut tx = db.begin().await?;
    let inserted = exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_idea_versions (id, idea_id, number, title, body, lang, editor_id, editor_label, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(Uuid::now_v7())
    .bind(idea.id)
    .bind(number)
    .bind(&title)
    .bind(&body)
    .bind(&idea.lang)
    .bind(staff.id)
    .bind(staff.name())
    .bind(&note)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    });
    if let Err(e) = inserted {
        if is_unique_violation(&e) {
            return Err(Error::Conflict(Msg::new("dialogue-error-rewrite-conflict")));
        }
        return Err(e.into());
    }
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
    tx.audit(
        &staff.actor(),
        "idea.rewrite",
        "dialogue_idea",
        &idea.id.to_string(),
        Some(&serde_json::json!({"version": idea.version, "title": idea.title, "body": idea.body})),
        Some(&serde_json::json!({"version": number, "title": title, "body": body, "note": note})),
    )
    .await?;
    tx.changed("idea", &idea.id.to_string()).await?;
    if idea.author_id.is_some() && !idea.sample {
        crate::notify::queue(
            &mut tx,
            crate::notify::Event::Rewritten,
            idea.id,
            Some(staff.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(number)
}

/// The author objects to the current rewrite; recorded once per version and shown publicly.
pub async fn object(db: &Db, author: &CurrentUser, idea: &Idea, body: &str) -> Result<()> {
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
    let id = Uuid::now_v7();
    let mut tx = db.begin().await?;
    let inserted = exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_objections (id, idea_id, version_number, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(id)
    .bind(idea.id)
    .bind(idea.version)
    .bind(author.id)
    .bind(&body)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    });
    if let Err(e) = inserted {
        if is_unique_violation(&e) {
            return Err(Error::Conflict(Msg::new("dialogue-error-objected-already")));
        }
        return Err(e.into());
    }
    tx.audit(
        &author.actor(),
        "idea.object",
        "dialogue_idea",
        &idea.id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"version": idea.version, "objection": body})),
    )
    .await?;
    tx.commit().await
}

/// A private staff note on an idea; never shown publicly.
pub async fn add_note(db: &Db, staff: &CurrentUser, idea: &Idea, body: &str) -> Result<()> {
    let mut errors = Vec::new();
    let body = text::check(&mut errors, "note_body", body, text::NOTE_MAX, true);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = Uuid::now_v7();
    let mut tx = db.begin().await?;
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
    tx.audit(
        &staff.actor(),
        "idea.note",
        "dialogue_idea",
        &idea.id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"note": id})),
    )
    .await?;
    tx.commit().await
}

/// Follows or stops following an idea; returns whether the person follows it now.
pub async fn toggle_follow(db: &Db, user: &CurrentUser, idea: &Idea) -> Result<bool> {
    let mut tx = db.begin().await?;
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
    tx.audit(
        &user.actor(),
        if removed == 0 {
            "idea.follow"
        } else {
            "idea.unfollow"
        },
        "dialogue_idea",
        &idea.id.to_string(),
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(removed == 0)
}

pub async fn follows(db: &Db, user_id: Uuid, idea_id: Uuid) -> Result<bool> {
    let n: i64 = read!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM dialogue_follows WHERE idea_id = $1 AND user_id = $2"
    )
    .bind(idea_id)
    .bind(user_id)
    .fetch_one(&mut *c)
    .await?);
    Ok(n > 0)
}

pub async fn followers(db: &Db, idea_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(read!(db, |c| sqlx::query_scalar(
        "SELECT user_id FROM dialogue_follows WHERE idea_id = $1"
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?))
}

// ---- comments ----

/// Adds a comment while a phase that lets this person comment is open.
pub async fn add_comment(
    db: &Db,
    process: &ProcessFull,
    idea: &Idea,
    user: &CurrentUser,
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
    let mut tx = db.begin().await?;
    let recent: i64 = exec!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM dialogue_comments WHERE author_id = $1 AND created_at > $2"
    )
    .bind(user.id)
    .bind(at - Duration::minutes(10))
    .fetch_one(&mut *c)
    .await?);
    if recent >= COMMENTS_PER_TEN_MINUTES {
        return Err(Error::RateLimited(
            Msg::new("dialogue-error-flood-comments").arg("count", COMMENTS_PER_TEN_MINUTES),
        ));
    }
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_comments (id, idea_id, author_id, body, lang, status, sample, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'visible', FALSE, $6, $6)"
    )
    .bind(id)
    .bind(idea.id)
    .bind(user.id)
    .bind(&body)
    .bind(lang.code())
    .bind(at)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit(
        &user.actor(),
        "comment.create",
        "dialogue_comment",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"idea": idea.id, "body": body})),
    )
    .await?;
    crate::notify::queue(
        &mut tx,
        crate::notify::Event::Commented,
        idea.id,
        Some(user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
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
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_comments (id, idea_id, author_id, body, lang, status, sample, created_at, updated_at) \
         VALUES ($1, $2, NULL, $3, $4, 'visible', TRUE, $5, $5)"
    )
    .bind(id)
    .bind(idea_id)
    .bind(body)
    .bind(lang.code())
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit(
        actor,
        "comment.create",
        "dialogue_comment",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({"idea": idea_id, "sample": true})),
    )
    .await?;
    Ok(id)
}

const COMMENT_SELECT: &str = "SELECT m.id, m.idea_id, m.author_id, m.body, m.lang, m.status, m.sample, m.created_at, m.updated_at, \
     u.display_name AS author_name FROM dialogue_comments m LEFT JOIN users u ON u.id = m.author_id";

pub async fn comments(db: &Db, idea_id: Uuid) -> Result<Vec<Comment>> {
    let sql = format!("{COMMENT_SELECT} WHERE m.idea_id = $1 ORDER BY m.created_at, m.id");
    Ok(read!(db, |c| sqlx::query_as::<_, Comment>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(idea_id)
    .fetch_all(&mut *c)
    .await?))
}

pub async fn comment(db: &Db, id: Uuid) -> Result<Option<Comment>> {
    let sql = format!("{COMMENT_SELECT} WHERE m.id = $1");
    Ok(read!(db, |c| sqlx::query_as::<_, Comment>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}

/// Visible comments of a process, for the open-data download.
pub async fn process_comments(db: &Db, process_id: Uuid) -> Result<Vec<Comment>> {
    let sql = format!(
        "{COMMENT_SELECT} JOIN dialogue_ideas i ON i.id = m.idea_id WHERE i.process_id = $1 AND m.status = 'visible' AND i.status = 'visible' ORDER BY m.created_at, m.id"
    );
    Ok(read!(db, |c| sqlx::query_as::<_, Comment>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(process_id)
    .fetch_all(&mut *c)
    .await?))
}

/// Ideas waiting for staff: submitted or in assessment, in processes `staff` edits for, oldest
/// first; ideas whose author objected to a rewrite come too.
pub async fn queue(db: &Db, staff: &CurrentUser, process_id: Option<Uuid>) -> Result<Vec<Idea>> {
    let sql = format!(
        "{IDEA_SELECT} JOIN dialogue_processes p ON p.id = i.process_id \
         WHERE ($1 OR p.organization_id IN (SELECT organization_id FROM memberships WHERE user_id = $2)) \
         AND ($3 OR i.process_id = $4) AND i.status <> 'removed' \
         AND (i.state IN ('submitted', 'in_assessment') OR EXISTS (SELECT 1 FROM dialogue_objections o WHERE o.idea_id = i.id AND o.version_number = i.version)) \
         ORDER BY i.created_at, i.id LIMIT 500"
    );
    Ok(read!(db, |c| sqlx::query_as::<_, Idea>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(staff.is_admin())
    .bind(staff.id)
    .bind(process_id.is_none())
    .bind(process_id.unwrap_or_else(Uuid::nil))
    .fetch_all(&mut *c)
    .await?))
}
