//! The tracker's records and every read and write of them. Writes validate everything first and
//! then run in the caller's transaction with the audit log, so a refusal stores nothing.

use std::collections::HashMap;

use platform::error::{FieldError, Msg, is_unique_violation};
use platform::orgs::{self, Organization};
use platform::{Actor, Bilingual, Db, Error, Result, Tx, exec, read};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::model::{
    Completion, EvidenceKind, Impact, Kind, Novelty, OgpValue, OpenedGovernment, OriginStep,
    Progress, Specificity, Status, Weighed, When, overdue, today,
};

// ---- records ----

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
        }
    }
}

const PLAN_COLUMNS: &str = "id, slug, title_en, title_fr, summary_en, summary_fr, country, region, plan_number, year_submitted, created_at, updated_at";

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
struct ItemRow {
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

const ITEM_COLUMNS: &str = "i.id, i.kind, i.slug, i.plan_id, i.number, i.position, i.ogp_id, i.organization_id, \
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

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub id: Uuid,
    pub milestone_id: Uuid,
    /// The progress update that added it, if one did.
    pub update_id: Option<Uuid>,
    pub kind: EvidenceKind,
    /// A full web address, or the path of a page of this site.
    pub url: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: Uuid,
    milestone_id: Uuid,
    update_id: Option<Uuid>,
    kind: String,
    url: String,
    title_en: String,
    title_fr: String,
    created_at: OffsetDateTime,
}

impl From<EvidenceRow> for Evidence {
    fn from(r: EvidenceRow) -> Evidence {
        Evidence {
            id: r.id,
            milestone_id: r.milestone_id,
            update_id: r.update_id,
            kind: EvidenceKind::parse(&r.kind).unwrap_or(EvidenceKind::Page),
            url: r.url,
            title: Bilingual::new(r.title_en, r.title_fr),
            created_at: r.created_at,
        }
    }
}

impl Evidence {
    /// The text of the link: its title, or the address.
    pub fn label(&self, lang: platform::Lang) -> &str {
        let t = self.title.get(lang);
        if t.trim().is_empty() { &self.url } else { t }
    }
    /// Where the link goes from a page in `lang`: a page of this site in that language.
    pub fn href(&self, lang: platform::Lang) -> String {
        site_path_in(&self.url, lang)
    }
}

/// A path of this site (`/en/…`) in another language; any other link as it is.
pub fn site_path_in(link: &str, lang: platform::Lang) -> String {
    match link
        .strip_prefix("/en/")
        .or_else(|| link.strip_prefix("/fr/"))
    {
        Some(rest) => format!("/{}/{rest}", lang.code()),
        None => link.to_string(),
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    pub id: Uuid,
    pub item_id: Uuid,
    /// 1, 2, 3… in the order of the plan.
    pub position: i64,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub activity: Bilingual,
    pub novelty: Novelty,
    /// `YYYY-MM-DD`, or `YYYY-MM` for a whole month.
    #[schema(value_type = Option<String>, example = "2017-01")]
    pub start: Option<When>,
    #[schema(value_type = Option<String>, example = "2017-12")]
    pub end: Option<When>,
    pub completion: Completion,
    /// Its share of the commitment's progress; without weights every milestone counts the same.
    pub weight: Option<i64>,
    pub evidence: Vec<Evidence>,
}

impl Weighed for Milestone {
    fn completion(&self) -> Completion {
        self.completion
    }
    fn weight(&self) -> Option<i64> {
        self.weight
    }
}

impl Milestone {
    pub fn overdue(&self) -> bool {
        overdue(self.end, self.completion, today())
    }
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    id: Uuid,
    item_id: Uuid,
    position: i64,
    activity_en: String,
    activity_fr: String,
    novelty: String,
    start_date: Option<Date>,
    start_precision: String,
    end_date: Option<Date>,
    end_precision: String,
    completion: String,
    weight: Option<i64>,
}

const MILESTONE_COLUMNS: &str = "m.id, m.item_id, m.position, m.activity_en, m.activity_fr, m.novelty, m.start_date, m.start_precision, m.end_date, m.end_precision, m.completion, m.weight";

impl From<MilestoneRow> for Milestone {
    fn from(r: MilestoneRow) -> Milestone {
        Milestone {
            id: r.id,
            item_id: r.item_id,
            position: r.position,
            activity: Bilingual::new(r.activity_en, r.activity_fr),
            novelty: Novelty::parse(&r.novelty).unwrap_or(Novelty::New),
            start: When::from_parts(r.start_date, &r.start_precision),
            end: When::from_parts(r.end_date, &r.end_precision),
            completion: Completion::parse(&r.completion).unwrap_or(Completion::NotStarted),
            weight: r.weight,
            evidence: Vec::new(),
        }
    }
}

/// A dated post by the responsible team; it may move one milestone's completion.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Update {
    pub id: Uuid,
    pub item_id: Uuid,
    pub milestone_id: Option<Uuid>,
    pub completion_before: Option<Completion>,
    pub completion_after: Option<Completion>,
    /// The item's status before and after, when this update changed it.
    pub status_before: Option<Status>,
    pub status_after: Option<Status>,
    /// Markdown.
    #[schema(value_type = crate::api::BilingualDoc)]
    pub body: Bilingual,
    /// The name the author shows publicly (may be empty).
    pub author: String,
    /// A sample made up for the demonstration, not a real report.
    pub sample: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub posted_at: OffsetDateTime,
}

impl Update {
    pub fn changed(&self) -> bool {
        self.milestone_id.is_some() && self.completion_after.is_some()
    }
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: Uuid,
    item_id: Uuid,
    milestone_id: Option<Uuid>,
    completion_before: Option<String>,
    completion_after: Option<String>,
    status_before: Option<String>,
    status_after: Option<String>,
    body_en: String,
    body_fr: String,
    author_label: String,
    sample: bool,
    posted_at: OffsetDateTime,
}

const UPDATE_COLUMNS: &str = "u.id, u.item_id, u.milestone_id, u.completion_before, u.completion_after, u.status_before, u.status_after, u.body_en, u.body_fr, u.author_label, u.sample, u.posted_at";

impl From<UpdateRow> for Update {
    fn from(r: UpdateRow) -> Update {
        Update {
            id: r.id,
            item_id: r.item_id,
            milestone_id: r.milestone_id,
            completion_before: r.completion_before.as_deref().and_then(Completion::parse),
            completion_after: r.completion_after.as_deref().and_then(Completion::parse),
            status_before: r.status_before.as_deref().and_then(Status::parse),
            status_after: r.status_after.as_deref().and_then(Status::parse),
            body: Bilingual::new(r.body_en, r.body_fr),
            author: r.author_label,
            sample: r.sample,
            posted_at: r.posted_at,
        }
    }
}

/// An IRM-style assessment of a commitment.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub id: Uuid,
    pub item_id: Uuid,
    pub specificity: Option<Specificity>,
    /// The IRM's newer alternative to specificity.
    pub verifiable: Option<bool>,
    /// The OGP values the assessor found it relevant to.
    pub relevance: Vec<OgpValue>,
    pub potential_impact: Option<Impact>,
    pub completion: Option<Completion>,
    pub opened_government: Option<OpenedGovernment>,
    pub assessor: String,
    #[schema(value_type = String, example = "2018-03-31")]
    #[serde(serialize_with = "iso_date")]
    pub assessed_on: Date,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub notes: Bilingual,
}

fn iso_date<S: serde::Serializer>(d: &Date, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(&When::day(*d))
}

#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: Uuid,
    item_id: Uuid,
    specificity: Option<String>,
    verifiable: Option<bool>,
    relevance_access_information: bool,
    relevance_civic_participation: bool,
    relevance_public_accountability: bool,
    relevance_technology: bool,
    potential_impact: Option<String>,
    completion: Option<String>,
    opened_government: Option<String>,
    assessor: String,
    assessed_on: Date,
    notes_en: String,
    notes_fr: String,
}

