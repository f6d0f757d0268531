//! Search tests: analyzers, queries, facets, visibility and snippets on an index in memory; the
//! follower and rebuilds on SQLite and, when `AGORA_TEST_POSTGRES_URL` is set, on PostgreSQL.

use std::time::Instant;

use super::index::Payload;
use super::query::{Item, Modifier, Piece, parse_user_text};
use super::schema::sort_key;
use super::snippets::{marked_html, truncate_at_word};
use super::*;
use crate::Platform;
use crate::exec;
use crate::testing::{TestDb, postgres};

// ---- helpers ---------------------------------------------------------------------------------

fn doc(
    kind: &str,
    id: &str,
    title_en: &str,
    title_fr: &str,
    body_en: &str,
    body_fr: &str,
) -> SearchDoc {
    SearchDoc {
        title: Bilingual::new(title_en, title_fr),
        body: Bilingual::new(body_en, body_fr),
        ..SearchDoc::new(kind, id)
    }
}

fn index(search: &Search, docs: &[SearchDoc]) {
    search.write(&[], docs).unwrap();
    search
        .commit(&Payload {
            v: SCHEMA_VERSION,
            seq: 0,
            gaps: Vec::new(),
        })
        .unwrap();
}

fn run(search: &Search, q: SearchQuery) -> SearchResults {
    search.query(&q).unwrap()
}

fn ids(search: &Search, text: &str, lang: Lang) -> Vec<String> {
    let mut out: Vec<String> = run(
        search,
        SearchQuery {
            text: text.into(),
            lang,
            limit: 100,
            ..Default::default()
        },
    )
    .hits
    .into_iter()
    .map(|h| h.id)
    .collect();
    out.sort();
    out
}

fn at(seconds: i64) -> Option<OffsetDateTime> {
    Some(OffsetDateTime::from_unix_timestamp(1_700_000_000 + seconds).unwrap())
}

// ---- analyzers and queries -------------------------------------------------------------------

#[tokio::test]
async fn english_and_french_stemming_and_accents() {
    let search = Search::open_in_ram();
    index(
        &search,
        &[
            doc(
                "dataset",
                "a",
                "Open dataset catalogue",
                "Catalogue de données ouvertes",
                "",
                "",
            ),
            doc(
                "dataset",
                "b",
                "Forests",
                "Forêts",
                "Ontario forest inventory",
                "Inventaire des forêts de l'Ontario",
            ),
            doc(
                "dataset",
                "c",
                "Budget consultations",
                "Consultations budgétaires",
                "",
                "",
            ),
        ],
    );
    assert_eq!(ids(&search, "datasets", Lang::En), ["a"]);
    assert_eq!(ids(&search, "dataset", Lang::Fr), ["a"]);
    assert_eq!(ids(&search, "donnees", Lang::Fr), ["a"]);
    assert_eq!(ids(&search, "DONNÉE", Lang::Fr), ["a"]);
    assert_eq!(ids(&search, "forêts", Lang::Fr), ["b"]);
    assert_eq!(ids(&search, "foret", Lang::En), ["b"]);
    assert_eq!(ids(&search, "forested", Lang::En), ["b"]);
    assert_eq!(ids(&search, "budgetaire", Lang::Fr), ["c"]);
    // Stop words in either language do not have to match; real words do.
    assert_eq!(ids(&search, "les forêts", Lang::Fr), ["b"]);
    assert_eq!(ids(&search, "the forests", Lang::En), ["b"]);
    assert!(
        ids(&search, "forest budget", Lang::En).is_empty(),
        "both words are required"
    );
    assert_eq!(ids(&search, "forest OR budget", Lang::En), ["b", "c"]);
    // From three words on, one may be missing (CKAN's minimum match).
    assert_eq!(
        ids(&search, "ontario forest inventory budget", Lang::En),
        ["b"]
    );
    assert!(ids(&search, "ontario forest budget consultations", Lang::En).is_empty());
    assert_eq!(ids(&search, "\"open dataset\"", Lang::En), ["a"]);
    assert!(
        ids(&search, "\"dataset open\"", Lang::En).is_empty(),
        "a phrase keeps its order"
    );
    assert_eq!(ids(&search, "catalogue -budget", Lang::En), ["a"]);
    assert_eq!(ids(&search, "-forest", Lang::En), ["a", "c"]);
    assert_eq!(ids(&search, "", Lang::En), ["a", "b", "c"]);
    assert_eq!(ids(&search, "*:*", Lang::En), ["a", "b", "c"]);

    // The page language weighs more: the French title wins a French search.
    let fr = run(
        &search,
        SearchQuery {
            text: "catalogue".into(),
            lang: Lang::Fr,
            ..Default::default()
        },
    );
    assert_eq!(fr.hits[0].id, "a");
    assert_eq!(fr.hits[0].title_lang, Lang::Fr);
    assert_eq!(
        fr.hits[0].title_html,
        "<mark>Catalogue</mark> de données ouvertes"
    );
}

#[tokio::test]
async fn odd_user_text_never_fails() {
    let search = Search::open_in_ram();
    index(
        &search,
        &[doc(
            "dataset",
            "a",
            "Water quality: lakes (2020)",
            "",
            "pH & nitrates",
            "",
        )],
    );
    for text in [
        "\"unclosed",
        "a:b",
        "title_en:water",
        "((",
        ")",
        "-",
        "+",
        "OR",
        "AND AND",
        "NOT",
        "water^2~",
        "[1 TO 5]",
        "{}",
        "\\",
        "\"",
        "\"\"",
        "*",
        "wat*",
        "~~~",
        "&&||!",
        "-\"",
        "🙂",
        "x".repeat(5000).as_str(),
        &"word ".repeat(500),
    ] {
        let result = search.query(&SearchQuery {
            text: text.into(),
            facets: vec!["tags".into()],
            ..Default::default()
        });
        assert!(result.is_ok(), "{text:?}: {result:?}");
    }
    assert_eq!(
        ids(&search, "\"water quality", Lang::En),
        ["a"],
        "an unclosed quote runs to the end"
    );
    assert_eq!(
        ids(&search, "quality:lakes", Lang::En),
        ["a"],
        "field syntax is taken as words"
    );
    assert_eq!(ids(&search, "(2020)", Lang::En), ["a"]);
    assert!(
        ids(&search, "((", Lang::En).is_empty(),
        "punctuation alone matches nothing"
    );
}

