//! The data page and the data dictionary, as a browser uses them: a refused file's report, a
//! column filter, a type chosen in the dictionary (the file reloads with it), the Table Schema.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use platform::testing::{self, Reply};

use crate::api::{STATIONS, dataset, setup};

#[tokio::test]
async fn data_page_report_and_dictionary_on_every_engine() {
    for t in testing::engines().await {
        let engine = t.engine;
        let api = setup(&t).await;
        dataset(&api, "stations", false).await;
        let r = api
            .upload(
                "resource_create",
                &[("package_id", "stations"), ("name", "Stations")],
                "stations.csv",
                STATIONS,
            )
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        api.wait_for_version(&id, 1).await;
        let browser = api.visitor();
        let data = format!("/en/dataset/stations/resource/{id}/data");

        // Filters per column: typed, and a wrong value named with its column.
        let Reply { status, body, .. } = browser
            .get(&format!("{data}?f.year=2012&sort=count&dir=desc"))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(body.contains("Rows (2)"), "{engine}: {body}");
        assert!(body.contains("aria-sort=\"descending\""));
        assert!(body.contains("/datastore/dump/"));
        // A text filter finds the start of a word, as a person typing expects.
        let Reply { status, body, .. } = browser.get(&format!("{data}?f.station=Tor")).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(body.contains("Rows (1)"), "{engine}: {body}");
        assert!(
            body.contains("Toronto") && !body.contains("Ottawa"),
            "{body}"
        );
        let Reply { status, body, .. } = browser
            .get(&format!(
                "/fr/dataset/stations/resource/{id}/data?f.year=bient%C3%B4t"
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("year : « bientôt » n’est pas un(e) nombre entier."),
            "{body}"
        );
        // A search of more words than the full text takes is named, not a server error.
        let words = vec!["toronto"; 300].join("+");
        let Reply { status, body, .. } = browser.get(&format!("{data}?q={words}")).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(body.contains("Search for at most 256 words."), "{body}");
        let Reply { status, body, .. } = browser
            .get(&format!(
                "/fr/dataset/stations/resource/{id}/data?f.station={words}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(
            body.contains("station : cherchez au plus 256 mots."),
            "{body}"
        );

        // Profiles and a chart, with its data table.
        let Reply { status, body, .. } = browser
            .get(&format!("/en/dataset/stations/resource/{id}/profile"))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        assert!(body.contains("Toronto (1)"), "{body}");
        let Reply { status, body, .. } = browser
            .get(&format!(
                "/en/dataset/stations/resource/{id}/chart?x=year&y=count&agg=sum&kind=bar"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        assert!(body.contains("count (sum) by year"));
        assert!(
            body.contains("<th scope=\"row\">2012</th><td class=\"agora-num\">500</td>"),
            "{body}"
        );
        assert!(body.contains("<svg viewBox"));
        let Reply { status, body, .. } = browser
            .get(&format!(
                "/fr/dataset/stations/resource/{id}/chart?x=opened&kind=line&agg=sum"
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("<polyline"));
        assert!(
            body.contains("Nombre de lignes selon opened"),
            "a sum needs a value column: rows are counted"
        );

        // A refused file: its report is on the page, and the previous version still shows.
        api.upload(
            "resource_update",
            &[("id", &id)],
            "stations.csv",
            b"a,b\n1,2\n3,4,5\n",
        )
        .await;
        let mut shown = String::new();
        for _ in 0..400 {
            let Reply { body, .. } = browser.get(&data).await;
            if body.contains("The latest file was not loaded") {
                shown = body;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            shown.contains("1 rows have more cells than the header’s 2 (first at row 3, with 3)."),
            "{engine}: {shown}"
        );
        assert!(shown.contains("Row 3: 3,4,5"));
        assert!(shown.contains("Rows (3)"), "the previous version serves");

        // The dictionary: anyone reads it; an editor chooses a type, and the file reloads with it.
        let dictionary = format!("/en/dataset/stations/resource/{id}/dictionary");
        let Reply { status, body, .. } = browser.get(&dictionary).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {body}");
        assert!(
            !body.contains("<form method=\"post\""),
            "visitors do not edit"
        );
        let Reply { status, .. } = browser.post(&dictionary, &[("type.2", "text")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        browser.sign_in("editor@mnrf.example").await;
        let Reply { body, .. } = browser.get(&dictionary).await;
        assert!(body.contains("name=\"type.2\""), "{body}");
        let Reply { status, body, .. } = browser.post(&dictionary, &[("type.2", "money")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("year: choose a type from the list."));
        // The stored file is the refused one: put the good one back first.
        api.upload("resource_update", &[("id", &id)], "stations.csv", STATIONS)
            .await;
        api.wait_for_version(&id, 2).await;
        let reply = browser
            .post(
                &dictionary,
                &[
                    ("type.2", "text"),
                    ("label_en.2", "Year stocked"),
                    ("label_fr.2", "Année"),
                    ("description_en.0", "Where"),
                ],
            )
            .await;
        let (status, to) = (reply.status, reply.location());
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            to.contains("notice=notice-datastore-dictionary-reloading"),
            "{to}"
        );
        api.wait_for_version(&id, 3).await;
        let (_, b) = api
            .search(json!({"resource_id": id, "fields": "year", "limit": 1}))
            .await;
        assert_eq!(b["result"]["fields"][0]["type"], "text", "{engine}: {b}");
        assert_eq!(b["result"]["fields"][0]["info"]["label"], "Year stocked");
        assert_eq!(b["result"]["records"][0]["year"], "2012");

        // The Frictionless Table Schema.
        let Reply { status, body, .. } = browser.get(&format!("/datastore/schema/{id}.json")).await;
        assert_eq!(status, StatusCode::OK);
        let schema: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(schema["primaryKey"], json!(["_id"]));
        assert_eq!(
            schema["fields"][3],
            json!({"name": "year", "type": "string", "title": "Year stocked", "title_fr": "Année"})
        );
        assert_eq!(schema["fields"][1]["description"], "Where");
        assert_eq!(schema["fields"][5]["type"], "date");
    }
}
