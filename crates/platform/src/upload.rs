//! Files received in multipart forms: streamed into the platform's file store as they arrive
//! (never held whole in memory), first under a temporary key, then kept under the key of what
//! they belong to (a dataset's resource, a consultation's results).

use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use futures::TryStreamExt;
use uuid::Uuid;

use crate::files::Files;
use crate::{Error, Platform, Result};

/// A file received and stored under a temporary key; dropped without being kept, it is removed.
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// SHA-256, lowercase hexadecimal.
    pub hash: String,
    files: Files,
    temporary: Option<String>,
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(key) = self.temporary.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let files = self.files.clone();
            runtime.spawn(async move {
                if let Err(e) = files.delete(&key).await {
                    tracing::warn!(error = %e, key, "cannot remove an upload that was not kept");
                }
            });
        }
    }
}

/// A multipart error as the platform's: 413 with `limit` when a body limit was reached.
pub fn multipart_error(e: MultipartError, limit: usize) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::PayloadTooLarge { limit }
    } else {
        Error::bad_request("error-form-invalid")
    }
}

/// A text field of a multipart form, counted against `budget`, the bytes the form's text fields
/// may still take (`[limits] max_form_bytes` in all): past it, 413 with `limit`.
pub async fn text_field(mut field: Field<'_>, budget: &mut usize, limit: usize) -> Result<String> {
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limit))? {
        if chunk.len() > *budget {
            return Err(Error::PayloadTooLarge { limit });
        }
        *budget -= chunk.len();
        text.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

impl Upload {
    /// Streams a file field into the store under a temporary key, up to `[limits]
    /// max_upload_bytes`.
    pub async fn receive(
        platform: &Platform,
        field: Field<'_>,
        filename: String,
        content_type: String,
    ) -> Result<Upload> {
        let limit = platform.settings.limits.max_upload_bytes;
        let key = format!("{}/{}", crate::files::INCOMING, Uuid::now_v7());
        let chunks = field.map_err(|e| multipart_error(e, limit));
        let stored = platform
            .files
            .put_stream(&key, chunks, limit as u64)
            .await?;
        Ok(Upload {
            filename,
            content_type,
            size: stored.size,
            hash: stored.sha256,
            files: platform.files.clone(),
            temporary: Some(key),
        })
    }

    /// The file name without folders, with only letters, digits, `.`, `-` and `_`.
    pub fn safe_name(&self) -> String {
        let safe: String = self
            .filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("file")
            .chars()
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

    /// Keeps the file under `key`: it is no longer removed when the upload is dropped.
    pub async fn keep(&mut self, key: &str) -> Result<()> {
        let temporary = self.temporary.as_deref().ok_or(Error::NotFound)?;
        self.files.rename(temporary, key).await?;
        self.temporary = None;
        Ok(())
    }
}