#[tokio::test]
async fn facet_counts_follow_the_filters() {
    let search = Search::open_in_ram();
    let mut docs = Vec::new();
    for (i, (org, tags, format)) in [
        ("health", vec!["covid", "hospitals"], "CSV"),
        ("health", vec!["covid"], "CSV"),
        ("health", vec!["wait-times", "hospitals"], "XLSX"),
        ("finance", vec!["budget"], "CSV"),
        ("finance", vec!["budget", "covid"], "PDF"),
        ("environment", vec!["water"], "CSV"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut d = doc(
            "dataset",
            &format!("d{i}"),
            &format!("Dataset {i} data"),
            "",
            "",
            "",
        )
        .facet("organization", org)
        .facet("res_format", format);
        for t in tags {
            d = d.facet("tags", t);
        }
        docs.push(d);
    }
    docs.push(doc("idea", "i1", "An idea about data", "", "", "").facet("organization", "health"));
    index(&search, &docs);

    let facets = vec![
        "organization".to_string(),
        "tags".to_string(),
        "res_format".to_string(),
        KIND_FACET.to_string(),
    ];
    let all = run(
        &search,
        SearchQuery {
            text: "data".into(),
            facets: facets.clone(),
            ..Default::default()
        },
    );
    assert_eq!(all.total, 7);
    let org = all.facet("organization").unwrap();
    assert_eq!(
        org.values,
        vec![
            FacetValue {
                value: "health".into(),
                count: 4
            },
            FacetValue {
                value: "finance".into(),
                count: 2
            },
            FacetValue {
                value: "environment".into(),
                count: 1
            }
        ]
    );
    assert_eq!(all.facet_count("tags", "covid"), 3);
    assert_eq!(all.facet_count("kind", "dataset"), 6);
    assert_eq!(all.facet_count("kind", "idea"), 1);

    // AND across filters, OR within one.
    let health_csv = run(
        &search,
        SearchQuery {
            facets: facets.clone(),
            filters: vec![
                ("organization".into(), vec!["health".into()]),
                ("res_format".into(), vec!["CSV".into()]),
            ],
            ..Default::default()
        },
    );
    assert_eq!(health_csv.total, 2);
    assert_eq!(health_csv.facet_count("tags", "covid"), 2);
    assert_eq!(health_csv.facet_count("tags", "hospitals"), 1);
    assert_eq!(health_csv.facet_count("organization", "finance"), 0);

    let two_orgs = run(
        &search,
        SearchQuery {
            facets: facets.clone(),
            kinds: vec!["dataset".into()],
            filters: vec![(
                "organization".into(),
                vec!["health".into(), "finance".into()],
            )],
            ..Default::default()
        },
    );
    assert_eq!(two_orgs.total, 5);
    assert_eq!(two_orgs.facet_count("res_format", "CSV"), 3);
    assert_eq!(two_orgs.facet_count("kind", "idea"), 0);

    let not_covid = run(
        &search,
        SearchQuery {
            facets: facets.clone(),
            exclude: vec![("tags".into(), "covid".into())],
            ..Default::default()
        },
    );
    assert_eq!(not_covid.total, 4);
    assert_eq!(not_covid.facet_count("tags", "covid"), 0);
    assert_eq!(not_covid.facet_count("tags", "budget"), 1);

    let limited = run(
        &search,
        SearchQuery {
            facets: vec!["tags".into()],
            facet_limit: Some(2),
            limit: 0,
            ..Default::default()
        },
    );
    assert!(limited.hits.is_empty());
    assert_eq!(limited.total, 7);
    let tags: Vec<_> = limited
        .facet("tags")
        .unwrap()
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(
        tags,
        [("covid", 3), ("budget", 2)],
        "by count, then by value"
    );

    // Replacing a document (a delete and an add, in a new segment) moves its counts.
    let replaced = doc("dataset", "d0", "Dataset 0 data", "", "", "")
        .facet("organization", "finance")
        .facet("tags", "budget")
        .facet("tags", "audit");
    index(&search, &[replaced]);
    let after = run(
        &search,
        SearchQuery {
            facets: facets.clone(),
            ..Default::default()
        },
    );
    assert_eq!(after.total, 7);
    assert_eq!(after.facet_count("organization", "health"), 3);
    assert_eq!(after.facet_count("organization", "finance"), 3);
    assert_eq!(after.facet_count("tags", "covid"), 2);
    assert_eq!(after.facet_count("tags", "budget"), 3);
    assert_eq!(after.facet_count("tags", "audit"), 1);
    assert_eq!(
        after.facet_count("res_format", "CSV"),
        3,
        "the new d0 has no format"
    );

    let unknown = run(
        &search,
        SearchQuery {
            facets: vec!["nope".into()],
            filters: vec![("nope".into(), vec!["x".into()])],
            ..Default::default()
        },
    );
    assert_eq!(unknown.total, 0);
    assert!(unknown.facet("nope").unwrap().values.is_empty());
}

#[tokio::test]
async fn private_documents_are_never_returned_unless_asked_for() {
    let search = Search::open_in_ram();
    let mut secret =
        doc("dataset", "secret", "Water secrets", "", "", "").facet("organization", "health");
    secret.public = false;
    secret.visible_to = vec!["org-health".into()];
    let open = doc("dataset", "open", "Water open", "", "", "").facet("organization", "health");
    index(&search, &[secret, open]);

    let public = run(
        &search,
        SearchQuery {
            text: "water".into(),
            facets: vec!["organization".into()],
            ..Default::default()
        },
    );
    assert_eq!(
        public
            .hits
            .iter()
            .map(|h| h.id.as_str())
            .collect::<Vec<_>>(),
        ["open"]
    );
    assert_eq!(public.total, 1);
    assert_eq!(
        public.facet_count("organization", "health"),
        1,
        "facet counts do not leak private documents"
    );
    assert_eq!(run(&search, SearchQuery::default()).total, 1);

    let other = run(
        &search,
        SearchQuery {
            text: "secrets".into(),
            include_private_for: Some(vec!["org-finance".into()]),
            ..Default::default()
        },
    );
    assert_eq!(other.total, 0);
    let none = run(
        &search,
        SearchQuery {
            text: "secrets".into(),
            include_private_for: Some(vec![]),
            ..Default::default()
        },
    );
    assert_eq!(none.total, 0);

    let member = run(
        &search,
        SearchQuery {
            text: "water".into(),
            include_private_for: Some(vec!["org-health".into()]),
            ..Default::default()
        },
    );
    assert_eq!(member.total, 2);
    let admin = run(
        &search,
        SearchQuery {
            include_private_for: Some(vec![ALL_PRIVATE.into()]),
            ..Default::default()
        },
    );
    assert_eq!(admin.total, 2);
}

#[tokio::test]
async fn snippets_mark_matches_and_escape_everything_else() {
    let search = Search::open_in_ram();
    let long_tail = " filler words".repeat(40);
    index(
        &search,
        &[
            doc(
                "document",
                "x",
                "<b>Water</b> & \"quality\"",
                "",
                &format!(
                    "Intro text.{long_tail} <script>alert('x')</script> testing water quality in lakes.{long_tail}"
                ),
                "",
            ),
            doc(
                "document",
                "y",
                "Nothing in common",
                "",
                "<i>plain</i> body",
                "",
            ),
            doc(
                "document",
                "z",
                "",
                "Qualité de l'eau",
                "",
                "Les <lacs> et l'eau potable",
            ),
        ],
    );
    let r = run(
        &search,
        SearchQuery {
            text: "water".into(),
            ..Default::default()
        },
    );
    let hit = &r.hits[0];
    assert_eq!(hit.id, "x");
    assert_eq!(
        hit.title_html,
        "&lt;b&gt;<mark>Water</mark>&lt;/b&gt; &amp; &quot;quality&quot;"
    );
    assert!(
        hit.body_html.contains("<mark>water</mark>"),
        "{}",
        hit.body_html
    );
    assert!(
        hit.body_html
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{}",
        hit.body_html
    );
    assert!(!hit.body_html.contains("<script"), "{}", hit.body_html);
    assert!(
        hit.body_html.starts_with("… ") && hit.body_html.ends_with(" …"),
        "{}",
        hit.body_html
    );

    // No text: titles and the start of bodies, escaped.
    let all = run(
        &search,
        SearchQuery {
            filters: vec![],
            sort: Sort::TitleAsc,
            ..Default::default()
        },
    );
    let y = all.hits.iter().find(|h| h.id == "y").unwrap();
    assert_eq!(y.body_html, "&lt;i&gt;plain&lt;/i&gt; body");
    assert!(!y.title_html.contains("<mark>"));

    // Text missing in the page language is shown in the other one, and says so.
    let z = run(
        &search,
        SearchQuery {
            text: "eau".into(),
            lang: Lang::En,
            ..Default::default()
        },
    );
    assert_eq!(z.hits[0].id, "z");
    assert_eq!(z.hits[0].title_lang, Lang::Fr);
    assert_eq!(z.hits[0].title_html, "Qualité de l&#39;<mark>eau</mark>");
    assert!(z.hits[0].body_html.contains("&lt;lacs&gt;"));

    let bare = run(
        &search,
        SearchQuery {
            text: "water".into(),
            highlight: false,
            ..Default::default()
        },
    );
    assert_eq!(bare.hits[0].id, "x");
    assert!(bare.hits[0].title_html.is_empty());
}

#[tokio::test]
async fn sorting_paging_and_dates() {
    let search = Search::open_in_ram();
    let mut docs = Vec::new();
    for (i, title) in [
        "Zebra crossings",
        "apple orchards",
        "Éoliennes",
        "banana imports",
        "cherry blossoms",
    ]
    .iter()
    .enumerate()
    {
        let mut d = doc("dataset", &format!("d{i}"), title, "", "common", "");
        d.date = at(i as i64 * 100);
        docs.push(d);
    }
    let mut undated = doc("dataset", "undated", "Mango", "", "common", "");
    undated.date = None;
    docs.push(undated);
    index(&search, &docs);

    let order = |q: SearchQuery| {
        run(&search, q)
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        order(SearchQuery {
            sort: Sort::DateDesc,
            limit: 3,
            ..Default::default()
        }),
        ["d4", "d3", "d2"]
    );
    assert_eq!(
        order(SearchQuery {
            sort: Sort::DateAsc,
            limit: 2,
            ..Default::default()
        }),
        ["d0", "d1"]
    );
    assert_eq!(
        order(SearchQuery {
            sort: Sort::DateDesc,
            offset: 2,
            limit: 2,
            ..Default::default()
        }),
        ["d2", "d1"]
    );
    // An empty query sorts newest first.
    assert_eq!(
        order(SearchQuery {
            limit: 1,
            ..Default::default()
        }),
        ["d4"]
    );
    assert_eq!(
        order(SearchQuery {
            sort: Sort::TitleAsc,
            ..Default::default()
        }),
        ["d1", "d3", "d4", "d2", "undated", "d0"]
    );
    assert_eq!(
        order(SearchQuery {
            sort: Sort::TitleDesc,
            limit: 2,
            ..Default::default()
        }),
        ["d0", "undated"]
    );

    // Paging past the end, or with absurd values, returns no hits and the true total.
    let far = run(
        &search,
        SearchQuery {
            offset: usize::MAX,
            limit: usize::MAX,
            ..Default::default()
        },
    );
    assert_eq!((far.total, far.hits.len()), (6, 0));
    assert_eq!(
        run(
            &search,
            SearchQuery {
                offset: 5,
                limit: usize::MAX,
                ..Default::default()
            }
        )
        .hits
        .len(),
        1
    );
    assert_eq!(
        run(
            &search,
            SearchQuery {
                filters: vec![("tags".into(), vec![])],
                ..Default::default()
            }
        )
        .total,
        6
    );

    let ranged = run(
        &search,
        SearchQuery {
            date_from: at(100),
            date_to: at(300),
            sort: Sort::DateAsc,
            ..Default::default()
        },
    );
    assert_eq!(ranged.total, 3);
    assert_eq!(
        ranged
            .hits
            .iter()
            .map(|h| h.id.as_str())
            .collect::<Vec<_>>(),
        ["d1", "d2", "d3"]
    );
    assert_eq!(ranged.hits[0].date, at(100));

    // Across segments and out of order, against a plain sort.
    let search2 = Search::open_in_ram();
    let mut expected: Vec<(i64, String)> = Vec::new();
    for batch in 0..3 {
        let mut docs = Vec::new();
        for i in 0..40 {
            let id = format!("b{batch}-{i:02}");
            let seconds = ((i * 37 + batch * 11) % 53) as i64;
            let mut d = doc("dataset", &id, "Same", "", "", "");
            d.date = at(seconds);
            expected.push((seconds, id));
            docs.push(d);
        }
        index(&search2, &docs);
    }
    let got = |sort, offset, limit| {
        run(
            &search2,
            SearchQuery {
                sort,
                offset,
                limit,
                highlight: false,
                ..Default::default()
            },
        )
        .hits
        .into_iter()
        .map(|h| (h.date, h.id))
        .collect::<Vec<_>>()
    };
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let newest: Vec<_> = got(Sort::DateDesc, 5, 30);
    assert_eq!(
        newest.iter().map(|h| h.0).collect::<Vec<_>>(),
        expected[5..35].iter().map(|e| at(e.0)).collect::<Vec<_>>()
    );
    expected.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let oldest: Vec<_> = got(Sort::DateAsc, 0, 120);
    assert_eq!(
        oldest.iter().map(|h| h.0).collect::<Vec<_>>(),
        expected.iter().map(|e| at(e.0)).collect::<Vec<_>>()
    );

    // Equal scores: newest first.
    assert_eq!(
        order(SearchQuery {
            text: "common".into(),
            limit: 2,
            ..Default::default()
        }),
        ["d4", "d3"]
    );
}

#[test]
fn user_text_parsing() {
    let words = |text: &str| parse_user_text(text);
    assert_eq!(
        words("+water -lead \"drinking water\" a OR b NOT c"),
        vec![
            Item {
                modifier: Modifier::Must,
                piece: Piece::Word("water".into()),
                or_prev: false
            },
            Item {
                modifier: Modifier::Not,
                piece: Piece::Word("lead".into()),
                or_prev: false
            },
            Item {
                modifier: Modifier::None,
                piece: Piece::Phrase("drinking water".into()),
                or_prev: false
            },
            Item {
                modifier: Modifier::None,
                piece: Piece::Word("a".into()),
                or_prev: false
            },
            Item {
                modifier: Modifier::None,
                piece: Piece::Word("b".into()),
                or_prev: true
            },
            Item {
                modifier: Modifier::Not,
                piece: Piece::Word("c".into()),
                or_prev: false
            },
        ]
    );
    assert!(words("*:*").is_empty());
    assert!(words("  ").is_empty());
    assert_eq!(words("\"open").len(), 1);
    assert_eq!(words(&"w ".repeat(100)).len(), MAX_QUERY_ITEMS);
}

#[test]
fn html_helpers() {
    assert_eq!(
        marked_html("a<b>c", &[1..4, 9..9]),
        "a<mark>&lt;b&gt;</mark>c"
    );
    assert_eq!(marked_html("abc", &[0..1, 0..2, 5..9]), "<mark>a</mark>bc");
    assert_eq!(truncate_at_word("one two three", 9), ("one two", true));
    assert_eq!(truncate_at_word("short", 9), ("short", false));
    assert_eq!(sort_key("  Éoliennes du Québec"), "eoliennes du quebec");
}

#[test]
fn reopening_discards_an_index_of_another_version() {
    let dir = tempfile::tempdir().unwrap();
    {
        let search = Search::open(dir.path()).unwrap();
        search
            .write(&[], &[doc("dataset", "a", "Kept", "", "", "")])
            .unwrap();
        search
            .commit(&Payload {
                v: SCHEMA_VERSION,
                seq: 7,
                gaps: vec![],
            })
            .unwrap();
    }
    let search = Search::open(dir.path()).unwrap();
    assert_eq!(search.applied_seq(), Some(7));
    assert_eq!(search.num_docs(), 1);
    search
        .commit(&Payload {
            v: SCHEMA_VERSION + 1,
            seq: 8,
            gaps: vec![],
        })
        .unwrap();
    drop(search);
    let search = Search::open(dir.path()).unwrap();
    assert_eq!(search.applied_seq(), None, "another version is thrown away");
    assert_eq!(search.num_docs(), 0);

    std::fs::write(dir.path().join("meta.json"), "not json").unwrap();
    let search = Search::open(dir.path()).unwrap();
    assert_eq!(search.applied_seq(), None, "an unreadable index is rebuilt");
}

#[tokio::test]
async fn a_second_writer_on_the_same_folder_is_told_the_index_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open("sqlite::memory:").await.unwrap();
    let server = Search::open(dir.path()).unwrap();
    server.reindex(&db, &[], |_, _| {}).await.unwrap();
    // A second process (the CLI) may open and read the index, but not write it.
    let cli = Search::open(dir.path()).unwrap();
    assert_eq!(cli.applied_seq(), Some(0));
    assert!(cli.query(&SearchQuery::default()).is_ok());
    let err = cli.reindex(&db, &[], |_, _| {}).await.unwrap_err();
    assert!(is_busy(&err), "{err:?}");
    drop(server);
    cli.reindex(&db, &[], |_, _| {}).await.unwrap();
}

