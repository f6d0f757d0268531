//! Records out of a file: CSV and TSV (any supported encoding and dialect), spreadsheets (the first
//! sheet of an XLSX or ODS workbook) and JSON lines, all as rows of text cells, so that one
//! inference and one writer serve every format.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use calamine::{Data, Reader};
use csv::StringRecord;
use encoding_rs::UTF_8;

use crate::report::Problem;
use crate::sniff::{self, DecodingReader, Format, Guarded, RecordTooLong, TextEncoding};
use crate::types;

/// Longest record accepted; beyond it the load stops with a report rather than use the memory.
pub const MAX_RECORD_BYTES: u64 = 32 << 20;

/// How a text file was found to be written, kept for the second pass and the report.
#[derive(Clone, Debug)]
pub struct Dialect {
    pub encoding: TextEncoding,
    pub saw_c1: bool,
    pub delimiter: u8,
    pub quote: u8,
}

/// A source of rows; for CSV, TSV and spreadsheets the first row read is the header.
pub enum Records {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        since_record: Arc<AtomicU64>,
        /// Records read so far, the header included.
        read: u64,
    },
    Cells {
        rows: std::vec::IntoIter<Vec<String>>,
    },
    Jsonl {
        lines: io::Lines<BufReader<Guarded<File>>>,
        since_record: Arc<AtomicU64>,
        keys: Vec<String>,
        index: HashMap<String, usize>,
        line: u64,
    },
}

/// Why reading stopped before the end.
#[derive(Debug)]
pub enum ReadError {
    /// A problem with the file, reported to the person who loaded it.
    Data(Box<Problem>),
    Io(io::Error),
}

fn data(p: Problem) -> ReadError {
    ReadError::Data(Box::new(p))
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl Records {
    /// Opens `path` as `format`; `bytes_read` follows the raw bytes consumed.
    pub fn open(
        path: &Path,
        format: Format,
        dialect: Option<&Dialect>,
        bytes_read: &Arc<AtomicU64>,
    ) -> Result<Records, ReadError> {
        match format {
            Format::Csv | Format::Tsv => {
                let dialect = dialect.expect("text formats are read with their dialect");
                let mut file = File::open(path)?;
                if dialect.encoding.encoding == UTF_8 && dialect.encoding.bom > 0 {
                    let mut skip = vec![0; dialect.encoding.bom];
                    file.read_exact(&mut skip)?;
                }
                let guarded = Guarded::new(file, MAX_RECORD_BYTES, bytes_read.clone());
                let since_record = guarded.since_record.clone();
                let input: Box<dyn Read + Send> = if dialect.encoding.encoding == UTF_8 {
                    Box::new(guarded)
                } else {
                    Box::new(DecodingReader::new(guarded, dialect.encoding.encoding))
                };
                let reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(dialect.delimiter)
                    .quote(dialect.quote)
                    .buffer_capacity(1 << 16)
                    .from_reader(input);
                Ok(Records::Csv {
                    reader,
                    since_record,
                    read: 0,
                })
            }
            Format::Xlsx | Format::Ods => {
                let rows = spreadsheet_rows(path)?;
                bytes_read.store(std::fs::metadata(path)?.len(), Ordering::Relaxed);
                Ok(Records::Cells {
                    rows: rows.into_iter(),
                })
            }
            Format::Jsonl => {
                let guarded = Guarded::new(File::open(path)?, MAX_RECORD_BYTES, bytes_read.clone());
                let since_record = guarded.since_record.clone();
                Ok(Records::Jsonl {
                    lines: BufReader::with_capacity(1 << 16, guarded).lines(),
                    since_record,
                    keys: Vec::new(),
                    index: HashMap::new(),
                    line: 0,
                })
            }
        }
    }

    /// Reads the next row into `out`; false at the end.
    pub fn next(&mut self, out: &mut StringRecord) -> Result<bool, ReadError> {
        match self {
            Records::Csv {
                reader,
                since_record,
                read,
            } => {
                since_record.store(0, Ordering::Relaxed);
                match reader.read_record(out) {
                    Ok(more) => {
                        *read += u64::from(more);
                        Ok(more)
                    }
                    Err(e) => Err(csv_error(e, *read + 1)),
                }
            }
            Records::Cells { rows } => match rows.next() {
                Some(row) => {
                    out.clear();
                    for cell in row {
                        out.push_field(&cell);
                    }
                    Ok(true)
                }
                None => Ok(false),
            },
            Records::Jsonl {
                lines,
                since_record,
                keys,
                index,
                line,
            } => {
                // No header row: the columns are every key in order of first appearance, which
                // only a full first pass knows (`jsonl_keys`); the second is given them
                // (`with_keys`). A row is shorter than the header when keys came later.
                loop {
                    since_record.store(0, Ordering::Relaxed);
                    let Some(text) = lines.next() else {
                        return Ok(false);
                    };
                    *line += 1;
                    let text = text.map_err(|e| io_error(e, *line))?;
                    if text.trim().is_empty() {
                        continue;
                    }
                    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                        data(
                            Problem::error("jsonl-invalid")
                                .row(*line)
                                .example(*line, format!("{e}")),
                        )
                    })?;
                    let serde_json::Value::Object(obj) = value else {
                        return Err(data(
                            Problem::error("jsonl-not-object")
                                .row(*line)
                                .example(*line, truncate(&text)),
                        ));
                    };
                    let mut cells = vec![String::new(); keys.len()];
                    for (k, v) in obj {
                        let i = match index.get(&k) {
                            Some(i) => *i,
                            None => {
                                index.insert(k.clone(), keys.len());
                                keys.push(k);
                                cells.push(String::new());
                                keys.len() - 1
                            }
                        };
                        cells[i] = json_cell(v);
                    }
                    out.clear();
                    for c in &cells {
                        out.push_field(c);
                    }
                    return Ok(true);
                }
            }
        }
    }

    /// For JSON lines: the header the first pass found, given to the second.
    pub fn with_keys(mut self, header: &[String]) -> Records {
        if let Records::Jsonl { keys, index, .. } = &mut self {
            *keys = header.to_vec();
            *index = header
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), i))
                .collect();
        }
        self
    }

    /// For JSON lines read in a first pass: the keys met so far.
    pub fn jsonl_keys(&self) -> Option<&[String]> {
        match self {
            Records::Jsonl { keys, .. } => Some(keys),
            _ => None,
        }
    }

    /// The position of the record just read, 1-based as Frictionless counts (the header is 1).
    pub fn position(&self) -> Option<u64> {
        match self {
            Records::Csv { read, .. } => Some(*read),
            _ => None,
        }
    }
}

