//! E-mails to authors and followers, in each person's language. Sent after the change is saved; a
//! failure to send is logged and does not undo the change.

use platform::mail::Email;
use platform::{Lang, Platform};
use uuid::Uuid;

/// What happened to an idea someone wrote or follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Staff rewrote it in plain language (to the author).
    Rewritten,
    /// Its state or public answer changed.
    Assessed,
    /// Someone commented.
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

/// Sends `event` about an idea to each person in `people` except `except` (who caused it).
pub async fn idea_event(
    platform: &Platform,
    event: Event,
    idea_id: Uuid,
    idea_title: &str,
    people: &[Uuid],
    except: Option<Uuid>,
) {
    let (subject, body) = event.keys();
    for person in people.iter().filter(|p| Some(**p) != except) {
        let user = match platform::auth::find_user(&platform.db, *person).await {
            Ok(Some(u)) if u.blocked_at.is_none() => u,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read a person to notify");
                continue;
            }
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
            idea_id
        );
        let args = [
            ("site", site.clone()),
            ("title", idea_title.to_string()),
            ("link", link),
        ];
        let email = Email {
            to: user.email.clone(),
            subject: lang.t_args(subject, &args),
            body: lang.t_args(body, &args),
        };
        if let Err(e) = platform.send_email(email).await {
            tracing::warn!(error = %e, idea = %idea_id, "cannot send a notification");
        }
    }
}