#[test]
fn invalid_names_are_refused() {
    let search = Search::open_in_ram();
    assert!(
        search
            .write(&[], &[SearchDoc::new("Bad Kind", "1")])
            .is_err()
    );
    assert!(
        search
            .write(&[], &[SearchDoc::new("dataset", "1").facet("kind", "x")])
            .is_err()
    );
    assert!(
        search
            .write(&[], &[SearchDoc::new("dataset", "1").facet("a.b", "x")])
            .is_err()
    );
}

// ---- the follower, on each engine -------------------------------------------------------------

/// Empty databases on each engine, with the test table.
async fn engines() -> Vec<TestDb> {
    let out = crate::testing::engines().await;
    for t in &out {
        create_items_table(&t.db).await;
    }
    out
}

async fn create_items_table(db: &Db) {
    let mut tx = db.begin().await.unwrap();
    exec!(tx, |c| {
        sqlx::query(
            "CREATE TABLE search_items (id TEXT PRIMARY KEY NOT NULL, title_en TEXT NOT NULL, title_fr TEXT NOT NULL, body_en TEXT NOT NULL, \
             org TEXT NOT NULL, tags TEXT NOT NULL, public BOOLEAN NOT NULL, modified BIGINT NOT NULL)",
        )
        .execute(&mut *c)
        .await
        .unwrap();
    });
    tx.commit().await.unwrap();
}

