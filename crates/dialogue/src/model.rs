//! The vocabulary of open dialogue and the rows the store reads. Enumerations are stored as their
//! lower-case names; each has a message key for its label.

use platform::auth::CurrentUser;
use platform::{Bilingual, Lang};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident, $prefix:literal { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }

            /// The message key of the label.
            pub fn label_key(self) -> &'static str {
                match self { $($name::$variant => concat!($prefix, $s)),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// How far the public is involved (Ontario's Public Engagement Framework).
    Level, "dialogue-level-" {
        Share = "share",
        Consult = "consult",
        Deliberate = "deliberate",
        Collaborate = "collaborate",
    }
);

string_enum!(
    /// Where a consultation stands; it follows from its dates and whether results are published.
    Status, "dialogue-status-" {
        Upcoming = "upcoming",
        Open = "open",
        Closed = "closed",
        Results = "results",
    }
);

string_enum!(
    /// A way to take part in a consultation.
    WayKind, "dialogue-way-" {
        /// Submit ideas on this site, in the consultation's process.
        Ideas = "ideas",
        Survey = "survey",
        /// A meeting with a place and a date.
        Event = "event",
        /// Anything else, on another site.
        Link = "link",
    }
);

string_enum!(
    PhaseKind, "dialogue-phase-" {
        Ideas = "ideas",
        Assessment = "assessment",
        Voting = "voting",
        Workshops = "workshops",
        Commitments = "commitments",
    }
);

string_enum!(
    /// Who may do something during a phase.
    Audience, "dialogue-audience-" {
        Nobody = "nobody",
        /// Signed-in people whose e-mail address is verified.
        Verified = "verified",
        /// Any signed-in person, verified or not.
        SignedIn = "signed_in",
    }
);

string_enum!(
    VoteRule, "dialogue-rule-" {
        /// One favourite idea in each theme.
        OnePerTheme = "one_per_theme",
        /// Up to `vote_max` ideas across the process.
        Approval = "approval",
    }
);

string_enum!(
    IdeaState, "dialogue-state-" {
        Submitted = "submitted",
        InAssessment = "in_assessment",
        Accepted = "accepted",
        NotRetained = "not_retained",
        Merged = "merged",
    }
);

string_enum!(
    /// Whether people see a contribution: reports hide it pending review; a moderator removes it or
    /// keeps it.
    Visibility, "dialogue-visibility-" {
        Visible = "visible",
        Pending = "pending",
        Removed = "removed",
    }
);

string_enum!(
    ReportReason, "dialogue-reason-" {
        Spam = "spam",
        Offensive = "offensive",
        OffTopic = "off_topic",
    }
);

string_enum!(
    TargetKind, "dialogue-target-" {
        Idea = "idea",
        Comment = "comment",
    }
);

/// Today, in UTC: phases and consultations open and close by whole days.
pub fn today() -> Date {
    platform::db::now().date()
}

