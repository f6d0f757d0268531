//! Commitments and other items: the records, their validation, creation, edits and deletion,
//! and reads.

use platform::db::{Audited, BindAll, BindBilingual, Conn, OnViolation};
use platform::error::{FieldError, Msg};
use platform::orgs;
use platform::{Actor, Bilingual, Db, Error, Lang, Result, Tx, exec, on, read, sql};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::model::{Kind, OgpValue, OriginStep, Status};

use super::evidence::{check_link, external_url_ok};
use super::milestones::{CheckedMilestone, MilestoneInput, check_milestone, insert_milestone};
use super::origins::{check_origin, set_origin_ideas};
use super::plans::plan_by_slug;
use super::themes::set_themes;
use super::{free_slug, is_blank, scale, trimmed};

/// The relevance of a commitment to one OGP value, with the plan's text about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ValueRelevance {
    pub value: OgpValue,
    pub relevant: bool,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub text: Bilingual,
}

/// The responsible team's contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub role: Bilingual,
    #[serde(default)]
    pub email: String,
}

/// A commitment of an action plan (every field of the OGP template) or a government project.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: Uuid,
    pub kind: Kind,
    pub slug: String,
    pub plan_id: Option<Uuid>,
    /// The commitment's number in its plan ("1", "2.3").
    pub number: String,
    pub position: i64,
    /// OGP's "Commitment Unique Identifier", when OGP gave one.
    pub ogp_id: String,
    /// The lead organization.
    pub organization_id: Uuid,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub short_title: Bilingual,
    /// The responsible department or team, as the plan names it.
    #[schema(value_type = crate::api::BilingualDoc)]
    pub lead_team: Bilingual,
    pub contact: Contact,
    /// Other actors involved: government (one per line).
    #[schema(value_type = crate::api::BilingualDoc)]
    pub actors_government: Bilingual,
    /// Other actors involved: civil society and private sector (one per line).
    #[schema(value_type = crate::api::BilingualDoc)]
    pub actors_civil_society: Bilingual,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub status_quo: Bilingual,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub objective: Bilingual,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub description: Bilingual,
    /// What the plan says before the values one by one.
    #[schema(value_type = crate::api::BilingualDoc)]
    pub values_intro: Bilingual,
    /// The four OGP values, always in the same order.
    pub values: Vec<ValueRelevance>,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub ambition: Bilingual,
    /// Set by the team: on hold or withdrawn. Otherwise the status follows from the milestones.
    pub status_override: Option<Status>,
    /// Where the commitment came from: process, ideas, votes, workshops.
    pub origin: Vec<OriginStep>,
    /// The co-creation process of open dialogue it came from, if any.
    pub origin_process_id: Option<Uuid>,
    /// The commitment's page elsewhere (OGP's "URL"), when it has one.
    pub source_url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Item {
    pub fn value(&self, v: OgpValue) -> Option<&ValueRelevance> {
        self.values.iter().find(|r| r.value == v)
    }
    /// Whether the plan says anything about the OGP values.
    pub fn has_values(&self) -> bool {
        !is_blank(&self.values_intro)
            || self.values.iter().any(|v| v.relevant || !is_blank(&v.text))
    }
    /// Whether other actors are named.
    pub fn has_actors(&self) -> bool {
        !is_blank(&self.actors_government) || !is_blank(&self.actors_civil_society)
    }
    /// The path of its page after the language prefix.
    pub fn path(&self) -> String {
        format!("/tracker/{}/{}", self.kind.segment(), self.slug)
    }
    /// The title people see in lists: the short title when there is one.
    pub fn label(&self) -> &Bilingual {
        if self.short_title.en.trim().is_empty() && self.short_title.fr.trim().is_empty() {
            &self.title
        } else {
            &self.short_title
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ItemRow {
    id: Uuid,
    kind: String,
    slug: String,
    plan_id: Option<Uuid>,
    number: String,
    position: i64,
    ogp_id: String,
    organization_id: Uuid,
    title_en: String,
    title_fr: String,
    short_title_en: String,
    short_title_fr: String,
    lead_team_en: String,
    lead_team_fr: String,
    contact_name: String,
    contact_role_en: String,
    contact_role_fr: String,
    contact_email: String,
    actors_government_en: String,
    actors_government_fr: String,
    actors_civil_society_en: String,
    actors_civil_society_fr: String,
    status_quo_en: String,
    status_quo_fr: String,
    objective_en: String,
    objective_fr: String,
    description_en: String,
    description_fr: String,
    values_intro_en: String,
    values_intro_fr: String,
    value_access_information: bool,
    value_access_information_en: String,
    value_access_information_fr: String,
    value_civic_participation: bool,
    value_civic_participation_en: String,
    value_civic_participation_fr: String,
    value_public_accountability: bool,
    value_public_accountability_en: String,
    value_public_accountability_fr: String,
    value_technology: bool,
    value_technology_en: String,
    value_technology_fr: String,
    ambition_en: String,
    ambition_fr: String,
    status_override: Option<String>,
    origin: Json<Vec<OriginStep>>,
    origin_process_id: Option<Uuid>,
    source_url: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

/// How the audit log names an item (`tracker.item.create`, `tracker.item.import`, …).
pub const ITEM: Audited = Audited::new("tracker.item", "tracker_item");

pub(super) const ITEM_COLUMNS: &str = "i.id, i.kind, i.slug, i.plan_id, i.number, i.position, i.ogp_id, i.organization_id, \
    i.title_en, i.title_fr, i.short_title_en, i.short_title_fr, i.lead_team_en, i.lead_team_fr, \
    i.contact_name, i.contact_role_en, i.contact_role_fr, i.contact_email, \
    i.actors_government_en, i.actors_government_fr, i.actors_civil_society_en, i.actors_civil_society_fr, \
    i.status_quo_en, i.status_quo_fr, i.objective_en, i.objective_fr, i.description_en, i.description_fr, \
    i.values_intro_en, i.values_intro_fr, \
    i.value_access_information, i.value_access_information_en, i.value_access_information_fr, \
    i.value_civic_participation, i.value_civic_participation_en, i.value_civic_participation_fr, \
    i.value_public_accountability, i.value_public_accountability_en, i.value_public_accountability_fr, \
    i.value_technology, i.value_technology_en, i.value_technology_fr, \
    i.ambition_en, i.ambition_fr, i.status_override, i.origin, i.origin_process_id, i.source_url, i.created_at, i.updated_at";

impl From<ItemRow> for Item {
    fn from(r: ItemRow) -> Item {
        let values = vec![
            ValueRelevance {
                value: OgpValue::AccessInformation,
                relevant: r.value_access_information,
                text: Bilingual::new(r.value_access_information_en, r.value_access_information_fr),
            },
            ValueRelevance {
                value: OgpValue::CivicParticipation,
                relevant: r.value_civic_participation,
                text: Bilingual::new(
                    r.value_civic_participation_en,
                    r.value_civic_participation_fr,
                ),
            },
            ValueRelevance {
                value: OgpValue::PublicAccountability,
                relevant: r.value_public_accountability,
                text: Bilingual::new(
                    r.value_public_accountability_en,
                    r.value_public_accountability_fr,
                ),
            },
            ValueRelevance {
                value: OgpValue::Technology,
                relevant: r.value_technology,
                text: Bilingual::new(r.value_technology_en, r.value_technology_fr),
            },
        ];
        Item {
            id: r.id,
            kind: Kind::parse(&r.kind).unwrap_or(Kind::Project),
            slug: r.slug,
            plan_id: r.plan_id,
            number: r.number,
            position: r.position,
            ogp_id: r.ogp_id,
            organization_id: r.organization_id,
            title: Bilingual::new(r.title_en, r.title_fr),
            short_title: Bilingual::new(r.short_title_en, r.short_title_fr),
            lead_team: Bilingual::new(r.lead_team_en, r.lead_team_fr),
            contact: Contact {
                name: r.contact_name,
                role: Bilingual::new(r.contact_role_en, r.contact_role_fr),
                email: r.contact_email,
            },
            actors_government: Bilingual::new(r.actors_government_en, r.actors_government_fr),
            actors_civil_society: Bilingual::new(
                r.actors_civil_society_en,
                r.actors_civil_society_fr,
            ),
            status_quo: Bilingual::new(r.status_quo_en, r.status_quo_fr),
            objective: Bilingual::new(r.objective_en, r.objective_fr),
            description: Bilingual::new(r.description_en, r.description_fr),
            values_intro: Bilingual::new(r.values_intro_en, r.values_intro_fr),
            values,
            ambition: Bilingual::new(r.ambition_en, r.ambition_fr),
            status_override: r.status_override.as_deref().and_then(Status::parse),
            origin: r.origin.0,
            origin_process_id: r.origin_process_id,
            source_url: r.source_url,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A commitment or project as sent.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemInput {
    /// `commitment` or `project`.
    pub kind: String,
    /// Made from the short title or title when absent.
    #[serde(default)]
    pub slug: String,
    /// The action plan's slug; commitments need one.
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub ogp_id: String,
    /// The lead organization's slug.
    pub organization: String,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub short_title: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub lead_team: Bilingual,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub actors_government: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub actors_civil_society: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub status_quo: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub objective: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub description: Bilingual,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub values_intro: Bilingual,
    /// Any of the four values; those left out are not relevant.
    #[serde(default)]
    pub values: Vec<ValueRelevance>,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub ambition: Bilingual,
    /// `on_hold` or `withdrawn`; empty (or null, as items are read) to follow the milestones.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub status_override: String,
    /// Theme slugs.
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub origin: Vec<OriginStep>,
    /// The slug of the co-creation process (open dialogue) it came from.
    #[serde(default)]
    pub origin_process: String,
    /// The ideas of that process it came from (their ids), in order.
    #[serde(default)]
    pub origin_ideas: Vec<Uuid>,
    #[serde(default)]
    pub source_url: String,
    /// Milestones to create with the item (ignored when an item is changed: milestones have
    /// their own forms and endpoints).
    #[serde(default)]
    pub milestones: Vec<MilestoneInput>,
}

/// Reads `null` as an empty text, so that an item as the API shows it can be sent back.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn valid_email(email: &str) -> bool {
    platform::auth::valid_email(&platform::auth::normalize_email(email))
}

async fn org_by_slug(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<Uuid>> {
    Ok(on!(conn, |c| {
        sqlx::query_scalar::<_, Uuid>("SELECT id FROM organizations WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    }))
}

/// An item whose fields have been checked, ready to store.
struct CheckedItem {
    kind: Kind,
    slug: Option<String>,
    plan_id: Option<Uuid>,
    organization_id: Uuid,
    status_override: Option<Status>,
    origin_process_id: Option<Uuid>,
    milestones: Vec<CheckedMilestone>,
}

/// Checks an item as sent; `existing` is the item being changed, whose number it may keep.
async fn check_item(tx: &mut Tx, input: &ItemInput, existing: Option<Uuid>) -> Result<CheckedItem> {
    let mut errors = Vec::new();
    let kind = scale(
        &mut errors,
        "kind",
        &input.kind,
        Kind::parse,
        "tracker-error-kind",
    );
    if input.kind.trim().is_empty() {
        errors.push(FieldError::new("kind", "error-required"));
    }
    if is_blank(&input.title) {
        errors.push(FieldError::new("title", "error-required"));
    }
    let slug = input.slug.trim();
    if !slug.is_empty() && !orgs::valid_slug(slug) {
        errors.push(FieldError::new("slug", "error-slug-invalid"));
    }
    let organization_id = if input.organization.trim().is_empty() {
        errors.push(FieldError::new("organization", "error-required"));
        None
    } else {
        let id = org_by_slug(&mut *tx, input.organization.trim()).await?;
        if id.is_none() {
            errors.push(FieldError::with(
                "organization",
                Msg::new("tracker-error-organization-unknown")
                    .arg("value", input.organization.trim()),
            ));
        }
        id
    };
    let plan_id = if input.plan.trim().is_empty() {
        if kind == Some(Kind::Commitment) {
            errors.push(FieldError::new("plan", "tracker-error-plan-required"));
        }
        None
    } else {
        let plan = plan_by_slug(&mut *tx, input.plan.trim()).await?;
        if plan.is_none() {
            errors.push(FieldError::with(
                "plan",
                Msg::new("tracker-error-plan-unknown").arg("value", input.plan.trim()),
            ));
        }
        plan.map(|p| p.id)
    };
    if kind == Some(Kind::Commitment) && input.number.trim().is_empty() {
        errors.push(FieldError::new("number", "error-required"));
    }
    if let Some(plan_id) = plan_id
        && !input.number.trim().is_empty()
    {
        let taken: i64 = exec!(tx, |c| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM tracker_items WHERE plan_id = $1 AND number = $2 AND id <> $3",
            )
            .bind(plan_id)
            .bind(input.number.trim())
            .bind(existing.unwrap_or(Uuid::nil()))
            .fetch_one(&mut *c)
            .await?
        });
        if taken > 0 {
            errors.push(FieldError::new("number", "tracker-error-number-taken"));
        }
    }
    if !input.contact.email.trim().is_empty() && !valid_email(&input.contact.email) {
        errors.push(FieldError::new("contact.email", "error-email-invalid"));
    }
    let status_override = if input.status_override.trim().is_empty() {
        None
    } else {
        let s = Status::parse(&input.status_override).filter(|s| Status::SETTABLE.contains(s));
        if s.is_none() {
            errors.push(FieldError::with(
                "status_override",
                Msg::new("tracker-error-status").arg("value", input.status_override.trim()),
            ));
        }
        s
    };
    for theme in &input.themes {
        let known: i64 = exec!(tx, |c| {
            sqlx::query_scalar("SELECT COUNT(*) FROM tracker_themes WHERE slug = $1")
                .bind(theme)
                .fetch_one(&mut *c)
                .await?
        });
        if known == 0 {
            errors.push(FieldError::with(
                "themes",
                Msg::new("tracker-error-theme-unknown").arg("value", theme),
            ));
        }
    }
    for (i, step) in input.origin.iter().enumerate() {
        if !step.url.is_empty()
            && let Some(problem) = check_link(tx, &step.url).await?
        {
            errors.push(FieldError::with(format!("origin[{i}].url"), problem));
        }
    }
    let origin_process_id = check_origin(tx, input, &mut errors).await?;
    if !input.source_url.trim().is_empty() && !external_url_ok(input.source_url.trim()) {
        errors.push(FieldError::with(
            "source_url",
            Msg::new("tracker-error-url").arg("url", input.source_url.trim()),
        ));
    }
    let mut milestones = Vec::new();
    for (i, m) in input.milestones.iter().enumerate() {
        if let Some(ok) = check_milestone(tx, m, &format!("milestones[{i}]."), &mut errors).await? {
            milestones.push(ok);
        }
    }
    match (kind, organization_id) {
        (Some(kind), Some(organization_id)) if errors.is_empty() => Ok(CheckedItem {
            kind,
            slug: (!slug.is_empty()).then(|| slug.to_string()),
            plan_id,
            organization_id,
            status_override,
            origin_process_id,
            milestones,
        }),
        _ => Err(Error::Validation(errors)),
    }
}

fn value_of(input: &ItemInput, v: OgpValue) -> ValueRelevance {
    input
        .values
        .iter()
        .find(|r| r.value == v)
        .cloned()
        .unwrap_or(ValueRelevance {
            value: v,
            relevant: false,
            text: Bilingual::default(),
        })
}

/// The columns an item's write sets, in the order [`write_item`] binds them (`$2` to `$49`, after
/// the id): one list for the INSERT and the UPDATE.
const ITEM_WRITE_COLUMNS: &str = "kind, slug, plan_id, number, position, ogp_id, organization_id, title_en, title_fr, \
    short_title_en, short_title_fr, lead_team_en, lead_team_fr, contact_name, contact_role_en, \
    contact_role_fr, contact_email, actors_government_en, actors_government_fr, \
    actors_civil_society_en, actors_civil_society_fr, status_quo_en, status_quo_fr, objective_en, \
    objective_fr, description_en, description_fr, values_intro_en, values_intro_fr, \
    value_access_information, value_access_information_en, value_access_information_fr, \
    value_civic_participation, value_civic_participation_en, value_civic_participation_fr, \
    value_public_accountability, value_public_accountability_en, value_public_accountability_fr, \
    value_technology, value_technology_en, value_technology_fr, ambition_en, ambition_fr, \
    status_override, origin, origin_process_id, source_url, updated_at";
const ITEM_WRITE_VALUES: &str = "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, \
    $41, $42, $43, $44, $45, $46, $47, $48, $49";
/// A new item: its `created_at` is its first `updated_at` (`$49`).
const INSERT_ITEM: &str = sql!(
    "INSERT INTO tracker_items (id, ",
    ITEM_WRITE_COLUMNS,
    ", created_at) VALUES ($1, ",
    ITEM_WRITE_VALUES,
    ", $49)"
);
const UPDATE_ITEM: &str = sql!(
    "UPDATE tracker_items SET (",
    ITEM_WRITE_COLUMNS,
    ") = (",
    ITEM_WRITE_VALUES,
    ") WHERE id = $1"
);

/// Inserts an item, or replaces every field of the item with its id.
async fn write_item(
    tx: &mut Tx,
    item: &Item,
    insert: bool,
) -> std::result::Result<u64, sqlx::Error> {
    let sql = if insert { INSERT_ITEM } else { UPDATE_ITEM };
    let v = |x: OgpValue| item.value(x).cloned().expect("all four values");
    let (va, vc, vp, vt) = (
        v(OgpValue::AccessInformation),
        v(OgpValue::CivicParticipation),
        v(OgpValue::PublicAccountability),
        v(OgpValue::Technology),
    );
    let result = exec!(tx, |c| {
        sqlx::query(sql)
            .bind(item.id)
            .bind(item.kind.as_str())
            .bind(&item.slug)
            .bind(item.plan_id)
            .bind(&item.number)
            .bind(item.position)
            .bind(&item.ogp_id)
            .bind(item.organization_id)
            .bind_bilingual(&item.title)
            .bind_bilingual(&item.short_title)
            .bind_bilingual(&item.lead_team)
            .bind(&item.contact.name)
            .bind_bilingual(&item.contact.role)
            .bind(&item.contact.email)
            .bind_bilingual(&item.actors_government)
            .bind_bilingual(&item.actors_civil_society)
            .bind_bilingual(&item.status_quo)
            .bind_bilingual(&item.objective)
            .bind_bilingual(&item.description)
            .bind_bilingual(&item.values_intro)
            .bind(va.relevant)
            .bind_bilingual(&va.text)
            .bind(vc.relevant)
            .bind_bilingual(&vc.text)
            .bind(vp.relevant)
            .bind_bilingual(&vp.text)
            .bind(vt.relevant)
            .bind_bilingual(&vt.text)
            .bind_bilingual(&item.ambition)
            .bind(item.status_override.map(|s| s.as_str()))
            .bind(Json(&item.origin))
            .bind(item.origin_process_id)
            .bind(&item.source_url)
            .bind(item.updated_at)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    });
    result
}

/// Where a commitment sorts in its plan: by the first part of its number ("2" of "2.3").
async fn plan_position(tx: &mut Tx, plan_id: Option<Uuid>, number: &str) -> Result<i64> {
    let Some(plan_id) = plan_id else {
        return Ok(0);
    };
    if let Some(n) = number
        .trim()
        .split('.')
        .next()
        .and_then(|n| n.parse::<i64>().ok())
    {
        return Ok(n);
    }
    let count: i64 = exec!(tx, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM tracker_items WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_one(&mut *c)
            .await?
    });
    Ok(count + 1)
}

/// An item from checked input.
fn build_item(
    input: &ItemInput,
    checked: &CheckedItem,
    id: Uuid,
    slug: String,
    position: i64,
    created_at: OffsetDateTime,
) -> Item {
    Item {
        id,
        kind: checked.kind,
        slug,
        plan_id: checked.plan_id,
        number: input.number.trim().to_string(),
        position,
        ogp_id: input.ogp_id.trim().to_string(),
        organization_id: checked.organization_id,
        title: trimmed(&input.title),
        short_title: trimmed(&input.short_title),
        lead_team: trimmed(&input.lead_team),
        contact: Contact {
            name: input.contact.name.trim().to_string(),
            role: trimmed(&input.contact.role),
            email: input.contact.email.trim().to_string(),
        },
        actors_government: trimmed(&input.actors_government),
        actors_civil_society: trimmed(&input.actors_civil_society),
        status_quo: trimmed(&input.status_quo),
        objective: trimmed(&input.objective),
        description: trimmed(&input.description),
        values_intro: trimmed(&input.values_intro),
        values: OgpValue::ALL.iter().map(|v| value_of(input, *v)).collect(),
        ambition: trimmed(&input.ambition),
        status_override: checked.status_override,
        origin: input.origin.clone(),
        origin_process_id: checked.origin_process_id,
        source_url: input.source_url.trim().to_string(),
        created_at,
        updated_at: platform::db::now(),
    }
}

/// Creates a commitment or project with its milestones and their evidence.
pub async fn create_item(tx: &mut Tx, actor: &Actor, input: ItemInput) -> Result<Item> {
    let checked = check_item(tx, &input, None).await?;
    let slug = match &checked.slug {
        Some(s) => s.clone(),
        None => {
            let label = if is_blank(&input.short_title) {
                &input.title
            } else {
                &input.short_title
            };
            let base = if label.en.trim().is_empty() {
                label.fr.clone()
            } else {
                label.en.clone()
            };
            free_slug(tx, &base, false).await?
        }
    };
    let position = plan_position(tx, checked.plan_id, &input.number).await?;
    let item = build_item(
        &input,
        &checked,
        Uuid::now_v7(),
        slug,
        position,
        platform::db::now(),
    );
    write_item(tx, &item, true)
        .await
        .on_unique(|_| Error::field("slug", "error-slug-taken"))?;
    set_themes(tx, item.id, &input.themes).await?;
    set_origin_ideas(tx, item.id, &input.origin_ideas).await?;
    for (i, m) in checked.milestones.iter().enumerate() {
        insert_milestone(tx, item.id, i as i64 + 1, m).await?;
    }
    tx.audit_created(actor, ITEM, item.id, &item).await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(item)
}

/// Changes every field of a commitment or project (not its kind, slug or milestones: those have
/// their own forms). Nothing is stored unless every field is right.
pub async fn update_item(
    tx: &mut Tx,
    actor: &Actor,
    before: &Item,
    mut input: ItemInput,
) -> Result<Item> {
    let kind = input.kind.trim();
    if !kind.is_empty() && Kind::parse(kind) != Some(before.kind) {
        return Err(Error::field("kind", "tracker-error-kind-fixed"));
    }
    input.kind = before.kind.as_str().into();
    input.slug = String::new();
    input.milestones = Vec::new();
    let checked = check_item(tx, &input, Some(before.id)).await?;
    let position = if checked.plan_id == before.plan_id && input.number.trim() == before.number {
        before.position
    } else {
        plan_position(tx, checked.plan_id, &input.number).await?
    };
    let item = build_item(
        &input,
        &checked,
        before.id,
        before.slug.clone(),
        position,
        before.created_at,
    );
    write_item(tx, &item, false).await?;
    set_themes(tx, item.id, &input.themes).await?;
    set_origin_ideas(tx, item.id, &input.origin_ideas).await?;
    tx.audit_updated(actor, ITEM, item.id, before, &item)
        .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(item)
}

/// Deletes a commitment or project: it leaves every page, list, feed and search, and keeps its
/// milestones, evidence, updates and assessments until an administrator restores it
/// (`store::restore_item`).
pub async fn delete_item(tx: &mut Tx, actor: &Actor, item: &Item) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("UPDATE tracker_items SET deleted_at = $1 WHERE id = $2")
            .bind(platform::db::now())
            .bind(item.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    tx.audit_deleted(actor, ITEM, item.id, item).await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(())
}

pub async fn item_by_slug(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<Item>> {
    let row = on!(conn, |c| {
        sqlx::query_as::<_, ItemRow>(sql!(
            "SELECT ",
            ITEM_COLUMNS,
            " FROM tracker_items i WHERE i.slug = $1 AND i.deleted_at IS NULL"
        ))
        .bind(slug)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(row.map(Item::from))
}

/// The organizations that lead at least one item.
pub async fn organizations_in_use(db: &Db) -> Result<std::collections::BTreeSet<Uuid>> {
    let ids: Vec<Uuid> = read!(db, |c| {
        sqlx::query_scalar(
            "SELECT DISTINCT organization_id FROM tracker_items WHERE deleted_at IS NULL",
        )
        .fetch_all(&mut *c)
        .await?
    });
    Ok(ids.into_iter().collect())
}

/// Item ids in id order after `after`, for walking every item in batches.
pub async fn ids_after(db: &Db, after: Option<Uuid>, limit: i64) -> Result<Vec<Uuid>> {
    Ok(read!(db, |c| {
        sqlx::query_scalar(
            "SELECT id FROM tracker_items WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
    }))
}

pub async fn count_items(db: &Db) -> Result<i64> {
    Ok(read!(db, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM tracker_items WHERE deleted_at IS NULL")
            .fetch_one(&mut *c)
            .await?
    }))
}

/// The commitment an OGP import row names: by OGP's identifier, else by our id (`by_id`), else by
/// its plan and number.
pub async fn find_commitment(
    conn: impl Into<Conn<'_>>,
    identifier: &str,
    by_id: Option<Uuid>,
    plan_id: Uuid,
    number: &str,
) -> Result<Option<Uuid>> {
    Ok(on!(conn, |c| {
        sqlx::query_scalar(
            "SELECT id FROM tracker_items WHERE kind = 'commitment' AND \
             (($1 <> '' AND ogp_id = $1) OR id = $2 OR (plan_id = $3 AND number = $4)) \
             ORDER BY CASE WHEN $1 <> '' AND ogp_id = $1 THEN 0 WHEN id = $2 THEN 1 ELSE 2 END LIMIT 1",
        )
        .bind(identifier)
        .bind(by_id)
        .bind(plan_id)
        .bind(number)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// The slug of an item's lead organization.
pub async fn lead_organization_slug(
    conn: impl Into<Conn<'_>>,
    item: Uuid,
) -> Result<Option<String>> {
    Ok(on!(conn, |c| {
        sqlx::query_scalar(
            "SELECT o.slug FROM tracker_items i JOIN organizations o ON o.id = i.organization_id WHERE i.id = $1",
        )
        .bind(item)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// What an OGP import sets on a commitment that exists: its identifiers, lead organization (by
/// slug), values and page elsewhere, and its texts in the import's language only.
pub struct ImportedCommitment<'a> {
    pub ogp_id: &'a str,
    pub number: &'a str,
    pub organization: &'a str,
    pub title: &'a str,
    pub short_title: &'a str,
    pub description: &'a str,
    pub actors_government: &'a str,
    pub actors_civil_society: &'a str,
    /// Access to information, civic participation, public accountability, technology.
    pub values: [bool; 4],
    pub source_url: &'a str,
}

/// The UPDATE of [`update_imported`] for the texts of one language, `$1` being the item's id.
macro_rules! update_imported_sql {
    ($lang:literal) => {
        sql!(
            "UPDATE tracker_items SET ogp_id = $2, organization_id = (SELECT id FROM organizations WHERE slug = $3), \
             title_", $lang, " = $4, short_title_", $lang, " = $5, description_", $lang, " = $6, \
             actors_government_", $lang, " = $7, actors_civil_society_", $lang, " = $8, \
             value_access_information = $9, value_civic_participation = $10, value_public_accountability = $11, \
             value_technology = $12, source_url = $13, number = $14, updated_at = $15 WHERE id = $1"
        )
    };
}

/// Writes what an OGP import read for commitment `id`, leaving its texts in the other language
/// as they are. The caller records it in the audit and change logs.
pub async fn update_imported(
    tx: &mut Tx,
    id: Uuid,
    lang: Lang,
    imported: &ImportedCommitment<'_>,
) -> Result<()> {
    let update = match lang {
        Lang::En => update_imported_sql!("en"),
        Lang::Fr => update_imported_sql!("fr"),
    };
    let c = imported;
    exec!(tx, |conn| {
        sqlx::query(update)
            .bind(id)
            .bind(c.ogp_id)
            .bind(c.organization)
            .bind(c.title)
            .bind(c.short_title)
            .bind(c.description)
            .bind(c.actors_government)
            .bind(c.actors_civil_society)
            .bind_all(c.values)
            .bind(c.source_url)
            .bind(c.number)
            .bind(platform::db::now())
            .execute(&mut *conn)
            .await?
            .rows_affected()
    });
    Ok(())
}