#[derive(Clone, Debug, sqlx::FromRow)]
struct Row {
    id: String,
    title_en: String,
    title_fr: String,
    body_en: String,
    org: String,
    tags: String,
    public: bool,
    modified: i64,
}

fn item(id: &str, title_en: &str, org: &str) -> Row {
    Row {
        id: id.into(),
        title_en: title_en.into(),
        title_fr: String::new(),
        body_en: String::new(),
        org: org.into(),
        tags: String::new(),
        public: true,
        modified: 0,
    }
}

const ITEM_COLUMNS: &str = "id, title_en, title_fr, body_en, org, tags, public, modified";

async fn save(db: &Db, it: &Row) {
    let mut tx = db.begin().await.unwrap();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO search_items (id, title_en, title_fr, body_en, org, tags, public, modified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET title_en = excluded.title_en, title_fr = excluded.title_fr, body_en = excluded.body_en, \
             org = excluded.org, tags = excluded.tags, public = excluded.public, modified = excluded.modified",
        )
        .bind(&it.id)
        .bind(&it.title_en)
        .bind(&it.title_fr)
        .bind(&it.body_en)
        .bind(&it.org)
        .bind(&it.tags)
        .bind(it.public)
        .bind(it.modified)
        .execute(&mut *c)
        .await
        .unwrap();
    });
    tx.changed("item", &it.id).await.unwrap();
    tx.commit().await.unwrap();
}