/// Whether `user` belongs to `audience`.
pub fn admits(audience: Audience, user: Option<&CurrentUser>) -> bool {
    match (audience, user) {
        (Audience::Nobody, _) | (_, None) => false,
        (Audience::SignedIn, Some(_)) => true,
        (Audience::Verified, Some(u)) => u.verified,
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Process {
    pub id: Uuid,
    pub slug: String,
    pub organization_id: Uuid,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub guidance_en: String,
    pub guidance_fr: String,
    pub vote_rule: String,
    pub vote_max: i64,
    pub hide_tallies: bool,
    pub ideas_per_person: i64,
    pub report_threshold: i64,
    pub sample: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Process {
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_en, &self.title_fr)
    }
    pub fn summary(&self) -> Bilingual {
        Bilingual::new(&self.summary_en, &self.summary_fr)
    }
    pub fn guidance(&self) -> Bilingual {
        Bilingual::new(&self.guidance_en, &self.guidance_fr)
    }
    pub fn rule(&self) -> VoteRule {
        VoteRule::parse(&self.vote_rule).unwrap_or(VoteRule::OnePerTheme)
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Phase {
    pub id: Uuid,
    pub process_id: Uuid,
    pub position: i64,
    pub kind: String,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub opens_on: Date,
    pub closes_on: Date,
    pub submit_audience: String,
    pub comment_audience: String,
    pub vote_audience: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseState {
    Upcoming,
    Open,
    Closed,
}

impl Phase {
    pub fn kind(&self) -> PhaseKind {
        PhaseKind::parse(&self.kind).unwrap_or(PhaseKind::Ideas)
    }
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_en, &self.title_fr)
    }
    pub fn description(&self) -> Bilingual {
        Bilingual::new(&self.description_en, &self.description_fr)
    }
    pub fn state_on(&self, day: Date) -> PhaseState {
        if day < self.opens_on {
            PhaseState::Upcoming
        } else if day > self.closes_on {
            PhaseState::Closed
        } else {
            PhaseState::Open
        }
    }
    pub fn is_open(&self) -> bool {
        self.state_on(today()) == PhaseState::Open
    }
    pub fn is_closed(&self) -> bool {
        self.state_on(today()) == PhaseState::Closed
    }
    pub fn is_upcoming(&self) -> bool {
        self.state_on(today()) == PhaseState::Upcoming
    }
    pub fn submit(&self) -> Audience {
        Audience::parse(&self.submit_audience).unwrap_or(Audience::Nobody)
    }
    pub fn comment(&self) -> Audience {
        Audience::parse(&self.comment_audience).unwrap_or(Audience::Nobody)
    }
    pub fn vote(&self) -> Audience {
        Audience::parse(&self.vote_audience).unwrap_or(Audience::Nobody)
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Theme {
    pub id: Uuid,
    pub process_id: Uuid,
    pub slug: String,
    pub position: i64,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
}

impl Theme {
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_en, &self.title_fr)
    }
    pub fn description(&self) -> Bilingual {
        Bilingual::new(&self.description_en, &self.description_fr)
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Criterion {
    pub id: Uuid,
    pub process_id: Uuid,
    pub position: i64,
    pub label_en: String,
    pub label_fr: String,
}

impl Criterion {
    pub fn label(&self) -> Bilingual {
        Bilingual::new(&self.label_en, &self.label_fr)
    }
}

/// A process with everything that defines it.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessFull {
    pub process: Process,
    pub phases: Vec<Phase>,
    pub themes: Vec<Theme>,
    pub criteria: Vec<Criterion>,
}

impl ProcessFull {
    /// The open phase of this kind, if any.
    pub fn open_phase(&self, kind: PhaseKind) -> Option<&Phase> {
        self.phases.iter().find(|p| p.kind() == kind && p.is_open())
    }
    pub fn phase(&self, kind: PhaseKind) -> Option<&Phase> {
        self.phases.iter().find(|p| p.kind() == kind)
    }
    pub fn theme(&self, id: Uuid) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }
    pub fn theme_by_slug(&self, slug: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.slug == slug)
    }
    /// Whether the tallies may be shown: always when the process does not hide them, otherwise
    /// once voting has closed.
    pub fn results_visible(&self) -> bool {
        match self.phase(PhaseKind::Voting) {
            None => false,
            Some(v) => !self.process.hide_tallies || v.is_closed(),
        }
    }
    /// Whether any phase open now lets `user` comment.
    pub fn may_comment(&self, user: Option<&CurrentUser>) -> bool {
        self.phases
            .iter()
            .any(|p| p.is_open() && admits(p.comment(), user))
    }
    /// Whether commenting is open to anyone now.
    pub fn comments_open(&self) -> bool {
        self.phases
            .iter()
            .any(|p| p.is_open() && p.comment() != Audience::Nobody)
    }
    pub fn current_phases(&self) -> Vec<&Phase> {
        self.phases.iter().filter(|p| p.is_open()).collect()
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Consultation {
    pub id: Uuid,
    pub slug: String,
    pub organization_id: Uuid,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub level: String,
    pub opens_on: Option<Date>,
    pub closes_on: Option<Date>,
    pub ongoing: bool,
    pub process_id: Option<Uuid>,
    pub we_asked_en: String,
    pub we_asked_fr: String,
    pub you_said_en: String,
    pub you_said_fr: String,
    pub we_did_en: String,
    pub we_did_fr: String,
    pub results_url: String,
    pub results_published_on: Option<Date>,
    pub source: String,
    pub external_id: Option<String>,
    pub sample: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// None while it is a draft that only its organization's staff see.
    pub published_at: Option<OffsetDateTime>,
    pub org_slug: String,
    pub org_title_en: String,
    pub org_title_fr: String,
}

impl Consultation {
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_en, &self.title_fr)
    }
    pub fn summary(&self) -> Bilingual {
        Bilingual::new(&self.summary_en, &self.summary_fr)
    }
    pub fn organization(&self) -> Bilingual {
        Bilingual::new(&self.org_title_en, &self.org_title_fr)
    }
    pub fn is_draft(&self) -> bool {
        self.published_at.is_none()
    }
    pub fn we_asked(&self) -> Bilingual {
        Bilingual::new(&self.we_asked_en, &self.we_asked_fr)
    }
    pub fn you_said(&self) -> Bilingual {
        Bilingual::new(&self.you_said_en, &self.you_said_fr)
    }
    pub fn we_did(&self) -> Bilingual {
        Bilingual::new(&self.we_did_en, &self.we_did_fr)
    }
    pub fn level(&self) -> Level {
        Level::parse(&self.level).unwrap_or(Level::Consult)
    }
    pub fn status(&self) -> Status {
        status_on(
            today(),
            self.opens_on,
            self.closes_on,
            self.ongoing,
            self.results_published_on,
        )
    }
    /// Days left until it closes, when open with a closing date.
    pub fn days_left(&self) -> Option<i64> {
        if self.status() != Status::Open || self.ongoing {
            return None;
        }
        self.closes_on.map(|c| (c - today()).whole_days())
    }
}

/// The status of a consultation on `day`: results published wins; then the dates decide.
pub fn status_on(
    day: Date,
    opens_on: Option<Date>,
    closes_on: Option<Date>,
    ongoing: bool,
    results_published_on: Option<Date>,
) -> Status {
    if results_published_on.is_some() {
        return Status::Results;
    }
    if opens_on.is_some_and(|o| o > day) {
        return Status::Upcoming;
    }
    if ongoing || closes_on.is_none_or(|c| c >= day) {
        return Status::Open;
    }
    Status::Closed
}

/// The same rule in SQL, for filtering; `$1` is today.
pub const STATUS_SQL: &str = "CASE WHEN c.results_published_on IS NOT NULL THEN 'results' \
     WHEN c.opens_on IS NOT NULL AND c.opens_on > $1 THEN 'upcoming' \
     WHEN c.ongoing OR c.closes_on IS NULL OR c.closes_on >= $1 THEN 'open' \
     ELSE 'closed' END";

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Way {
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub position: i64,
    pub kind: String,
    pub label_en: String,
    pub label_fr: String,
    pub url: String,
    pub place_en: String,
    pub place_fr: String,
    pub event_on: Option<Date>,
    pub time_label: String,
}

impl Way {
    pub fn kind(&self) -> WayKind {
        WayKind::parse(&self.kind).unwrap_or(WayKind::Link)
    }
    pub fn label(&self) -> Bilingual {
        Bilingual::new(&self.label_en, &self.label_fr)
    }
    pub fn place(&self) -> Bilingual {
        Bilingual::new(&self.place_en, &self.place_fr)
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Topic {
    pub slug: String,
    pub label_en: String,
    pub label_fr: String,
}

impl Topic {
    pub fn label(&self) -> Bilingual {
        Bilingual::new(&self.label_en, &self.label_fr)
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Idea {
    pub id: Uuid,
    pub process_id: Uuid,
    pub theme_id: Uuid,
    pub author_id: Option<Uuid>,
    pub lang: String,
    pub title: String,
    pub body: String,
    pub version: i64,
    pub state: String,
    pub merged_into: Option<Uuid>,
    pub answer_en: String,
    pub answer_fr: String,
    pub answered_by: String,
    pub answered_at: Option<OffsetDateTime>,
    pub status: String,
    pub sample: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The author's public name; empty when they chose to stay anonymous.
    pub author_name: Option<String>,
    pub comments: i64,
}

impl Idea {
    pub fn state(&self) -> IdeaState {
        IdeaState::parse(&self.state).unwrap_or(IdeaState::Submitted)
    }
    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.status).unwrap_or(Visibility::Visible)
    }
    pub fn is_visible(&self) -> bool {
        self.visibility() == Visibility::Visible
    }
    pub fn answer(&self) -> Bilingual {
        Bilingual::new(&self.answer_en, &self.answer_fr)
    }
    pub fn has_answer(&self) -> bool {
        !self.answer_en.trim().is_empty() || !self.answer_fr.trim().is_empty()
    }
    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.lang).unwrap_or_default()
    }
    pub fn rewritten(&self) -> bool {
        self.version > 1
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Version {
    pub id: Uuid,
    pub idea_id: Uuid,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub lang: String,
    pub editor_id: Option<Uuid>,
    pub editor_label: String,
    pub note: String,
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Objection {
    pub id: Uuid,
    pub idea_id: Uuid,
    pub version_number: i64,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Note {
    pub id: Uuid,
    pub idea_id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_label: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Check {
    pub criterion_id: Uuid,
    pub met: bool,
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Comment {
    pub id: Uuid,
    pub idea_id: Uuid,
    pub author_id: Option<Uuid>,
    pub body: String,
    pub lang: String,
    pub status: String,
    pub sample: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The comment this one replies to; replies go one level deep.
    pub parent_id: Option<Uuid>,
    /// When its author last edited it.
    pub edited_at: Option<OffsetDateTime>,
    pub author_name: Option<String>,
}

impl Comment {
    /// Whether its author may still edit it at `at`.
    pub fn editable_at(&self, at: OffsetDateTime) -> bool {
        at - self.created_at <= time::Duration::minutes(crate::ideas::COMMENT_EDIT_MINUTES)
    }
    /// Whether `user` may edit it now.
    pub fn editable_by(&self, user: &Option<CurrentUser>) -> bool {
        user.as_ref().is_some_and(|u| self.author_id == Some(u.id))
            && self.is_visible()
            && self.editable_at(platform::db::now())
    }
    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.status).unwrap_or(Visibility::Visible)
    }
    pub fn is_visible(&self) -> bool {
        self.visibility() == Visibility::Visible
    }
}
