//! E-mails to the followers of a request when its status changes, each in the person's own
//! language. Sent after the change is saved; a failure to send is logged and undoes nothing.

use platform::mail::Email;
use platform::{Lang, Platform};
use uuid::Uuid;

use super::DataRequest;
use crate::pages::label;

/// Tells every follower of `r` (except `actor`, who made the change) its new status.
pub async fn status_changed(platform: &Platform, r: &DataRequest, actor: Uuid) {
    let people = match super::followers(&platform.db, r.id).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, request = %r.id, "cannot list the followers to notify");
            return;
        }
    };
    let dataset = match r.dataset_id {
        Some(id) => crate::store::dataset_row(&platform.db, &id.to_string())
            .await
            .ok()
            .flatten()
            .map(|d| d.name),
        None => None,
    };
    for person in people.into_iter().filter(|p| *p != actor) {
        let user = match platform::auth::find_user(&platform.db, person).await {
            Ok(Some(u)) if u.blocked_at.is_none() => u,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read a person to notify");
                continue;
            }
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
        let email = Email {
            to: user.email.clone(),
            subject: lang.t_args("catalogue-request-email-subject", &args),
            body: lang.t_args("catalogue-request-email-body", &args),
        };
        if let Err(e) = platform.send_email(email).await {
            tracing::warn!(error = %e, request = %r.id, "cannot send a notification");
        }
    }
}