fn truncate(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn json_cell(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn io_error(e: io::Error, record: u64) -> ReadError {
    if e.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>()) {
        return data(
            Problem::error("record-too-long")
                .row(record)
                .arg("limit", MAX_RECORD_BYTES >> 20),
        );
    }
    if e.kind() == io::ErrorKind::InvalidData {
        return data(Problem::error("invalid-text").row(record));
    }
    ReadError::Io(e)
}

/// `record`: the 1-based number of the record being read.
fn csv_error(e: csv::Error, record: u64) -> ReadError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io_error(io, record),
        csv::ErrorKind::Utf8 { .. } => data(Problem::error("invalid-text").row(record)),
        other => ReadError::Io(io::Error::other(format!("{other:?}"))),
    }
}

/// The first sheet of a workbook as rows of text: numbers as they would be written, dates in ISO
/// form, formulas by their computed value, merged cells as their top-left value and blanks.
fn spreadsheet_rows(path: &Path) -> Result<Vec<Vec<String>>, ReadError> {
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| data(Problem::error("spreadsheet-unreadable").arg("reason", e.to_string())))?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(data(Problem::error("empty")));
    };
    let range = workbook
        .worksheet_range(&first)
        .map_err(|e| data(Problem::error("spreadsheet-unreadable").arg("reason", e.to_string())))?;
    let mut rows = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let mut cells = Vec::with_capacity(row.len());
        for (j, cell) in row.iter().enumerate() {
            cells.push(match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) => float_text(*f),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(dt) => excel_datetime(dt.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => {
                    return Err(data(
                        Problem::error("spreadsheet-cell-error")
                            .row(i as u64 + 1)
                            .arg("cell", cell_name(i, j))
                            .example(i as u64 + 1, format!("{e}")),
                    ));
                }
            });
        }
        rows.push(cells);
    }
    Ok(rows)
}

/// `A1`-style name of a cell.
fn cell_name(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        letters.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A spreadsheet serial date (days since 1899-12-30) as an ISO date, or date and time.
fn excel_datetime(serial: f64) -> String {
    let days = serial.floor() as i64;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    let Ok(base) = time::Date::from_calendar_date(1899, time::Month::December, 30) else {
        return serial.to_string();
    };
    let Some(date) = base.checked_add(time::Duration::days(days)) else {
        return serial.to_string();
    };
    if seconds == 0 {
        return date.to_string();
    }
    let t =
        time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT) + time::Duration::seconds(seconds);
    types::format_timestamp(t)
}

/// Sniffs a text file's encoding and dialect.
pub fn text_dialect(path: &Path, format: Format) -> io::Result<Dialect> {
    let (encoding, saw_c1) = sniff::detect_encoding(path)?;
    let head = sniff::head(path, 1 << 16)?;
    let mut sample = String::new();
    DecodingReader::new(&head[..], encoding.encoding).read_to_string(&mut sample)?;
    let default = if format == Format::Tsv { b'\t' } else { b',' };
    let (delimiter, quote) = sniff::sniff_dialect(sample.as_bytes(), default);
    Ok(Dialect {
        encoding,
        saw_c1,
        delimiter,
        quote,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_values_as_text() {
        assert_eq!(float_text(12.0), "12");
        assert_eq!(float_text(12.5), "12.5");
        assert_eq!(excel_datetime(44316.0), "2021-04-30");
        assert_eq!(excel_datetime(44316.5), "2021-04-30T12:00:00");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 27), "AB10");
    }
}
