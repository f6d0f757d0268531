//! Catalogue search: datasets in the platform's index, and `package_search` with the Solr
//! forms CKAN clients send (`fq`, `sort`, facets), translated to a platform search query.

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use platform::area::SearchKind;
use platform::auth::CurrentUser;
use platform::search::{ALL_PRIVATE, SearchDoc, SearchQuery, SearchSource, Sort};
use platform::{Db, Lang, Platform, Result};

use crate::ckan::{ApiError, package_dict, param_bool, param_int, param_str};
use crate::model::{Dataset, State};
use crate::store;

pub const KIND: &str = "dataset";

/// The facets `package_search` can filter and count on.
pub const FACETS: &[&str] = &[
    "organization",
    "tags",
    "res_format",
    "license_id",
    "access_level",
    "update_frequency",
    "groups",
    "exemption",
];

pub struct DatasetSource;

/// The area's search sources, for the binary to register.
pub fn sources() -> Vec<Arc<dyn SearchSource>> {
    vec![Arc::new(DatasetSource)]
}

/// The kinds the site-wide search lists, in the order of its filters.
pub fn site_kinds() -> Vec<SearchKind> {
    vec![SearchKind {
        kind: KIND,
        filter_label: "search-kind-dataset",
        hit_label: "search-one-dataset",
        path: |id| format!("/dataset/{id}"),
    }]
}

pub fn document(d: &Dataset) -> SearchDoc {
    let r = &d.row;
    let mut body_en = vec![
        r.notes_en.clone(),
        d.keywords_en.join(", "),
        d.organization.title_en.clone(),
    ];
    let mut body_fr = vec![
        r.notes_fr.clone(),
        d.keywords_fr.join(", "),
        d.organization.title_fr.clone(),
    ];
    for res in &d.resources {
        body_en.push(res.name_en.clone());
        body_fr.push(res.name_fr.clone());
    }
    let mut doc = SearchDoc::new(KIND, r.id.to_string());
    doc.title = r.title();
    doc.body = platform::Bilingual::new(body_en.join("\n"), body_fr.join("\n"));
    doc.date = Some(r.metadata_modified);
    doc.public = r.is_public();
    doc.visible_to = vec![r.organization_id.to_string()];
    doc = doc
        .facet("organization", &d.organization.slug)
        .facet("license_id", &r.license_id)
        .facet("access_level", r.access_level.as_str())
        .facet("update_frequency", &r.update_frequency)
        .facet("exemption", r.exemption.as_str())
        .facet("state", r.state.as_str());
    for k in d.keywords_en.iter().chain(&d.keywords_fr) {
        doc = doc.facet("tags", k);
    }
    let mut formats: Vec<&str> = d
        .resources
        .iter()
        .map(|r| r.format.as_str())
        .filter(|f| !f.is_empty())
        .collect();
    formats.sort();
    formats.dedup();
    for f in formats {
        doc = doc.facet("res_format", f);
    }
    for g in &d.groups {
        doc = doc.facet("groups", &g.name);
    }
    doc
}

impl SearchSource for DatasetSource {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let ids: Vec<Uuid> = ids.iter().filter_map(|i| Uuid::parse_str(i).ok()).collect();
            // Deleted datasets are left out, so the index drops them.
            Ok(store::load_ids(db, &ids)
                .await?
                .iter()
                .filter(|d| d.row.state != State::Deleted)
                .map(document)
                .collect())
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move { Ok(store::count_all(db).await? as u64) })
    }

    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let after = after.and_then(|a| Uuid::parse_str(&a).ok());
            let rows = store::rows_after(db, after, batch as i64).await?;
            if rows.is_empty() {
                return Ok(vec![]);
            }
            Ok(store::load(db, rows).await?.iter().map(document).collect())
        })
    }
}

// ---- fq: the Solr forms we accept ----

/// What an `fq` (or field-qualified `q`) asks for.
#[derive(Debug, Default, PartialEq)]
pub struct Filters {
    pub include: Vec<(String, Vec<String>)>,
    pub exclude: Vec<(String, String)>,
    pub modified_from: Option<OffsetDateTime>,
    pub modified_to: Option<OffsetDateTime>,
    /// Words that were not field-qualified (allowed in `q`, refused in `fq`).
    pub words: Vec<String>,
}

