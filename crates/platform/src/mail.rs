//! Outgoing e-mail: through SMTP when configured, otherwise written to `DATA_DIR/outbox/` as
//! `.eml` files (and logged), so that sign-up and password reset work offline.
//!
//! Nothing sends mail inside a request's transaction: [`queue`] stores the message in `mail_queue`
//! and enqueues a `mail.send` job in the caller's transaction, so the mail exists exactly when the
//! write does, goes out after the commit, and is retried with back-off when the server refuses it.

use std::path::PathBuf;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::config::{Settings, SmtpSettings};
use crate::db::{Actor, Tx, now};
use crate::error::{Error, Result};
use crate::jobs::{self, EnqueueOptions, JobContext, Registry};
use crate::{Platform, exec, on};

/// The job kind that sends one queued e-mail.
pub const JOB_KIND: &str = "mail.send";

#[derive(Clone)]
pub enum Mailer {
    Outbox {
        dir: PathBuf,
        transport: AsyncFileTransport<Tokio1Executor>,
    },
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        match &settings.smtp {
            Some(smtp) => Ok(Mailer::Smtp(smtp_transport(smtp)?)),
            None => {
                let dir = settings.outbox_dir();
                std::fs::create_dir_all(&dir)?;
                Ok(Mailer::Outbox {
                    transport: AsyncFileTransport::new(&dir),
                    dir,
                })
            }
        }
    }

    pub async fn send(&self, from: &str, email: Email) -> Result<()> {
        let from: Mailbox = from.parse().map_err(Error::internal)?;
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|_| Error::field("email", "error-email-invalid"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(&email.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(email.body)
            .map_err(Error::internal)?;
        match self {
            Mailer::Outbox { dir, transport } => {
                let id = transport.send(message).await.map_err(Error::internal)?;
                tracing::info!(to = %email.to, subject = %email.subject, file = %dir.join(format!("{id}.eml")).display(), "e-mail written to outbox");
            }
            Mailer::Smtp(transport) => {
                transport.send(message).await.map_err(Error::internal)?;
                tracing::info!(to = %email.to, subject = %email.subject, "e-mail sent");
            }
        }
        Ok(())
    }
}

/// Queues `email` inside the caller's transaction; the `mail.send` job sends it after the commit.
/// A recipient that is not an e-mail address is refused here, not at sending time.
pub async fn queue(tx: &mut Tx, email: Email) -> Result<Uuid> {
    email
        .to
        .parse::<Mailbox>()
        .map_err(|_| Error::field("email", "error-email-invalid"))?;
    let id = Uuid::now_v7();
    let at = now();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO mail_queue (id, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&email.to)
        .bind(&email.subject)
        .bind(&email.body)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    jobs::enqueue(
        tx,
        &Actor::system("mail"),
        JOB_KIND,
        json!({ "mail": id }),
        EnqueueOptions::default(),
    )
    .await?;
    Ok(id)
}

/// Registers the `mail.send` handler.
pub fn register(registry: &mut Registry) {
    registry.register(JOB_KIND, send_queued);
}

#[derive(Deserialize)]
struct QueuedRef {
    mail: Uuid,
}

/// Sends one queued mail and removes it. A mail already gone was sent by an earlier run.
async fn send_queued(ctx: JobContext) -> anyhow::Result<()> {
    let QueuedRef { mail } = ctx.payload_as()?;
    let platform: &Platform = ctx.platform();
    let row: Option<(String, String, String)> = on!(&platform.db, |c| {
        sqlx::query_as("SELECT recipient, subject, body FROM mail_queue WHERE id = $1")
            .bind(mail)
            .fetch_optional(&mut *c)
            .await?
    });
    let Some((to, subject, body)) = row else {
        return Ok(());
    };
    platform
        .send_email(Email { to, subject, body })
        .await
        .map_err(|e| anyhow::anyhow!("cannot send e-mail {mail}: {e}"))?;
    platform
        .db
        .write(async |tx| {
            exec!(tx, |c| {
                sqlx::query("DELETE FROM mail_queue WHERE id = $1")
                    .bind(mail)
                    .execute(&mut *c)
                    .await?
                    .rows_affected()
            });
            Ok(())
        })
        .await?;
    Ok(())
}

fn smtp_transport(s: &SmtpSettings) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let mut builder = match s.security.as_str() {
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)?,
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?,
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        other => anyhow::bail!("smtp.security: `{other}` is not one of starttls, tls, none"),
    }
    .port(s.port);
    if let (Some(user), Some(pass)) = (&s.username, &s.password) {
        builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
    }
    Ok(builder.build())
}
