//! The demo's three commitments read on their pages exactly as Ontario's action plan states
//! them. The plan is read from `../shared/seed/ontario-ogp-action-plan.txt` and split into its
//! template fields; each field's text must be in the matching section of the commitment's page.

use std::path::PathBuf;

use axum::http::StatusCode;
use platform::testing;

use crate::common::{client, text};

fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seed/ontario-ogp-action-plan.txt")
}

/// The template's sections, as the plan heads them, and the page's heading for each.
const SECTIONS: [(&str, &str); 8] = [
    (
        "NAME AND CONTACT INFORMATION OF RESPONSIBLE DEPARTMENT/TEAM",
        "Lead agency and contact",
    ),
    ("OTHER INVOLVED ACTORS", "Other involved actors"),
    (
        "STATUS QUO OR PROBLEM/ISSUE TO BE ADDRESSED",
        "Status quo or problem to be addressed",
    ),
    ("MAIN OBJECTIVE", "Main objective"),
    ("BRIEF DESCRIPTION OF COMMITMENT", "Brief description"),
    (
        "RELEVANT TO FURTHER ADVANCING OGP VALUES",
        "Relevance to OGP values",
    ),
    ("AMBITION", "Ambition"),
    ("MILESTONES", "Milestones"),
];

/// Labels inside a section that the page shows as sub-headings.
const LABELS: [&str; 2] = ["Government", "Civil Society, Private Sector"];

#[derive(Debug, Default)]
struct SeedCommitment {
    number: String,
    title: String,
    /// The plan's heading → the lines of text under it.
    sections: Vec<(String, Vec<String>)>,
}

/// Lines of a section, with the text-extraction marks of the seed undone: bold marks (`**`)
/// between items, an e-mail glued to the next line, a label glued to its first item, and a
/// sentence broken over a page end.
fn facts(raw: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in raw {
        let line = line
            .replace("**", "\n")
            .replace("@ontario.ca", "@ontario.ca\n");
        for part in line.split('\n') {
            let mut part = part.trim().to_string();
            for label in LABELS {
                if part.len() > label.len()
                    && part.starts_with(label)
                    && !part[label.len()..].starts_with(' ')
                {
                    lines.push(label.to_string());
                    part = part[label.len()..].trim().to_string();
                }
            }
            if !part.is_empty() {
                lines.push(part);
            }
        }
    }
    let mut joined: Vec<String> = Vec::new();
    for line in lines {
        let continues = joined.last().is_some_and(|prev: &String| {
            !prev.ends_with(['.', ':', '!', '?', ')'])
                && line.starts_with(|c: char| c.is_lowercase())
        });
        if continues {
            let prev = joined.last_mut().unwrap();
            prev.push(' ');
            prev.push_str(&line);
        } else {
            joined.push(line);
        }
    }
    joined
}

fn parse(seed: &str) -> Vec<SeedCommitment> {
    let start = seed
        .find("ONTARIO'S COMMITMENTS")
        .expect("the commitments part");
    let body = &seed[start..];
    let end = body.find("\nCONTACT\n").unwrap_or(body.len());
    let mut out: Vec<SeedCommitment> = Vec::new();
    let mut section: Option<String> = None;
    let mut raw: Vec<&str> = Vec::new();
    let flush = |out: &mut Vec<SeedCommitment>, section: &Option<String>, raw: &mut Vec<&str>| {
        if let (Some(s), Some(c)) = (section, out.last_mut()) {
            c.sections
                .push((s.clone(), raw.iter().map(|l| l.to_string()).collect()));
        }
        raw.clear();
    };
    for line in body[..end].lines().skip(1) {
        let trimmed = line.trim();
        let is_title = trimmed.len() > 20
            && trimmed.chars().next().is_some_and(|c| c.is_ascii_digit())
            && trimmed[1..].starts_with(". ")
            && trimmed == trimmed.to_uppercase();
        if is_title {
            flush(&mut out, &section, &mut raw);
            section = None;
            let (number, title) = trimmed.split_once(". ").unwrap();
            out.push(SeedCommitment {
                number: number.to_string(),
                title: title.trim_end_matches('.').to_string(),
                sections: Vec::new(),
            });
        } else if SECTIONS.iter().any(|(h, _)| *h == trimmed) {
            flush(&mut out, &section, &mut raw);
            section = Some(trimmed.to_string());
        } else if section.is_some() {
            raw.push(line);
        }
    }
    flush(&mut out, &section, &mut raw);
    out
}

/// The page's text under each `<h2>`, by heading.
fn page_sections(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let parts: Vec<&str> = html.split("<h2").collect();
    for part in &parts[1..] {
        let heading = text(&part[part.find('>').unwrap() + 1..part.find("</h2>").unwrap()]);
        out.push((heading, part.to_string()));
    }
    out
}

