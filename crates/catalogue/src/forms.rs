//! Small pieces the data request and dashboard pages share: the organizations to choose from,
//! errors named by their field's label, and dates as typed and in JSON.

use time::Date;
use uuid::Uuid;

use platform::web::{FormErrors, ShownError};
use platform::{Error, Lang, Page, Platform, Result};

// Dates in the JSON API as ISO 8601 text: `2027-03-31`.
time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");

/// An organization as a select list offers it.
#[derive(Clone, Debug)]
pub struct OrgChoice {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
}

/// Every organization, by title in the page's language.
pub async fn organization_choices(platform: &Platform, lang: Lang) -> Result<Vec<OrgChoice>> {
    let mut orgs: Vec<OrgChoice> = platform::orgs::list(&platform.db)
        .await?
        .into_iter()
        .map(|o| OrgChoice {
            id: o.id,
            title: o.title().get(lang).to_string(),
            slug: o.slug,
        })
        .collect();
    orgs.sort_by_key(|o| o.title.to_lowercase());
    Ok(orgs)
}

/// The field errors of `err`, each message led by its field's label ("Title: This field is
/// required."), so that the error summary says where the problem is.
pub fn field_errors(page: &Page, err: &Error, labels: &[(&str, String)]) -> FormErrors {
    FormErrors(
        page.errors(err)
            .0
            .into_iter()
            .map(|e| {
                let message = match labels.iter().find(|(f, _)| *f == e.field) {
                    Some((_, label)) => page.lang.labelled(label, &e.message),
                    None => e.message,
                };
                ShownError {
                    field: e.field,
                    message,
                }
            })
            .collect(),
    )
}

/// A date as typed in a form: `2027-03-31`.
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

pub fn today() -> Date {
    platform::db::now().date()
}
