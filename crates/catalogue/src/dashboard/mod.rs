//! The inventory and the Open Data Charter dashboard: holdings by access level and exemption,
//! overall and per organization; the release schedule; progress over time drawn from the access
//! history; the targets an administrator sets, with progress towards each; and the seed's
//! measure of data requests. Only public holdings count (active, not private): restricted ones
//! are public metadata, drafts and private ones are not.

pub mod api;
pub mod chart;
pub mod pages;
pub mod targets;

use std::collections::HashMap;

use serde::Serialize;
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

use platform::db::Db;
use platform::{Result, read};

use crate::model::{AccessLevel, Exemption};

/// Counts in the order of [`AccessLevel::ALL`]: open, under review, restricted, to be opened.
pub type LevelCounts = [i64; 4];

/// Level counts in JSON: `{"open": 831, "under_review": 1091, …}`.
fn levels_object<S: serde::Serializer>(levels: &LevelCounts, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(levels.len()))?;
    for (level, n) in AccessLevel::CODES.iter().zip(levels) {
        map.serialize_entry(level, n)?;
    }
    map.end()
}

pub fn level_index(level: &str) -> Option<usize> {
    AccessLevel::CODES.iter().position(|l| *l == level)
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct OrgCounts {
    pub organization_id: Uuid,
    #[serde(serialize_with = "levels_object")]
    #[schema(value_type = HashMap<String, i64>)]
    pub levels: LevelCounts,
    pub total: i64,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ExemptionCounts {
    pub exemption: String,
    #[serde(serialize_with = "levels_object")]
    #[schema(value_type = HashMap<String, i64>)]
    pub levels: LevelCounts,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Inventory {
    pub total: i64,
    #[serde(serialize_with = "levels_object")]
    #[schema(value_type = HashMap<String, i64>)]
    pub levels: LevelCounts,
    /// Per exemption, in the order of the exemption list.
    pub exemptions: Vec<ExemptionCounts>,
    /// Per organization holding anything, most holdings first.
    pub organizations: Vec<OrgCounts>,
}

pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 100 + whole / 2) / whole
    }
}

pub async fn inventory(db: &Db) -> Result<Inventory> {
    let rows: Vec<(Uuid, String, String, i64)> = read!(db, |c| {
        sqlx::query_as(
            "SELECT organization_id, access_level, exemption, COUNT(*) FROM datasets WHERE state = 'active' AND private = FALSE \
             GROUP BY organization_id, access_level, exemption",
        )
        .fetch_all(&mut *c)
        .await?
    });
    let mut inv = Inventory {
        exemptions: Exemption::CODES
            .iter()
            .map(|e| ExemptionCounts {
                exemption: e.to_string(),
                levels: [0; 4],
            })
            .collect(),
        ..Default::default()
    };
    let mut orgs: HashMap<Uuid, OrgCounts> = HashMap::new();
    for (org, level, exemption, n) in rows {
        let Some(i) = level_index(&level) else {
            continue;
        };
        inv.total += n;
        inv.levels[i] += n;
        if let Some(e) = inv.exemptions.iter_mut().find(|e| e.exemption == exemption) {
            e.levels[i] += n;
        }
        let o = orgs.entry(org).or_insert_with(|| OrgCounts {
            organization_id: org,
            ..Default::default()
        });
        o.levels[i] += n;
        o.total += n;
    }
    let mut organizations: Vec<OrgCounts> = orgs.into_values().collect();
    organizations.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.organization_id.cmp(&b.organization_id))
    });
    inv.organizations = organizations;
    Ok(inv)
}

/// A holding with a planned release date.
#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Planned {
    pub name: String,
    pub title_en: String,
    pub title_fr: String,
    pub organization_id: Uuid,
    #[serde(with = "crate::forms::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub planned_open_date: Date,
}

/// Holdings to be opened, by planned date: those overdue (the date has passed) and upcoming.
pub async fn schedule(db: &Db, today: Date) -> Result<(Vec<Planned>, Vec<Planned>)> {
    let rows: Vec<Planned> = read!(db, |c| {
        sqlx::query_as::<_, Planned>(
            "SELECT name, title_en, title_fr, organization_id, planned_open_date FROM datasets \
             WHERE state = 'active' AND private = FALSE AND access_level = 'to_be_opened' AND planned_open_date IS NOT NULL \
             ORDER BY planned_open_date, name",
        )
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows.into_iter().partition(|p| p.planned_open_date < today))
}

/// One access-level change of a public holding.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Change {
    pub dataset_id: Uuid,
    pub organization_id: Uuid,
    pub at: OffsetDateTime,
    pub access_level: String,
}

/// Every access change of the public holdings, each holding's in order.
pub async fn changes(db: &Db) -> Result<Vec<Change>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, Change>(
            "SELECT h.dataset_id, d.organization_id, h.at, h.access_level FROM access_history h JOIN datasets d ON d.id = h.dataset_id \
             WHERE d.state = 'active' AND d.private = FALSE ORDER BY h.dataset_id, h.at, h.id",
        )
        .fetch_all(&mut *c)
        .await?
    }))
}

