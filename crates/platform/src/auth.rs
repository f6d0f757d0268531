//! Accounts, roles, sessions, one-time e-mail tokens, API tokens and log-in rate limits.
//!
//! Secrets (session ids, e-mail tokens, API tokens) are random 32-byte values shown once; only
//! their SHA-256 is stored. Passwords are hashed with argon2id off the async threads.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::db::{Actor, Audited, Conn, Db, OnViolation, Tx, now};
use crate::error::{Error, FieldError, Msg, Result};
use crate::{exec, on, sql};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Editor,
    Moderator,
    Participant,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Editor,
        Role::Moderator,
        Role::Participant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Moderator => "moderator",
            Role::Participant => "participant",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The message key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Editor => "role-editor",
            Role::Moderator => "role-moderator",
            Role::Participant => "role-participant",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub locale: String,
    pub verified_at: Option<OffsetDateTime>,
    pub blocked_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// The person making a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub verified: bool,
    /// Organizations this person edits for.
    pub organizations: Vec<Uuid>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    pub fn is_moderator(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Moderator)
    }
    /// Admins edit for every organization; editors for theirs.
    /// The organizations this person edits for: their memberships, but only with the editor role;
    /// a membership alone grants nothing. (Administrators act for every organization.)
    pub fn editor_organizations(&self) -> &[Uuid] {
        if self.role == Role::Editor {
            &self.organizations
        } else {
            &[]
        }
    }
    pub fn can_edit_for(&self, organization: Uuid) -> bool {
        self.is_admin() || (self.role == Role::Editor && self.organizations.contains(&organization))
    }
    pub fn actor(&self) -> Actor {
        Actor::user(self.id, &self.email)
    }
    pub fn name(&self) -> &str {
        if self.display_name.is_empty() {
            &self.email
        } else {
            &self.display_name
        }
    }
}

/// A user as shown to admins and sent in audit records: never the password hash.
#[derive(Clone, Debug, Serialize)]
pub struct UserSummary {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub verified: bool,
    pub blocked: bool,
    pub created_at: OffsetDateTime,
}

impl From<&UserRow> for UserSummary {
    fn from(u: &UserRow) -> Self {
        UserSummary {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
            verified: u.verified_at.is_some(),
            blocked: u.blocked_at.is_some(),
            created_at: u.created_at,
        }
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub verified: bool,
    pub locale: &'a str,
}

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 1024;
pub const SESSION_DAYS: i64 = 14;
pub const SESSION_COOKIE: &str = "agora_session";
/// The session cookie's name when cookies are secure (an https base URL); see
/// `web::CSRF_COOKIE_SECURE` for why there are two names.
pub const SESSION_COOKIE_SECURE: &str = "__Host-agora_session";

/// The session cookie's name under these settings.
pub fn session_cookie_name(settings: &crate::config::Settings) -> &'static str {
    if settings.secure_cookies() {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
}

/// Checks the fields of a new account; every problem at once.
pub fn validate_new_user(
    email: &str,
    display_name: &str,
    password: &str,
    confirm: Option<&str>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if email.trim().is_empty() {
        errors.push(FieldError::new("email", "error-required"));
    } else if !valid_email(&normalize_email(email)) {
        errors.push(FieldError::new("email", "error-email-invalid"));
    }
    if display_name.chars().count() > 100 {
        errors.push(FieldError::with(
            "display_name",
            Msg::new("error-too-long").arg("max", 100),
        ));
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        errors.push(FieldError::with(
            "password",
            Msg::new("error-password-short").arg("min", MIN_PASSWORD_LEN),
        ));
    } else if password.len() > MAX_PASSWORD_LEN {
        errors.push(FieldError::with(
            "password",
            Msg::new("error-too-long").arg("max", MAX_PASSWORD_LEN),
        ));
    }
    if let Some(confirm) = confirm
        && confirm != password
    {
        errors.push(FieldError::new(
            "password_confirm",
            "error-password-mismatch",
        ));
    }
    errors
}

/// Password hashes computed at once: argon2 takes 19 MiB and a core's worth of time per hash, so
/// a burst of log-ins waits here instead of exhausting memory and blocking threads.
static HASHING_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(hashing_slots()));
static HASHING_NOW: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static HASHING_PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many password hashes may run at once: one per core.
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The most password hashes that ever ran at once in this process.
pub fn hashing_peak() -> usize {
    HASHING_PEAK.load(std::sync::atomic::Ordering::SeqCst)
}