#[tokio::test]
async fn the_three_commitments_read_as_the_plan_states_them() {
    let path = seed_path();
    let Ok(seed) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: the seed {} is not here", path.display());
        return;
    };
    let commitments = parse(&seed);
    assert_eq!(commitments.len(), 3, "the plan has three commitments");
    let t = testing::sqlite().await;
    tracker::load_demo(&t.platform()).await.unwrap();
    let c = client(&t);
    let plan = text(
        &c.get("/en/tracker/plans/ontario-ogp-action-plan-2017")
            .await
            .body,
    );
    let slugs = [
        "adopt-the-international-open-data-charter",
        "youth-digital-engagement-tool",
        "open-government-guide-and-training",
    ];
    let mut checked = 0;
    for (seed_c, slug) in commitments.iter().zip(slugs) {
        let r = c.get(&format!("/en/tracker/commitments/{slug}")).await;
        assert_eq!(r.status, StatusCode::OK);
        let h1 = text(&r.body[r.body.find("<h1>").unwrap()..r.body.find("</h1>").unwrap()]);
        assert_eq!(
            h1.to_lowercase(),
            seed_c.title.to_lowercase(),
            "title of commitment {}",
            seed_c.number
        );
        assert!(text(&r.body).contains(&format!("Commitment {} ·", seed_c.number)));
        let sections = page_sections(&r.body);
        assert_eq!(
            seed_c.sections.len(),
            SECTIONS.len(),
            "commitment {} has every section",
            seed_c.number
        );
        for (heading, lines) in &seed_c.sections {
            let page_heading = SECTIONS.iter().find(|(h, _)| h == heading).unwrap().1;
            let (_, html) = sections
                .iter()
                .find(|(h, _)| h == page_heading)
                .unwrap_or_else(|| panic!("no section {page_heading} on {slug}"));
            let words = text(html);
            if *heading == "MILESTONES" {
                // The rows of the table, without the evidence listed under an activity.
                let rows: Vec<String> = html
                    .split("<tr")
                    .skip(2)
                    .map(|row| {
                        match (
                            row.find("<ul class=\"tracker-evidence\">"),
                            row.find("</ul>"),
                        ) {
                            (Some(a), Some(b)) => text(&format!("<tr{}{}", &row[..a], &row[b..])),
                            _ => text(&format!("<tr{row}")),
                        }
                    })
                    .collect();
                let seed_rows: Vec<&String> = lines
                    .iter()
                    .filter(|l| l.contains('\t') && !l.starts_with("Verifiable"))
                    .collect();
                assert_eq!(
                    rows.len(),
                    seed_rows.len(),
                    "milestones of commitment {}",
                    seed_c.number
                );
                for (row, seed_row) in rows.iter().zip(&seed_rows) {
                    let cells: Vec<&str> = seed_row.split('\t').map(str::trim).collect();
                    let (number, activity) = cells[0].split_once(". ").unwrap();
                    let date = |d: &str| {
                        if d.is_empty() {
                            "Not stated".to_string()
                        } else {
                            d.to_string()
                        }
                    };
                    let want = format!(
                        "{number} {activity} {} {} {}",
                        cells[1],
                        date(cells.get(2).copied().unwrap_or("")),
                        date(cells.get(3).copied().unwrap_or(""))
                    );
                    let got: String = row
                        .split(' ')
                        .take(want.split(' ').count())
                        .collect::<Vec<_>>()
                        .join(" ");
                    assert_eq!(
                        got.to_lowercase(),
                        want.to_lowercase(),
                        "commitment {} milestone {number}",
                        seed_c.number
                    );
                    assert!(
                        plan.contains(activity),
                        "the printable plan has milestone {number}"
                    );
                    checked += 1;
                }
                continue;
            }
            let facts = facts(&lines.iter().map(String::as_str).collect::<Vec<_>>());
            assert!(
                !facts.is_empty(),
                "{heading} of commitment {} is empty in the seed",
                seed_c.number
            );
            for fact in facts {
                let found = if LABELS.iter().any(|l| l.eq_ignore_ascii_case(&fact)) {
                    words.to_lowercase().contains(&fact.to_lowercase())
                } else {
                    words.contains(&fact)
                };
                assert!(
                    found,
                    "commitment {}, {heading}: the page lacks «{fact}»\npage section: {words}",
                    seed_c.number
                );
                assert!(
                    LABELS.iter().any(|l| l.eq_ignore_ascii_case(&fact)) || plan.contains(&fact),
                    "the printable plan lacks «{fact}»"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} facts checked");
}

#[test]
fn the_seed_is_split_into_its_fields() {
    let lines = [
        "GovernmentOntario Provincial Government:",
        "All Ontario ministries and provincial agencies**Civil Society, Private Sector**International Open Data Charter",
        "Civil Society organizations",
    ];
    assert_eq!(
        facts(&lines),
        vec![
            "Government",
            "Ontario Provincial Government:",
            "All Ontario ministries and provincial agencies",
            "Civil Society, Private Sector",
            "International Open Data Charter",
            "Civil Society organizations",
        ]
    );
    assert_eq!(
        facts(&[
            "Nosa.Ero-Brown@ontario.caManager, Policy and Partnerships",
            "Open Government Office"
        ]),
        vec![
            "Nosa.Ero-Brown@ontario.ca",
            "Manager, Policy and Partnerships",
            "Open Government Office"
        ]
    );
    assert_eq!(
        facts(&[
            "ways of connecting (e.g. social media) to",
            "",
            "contribute to government."
        ]),
        vec!["ways of connecting (e.g. social media) to contribute to government."]
    );
}
