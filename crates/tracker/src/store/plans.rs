//! Action plans: the records, their validation, creation and edits, and reads.

use std::collections::HashMap;

use platform::db::{Audited, BindBilingual, Conn, OnViolation};
use platform::error::{FieldError, Msg};
use platform::orgs;
use platform::{Actor, Bilingual, Db, Error, Result, Tx, exec, on, read, sql};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{free_slug, is_blank, trimmed};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: Uuid,
    pub slug: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub summary: Bilingual,
    /// OGP's "Country/Locality".
    pub country: String,
    pub region: String,
    /// OGP's "Action Plan Number".
    pub plan_number: i64,
    /// OGP's "Year Of Submission".
    pub year_submitted: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Set when the plan is archived: it is kept and shown as past, no longer current.
    #[serde(with = "time::serde::rfc3339::option")]
    pub archived_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: Uuid,
    slug: String,
    title_en: String,
    title_fr: String,
    summary_en: String,
    summary_fr: String,
    country: String,
    region: String,
    plan_number: i64,
    year_submitted: Option<i64>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    archived_at: Option<OffsetDateTime>,
}

impl From<PlanRow> for Plan {
    fn from(r: PlanRow) -> Plan {
        Plan {
            id: r.id,
            slug: r.slug,
            title: Bilingual::new(r.title_en, r.title_fr),
            summary: Bilingual::new(r.summary_en, r.summary_fr),
            country: r.country,
            region: r.region,
            plan_number: r.plan_number,
            year_submitted: r.year_submitted,
            created_at: r.created_at,
            updated_at: r.updated_at,
            archived_at: r.archived_at,
        }
    }
}

const PLAN_COLUMNS: &str = "id, slug, title_en, title_fr, summary_en, summary_fr, country, region, plan_number, year_submitted, created_at, updated_at, archived_at";

pub(super) const PLAN: Audited = Audited::new("tracker.plan", "tracker_plan");

/// A new action plan.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    /// Made from the title when absent.
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub summary: Bilingual,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub region: String,
    pub plan_number: i64,
    #[serde(default)]
    pub year_submitted: Option<i64>,
}

/// What is wrong with a plan as sent, field by field.
fn check_plan(input: &PlanInput) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if is_blank(&input.title) {
        errors.push(FieldError::new("title", "error-required"));
    }
    if !input.slug.is_empty() && !orgs::valid_slug(&input.slug) {
        errors.push(FieldError::new("slug", "error-slug-invalid"));
    }
    if !(1..=1000).contains(&input.plan_number) {
        errors.push(FieldError::with(
            "plan_number",
            Msg::new("error-out-of-range")
                .arg("min", 1)
                .arg("max", 1000),
        ));
    }
    if let Some(y) = input.year_submitted
        && !(1900..=2999).contains(&y)
    {
        errors.push(FieldError::with(
            "year_submitted",
            Msg::new("error-out-of-range")
                .arg("min", 1900)
                .arg("max", 2999),
        ));
    }
    errors
}

pub async fn create_plan(tx: &mut Tx, actor: &Actor, input: PlanInput) -> Result<Plan> {
    let errors = check_plan(&input);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let slug = if input.slug.is_empty() {
        let base = if input.title.en.trim().is_empty() {
            &input.title.fr
        } else {
            &input.title.en
        };
        free_slug(tx, base, true).await?
    } else {
        input.slug.clone()
    };
    let at = platform::db::now();
    let plan = Plan {
        id: Uuid::now_v7(),
        slug,
        title: trimmed(&input.title),
        summary: Bilingual::new(input.summary.en.trim(), input.summary.fr.trim()),
        country: input.country.trim().to_string(),
        region: input.region.trim().to_string(),
        plan_number: input.plan_number,
        year_submitted: input.year_submitted,
        created_at: at,
        updated_at: at,
        archived_at: None,
    };
    write_plan(tx, &plan, true)
        .await
        .on_unique(|_| Error::field("slug", "tracker-error-plan-taken"))?;
    tx.audit_created(actor, PLAN, plan.id, &plan).await?;
    Ok(plan)
}

/// Changes a plan's title, summary, country, region, number and year (not its slug).
pub async fn update_plan(
    tx: &mut Tx,
    actor: &Actor,
    before: &Plan,
    input: PlanInput,
) -> Result<Plan> {
    let errors = check_plan(&PlanInput {
        slug: String::new(),
        ..input.clone()
    });
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let plan = Plan {
        title: trimmed(&input.title),
        summary: trimmed(&input.summary),
        country: input.country.trim().to_string(),
        region: input.region.trim().to_string(),
        plan_number: input.plan_number,
        year_submitted: input.year_submitted,
        updated_at: platform::db::now(),
        ..before.clone()
    };
    write_plan(tx, &plan, false)
        .await
        .on_unique(|_| Error::field("plan_number", "tracker-error-plan-taken"))?;
    tx.audit_updated(actor, PLAN, plan.id, before, &plan)
        .await?;
    Ok(plan)
}

