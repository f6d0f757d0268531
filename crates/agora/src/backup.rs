//! `agora backup` and `agora restore` for the embedded default (SQLite and files on disk).
//!
//! A backup is a folder: `agora.db`, a consistent snapshot taken while the site runs
//! (`VACUUM INTO`); `files/`, a copy of the stored files; and `manifest.json`, which names the
//! database's last migration and the size and SHA-256 of every file, so that a restore can tell a
//! whole backup from a damaged one before it touches anything. The search index is not kept: a
//! restore rebuilds it from the database.
//!
//! PostgreSQL deployments use `pg_dump`/`pg_restore` and their bucket's own versioning; both
//! commands say so instead of doing half the job.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use platform::Db;
use platform::config::Settings;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "agora.db";
const FILES: &str = "files";
const FORMAT: u32 = 1;

pub const PG_DUMP_HINT: &str = "On PostgreSQL use pg_dump and pg_restore, for example:\n  \
    pg_dump --format=custom --file=agora.dump \"$AGORA_DATABASE_URL\"\n  \
    pg_restore --clean --if-exists --no-owner --dbname=\"$AGORA_DATABASE_URL\" agora.dump\n\
    then `agora reindex`. Files in an S3 bucket are kept by the bucket's versioning.";

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    agora_version: String,
    created_at: String,
    /// The last migration the database had when it was copied.
    migration: i64,
    database: Entry,
    /// Every stored file, by its key.
    files: BTreeMap<String, Entry>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Entry {
    bytes: u64,
    sha256: String,
}

fn entry(path: &Path) -> anyhow::Result<Entry> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    hashed_copy(file, std::io::sink())
}

/// Copies `from` into `to` and measures it in the same pass.
fn hashed_copy(mut from: impl Read, mut to: impl std::io::Write) -> anyhow::Result<Entry> {
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        bytes += n as u64;
    }
    to.flush()?;
    Ok(Entry {
        bytes,
        sha256: hex::encode(hash.finalize()),
    })
}

fn stored_files(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut keys = Vec::new();
    if !root.exists() {
        return Ok(keys);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for item in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let item = item?;
            let path = item.path();
            let kind = item.file_type()?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let key = path
                    .strip_prefix(root)?
                    .to_str()
                    .with_context(|| format!("{} is not valid UTF-8", path.display()))?
                    .replace(std::path::MAIN_SEPARATOR, "/");
                if !key.contains('#')
                    && !key.starts_with(&format!("{}/", platform::files::INCOMING))
                {
                    keys.push(key);
                }
            }
        }
    }
    keys.sort();
    Ok(keys)
}

async fn last_migration(db: &Db) -> anyhow::Result<i64> {
    Ok(platform::read!(db, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success"
    )
    .fetch_one(&mut *c)
    .await?))
}

