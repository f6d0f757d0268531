//! The one error type of the platform. Handlers return `Result<_, Error>`; the response carries the
//! error as an extension and the `render_errors` middleware turns it into a page in the visitor's
//! language or a JSON body for the API. Internal causes are logged, never shown.

use std::borrow::Cow;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A message that pages translate: a Fluent key plus named arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: Cow<'static, str>,
    pub args: Vec<(&'static str, String)>,
}

impl Msg {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Self {
        Msg {
            key: key.into(),
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

/// A problem with one field of a form or API body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub msg: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        FieldError {
            field: field.into(),
            msg: Msg::new(key),
        }
    }
    pub fn with(field: impl Into<String>, msg: Msg) -> Self {
        FieldError {
            field: field.into(),
            msg,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden: {}", .0.key)]
    Forbidden(Msg),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("conflict: {}", .0.key)]
    Conflict(Msg),
    #[error("bad request: {}", .0.key)]
    BadRequest(Msg),
    #[error("request body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("too many attempts")]
    RateLimited(Msg),
    /// A rate limit was reached; `retry_after` seconds until the window ends (`Retry-After`).
    #[error("rate limit reached: {}", .msg.key)]
    TooManyRequests { msg: Msg, retry_after: u64 },
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn forbidden(key: &'static str) -> Self {
        Error::Forbidden(Msg::new(key))
    }
    pub fn bad_request(key: &'static str) -> Self {
        Error::BadRequest(Msg::new(key))
    }
    pub fn field(field: impl Into<String>, key: &'static str) -> Self {
        Error::Validation(vec![FieldError::new(field, key)])
    }
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Error::Internal(e.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::RateLimited(_) | Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound => "not_found",
            Error::Unauthorized => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::Validation(_) => "validation",
            Error::Conflict(_) => "conflict",
            Error::BadRequest(_) => "bad_request",
            Error::PayloadTooLarge { .. } => "payload_too_large",
            Error::RateLimited(_) | Error::TooManyRequests { .. } => "rate_limited",
            Error::Unavailable => "unavailable",
            Error::Internal(_) => "internal",
        }
    }

    /// The message shown to people, as a translatable key.
    pub fn message(&self) -> Msg {
        match self {
            Error::NotFound => Msg::new("error-not-found"),
            Error::Unauthorized => Msg::new("error-unauthorized"),
            Error::Forbidden(m)
            | Error::Conflict(m)
            | Error::BadRequest(m)
            | Error::RateLimited(m)
            | Error::TooManyRequests { msg: m, .. } => m.clone(),
            Error::Validation(_) => Msg::new("error-validation"),
            Error::PayloadTooLarge { limit } => Msg::new("error-payload-too-large")
                .arg("limit", crate::i18n::human_bytes(*limit as u64)),
            Error::Unavailable => Msg::new("error-unavailable"),
            Error::Internal(_) => Msg::new("error-internal"),
        }
    }

    /// Seconds the client should wait before trying again, when the error says.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation(v) => v,
            _ => &[],
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::PoolTimedOut = e {
            return Error::Unavailable;
        }
        Error::Internal(e.into())
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Error::Internal(e.into())
    }
}

impl From<askama::Error> for Error {
    fn from(e: askama::Error) -> Self {
        Error::Internal(e.into())
    }
}

impl From<object_store::Error> for Error {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => Error::NotFound,
            other => Error::Internal(other.into()),
        }
    }
}

/// Carried on error responses so that `render_errors` can draw them in the right language and shape.
#[derive(Clone)]
pub struct ErrorExt(pub Arc<Error>);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(cause) = &self {
            tracing::error!(error = ?cause, "internal error");
        }
        let status = self.status();
        let mut res = (status, self.message().key.to_string()).into_response();
        res.extensions_mut().insert(ErrorExt(Arc::new(self)));
        res
    }
}

/// Is this database error a unique-constraint violation? Lets a write turn a duplicate into a field
/// error without a check-then-insert race.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}
