//! A CSV file as the datastore reads it: its encoding and dialect sniffed, its records read, its
//! column types inferred. Every value of a column reads as the type inferred for it (what the
//! writer then asks of it), and timestamps survive their conversion to Arrow's microseconds.
#![no_main]

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use datastore::sniff::Format;
use datastore::source::{self, MAX_WORKBOOK_PART_BYTES, Records};
use datastore::types::{
    ColumnType, Inference, micros_to_timestamp, parse_boolean, parse_date, parse_decimal,
    parse_integer, parse_timestamp, timestamp_to_micros,
};
use libfuzzer_sys::fuzz_target;

fn accepts(t: ColumnType, s: &str) -> bool {
    match t {
        ColumnType::Integer => parse_integer(s).is_some(),
        ColumnType::Decimal => parse_decimal(s).is_some(),
        ColumnType::Boolean => parse_boolean(s).is_some(),
        ColumnType::Date => parse_date(s).is_some(),
        ColumnType::Timestamp => {
            match parse_timestamp(s).or_else(|| parse_date(s).map(|d| d.midnight())) {
                Some(t) => {
                    assert_eq!(
                        micros_to_timestamp(timestamp_to_micros(t)),
                        Some(t),
                        "{s:?}"
                    );
                    true
                }
                None => false,
            }
        }
        ColumnType::Text => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("agora-fuzz-csv-{}.csv", std::process::id()));
    std::fs::write(&path, data).expect("temporary file");
    let dialect = source::text_dialect(&path, Format::Csv).expect("sniffs any bytes");
    let bytes = Arc::new(AtomicU64::new(0));
    let mut records = Records::open(
        &path,
        Format::Csv,
        Some(&dialect),
        &bytes,
        MAX_WORKBOOK_PART_BYTES,
    )
    .expect("opens");
    let mut record = csv::StringRecord::new();
    let mut columns: Vec<Vec<String>> = Vec::new();
    let mut header = true;
    while let Ok(true) = records.next(&mut record) {
        if header {
            columns = vec![Vec::new(); record.len()];
            header = false;
            continue;
        }
        for (column, cell) in columns.iter_mut().zip(record.iter()) {
            column.push(cell.to_string());
        }
    }
    for column in &columns {
        let mut inference = Inference::default();
        for cell in column {
            inference.observe(cell);
        }
        let t = inference.result();
        for cell in column {
            let s = cell.trim();
            if !s.is_empty() {
                assert!(accepts(t, s), "{s:?} is in a column inferred as {t:?}");
            }
        }
    }
});
