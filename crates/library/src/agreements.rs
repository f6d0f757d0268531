//! Collective agreements: importing an index of agreements (the British Columbia Labour Relations
//! Board's, as JSON, or the same columns as CSV), the listing with its filters, "expiring soon",
//! and the listing as CSV.

use platform::db::Actor;
use platform::{Db, Error, Result, on, sql};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{Date, Month};

use crate::documents::{self, COLUMNS, DocumentInput, Origin};
use crate::model::{Document, Kind, today};

/// The source name of documents imported from the BC Labour Relations Board's index.
pub const BC_LRB: &str = "bc-lrb";

/// One row of an index of agreements.
#[derive(Clone, Debug, Deserialize)]
pub struct IndexRow {
    pub id: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub union: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub term: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    /// Rows whose term could not be read as dates: `(id, term)`.
    pub terms_unread: Vec<(String, String)>,
    /// Rows refused: `(id, reason)`.
    pub refused: Vec<(String, String)>,
}

/// Reads an index: a JSON array of rows, or CSV with the columns `id, employer, union,
/// industry, term`.
pub fn read_index(bytes: &[u8]) -> anyhow::Result<Vec<IndexRow>> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('[') {
        return Ok(serde_json::from_str(text)?);
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for row in reader.deserialize() {
        rows.push(row?);
    }
    Ok(rows)
}

fn month(name: &str) -> Option<Month> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    let m = match n.get(..3)? {
        "jan" => Month::January,
        "feb" => Month::February,
        "mar" => Month::March,
        "apr" => Month::April,
        "may" => Month::May,
        "jun" => Month::June,
        "jul" => Month::July,
        "aug" => Month::August,
        "sep" => Month::September,
        "oct" => Month::October,
        "nov" => Month::November,
        "dec" => Month::December,
        _ => return None,
    };
    Some(m)
}

/// One date as the index writes it: "Jan 1, 2020", "Sept 30 2023", "Dec. 31. 2022", "2019".
fn one_date(s: &str) -> Option<Date> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    let (m, d, y) = match words.as_slice() {
        [m, d, y] => (month(m)?, d.parse::<u8>().ok()?, y.parse::<i32>().ok()?),
        [m, dy] if dy.len() > 4 => {
            // "Jan 12020" does not happen; a missing day is read as the first.
            (month(m)?, 1, dy.parse().ok()?)
        }
        [y] if y.len() == 4 => (Month::January, 1, y.parse().ok()?),
        _ => return None,
    };
    // A month word glued to its day ("Sept6") is read too.
    Date::from_calendar_date(y, m, d).ok()
}

/// A term, "Jan 1, 2020 - May 31, 2023" (also with "to", or a single date: the start).
pub fn parse_term(term: &str) -> Option<(Date, Option<Date>)> {
    let term = term.trim();
    if term.is_empty() {
        return None;
    }
    let normalized = term.replace(" to ", " - ").replace('–', "-");
    let parts: Vec<&str> = normalized.split('-').map(str::trim).collect();
    let fix = |s: &str| {
        // "A.9, 9999" and "A9 , 9999": letters glued to the day.
        let split = s
            .find(|c: char| c.is_ascii_digit())
            .map(|i| format!("{} {}", &s[..i], &s[i..]))
            .unwrap_or_else(|| s.to_string());
        one_date(&split)
    };
    match parts.as_slice() {
        [start] => Some((fix(start)?, None)),
        [start, end] => {
            let s = fix(start)?;
            let e = fix(end)?;
            (e >= s).then_some((s, Some(e)))
        }
        _ => None,
    }
}

