//! Assembles the HTTP application: the platform's own pages and endpoints, the areas' pages under
//! `/en` and `/fr`, their APIs, and the layers every request passes through.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::Layer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::web::{context, not_found, root_redirect, security_headers, track_metrics};
use crate::{Platform, accounts, admin, assets};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application. `pages` holds the areas' pages with paths relative to the language
/// prefix (`/datasets`, not `/en/datasets`); `api` holds absolute paths (`/api/…`). A trailing
/// slash is ignored before routing, so `/en/` is the English home page.
pub fn app(platform: Platform, pages: Router, api: Router) -> App {
    let _ = &*crate::METRICS;
    NormalizePathLayer::trim_trailing_slash().layer(routes(platform, pages, api))
}

pub type App = NormalizePath<Router>;

fn routes(platform: Platform, pages: Router, api: Router) -> Router {
    // Small bodies everywhere; upload routes lift it themselves (`crate::body::large_body`).
    let limits = &platform.settings.limits;
    let pages = pages
        .merge(accounts::pages())
        .merge(admin::pages())
        .layer(DefaultBodyLimit::max(limits.max_form_bytes));
    let api = api.layer(DefaultBodyLimit::max(limits.max_json_bytes));
    let form_limit = limits.max_form_bytes;
    let timeout = Duration::from_secs(platform.settings.limits.request_timeout_seconds);
    Router::new()
        .route("/", get(root_redirect))
        .nest("/en", pages.clone())
        .nest("/fr", pages)
        .merge(api)
        .route("/api/v1/me", get(me))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/assets/{version}/{*path}", get(assets::serve))
        .route_layer(from_fn(track_metrics))
        .fallback(not_found)
        .layer(from_fn_with_state(platform, context))
        .layer(DefaultBodyLimit::max(form_limit))
        .layer(from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(CatchPanicLayer::custom(|_| {
            crate::Error::internal(anyhow::anyhow!("a request handler panicked")).into_response()
        }))
}

/// The native API's description of the platform's own endpoints; areas merge theirs into it.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Agora API", description = "The native JSON API of Agora: open dialogue, open information and the platform. The catalogue speaks the CKAN Action API at /api/3/action/."),
    paths(me),
    components(schemas(
        crate::auth::CurrentUser,
        crate::auth::Role,
        crate::web::ApiErrorBody,
        crate::web::ApiError,
        crate::web::ApiFieldError
    )),
    modifiers(&TokenAuth)
)]
pub struct ApiDoc;

struct TokenAuth;

impl utoipa::Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("Authorization"))),
        );
    }
}

/// Who the presented token or session belongs to: lets API clients check their token.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "platform",
    responses(
        (status = 200, description = "The account the token belongs to", body = crate::auth::CurrentUser),
        (status = 403, description = "No token, or the token is unknown, expired or revoked (the message says which)")
    ),
    security(("token" = []))
)]
async fn me(
    crate::web::SignedIn(user): crate::web::SignedIn,
) -> axum::Json<crate::auth::CurrentUser> {
    axum::Json(user)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(platform: Platform) -> Response {
    match platform.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database not reachable").into_response()
        }
    }
}

async fn metrics(platform: Platform, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = platform.settings.observability.metrics_token.as_deref() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        if !crate::web::constant_time_eq(given.as_bytes(), token.as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "the metrics token is missing or wrong",
            )
                .into_response();
        }
    }
    if let Err(e) = crate::jobs::update_metrics(&platform.db).await {
        tracing::warn!(error = %e, "cannot count jobs for metrics");
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::METRICS.render(),
    )
        .into_response()
}

/// Logs to standard error, as JSON lines when asked.
pub fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("AGORA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn,tantivy=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(platform: &Platform, app: App) -> anyhow::Result<()> {
    let addr = platform.settings.listen;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let _ = &*crate::METRICS;
    platform.files.spawn_incoming_sweeper();
    tracing::info!(%addr, base_url = %platform.settings.base_url(), "serving");
    let service = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        SocketAddr,
    >(app);
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
