//! Data requests: a signed-in person asks for a dataset to be opened; others vote (one vote a
//! person, enforced by the database), comment and follow; staff assign the request to an
//! organization and answer it through a status workflow that ends released (with the dataset)
//! or declined (with the reason). Followers hear of every status change by e-mail.

pub mod api;
pub mod demo;
pub mod notify;
pub mod pages;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use platform::auth::{CurrentUser, Role};
use platform::db::{Actor, Db, Tx, now};
use platform::error::is_unique_violation;
use platform::{Error, FieldError, Lang, Msg, Result, exec, read};

pub const STATUSES: [&str; 6] = [
    "submitted",
    "under_review",
    "in_progress",
    "planned",
    "released",
    "declined",
];

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 5000;
pub const COMMENT_MAX: usize = 4000;
pub const NOTE_MAX: usize = 2000;

/// How many of the most-voted requests the charter dashboard measures.
pub const TOP: i64 = 25;

/// The statuses a request may move to from `from`. A released request is final; a declined one
/// may be reconsidered.
pub fn next_statuses(from: &str) -> &'static [&'static str] {
    match from {
        "submitted" => &["under_review", "declined"],
        "under_review" => &["in_progress", "planned", "released", "declined"],
        "in_progress" => &["planned", "released", "declined"],
        "planned" => &["in_progress", "planned", "released", "declined"],
        "declined" => &["under_review"],
        _ => &[],
    }
}

/// Whether people may still vote: not once the request is answered.
pub fn is_open(status: &str) -> bool {
    !matches!(status, "released" | "declined")
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct DataRequest {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    /// The language the request was written in (`en` or `fr`).
    pub lang: String,
    pub suggested_organization_id: Option<Uuid>,
    /// The organization the request is assigned to.
    pub organization_id: Option<Uuid>,
    pub status: String,
    #[serde(with = "crate::forms::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub planned_date: Option<Date>,
    /// The released dataset.
    pub dataset_id: Option<Uuid>,
    pub decline_reason: String,
    #[serde(skip)]
    pub author_id: Option<Uuid>,
    /// Demo content, labelled as a sample wherever it shows.
    pub sample: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub votes: i64,
}

impl DataRequest {
    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.lang).unwrap_or_default()
    }
}

const COLUMNS: &str = "r.id, r.title, r.description, r.lang, r.suggested_organization_id, r.organization_id, r.status, r.planned_date, \
    r.dataset_id, r.decline_reason, r.author_id, r.sample, r.created_at, r.updated_at, \
    (SELECT COUNT(*) FROM data_request_votes v WHERE v.request_id = r.id) AS votes";

#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub id: Uuid,
    #[serde(skip)]
    pub author_id: Option<Uuid>,
    pub author_name: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The comment this one replies to; replies go one level deep.
    pub parent_id: Option<Uuid>,
    /// When its author last edited it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
}

/// How long after posting an author may still edit a comment.
pub const COMMENT_EDIT_MINUTES: i64 = 15;

impl Comment {
    /// Whether `user` wrote it and may still edit it now.
    pub fn editable_by(&self, user: Option<&CurrentUser>) -> bool {
        user.is_some_and(|u| self.author_id == Some(u.id))
            && now() - self.created_at <= time::Duration::minutes(COMMENT_EDIT_MINUTES)
    }
}

/// One step of a request's public history.
#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub status: String,
    pub organization_id: Option<Uuid>,
    #[serde(with = "crate::forms::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub planned_date: Option<Date>,
    pub dataset_id: Option<Uuid>,
    pub note: String,
}

/// A new request as a person writes it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NewRequest {
    pub title: String,
    pub description: String,
    /// The slug of the organization the person thinks holds the data (optional).
    #[serde(default)]
    pub organization: String,
    /// `en` or `fr`; the page's language when submitted from a page.
    #[serde(default)]
    pub lang: String,
}

