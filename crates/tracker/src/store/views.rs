//! What the pages show: filtered lists of item summaries, and an item's full detail.

use std::collections::HashMap;

use platform::db::BindAll;
use platform::orgs::{self, Organization};
use platform::{Bilingual, Db, Error, Result, read, sql};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Progress, Status};

use super::assessments::{ASSESSMENT_COLUMNS, Assessment, AssessmentRow};
use super::evidence::{Evidence, EvidenceRow};
use super::items::{ITEM_COLUMNS, Item, ItemRow};
use super::milestones::{MILESTONE_COLUMNS, Milestone, MilestoneRow};
use super::plans::{Plan, plan_by_id, plans};
use super::themes::{Theme, ThemeRow};
use super::updates::{UPDATE_COLUMNS, Update, UpdateRow};

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

const LIST_WHERE: &str = "i.deleted_at IS NULL AND ($1 = '' OR i.kind = $1) AND ($2 = '' OR i.plan_id IN (SELECT id FROM tracker_plans WHERE slug = $2)) \
    AND ($3 = '' OR i.organization_id IN (SELECT id FROM organizations WHERE slug = $3)) \
    AND ($4 = '' OR EXISTS (SELECT 1 FROM tracker_item_themes t WHERE t.item_id = i.id AND t.theme_slug = $4))";

/// The items a filter selects, commitments first (by plan and number), then projects by title.
pub async fn list(db: &Db, filter: &Filter) -> Result<Vec<Summary>> {
    const ITEMS: &str = sql!(
        "SELECT ",
        ITEM_COLUMNS,
        " FROM tracker_items i WHERE ",
        LIST_WHERE,
        " ORDER BY i.kind, i.position, i.title_en"
    );
    const MILESTONES: &str = sql!(
        "SELECT ",
        MILESTONE_COLUMNS,
        " FROM tracker_milestones m JOIN tracker_items i ON i.id = m.item_id WHERE ",
        LIST_WHERE,
        " ORDER BY m.item_id, m.position"
    );
    const THEMES: &str = sql!(
        "SELECT t.item_id, th.slug, th.title_en, th.title_fr FROM tracker_item_themes t JOIN tracker_themes th ON th.slug = t.theme_slug \
         JOIN tracker_items i ON i.id = t.item_id WHERE ",
        LIST_WHERE,
        " ORDER BY th.title_en"
    );
    // `$1` to `$4` of `LIST_WHERE`.
    let wanted = [
        filter.kind.trim(),
        filter.plan.trim(),
        filter.organization.trim(),
        filter.theme.trim(),
    ];
    let (items, milestones, themes) = read!(db, |c| {
        let items = sqlx::query_as::<_, ItemRow>(ITEMS).bind_all(wanted);
        let milestones = sqlx::query_as::<_, MilestoneRow>(MILESTONES).bind_all(wanted);
        let themes = sqlx::query_as::<_, ItemThemeRow>(THEMES).bind_all(wanted);
        (
            items.fetch_all(&mut *c).await?,
            milestones.fetch_all(&mut *c).await?,
            themes.fetch_all(&mut *c).await?,
        )
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
    let items_sql = format!(
        "SELECT {ITEM_COLUMNS} FROM tracker_items i WHERE i.id IN ({set}) AND i.deleted_at IS NULL"
    );
    let milestones_sql = format!(
        "SELECT {MILESTONE_COLUMNS} FROM tracker_milestones m WHERE m.item_id IN ({set}) ORDER BY m.item_id, m.position"
    );
    let themes_sql = format!(
        "SELECT t.item_id, th.slug, th.title_en, th.title_fr FROM tracker_item_themes t JOIN tracker_themes th ON th.slug = t.theme_slug \
         WHERE t.item_id IN ({set}) ORDER BY th.title_en"
    );
    let (items, milestones, themes) = read!(db, |c| {
        let items = sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(items_sql.as_str()));
        let milestones =
            sqlx::query_as::<_, MilestoneRow>(sqlx::AssertSqlSafe(milestones_sql.as_str()));
        let themes = sqlx::query_as::<_, ItemThemeRow>(sqlx::AssertSqlSafe(themes_sql.as_str()));
        (
            items.bind_all(ids).fetch_all(&mut *c).await?,
            milestones.bind_all(ids).fetch_all(&mut *c).await?,
            themes.bind_all(ids).fetch_all(&mut *c).await?,
        )
    });
    assemble(db, items, milestones, themes).await
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
    const MILESTONES: &str = sql!(
        "SELECT ",
        MILESTONE_COLUMNS,
        " FROM tracker_milestones m WHERE m.item_id = $1 ORDER BY m.position"
    );
    let evidence_sql = "SELECT e.id, e.milestone_id, e.update_id, e.kind, e.url, e.title_en, e.title_fr, e.created_at \
        FROM tracker_evidence e JOIN tracker_milestones m ON m.id = e.milestone_id WHERE m.item_id = $1 ORDER BY e.created_at, e.id";
    const UPDATES: &str = sql!(
        "SELECT ",
        UPDATE_COLUMNS,
        " FROM tracker_updates u WHERE u.item_id = $1 ORDER BY u.posted_at DESC, u.id DESC"
    );
    const ASSESSMENTS: &str = sql!(
        "SELECT ",
        ASSESSMENT_COLUMNS,
        " FROM tracker_assessments a WHERE a.item_id = $1 ORDER BY a.assessed_on DESC, a.created_at DESC"
    );
    let themes_sql = "SELECT th.slug, th.title_en, th.title_fr FROM tracker_item_themes t JOIN tracker_themes th ON th.slug = t.theme_slug \
        WHERE t.item_id = $1 ORDER BY th.title_en";
    let (milestones, evidence, updates, assessments, themes) = read!(db, |c| {
        let m = sqlx::query_as::<_, MilestoneRow>(MILESTONES)
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        let e = sqlx::query_as::<_, EvidenceRow>(evidence_sql)
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        let u = sqlx::query_as::<_, UpdateRow>(UPDATES)
            .bind(item.id)
            .fetch_all(&mut *c)
            .await?;
        let a = sqlx::query_as::<_, AssessmentRow>(ASSESSMENTS)
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
