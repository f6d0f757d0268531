//! Hostile input to the datastore's read actions, as one anonymous request can send it: SQL that
//! builds huge values or makes rows from nothing, answers larger than the server should build,
//! and `datastore_search` parameters that would exhaust the stack or overflow arithmetic. Each
//! gets a clear Validation Error naming the parameter, or a bounded answer; never an abort.

use axum::http::StatusCode;
use serde_json::{Value, json};

use platform::Platform;
use platform::config::DatastoreSettings;
use platform::testing::{self, TestDb};

use crate::api::{Api, dataset, setup, setup_on};

fn platform_with(t: &TestDb, f: impl FnOnce(&mut DatastoreSettings)) -> Platform {
    t.platform_with(|settings| f(&mut settings.datastore))
}

/// A public table made through the API with `rows` rows: `n` (0, 1, …) and `name`. The records
/// go in batches of about 256 KiB, as a client must send them under `max_json_bytes`.
async fn numbers(
    api: &Api,
    dataset_name: &str,
    rows: usize,
    name: impl Fn(usize) -> String,
) -> String {
    dataset(api, dataset_name, false).await;
    let records: Vec<Value> = (0..rows)
        .map(|i| json!({"n": i, "name": name(i)}))
        .collect();
    let mut batches: Vec<Vec<Value>> = vec![Vec::new()];
    let mut batch_bytes = 0;
    for record in records {
        let size = record.to_string().len();
        if batch_bytes + size > 256 * 1024 && !batches.last().unwrap().is_empty() {
            batches.push(Vec::new());
            batch_bytes = 0;
        }
        batch_bytes += size;
        batches.last_mut().unwrap().push(record);
    }
    let mut batches = batches.into_iter();
    let (status, b) = api
        .post(
            "datastore_create",
            Some(&api.token),
            json!({
                "resource": {"package_id": dataset_name, "name": "Numbers"},
                "fields": [{"id": "n", "type": "int"}, {"id": "name", "type": "text"}],
                "records": batches.next().unwrap_or_default(),
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let id = b["result"]["resource_id"].as_str().unwrap().to_string();
    for batch in batches {
        let (status, b) = api
            .post(
                "datastore_upsert",
                Some(&api.token),
                json!({"resource_id": id, "method": "insert", "records": batch}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
    }
    id
}

async fn sql(api: &Api, text: &str) -> (StatusCode, Value) {
    api.post("datastore_search_sql", None, json!({"sql": text}))
        .await
}

/// The message of a Validation Error on `field`.
fn refusal(status: StatusCode, b: &Value, field: &str) -> String {
    assert_eq!(status, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["__type"], "Validation Error", "{b}");
    b["error"][field][0]
        .as_str()
        .unwrap_or_else(|| panic!("no message on {field}: {b}"))
        .to_string()
}

#[tokio::test]
async fn sql_may_call_only_reviewed_functions_and_never_recurse() {
    for t in testing::engines().await {
        let api = setup(&t).await;
        let id = numbers(&api, "numbers", 3, |i| format!("name {i}")).await;
        let table = format!("\"{id}\"");
        for (text, why) in [
            (format!("SELECT repeat(name, 1000000000) FROM {table}"), "repeat"),
            (
                format!("SELECT concat(name, repeat(name, 1000)) FROM {table}"),
                "repeat",
            ),
            (
                format!("SELECT array_repeat(name, 1000000000) FROM {table}"),
                "array_repeat",
            ),
            ("SELECT range(1, 1000000000)".to_string(), "range"),
            (
                "SELECT generate_series(1, 1000000000)".to_string(),
                "generate_series",
            ),
            (format!("SELECT encode(name, 'hex') FROM {table}"), "encode"),
            (
                format!("SELECT string_agg(name, ',') OVER (ORDER BY n) FROM {table}"),
                "window function",
            ),
            (
                "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"
                    .to_string(),
                "WITH RECURSIVE",
            ),
            (
                format!("SELECT * FROM {table} WHERE n IN (WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r)"),
                "WITH RECURSIVE",
            ),
        ] {
            let (status, b) = sql(&api, &text).await;
            let msg = refusal(status, &b, "sql");
            assert!(msg.contains(why), "{}: {text}: {msg}", t.engine);
        }

        // What a researcher uses still works.
        let (status, b) = sql(
            &api,
            &format!(
                "SELECT upper(name) AS up, lpad(CAST(n AS VARCHAR), 3, '0') AS code, name || '!' AS shout, \
                 concat(name, '/', n) AS path, round(avg(n) OVER (), 2) AS mean, \
                 row_number() OVER (ORDER BY n DESC) AS r FROM {table} ORDER BY n LIMIT 2"
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {b}", t.engine);
        assert_eq!(
            b["result"]["records"],
            json!([
                {"up": "NAME 0", "code": "000", "shout": "name 0!", "path": "name 0/0", "mean": 1.0, "r": 3},
                {"up": "NAME 1", "code": "001", "shout": "name 1!", "path": "name 1/1", "mean": 1.0, "r": 2},
            ])
        );
        let (status, b) = sql(
            &api,
            &format!("WITH t AS (SELECT n FROM {table}) SELECT count(*) AS c, string_agg(CAST(n AS VARCHAR), ',') AS all_n FROM t"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {b}", t.engine);
        assert_eq!(b["result"]["records"], json!([{"c": 3, "all_n": "0,1,2"}]));
    }
}

/// `double` applied `levels` times over the table's first name, each step a CTE reading the one
/// before: a few bytes of SQL a step, a value 2^levels times longer (or more).
fn doubling(table: &str, levels: usize, double: &str) -> String {
    let mut steps = vec![format!("q0 AS (SELECT name AS s FROM {table} WHERE n = 0)")];
    for i in 1..=levels {
        steps.push(format!("q{i} AS (SELECT {double} AS s FROM q{})", i - 1));
    }
    format!(
        "WITH {} SELECT length(s) AS l FROM q{levels}",
        steps.join(", ")
    )
}

#[tokio::test]
async fn values_a_query_builds_stop_at_a_quarter_of_the_query_memory() {
    for t in testing::engines().await {
        // 16 MB of query memory: values built by functions stop at 4 MB a batch.
        let api = setup_on(&t, platform_with(&t, |d| d.query_memory_mb = 16)).await;
        let id = numbers(&api, "numbers", 3, |_| "x".to_string()).await;
        let table = format!("\"{id}\"");
        for text in [
            // 2^26 bytes, by doubling through subqueries.
            doubling(&table, 26, "s || s"),
            doubling(&table, 13, "concat(s, s, s, s)"),
            doubling(&table, 16, "concat_ws(s, s, s)"),
            doubling(&table, 8, "replace(s, 'x', 'xxxxxxxxxx')"),
            doubling(&table, 8, "regexp_replace(s, 'x', 'xxxxxxxxxx', 'g')"),
            format!("SELECT length(lpad(name, 100000000)) AS l FROM {table}"),
            format!("SELECT length(rpad(name, 100000000, 'ab')) AS l FROM {table}"),
        ] {
            let (status, b) = sql(&api, &text).await;
            let msg = refusal(status, &b, "sql");
            assert!(
                msg.contains("beyond the datastore's limit of 4 MB"),
                "{}: {text}: {msg}",
                t.engine
            );
        }
        // Within the limit, the same queries answer.
        for (text, length) in [
            (doubling(&table, 10, "s || s"), 1024),
            (doubling(&table, 3, "concat(s, s, s, s)"), 64),
            (doubling(&table, 2, "replace(s, 'x', 'xxxxxxxxxx')"), 100),
            (
                format!("SELECT length(lpad(name, 1000)) AS l FROM {table} LIMIT 1"),
                1000,
            ),
        ] {
            let (status, b) = sql(&api, &text).await;
            assert_eq!(status, StatusCode::OK, "{}: {text}: {b}", t.engine);
            assert_eq!(b["result"]["records"][0]["l"], length, "{text}");
        }
    }
}

#[tokio::test]
async fn answers_stop_at_the_byte_cap() {
    for t in testing::engines().await {
        let api = setup_on(&t, platform_with(&t, |d| d.max_answer_mb = 1)).await;
        let id = numbers(&api, "numbers", 3_000, |i| format!("name {}", i % 97)).await;
        let table = format!("\"{id}\"");

        // Many small rows: as many as fit in 1 MB, then records_truncated.
        let (status, b) = sql(
            &api,
            &format!("SELECT a.name, b.n FROM {table} a, {table} b"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {b}", t.engine);
        assert_eq!(b["result"]["records_truncated"], true);
        let records = &b["result"]["records"];
        let rows = records.as_array().unwrap().len();
        assert!((10_000..32_000).contains(&rows), "{rows}");
        let bytes = records.to_string().len();
        assert!(bytes <= 1 << 20, "{bytes}");

        // One value larger than the cap is never copied into the answer.
        let (status, b) = sql(
            &api,
            &format!(
                "SELECT string_agg(a.name, ',') AS s FROM {table} a, {table} b WHERE b.n < 300"
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}: {b}", t.engine);
        assert_eq!(b["result"]["records_truncated"], true);
        assert_eq!(b["result"]["records"], json!([]));

        // datastore_search asks for fewer rows rather than cutting a page short.
        let wide = numbers(&api, "wide", 200, |i| format!("{i} {}", "w".repeat(10_000))).await;
        let (status, b) = api
            .search(json!({"resource_id": wide, "limit": 32000}))
            .await;
        let msg = refusal(status, &b, "limit");
        assert!(msg.contains("larger than 1 MB"), "{msg}");
        let (status, b) = api
            .search(json!({"resource_id": wide, "limit": 50, "records_format": "csv"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(b["result"]["records"].as_str().unwrap().lines().count(), 50);
    }
}

#[tokio::test]
async fn search_parameters_cannot_exhaust_the_stack_or_overflow() {
    for t in testing::engines().await {
        let api = setup(&t).await;
        let id = numbers(&api, "numbers", 300, |i| format!("name {i}")).await;

        // A filter of 100,000 values is one IN list, not 100,000 nested ORs.
        let values: Vec<usize> = (0..100_000).collect();
        let (status, b) = api
            .search(json!({"resource_id": id, "filters": {"n": values}, "limit": 1}))
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {b}", t.engine);
        assert_eq!(b["result"]["total"], 300);

        // Columns named twice are shown, and sorted on, once.
        let (status, b) = api
            .search(json!({"resource_id": id, "fields": ["n", "n", "name", "n"], "sort": "n desc, n, n asc", "limit": 1}))
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {b}", t.engine);
        assert_eq!(
            b["result"]["records"],
            json!([{"n": 299, "name": "name 299"}])
        );

        // The largest offset finds nothing, and the next page's link does not wrap around.
        let (status, b) = api
            .search(json!({"resource_id": id, "offset": i64::MAX}))
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {b}", t.engine);
        assert_eq!(b["result"]["records"], json!([]));
        let next = b["result"]["_links"]["next"].as_str().unwrap();
        assert!(next.contains(&format!("offset={}", i64::MAX)), "{next}");

        // Text searches of 100,000 words, `!` or brackets are refused on `q`.
        let many = vec!["name"; 100_000].join(" ");
        let bangs = format!("{}name", "!".repeat(100_000));
        let brackets = format!("{}name{}", "(".repeat(100_000), ")".repeat(100_000));
        for (q, plain, why) in [
            (many.clone(), true, "at most 256"),
            (vec!["name"; 100_000].join(" & "), false, "at most 256"),
            (bangs, false, "more than 32 deep"),
            (brackets, false, "more than 32 deep"),
        ] {
            let (status, b) = api
                .search(json!({"resource_id": id, "q": q, "plain": plain}))
                .await;
            let msg = refusal(status, &b, "q");
            assert!(msg.contains(why), "{}: {msg}", t.engine);
        }
        let (status, b) = api
            .search(json!({"resource_id": id, "full_text": many}))
            .await;
        let msg = refusal(status, &b, "q");
        assert!(msg.contains("at most 256"), "{msg}");
    }
}