impl From<AssessmentRow> for Assessment {
    fn from(r: AssessmentRow) -> Assessment {
        let mut relevance = Vec::new();
        for (on, v) in [
            (r.relevance_access_information, OgpValue::AccessInformation),
            (
                r.relevance_civic_participation,
                OgpValue::CivicParticipation,
            ),
            (
                r.relevance_public_accountability,
                OgpValue::PublicAccountability,
            ),
            (r.relevance_technology, OgpValue::Technology),
        ] {
            if on {
                relevance.push(v);
            }
        }
        Assessment {
            id: r.id,
            item_id: r.item_id,
            specificity: r.specificity.as_deref().and_then(Specificity::parse),
            verifiable: r.verifiable,
            relevance,
            potential_impact: r.potential_impact.as_deref().and_then(Impact::parse),
            completion: r.completion.as_deref().and_then(Completion::parse),
            opened_government: r
                .opened_government
                .as_deref()
                .and_then(OpenedGovernment::parse),
            assessor: r.assessor,
            assessed_on: r.assessed_on,
            notes: Bilingual::new(r.notes_en, r.notes_fr),
        }
    }
}

const ASSESSMENT_COLUMNS: &str = "a.id, a.item_id, a.specificity, a.verifiable, a.relevance_access_information, a.relevance_civic_participation, a.relevance_public_accountability, a.relevance_technology, a.potential_impact, a.completion, a.opened_government, a.assessor, a.assessed_on, a.notes_en, a.notes_fr";

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Theme {
    pub slug: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
}

#[derive(sqlx::FromRow)]
struct ThemeRow {
    slug: String,
    title_en: String,
    title_fr: String,
}

impl From<ThemeRow> for Theme {
    fn from(r: ThemeRow) -> Theme {
        Theme {
            slug: r.slug,
            title: Bilingual::new(r.title_en, r.title_fr),
        }
    }
}

// ---- what people send ----

fn is_blank(b: &Bilingual) -> bool {
    b.en.trim().is_empty() && b.fr.trim().is_empty()
}

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

/// An evidence link: a dataset, a document or a page.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EvidenceInput {
    /// `dataset`, `document` or `page`.
    #[serde(default)]
    pub kind: String,
    /// A full web address (https://…) or the path of a page of this tracker (/en/tracker/…).
    pub url: String,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
}

/// A milestone as sent: dates as `YYYY-MM-DD` or `YYYY-MM`, scales as codes.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MilestoneInput {
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub activity: Bilingual,
    /// `new` or `ongoing`.
    #[serde(default)]
    pub novelty: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// `not_started` (the default), `limited`, `substantial` or `complete`.
    #[serde(default)]
    pub completion: String,
    /// Zero or more; leave out to count every milestone the same.
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
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

/// A progress update as sent.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct UpdateInput {
    /// Markdown, in English, French or both.
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub body: Bilingual,
    /// The milestone it is about (its id), if any.
    #[serde(default)]
    pub milestone: Option<Uuid>,
    /// The milestone's new completion; empty to leave it.
    #[serde(default)]
    pub completion: String,
    #[serde(default)]
    pub evidence: Option<EvidenceInput>,
    /// `on_hold` or `withdrawn` to set the item's status by hand, `follow` to let it follow the
    /// milestones again; empty to leave it.
    #[serde(default)]
    pub status: String,
    /// For demonstration content only.
    #[serde(skip)]
    pub sample: bool,
    /// For demonstration content and imports; otherwise now.
    #[serde(skip)]
    pub posted_at: Option<OffsetDateTime>,
}

/// An IRM-style assessment as sent.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AssessmentInput {
    /// `none`, `low`, `medium`, `high`, or empty.
    #[serde(default)]
    pub specificity: String,
    #[serde(default)]
    pub verifiable: Option<bool>,
    #[serde(default)]
    pub relevance: Vec<OgpValue>,
    /// `none`, `minor`, `moderate`, `transformative`, or empty.
    #[serde(default)]
    pub potential_impact: String,
    /// `not_started`, `limited`, `substantial`, `complete`, or empty.
    #[serde(default)]
    pub completion: String,
    /// `worsened`, `did_not_change`, `marginal`, `major`, `outstanding`, or empty.
    #[serde(default)]
    pub opened_government: String,
    pub assessor: String,
    /// `YYYY-MM-DD`.
    pub assessed_on: String,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub notes: Bilingual,
}

// ---- validation ----

pub const MAX_WEIGHT: i64 = 1000;

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

fn date_field(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<When> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let parsed = When::parse(v);
    if parsed.is_none() {
        errors.push(FieldError::with(
            field,
            Msg::new("tracker-error-date").arg("value", v),
        ));
    }
    parsed
}

/// A milestone whose fields have been checked.
#[derive(Clone, Debug)]
pub struct CheckedMilestone {
    pub activity: Bilingual,
    pub novelty: Novelty,
    pub start: Option<When>,
    pub end: Option<When>,
    pub completion: Completion,
    pub weight: Option<i64>,
    pub evidence: Vec<CheckedEvidence>,
}

#[derive(Clone, Debug)]
pub struct CheckedEvidence {
    pub kind: EvidenceKind,
    pub url: String,
    pub title: Bilingual,
}

/// Checks a milestone; field names start with `prefix` (`"milestones[2]."` in the API, empty
/// on the milestone form).
pub async fn check_milestone(
    tx: &mut Tx,
    input: &MilestoneInput,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<CheckedMilestone>> {
    let before = errors.len();
    if is_blank(&input.activity) {
        errors.push(FieldError::new(
            format!("{prefix}activity"),
            "error-required",
        ));
    }
    let novelty = if input.novelty.trim().is_empty() {
        Some(Novelty::New)
    } else {
        scale(
            errors,
            &format!("{prefix}novelty"),
            &input.novelty,
            Novelty::parse,
            "tracker-error-novelty",
        )
    };
    let start = date_field(errors, &format!("{prefix}start"), &input.start);
    let end = date_field(errors, &format!("{prefix}end"), &input.end);
    if let (Some(s), Some(e)) = (start, end)
        && e.last_day() < s.date
    {
        errors.push(FieldError::new(
            format!("{prefix}end"),
            "tracker-error-end-before-start",
        ));
    }
    let completion = if input.completion.trim().is_empty() {
        Some(Completion::NotStarted)
    } else {
        scale(
            errors,
            &format!("{prefix}completion"),
            &input.completion,
            Completion::parse,
            "tracker-error-completion",
        )
    };
    match input.weight {
        Some(w) if w < 0 => errors.push(FieldError::new(
            format!("{prefix}weight"),
            "tracker-error-weight-negative",
        )),
        Some(w) if w > MAX_WEIGHT => errors.push(FieldError::with(
            format!("{prefix}weight"),
            Msg::new("error-out-of-range")
                .arg("min", 0)
                .arg("max", MAX_WEIGHT),
        )),
        _ => {}
    }
    let mut evidence = Vec::new();
    for (i, e) in input.evidence.iter().enumerate() {
        if let Some(ok) = check_evidence(tx, e, &format!("{prefix}evidence[{i}]."), errors).await? {
            evidence.push(ok);
        }
    }
    if errors.len() > before {
        return Ok(None);
    }
    Ok(Some(CheckedMilestone {
        activity: trimmed(&input.activity),
        novelty: novelty.unwrap_or(Novelty::New),
        start,
        end,
        completion: completion.unwrap_or(Completion::NotStarted),
        weight: input.weight,
        evidence,
    }))
}

fn trimmed(b: &Bilingual) -> Bilingual {
    Bilingual::new(b.en.trim(), b.fr.trim())
}

/// Checks an evidence link and returns it as it is kept. A dataset may be named by its name or
/// id alone; a path of this site must lead to a page that exists (a tracker page, a dataset of
/// the catalogue, a consultation, process or idea of open dialogue); anything else must be a full
/// web address.
pub async fn check_evidence(
    tx: &mut Tx,
    input: &EvidenceInput,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<CheckedEvidence>> {
    let before = errors.len();
    let kind = if input.kind.trim().is_empty() {
        Some(EvidenceKind::Page)
    } else {
        scale(
            errors,
            &format!("{prefix}kind"),
            &input.kind,
            EvidenceKind::parse,
            "tracker-error-evidence-kind",
        )
    };
    let mut url = input.url.trim().to_string();
    let field = format!("{prefix}url");
    if url.is_empty() {
        errors.push(FieldError::new(field, "error-required"));
    } else if kind == Some(EvidenceKind::Dataset) && !url.contains('/') && !url.contains(':') {
        // A dataset by name or id: kept as the path of its page.
        match check_dataset(tx, &url).await? {
            Ok(name) => url = format!("/en/dataset/{name}"),
            Err(problem) => errors.push(FieldError::with(field, problem)),
        }
    } else if let Some(problem) = check_link(tx, &url).await? {
        errors.push(FieldError::with(field, problem));
    } else if kind == Some(EvidenceKind::Dataset)
        && is_site_path(&url)
        && !matches!(internal_target(&url), Some(Target::Dataset(_)))
    {
        errors.push(FieldError::with(
            field,
            Msg::new("tracker-error-evidence-not-dataset").arg("url", &url),
        ));
    }
    if errors.len() > before {
        return Ok(None);
    }
    Ok(Some(CheckedEvidence {
        kind: kind.unwrap_or(EvidenceKind::Page),
        url,
        title: trimmed(&input.title),
    }))
}

/// A dataset's current name, or why it cannot be linked: not in the catalogue, or not public.
async fn check_dataset(tx: &mut Tx, id_or_name: &str) -> Result<std::result::Result<String, Msg>> {
    Ok(match catalogue::links::dataset(tx, id_or_name).await? {
        None => Err(Msg::new("tracker-error-dataset-not-found").arg("value", id_or_name)),
        Some(d) if !d.public => {
            Err(Msg::new("tracker-error-dataset-not-public").arg("value", id_or_name))
        }
        Some(d) => Ok(d.name),
    })
}

/// A path of this site rather than a web address.
fn is_site_path(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//")
}

/// What is wrong with a link, if anything: a full web address must be well formed; a path of
/// this site must lead to a page that exists.
///
/// Documents are full web addresses for now; when Agora has a document library, its paths are
/// one more [`Target`] checked here.
pub async fn check_link(tx: &mut Tx, link: &str) -> Result<Option<Msg>> {
    if is_site_path(link) {
        return Ok(match internal_target(link) {
            Some(Target::Dataset(name)) => check_dataset(tx, &name).await?.err(),
            Some(target) => {
                if target_exists(tx, &target).await? {
                    None
                } else {
                    Some(Msg::new("tracker-error-link-not-found").arg("url", link))
                }
            }
            None => Some(Msg::new("tracker-error-link-unchecked").arg("url", link)),
        });
    }
    Ok(if external_url_ok(link) {
        None
    } else {
        Some(Msg::new("tracker-error-url").arg("url", link))
    })
}

/// A well-formed http(s) address with a host name.
pub fn external_url_ok(link: &str) -> bool {
    url::Url::parse(link).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str()
                .is_some_and(|h| h.contains('.') || h == "localhost")
    })
}

