//! Documents' files in the platform's file store: received from a form or the API as they arrive
//! (never held whole in memory), kept under `library/{random id}/{name}`, removed again when the
//! write that would have kept them fails; and served back as attachments.

use axum::body::Body;
use axum::extract::Multipart;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use platform::files::Files;
use platform::{Error, Platform, Result};
use uuid::Uuid;

use crate::documents::NewFile;
use crate::model::Document;

/// A file stored for a document; dropped without [`Received::kept`], it is removed.
pub struct Received {
    pub file: NewFile,
    files: Files,
    keep: bool,
}

impl Received {
    /// The write that refers to the file was committed.
    pub fn kept(mut self) {
        self.keep = true;
    }
}

impl Drop for Received {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let files = self.files.clone();
            let key = self.file.key.clone();
            runtime.spawn(async move {
                if let Err(e) = files.delete(&key).await {
                    tracing::warn!(error = %e, key, "cannot remove a file that was not kept");
                }
            });
        }
    }
}

/// The file name without folders, with only letters, digits, `.`, `-` and `_`.
pub fn safe_name(name: &str) -> String {
    let safe: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("file")
        .chars()
        .take(120)
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.trim_matches(['.', '_']).is_empty() {
        "file".to_string()
    } else {
        safe
    }
}

/// Streams `chunks` into the store, up to `[limits] max_upload_bytes`.
pub async fn receive<S>(
    platform: &Platform,
    chunks: S,
    name: &str,
    media_type: &str,
) -> Result<Received>
where
    S: futures::Stream<Item = Result<bytes::Bytes>> + Send,
{
    let name = safe_name(name);
    let key = format!("library/{}/{name}", Uuid::now_v7());
    let limit = platform.settings.limits.max_upload_bytes as u64;
    let stored = platform.files.put_stream(&key, chunks, limit).await?;
    Ok(Received {
        file: NewFile {
            key,
            name,
            media_type: media_type.chars().take(100).collect(),
            size: stored.size as i64,
            sha256: stored.sha256,
        },
        files: platform.files.clone(),
        keep: false,
    })
}

/// The text fields of a multipart form (at most `max_form_bytes` in all) and its `file`, stored.
pub async fn read_multipart(
    platform: &Platform,
    mut multipart: Multipart,
) -> Result<(Vec<(String, String)>, Option<Received>)> {
    let limits = &platform.settings.limits;
    let mut budget = limits.max_form_bytes;
    let mut pairs = Vec::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| platform::upload::multipart_error(e, limits.max_upload_bytes))?
    {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) if name == "file" && !filename.is_empty() && file.is_none() => {
                let media_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let max = limits.max_upload_bytes;
                let chunks = field.map_err(move |e| platform::upload::multipart_error(e, max));
                let received = receive(platform, chunks, &filename, &media_type).await?;
                if received.file.size > 0 {
                    file = Some(received);
                }
            }
            _ => {
                let text =
                    platform::upload::text_field(field, &mut budget, limits.max_form_bytes).await?;
                if name != "file" {
                    pairs.push((name, text));
                }
            }
        }
    }
    Ok((pairs, file))
}

/// The media type a file is served with: only types a browser will not run as a page.
fn served_type(d: &Document) -> &'static str {
    let name = d.file_name.to_ascii_lowercase();
    if name.ends_with(".pdf") || d.file_type == "application/pdf" {
        "application/pdf"
    } else if name.ends_with(".txt") || d.file_type.starts_with("text/plain") {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

/// The document's current file, as an attachment.
pub async fn serve(platform: &Platform, d: &Document) -> Result<Response> {
    let key = d.file_key.as_deref().ok_or(Error::NotFound)?;
    let (size, chunks) = platform.files.get_stream(key).await?;
    let mut res = (StatusCode::OK, Body::from_stream(chunks)).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(served_type(d)),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        safe_name(&d.file_name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
