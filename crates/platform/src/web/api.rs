//! The native JSON APIs' side of a request: the body and query extractors every API handler
//! takes, the `limit`/`offset` paging of their lists, and the error JSON they answer with. CKAN's
//! Action API keeps its own parameters and envelope (`catalogue::ckan`).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use utoipa::openapi::Deprecated;
use utoipa::openapi::path::{Parameter, ParameterIn};

use crate::error::{Error, FieldError, Msg, Result};
use crate::i18n::Lang;

/// A JSON body for the native API, read within `[limits] max_json_bytes` (413 past it); a body
/// that is not the endpoint's JSON, or not sent as `application/json`, is a 400 in the API's
/// error shape that names the problem.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let limit = crate::body::limit_of(&req);
        let req = crate::body::limited_request(req).await?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Error::PayloadTooLarge { limit })
            }
            Err(rejection) => Err(Error::BadRequest(
                Msg::new("error-json-body").arg("detail", rejection.body_text()),
            )),
        }
    }
}

/// Query parameters for the native API; a query that does not parse is a 400 in the API's error
/// shape, naming the problem.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(QueryParams(v)),
            Err(e) => Err(Error::BadRequest(
                Msg::new("error-query-params").arg("detail", e.body_text()),
            )),
        }
    }
}

/// Which slice of a list an API answer holds: `limit` entries after skipping `offset`, taken
/// with [`QueryParams`]. `DEFAULT` is the endpoint's page size when none is asked for and `MAX`
/// the largest it gives. With `PAGE_NUMBERS` the endpoint also takes the spelling its first
/// clients used, `page` (from 1) and `per_page`; `limit` and `offset` win when both are given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paging<const DEFAULT: i64, const MAX: i64, const PAGE_NUMBERS: bool = false> {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl<const DEFAULT: i64, const MAX: i64, const PAGE_NUMBERS: bool>
    Paging<DEFAULT, MAX, PAGE_NUMBERS>
{
    /// How many entries to give: 1 to `MAX`.
    pub fn limit(&self) -> i64 {
        self.limit
            .or(self.per_page)
            .unwrap_or(DEFAULT)
            .clamp(1, MAX)
    }

    /// How many entries to skip. Saturates rather than overflows for a hand-written
    /// `?page=9223372036854775807`: such a page is simply past the end.
    pub fn offset(&self) -> i64 {
        match (self.offset, self.page) {
            (Some(offset), _) => offset.max(0),
            (None, Some(page)) => (page.max(1) - 1).saturating_mul(self.limit()),
            (None, None) => 0,
        }
    }

    /// `(limit, offset)`, as the stores' list queries take them.
    pub fn window(&self) -> (i64, i64) {
        (self.limit(), self.offset())
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LimitOffset {
    /// How many.
    limit: Option<i64>,
    /// How many to skip.
    offset: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LimitOffsetOrPages {
    /// How many.
    limit: Option<i64>,
    /// How many to skip.
    offset: Option<i64>,
    /// 1-based page number (the older spelling of `offset`).
    page: Option<i64>,
    /// Items per page (the older spelling of `limit`).
    per_page: Option<i64>,
}

impl<'de, const DEFAULT: i64, const MAX: i64, const PAGE_NUMBERS: bool> Deserialize<'de>
    for Paging<DEFAULT, MAX, PAGE_NUMBERS>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Without page numbers, `page` and `per_page` are unknown parameters and ignored.
        if PAGE_NUMBERS {
            let raw = LimitOffsetOrPages::deserialize(deserializer)?;
            Ok(Paging {
                limit: raw.limit,
                offset: raw.offset,
                page: raw.page,
                per_page: raw.per_page,
            })
        } else {
            let raw = LimitOffset::deserialize(deserializer)?;
            Ok(Paging {
                limit: raw.limit,
                offset: raw.offset,
                page: None,
                per_page: None,
            })
        }
    }
}

impl<const DEFAULT: i64, const MAX: i64, const PAGE_NUMBERS: bool> utoipa::IntoParams
    for Paging<DEFAULT, MAX, PAGE_NUMBERS>
{
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = if PAGE_NUMBERS {
            LimitOffsetOrPages::into_params(parameter_in)
        } else {
            LimitOffset::into_params(parameter_in)
        };
        for param in &mut params {
            match param.name.as_str() {
                "limit" => {
                    param.description = Some(format!("How many (1 to {MAX}, default {DEFAULT})."))
                }
                "per_page" => {
                    param.description = Some(format!(
                        "Items per page, at most {MAX} (the older spelling of `limit`)."
                    ))
                }
                _ => {}
            }
            if matches!(param.name.as_str(), "page" | "per_page") {
                param.deprecated = Some(Deprecated::True);
            }
        }
        params
    }
}