/// A page of this site that a link may point at.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Item(Kind, String),
    Plan(String),
    Dataset(String),
    Consultation(String),
    Process(String),
    Idea(String),
    /// A list or other page that is always there.
    Static,
}

/// Reads `/en/tracker/commitments/slug#x`, `/fr/dataset/name`, `/en/ideas/id` and the like;
/// `None` for paths this check does not know.
fn internal_target(path: &str) -> Option<Target> {
    let path = path.split(['#', '?']).next().unwrap_or(path);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let rest = match segments.as_slice() {
        [lang, rest @ ..] if platform::Lang::from_code(lang).is_some() => rest,
        _ => return None,
    };
    let owned = |s: &&str| s.to_string();
    match rest {
        ["tracker"] | ["tracker", "timeline"] | ["tracker", "plans"] => Some(Target::Static),
        ["dataset"] | ["consultations"] | ["processes"] => Some(Target::Static),
        ["tracker", "plans", slug] => Some(Target::Plan(owned(slug))),
        ["tracker", kind, slug] => Kind::from_segment(kind).map(|k| Target::Item(k, owned(slug))),
        ["dataset", name] => Some(Target::Dataset(owned(name))),
        ["consultations", slug] => Some(Target::Consultation(owned(slug))),
        ["processes", slug] | ["processes", slug, "ideas" | "results" | "data"] => {
            Some(Target::Process(owned(slug)))
        }
        ["ideas", id] => Some(Target::Idea(owned(id))),
        _ => None,
    }
}

async fn target_exists(tx: &mut Tx, target: &Target) -> Result<bool> {
    Ok(match target {
        Target::Static => true,
        Target::Plan(slug) => {
            exec!(tx, |c| {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tracker_plans WHERE slug = $1")
                    .bind(slug)
                    .fetch_one(&mut *c)
                    .await?
            }) > 0
        }
        Target::Item(kind, slug) => {
            exec!(tx, |c| {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM tracker_items WHERE slug = $1 AND kind = $2",
                )
                .bind(slug)
                .bind(kind.as_str())
                .fetch_one(&mut *c)
                .await?
            }) > 0
        }
        Target::Dataset(name) => catalogue::links::dataset(tx, name)
            .await?
            .is_some_and(|d| d.public),
        Target::Consultation(slug) => dialogue::links::consultation_exists(tx, slug).await?,
        Target::Process(slug) => dialogue::links::process_id(tx, slug).await?.is_some(),
        Target::Idea(id) => match Uuid::parse_str(id) {
            Ok(id) => dialogue::links::idea_process(tx, id).await?.is_some(),
            Err(_) => false,
        },
    })
}

fn valid_email(email: &str) -> bool {
    platform::auth::valid_email(&platform::auth::normalize_email(email))
}

// ---- writes ----

async fn tx_plan_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<Plan>> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM tracker_plans WHERE slug = $1");
    let row = exec!(tx, |c| {
        sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(Plan::from))
}

