//! The tracker's vocabulary: the OGP template's scales, dates that may be a whole month, the
//! progress roll-up and what counts as overdue. Pure code, no database.

use std::fmt;

use platform::{Bilingual, Lang};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Declares a closed list of values stored and sent as snake_case codes, each with a message key
/// (`tracker-<prefix>-<code with hyphens>`) and the wording OGP's data uses.
macro_rules! scale {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, [$($variant:ident = $code:literal / $ogp:literal),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The wording in OGP's data (and in our CSV).
            pub fn ogp_label(self) -> &'static str {
                match self { $($name::$variant => $ogp),+ }
            }

            /// The code, or OGP's wording in any case, with spaces, hyphens or underscores.
            pub fn parse(s: &str) -> Option<$name> {
                let wanted = normalize_code(s);
                $name::ALL.iter().copied().find(|v| {
                    normalize_code(v.as_str()) == wanted || normalize_code(v.ogp_label()) == wanted
                })
            }

            pub fn label_key(self) -> &'static str {
                match self { $($name::$variant => concat!("tracker-", $prefix, "-", $code)),+ }
            }

            /// The codes, for error messages: "not_started, limited, …".
            pub fn codes() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

fn normalize_code(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c == ' ' || c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

scale!(
    /// What a tracked item is: an OGP commitment in an action plan, or a government project.
    Kind, "kind", [Commitment = "commitment" / "Commitment", Project = "project" / "Project"]
);

scale!(
    /// How far a milestone (or, by the IRM, a commitment) is done.
    Completion, "completion", [
        NotStarted = "not_started" / "Not started",
        Limited = "limited" / "Limited",
        Substantial = "substantial" / "Substantial",
        Complete = "complete" / "Complete",
    ]
);

scale!(
    /// Whether a milestone is new in this plan or continues earlier work.
    Novelty, "novelty", [New = "new" / "New", Ongoing = "ongoing" / "Ongoing"]
);

scale!(
    /// Where an item stands. The first three follow from its milestones; the last two are set by
    /// its team.
    Status, "status", [
        NotStarted = "not_started" / "Not started",
        InProgress = "in_progress" / "In progress",
        Completed = "completed" / "Completed",
        OnHold = "on_hold" / "On hold",
        Withdrawn = "withdrawn" / "Withdrawn",
    ]
);

scale!(
    /// IRM: how specific the commitment's text is.
    Specificity, "specificity", [
        None = "none" / "None",
        Low = "low" / "Low",
        Medium = "medium" / "Medium",
        High = "high" / "High",
    ]
);

scale!(
    /// IRM: the potential impact if fully implemented (also the workshops' ambition scale).
    Impact, "impact", [
        None = "none" / "None",
        Minor = "minor" / "Minor",
        Moderate = "moderate" / "Moderate",
        Transformative = "transformative" / "Transformative",
    ]
);

scale!(
    /// IRM: "Did it open government?"
    OpenedGovernment, "opened", [
        Worsened = "worsened" / "Worsened",
        DidNotChange = "did_not_change" / "Did not change",
        Marginal = "marginal" / "Marginal",
        Major = "major" / "Major",
        Outstanding = "outstanding" / "Outstanding",
    ]
);

scale!(
    /// What an evidence link points at.
    EvidenceKind, "evidence", [
        Dataset = "dataset" / "Dataset",
        Document = "document" / "Document",
        Page = "page" / "Page",
    ]
);

scale!(
    /// The four OGP values a commitment may be relevant to.
    OgpValue, "value", [
        AccessInformation = "access_information" / "Access To Information",
        CivicParticipation = "civic_participation" / "Civic Participation",
        PublicAccountability = "public_accountability" / "Public Accountability",
        Technology = "technology" / "Technology",
    ]
);

scale!(
    /// The stages of the co-creation process a commitment can come from.
    OriginStage, "stage", [
        Process = "process" / "Process",
        Ideas = "ideas" / "Ideas",
        Assessment = "assessment" / "Assessment",
        Voting = "voting" / "Voting",
        Workshops = "workshops" / "Workshops",
        Other = "other" / "Other",
    ]
);

impl Completion {
    /// The share of the work a completion level stands for in the progress roll-up: the middle
    /// of each IRM band (limited: some progress, substantial: more than half).
    pub fn percent(self) -> f64 {
        match self {
            Completion::NotStarted => 0.0,
            Completion::Limited => 25.0,
            Completion::Substantial => 75.0,
            Completion::Complete => 100.0,
        }
    }

    /// The level a rolled-up percentage falls in.
    pub fn from_percent(p: f64) -> Completion {
        if p <= 0.0 {
            Completion::NotStarted
        } else if p >= 100.0 {
            Completion::Complete
        } else if p >= 50.0 {
            Completion::Substantial
        } else {
            Completion::Limited
        }
    }
}

impl Kind {
    /// The URL segment of this kind's pages: `/tracker/commitments/…`, `/tracker/projects/…`.
    pub fn segment(self) -> &'static str {
        match self {
            Kind::Commitment => "commitments",
            Kind::Project => "projects",
        }
    }

    pub fn from_segment(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.segment() == s)
    }
}

