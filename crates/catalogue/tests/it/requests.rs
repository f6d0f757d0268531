//! Data requests: submitting, voting (one vote a person, also when two arrive at once),
//! following, comments, the status workflow with its refusals, e-mails to followers, the ranked
//! list and the seed's measure; through the store, the pages and the JSON API.

use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use time::Duration;
use uuid::Uuid;

use catalogue::requests::{self, Filter, NewRequest, StatusChange};
use catalogue::store::{self, DatasetInput};
use platform::auth::{self, CurrentUser, Role};
use platform::db::Actor;
use platform::testing::{self, Client, Person, Reply, TestDb, json_request};
use platform::{Error, Platform};

pub struct People {
    pub admin: CurrentUser,
    pub editor: CurrentUser,
    pub alice: CurrentUser,
    pub bob: CurrentUser,
}

async fn person(platform: &Platform, email: &str, role: Role, locale: &str) -> CurrentUser {
    Person::new(email)
        .role(role)
        .locale(locale)
        .create(&platform.db)
        .await
}

/// The CKAN test set-up (two ministries, an editor of health) plus an administrator and two
/// participants, one of whom reads French.
pub async fn people(t: &TestDb) -> (crate::ckan::Api, People) {
    let api = crate::ckan::setup(t).await;
    let p = &api.platform;
    let health = platform::orgs::find_by_slug(&p.db, "ministry-of-health")
        .await
        .unwrap()
        .unwrap();
    let editor = auth::find_user_by_email(&p.db, "editor@health.example")
        .await
        .unwrap()
        .unwrap();
    let people = People {
        admin: person(p, "admin@example.org", Role::Admin, "en").await,
        editor: CurrentUser {
            id: editor.id,
            email: editor.email,
            display_name: String::new(),
            role: Role::Editor,
            verified: true,
            organizations: vec![health.id],
        },
        alice: person(p, "alice@example.org", Role::Participant, "fr").await,
        bob: person(p, "bob@example.org", Role::Participant, "en").await,
    };
    (api, people)
}

pub async fn open_dataset(platform: &Platform, name: &str, private: bool) -> Uuid {
    let org = platform::orgs::find_by_slug(&platform.db, "ministry-of-health")
        .await
        .unwrap()
        .unwrap();
    let mut tx = platform.db.begin().await.unwrap();
    let id = store::create(
        &mut tx,
        &Actor::system("test"),
        DatasetInput {
            name: name.into(),
            title_en: format!("Title of {name}"),
            organization_id: Some(org.id),
            private,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

fn fields(e: &Error) -> Vec<(String, String)> {
    e.field_errors()
        .iter()
        .map(|f| (f.field.clone(), f.msg.key.to_string()))
        .collect()
}

fn new_request(title: &str) -> NewRequest {
    NewRequest {
        title: title.into(),
        description: "Monthly counts, by hospital.".into(),
        organization: "ministry-of-health".into(),
        lang: "en".into(),
    }
}

/// Runs the queued jobs (the notices, then their e-mails), as the workers would after the commit.
async fn deliver(platform: &Platform) -> usize {
    let mut registry = platform::jobs::Registry::new();
    platform::mail::register(&mut registry);
    catalogue::requests::notify::register(&mut registry);
    platform::jobs::run_due(platform, std::sync::Arc::new(registry))
        .await
        .unwrap()
}

fn outbox(platform: &Platform) -> Vec<String> {
    let dir = platform.settings.outbox_dir();
    let mut mails: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    mails.sort();
    mails
}

/// How many audit records have an action like `pattern` (SQL LIKE).
pub async fn audit_count(platform: &Platform, pattern: &str) -> i64 {
    async fn count(db: &platform::Db, pattern: &str) -> platform::Result<i64> {
        Ok(platform::read!(db, |c| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE $1"
        )
        .bind(pattern)
        .fetch_one(&mut *c)
        .await?))
    }
    count(&platform.db, pattern).await.unwrap()
}

#[tokio::test]
async fn bad_requests_are_refused_whole_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let db = &api.platform.db;
        let e = requests::create(
            db,
            &p.alice,
            &NewRequest {
                title: "  ".into(),
                description: "x".repeat(requests::DESCRIPTION_MAX + 1),
                organization: "ministry-of-nowhere".into(),
                lang: "de".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![
                ("title".into(), "error-required".into()),
                ("description".into(), "error-too-long".into()),
                ("lang".into(), "error-not-in-list".into()),
                (
                    "organization".into(),
                    "catalogue-request-error-organization".into()
                ),
            ],
            "{}",
            t.engine
        );
        let (list, total) = requests::list(db, &Filter::default(), 10, 0).await.unwrap();
        assert_eq!((list.len(), total), (0, 0), "nothing stored");
        assert_eq!(audit_count(&api.platform, "data_request.create").await, 0);
    }
}

#[tokio::test]
async fn one_vote_a_person_even_when_two_arrive_at_once_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let db = &api.platform.db;
        let id = requests::create(db, &p.alice, &new_request("Wait times"))
            .await
            .unwrap();
        let r = requests::get(db, id).await.unwrap().unwrap();
        // The same person votes twice at the same moment: one vote counts, the other is refused.
        let (a, b) = tokio::join!(
            requests::vote(db, &p.bob, &r),
            requests::vote(db, &p.bob, &r)
        );
        assert!(a.is_ok() != b.is_ok(), "{}: {a:?} {b:?}", t.engine);
        let refused = a.err().or(b.err()).unwrap();
        assert!(
            matches!(&refused, Error::Conflict(m) if m.key == "catalogue-request-error-voted-already"),
            "{refused:?}"
        );
        requests::vote(db, &p.alice, &r).await.unwrap();
        assert_eq!(requests::get(db, id).await.unwrap().unwrap().votes, 2);
        // Withdrawing takes the vote back; withdrawing again is refused.
        requests::withdraw_vote(db, &p.bob, &r).await.unwrap();
        assert!(matches!(
            requests::withdraw_vote(db, &p.bob, &r).await,
            Err(Error::Conflict(m)) if m.key == "catalogue-request-error-not-voted"
        ));
        assert_eq!(requests::get(db, id).await.unwrap().unwrap().votes, 1);
        let standing = requests::standing(db, id, p.alice.id).await.unwrap();
        assert!(standing.voted && standing.following, "the author follows");
    }
}