async fn tx_org_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<Uuid>> {
    Ok(exec!(tx, |c| {
        sqlx::query_scalar::<_, Uuid>("SELECT id FROM organizations WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    }))
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
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
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
    };
    let result = exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_plans (id, slug, title_en, title_fr, summary_en, summary_fr, country, region, plan_number, year_submitted, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(plan.id)
        .bind(&plan.slug)
        .bind(&plan.title.en)
        .bind(&plan.title.fr)
        .bind(&plan.summary.en)
        .bind(&plan.summary.fr)
        .bind(&plan.country)
        .bind(&plan.region)
        .bind(plan.plan_number)
        .bind(plan.year_submitted)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    });
    if let Err(e) = result {
        if is_unique_violation(&e) {
            return Err(Error::Validation(vec![FieldError::new(
                "slug",
                "tracker-error-plan-taken",
            )]));
        }
        return Err(e.into());
    }
    tx.audit(
        actor,
        "tracker.plan.create",
        "tracker_plan",
        &plan.id.to_string(),
        None::<&()>,
        Some(&plan),
    )
    .await?;
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
    let result = exec!(tx, |c| {
        sqlx::query(
            "UPDATE tracker_plans SET title_en = $2, title_fr = $3, summary_en = $4, summary_fr = $5, country = $6, \
             region = $7, plan_number = $8, year_submitted = $9, updated_at = $10 WHERE id = $1",
        )
        .bind(plan.id)
        .bind(&plan.title.en)
        .bind(&plan.title.fr)
        .bind(&plan.summary.en)
        .bind(&plan.summary.fr)
        .bind(&plan.country)
        .bind(&plan.region)
        .bind(plan.plan_number)
        .bind(plan.year_submitted)
        .bind(plan.updated_at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    });
    if let Err(e) = result {
        if is_unique_violation(&e) {
            return Err(Error::field("plan_number", "tracker-error-plan-taken"));
        }
        return Err(e.into());
    }
    tx.audit(
        actor,
        "tracker.plan.update",
        "tracker_plan",
        &plan.id.to_string(),
        Some(before),
        Some(&plan),
    )
    .await?;
    Ok(plan)
}

/// Adds a theme, or renames it when it exists.
pub async fn upsert_theme(tx: &mut Tx, slug: &str, title: &Bilingual) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_themes (slug, title_en, title_fr) VALUES ($1, $2, $3) \
             ON CONFLICT (slug) DO UPDATE SET title_en = excluded.title_en, title_fr = excluded.title_fr",
        )
        .bind(slug)
        .bind(&title.en)
        .bind(&title.fr)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
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
        let id = tx_org_by_slug(tx, input.organization.trim()).await?;
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
        let plan = tx_plan_by_slug(tx, input.plan.trim()).await?;
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

/// Checks the process and ideas an item came from: the process must exist, and each idea must
/// be a visible idea of that process.
async fn check_origin(
    tx: &mut Tx,
    input: &ItemInput,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Uuid>> {
    let slug = input.origin_process.trim();
    let process = if slug.is_empty() {
        if !input.origin_ideas.is_empty() {
            errors.push(FieldError::new(
                "origin_process",
                "tracker-error-origin-process-required",
            ));
        }
        None
    } else {
        let id = dialogue::links::process_id(tx, slug).await?;
        if id.is_none() {
            errors.push(FieldError::with(
                "origin_process",
                Msg::new("tracker-error-origin-process-unknown").arg("value", slug),
            ));
        }
        id
    };
    for (i, idea) in input.origin_ideas.iter().enumerate() {
        let field = format!("origin_ideas[{i}]");
        match dialogue::links::idea_process(tx, *idea).await? {
            None => errors.push(FieldError::with(
                field,
                Msg::new("tracker-error-origin-idea-unknown").arg("value", idea),
            )),
            Some(p) if process.is_some_and(|want| want != p) => errors.push(FieldError::with(
                field,
                Msg::new("tracker-error-origin-idea-elsewhere").arg("value", idea),
            )),
            Some(_) => {}
        }
    }
    Ok(process)
}

/// Replaces the ideas an item came from.
async fn set_origin_ideas(tx: &mut Tx, item_id: Uuid, ideas: &[Uuid]) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM tracker_item_ideas WHERE item_id = $1")
            .bind(item_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    let mut seen = std::collections::BTreeSet::new();
    for idea in ideas {
        if !seen.insert(*idea) {
            continue;
        }
        let position = seen.len() as i64;
        exec!(tx, |c| {
            sqlx::query(
                "INSERT INTO tracker_item_ideas (item_id, idea_id, position) VALUES ($1, $2, $3)",
            )
            .bind(item_id)
            .bind(idea)
            .bind(position)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    Ok(())
}

/// The slugs of an item's themes.
pub async fn theme_slugs(db: &Db, item_id: Uuid) -> Result<Vec<String>> {
    Ok(read!(db, |c| {
        sqlx::query_scalar("SELECT theme_slug FROM tracker_item_themes WHERE item_id = $1")
            .bind(item_id)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// The ideas an item came from, in order.
pub async fn origin_ideas(db: &Db, item_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(read!(db, |c| {
        sqlx::query_scalar(
            "SELECT idea_id FROM tracker_item_ideas WHERE item_id = $1 ORDER BY position",
        )
        .bind(item_id)
        .fetch_all(&mut *c)
        .await?
    }))
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

/// The columns an item's write sets, in the order [`write_item`] binds them (after the id).
const ITEM_WRITE_COLUMNS: [&str; 48] = [
    "kind",
    "slug",
    "plan_id",
    "number",
    "position",
    "ogp_id",
    "organization_id",
    "title_en",
    "title_fr",
    "short_title_en",
    "short_title_fr",
    "lead_team_en",
    "lead_team_fr",
    "contact_name",
    "contact_role_en",
    "contact_role_fr",
    "contact_email",
    "actors_government_en",
    "actors_government_fr",
    "actors_civil_society_en",
    "actors_civil_society_fr",
    "status_quo_en",
    "status_quo_fr",
    "objective_en",
    "objective_fr",
    "description_en",
    "description_fr",
    "values_intro_en",
    "values_intro_fr",
    "value_access_information",
    "value_access_information_en",
    "value_access_information_fr",
    "value_civic_participation",
    "value_civic_participation_en",
    "value_civic_participation_fr",
    "value_public_accountability",
    "value_public_accountability_en",
    "value_public_accountability_fr",
    "value_technology",
    "value_technology_en",
    "value_technology_fr",
    "ambition_en",
    "ambition_fr",
    "status_override",
    "origin",
    "origin_process_id",
    "source_url",
    "updated_at",
];

/// Inserts an item, or replaces every field of the item with its id.
async fn write_item(
    tx: &mut Tx,
    item: &Item,
    insert: bool,
) -> std::result::Result<u64, sqlx::Error> {
    let sql = if insert {
        let params: Vec<String> = (1..=ITEM_WRITE_COLUMNS.len() + 1)
            .map(|i| format!("${i}"))
            .collect();
        format!(
            "INSERT INTO tracker_items (id, {}, created_at) VALUES ({}, ${})",
            ITEM_WRITE_COLUMNS.join(", "),
            params.join(", "),
            ITEM_WRITE_COLUMNS.len() + 1
        )
    } else {
        let sets: Vec<String> = ITEM_WRITE_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 2))
            .collect();
        format!("UPDATE tracker_items SET {} WHERE id = $1", sets.join(", "))
    };
    let v = |x: OgpValue| item.value(x).cloned().expect("all four values");
    let (va, vc, vp, vt) = (
        v(OgpValue::AccessInformation),
        v(OgpValue::CivicParticipation),
        v(OgpValue::PublicAccountability),
        v(OgpValue::Technology),
    );
    let result = exec!(tx, |c| {
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(item.id)
            .bind(item.kind.as_str())
            .bind(&item.slug)
            .bind(item.plan_id)
            .bind(&item.number)
            .bind(item.position)
            .bind(&item.ogp_id)
            .bind(item.organization_id)
            .bind(&item.title.en)
            .bind(&item.title.fr)
            .bind(&item.short_title.en)
            .bind(&item.short_title.fr)
            .bind(&item.lead_team.en)
            .bind(&item.lead_team.fr)
            .bind(&item.contact.name)
            .bind(&item.contact.role.en)
            .bind(&item.contact.role.fr)
            .bind(&item.contact.email)
            .bind(&item.actors_government.en)
            .bind(&item.actors_government.fr)
            .bind(&item.actors_civil_society.en)
            .bind(&item.actors_civil_society.fr)
            .bind(&item.status_quo.en)
            .bind(&item.status_quo.fr)
            .bind(&item.objective.en)
            .bind(&item.objective.fr)
            .bind(&item.description.en)
            .bind(&item.description.fr)
            .bind(&item.values_intro.en)
            .bind(&item.values_intro.fr)
            .bind(va.relevant)
            .bind(&va.text.en)
            .bind(&va.text.fr)
            .bind(vc.relevant)
            .bind(&vc.text.en)
            .bind(&vc.text.fr)
            .bind(vp.relevant)
            .bind(&vp.text.en)
            .bind(&vp.text.fr)
            .bind(vt.relevant)
            .bind(&vt.text.en)
            .bind(&vt.text.fr)
            .bind(&item.ambition.en)
            .bind(&item.ambition.fr)
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
    if let Err(e) = write_item(tx, &item, true).await {
        if is_unique_violation(&e) {
            return Err(Error::field("slug", "error-slug-taken"));
        }
        return Err(e.into());
    }
    set_themes(tx, item.id, &input.themes).await?;
    set_origin_ideas(tx, item.id, &input.origin_ideas).await?;
    for (i, m) in checked.milestones.iter().enumerate() {
        insert_milestone(tx, item.id, i as i64 + 1, m).await?;
    }
    tx.audit(
        actor,
        "tracker.item.create",
        "tracker_item",
        &item.id.to_string(),
        None::<&()>,
        Some(&item),
    )
    .await?;
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
    tx.audit(
        actor,
        "tracker.item.update",
        "tracker_item",
        &item.id.to_string(),
        Some(before),
        Some(&item),
    )
    .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(item)
}

/// Deletes a commitment or project with its milestones, evidence, updates and assessments.
pub async fn delete_item(tx: &mut Tx, actor: &Actor, item: &Item) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM tracker_items WHERE id = $1")
            .bind(item.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    tx.audit(
        actor,
        "tracker.item.delete",
        "tracker_item",
        &item.id.to_string(),
        Some(item),
        None::<&()>,
    )
    .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(())
}

/// Replaces an item's themes.
pub async fn set_themes(tx: &mut Tx, item_id: Uuid, themes: &[String]) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM tracker_item_themes WHERE item_id = $1")
            .bind(item_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    let mut seen = std::collections::BTreeSet::new();
    for theme in themes {
        if !seen.insert(theme.as_str()) {
            continue;
        }
        exec!(tx, |c| {
            sqlx::query("INSERT INTO tracker_item_themes (item_id, theme_slug) VALUES ($1, $2)")
                .bind(item_id)
                .bind(theme)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
    }
    Ok(())
}

async fn insert_milestone(
    tx: &mut Tx,
    item_id: Uuid,
    position: i64,
    m: &CheckedMilestone,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let at = platform::db::now();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_milestones (id, item_id, position, activity_en, activity_fr, novelty, start_date, start_precision, end_date, end_precision, completion, weight, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id)
        .bind(item_id)
        .bind(position)
        .bind(&m.activity.en)
        .bind(&m.activity.fr)
        .bind(m.novelty.as_str())
        .bind(m.start.map(|w| w.date))
        .bind(m.start.map_or("day", |w| w.precision.as_str()))
        .bind(m.end.map(|w| w.date))
        .bind(m.end.map_or("day", |w| w.precision.as_str()))
        .bind(m.completion.as_str())
        .bind(m.weight)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    for e in &m.evidence {
        insert_evidence(tx, id, None, e).await?;
    }
    Ok(id)
}

async fn insert_evidence(
    tx: &mut Tx,
    milestone_id: Uuid,
    update_id: Option<Uuid>,
    e: &CheckedEvidence,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_evidence (id, milestone_id, update_id, kind, url, title_en, title_fr, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(milestone_id)
        .bind(update_id)
        .bind(e.kind.as_str())
        .bind(&e.url)
        .bind(&e.title.en)
        .bind(&e.title.fr)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(id)
}

/// Adds a milestone at the end of an item's list. Its completion changes later through progress
/// updates, so that the history shows every change.
pub async fn add_milestone(
    tx: &mut Tx,
    actor: &Actor,
    item: &Item,
    input: &MilestoneInput,
) -> Result<Uuid> {
    let mut errors = Vec::new();
    let checked = check_milestone(tx, input, "", &mut errors).await?;
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let next: i64 = exec!(tx, |c| {
        sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM tracker_milestones WHERE item_id = $1",
        )
        .bind(item.id)
        .fetch_one(&mut *c)
        .await?
    });
    let id = insert_milestone(tx, item.id, next, &checked).await?;
    tx.audit(
        actor,
        "tracker.milestone.create",
        "tracker_milestone",
        &id.to_string(),
        None::<&()>,
        Some(&serde_json::json!({
            "item": item.id, "activity": checked.activity, "start": checked.start.map(|w| w.to_string()),
            "end": checked.end.map(|w| w.to_string()), "weight": checked.weight, "completion": checked.completion,
        })),
    )
    .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(id)
}

/// Changes a milestone's activity, novelty, dates and weight (not its completion: that is what
/// progress updates do).
pub async fn edit_milestone(
    tx: &mut Tx,
    actor: &Actor,
    milestone: &Milestone,
    input: &MilestoneInput,
) -> Result<()> {
    let mut errors = Vec::new();
    let input = MilestoneInput {
        completion: milestone.completion.as_str().to_string(),
        evidence: Vec::new(),
        ..input.clone()
    };
    let checked = check_milestone(tx, &input, "", &mut errors).await?;
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    exec!(tx, |c| {
        sqlx::query(
            "UPDATE tracker_milestones SET activity_en = $2, activity_fr = $3, novelty = $4, start_date = $5, start_precision = $6, \
             end_date = $7, end_precision = $8, weight = $9, updated_at = $10 WHERE id = $1",
        )
        .bind(milestone.id)
        .bind(&checked.activity.en)
        .bind(&checked.activity.fr)
        .bind(checked.novelty.as_str())
        .bind(checked.start.map(|w| w.date))
        .bind(checked.start.map_or("day", |w| w.precision.as_str()))
        .bind(checked.end.map(|w| w.date))
        .bind(checked.end.map_or("day", |w| w.precision.as_str()))
        .bind(checked.weight)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.audit(
        actor,
        "tracker.milestone.update",
        "tracker_milestone",
        &milestone.id.to_string(),
        Some(milestone),
        Some(&serde_json::json!({
            "activity": checked.activity, "novelty": checked.novelty, "start": checked.start.map(|w| w.to_string()),
            "end": checked.end.map(|w| w.to_string()), "weight": checked.weight,
        })),
    )
    .await?;
    tx.changed("tracker_item", &milestone.item_id.to_string())
        .await?;
    Ok(())
}

/// Deletes a milestone with its evidence; the milestones after it move up one place. Progress
/// updates about it stay in the history without their link to it.
pub async fn delete_milestone(
    tx: &mut Tx,
    actor: &Actor,
    item: &Item,
    milestone: &Milestone,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM tracker_milestones WHERE id = $1 AND item_id = $2")
            .bind(milestone.id)
            .bind(item.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    let ids = tx_milestone_ids(tx, item.id).await?;
    renumber(tx, &ids).await?;
    tx.audit(
        actor,
        "tracker.milestone.delete",
        "tracker_milestone",
        &milestone.id.to_string(),
        Some(milestone),
        None::<&()>,
    )
    .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(())
}

/// Moves a milestone to `position` (1 is first); the others keep their order around it.
pub async fn move_milestone(
    tx: &mut Tx,
    actor: &Actor,
    item: &Item,
    milestone: &Milestone,
    position: i64,
) -> Result<()> {
    let mut ids = tx_milestone_ids(tx, item.id).await?;
    if !(1..=ids.len() as i64).contains(&position) {
        return Err(Error::Validation(vec![FieldError::with(
            "position",
            Msg::new("error-out-of-range")
                .arg("min", 1)
                .arg("max", ids.len()),
        )]));
    }
    ids.retain(|id| *id != milestone.id);
    ids.insert(position as usize - 1, milestone.id);
    renumber(tx, &ids).await?;
    tx.audit(
        actor,
        "tracker.milestone.move",
        "tracker_milestone",
        &milestone.id.to_string(),
        Some(&serde_json::json!({ "position": milestone.position })),
        Some(&serde_json::json!({ "position": position })),
    )
    .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(())
}

/// Numbers milestones 1, 2, 3… in the order given.
async fn renumber(tx: &mut Tx, ids: &[Uuid]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        exec!(tx, |c| {
            sqlx::query("UPDATE tracker_milestones SET position = $2 WHERE id = $1")
                .bind(id)
                .bind(i as i64 + 1)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
    }
    Ok(())
}

/// Posts a progress update; when it names a milestone and a completion, the milestone moves and
/// the update keeps the before and after.
pub async fn post_update(
    tx: &mut Tx,
    actor: &Actor,
    author: &str,
    item: &Item,
    input: &UpdateInput,
) -> Result<Update> {
    let mut errors = Vec::new();
    if is_blank(&input.body) {
        errors.push(FieldError::new("body_en", "tracker-error-update-empty"));
    }
    let milestone = match input.milestone {
        Some(id) => {
            let found = exec!(tx, |c| {
                let sql = format!(
                    "SELECT {MILESTONE_COLUMNS} FROM tracker_milestones m WHERE m.id = $1 AND m.item_id = $2"
                );
                sqlx::query_as::<_, MilestoneRow>(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .bind(item.id)
                    .fetch_optional(&mut *c)
                    .await?
            });
            if found.is_none() {
                errors.push(FieldError::new(
                    "milestone",
                    "tracker-error-milestone-unknown",
                ));
            }
            found.map(Milestone::from)
        }
        None => None,
    };
    let completion = scale(
        &mut errors,
        "completion",
        &input.completion,
        Completion::parse,
        "tracker-error-completion",
    );
    if completion.is_some() && input.milestone.is_none() {
        errors.push(FieldError::new(
            "milestone",
            "tracker-error-completion-without-milestone",
        ));
    }
    // The status set by hand after this update: unchanged, none (follow), or on hold/withdrawn.
    let status_override = match input.status.trim() {
        "" => Some(item.status_override),
        "follow" => Some(None),
        other => match Status::parse(other).filter(|s| Status::SETTABLE.contains(s)) {
            Some(s) => Some(Some(s)),
            None => {
                errors.push(FieldError::with(
                    "status",
                    Msg::new("tracker-error-status").arg("value", other),
                ));
                None
            }
        },
    };
    let evidence = match &input.evidence {
        Some(e) if !e.url.trim().is_empty() || !is_blank(&e.title) => {
            if input.milestone.is_none() {
                errors.push(FieldError::new(
                    "milestone",
                    "tracker-error-evidence-without-milestone",
                ));
            }
            check_evidence(tx, e, "evidence_", &mut errors).await?
        }
        _ => None,
    };
    let Some(status_override) = status_override.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let now = platform::db::now();
    let (before, after) = match (&milestone, completion) {
        (Some(m), Some(c)) => (Some(m.completion), Some(c)),
        _ => (None, None),
    };
    // The item's status before and after, from its milestones and the status set by hand.
    let mut milestones: Vec<Milestone> = exec!(tx, |c| {
        let sql = format!(
            "SELECT {MILESTONE_COLUMNS} FROM tracker_milestones m WHERE m.item_id = $1 ORDER BY m.position"
        );
        sqlx::query_as::<_, MilestoneRow>(sqlx::AssertSqlSafe(sql))
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?
    })
    .into_iter()
    .map(Milestone::from)
    .collect();
    let status_before = item
        .status_override
        .unwrap_or_else(|| Progress::of(&milestones).status());
    if let (Some(m), Some(c)) = (&milestone, after)
        && let Some(moved) = milestones.iter_mut().find(|x| x.id == m.id)
    {
        moved.completion = c;
    }
    let status_after = status_override.unwrap_or_else(|| Progress::of(&milestones).status());
    let (status_before, status_after) = if status_before == status_after {
        (None, None)
    } else {
        (Some(status_before), Some(status_after))
    };
    let update = Update {
        id: Uuid::now_v7(),
        item_id: item.id,
        milestone_id: milestone.as_ref().map(|m| m.id),
        completion_before: before,
        completion_after: after,
        status_before,
        status_after,
        body: Bilingual::new(input.body.en.trim(), input.body.fr.trim()),
        author: author.trim().to_string(),
        sample: input.sample,
        posted_at: input.posted_at.unwrap_or(now),
    };
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_updates (id, item_id, milestone_id, completion_before, completion_after, status_before, status_after, body_en, body_fr, author_id, author_label, sample, posted_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(update.id)
        .bind(update.item_id)
        .bind(update.milestone_id)
        .bind(before.map(|c| c.as_str()))
        .bind(after.map(|c| c.as_str()))
        .bind(status_before.map(|s| s.as_str()))
        .bind(status_after.map(|s| s.as_str()))
        .bind(&update.body.en)
        .bind(&update.body.fr)
        .bind(actor.user_id)
        .bind(&update.author)
        .bind(update.sample)
        .bind(update.posted_at)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    if let (Some(m), Some(c)) = (&milestone, after) {
        exec!(tx, |conn| {
            sqlx::query(
                "UPDATE tracker_milestones SET completion = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(m.id)
            .bind(c.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected()
        });
    }
    if let (Some(m), Some(e)) = (&milestone, &evidence) {
        insert_evidence(tx, m.id, Some(update.id), e).await?;
    }
    exec!(tx, |c| {
        sqlx::query("UPDATE tracker_items SET status_override = $2, updated_at = $3 WHERE id = $1")
            .bind(item.id)
            .bind(status_override.map(|s| s.as_str()))
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    tx.audit(
        actor,
        "tracker.update.create",
        "tracker_update",
        &update.id.to_string(),
        None::<&()>,
        Some(&update),
    )
    .await?;
    tx.changed("tracker_item", &item.id.to_string()).await?;
    Ok(update)
}

/// Records an IRM-style assessment.
pub async fn add_assessment(
    tx: &mut Tx,
    actor: &Actor,
    item_id: Uuid,
    input: &AssessmentInput,
) -> Result<Assessment> {
    let mut errors = Vec::new();
    let specificity = scale(
        &mut errors,
        "specificity",
        &input.specificity,
        Specificity::parse,
        "tracker-error-specificity",
    );
    let potential_impact = scale(
        &mut errors,
        "potential_impact",
        &input.potential_impact,
        Impact::parse,
        "tracker-error-impact",
    );
    let completion = scale(
        &mut errors,
        "completion",
        &input.completion,
        Completion::parse,
        "tracker-error-completion",
    );
    let opened_government = scale(
        &mut errors,
        "opened_government",
        &input.opened_government,
        OpenedGovernment::parse,
        "tracker-error-opened",
    );
    if input.assessor.trim().is_empty() {
        errors.push(FieldError::new("assessor", "error-required"));
    }
    let assessed_on = match When::parse(&input.assessed_on) {
        Some(When {
            date,
            precision: crate::model::Precision::Day,
        }) => Some(date),
        _ if input.assessed_on.trim().is_empty() => {
            errors.push(FieldError::new("assessed_on", "error-required"));
            None
        }
        _ => {
            errors.push(FieldError::with(
                "assessed_on",
                Msg::new("tracker-error-day").arg("value", input.assessed_on.trim()),
            ));
            None
        }
    };
    let (Some(assessed_on), true) = (assessed_on, errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let assessment = Assessment {
        id: Uuid::now_v7(),
        item_id,
        specificity,
        verifiable: input.verifiable,
        relevance: input.relevance.clone(),
        potential_impact,
        completion,
        opened_government,
        assessor: input.assessor.trim().to_string(),
        assessed_on,
        notes: trimmed(&input.notes),
    };
    let has = |v: OgpValue| assessment.relevance.contains(&v);
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_assessments (id, item_id, specificity, verifiable, relevance_access_information, relevance_civic_participation, \
             relevance_public_accountability, relevance_technology, potential_impact, completion, opened_government, assessor, assessed_on, notes_en, notes_fr, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(assessment.id)
        .bind(item_id)
        .bind(specificity.map(|s| s.as_str()))
        .bind(assessment.verifiable)
        .bind(has(OgpValue::AccessInformation))
        .bind(has(OgpValue::CivicParticipation))
        .bind(has(OgpValue::PublicAccountability))
        .bind(has(OgpValue::Technology))
        .bind(potential_impact.map(|s| s.as_str()))
        .bind(completion.map(|s| s.as_str()))
        .bind(opened_government.map(|s| s.as_str()))
        .bind(&assessment.assessor)
        .bind(assessment.assessed_on)
        .bind(&assessment.notes.en)
        .bind(&assessment.notes.fr)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.audit(
        actor,
        "tracker.assessment.create",
        "tracker_assessment",
        &assessment.id.to_string(),
        None::<&()>,
        Some(&assessment),
    )
    .await?;
    Ok(assessment)
}

// ---- reads ----

pub async fn plans(db: &Db) -> Result<Vec<Plan>> {
    let sql = format!(
        "SELECT {PLAN_COLUMNS} FROM tracker_plans ORDER BY year_submitted DESC, plan_number DESC, title_en"
    );
    let rows = read!(db, |c| {
        sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows.into_iter().map(Plan::from).collect())
}

pub async fn plan_by_slug(db: &Db, slug: &str) -> Result<Option<Plan>> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM tracker_plans WHERE slug = $1");
    let row = read!(db, |c| {
        sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(Plan::from))
}

pub async fn themes(db: &Db) -> Result<Vec<Theme>> {
    let rows = read!(db, |c| {
        sqlx::query_as::<_, ThemeRow>(
            "SELECT slug, title_en, title_fr FROM tracker_themes ORDER BY title_en",
        )
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows.into_iter().map(Theme::from).collect())
}

pub async fn item_by_slug(db: &Db, slug: &str) -> Result<Option<Item>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM tracker_items i WHERE i.slug = $1");
    let row = read!(db, |c| {
        sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(Item::from))
}

/// An item read inside a write transaction.
pub async fn tx_item_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<Item>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM tracker_items i WHERE i.slug = $1");
    let row = exec!(tx, |c| {
        sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(slug)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(Item::from))
}

/// The organizations that lead at least one item.
pub async fn organizations_in_use(db: &Db) -> Result<std::collections::BTreeSet<Uuid>> {
    let ids: Vec<Uuid> = read!(db, |c| {
        sqlx::query_scalar("SELECT DISTINCT organization_id FROM tracker_items")
            .fetch_all(&mut *c)
            .await?
    });
    Ok(ids.into_iter().collect())
}

/// How many commitments each plan has.
pub async fn commitments_per_plan(db: &Db) -> Result<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, i64)> = read!(db, |c| {
        sqlx::query_as(
            "SELECT plan_id, COUNT(*) FROM tracker_items WHERE plan_id IS NOT NULL GROUP BY plan_id",
        )
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows.into_iter().collect())
}

/// The milestone at `position` of an item.
pub async fn milestone_at(db: &Db, item: Uuid, position: i64) -> Result<Option<Milestone>> {
    let sql = format!(
        "SELECT {MILESTONE_COLUMNS} FROM tracker_milestones m WHERE m.item_id = $1 AND m.position = $2"
    );
    let row = read!(db, |c| {
        sqlx::query_as::<_, MilestoneRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(item)
            .bind(position)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(Milestone::from))
}

/// How many milestones an item has.
pub async fn milestone_count(db: &Db, item: Uuid) -> Result<i64> {
    Ok(read!(db, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM tracker_milestones WHERE item_id = $1")
            .bind(item)
            .fetch_one(&mut *c)
            .await?
    }))
}

/// An item's milestone ids in order, inside a write transaction.
pub async fn tx_milestone_ids(tx: &mut Tx, item: Uuid) -> Result<Vec<Uuid>> {
    Ok(exec!(tx, |c| {
        sqlx::query_scalar("SELECT id FROM tracker_milestones WHERE item_id = $1 ORDER BY position")
            .bind(item)
            .fetch_all(&mut *c)
            .await?
    }))
}

pub async fn plan_by_id(db: &Db, id: Uuid) -> Result<Option<Plan>> {
    let sql = format!("SELECT {PLAN_COLUMNS} FROM tracker_plans WHERE id = $1");
    let row = read!(db, |c| {
        sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
    });
    Ok(row.map(Plan::from))
}

/// Which items a list shows. Empty strings mean "any".
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Words to find in titles and texts, in English and French (through the site's search).
    #[serde(default)]
    pub q: String,
    /// `commitment` or `project`.
    #[serde(default)]
    pub kind: String,
    /// An action plan's slug.
    #[serde(default)]
    pub plan: String,
    /// `not_started`, `in_progress`, `completed`, `on_hold` or `withdrawn`.
    #[serde(default)]
    pub status: String,
    /// The lead organization's slug.
    #[serde(default)]
    pub organization: String,
    /// A theme's slug.
    #[serde(default)]
    pub theme: String,
    /// Only items with at least one overdue milestone (`true`, `1` or `on`).
    #[serde(default)]
    pub overdue: String,
}

impl Filter {
    pub fn overdue_only(&self) -> bool {
        matches!(self.overdue.as_str(), "1" | "true" | "on" | "yes")
    }
    pub fn is_empty(&self) -> bool {
        self.q.trim().is_empty()
            && self.kind.is_empty()
            && self.plan.is_empty()
            && self.status.is_empty()
            && self.organization.is_empty()
            && self.theme.is_empty()
            && !self.overdue_only()
    }
}

/// An item as lists show it: with its organization, plan, milestones and progress.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub item: Item,
    pub organization: OrgRef,
    pub plan: Option<PlanRef>,
    pub milestones: Vec<Milestone>,
    pub themes: Vec<Theme>,
    pub progress: Progress,
    pub status: Status,
    /// How many milestones are overdue.
    pub overdue: usize,
}

impl Summary {
    fn new(
        item: Item,
        organization: OrgRef,
        plan: Option<PlanRef>,
        milestones: Vec<Milestone>,
        themes: Vec<Theme>,
    ) -> Summary {
        let progress = Progress::of(&milestones);
        let status = item.status_override.unwrap_or_else(|| progress.status());
        let overdue = milestones.iter().filter(|m| m.overdue()).count();
        Summary {
            item,
            organization,
            plan,
            milestones,
            themes,
            progress,
            status,
            overdue,
        }
    }
}

/// An organization as the tracker shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: Uuid,
    pub slug: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
}

impl From<&Organization> for OrgRef {
    fn from(o: &Organization) -> OrgRef {
        OrgRef {
            id: o.id,
            slug: o.slug.clone(),
            title: o.title(),
        }
    }
}

/// A plan as items refer to it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlanRef {
    pub id: Uuid,
    pub slug: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
}

impl From<&Plan> for PlanRef {
    fn from(p: &Plan) -> PlanRef {
        PlanRef {
            id: p.id,
            slug: p.slug.clone(),
            title: p.title.clone(),
        }
    }
}

const LIST_WHERE: &str = "($1 = '' OR i.kind = $1) AND ($2 = '' OR i.plan_id IN (SELECT id FROM tracker_plans WHERE slug = $2)) \
    AND ($3 = '' OR i.organization_id IN (SELECT id FROM organizations WHERE slug = $3)) \
    AND ($4 = '' OR EXISTS (SELECT 1 FROM tracker_item_themes t WHERE t.item_id = i.id AND t.theme_slug = $4))";

/// The items a filter selects, commitments first (by plan and number), then projects by title.
pub async fn list(db: &Db, filter: &Filter) -> Result<Vec<Summary>> {
    let items_sql = format!(
        "SELECT {ITEM_COLUMNS} FROM tracker_items i WHERE {LIST_WHERE} ORDER BY i.kind, i.position, i.title_en"
    );
    let milestones_sql = format!(
        "SELECT {MILESTONE_COLUMNS} FROM tracker_milestones m JOIN tracker_items i ON i.id = m.item_id WHERE {LIST_WHERE} ORDER BY m.item_id, m.position"
    );
    let themes_sql = format!(
        "SELECT t.item_id, th.slug, th.title_en, th.title_fr FROM tracker_item_themes t JOIN tracker_themes th ON th.slug = t.theme_slug \
         JOIN tracker_items i ON i.id = t.item_id WHERE {LIST_WHERE} ORDER BY th.title_en"
    );
    let (kind, plan, org, theme) = (
        filter.kind.trim(),
        filter.plan.trim(),
        filter.organization.trim(),
        filter.theme.trim(),
    );
    let (items, milestones, themes) = read!(db, |c| {
        let items = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(items_sql.as_str()))
            .bind(kind)
            .bind(plan)
            .bind(org)
            .bind(theme)
            .fetch_all(&mut *c)
            .await?;
        let milestones =
            sqlx::query_as::<_, MilestoneRow>(sqlx::AssertSqlSafe(milestones_sql.as_str()))
                .bind(kind)
                .bind(plan)
                .bind(org)
                .bind(theme)
                .fetch_all(&mut *c)
                .await?;
        let themes = sqlx::query_as::<_, ItemThemeRow>(sqlx::AssertSqlSafe(themes_sql.as_str()))
            .bind(kind)
            .bind(plan)
            .bind(org)
            .bind(theme)
            .fetch_all(&mut *c)
            .await?;
        (items, milestones, themes)
    });
    let wanted_status = Status::parse(filter.status.trim());
    let mut out = assemble(db, items, milestones, themes).await?;
    out.retain(|s| {
        (filter.status.trim().is_empty() || Some(s.status) == wanted_status)
            && (!filter.overdue_only() || s.overdue > 0)
    });
    Ok(out)
}

/// The items with these ids, in the order of [`list`].
pub async fn summaries(db: &Db, ids: &[Uuid]) -> Result<Vec<Summary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let set = platform::db::placeholders(1, ids.len());
    let items_sql = format!("SELECT {ITEM_COLUMNS} FROM tracker_items i WHERE i.id IN ({set})");
    let milestones_sql = format!(
        "SELECT {MILESTONE_COLUMNS} FROM tracker_milestones m WHERE m.item_id IN ({set}) ORDER BY m.item_id, m.position"
    );
    let themes_sql = format!(
        "SELECT t.item_id, th.slug, th.title_en, th.title_fr FROM tracker_item_themes t JOIN tracker_themes th ON th.slug = t.theme_slug \
         WHERE t.item_id IN ({set}) ORDER BY th.title_en"
    );
    let (items, milestones, themes) = read!(db, |c| {
        let mut q = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(items_sql.as_str()));
        for id in ids {
            q = q.bind(id);
        }
        let items = q.fetch_all(&mut *c).await?;
        let mut q = sqlx::query_as::<_, MilestoneRow>(sqlx::AssertSqlSafe(milestones_sql.as_str()));
        for id in ids {
            q = q.bind(id);
        }
        let milestones = q.fetch_all(&mut *c).await?;
        let mut q = sqlx::query_as::<_, ItemThemeRow>(sqlx::AssertSqlSafe(themes_sql.as_str()));
        for id in ids {
            q = q.bind(id);
        }
        let themes = q.fetch_all(&mut *c).await?;
        (items, milestones, themes)
    });
    assemble(db, items, milestones, themes).await
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
        sqlx::query_scalar("SELECT COUNT(*) FROM tracker_items")
            .fetch_one(&mut *c)
            .await?
    }))
}

/// Summaries from rows: each item with its organization, plan, milestones and themes, sorted
/// commitments first (grouped by plan, newest plan first), then projects.
async fn assemble(
    db: &Db,
    items: Vec<ItemRow>,
    milestones: Vec<MilestoneRow>,
    themes: Vec<ItemThemeRow>,
) -> Result<Vec<Summary>> {
    let mut by_item: HashMap<Uuid, Vec<Milestone>> = HashMap::new();
    for m in milestones {
        by_item.entry(m.item_id).or_default().push(m.into());
    }
    let mut themes_by_item: HashMap<Uuid, Vec<Theme>> = HashMap::new();
    for t in themes {
        themes_by_item.entry(t.item_id).or_default().push(Theme {
            slug: t.slug,
            title: Bilingual::new(t.title_en, t.title_fr),
        });
    }
    let orgs: HashMap<Uuid, OrgRef> = orgs::list(db)
        .await?
        .iter()
        .map(|o| (o.id, OrgRef::from(o)))
        .collect();
    let plans: HashMap<Uuid, Plan> = plans(db).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut out = Vec::new();
    for row in items {
        let item = Item::from(row);
        let Some(org) = orgs.get(&item.organization_id).cloned() else {
            continue;
        };
        let plan = item
            .plan_id
            .and_then(|id| plans.get(&id))
            .map(PlanRef::from);
        let ms = by_item.remove(&item.id).unwrap_or_default();
        let ts = themes_by_item.remove(&item.id).unwrap_or_default();
        out.push(Summary::new(item, org, plan, ms, ts));
    }
    let plan_rank: HashMap<Uuid, (i64, i64)> = plans
        .values()
        .map(|p| (p.id, (-p.year_submitted.unwrap_or(0), -p.plan_number)))
        .collect();
    out.sort_by_key(|s| {
        (
            s.item.kind,
            s.item.plan_id.and_then(|id| plan_rank.get(&id).copied()),
            s.item.position,
            s.item.label().en.to_lowercase(),
        )
    });
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct ItemThemeRow {
    item_id: Uuid,
    slug: String,
    title_en: String,
    title_fr: String,
}

/// Everything the page of one item shows.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Detail {
    #[serde(flatten)]
    pub summary: Summary,
    /// Newest first.
    pub updates: Vec<Update>,
    /// Newest first.
    pub assessments: Vec<Assessment>,
    /// The co-creation process and ideas it came from, when it names them.
    pub origin_trail: Option<crate::origin::Trail>,
}

pub async fn detail(db: &Db, item: Item) -> Result<Detail> {
    let milestones_sql = format!(
        "SELECT {MILESTONE_COLUMNS} FROM tracker_milestones m WHERE m.item_id = $1 ORDER BY m.position"
    );
    let evidence_sql = "SELECT e.id, e.milestone_id, e.update_id, e.kind, e.url, e.title_en, e.title_fr, e.created_at \
        FROM tracker_evidence e JOIN tracker_milestones m ON m.id = e.milestone_id WHERE m.item_id = $1 ORDER BY e.created_at, e.id";
    let updates_sql = format!(
        "SELECT {UPDATE_COLUMNS} FROM tracker_updates u WHERE u.item_id = $1 ORDER BY u.posted_at DESC, u.id DESC"
    );
    let assessments_sql = format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM tracker_assessments a WHERE a.item_id = $1 ORDER BY a.assessed_on DESC, a.created_at DESC"
    );
    let themes_sql = "SELECT th.slug, th.title_en, th.title_fr FROM tracker_item_themes t JOIN tracker_themes th ON th.slug = t.theme_slug \
        WHERE t.item_id = $1 ORDER BY th.title_en";
    let (milestones, evidence, updates, assessments, themes) = read!(db, |c| {
        let m = sqlx::query_as::<_, MilestoneRow>(sqlx::AssertSqlSafe(milestones_sql.as_str()))
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        let e = sqlx::query_as::<_, EvidenceRow>(evidence_sql)
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        let u = sqlx::query_as::<_, UpdateRow>(sqlx::AssertSqlSafe(updates_sql.as_str()))
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        let a = sqlx::query_as::<_, AssessmentRow>(sqlx::AssertSqlSafe(assessments_sql.as_str()))
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        let t = sqlx::query_as::<_, ThemeRow>(themes_sql)
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        (m, e, u, a, t)
    });
    let mut milestones: Vec<Milestone> = milestones.into_iter().map(Milestone::from).collect();
    for e in evidence {
        let e = Evidence::from(e);
        if let Some(m) = milestones.iter_mut().find(|m| m.id == e.milestone_id) {
            m.evidence.push(e);
        }
    }
    let org = orgs::find(db, item.organization_id)
        .await?
        .ok_or(Error::NotFound)?;
    let plan = match item.plan_id {
        Some(id) => plan_by_id(db, id).await?,
        None => None,
    };
    let origin_trail = crate::origin::trail(db, &item).await?;
    let summary = Summary::new(
        item,
        OrgRef::from(&org),
        plan.as_ref().map(PlanRef::from),
        milestones,
        themes.into_iter().map(Theme::from).collect(),
    );
    Ok(Detail {
        summary,
        updates: updates.into_iter().map(Update::from).collect(),
        assessments: assessments.into_iter().map(Assessment::from).collect(),
        origin_trail,
    })
}

/// The latest assessment of each item that has one.
pub async fn latest_assessments(db: &Db) -> Result<HashMap<Uuid, Assessment>> {
    let sql = format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM tracker_assessments a ORDER BY a.item_id, a.assessed_on DESC, a.created_at DESC"
    );
    let rows = read!(db, |c| {
        sqlx::query_as::<_, AssessmentRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_all(&mut *c)
            .await?
    });
    let mut out = HashMap::new();
    for r in rows {
        out.entry(r.item_id).or_insert_with(|| Assessment::from(r));
    }
    Ok(out)
}

/// A progress update with what a feed needs to name it.
#[derive(Clone, Debug)]
pub struct FeedEntry {
    pub update: Update,
    pub item_kind: Kind,
    pub item_slug: String,
    pub item_title: Bilingual,
    pub milestone_position: Option<i64>,
    pub milestone_activity: Bilingual,
}

#[derive(sqlx::FromRow)]
struct FeedRow {
    #[sqlx(flatten)]
    update: UpdateRow,
    kind: String,
    slug: String,
    title_en: String,
    title_fr: String,
    short_title_en: String,
    short_title_fr: String,
    position: Option<i64>,
    activity_en: Option<String>,
    activity_fr: Option<String>,
}

/// The latest progress updates, of one item or of all.
pub async fn recent_updates(db: &Db, item: Option<Uuid>, limit: i64) -> Result<Vec<FeedEntry>> {
    let sql = format!(
        "SELECT {UPDATE_COLUMNS}, i.kind, i.slug, i.title_en, i.title_fr, i.short_title_en, i.short_title_fr, m.position, m.activity_en, m.activity_fr \
         FROM tracker_updates u JOIN tracker_items i ON i.id = u.item_id LEFT JOIN tracker_milestones m ON m.id = u.milestone_id \
         WHERE ($1 IS NULL OR u.item_id = $1) ORDER BY u.posted_at DESC, u.id DESC LIMIT $2"
    );
    let rows = read!(db, |c| {
        sqlx::query_as::<_, FeedRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(item)
            .bind(limit)
            .fetch_all(&mut *c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| {
            let short = Bilingual::new(r.short_title_en, r.short_title_fr);
            FeedEntry {
                update: r.update.into(),
                item_kind: Kind::parse(&r.kind).unwrap_or(Kind::Project),
                item_slug: r.slug,
                item_title: if is_blank(&short) {
                    Bilingual::new(r.title_en, r.title_fr)
                } else {
                    short
                },
                milestone_position: r.position,
                milestone_activity: Bilingual::new(
                    r.activity_en.unwrap_or_default(),
                    r.activity_fr.unwrap_or_default(),
                ),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_links() {
        assert_eq!(
            internal_target("/en/tracker/commitments/open-data#milestones"),
            Some(Target::Item(Kind::Commitment, "open-data".into()))
        );
        assert_eq!(
            internal_target("/fr/tracker/projects/x?y=1"),
            Some(Target::Item(Kind::Project, "x".into()))
        );
        assert_eq!(
            internal_target("/en/tracker/plans/p"),
            Some(Target::Plan("p".into()))
        );
        assert_eq!(
            internal_target("/en/tracker/timeline"),
            Some(Target::Static)
        );
        assert_eq!(
            internal_target("/en/consultations/x"),
            Some(Target::Consultation("x".into()))
        );
        assert_eq!(
            internal_target("/fr/dataset/water-quality"),
            Some(Target::Dataset("water-quality".into()))
        );
        assert_eq!(
            internal_target("/en/processes/p/results"),
            Some(Target::Process("p".into()))
        );
        assert_eq!(
            internal_target("/en/ideas/0193"),
            Some(Target::Idea("0193".into()))
        );
        assert_eq!(internal_target("/en/account/login"), None);
        assert_eq!(internal_target("/tracker/commitments/x"), None);
        assert_eq!(internal_target("/en/tracker/widgets/x"), None);
    }

    #[test]
    fn external_links() {
        assert!(external_url_ok("https://data.ontario.ca/dataset/x"));
        assert!(!external_url_ok("ftp://example.org/x"));
        assert!(!external_url_ok("https://nodot/x"));
        assert!(!external_url_ok("not a url"));
    }
}