impl Status {
    /// The statuses a team may set by hand; the others follow from the milestones.
    pub const SETTABLE: &'static [Status] = &[Status::OnHold, Status::Withdrawn];
}

// ---- dates that may be a month ----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precision {
    Day,
    Month,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
        }
    }
    pub fn parse(s: &str) -> Precision {
        if s == "month" {
            Precision::Month
        } else {
            Precision::Day
        }
    }
}

/// A milestone date as the plan states it: a day ("2017-01-15") or a whole month ("2017-01",
/// which the seed writes "January 2017").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct When {
    /// The first day it covers.
    pub date: Date,
    pub precision: Precision,
}

impl When {
    pub fn day(date: Date) -> When {
        When {
            date,
            precision: Precision::Day,
        }
    }

    pub fn month(year: i32, month: Month) -> Option<When> {
        Date::from_calendar_date(year, month, 1)
            .ok()
            .map(|date| When {
                date,
                precision: Precision::Month,
            })
    }

    /// `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse(s: &str) -> Option<When> {
        let s = s.trim();
        let mut parts = s.split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month_text = parts.next()?;
        let month: u8 = month_text.parse().ok()?;
        let day_text = parts.next();
        if parts.next().is_some() || !(1000..=9999).contains(&year) || month_text.len() != 2 {
            return None;
        }
        let month = Month::try_from(month).ok()?;
        match day_text {
            None => When::month(year, month),
            Some(d) if d.len() == 2 => {
                let day: u8 = d.parse().ok()?;
                Date::from_calendar_date(year, month, day)
                    .ok()
                    .map(When::day)
            }
            Some(_) => None,
        }
    }

    pub fn from_parts(date: Option<Date>, precision: &str) -> Option<When> {
        date.map(|date| When {
            date,
            precision: Precision::parse(precision),
        })
    }

    /// The last day it covers.
    pub fn last_day(self) -> Date {
        match self.precision {
            Precision::Day => self.date,
            Precision::Month => {
                let (y, m) = (self.date.year(), self.date.month());
                Date::from_calendar_date(y, m, m.length(y)).unwrap_or(self.date)
            }
        }
    }

    /// As people write it: "January 2017", "janvier 2017", "January 15, 2017".
    pub fn display(self, lang: Lang) -> String {
        match self.precision {
            Precision::Day => lang.date(self.date),
            Precision::Month => {
                let full = lang.date(
                    Date::from_calendar_date(self.date.year(), self.date.month(), 2)
                        .unwrap_or(self.date),
                );
                // "January 2, 2017" → "January 2017"; "2 janvier 2017" → "janvier 2017".
                match lang {
                    Lang::En => full.replacen(" 2,", "", 1),
                    Lang::Fr => full.trim_start_matches("2 ").to_string(),
                }
            }
        }
    }
}

impl fmt::Display for When {
    /// The ISO form: `2017-01` or `2017-01-15`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = (self.date.year(), self.date.month() as u8, self.date.day());
        match self.precision {
            Precision::Day => write!(f, "{y:04}-{m:02}-{d:02}"),
            Precision::Month => write!(f, "{y:04}-{m:02}"),
        }
    }
}