#[tokio::test]
async fn the_workflow_refuses_what_does_not_follow_and_tells_followers_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let platform = &api.platform;
        let db = &platform.db;
        open_dataset(platform, "wait-times", false).await;
        open_dataset(platform, "hidden-wait-times", true).await;
        let today = catalogue::forms::today();
        let id = requests::create(db, &p.alice, &new_request("Wait times"))
            .await
            .unwrap();
        let r = requests::get(db, id).await.unwrap().unwrap();
        requests::follow(db, &p.bob, &r, true).await.unwrap();
        let change = |status: &str| StatusChange {
            status: status.into(),
            ..Default::default()
        };

        // A participant cannot answer; an editor of another organization neither once assigned.
        let e = requests::change_status(db, &p.bob, &r, &change("under_review"), today)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
        // Released straight from submitted is not a step of the workflow.
        let e = requests::change_status(db, &p.editor, &r, &change("released"), today)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![
                ("status".into(), "catalogue-request-error-transition".into()),
                (
                    "dataset".into(),
                    "catalogue-request-error-dataset-required".into()
                )
            ]
        );
        let e = requests::change_status(db, &p.editor, &r, &change("archived"), today)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("status".into(), "error-not-in-list".into())]
        );

        let r = requests::assign(db, &p.editor, &r, "ministry-of-health")
            .await
            .unwrap();
        let r = requests::change_status(db, &p.editor, &r, &change("under_review"), today)
            .await
            .unwrap();
        // Planned needs a date that is not past.
        let e = requests::change_status(db, &p.editor, &r, &change("planned"), today)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![(
                "planned_date".into(),
                "catalogue-request-error-planned-date".into()
            )]
        );
        let past = StatusChange {
            planned_date: Some(today - Duration::days(1)),
            ..change("planned")
        };
        let e = requests::change_status(db, &p.editor, &r, &past, today)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![(
                "planned_date".into(),
                "catalogue-request-error-planned-past".into()
            )]
        );
        // Declined needs a reason; released needs a public dataset.
        let e = requests::change_status(db, &p.editor, &r, &change("declined"), today)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("note".into(), "catalogue-request-error-reason".into())]
        );
        for name in ["no-such-dataset", "hidden-wait-times"] {
            let release = StatusChange {
                dataset: name.into(),
                ..change("released")
            };
            let e = requests::change_status(db, &p.editor, &r, &release, today)
                .await
                .unwrap_err();
            assert_eq!(
                fields(&e),
                vec![(
                    "dataset".into(),
                    "catalogue-request-error-dataset-unknown".into()
                )],
                "{name}"
            );
        }
        let stored = requests::get(db, id).await.unwrap().unwrap();
        assert_eq!(stored.status, "under_review", "nothing partial was saved");

        let planned = StatusChange {
            planned_date: Some(today + Duration::days(30)),
            note: "After the privacy review.".into(),
            ..change("planned")
        };
        let r = requests::change_status(db, &p.editor, &r, &planned, today)
            .await
            .unwrap();
        let release = StatusChange {
            dataset: "wait-times".into(),
            ..change("released")
        };
        let r = requests::change_status(db, &p.editor, &r, &release, today)
            .await
            .unwrap();
        assert_eq!(r.status, "released");
        assert!(r.dataset_id.is_some());
        // Released is final, and closes the vote.
        let e = requests::change_status(db, &p.admin, &r, &change("declined"), today)
            .await
            .unwrap_err();
        assert_eq!(fields(&e)[0].1, "catalogue-request-error-transition");
        assert!(matches!(
            requests::vote(db, &p.bob, &r).await,
            Err(Error::Conflict(m)) if m.key == "catalogue-request-error-closed"
        ));
        assert!(matches!(
            requests::withdraw_vote(db, &p.alice, &r).await,
            Err(Error::Conflict(m)) if m.key == "catalogue-request-error-closed"
        ));

        let history: Vec<String> = requests::events(db, id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.status)
            .collect();
        assert_eq!(
            history,
            [
                "submitted",
                "submitted",
                "under_review",
                "planned",
                "released"
            ]
        );
        assert_eq!(audit_count(platform, "data_request.status").await, 3);
        assert_eq!(audit_count(platform, "data_request.assign").await, 1);

        // Both followers hear of the three changes (under review, planned, released), each in
        // their language, once the jobs have run after the commits; the editor does not, and the
        // refused changes sent nothing.
        assert!(
            outbox(platform).is_empty(),
            "{}: nothing sent yet",
            t.engine
        );
        assert!(deliver(platform).await > 0);
        let mails = outbox(platform);
        assert_eq!(mails.len(), 6, "{}: {mails:#?}", t.engine);
        let to = |who: &str| mails.iter().filter(|m| m.contains(who)).count();
        assert_eq!((to("alice@example.org"), to("bob@example.org")), (3, 3));
        assert_eq!(to("editor@health.example"), 0);
        assert!(
            mails
                .iter()
                .any(|m| m.contains("bob@") && m.contains("/en/dataset/wait-times")),
            "the released e-mail links the dataset"
        );
    }
}

