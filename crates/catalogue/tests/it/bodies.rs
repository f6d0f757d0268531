//! Request bodies are held to their route's limit (1 MiB for JSON and forms by default), only
//! upload routes take large bodies and stream them to the file store, files are served as
//! streams, and the files of deleted or not-open datasets are not served to the public.

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sha2::Digest;

use platform::testing::{self, Multipart};

use crate::ckan::{Api, setup};

const MIB: usize = 1024 * 1024;

/// A JSON object of about 2 MiB.
fn big_json() -> String {
    format!("{{\"q\": \"{}\"}}", "x".repeat(2 * MIB))
}

/// About 2 MiB sent in chunks with no declared length.
fn chunked_body() -> Body {
    let chunks = (0..32).map(|i| {
        let chunk = if i == 0 {
            let mut first = b"{\"q\": \"".to_vec();
            first.resize(64 * 1024, b'x');
            first
        } else {
            vec![b'x'; 64 * 1024]
        };
        Ok::<_, std::io::Error>(Bytes::from(chunk))
    });
    Body::from_stream(futures::stream::iter(chunks))
}

fn assert_ckan_413(status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(
        body["error"]["__type"], "Request Entity Too Large",
        "{body}"
    );
    assert_eq!(body["error"]["limit"], MIB, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("1 MiB"),
        "{body}"
    );
}

async fn post_raw(api: &Api, path: &str, token: Option<&str>, body: Body) -> (StatusCode, Value) {
    let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, t);
    }
    api.call(req.body(body).unwrap()).await
}