impl Serialize for When {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// ---- progress ----

/// The part of a milestone the roll-up needs.
pub trait Weighed {
    fn completion(&self) -> Completion;
    fn weight(&self) -> Option<i64>;
}

/// An item's progress, rolled up from its milestones.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// 0 to 100, rounded.
    pub percent: i64,
    /// Whether milestone weights were used (otherwise every milestone counts the same).
    pub weighted: bool,
    pub milestones: usize,
    pub complete: usize,
}

impl Progress {
    /// Weighted when any milestone has a weight (a milestone without one counts as 1);
    /// otherwise, or when every weight is zero, the plain average.
    pub fn of<M: Weighed>(milestones: &[M]) -> Progress {
        let complete = milestones
            .iter()
            .filter(|m| m.completion() == Completion::Complete)
            .count();
        let weight = |m: &M| m.weight().unwrap_or(1);
        let total_weight: i64 = milestones.iter().map(weight).sum();
        let weighted = total_weight > 0 && milestones.iter().any(|m| m.weight().is_some());
        let percent = if milestones.is_empty() {
            0.0
        } else if weighted {
            milestones
                .iter()
                .map(|m| m.completion().percent() * weight(m) as f64)
                .sum::<f64>()
                / total_weight as f64
        } else {
            milestones
                .iter()
                .map(|m| m.completion().percent())
                .sum::<f64>()
                / milestones.len() as f64
        };
        Progress {
            percent: percent.round() as i64,
            weighted,
            milestones: milestones.len(),
            complete,
        }
    }

    /// The status that follows from the milestones.
    pub fn status(&self) -> Status {
        if self.milestones > 0 && self.complete == self.milestones {
            Status::Completed
        } else if self.percent > 0 {
            Status::InProgress
        } else {
            Status::NotStarted
        }
    }

    /// "3 of 4 milestones complete".
    pub fn milestones_text(&self, lang: Lang) -> String {
        lang.t_args(
            "tracker-progress-milestones",
            &[
                ("done", self.complete.to_string()),
                ("total", self.milestones.to_string()),
            ],
        )
    }

    /// The completion level the percentage falls in.
    pub fn level(&self) -> Completion {
        Completion::from_percent(self.percent as f64)
    }
}

/// A milestone is overdue when its end has passed and it is not complete.
pub fn overdue(end: Option<When>, completion: Completion, today: Date) -> bool {
    completion != Completion::Complete && end.is_some_and(|e| e.last_day() < today)
}

/// Today in UTC, the day every "overdue" is judged on.
pub fn today() -> Date {
    platform::db::now().date()
}

/// One step of the trail from the co-creation process to a commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OriginStep {
    pub stage: OriginStage,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub text: Bilingual,
    /// A page of the process, idea or vote, when there is one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

