//! Records out of a file: CSV and TSV (any supported encoding and dialect), spreadsheets (the first
//! sheet of an XLSX or ODS workbook) and JSON lines, all as rows of text cells, so that one
//! inference and one writer serve every format.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use calamine::{Data, Dimensions, Reader};
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
    /// A workbook's first sheet, read in a thread of its own and handed over a few rows at a time.
    Cells {
        rows: mpsc::Receiver<Result<Vec<String>, ReadError>>,
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
    /// Opens `path` as `format`; `bytes_read` follows the raw bytes consumed. A workbook whose
    /// parts held in memory whole (an ODS sheet, XLSX shared strings) are larger than
    /// `max_workbook_part` once uncompressed is refused before it is parsed.
    pub fn open(
        path: &Path,
        format: Format,
        dialect: Option<&Dialect>,
        bytes_read: &Arc<AtomicU64>,
        max_workbook_part: u64,
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
                let kind = check_workbook(path, max_workbook_part)?;
                let rows = spreadsheet_rows(path, kind)?;
                bytes_read.store(std::fs::metadata(path)?.len(), Ordering::Relaxed);
                Ok(Records::Cells { rows })
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
            Records::Cells { rows } => match rows.recv() {
                Ok(Ok(row)) => {
                    out.clear();
                    for cell in row {
                        out.push_field(&cell);
                    }
                    Ok(true)
                }
                Ok(Err(e)) => Err(e),
                Err(mpsc::RecvError) => Ok(false),
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

/// Largest uncompressed workbook part held in memory whole, unless configured otherwise.
pub const MAX_WORKBOOK_PART_BYTES: u64 = 256 << 20;

/// Rows a workbook's reading thread may have ready before it waits.
const ROWS_AHEAD: usize = 16;

fn unreadable(e: impl std::fmt::Display) -> ReadError {
    data(Problem::error("spreadsheet-unreadable").arg("reason", e.to_string()))
}

/// Which kind of workbook the file is (by its parts, whatever its name), after checking that no
/// part calamine reads whole is larger than `limit` once uncompressed. The size is measured by
/// inflating into nothing, not taken from the zip directory, so a zip bomb is refused too.
fn check_workbook(path: &Path, limit: u64) -> Result<Format, ReadError> {
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(unreadable)?;
    let kind = if zip.index_for_name("content.xml").is_some() {
        Format::Ods
    } else {
        Format::Xlsx
    };
    // An XLSX sheet is streamed; an ODS sheet, shared strings, styles and relations are not.
    let whole: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| {
            (n.ends_with(".xml") || n.ends_with(".rels"))
                && (kind == Format::Ods || !n.starts_with("xl/worksheets/"))
        })
        .collect();
    for name in whole {
        let entry = zip.by_name(&name).map_err(unreadable)?;
        let size = if entry.size() > limit {
            entry.size()
        } else {
            io::copy(&mut entry.take(limit + 1), &mut io::sink()).map_err(unreadable)?
        };
        if size > limit {
            return Err(data(
                Problem::error("spreadsheet-too-large")
                    .arg("part", name)
                    .arg("limit", (limit >> 20).max(1)),
            ));
        }
    }
    Ok(kind)
}

/// The first sheet of a workbook as rows of text: numbers as they would be written, dates in ISO
/// form, formulas by their computed value, merged cells as their top-left value and blanks. An
/// XLSX sheet is read cell by cell from its XML, never whole.
fn spreadsheet_rows(
    path: &Path,
    kind: Format,
) -> Result<mpsc::Receiver<Result<Vec<String>, ReadError>>, ReadError> {
    let (tx, rx) = mpsc::sync_channel(ROWS_AHEAD);
    let path = path.to_path_buf();
    std::thread::Builder::new()
        .name("agora-workbook".into())
        .spawn(move || {
            let outcome = if kind == Format::Ods {
                ods_rows(&path, &tx)
            } else {
                xlsx_rows(&path, &tx)
            };
            if let Err(e) = outcome {
                let _ = tx.send(Err(e));
            }
        })?;
    Ok(rx)
}

type RowSender = mpsc::SyncSender<Result<Vec<String>, ReadError>>;

/// Rows out of a stream of cells (row by row, left to right), padded to the sheet's width so that
/// blank trailing cells do not make rows ragged. Stops quietly when the reader is gone.
struct RowAssembler<'a> {
    tx: &'a RowSender,
    /// The sheet's first column, and its width when known.
    first_column: u32,
    width: usize,
    row: Vec<String>,
    /// Sheet row of `row`, and rows sent so far.
    at: Option<u32>,
    sent: u64,
}

impl RowAssembler<'_> {
    /// Adds a non-empty cell; false when the reader is gone.
    fn cell(&mut self, (r, c): (u32, u32), value: Data) -> Result<bool, ReadError> {
        if let Some(at) = self.at
            && r != at
        {
            // The rows between are blank (skipped with a warning by the load).
            for _ in 0..=r.saturating_sub(at + 1) {
                if !self.flush()? {
                    return Ok(false);
                }
            }
        }
        self.at = Some(r);
        let Some(col) = c.checked_sub(self.first_column).map(|c| c as usize) else {
            return Err(unreadable(format!(
                "cell {} lies outside the sheet's declared area",
                cell_name(r as usize, c as usize)
            )));
        };
        if col >= crate::ingest::MAX_COLUMNS {
            return Err(data(
                Problem::error("too-many-columns")
                    .row(self.sent + 1)
                    .arg("columns", col + 1)
                    .arg("limit", crate::ingest::MAX_COLUMNS),
            ));
        }
        let text = cell_text(&value).map_err(|e| {
            data(
                Problem::error("spreadsheet-cell-error")
                    .row(self.sent + 1)
                    .arg("cell", cell_name(r as usize, c as usize))
                    .example(self.sent + 1, e),
            )
        })?;
        if self.row.len() <= col {
            self.row.resize(col + 1, String::new());
        }
        self.row[col] = text;
        Ok(true)
    }

    /// Sends the row under way; false when the reader is gone.
    fn flush(&mut self) -> Result<bool, ReadError> {
        if self.sent == 0 {
            // The header is as wide as the sheet, whatever the sheet declares.
            self.width = self.width.max(self.row.len());
        }
        let mut row = std::mem::take(&mut self.row);
        if row.len() < self.width {
            row.resize(self.width, String::new());
        }
        self.sent += 1;
        Ok(self.tx.send(Ok(row)).is_ok())
    }

    fn finish(mut self) -> Result<(), ReadError> {
        if self.at.is_some() {
            self.flush()?;
        }
        Ok(())
    }
}

