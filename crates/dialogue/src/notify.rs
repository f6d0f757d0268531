//! E-mails to authors and followers, in each person's language. The change that causes them
//! enqueues a `dialogue.notify` job in its own transaction; the job, run after the commit, writes
//! one queued e-mail per person (`platform::mail`), each sent and retried on its own.

use platform::jobs::{self, EnqueueOptions, JobContext, Registry};
use platform::mail::{self, Email};
use platform::{Actor, Lang, Result, Tx};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The job kind that turns an event into e-mails.
pub const JOB_KIND: &str = "dialogue.notify";

/// What happened to an idea someone wrote or follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// Staff rewrote it in plain language (to the author).
    Rewritten,
    /// Its state or public answer changed (to followers).
    Assessed,
    /// Someone commented (to followers).
    Commented,
}

impl Event {
    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Event::Rewritten => (
                "dialogue-email-rewritten-subject",
                "dialogue-email-rewritten-body",
            ),
            Event::Assessed => (
                "dialogue-email-assessed-subject",
                "dialogue-email-assessed-body",
            ),
            Event::Commented => (
                "dialogue-email-commented-subject",
                "dialogue-email-commented-body",
            ),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    event: Event,
    idea: Uuid,
    /// Who caused it, and so is not told.
    actor: Option<Uuid>,
}

/// Enqueues the e-mails about `event` inside the transaction that makes the change.
pub async fn queue(tx: &mut Tx, event: Event, idea: Uuid, actor: Option<Uuid>) -> Result<()> {
    let payload =
        serde_json::to_value(Payload { event, idea, actor }).map_err(platform::Error::internal)?;
    jobs::enqueue(
        tx,
        &Actor::system("dialogue"),
        JOB_KIND,
        payload,
        EnqueueOptions::default(),
    )
    .await?;
    Ok(())
}

pub fn register(registry: &mut Registry) {
    registry.register(JOB_KIND, run);
    registry.register(RESULTS_JOB_KIND, run_results);
}

/// The job kind that tells a consultation's subscribers its results are published.
pub const RESULTS_JOB_KIND: &str = "dialogue.results_notify";

#[derive(Serialize, Deserialize)]
struct ResultsPayload {
    consultation: Uuid,
    /// Who published them, and so is not told.
    actor: Option<Uuid>,
}

/// Enqueues the e-mails about a consultation's results inside the transaction that publishes them.
pub async fn queue_results(tx: &mut Tx, consultation: Uuid, actor: Option<Uuid>) -> Result<()> {
    let payload = serde_json::to_value(ResultsPayload {
        consultation,
        actor,
    })
    .map_err(platform::Error::internal)?;
    jobs::enqueue(
        tx,
        &Actor::system("dialogue"),
        RESULTS_JOB_KIND,
        payload,
        EnqueueOptions::default(),
    )
    .await?;
    Ok(())
}

async fn run_results(ctx: JobContext) -> anyhow::Result<()> {
    let ResultsPayload {
        consultation,
        actor,
    } = ctx.payload_as()?;
    let platform = ctx.platform();
    let Some(c) = crate::consultations::find_by_id(&platform.db, consultation).await? else {
        return Ok(());
    };
    let people = crate::consultations::subscribers(&platform.db, c.id).await?;
    let mut emails = Vec::new();
    for person in people.into_iter().filter(|p| Some(*p) != actor) {
        let Some(user) = platform::auth::find_user(&platform.db, person)
            .await?
            .filter(|u| u.blocked_at.is_none())
        else {
            continue;
        };
        let lang = Lang::from_code(&user.locale).unwrap_or_default();
        let site = match lang {
            Lang::En => &platform.settings.site.name_en,
            Lang::Fr => &platform.settings.site.name_fr,
        };
        let link = format!(
            "{}/{}/consultations/{}",
            platform.settings.base_url(),
            lang.code(),
            c.slug
        );
        let args = [
            ("site", site.clone()),
            ("title", c.title().get(lang).to_string()),
            ("link", link),
        ];
        emails.push(Email {
            to: user.email.clone(),
            subject: lang.t_args("dialogue-email-results-subject", &args),
            body: lang.t_args("dialogue-email-results-body", &args),
        });
    }
    platform
        .db
        .write(async |tx| {
            for email in emails {
                mail::queue(tx, email).await?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}

async fn run(ctx: JobContext) -> anyhow::Result<()> {
    let Payload { event, idea, actor } = ctx.payload_as()?;
    let platform = ctx.platform();
    let Some(idea) = crate::ideas::get(&platform.db, idea).await? else {
        return Ok(());
    };
    let people = match event {
        Event::Rewritten => idea.author_id.into_iter().collect(),
        Event::Assessed | Event::Commented => {
            crate::ideas::followers(&platform.db, idea.id).await?
        }
    };
    let (subject, body) = event.keys();
    let mut emails = Vec::new();
    for person in people.into_iter().filter(|p| Some(*p) != actor) {
        let Some(user) = platform::auth::find_user(&platform.db, person)
            .await?
            .filter(|u| u.blocked_at.is_none())
        else {
            continue;
        };
        let lang = Lang::from_code(&user.locale).unwrap_or_default();
        let site = match lang {
            Lang::En => &platform.settings.site.name_en,
            Lang::Fr => &platform.settings.site.name_fr,
        };
        let link = format!(
            "{}/{}/ideas/{}",
            platform.settings.base_url(),
            lang.code(),
            idea.id
        );
        let args = [
            ("site", site.clone()),
            ("title", idea.title.clone()),
            ("link", link),
        ];
        emails.push(Email {
            to: user.email.clone(),
            subject: lang.t_args(subject, &args),
            body: lang.t_args(body, &args),
        });
    }
    platform
        .db
        .write(async |tx| {
            for email in emails {
                mail::queue(tx, email).await?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}
