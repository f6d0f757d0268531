//! The timeline as a server-drawn SVG Gantt chart: one bar per dated milestone, filled as far
//! as the milestone is complete, grouped under its commitment or project, with a line at today.
//! The same data is always in a table beside it; the chart is for the eye.

use platform::Lang;
use time::{Date, Month};

use crate::model::{Completion, When};
use crate::store::Milestone;

pub const WIDTH: f64 = 960.0;
/// The column of row labels on the left.
pub const LEFT: f64 = 330.0;
const RIGHT_PAD: f64 = 16.0;
const TOP: f64 = 44.0;
const ROW: f64 = 26.0;
const LABEL_CHARS: usize = 44;

#[derive(Clone, Debug)]
pub struct Chart {
    pub height: f64,
    pub rows: Vec<Row>,
    pub ticks: Vec<Tick>,
    /// Where today's line is, when today is in the chart's range.
    pub today: Option<f64>,
    pub undated: usize,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub y: f64,
    /// A commitment or project heading its milestones.
    pub header: bool,
    pub label: String,
    /// The full text, for the tooltip.
    pub title: String,
    pub bar: Option<Bar>,
}

#[derive(Clone, Debug)]
pub struct Bar {
    pub x: f64,
    pub w: f64,
    /// The part of the bar that is done.
    pub done: f64,
    /// Started, with no end date: the bar runs to the edge, dashed.
    pub open: bool,
    /// Only an end date: a marker at the end.
    pub point: bool,
    pub overdue: bool,
    pub complete: bool,
}

#[derive(Clone, Debug)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// One commitment or project and its milestones, as the chart groups them.
pub struct Group<'a> {
    pub label: String,
    pub milestones: &'a [Milestone],
}

fn month_short(lang: Lang, m: Month) -> &'static str {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let i = m as usize - 1;
    match lang {
        Lang::En => EN[i],
        Lang::Fr => FR[i],
    }
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut}…")
}

fn first_of_month(d: Date) -> Date {
    d.replace_day(1).unwrap_or(d)
}

fn next_month(d: Date) -> Date {
    let (y, m) = if d.month() == Month::December {
        (d.year() + 1, Month::January)
    } else {
        (d.year(), d.month().next())
    };
    Date::from_calendar_date(y, m, 1).unwrap_or(d)
}

