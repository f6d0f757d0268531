//! Fixtures shared by the tests: organizations, people, processes with phases around today, and a
//! small HTTP client with cookies and the CSRF token.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use dialogue::model::{Audience, PhaseKind, ProcessFull, VoteRule, today};
use dialogue::processes::{self, NewCriterion, NewPhase, NewProcess, NewTheme};
use http_body_util::BodyExt;
use platform::auth::{self, CurrentUser, NewUser, Role};
use platform::db::{Actor, Db};
use platform::orgs::{self, NewOrganization, Organization};
use platform::server::{self, App};
use platform::testing::TestDb;
use platform::{Bilingual, Lang, Platform};
use time::Duration;
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "a long enough password";

pub async fn org(db: &Db, slug: &str) -> Organization {
    if let Some(o) = orgs::find_by_slug(db, slug).await.unwrap() {
        return o;
    }
    let mut tx = db.begin().await.unwrap();
    let o = orgs::create(
        &mut tx,
        &Actor::system("test"),
        NewOrganization {
            slug: slug.into(),
            title: Bilingual::new(
                "Treasury Board Secretariat",
                "Secrétariat du Conseil du Trésor",
            ),
            description: Bilingual::default(),
            jurisdiction: "provincial".into(),
            category: "ministry".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    o
}

/// A person; editors edit for `org`.
pub async fn person(
    db: &Db,
    email: &str,
    role: Role,
    verified: bool,
    org: Option<Uuid>,
) -> CurrentUser {
    let mut tx = db.begin().await.unwrap();
    let u = auth::create_user(
        &mut tx,
        &Actor::system("test"),
        NewUser {
            email,
            display_name: email.split('@').next().unwrap(),
            password: PASSWORD,
            role,
            verified,
            locale: "en",
        },
    )
    .await
    .unwrap();
    if let Some(o) = org {
        auth::add_membership(&mut tx, &Actor::system("test"), u.id, o)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    CurrentUser {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        role,
        verified,
        organizations: org.into_iter().collect(),
    }
}

/// A phase from `opens` to `closes` days from today.
pub fn phase(kind: PhaseKind, opens: i64, closes: i64) -> NewPhase {
    NewPhase {
        kind,
        title_en: String::new(),
        title_fr: String::new(),
        description_en: String::new(),
        description_fr: String::new(),
        opens_on: today() + Duration::days(opens),
        closes_on: today() + Duration::days(closes),
        submit: if kind == PhaseKind::Ideas {
            Audience::Verified
        } else {
            Audience::Nobody
        },
        comment: Audience::Verified,
        vote: if kind == PhaseKind::Voting {
            Audience::Verified
        } else {
            Audience::Nobody
        },
    }
}

pub fn theme(slug: &str) -> NewTheme {
    NewTheme {
        slug: slug.into(),
        title_en: format!("Theme {slug}"),
        title_fr: format!("Thème {slug}"),
        description_en: String::new(),
        description_fr: String::new(),
    }
}

pub async fn process(
    db: &Db,
    org: &Organization,
    slug: &str,
    rule: VoteRule,
    phases: Vec<NewPhase>,
) -> ProcessFull {
    let new = NewProcess {
        slug: slug.into(),
        organization_id: org.id,
        title_en: format!("Process {slug}"),
        title_fr: format!("Processus {slug}"),
        summary_en: String::new(),
        summary_fr: String::new(),
        guidance_en: String::new(),
        guidance_fr: String::new(),
        vote_rule: rule,
        vote_max: 2,
        hide_tallies: true,
        ideas_per_person: 3,
        report_threshold: 2,
        sample: false,
        phases,
        themes: vec![theme("transparency"), theme("accountability")],
        criteria: vec![
            NewCriterion {
                label_en: "Relevant".into(),
                label_fr: "Pertinente".into(),
            },
            NewCriterion {
                label_en: "Achievable within a year".into(),
                label_fr: "Réalisable en un an".into(),
            },
        ],
    };
    let mut tx = db.begin().await.unwrap();
    processes::create(&mut tx, &Actor::system("test"), &new)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    processes::find(db, slug).await.unwrap().unwrap()
}

/// Changes a phase's dates directly, to move a process through time in a test.
pub async fn set_phase(db: &Db, p: &ProcessFull, kind: PhaseKind, opens: i64, closes: i64) {
    let id = p.phase(kind).unwrap().id;
    let mut tx = db.begin().await.unwrap();
    platform::exec!(tx, |c| sqlx::query(
        "UPDATE dialogue_phases SET opens_on = $1, closes_on = $2 WHERE id = $3"
    )
    .bind(today() + Duration::days(opens))
    .bind(today() + Duration::days(closes))
    .bind(id)
    .execute(&mut *c)
    .await
    .unwrap()
    .rows_affected());
    tx.commit().await.unwrap();
}

pub async fn reload(db: &Db, p: &ProcessFull) -> ProcessFull {
    processes::find(db, &p.process.slug).await.unwrap().unwrap()
}

/// Submits an idea in English in its own transaction, as the idea form does.
pub async fn submit_idea(
    db: &Db,
    p: &ProcessFull,
    author: &CurrentUser,
    theme: &str,
    title: &str,
    body: &str,
) -> platform::Result<Uuid> {
    let new = dialogue::ideas::NewIdea {
        theme,
        title,
        body,
        lang: Lang::En,
    };
    db.write(async |tx| dialogue::ideas::submit(tx, p, author, new).await)
        .await
}

/// Records an assessment in its own transaction, as the assessment page does.
pub async fn assess_as(
    db: &Db,
    staff: &CurrentUser,
    p: &ProcessFull,
    idea: &dialogue::model::Idea,
    a: &dialogue::ideas::Assessment,
) -> platform::Result<bool> {
    db.write(async |tx| dialogue::ideas::assess(tx, staff, p, idea, a).await)
        .await
}

/// Casts or changes ballots in their own transaction, as the ballot page does.
pub async fn cast(
    db: &Db,
    p: &ProcessFull,
    voter: &CurrentUser,
    choices: &[dialogue::votes::BallotChoice],
) -> platform::Result<dialogue::votes::VoteOutcome> {
    db.write(async |tx| dialogue::votes::vote(tx, p, voter, choices).await)
        .await
}

/// Comments on an idea in its own transaction, as the idea page does.
pub async fn comment_as(
    db: &Db,
    p: &ProcessFull,
    idea: &dialogue::model::Idea,
    user: &CurrentUser,
    body: &str,
    lang: Lang,
) -> platform::Result<Uuid> {
    db.write(async |tx| dialogue::ideas::add_comment(tx, p, idea, user, body, lang).await)
        .await
}

/// Reports a contribution in its own transaction, as the report button does.
pub async fn report_as(
    db: &Db,
    reporter: &CurrentUser,
    kind: dialogue::model::TargetKind,
    id: Uuid,
    reason: dialogue::model::ReportReason,
    counting: dialogue::moderation::ReportCounting,
) -> platform::Result<bool> {
    db.write(async |tx| {
        dialogue::moderation::report(tx, reporter, kind, id, reason, counting).await
    })
    .await
}

/// A moderator's decision in its own transaction, as the moderation page does.
pub async fn decide_as(
    db: &Db,
    moderator: &CurrentUser,
    kind: dialogue::model::TargetKind,
    id: Uuid,
    decision: dialogue::moderation::Decision,
) -> platform::Result<()> {
    db.write(async |tx| dialogue::moderation::decide(tx, moderator, kind, id, decision).await)
        .await
}

/// Submits an idea and accepts it for voting.
pub async fn accepted_idea(
    db: &Db,
    p: &ProcessFull,
    author: &CurrentUser,
    staff: &CurrentUser,
    theme: &str,
    title: &str,
) -> Uuid {
    let id = submit_idea(
        db,
        p,
        author,
        theme,
        title,
        "Body of the idea, in plain words.",
    )
    .await
    .unwrap();
    let idea = dialogue::ideas::get(db, id).await.unwrap().unwrap();
    assess_as(
        db,
        staff,
        p,
        &idea,
        &dialogue::ideas::Assessment {
            state: Some(dialogue::model::IdeaState::Accepted),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    id
}

/// Counts rows of a table (to check that nothing partial was saved).
pub async fn count(db: &Db, table: &str) -> i64 {
    async fn inner(db: &Db, sql: String) -> platform::Result<i64> {
        Ok(platform::read!(db, |c| sqlx::query_scalar::<_, i64>(
            sqlx::AssertSqlSafe(sql.as_str())
        )
        .fetch_one(&mut *c)
        .await?))
    }
    inner(db, format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap()
}

// ---- HTTP ----

pub struct Client {
    app: App,
    cookies: Vec<(String, String)>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

/// The one platform of a test database, so that every client reads the same search index.
pub fn platform_of(t: &TestDb) -> Platform {
    static PLATFORMS: LazyLock<Mutex<HashMap<PathBuf, Platform>>> = LazyLock::new(Default::default);
    PLATFORMS
        .lock()
        .unwrap()
        .entry(t.dir.path().to_path_buf())
        .or_insert_with(|| t.platform())
        .clone()
}

/// Brings the search index up to date with what was written, as the server's follower does.
pub async fn index(t: &TestDb) {
    let platform = platform_of(t);
    platform
        .search
        .follow(&platform.db, &dialogue::search::sources())
        .await
        .unwrap();
}

impl Client {
    pub fn new(t: &TestDb) -> Client {
        Client::for_platform(platform_of(t))
    }

    /// A client of the site on `platform`, e.g. one with settings of its own.
    pub fn for_platform(platform: Platform) -> Client {
        Client {
            app: server::app(
                platform,
                Router::new().merge(dialogue::pages()),
                dialogue::api(),
            ),
            cookies: Vec::new(),
        }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let pair = v.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        Reply {
            status,
            headers,
            body,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form; the CSRF token is added.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        if !self.cookies.iter().any(|(k, _)| k == "agora_csrf") {
            self.get("/en/consultations").await;
        }
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Posts JSON as a same-site script would: with the cookie and the session's CSRF token.
    pub async fn post_json(&mut self, uri: &str, json: serde_json::Value) -> Reply {
        let csrf = self
            .cookies
            .iter()
            .find(|(k, _)| k == "agora_csrf")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(platform::web::CSRF_HEADER, csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(req).await
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .iter()
            .find(|(k, _)| k == "agora_csrf")
            .map(|(_, v)| v.clone())
            .expect("a csrf cookie was set")
    }

    pub async fn login(&mut self, email: &str) {
        let r = self
            .post(
                "/en/account/login",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "log-in failed: {}", r.body);
    }
}
