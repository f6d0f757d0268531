//! A file becomes a typed Parquet table in at most two passes: the first reads every row to learn
//! the header, the width and each column's type (over the whole file, not a sample); the second
//! parses each cell as its column's type and writes Parquet. The first pass already writes with
//! the types its first rows show, so the second runs only when later rows change a type. Parquet
//! is encoded on a thread of its own. Memory stays bounded: one record at a time (each under
//! [`MAX_RECORD_BYTES`]), a few batches of a bounded number of cells, one row group.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use csv::StringRecord;
use datafusion::arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder,
    StringBuilder, TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;

use crate::report::{ColumnReport, Problem, Problems, Report};
use crate::sniff::{self, Format, Magic};
use crate::source::{self, ReadError, Records};
use crate::types::{self, ColumnType, Inference};

pub use crate::source::MAX_RECORD_BYTES;

/// Widest table accepted (PostgreSQL, behind CKAN, stops at 1,600).
pub const MAX_COLUMNS: usize = 2_000;
/// Cells per Arrow batch: a batch of a wide table has fewer rows.
const BATCH_CELLS: usize = 1 << 20;
/// Bytes of text buffered before a batch is written whatever its row count.
const BATCH_BYTES: usize = 64 << 20;
const ROW_GROUP_ROWS: usize = 256 * 1024;
/// The name of the row number column every table has.
pub const ID_COLUMN: &str = "_id";

/// What to load and how.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub format: Format,
    /// Column types an editor chose, by column name; the rest are inferred.
    pub overrides: BTreeMap<String, ColumnType>,
    /// Largest workbook part read whole (see [`source::MAX_WORKBOOK_PART_BYTES`]).
    pub max_workbook_part: u64,
}

/// Shared with whoever shows progress: rows and raw bytes read in the current pass.
#[derive(Debug, Default)]
pub struct Progress {
    pub pass: AtomicU8,
    /// Whether the file will be read twice: the first pass could not write the table (its types
    /// changed after the first rows, or a JSON-lines file's columns are only known at the end).
    pub second_pass: AtomicBool,
    pub rows: AtomicU64,
    pub bytes: Arc<AtomicU64>,
    pub total_bytes: AtomicU64,
    pub cancelled: AtomicBool,
}

/// The outcome: the report, and when it is ok the Parquet file and its schema.
pub struct Loaded {
    pub report: Report,
    pub parquet: Option<tempfile::NamedTempFile>,
    pub schema: Option<SchemaRef>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("the load was cancelled")]
    Cancelled,
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error(transparent)]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
}

