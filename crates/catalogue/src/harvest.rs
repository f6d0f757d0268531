//! Harvesting another CKAN catalogue (`agora harvest ckan URL`): its `package_search` is read
//! 1,000 packages at a time, oldest change first, and each package becomes a dataset here through
//! the same mapping as a ckanapi dump. The newest `metadata_modified` seen is kept per source,
//! so the next run asks only for what changed since.

use std::time::Duration;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use platform::db::{Actor, now};
use platform::{Error, Platform, exec, read};

use crate::import::{Summary, ckan_package, reasons};
use crate::model::Extra;
use crate::store::{self, Lookup};

/// The extra that marks a dataset as harvested, with the source's address as its value.
pub const SOURCE_EXTRA: &str = "harvest_source";
const ROWS: usize = 1000;

#[derive(Debug, Default)]
pub struct Report {
    /// The source's address as remembered.
    pub source: String,
    /// Packages changed since this time were asked for; none on a first harvest.
    pub since: Option<OffsetDateTime>,
    /// Packages the source sent.
    pub fetched: usize,
    pub summary: Summary,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let packages = match self.fetched {
            1 => "1 package".to_string(),
            n => format!("{n} packages"),
        };
        match self.since {
            Some(since) => writeln!(
                f,
                "harvested {}: {packages} changed since {}",
                self.source,
                since.format(&Rfc3339).unwrap_or_default()
            )?,
            None => writeln!(f, "harvested {}: {packages}", self.source)?,
        }
        write!(f, "{}", self.summary)
    }
}

/// The site's address from what people type: `https://data.example.org/`,
/// `…/api/3/action/package_search` and `…/api/3` all mean `https://data.example.org`.
pub fn source_url(given: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(given.trim())
        .map_err(|e| anyhow::anyhow!("`{given}` is not a web address: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        anyhow::bail!("`{given}`: give an http:// or https:// address");
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    let base = [
        "/api/3/action/package_search",
        "/api/action/package_search",
        "/api/3",
        "/api",
    ]
    .iter()
    .find_map(|tail| path.strip_suffix(tail))
    .unwrap_or(&path)
    .to_string();
    url.set_path(&base);
    Ok(url.as_str().trim_end_matches('/').to_string())
}

async fn last_modified(
    platform: &Platform,
    source: &str,
) -> platform::Result<Option<OffsetDateTime>> {
    let found: Option<Option<OffsetDateTime>> = read!(&platform.db, |c| sqlx::query_scalar(
        "SELECT last_modified FROM harvest_sources WHERE url = $1"
    )
    .bind(source)
    .fetch_optional(&mut *c)
    .await?);
    Ok(found.flatten())
}

async fn remember(
    platform: &Platform,
    source: &str,
    latest: Option<OffsetDateTime>,
) -> platform::Result<()> {
    let mut tx = platform.db.begin().await?;
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO harvest_sources (url, last_modified, harvested_at) VALUES ($1, $2, $3) \
         ON CONFLICT (url) DO UPDATE SET last_modified = COALESCE($2, harvest_sources.last_modified), harvested_at = $3"
    )
    .bind(source)
    .bind(latest)
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.commit().await
}

/// One page of the source's `package_search`.
async fn page(
    client: &reqwest::Client,
    endpoint: &str,
    since: Option<OffsetDateTime>,
    start: usize,
) -> anyhow::Result<(u64, Vec<Value>)> {
    let mut url = url::Url::parse(endpoint)?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("rows", &ROWS.to_string())
            .append_pair("start", &start.to_string())
            .append_pair("sort", "metadata_modified asc");
        if let Some(since) = since {
            // Inclusive: packages changed in the same instant as the last one seen come again
            // and are recognised as unchanged.
            q.append_pair(
                "fq",
                &format!("metadata_modified:[{} TO *]", since.format(&Rfc3339)?),
            );
        }
    }
    let res = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot reach {url}: {e}"))?;
    let status = res.status();
    let body = res
        .bytes()
        .await
        .map_err(|e| anyhow::anyhow!("{url}: the answer broke off: {e}"))?;
    let json: Value = serde_json::from_slice(&body).map_err(|_| {
        let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        anyhow::anyhow!("{url} answered {status} without CKAN's JSON: {text}")
    })?;
    if json.get("success") != Some(&Value::Bool(true)) {
        let message = json
            .pointer("/error/message")
            .map(|m| {
                m.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| m.to_string())
            })
            .unwrap_or_else(|| json.to_string().chars().take(200).collect());
        anyhow::bail!("{url} answered {status}: {message}");
    }
    let count = json.pointer("/result/count").and_then(Value::as_u64);
    let results = json.pointer("/result/results").and_then(Value::as_array);
    match (count, results) {
        (Some(count), Some(results)) => Ok((count, results.clone())),
        _ => anyhow::bail!("{url}: the answer has no result.count and result.results"),
    }
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
    Skipped(String),
}

