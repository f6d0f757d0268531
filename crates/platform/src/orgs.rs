//! Organizations (ministries, agencies, crown corporations): every area attributes its content to
//! one, and editors act for them.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Actor, Audited, BindBilingual, Conn, OnViolation, Tx, now};
use crate::error::{Error, Result};
use crate::i18n::Bilingual;
use crate::{exec, on, sql};

#[derive(Clone, Debug, sqlx::FromRow, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub slug: String,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub jurisdiction: String,
    pub category: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Organization {
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_en, &self.title_fr)
    }
}

pub const JURISDICTIONS: [&str; 3] = ["provincial", "federal", "municipal"];
pub const CATEGORIES: [&str; 3] = ["ministry", "agency", "crown_corporation"];

/// A slug: lower-case letters, digits and hyphens, 2 to 100 characters.
pub fn valid_slug(s: &str) -> bool {
    (2..=100).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !s.starts_with('-')
}

/// Makes a slug from a title: "Ministry of Health" → "ministry-of-health".
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(100).collect()
}

fn fold_accent(c: char) -> Vec<char> {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' => vec!['a'],
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => vec!['e'],
        'î' | 'ï' | 'Î' => vec!['i'],
        'ô' | 'ö' | 'Ô' => vec!['o'],
        'ù' | 'û' | 'ü' | 'Û' => vec!['u'],
        'ç' | 'Ç' => vec!['c'],
        'œ' => vec!['o', 'e'],
        '&' => vec!['-', 'a', 'n', 'd', '-'],
        c => vec![c],
    }
}

/// How the audit log names an organization (`organization.create`).
const ORGANIZATION: Audited = Audited::new("organization", "organization");

pub struct NewOrganization {
    pub slug: String,
    pub title: Bilingual,
    pub description: Bilingual,
    pub jurisdiction: String,
    pub category: String,
}

pub async fn create(tx: &mut Tx, actor: &Actor, new: NewOrganization) -> Result<Organization> {
    let mut errors = Vec::new();
    if !valid_slug(&new.slug) {
        errors.push(crate::FieldError::new("slug", "error-slug-invalid"));
    }
    if new.title.en.trim().is_empty() && new.title.fr.trim().is_empty() {
        errors.push(crate::FieldError::new("title", "error-required"));
    }
    if !JURISDICTIONS.contains(&new.jurisdiction.as_str()) {
        errors.push(crate::FieldError::new("jurisdiction", "error-not-in-list"));
    }
    if !CATEGORIES.contains(&new.category.as_str()) {
        errors.push(crate::FieldError::new("category", "error-not-in-list"));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let at = now();
    let org = Organization {
        id: Uuid::now_v7(),
        slug: new.slug,
        title_en: new.title.en,
        title_fr: new.title.fr,
        description_en: new.description.en,
        description_fr: new.description.fr,
        jurisdiction: new.jurisdiction,
        category: new.category,
        created_at: at,
        updated_at: at,
    };
    exec!(tx, |c| {
        sqlx::query(sql!(
            "INSERT INTO organizations (",
            COLUMNS,
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
        ))
        .bind(org.id)
        .bind(&org.slug)
        .bind_bilingual((&org.title_en, &org.title_fr))
        .bind_bilingual((&org.description_en, &org.description_fr))
        .bind(&org.jurisdiction)
        .bind(&org.category)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("slug", "error-slug-taken"))?;
    tx.audit_created(actor, ORGANIZATION, org.id, &org).await?;
    tx.changed("organization", &org.id.to_string()).await?;
    Ok(org)
}

const COLUMNS: &str = "id, slug, title_en, title_fr, description_en, description_fr, jurisdiction, category, created_at, updated_at";

pub async fn find_by_slug(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<Organization>> {
    const BY_SLUG: &str = sql!("SELECT ", COLUMNS, " FROM organizations WHERE slug = $1");
    Ok(on!(conn, |c| sqlx::query_as::<_, Organization>(BY_SLUG)
        .bind(slug)
        .fetch_optional(&mut *c)
        .await?))
}

pub async fn find(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Organization>> {
    const BY_ID: &str = sql!("SELECT ", COLUMNS, " FROM organizations WHERE id = $1");
    Ok(on!(conn, |c| sqlx::query_as::<_, Organization>(BY_ID)
        .bind(id)
        .fetch_optional(&mut *c)
        .await?))
}

pub async fn list(conn: impl Into<Conn<'_>>) -> Result<Vec<Organization>> {
    const ALL: &str = sql!("SELECT ", COLUMNS, " FROM organizations ORDER BY title_en");
    Ok(on!(conn, |c| sqlx::query_as::<_, Organization>(ALL)
        .fetch_all(&mut *c)
        .await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Ministry of Health"), "ministry-of-health");
        assert_eq!(slugify("Ministère de l'Énergie"), "ministere-de-l-energie");
        assert_eq!(
            slugify("Agriculture, Food & Rural Affairs"),
            "agriculture-food-and-rural-affairs"
        );
        assert!(valid_slug("ministry-of-health"));
        assert!(!valid_slug("Bad Slug"));
    }
}