/// Runs an argon2 computation on the blocking pool, at most [`hashing_slots`] at a time.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    use std::sync::atomic::Ordering;
    let _slot = HASHING_SLOTS.acquire().await.map_err(Error::internal)?;
    tokio::task::spawn_blocking(move || {
        let now = HASHING_NOW.fetch_add(1, Ordering::SeqCst) + 1;
        HASHING_PEAK.fetch_max(now, Ordering::SeqCst);
        let out = work();
        HASHING_NOW.fetch_sub(1, Ordering::SeqCst);
        out
    })
    .await
    .map_err(Error::internal)
}

pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_string();
    with_hashing_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| Error::internal(anyhow::anyhow!("argon2: {e}")))
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let password = password.to_string();
    let hash = hash.to_string();
    with_hashing_slot(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A new random secret, URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

const USER_COLUMNS: &str =
    "id, email, display_name, password_hash, role, locale, verified_at, blocked_at, created_at";

/// How the audit log names an account (`user.create`, `user.role`, …).
const USER: Audited = Audited::new("user", "user");
/// An account's editor membership of an organization, logged against the account.
const MEMBERSHIP: Audited = Audited::new("membership", "user");
const API_TOKEN: Audited = Audited::new("token", "api_token");

pub async fn create_user(tx: &mut Tx, actor: &Actor, new: NewUser<'_>) -> Result<UserRow> {
    let errors = validate_new_user(new.email, new.display_name, new.password, None);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let hash = hash_password(new.password).await?;
    let at = now();
    let user = UserRow {
        id: Uuid::now_v7(),
        email: normalize_email(new.email),
        display_name: new.display_name.trim().to_string(),
        password_hash: hash,
        role: new.role.as_str().to_string(),
        locale: new.locale.to_string(),
        verified_at: new.verified.then_some(at),
        blocked_at: None,
        created_at: at,
    };
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, role, locale, verified_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(&user.role)
        .bind(&user.locale)
        .bind(user.verified_at)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("email", "error-email-taken"))?;
    tx.audit_created(actor, USER, user.id, &UserSummary::from(&user))
        .await?;
    Ok(user)
}

pub async fn find_user_by_email(conn: impl Into<Conn<'_>>, email: &str) -> Result<Option<UserRow>> {
    const BY_EMAIL: &str = sql!("SELECT ", USER_COLUMNS, " FROM users WHERE email = $1");
    let email = normalize_email(email);
    Ok(on!(conn, |c| sqlx::query_as::<_, UserRow>(BY_EMAIL)
        .bind(&email)
        .fetch_optional(&mut *c)
        .await?))
}

pub async fn find_user(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<UserRow>> {
    const BY_ID: &str = sql!("SELECT ", USER_COLUMNS, " FROM users WHERE id = $1");
    Ok(on!(conn, |c| sqlx::query_as::<_, UserRow>(BY_ID)
        .bind(id)
        .fetch_optional(&mut *c)
        .await?))
}

pub async fn list_users(
    conn: impl Into<Conn<'_>>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64)> {
    const PAGE: &str = sql!(
        "SELECT ",
        USER_COLUMNS,
        " FROM users ORDER BY created_at DESC, id LIMIT $1 OFFSET $2"
    );
    Ok(on!(conn, |c| {
        let rows = sqlx::query_as::<_, UserRow>(PAGE)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&mut *c)
            .await?;
        (rows, total)
    }))
}

async fn current_user(db: &Db, user: UserRow) -> Result<CurrentUser> {
    let organizations: Vec<Uuid> = on!(db, |c| sqlx::query_scalar(
        "SELECT organization_id FROM memberships WHERE user_id = $1"
    )
    .bind(user.id)
    .fetch_all(&mut *c)
    .await?);
    Ok(CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: Role::parse(&user.role).unwrap_or(Role::Participant),
        verified: user.verified_at.is_some(),
        organizations,
    })
}

pub async fn set_role(tx: &mut Tx, actor: &Actor, user: &UserRow, role: Role) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "UPDATE users SET role = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(role.as_str())
    .bind(now())
    .bind(user.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_as(
        actor,
        USER,
        "role",
        user.id,
        Some(&user.role),
        Some(&role.as_str()),
    )
    .await
}

