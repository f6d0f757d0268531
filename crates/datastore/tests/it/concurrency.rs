//! Writes to one table are serialized: concurrent upserts all land, each on the version before it,
//! and versions go up one by one, on SQLite and PostgreSQL.

use axum::http::StatusCode;
use serde_json::json;

use platform::testing;

use crate::api::{dataset, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_upserts_all_land_in_order() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        dataset(&api, "counts", false).await;
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({
                    "resource": {"package_id": "counts", "name": "Counts"},
                    "fields": [{"id": "n", "type": "int"}, {"id": "label", "type": "text"}],
                    "primary_key": ["n"],
                    "records": [{"n": 0, "label": "first"}]
                }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {b}");
        let id = b["result"]["resource_id"].as_str().unwrap().to_string();

        const N: i64 = 12;
        let upserts = (1..=N).map(|n| {
            let (api, id) = (&api, id.clone());
            async move {
                api.post(
                    "datastore_upsert",
                    Some(&api.token),
                    json!({"resource_id": id, "records": [{"n": n, "label": format!("row {n}")}]}),
                )
                .await
            }
        });
        for (status, b) in futures::future::join_all(upserts).await {
            assert_eq!(status, StatusCode::OK, "{engine}: {b}");
        }

        let (_, b) = api
            .search(json!({"resource_id": id, "sort": "n", "limit": 100}))
            .await;
        let found: Vec<i64> = b["result"]["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["n"].as_i64().unwrap())
            .collect();
        assert_eq!(
            found,
            (0..=N).collect::<Vec<_>>(),
            "{engine}: no upsert lost"
        );
        let ids: Vec<i64> = b["result"]["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["_id"].as_i64().unwrap())
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{engine}: every row its own _id");

        let resource: uuid::Uuid = id.parse().unwrap();
        let mut loads = datastore::store::versions(&t.db, resource).await.unwrap();
        loads.sort_by_key(|l| l.id);
        let versions: Vec<i64> = loads.iter().filter_map(|l| l.version).collect();
        assert_eq!(
            versions,
            (1..=N + 1).collect::<Vec<_>>(),
            "{engine}: versions strictly increasing in the order written, none skipped or repeated"
        );
    }
}
