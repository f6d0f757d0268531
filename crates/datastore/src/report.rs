//! The validation report of a load: what was read, and what was wrong where, with first examples.
//! Stored with every load, shown on the resource page, printed by `agora ingest`.

use std::collections::BTreeMap;

use platform::Lang;
use serde::{Deserialize, Serialize};

use crate::types::ColumnType;

/// Examples kept per problem.
pub const MAX_EXAMPLES: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The load fails; the previous version keeps serving.
    Error,
    /// The load goes ahead; the person who loaded it should know.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// 1-based as Frictionless counts: the header is row 1.
    pub row: u64,
    pub value: String,
}

/// One kind of problem, in one column or in the file as a whole, however often it occurs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: String,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The first row where it occurs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub count: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

impl Problem {
    pub fn error(code: &str) -> Problem {
        Problem {
            code: code.to_string(),
            severity: Severity::Error,
            column: None,
            row: None,
            count: 1,
            args: BTreeMap::new(),
            examples: Vec::new(),
        }
    }

    pub fn warning(code: &str) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(code)
        }
    }

    pub fn row(mut self, row: u64) -> Problem {
        self.row = Some(row);
        self
    }

    pub fn column(mut self, column: &str) -> Problem {
        self.column = Some(column.to_string());
        self
    }

    pub fn arg(mut self, name: &str, value: impl ToString) -> Problem {
        self.args.insert(name.to_string(), value.to_string());
        self
    }

    pub fn example(mut self, row: u64, value: impl Into<String>) -> Problem {
        if self.examples.len() < MAX_EXAMPLES {
            let mut value: String = value.into();
            if value.chars().count() > 120 {
                value = value.chars().take(120).collect::<String>() + "…";
            }
            self.examples.push(Example { row, value });
        }
        self
    }

    /// The message in `lang`, e.g. "Column “Year”: 3 values are not whole numbers, first at row 14."
    pub fn message(&self, lang: Lang) -> String {
        let mut args: Vec<(&str, String)> = vec![
            ("count", self.count.to_string()),
            ("row", self.row.unwrap_or(0).to_string()),
        ];
        args.extend(self.args.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let text = lang.t_args(&format!("datastore-problem-{}", self.code), &args);
        match &self.column {
            Some(c) => lang.t_args(
                "datastore-problem-in-column",
                &[("column", c.clone()), ("message", text)],
            ),
            None => text,
        }
    }
}

/// Problems gathered during a load, merged by code and column.
#[derive(Default, Debug)]
pub struct Problems {
    items: Vec<Problem>,
    index: BTreeMap<(String, Option<String>), usize>,
}

impl Problems {
    pub fn add(&mut self, p: Problem) {
        let key = (p.code.clone(), p.column.clone());
        match self.index.get(&key) {
            Some(&i) => {
                let existing = &mut self.items[i];
                existing.count += p.count;
                existing.row = match (existing.row, p.row) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                for e in p.examples {
                    if existing.examples.len() < MAX_EXAMPLES {
                        existing.examples.push(e);
                    }
                }
            }
            None => {
                self.index.insert(key, self.items.len());
                self.items.push(p);
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn into_vec(self) -> Vec<Problem> {
        self.items
    }
}

/// A column as loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnReport {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// The type inference chose, when an override replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<ColumnType>,
    pub nulls: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub ok: bool,
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    pub rows: u64,
    pub bytes: u64,
    pub columns: Vec<ColumnReport>,
    pub problems: Vec<Problem>,
    pub seconds: f64,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    /// A plain-text summary, for the command line and job errors.
    pub fn text(&self, lang: Lang) -> String {
        let mut out = String::new();
        for p in &self.problems {
            let label = match p.severity {
                Severity::Error => lang.t("datastore-severity-error"),
                Severity::Warning => lang.t("datastore-severity-warning"),
            };
            out.push_str(&format!("{label}: {}\n", p.message(lang)));
            for e in &p.examples {
                out.push_str(&format!("    row {}: {}\n", e.row, e.value));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_merge_by_code_and_column() {
        let mut ps = Problems::default();
        for row in 2..10 {
            ps.add(
                Problem::error("not-integer")
                    .column("Year")
                    .row(row)
                    .example(row, "x"),
            );
        }
        ps.add(Problem::warning("no-rows"));
        assert!(ps.has_errors());
        let v = ps.into_vec();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].count, 8);
        assert_eq!(v[0].row, Some(2));
        assert_eq!(v[0].examples.len(), MAX_EXAMPLES);
    }
}
