//! `agora backup` of a running demo site and `agora restore` into a new data folder give a site
//! whose exports are byte for byte the same; a damaged backup is refused before anything changes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn agora(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("AGORA_DATABASE_URL")
        .env_remove("AGORA_CONFIG")
        .env("AGORA_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("agora runs")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

struct Site {
    child: Child,
    port: u16,
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Site {
    /// The restored site listens where the first one did: links carry the site's address.
    fn start(command: &str, data_dir: &Path, port: u16) -> Site {
        let log = std::fs::File::create(data_dir.join(format!("{command}.log"))).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_agora"))
            .args([
                command,
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(data_dir)
            .env_remove("AGORA_DATABASE_URL")
            .env_remove("AGORA_CONFIG")
            .env("AGORA_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("agora runs");
        let site = Site { child, port };
        site.wait_for("/healthz", |status, _| status == 200);
        site
    }

    /// `GET path` over HTTP/1.0 (no chunked bodies): the status and the body.
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return (0, Vec::new());
        };
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        if s.read_to_end(&mut raw).is_err() {
            return (0, Vec::new());
        }
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        let head = String::from_utf8_lossy(&raw[..end]).into_owned();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, raw[end + 4..].to_vec())
    }

    fn wait_for(&self, path: &str, ready: impl Fn(u16, &[u8]) -> bool) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let (status, body) = self.get(path);
            if ready(status, &body) {
                return body;
            }
            assert!(Instant::now() < deadline, "{path} not ready: {status}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {}", text(&body));
        serde_json::from_slice(&body).unwrap()
    }
}

/// What a researcher or an auditor would take away from the site.
fn exports(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut paths: Vec<String> = [
        "/api/3/action/package_search?rows=1000&sort=name%20asc",
        "/api/3/action/current_package_list_with_resources?limit=1000",
        "/api/3/action/organization_list?all_fields=true",
        "/catalog.ttl",
        "/data.json",
        "/data/inventory.csv",
        "/api/v1/dialogue/consultations.csv",
        "/en/tracker/export/ogp.csv",
        "/fr/tracker/export/ogp.csv",
        "/sitemap.xml",
    ]
    .map(String::from)
    .into();
    let all = site.json("/api/3/action/current_package_list_with_resources?limit=1000");
    for dataset in all["result"].as_array().unwrap() {
        for r in dataset["resources"].as_array().unwrap() {
            if r["datastore_active"] == true {
                paths.push(format!("/datastore/dump/{}", r["id"].as_str().unwrap()));
            }
        }
    }
    paths
        .into_iter()
        .map(|p| {
            let (status, body) = site.get(&p);
            assert_eq!(status, 200, "{p}: {}", text(&body));
            (p, body)
        })
        .collect()
}

fn jobs_pending(data_dir: &Path) -> i64 {
    let out = agora(
        &["jobs", "--kind", "datastore.ingest", "--limit", "1000"],
        data_dir,
    );
    text(&out.stdout)
        .lines()
        .filter(|l| l.contains("queued") || l.contains("running"))
        .count() as i64
}

#[test]
fn a_restored_backup_exports_the_same_bytes() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !shared.exists() {
        eprintln!("skipped: ../shared/data is not present");
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let live = tempfile::tempdir().unwrap();
    let site = Site::start("demo", live.path(), port);
    let deadline = Instant::now() + Duration::from_secs(600);
    while jobs_pending(live.path()) > 0 {
        assert!(Instant::now() < deadline, "the demo's jobs did not finish");
        std::thread::sleep(Duration::from_millis(500));
    }
    // The search index follows the database a moment behind (the loads just finished change
    // datasets): the live site's exports are taken once two readings a few seconds apart agree.
    let mut before = exports(&site);
    loop {
        std::thread::sleep(Duration::from_secs(3));
        let again = exports(&site);
        if again == before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the live site's exports keep changing"
        );
        before = again;
    }
    assert!(
        before
            .iter()
            .any(|(p, _)| p.starts_with("/datastore/dump/")),
        "the demo has a table, so that files are part of the round trip"
    );

    // Taken while the site runs.
    let kept = tempfile::tempdir().unwrap();
    let backup = kept.path().join("nightly");
    let made = agora(&["backup", "--to", backup.to_str().unwrap()], live.path());
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(backup.join("manifest.json").exists() && backup.join("agora.db").exists());
    let again = agora(&["backup", "--to", backup.to_str().unwrap()], live.path());
    assert!(!again.status.success() && text(&again.stderr).contains("exists already"));
    drop(site);

    let restored = tempfile::tempdir().unwrap();
    let put = agora(
        &["restore", "--from", backup.to_str().unwrap()],
        restored.path(),
    );
    assert!(put.status.success(), "{}", text(&put.stderr));
    let twice = agora(
        &["restore", "--from", backup.to_str().unwrap()],
        restored.path(),
    );
    assert!(
        !twice.status.success() && text(&twice.stderr).contains("--replace"),
        "{}",
        text(&twice.stderr)
    );

    let site = Site::start("serve", restored.path(), port);
    // The search index is rebuilt from the restored database.
    let want =
        serde_json::from_slice::<serde_json::Value>(&before[0].1).unwrap()["result"]["count"]
            .clone();
    site.wait_for(&before[0].0, |status, body| {
        status == 200
            && serde_json::from_slice::<serde_json::Value>(body)
                .is_ok_and(|v| v["result"]["count"] == want)
    });
    let after = exports(&site);
    assert_eq!(before.len(), after.len());
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        let at = a.iter().zip(b).position(|(x, y)| x != y);
        let around = |v: &[u8], i: usize| text(&v[i.saturating_sub(200)..(i + 200).min(v.len())]);
        assert!(
            a == b,
            "{path} differs after the restore ({} bytes before, {} after){}",
            a.len(),
            b.len(),
            at.map(|i| format!(
                " from byte {i}:\nbefore: {}\nafter:  {}",
                around(a, i),
                around(b, i)
            ))
            .unwrap_or_default()
        );
    }
    drop(site);

    // A damaged backup is refused, and the data folder is left as it was.
    let manifest = std::fs::read_to_string(backup.join("manifest.json")).unwrap();
    let file = serde_json::from_str::<serde_json::Value>(&manifest).unwrap()["files"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .expect("the backup holds files")
        .clone();
    std::fs::write(backup.join("files").join(&file), b"damaged").unwrap();
    let db_before = std::fs::read(restored.path().join("agora.db")).unwrap();
    let refused = agora(
        &["restore", "--from", backup.to_str().unwrap(), "--replace"],
        restored.path(),
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains(&format!("file {file} in the backup is damaged")),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(
        std::fs::read(restored.path().join("agora.db")).unwrap(),
        db_before
    );
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-qX", url, "-c", sql])
        .output()
        .expect("psql runs");
    assert!(out.status.success(), "{sql}: {}", text(&out.stderr));
}

fn tool(program: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program}: {}", text(&out.stderr));
    out.stdout
}

