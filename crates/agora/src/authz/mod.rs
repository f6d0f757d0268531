//! The authorization matrix, run: every method of every route of the site (from the route table
//! read from the source, [`crate::route_table`]) and every CKAN action has a row in
//! [`matrix::ROWS`], and every checked row is sent as every role of [`matrix::Who`] on SQLite
//! and, when `AGORA_TEST_POSTGRES_URL` is set, PostgreSQL. A role that may not is refused and
//! changes nothing; a role that may gets through.

mod matrix;
mod world;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use platform::testing::{Client, Multipart, Reply, form_request};

use matrix::{ROWS, Rule, Who};
use world::World;

const MATRIX_FILE: &str = "crates/agora/src/authz/matrix.rs";

/// The CKAN actions, read from the lists their dispatchers check.
fn ckan_actions() -> Vec<String> {
    let mut out = Vec::new();
    for file in [
        "crates/catalogue/src/ckan/mod.rs",
        "crates/datastore/src/api.rs",
    ] {
        for list in ["READ_ACTIONS", "WRITE_ACTIONS"] {
            out.extend(crate::route_table::string_list(file, list));
        }
    }
    out
}

/// Every `METHOD route` the site answers, with the file that declares it.
fn every_route() -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for r in crate::route_table::routes() {
        for m in &r.methods {
            if r.pattern == "/api/3/action/{action}" {
                for action in ckan_actions() {
                    out.insert(
                        ("POST".to_string(), format!("/api/3/action/{action}")),
                        r.file.clone(),
                    );
                }
            } else {
                out.insert((m.clone(), r.pattern.clone()), r.file.clone());
            }
        }
    }
    out
}

