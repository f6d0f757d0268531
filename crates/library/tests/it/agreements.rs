//! The real index of 1,261 BC collective agreements: imported (twice, changing nothing the second
//! time), filtered by employer, union, sector, location and year, "expiring soon", and exported
//! as CSV with the same filters.

use std::collections::HashMap;

use library::agreements::{self, AgreementFilter, parse_term, read_index};
use platform::db::Actor;
use platform::testing::{self, count};
use time::Duration;

use crate::support::*;

#[tokio::test]
async fn the_real_index_is_imported_and_filtered() {
    let Some(dir) = testing::shared_data() else {
        return;
    };
    let bytes =
        std::fs::read(dir.join("collective-agreements/bc-lrb-agreements-index.json")).unwrap();
    let rows = read_index(&bytes).unwrap();
    assert_eq!(rows.len(), 1261);
    // One id is listed twice: the second row updates the first.
    let mut by_id: HashMap<String, &agreements::IndexRow> = HashMap::new();
    for r in &rows {
        by_id.insert(r.id.trim().to_string(), r);
    }
    assert_eq!(by_id.len(), 1260);
    let retail = by_id
        .values()
        .filter(|r| r.industry.trim() == "Retail trade")
        .count() as i64;
    let in_force_2021 = by_id
        .values()
        .filter(|r| match parse_term(&r.term) {
            Some((s, Some(e))) => s.year() <= 2021 && e.year() >= 2021,
            Some((s, None)) => s.year() <= 2021,
            None => false,
        })
        .count() as i64;
    let ufcw = by_id
        .values()
        .filter(|r| r.union.to_lowercase().contains("ufcw"))
        .count() as i64;

    for t in testing::engines().await {
        let actor = Actor::system("test");
        let first = agreements::import(&t.db, &actor, &rows).await.unwrap();
        assert_eq!((first.created, first.updated), (1260, 1), "{}", t.engine);
        assert!(first.refused.is_empty(), "{:?}", first.refused);
        // A handful of terms are empty or unreadable; they are reported, the agreement kept.
        assert!(first.terms_unread.len() < 20, "{:?}", first.terms_unread);
        let again = agreements::import(&t.db, &actor, &rows).await.unwrap();
        assert_eq!((again.created, again.updated), (0, 1261));
        assert_eq!(count(&t.db, "library_documents").await, 1260);

        let total = |f: AgreementFilter| {
            let db = t.db.clone();
            async move {
                agreements::list(&db, &f.checked().unwrap(), 10, 0)
                    .await
                    .unwrap()
                    .1
            }
        };
        assert_eq!(total(AgreementFilter::default()).await, 1260);
        let sector = AgreementFilter {
            sector: "Retail trade".into(),
            ..Default::default()
        };
        assert_eq!(total(sector.clone()).await, retail, "{}", t.engine);
        assert_eq!(
            total(AgreementFilter {
                union_name: "UFCW".into(),
                ..Default::default()
            })
            .await,
            ufcw
        );
        assert_eq!(
            total(AgreementFilter {
                year: "2021".into(),
                ..Default::default()
            })
            .await,
            in_force_2021,
            "{}",
            t.engine
        );
        let shoppers = total(AgreementFilter {
            employer: "shoppers drug".into(),
            ..Default::default()
        })
        .await;
        assert!(shoppers >= 1);
        assert_eq!(
            total(AgreementFilter {
                location: "British Columbia".into(),
                ..Default::default()
            })
            .await,
            1260
        );
        // A hostile text filter matches literally.
        assert_eq!(
            total(AgreementFilter {
                employer: "%_\\'".into(),
                ..Default::default()
            })
            .await,
            0
        );

        // Expiring soon: one agreement that ended in 2023 is moved to next month.
        let soon = AgreementFilter {
            expiring_within: "180".into(),
            ..Default::default()
        };
        let before = total(soon.clone()).await;
        let today = library::model::today();
        let mut tx = t.db.begin().await.unwrap();
        platform::exec!(tx, |c| sqlx::query(
            "UPDATE library_documents SET expires_on = $1 WHERE external_id = 'WYK39'"
        )
        .bind(today + Duration::days(30))
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected());
        tx.commit().await.unwrap();
        assert_eq!(total(soon).await, before + 1, "{}", t.engine);

        // The pages and the CSV.
        let client = client(&t);
        let page = client
            .get("/en/library/agreements?sector=Retail+trade")
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Shoppers Drug Mart"));
        let fr = client
            .get("/fr/library/agreements?expiring_within=180")
            .await;
        assert_eq!(fr.status, 200);
        assert!(fr.body.contains("Conventions qui expirent"));
        let bad = client
            .get("/en/library/agreements?year=20x1&expiring_within=-4")
            .await;
        assert_eq!(bad.status, 422);
        assert!(
            bad.body
                .contains("In force during the year: Enter a year such as 2021."),
            "{}",
            bad.body
        );
        assert!(
            bad.body
                .contains("Expiring within (days): Enter a number of days")
        );
        let csv = client
            .get("/api/v1/library/agreements.csv?sector=Retail+trade")
            .await;
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").starts_with("text/csv"));
        let mut reader = ::csv::Reader::from_reader(csv.bytes.as_ref());
        assert_eq!(reader.records().count() as i64, retail);
        let api = client
            .get("/api/v1/library/agreements?year=2021&limit=5")
            .await;
        assert_eq!(api.json()["total"], in_force_2021);
        let refused = client.get("/api/v1/library/agreements?year=soon").await;
        assert_eq!(refused.status, 422);
        assert_eq!(refused.json()["error"]["field_errors"][0]["field"], "year");
    }
}