#[tokio::test]
async fn the_list_ranks_by_votes_and_the_dashboard_counts_the_top_released_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let platform = &api.platform;
        let db = &platform.db;
        open_dataset(platform, "wait-times", false).await;
        let today = catalogue::forms::today();
        let mut ids = Vec::new();
        for title in ["Few", "Most", "Some"] {
            ids.push(
                requests::create(db, &p.alice, &new_request(title))
                    .await
                    .unwrap(),
            );
        }
        for (id, voters) in [
            (ids[1], vec![&p.alice, &p.bob, &p.admin]),
            (ids[2], vec![&p.bob, &p.admin]),
        ] {
            let r = requests::get(db, id).await.unwrap().unwrap();
            for v in voters {
                requests::vote(db, v, &r).await.unwrap();
            }
        }
        let (list, total) = requests::list(db, &Filter::default(), 10, 0).await.unwrap();
        assert_eq!(total, 3);
        let ranked: Vec<(&str, i64)> = list.iter().map(|r| (r.title.as_str(), r.votes)).collect();
        assert_eq!(
            ranked,
            [("Most", 3), ("Some", 2), ("Few", 0)],
            "{}",
            t.engine
        );

        let mut r = requests::get(db, ids[2]).await.unwrap().unwrap();
        for step in ["under_review", "released"] {
            let change = StatusChange {
                status: step.into(),
                dataset: "wait-times".into(),
                ..Default::default()
            };
            r = requests::change_status(db, &p.admin, &r, &change, today)
                .await
                .unwrap();
        }
        let measure = requests::top_measure(db).await.unwrap();
        assert_eq!((measure.released, measure.of), (1, 3));
        let released = Filter {
            status: "released".into(),
            ..Default::default()
        };
        let (list, total) = requests::list(db, &released, 10, 0).await.unwrap();
        assert_eq!((list[0].title.as_str(), total), ("Some", 1));
        let nowhere = Filter {
            organization: "ministry-of-finance".into(),
            ..Default::default()
        };
        assert_eq!(requests::list(db, &nowhere, 10, 0).await.unwrap().1, 0);
    }
}

