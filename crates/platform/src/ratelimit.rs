//! Rate limits on actions that cost others something (e-mail sent, a vote counted, a report for
//! moderators): a fixed-window counter per client address and per account, for each action.
//!
//! The counters live in the `rate_limits` table, so every node of a cluster shares them; one
//! `INSERT … ON CONFLICT … DO UPDATE … RETURNING` per key counts a hit atomically on both engines.
//! A hit is counted in its own short transaction before the action runs, so a refused or failed
//! attempt counts too. Over the limit the answer is 429 with `Retry-After`: a page in the visitor's
//! language or the API's error shape.
//!
//! A hit removes the expired counters of its own keys; every [`SWEEP_EVERY`]th hit of a process
//! also sweeps the expired counters of every key, so the table stays small without a full-table
//! delete on every hit.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use uuid::Uuid;

use crate::config::{RateLimit, RateLimits};
use crate::db::{Db, Tx};
use crate::error::{Error, Msg, Result};
use crate::web::RequestContext;
use crate::{Platform, exec};

/// One hit in this many (per process) also deletes every expired counter.
pub const SWEEP_EVERY: u64 = 100;

/// Hits counted by this process, to pick the ones that sweep.
static HITS: AtomicU64 = AtomicU64::new(0);

/// The actions that are limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SignUp,
    PasswordReset,
    VerificationResend,
    DataRequest,
    Vote,
    Report,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::SignUp => "signup",
            Action::PasswordReset => "password_reset",
            Action::VerificationResend => "verification_resend",
            Action::DataRequest => "data_request",
            Action::Vote => "vote",
            Action::Report => "report",
        }
    }

    pub fn limit(self, limits: &RateLimits) -> &RateLimit {
        match self {
            Action::SignUp => &limits.signup,
            Action::PasswordReset => &limits.password_reset,
            Action::VerificationResend => &limits.verification_resend,
            Action::DataRequest => &limits.data_request,
            Action::Vote => &limits.vote,
            Action::Report => &limits.report,
        }
    }

    /// The message shown when the limit is reached.
    fn message_key(self) -> &'static str {
        match self {
            Action::SignUp => "error-rate-limited-signup",
            Action::PasswordReset => "error-rate-limited-password-reset",
            Action::VerificationResend => "error-rate-limited-verification",
            Action::DataRequest => "error-rate-limited-data-request",
            Action::Vote => "error-rate-limited-vote",
            Action::Report => "error-rate-limited-report",
        }
    }
}

/// Longest account key kept; longer ones (a hostile e-mail field) are cut on a character boundary.
const MAX_ACCOUNT_KEY_CHARS: usize = 320;

/// Who is acting, for handlers: the client address and the signed-in account, if any.
#[derive(Clone)]
pub struct Throttle {
    platform: Platform,
    client: String,
    user: Option<Uuid>,
}

impl Throttle {
    /// Counts one `action` by this client address and, when signed in, this account.
    pub async fn check(&self, action: Action) -> Result<()> {
        let account = self.user.map(|u| u.to_string());
        self.check_keys(action, account.as_deref()).await
    }

    /// Counts one `action` by this client address and on behalf of `account` (e.g. the e-mail
    /// address a password reset is asked for), whoever is signed in.
    pub async fn check_account(&self, action: Action, account: &str) -> Result<()> {
        self.check_keys(action, Some(account)).await
    }

    async fn check_keys(&self, action: Action, account: Option<&str>) -> Result<()> {
        let limit = action.limit(&self.platform.settings.limits.rate);
        let mut keys = Vec::with_capacity(2);
        if limit.per_address > 0 {
            keys.push((
                format!("{}|address|{}", action.name(), self.client),
                limit.per_address,
            ));
        }
        if let (Some(account), true) = (account, limit.per_account > 0) {
            let account: String = account.chars().take(MAX_ACCOUNT_KEY_CHARS).collect();
            keys.push((
                format!("{}|account|{account}", action.name()),
                limit.per_account,
            ));
        }
        let window = limit.window_seconds();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        match hit(&self.platform.db, &keys, window, now).await? {
            None => Ok(()),
            Some(retry_after) => {
                metrics::counter!("agora_rate_limited_total", "action" => action.name())
                    .increment(1);
                Err(Error::TooManyRequests {
                    msg: Msg::new(action.message_key())
                        .arg("minutes", retry_after.div_ceil(60).max(1)),
                    retry_after,
                })
            }
        }
    }
}

impl RateLimit {
    /// The window in seconds: at least a minute, and at most what an `i64` holds, however large
    /// the configured number of minutes.
    pub fn window_seconds(&self) -> i64 {
        self.window_minutes.max(1).saturating_mul(60)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Throttle {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let platform = Platform::from_request_parts(parts, state).await?;
        let ctx = RequestContext::from_request_parts(parts, state).await?;
        Ok(Throttle {
            platform,
            client: ctx.client,
            user: ctx.user.map(|u| u.id),
        })
    }
}

/// Counts a hit on each key in the fixed window of `window` seconds holding `now` (Unix seconds).
/// Returns the seconds until the window ends when any key is now over its limit.
pub async fn hit(db: &Db, keys: &[(String, i64)], window: i64, now: i64) -> Result<Option<u64>> {
    if keys.is_empty() {
        return Ok(None);
    }
    let window = window.max(1);
    let start = now - now.rem_euclid(window);
    let expires = start.saturating_add(window);
    let sweep = HITS
        .fetch_add(1, Ordering::Relaxed)
        .is_multiple_of(SWEEP_EVERY);
    let over = db
        .write(async |tx| {
            if sweep {
                sweep_expired(tx, now).await?;
            }
            let mut over = false;
            for (key, max) in keys {
                let hits: i64 = exec!(tx, |c| {
                    sqlx::query("DELETE FROM rate_limits WHERE key = $1 AND expires_at <= $2")
                        .bind(key)
                        .bind(now)
                        .execute(&mut *c)
                        .await?;
                    sqlx::query_scalar(
                        "INSERT INTO rate_limits (key, window_start, hits, expires_at) VALUES ($1, $2, 1, $3) \
                         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
                    )
                    .bind(key)
                    .bind(start)
                    .bind(expires)
                    .fetch_one(&mut *c)
                    .await?
                });
                over |= hits > *max;
            }
            Ok(over)
        })
        .await?;
    Ok(over.then(|| (expires - now).max(1) as u64))
}

/// Deletes the counters of every key whose window ended by `now` (Unix seconds); how many.
pub async fn sweep_expired(tx: &mut Tx, now: i64) -> Result<u64> {
    Ok(exec!(tx, |c| {
        sqlx::query("DELETE FROM rate_limits WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_at_least_a_minute_and_saturates() {
        let limit = |window_minutes| RateLimit {
            per_address: 1,
            per_account: 1,
            window_minutes,
        };
        assert_eq!(limit(10).window_seconds(), 600);
        assert_eq!(limit(0).window_seconds(), 60);
        assert_eq!(limit(-5).window_seconds(), 60);
        assert_eq!(limit(i64::MAX / 60 + 1).window_seconds(), i64::MAX);
        assert_eq!(limit(i64::MAX).window_seconds(), i64::MAX);
    }
}