/// The chart, or `None` when no milestone has a date.
pub fn build(groups: &[Group<'_>], today: Date, lang: Lang) -> Option<Chart> {
    let dates: Vec<Date> = groups
        .iter()
        .flat_map(|g| g.milestones.iter())
        .flat_map(|m| [m.start.map(|w| w.date), m.end.map(When::last_day)])
        .flatten()
        .collect();
    let undated = groups
        .iter()
        .flat_map(|g| g.milestones.iter())
        .filter(|m| m.start.is_none() && m.end.is_none())
        .count();
    let first = *dates.iter().min()?;
    let last = (*dates.iter().max()?).max(today);
    let open_ended = groups
        .iter()
        .flat_map(|g| g.milestones.iter())
        .any(|m| m.start.is_some() && m.end.is_none());
    let last = if open_ended { last.max(today) } else { last };
    let from = first_of_month(first);
    let to = next_month(last);
    let days = ((to - from).whole_days()).max(1) as f64;
    let span = WIDTH - LEFT - RIGHT_PAD;
    let x_of = |d: Date| LEFT + ((d - from).whole_days() as f64 / days) * span;

    // Ticks: months on short ranges, years on long ones.
    let months = (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32);
    let step = match months {
        0..=12 => 1,
        13..=24 => 3,
        25..=48 => 6,
        _ => 12,
    };
    let mut ticks = Vec::new();
    let mut d = if step == 12 {
        Date::from_calendar_date(from.year(), Month::January, 1).unwrap_or(from)
    } else {
        from
    };
    if d < from {
        d = Date::from_calendar_date(from.year() + 1, Month::January, 1).unwrap_or(from);
    }
    while d <= to {
        let label = if step == 12 {
            d.year().to_string()
        } else {
            format!("{} {}", month_short(lang, d.month()), d.year())
        };
        ticks.push(Tick { x: x_of(d), label });
        for _ in 0..step {
            d = next_month(d);
        }
    }

    let mut rows = Vec::new();
    let mut y = TOP;
    for g in groups {
        let dated: Vec<&Milestone> = g
            .milestones
            .iter()
            .filter(|m| m.start.is_some() || m.end.is_some())
            .collect();
        if dated.is_empty() {
            continue;
        }
        rows.push(Row {
            y,
            header: true,
            label: shorten(&g.label, LABEL_CHARS),
            title: g.label.clone(),
            bar: None,
        });
        y += ROW;
        for m in dated {
            let activity = m.activity.get(lang);
            let bar = match (m.start, m.end) {
                (Some(s), Some(e)) => (
                    x_of(s.date),
                    x_of(e.last_day().next_day().unwrap_or(e.date)),
                    false,
                    false,
                ),
                (Some(s), None) => (x_of(s.date), x_of(to), true, false),
                (None, Some(e)) => {
                    let x = x_of(e.last_day());
                    (x, x, false, true)
                }
                (None, None) => continue,
            };
            let (x, end, open, point) = bar;
            let w = (end - x).max(if point { 0.0 } else { 2.0 });
            rows.push(Row {
                y,
                header: false,
                label: shorten(&format!("{}. {activity}", m.position), LABEL_CHARS),
                title: format!("{}. {activity}", m.position),
                bar: Some(Bar {
                    x,
                    w,
                    done: w * m.completion.percent() / 100.0,
                    open,
                    point,
                    overdue: m.overdue(),
                    complete: m.completion == Completion::Complete,
                }),
            });
            y += ROW;
        }
    }
    let today_x = (today >= from && today <= to).then(|| x_of(today));
    Some(Chart {
        height: y + 8.0,
        rows,
        ticks,
        today: today_x,
        undated,
    })
}

impl Chart {
    pub fn width(&self) -> f64 {
        WIDTH
    }
    pub fn left(&self) -> f64 {
        LEFT
    }
    /// A coordinate as SVG wants it.
    pub fn n(&self, v: impl std::borrow::Borrow<f64>) -> String {
        format!("{:.1}", v.borrow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Novelty;
    use platform::Bilingual;
    use time::macros::date;
    use uuid::Uuid;

    fn m(position: i64, start: &str, end: &str, completion: Completion) -> Milestone {
        Milestone {
            id: Uuid::nil(),
            item_id: Uuid::nil(),
            position,
            activity: Bilingual::new(format!("Activity {position}"), ""),
            novelty: Novelty::New,
            start: When::parse(start),
            end: When::parse(end),
            completion,
            weight: None,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn bars_ticks_and_today() {
        let ms = vec![
            m(1, "2017-01", "2017-03", Completion::Complete),
            m(2, "2017-02-15", "", Completion::Limited),
            m(3, "", "2017-06", Completion::NotStarted),
            m(4, "", "", Completion::NotStarted),
        ];
        let groups = [Group {
            label: "A commitment".into(),
            milestones: &ms,
        }];
        let chart = build(&groups, date!(2017 - 05 - 10), Lang::En).unwrap();
        assert_eq!(chart.undated, 1);
        assert_eq!(chart.rows.len(), 4, "a header and three dated milestones");
        assert!(chart.rows[0].header);
        let full = chart.rows[1].bar.as_ref().unwrap();
        assert!(full.complete && (full.done - full.w).abs() < 1e-9);
        let open = chart.rows[2].bar.as_ref().unwrap();
        assert!(open.open && (open.done - open.w * 0.25).abs() < 1e-9);
        let point = chart.rows[3].bar.as_ref().unwrap();
        assert!(point.point);
        assert!(chart.today.is_some());
        assert_eq!(chart.ticks[0].label, "Jan 2017");
        assert!(chart.ticks.iter().all(|t| t.x >= LEFT && t.x <= WIDTH));
    }

    #[test]
    fn nothing_dated_no_chart() {
        let ms = vec![m(1, "", "", Completion::NotStarted)];
        let groups = [Group {
            label: "x".into(),
            milestones: &ms,
        }];
        assert!(build(&groups, date!(2020 - 01 - 01), Lang::Fr).is_none());
    }

    #[test]
    fn long_labels_are_shortened_at_a_word() {
        let s = shorten(
            "Engage the Premier’s Council on Youth Opportunities and their youth networks",
            30,
        );
        assert!(s.ends_with('…') && s.chars().count() <= 30, "{s}");
    }
}