async fn remove(db: &Db, id: &str) {
    let mut tx = db.begin().await.unwrap();
    exec!(tx, |c| {
        sqlx::query("DELETE FROM search_items WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .unwrap();
    });
    tx.changed("item", id).await.unwrap();
    tx.commit().await.unwrap();
}

struct Items;

impl Items {
    fn to_doc(it: Row) -> SearchDoc {
        let mut d = SearchDoc {
            title: Bilingual::new(it.title_en, it.title_fr),
            body: Bilingual::new(it.body_en, ""),
            public: it.public,
            visible_to: vec![it.org.clone()],
            date: OffsetDateTime::from_unix_timestamp(it.modified).ok(),
            ..SearchDoc::new("item", it.id)
        }
        .facet("organization", it.org);
        for tag in it.tags.split(',').filter(|t| !t.is_empty()) {
            d = d.facet("tags", tag);
        }
        d
    }
}

impl SearchSource for Items {
    fn kind(&self) -> &'static str {
        "item"
    }

    fn load<'a>(&'a self, db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let sql = format!("SELECT {ITEM_COLUMNS} FROM search_items WHERE id = $1");
            let mut out = Vec::new();
            for id in ids {
                let row: Option<Row> = crate::read!(db, |c| sqlx::query_as::<_, Row>(
                    sqlx::AssertSqlSafe(sql.as_str())
                )
                .bind(id)
                .fetch_optional(&mut *c)
                .await?);
                out.extend(row.map(Items::to_doc));
            }
            Ok(out)
        })
    }

    fn count_all<'a>(&'a self, db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move {
            Ok(crate::read!(db, |c| sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM search_items"
            )
            .fetch_one(&mut *c)
            .await?) as u64)
        })
    }

    fn load_all<'a>(
        &'a self,
        db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {ITEM_COLUMNS} FROM search_items WHERE id > $1 ORDER BY id LIMIT $2"
            );
            let rows: Vec<Row> = crate::read!(db, |c| sqlx::query_as::<_, Row>(
                sqlx::AssertSqlSafe(sql.as_str())
            )
            .bind(after.unwrap_or_default())
            .bind(batch as i64)
            .fetch_all(&mut *c)
            .await?);
            Ok(rows.into_iter().map(Items::to_doc).collect())
        })
    }
}

fn sources() -> Vec<Arc<dyn SearchSource>> {
    vec![Arc::new(Items)]
}

fn titles(search: &Search, text: &str) -> Vec<String> {
    let mut out: Vec<String> = run(
        search,
        SearchQuery {
            text: text.into(),
            limit: 100,
            include_private_for: Some(vec![ALL_PRIVATE.into()]),
            ..Default::default()
        },
    )
    .hits
    .into_iter()
    .map(|h| {
        format!(
            "{}={}",
            h.id,
            h.title_html.replace("<mark>", "").replace("</mark>", "")
        )
    })
    .collect();
    out.sort();
    out
}

