//! Dates and times in the API as ISO 8601 text: `2016-12-11` and RFC 3339 timestamps.

time::serde::format_description!(pub date, Date, "[year]-[month]-[day]");
pub use time::serde::rfc3339 as timestamp;
