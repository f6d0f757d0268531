//! Static assets (CSS, fonts, the few scripts), embedded in the binary and served under a
//! version segment derived from their content, so they can be cached forever.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "../../assets/"]
struct Assets;

/// A short hash over every asset: changes whenever any asset does.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<_> = Assets::iter().collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        if let Some(file) = Assets::get(&name) {
            hasher.update(name.as_bytes());
            hasher.update(file.metadata.sha256_hash());
        }
    }
    hex::encode(&hasher.finalize()[..6])
});

/// The URL of an asset, e.g. `url("app.css")` → `/assets/3f2a…/app.css`.
pub fn url(path: &str) -> String {
    format!("/assets/{}/{}", *VERSION, path.trim_start_matches('/'))
}

pub async fn serve(Path((version, path)): Path<(String, String)>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return crate::error::Error::NotFound.into_response();
    };
    let cache = if version == *VERSION {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mime = file.metadata.mimetype();
    let mut res = (StatusCode::OK, file.data.into_owned()).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

pub fn exists(path: &str) -> bool {
    Assets::get(path).is_some()
}