#[tokio::test]
async fn follower_applies_changes_in_order_and_resumes() {
    for t in engines().await {
        let db = &t.db;
        let dir = tempfile::tempdir().unwrap();
        let search = Search::open(dir.path()).unwrap();
        assert_eq!(search.applied_seq(), None);

        save(db, &item("1", "River levels", "mnr")).await;
        // Never built: the first follow builds everything.
        let first = search.follow(db, &sources()).await.unwrap();
        assert!(first.rebuilt, "{}", t.engine);
        assert_eq!(titles(&search, "river"), ["1=River levels"], "{}", t.engine);

        save(db, &item("2", "Lake levels", "mnr")).await;
        save(db, &item("1", "River flows", "mnr")).await;
        save(db, &item("3", "Short-lived lake", "mnr")).await;
        remove(db, "3").await;
        let report = search.follow(db, &sources()).await.unwrap();
        assert_eq!(report.changes, 4, "{}", t.engine);
        assert!(!report.rebuilt);
        assert_eq!(titles(&search, "levels"), ["2=Lake levels"], "{}", t.engine);
        assert_eq!(titles(&search, "river"), ["1=River flows"], "{}", t.engine);
        assert_eq!(
            titles(&search, "lake"),
            ["2=Lake levels"],
            "{}: the deleted one is gone",
            t.engine
        );
        assert_eq!(search.num_docs(), 2);
        let seq = report.seq;
        assert_eq!(search.applied_seq(), Some(seq));

        let idle = search.follow(db, &sources()).await.unwrap();
        assert_eq!(idle.changes, 0, "{}", t.engine);

        // A restart resumes from the commit payload: only what came after is applied.
        drop(search);
        save(db, &item("4", "Lake ice", "mnr")).await;
        let search = Search::open(dir.path()).unwrap();
        assert_eq!(search.applied_seq(), Some(seq), "{}", t.engine);
        let resumed = search.follow(db, &sources()).await.unwrap();
        assert_eq!(resumed.changes, 1, "{}", t.engine);
        assert_eq!(
            titles(&search, "lake"),
            ["2=Lake levels", "4=Lake ice"],
            "{}",
            t.engine
        );

        // Privacy changes apply like any other.
        let mut hidden = item("4", "Lake ice", "mnr");
        hidden.public = false;
        save(db, &hidden).await;
        search.follow(db, &sources()).await.unwrap();
        assert_eq!(
            run(
                &search,
                SearchQuery {
                    text: "lake".into(),
                    ..Default::default()
                }
            )
            .total,
            1,
            "{}",
            t.engine
        );
        assert_eq!(
            run(
                &search,
                SearchQuery {
                    text: "lake".into(),
                    include_private_for: Some(vec!["mnr".into()]),
                    ..Default::default()
                }
            )
            .total,
            2,
            "{}",
            t.engine
        );

        // A change for a kind nobody indexes is skipped, not an error.
        let mut tx = db.begin().await.unwrap();
        tx.changed("unknown", "x").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(search.follow(db, &sources()).await.unwrap().changes, 1);
    }
}

#[tokio::test]
async fn reindex_rebuilds_the_same_results() {
    for t in engines().await {
        let db = &t.db;
        for i in 0..25 {
            let mut it = item(
                &format!("{i:03}"),
                &format!("Station {i} water"),
                if i % 2 == 0 { "even" } else { "odd" },
            );
            it.tags = format!("t{},all", i % 3);
            it.modified = i;
            save(db, &it).await;
        }
        let search = Search::open_in_ram();
        search.follow(db, &sources()).await.unwrap();
        let q = SearchQuery {
            text: "water".into(),
            facets: vec!["organization".into(), "tags".into()],
            limit: 100,
            ..Default::default()
        };
        let before = run(&search, q.clone());
        assert_eq!(before.total, 25, "{}", t.engine);

        let calls = Mutex::new(Vec::new());
        let done = search
            .reindex(db, &sources(), |done, total| {
                calls.lock().unwrap().push((done, total))
            })
            .await
            .unwrap();
        assert_eq!(done, 25);
        let calls = calls.into_inner().unwrap();
        assert_eq!(calls.first(), Some(&(0, 25)));
        assert_eq!(calls.last(), Some(&(25, 25)));
        let after = run(&search, q.clone());
        assert_eq!(before, after, "{}", t.engine);
        assert_eq!(search.num_docs(), 25);

        // A rebuild asked for through the log (by another process) happens on the next follow.
        remove(db, "000").await;
        Search::request_reindex(db, None).await.unwrap();
        let report = search.follow(db, &sources()).await.unwrap();
        assert!(report.rebuilt, "{}", t.engine);
        assert_eq!(run(&search, q.clone()).total, 24);
        Search::request_reindex(db, Some("item")).await.unwrap();
        let report = search.follow(db, &sources()).await.unwrap();
        assert!(!report.rebuilt);
        assert_eq!(run(&search, q.clone()).total, 24);
        assert_eq!(search.num_docs(), 24);
    }
}

#[tokio::test]
async fn the_background_follower_picks_up_writes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("agora.db").display());
    let db = Db::open(&url).await.unwrap();
    create_items_table(&db).await;
    let settings = crate::config::Settings {
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    let platform = Platform::with_db(settings, db.clone(), Vec::new()).unwrap();
    let follower = spawn_follower(&platform, sources(), Duration::from_secs(30));
    save(&db, &item("1", "Poked quickly", "x")).await;
    assert!(
        platform
            .search
            .caught_up(&db, Duration::from_secs(10))
            .await
            .unwrap()
    );
    assert_eq!(titles(&platform.search, "poked"), ["1=Poked quickly"]);
    follower.abort();
}

