//! Administration pages: the audit log, people and their roles.

use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::Platform;
use crate::auth::{self, Role, UserRow};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::web::{Admin, CsrfForm, Page, Pager, render, see_other};
use crate::{on, sql};

pub fn pages() -> Router {
    Router::new()
        .route("/admin", get(home))
        .route("/admin/audit", get(audit))
        .route("/admin/users", get(users))
        .route("/admin/users/{id}/role", post(change_role))
        .route("/admin/users/{id}/block", post(block))
        .route("/admin/jobs", get(crate::jobs::admin_list))
        .route("/admin/jobs/{id}", get(crate::jobs::admin_detail))
        .route("/admin/jobs/{id}/retry", post(crate::jobs::admin_retry))
        .route("/admin/jobs/{id}/cancel", post(crate::jobs::admin_cancel))
}

#[derive(askama::Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    page: Page,
}

async fn home(page: Page, _: Admin) -> Result<Response> {
    let page = page.titled("admin-title");
    render(&HomePage { page })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_state: Option<Json<serde_json::Value>>,
    pub after_state: Option<Json<serde_json::Value>>,
}

impl AuditEntry {
    pub fn before_pretty(&self) -> Option<String> {
        self.before_state
            .as_ref()
            .and_then(|j| serde_json::to_string_pretty(&j.0).ok())
    }
    pub fn after_pretty(&self) -> Option<String> {
        self.after_state
            .as_ref()
            .and_then(|j| serde_json::to_string_pretty(&j.0).ok())
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity_type: String,
    #[serde(default)]
    pub entity_id: String,
}

/// The filter of [`list_audit`]: actor (`LIKE`), action prefix, entity type and id; `''` is any.
const AUDIT_WHERE: &str = "WHERE ($1 = '' OR LOWER(actor_label) LIKE $1 ESCAPE '\\') AND ($2 = '' OR action LIKE $2 ESCAPE '\\') \
    AND ($3 = '' OR entity_type = $3) AND ($4 = '' OR entity_id = $4)";

/// The audit log, newest first, filtered by actor, action prefix, entity type and id.
pub async fn list_audit(
    conn: impl Into<Conn<'_>>,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditEntry>, i64)> {
    let actor = like(&f.actor);
    let action = if f.action.trim().is_empty() {
        String::new()
    } else {
        format!("{}%", escape_like(f.action.trim()))
    };
    const PAGE: &str = sql!(
        "SELECT id, at, actor_label, action, entity_type, entity_id, before_state, after_state FROM audit_log ",
        AUDIT_WHERE,
        " ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6"
    );
    const COUNT: &str = sql!("SELECT COUNT(*) FROM audit_log ", AUDIT_WHERE);
    let (entity_type, entity_id) = (f.entity_type.trim(), f.entity_id.trim());
    Ok(on!(conn, |c| {
        let rows = sqlx::query_as::<_, AuditEntry>(PAGE)
            .bind(&actor)
            .bind(&action)
            .bind(entity_type)
            .bind(entity_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar(COUNT)
            .bind(&actor)
            .bind(&action)
            .bind(entity_type)
            .bind(entity_id)
            .fetch_one(&mut *c)
            .await?;
        (rows, total)
    }))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn like(s: &str) -> String {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        s
    } else {
        format!("%{}%", escape_like(&s))
    }
}

#[derive(askama::Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    filter: AuditFilter,
    entries: Vec<AuditEntry>,
    pager: Pager,
}

async fn audit(
    platform: Platform,
    page: Page,
    _: Admin,
    Query(filter): Query<AuditFilter>,
) -> Result<Response> {
    let page = page.titled("admin-audit-title");
    let page = page
        .clone()
        .crumb(page.t("admin-title"), "/admin")
        .crumb(page.title.clone(), "/admin/audit");
    let pager = Pager::new(&page, 50);
    let (entries, total) =
        list_audit(&platform.db, &filter, pager.per_page, pager.offset()).await?;
    render(&AuditPage {
        page,
        filter,
        entries,
        pager: pager.with_total(total),
    })
}

#[derive(askama::Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    users: Vec<UserRow>,
    roles: [Role; 4],
    pager: Pager,
}

async fn users(platform: Platform, page: Page, _: Admin) -> Result<Response> {
    let page = page.titled("admin-users-title");
    let page = page
        .clone()
        .crumb(page.t("admin-title"), "/admin")
        .crumb(page.title.clone(), "/admin/users");
    let pager = Pager::new(&page, 50);
    let (users, total) = auth::list_users(&platform.db, pager.per_page, pager.offset()).await?;
    render(&UsersPage {
        page,
        users,
        roles: Role::ALL,
        pager: pager.with_total(total),
    })
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

async fn change_role(
    platform: Platform,
    page: Page,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response> {
    let role = Role::parse(&form.role).ok_or_else(|| Error::field("role", "error-not-in-list"))?;
    let user = auth::find_user(&platform.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    if user.id == admin.id && role != Role::Admin {
        return Err(Error::forbidden("error-cannot-demote-self"));
    }
    platform
        .db
        .write(async |tx| auth::set_role(tx, &admin.actor(), &user, role).await)
        .await?;
    Ok(see_other(&format!(
        "{}?notice=notice-saved",
        page.url("/admin/users")
    )))
}

#[derive(Deserialize)]
struct BlockForm {
    blocked: String,
}

async fn block(
    platform: Platform,
    page: Page,
    Admin(admin): Admin,
    Path(id): Path<Uuid>,
    CsrfForm(form): CsrfForm<BlockForm>,
) -> Result<Response> {
    let user = auth::find_user(&platform.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    if user.id == admin.id {
        return Err(Error::forbidden("error-cannot-block-self"));
    }
    let blocked = form.blocked == "true";
    platform
        .db
        .write(async |tx| auth::set_blocked(tx, &admin.actor(), &user, blocked).await)
        .await?;
    Ok(see_other(&format!(
        "{}?notice=notice-saved",
        page.url("/admin/users")
    )))
}
