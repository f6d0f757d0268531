//! The data of a dataset whose access level is not `open` goes only to its organization's
//! editors: its file, its table through every datastore action, its dumps and its pages; its
//! description stays public. And a dump streams batch by batch. On SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;

use platform::testing;

use crate::api::{Api, STATIONS, dataset, setup};

/// A GET as the holder of `token` (or nobody): its status and body.
async fn get(api: &Api, path: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, t);
    }
    let r = api.visitor().send(req.body(Body::empty()).unwrap()).await;
    (r.status, r.body)
}

#[tokio::test]
async fn the_data_of_a_dataset_that_is_not_open_goes_only_to_its_editors() {
    for t in testing::engines().await {
        let api = setup(&t).await;
        let engine = t.engine;
        dataset(&api, "stocking", false).await;
        let r = api
            .upload(
                "resource_create",
                &[("package_id", "stocking")],
                "stations.csv",
                STATIONS,
            )
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        api.wait_for_version(&id, 1).await;
        let (status, body) = api
            .post(
                "package_patch",
                Some(&api.token),
                json!({"id": "stocking", "access_level": "under_review"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");

        let url = r["url"].as_str().unwrap();
        let file = url[url.find("/dataset/").unwrap()..].to_string();
        let pages = [
            file,
            format!("/datastore/dump/{id}"),
            format!("/datastore/dump/{id}?format=parquet"),
            format!("/en/dataset/stocking/resource/{id}/data"),
            format!("/en/dataset/stocking/resource/{id}/profile"),
        ];
        let actions = [
            ("datastore_search", json!({"resource_id": id})),
            ("datastore_info", json!({"resource_id": id})),
            (
                "datastore_search_sql",
                json!({"sql": format!("SELECT count(*) FROM \"{id}\"")}),
            ),
        ];
        for token in [None, Some(api.other_token.as_str())] {
            for (action, params) in &actions {
                let (status, body) = api.post(action, token, params.clone()).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{engine} {action}: {body}");
                assert_eq!(body["error"]["__type"], "Authorization Error", "{engine}");
                assert!(
                    !body.to_string().contains("Toronto"),
                    "{engine} {action}: {body}"
                );
            }
            for path in &pages {
                let (status, body) = get(&api, path, token).await;
                assert!(
                    status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                    "{engine} {path}: {status}"
                );
                assert!(!body.contains("Toronto"), "{engine} {path}");
            }
        }
        // The description stays public and says why.
        let (status, body) = api
            .post("package_show", None, json!({"id": "stocking"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let (status, page) = get(&api, "/en/dataset/stocking", None).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(page.contains("being reviewed"), "{engine}");

        // The organization's editor has it all.
        for (action, params) in &actions {
            let (status, body) = api.post(action, Some(&api.token), params.clone()).await;
            assert_eq!(status, StatusCode::OK, "{engine} {action}: {body}");
        }
        for path in &pages {
            let (status, _) = get(&api, path, Some(&api.token)).await;
            assert_eq!(status, StatusCode::OK, "{engine} {path}");
        }
        let (_, csv) = get(&api, &pages[1], Some(&api.token)).await;
        assert!(csv.contains("Toronto"), "{engine}: {csv}");

        // Open again: open to all.
        let (status, body) = api
            .post(
                "package_patch",
                Some(&api.token),
                json!({"id": "stocking", "access_level": "open"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        let (status, _) = api.search(json!({"resource_id": id})).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let (status, _) = get(&api, &pages[1], None).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
    }
}

#[tokio::test]
async fn a_dump_streams_batch_by_batch() {
    let t = testing::sqlite().await;
    let api = setup(&t).await;
    dataset(&api, "counts", false).await;
    let mut csv = b"n,label\n".to_vec();
    for i in 0..50_000 {
        csv.extend_from_slice(format!("{i},row number {i}\n").as_bytes());
    }
    let r = api
        .upload(
            "resource_create",
            &[("package_id", "counts")],
            "counts.csv",
            &csv,
        )
        .await;
    let id = r["id"].as_str().unwrap().to_string();
    api.wait_for_version(&id, 1).await;
    for format in ["csv", "json", "parquet&limit=40000"] {
        let res = api
            .visitor()
            .response(
                Request::get(format!("/datastore/dump/{id}?format={format}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{format}");
        // Not buffered into one body of known length: sent as it is produced, in many frames.
        assert!(
            res.headers().get(header::CONTENT_LENGTH).is_none(),
            "{format}"
        );
        let mut body = res.into_body();
        let mut frames = 0;
        let mut bytes = 0;
        while let Some(frame) = body.frame().await {
            let frame = frame.unwrap();
            if let Some(data) = frame.data_ref() {
                frames += 1;
                bytes += data.len();
            }
        }
        if !format.starts_with("parquet") {
            assert!(frames > 3, "{format}: {frames} frames");
            assert!(bytes > 1_000_000, "{format}: {bytes}");
        }
    }
    // Compressed, as browsers ask: the compression layer reads the body once more after its
    // end, which must end the stream cleanly rather than drop the connection.
    for format in ["csv", "json", "parquet&limit=40000"] {
        let res = api
            .visitor()
            .send(
                Request::get(format!("/datastore/dump/{id}?format={format}"))
                    .header(header::ACCEPT_ENCODING, "gzip")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{format}");
        assert_eq!(
            res.headers.get(header::CONTENT_ENCODING).unwrap(),
            "gzip",
            "{format}"
        );
        let body = res.bytes;
        assert!(body.len() > 1_000, "{format}: {} bytes", body.len());
    }
}