/// PostgreSQL hands out positions before commit: a transaction that commits late leaves a gap
/// that the follower must come back for, and a rolled-back one a gap it must give up on.
#[tokio::test]
async fn postgres_late_commits_are_not_missed() {
    let Some(t) = postgres().await else {
        eprintln!("skipped: AGORA_TEST_POSTGRES_URL is not set");
        return;
    };
    let db = &t.db;
    create_items_table(db).await;
    let search = Search::open_in_ram();
    search.follow(db, &sources()).await.unwrap();

    // A slow writer takes a position first and commits last.
    let mut slow = db.begin().await.unwrap();
    let slow_item = item("slow", "Slow lake", "x");
    exec!(slow, |c| {
        sqlx::query("INSERT INTO search_items (id, title_en, title_fr, body_en, org, tags, public, modified) VALUES ($1, $2, '', '', 'x', '', TRUE, 0)")
            .bind(&slow_item.id)
            .bind(&slow_item.title_en)
            .execute(&mut *c)
            .await
            .unwrap();
    });
    slow.changed("item", "slow").await.unwrap();
    let mut doomed = db.begin().await.unwrap();
    doomed.changed("item", "never").await.unwrap();
    save(db, &item("fast", "Fast lake", "x")).await;

    search.follow(db, &sources()).await.unwrap();
    assert_eq!(titles(&search, "lake"), ["fast=Fast lake"]);
    assert_eq!(search.0.state.lock().await.gaps.len(), 2);

    slow.commit().await.unwrap();
    drop(doomed);
    search.follow(db, &sources()).await.unwrap();
    assert_eq!(
        titles(&search, "lake"),
        ["fast=Fast lake", "slow=Slow lake"]
    );
    assert_eq!(
        search.0.state.lock().await.gaps.len(),
        1,
        "the rolled-back position is still waited for"
    );

    // After it settles, once no older transaction runs, the rolled-back gap is dropped.
    tokio::time::sleep(GAP_SETTLE + Duration::from_millis(100)).await;
    search.follow(db, &sources()).await.unwrap();
    let mut dropped = false;
    for _ in 0..50 {
        search.follow(db, &sources()).await.unwrap();
        if search.0.state.lock().await.gaps.is_empty() {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(dropped, "the rolled-back gap is given up");

    // A rebuild notes positions still in flight too.
    let mut late = db.begin().await.unwrap();
    exec!(late, |c| {
        sqlx::query("INSERT INTO search_items (id, title_en, title_fr, body_en, org, tags, public, modified) VALUES ('late', 'Late lake', '', '', 'x', '', TRUE, 0)")
            .execute(&mut *c)
            .await
            .unwrap();
    });
    late.changed("item", "late").await.unwrap();
    save(db, &item("after", "After lake", "x")).await;
    search.reindex(db, &sources(), |_, _| {}).await.unwrap();
    late.commit().await.unwrap();
    search.follow(db, &sources()).await.unwrap();
    assert_eq!(
        titles(&search, "lake"),
        [
            "after=After lake",
            "fast=Fast lake",
            "late=Late lake",
            "slow=Slow lake"
        ]
    );
}

// ---- measurement ------------------------------------------------------------------------------

/// `n` synthetic documents, made on demand, for timing.
struct Synthetic(usize);

impl SearchSource for Synthetic {
    fn kind(&self) -> &'static str {
        "dataset"
    }
    fn load<'a>(&'a self, _db: &'a Db, ids: &'a [String]) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            Ok(ids
                .iter()
                .filter_map(|id| id.parse().ok())
                .filter(|i| *i < self.0)
                .map(synthetic_doc)
                .collect())
        })
    }
    fn count_all<'a>(&'a self, _db: &'a Db) -> BoxFuture<'a, Result<u64>> {
        Box::pin(async move { Ok(self.0 as u64) })
    }
    fn load_all<'a>(
        &'a self,
        _db: &'a Db,
        after: Option<String>,
        batch: usize,
    ) -> BoxFuture<'a, Result<Vec<SearchDoc>>> {
        Box::pin(async move {
            let start = after
                .and_then(|a| a.parse::<usize>().ok())
                .map_or(0, |a| a + 1);
            Ok((start..(start + batch).min(self.0))
                .map(synthetic_doc)
                .collect())
        })
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Skewed: low indexes are common.
    fn word(&mut self) -> String {
        let r = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        vocabulary_word((r * r * r * 3000.0) as usize)
    }
    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| self.word()).collect::<Vec<_>>().join(" ")
    }
}

