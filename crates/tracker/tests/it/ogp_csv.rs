//! OGP's commitment CSV both ways: an export re-imports to identical content (in English and in
//! French, on every engine), and a file with any problem names each one and imports nothing.

use platform::testing::{self, TestDb};
use platform::{Actor, Db, Lang};
use tracker::ogp::{self, COLUMNS};
use tracker::store::{self, AssessmentInput, Filter};

use crate::common::count;

const BASE: &str = "http://agora.example";

/// Three empty databases on each engine there is.
async fn triples() -> Vec<[TestDb; 3]> {
    let mut out = vec![[
        testing::sqlite().await,
        testing::sqlite().await,
        testing::sqlite().await,
    ]];
    if let (Some(a), Some(b), Some(c)) = (
        testing::postgres().await,
        testing::postgres().await,
        testing::postgres().await,
    ) {
        out.push([a, b, c]);
    }
    out
}

async fn import(db: &Db, csv: &str, lang: Lang) -> Result<ogp::ImportReport, ogp::ImportError> {
    ogp::import(db, &Actor::system("test"), csv.as_bytes(), lang, BASE)
        .await
        .unwrap()
}

/// What the CSV carries of each commitment, in one language, for comparing databases.
async fn content(db: &Db, lang: Lang) -> Vec<Vec<String>> {
    let assessments = store::latest_assessments(db).await.unwrap();
    store::list(
        db,
        &Filter {
            kind: "commitment".into(),
            ..Filter::default()
        },
    )
    .await
    .unwrap()
    .into_iter()
    .map(|s| {
        let i = &s.item;
        let a = assessments.get(&i.id);
        vec![
            i.number.clone(),
            i.title.get(lang).to_string(),
            i.short_title.get(lang).to_string(),
            i.description.get(lang).to_string(),
            s.organization.title.get(lang).to_string(),
            i.actors_government.get(lang).to_string(),
            i.actors_civil_society.get(lang).to_string(),
            format!(
                "{:?}",
                i.values.iter().map(|v| v.relevant).collect::<Vec<_>>()
            ),
            s.themes
                .iter()
                .map(|t| t.title.get(lang).to_string())
                .collect::<Vec<_>>()
                .join("|"),
            format!(
                "{:?}",
                a.map(|a| (
                    a.specificity,
                    a.verifiable,
                    a.potential_impact,
                    a.completion,
                    a.opened_government
                ))
            ),
        ]
    })
    .collect()
}