pub async fn set_blocked(tx: &mut Tx, actor: &Actor, user: &UserRow, blocked: bool) -> Result<()> {
    let at = now();
    exec!(tx, |c| {
        sqlx::query("UPDATE users SET blocked_at = $1, updated_at = $2 WHERE id = $3")
            .bind(blocked.then_some(at))
            .bind(at)
            .bind(user.id)
            .execute(&mut *c)
            .await?;
        if blocked {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.id)
                .execute(&mut *c)
                .await?;
        }
    });
    let verb = if blocked { "block" } else { "unblock" };
    tx.audit_as(actor, USER, verb, user.id, None::<&()>, None::<&()>)
        .await
}

/// Makes a person an editor for an organization.
pub async fn add_membership(
    tx: &mut Tx,
    actor: &Actor,
    user_id: Uuid,
    organization_id: Uuid,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES ($1, $2, 'editor', $3) ON CONFLICT (user_id, organization_id) DO NOTHING"
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        actor,
        MEMBERSHIP,
        "add",
        user_id,
        None::<&()>,
        Some(&organization_id),
    )
    .await
}

pub async fn set_password(tx: &mut Tx, actor: &Actor, user_id: Uuid, password: &str) -> Result<()> {
    let hash = hash_password(password).await?;
    exec!(tx, |c| {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(&hash)
            .bind(now())
            .bind(user_id)
            .execute(&mut *c)
            .await?;
        // A new password ends every session and every password-reset link not yet used.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "DELETE FROM user_tokens WHERE user_id = $1 AND purpose = 'reset' AND used_at IS NULL",
        )
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    });
    tx.audit_as(actor, USER, "password", user_id, None::<&()>, None::<&()>)
        .await
}

// ---- sessions ----

/// Opens a session and returns the secret that goes in the cookie.
pub async fn create_session(db: &Db, user_id: Uuid) -> Result<String> {
    let secret = new_secret();
    let at = now();
    db.write(async |tx| {
        exec!(tx, |c| {
        // Sweep this person's expired sessions while we are here.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
            .bind(user_id)
            .bind(at)
            .execute(&mut *c)
            .await?;
        sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)")
            .bind(hash_secret(&secret))
            .bind(user_id)
            .bind(at)
            .bind(at + Duration::days(SESSION_DAYS))
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    })
    .await?;
    Ok(secret)
}

pub async fn session_user(db: &Db, secret: &str) -> Result<Option<CurrentUser>> {
    // `id_hash` is the sessions' key, so the subquery names one account at most.
    const BY_SESSION: &str = sql!(
        "SELECT ",
        USER_COLUMNS,
        " FROM users WHERE id IN (SELECT user_id FROM sessions WHERE id_hash = $1 AND expires_at > $2) \
         AND blocked_at IS NULL"
    );
    let hash = hash_secret(secret);
    let row = on!(db, |c| sqlx::query_as::<_, UserRow>(BY_SESSION)
        .bind(&hash)
        .bind(now())
        .fetch_optional(&mut *c)
        .await?);
    match row {
        Some(user) => Ok(Some(current_user(db, user).await?)),
        None => Ok(None),
    }
}

pub async fn end_session(db: &Db, secret: &str) -> Result<()> {
    db.write(async |tx| {
        exec!(tx, |c| sqlx::query(
            "DELETE FROM sessions WHERE id_hash = $1"
        )
        .bind(hash_secret(secret))
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    })
    .await
}

// ---- one-time e-mail tokens ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Verify,
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
        }
    }
    fn lifetime(self) -> Duration {
        match self {
            Purpose::Verify => Duration::days(7),
            Purpose::Reset => Duration::hours(2),
        }
    }
}

