//! The Government of Canada's fifth national action plan, from its real tracker files in
//! `../shared/data/ogp-canada-nap5/`: 5 commitments, 106 indicators as milestones and 735
//! quarterly reports as progress updates. Each milestone ends where its last report left it.

use std::collections::HashMap;
use std::path::PathBuf;

use axum::http::StatusCode;
use platform::testing;
use platform::{Actor, Lang};
use tracker::store::{self, Filter};

use crate::common::{client, count, text};

fn data(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/ogp-canada-nap5")
        .join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            eprintln!("skipped: {} is not here", path.display());
            None
        }
    }
}

const CODES: &str = "canada_nap_commitments_milestones_indicators_codes.csv";
const PROGRESS: &str = "canada_nap5_tracker_snapshot_2025-02-11.csv";

#[tokio::test]
async fn canadas_fifth_plan_is_tracked_from_its_real_files() {
    let (Some(codes), Some(progress)) = (data(CODES), data(PROGRESS)) else {
        return;
    };
    // What the files say, read independently: each indicator's last status.
    let mut last: HashMap<String, (String, String)> = HashMap::new();
    let mut reader = csv::Reader::from_reader(progress.as_slice());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (period, indicator, status) = (col("reporting_period"), col("indicators"), col("status"));
    let mut rows = 0;
    for r in reader.records() {
        let r = r.unwrap();
        rows += 1;
        let entry = last
            .entry(r[indicator].to_string())
            .or_insert((String::new(), String::new()));
        if r[period] >= *entry.0 {
            *entry = (r[period].to_string(), r[status].to_string());
        }
    }
    assert_eq!(rows, 735);

    for t in testing::engines().await {
        let db = &t.db;
        let report = tracker::canada::import(db, &Actor::system("test"), &codes, &progress, "NAP5")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (report.commitments, report.milestones, report.updates),
            (5, 106, 735),
            "{}",
            t.engine
        );
        assert_eq!(report.organizations_created.len(), 16);
        let items = store::list(
            db,
            &Filter {
                plan: "canada-nap5-2022-2024".into(),
                ..Filter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(items.len(), 5);
        let mut checked = 0;
        for s in &items {
            for m in &s.milestones {
                let code = m.activity.en.split(' ').next().unwrap();
                let want = match last[code].1.as_str() {
                    "NS" => "not_started",
                    "LP" => "limited",
                    "SP" => "substantial",
                    "C" => "complete",
                    other => panic!("status {other}"),
                };
                assert_eq!(m.completion.as_str(), want, "{code}");
                assert!(m.end.is_some(), "{code} has its due month");
                assert!(!m.activity.fr.is_empty(), "{code} has its French text");
                checked += 1;
            }
        }
        assert_eq!(checked, 106);
        let overdue: usize = items.iter().map(|s| s.overdue).sum();
        assert!(
            overdue > 0,
            "some indicators were not complete by their due month"
        );

        // The history is all there, oldest report first, with the reporting departments.
        let c2 = items.iter().find(|s| s.item.number == "2").unwrap();
        let d = store::detail(db, c2.item.clone()).await.unwrap();
        assert!(d.updates.iter().all(|u| !u.sample));
        assert_eq!(
            d.updates.last().unwrap().posted_at.date().to_string(),
            "2022-03-31"
        );
        assert!(
            d.summary.milestones.iter().any(|m| !m.evidence.is_empty()),
            "links in the evidence become evidence"
        );

        // A second import changes nothing.
        let again = tracker::canada::import(db, &Actor::system("test"), &codes, &progress, "NAP5")
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(
            again.describe(Lang::En),
            vec!["Plan NAP5 2022-2024 is imported already."]
        );
        assert_eq!(count(db, "tracker_updates").await, 735);

        // The pages and feeds carry it, in both languages.
        let c = client(&t);
        let page = c.get(&format!("/fr{}", c2.item.path())).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            text(&page.body).contains("Démocratie et espace civique"),
            "{}",
            text(&page.body)
        );
        let timeline = c
            .get("/en/tracker/timeline?plan=canada-nap5-2022-2024")
            .await;
        assert!(timeline.body.contains("tracker-gantt__point"));
        let feed = c.get("/en/tracker/feed.atom").await.body;
        assert_eq!(feed.matches("<entry>").count(), 50);
    }
}

#[tokio::test]
async fn a_wrong_progress_file_names_each_problem_and_imports_nothing() {
    let Some(codes) = data(CODES) else {
        return;
    };
    let t = testing::sqlite().await;
    let progress = "reporting_period,commitments,milestones,indicators,status,progress_en,progress_fr,evidence_en,evidence_fr,challenges_en,challenges_fr,owner_org,owner_org_title\n\
        2022-03,C02,C02.1,C02.1.03,XX,a,b,,,,,pch,Canadian Heritage | Patrimoine canadien\n\
        2022-13,C02,C02.1,C99.9.99,SP,a,b,,,,,pch,Canadian Heritage | Patrimoine canadien\n";
    let err = tracker::canada::import(
        &t.db,
        &Actor::system("test"),
        &codes,
        progress.as_bytes(),
        "NAP5",
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(
        err.describe(Lang::En),
        vec![
            "Line 2, column \"status\": \"XX\" is not a status of the tracker (NS, LP, SP or C).",
            "Line 3, column \"indicators\": indicator \"C99.9.99\" is not one of plan NAP5's indicators.",
        ]
    );
    let err = tracker::canada::import(
        &t.db,
        &Actor::system("test"),
        &codes,
        b"period,status\n",
        "NAP5",
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(
        err.describe(Lang::En)
            .contains(&"The progress file has no \"reporting_period\" column.".to_string())
    );
    assert_eq!(count(&t.db, "tracker_plans").await, 0);
    assert_eq!(count(&t.db, "organizations").await, 0);
}
