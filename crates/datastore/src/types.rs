//! Column types: what a cell's text can be read as, inferred over a whole column.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// The types a column can have, from the narrowest reading of its text to the widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Integer,
    Decimal,
    Boolean,
    Date,
    Timestamp,
    Text,
}

impl ColumnType {
    pub const ALL: [ColumnType; 6] = [
        ColumnType::Integer,
        ColumnType::Decimal,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Timestamp,
        ColumnType::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<ColumnType> {
        ColumnType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The name CKAN's datastore gives this type (PostgreSQL's).
    pub fn ckan(self) -> &'static str {
        match self {
            ColumnType::Integer => "int8",
            ColumnType::Decimal => "float8",
            ColumnType::Boolean => "bool",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Text => "text",
        }
    }

    /// CKAN's type names (and a few PostgreSQL synonyms) as given to `datastore_create`.
    pub fn from_ckan(s: &str) -> Option<ColumnType> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "int" | "int4" | "int8" | "integer" | "bigint" | "smallint" | "int2" => {
                ColumnType::Integer
            }
            "float8" | "float4" | "numeric" | "float" | "double precision" | "real" | "decimal"
            | "number" => ColumnType::Decimal,
            "bool" | "boolean" => ColumnType::Boolean,
            "date" => ColumnType::Date,
            "timestamp" | "timestamptz" | "datetime" => ColumnType::Timestamp,
            "text" | "varchar" | "string" | "char" => ColumnType::Text,
            _ => return None,
        })
    }

    /// The Frictionless Table Schema type.
    pub fn frictionless(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "number",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "datetime",
            ColumnType::Text => "string",
        }
    }

    pub fn arrow(self) -> DataType {
        match self {
            ColumnType::Integer => DataType::Int64,
            ColumnType::Decimal => DataType::Float64,
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Date => DataType::Date32,
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            ColumnType::Text => DataType::Utf8,
        }
    }

    pub fn from_arrow(t: &DataType) -> ColumnType {
        match t {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => ColumnType::Integer,
            DataType::Float16 | DataType::Float32 | DataType::Float64 => ColumnType::Decimal,
            DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..) => ColumnType::Decimal,
            DataType::Boolean => ColumnType::Boolean,
            DataType::Date32 | DataType::Date64 => ColumnType::Date,
            DataType::Timestamp(..) => ColumnType::Timestamp,
            _ => ColumnType::Text,
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Decimal)
    }
}

/// A whole number without leading zeros (`0164` is a code, not 164).
pub fn parse_integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    s.parse().ok()
}

/// A decimal number in plain or scientific notation; no leading zeros, no `NaN` or `inf`.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || (int_part.len() > 1 && int_part.starts_with('0')) {
        return None;
    }
    match frac_part {
        Some(f) if f.is_empty() || !all_digits(f) => return None,
        None if int_part.is_empty() => return None,
        _ => {}
    }
    if int_part.is_empty() && frac_part.is_none() {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        if e.is_empty() || !all_digits(e) {
            return None;
        }
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

pub fn parse_boolean(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An ISO 8601 calendar date, `2021-04-30`.
pub fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 10 {
        return None;
    }
    // The plain form is read directly (most cells of a date column); anything else is left to
    // the general parser, which decides the same way.
    let b = s.as_bytes();
    if b[4] == b'-'
        && b[7] == b'-'
        && let (Some(year), Some(month), Some(day)) =
            (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..]))
    {
        let month = time::Month::try_from(month as u8).ok()?;
        return Date::from_calendar_date(year as i32, month, day as u8).ok();
    }
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

/// The value of a run of ASCII digits, if that is all it is.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// `hh:mm` or `hh:mm:ss`, read directly.
fn parse_clock(clock: &str) -> Option<time::Time> {
    let b = clock.as_bytes();
    let field = |i: usize| digits(&b[i..i + 2]).map(|n| n as u8);
    match b.len() {
        5 if b[2] == b':' => time::Time::from_hms(field(0)?, field(3)?, 0).ok(),
        8 if b[2] == b':' && b[5] == b':' => {
            time::Time::from_hms(field(0)?, field(3)?, field(6)?).ok()
        }
        _ => None,
    }
}

/// An ISO 8601 date and time (`T` or a space between), seconds and fraction optional, with an
/// optional `Z` or offset; the result is in UTC (a time without zone is taken as UTC).
pub fn parse_timestamp(s: &str) -> Option<PrimitiveDateTime> {
    if s.len() < 16 || !s.is_char_boundary(10) {
        return None;
    }
    let date = parse_date(&s[..10])?;
    let sep = s.as_bytes()[10];
    if sep != b'T' && sep != b' ' {
        return None;
    }
    let rest = &s[11..];
    let (clock, offset) = split_offset(rest)?;
    let time = match clock.len() {
        5 | 8 => parse_clock(clock)?,
        n if n > 9 && clock.as_bytes()[8] == b'.' => time::Time::parse(
            clock,
            format_description!("[hour]:[minute]:[second].[subsecond]"),
        )
        .ok()?,
        _ => return None,
    };
    // Checked: near either end of the calendar, UTC can fall in a year that does not exist.
    PrimitiveDateTime::new(date, time)
        .checked_sub(time::Duration::seconds(i64::from(offset.whole_seconds())))
}

