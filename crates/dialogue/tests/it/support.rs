//! Fixtures shared by the tests, on the platform's test kit: organizations, people, processes with
//! phases around today, and clients of the dialogue's site.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use axum::Router;
use dialogue::model::{Audience, PhaseKind, ProcessFull, VoteRule, today};
use dialogue::processes::{self, NewCriterion, NewPhase, NewProcess, NewTheme};
use platform::auth::{CurrentUser, Role};
use platform::db::{Actor, Db};
use platform::orgs::Organization;
use platform::testing::{self, Person, TestDb};
pub use platform::testing::{Client, Reply, count};
use platform::{Lang, Platform};
use time::Duration;
use uuid::Uuid;

pub async fn org(db: &Db, slug: &str) -> Organization {
    testing::org(
        db,
        slug,
        "Treasury Board Secretariat",
        "Secrétariat du Conseil du Trésor",
    )
    .await
}

/// A person; editors edit for `org`.
pub async fn person(
    db: &Db,
    email: &str,
    role: Role,
    verified: bool,
    org: Option<Uuid>,
) -> CurrentUser {
    let person = Person::new(email)
        .name(email.split('@').next().unwrap())
        .role(role)
        .verified(verified);
    match org {
        Some(o) => person.member_of(o),
        None => person,
    }
    .create(db)
    .await
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
                id: None,
                label_en: "Relevant".into(),
                label_fr: "Pertinente".into(),
            },
            NewCriterion {
                id: None,
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

// ---- HTTP ----

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

/// A visitor of the dialogue's pages and API on `t`.
pub fn client(t: &TestDb) -> Client {
    client_on(&platform_of(t))
}

/// A visitor of the site on `platform`, e.g. one with settings of its own.
pub fn client_on(platform: &Platform) -> Client {
    Client::site(
        platform,
        Router::new().merge(dialogue::pages()),
        dialogue::api(),
    )
}
