//! The tracker's records and every read and write of them. Writes validate everything first and
//! then run in the caller's transaction with the audit log, so a refusal stores nothing.
//!
//! One module per resource (plans, items, milestones, evidence, updates, assessments, themes, the
//! ideas an item came from) and `views` for what pages read; all are re-exported here.

mod assessments;
mod evidence;
mod housekeeping;
mod items;
mod milestones;
mod origins;
mod plans;
mod themes;
mod updates;
mod views;

pub use assessments::*;
pub use evidence::*;
pub use housekeeping::*;
pub use items::*;
pub use milestones::*;
pub use origins::*;
pub use plans::*;
pub use themes::*;
pub use updates::*;
pub use views::*;

use platform::db::Conn;
use platform::error::{FieldError, Msg};
use platform::orgs;
use platform::{Bilingual, Result, Tx, exec, on};

fn is_blank(b: &Bilingual) -> bool {
    b.en.trim().is_empty() && b.fr.trim().is_empty()
}

fn scale<T>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    key: &'static str,
) -> Option<T> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        errors.push(FieldError::with(field, Msg::new(key).arg("value", v)));
    }
    parsed
}

fn trimmed(b: &Bilingual) -> Bilingual {
    Bilingual::new(b.en.trim(), b.fr.trim())
}

/// A slug made from `base` that no item (or plan, with `plans`) uses yet: `base`, `base-2`, …
async fn free_slug(tx: &mut Tx, base: &str, plans: bool) -> Result<String> {
    let mut base = orgs::slugify(base);
    if base.len() > 80 {
        let cut = base[..80].rfind('-').unwrap_or(80);
        base.truncate(cut);
    }
    if base.len() < 2 {
        base = if plans { "plan" } else { "item" }.to_string();
    }
    let sql = if plans {
        "SELECT COUNT(*) FROM tracker_plans WHERE slug = $1"
    } else {
        "SELECT COUNT(*) FROM tracker_items WHERE slug = $1"
    };
    for n in 1.. {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let taken: i64 = exec!(tx, |c| {
            sqlx::query_scalar(sql)
                .bind(&candidate)
                .fetch_one(&mut *c)
                .await?
        });
        if taken == 0 {
            return Ok(candidate);
        }
    }
    unreachable!("the loop returns")
}

/// What an import finds by name.
#[derive(Clone, Copy, Debug)]
pub enum Named {
    Organization,
    Theme,
}

/// The slug of the organization or theme titled `title` in either language (any case), or with
/// slug `slug`; the first by slug when several are.
pub async fn slug_named(
    conn: impl Into<Conn<'_>>,
    named: Named,
    title: &str,
    slug: &str,
) -> Result<Option<String>> {
    let select = match named {
        Named::Organization => {
            "SELECT slug FROM organizations WHERE LOWER(title_en) = $1 OR LOWER(title_fr) = $1 OR slug = $2 ORDER BY slug LIMIT 1"
        }
        Named::Theme => {
            "SELECT slug FROM tracker_themes WHERE LOWER(title_en) = $1 OR LOWER(title_fr) = $1 OR slug = $2 ORDER BY slug LIMIT 1"
        }
    };
    Ok(on!(conn, |c| {
        sqlx::query_scalar(select)
            .bind(title.trim().to_lowercase())
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    }))
}