fn split_offset(rest: &str) -> Option<(&str, UtcOffset)> {
    if let Some(clock) = rest.strip_suffix('Z') {
        return Some((clock, UtcOffset::UTC));
    }
    if rest.len() > 6 && rest.is_char_boundary(rest.len() - 6) {
        let (clock, zone) = rest.split_at(rest.len() - 6);
        let z = zone.as_bytes();
        if (z[0] == b'+' || z[0] == b'-') && z[3] == b':' {
            let hours: i8 = zone[1..3].parse().ok()?;
            let minutes: i8 = zone[4..6].parse().ok()?;
            let sign = if z[0] == b'-' { -1 } else { 1 };
            let offset = UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?;
            return Some((clock, offset));
        }
    }
    Some((rest, UtcOffset::UTC))
}

/// Days since 1970-01-01, Arrow's `Date32`.
pub fn date_to_days(d: Date) -> i32 {
    d.to_julian_day() - time::macros::date!(1970 - 01 - 01).to_julian_day()
}

pub fn days_to_date(days: i32) -> Option<Date> {
    Date::from_julian_day(time::macros::date!(1970 - 01 - 01).to_julian_day() + days).ok()
}

/// Microseconds since the epoch, Arrow's `Timestamp(Microsecond)`.
pub fn timestamp_to_micros(t: PrimitiveDateTime) -> i64 {
    (t.assume_utc().unix_timestamp_nanos() / 1000) as i64
}

pub fn micros_to_timestamp(us: i64) -> Option<PrimitiveDateTime> {
    let t = OffsetDateTime::from_unix_timestamp_nanos(us as i128 * 1000).ok()?;
    Some(PrimitiveDateTime::new(t.date(), t.time()))
}

/// ISO form without zone, as CKAN shows timestamps.
pub fn format_timestamp(t: PrimitiveDateTime) -> String {
    let base = format!(
        "{}T{:02}:{:02}:{:02}",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    );
    match t.microsecond() {
        0 => base,
        us => format!("{base}.{us:06}"),
    }
}

/// What each column could still be, narrowed value by value over the whole file.
#[derive(Clone, Debug)]
pub struct Inference {
    integer: bool,
    decimal: bool,
    boolean: bool,
    date: bool,
    timestamp: bool,
    pub values: u64,
    pub nulls: u64,
}

impl Default for Inference {
    fn default() -> Self {
        Inference {
            integer: true,
            decimal: true,
            boolean: true,
            date: true,
            timestamp: true,
            values: 0,
            nulls: 0,
        }
    }
}

impl Inference {
    pub fn observe(&mut self, raw: &str) {
        let s = raw.trim();
        if s.is_empty() {
            self.nulls += 1;
            return;
        }
        self.values += 1;
        if self.integer && parse_integer(s).is_none() {
            self.integer = false;
        }
        if self.decimal && !self.integer && parse_decimal(s).is_none() {
            self.decimal = false;
        }
        if self.boolean && parse_boolean(s).is_none() {
            self.boolean = false;
        }
        if self.date && parse_date(s).is_none() {
            self.date = false;
        }
        // A timestamp column takes plain dates too (as midnight), whichever comes first.
        if self.timestamp && !self.date && parse_timestamp(s).is_none() && parse_date(s).is_none() {
            self.timestamp = false;
        }
    }

    /// Counts a cell without reading it: for columns already decided, or cells already read as
    /// the [`only_reading`](Inference::only_reading) left.
    pub fn count(&mut self, raw: &str) {
        if raw.trim().is_empty() {
            self.nulls += 1;
        } else {
            self.values += 1;
        }
    }

    /// The one reading `observe` still tries, when only one is left: a cell that reads as it
    /// changes nothing but the count. (Not a timestamp: a timestamp column also takes dates,
    /// which `observe` does not.)
    pub fn only_reading(&self) -> Option<ColumnType> {
        match (
            self.integer,
            self.decimal,
            self.boolean,
            self.date,
            self.timestamp,
        ) {
            // While a column reads as integers, decimals are not tried; while dates, timestamps.
            (true, _, false, false, false) => Some(ColumnType::Integer),
            (false, true, false, false, false) => Some(ColumnType::Decimal),
            (false, false, true, false, false) => Some(ColumnType::Boolean),
            (false, false, false, true, _) => Some(ColumnType::Date),
            _ => None,
        }
    }

    /// Whether any reading other than text is still possible; lets the caller stop looking.
    pub fn undecided(&self) -> bool {
        self.integer || self.decimal || self.boolean || self.date || self.timestamp
    }