/// Writes a backup folder `to` (which must not exist) while the site may be running.
pub async fn backup(settings: &Settings, db: &Db, to: &Path) -> anyhow::Result<ExitCode> {
    let Db::Sqlite { reader, .. } = db else {
        eprintln!("agora backup copies the embedded SQLite database and its files. {PG_DUMP_HINT}");
        return Ok(ExitCode::from(2));
    };
    if to.exists() {
        bail!("{} exists already; choose a new folder", to.display());
    }
    let to_str = to.to_str().context("the backup path must be valid UTF-8")?;
    // Written under a temporary name and renamed at the end, so that a folder with a manifest is
    // always a whole backup.
    let partial = PathBuf::from(format!("{to_str}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("cannot remove an earlier {}", partial.display()))?;
    }
    std::fs::create_dir_all(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let migration = last_migration(db).await?;
    let snapshot = partial.join(DATABASE);
    // VACUUM INTO writes a consistent snapshot while other connections keep writing.
    sqlx::query("VACUUM INTO $1")
        .bind(
            snapshot
                .to_str()
                .context("the backup path must be valid UTF-8")?,
        )
        .execute(reader)
        .await
        .with_context(|| format!("cannot write {}", snapshot.display()))?;
    let database = entry(&snapshot)?;

    // Files are written before the rows that name them and never rewritten in place, so a copy
    // taken after the snapshot holds every file the snapshot names.
    let mut files = BTreeMap::new();
    if settings.storage.s3.is_some() {
        eprintln!(
            "note: files are in the S3 bucket and are not copied; keep them with the bucket's versioning"
        );
    } else {
        let root = settings.files_dir();
        let keys = stored_files(&root)?;
        let bar = crate::cli::progress_bar("files");
        bar.set_length(keys.len() as u64);
        for key in keys {
            let from = root.join(&key);
            let target = partial.join(FILES).join(&key);
            std::fs::create_dir_all(target.parent().expect("a key has a folder"))?;
            match std::fs::File::open(&from) {
                Ok(source) => {
                    let copy = std::fs::File::create(&target)
                        .with_context(|| format!("cannot write {}", target.display()))?;
                    let measured = hashed_copy(source, std::io::BufWriter::new(copy))
                        .with_context(|| format!("cannot copy {}", from.display()))?;
                    files.insert(key, measured);
                }
                // Removed since it was listed (an old data version pruned): not in the snapshot's
                // future either way.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("cannot copy {}", from.display())),
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
    }
    let manifest = Manifest {
        format: FORMAT,
        agora_version: env!("CARGO_PKG_VERSION").into(),
        created_at: platform::db::now().format(&time::format_description::well_known::Rfc3339)?,
        migration,
        database,
        files,
    };
    let bytes: u64 =
        manifest.database.bytes + manifest.files.values().map(|e| e.bytes).sum::<u64>();
    std::fs::write(
        partial.join(MANIFEST),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    std::fs::rename(&partial, to)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), to.display()))?;
    println!(
        "wrote {}: the database and {} files ({})",
        to.display(),
        manifest.files.len(),
        platform::i18n::human_bytes(bytes)
    );
    Ok(ExitCode::SUCCESS)
}

/// Puts the backup folder `from` in place as the data folder's database and files. Refuses when
/// the data folder has a database already, unless `replace`, which keeps the old one beside it.
/// Run it with the site stopped.
pub fn restore(settings: &Settings, from: &Path, replace: bool) -> anyhow::Result<ExitCode> {
    if settings.database_url().starts_with("postgres") {
        eprintln!(
            "agora restore puts back a backup of the embedded SQLite database. {PG_DUMP_HINT}"
        );
        return Ok(ExitCode::from(2));
    }
    let manifest_path = from.join(MANIFEST);
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(&manifest_path)
            .with_context(|| format!("{} is not a backup: no {MANIFEST}", from.display()))?,
    )
    .with_context(|| format!("{} is damaged", manifest_path.display()))?;
    if manifest.format != FORMAT {
        bail!(
            "{} is a backup of format {}; this Agora reads format {FORMAT}",
            from.display(),
            manifest.format
        );
    }
    // Everything is checked before anything is touched.
    let check = |path: &Path, want: &Entry, what: &str| -> anyhow::Result<()> {
        let got = entry(path).with_context(|| format!("the backup lacks {what}"))?;
        if &got != want {
            bail!("{what} in the backup is damaged: its size or SHA-256 is not the manifest's");
        }
        Ok(())
    };
    check(&from.join(DATABASE), &manifest.database, DATABASE)?;
    for (key, want) in &manifest.files {
        if key
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            bail!("the manifest names a file outside the backup: {key}");
        }
        check(&from.join(FILES).join(key), want, &format!("file {key}"))?;
    }
    let migration = platform::db::SQLITE_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    if manifest.migration > migration {
        bail!(
            "the backup comes from a newer Agora (migration {}); this one knows up to {migration}",
            manifest.migration
        );
    }

    let data_dir = &settings.data_dir;
    let database = data_dir.join(DATABASE);
    let files = settings.files_dir();
    std::fs::create_dir_all(data_dir)?;
    if database.exists() {
        if !replace {
            bail!(
                "{} has a database already; stop the site and add --replace to put the backup in its place (the old one is kept beside it)",
                data_dir.display()
            );
        }
        let stamp = platform::db::now().unix_timestamp();
        for (path, name) in [(&database, DATABASE), (&files, FILES)] {
            if path.exists() {
                let aside = data_dir.join(format!("{name}.before-restore-{stamp}"));
                std::fs::rename(path, &aside)?;
                println!("kept the old {name} as {}", aside.display());
            }
        }
    }
    for leftover in ["agora.db-wal", "agora.db-shm"] {
        let _ = std::fs::remove_file(data_dir.join(leftover));
    }
    let incoming = data_dir.join(format!("{DATABASE}.restoring"));
    std::fs::copy(from.join(DATABASE), &incoming)?;
    std::fs::rename(&incoming, &database)?;
    let bar = crate::cli::progress_bar("files");
    bar.set_length(manifest.files.len() as u64);
    for key in manifest.files.keys() {
        let target = files.join(key);
        std::fs::create_dir_all(target.parent().expect("a key has a folder"))?;
        std::fs::copy(from.join(FILES).join(key), &target)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The index is rebuilt from the restored database when the site next opens it.
    let search = settings.search_dir();
    if search.exists() {
        std::fs::remove_dir_all(&search)?;
    }
    println!(
        "restored {} (taken {}): the database and {} files into {}",
        from.display(),
        manifest.created_at,
        manifest.files.len(),
        data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