/// A status change as staff make it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub status: String,
    /// Required for `planned`: the date the data is planned to be released (YYYY-MM-DD).
    #[serde(default, with = "crate::forms::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub planned_date: Option<Date>,
    /// Required for `released`: the dataset's name or id.
    #[serde(default)]
    pub dataset: String,
    /// Required for `declined`: why. Optional otherwise, shown in the request's history.
    #[serde(default)]
    pub note: String,
}

fn too_long(field: &str, text: &str, max: usize) -> Option<FieldError> {
    (text.chars().count() > max)
        .then(|| FieldError::with(field, Msg::new("error-too-long").arg("max", max)))
}

fn required(field: &str, text: &str) -> Option<FieldError> {
    text.trim()
        .is_empty()
        .then(|| FieldError::new(field, "error-required"))
}

/// Staff may answer a request: administrators any, organization editors those assigned to one of
/// their organizations or to none yet.
pub fn can_manage(user: &CurrentUser, r: &DataRequest) -> bool {
    user.is_admin()
        || (user.role == Role::Editor
            && r.organization_id
                .is_none_or(|o| user.organizations.contains(&o)))
}

// ---- reading ----

pub async fn get(db: &Db, id: Uuid) -> Result<Option<DataRequest>> {
    let sql = format!("SELECT {COLUMNS} FROM data_requests r WHERE r.id = $1");
    Ok(read!(db, |c| sqlx::query_as::<_, DataRequest>(
        sqlx::AssertSqlSafe(sql.as_str())
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Only requests with this status.
    #[serde(default)]
    pub status: String,
    /// Only requests assigned to this organization (its slug).
    #[serde(default)]
    pub organization: String,
}

/// Requests ranked by votes (most first, then oldest first), filtered, with the total.
pub async fn list(
    db: &Db,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DataRequest>, i64)> {
    let status = filter.status.trim();
    let org = match filter.organization.trim() {
        "" => None,
        slug => match platform::orgs::find_by_slug(db, slug).await? {
            Some(o) => Some(o.id),
            None => return Ok((vec![], 0)),
        },
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM data_requests r WHERE ($1 = '' OR r.status = $1) AND ($2 OR r.organization_id = $3) \
         ORDER BY votes DESC, r.created_at, r.id LIMIT $4 OFFSET $5"
    );
    Ok(read!(db, |c| {
        let rows = sqlx::query_as::<_, DataRequest>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(status)
            .bind(org.is_none())
            .bind(org.unwrap_or(Uuid::nil()))
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM data_requests r WHERE ($1 = '' OR r.status = $1) AND ($2 OR r.organization_id = $3)",
        )
        .bind(status)
        .bind(org.is_none())
        .bind(org.unwrap_or(Uuid::nil()))
        .fetch_one(&mut *c)
        .await?;
        (rows, total)
    }))
}

/// The seed's measure: how many of the most-voted requests are released, out of how many.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TopMeasure {
    pub released: i64,
    /// The number of requests measured: 25, or fewer while there are fewer requests.
    pub of: i64,
}

pub async fn top_measure(db: &Db) -> Result<TopMeasure> {
    let statuses: Vec<String> = read!(db, |c| {
        sqlx::query_scalar(
            "SELECT r.status FROM data_requests r \
             ORDER BY (SELECT COUNT(*) FROM data_request_votes v WHERE v.request_id = r.id) DESC, r.created_at, r.id LIMIT $1",
        )
        .bind(TOP)
        .fetch_all(&mut *c)
        .await?
    });
    Ok(TopMeasure {
        released: statuses.iter().filter(|s| *s == "released").count() as i64,
        of: statuses.len() as i64,
    })
}

pub async fn comments(db: &Db, request: Uuid) -> Result<Vec<Comment>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, Comment>(
            "SELECT id, author_id, author_name, body, created_at, parent_id, edited_at FROM data_request_comments WHERE request_id = $1 ORDER BY id",
        )
        .bind(request)
        .fetch_all(&mut *c)
        .await?
    }))
}

