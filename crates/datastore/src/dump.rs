//! `/datastore/dump/{resource}?format=csv|tsv|json|parquet`: a whole table (or what the filters of
//! `datastore_search` select) streamed batch by batch, so memory stays flat at any size.

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::AsyncArrowWriter;
use futures::{StreamExt, TryStreamExt};
use object_store::ObjectStoreExt;
use serde_json::{Map, Value};

use catalogue::ckan::ApiError;
use platform::Platform;
use platform::web::RequestContext;

use crate::api::{fields_json, readable, version_for};
use crate::engine;
use crate::search::SearchQuery;
use crate::store;

pub fn routes() -> Router {
    Router::new().route("/datastore/dump/{resource}", get(dump))
}

/// The query string as `datastore_search` parameters (JSON-looking values parsed).
fn params(query: Option<&str>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let t = v.trim_start();
        let value = if t.starts_with(['{', '[']) {
            serde_json::from_str(&v).unwrap_or(Value::String(v.to_string()))
        } else {
            Value::String(v.to_string())
        };
        out.insert(k.into_owned(), value);
    }
    out
}

fn problem(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

fn api_problem(e: ApiError) -> Response {
    match e {
        ApiError::NotFound(m) => problem(StatusCode::NOT_FOUND, m),
        ApiError::Authorization(m) => problem(StatusCode::FORBIDDEN, m),
        ApiError::Validation(fields) => problem(
            StatusCode::BAD_REQUEST,
            fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.join(" ")))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        other => problem(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    }
}

async fn dump(
    platform: Platform,
    ctx: RequestContext,
    Path(resource): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    match dump_response(&platform, &ctx, &resource, query.as_deref()).await {
        Ok(r) => r,
        Err(e) => api_problem(e),
    }
}

async fn dump_response(
    platform: &Platform,
    ctx: &RequestContext,
    resource: &str,
    query: Option<&str>,
) -> Result<Response, ApiError> {
    let params = params(query);
    let format = params
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or("csv")
        .to_ascii_lowercase();
    if !["csv", "tsv", "json", "parquet"].contains(&format.as_str()) {
        return Err(ApiError::Validation(BTreeMap::from([(
            "format".into(),
            vec![format!(
                "Value must be one of csv, tsv, json, parquet, not {format}"
            )],
        )])));
    }
    let (r, _) = readable(platform, ctx.user.as_ref(), resource).await?;
    let load = version_for(platform, r.id, &params).await?;
    let filename = format!("{}.{format}", r.id);
    let disposition = format!("attachment; filename=\"{filename}\"");
    let searching = [
        "filters", "q", "fields", "sort", "distinct", "limit", "offset",
    ]
    .iter()
    .any(|k| params.contains_key(*k));
    if format == "parquet" && !searching {
        // The stored version is the dump: streamed straight from the object store.
        let key = load.parquet_key.clone().ok_or(ApiError::Internal)?;
        let path = object_store::path::Path::parse(&key).map_err(|_| ApiError::Internal)?;
        let stream = store::object_store(platform)
            .get(&path)
            .await
            .map_err(|e| ApiError::from(platform::Error::from(e)))?
            .into_stream();
        return Ok(attachment(
            "application/vnd.apache.parquet",
            &disposition,
            Body::from_stream(stream),
        ));
    }
    let session = engine::session_in_order(platform)
        .map_err(|e| crate::api::query_error(e.into(), "resource_id"))?;
    let df = engine::read(&session, &load)
        .await
        .map_err(|e| crate::api::query_error(e.into(), "resource_id"))?;
    let schema = df.schema().as_arrow().clone();
    let query = SearchQuery::from_params(&params, &schema)?;
    let mut df = query.select(df)?;
    if !query.sort.is_empty() {
        df = query.order(df)?;
    }
    if params.contains_key("limit") || params.contains_key("offset") {
        df = query.page(df)?;
    }
    let out_schema: SchemaRef = std::sync::Arc::new(df.schema().as_arrow().clone());
    let batches = df
        .execute_stream()
        .await
        .map_err(|e| crate::api::query_error(e.into(), "filters"))?
        .map_err(|e| std::io::Error::other(e.to_string()));
    let batches = within(batches, engine::Limits::of(platform).time);
    let body = match format.as_str() {
        "csv" | "tsv" => {
            let delimiter = if format == "csv" { b',' } else { b'\t' };
            let header = delimited(
                delimiter,
                &[out_schema
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .collect()],
            );
            let rows = batches.map(move |b| b.map(|b| delimited(delimiter, &batch_rows(&b))));
            Body::from_stream(futures::stream::once(async move { Ok(header) }).chain(rows))
        }
        "json" => {
            let dict = store::dictionary(&platform.db, r.id).await?;
            let head = format!(
                "{{\"fields\": {}, \"records\": [",
                fields_json(&out_schema, &dict)
            );
            let mut first = true;
            let rows = batches.map(move |b| {
                b.map(|b| {
                    let mut out = String::new();
                    for row in 0..b.num_rows() {
                        if !first {
                            out.push_str(",\n");
                        }
                        first = false;
                        let cells: Vec<Value> = b
                            .columns()
                            .iter()
                            .map(|c| engine::cell_json(c, row))
                            .collect();
                        out.push_str(&Value::Array(cells).to_string());
                    }
                    Bytes::from(out)
                })
            });
            Body::from_stream(
                futures::stream::once(async move { Ok(Bytes::from(head)) })
                    .chain(rows)
                    .chain(futures::stream::once(async {
                        Ok(Bytes::from_static(b"]}\n"))
                    })),
            )
        }
        _ => {
            // Parquet of a selection: written into a pipe that the response reads.
            // How the writing ended, so that a dump cut short ends with an error, not a file
            // that looks whole.
            let (writer, reader) = tokio::io::duplex(1 << 20);
            let (ended, end) = tokio::sync::oneshot::channel();
            let schema = out_schema.clone();
            tokio::spawn(async move {
                let written = async move {
                    let mut batches = std::pin::pin!(batches);
                    let mut w = AsyncArrowWriter::try_new(writer, schema, None)
                        .map_err(std::io::Error::other)?;
                    while let Some(b) = batches.next().await {
                        w.write(&b?).await.map_err(std::io::Error::other)?;
                    }
                    w.close().await.map_err(std::io::Error::other)?;
                    Ok(())
                }
                .await;
                let _ = ended.send(written);
            });
            Body::from_stream(reader_stream(reader, end))
        }
    };
    let content_type = match format.as_str() {
        "csv" => "text/csv; charset=utf-8",
        "tsv" => "text/tab-separated-values; charset=utf-8",
        "json" => "application/json",
        _ => "application/vnd.apache.parquet",
    };
    Ok(attachment(content_type, &disposition, body))
}

fn attachment(content_type: &str, disposition: &str, body: Body) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_DISPOSITION, disposition)
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn batch_rows(b: &RecordBatch) -> Vec<Vec<String>> {
    (0..b.num_rows())
        .map(|row| {
            b.columns()
                .iter()
                .map(|c| engine::cell_text(c, row))
                .collect()
        })
        .collect()
}

