//! Dates and times in the API: the platform's ISO 8601 forms.

pub use platform::serde_time::{date, timestamp};