/// Loads `path`, writing the Parquet file in `tmp_dir`.
pub fn load_file(
    path: &Path,
    opts: &LoadOptions,
    progress: &Progress,
    tmp_dir: &Path,
) -> Result<Loaded, LoadError> {
    let started = Instant::now();
    let size = std::fs::metadata(path)?.len();
    progress.total_bytes.store(size, Ordering::Relaxed);
    let mut format = opts.format;
    let mut report = Report {
        ok: false,
        format: format.as_str().into(),
        encoding: None,
        delimiter: None,
        rows: 0,
        bytes: size,
        columns: Vec::new(),
        problems: Vec::new(),
        seconds: 0.0,
    };
    let fail = |mut report: Report, p: Problem| {
        report.problems.push(p);
        report.seconds = started.elapsed().as_secs_f64();
        Ok(Loaded {
            report,
            parquet: None,
            schema: None,
        })
    };
    let head = sniff::head(path, 1 << 16)?;
    if head.iter().all(u8::is_ascii_whitespace) {
        return fail(report, Problem::error("empty"));
    }
    match (sniff::magic(&head), format) {
        (Magic::Binary(kind), _) => {
            return fail(report, Problem::error("binary").arg("kind", kind));
        }
        (Magic::Workbook, Format::Xlsx | Format::Ods) => {}
        (Magic::Workbook, _) => {
            format = Format::Xlsx;
            report.format = format.as_str().into();
        }
        (Magic::Text, Format::Xlsx | Format::Ods) => {
            return fail(report, Problem::error("not-spreadsheet"));
        }
        (Magic::Text, _) => {}
    }
    let dialect = match format {
        Format::Csv | Format::Tsv => {
            let d = source::text_dialect(path, format)?;
            report.encoding = Some(d.encoding.label(d.saw_c1));
            report.delimiter = Some(char::from(d.delimiter).to_string());
            Some(d)
        }
        _ => None,
    };

    // ---- pass 1: header, width, types ----
    progress.pass.store(1, Ordering::Relaxed);
    let mut records = match Records::open(
        path,
        format,
        dialect.as_ref(),
        &progress.bytes,
        opts.max_workbook_part,
    ) {
        Ok(r) => r,
        Err(ReadError::Data(p)) => return fail(report, *p),
        Err(ReadError::Io(e)) => return Err(e.into()),
    };
    let mut problems = Problems::default();
    let mut record = StringRecord::new();
    let mut header: Vec<String> = Vec::new();
    let has_header_row = format != Format::Jsonl;
    if has_header_row {
        match records.next(&mut record) {
            Ok(true) => {}
            Ok(false) => return fail(report, Problem::error("empty")),
            Err(ReadError::Data(p)) => return fail(report, *p),
            Err(ReadError::Io(e)) => return Err(e.into()),
        }
        if record.len() > MAX_COLUMNS {
            return fail(
                report,
                Problem::error("too-many-columns")
                    .arg("columns", record.len())
                    .arg("limit", MAX_COLUMNS),
            );
        }
        header = clean_header(&record, &mut problems);
    }
    let mut inference: Vec<Inference> = vec![Inference::default(); header.len()];
    let overridden: Vec<bool> = header
        .iter()
        .map(|n| opts.overrides.contains_key(n))
        .collect();
    let batch_rows = (BATCH_CELLS / (header.len() + 1)).clamp(64, 65_536);
    // The types of a file rarely change after its first rows: once a batch of rows is read, they
    // are taken as the table's types and every row is also written, while inference goes on.
    // When the whole file agrees, that output is what a second pass would write, and none is
    // needed; otherwise it is dropped and the second pass runs.
    let mut speculation = Speculation::new(has_header_row);
    progress
        .second_pass
        .store(!has_header_row, Ordering::Relaxed);
    let mut rows: u64 = 0;
    let mut position: u64 = 1;
    loop {
        match records.next(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(ReadError::Data(p)) => {
                problems.add(*p);
                break;
            }
            Err(ReadError::Io(e)) => return Err(e.into()),
        }
        position = records.position().unwrap_or(position + 1);
        if is_blank(&record) {
            problems.add(Problem::warning("blank-row").row(position));
            continue;
        }
        if !has_header_row {
            let keys = records.jsonl_keys().unwrap_or_default();
            if keys.len() > MAX_COLUMNS {
                problems.add(
                    Problem::error("too-many-columns")
                        .arg("columns", keys.len())
                        .arg("limit", MAX_COLUMNS),
                );
                break;
            }
            header = keys.to_vec();
            inference.resize(header.len(), Inference::default());
        } else if record.len() != header.len() {
            let code = if record.len() > header.len() {
                "extra-cells"
            } else {
                "missing-cells"
            };
            problems.add(
                Problem::error(code)
                    .row(position)
                    .arg("expected", header.len())
                    .arg("found", record.len())
                    .example(position, record.iter().collect::<Vec<_>>().join(",")),
            );
            speculation = Speculation::Off;
        }
        // A row written already tells which cells read as their column's type.
        let (holds, written) = match &mut speculation {
            Speculation::Writing(table) => (table.push(position, &record)?, Some(&**table)),
            _ => (true, None),
        };
        for (i, (inf, cell)) in inference.iter_mut().zip(record.iter()).enumerate() {
            let read = written.is_some_and(|t| t.read[i] && inf.only_reading() == Some(t.types[i]));
            if inf.undecided() && !read {
                inf.observe(cell);
            } else {
                inf.count(cell);
            }
        }
        if !holds {
            speculation = Speculation::Off;
        }
        // Cells a short row lacks are nulls.
        for inf in inference.iter_mut().skip(record.len()) {
            inf.nulls += 1;
        }
        rows += 1;
        match &mut speculation {
            Speculation::Off | Speculation::Writing(_) => {}
            Speculation::Pending { rows: first, bytes } => {
                *bytes += record.as_slice().len();
                first.push((position, record.clone()));
                if first.len() >= batch_rows || *bytes >= BATCH_BYTES {
                    let types = chosen_types(&header, &inference, opts);
                    speculation = Speculation::start(
                        std::mem::take(first),
                        TableWriter::create(&header, types, &overridden, batch_rows, tmp_dir)?,
                    )?;
                }
            }
        }
        if rows.is_multiple_of(4096) {
            progress.rows.store(rows, Ordering::Relaxed);
            progress
                .second_pass
                .store(matches!(speculation, Speculation::Off), Ordering::Relaxed);
            if progress.cancelled.load(Ordering::Relaxed) {
                return Err(LoadError::Cancelled);
            }
        }
    }
    progress.rows.store(rows, Ordering::Relaxed);
    if header.is_empty() {
        return fail(report, Problem::error("empty"));
    }
    for name in opts.overrides.keys() {
        if !header.contains(name) {
            problems.add(Problem::warning("override-unknown-column").arg("name", name));
        }
    }
    report.columns = header
        .iter()
        .zip(&inference)
        .map(|(name, inf)| {
            let inferred = inf.result();
            let chosen = opts.overrides.get(name).copied();
            ColumnReport {
                name: name.clone(),
                column_type: chosen.unwrap_or(inferred),
                inferred: chosen.filter(|c| *c != inferred).map(|_| inferred),
                nulls: inf.nulls,
            }
        })
        .collect();
    report.rows = rows;
    if rows == 0 && !problems.has_errors() {
        problems.add(Problem::warning("no-rows"));
    }
    if problems.has_errors() {
        report.problems = problems.into_vec();
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(Loaded {
            report,
            parquet: None,
            schema: None,
        });
    }
    let types: Vec<ColumnType> = report.columns.iter().map(|c| c.column_type).collect();
    if let Speculation::Pending { rows: first, .. } = &mut speculation {
        // The whole file fitted in the first batch: its types are final.
        speculation = Speculation::start(
            std::mem::take(first),
            TableWriter::create(&header, types.clone(), &overridden, batch_rows, tmp_dir)?,
        )?;
    }
    let table = match speculation {
        Speculation::Writing(table) if table.types == types => *table,
        _ => {
            // ---- pass 2: parse and write with the types of the whole file ----
            progress.second_pass.store(true, Ordering::Relaxed);
            progress.pass.store(2, Ordering::Relaxed);
            progress.rows.store(0, Ordering::Relaxed);
            progress.bytes.store(0, Ordering::Relaxed);
            let mut table = TableWriter::create(&header, types, &overridden, batch_rows, tmp_dir)?;
            let mut records = match Records::open(
                path,
                format,
                dialect.as_ref(),
                &progress.bytes,
                opts.max_workbook_part,
            ) {
                Ok(r) => r.with_keys(&header),
                Err(ReadError::Data(p)) => return fail(report, *p),
                Err(ReadError::Io(e)) => return Err(e.into()),
            };
            if has_header_row {
                let _ = read_or_fail(&mut records, &mut record)?;
            }
            let mut position: u64 = 1;
            while read_or_fail(&mut records, &mut record)? {
                position = records.position().unwrap_or(position + 1);
                if is_blank(&record) {
                    continue;
                }
                table.push(position, &record)?;
                if table.written.is_multiple_of(4096) {
                    progress.rows.store(table.written, Ordering::Relaxed);
                    if progress.cancelled.load(Ordering::Relaxed) {
                        return Err(LoadError::Cancelled);
                    }
                }
            }
            table
        }
    };
    let written = table.written;
    let (out, schema, conversion) = table.finish()?;
    for p in conversion.into_vec() {
        problems.add(p);
    }
    progress.rows.store(written, Ordering::Relaxed);
    report.ok = !problems.has_errors();
    report.problems = problems.into_vec();
    report.seconds = started.elapsed().as_secs_f64();
    let ok = report.ok;
    Ok(Loaded {
        report,
        parquet: ok.then_some(out),
        schema: ok.then_some(schema),
    })
}

