//! Request bodies within limits. Every route takes small bodies only: `[limits] max_form_bytes`
//! on pages, `max_json_bytes` on the APIs (`/api/…`). A route wrapped in [`large_body`] takes
//! bodies up to `max_upload_bytes`, and must stream them (to the file store with
//! [`crate::files::Files::put_stream`]) rather than read them whole. A body without a declared
//! length is stopped at the limit as it arrives.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{Next, from_fn};
use axum::response::Response;
use axum::routing::MethodRouter;
use bytes::BytesMut;
use futures::StreamExt;
use http_body_util::{LengthLimitError, Limited};

use crate::Platform;
use crate::config::Limits;
use crate::error::{Error, Result};

/// The small limit of a path: the APIs' under `/api/`, the pages' elsewhere.
pub fn small_limit(limits: &Limits, path: &str) -> usize {
    if path.starts_with("/api/") {
        limits.max_json_bytes
    } else {
        limits.max_form_bytes
    }
}

/// The small limit of the request's route, from the settings the request carries.
pub fn limit_of(req: &Request) -> usize {
    let path = req.uri().path();
    match req.extensions().get::<Platform>() {
        Some(platform) => small_limit(&platform.settings.limits, path),
        None => small_limit(&Limits::default(), path),
    }
}

/// Reads a whole body, up to `limit` bytes; a larger one is refused with 413 and the limit
/// before more than `limit` bytes are held.
pub async fn read_limited(body: Body, limit: usize) -> Result<Bytes> {
    let mut chunks = body.into_data_stream();
    let mut read = BytesMut::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            if too_large(&e) {
                Error::PayloadTooLarge { limit }
            } else {
                Error::bad_request("error-body-unreadable")
            }
        })?;
        if read.len() + chunk.len() > limit {
            return Err(Error::PayloadTooLarge { limit });
        }
        read.extend_from_slice(&chunk);
    }
    Ok(read.freeze())
}

/// The request with its body read within the route's small limit, for extractors (such as
/// `axum::Json`) that check headers as well as read the body.
pub async fn limited_request(req: Request) -> Result<Request> {
    let limit = limit_of(&req);
    let (parts, body) = req.into_parts();
    let body = read_limited(body, limit).await?;
    Ok(Request::from_parts(parts, Body::from(body)))
}

/// Whether a body error is a body limit being reached.
pub fn too_large(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(e) = current {
        if e.is::<LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// Lets a route take bodies up to `[limits] max_upload_bytes` instead of the small limit.
pub fn large_body<S: Clone + Send + Sync + 'static>(route: MethodRouter<S>) -> MethodRouter<S> {
    route
        .layer::<_, std::convert::Infallible>(from_fn(cap_at_upload_limit))
        .layer(DefaultBodyLimit::disable())
}

async fn cap_at_upload_limit(req: Request, next: Next) -> Response {
    let limit = req
        .extensions()
        .get::<Platform>()
        .map(|p| p.settings.limits.max_upload_bytes)
        .unwrap_or_else(|| Limits::default().max_upload_bytes);
    next.run(req.map(|b| Body::new(Limited::new(b, limit))))
        .await
}
