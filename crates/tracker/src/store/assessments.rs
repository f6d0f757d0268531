//! Independent assessments of items (OGP IRM-style ratings).

use std::collections::HashMap;

use platform::db::{Audited, BindBilingual, Conn};
use platform::error::{FieldError, Msg};
use platform::{Actor, Bilingual, Db, Error, Result, Tx, exec, on, read, sql};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::model::{Completion, Impact, OgpValue, OpenedGovernment, Specificity, When};

use super::{scale, trimmed};

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
pub(super) struct AssessmentRow {
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

const ASSESSMENT: Audited = Audited::new("tracker.assessment", "tracker_assessment");

pub(super) const ASSESSMENT_COLUMNS: &str = "a.id, a.item_id, a.specificity, a.verifiable, a.relevance_access_information, a.relevance_civic_participation, a.relevance_public_accountability, a.relevance_technology, a.potential_impact, a.completion, a.opened_government, a.assessor, a.assessed_on, a.notes_en, a.notes_fr";

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
        .bind_bilingual(&assessment.notes)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    tx.audit_created(actor, ASSESSMENT, assessment.id, &assessment)
        .await?;
    Ok(assessment)
}

/// The latest assessment of each item that has one.
pub async fn latest_assessments(db: &Db) -> Result<HashMap<Uuid, Assessment>> {
    let rows = read!(db, |c| {
        sqlx::query_as::<_, AssessmentRow>(sql!(
            "SELECT ",
            ASSESSMENT_COLUMNS,
            " FROM tracker_assessments a ORDER BY a.item_id, a.assessed_on DESC, a.created_at DESC"
        ))
        .fetch_all(&mut *c)
        .await?
    });
    let mut out = HashMap::new();
    for r in rows {
        out.entry(r.item_id).or_insert_with(|| Assessment::from(r));
    }
    Ok(out)
}

/// The scale of an assessment, as stored: specificity, verifiable, potential impact, completion
/// and opened government.
pub type AssessmentScale = (
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The scale of an item's latest assessment, which an OGP import compares with its row.
pub async fn latest_scale(
    conn: impl Into<Conn<'_>>,
    item_id: Uuid,
) -> Result<Option<AssessmentScale>> {
    Ok(on!(conn, |c| {
        sqlx::query_as(
            "SELECT specificity, verifiable, potential_impact, completion, opened_government FROM tracker_assessments \
             WHERE item_id = $1 ORDER BY assessed_on DESC, created_at DESC LIMIT 1",
        )
        .bind(item_id)
        .fetch_optional(&mut *c)
        .await?
    }))
}