/// The types the columns have so far: inferred, or as an editor chose.
fn chosen_types(header: &[String], inference: &[Inference], opts: &LoadOptions) -> Vec<ColumnType> {
    header
        .iter()
        .zip(inference)
        .map(|(name, inf)| opts.overrides.get(name).copied().unwrap_or(inf.result()))
        .collect()
}

/// The first pass's bet that the types of its first rows are the types of the whole file.
enum Speculation {
    /// Not made (JSON lines, whose columns only the whole file tells), or lost.
    Off,
    /// The first rows, kept until there are enough of them to choose types.
    Pending {
        rows: Vec<(u64, StringRecord)>,
        bytes: usize,
    },
    Writing(Box<TableWriter>),
}

impl Speculation {
    fn new(has_header_row: bool) -> Speculation {
        if has_header_row {
            Speculation::Pending {
                rows: Vec::new(),
                bytes: 0,
            }
        } else {
            Speculation::Off
        }
    }

    fn start(
        first: Vec<(u64, StringRecord)>,
        mut table: TableWriter,
    ) -> Result<Speculation, LoadError> {
        for (position, record) in &first {
            if !table.push(*position, record)? {
                return Ok(Speculation::Off);
            }
        }
        Ok(Speculation::Writing(Box::new(table)))
    }
}