#[test]
fn every_route_has_a_row_in_the_matrix() {
    let routes = every_route();
    assert!(routes.len() > 150, "only {} routes found", routes.len());
    let rows: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_string()))
        .collect();
    let mut problems = Vec::new();
    for ((method, route), file) in &routes {
        if !rows.contains(&(method.clone(), route.clone())) {
            problems.push(format!(
                "{method} {route} (declared in {file}) has no row in {MATRIX_FILE}. Add one:\n    \
                 public(\"{method}\", \"{route}\", \"why anyone may\"),\n  or, for a write or a \
                 read of data that is not public:\n    \
                 check(\"{method}\", \"{route}\", \"/en{route} with {{fixture}} values\", \"form=or&json\", STAFF_A),"
            ));
        }
    }
    let owed: Vec<String> = ROWS
        .iter()
        .filter_map(|r| match r.rule {
            Rule::Owed(tested_in) => Some(format!("{} {} ({tested_in})", r.method, r.route)),
            _ => None,
        })
        .collect();
    if !owed.is_empty() {
        eprintln!(
            "{} routes are owed a matrix row that sends them:\n  {}",
            owed.len(),
            owed.join("\n  ")
        );
    }
    for row in ROWS {
        if let Rule::Owed(tested_in) = row.rule
            && !tested_in.contains("tests/")
        {
            problems.push(format!(
                "{} {}: an owed row names the test that checks it",
                row.method, row.route
            ));
        }
        if let Rule::Public(why) = row.rule
            && why.trim().is_empty()
        {
            problems.push(format!(
                "{} {}: a public row says why anyone may",
                row.method, row.route
            ));
        }
    }
    for (method, route) in &rows {
        if !routes.contains_key(&(method.clone(), route.clone())) {
            problems.push(format!(
                "{MATRIX_FILE} has a row for {method} {route}, which no longer exists: remove it"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the authorization matrix is not complete:\n{}",
        problems.join("\n")
    );
}

/// A refusal: not signed in, forbidden, hidden, or sent to log in.
fn refused(r: &Reply) -> bool {
    matches!(
        r.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) || (r.status.is_redirection() && r.location().contains("/account/login"))
}

static FRESH: AtomicUsize = AtomicUsize::new(0);

/// `template` with its placeholders filled: fixtures, things made anew (`{fresh_…}`) and `{n}`,
/// a number no other request has.
async fn fill(world: &World, template: &str) -> String {
    let n = FRESH.fetch_add(1, Ordering::SeqCst);
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        // JSON's own braces are not placeholders.
        if len == 0 || !after[len..].starts_with('}') {
            out.push('{');
            rest = after;
            continue;
        }
        let name = &after[..len];
        let value = if name == "n" {
            n.to_string()
        } else if name.starts_with("fresh_") {
            world.fresh(name, n).await
        } else {
            world
                .values
                .get(name)
                .unwrap_or_else(|| panic!("no fixture for {{{name}}}"))
                .clone()
        };
        out.push_str(&value);
        rest = &after[len + 1..];
    }
    out.push_str(rest);
    out
}

/// How a request is sent: with the role's API token (`/api/…`), or as its browser with the
/// CSRF token (or without it, to show that a session alone does not write).
#[derive(Clone, Copy, PartialEq)]
enum Via {
    Token,
    Browser,
    BrowserWithoutCsrf,
}

async fn send(world: &World, who: Who, via: Via, method: &str, path: &str, body: &str) -> Reply {
    let method = if method == "ANY" { "POST" } else { method };
    let json = path.starts_with("/api/");
    let client: Client = match via {
        Via::Token => world.api_client(who),
        _ => world.browser(who).await,
    };
    if method == "GET" {
        return client.get(path).await;
    }
    if json {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(if body.is_empty() {
                Body::empty()
            } else {
                Body::from(body.to_string())
            })
            .unwrap();
        return match via {
            Via::BrowserWithoutCsrf => client.send(req).await,
            _ => client.send_api(req).await,
        };
    }
    // `multipart:a=b&…`: the form of a page that takes files.
    if let Some(fields) = body.strip_prefix("multipart:") {
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(fields.as_bytes())
            .into_owned()
            .collect();
        let mut form = Multipart::new();
        for (k, v) in &fields {
            form = form.field(k, v);
        }
        return match via {
            Via::BrowserWithoutCsrf => client.send(form.request(path)).await,
            _ => client.post_multipart(path, form).await,
        };
    }
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    match via {
        Via::BrowserWithoutCsrf => client.send(form_request(path, &fields)).await,
        _ => client.post(path, &fields).await,
    }
}

/// What differs between two fingerprints.
fn changes(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_on_every_route() {
    for t in platform::testing::engines().await {
        let engine = t.engine;
        let world = World::new(&t).await;
        let mut problems = Vec::new();
        let mut observed = Vec::new();
        for row in ROWS {
            match &row.rule {
                Rule::Public(_) | Rule::Owed(_) => {}
                Rule::Check {
                    path,
                    body,
                    allowed,
                } => {
                    let seen =
                        check_row(&world, engine, row, path, body, allowed, &mut problems).await;
                    observed.push(seen);
                }
                Rule::Hides {
                    path,
                    body,
                    secret,
                    allowed,
                } => {
                    hides_row(
                        &world,
                        engine,
                        row,
                        (path, body),
                        secret,
                        allowed,
                        &mut problems,
                    )
                    .await
                }
            }
        }
        if std::env::var("AUTHZ_SHOW").is_ok() {
            eprintln!("{}", observed.join("\n"));
        }
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

/// Sends a `check` row as every role; answers who got through, for `AUTHZ_SHOW`.
async fn check_row(
    world: &World,
    engine: &str,
    row: &matrix::Row,
    path: &str,
    body: &str,
    allowed: &[Who],
    problems: &mut Vec<String>,
) -> String {
    // Refused roles first: an allowed request may use up what the next one needs.
    let mut order: Vec<Who> = Who::ALL
        .into_iter()
        .filter(|w| !allowed.contains(w))
        .collect();
    order.extend(allowed.iter().copied());
    let via = if path.starts_with("/api/") {
        Via::Token
    } else {
        Via::Browser
    };
    let mut attempts: Vec<(Who, Via)> = order.iter().map(|w| (*w, via)).collect();
    // A write with a session but no CSRF token is refused, even for who may.
    if row.method != "GET"
        && let Some(&top) = allowed.last()
        && top != Who::Anonymous
    {
        attempts.insert(0, (top, Via::BrowserWithoutCsrf));
    }
    let mut got_through = Vec::new();
    for (who, via) in attempts {
        let expect_through = allowed.contains(&who) && via != Via::BrowserWithoutCsrf;
        let path = fill(world, path).await;
        let body = fill(world, body).await;
        let before = world.fingerprint().await;
        let r = send(world, who, via, row.method, &path, &body).await;
        let after = world.fingerprint().await;
        let through = !refused(&r);
        let what = format!(
            "{engine}: {} {path} as {}{}",
            row.method,
            who.name(),
            if via == Via::BrowserWithoutCsrf {
                " (session, no CSRF token)"
            } else {
                ""
            }
        );
        if r.status.is_server_error() {
            problems.push(format!("{what}: {} {}", r.status, cut(&r.body)));
            continue;
        }
        if via != Via::BrowserWithoutCsrf && through {
            got_through.push(who);
        }
        if through != expect_through {
            problems.push(format!(
                "{what}: {} (expected {}) {} {}",
                r.status,
                if expect_through { "through" } else { "refused" },
                r.location(),
                cut(&r.body)
            ));
        }
        if !through {
            let changed = changes(&before, &after);
            if !changed.is_empty() {
                problems.push(format!(
                    "{what}: refused ({}) but changed {}",
                    r.status,
                    changed.join(", ")
                ));
            }
        }
    }
    got_through.sort();
    format!(
        "{} {} -> {}",
        row.method,
        path,
        got_through
            .iter()
            .map(|w| w.name())
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// Reads a `hides` row as every role: only `allowed` see `secret`, and one of them does.
async fn hides_row(
    world: &World,
    engine: &str,
    row: &matrix::Row,
    (path, body): (&str, &str),
    secret: &str,
    allowed: &[Who],
    problems: &mut Vec<String>,
) {
    let path = fill(world, path).await;
    let body = fill(world, body).await;
    let via = if path.starts_with("/api/") {
        Via::Token
    } else {
        Via::Browser
    };
    let mut seen_by = Vec::new();
    for who in Who::ALL {
        let r = send(world, who, via, row.method, &path, &body).await;
        let what = format!("{engine}: {} {path} as {}", row.method, who.name());
        if r.status.is_server_error() {
            problems.push(format!("{what}: {} {}", r.status, cut(&r.body)));
        }
        if r.body.contains(secret) {
            seen_by.push(who);
            if !allowed.contains(&who) {
                problems.push(format!("{what}: shows {secret:?}"));
            }
        }
    }
    if !allowed.is_empty() && !allowed.iter().any(|w| seen_by.contains(w)) {
        problems.push(format!(
            "{engine}: {} {path}: none of {:?} sees {secret:?}, so the row proves nothing",
            row.method, allowed
        ));
    }
}

/// The start of a body, for a message.
fn cut(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(160).collect()
}
