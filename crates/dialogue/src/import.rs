//! Imports entries of the Government of Canada's "Consulting with Canadians" registry (the CSV
//! snapshot and its code table) into the directory. Importing again adds nothing twice: entries
//! are keyed by their registration number.

use std::path::{Path, PathBuf};

use anyhow::Context;
use platform::db::Actor;
use platform::orgs::{self, NewOrganization};
use platform::{Bilingual, Platform};
use time::Date;
use time::macros::format_description;

use crate::consultations::{self, NewConsultation, NewWay, Results};
use crate::model::{Level, WayKind};

pub const SOURCE: &str = "consulting-with-canadians";

/// Where the shared real data lives: `AGORA_SHARED_DATA`, else `../shared/data` above the
/// current folder or above the source tree.
pub fn shared_data_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("AGORA_SHARED_DATA")
        && !dir.is_empty()
    {
        return Some(PathBuf::from(dir));
    }
    let mut starts = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        starts.push(cwd);
    }
    starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    for start in starts {
        for dir in start.ancestors() {
            let candidate = dir.join("shared").join("data");
            if candidate.join("consultations-canada").is_dir() {
                return Some(candidate);
            }
        }
    }
    None
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub added: usize,
    pub existing: usize,
    pub skipped: Vec<String>,
}

fn date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// Topic codes (subjects) → (slug, English, French).
fn subjects(codes: &Path) -> anyhow::Result<Vec<(String, String, String, String)>> {
    let mut r = csv::Reader::from_path(codes).with_context(|| codes.display().to_string())?;
    let mut out = Vec::new();
    for row in r.records() {
        let row = row?;
        if row.get(0) == Some("subjects") {
            let code = row.get(1).unwrap_or_default().to_string();
            let en = row.get(2).unwrap_or_default().to_string();
            let fr = row.get(3).unwrap_or_default().to_string();
            out.push((code, orgs::slugify(&en), en, fr));
        }
    }
    Ok(out)
}

/// Imports the `limit` most recent valid entries, plus up to `with_reports` entries that published
/// a report (shown as "results published").
pub async fn import_canada(
    platform: &Platform,
    dir: &Path,
    limit: usize,
    with_reports: usize,
) -> anyhow::Result<Report> {
    let codes = subjects(&dir.join("canada_consultations_codes.csv"))?;
    let listing = dir.join("canada_consultations_listing_snapshot_2025-02-14.csv");
    let mut reader =
        csv::Reader::from_path(&listing).with_context(|| listing.display().to_string())?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (
        Some(reg),
        Some(subj),
        Some(ten),
        Some(tfr),
        Some(start),
        Some(end),
        Some(page_en),
        Some(report_y),
        Some(rep_en),
        Some(org),
        Some(org_title),
    ) = (
        col("registration_number"),
        col("subjects"),
        col("title_en"),
        col("title_fr"),
        col("start_date"),
        col("end_date"),
        col("profile_page_en"),
        col("report_available_online"),
        col("report_link_en"),
        col("owner_org"),
        col("owner_org_title"),
    )
    else {
        anyhow::bail!("{}: a column is missing", listing.display());
    };
    let mut report = Report::default();
    let mut rows = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                report.skipped.push(format!("row {}: {e}", i + 2));
                continue;
            }
        };
        let get = |c: usize| row.get(c).unwrap_or_default().trim().to_string();
        let (Some(s), Some(e)) = (date(&get(start)), date(&get(end))) else {
            report
                .skipped
                .push(format!("row {}: dates missing or invalid", i + 2));
            continue;
        };
        if e < s || get(ten).is_empty() || get(reg).is_empty() {
            report.skipped.push(format!(
                "row {}: closes before it opens, or no title",
                i + 2
            ));
            continue;
        }
        rows.push((s, e, row));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let recent: Vec<_> = rows.iter().take(limit).collect();
    let reported: Vec<_> = rows
        .iter()
        .skip(limit)
        .filter(|(_, _, r)| {
            r.get(report_y) == Some("Y") && !r.get(rep_en).unwrap_or_default().is_empty()
        })
        .take(with_reports)
        .collect();

    let actor = Actor::system("import");
    platform
        .db
        .write(async |tx| {
            for (_, slug, en, fr) in &codes {
                consultations::ensure_topic(tx, slug, en, fr).await?;
            }
            Ok(())
        })
        .await?;

    for (opens, closes, row) in recent.into_iter().chain(reported) {
        let get = |c: usize| row.get(c).unwrap_or_default().trim().to_string();
        let external = get(reg);
        if consultations::exists_external(&platform.db, SOURCE, &external).await? {
            report.existing += 1;
            continue;
        }
        let org_slug = get(org);
        let organization = match orgs::find_by_slug(&platform.db, &org_slug).await? {
            Some(o) => o,
            None => {
                let title = get(org_title);
                let (en, fr) = title.split_once(" | ").unwrap_or((&title, ""));
                let new = NewOrganization {
                    slug: org_slug.clone(),
                    title: Bilingual::new(en.trim(), fr.trim()),
                    description: Bilingual::default(),
                    jurisdiction: "federal".into(),
                    category: "agency".into(),
                };
                platform
                    .db
                    .write(async |tx| orgs::create(tx, &actor, new).await)
                    .await?
            }
        };
        let topics: Vec<String> = get(subj)
            .split(',')
            .filter_map(|code| codes.iter().find(|(c, ..)| c == code.trim()))
            .map(|(_, slug, ..)| slug.clone())
            .collect();
        let page = get(page_en);
        let report_link = get(rep_en);
        let has_report = row.get(report_y) == Some("Y") && !report_link.is_empty();
        let ways = if page.starts_with("http") {
            vec![NewWay {
                kind: Some(WayKind::Link),
                label_en: "The consultation's page on canada.ca".into(),
                label_fr: "La page de la consultation sur canada.ca".into(),
                url: page,
                ..Default::default()
            }]
        } else {
            Vec::new()
        };
        let results = has_report.then(|| Results {
            we_asked_en: String::new(),
            we_asked_fr: String::new(),
            you_said_en: String::new(),
            you_said_fr: String::new(),
            we_did_en: "The department published a report on what it heard and what it will do."
                .into(),
            we_did_fr:
                "Le ministère a publié un rapport sur ce qu’il a entendu et sur ce qu’il fera."
                    .into(),
            results_url: report_link.clone(),
            published_on: *closes,
        });
        let slug: String = format!("ca-{}", orgs::slugify(&external));
        let new = NewConsultation {
            slug,
            organization_id: organization.id,
            title_en: get(ten),
            title_fr: get(tfr),
            summary_en: String::new(),
            summary_fr: String::new(),
            level: Some(Level::Consult),
            opens_on: Some(*opens),
            closes_on: Some(*closes),
            ongoing: false,
            process_id: None,
            topics,
            ways,
            results,
            source: SOURCE.into(),
            external_id: Some(external.clone()),
            sample: false,
            draft: false,
        };
        match platform
            .db
            .write(async |tx| consultations::create(tx, &actor, &new).await)
            .await
        {
            Ok(_) => report.added += 1,
            Err(platform::Error::Validation(errors)) => {
                let fields: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                report
                    .skipped
                    .push(format!("{external}: invalid {}", fields.join(", ")));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(report)
}