/// The body of every native API error: `{"error": {…}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub error: ApiError,
}

/// What went wrong, in English, with stable keys a client can translate from.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// A stable code: `not_found`, `forbidden`, `validation`, `bad_request`…
    pub code: &'static str,
    /// The message's stable key (a Fluent message id of the site's translations).
    pub key: String,
    pub message: String,
    /// Each invalid field's messages, by field name.
    #[schema(value_type = std::collections::HashMap<String, Vec<String>>)]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The same messages as a list, each with its stable key.
    pub field_errors: Vec<ApiFieldError>,
}

/// One invalid field: `{"field": "title", "message": "…", "key": "error-required"}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub message: String,
    /// The message's stable key (a Fluent message id).
    pub key: String,
}

impl ApiError {
    pub fn of(err: &Error) -> ApiError {
        let mut fields = serde_json::Map::new();
        let mut field_errors = Vec::new();
        for FieldError { field, msg } in err.field_errors() {
            let message = Lang::En.msg(msg);
            let entry = fields
                .entry(field.clone())
                .or_insert_with(|| serde_json::Value::Array(vec![]));
            if let serde_json::Value::Array(list) = entry {
                list.push(message.clone().into());
            }
            field_errors.push(ApiFieldError {
                field: field.clone(),
                message,
                key: msg.key.to_string(),
            });
        }
        let msg = err.message();
        ApiError {
            code: err.code(),
            key: msg.key.to_string(),
            message: Lang::En.msg(&msg),
            fields,
            field_errors,
        }
    }
}

/// The error as the native API answers it.
pub(crate) fn error_json(err: &Error) -> Response {
    let body = ApiErrorBody {
        error: ApiError::of(err),
    };
    (err.status(), axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_past_any_end_does_not_overflow() {
        for page in [i64::MAX, i64::MAX / 2, 9_000_000_000_000_000] {
            let paging = Paging::<50, 500, true> {
                page: Some(page),
                per_page: Some(500),
                ..Default::default()
            };
            assert_eq!(paging.limit(), 500);
            assert!(paging.offset() >= 0, "{page}: {}", paging.offset());
        }
        let paging = Paging::<50, 500, true> {
            page: Some(-5),
            per_page: Some(i64::MAX),
            ..Default::default()
        };
        assert_eq!(paging.window(), (500, 0));
    }

    #[test]
    fn defaults_and_maxima_are_the_endpoints() {
        assert_eq!(Paging::<20, 100>::default().window(), (20, 0));
        let asked = Paging::<20, 100> {
            limit: Some(1000),
            offset: Some(-3),
            ..Default::default()
        };
        assert_eq!(asked.window(), (100, 0));
        let pages = Paging::<50, 500, true> {
            page: Some(3),
            per_page: Some(10),
            ..Default::default()
        };
        assert_eq!(pages.window(), (10, 20));
        let both = Paging::<50, 500, true> {
            limit: Some(5),
            offset: Some(7),
            page: Some(3),
            per_page: Some(10),
        };
        assert_eq!(both.window(), (5, 7));
    }

    #[test]
    fn page_numbers_are_read_only_where_taken() {
        let plain: Paging<20, 100> = serde_urlencoded::from_str("page=x&per_page=3").unwrap();
        assert_eq!(plain.window(), (20, 0));
        let pages: Paging<50, 500, true> = serde_urlencoded::from_str("page=2&per_page=3").unwrap();
        assert_eq!(pages.window(), (3, 3));
        assert!(serde_urlencoded::from_str::<Paging<50, 500, true>>("per_page=x").is_err());
        assert!(serde_urlencoded::from_str::<Paging<20, 100>>("limit=x").is_err());
    }
}