#[tokio::test]
async fn oversize_json_bodies_get_413_in_the_api_shape() {
    let t = testing::sqlite().await;
    let api = setup(&t).await;
    // A read action, with and without a declared length.
    let (status, body) = post_raw(
        &api,
        "/api/3/action/package_search",
        None,
        Body::from(big_json()),
    )
    .await;
    assert_ckan_413(status, &body);
    let (status, body) = post_raw(&api, "/api/3/action/package_search", None, chunked_body()).await;
    assert_ckan_413(status, &body);
    // A write action that takes uploads still holds a JSON body to the small limit.
    let (status, body) = post_raw(
        &api,
        "/api/3/action/resource_create",
        Some(&api.token),
        chunked_body(),
    )
    .await;
    assert_ckan_413(status, &body);
    // A multipart body of a read action: its fields count against the small limit too.
    let boundary = "B";
    let mut multipart =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n").into_bytes();
    multipart.resize(2 * MIB, b'x');
    multipart.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let (status, body) = api
        .call(
            Request::post("/api/3/action/package_search")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(multipart))
                .unwrap(),
        )
        .await;
    assert_ckan_413(status, &body);

    // The native API: its own error shape.
    for body in [Body::from(big_json()), chunked_body()] {
        let (status, body) =
            post_raw(&api, "/api/v1/catalogue/requests", Some(&api.token), body).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert_eq!(body["error"]["code"], "payload_too_large", "{body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("1 MiB"),
            "{body}"
        );
    }
    // A small body still works.
    let (status, body) = post_raw(
        &api,
        "/api/3/action/package_search",
        None,
        Body::from("{\"q\": \"health\"}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// `resource_create` with a file, as ckanapi sends it.
async fn upload(api: &Api, package: &str, data: &[u8]) -> (StatusCode, Value) {
    let mut req = Multipart::new()
        .field("package_id", package)
        .file("upload", "big.bin", "application/octet-stream", data)
        .request("/api/3/action/resource_create");
    req.headers_mut()
        .insert(header::AUTHORIZATION, api.token.parse().unwrap());
    api.call(req).await
}

/// Bytes that no run of the same byte would hide a mix-up in.
fn patterned(len: usize) -> Vec<u8> {
    let mut x: u32 = 2_463_534_242;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// The path of a resource's download address, and the answer to a GET of it.
async fn download(
    api: &Api,
    resource: &Value,
    token: Option<&str>,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let base = api.platform.settings.base_url();
    let path = resource["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&base)
        .unwrap()
        .to_string();
    let mut req = Request::get(&path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, t);
    }
    let res = api.visitor().send(req.body(Body::empty()).unwrap()).await;
    let length = res
        .headers
        .get(header::CONTENT_LENGTH)
        .map(|v| v.to_str().unwrap().to_string());
    (res.status, length, res.bytes.to_vec())
}

#[tokio::test]
async fn uploads_of_several_mib_are_stored_intact_and_served_only_while_public() {
    for t in testing::engines().await {
        let api = setup(&t).await;
        let engine = t.engine;
        let (status, body) = api
            .post(
                "package_create",
                Some(&api.token),
                json!({"name": "scans", "title": "Scans", "owner_org": "ministry-of-health"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let data = patterned(5 * MIB + 123);
        let (status, body) = upload(&api, "scans", &data).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let resource = body["result"].clone();
        assert_eq!(resource["size"], data.len(), "{engine}");
        assert_eq!(
            resource["hash"],
            hex::encode(sha2::Sha256::digest(&data)),
            "{engine}"
        );
        let (status, length, served) = download(&api, &resource, None).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert_eq!(length, Some(data.len().to_string()), "{engine}");
        assert!(served == data, "{engine}: the file comes back as sent");

        // Not open: the description stays public, the file goes to the organization's editors.
        let (status, body) = api
            .post(
                "package_patch",
                Some(&api.token),
                json!({"id": "scans", "access_level": "under_review"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let (status, _) = api.get("/api/3/action/package_show?id=scans").await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        // The file's address stays in the metadata; the page offers no link to it.
        let link = format!("href=\"{}\"", resource["url"].as_str().unwrap());
        let (status, page) = api.get("/en/dataset/scans").await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let page = page.as_str().unwrap();
        assert!(
            !page.contains(&link),
            "{engine}: no link to a file it may not have"
        );
        assert!(page.contains("Not released"), "{engine}");
        let page = api
            .visitor()
            .with_token(&api.token)
            .get("/en/dataset/scans")
            .await
            .body;
        assert!(page.contains(&link), "{engine}: its editors have the link");
        // What the public catalogue publishes names no address the public would be refused.
        let url = resource["url"].as_str().unwrap();
        for path in ["/dataset/scans.ttl", "/catalog.ttl", "/data.json"] {
            let (status, body) = api.get(path).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {path}");
            let body = body.to_string();
            assert!(body.contains("scans"), "{engine}: {path} lists the dataset");
            assert!(
                !body.contains(url),
                "{engine}: {path} names the refused file"
            );
        }
        for token in [None, Some(api.other_token.as_str())] {
            let (status, _, served) = download(&api, &resource, token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
            assert!(served.len() < 100_000, "{engine}: no file in the refusal");
        }
        let (status, _, served) = download(&api, &resource, Some(&api.token)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(served == data, "{engine}");

        // A deleted resource's file, and the files of a deleted dataset, are gone.
        let (status, body) = api
            .post(
                "resource_delete",
                Some(&api.token),
                json!({"id": resource["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        for token in [None, Some(api.token.as_str())] {
            let (status, _, _) = download(&api, &resource, token).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        }
        let (status, body) = upload(&api, "scans", b"a,b\n1,2\n").await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let second = body["result"].clone();
        let (status, _, _) = download(&api, &second, Some(&api.token)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, body) = api
            .post("package_delete", Some(&api.token), json!({"id": "scans"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        for token in [None, Some(api.token.as_str())] {
            let (status, _, _) = download(&api, &second, token).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{engine}");
        }
    }
}

#[tokio::test]
async fn an_upload_over_the_upload_limit_is_refused_in_the_api_shape() {
    let t = testing::sqlite().await;
    let mut api = setup(&t).await;
    let mut settings = api.platform.settings.clone();
    settings.limits.max_upload_bytes = 3 * MIB;
    let platform = platform::Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap();
    api.app = platform::server::app(platform, catalogue::pages(), catalogue::api());
    let (status, body) = api
        .post(
            "package_create",
            Some(&api.token),
            json!({"name": "scans", "title": "Scans", "owner_org": "ministry-of-health"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = upload(&api, "scans", &patterned(4 * MIB)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["limit"], 3 * MIB, "{body}");
    let (status, body) = api.get("/api/3/action/package_show?id=scans").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["result"]["num_resources"], 0, "{body}");
    let (status, body) = upload(&api, "scans", &patterned(2 * MIB)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
