//! Small pieces the data request and dashboard pages share: the organizations to choose from
//! and dates as typed and in JSON.

use time::Date;
use uuid::Uuid;

use platform::{Lang, Platform, Result};

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