/// A visitor of the catalogue's site on `platform`, signed in as `user` when given.
pub async fn browser(platform: &Platform, user: Option<Uuid>) -> Client {
    let visitor = Client::site(platform, catalogue::pages(), catalogue::api());
    match user {
        Some(u) => visitor.signed_in(&platform.db, u).await,
        None => visitor,
    }
}

#[tokio::test]
async fn pages_say_what_is_wrong_in_the_page_language_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let platform = &api.platform;
        let alice = browser(platform, Some(p.alice.id)).await;
        let Reply { status, body, .. } = alice
            .post(
                "/fr/data/requests/new",
                &[("title", ""), ("description", "Des données.")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.engine);
        assert!(
            body.contains("href=\"#title\">Titre : Ce champ est obligatoire."),
            "{body}"
        );
        let Reply { status, body, .. } = alice
            .post(
                "/en/data/requests/new",
                &[("title", &"t".repeat(201)), ("description", "Data.")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("Title: This is too long: at most 200 characters."),
            "{body}"
        );
        assert_eq!(
            requests::list(&platform.db, &Filter::default(), 5, 0)
                .await
                .unwrap()
                .1,
            0
        );

        let Reply {
            status, headers, ..
        } = alice
            .post(
                "/en/data/requests/new",
                &[
                    ("title", "Wait times"),
                    ("description", "By hospital."),
                    ("organization", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = headers[header::LOCATION].to_str().unwrap().to_string();
        let page = location.split('?').next().unwrap().to_string();
        let Reply { status, body, .. } = alice.get(&location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Your request is submitted."));

        // Voting twice from the page: the second is refused with the reason, in French.
        let Reply { status, .. } = alice
            .post(&format!("{page}/vote"), &[("action", "vote")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let fr = page.replacen("/en/", "/fr/", 1);
        let Reply { status, body, .. } = alice
            .post(&format!("{fr}/vote"), &[("action", "vote")])
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            body.contains("Vous avez déjà voté pour cette demande."),
            "{body}"
        );
        let Reply { body, .. } = alice.get(&page).await;
        assert!(body.contains("1 vote") && body.contains("Withdraw my vote"));

        // Staff: released without a dataset names the field; a visitor sees no staff forms.
        let admin = browser(platform, Some(p.admin.id)).await;
        let Reply { status, .. } = admin
            .post(&format!("{page}/status"), &[("status", "under_review")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let Reply { status, body, .. } = admin
            .post(
                &format!("{page}/status"),
                &[("status", "released"), ("dataset", "")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("href=\"#dataset\">Released dataset: Give the identifier"),
            "{body}"
        );
        let Reply { status, .. } = alice
            .post(
                &format!("{page}/status"),
                &[("status", "declined"), ("note", "No.")],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let Reply { body, .. } = browser(platform, None).await.get(&page).await;
        assert!(!body.contains("Answer this request") && body.contains("Sign in to vote"));

        let Reply { status, body, .. } = alice.get("/fr/data/requests?status=under_review").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("Wait times") && body.contains("À l’étude"),
            "{body}"
        );
        let Reply { body, .. } = alice.get("/en/data/requests?status=declined").await;
        assert!(body.contains("No data requests match."));
    }
}

#[tokio::test]
async fn the_json_api_counts_one_vote_a_person_on_every_engine() {
    for t in testing::engines().await {
        let (api, _) = people(&t).await;
        let call = |method: &str, path: &str, token: Option<&str>, body: Option<Value>| {
            api.call(json_request(method, path, token, body.as_ref()))
        };
        let (status, body) = call(
            "POST",
            "/api/v1/catalogue/requests",
            None,
            Some(json!({"title": "x", "description": "y"})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = call(
            "POST",
            "/api/v1/catalogue/requests",
            Some(&api.other_token),
            Some(json!({"title": 12})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("The request body is not valid JSON for this endpoint: "),
            "{message}"
        );
        let (status, body) = call(
            "POST",
            "/api/v1/catalogue/requests",
            Some(&api.other_token),
            Some(json!({"title": "", "description": "Counts."})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body["error"]["fields"]["title"][0],
            "This field is required."
        );
        let (status, body) = call(
            "POST",
            "/api/v1/catalogue/requests",
            Some(&api.other_token),
            Some(json!({"title": "Wait times", "description": "Counts.", "organization": "ministry-of-health"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_str().unwrap().to_string();
        let vote = format!("/api/v1/catalogue/requests/{id}/vote");
        let (status, body) = call("POST", &vote, Some(&api.token), None).await;
        assert_eq!((status, body["votes"].clone()), (StatusCode::OK, json!(1)));
        let (status, body) = call("POST", &vote, Some(&api.token), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = call("DELETE", &vote, Some(&api.token), None).await;
        assert_eq!((status, body["votes"].clone()), (StatusCode::OK, json!(0)));

        let status_path = format!("/api/v1/catalogue/requests/{id}/status");
        let (status, body) = call(
            "POST",
            &status_path,
            Some(&api.token),
            Some(json!({"status": "planned", "planned_date": "2999-01-31"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["fields"]["status"].is_array());
        let (status, body) = call(
            "POST",
            &status_path,
            Some(&api.token),
            Some(json!({"status": "under_review"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = call(
            "POST",
            &status_path,
            Some(&api.token),
            Some(json!({"status": "planned", "planned_date": "2999-01-31"})),
        )
        .await;
        assert_eq!(
            (status, body["planned_date"].clone()),
            (StatusCode::OK, json!("2999-01-31")),
            "{body}"
        );

        let (status, body) = api.get(&format!("/api/v1/catalogue/requests/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "planned");
        assert_eq!(body["history"].as_array().unwrap().len(), 3);
        let (_, body) = api.get("/api/v1/catalogue/requests?status=planned").await;
        assert_eq!(body["total"], 1);
    }
}

#[tokio::test]
async fn data_requests_and_votes_are_rate_limited_per_account_on_every_engine() {
    for t in testing::engines().await {
        let (api, p) = people(&t).await;
        let mut settings = platform::config::Settings {
            data_dir: t.dir.path().join("limited"),
            ..Default::default()
        };
        let two = platform::config::RateLimit {
            per_address: 100,
            per_account: 2,
            window_minutes: 60,
        };
        settings.limits.rate.data_request = two.clone();
        settings.limits.rate.vote = two;
        let limited = Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap();

        // Pages: two requests, then a 429 page in the page's language with Retry-After.
        let alice = browser(&limited, Some(p.alice.id)).await;
        let form = [
            ("title", "Wait times"),
            ("description", "Counts."),
            ("organization", "ministry-of-health"),
        ];
        for _ in 0..2 {
            let Reply { status, body, .. } = alice.post("/en/data/requests/new", &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{}: {body}", t.engine);
        }
        let res = alice
            .post(
                "/fr/data/requests/new",
                &[("title", "Third"), ("description", "x")],
            )
            .await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", t.engine);
        assert!(res.headers.contains_key(header::RETRY_AFTER));
        assert!(
            res.body.contains("beaucoup de demandes de données"),
            "{}",
            t.engine
        );
        let (list, total) = requests::list(&t.db, &Filter::default(), 10, 0)
            .await
            .unwrap();
        assert_eq!(
            total, 2,
            "{}: nothing stored over the limit: {list:?}",
            t.engine
        );

        // The API: a vote and its withdrawal, then 429 in the API's error shape.
        let script = browser(&limited, None).await;
        let vote = format!("/api/v1/catalogue/requests/{}/vote", list[0].id);
        let call = |method: &str| json_request(method, &vote, Some(&api.other_token), None);
        for method in ["POST", "DELETE"] {
            let res = script.send(call(method)).await;
            assert_eq!(res.status, StatusCode::OK, "{} {method}", t.engine);
        }
        let res = script.send(call("POST")).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", t.engine);
        assert!(res.headers.contains_key(header::RETRY_AFTER));
        let body: Value = res.json();
        assert_eq!(body["error"]["code"], "rate_limited", "{body}");
    }
}
