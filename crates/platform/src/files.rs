//! Files (uploads, data versions, document originals) behind one small interface over
//! `object_store`: a local folder by default, an S3-compatible bucket when configured.

use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Settings;
use crate::error::{Error, Result};

#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.store)
    }
}

impl Files {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Files> {
        let store: Arc<dyn ObjectStore> = match &settings.storage.s3 {
            Some(s3) => {
                let mut b = AmazonS3Builder::from_env()
                    .with_bucket_name(&s3.bucket)
                    .with_allow_http(s3.allow_http);
                if let Some(r) = &s3.region {
                    b = b.with_region(r);
                }
                if let Some(e) = &s3.endpoint {
                    b = b.with_endpoint(e);
                }
                if let (Some(k), Some(s)) = (&s3.access_key_id, &s3.secret_access_key) {
                    b = b.with_access_key_id(k).with_secret_access_key(s);
                }
                Arc::new(b.build()?)
            }
            None => {
                let dir = settings.files_dir();
                std::fs::create_dir_all(&dir)?;
                Arc::new(LocalFileSystem::new_with_prefix(&dir)?)
            }
        };
        Ok(Files { store })
    }

    pub fn in_memory() -> Files {
        Files {
            store: Arc::new(InMemory::new()),
        }
    }

    /// The underlying store, for code that streams (e.g. the datastore's Parquet reader).
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    pub async fn put(&self, key: &str, data: Bytes) -> Result<()> {
        self.store
            .put(&path(key)?, PutPayload::from_bytes(data))
            .await?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Bytes> {
        Ok(self.store.get(&path(key)?).await?.bytes().await?)
    }

    pub async fn size(&self, key: &str) -> Result<u64> {
        Ok(self.store.head(&path(key)?).await?.size)
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        self.store.delete(&path(key)?).await?;
        Ok(())
    }
}

/// Keys are relative paths of plain segments; anything that could climb out is refused.
fn path(key: &str) -> Result<StorePath> {
    if key.is_empty()
        || key
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(Error::bad_request("error-bad-file-key"));
    }
    StorePath::parse(key).map_err(|_| Error::bad_request("error-bad-file-key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn round_trip(files: Files) {
        files
            .put("uploads/a/data.csv", Bytes::from_static(b"x,y\n1,2\n"))
            .await
            .unwrap();
        assert_eq!(
            files.get("uploads/a/data.csv").await.unwrap(),
            Bytes::from_static(b"x,y\n1,2\n")
        );
        assert_eq!(files.size("uploads/a/data.csv").await.unwrap(), 8);
        files.delete("uploads/a/data.csv").await.unwrap();
        assert!(matches!(
            files.get("uploads/a/data.csv").await,
            Err(Error::NotFound)
        ));
        assert!(files.put("../escape", Bytes::new()).await.is_err());
    }

    #[tokio::test]
    async fn memory_store() {
        round_trip(Files::in_memory()).await;
    }

    #[tokio::test]
    async fn local_store() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().into(),
            ..Default::default()
        };
        round_trip(Files::from_settings(&settings).unwrap()).await;
        assert!(dir.path().join("files").is_dir());
    }
}
