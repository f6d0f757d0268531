//! The Action API under attack: cross-site writes with a victim's cookie, hostile paging.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use platform::auth;
use platform::testing;
use platform::web::{CSRF_HEADER, session_csrf};

use crate::ckan::setup;

/// A form on another site, posted with the signed-in editor's cookies.
fn cross_site_form(cookie: &str, csrf_header: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/api/3/action/package_create")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(token) = csrf_header {
        req = req.header(CSRF_HEADER, token);
    }
    req.body(Body::from(
        "name=planted&title=Planted&owner_org=ministry-of-health&license_id=OGL-ON-1.0",
    ))
    .unwrap()
}

#[tokio::test]
async fn a_session_cookie_alone_cannot_write_through_the_action_api() {
    for t in testing::engines().await {
        let api = setup(&t).await;
        let editor = auth::find_user_by_email(&api.platform.db, "editor@health.example")
            .await
            .unwrap()
            .unwrap();
        let secret = auth::create_session(&api.platform.db, editor.id)
            .await
            .unwrap();
        let token = session_csrf(&secret);
        let cookie = format!("agora_session={secret}; agora_csrf={token}");

        let (status, body) = api.call(cross_site_form(&cookie, None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}: {body}", t.engine);
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["__type"], "Authorization Error");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("X-CSRF-Token"),
            "{body}"
        );
        // Another session's token does not do either.
        let other = auth::create_session(&api.platform.db, editor.id)
            .await
            .unwrap();
        let (status, _) = api
            .call(cross_site_form(&cookie, Some(&session_csrf(&other))))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", t.engine);
        let (status, _) = api.get("/api/3/action/package_show?id=planted").await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{}: nothing was created",
            t.engine
        );

        // The session's own token, as a same-site script sends it, is accepted.
        let (status, body) = api.call(cross_site_form(&cookie, Some(&token))).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.engine);
        assert_eq!(body["result"]["name"], "planted");

        // Reads by cookie need no token; API tokens work as before.
        let req = Request::get("/api/3/action/package_show?id=planted")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        assert_eq!(api.call(req).await.0, StatusCode::OK);
        let mut package = json!({"name": "by-token", "title": "By token",
            "owner_org": "ministry-of-health", "license_id": "OGL-ON-1.0"});
        let (status, body) = api
            .post("package_create", Some(&api.token), package.take())
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", t.engine);
    }
}

#[tokio::test]
async fn hostile_paging_gets_ckan_errors_not_a_panic() {
    let t = testing::sqlite().await;
    let api = setup(&t).await;
    let (status, body) = api
        .get("/api/3/action/package_search?rows=18446744073709551615")
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["rows"][0], "Invalid integer");
    let (status, body) = api.get("/api/3/action/package_search?start=-1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["__type"], "Search Query Error");
    for query in [
        "start=9223372036854775807",
        "start=9223372036854775807&rows=1000",
        "start=9223372036854775807&sort=metadata_modified%20desc",
        "start=9223372036854775807&sort=metadata_modified%20asc&rows=1000",
    ] {
        let (status, body) = api
            .get(&format!("/api/3/action/package_search?{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(body["result"]["results"], json!([]), "{query}");
    }
    let (status, body) = api
        .get("/api/3/action/package_list?offset=9223372036854775807&limit=9223372036854775807")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"], json!([]));
    let (status, body) = api
        .get("/api/3/action/package_search?fq=metadata_modified:%5BNOW-9223372036854775807YEARS%20TO%20NOW%5D")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["__type"], "Search Query Error");
    let (status, body) = api
        .get("/api/3/action/package_search?fq=metadata_modified:%5BNOW%F0%9F%98%801DAY%20TO%20NOW%5D")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
