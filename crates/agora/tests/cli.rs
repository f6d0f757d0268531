//! The command line, run as people run it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn agora(args: &[&str], data_dir: &std::path::Path, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("AGORA_DATABASE_URL")
        .env_remove("AGORA_CONFIG")
        .env("AGORA_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("agora runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn users_tokens_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let made = agora(
        &["user", "create", "ada@example.org", "--role", "admin"],
        d,
        "a long passphrase\n",
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).contains("created ada@example.org (admin)"));
    assert!(
        !text(&made.stdout).contains("password:"),
        "a given password is not printed"
    );

    let generated = agora(
        &["user", "create", "bob@example.org", "--role", "moderator"],
        d,
        "",
    );
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let line = text(&generated.stdout)
        .lines()
        .find(|l| l.starts_with("password: "))
        .map(str::to_string)
        .expect("generated password printed");
    assert!(line.len() > "password: ".len() + 15);

    let dup = agora(
        &["user", "create", "ADA@example.org", "--role", "admin"],
        d,
        "another passphrase",
    );
    assert!(!dup.status.success());
    assert!(
        text(&dup.stderr).contains("email: An account already uses this e-mail address"),
        "{}",
        text(&dup.stderr)
    );

    let editor = agora(
        &["user", "create", "ed@example.org", "--role", "editor"],
        d,
        "",
    );
    assert!(!editor.status.success());
    assert!(
        text(&editor.stderr).contains("--org"),
        "{}",
        text(&editor.stderr)
    );
    let editor = agora(
        &[
            "user",
            "create",
            "ed@example.org",
            "--role",
            "editor",
            "--org",
            "no-such-ministry",
        ],
        d,
        "",
    );
    assert!(
        text(&editor.stderr).contains("no organization with slug `no-such-ministry`"),
        "{}",
        text(&editor.stderr)
    );

    let token = agora(
        &[
            "token",
            "create",
            "ada@example.org",
            "--name",
            "harvest",
            "--expires",
            "30",
        ],
        d,
        "",
    );
    assert!(token.status.success(), "{}", text(&token.stderr));
    let out = text(&token.stdout);
    assert!(
        out.trim_end().lines().last().unwrap().starts_with("agora_"),
        "{out}"
    );
    let bad = agora(&["token", "create", "nobody@example.org"], d, "");
    assert!(
        !bad.status.success()
            && text(&bad.stderr).contains("no account with e-mail nobody@example.org")
    );

    let copy = d.join("backup");
    let backup = agora(&["backup", "--to", copy.to_str().unwrap()], d, "");
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    assert!(std::fs::metadata(copy.join("agora.db")).unwrap().len() > 10_000);

    // The copy is a working database holding the accounts.
    let restored = tempfile::tempdir().unwrap();
    let put = agora(
        &["restore", "--from", copy.to_str().unwrap()],
        restored.path(),
        "",
    );
    assert!(put.status.success(), "{}", text(&put.stderr));
    let token = agora(&["token", "create", "bob@example.org"], restored.path(), "");
    assert!(token.status.success(), "{}", text(&token.stderr));
}

#[test]
fn bad_configuration_and_databases_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agora.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:0\"\n[site]\nname_en = \"x\"\nnmae_fr = \"y\"\n",
    )
    .unwrap();
    let out = agora(
        &["migrate", "--config", config.to_str().unwrap()],
        dir.path(),
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("nmae_fr") && err.contains("line 4") && err.contains("agora.toml"),
        "{err}"
    );

    let out = agora(
        &[
            "migrate",
            "--database-url",
            "postgres://agora:hunter2@127.0.0.1:1/agora",
        ],
        dir.path(),
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("127.0.0.1:1") && !err.contains("hunter2"),
        "{err}"
    );

    let out = agora(
        &["migrate", "--database-url", "mysql://x@y/z"],
        dir.path(),
        "",
    );
    assert!(!out.status.success() && text(&out.stderr).contains("unsupported database URL"));

    let out = agora(&["migrate"], dir.path(), "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("SQLite database is up to date"));
}

#[test]
fn ogp_commitments_are_imported_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let header = "Commitment Unique Identifier,Country/Locality,Region,Theme,Year Of Submission,Action Plan Number,Commitment Number,Commitment Title,Short Title,Full Text,Lead Institution,Supporting Institution(s),URL,OGP Value Access To Information,OGP Value Civic Participation,OGP Value Public Accountability,OGP Value Technology,Specificity,Potential Impact,Completion,Did It Open Government";
    let row = "ON0001,\"Ontario, Canada\",Americas,Open data,2016,1,1,Adopt the Charter,,Text,Treasury Board Secretariat,,,Yes,No,No,Yes,,,Limited,";
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{}\n{row}\n", header.replace(",Region", ",Regions")),
    )
    .unwrap();
    let out = agora(
        &["import", "ogp-commitments", bad.to_str().unwrap()],
        dir.path(),
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.contains("Column \"Regions\" is not one of OGP's commitment data columns."),
        "{err}"
    );
    assert!(err.contains("Column \"Region\" is missing."), "{err}");

    let good = dir.path().join("good.csv");
    std::fs::write(&good, format!("{header}\n{row}\n")).unwrap();
    let out = agora(
        &[
            "import",
            "ogp-commitments",
            good.to_str().unwrap(),
            "--lang",
            "en",
        ],
        dir.path(),
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 new commitments, 0 updated"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("new organizations: treasury-board-secretariat"));
}

#[test]
fn configured_licences_are_used_and_bad_ones_named() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agora.toml");
    let licence = "[[catalogue.licences]]\nid = \"OGL-NS-1.0\"\ntitle_en = \"Open Government Licence – Nova Scotia\"\nopen = true\naliases = [\"ogl-ns\"]\n";
    std::fs::write(&config, format!("{licence}url = \"novascotia.ca\"\n")).unwrap();
    let out = agora(
        &["migrate", "--config", config.to_str().unwrap()],
        dir.path(),
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("catalogue.licences[0].url") && err.contains("OGL-NS-1.0"),
        "{err}"
    );

    std::fs::write(&config, licence).unwrap();
    let dump = dir.path().join("datasets.jsonl");
    std::fs::write(
        &dump,
        "{\"name\": \"ns-wells\", \"title\": \"Wells\", \"organization\": {\"name\": \"ns\", \"title\": \"Nova Scotia\"}, \"license_id\": \"ogl-ns\"}\n\
         {\"name\": \"ns-roads\", \"title\": \"Roads\", \"organization\": {\"name\": \"ns\", \"title\": \"Nova Scotia\"}, \"license_id\": \"OGL-NS-2.0\"}\n",
    )
    .unwrap();
    let out = agora(
        &[
            "import",
            "ckan-dump",
            dump.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        dir.path(),
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("created 1,"), "{said}");
    assert!(
        said.contains("skipped line 2 (ns-roads): license_id: Choose a licence from the list."),
        "{said}"
    );
}