/// Text split into paragraphs at blank lines, each a list of lines: how the long template
/// fields are shown, exactly as written.
pub fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The non-empty lines of a text, trimmed: how lists such as the other actors are kept.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    struct M(Completion, Option<i64>);
    impl Weighed for M {
        fn completion(&self) -> Completion {
            self.0
        }
        fn weight(&self) -> Option<i64> {
            self.1
        }
    }

    #[test]
    fn scales_parse_codes_and_ogp_wording() {
        assert_eq!(
            Completion::parse("not_started"),
            Some(Completion::NotStarted)
        );
        assert_eq!(
            Completion::parse("Not Started"),
            Some(Completion::NotStarted)
        );
        assert_eq!(
            Completion::parse("SUBSTANTIAL"),
            Some(Completion::Substantial)
        );
        assert_eq!(Completion::parse("half"), None);
        assert_eq!(
            OpenedGovernment::parse("Did not change"),
            Some(OpenedGovernment::DidNotChange)
        );
        assert_eq!(Novelty::parse("NEW"), Some(Novelty::New));
        assert_eq!(
            Completion::codes(),
            "not_started, limited, substantial, complete"
        );
        assert_eq!(
            Completion::Limited.label_key(),
            "tracker-completion-limited"
        );
    }

    /// Every value of every scale has its words in both languages.
    #[test]
    fn every_scale_value_is_translated() {
        let mut keys: Vec<&str> = Vec::new();
        keys.extend(Kind::ALL.iter().map(|v| v.label_key()));
        keys.extend(Completion::ALL.iter().map(|v| v.label_key()));
        keys.extend(Novelty::ALL.iter().map(|v| v.label_key()));
        keys.extend(Status::ALL.iter().map(|v| v.label_key()));
        keys.extend(Specificity::ALL.iter().map(|v| v.label_key()));
        keys.extend(Impact::ALL.iter().map(|v| v.label_key()));
        keys.extend(OpenedGovernment::ALL.iter().map(|v| v.label_key()));
        keys.extend(EvidenceKind::ALL.iter().map(|v| v.label_key()));
        keys.extend(OgpValue::ALL.iter().map(|v| v.label_key()));
        keys.extend(OriginStage::ALL.iter().map(|v| v.label_key()));
        for key in keys {
            for lang in Lang::ALL {
                assert_ne!(lang.t(key), key, "{key} missing in {}", lang.code());
            }
        }
    }

    #[test]
    fn dates_by_day_or_month() {
        let jan = When::parse("2017-01").unwrap();
        assert_eq!(jan.precision, Precision::Month);
        assert_eq!(jan.last_day(), date!(2017 - 01 - 31));
        assert_eq!(jan.to_string(), "2017-01");
        assert_eq!(jan.display(Lang::En), "January 2017");
        assert_eq!(jan.display(Lang::Fr), "janvier 2017");
        let feb = When::parse("2016-02").unwrap();
        assert_eq!(feb.last_day(), date!(2016 - 02 - 29));
        let d = When::parse("2017-03-15").unwrap();
        assert_eq!(d.display(Lang::En), "March 15, 2017");
        assert_eq!(d.to_string(), "2017-03-15");
        for bad in [
            "2017",
            "2017-13",
            "2017-02-30",
            "17-01",
            "2017-1",
            "2017-01-5",
            "x",
        ] {
            assert_eq!(When::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn progress_is_weighted_or_averaged() {
        let avg = Progress::of(&[
            M(Completion::Complete, None),
            M(Completion::NotStarted, None),
            M(Completion::Limited, None),
            M(Completion::Substantial, None),
        ]);
        assert_eq!(avg.percent, 50);
        assert!(!avg.weighted);
        assert_eq!(avg.status(), Status::InProgress);
        let weighted = Progress::of(&[
            M(Completion::Complete, Some(3)),
            M(Completion::NotStarted, Some(1)),
        ]);
        assert_eq!(weighted.percent, 75);
        assert!(weighted.weighted);
        // All weights zero: averaged.
        let zeros = Progress::of(&[
            M(Completion::Complete, Some(0)),
            M(Completion::NotStarted, Some(0)),
        ]);
        assert_eq!((zeros.percent, zeros.weighted), (50, false));
        // A milestone without a weight counts as 1.
        let partly = Progress::of(&[
            M(Completion::Complete, Some(2)),
            M(Completion::NotStarted, None),
        ]);
        assert_eq!((partly.percent, partly.weighted), (67, true));
        let none: [M; 0] = [];
        assert_eq!(Progress::of(&none).status(), Status::NotStarted);
        let done = Progress::of(&[M(Completion::Complete, None)]);
        assert_eq!(done.status(), Status::Completed);
        assert_eq!(done.level(), Completion::Complete);
    }

    #[test]
    fn overdue_after_the_last_day_of_the_end() {
        let end = When::parse("2017-01");
        assert!(!overdue(end, Completion::Limited, date!(2017 - 01 - 31)));
        assert!(overdue(end, Completion::Limited, date!(2017 - 02 - 01)));
        assert!(!overdue(end, Completion::Complete, date!(2018 - 01 - 01)));
        assert!(!overdue(
            None,
            Completion::NotStarted,
            date!(2030 - 01 - 01)
        ));
    }

    #[test]
    fn paragraphs_and_lines() {
        assert_eq!(
            paragraphs("a\nb\n\n\nc\n"),
            vec![
                vec!["a".to_string(), "b".to_string()],
                vec!["c".to_string()]
            ]
        );
        assert_eq!(lines(" a \n\n b"), vec!["a", "b"]);
    }
}
