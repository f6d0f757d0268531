//! CKAN 2.11's datastore semantics, exactly where CKAN is exact: the order of keys, full-text `q`
//! with ranks (checked against PostgreSQL's own `ts_rank` on the PostgreSQL run), parameters and
//! their errors, aliases, read-only tables and `datastore_info`; on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use platform::db::Db;
use platform::testing;

use crate::api::{Api, STATIONS, dataset, setup};

const NOTES: &[(&str, &str)] = &[
    (
        "Lake Erie",
        "The quick brown foxes jumped over the lazy dogs",
    ),
    ("Lac Supérieur", "Les données des poissons"),
    ("Lake Huron", "A dog and a fox"),
    ("Georgian Bay", "fishing boats"),
];

/// A table made through the API: `name`, `notes`, `n`.
async fn notes_table(api: &Api, aliases: Value) -> String {
    dataset(api, "notes", false).await;
    let records: Vec<Value> = NOTES
        .iter()
        .enumerate()
        .map(|(i, (name, notes))| json!({"name": name, "notes": notes, "n": i + 1}))
        .collect();
    let (status, b) = api
        .post(
            "datastore_create",
            Some(&api.token),
            json!({
                "resource": {"package_id": "notes", "name": "Notes"},
                "fields": [{"id": "name"}, {"id": "notes", "type": "text"}, {"id": "n", "type": "int"}],
                "aliases": aliases,
                "records": records,
                "include_records": true,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["result"]["records"][0]["_id"], 1, "{b}");
    b["result"]["resource_id"].as_str().unwrap().to_string()
}

fn ids(b: &Value) -> Vec<i64> {
    b["result"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["_id"].as_i64().unwrap())
        .collect()
}

fn ranks(b: &Value, name: &str) -> Vec<f64> {
    b["result"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[name].as_f64().unwrap())
        .collect()
}

/// PostgreSQL's own rank, on the PostgreSQL run.
async fn pg_rank(db: &Db, language: &str, text: &str, query: &str, plain: bool) -> Option<f64> {
    let Db::Postgres(pool) = db else {
        return None;
    };
    let sql = if plain {
        "SELECT ts_rank(to_tsvector($1::regconfig, $2), plainto_tsquery($1::regconfig, $3), 32)::float8"
    } else {
        "SELECT ts_rank(to_tsvector($1::regconfig, $2), to_tsquery($1::regconfig, $3), 32)::float8"
    };
    let r: f64 = sqlx::query_scalar(sql)
        .bind(language)
        .bind(text)
        .bind(query)
        .fetch_one(pool)
        .await
        .unwrap();
    // A real, read back the way PostgreSQL prints it.
    Some((r as f32).to_string().parse().unwrap())
}

#[tokio::test]
async fn search_answers_as_ckan_does() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        let id = notes_table(&api, json!("lake-notes, notes_2026")).await;

        // Keys in CKAN's order, records' keys in field order, CKAN 2.11's total flags.
        let (status, b) = api.search(json!({"resource_id": id, "limit": 2})).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {b}");
        let keys: Vec<&str> = b["result"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "include_total",
                "resource_id",
                "fields",
                "records_format",
                "records",
                "total_estimation_threshold",
                "limit",
                "_links",
                "total",
                "total_was_estimated",
                "version"
            ]
        );
        let record_keys: Vec<&str> = b["result"]["records"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(record_keys, ["_id", "name", "notes", "n"]);
        assert_eq!(
            b["result"]["fields"],
            json!([{"id": "_id", "type": "int"}, {"id": "name", "type": "text"}, {"id": "notes", "type": "text"}, {"id": "n", "type": "int8"}])
        );
        assert_eq!(b["result"]["total"], 4);
        assert_eq!(b["result"]["total_was_estimated"], false);
        assert_eq!(b["result"]["total_estimation_threshold"], Value::Null);
        let (_, b) = api
            .search(json!({"resource_id": id, "total_estimation_threshold": 3}))
            .await;
        assert_eq!(
            (&b["result"]["total"], &b["result"]["total_was_estimated"]),
            (&json!(4), &json!(true))
        );
        let (_, b) = api
            .search(
                json!({"resource_id": id, "total_estimation_threshold": 3, "filters": {"n": 1}}),
            )
            .await;
        assert_eq!(b["result"]["total_was_estimated"], false);
        let (_, b) = api
            .search(json!({"resource_id": id, "limit": 1, "offset": 3}))
            .await;
        assert_eq!(
            b["result"]["_links"],
            json!({
                "start": format!("/api/action/datastore_search?resource_id={id}&limit=1"),
                "next": format!("/api/action/datastore_search?resource_id={id}&limit=1&offset=4"),
                "prev": format!("/api/action/datastore_search?resource_id={id}&limit=1&offset=2"),
            })
        );

        // q: words, stemmed, every one required; a rank column, best first.
        let (_, b) = api
            .search(json!({"resource_id": id, "q": "Foxes DOGS"}))
            .await;
        assert_eq!(ids(&b), [3, 1], "{engine}: {b}");
        assert_eq!(
            b["result"]["fields"].as_array().unwrap().last().unwrap(),
            &json!({"id": "rank", "type": "float"})
        );
        assert_eq!(ranks(&b, "rank"), [0.08872076, 0.08382119]);
        let row_text = |i: usize| format!("{} {} {}", NOTES[i].0, NOTES[i].1, i + 1);
        if let Some(expected) = pg_rank(&t.db, "english", &row_text(0), "Foxes DOGS", true).await {
            assert_eq!(ranks(&b, "rank")[1], expected, "as PostgreSQL ranks");
            let other = pg_rank(&t.db, "english", &row_text(2), "Foxes DOGS", true).await;
            assert_eq!(Some(ranks(&b, "rank")[0]), other);
        }
        assert_eq!(b["result"]["q"], "Foxes DOGS");
        // Stop words only: nothing matches. Substrings are not words.
        let (_, b) = api.search(json!({"resource_id": id, "q": "the"})).await;
        assert_eq!(b["result"]["total"], 0);
        let (_, b) = api.search(json!({"resource_id": id, "q": "sup"})).await;
        assert_eq!(b["result"]["total"], 0);
        // fields leaves rank out unless it names it; sort replaces the rank order.
        let (_, b) = api
            .search(json!({"resource_id": id, "q": "fox", "fields": ["n"], "sort": "n"}))
            .await;
        assert_eq!(b["result"]["records"], json!([{"n": 1}, {"n": 3}]));
        let (_, b) = api
            .search(
                json!({"resource_id": id, "q": "fox", "fields": "n,rank", "sort": "rank desc, n"}),
            )
            .await;
        assert_eq!(
            b["result"]["records"],
            json!([{"n": 1, "rank": 0.057308756}, {"n": 3, "rank": 0.057308756}])
        );
        assert_eq!(
            b["result"]["fields"],
            json!([{"id": "n", "type": "int8"}, {"id": "rank", "type": "float"}])
        );

        // plain=false: to_tsquery's syntax (&, |, !, <->, :*).
        for (query, expected) in [
            ("fish:* & !lake", vec![4]),
            ("fox | boat", vec![1, 3, 4]),
            ("quick <-> brown", vec![1]),
            ("quick <-> fox", vec![]),
            ("(lake | bay) & !fox", vec![4]),
        ] {
            let (status, b) = api
                .search(json!({"resource_id": id, "q": query, "plain": false, "sort": "_id"}))
                .await;
            assert_eq!(status, StatusCode::OK, "{query}: {b}");
            assert_eq!(ids(&b), expected, "{engine}: {query}");
            assert_eq!(b["result"]["plain"], false);
            for (i, rank) in ids(&b).iter().zip(ranks(&b, "rank")) {
                if let Some(pg) =
                    pg_rank(&t.db, "english", &row_text(*i as usize - 1), query, false).await
                {
                    assert_eq!(rank, pg, "{query} on row {i}: as PostgreSQL ranks");
                }
            }
        }
        let (status, b) = api
            .search(json!({"resource_id": id, "q": "fox &", "plain": false}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            b["error"]["q"][0]
                .as_str()
                .unwrap()
                .contains("syntax error in tsquery")
        );

        // language: French stems and stop words; accents folded.
        let (_, b) = api
            .search(json!({"resource_id": id, "q": "poisson donnees", "language": "french"}))
            .await;
        assert_eq!(ids(&b), [2], "{b}");
        let (_, b) = api
            .search(json!({"resource_id": id, "q": "donnees", "language": "simple"}))
            .await;
        assert_eq!(ids(&b), [2], "simple folds accents, does not stem: {b}");
        let (status, b) = api
            .search(json!({"resource_id": id, "q": "x", "language": "klingon"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            b["error"]["language"][0]
                .as_str()
                .unwrap()
                .contains("klingon")
        );

        // q per column: `rank <column>`; full_text beside it searches the whole row.
        let (_, b) = api
            .search(json!({"resource_id": id, "q": {"name": "lake"}}))
            .await;
        assert_eq!(ids(&b), [1, 3]);
        assert_eq!(
            b["result"]["fields"].as_array().unwrap().last().unwrap()["id"],
            "rank name"
        );
        let (_, b) = api
            .search(json!({"resource_id": id, "q": {"name": "lake"}, "full_text": "dog"}))
            .await;
        assert_eq!(ids(&b).len(), 2);
        let record_keys: Vec<&str> = b["result"]["records"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            record_keys,
            ["_id", "name", "notes", "n", "rank", "rank name"]
        );
        let (status, b) = api
            .search(json!({"resource_id": id, "q": {"nope": "x"}}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(b["error"]["q"], json!(["invalid value \"nope\""]));

        // CKAN's errors for what it does not take.
        for (params, field, message) in [
            (
                json!({"colour": "red"}),
                "__junk",
                "The input field [('colour',)] was not expected.",
            ),
            (
                json!({"fields": "nope"}),
                "fields",
                "invalid value \"nope\"",
            ),
            (
                json!({"fields": "rank"}),
                "fields",
                "invalid value \"rank\"",
            ),
            (
                json!({"sort": "nope desc"}),
                "sort",
                "invalid value \"nope desc\"",
            ),
            (json!({"offset": -1}), "offset", "invalid value \"-1\""),
            (json!({"limit": -1}), "limit", "Must be a natural number"),
            (
                json!({"records_format": "xml"}),
                "records_format",
                "Value must be one of ['objects', 'lists', 'csv', 'tsv']",
            ),
        ] {
            let mut p = params.as_object().unwrap().clone();
            p.insert("resource_id".into(), json!(id));
            let (status, b) = api.search(Value::Object(p)).await;
            assert_eq!(status, StatusCode::CONFLICT, "{params}: {b}");
            assert_eq!(b["error"]["__type"], "Validation Error");
            assert_eq!(b["error"][field], json!([message]), "{params}");
        }
        let (_, b) = api
            .search(json!({"resource_id": id, "limit": 50000, "fields": "n", "sort": "n desc nulls last", "records_format": "tsv"}))
            .await;
        assert_eq!(b["result"]["limit"], 32000);
        assert_eq!(b["result"]["records"], "4\n3\n2\n1\n");

        // Aliases stand for the resource id: search, SQL, info.
        let (status, b) = api
            .search(json!({"resource_id": "lake-notes", "filters": {"n": 2}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(b["result"]["records"][0]["name"], "Lac Supérieur");
        assert_eq!(
            b["result"]["resource_id"], id,
            "as CKAN: the alias resolved"
        );
        let (status, b) = api
            .post(
                "datastore_search_sql",
                None,
                json!({"sql": "SELECT COUNT(*) AS n FROM \"notes_2026\""}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(b["result"]["records"], json!([{"n": 4}]));
        let (status, b) = api
            .call(
                Request::get("/api/action/datastore_info?id=lake-notes")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let info = &b["result"];
        assert_eq!(info["meta"]["id"], id);
        assert_eq!(info["meta"]["aliases"], json!(["lake-notes", "notes_2026"]));
        assert_eq!(info["meta"]["count"], 4);
        assert_eq!(info["meta"]["table_type"], "BASE TABLE");
        assert_eq!(
            info["fields"][2],
            json!({"id": "n", "type": "int8", "schema": {"native_type": "bigint", "notnull": false, "index_name": null, "is_index": false, "uniquekey": false}})
        );
        let (status, b) = api
            .post("datastore_info", None, json!({"id": "no-such-alias"}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            b["error"]["message"],
            "Resource/Alias \"no-such-alias\" was not found."
        );
    }
}

#[tokio::test]
async fn writes_follow_ckans_rules() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        let id = notes_table(&api, json!(["lake-notes"])).await;

        // Aliases: CKAN's names, one table each, replaced when given again.
        for (aliases, message) in [
            (json!(["_hidden"]), "\"_hidden\" is not a valid alias name"),
            (
                json!(["with\"quote"]),
                "\"with\"quote\" is not a valid alias name",
            ),
            (json!("50%"), "\"50%\" is not a valid alias name"),
        ] {
            let (status, b) = api
                .post(
                    "datastore_create",
                    Some(&api.token),
                    json!({"resource_id": id, "aliases": aliases}),
                )
                .await;
            assert_eq!(status, StatusCode::CONFLICT, "{engine}: {b}");
            assert_eq!(b["error"]["alias"], json!([message]));
        }
        dataset(&api, "stations", false).await;
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({"resource": {"package_id": "stations"}, "fields": [{"id": "x"}], "aliases": "lake-notes"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}");
        assert_eq!(
            b["error"]["alias"],
            json!(["The alias \"lake-notes\" already exists."])
        );
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({"resource_id": id, "aliases": "great-lakes"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let (status, _) = api.search(json!({"resource_id": "lake-notes"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = api.search(json!({"resource_id": "great-lakes"})).await;
        assert_eq!(status, StatusCode::OK);

        // An uploaded table is read-only unless forced.
        let r = api
            .upload(
                "resource_create",
                &[("package_id", "stations"), ("name", "Stations")],
                "stations.csv",
                STATIONS,
            )
            .await;
        let uploaded = r["id"].as_str().unwrap().to_string();
        api.wait_for_version(&uploaded, 1).await;
        for (action, body) in [
            (
                "datastore_create",
                json!({"resource_id": uploaded, "fields": [{"id": "note"}]}),
            ),
            (
                "datastore_upsert",
                json!({"resource_id": uploaded, "records": []}),
            ),
            (
                "datastore_delete",
                json!({"resource_id": uploaded, "filters": {}}),
            ),
        ] {
            let (status, b) = api.post(action, Some(&api.token), body).await;
            assert_eq!(status, StatusCode::CONFLICT, "{action}: {b}");
            assert_eq!(
                b["error"]["read-only"],
                json!([
                    "Cannot edit read-only resource because changes made may be lost. Use a resource created for editing e.g. with datastore_create or use \"force=True\" to ignore this warning."
                ])
            );
        }
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({"resource_id": uploaded, "force": true, "fields": [{"id": "note"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");

        // upsert: include_records, dry_run, calculate_record_count; unknown keys refused.
        let (status, b) = api
            .post(
                "datastore_upsert",
                Some(&api.token),
                json!({"resource_id": id, "method": "insert", "records": [{"name": "Lake Ontario", "n": 5}], "include_records": true, "calculate_record_count": true, "dry_run": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(b["result"]["records"], Value::Null);
        let (_, b) = api.search(json!({"resource_id": id})).await;
        assert_eq!(b["result"]["total"], 4, "dry_run writes nothing");
        let (status, b) = api
            .post(
                "datastore_upsert",
                Some(&api.token),
                json!({"resource_id": id, "method": "insert", "records": [{"name": "Lake Ontario", "n": 5}], "include_records": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(
            b["result"]["records"],
            json!([{"_id": 5, "name": "Lake Ontario", "n": 5}])
        );
        let (status, b) = api
            .post(
                "datastore_upsert",
                Some(&api.token),
                json!({"resource_id": id, "records": [], "colour": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(
            b["error"]["__junk"],
            json!(["The input field [('colour',)] was not expected."])
        );
        let (status, _) = api
            .post(
                "datastore_upsert",
                Some(&api.token),
                json!({"resource_id": id, "records": [], "calculate_record_count": "sometimes"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // delete_fields: the columns not given go.
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({"resource_id": id, "fields": [{"id": "name"}, {"id": "n", "type": "int"}], "delete_fields": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let (_, b) = api
            .search(json!({"resource_id": "great-lakes", "limit": 1}))
            .await;
        assert_eq!(
            b["result"]["records"],
            json!([{"_id": 1, "name": "Lake Erie", "n": 1}])
        );

        // Deleting the table drops its aliases.
        let (status, _) = api
            .post(
                "datastore_delete",
                Some(&api.token),
                json!({"resource_id": id}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = api.search(json!({"resource_id": "great-lakes"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, b) = api
            .post(
                "datastore_create",
                Some(&api.token),
                json!({"fields": [{"id": "x"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(
            b["error"]["resource_id"],
            json!(["resource_id or resource required"])
        );
    }
}