/// Rows read as their columns' types, batched, and written as Parquet by a thread of its own so
/// that reading and encoding use two cores.
struct TableWriter {
    header: Vec<String>,
    types: Vec<ColumnType>,
    overridden: Vec<bool>,
    schema: SchemaRef,
    batch: Batch,
    batch_rows: usize,
    sink: Sink,
    out: tempfile::NamedTempFile,
    written: u64,
    /// Whether each cell of the last row pushed read as its column's type.
    read: Vec<bool>,
    /// Cells that could not be read as their column's type.
    problems: Problems,
}

impl TableWriter {
    fn create(
        header: &[String],
        types: Vec<ColumnType>,
        overridden: &[bool],
        batch_rows: usize,
        tmp_dir: &Path,
    ) -> Result<TableWriter, LoadError> {
        let schema = table_schema(header, &types);
        let out = tempfile::Builder::new()
            .prefix("agora-load-")
            .suffix(".parquet")
            .tempfile_in(tmp_dir)?;
        let sink = Sink::start(out.as_file().try_clone()?, schema.clone())?;
        Ok(TableWriter {
            header: header.to_vec(),
            batch: Batch::new(&types, batch_rows),
            types,
            overridden: overridden.to_vec(),
            schema,
            batch_rows,
            sink,
            out,
            written: 0,
            read: vec![false; header.len()],
            problems: Problems::default(),
        })
    }

    /// Appends a row; false when a cell of a column whose type was inferred (not chosen by an
    /// editor) cannot be read as that type.
    fn push(&mut self, position: u64, record: &StringRecord) -> Result<bool, LoadError> {
        self.written += 1;
        self.batch.ids.append_value(self.written as i64);
        let mut holds = true;
        for (i, column) in self.batch.columns.iter_mut().enumerate() {
            let cell = record.get(i).unwrap_or("");
            self.read[i] = column.append(cell);
            if !self.read[i] {
                holds &= self.overridden[i];
                self.problems.add(
                    Problem::error(&format!("not-{}", self.types[i].as_str()))
                        .column(&self.header[i])
                        .row(position)
                        .example(position, cell),
                );
            }
        }
        self.batch.text_bytes += record.as_slice().len();
        if self.batch.ids.len() >= self.batch_rows || self.batch.text_bytes >= BATCH_BYTES {
            self.sink.write(self.batch.finish(&self.schema)?)?;
        }
        Ok(holds)
    }