    pub fn result(&self) -> ColumnType {
        if self.values == 0 {
            ColumnType::Text
        } else if self.integer {
            ColumnType::Integer
        } else if self.decimal {
            ColumnType::Decimal
        } else if self.boolean {
            ColumnType::Boolean
        } else if self.date {
            ColumnType::Date
        } else if self.timestamp {
            ColumnType::Timestamp
        } else {
            ColumnType::Text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(values: &[&str]) -> ColumnType {
        let mut i = Inference::default();
        for v in values {
            i.observe(v);
        }
        i.result()
    }

    #[test]
    fn a_character_across_the_zone_cut_is_not_a_timestamp() {
        // The offset is looked for six bytes from the end: here that falls inside a character.
        for cell in [
            "2024-01-01T10:00\u{e9}00000",
            "2024-01-01T10:00:0\u{1F600}0000",
            "2024-01-01T10:00:00\u{1F600}+0:00",
        ] {
            assert_eq!(parse_timestamp(cell), None, "{cell}");
        }
        assert!(parse_timestamp("2024-01-01T10:00:00+02:00").is_some());
    }

    #[test]
    fn a_timestamp_whose_utc_time_is_past_the_last_year_is_text() {
        // Converting to UTC went past year 9999: a panic, for one cell of a CSV file.
        assert_eq!(parse_timestamp("9999-12-31T23:00:00-05:00"), None);
        assert_eq!(infer(&["9999-12-31T23:00:00-05:00"]), ColumnType::Text);
        assert_eq!(
            parse_timestamp("9999-12-31T23:00:00+05:00").map(format_timestamp),
            Some("9999-12-31T18:00:00".into())
        );
    }

    #[test]
    fn codes_with_leading_zeros_or_letters_stay_text() {
        assert_eq!(infer(&["0164A", "12"]), ColumnType::Text);
        assert_eq!(infer(&["0164", "12"]), ColumnType::Text);
        assert_eq!(infer(&["007.5"]), ColumnType::Text);
        assert_eq!(infer(&["0", "12", "-3", ""]), ColumnType::Integer);
    }

    #[test]
    fn numbers_widen_from_integer_to_decimal() {
        assert_eq!(
            infer(&["1", "2.5", "-84.75494", "1e3"]),
            ColumnType::Decimal
        );
        assert_eq!(infer(&["0.5", ".5"]), ColumnType::Decimal);
        assert_eq!(infer(&["1,234"]), ColumnType::Text);
        assert_eq!(infer(&["NaN"]), ColumnType::Text);
        assert_eq!(infer(&["1."]), ColumnType::Text);
        assert_eq!(infer(&["99999999999999999999"]), ColumnType::Decimal);
    }

    #[test]
    fn booleans_dates_and_timestamps() {
        assert_eq!(infer(&["true", "FALSE"]), ColumnType::Boolean);
        assert_eq!(infer(&["2021-04-30", ""]), ColumnType::Date);
        assert_eq!(infer(&["2021-02-30"]), ColumnType::Text);
        assert_eq!(
            infer(&["2021-04-30", "2021-04-30T10:15:00Z"]),
            ColumnType::Timestamp
        );
        assert_eq!(
            infer(&["2021-04-30T10:15:00Z", "2021-04-30"]),
            ColumnType::Timestamp,
            "the order of dates and timestamps does not matter"
        );
        assert_eq!(infer(&["2021-04-30 10:15"]), ColumnType::Timestamp);
        assert_eq!(infer(&["2021-04-30 10:15", "soon"]), ColumnType::Text);
        assert_eq!(infer(&["", " "]), ColumnType::Text);
    }

    #[test]
    fn direct_reading_agrees_with_the_general_parser() {
        for s in [
            "2021-04-30",
            "0000-01-01",
            "9999-12-31",
            "2021-02-29",
            "2024-02-29",
            "2021-13-01",
            "2021-00-10",
            "2021-04-31",
            "2021-04-00",
            "2021-4-300",
            "+021-04-30",
            "2021/04/30",
            "2021-04-3x",
        ] {
            let general = Date::parse(s, format_description!("[year]-[month]-[day]")).ok();
            assert_eq!(parse_date(s), general, "{s}");
        }
        for s in [
            "10:15", "23:59:59", "24:00", "00:60", "10:15:60", "1:15:00", "10-15-00", "10:1x",
        ] {
            let general = match s.len() {
                5 => time::Time::parse(s, format_description!("[hour]:[minute]")).ok(),
                _ => time::Time::parse(s, format_description!("[hour]:[minute]:[second]")).ok(),
            };
            assert_eq!(parse_clock(s), general, "{s}");
        }
    }

    #[test]
    fn timestamps_are_read_in_utc() {
        let t = parse_timestamp("2021-04-30T10:15:00.250-04:00").unwrap();
        assert_eq!(format_timestamp(t), "2021-04-30T14:15:00.250000");
        let us = timestamp_to_micros(t);
        assert_eq!(micros_to_timestamp(us), Some(t));
        let d = parse_date("1969-12-31").unwrap();
        assert_eq!(date_to_days(d), -1);
        assert_eq!(days_to_date(-1), Some(d));
    }
}
