//! The catalogue's vocabulary: access levels, exemptions, update frequencies, and the
//! dataset and resource records as stored.

use std::fmt;

use serde::{Deserialize, Serialize};
use sqlx::error::BoxDynError;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use platform::Bilingual;

pub const UPDATE_FREQUENCIES: [&str; 14] = [
    "as_required",
    "biannually",
    "current",
    "daily",
    "historical",
    "monthly",
    "never",
    "on_demand",
    "other",
    "periodically",
    "quarterly",
    "weekly",
    "yearly",
    "quinquennial",
];
pub const RESOURCE_TYPES: [&str; 5] = [
    "data",
    "information",
    "technical_document",
    "data_dictionary",
    "application",
];
pub const RESOURCE_LANGUAGES: [&str; 3] = ["english", "french", "english_and_french"];

pub use crate::licences::{Licence, licence, licence_by_title};

/// Declares a closed list of values stored as TEXT and sent as snake_case codes (the stored
/// values are the codes, so the enum reads and writes the columns as they are).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, [$($variant:ident = $code:literal),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored codes, in the order of [`Self::ALL`].
            pub const CODES: &'static [&'static str] = &[$($code),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == code)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            &'static str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, BoxDynError> {
                <&'static str as sqlx::Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<$name, BoxDynError> {
                let code = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                $name::parse(code)
                    .ok_or_else(|| format!("`{code}` is not a {}", stringify!($name)).into())
            }
        }
    };
}

vocabulary!(
    /// Whether a holding is published, and if not, why not or when.
    AccessLevel, [
        Open = "open",
        UnderReview = "under_review",
        Restricted = "restricted",
        ToBeOpened = "to_be_opened",
    ]
);

vocabulary!(
    /// Why a holding is not open (`none` when it is, or is not yet decided).
    Exemption, [
        None = "none",
        Privacy = "privacy",
        Security = "security",
        Confidentiality = "confidentiality",
        CommercialSensitivity = "commercial_sensitivity",
        LegalAndContractualObligations = "legal_and_contractual_obligations",
    ]
);

vocabulary!(
    /// Where a dataset or a resource is in its life: a draft is seen only by its editors, a
    /// deleted one only by administrators (CKAN's states).
    State, [Active = "active", Draft = "draft", Deleted = "deleted"]
);

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct DatasetRow {
    pub id: Uuid,
    pub name: String,
    pub title_en: String,
    pub title_fr: String,
    pub notes_en: String,
    pub notes_fr: String,
    pub organization_id: Uuid,
    pub license_id: String,
    pub url: String,
    pub version: String,
    pub author: String,
    pub author_email: String,
    pub maintainer: String,
    pub maintainer_email: String,
    pub maintainer_branch_en: String,
    pub maintainer_branch_fr: String,
    pub update_frequency: String,
    pub geographic_coverage_en: String,
    pub geographic_coverage_fr: String,
    pub geographic_granularity: String,
    pub temporal_start: Option<Date>,
    pub temporal_end: Option<Date>,
    pub access_level: AccessLevel,
    pub exemption: Exemption,
    pub exemption_rationale_en: String,
    pub exemption_rationale_fr: String,
    pub planned_open_date: Option<Date>,
    pub opened_date: Option<Date>,
    pub current_as_of: Option<Date>,
    pub state: State,
    pub private: bool,
    pub creator_user_id: Option<Uuid>,
    pub extras: Json<Vec<Extra>>,
    pub metadata_created: OffsetDateTime,
    pub metadata_modified: OffsetDateTime,
}

/// The columns an edit of a dataset sets (all but its id, creator and creation time), in the
/// order `store::update` binds them: one list for the row's SELECT, INSERT and UPDATE.
pub const DATASET_EDITABLE_COLUMNS: &str = "name, title_en, title_fr, notes_en, notes_fr, organization_id, license_id, url, version, author, author_email, \
    maintainer, maintainer_email, maintainer_branch_en, maintainer_branch_fr, update_frequency, geographic_coverage_en, geographic_coverage_fr, \
    geographic_granularity, temporal_start, temporal_end, access_level, exemption, exemption_rationale_en, exemption_rationale_fr, planned_open_date, \
    opened_date, current_as_of, state, private, extras, metadata_modified";

pub const DATASET_COLUMNS: &str = platform::sql!(
    "id, ",
    DATASET_EDITABLE_COLUMNS,
    ", creator_user_id, metadata_created"
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    pub key: String,
    pub value: String,
}

impl DatasetRow {
    pub fn title(&self) -> Bilingual {
        Bilingual::new(&self.title_en, &self.title_fr)
    }
    pub fn notes(&self) -> Bilingual {
        Bilingual::new(&self.notes_en, &self.notes_fr)
    }
    pub fn is_public(&self) -> bool {
        self.state == State::Active && !self.private
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct ResourceRow {
    pub id: Uuid,
    pub dataset_id: Uuid,
    pub position: i64,
    pub name_en: String,
    pub name_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub url: String,
    pub url_type: String,
    pub file_key: Option<String>,
    pub format: String,
    pub mimetype: String,
    pub size: Option<i64>,
    pub hash: String,
    pub resource_type: String,
    pub language: String,
    pub data_range_start: Option<Date>,
    pub data_range_end: Option<Date>,
    pub data_last_updated: Option<Date>,
    pub state: State,
    pub datastore_active: bool,
    pub extras: Json<serde_json::Map<String, serde_json::Value>>,
    pub created: OffsetDateTime,
    pub last_modified: Option<OffsetDateTime>,
    pub metadata_modified: OffsetDateTime,
}

pub const RESOURCE_COLUMNS: &str = "id, dataset_id, position, name_en, name_fr, description_en, description_fr, url, url_type, file_key, format, mimetype, \
    size, hash, resource_type, language, data_range_start, data_range_end, data_last_updated, state, datastore_active, extras, created, last_modified, metadata_modified";

impl ResourceRow {
    pub fn name(&self) -> Bilingual {
        Bilingual::new(&self.name_en, &self.name_fr)
    }
}

/// A dataset with everything that hangs off it, as pages and the API show it.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub row: DatasetRow,
    pub organization: platform::orgs::Organization,
    pub keywords_en: Vec<String>,
    pub keywords_fr: Vec<String>,
    pub groups: Vec<GroupRow>,
    pub resources: Vec<ResourceRow>,
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct GroupRow {
    pub id: Uuid,
    pub name: String,
    pub title_en: String,
    pub title_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct AccessChange {
    pub id: Uuid,
    pub dataset_id: Uuid,
    pub at: OffsetDateTime,
    pub access_level: AccessLevel,
    pub exemption: Exemption,
    pub planned_open_date: Option<Date>,
    pub actor_label: String,
}