#[tokio::test]
async fn an_export_re_imports_to_identical_content() {
    for [a, b_en, b_fr] in triples().await {
        tracker::load_demo(&a.platform()).await.unwrap();
        // An IRM assessment, so that every column has something.
        let mut tx = a.db.begin().await.unwrap();
        let item = store::item_by_slug(&mut tx, "youth-digital-engagement-tool")
            .await
            .unwrap()
            .unwrap();
        store::add_assessment(
            &mut tx,
            &Actor::system("test"),
            item.id,
            &AssessmentInput {
                specificity: "medium".into(),
                potential_impact: "transformative".into(),
                completion: "limited".into(),
                opened_government: "did_not_change".into(),
                assessor: "IRM".into(),
                assessed_on: "2018-09-30".into(),
                ..AssessmentInput::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        for (lang, b) in [(Lang::En, &b_en), (Lang::Fr, &b_fr)] {
            let first = ogp::export(&a.db, lang, None, BASE).await.unwrap();
            let header = first.lines().next().unwrap();
            assert_eq!(
                header,
                COLUMNS.join(","),
                "exactly OGP's columns, in OGP's order"
            );
            assert_eq!(
                csv::Reader::from_reader(first.as_bytes()).records().count(),
                3,
                "{}: the three commitments",
                a.engine
            );
            let report = import(&b.db, &first, lang).await.unwrap();
            assert_eq!(
                (report.commitments_created, report.commitments_updated),
                (3, 0)
            );
            assert_eq!(report.plans_created.len(), 1);
            assert_eq!(report.assessments_added, 1);
            assert_eq!(report.organizations_created.len(), 2);
            let second = ogp::export(&b.db, lang, None, BASE).await.unwrap();
            assert_eq!(
                first,
                second,
                "{} {}: the export of the import is the same file",
                a.engine,
                lang.code()
            );
            assert_eq!(content(&a.db, lang).await, content(&b.db, lang).await);
        }
        assert_eq!(
            import(&b_en.db, "", Lang::En)
                .await
                .unwrap_err()
                .describe(Lang::En),
            vec!["The file has no header row."]
        );

        // The French version of the same plan completes the English one: the same commitments,
        // organizations and themes, with their French text.
        let french = ogp::export(&a.db, Lang::Fr, None, BASE).await.unwrap();
        let report = import(&b_en.db, &french, Lang::Fr).await.unwrap();
        assert_eq!(
            (report.commitments_created, report.commitments_updated),
            (0, 3),
            "matched by identifier"
        );
        assert!(
            report.organizations_created.is_empty() && report.themes_created.is_empty(),
            "{report:?}"
        );
        assert_eq!(
            report.assessments_added, 0,
            "the same assessment is not added twice"
        );
        let youth = store::item_by_slug(&b_en.db, "youth-digital-engagement-tool")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(youth.short_title.en, "Youth digital engagement tool");
        assert_eq!(
            youth.short_title.fr,
            "Outil de mobilisation numérique des jeunes"
        );
        assert!(
            youth
                .actors_civil_society
                .fr
                .contains("Jeunes et jeunes leaders")
        );
        assert_eq!(
            store::themes(&b_en.db)
                .await
                .unwrap()
                .iter()
                .map(|t| t.title.clone())
                .collect::<Vec<_>>(),
            store::themes(&a.db)
                .await
                .unwrap()
                .into_iter()
                .filter(|t| [
                    "open-data",
                    "youth",
                    "public-participation",
                    "capacity-building"
                ]
                .contains(&t.slug.as_str()))
                .map(|t| t.title)
                .collect::<Vec<_>>()
        );

        // Importing the same file again changes nothing.
        let again = ogp::export(&a.db, Lang::En, None, BASE).await.unwrap();
        let items = count(&a.db, "tracker_items").await;
        let assessments = count(&a.db, "tracker_assessments").await;
        let report = import(&a.db, &again, Lang::En).await.unwrap();
        assert_eq!(
            (report.commitments_created, report.commitments_updated),
            (0, 3)
        );
        assert_eq!(count(&a.db, "tracker_items").await, items);
        assert_eq!(count(&a.db, "tracker_assessments").await, assessments);
        assert_eq!(
            ogp::export(&a.db, Lang::En, None, BASE).await.unwrap(),
            again
        );
    }
}

#[tokio::test]
async fn a_file_with_problems_names_each_and_imports_nothing() {
    for t in testing::engines().await {
        let db = &t.db;
        let orgs_before = count(db, "organizations").await;
        let header = COLUMNS.join(",");
        let row = |id: &str,
                   number: &str,
                   title: &str,
                   plan: &str,
                   value: &str,
                   completion: &str| {
            format!(
                "{id},\"Ontario, Canada\",Americas,Open data,2016,{plan},{number},{title},,Full text,Treasury Board Secretariat,,,{value},No,No,No,,,{completion},"
            )
        };
        // Missing and unknown columns: each named.
        let bad_header = header
            .replace("Region,", "")
            .replace("Completion", "Progress")
            + ",Notes";
        let err = import(db, &format!("{bad_header}\n"), Lang::En)
            .await
            .unwrap_err();
        let text = err.describe(Lang::En);
        assert_eq!(
            text,
            vec![
                "Column \"Progress\" is not one of OGP's commitment data columns.",
                "Column \"Notes\" is not one of OGP's commitment data columns.",
                "Column \"Region\" is missing.",
                "Column \"Completion\" is missing.",
            ],
            "{}",
            t.engine
        );
        let fr = err.describe(Lang::Fr);
        assert!(
            fr[2].starts_with("La colonne «\u{a0}Region\u{a0}» manque"),
            "{fr:?}"
        );

        // Bad rows: every cell named by line and column; the good row is not imported either.
        let csv = [
            header.clone(),
            row("", "1", "A good commitment", "1", "Yes", "Limited"),
            row("", "2", "Half done", "1", "Yes", "Half"),
            row("", "3", "", "one", "Maybe", ""),
            row("", "1", "The same number again", "1", "No", ""),
            "x,y".to_string(),
        ]
        .join("\r\n");
        let err = import(db, &csv, Lang::En).await.unwrap_err();
        assert_eq!(
            err.describe(Lang::En),
            vec![
                "Line 3, column \"Completion\": \"Half\" is not on the completion scale: not started, limited, substantial or complete.",
                "Line 4, column \"Commitment Title\": This field is required.",
                "Line 4, column \"Action Plan Number\": \"one\" is not a whole number from 1 to 1000.",
                "Line 4, column \"OGP Value Access To Information\": \"Maybe\" is not Yes or No.",
                "Line 5, column \"Commitment Number\": commitment 1 of this plan is already on line 2.",
                "Line 6: this row has 2 values but the header has 21.",
            ]
        );
        assert_eq!(count(db, "tracker_items").await, 0);
        assert_eq!(count(db, "tracker_plans").await, 0);
        assert_eq!(count(db, "organizations").await, orgs_before);

        // Not UTF-8, no rows, not even a header.
        let err = ogp::import(db, &Actor::system("test"), b"\xff\xfe\x00", Lang::En, BASE)
            .await
            .unwrap()
            .unwrap_err();
        assert!(err.describe(Lang::En)[0].contains("not UTF-8"));
        let err = import(db, &format!("{header}\n"), Lang::En)
            .await
            .unwrap_err();
        assert_eq!(
            err.describe(Lang::En),
            vec!["The file has a header but no commitments."]
        );
        let err = import(db, "", Lang::En).await.unwrap_err();
        assert_eq!(err.describe(Lang::En), vec!["The file has no header row."]);

        // The good row alone goes in, with a byte-order mark and columns in another order.
        let mut cols: Vec<&str> = COLUMNS.to_vec();
        cols.reverse();
        let good = row("ON0001", "1", "A good commitment", "1", "Yes", "Limited");
        let mut cells: Vec<String> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(good.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        cells.reverse();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&cols).unwrap();
        w.write_record(&cells).unwrap();
        let file = format!(
            "\u{feff}{}",
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        );
        let report = import(db, &file, Lang::En).await.unwrap();
        assert_eq!(report.commitments_created, 1);
        assert_eq!(report.themes_created, vec!["open-data"]);
        let item = store::item_by_slug(db, "a-good-commitment")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(item.ogp_id, "ON0001");
        assert_eq!(item.description.en, "Full text");
        let exported = ogp::export(db, Lang::En, None, BASE).await.unwrap();
        assert!(exported.contains("ON0001,\"Ontario, Canada\",Americas,Open data,2016,1,1,A good commitment,,Full text,Treasury Board Secretariat,,http://agora.example/en/tracker/commitments/a-good-commitment,Yes,No,No,No,,,Limited,"), "{exported}");
    }
}