/// Writes one package: created, or updated when it came from this source and changed there.
async fn write(
    platform: &Platform,
    actor: &Actor,
    source: &str,
    package: Map<String, Value>,
    modified: Option<OffsetDateTime>,
) -> platform::Result<Outcome> {
    let mut input = match ckan_package(platform, actor, package).await? {
        Ok(input) => input,
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };
    input.extras.retain(|e| e.key != SOURCE_EXTRA);
    input.extras.push(Extra {
        key: SOURCE_EXTRA.into(),
        value: source.into(),
    });
    let existing = match store::lookup(&platform.db, &input.name).await? {
        Lookup::Found(d) => Some(d),
        _ => None,
    };
    if let Some(d) = &existing {
        let ours = d
            .row
            .extras
            .0
            .iter()
            .any(|e| e.key == SOURCE_EXTRA && e.value == source);
        if !ours {
            return Ok(Outcome::Skipped(format!(
                "a dataset named `{}` exists here and was not harvested from this source",
                input.name
            )));
        }
        if modified.is_some() && Some(d.row.metadata_modified) == modified {
            return Ok(Outcome::Unchanged);
        }
    }
    let mut tx = platform.db.begin().await?;
    let written = match &existing {
        Some(d) => store::update(&mut tx, actor, d, input)
            .await
            .map(|_| Outcome::Updated),
        None => store::create(&mut tx, actor, input)
            .await
            .map(|_| Outcome::Created),
    };
    match written {
        Ok(outcome) => {
            tx.commit().await?;
            Ok(outcome)
        }
        Err(Error::Validation(fields)) => Ok(Outcome::Skipped(reasons(&fields))),
        Err(e) => Err(e),
    }
}

/// Harvests the CKAN catalogue at `given` (its site address) into this one. `progress` hears
/// (done, total) after each package.
pub async fn ckan(
    platform: &Platform,
    given: &str,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<Report> {
    let source = source_url(given)?;
    let endpoint = format!("{source}/api/3/action/package_search");
    let actor = Actor::system("harvest ckan");
    let client = reqwest::Client::builder()
        .user_agent(concat!(
            "Agora/",
            env!("CARGO_PKG_VERSION"),
            " (CKAN harvester)"
        ))
        .timeout(Duration::from_secs(120))
        .build()?;
    let since = last_modified(platform, &source).await?;
    let mut report = Report {
        source: source.clone(),
        since,
        ..Report::default()
    };
    let mut latest = since;
    let mut start = 0;
    loop {
        let (count, packages) = page(&client, &endpoint, since, start).await?;
        if packages.is_empty() {
            break;
        }
        start += packages.len();
        for package in packages {
            report.fetched += 1;
            progress(report.fetched as u64, count);
            let name = package
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let Value::Object(package) = package else {
                report
                    .summary
                    .skipped
                    .push((name, "not a package dictionary".into()));
                continue;
            };
            let modified = crate::ckan::timestamp_field(&package, "metadata_modified");
            // Seen in the last run already: the range asked for includes its start.
            if since.is_some_and(|s| modified.is_some_and(|m| m <= s)) {
                report.summary.unchanged += 1;
                continue;
            }
            let outcome = write(platform, &actor, &source, package, modified)
                .await
                .map_err(|e| anyhow::anyhow!("{name}: {e}"));
            let outcome = match outcome {
                Ok(o) => o,
                Err(e) => {
                    // Keep what was harvested so far: the next run resumes after it.
                    remember(platform, &source, latest).await?;
                    return Err(e);
                }
            };
            match outcome {
                Outcome::Created => report.summary.created += 1,
                Outcome::Updated => report.summary.updated += 1,
                Outcome::Unchanged => report.summary.unchanged += 1,
                Outcome::Skipped(reason) => report.summary.skipped.push((name, reason)),
            }
            if modified > latest {
                latest = modified;
            }
        }
        if start as u64 >= count {
            break;
        }
    }
    remember(platform, &source, latest).await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::source_url;

    #[test]
    fn source_addresses_are_read_as_people_type_them() {
        for given in [
            "https://data.example.org",
            "https://data.example.org/",
            "https://data.example.org/api/3/action/package_search?q=x",
            "https://data.example.org/api/3",
        ] {
            assert_eq!(source_url(given).unwrap(), "https://data.example.org");
        }
        assert_eq!(
            source_url("http://127.0.0.1:5000/catalogue/").unwrap(),
            "http://127.0.0.1:5000/catalogue"
        );
        assert!(source_url("ftp://data.example.org").is_err());
        assert!(source_url("data.example.org").is_err());
    }
}
