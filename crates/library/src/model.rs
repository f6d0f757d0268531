//! The library's vocabulary and the rows the store reads. Enumerations are stored as their
//! lower-case names; each has a message key for its label.

use platform::auth::CurrentUser;
use platform::{Bilingual, Lang};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident, $prefix:literal { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum $name { $(#[serde(rename = $s)] $variant),+ }

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
    };
}

string_enum!(
    /// What a document is; each type has its own metadata.
    Kind, "library-kind-" {
        CollectiveAgreement = "collective_agreement",
        MandateLetter = "mandate_letter",
        ResponseLetter = "response_letter",
        Report = "report",
        Other = "other",
    }
);

string_enum!(
    /// Who may read a document's file and text. A restricted document's description stays
    /// public, with the reason it is restricted.
    Access, "library-access-" {
        Public = "public",
        Restricted = "restricted",
    }
);

string_enum!(
    /// The language the document is written in.
    DocLang, "library-language-" {
        En = "en",
        Fr = "fr",
        Both = "both",
    }
);

string_enum!(
    /// Where the text of a document stands.
    Extraction, "library-extraction-" {
        None = "none",
        Pending = "pending",
        Done = "done",
        Failed = "failed",
    }
);

string_enum!(
    /// How the text of a page was obtained.
    PageMethod, "library-page-" {
        Text = "text",
        Ocr = "ocr",
        Scanned = "scanned",
    }
);

impl Kind {
    /// The metadata fields of this type, beyond those every document has.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::CollectiveAgreement => &[
                "employer",
                "union_name",
                "sector",
                "location",
                "starts_on",
                "expires_on",
                "employees_covered",
            ],
            Kind::MandateLetter | Kind::ResponseLetter => {
                &["minister", "ministry", "letter_on", "pair_id"]
            }
            Kind::Report | Kind::Other => &[],
        }
    }
}

/// Every typed metadata field, in the order forms show them.
pub const TYPED_FIELDS: &[&str] = &[
    "employer",
    "union_name",
    "sector",
    "location",
    "starts_on",
    "expires_on",
    "employees_covered",
    "minister",
    "ministry",
    "letter_on",
    "pair_id",
];

#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: Uuid,
    pub kind: String,
    pub organization_id: Option<Uuid>,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub language: String,
    pub access: String,
    pub restricted_reason: String,
    pub employer: String,
    pub union_name: String,
    pub sector: String,
    pub location: String,
    #[serde(with = "platform::serde_time::date::option")]
    pub starts_on: Option<Date>,
    #[serde(with = "platform::serde_time::date::option")]
    pub expires_on: Option<Date>,
    pub employees_covered: Option<i64>,
    pub minister: String,
    pub ministry: String,
    #[serde(with = "platform::serde_time::date::option")]
    pub letter_on: Option<Date>,
    pub pair_id: Option<Uuid>,
    pub source_url: String,
    pub source: String,
    pub external_id: Option<String>,
    pub version: i64,
    /// Where the file is in the store: not shown to anyone.
    #[serde(skip_serializing)]
    pub file_key: Option<String>,
    pub file_name: String,
    pub file_type: String,
    pub file_size: Option<i64>,
    pub file_sha256: String,
    pub extraction: String,
    pub extraction_note: String,
    pub page_count: i64,
    pub withdrawn_reason: String,
    #[serde(with = "platform::serde_time::timestamp::option")]
    pub withdrawn_at: Option<OffsetDateTime>,
    #[serde(with = "platform::serde_time::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "platform::serde_time::timestamp")]
    pub updated_at: OffsetDateTime,
}

impl Document {
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_en, &self.title_fr)
    }
    pub fn summary(&self) -> Bilingual {
        Bilingual::new(&self.summary_en, &self.summary_fr)
    }
    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind).unwrap_or(Kind::Other)
    }
    pub fn access(&self) -> Access {
        Access::parse(&self.access).unwrap_or(Access::Restricted)
    }
    pub fn doc_lang(&self) -> DocLang {
        DocLang::parse(&self.language).unwrap_or(DocLang::En)
    }
    pub fn extraction(&self) -> Extraction {
        Extraction::parse(&self.extraction).unwrap_or(Extraction::None)
    }
    pub fn is_public(&self) -> bool {
        self.access() == Access::Public && self.withdrawn_at.is_none()
    }
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn_at.is_some()
    }
    /// Whether `user` edits this document: administrators, and editors of its organization.
    pub fn editable_by(&self, user: &CurrentUser) -> bool {
        user.is_admin() || self.organization_id.is_some_and(|o| user.can_edit_for(o))
    }
    /// Whether `user` may read the file and the text of its pages.
    pub fn readable_by(&self, user: Option<&CurrentUser>) -> bool {
        self.access() == Access::Public || user.is_some_and(|u| self.editable_by(u))
    }
    /// The agreement's term as people read it ("January 1, 2020 – May 31, 2023").
    pub fn term(&self, lang: Lang) -> String {
        match (self.starts_on, self.expires_on) {
            (Some(s), Some(e)) => format!("{} – {}", lang.date(s), lang.date(e)),
            (Some(s), None) => lang.date(s),
            (None, Some(e)) => format!("– {}", lang.date(e)),
            (None, None) => String::new(),
        }
    }
}

/// One page of a document's text.
#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Page {
    pub page: i64,
    pub method: String,
    pub text: String,
}

impl Page {
    pub fn method(&self) -> PageMethod {
        PageMethod::parse(&self.method).unwrap_or(PageMethod::Text)
    }
}

/// One file a document has had.
#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Version {
    pub version: i64,
    pub file_name: String,
    pub file_type: String,
    pub file_size: i64,
    pub file_sha256: String,
    pub created_by: String,
    #[schema(value_type = String)]
    #[serde(with = "platform::serde_time::timestamp")]
    pub created_at: OffsetDateTime,
}

pub fn today() -> Date {
    platform::db::now().date()
}