fn xlsx_rows(path: &Path, tx: &RowSender) -> Result<(), ReadError> {
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(unreadable)?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(data(Problem::error("empty")));
    };
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(unreadable)?;
    let declared = cells.dimensions();
    let width = (declared.end.1 + 1).saturating_sub(declared.start.1) as usize;
    let mut rows = RowAssembler {
        tx,
        first_column: declared.start.1,
        // No declared area, or one wider than the limit (formatting only, perhaps): the header
        // decides then.
        width: if declared == Dimensions::default() || width > crate::ingest::MAX_COLUMNS {
            0
        } else {
            width
        },
        row: Vec::new(),
        at: None,
        sent: 0,
    };
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let value = Data::from(cell.get_value().clone());
        if value == Data::Empty {
            continue;
        }
        if !rows.cell(cell.get_position(), value)? {
            return Ok(());
        }
    }
    rows.finish()
}

fn ods_rows(path: &Path, tx: &RowSender) -> Result<(), ReadError> {
    let mut workbook: calamine::Ods<_> = calamine::open_workbook(path).map_err(unreadable)?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(data(Problem::error("empty")));
    };
    let range = workbook.worksheet_range(&first).map_err(unreadable)?;
    let Some((r0, c0)) = range.start() else {
        return Err(data(Problem::error("empty")));
    };
    let mut rows = RowAssembler {
        tx,
        first_column: c0,
        width: range.width(),
        row: Vec::new(),
        at: None,
        sent: 0,
    };
    for (i, row) in range.rows().enumerate() {
        let r = r0 + i as u32;
        for (j, value) in row.iter().enumerate() {
            if *value != Data::Empty && !rows.cell((r, c0 + j as u32), value.clone())? {
                return Ok(());
            }
        }
    }
    rows.finish()
}

/// A cell as text, or the error it holds.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_datetime(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
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

/// A spreadsheet serial date (days since 1899-12-30) as an ISO date, or date and time; the number
/// as it is when it falls outside the calendar (years 1 to 9999) or is not a number.
fn excel_datetime(serial: f64) -> String {
    let base = time::macros::date!(1899 - 12 - 30);
    let days = serial.floor();
    let seconds = ((serial - days) * 86_400.0).round() as i64;
    // Checked all the way: a cell formatted as a date may hold any number.
    let moment = (days.abs() < 1e7)
        .then(|| base.checked_add(time::Duration::days(days as i64)))
        .flatten()
        .and_then(|date| {
            time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT)
                .checked_add(time::Duration::seconds(seconds))
        });
    match moment {
        None => float_text(serial),
        Some(t) if seconds == 0 => t.date().to_string(),
        Some(t) => types::format_timestamp(t),
    }
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

    #[test]
    fn spreadsheet_dates_beyond_the_calendar_stay_numbers() {
        // A cell formatted as a date may hold any number; beyond the calendar it was a panic.
        assert_eq!(excel_datetime(1e300), float_text(1e300));
        assert_eq!(excel_datetime(-1e300), float_text(-1e300));
        assert_eq!(excel_datetime(2958465.0), "9999-12-31");
        // The last second of 9999-12-31 rounds up to a day that does not exist.
        assert_eq!(excel_datetime(2958465.999_999_9), "2958465.9999999");
        assert_eq!(excel_datetime(f64::NAN), "NaN");
        assert_eq!(excel_datetime(f64::INFINITY), "inf");
    }
}
