//! The progress chart as server-drawn SVG: one line per access level over time, each with its
//! own dash pattern and marker shape so that colour is never the only difference. The same
//! figures are always in a table beside it.

use platform::Lang;

use super::{ProgressPoint, Step};
use crate::model::AccessLevel;

pub const WIDTH: f64 = 960.0;
pub const HEIGHT: f64 = 340.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// At most this many labels along the time axis.
const MAX_LABELS: usize = 12;

pub struct Chart {
    pub series: Vec<Series>,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub plot_left: String,
    pub plot_right: String,
    pub plot_top: String,
    pub plot_bottom: String,
}

pub struct Series {
    pub level: &'static str,
    /// `x,y x,y …`
    pub points: String,
    pub markers: Vec<(String, String)>,
}

pub struct Tick {
    /// The position along its axis.
    pub at: String,
    pub label: String,
}

fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// A round ceiling for the vertical axis: 1, 2 or 5 times a power of ten.
fn nice_ceiling(max: i64) -> i64 {
    let max = max.max(1);
    let mut power = 1i64;
    while power * 10 <= max {
        power *= 10;
    }
    for m in [1, 2, 5, 10] {
        if m * power >= max {
            return m * power;
        }
    }
    10 * power
}

/// How a point in time is named along the axis and in the table.
pub fn point_label(lang: Lang, step: Step, p: &ProgressPoint, last: bool) -> String {
    let d = p.date;
    if last {
        return lang.date(d);
    }
    match step {
        Step::Year => d.year().to_string(),
        Step::Quarter => match lang {
            Lang::En => format!("Q{} {}", (d.month() as u8).div_ceil(3), d.year()),
            Lang::Fr => format!("T{} {}", (d.month() as u8).div_ceil(3), d.year()),
        },
        Step::Month => lang.date(d),
    }
}

pub fn draw(lang: Lang, step: Step, points: &[ProgressPoint]) -> Chart {
    let max = points
        .iter()
        .flat_map(|p| p.levels.iter().copied())
        .max()
        .unwrap_or(0);
    let ceiling = nice_ceiling(max) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| {
        if points.len() <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let y = |v: i64| TOP + plot_h - plot_h * v as f64 / ceiling;
    let series = AccessLevel::CODES
        .iter()
        .enumerate()
        .map(|(l, level)| {
            let coords: Vec<(String, String)> = points
                .iter()
                .enumerate()
                .map(|(i, p)| (n(x(i)), n(y(p.levels[l]))))
                .collect();
            Series {
                level,
                points: coords
                    .iter()
                    .map(|(a, b)| format!("{a},{b}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                markers: coords,
            }
        })
        .collect();
    let y_ticks = (0..=4)
        .map(|k| {
            let v = (ceiling as i64) * k / 4;
            Tick {
                at: n(y(v)),
                label: lang.number(v),
            }
        })
        .collect();
    let every = points.len().div_ceil(MAX_LABELS).max(1);
    let x_ticks = points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i == points.len() - 1)
        .filter(|(i, _)| *i == points.len() - 1 || points.len() - 1 - i >= every)
        .map(|(i, p)| Tick {
            at: n(x(i)),
            label: point_label(lang, step, p, false),
        })
        .collect();
    Chart {
        series,
        y_ticks,
        x_ticks,
        plot_left: n(LEFT),
        plot_right: n(WIDTH - RIGHT),
        plot_top: n(TOP),
        plot_bottom: n(TOP + plot_h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn axes_are_round_and_lines_span_the_plot() {
        assert_eq!(nice_ceiling(1091), 2000);
        assert_eq!(nice_ceiling(831), 1000);
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(40), 50);
        let points = vec![
            ProgressPoint {
                date: date!(2019 - 12 - 31),
                levels: [0, 10, 0, 0],
            },
            ProgressPoint {
                date: date!(2020 - 12 - 31),
                levels: [5, 5, 2, 0],
            },
        ];
        let chart = draw(Lang::En, Step::Year, &points);
        assert_eq!(chart.series.len(), 4);
        // Open starts at the bottom and ends half way up (5 of 10).
        assert_eq!(chart.series[0].points, "64.0,300.0 936.0,158.0");
        assert_eq!(chart.y_ticks.last().unwrap().label, "10");
        assert_eq!(chart.x_ticks.len(), 2);
        assert_eq!(chart.x_ticks[0].label, "2019");
    }
}
