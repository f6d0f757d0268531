//! Staff run a consultation's entry from the pages: a draft only they see, published, edited,
//! closed and reopened, its results published with a file and its subscribers told by e-mail,
//! then deleted after a confirmation; every step audited. Every bad form is refused whole, each
//! problem named after its field in the page's language.

use axum::http::StatusCode;
use dialogue::consultations;
use platform::auth::Role;
use platform::testing::{self, Multipart};
use time::Duration;

use crate::support::*;

fn day(offset: i64) -> String {
    (dialogue::model::today() + Duration::days(offset)).to_string()
}

/// The entry form, filled in, with one event and one survey.
fn entry_form(slug: &str) -> Vec<(String, String)> {
    [
        ("organization", "tbs"),
        ("slug", slug),
        ("title_en", "Budget 2027 & talks"),
        ("title_fr", "Budget 2027"),
        ("summary_en", "Tell us **what matters**."),
        ("level", "consult"),
        ("topic", "budget"),
        ("ways[0].kind", "event"),
        ("ways[0].place_en", "Toronto Reference Library"),
        ("ways[0].time_label", "18:00–20:00"),
        ("ways[1].kind", "survey"),
        ("ways[1].url", "https://example.org/survey"),
        ("ways[1].label_en", "A short survey"),
        ("ways[2].kind", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([
        ("opens_on".to_string(), day(-1)),
        ("closes_on".to_string(), day(20)),
        ("ways[0].event_on".to_string(), day(5)),
    ])
    .collect()
}

/// A form's fields, as sent.
type Form = Vec<(String, String)>;

fn with(form: &[(String, String)], key: &str, value: &str) -> Form {
    let mut f: Vec<(String, String)> = form.iter().filter(|(k, _)| k != key).cloned().collect();
    f.push((key.to_string(), value.to_string()));
    f
}

fn refs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn actions(db: &platform::Db) -> Vec<String> {
    async fn rows(db: &platform::Db) -> platform::Result<Vec<String>> {
        Ok(platform::read!(db, |c| sqlx::query_scalar::<_, String>(
            "SELECT action FROM audit_log WHERE entity_type = 'dialogue_consultation' ORDER BY id"
        )
        .fetch_all(&mut *c)
        .await?))
    }
    rows(db).await.unwrap()
}

async fn topic(db: &platform::Db) {
    let mut tx = db.begin().await.unwrap();
    consultations::ensure_topic(&mut tx, "budget", "Budget", "Budget")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn staff_run_a_consultation_from_draft_to_results() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        topic(db).await;
        let editor = person(db, "ed@ontario.ca", Role::Editor, true, Some(o.id)).await;
        let fan = testing::Person::new("fan@example.org")
            .locale("fr")
            .create(db)
            .await;
        let staff = client(&t).signed_in(db, editor.id).await;
        let anon = client(&t);
        let e = t.engine;

        // The form, in both languages.
        let r = staff.get("/en/consultations/new").await;
        assert_eq!(r.status, StatusCode::OK, "{e}");
        assert!(r.body.contains("Opening date") && r.body.contains("Way 1"));
        let r = staff.get("/fr/consultations/new").await;
        assert!(r.body.contains("Date d’ouverture"), "{e}");

        // Saved as a draft: its page is the staff's preview, a 404 for everyone else.
        let r = staff
            .post("/en/consultations/new", &refs(&entry_form("budget-2027")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}: {}", r.body);
        assert!(r.location().starts_with("/en/consultations/budget-2027"));
        let preview = staff.get("/en/consultations/budget-2027").await;
        assert_eq!(preview.status, StatusCode::OK, "{e}");
        assert!(
            preview.body.contains("Draft") && preview.body.contains("Toronto Reference Library")
        );
        assert!(!preview.body.contains("2027 & talks"));
        assert_eq!(
            anon.get("/en/consultations/budget-2027").await.status,
            StatusCode::NOT_FOUND,
            "{e}"
        );
        assert!(
            !anon
                .get("/en/consultations")
                .await
                .body
                .contains("budget-2027")
        );
        assert_eq!(
            anon.get("/api/v1/dialogue/consultations/budget-2027")
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{e}"
        );
        let mine = staff.get("/en/dialogue/consultations").await;
        assert!(mine.body.contains("budget-2027"), "{e}");
        let ways = consultations::ways_of(
            db,
            consultations::find(db, "budget-2027")
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap();
        assert_eq!(ways.len(), 2, "{e}: the empty row is not a way");

        // Published, it is in the directory.
        let r = staff
            .post("/en/consultations/budget-2027/publish", &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}");
        assert_eq!(
            anon.get("/en/consultations/budget-2027").await.status,
            StatusCode::OK
        );
        assert!(
            anon.get("/en/consultations")
                .await
                .body
                .contains("budget-2027")
        );

        // Edited: the title changes, a way goes.
        let edit = staff.get("/en/consultations/budget-2027/edit").await;
        assert!(edit.body.contains("Toronto Reference Library"), "{e}");
        let mut form = with(&entry_form("budget-2027"), "title_en", "Budget 2027 talks");
        form.retain(|(k, _)| !k.starts_with("ways[1]"));
        let r = staff
            .post("/en/consultations/budget-2027/edit", &refs(&form))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}: {}", r.body);
        let c = consultations::find(db, "budget-2027")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.title_en, "Budget 2027 talks");
        assert_eq!(consultations::ways_of(db, c.id).await.unwrap().len(), 1);

        // A visitor subscribes to the results (sign-in first).
        assert_ne!(
            anon.post(
                "/en/consultations/budget-2027/subscribe",
                &[("action", "subscribe")]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        let visitor = client(&t).signed_in(db, fan.id).await;
        let r = visitor
            .post(
                "/fr/consultations/budget-2027/subscribe",
                &[("action", "subscribe")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}");
        assert!(
            consultations::is_subscribed(db, c.id, fan.id)
                .await
                .unwrap()
        );
        // Only staff may run the entry.
        for (uri, fields) in [
            ("/en/consultations/budget-2027/edit", vec![]),
            ("/en/consultations/budget-2027/close", vec![]),
            ("/en/consultations/budget-2027/delete", vec![]),
            (
                "/en/consultations/budget-2027/results",
                vec![("we_did_en", "x")],
            ),
        ] {
            assert_eq!(
                visitor.post(uri, &fields).await.status,
                StatusCode::FORBIDDEN,
                "{e}: {uri}"
            );
        }

        // Closed now, then reopened; a past closing date is refused.
        let r = staff.post("/en/consultations/budget-2027/close", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}");
        let c = consultations::find(db, "budget-2027")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.status(), dialogue::model::Status::Closed, "{e}");
        let r = staff
            .post(
                "/en/consultations/budget-2027/reopen",
                &[("closes_on", &day(-3))],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(
            r.body
                .contains("The new closing date must be today or later."),
            "{}",
            r.body
        );
        let r = staff
            .post(
                "/fr/consultations/budget-2027/reopen",
                &[("closes_on", "31/12/2027")],
            )
            .await;
        assert!(
            r.body.contains("Donnez une date comme 2027-03-31."),
            "{e}: {}",
            r.body
        );
        let r = staff
            .post(
                "/en/consultations/budget-2027/reopen",
                &[("closes_on", &day(10))],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}");
        let c = consultations::find(db, "budget-2027")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.status(), dialogue::model::Status::Open, "{e}");

        // Results with a file; the subscriber is told once the jobs run after the commit.
        let r = staff
            .post_multipart(
                "/en/consultations/budget-2027/attachments",
                Multipart::new()
                    .field("attachment_title_en", "Full report")
                    .file(
                        "file",
                        "../report 2027.pdf",
                        "application/pdf",
                        b"%PDF-1.4 report",
                    ),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}: {}", r.body);
        let files = dialogue::attachments::of(db, c.id).await.unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].filename, "report_2027.pdf", "{e}: no folders");
        let r = staff
            .post_multipart(
                "/en/consultations/budget-2027/attachments",
                Multipart::new().field("attachment_title_en", "Nothing"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(
            r.body.contains("File: Choose a file to attach."),
            "{}",
            r.body
        );
        let r = staff
            .post_multipart(
                "/en/consultations/budget-2027/attachments",
                Multipart::new().file("file", "empty.txt", "text/plain", b""),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(dialogue::attachments::of(db, c.id).await.unwrap().len(), 1);

        let outbox = || -> Vec<String> {
            std::fs::read_dir(t.dir.path().join("outbox"))
                .map(|d| {
                    d.filter_map(|f| std::fs::read_to_string(f.ok()?.path()).ok())
                        .collect()
                })
                .unwrap_or_default()
        };
        let r = staff
            .post(
                "/en/consultations/budget-2027/results",
                &[
                    ("we_did_en", "We fund **libraries**."),
                    ("we_did_fr", "Nous finançons les bibliothèques."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}: {}", r.body);
        assert!(outbox().is_empty(), "{e}: nothing sent inside the request");
        let mut registry = platform::jobs::Registry::new();
        platform::mail::register(&mut registry);
        dialogue::notify::register(&mut registry);
        let registry = std::sync::Arc::new(registry);
        for _ in 0..3 {
            platform::jobs::run_due(&t.platform(), registry.clone())
                .await
                .unwrap();
        }
        let sent = outbox();
        assert_eq!(
            sent.iter()
                .filter(|m| m.contains("fan@example.org"))
                .count(),
            1,
            "{e}: {sent:?}"
        );
        assert!(!sent.iter().any(|m| m.contains("ed@ontario.ca")), "{e}");
        // Correcting the results tells no one again.
        let r = staff
            .post(
                "/en/consultations/budget-2027/results",
                &[("we_did_en", "We fund libraries.")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        platform::jobs::run_due(&t.platform(), registry.clone())
            .await
            .unwrap();
        assert_eq!(outbox().len(), sent.len(), "{e}");

        // The file is public with the results.
        let page = anon.get("/en/consultations/budget-2027").await;
        assert!(page.body.contains("Full report"), "{e}");
        let file = anon
            .get(&format!(
                "/en/consultations/budget-2027/attachments/{}",
                files[0].id
            ))
            .await;
        assert_eq!(file.status, StatusCode::OK, "{e}");
        assert_eq!(&file.bytes[..], &b"%PDF-1.4 report"[..]);
        assert_eq!(
            anon.get("/en/consultations/budget-2027/attachments/nope")
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Deleted after a confirmation; its file goes with it.
        let confirm = staff.get("/en/consultations/budget-2027/delete").await;
        assert!(confirm.body.contains("cannot be undone"), "{e}");
        let r = staff
            .post("/en/consultations/budget-2027/delete", &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}");
        assert_eq!(count(db, "dialogue_consultations").await, 0, "{e}");
        assert_eq!(count(db, "dialogue_consultation_attachments").await, 0);
        assert_eq!(count(db, "dialogue_consultation_subscribers").await, 0);

        let done = actions(db).await;
        for action in [
            "consultation.create",
            "consultation.publish",
            "consultation.update",
            "consultation.close",
            "consultation.reopen",
            "consultation.attach",
            "consultation.results",
            "consultation.delete",
        ] {
            assert!(
                done.iter().any(|a| a == action),
                "{e}: {action} in {done:?}"
            );
        }
    }
}

#[tokio::test]
async fn bad_consultation_forms_are_refused_whole_and_named() {
    for t in testing::engines().await {
        let db = &t.db;
        let o = org(db, "tbs").await;
        let other = testing::org(db, "fin", "Finance", "Finances").await;
        topic(db).await;
        let editor = person(db, "ed@ontario.ca", Role::Editor, true, Some(o.id)).await;
        let reader = person(db, "reader@example.org", Role::Participant, true, None).await;
        let staff = client(&t).signed_in(db, editor.id).await;
        let e = t.engine;
        let good = entry_form("water");
        let cases: Vec<(&str, Form, &str)> = vec![
            (
                "en",
                with(&good, "organization", ""),
                "Organization: Choose the organization that runs the consultation.",
            ),
            (
                "fr",
                with(&good, "organization", ""),
                "Choisissez l’organisation qui mène la consultation.",
            ),
            (
                "en",
                with(&good, "organization", "no-such-org"),
                "Organization: This organization does not exist.",
            ),
            (
                "en",
                with(&good, "organization", "fin"),
                "You do not edit for this organization.",
            ),
            (
                "en",
                with(&with(&good, "opens_on", &day(10)), "closes_on", &day(2)),
                "The closing date must not be before the opening date.",
            ),
            (
                "en",
                with(&good, "closes_on", "2027-02-30"),
                "Closing date: Give a date like 2027-03-31.",
            ),
            (
                "en",
                with(&good, "slug", "../../etc"),
                "Address name: Use 2 to 100 lower-case letters",
            ),
            (
                "en",
                with(&with(&good, "title_en", ""), "title_fr", " "),
                "Title in English: This field is required.",
            ),
            (
                "en",
                with(&good, "title_en", &"x".repeat(301)),
                "at most 300 characters",
            ),
            (
                "en",
                with(&good, "level", "dictate"),
                "Choose one of the listed values.",
            ),
            (
                "en",
                with(&good, "topic", "no-such-topic"),
                "Topics: Choose one of the listed values.",
            ),
            (
                "en",
                with(&good, "ways[0].place_en", ""),
                "Way 1, Place in English: This field is required.",
            ),
            (
                "en",
                with(&good, "ways[1].url", "javascript:alert(1)"),
                "Way 2, Web address:",
            ),
            (
                "en",
                with(&good, "ways[0].kind", "carrier-pigeon"),
                "Way 1, Kind: Choose one of the listed values.",
            ),
            (
                "en",
                with(&with(&good, "ways[0].kind", "ideas"), "process", ""),
                "Co-creation process: This field is required.",
            ),
            (
                "en",
                with(&good, "process", "no-such-process"),
                "Co-creation process: Choose one of the listed values.",
            ),
            ("en", with(&good, "closes_on", ""), "Closing date:"),
        ];
        for (lang, form, message) in &cases {
            let r = staff
                .post(&format!("/{lang}/consultations/new"), &refs(form))
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{e}: {message}: {}",
                r.body
            );
            assert!(r.body.contains(message), "{e}: {message}: {}", r.body);
            // What was typed comes back (a field no case changes).
            assert!(r.body.contains("A short survey"), "{e}: {message}");
        }
        // Hostile structure: a way index far out of range is not a form.
        let r = staff
            .post(
                "/en/consultations/new",
                &refs(&with(&good, "ways[999999].kind", "event")),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{e}");
        assert_eq!(
            count(db, "dialogue_consultations").await,
            0,
            "{e}: nothing saved"
        );
        assert_eq!(count(db, "dialogue_consultation_ways").await, 0, "{e}");

        // Who may: not a reader, not a form from another site, not another organization's staff.
        let r = client(&t)
            .signed_in(db, reader.id)
            .await
            .get("/en/consultations/new")
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{e}");
        let r = staff
            .post_without_csrf("/en/consultations/new", &refs(&good))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{e}");
        let r = staff.post("/en/consultations/new", &refs(&good)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{e}: {}", r.body);
        let fin = person(db, "fin@ontario.ca", Role::Editor, true, Some(other.id)).await;
        let fin = client(&t).signed_in(db, fin.id).await;
        assert_eq!(
            fin.get("/en/consultations/water").await.status,
            StatusCode::NOT_FOUND,
            "{e}: a draft"
        );
        assert_eq!(
            fin.get("/en/consultations/water/edit").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            fin.post("/en/consultations/water/publish", &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // The same slug twice is named.
        let r = staff.post("/en/consultations/new", &refs(&good)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(
            r.body.contains("Address name: This name is already used."),
            "{}",
            r.body
        );
        // An edit that fails changes nothing.
        let r = staff
            .post(
                "/en/consultations/water/edit",
                &refs(&with(
                    &with(&good, "title_en", "Changed"),
                    "closes_on",
                    "tomorrow",
                )),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let c = consultations::find(db, "water").await.unwrap().unwrap();
        assert_eq!(c.title_en, "Budget 2027 & talks", "{e}");
        assert_eq!(consultations::ways_of(db, c.id).await.unwrap().len(), 2);
    }
}
