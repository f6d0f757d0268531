//! Files uploaded as resources, from the editor's forms and from the API's multipart `upload`:
//! kept in the platform's file store under the dataset and resource they belong to.

use bytes::Bytes;
use sha2::Digest;
use uuid::Uuid;

use platform::{Platform, Result};

use crate::store::ResourceInput;

pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub data: Bytes,
}

impl Upload {
    /// The file name without folders, with only letters, digits, `.`, `-` and `_`.
    fn safe_name(&self) -> String {
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

    /// Stores the file for `resource` and points `input` at it, filling its format, media type,
    /// size, hash and (when it has none) name from the file.
    pub async fn store(
        &self,
        platform: &Platform,
        dataset: Uuid,
        resource: Uuid,
        input: &mut ResourceInput,
    ) -> Result<String> {
        let key = format!("resources/{dataset}/{resource}/{}", self.safe_name());
        platform.files.put(&key, self.data.clone()).await?;
        input.file_key = Some(key.clone());
        input.size = Some(self.data.len() as i64);
        input.hash = hex::encode(sha2::Sha256::digest(&self.data));
        input.url_type = "upload".into();
        input.url = String::new();
        if input.mimetype.is_empty() {
            input.mimetype = self.content_type.clone();
        }
        if input.format.trim().is_empty() {
            input.format = format_from_name(&self.filename);
        }
        if input.name_en.is_empty() && input.name_fr.is_empty() {
            input.name_en = self.filename.clone();
        }
        Ok(key)
    }
}

/// The format a file or link name suggests: `data.csv` → `CSV`.
pub fn format_from_name(name: &str) -> String {
    let name = name.split(['?', '#']).next().unwrap_or("");
    let last = name.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.')
        .map(|(_, ext)| ext.to_uppercase())
        .unwrap_or_default()
}
