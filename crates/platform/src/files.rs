//! Files (uploads, data versions, document originals) behind one small interface over
//! `object_store`: a local folder by default, an S3-compatible bucket when configured.

use std::sync::Arc;

use bytes::Bytes;
use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Settings;
use crate::error::{Error, Result};

/// Where uploads wait while their form is checked; kept only when the form is accepted.
pub const INCOMING: &str = "uploads/incoming";

/// How old a waiting upload must be before a sweep removes it: far longer than any request may
/// take (`request_timeout_seconds`), so nothing still being received is touched.
pub const INCOMING_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

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

    /// Writes `chunks` to `key` as they arrive, never holding more than the writer's part in
    /// memory; more than `limit` bytes in all is refused with 413 and nothing is left stored.
    /// Answers the size and the SHA-256 of what was stored.
    pub async fn put_stream<S>(&self, key: &str, chunks: S, limit: u64) -> Result<Stored>
    where
        S: Stream<Item = Result<Bytes>> + Send,
    {
        use sha2::Digest;
        use tokio::io::AsyncWriteExt;
        let mut writer = object_store::buffered::BufWriter::with_capacity(
            self.store.clone(),
            path(key)?,
            PART_BYTES,
        );
        let mut hasher = sha2::Sha256::new();
        let mut size = 0u64;
        let mut chunks = std::pin::pin!(chunks);
        let written: Result<()> = async {
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(Error::PayloadTooLarge {
                        limit: usize::try_from(limit).unwrap_or(usize::MAX),
                    });
                }
                hasher.update(&chunk);
                writer.put(chunk).await?;
            }
            writer.shutdown().await.map_err(Error::internal)?;
            Ok(())
        }
        .await;
        if let Err(e) = written {
            let _ = writer.abort().await;
            // A small file may already be written by the shutdown that failed.
            let _ = self.store.delete(&path(key)?).await;
            return Err(e);
        }
        Ok(Stored {
            size,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// The file as a stream of chunks, with its size: for serving it without reading it whole.
    pub async fn get_stream(&self, key: &str) -> Result<(u64, BoxStream<'static, Result<Bytes>>)> {
        let got = self.store.get(&path(key)?).await?;
        let size = got.meta.size;
        Ok((size, got.into_stream().map_err(Error::from).boxed()))
    }

    /// Moves a file to another key, replacing what is there.
    pub async fn rename(&self, from: &str, to: &str) -> Result<()> {
        self.store.rename(&path(from)?, &path(to)?).await?;
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

    /// Removes the files under `prefix` last written more than `older_than` ago: what a killed
    /// process left behind. Answers how many went.
    pub async fn sweep(&self, prefix: &str, older_than: std::time::Duration) -> Result<usize> {
        let older_than = i64::try_from(older_than.as_secs()).unwrap_or(i64::MAX);
        let cutoff = time::OffsetDateTime::now_utc()
            .unix_timestamp()
            .saturating_sub(older_than);
        let mut stale = Vec::new();
        let mut listing = self.store.list(Some(&path(prefix)?));
        while let Some(meta) = listing.next().await.transpose()? {
            if meta.last_modified.timestamp() <= cutoff {
                stale.push(meta.location);
            }
        }
        for location in &stale {
            match self.store.delete(location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(stale.len())
    }

    /// Sweeps waiting uploads now and every hour after, for as long as the runtime runs.
    pub fn spawn_incoming_sweeper(&self) {
        let files = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                match files.sweep(INCOMING, INCOMING_MAX_AGE).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "swept uploads left waiting"),
                    Err(e) => tracing::warn!(error = %e, "cannot sweep uploads left waiting"),
                }
            }
        });
    }
}

/// What [`Files::put_stream`] stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub size: u64,
    /// Lowercase hexadecimal.
    pub sha256: String,
}

/// The part size of streamed writes: larger files go to the store in parts of this size.
const PART_BYTES: usize = 5 * 1024 * 1024;

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
    async fn sweep_removes_only_old_files_under_the_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files {
            store: Arc::new(LocalFileSystem::new_with_prefix(dir.path()).unwrap()),
        };
        files
            .put("uploads/incoming/a", Bytes::from_static(b"a"))
            .await
            .unwrap();
        files
            .put("resources/d/r/kept.csv", Bytes::from_static(b"k"))
            .await
            .unwrap();
        assert_eq!(files.sweep(INCOMING, INCOMING_MAX_AGE).await.unwrap(), 0);
        assert!(files.get("uploads/incoming/a").await.is_ok());
        assert_eq!(
            files
                .sweep(INCOMING, std::time::Duration::ZERO)
                .await
                .unwrap(),
            1
        );
        assert!(matches!(
            files.get("uploads/incoming/a").await,
            Err(Error::NotFound)
        ));
        assert!(files.get("resources/d/r/kept.csv").await.is_ok());
        // An empty or missing folder is not an error.
        assert_eq!(
            files
                .sweep(INCOMING, std::time::Duration::ZERO)
                .await
                .unwrap(),
            0
        );
    }

    async fn streamed(files: Files) {
        let chunks: Vec<Result<Bytes>> = (0..13u8)
            .map(|i| Ok(Bytes::from(vec![i; 1024 * 1024])))
            .collect();
        let stored = files
            .put_stream(
                "uploads/big",
                futures::stream::iter(chunks),
                20 * 1024 * 1024,
            )
            .await
            .unwrap();
        assert_eq!(stored.size, 13 * 1024 * 1024);
        let (size, stream) = files.get_stream("uploads/big").await.unwrap();
        assert_eq!(size, stored.size);
        let back: Vec<Bytes> = stream.try_collect().await.unwrap();
        let back: Vec<u8> = back.concat();
        assert_eq!(back.len(), 13 * 1024 * 1024);
        assert!(
            back.chunks(1024 * 1024)
                .enumerate()
                .all(|(i, c)| c.iter().all(|b| *b == i as u8))
        );
        use sha2::Digest;
        assert_eq!(stored.sha256, hex::encode(sha2::Sha256::digest(&back)));

        let chunks: Vec<Result<Bytes>> = (0..8)
            .map(|_| Ok(Bytes::from(vec![1u8; 1024 * 1024])))
            .collect();
        let err = files
            .put_stream(
                "uploads/too-big",
                futures::stream::iter(chunks),
                7 * 1024 * 1024,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::PayloadTooLarge { limit } if limit == 7 * 1024 * 1024));
        assert!(matches!(
            files.get("uploads/too-big").await,
            Err(Error::NotFound)
        ));

        files.rename("uploads/big", "kept/big").await.unwrap();
        assert_eq!(files.size("kept/big").await.unwrap(), 13 * 1024 * 1024);
        assert!(matches!(
            files.get("uploads/big").await,
            Err(Error::NotFound)
        ));
    }

    #[tokio::test]
    async fn streams_in_and_out_within_a_limit() {
        streamed(Files::in_memory()).await;
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().into(),
            ..Default::default()
        };
        streamed(Files::from_settings(&settings).unwrap()).await;
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
