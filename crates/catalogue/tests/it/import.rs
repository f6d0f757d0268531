use std::collections::HashMap;

use catalogue::{import, store};
use platform::testing;

/// The real Ontario inventory loads whole, with its real access levels and ministries.
#[tokio::test]
async fn ontario_inventory_on_every_engine() {
    let Some(data) = platform::testing::shared_data() else {
        return;
    };
    let csv = data.join("ontario-catalogue/data-ontario-ca-catalogue-2020-09-10.csv");
    for t in testing::engines().await {
        let platform = t.platform();
        let summary =
            import::ontario_catalogue(&platform, std::fs::File::open(&csv).unwrap(), &|_, _| {})
                .await
                .unwrap();
        assert_eq!(summary.created, 2735, "{}: {summary}", t.engine);
        assert!(summary.skipped.is_empty(), "{summary}");
        let rows = store::rows_after(&t.db, None, 10_000).await.unwrap();
        let mut by_level: HashMap<&str, usize> = HashMap::new();
        for r in &rows {
            *by_level.entry(r.access_level.as_str()).or_default() += 1;
        }
        assert_eq!(by_level["open"], 831);
        assert_eq!(by_level["restricted"], 813);
        assert_eq!(by_level["under_review"], 1091);
        assert_eq!(platform::orgs::list(&t.db).await.unwrap().len(), 28);
        let health = platform::orgs::find_by_slug(&t.db, "ministry-of-health")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(health.title_fr, "Ministère de la Santé");
        let d = store::get(&t.db, "1-250-000-scale-bedrock-geology-of-ontario")
            .await
            .unwrap()
            .expect("dataset by name");
        assert_eq!(d.row.license_id, "ministry-terms-of-use");
        assert_eq!(
            d.keywords_en,
            [
                "Economy and Business",
                "Environment and Natural Resources",
                "Rural and north"
            ]
        );

        // Importing again changes nothing.
        let again =
            import::ontario_catalogue(&platform, std::fs::File::open(&csv).unwrap(), &|_, _| {})
                .await
                .unwrap();
        assert_eq!(
            (again.created, again.updated, again.unchanged),
            (0, 0, 2735),
            "{}: {again}",
            t.engine
        );
    }
}

#[tokio::test]
async fn a_csv_without_required_columns_is_refused_by_name() {
    let t = testing::sqlite().await;
    let err =
        import::ontario_catalogue(&t.platform(), "title,license\nA,B\n".as_bytes(), &|_, _| {})
            .await
            .unwrap_err()
            .to_string();
    assert!(err.contains("`access_level`"), "{err}");
}