fn field_name(raw: &str) -> Option<&'static str> {
    let f = raw.trim_start_matches(['+', '-']);
    let f = f.strip_prefix("vocab_").unwrap_or(f);
    match f {
        "organization" | "owner_org" => Some("organization"),
        "tags" | "tag" | "keywords" => Some("tags"),
        "res_format" | "format" => Some("res_format"),
        "license_id" | "license" => Some("license_id"),
        "access_level" => Some("access_level"),
        "update_frequency" => Some("update_frequency"),
        "groups" | "group" => Some("groups"),
        "exemption" => Some("exemption"),
        "metadata_modified" => Some("metadata_modified"),
        _ => None,
    }
}

/// Splits a query into tokens: words, `"quoted strings"`, `(groups)` and `[ranges]` stay whole.
fn tokens(s: &str) -> std::result::Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '"' | '(' | '[' | '{' => {
                let close = match c {
                    '"' => '"',
                    '(' => ')',
                    '[' => ']',
                    _ => '}',
                };
                cur.push(c);
                let mut closed = false;
                for n in chars.by_ref() {
                    cur.push(n);
                    if n == close {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err(format!("`{cur}` is not closed with `{close}`"));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn unquote(v: &str) -> String {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
        .replace("\\\"", "\"")
}

fn solr_time(s: &str, end: bool) -> std::result::Result<Option<OffsetDateTime>, String> {
    let s = s.trim();
    if s == "*" {
        return Ok(None);
    }
    if let Some(rest) = s.strip_prefix("NOW") {
        let now = platform::db::now();
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Some(now));
        }
        // NOW-7DAYS, NOW-1YEAR, NOW+1DAY
        let sign_len = rest.chars().next().map_or(0, char::len_utf8);
        let (sign, amount) = rest.split_at(sign_len);
        let digits: String = amount.chars().take_while(|c| c.is_ascii_digit()).collect();
        let unit = &amount[digits.len()..];
        let n: i64 = digits
            .parse()
            .map_err(|_| format!("cannot read the date `{s}`"))?;
        let per_unit = match unit.trim_end_matches('S') {
            "DAY" => 1,
            "MONTH" => 30,
            "YEAR" => 365,
            _ => return Err(format!("cannot read the date `{s}`")),
        };
        // Checked all the way: `NOW-9223372036854775807YEARS` is out of range, not a panic.
        let moved = n
            .checked_mul(per_unit)
            .and_then(|days| days.checked_mul(86_400))
            .map(time::Duration::seconds)
            .and_then(|delta| match sign {
                "-" => now.checked_sub(delta),
                "+" => now.checked_add(delta),
                _ => None,
            });
        return match moved {
            Some(t) => Ok(Some(t)),
            None => Err(format!("cannot read the date `{s}`")),
        };
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(Some(t));
    }
    if let Ok(d) = time::Date::parse(
        s.get(..10).unwrap_or(""),
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        // The end of a day is its last microsecond, not the next midnight less one: there is no
        // day after 9999-12-31.
        let t = if end {
            d.with_hms_micro(23, 59, 59, 999_999)
                .unwrap_or_else(|_| d.midnight())
        } else {
            d.midnight()
        };
        return Ok(Some(t.assume_utc()));
    }
    Err(format!("cannot read the date `{s}`"))
}

/// Reads `fq` (strict: every part must be a known field) or `q` (words allowed).
pub fn parse_filters(
    input: &str,
    allow_words: bool,
    into: &mut Filters,
) -> std::result::Result<(), String> {
    let toks = tokens(input)?;
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        i += 1;
        if tok == "AND" || tok == "&&" {
            continue;
        }
        if tok == "OR" || tok == "||" || tok == "NOT" {
            return Err(format!(
                "`{tok}` between different fields is not supported; use field:(a OR b)"
            ));
        }
        let Some((raw_field, raw_value)) = tok.split_once(':') else {
            if allow_words {
                into.words.push(tok.clone());
                continue;
            }
            return Err(format!("cannot read `{tok}`: expected field:value"));
        };
        let negative = raw_field.starts_with('-');
        let Some(field) = field_name(raw_field) else {
            if allow_words {
                into.words.push(tok.clone());
                continue;
            }
            return Err(format!(
                "unknown field `{}` in `{tok}`",
                raw_field.trim_start_matches(['+', '-'])
            ));
        };
        if raw_value.is_empty() {
            return Err(format!("`{tok}` has no value"));
        }
        if field == "metadata_modified" {
            let inner = raw_value
                .strip_prefix('[')
                .and_then(|v| v.strip_suffix(']'))
                .or_else(|| {
                    raw_value
                        .strip_prefix('{')
                        .and_then(|v| v.strip_suffix('}'))
                });
            let Some(inner) = inner else {
                return Err(format!(
                    "`{tok}`: metadata_modified takes a range like [2020-01-01T00:00:00Z TO NOW]"
                ));
            };
            let Some((from, to)) = inner.split_once(" TO ") else {
                return Err(format!("`{tok}`: a range needs `TO`"));
            };
            into.modified_from = solr_time(from, false)?;
            into.modified_to = solr_time(to, true)?;
            continue;
        }
        let values: Vec<String> = if let Some(group) = raw_value
            .strip_prefix('(')
            .and_then(|v| v.strip_suffix(')'))
        {
            let parts = tokens(group)?;
            let mut vals = Vec::new();
            for (j, p) in parts.iter().enumerate() {
                if j % 2 == 1 {
                    if p != "OR" {
                        return Err(format!("`{tok}`: only OR may join values in parentheses"));
                    }
                } else {
                    vals.push(unquote(p));
                }
            }
            vals
        } else {
            vec![unquote(raw_value)]
        };
        if negative {
            for v in values {
                into.exclude.push((field.to_string(), v));
            }
        } else {
            match into.include.iter_mut().find(|(f, _)| f == field) {
                // Two clauses on one field must both hold; keep the values both allow.
                Some((_, existing)) => existing.retain(|v| values.contains(v)),
                None => into.include.push((field.to_string(), values)),
            }
        }
    }
    Ok(())
}