/// The route the README gives for PostgreSQL: `pg_dump`, `pg_restore`, `agora reindex`. The
/// restored database holds the same rows, byte for byte in a data-only dump, and the site opens it.
#[test]
fn postgres_is_backed_up_with_pg_dump_and_pg_restore() {
    let Ok(base) = std::env::var("AGORA_TEST_POSTGRES_URL") else {
        eprintln!("skipped: AGORA_TEST_POSTGRES_URL is not set");
        return;
    };
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !shared.exists() {
        eprintln!("skipped: ../shared/data is not present");
        return;
    }
    let server = &base[..base.rfind('/').unwrap()];
    let admin = format!("{server}/postgres");
    let (src, dst) = (
        format!("{server}/agora_backup_src"),
        format!("{server}/agora_backup_dst"),
    );
    for name in ["agora_backup_src", "agora_backup_dst"] {
        psql(
            &admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        psql(&admin, &format!("CREATE DATABASE {name}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_agora"))
            .args(args)
            .args(["--database-url", url, "--data-dir"])
            .arg(dir.path())
            .env("AGORA_LOG", "warn")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        out
    };
    let catalogue = shared.join("ontario-catalogue/data-ontario-ca-catalogue-2020-09-10.csv");
    run(
        &["import", "ontario-catalogue", catalogue.to_str().unwrap()],
        &src,
    );

    let refused = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(["backup", "--to"])
        .arg(dir.path().join("nope"))
        .args(["--database-url", &src, "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("pg_dump --format=custom"));

    let dump = dir.path().join("agora.dump");
    tool(
        "pg_dump",
        &["--format=custom", "--file", dump.to_str().unwrap(), &src],
    );
    tool(
        "pg_restore",
        &[
            "--clean",
            "--if-exists",
            "--no-owner",
            "--dbname",
            &dst,
            dump.to_str().unwrap(),
        ],
    );
    // Every row of every table, in the dump's order of tables; rows sorted, since a table's
    // physical order is not part of its content. Plain dumps open and close with a random
    // `\restrict` key (PostgreSQL 15.14 and later).
    let rows = |url: &str| -> Vec<u8> {
        let dump = text(&tool("pg_dump", &["--data-only", "--no-comments", url]));
        let mut lines: Vec<&str> = dump
            .lines()
            .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
            .collect();
        lines.sort_unstable();
        lines.join("\n").into_bytes()
    };
    let (before, after) = (rows(&src), rows(&dst));
    assert!(before.len() > 100_000, "the catalogue was imported");
    if before != after {
        let (a, b) = (text(&before), text(&after));
        let differ: Vec<(&str, &str)> = a
            .lines()
            .zip(b.lines())
            .filter(|(x, y)| x != y)
            .take(3)
            .collect();
        panic!("the restored database holds other rows: {differ:?}");
    }
    let reindexed = run(&["reindex"], &dst);
    assert!(
        text(&reindexed.stdout).contains("indexed"),
        "{}",
        text(&reindexed.stdout)
    );
    for name in ["agora_backup_src", "agora_backup_dst"] {
        psql(
            &admin,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
    }
}