/// Issues a one-time token; a new password-reset token ends the older ones not yet used, so
/// only the latest e-mail's link works.
pub async fn issue_email_token(tx: &mut Tx, user_id: Uuid, purpose: Purpose) -> Result<String> {
    let secret = new_secret();
    let at = now();
    if purpose == Purpose::Reset {
        exec!(tx, |c| sqlx::query(
            "DELETE FROM user_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL"
        )
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut *c)
        .await?
        .rows_affected());
    }
    exec!(tx, |c| {
        sqlx::query("INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash_secret(&secret))
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(at)
        .bind(at + purpose.lifetime())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(secret)
}

/// Uses a one-time token: returns its user when the token is valid, unused and unexpired.
pub async fn consume_email_token(
    tx: &mut Tx,
    secret: &str,
    purpose: Purpose,
) -> Result<Option<Uuid>> {
    let at = now();
    let user: Option<Uuid> = exec!(tx, |c| {
        sqlx::query_scalar(
        "UPDATE user_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id"
    )
    .bind(at)
    .bind(hash_secret(secret))
    .bind(purpose.as_str())
    .fetch_optional(&mut *c)
    .await?
    });
    Ok(user)
}

pub async fn mark_verified(tx: &mut Tx, user_id: Uuid) -> Result<()> {
    let at = now();
    exec!(tx, |c| sqlx::query(
        "UPDATE users SET verified_at = COALESCE(verified_at, $1), updated_at = $1 WHERE id = $2"
    )
    .bind(at)
    .bind(user_id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_as(
        &Actor::user(user_id, "self"),
        USER,
        "verify",
        user_id,
        None::<&()>,
        None::<&()>,
    )
    .await
}

// ---- API tokens ----

pub const API_TOKEN_PREFIX: &str = "agora_";

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

impl ApiToken {
    pub fn active(&self) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now())
    }
}

/// Why a presented API token was refused; the message says so to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Expired,
    Revoked,
    Blocked,
    /// An API write signed in by session cookie without the session's CSRF token.
    Csrf,
}

impl TokenProblem {
    pub fn key(self) -> &'static str {
        match self {
            TokenProblem::Unknown => "error-token-unknown",
            TokenProblem::Expired => "error-token-expired",
            TokenProblem::Revoked => "error-token-revoked",
            TokenProblem::Blocked => "error-account-blocked",
            TokenProblem::Csrf => "error-csrf-api",
        }
    }
    pub fn error(self) -> Error {
        Error::forbidden(self.key())
    }
}

