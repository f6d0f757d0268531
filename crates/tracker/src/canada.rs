//! The Government of Canada's open government tracker (open.canada.ca): a national action plan's
//! commitments, milestones and indicators (one file) and the quarterly progress on each
//! indicator (another). Each indicator becomes a milestone with its due date; each quarterly
//! report becomes a dated progress update that moves the indicator on the same four-step scale
//! (NS, LP, SP, C). All or nothing, like the OGP import.

use std::collections::{BTreeMap, HashMap};

use platform::error::Msg;
use platform::orgs::{self, NewOrganization};
use platform::{Actor, Bilingual, Db, Result, Tx};
use uuid::Uuid;

use crate::model::Completion;
use crate::ogp::{ImportError, Problem};
use crate::store::{self, EvidenceInput, ItemInput, MilestoneInput, PlanInput, UpdateInput};

const CODE_COLUMNS: [&str; 8] = [
    "plan",
    "level",
    "code",
    "text_en",
    "text_fr",
    "due_date",
    "deadline_en",
    "lead_dept",
];
const PROGRESS_COLUMNS: [&str; 13] = [
    "reporting_period",
    "commitments",
    "milestones",
    "indicators",
    "status",
    "progress_en",
    "progress_fr",
    "evidence_en",
    "evidence_fr",
    "challenges_en",
    "challenges_fr",
    "owner_org",
    "owner_org_title",
];

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub plan: String,
    pub commitments: usize,
    pub milestones: usize,
    pub updates: usize,
    pub organizations_created: Vec<String>,
}

type Record = HashMap<String, String>;

/// Reads a CSV file into records keyed by column, naming missing columns.
fn records(
    name: &str,
    bytes: &[u8],
    wanted: &[&str],
) -> std::result::Result<Vec<Record>, ImportError> {
    let file_problem = |msg: Msg| {
        ImportError(vec![Problem {
            line: None,
            column: None,
            msg: msg.arg("file", name),
        }])
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|_| file_problem(Msg::new("tracker-canada-not-utf8")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| file_problem(Msg::new("tracker-canada-not-csv").arg("detail", e)))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let missing: Vec<Problem> = wanted
        .iter()
        .filter(|w| !header.iter().any(|h| h == *w))
        .map(|w| Problem {
            line: None,
            column: None,
            msg: Msg::new("tracker-canada-missing-column")
                .arg("file", name)
                .arg("column", *w),
        })
        .collect();
    if !missing.is_empty() {
        return Err(ImportError(missing));
    }
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            ImportError(vec![Problem {
                line: Some(n + 2),
                column: None,
                msg: Msg::new("tracker-canada-not-csv")
                    .arg("file", name)
                    .arg("detail", e),
            }])
        })?;
        out.push(
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect(),
        );
    }
    Ok(out)
}

fn status(code: &str) -> Option<Completion> {
    match code.trim() {
        "NS" => Some(Completion::NotStarted),
        "LP" => Some(Completion::Limited),
        "SP" => Some(Completion::Substantial),
        "C" => Some(Completion::Complete),
        _ => None,
    }
}

/// `YYYY-MM` → the last moment of that month's last day, when the quarter's report is due.
fn period_end(period: &str) -> Option<time::OffsetDateTime> {
    let month = crate::model::When::parse(period.trim())?;
    if month.precision != crate::model::Precision::Month {
        return None;
    }
    Some(month.last_day().with_hms(12, 0, 0).ok()?.assume_utc())
}

/// An indicator's due month: its `due_date`, or else its deadline when that reads
/// "By December 2023".
fn due(r: &Record) -> String {
    let due = r["due_date"].trim();
    if !due.is_empty() {
        return due.to_string();
    }
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let words: Vec<&str> = r["deadline_en"].split_whitespace().collect();
    match words.as_slice() {
        ["By", month, year] => MONTHS
            .iter()
            .position(|m| m == month)
            .filter(|_| year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()))
            .map(|i| format!("{year}-{:02}", i + 1))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The first web address in a text, if any, without the punctuation that ends a sentence.
fn first_url(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with("https://") || w.starts_with("http://"))
        .map(|w| w.trim_end_matches(['.', ',', ';', ')', '"']).to_string())
        .filter(|u| store::external_url_ok(u))
}