pub async fn events(db: &Db, request: Uuid) -> Result<Vec<Event>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, Event>(
            "SELECT id, at, status, organization_id, planned_date, dataset_id, note FROM data_request_events WHERE request_id = $1 ORDER BY id",
        )
        .bind(request)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// What one person has done about a request: voted, following.
#[derive(Clone, Copy, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub voted: bool,
    pub following: bool,
}

pub async fn standing(db: &Db, request: Uuid, user: Uuid) -> Result<Standing> {
    let (voted, following): (i64, i64) = read!(db, |c| {
        let voted = sqlx::query_scalar(
            "SELECT COUNT(*) FROM data_request_votes WHERE request_id = $1 AND user_id = $2",
        )
        .bind(request)
        .bind(user)
        .fetch_one(&mut *c)
        .await?;
        let following = sqlx::query_scalar(
            "SELECT COUNT(*) FROM data_request_followers WHERE request_id = $1 AND user_id = $2",
        )
        .bind(request)
        .bind(user)
        .fetch_one(&mut *c)
        .await?;
        (voted, following)
    });
    Ok(Standing {
        voted: voted > 0,
        following: following > 0,
    })
}

pub async fn followers(db: &Db, request: Uuid) -> Result<Vec<Uuid>> {
    Ok(read!(db, |c| {
        sqlx::query_scalar(
            "SELECT user_id FROM data_request_followers WHERE request_id = $1 ORDER BY created_at",
        )
        .bind(request)
        .fetch_all(&mut *c)
        .await?
    }))
}

// ---- writing ----

async fn organization_by_slug(db: &Db, slug: &str) -> Result<Option<Uuid>> {
    Ok(platform::orgs::find_by_slug(db, slug.trim())
        .await?
        .map(|o| o.id))
}

/// Submits a request; its author follows it. Every problem is reported at once.
pub async fn create(db: &Db, user: &CurrentUser, new: &NewRequest) -> Result<Uuid> {
    let mut errors: Vec<FieldError> = [
        required("title", &new.title),
        too_long("title", new.title.trim(), TITLE_MAX),
        required("description", &new.description),
        too_long("description", new.description.trim(), DESCRIPTION_MAX),
    ]
    .into_iter()
    .flatten()
    .collect();
    let lang = match new.lang.trim() {
        "" => "en",
        code if Lang::from_code(code).is_some() => code,
        _ => {
            errors.push(FieldError::new("lang", "error-not-in-list"));
            "en"
        }
    };
    let suggested = match new.organization.trim() {
        "" => None,
        slug => {
            let found = organization_by_slug(db, slug).await?;
            if found.is_none() {
                errors.push(FieldError::new(
                    "organization",
                    "catalogue-request-error-organization",
                ));
            }
            found
        }
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = Uuid::now_v7();
    let at = now();
    let mut tx = db.begin().await?;
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO data_requests (id, title, description, lang, suggested_organization_id, status, author_id, sample, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'submitted', $6, FALSE, $7, $7)",
        )
        .bind(id)
        .bind(new.title.trim())
        .bind(new.description.trim())
        .bind(lang)
        .bind(suggested)
        .bind(user.id)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    insert_event(&mut tx, id, "submitted", None, None, None, "").await?;
    follow_in(&mut tx, id, user.id, true).await?;
    tx.audit(
        &user.actor(),
        "data_request.create",
        "data_request",
        &id.to_string(),
        None::<&()>,
        Some(new),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_event(
    tx: &mut Tx,
    request: Uuid,
    status: &str,
    organization: Option<Uuid>,
    planned_date: Option<Date>,
    dataset: Option<Uuid>,
    note: &str,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO data_request_events (id, request_id, at, status, organization_id, planned_date, dataset_id, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::now_v7())
        .bind(request)
        .bind(now())
        .bind(status)
        .bind(organization)
        .bind(planned_date)
        .bind(dataset)
        .bind(note)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// Casts `user`'s vote. A second vote is refused by the primary key, never by a prior check, so
/// two votes sent at once still count once.
pub async fn vote(db: &Db, user: &CurrentUser, r: &DataRequest) -> Result<()> {
    if !is_open(&r.status) {
        return Err(Error::Conflict(Msg::new("catalogue-request-error-closed")));
    }
    let mut tx = db.begin().await?;
    let inserted = exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO data_request_votes (request_id, user_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(r.id)
        .bind(user.id)
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    });
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::Conflict(Msg::new(
                "catalogue-request-error-voted-already",
            )));
        }
        Err(e) => return Err(e.into()),
        Ok(_) => {}
    }
    tx.commit().await
}