fn parse_sort(sort: &str) -> std::result::Result<Sort, String> {
    let first = sort.split(',').next().unwrap_or("").trim();
    let mut parts = first.split_whitespace();
    let field = parts.next().unwrap_or("score");
    let dir = parts.next().unwrap_or("asc");
    if !matches!(dir, "asc" | "desc") {
        return Err(format!(
            "cannot sort `{first}`: the direction must be asc or desc"
        ));
    }
    Ok(match (field, dir) {
        ("score" | "rank", _) => Sort::Relevance,
        ("metadata_modified" | "metadata_created", "desc") => Sort::DateDesc,
        ("metadata_modified" | "metadata_created", _) => Sort::DateAsc,
        ("title_string" | "title" | "name", "desc") => Sort::TitleDesc,
        ("title_string" | "title" | "name", _) => Sort::TitleAsc,
        (other, _) => return Err(format!("cannot sort by `{other}`")),
    })
}

const SEARCH_PARAMS: &[&str] = &[
    "q",
    "fq",
    "fq_list",
    "sort",
    "rows",
    "start",
    "facet",
    "facet.field",
    "facet.limit",
    "facet.mincount",
    "include_private",
    "include_drafts",
    "include_deleted",
    "use_default_schema",
    "defType",
    "qf",
    "wt",
    "lang",
    "callback",
    "_",
];