/// A quarterly report as Markdown: the progress, then the evidence and challenges, labelled.
fn body(progress: &str, evidence: &str, challenges: &str, labels: (&str, &str)) -> String {
    let mut out = progress.trim().to_string();
    for (label, text) in [(labels.0, evidence), (labels.1, challenges)] {
        if !text.trim().is_empty() {
            out.push_str(&format!("\n\n**{label}** {}", text.trim()));
        }
    }
    out
}

/// Imports one plan (`NAP5`) from the codes file and the progress file.
pub async fn import(
    db: &Db,
    actor: &Actor,
    codes: &[u8],
    progress: &[u8],
    plan: &str,
) -> Result<std::result::Result<Report, ImportError>> {
    let (codes, progress) = match (
        records("codes", codes, &CODE_COLUMNS),
        records("progress", progress, &PROGRESS_COLUMNS),
    ) {
        (Ok(c), Ok(p)) => (c, p),
        (Err(a), Err(b)) => return Ok(Err(ImportError([a.0, b.0].concat()))),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    let plan_rows: Vec<&Record> = codes
        .iter()
        .filter(|r| r["plan"].split_whitespace().next() == Some(plan))
        .collect();
    let plan_name = plan_rows
        .first()
        .map(|r| r["plan"].clone())
        .unwrap_or_default();
    let number: i64 = plan.trim_start_matches("NAP").parse().unwrap_or(0);
    let mut problems = Vec::new();
    if plan_rows.is_empty() || number == 0 {
        problems.push(Problem {
            line: None,
            column: None,
            msg: Msg::new("tracker-canada-no-plan").arg("plan", plan),
        });
        return Ok(Err(ImportError(problems)));
    }
    let level = |l: &'static str| plan_rows.iter().filter(move |r| r["level"] == l).copied();
    let indicators: BTreeMap<String, &Record> = level("indicators")
        .map(|r| (r["code"].clone(), r))
        .collect();
    let prefix =
        |code: &str, depth: usize| code.split('.').take(depth).collect::<Vec<_>>().join(".");
    // Check every progress row of this plan before writing anything.
    let mut reports: Vec<(&Record, Completion, time::OffsetDateTime)> = Vec::new();
    for (n, r) in progress.iter().enumerate() {
        let line = n + 2;
        if !indicators.contains_key(&r["indicators"]) {
            problems.push(Problem {
                line: Some(line),
                column: Some("indicators".into()),
                msg: Msg::new("tracker-canada-unknown-indicator")
                    .arg("value", &r["indicators"])
                    .arg("plan", plan),
            });
            continue;
        }
        let completion = status(&r["status"]);
        let at = period_end(&r["reporting_period"]);
        if completion.is_none() {
            problems.push(Problem {
                line: Some(line),
                column: Some("status".into()),
                msg: Msg::new("tracker-canada-status").arg("value", &r["status"]),
            });
        }
        if at.is_none() {
            problems.push(Problem {
                line: Some(line),
                column: Some("reporting_period".into()),
                msg: Msg::new("tracker-error-date").arg("value", &r["reporting_period"]),
            });
        }
        if let (Some(c), Some(at)) = (completion, at) {
            reports.push((r, c, at));
        }
    }
    for (code, r) in &indicators {
        let due = due(r);
        if !due.is_empty() && crate::model::When::parse(&due).is_none() {
            problems.push(Problem {
                line: None,
                column: Some("due_date".into()),
                msg: Msg::new("tracker-canada-due")
                    .arg("code", code)
                    .arg("value", due),
            });
        }
    }
    if !problems.is_empty() {
        return Ok(Err(ImportError(problems)));
    }
    let mut tx = db.begin().await?;
    let mut report = Report::default();
    let slug = orgs::slugify(&format!("canada {plan_name}"));
    if store::plan_by_slug(db, &slug).await?.is_some() {
        return Ok(Err(ImportError(vec![Problem {
            line: None,
            column: None,
            msg: Msg::new("tracker-canada-already").arg("plan", &plan_name),
        }])));
    }
    let years = plan_name.split_whitespace().nth(1).unwrap_or("");
    let created = store::create_plan(
        &mut tx,
        actor,
        PlanInput {
            slug: slug.clone(),
            title: Bilingual::new(
                format!("Canada – National Action Plan on Open Government {number} ({years})"),
                format!("Canada – Plan d’action national pour un gouvernement ouvert {number} ({years})"),
            ),
            summary: Bilingual::new(
                "Imported from the Government of Canada's open government tracker (open.canada.ca): each indicator is a milestone, each quarterly report a progress update.",
                "Importé du suivi du gouvernement ouvert du gouvernement du Canada (ouvert.canada.ca) : chaque indicateur est un jalon, chaque rapport trimestriel une mise à jour.",
            ),
            country: "Canada".into(),
            region: "Americas".into(),
            plan_number: number,
            year_submitted: years.split('-').next().and_then(|y| y.parse().ok()),
        },
    )
    .await?;
    report.plan = created.slug.clone();

    // Organizations: the departments named in the progress file, and any lead named only by code.
    let mut org_titles: HashMap<String, Bilingual> = HashMap::new();
    for r in &progress {
        let (en, fr) = r["owner_org_title"]
            .split_once(" | ")
            .unwrap_or((&r["owner_org_title"], ""));
        org_titles
            .entry(r["owner_org"].trim().to_string())
            .or_insert_with(|| Bilingual::new(en.trim(), fr.trim()));
    }
    let mut org_slugs: HashMap<String, String> = HashMap::new();
    for r in indicators.values() {
        let code = r["lead_dept"].trim().to_string();
        if code.is_empty() || org_slugs.contains_key(&code) {
            continue;
        }
        let title = org_titles
            .get(&code)
            .cloned()
            .unwrap_or_else(|| Bilingual::new(code.as_str(), ""));
        let slug = ensure_org(&mut tx, actor, &code, &title, &mut report).await?;
        org_slugs.insert(code, slug);
    }

    // Commitments, with their indicators as milestones.
    let mut milestone_ids: HashMap<String, (Uuid, Uuid, Completion)> = HashMap::new();
    let mut items: HashMap<Uuid, store::Item> = HashMap::new();
    for c in level("commitments") {
        let code = c["code"].clone();
        let inds: Vec<&&Record> = indicators
            .values()
            .filter(|r| prefix(&r["code"], 1) == code)
            .collect();
        let mut leads: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &inds {
            *leads.entry(r["lead_dept"].trim()).or_default() += 1;
        }
        let Some(lead) = leads
            .iter()
            .max_by_key(|(_, n)| **n)
            .map(|(l, _)| l.to_string())
        else {
            continue;
        };
        let Some(organization) = org_slugs.get(&lead).cloned() else {
            continue;
        };
        let groups: Vec<&Record> = level("milestones")
            .filter(|m| prefix(&m["code"], 1) == code)
            .collect();
        let listing = |lang_en: bool| {
            groups
                .iter()
                .map(|m| {
                    format!(
                        "{} – {}",
                        m["code"],
                        if lang_en {
                            &m["text_en"]
                        } else {
                            &m["text_fr"]
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let input = ItemInput {
            kind: "commitment".into(),
            slug: orgs::slugify(&format!("canada nap{number} {code} {}", c["text_en"])),
            plan: created.slug.clone(),
            number: code
                .trim_start_matches('C')
                .trim_start_matches('0')
                .to_string(),
            ogp_id: format!("CA-NAP{number}-{code}"),
            organization,
            title: Bilingual::new(c["text_en"].trim(), c["text_fr"].trim()),
            description: Bilingual::new(listing(true), listing(false)),
            milestones: inds
                .iter()
                .map(|r| MilestoneInput {
                    activity: Bilingual::new(
                        format!("{} – {}", r["code"], r["text_en"].trim()),
                        format!("{} – {}", r["code"], r["text_fr"].trim()),
                    ),
                    novelty: "new".into(),
                    end: due(r),
                    ..MilestoneInput::default()
                })
                .collect(),
            ..ItemInput::default()
        };
        let item = store::create_item(&mut tx, actor, input).await?;
        let detail_milestones = store::milestone_ids(&mut tx, item.id).await?;
        for (r, id) in inds.iter().zip(detail_milestones) {
            milestone_ids.insert(r["code"].clone(), (item.id, id, Completion::NotStarted));
        }
        report.commitments += 1;
        report.milestones += inds.len();
        items.insert(item.id, item);
    }

    // The quarterly reports, oldest first.
    let status_words: HashMap<String, Bilingual> = level("status")
        .map(|r| {
            (
                r["code"].clone(),
                Bilingual::new(
                    format!("{}.", r["text_en"].trim()),
                    format!("{}.", r["text_fr"].trim()),
                ),
            )
        })
        .collect();
    reports.sort_by(|a, b| (a.2, &a.0["indicators"]).cmp(&(b.2, &b.0["indicators"])));
    for (r, completion, at) in reports {
        let Some((item_id, milestone, current)) = milestone_ids.get(&r["indicators"]).copied()
        else {
            continue;
        };
        let item = &items[&item_id];
        let update = UpdateInput {
            body: Bilingual::new(
                body(
                    &r["progress_en"],
                    &r["evidence_en"],
                    &r["challenges_en"],
                    ("Evidence:", "Challenges:"),
                ),
                body(
                    &r["progress_fr"],
                    &r["evidence_fr"],
                    &r["challenges_fr"],
                    ("Preuves :", "Défis :"),
                ),
            ),
            milestone: Some(milestone),
            completion: if completion == current {
                String::new()
            } else {
                completion.as_str().into()
            },
            evidence: first_url(&r["evidence_en"]).map(|url| EvidenceInput {
                kind: "page".into(),
                url,
                title: Bilingual::default(),
            }),
            status: String::new(),
            sample: false,
            posted_at: Some(at),
        };
        // A quarter reported with a status and no words says its status.
        let update = if update.body.en.trim().is_empty() && update.body.fr.trim().is_empty() {
            let words = status_words
                .get(r["status"].trim())
                .cloned()
                .unwrap_or_default();
            UpdateInput {
                body: words,
                ..update
            }
        } else {
            update
        };
        store::post_update(&mut tx, actor, "", item, &update).await?;
        milestone_ids.insert(r["indicators"].clone(), (item_id, milestone, completion));
        report.updates += 1;
    }
    tx.commit().await?;
    Ok(Ok(report))
}

/// The organization with this department code as its slug, created (federal) when missing.
async fn ensure_org(
    tx: &mut Tx,
    actor: &Actor,
    code: &str,
    title: &Bilingual,
    report: &mut Report,
) -> Result<String> {
    let slug = if orgs::valid_slug(code) {
        code.to_string()
    } else {
        orgs::slugify(&title.en)
    };
    let exists: i64 = platform::exec!(tx, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM organizations WHERE slug = $1")
            .bind(&slug)
            .fetch_one(&mut *c)
            .await?
    });
    if exists == 0 {
        orgs::create(
            tx,
            actor,
            NewOrganization {
                slug: slug.clone(),
                title: title.clone(),
                description: Bilingual::default(),
                jurisdiction: "federal".into(),
                category: "ministry".into(),
            },
        )
        .await?;
        report.organizations_created.push(slug.clone());
    }
    Ok(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_and_periods() {
        assert_eq!(status("SP"), Some(Completion::Substantial));
        assert_eq!(status("X"), None);
        assert_eq!(
            period_end("2024-02").unwrap().date().to_string(),
            "2024-02-29"
        );
        assert!(period_end("2024").is_none());
        let record = |due_date: &str, deadline: &str| -> Record {
            [("due_date", due_date), ("deadline_en", deadline)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(due(&record("2023-06", "By June 2023")), "2023-06");
        assert_eq!(due(&record("", "By December 2023")), "2023-12");
        assert_eq!(due(&record("", "Ongoing")), "");
        assert_eq!(
            first_url("See https://example.org/a. And https://b.org").as_deref(),
            Some("https://example.org/a")
        );
        assert_eq!(
            body("Done.", "", "Staff.", ("Evidence:", "Challenges:")),
            "Done.\n\n**Challenges:** Staff."
        );
    }
}
