//! Outgoing e-mail: through SMTP when configured, otherwise written to `DATA_DIR/outbox/` as
//! `.eml` files (and logged), so that sign-up and password reset work offline.

use std::path::PathBuf;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Settings, SmtpSettings};
use crate::error::{Error, Result};

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
