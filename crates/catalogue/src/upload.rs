//! Files uploaded as resources, from the editor's forms and from the API's multipart `upload`,
//! received by `platform::upload` and kept under the dataset and resource they belong to.

use platform::{Platform, Result};
use uuid::Uuid;

pub use platform::upload::{Upload, multipart_error, text_field};

use crate::store::ResourceInput;

/// Keeping an upload as a resource's file.
pub(crate) trait ResourceFile {
    /// Stores the file for `resource` and points `input` at it, filling its format, media type,
    /// size, hash and (when it has none) name from the file.
    async fn store(
        &mut self,
        platform: &Platform,
        dataset: Uuid,
        resource: Uuid,
        input: &mut ResourceInput,
    ) -> Result<String>;
}

impl ResourceFile for Upload {
    async fn store(
        &mut self,
        _platform: &Platform,
        dataset: Uuid,
        resource: Uuid,
        input: &mut ResourceInput,
    ) -> Result<String> {
        let key = format!("resources/{dataset}/{resource}/{}", self.safe_name());
        self.keep(&key).await?;
        input.file_key = Some(key.clone());
        input.size = Some(self.size as i64);
        input.hash = self.hash.clone();
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