/// The columns a plan's write sets, in the order [`write_plan`] binds them (`$2` to `$11`, after
/// the id): one list for the INSERT and the UPDATE. An update leaves the slug as it was.
const PLAN_WRITE_COLUMNS: &str = "slug, title_en, title_fr, summary_en, summary_fr, country, region, plan_number, \
    year_submitted, updated_at";
const PLAN_WRITE_VALUES: &str = "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11";
/// A new plan: its `created_at` is its first `updated_at` (`$11`).
const INSERT_PLAN: &str = sql!(
    "INSERT INTO tracker_plans (id, ",
    PLAN_WRITE_COLUMNS,
    ", created_at) VALUES ($1, ",
    PLAN_WRITE_VALUES,
    ", $11)"
);
const UPDATE_PLAN: &str = sql!(
    "UPDATE tracker_plans SET (",
    PLAN_WRITE_COLUMNS,
    ") = (",
    PLAN_WRITE_VALUES,
    ") WHERE id = $1"
);

/// Inserts a plan, or replaces every field of the plan with its id.
async fn write_plan(
    tx: &mut Tx,
    plan: &Plan,
    insert: bool,
) -> std::result::Result<u64, sqlx::Error> {
    let write = if insert { INSERT_PLAN } else { UPDATE_PLAN };
    exec!(tx, |c| {
        sqlx::query(write)
            .bind(plan.id)
            .bind(&plan.slug)
            .bind_bilingual(&plan.title)
            .bind_bilingual(&plan.summary)
            .bind(&plan.country)
            .bind(&plan.region)
            .bind(plan.plan_number)
            .bind(plan.year_submitted)
            .bind(plan.updated_at)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })
}

pub async fn plans(db: &Db) -> Result<Vec<Plan>> {
    let rows = read!(db, |c| {
        sqlx::query_as::<_, PlanRow>(sql!(
            "SELECT ",
            PLAN_COLUMNS,
            " FROM tracker_plans WHERE deleted_at IS NULL ORDER BY year_submitted DESC, plan_number DESC, title_en"
        ))
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows.into_iter().map(Plan::from).collect())
}

pub async fn plan_by_slug(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<Plan>> {
    plan_where(conn, PlanKey::Slug(slug)).await
}

pub async fn plan_by_id(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Plan>> {
    plan_where(conn, PlanKey::Id(id)).await
}

#[derive(Clone, Copy)]
enum PlanKey<'a> {
    Slug(&'a str),
    Id(Uuid),
}

async fn plan_where(conn: impl Into<Conn<'_>>, key: PlanKey<'_>) -> Result<Option<Plan>> {
    const BY_SLUG: &str = sql!(
        "SELECT ",
        PLAN_COLUMNS,
        " FROM tracker_plans WHERE slug = $1 AND deleted_at IS NULL"
    );
    const BY_ID: &str = sql!("SELECT ", PLAN_COLUMNS, " FROM tracker_plans WHERE id = $1");
    let row = on!(conn, |c| {
        let query = match key {
            PlanKey::Slug(slug) => sqlx::query_as::<_, PlanRow>(BY_SLUG).bind(slug),
            PlanKey::Id(id) => sqlx::query_as::<_, PlanRow>(BY_ID).bind(id),
        };
        query.fetch_optional(&mut *c).await?
    });
    Ok(row.map(Plan::from))
}

/// The id and slug of a country's plan with this number, which an OGP import matches on.
pub async fn plan_by_number(
    conn: impl Into<Conn<'_>>,
    country: &str,
    plan_number: i64,
) -> Result<Option<(Uuid, String)>> {
    Ok(on!(conn, |c| {
        sqlx::query_as("SELECT id, slug FROM tracker_plans WHERE country = $1 AND plan_number = $2")
            .bind(country)
            .bind(plan_number)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// Sets a plan's region and year of submission, as an OGP import reads them.
pub async fn set_plan_submission(
    tx: &mut Tx,
    id: Uuid,
    region: &str,
    year_submitted: Option<i64>,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
            "UPDATE tracker_plans SET region = $2, year_submitted = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(region)
        .bind(year_submitted)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// How many commitments each plan has.
pub async fn commitments_per_plan(db: &Db) -> Result<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, i64)> = read!(db, |c| {
        sqlx::query_as(
            "SELECT plan_id, COUNT(*) FROM tracker_items WHERE plan_id IS NOT NULL AND deleted_at IS NULL GROUP BY plan_id",
        )
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows.into_iter().collect())
}
