//! The table `agora jobs` prints: background jobs as plain-text columns.

use std::fmt::Write as _;

use platform::jobs::{Job, JobState, truncate};
use time::{OffsetDateTime, UtcOffset};

/// Jobs as plain-text columns for `agora jobs`.
pub fn format_table(jobs: &[Job]) -> String {
    if jobs.is_empty() {
        return "no jobs\n".to_string();
    }
    let header = [
        "ID",
        "KIND",
        "STATE",
        "ATTEMPTS",
        "PROGRESS",
        "UPDATED (UTC)",
        "NOTE",
    ];
    let rows: Vec<[String; 7]> = jobs
        .iter()
        .map(|j| {
            let progress = match (j.progress_done, j.progress_total) {
                (done, Some(total)) if total > 0 => {
                    format!("{done}/{total} ({}%)", (done.clamp(0, total) * 100) / total)
                }
                (done, Some(total)) => format!("{done}/{total}"),
                (0, None) => "-".to_string(),
                (done, None) => done.to_string(),
            };
            let note = match (&j.last_error, j.job_state()) {
                (Some(_), Some(JobState::Failed | JobState::Queued)) => {
                    format!("error: {}", j.error_summary().unwrap_or_default())
                }
                _ => j.progress_note.clone(),
            };
            [
                j.id.to_string(),
                j.kind.clone(),
                j.state.clone(),
                format!("{}/{}", j.attempts, j.max_attempts),
                progress,
                format_utc(j.updated_at),
                truncate(&note, 80),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }
    out
}

fn format_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sqlx::types::Json;
    use uuid::Uuid;

    fn job(state: &str, done: i64, total: Option<i64>, error: Option<&str>) -> Job {
        let at = time::macros::datetime!(2026-11-26 14:05:09 UTC);
        Job {
            id: Uuid::nil(),
            kind: "datastore.ingest".into(),
            payload: Json(json!({})),
            state: state.into(),
            attempts: 2,
            max_attempts: 5,
            run_at: at,
            lease_until: None,
            locked_by: None,
            progress_done: done,
            progress_total: total,
            progress_note: "rows".into(),
            last_error: error.map(str::to_string),
            created_at: at,
            updated_at: at,
            finished_at: None,
        }
    }

    #[test]
    fn table_has_aligned_columns() {
        let jobs = [
            job("running", 1200, Some(13956), None),
            job("failed", 0, None, Some("bad row 7\nmore detail")),
        ];
        let text = format_table(&jobs);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("ID "));
        assert!(lines[1].contains("1200/13956 (8%)"), "{text}");
        assert!(lines[1].contains("2026-11-26 14:05:09"), "{text}");
        assert!(lines[2].contains("error: bad row 7"), "{text}");
        assert!(!text.contains("more detail"));
        let state_col = lines[0].find("STATE").unwrap();
        assert_eq!(&lines[1][state_col..state_col + 7], "running");
        assert_eq!(&lines[2][state_col..state_col + 6], "failed");
        assert_eq!(format_table(&[]), "no jobs\n");
    }
}