/// Withdraws `user`'s vote; refused when there is none, or once the request is answered (its
/// votes are then part of the record).
pub async fn withdraw_vote(db: &Db, user: &CurrentUser, r: &DataRequest) -> Result<()> {
    if !is_open(&r.status) {
        return Err(Error::Conflict(Msg::new("catalogue-request-error-closed")));
    }
    let mut tx = db.begin().await?;
    let removed = exec!(tx, |c| {
        sqlx::query("DELETE FROM data_request_votes WHERE request_id = $1 AND user_id = $2")
            .bind(r.id)
            .bind(user.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    if removed == 0 {
        return Err(Error::Conflict(Msg::new(
            "catalogue-request-error-not-voted",
        )));
    }
    tx.commit().await
}

async fn follow_in(tx: &mut Tx, request: Uuid, user: Uuid, on: bool) -> Result<()> {
    exec!(tx, |c| {
        if on {
            sqlx::query(
                "INSERT INTO data_request_followers (request_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(request)
            .bind(user)
            .bind(now())
            .execute(&mut *c)
            .await?
            .rows_affected()
        } else {
            sqlx::query("DELETE FROM data_request_followers WHERE request_id = $1 AND user_id = $2")
                .bind(request)
                .bind(user)
                .execute(&mut *c)
                .await?
                .rows_affected()
        }
    });
    Ok(())
}

/// Starts or stops following a request; doing it twice changes nothing.
pub async fn follow(db: &Db, user: &CurrentUser, r: &DataRequest, on: bool) -> Result<()> {
    let mut tx = db.begin().await?;
    follow_in(&mut tx, r.id, user.id, on).await?;
    tx.commit().await
}

pub async fn comment(db: &Db, user: &CurrentUser, r: &DataRequest, body: &str) -> Result<Uuid> {
    add_comment(db, user, r, None, body).await
}

/// Replies to a comment of the request; a reply to a reply answers the comment it replies to, so
/// replies go one level deep.
pub async fn reply(
    db: &Db,
    user: &CurrentUser,
    r: &DataRequest,
    parent_id: Uuid,
    body: &str,
) -> Result<Uuid> {
    let parent = comments(db, r.id)
        .await?
        .into_iter()
        .find(|c| c.id == parent_id)
        .ok_or_else(|| Error::field("body", "catalogue-request-error-reply-target"))?;
    add_comment(
        db,
        user,
        r,
        Some(parent.parent_id.unwrap_or(parent.id)),
        body,
    )
    .await
}

/// Changes the text of `user`'s own comment within [`COMMENT_EDIT_MINUTES`] of posting it; the
/// comment then shows when it was edited.
pub async fn edit_comment(
    db: &Db,
    user: &CurrentUser,
    r: &DataRequest,
    id: Uuid,
    body: &str,
) -> Result<()> {
    let before = comments(db, r.id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(Error::NotFound)?;
    if before.author_id != Some(user.id) {
        return Err(Error::forbidden("catalogue-request-error-author-only"));
    }
    if !before.editable_by(Some(user)) {
        return Err(Error::Validation(vec![FieldError::with(
            "body",
            Msg::new("catalogue-request-error-edit-window").arg("minutes", COMMENT_EDIT_MINUTES),
        )]));
    }
    let errors: Vec<FieldError> = [
        required("body", body),
        too_long("body", body.trim(), COMMENT_MAX),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let at = now();
    let mut tx = db.begin().await?;
    exec!(tx, |c| sqlx::query(
        "UPDATE data_request_comments SET body = $1, edited_at = $2 WHERE id = $3"
    )
    .bind(body.trim())
    .bind(at)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit(
        &user.actor(),
        "data_request.comment_edit",
        "data_request",
        &r.id.to_string(),
        Some(&before.body),
        Some(&body.trim()),
    )
    .await?;
    tx.commit().await
}

async fn add_comment(
    db: &Db,
    user: &CurrentUser,
    r: &DataRequest,
    parent_id: Option<Uuid>,
    body: &str,
) -> Result<Uuid> {
    let errors: Vec<FieldError> = [
        required("body", body),
        too_long("body", body.trim(), COMMENT_MAX),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = Uuid::now_v7();
    let mut tx = db.begin().await?;
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO data_request_comments (id, request_id, author_id, author_name, body, created_at, parent_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(r.id)
        .bind(user.id)
        .bind(user.display_name.trim())
        .bind(body.trim())
        .bind(now())
        .bind(parent_id)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.audit(
        &user.actor(),
        "data_request.comment",
        "data_request",
        &r.id.to_string(),
        None::<&()>,
        Some(&body.trim()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The request's answer as stored, for the audit log.
#[derive(Serialize)]
struct Answer<'a> {
    status: &'a str,
    organization_id: Option<Uuid>,
    planned_date: Option<Date>,
    dataset_id: Option<Uuid>,
    decline_reason: &'a str,
}

impl<'a> From<&'a DataRequest> for Answer<'a> {
    fn from(r: &'a DataRequest) -> Self {
        Answer {
            status: &r.status,
            organization_id: r.organization_id,
            planned_date: r.planned_date,
            dataset_id: r.dataset_id,
            decline_reason: &r.decline_reason,
        }
    }
}

/// Moves a request along the workflow, all or nothing. Returns the request as it now is.
pub async fn change_status(
    db: &Db,
    user: &CurrentUser,
    r: &DataRequest,
    change: &StatusChange,
    today: Date,
) -> Result<DataRequest> {
    if !can_manage(user, r) {
        return Err(Error::forbidden("catalogue-request-error-staff-only"));
    }
    let status = change.status.trim();
    let note = change.note.trim();
    let mut errors = Vec::new();
    if !STATUSES.contains(&status) {
        errors.push(FieldError::new("status", "error-not-in-list"));
    } else if !next_statuses(&r.status).contains(&status) {
        errors.push(FieldError::new(
            "status",
            "catalogue-request-error-transition",
        ));
    }
    errors.extend(too_long("note", note, NOTE_MAX));
    let mut planned_date = None;
    let mut dataset = None;
    match status {
        "planned" => match change.planned_date {
            None => errors.push(FieldError::new(
                "planned_date",
                "catalogue-request-error-planned-date",
            )),
            Some(d) if d < today => errors.push(FieldError::new(
                "planned_date",
                "catalogue-request-error-planned-past",
            )),
            Some(d) => planned_date = Some(d),
        },
        "released" => match change.dataset.trim() {
            "" => errors.push(FieldError::new(
                "dataset",
                "catalogue-request-error-dataset-required",
            )),
            name => match crate::store::dataset_row(db, name).await? {
                Some(d) if d.is_public() => dataset = Some(d.id),
                _ => errors.push(FieldError::new(
                    "dataset",
                    "catalogue-request-error-dataset-unknown",
                )),
            },
        },
        "declined" if note.is_empty() => {
            errors.push(FieldError::new("note", "catalogue-request-error-reason"))
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let decline_reason = if status == "declined" { note } else { "" };
    let mut tx = db.begin().await?;
    exec!(tx, |c| {
        sqlx::query(
            "UPDATE data_requests SET status = $2, planned_date = $3, dataset_id = $4, decline_reason = $5, updated_at = $6 WHERE id = $1",
        )
        .bind(r.id)
        .bind(status)
        .bind(planned_date)
        .bind(dataset)
        .bind(decline_reason)
        .bind(now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    insert_event(
        &mut tx,
        r.id,
        status,
        r.organization_id,
        planned_date,
        dataset,
        note,
    )
    .await?;
    let after = DataRequest {
        status: status.to_string(),
        planned_date,
        dataset_id: dataset,
        decline_reason: decline_reason.to_string(),
        ..r.clone()
    };
    notify::queue(&mut tx, &after, user.id).await?;
    record_answer(tx, user, "data_request.status", r, after).await
}

/// Audits a change to a request's answer and commits it.
async fn record_answer(
    mut tx: Tx,
    user: &CurrentUser,
    action: &str,
    before: &DataRequest,
    after: DataRequest,
) -> Result<DataRequest> {
    tx.audit(
        &user.actor(),
        action,
        "data_request",
        &before.id.to_string(),
        Some(&Answer::from(before)),
        Some(&Answer::from(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Assigns a request to an organization (its slug), or to none with an empty slug.
pub async fn assign(
    db: &Db,
    user: &CurrentUser,
    r: &DataRequest,
    organization: &str,
) -> Result<DataRequest> {
    if !can_manage(user, r) {
        return Err(Error::forbidden("catalogue-request-error-staff-only"));
    }
    let org =
        match organization.trim() {
            "" => None,
            slug => Some(organization_by_slug(db, slug).await?.ok_or_else(|| {
                Error::field("organization", "catalogue-request-error-organization")
            })?),
        };
    let mut tx = db.begin().await?;
    exec!(tx, |c| {
        sqlx::query("UPDATE data_requests SET organization_id = $2, updated_at = $3 WHERE id = $1")
            .bind(r.id)
            .bind(org)
            .bind(now())
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    insert_event(
        &mut tx,
        r.id,
        &r.status,
        org,
        r.planned_date,
        r.dataset_id,
        "",
    )
    .await?;
    let after = DataRequest {
        organization_id: org,
        ..r.clone()
    };
    record_answer(tx, user, "data_request.assign", r, after).await
}

/// A sample request for the demo, already answered.
pub struct Sample<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub lang: Lang,
    pub organization: Option<Uuid>,
    pub status: &'a str,
    pub planned_date: Option<Date>,
    pub dataset: Option<Uuid>,
    pub note: &'a str,
}

/// Writes a sample request, labelled as such wherever it shows. Returns its id.
pub async fn create_sample(tx: &mut Tx, actor: &Actor, s: &Sample<'_>) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let at = now();
    let decline_reason = if s.status == "declined" { s.note } else { "" };
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO data_requests (id, title, description, lang, suggested_organization_id, organization_id, status, planned_date, dataset_id, \
             decline_reason, author_id, sample, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, NULL, TRUE, $10, $10)",
        )
        .bind(id)
        .bind(s.title)
        .bind(s.description)
        .bind(s.lang.code())
        .bind(s.organization)
        .bind(s.status)
        .bind(s.planned_date)
        .bind(s.dataset)
        .bind(decline_reason)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    insert_event(tx, id, "submitted", None, None, None, "").await?;
    if s.status != "submitted" {
        insert_event(
            tx,
            id,
            s.status,
            s.organization,
            s.planned_date,
            s.dataset,
            s.note,
        )
        .await?;
    }
    tx.audit(
        actor,
        "data_request.create",
        "data_request",
        &id.to_string(),
        None::<&()>,
        Some(&s.title),
    )
    .await?;
    Ok(id)
}

pub async fn count_samples(db: &Db) -> Result<i64> {
    Ok(read!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM data_requests WHERE sample = TRUE"
    )
    .fetch_one(&mut *c)
    .await?))
}