/// Creates a named token; the secret is returned once and only its hash is kept.
pub async fn create_api_token(
    tx: &mut Tx,
    actor: &Actor,
    user_id: Uuid,
    name: &str,
    expires_in_days: Option<i64>,
) -> Result<(String, ApiToken)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::field("name", "error-required"));
    }
    if name.chars().count() > 100 {
        return Err(Error::Validation(vec![FieldError::with(
            "name",
            Msg::new("error-too-long").arg("max", 100),
        )]));
    }
    if let Some(days) = expires_in_days
        && !(1..=3650).contains(&days)
    {
        return Err(Error::Validation(vec![FieldError::with(
            "expires",
            Msg::new("error-out-of-range")
                .arg("min", 1)
                .arg("max", 3650),
        )]));
    }
    let secret = format!("{API_TOKEN_PREFIX}{}", new_secret());
    let at = now();
    let token = ApiToken {
        id: Uuid::now_v7(),
        user_id,
        name: name.to_string(),
        prefix: secret[..API_TOKEN_PREFIX.len() + 6].to_string(),
        created_at: at,
        expires_at: expires_in_days.map(|d| at + Duration::days(d)),
        revoked_at: None,
        last_used_at: None,
    };
    exec!(tx, |c| {
        sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(token.id)
        .bind(user_id)
        .bind(&token.name)
        .bind(hash_secret(&secret))
        .bind(&token.prefix)
        .bind(at)
        .bind(token.expires_at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.audit_created(actor, API_TOKEN, token.id, &token).await?;
    Ok((secret, token))
}

const TOKEN_COLUMNS: &str =
    "id, user_id, name, prefix, created_at, expires_at, revoked_at, last_used_at";

pub async fn list_api_tokens(conn: impl Into<Conn<'_>>, user_id: Uuid) -> Result<Vec<ApiToken>> {
    const OF_USER: &str = sql!(
        "SELECT ",
        TOKEN_COLUMNS,
        " FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC"
    );
    Ok(on!(conn, |c| sqlx::query_as::<_, ApiToken>(OF_USER)
        .bind(user_id)
        .fetch_all(&mut *c)
        .await?))
}

pub async fn revoke_api_token(
    tx: &mut Tx,
    actor: &Actor,
    user_id: Uuid,
    token_id: Uuid,
) -> Result<()> {
    let at = now();
    let done = exec!(tx, |c| {
        sqlx::query(
        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND user_id = $3"
    )
    .bind(at)
    .bind(token_id)
    .bind(user_id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    if done == 0 {
        return Err(Error::NotFound);
    }
    tx.audit_as(
        actor,
        API_TOKEN,
        "revoke",
        token_id,
        None::<&()>,
        None::<&()>,
    )
    .await
}

/// Finds who a presented API token belongs to, or why it is refused.
pub async fn authenticate_token(
    db: &Db,
    secret: &str,
) -> Result<Result<CurrentUser, TokenProblem>> {
    const BY_HASH: &str = sql!(
        "SELECT ",
        TOKEN_COLUMNS,
        " FROM api_tokens WHERE token_hash = $1"
    );
    let hash = hash_secret(secret.trim());
    let Some(token) = on!(db, |c| sqlx::query_as::<_, ApiToken>(BY_HASH)
        .bind(&hash)
        .fetch_optional(&mut *c)
        .await?)
    else {
        return Ok(Err(TokenProblem::Unknown));
    };
    if token.revoked_at.is_some() {
        return Ok(Err(TokenProblem::Revoked));
    }
    if token.expires_at.is_some_and(|e| e <= now()) {
        return Ok(Err(TokenProblem::Expired));
    }
    let Some(user) = find_user(db, token.user_id).await? else {
        return Ok(Err(TokenProblem::Unknown));
    };
    if user.blocked_at.is_some() {
        return Ok(Err(TokenProblem::Blocked));
    }
    // Record use at most once a minute, to keep reads from turning into writes.
    if token
        .last_used_at
        .is_none_or(|t| now() - t > Duration::minutes(1))
    {
        db.write(async |tx| {
            exec!(tx, |c| sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2"
            )
            .bind(now())
            .bind(token.id)
            .execute(&mut *c)
            .await?
            .rows_affected());
            Ok(())
        })
        .await?;
    }
    Ok(Ok(current_user(db, user).await?))
}

// ---- log-in ----

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Argon2::default()
        .hash_password(new_secret().as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .unwrap_or_default()
});

pub struct LoginLimits {
    pub per_account: i64,
    pub per_address: i64,
    pub window: Duration,
}

/// Checks a password log-in, counting failures per account and per client address.
pub async fn login(
    db: &Db,
    limits: &LoginLimits,
    email: &str,
    password: &str,
    address: &str,
) -> Result<CurrentUser> {
    let email = normalize_email(email);
    // The attempt is recorded as a failure before the password is checked, and counted after
    // that record is committed: of N guesses sent at once, the k-th to commit sees at least k
    // records, so no more than the limit get past however they interleave.
    let attempt_at = now();
    let attempt: i64 = db
        .write(async |tx| {
            Ok(exec!(tx, |c| {
                sqlx::query("DELETE FROM login_failures WHERE at < $1")
                    .bind(attempt_at - Duration::days(1))
                    .execute(&mut *c)
                    .await?;
                sqlx::query_scalar(
                    "INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(&email)
                .bind(address)
                .bind(attempt_at)
                .fetch_one(&mut *c)
                .await?
            }))
        })
        .await?;
    let since = attempt_at - limits.window;
    let (by_account, by_address): (i64, i64) = on!(db, |c| {
        let a: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $2")
                .bind(&email)
                .bind(since)
                .fetch_one(&mut *c)
                .await?;
        let b: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at > $2",
        )
        .bind(address)
        .bind(since)
        .fetch_one(&mut *c)
        .await?;
        (a, b)
    });
    // The count includes this attempt, hence `>`: `per_account` failures are allowed.
    if by_account > limits.per_account || by_address > limits.per_address {
        forget_attempt(db, attempt).await?;
        return Err(Error::RateLimited(
            Msg::new("error-login-rate-limited").arg("minutes", limits.window.whole_minutes()),
        ));
    }
    let user = find_user_by_email(db, &email).await?;
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash).await,
        None => {
            // Spend the same time as a real check, so that timing does not tell which e-mails exist.
            let _ = verify_password(password, &DUMMY_HASH).await;
            false
        }
    };
    match user {
        Some(u) if ok => {
            forget_attempt(db, attempt).await?;
            if u.blocked_at.is_some() {
                return Err(Error::forbidden("error-account-blocked"));
            }
            current_user(db, u).await
        }
        // The attempt's record stays: it is the failure.
        _ => Err(Error::Validation(vec![FieldError::new(
            "email",
            "error-login-failed",
        )])),
    }
}

async fn forget_attempt(db: &Db, id: i64) -> Result<()> {
    db.write(async |tx| {
        exec!(tx, |c| sqlx::query(
            "DELETE FROM login_failures WHERE id = $1"
        )
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    })
    .await
}

/// Clears an account's failure count after a successful log-in.
pub async fn clear_login_failures(db: &Db, email: &str) -> Result<()> {
    db.write(async |tx| {
        exec!(tx, |c| sqlx::query(
            "DELETE FROM login_failures WHERE email = $1"
        )
        .bind(normalize_email(email))
        .execute(&mut *c)
        .await?
        .rows_affected());
        Ok(())
    })
    .await
}
