//! The site's route table, read from the source: every `.route("…", …)` call with the methods
//! its handler chain answers, and every `#[utoipa::path(method, path = "…")]` attribute.
//!
//! axum cannot list a router's routes, so the tests that must see every route (security headers,
//! the authorization matrix) read them here; a route the reading misses is caught by those tests
//! probing the assembled app.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One route pattern as written in the source, with the methods it answers (`ANY` for `any(…)`)
/// and the file that declares it.
#[derive(Clone, Debug)]
pub struct Route {
    pub pattern: String,
    pub methods: BTreeSet<String>,
    pub file: String,
}

/// The workspace's `crates` folder.
fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every source file of the workspace's crates, but tests and templates.
fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![crates_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" && name != "target" && name != "templates" {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs")
                && name != "route_table.rs"
                && name != "route_headers.rs"
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The text from `open` (just after an opening bracket) to its matching closing bracket.
fn until_close(text: &str) -> &str {
    let mut depth = 1usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}

/// The methods a handler chain such as `get(a).post(b)` or `large_body(any(h))` answers.
fn methods_of(chain: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (name, method) in [
        ("get", "GET"),
        ("post", "POST"),
        ("put", "PUT"),
        ("patch", "PATCH"),
        ("delete", "DELETE"),
        ("any", "ANY"),
    ] {
        let call = format!("{name}(");
        for (at, _) in chain.match_indices(&call) {
            let before = chain[..at].chars().next_back();
            if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':')) {
                out.insert(method.to_string());
            }
        }
    }
    out
}

/// Every route of the workspace's sources, sorted by pattern; a pattern declared in several
/// places has the union of their methods.
pub fn routes() -> Vec<Route> {
    let root = crates_dir();
    let mut found: Vec<Route> = Vec::new();
    for path in sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path
            .strip_prefix(&root)
            .map(|p| format!("crates/{}", p.display()))
            .unwrap_or_else(|_| path.display().to_string());
        for (at, _) in text.match_indices(".route(") {
            let args = until_close(&text[at + ".route(".len()..]);
            let Some(rest) = args.trim_start().strip_prefix('"') else {
                continue;
            };
            let Some(end) = rest.find('"') else { continue };
            found.push(Route {
                pattern: rest[..end].to_string(),
                methods: methods_of(&rest[end + 1..]),
                file: file.clone(),
            });
        }
        // Routes mounted through utoipa-axum's `routes!` are written once, in the handler's
        // `#[utoipa::path(method, …, path = "…")]`.
        for (at, _) in text.match_indices("#[utoipa::path(") {
            let args = until_close(&text[at + "#[utoipa::path(".len()..]);
            let Some(start) = args.find("path = \"") else {
                continue;
            };
            let rest = &args[start + "path = \"".len()..];
            let Some(end) = rest.find('"') else { continue };
            let method = args
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_uppercase();
            found.push(Route {
                pattern: rest[..end].to_string(),
                methods: BTreeSet::from([method]),
                file: file.clone(),
            });
        }
    }
    found.sort_by(|a, b| a.pattern.cmp(&b.pattern));
    let mut merged: Vec<Route> = Vec::new();
    for r in found {
        match merged.last_mut() {
            Some(last) if last.pattern == r.pattern => last.methods.extend(r.methods),
            _ => merged.push(r),
        }
    }
    merged
}

/// The names in a `const NAME: &[&str] = &[…];` list of a source file (the CKAN actions).
pub fn string_list(file: &str, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(crates_dir().join(file.trim_start_matches("crates/")))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let head = format!("const {name}: &[&str] = &[");
    let at = text
        .find(&head)
        .unwrap_or_else(|| panic!("{file} has no `{head}`"));
    until_close(&text[at + head.len()..])
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn methods_are_read_from_handler_chains() {
    let m = |s: &str| methods_of(s).into_iter().collect::<Vec<_>>().join(" ");
    assert_eq!(m(", get(a).post(b))"), "GET POST");
    assert_eq!(m(", post(delete_target))"), "POST");
    assert_eq!(m(", large_body(any(handler.clone())))"), "ANY");
    assert_eq!(m(", post(vote).delete(withdraw_vote))"), "DELETE POST");
    assert_eq!(m(", get(|p: P| catalog(p, Format::Turtle)))"), "GET");
    assert_eq!(m(", get(crate::jobs::admin_list))"), "GET");
}
