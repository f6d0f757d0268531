//! Every route of the assembled site answers with the security headers and well-made cookies.
//!
//! axum cannot list a router's routes, so the list comes from the source ([`crate::route_table`]):
//! every `.route("…")` and `#[utoipa::path(…, path = "…")]` in the workspace's crates. Each must be
//! mounted in the real app (a request with an unusual method reaches the route, not the
//! not-found fallback), so a route the list misses or the app forgets to mount fails the test.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;

/// A concrete path for a route pattern: parameters get a plausible value.
fn sample(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| {
            if seg.starts_with("{*") {
                "x/y.csv".to_string()
            } else if seg.starts_with('{') {
                "00000000-0000-7000-8000-000000000000".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn check_headers(what: &str, headers: &HeaderMap) -> Vec<String> {
    let mut problems = Vec::new();
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if get("x-content-type-options") != Some("nosniff") {
        problems.push(format!("{what}: no X-Content-Type-Options: nosniff"));
    }
    if get("referrer-policy").is_none() {
        problems.push(format!("{what}: no Referrer-Policy"));
    }
    let csp = get("content-security-policy").unwrap_or("");
    if get("x-frame-options").is_none() && !csp.contains("frame-ancestors") {
        problems.push(format!("{what}: no X-Frame-Options or frame-ancestors"));
    }
    if get("content-type").is_some_and(|t| t.starts_with("text/html")) && csp.is_empty() {
        problems.push(format!("{what}: HTML without a Content-Security-Policy"));
    }
    if headers.contains_key(header::SERVER) || headers.contains_key("x-powered-by") {
        problems.push(format!("{what}: names the server software"));
    }
    for cookie in headers.get_all(header::SET_COOKIE) {
        let cookie = cookie.to_str().unwrap_or("");
        let flags: Vec<String> = cookie
            .split(';')
            .skip(1)
            .map(|f| f.trim().to_ascii_lowercase())
            .collect();
        let has = |f: &str| flags.iter().any(|x| x == f);
        if !has("httponly")
            || !(has("samesite=lax") || has("samesite=strict"))
            || !has("secure")
            || !has("path=/")
            || flags.iter().any(|f| f.starts_with("domain="))
        {
            problems.push(format!("{what}: cookie without the right flags: {cookie}"));
        }
    }
    problems
}

#[tokio::test]
async fn every_route_sends_the_security_headers() {
    let t = platform::testing::sqlite().await;
    let settings = platform::config::Settings {
        data_dir: t.dir.path().to_path_buf(),
        base_url: Some("https://open.example.org".into()),
        ..Default::default()
    };
    let areas = crate::home::areas();
    let platform =
        platform::Platform::with_db(settings, t.db.clone(), crate::home::nav(&areas)).unwrap();
    let app = crate::home::app(&platform, &areas).await.unwrap();
    let send = |method: Method, uri: String| {
        let app = app.clone();
        async move {
            let req = Request::builder()
                .method(method)
                .uri(&uri)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap();
            app.oneshot(req).await.unwrap()
        }
    };

    let routes = crate::route_table::routes();
    assert!(routes.len() > 80, "only {} routes found", routes.len());
    let mut problems = Vec::new();
    for crate::route_table::Route { pattern, file, .. } in &routes {
        // Pages are mounted under each language; the rest at the root.
        let candidates = [format!("/en{}", sample(pattern)), sample(pattern)];
        let mut mounted = None;
        for uri in candidates {
            let probe = send(Method::from_bytes(b"PROPFIND").unwrap(), uri.clone()).await;
            if probe.status() != StatusCode::NOT_FOUND {
                mounted = Some(uri);
                break;
            }
        }
        let Some(uri) = mounted else {
            problems.push(format!("{pattern} ({file}) is not mounted in the app"));
            continue;
        };
        for method in [Method::GET, Method::POST] {
            let res = send(method.clone(), uri.clone()).await;
            problems.extend(check_headers(
                &format!("{method} {uri} ({})", res.status()),
                res.headers(),
            ));
        }
    }
    // The fallback and the root redirect too.
    for uri in [
        "/",
        "/en/no/such/page",
        "/api/3/action/no_such_action",
        "/healthz",
    ] {
        let res = send(Method::GET, uri.to_string()).await;
        problems.extend(check_headers(&format!("GET {uri}"), res.headers()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_missing_headers_and_loose_cookies() {
    let mut good = HeaderMap::new();
    for (k, v) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        (
            "content-security-policy",
            "default-src 'self'; frame-ancestors 'none'",
        ),
        ("content-type", "text/html; charset=utf-8"),
        (
            "set-cookie",
            "__Host-agora_csrf=x; HttpOnly; SameSite=Lax; Secure; Path=/",
        ),
    ] {
        good.append(k, v.parse().unwrap());
    }
    assert!(check_headers("good", &good).is_empty());
    let without = |name: &str| {
        let mut h = good.clone();
        h.remove(name);
        h
    };
    assert_eq!(
        check_headers("x", &without("x-content-type-options")).len(),
        1
    );
    assert_eq!(check_headers("x", &without("referrer-policy")).len(), 1);
    assert_eq!(
        check_headers("x", &without("content-security-policy")).len(),
        2
    );
    for loose in [
        "a=b; SameSite=Lax; Secure; Path=/",
        "a=b; HttpOnly; Secure; Path=/",
        "a=b; HttpOnly; SameSite=None; Secure; Path=/",
        "a=b; HttpOnly; SameSite=Lax; Path=/",
        "a=b; HttpOnly; SameSite=Lax; Secure",
        "a=b; HttpOnly; SameSite=Lax; Secure; Path=/; Domain=example.org",
    ] {
        let mut h = without("set-cookie");
        h.append("set-cookie", loose.parse().unwrap());
        assert_eq!(check_headers("x", &h).len(), 1, "{loose}");
    }
    let mut h = good.clone();
    h.insert("server", "hyper/1.0".parse().unwrap());
    assert_eq!(check_headers("x", &h).len(), 1);
}