fn synthetic_doc(i: usize) -> SearchDoc {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    for _ in 0..4 {
        rng.next();
    }
    let title = rng.words(6);
    let body = rng.words(60);
    // French text has its own words, as in real bilingual records.
    let french = |text: &str| {
        text.split(' ')
            .map(|w| format!("{w}ou"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut d = SearchDoc {
        title: Bilingual::new(format!("{title} water"), format!("{} eau", french(&title))),
        body: Bilingual::new(body.clone(), french(&body)),
        date: at(i as i64),
        ..SearchDoc::new("dataset", format!("{i:08}"))
    };
    d = d
        .facet("organization", format!("org-{}", rng.next() % 60))
        .facet(
            "res_format",
            ["CSV", "XLSX", "PDF", "JSON", "ZIP", "XML"][(rng.next() % 6) as usize],
        )
        .facet(
            "license_id",
            ["OGL-ON-1.0", "CC-BY-4.0", "other"][(rng.next() % 3) as usize],
        )
        .facet(
            "access_level",
            ["open", "restricted", "under_review"][(rng.next() % 3) as usize],
        );
    for _ in 0..(1 + rng.next() % 4) {
        d = d.facet("tags", format!("tag-{}", rng.next() % 800));
    }
    d
}

/// `cargo test -p platform --release search::tests::measure -- --ignored --nocapture`
/// (`AGORA_SEARCH_DOCS` sets the size; 100,000 by default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement, not a test"]
async fn measure() {
    let n: usize = std::env::var("AGORA_SEARCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let db = Db::open("sqlite::memory:").await.unwrap();
    // `AGORA_SEARCH_DIR` keeps the index between runs (rebuilt when its size differs).
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var("AGORA_SEARCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| temp.path().to_path_buf());
    let search = Search::open(&dir).unwrap();
    let sources: Vec<Arc<dyn SearchSource>> = vec![Arc::new(Synthetic(n))];
    let started = Instant::now();
    if search.num_docs() != n as u64 {
        search.reindex(&db, &sources, |_, _| {}).await.unwrap();
    }
    let reindex = started.elapsed();
    // Let merges settle as a long-running node would.
    tokio::time::sleep(Duration::from_secs(2)).await;
    search.0.reader.reload().unwrap();
    println!(
        "docs: {n}; reindex: {:.2} s ({:.0} docs/s); segments: {}",
        reindex.as_secs_f64(),
        n as f64 / reindex.as_secs_f64(),
        search.0.reader.searcher().segment_readers().len()
    );

    let facets = vec![
        "organization".to_string(),
        "tags".to_string(),
        "res_format".to_string(),
    ];
    let cases: Vec<(&str, SearchQuery)> = vec![
        (
            "common word + 3 facets",
            SearchQuery {
                text: "water".into(),
                facets: facets.clone(),
                ..Default::default()
            },
        ),
        (
            "two words + 3 facets",
            SearchQuery {
                text: vocabulary_word(3) + " " + &vocabulary_word(10),
                facets: facets.clone(),
                ..Default::default()
            },
        ),
        (
            "rare word + 3 facets",
            SearchQuery {
                text: vocabulary_word(2500),
                facets: facets.clone(),
                ..Default::default()
            },
        ),
        (
            "mid word + filter + 3 facets",
            SearchQuery {
                text: vocabulary_word(40),
                facets: facets.clone(),
                filters: vec![("res_format".into(), vec!["CSV".into()])],
                ..Default::default()
            },
        ),
        (
            "all docs + 3 facets",
            SearchQuery {
                facets: facets.clone(),
                ..Default::default()
            },
        ),
        ("all docs, no facets", SearchQuery::default()),
        (
            "all docs + organization",
            SearchQuery {
                facets: vec!["organization".into()],
                limit: 0,
                ..Default::default()
            },
        ),
        (
            "all docs + tags",
            SearchQuery {
                facets: vec!["tags".into()],
                limit: 0,
                ..Default::default()
            },
        ),
        (
            "all docs + res_format",
            SearchQuery {
                facets: vec!["res_format".into()],
                limit: 0,
                ..Default::default()
            },
        ),
        (
            "all docs, count only",
            SearchQuery {
                limit: 0,
                ..Default::default()
            },
        ),
        (
            "common word, no facets, no snippets",
            SearchQuery {
                text: "water".into(),
                highlight: false,
                ..Default::default()
            },
        ),
        (
            "french word + 3 facets",
            SearchQuery {
                text: "eaux".into(),
                lang: Lang::Fr,
                facets: facets.clone(),
                ..Default::default()
            },
        ),
    ];
    let only = std::env::var("AGORA_SEARCH_CASE").unwrap_or_default();
    let iterations: usize = std::env::var("AGORA_SEARCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    for (name, q) in cases {
        if !name.contains(&only) {
            continue;
        }
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut total = 0;
        for _ in 0..iterations {
            let (t, c) = (Instant::now(), thread_cpu_ns());
            total = search.query(&q).unwrap().total;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            cpu.push((thread_cpu_ns() - c) as f64 / 1e6);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        cpu.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{name:<38} matches {total:>7}  wall p50 {:>6.2} p99 {:>6.2}  cpu p50 {:>6.2} p99 {:>6.2} ms",
            times[times.len() / 2],
            times[times.len() * 99 / 100],
            cpu[cpu.len() / 2],
            cpu[cpu.len() * 99 / 100]
        );
    }
}

/// CPU time of this thread, which other processes on a busy machine do not inflate.
fn thread_cpu_ns() -> u64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, out: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `t` is a valid, writable timespec for the duration of the call.
    if unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) } != 0 {
        return 0;
    }
    t.sec as u64 * 1_000_000_000 + t.nsec as u64
}

fn vocabulary_word(i: usize) -> String {
    const SYLLABLES: [&str; 24] = [
        "wa", "ter", "qua", "li", "ty", "for", "est", "hos", "pi", "tal", "bud", "get", "road",
        "traf", "fic", "sch", "ool", "en", "er", "gy", "min", "ing", "lake", "farm",
    ];
    format!(
        "{}{}{}",
        SYLLABLES[i % 24],
        SYLLABLES[(i / 24) % 24],
        SYLLABLES[(i / 576) % 24]
    )
}

/// A process killed in the middle of a commit (its segment and delete files written, meta.json
/// not) must not stop the next process from writing: found by `bench/crash`, where a restart
/// failed with `FileAlreadyExists("….del")`. The kill is played back exactly: a whole commit,
/// then meta.json as it was before it.
#[test]
fn a_commit_cut_short_by_a_kill_does_not_stop_the_next_writer() {
    let dir = tempfile::tempdir().unwrap();
    let payload = |seq| Payload {
        v: SCHEMA_VERSION,
        seq,
        gaps: Vec::new(),
    };
    {
        let search = Search::open(dir.path()).unwrap();
        index(
            &search,
            &[
                doc("dataset", "a", "Aspen", "Tremble", "", ""),
                doc("dataset", "b", "Birch", "Bouleau", "", ""),
            ],
        );
    }
    // Every file as the first commit left it, and the list of files tantivy manages.
    let before: Vec<(std::ffi::OsString, Vec<u8>)> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".lock"))
        .map(|e| (e.file_name(), std::fs::read(e.path()).unwrap()))
        .collect();
    let managed = |dir: &std::path::Path| -> Vec<String> {
        serde_json::from_slice(&std::fs::read(dir.join(".managed.json")).unwrap()).unwrap()
    };
    let managed_before = managed(dir.path());
    {
        let search = Search::open(dir.path()).unwrap();
        search
            .write(
                &["dataset:a".into()],
                &[doc("dataset", "c", "Cedar", "Cèdre", "", "")],
            )
            .unwrap();
        search.commit(&payload(1)).unwrap();
    }
    // The kill: the second commit's files are there and managed, its meta.json is not, and
    // nothing of the first commit was removed yet.
    let mut managed_all = managed(dir.path());
    managed_all.extend(managed_before);
    managed_all.sort();
    managed_all.dedup();
    for (name, bytes) in before {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    std::fs::write(
        dir.path().join(".managed.json"),
        serde_json::to_vec(&managed_all).unwrap(),
    )
    .unwrap();

    let search = Search::open(dir.path()).unwrap();
    search
        .write(
            &["dataset:a".into()],
            &[doc("dataset", "d", "Douglas fir", "Douglas", "", "")],
        )
        .unwrap();
    search.commit(&payload(1)).unwrap();
    let found: Vec<Vec<String>> = ["aspen", "birch", "cedar", "douglas"]
        .iter()
        .map(|w| ids(&search, w, Lang::En))
        .collect();
    assert_eq!(
        found,
        [vec![], vec!["b".to_string()], vec![], vec!["d".to_string()]]
    );
}

/// Titles that sort alike come in the order of their keys, whatever order they were written in:
/// a rebuilt index pages through them as the one it replaces.
#[tokio::test]
async fn titles_that_sort_alike_are_ordered_by_key() {
    let long = "Correctional Services Oversight & Investigations - Investigation";
    for order in [["b", "a", "c"], ["c", "a", "b"]] {
        let search = Search::open_in_ram();
        for id in order {
            index(&search, &[doc("dataset", id, long, long, "", "")]);
        }
        let found: Vec<String> = run(
            &search,
            SearchQuery {
                sort: Sort::TitleAsc,
                limit: 10,
                ..Default::default()
            },
        )
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
        assert_eq!(found, ["a", "b", "c"], "written as {order:?}");
    }
}