/// CKAN's `package_search`.
pub async fn package_search(
    platform: &Platform,
    user: Option<&CurrentUser>,
    params: &Map<String, Value>,
) -> std::result::Result<Value, ApiError> {
    if let Some(unknown) = params.keys().find(|k| !SEARCH_PARAMS.contains(&k.as_str())) {
        return Err(ApiError::SearchQuery(format!(
            "Unknown parameter: {unknown}"
        )));
    }
    let mut filters = Filters::default();
    let q = param_str(params, "q").unwrap_or("").trim().to_string();
    if !q.is_empty() && q != "*:*" {
        parse_filters(&q, true, &mut filters)
            .map_err(|m| ApiError::SearchQuery(format!("q: {m}")))?;
    }
    let mut fqs: Vec<String> = Vec::new();
    if let Some(fq) = param_str(params, "fq") {
        fqs.push(fq.to_string());
    }
    match params.get("fq_list") {
        Some(Value::Array(list)) => {
            fqs.extend(list.iter().filter_map(Value::as_str).map(str::to_string))
        }
        Some(Value::String(s)) => fqs.push(s.clone()),
        _ => {}
    }
    for fq in &fqs {
        // CKAN adds these itself; clients copy them back.
        let cleaned = fq
            .replace("+dataset_type:dataset", "")
            .replace("dataset_type:dataset", "")
            .replace("+state:active", "")
            .replace("state:active", "");
        parse_filters(&cleaned, false, &mut filters)
            .map_err(|m| ApiError::SearchQuery(format!("fq: {m}")))?;
    }
    let sort_text = param_str(params, "sort")
        .unwrap_or("score desc, metadata_modified desc")
        .to_string();
    let sort = parse_sort(&sort_text).map_err(ApiError::SearchQuery)?;
    let rows = param_int(params, "rows", 10)?.clamp(0, 1000) as usize;
    let start = param_int(params, "start", 0)?;
    if start < 0 {
        return Err(ApiError::SearchQuery("start must not be negative".into()));
    }
    let facet_on = param_bool(params, "facet", true)?;
    let facet_fields: Vec<String> = match params.get("facet.field") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => {
            serde_json::from_str::<Vec<String>>(s).unwrap_or_else(|_| vec![s.clone()])
        }
        _ => vec![],
    };
    let mut facet_names = Vec::new();
    for f in &facet_fields {
        let Some(name) = field_name(f).filter(|n| *n != "metadata_modified") else {
            return Err(ApiError::SearchQuery(format!("cannot facet on `{f}`")));
        };
        facet_names.push((f.clone(), name.to_string()));
    }
    let facet_limit = param_int(params, "facet.limit", 50)?;
    let mincount = param_int(params, "facet.mincount", 1)?.max(0) as u64;
    let include_private = param_bool(params, "include_private", false)?;
    let include_drafts = param_bool(params, "include_drafts", false)?;
    let include_private_for = match (include_private, user) {
        (true, Some(u)) if u.is_admin() => Some(vec![ALL_PRIVATE.to_string()]),
        (true, Some(u)) => Some(
            u.editor_organizations()
                .iter()
                .map(|o| o.to_string())
                .collect(),
        ),
        _ => None,
    };
    let query = SearchQuery {
        text: filters.words.join(" "),
        lang: Lang::En,
        kinds: vec![KIND.to_string()],
        filters: filters.include.clone(),
        exclude: {
            let mut ex = filters.exclude.clone();
            if !include_drafts {
                ex.push(("state".to_string(), "draft".to_string()));
            }
            ex
        },
        date_from: filters.modified_from,
        date_to: filters.modified_to,
        facets: if facet_on {
            facet_names.iter().map(|(_, n)| n.clone()).collect()
        } else {
            vec![]
        },
        facet_limit: if facet_limit < 0 {
            None
        } else {
            Some(facet_limit as usize)
        },
        sort,
        offset: start as usize,
        limit: rows,
        include_private_for,
        highlight: false,
    };
    let results = platform.search.query(&query).map_err(ApiError::from)?;
    let ids: Vec<Uuid> = results
        .hits
        .iter()
        .filter_map(|h| Uuid::parse_str(&h.id).ok())
        .collect();
    let base = platform.settings.base_url();
    let datasets = store::load_ids(&platform.db, &ids).await?;
    // The index is derived; the database decides what may be shown.
    let results_json: Vec<Value> = datasets
        .iter()
        .filter(|d| crate::ckan::can_read(user, &d.row) && d.row.state != State::Deleted)
        .map(|d| package_dict(d, &base))
        .collect();
    let org_titles: HashMap<String, String> = platform::orgs::list(&platform.db)
        .await?
        .into_iter()
        .map(|o| (o.slug, o.title_en))
        .collect();
    let mut facets = Map::new();
    let mut search_facets = Map::new();
    for (asked, name) in &facet_names {
        let values = results
            .facet(name)
            .map(|f| f.values.clone())
            .unwrap_or_default();
        let kept: Vec<_> = values.into_iter().filter(|v| v.count >= mincount).collect();
        facets.insert(
            asked.clone(),
            Value::Object(
                kept.iter()
                    .map(|v| (v.value.clone(), json!(v.count)))
                    .collect(),
            ),
        );
        let items: Vec<Value> = kept
            .iter()
            .map(|v| {
                let display = if name == "organization" {
                    org_titles
                        .get(&v.value)
                        .cloned()
                        .unwrap_or_else(|| v.value.clone())
                } else {
                    v.value.clone()
                };
                json!({"name": v.value, "display_name": display, "count": v.count})
            })
            .collect();
        search_facets.insert(asked.clone(), json!({"title": asked, "items": items}));
    }
    Ok(json!({
        "count": results.total,
        "results": results_json,
        "facets": facets,
        "search_facets": search_facets,
        "sort": sort_text,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fq(s: &str) -> std::result::Result<Filters, String> {
        let mut f = Filters::default();
        parse_filters(s, false, &mut f).map(|_| f)
    }

    #[test]
    fn solr_forms() {
        let f = fq("organization:ministry-of-health +tags:\"Health and wellness\" -access_level:restricted").unwrap();
        assert_eq!(
            f.include,
            vec![
                (
                    "organization".to_string(),
                    vec!["ministry-of-health".to_string()]
                ),
                ("tags".to_string(), vec!["Health and wellness".to_string()])
            ]
        );
        assert_eq!(
            f.exclude,
            vec![("access_level".to_string(), "restricted".to_string())]
        );
        let f = fq("res_format:(CSV OR XLSX) AND license_id:OGL-ON-1.0").unwrap();
        assert_eq!(
            f.include[0],
            (
                "res_format".to_string(),
                vec!["CSV".to_string(), "XLSX".to_string()]
            )
        );
        let f = fq("metadata_modified:[2020-01-01T00:00:00Z TO NOW]").unwrap();
        assert!(f.modified_from.is_some() && f.modified_to.is_some());
        let f = fq("metadata_modified:[* TO 2019-12-31]").unwrap();
        assert!(f.modified_from.is_none() && f.modified_to.is_some());
    }

    #[test]
    fn hostile_relative_dates_are_refused_not_a_panic() {
        for bad in [
            "metadata_modified:[NOW\u{1F600}1DAY TO NOW]",
            "metadata_modified:[NOW\u{e9}1DAY TO NOW]",
            "metadata_modified:[NOW-9223372036854775807YEARS TO NOW]",
            "metadata_modified:[NOW+106751991167300DAYS TO NOW]",
            "metadata_modified:[NOW*1DAY TO NOW]",
        ] {
            let err = fq(bad).unwrap_err();
            assert!(err.contains("cannot read the date"), "{bad}: {err}");
        }
        assert!(fq("metadata_modified:[NOW-7DAYS TO NOW+1DAY]").is_ok());
    }

    #[test]
    fn a_range_to_the_last_day_there_is_ends_with_that_day() {
        // The end of the day was the next midnight less a microsecond (a panic), and there is
        // no day after 9999-12-31.
        let last_microsecond = |year: i32| {
            time::Date::from_calendar_date(year, time::Month::December, 31)
                .and_then(|d| d.with_hms_micro(23, 59, 59, 999_999))
                .map(|t| t.assume_utc())
                .ok()
        };
        let f = fq("metadata_modified:[* TO 9999-12-31]").unwrap();
        assert_eq!(f.modified_to, last_microsecond(9999));
        let f = fq("metadata_modified:[2019-01-01 TO 2019-12-31]").unwrap();
        assert_eq!(f.modified_to, last_microsecond(2019));
    }

    #[test]
    fn refusals_name_the_part() {
        assert!(fq("colour:blue").unwrap_err().contains("`colour`"));
        assert!(fq("tags:\"open").unwrap_err().contains("not closed"));
        assert!(fq("tags:a OR organization:b").unwrap_err().contains("OR"));
        assert!(fq("just words").unwrap_err().contains("`just`"));
        assert!(fq("metadata_modified:2020").unwrap_err().contains("range"));
        assert!(
            parse_sort("popularity desc")
                .unwrap_err()
                .contains("popularity")
        );
        assert_eq!(
            parse_sort("metadata_modified desc").unwrap(),
            Sort::DateDesc
        );
        assert_eq!(
            parse_sort("score desc, metadata_modified desc").unwrap(),
            Sort::Relevance
        );
    }

    #[test]
    fn q_keeps_words() {
        let mut f = Filters::default();
        parse_filters("bedrock geology tags:Government", true, &mut f).unwrap();
        assert_eq!(f.words, ["bedrock", "geology"]);
        assert_eq!(f.include[0].0, "tags");
    }
}