fn delimited(delimiter: u8, rows: &[Vec<String>]) -> Bytes {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for row in rows {
        let _ = w.write_record(row);
    }
    Bytes::from(w.into_inner().unwrap_or_default())
}

/// The read end of a pipe as a stream of byte chunks, ending with the writer's error if it had
/// one.
fn reader_stream(
    reader: tokio::io::DuplexStream,
    end: tokio::sync::oneshot::Receiver<std::io::Result<()>>,
) -> impl futures::Stream<Item = std::io::Result<Bytes>> {
    use tokio::io::AsyncReadExt;
    // Fused: the compression layer polls a body once more after its end, and an unfold
    // polled again after it ended panics.
    futures::stream::unfold(Some((reader, end)), |state| async move {
        let (mut reader, end) = state?;
        let mut buf = vec![0u8; 1 << 16];
        match reader.read(&mut buf).await {
            Ok(0) => match end.await {
                Ok(Err(e)) => Some((Err(e), None)),
                _ => None,
            },
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some((reader, end))))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
    .fuse()
}

/// The batches of a dump, ended with an error once producing them took longer than `budget` in
/// all (the datastore's query time limit). Only the time spent waiting for the next batch
/// counts, not the time the client takes to read, so a slow reader of a large table is not cut
/// off; a dump cut short ends with an error, which the client sees as an incomplete transfer
/// rather than a file that looks whole, and the query is dropped.
fn within<T: Send + 'static>(
    batches: impl futures::Stream<Item = std::io::Result<T>> + Send + Unpin + 'static,
    budget: std::time::Duration,
) -> impl futures::Stream<Item = std::io::Result<T>> + Send + 'static {
    futures::stream::unfold(Some((batches, budget)), move |state| async move {
        let (mut batches, left) = state?;
        let started = std::time::Instant::now();
        match tokio::time::timeout(left, batches.next()).await {
            Ok(Some(item)) => {
                let left = left.saturating_sub(started.elapsed());
                Some((item, Some((batches, left))))
            }
            Ok(None) => None,
            Err(_) => {
                tracing::warn!(seconds = budget.as_secs_f64(), "a dump ran out of time");
                let e = std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "the dump took longer than the query time limit of {} s",
                        budget.as_secs_f64()
                    ),
                );
                Some((Err(e), None))
            }
        }
    })
    .fuse()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures::StreamExt;

    use super::within;

    /// A stream whose every item takes `each` to produce.
    fn slow(
        n: usize,
        each: Duration,
    ) -> impl futures::Stream<Item = std::io::Result<usize>> + Unpin {
        Box::pin(futures::stream::iter(0..n).then(move |i| async move {
            tokio::time::sleep(each).await;
            Ok(i)
        }))
    }

    #[tokio::test]
    async fn a_dump_that_takes_too_long_ends_with_an_error() {
        let items: Vec<_> = within(
            slow(100, Duration::from_millis(40)),
            Duration::from_millis(150),
        )
        .collect()
        .await;
        assert!(items.len() >= 3 && items.len() <= 5, "{}", items.len());
        let (last, before) = items.split_last().unwrap();
        assert!(before.iter().all(Result::is_ok));
        let e = last.as_ref().unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
        assert!(e.to_string().contains("query time limit"), "{e}");
    }

    #[tokio::test]
    async fn time_the_reader_takes_is_not_counted() {
        let mut s = std::pin::pin!(within(
            slow(4, Duration::from_millis(20)),
            Duration::from_millis(200)
        ));
        let mut got = Vec::new();
        while let Some(item) = s.next().await {
            got.push(item.unwrap());
            // A slow client: far longer than the budget between reads.
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        assert_eq!(got, vec![0, 1, 2, 3]);
    }
}