/// The document an index row describes.
pub fn row_input(row: &IndexRow, dates: Option<(Date, Option<Date>)>) -> DocumentInput {
    let employer = row
        .employer
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let union = row.union.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut metadata = Map::new();
    metadata.insert("employer".into(), Value::String(employer.clone()));
    metadata.insert("union_name".into(), Value::String(union.clone()));
    metadata.insert("sector".into(), Value::String(row.industry.trim().into()));
    metadata.insert("location".into(), Value::String("British Columbia".into()));
    if let Some((s, e)) = dates {
        metadata.insert("starts_on".into(), Value::String(s.to_string()));
        if let Some(e) = e {
            metadata.insert("expires_on".into(), Value::String(e.to_string()));
        }
    }
    let summary_en = if row.term.trim().is_empty() {
        String::new()
    } else {
        format!("Term as filed: {}", row.term.trim())
    };
    let summary_fr = if row.term.trim().is_empty() {
        String::new()
    } else {
        format!("Durée déposée : {}", row.term.trim())
    };
    DocumentInput {
        kind: Kind::CollectiveAgreement.as_str().into(),
        organization_id: None,
        title_en: truncate(
            &format!("Collective agreement: {employer} and {union}"),
            300,
        ),
        title_fr: truncate(
            &format!("Convention collective : {employer} et {union}"),
            300,
        ),
        summary_en,
        summary_fr,
        language: "en".into(),
        access: "public".into(),
        restricted_reason: String::new(),
        source_url: String::new(),
        metadata,
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Imports the rows in one transaction: a row whose id was imported before updates its document.
/// Rows without an id, employer or union are reported and left out.
pub async fn import(db: &Db, actor: &Actor, rows: &[IndexRow]) -> Result<ImportReport> {
    db.write(async |tx| {
        let mut report = ImportReport::default();
        for row in rows {
            let id = row.id.trim();
            if id.is_empty() {
                report.refused.push((String::new(), "no id".into()));
                continue;
            }
            let dates = parse_term(&row.term);
            if dates.is_none() && !row.term.trim().is_empty() {
                report.terms_unread.push((id.into(), row.term.clone()));
            }
            let input = row_input(row, dates);
            if let Err(errors) = documents::validate(&input) {
                let fields: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                report.refused.push((id.into(), fields.join(", ")));
                continue;
            }
            let origin = Origin {
                source: BC_LRB.into(),
                external_id: Some(id.into()),
            };
            match documents::upsert(tx, actor, &input, &origin).await? {
                (_, true) => report.created += 1,
                (_, false) => report.updated += 1,
            }
        }
        Ok(report)
    })
    .await
}

// ---- the listing ---------------------------------------------------------------------------

/// The agreements' filters. Text filters match part of the name, ignoring case.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementFilter {
    #[serde(default)]
    pub employer: String,
    #[serde(default, rename = "union")]
    pub union_name: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub location: String,
    /// Agreements in force at some time during this year.
    #[serde(default)]
    pub year: String,
    /// Only agreements that expire within this many days from today (1–3650).
    #[serde(default)]
    pub expiring_within: String,
}

impl AgreementFilter {
    pub fn is_empty(&self) -> bool {
        self.employer.is_empty()
            && self.union_name.is_empty()
            && self.sector.is_empty()
            && self.location.is_empty()
            && self.year.is_empty()
            && self.expiring_within.is_empty()
    }

    /// The filter's values checked: a year or a number of days that does not parse is an error
    /// named by its field.
    pub fn checked(&self) -> Result<Checked> {
        let mut errors = Vec::new();
        let year = match self.year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (1900..=2200).contains(&y) => Some(y),
                _ => {
                    errors.push(platform::FieldError::new("year", "library-error-year"));
                    None
                }
            },
        };
        let days = match self.expiring_within.trim() {
            "" => None,
            d => match d.parse::<i64>() {
                Ok(d) if (1..=3650).contains(&d) => Some(d),
                _ => {
                    errors.push(platform::FieldError::new(
                        "expiring_within",
                        "library-error-days",
                    ));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let like = |s: &str| {
            let s = s.trim().to_lowercase();
            if s.is_empty() {
                String::new()
            } else {
                format!(
                    "%{}%",
                    s.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                )
            }
        };
        let from = year.and_then(|y| Date::from_calendar_date(y, Month::January, 1).ok());
        let to = year.and_then(|y| Date::from_calendar_date(y, Month::December, 31).ok());
        let today = today();
        Ok(Checked {
            employer: like(&self.employer),
            union_name: like(&self.union_name),
            sector: self.sector.trim().to_string(),
            location: self.location.trim().to_string(),
            year_from: from,
            year_to: to,
            expiring_from: days.map(|_| today),
            expiring_to: days.map(|d| today + time::Duration::days(d)),
        })
    }
}

/// A filter ready to bind.
pub struct Checked {
    employer: String,
    union_name: String,
    sector: String,
    location: String,
    year_from: Option<Date>,
    year_to: Option<Date>,
    expiring_from: Option<Date>,
    expiring_to: Option<Date>,
}

const WHERE: &str = " FROM library_documents WHERE kind = 'collective_agreement' AND withdrawn_at IS NULL \
    AND ($1 = '' OR LOWER(employer) LIKE $1 ESCAPE '\\') AND ($2 = '' OR LOWER(union_name) LIKE $2 ESCAPE '\\') \
    AND ($3 = '' OR sector = $3) AND ($4 = '' OR location = $4) \
    AND ($5 IS NULL OR (starts_on IS NOT NULL AND starts_on <= $6 AND (expires_on IS NULL OR expires_on >= $5))) \
    AND ($7 IS NULL OR (expires_on >= $7 AND expires_on <= $8))";

macro_rules! bind_filter {
    ($q:expr, $f:expr) => {
        $q.bind(&$f.employer)
            .bind(&$f.union_name)
            .bind(&$f.sector)
            .bind(&$f.location)
            .bind($f.year_from)
            .bind($f.year_to)
            .bind($f.expiring_from)
            .bind($f.expiring_to)
    };
}

/// The agreements the filter keeps: those expiring first when the filter asks for expiring ones,
/// otherwise by employer.
pub async fn list(db: &Db, f: &Checked, limit: i64, offset: i64) -> Result<(Vec<Document>, i64)> {
    let rows = if f.expiring_from.is_some() {
        on!(db, |c| bind_filter!(
            sqlx::query_as::<_, Document>(sql!(
                "SELECT ",
                COLUMNS,
                WHERE,
                " ORDER BY expires_on, employer, id LIMIT $9 OFFSET $10"
            )),
            f
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *c)
        .await?)
    } else {
        on!(db, |c| bind_filter!(
            sqlx::query_as::<_, Document>(sql!(
                "SELECT ",
                COLUMNS,
                WHERE,
                " ORDER BY LOWER(employer), id LIMIT $9 OFFSET $10"
            )),
            f
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *c)
        .await?)
    };
    let total: i64 = on!(db, |c| bind_filter!(
        sqlx::query_scalar(sql!("SELECT COUNT(*)", WHERE)),
        f
    )
    .fetch_one(&mut *c)
    .await?);
    Ok((rows, total))
}

/// The distinct sectors and locations, for the filters' lists.
pub async fn choices(db: &Db) -> Result<(Vec<String>, Vec<String>)> {
    let sectors: Vec<String> = on!(db, |c| {
        sqlx::query_scalar(
        "SELECT DISTINCT sector FROM library_documents WHERE kind = 'collective_agreement' AND withdrawn_at IS NULL \
         AND sector <> '' ORDER BY sector"
    )
    .fetch_all(&mut *c)
    .await?
    });
    let locations: Vec<String> = on!(db, |c| {
        sqlx::query_scalar(
        "SELECT DISTINCT location FROM library_documents WHERE kind = 'collective_agreement' AND withdrawn_at IS NULL \
         AND location <> '' ORDER BY location"
    )
    .fetch_all(&mut *c)
    .await?
    });
    Ok((sectors, locations))
}

/// The listing as CSV: one row per agreement, with a link to its page.
pub fn csv(rows: &[Document], base_url: &str) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::internal(e);
    w.write_record([
        "id",
        "employer",
        "union",
        "sector",
        "location",
        "starts_on",
        "expires_on",
        "employees_covered",
        "source_id",
        "url",
    ])
    .map_err(io)?;
    for d in rows {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        w.write_record([
            d.id.to_string(),
            csv_safe(&d.employer),
            csv_safe(&d.union_name),
            csv_safe(&d.sector),
            csv_safe(&d.location),
            date(d.starts_on),
            date(d.expires_on),
            d.employees_covered
                .map(|n| n.to_string())
                .unwrap_or_default(),
            csv_safe(d.external_id.as_deref().unwrap_or("")),
            format!("{base_url}/en/library/{}", d.id),
        ])
        .map_err(io)?;
    }
    w.into_inner().map_err(|e| Error::internal(e.into_error()))
}

/// A cell that a spreadsheet would read as a formula starts with an apostrophe.
fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn terms_as_the_index_writes_them() {
        assert_eq!(
            parse_term("Jan 1, 2020 - May 31, 2023"),
            Some((date!(2020 - 01 - 01), Some(date!(2023 - 05 - 31))))
        );
        assert_eq!(
            parse_term("Jan 1, 2017 to Dec 31, 2022"),
            Some((date!(2017 - 01 - 01), Some(date!(2022 - 12 - 31))))
        );
        assert_eq!(
            parse_term(" Feb 19, 2020"),
            Some((date!(2020 - 02 - 19), None))
        );
        assert_eq!(
            parse_term("Oct 1, 2013 - Sept 30. 2023"),
            Some((date!(2013 - 10 - 01), Some(date!(2023 - 09 - 30))))
        );
        assert_eq!(
            parse_term("Jan.1, 2019 - Dec 31,2021"),
            Some((date!(2019 - 01 - 01), Some(date!(2021 - 12 - 31))))
        );
        assert_eq!(parse_term(""), None);
        assert_eq!(parse_term("Dec 31, 2022 - Jan 1, 2020"), None);
    }
}
