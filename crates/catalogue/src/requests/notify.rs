//! E-mails to the followers of a request when its status changes, each in the person's own
//! language. The status change enqueues a `catalogue.request_notify` job in its transaction; the
//! job, run after the commit, queues one e-mail per follower (`platform::mail`).

use platform::jobs::{self, EnqueueOptions, JobContext, Registry};
use platform::mail::{self, Email};
use platform::{Actor, Lang, Platform, Result, Tx};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::DataRequest;
use crate::pages::label;

/// The job kind that turns a status change into e-mails.
pub const JOB_KIND: &str = "catalogue.request_notify";

/// The answer as it was set, so that each change is told even when another follows at once.
#[derive(Serialize, Deserialize)]
struct Payload {
    request: Uuid,
    status: String,
    planned_date: Option<time::Date>,
    dataset: Option<Uuid>,
    decline_reason: String,
    /// Who made the change, and so is not told.
    actor: Uuid,
}

/// Enqueues the e-mails about the new answer `after` inside the transaction that sets it.
pub async fn queue(tx: &mut Tx, after: &DataRequest, actor: Uuid) -> Result<()> {
    let payload = serde_json::to_value(Payload {
        request: after.id,
        status: after.status.clone(),
        planned_date: after.planned_date,
        dataset: after.dataset_id,
        decline_reason: after.decline_reason.clone(),
        actor,
    })
    .map_err(platform::Error::internal)?;
    jobs::enqueue(
        tx,
        &Actor::system("catalogue"),
        JOB_KIND,
        payload,
        EnqueueOptions::default(),
    )
    .await?;
    Ok(())
}

pub fn register(registry: &mut Registry) {
    registry.register(JOB_KIND, run);
}

async fn run(ctx: JobContext) -> anyhow::Result<()> {
    let p: Payload = ctx.payload_as()?;
    let platform = ctx.platform();
    let Some(current) = super::get(&platform.db, p.request).await? else {
        return Ok(());
    };
    let r = DataRequest {
        status: p.status,
        planned_date: p.planned_date,
        dataset_id: p.dataset,
        decline_reason: p.decline_reason,
        ..current
    };
    let emails = status_emails(platform, &r, p.actor).await?;
    let mut tx = platform.db.begin().await?;
    for email in emails {
        mail::queue(&mut tx, email).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The e-mail to every follower of `r` (except `actor`) telling its status.
async fn status_emails(platform: &Platform, r: &DataRequest, actor: Uuid) -> Result<Vec<Email>> {
    let people = super::followers(&platform.db, r.id).await?;
    let mut emails = Vec::new();
    let dataset = match r.dataset_id {
        Some(id) => crate::store::dataset_row(&platform.db, &id.to_string())
            .await
            .ok()
            .flatten()
            .map(|d| d.name),
        None => None,
    };
    for person in people.into_iter().filter(|p| *p != actor) {
        let Some(user) = platform::auth::find_user(&platform.db, person)
            .await?
            .filter(|u| u.blocked_at.is_none())
        else {
            continue;
        };
        let lang = Lang::from_code(&user.locale).unwrap_or_default();
        let base = platform.settings.base_url();
        let site = match lang {
            Lang::En => &platform.settings.site.name_en,
            Lang::Fr => &platform.settings.site.name_fr,
        };
        let mut detail = match r.status.as_str() {
            "planned" => r
                .planned_date
                .map(|d| lang.t_args("catalogue-request-email-planned", &[("date", lang.date(d))]))
                .unwrap_or_default(),
            "released" => dataset
                .as_ref()
                .map(|name| {
                    lang.t_args(
                        "catalogue-request-email-released",
                        &[("link", format!("{base}/{}/dataset/{name}", lang.code()))],
                    )
                })
                .unwrap_or_default(),
            "declined" => lang.t_args(
                "catalogue-request-email-declined",
                &[("reason", r.decline_reason.clone())],
            ),
            _ => String::new(),
        };
        if !detail.is_empty() {
            detail.push_str("\n\n");
        }
        let args = [
            ("site", site.clone()),
            ("title", r.title.clone()),
            ("status", label(lang, "request-status", &r.status)),
            ("detail", detail),
            (
                "link",
                format!("{base}/{}/data/requests/{}", lang.code(), r.id),
            ),
        ];
        emails.push(Email {
            to: user.email.clone(),
            subject: lang.t_args("catalogue-request-email-subject", &args),
            body: lang.t_args("catalogue-request-email-body", &args),
        });
    }
    Ok(emails)
}