/// How many holdings were at each level at the end of each day in `dates` (ascending), for one
/// organization or all: each holding counts at the level of its last change up to that day.
pub fn levels_at(
    changes: &[Change],
    dates: &[Date],
    organization: Option<Uuid>,
) -> Vec<LevelCounts> {
    let mut out = vec![[0i64; 4]; dates.len()];
    let relevant = changes
        .iter()
        .filter(|c| organization.is_none_or(|o| c.organization_id == o));
    let mut current: Option<Uuid> = None;
    let mut history: Vec<(Date, usize)> = Vec::new();
    let mut flush = |history: &mut Vec<(Date, usize)>| {
        let mut k = 0;
        let mut level = None;
        for (i, day) in dates.iter().enumerate() {
            while k < history.len() && history[k].0 <= *day {
                level = Some(history[k].1);
                k += 1;
            }
            if let Some(l) = level {
                out[i][l] += 1;
            }
        }
        history.clear();
    };
    for c in relevant {
        if current != Some(c.dataset_id) {
            flush(&mut history);
            current = Some(c.dataset_id);
        }
        if let Some(l) = level_index(&c.access_level) {
            history.push((c.at.date(), l));
        }
    }
    flush(&mut history);
    out
}

/// The step of the progress chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Month,
    Quarter,
    Year,
}

/// The days the progress is measured on: the end of each month, quarter or year from the first
/// change to today (at most about forty points), and today.
pub fn progress_dates(first: Date, today: Date) -> (Step, Vec<Date>) {
    let months = (today.year() - first.year()) * 12 + today.month() as i32 - first.month() as i32;
    let step = if months <= 36 {
        Step::Month
    } else if months <= 120 {
        Step::Quarter
    } else {
        Step::Year
    };
    let mut dates = Vec::new();
    let (mut year, mut month) = (first.year(), first.month() as u8);
    loop {
        let end_month = match step {
            Step::Month => month,
            Step::Quarter => month.div_ceil(3) * 3,
            Step::Year => 12,
        };
        let end = last_day(year, end_month);
        if end >= today {
            break;
        }
        dates.push(end);
        (year, month) = if end_month == 12 {
            (year + 1, 1)
        } else {
            (year, end_month + 1)
        };
    }
    dates.push(today);
    (step, dates)
}

fn last_day(year: i32, month: u8) -> Date {
    let m = Month::try_from(month).unwrap_or(Month::December);
    Date::from_calendar_date(year, m, m.length(year)).unwrap_or(Date::MIN)
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProgressPoint {
    #[serde(with = "crate::forms::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// By access level, as of the end of that day.
    #[serde(serialize_with = "levels_object")]
    #[schema(value_type = HashMap<String, i64>)]
    pub levels: LevelCounts,
}

/// The inventory's levels over time, overall.
pub fn progress(changes: &[Change], today: Date) -> (Step, Vec<ProgressPoint>) {
    let Some(first) = changes.iter().map(|c| c.at.date()).min() else {
        return (Step::Month, Vec::new());
    };
    let (step, dates) = progress_dates(first.min(today), today);
    let levels = levels_at(changes, &dates, None);
    let points = dates
        .into_iter()
        .zip(levels)
        .map(|(date, levels)| ProgressPoint { date, levels })
        .collect();
    (step, points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn change(dataset: u128, org: u128, at: OffsetDateTime, level: &str) -> Change {
        Change {
            dataset_id: Uuid::from_u128(dataset),
            organization_id: Uuid::from_u128(org),
            at,
            access_level: level.into(),
        }
    }

    #[test]
    fn levels_follow_each_holdings_last_change() {
        let changes = vec![
            change(1, 7, datetime!(2020-01-10 0:00 UTC), "under_review"),
            change(1, 7, datetime!(2020-03-05 0:00 UTC), "open"),
            change(2, 8, datetime!(2020-02-01 0:00 UTC), "restricted"),
        ];
        let dates = [
            date!(2020 - 01 - 31),
            date!(2020 - 02 - 29),
            date!(2020 - 03 - 31),
        ];
        assert_eq!(
            levels_at(&changes, &dates, None),
            vec![[0, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 0]]
        );
        assert_eq!(
            levels_at(&changes, &dates, Some(Uuid::from_u128(7))),
            vec![[0, 1, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0]]
        );
    }

    #[test]
    fn the_step_keeps_the_chart_readable() {
        let (step, dates) = progress_dates(date!(2026 - 01 - 15), date!(2026 - 03 - 10));
        assert_eq!(step, Step::Month);
        assert_eq!(
            dates,
            vec![
                date!(2026 - 01 - 31),
                date!(2026 - 02 - 28),
                date!(2026 - 03 - 10)
            ]
        );
        let (step, dates) = progress_dates(date!(2020 - 02 - 01), date!(2025 - 01 - 02));
        assert_eq!(step, Step::Quarter);
        assert_eq!(dates[0], date!(2020 - 03 - 31));
        assert_eq!(*dates.last().unwrap(), date!(2025 - 01 - 02));
        let (step, dates) = progress_dates(date!(2012 - 10 - 10), date!(2026 - 11 - 26));
        assert_eq!(step, Step::Year);
        assert_eq!(dates.len(), 15);
        assert_eq!(dates[0], date!(2012 - 12 - 31));
    }

    #[test]
    fn percentages_round() {
        assert_eq!(percent(831, 2735), 30);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
    }
}