    /// The Parquet file, its schema and the cells that could not be read.
    fn finish(mut self) -> Result<(tempfile::NamedTempFile, SchemaRef, Problems), LoadError> {
        if !self.batch.ids.is_empty() {
            self.sink.write(self.batch.finish(&self.schema)?)?;
        }
        self.sink.finish()?;
        Ok((self.out, self.schema, self.problems))
    }
}

/// A thread encoding record batches into a Parquet file.
struct Sink {
    batches: Option<mpsc::SyncSender<RecordBatch>>,
    thread: Option<std::thread::JoinHandle<Result<(), LoadError>>>,
}

impl Sink {
    fn start(file: std::fs::File, schema: SchemaRef) -> Result<Sink, LoadError> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let mut writer = ArrowWriter::try_new(file, schema, Some(props))?;
        // Two batches in flight at most: memory stays bounded when encoding is the slower side.
        let (batches, received) = mpsc::sync_channel::<RecordBatch>(2);
        let thread = std::thread::Builder::new()
            .name("parquet-writer".into())
            .spawn(move || {
                for batch in received {
                    writer.write(&batch)?;
                    if writer.in_progress_size() > BATCH_BYTES {
                        writer.flush()?;
                    }
                }
                writer.close()?;
                Ok(())
            })?;
        Ok(Sink {
            batches: Some(batches),
            thread: Some(thread),
        })
    }

    fn write(&mut self, batch: RecordBatch) -> Result<(), LoadError> {
        if let Some(batches) = &self.batches
            && batches.send(batch).is_ok()
        {
            return Ok(());
        }
        // The thread stopped early: its error says why.
        self.join()?;
        Err(LoadError::Io(std::io::Error::other(
            "the Parquet writer stopped early",
        )))
    }

    fn finish(mut self) -> Result<(), LoadError> {
        self.join()
    }

    fn join(&mut self) -> Result<(), LoadError> {
        self.batches = None;
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(LoadError::Io(std::io::Error::other(
                "the Parquet writer stopped unexpectedly",
            ))),
            None => Err(LoadError::Io(std::io::Error::other(
                "the Parquet writer has already finished",
            ))),
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        // A table given up on: let the thread see the end of its input and finish.
        if self.thread.is_some() {
            let _ = self.join();
        }
    }
}

/// The second pass re-reads what the first read whole; a read error now is the file changing.
fn read_or_fail(records: &mut Records, record: &mut StringRecord) -> Result<bool, LoadError> {
    match records.next(record) {
        Ok(more) => Ok(more),
        Err(ReadError::Io(e)) => Err(e.into()),
        Err(ReadError::Data(p)) => Err(LoadError::Io(std::io::Error::other(format!(
            "the file changed while it was loaded ({})",
            p.code
        )))),
    }
}

/// The Arrow schema of a table: `_id` then the columns.
pub fn table_schema(names: &[String], types: &[ColumnType]) -> SchemaRef {
    let mut fields = vec![Field::new(
        ID_COLUMN,
        types::ColumnType::Integer.arrow(),
        false,
    )];
    fields.extend(
        names
            .iter()
            .zip(types)
            .map(|(n, t)| Field::new(n, t.arrow(), true)),
    );
    Arc::new(Schema::new(fields))
}

fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|c| c.trim().is_empty())
}

/// Header names trimmed; blanks named `column_N`, repeats suffixed `_2`, `_3`, and `_id` (ours)
/// renamed; each change reported as a warning.
fn clean_header(record: &StringRecord, problems: &mut Problems) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(ID_COLUMN.to_string());
    let mut out = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let trimmed = raw.trim().trim_start_matches('\u{feff}').trim();
        let mut name = if trimmed.is_empty() {
            problems.add(
                Problem::warning("blank-header")
                    .row(1)
                    .example(1, format!("column_{}", i + 1)),
            );
            format!("column_{}", i + 1)
        } else {
            trimmed.to_string()
        };
        if seen.contains(&name) {
            let base = name.clone();
            let mut n = 2;
            while seen.contains(&format!("{base}_{n}")) {
                n += 1;
            }
            name = format!("{base}_{n}");
            problems.add(
                Problem::warning("duplicate-header")
                    .row(1)
                    .example(1, format!("{base} → {name}")),
            );
        }
        seen.insert(name.clone());
        out.push(name);
    }
    out
}

struct Batch {
    ids: Int64Builder,
    columns: Vec<ColumnBuilder>,
    text_bytes: usize,
}

impl Batch {
    fn new(types: &[ColumnType], rows: usize) -> Batch {
        Batch {
            ids: Int64Builder::with_capacity(rows),
            columns: types.iter().map(|t| ColumnBuilder::new(*t, rows)).collect(),
            text_bytes: 0,
        }
    }

    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, LoadError> {
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(self.ids.finish())];
        arrays.extend(self.columns.iter_mut().map(ColumnBuilder::finish));
        self.text_bytes = 0;
        Ok(RecordBatch::try_new(schema.clone(), arrays)?)
    }
}

/// One column of a batch being built.
pub enum ColumnBuilder {
    Integer(Int64Builder),
    Decimal(Float64Builder),
    Boolean(BooleanBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Text(StringBuilder),
}

impl ColumnBuilder {
    pub fn new(t: ColumnType, rows: usize) -> ColumnBuilder {
        match t {
            ColumnType::Integer => ColumnBuilder::Integer(Int64Builder::with_capacity(rows)),
            ColumnType::Decimal => ColumnBuilder::Decimal(Float64Builder::with_capacity(rows)),
            ColumnType::Boolean => ColumnBuilder::Boolean(BooleanBuilder::with_capacity(rows)),
            ColumnType::Date => ColumnBuilder::Date(Date32Builder::with_capacity(rows)),
            ColumnType::Timestamp => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::with_capacity(rows))
            }
            ColumnType::Text => ColumnBuilder::Text(StringBuilder::with_capacity(rows, rows * 8)),
        }
    }

    /// Appends a cell read as this column's type; false (and a null) when it cannot be.
    pub fn append(&mut self, raw: &str) -> bool {
        let s = raw.trim();
        if s.is_empty() {
            self.append_null();
            return true;
        }
        let ok = match self {
            ColumnBuilder::Integer(b) => types::parse_integer(s).map(|v| b.append_value(v)),
            ColumnBuilder::Decimal(b) => types::parse_decimal(s).map(|v| b.append_value(v)),
            ColumnBuilder::Boolean(b) => types::parse_boolean(s).map(|v| b.append_value(v)),
            ColumnBuilder::Date(b) => {
                types::parse_date(s).map(|d| b.append_value(types::date_to_days(d)))
            }
            ColumnBuilder::Timestamp(b) => types::parse_timestamp(s)
                .or_else(|| types::parse_date(s).map(|d| d.midnight()))
                .map(|t| b.append_value(types::timestamp_to_micros(t))),
            ColumnBuilder::Text(b) => {
                b.append_value(raw);
                Some(())
            }
        };
        if ok.is_none() {
            self.append_null();
        }
        ok.is_some()
    }

    pub fn append_null(&mut self) {
        match self {
            ColumnBuilder::Integer(b) => b.append_null(),
            ColumnBuilder::Decimal(b) => b.append_null(),
            ColumnBuilder::Boolean(b) => b.append_null(),
            ColumnBuilder::Date(b) => b.append_null(),
            ColumnBuilder::Timestamp(b) => b.append_null(),
            ColumnBuilder::Text(b) => b.append_null(),
        }
    }

    pub fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Integer(b) => Arc::new(b.finish()),
            ColumnBuilder::Decimal(b) => Arc::new(b.finish()),
            ColumnBuilder::Boolean(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp(b) => Arc::new(b.finish()),
            ColumnBuilder::Text(b) => Arc::new(b.finish()),
        }
    }
}
