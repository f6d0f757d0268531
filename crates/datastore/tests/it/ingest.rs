//! Files in, reports and typed Parquet out: real open data, and every kind of bad input.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use datafusion::arrow::datatypes::DataType;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use datastore::ingest::{LoadOptions, Loaded, MAX_COLUMNS, Progress, load_file};
use datastore::report::Severity;
use datastore::sniff::Format;
use datastore::types::ColumnType;

fn load_path(path: &Path, format: Format, overrides: BTreeMap<String, ColumnType>) -> Loaded {
    let opts = LoadOptions {
        format,
        overrides,
        max_workbook_part: datastore::source::MAX_WORKBOOK_PART_BYTES,
    };
    // The Parquet file is a temporary file: it goes when the result does.
    load_file(path, &opts, &Progress::default(), &std::env::temp_dir()).unwrap()
}

fn load_bytes(bytes: &[u8], format: Format) -> Loaded {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    load_path(f.path(), format, BTreeMap::new())
}

fn types(l: &Loaded) -> Vec<(String, ColumnType)> {
    l.report
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.column_type))
        .collect()
}

fn codes(l: &Loaded) -> Vec<(String, Severity)> {
    l.report
        .problems
        .iter()
        .map(|p| (p.code.clone(), p.severity))
        .collect()
}

/// Rows and Arrow types of the written Parquet file.
fn parquet(l: &Loaded) -> (usize, Vec<(String, DataType)>) {
    let f = std::fs::File::open(l.parquet.as_ref().unwrap().path()).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let fields = builder
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let rows = builder
        .build()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    (rows, fields)
}

#[test]
fn fish_stocking_loads_with_types_over_the_whole_file() {
    let Some(data) = platform::testing::shared_data() else {
        return;
    };
    let l = load_path(
        &data.join("ontario-fish-stocking/fish-stocking.csv"),
        Format::Csv,
        BTreeMap::new(),
    );
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(l.report.rows, 13_956);
    assert_eq!(l.report.encoding.as_deref(), Some("utf-8 (BOM)"));
    assert_eq!(l.report.delimiter.as_deref(), Some(","));
    let t: BTreeMap<_, _> = types(&l).into_iter().collect();
    assert_eq!(t.len(), 15);
    assert_eq!(
        t["X"],
        ColumnType::Decimal,
        "the BOM is not part of the first name"
    );
    assert_eq!(t["Stocking_Year"], ColumnType::Integer);
    assert_eq!(t["Number_of_Fish_Stocked"], ColumnType::Integer);
    assert_eq!(t["Latitude"], ColumnType::Decimal);
    assert_eq!(t["Waterbody_Location_Identifier"], ColumnType::Text);
    assert_eq!(t["Species"], ColumnType::Text);
    let (rows, fields) = parquet(&l);
    assert_eq!(rows, 13_956);
    assert_eq!(fields[0], ("_id".to_string(), DataType::Int64));
    assert_eq!(fields[1], ("X".to_string(), DataType::Float64));
}

#[test]
fn public_accounts_in_windows_1252_load_and_amounts_with_separators_stay_text() {
    let Some(data) = platform::testing::shared_data() else {
        return;
    };
    let l = load_path(
        &data.join(
            "public-accounts-ontario/tbs-public-accounts-ministry-statements-expenses-2014-15-en.csv",
        ),
        Format::Csv,
        BTreeMap::new(),
    );
    assert!(l.report.ok, "{:?}", l.report.problems);
    let enc = l.report.encoding.clone().unwrap();
    assert!(enc == "windows-1252" || enc == "iso-8859-1", "{enc}");
    let t: BTreeMap<_, _> = types(&l).into_iter().collect();
    assert_eq!(
        t["Amount $"],
        ColumnType::Text,
        "\"13,990,447\" and \"-\" are not numbers"
    );
    assert_eq!(t["Fiscal Year"], ColumnType::Text);
}

#[test]
fn every_real_csv_loads() {
    let Some(data) = platform::testing::shared_data() else {
        return;
    };
    let mut stack = vec![data];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "csv") {
                let l = load_path(&path, Format::Csv, BTreeMap::new());
                assert!(
                    l.report.ok,
                    "{}: {}",
                    path.display(),
                    l.report.text(platform::Lang::En)
                );
                assert!(l.report.rows > 0, "{}", path.display());
                seen += 1;
            }
        }
    }
    assert!(seen >= 12, "{seen} CSV files");
}

#[test]
fn codes_with_leading_zeros_dates_and_booleans() {
    let l = load_bytes(
        b"code,when,flag,amount,at\n0164A,2021-04-30,true,12,2021-04-30T10:00:00Z\n0007,2021-05-01,FALSE,12.5,2021-05-01 11:30\n",
        Format::Csv,
    );
    assert!(l.report.ok);
    assert_eq!(
        types(&l),
        vec![
            ("code".into(), ColumnType::Text),
            ("when".into(), ColumnType::Date),
            ("flag".into(), ColumnType::Boolean),
            ("amount".into(), ColumnType::Decimal),
            ("at".into(), ColumnType::Timestamp),
        ]
    );
}

#[test]
fn dialects_quotes_and_headers() {
    // Semicolons, a quoted newline, a blank and a repeated header name.
    let l = load_bytes(
        b"name;;name;note\nA;1;x;\"two\nlines\"\nB;2;y;\"with \"\"quotes\"\"\"\n",
        Format::Csv,
    );
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(l.report.delimiter.as_deref(), Some(";"));
    assert_eq!(l.report.rows, 2);
    let names: Vec<String> = types(&l).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["name", "column_2", "name_2", "note"]);
    let c = codes(&l);
    assert!(c.contains(&("blank-header".into(), Severity::Warning)));
    assert!(c.contains(&("duplicate-header".into(), Severity::Warning)));
    // Tabs, named .tsv.
    let l = load_bytes(b"a\tb\n1\t2\n", Format::Tsv);
    assert_eq!(l.report.delimiter.as_deref(), Some("\t"));
    assert_eq!(l.report.columns.len(), 2);
}

#[test]
fn latin_1_and_invalid_utf8_are_read_as_windows_1252() {
    let l = load_bytes(b"ville,pop\nMontr\xe9al,1\nQu\xe9bec,2\n", Format::Csv);
    assert!(l.report.ok);
    assert_eq!(l.report.encoding.as_deref(), Some("iso-8859-1"));
    let l = load_bytes(b"name,price\nx,\x80 5\n", Format::Csv);
    assert_eq!(l.report.encoding.as_deref(), Some("windows-1252"));
}

#[test]
fn bad_files_get_a_report_not_a_crash() {
    let binary = load_bytes(b"%PDF-1.7\n\x00\x01\x02binary", Format::Csv);
    assert!(!binary.report.ok);
    assert_eq!(codes(&binary), [("binary".into(), Severity::Error)]);
    assert!(
        binary.report.problems[0]
            .message(platform::Lang::En)
            .contains("PDF")
    );
    assert!(binary.parquet.is_none());

    let empty = load_bytes(b"", Format::Csv);
    assert_eq!(codes(&empty), [("empty".into(), Severity::Error)]);
    let blank = load_bytes(b"\n\n  \n", Format::Csv);
    assert_eq!(codes(&blank), [("empty".into(), Severity::Error)]);

    let header_only = load_bytes(b"a,b,c\n", Format::Csv);
    assert!(header_only.report.ok);
    assert_eq!(codes(&header_only), [("no-rows".into(), Severity::Warning)]);
    assert_eq!(parquet(&header_only).0, 0);

    let ragged = load_bytes(b"a,b\n1,2\n3,4,5\n6\n7,8,9\n", Format::Csv);
    assert!(!ragged.report.ok);
    let extra = ragged
        .report
        .problems
        .iter()
        .find(|p| p.code == "extra-cells")
        .unwrap();
    assert_eq!(extra.count, 2);
    assert_eq!(extra.row, Some(3), "rows count from the header, row 1");
    assert_eq!(extra.examples[0].value, "3,4,5");
    assert!(extra.message(platform::Lang::En).contains("first at row 3"));
    assert!(
        ragged
            .report
            .problems
            .iter()
            .any(|p| p.code == "missing-cells")
    );

    let wide: String = (0..MAX_COLUMNS + 10)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let wide = load_bytes(format!("{wide}\n").as_bytes(), Format::Csv);
    assert_eq!(codes(&wide), [("too-many-columns".into(), Severity::Error)]);

    let not_xlsx = load_bytes(b"a,b\n1,2\n", Format::Xlsx);
    assert_eq!(
        codes(&not_xlsx),
        [("not-spreadsheet".into(), Severity::Error)]
    );
}

#[test]
fn a_line_without_end_stops_at_the_record_limit() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(b"a,b\n1,\"").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..((datastore::ingest::MAX_RECORD_BYTES >> 20) + 2) {
        f.write_all(&chunk).unwrap();
    }
    let l = load_path(f.path(), Format::Csv, BTreeMap::new());
    assert!(!l.report.ok);
    assert_eq!(codes(&l), [("record-too-long".into(), Severity::Error)]);
    assert_eq!(l.report.problems[0].row, Some(2));
}

#[test]
fn a_type_override_that_does_not_fit_fails_with_examples() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(b"id,code\n1,12\n2,0164A\n3,7\n4,X9\n").unwrap();
    let overrides = BTreeMap::from([("code".to_string(), ColumnType::Integer)]);
    let l = load_path(f.path(), Format::Csv, overrides);
    assert!(!l.report.ok);
    let p = &l.report.problems[0];
    assert_eq!(p.code, "not-integer");
    assert_eq!(p.column.as_deref(), Some("code"));
    assert_eq!(p.count, 2);
    assert_eq!(p.examples[0].row, 3);
    assert_eq!(p.examples[0].value, "0164A");
    assert_eq!(
        p.message(platform::Lang::En),
        "Column “code”: 2 values are not whole numbers (first at row 3)."
    );
    assert!(
        p.message(platform::Lang::Fr)
            .starts_with("Colonne « code » : 2 valeurs")
    );
    assert_eq!(l.report.columns[1].inferred, Some(ColumnType::Text));
    // A text override keeps codes as written.
    let overrides = BTreeMap::from([("id".to_string(), ColumnType::Text)]);
    let l = load_path(f.path(), Format::Csv, overrides);
    assert!(l.report.ok);
    assert_eq!(l.report.columns[0].column_type, ColumnType::Text);
}

#[test]
fn json_lines_take_every_key() {
    let l = load_bytes(
        b"{\"a\": 1, \"b\": \"x\"}\n\n{\"a\": 2, \"c\": true}\n{\"b\": null, \"a\": 3.5}\n",
        Format::Jsonl,
    );
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(
        types(&l),
        vec![
            ("a".into(), ColumnType::Decimal),
            ("b".into(), ColumnType::Text),
            ("c".into(), ColumnType::Boolean),
        ]
    );
    assert_eq!(parquet(&l).0, 3);
    let bad = load_bytes(b"{\"a\": 1}\n[1, 2]\n", Format::Jsonl);
    assert_eq!(codes(&bad), [("jsonl-not-object".into(), Severity::Error)]);
}

/// A zip file of these parts, stored or deflated.
fn zipped(suffix: &str, parts: &[(&str, String)], deflate: bool) -> tempfile::NamedTempFile {
    use zip::write::SimpleFileOptions;
    let f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    let mut z = zip::ZipWriter::new(f.reopen().unwrap());
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    for (name, body) in parts {
        z.start_file(*name, opts).unwrap();
        std::io::Write::write_all(&mut z, body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    f
}

/// An XLSX workbook of one sheet (its `<sheetData>` rows, and what follows them), with optional
/// shared strings.
fn xlsx_with(
    rows: &str,
    after: &str,
    shared: Option<String>,
    deflate: bool,
) -> tempfile::NamedTempFile {
    let mut parts: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Stocking" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>{}</Relationships>"#,
            if shared.is_some() { r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"# } else { "" })),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into()),
        ("xl/worksheets/sheet1.xml", format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData>{after}</worksheet>"#
        )),
    ];
    if let Some(strings) = shared {
        parts.push(("xl/sharedStrings.xml", strings));
    }
    zipped(".xlsx", &parts, deflate)
}

/// A minimal XLSX workbook: inline strings, numbers, a formula with its cached value, a date cell,
/// and optionally an error cell.
fn xlsx(with_error: bool) -> tempfile::NamedTempFile {
    let rows = format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>lake</t></is></c><c r="B1" t="inlineStr"><is><t>fish</t></is></c><c r="C1" t="inlineStr"><is><t>double</t></is></c><c r="D1" t="inlineStr"><is><t>stocked</t></is></c><c r="E1" t="inlineStr"><is><t>code</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>Erie</t></is></c><c r="B2"><v>12</v></c><c r="C2"><f>B2*2</f><v>24</v></c><c r="D2" s="1"><v>44316</v></c><c r="E2" t="inlineStr"><is><t>0164A</t></is></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>Huron</t></is></c><c r="B3"><v>3.5</v></c><c r="C3"><f>B3*2</f><v>7</v></c><c r="D3" s="1"><v>44317</v></c>{}</row>"#,
        if with_error {
            r#"<c r="E3" t="e"><v>#DIV/0!</v></c>"#
        } else {
            r#"<c r="E3" t="inlineStr"><is><t>0007</t></is></c>"#
        }
    );
    xlsx_with(&rows, "", None, false)
}

/// An ODS workbook whose one sheet has these `<table:table-row>`s.
fn ods(rows: &str) -> tempfile::NamedTempFile {
    let parts: Vec<(&str, String)> = vec![
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet".into()),
        ("META-INF/manifest.xml", r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.into()),
        ("content.xml", format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Stocking">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )),
    ];
    zipped(".ods", &parts, true)
}

fn ods_row(cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .map(|c| match c.parse::<f64>() {
            Ok(_) => format!(r#"<table:table-cell office:value-type="float" office:value="{c}"><text:p>{c}</text:p></table:table-cell>"#),
            Err(_) => format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#),
        })
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

fn load_workbook(f: &tempfile::NamedTempFile, format: Format, limit: u64) -> Loaded {
    let opts = LoadOptions {
        format,
        overrides: BTreeMap::new(),
        max_workbook_part: limit,
    };
    load_file(f.path(), &opts, &Progress::default(), &std::env::temp_dir()).unwrap()
}

#[test]
fn spreadsheets_load_by_cached_values_with_types() {
    let f = xlsx(false);
    let l = load_path(f.path(), Format::Xlsx, BTreeMap::new());
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(
        types(&l),
        vec![
            ("lake".into(), ColumnType::Text),
            ("fish".into(), ColumnType::Decimal),
            ("double".into(), ColumnType::Integer),
            ("stocked".into(), ColumnType::Date),
            ("code".into(), ColumnType::Text),
        ]
    );
    assert_eq!(parquet(&l).0, 2);
    // A spreadsheet named .csv is still read as one.
    let l = load_path(f.path(), Format::Csv, BTreeMap::new());
    assert!(l.report.ok);
    assert_eq!(l.report.format, "xlsx");
    // A cell holding an error is reported with its address.
    let bad = xlsx(true);
    let l = load_path(bad.path(), Format::Xlsx, BTreeMap::new());
    assert!(!l.report.ok);
    assert_eq!(l.report.problems[0].code, "spreadsheet-cell-error");
    assert!(
        l.report.problems[0]
            .message(platform::Lang::En)
            .contains("E3")
    );
}

#[test]
fn ten_thousand_columns_are_refused_at_the_header() {
    let header: String = (0..10_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let row = vec!["1"; 10_000].join(",");
    let l = load_bytes(format!("{header}\n{row}\n{row}\n").as_bytes(), Format::Csv);
    assert!(!l.report.ok);
    assert_eq!(codes(&l), [("too-many-columns".into(), Severity::Error)]);
    let msg = l.report.problems[0].message(platform::Lang::En);
    assert!(
        msg.contains("10000") && msg.contains(&MAX_COLUMNS.to_string()),
        "{msg}"
    );
    assert!(l.report.columns.is_empty() && l.parquet.is_none());
}

/// A file of one line of `size` bytes, mostly a hole: nothing that large is written or held.
fn one_line_file(start: &[u8], size: u64) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(start).unwrap();
    f.write_all(&vec![b'x'; 1 << 16]).unwrap();
    f.as_file().set_len(size).unwrap();
    f
}

#[test]
fn a_one_gigabyte_line_stops_at_the_record_limit_without_reading_on() {
    for start in [&b"a,b\n1,"[..], &b"a,b\n1,\""[..]] {
        let f = one_line_file(start, 1 << 30);
        let progress = Progress::default();
        let opts = LoadOptions {
            format: Format::Csv,
            overrides: BTreeMap::new(),
            max_workbook_part: datastore::source::MAX_WORKBOOK_PART_BYTES,
        };
        let l = load_file(f.path(), &opts, &progress, &std::env::temp_dir()).unwrap();
        assert!(!l.report.ok);
        assert_eq!(codes(&l), [("record-too-long".into(), Severity::Error)]);
        assert_eq!(l.report.problems[0].row, Some(2));
        assert!(
            l.report.problems[0]
                .message(platform::Lang::En)
                .contains("longer than 32 MB")
        );
        // Reading stopped near the limit, not at the end of the line.
        let read = progress.bytes.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            read < 2 * datastore::ingest::MAX_RECORD_BYTES,
            "{read} bytes read"
        );
    }
}

#[test]
fn invalid_utf8_in_a_file_marked_utf8_is_reported_with_its_row() {
    let l = load_bytes(b"\xef\xbb\xbfname,n\nok,1\nbad\xff\xfe,2\n", Format::Csv);
    assert!(!l.report.ok);
    assert_eq!(codes(&l), [("invalid-text".into(), Severity::Error)]);
    assert_eq!(l.report.problems[0].row, Some(3));
    assert!(
        l.report.problems[0]
            .message(platform::Lang::Fr)
            .contains("ligne 3")
    );
}

#[test]
fn merged_cells_and_formulas_load_by_their_values() {
    // A2:A3 merged (A3 has no cell), a formula with a cached value, one without, a shared string.
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>fish</t></is></c><c r="C1" t="inlineStr"><is><t>double</t></is></c></row>
<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>12</v></c><c r="C2"><f>B2*2</f><v>24</v></c></row>
<row r="3"><c r="B3"><v>4</v></c><c r="C3"><f>B3*2</f></c></row>"#;
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>lake</t></si><si><t>Erie</t></si></sst>"#;
    let f = xlsx_with(
        rows,
        r#"<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>"#,
        Some(shared.into()),
        true,
    );
    let l = load_path(f.path(), Format::Xlsx, BTreeMap::new());
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(
        types(&l),
        vec![
            ("lake".into(), ColumnType::Text),
            ("fish".into(), ColumnType::Integer),
            ("double".into(), ColumnType::Integer),
        ]
    );
    assert_eq!(l.report.rows, 2);
    // The merged cell's value is in its first row only; the uncomputed formula is empty.
    assert_eq!(l.report.columns[0].nulls, 1);
    assert_eq!(l.report.columns[2].nulls, 1);
}

#[test]
fn a_large_xlsx_sheet_is_streamed() {
    let n = 60_000;
    let mut rows = String::from(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>"#,
    );
    for i in 2..=n + 1 {
        rows.push_str(&format!(
            r#"<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}" t="inlineStr"><is><t>row {i}</t></is></c></row>"#
        ));
    }
    // A blank row in the middle is skipped with a warning, as in a CSV.
    rows.push_str(&format!(
        r#"<row r="{}"><c r="A{0}"><v>1</v></c><c r="B{0}" t="inlineStr"><is><t>last</t></is></c></row>"#,
        n + 3
    ));
    // The sheet is far larger than the limit for parts read whole: it is not one of them.
    let f = xlsx_with(&rows, "", None, true);
    let l = load_workbook(&f, Format::Xlsx, 1 << 20);
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(l.report.rows, n as u64 + 1);
    assert_eq!(codes(&l), [("blank-row".into(), Severity::Warning)]);
    assert_eq!(parquet(&l).0, n + 1);
}

#[test]
fn workbook_parts_read_whole_are_refused_beyond_the_limit_even_as_a_zip_bomb() {
    // 64 MB of shared strings that compress to a few hundred kilobytes.
    let mut strings = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    let item = format!("<si><t>{}</t></si>", "a".repeat(1000));
    while strings.len() < 64 << 20 {
        strings.push_str(&item);
    }
    strings.push_str("</sst>");
    let rows =
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>"#;
    let bomb = xlsx_with(rows, "", Some(strings.clone()), true);
    assert!(std::fs::metadata(bomb.path()).unwrap().len() < 4 << 20);
    let l = load_workbook(&bomb, Format::Xlsx, 16 << 20);
    assert!(!l.report.ok);
    assert_eq!(
        codes(&l),
        [("spreadsheet-too-large".into(), Severity::Error)]
    );
    let msg = l.report.problems[0].message(platform::Lang::En);
    assert!(
        msg.contains("xl/sharedStrings.xml") && msg.contains("16 MB") && msg.contains("CSV"),
        "{msg}"
    );
    assert!(
        l.report.problems[0]
            .message(platform::Lang::Fr)
            .contains("CSV")
    );
    drop(strings);

    // An ODS sheet is read whole: a small one loads, a large one is refused before parsing.
    let small = ods(&[
        ods_row(&["lake", "fish"]),
        ods_row(&["Erie", "12"]),
        ods_row(&["Huron", "3"]),
    ]
    .concat());
    let l = load_workbook(&small, Format::Ods, 1 << 20);
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(l.report.format, "ods");
    assert_eq!(
        types(&l),
        vec![
            ("lake".into(), ColumnType::Text),
            ("fish".into(), ColumnType::Integer)
        ]
    );
    // An ODS file named .xlsx is still read as ODS.
    let l = load_workbook(&small, Format::Xlsx, 1 << 20);
    assert!(l.report.ok, "{:?}", l.report.problems);
    let row = ods_row(&["Erie", "12"]);
    let big = ods(&row.repeat((3 << 20) / row.len()));
    let l = load_workbook(&big, Format::Ods, 1 << 20);
    assert_eq!(
        codes(&l),
        [("spreadsheet-too-large".into(), Severity::Error)]
    );
    assert!(
        l.report.problems[0]
            .message(platform::Lang::En)
            .contains("content.xml")
    );
}

// ---- on a store: SQL refusals and limits, retention, stored profiles ----

mod on_a_store {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use serde_json::{Value, json};

    use datastore::ingest::Progress;
    use platform::config::DatastoreSettings;
    use platform::db::Actor;
    use platform::server::App;
    use platform::testing::{self, Client, TestDb};
    use platform::{Platform, exec};

    use crate::api::{dataset, setup};

    /// The platform on this test database with other `[datastore]` settings.
    fn platform_with(t: &TestDb, f: impl FnOnce(&mut DatastoreSettings)) -> Platform {
        t.platform_with(|settings| f(&mut settings.datastore))
    }

    fn app(platform: &Platform) -> App {
        platform::server::app(
            platform.clone(),
            catalogue::pages().merge(datastore::pages()),
            catalogue::api_with(Some(Arc::new(datastore::api::Datastore))).merge(datastore::api()),
        )
    }

    async fn post(app: &App, action: &str, body: Value) -> (StatusCode, Value) {
        let req = Request::post(format!("/api/3/action/{action}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let r = Client::new(app.clone()).send(req).await;
        (
            r.status,
            serde_json::from_slice(&r.bytes).unwrap_or(Value::Null),
        )
    }

    async fn page(app: &App, path: &str) -> (StatusCode, String) {
        let r = Client::new(app.clone()).get(path).await;
        (r.status, r.body)
    }

    fn numbers(n: usize) -> Vec<u8> {
        let mut csv = String::from("n,name\n");
        for i in 0..n {
            csv.push_str(&format!("{i},name {}\n", i % 97));
        }
        csv.into_bytes()
    }

    /// A public dataset `name` with one uploaded CSV, loaded as version 1; its resource id.
    async fn table(api: &crate::api::Api, name: &str, csv: &[u8]) -> String {
        dataset(api, name, false).await;
        let r = api
            .upload(
                "resource_create",
                &[("package_id", name), ("name", "Numbers")],
                "numbers.csv",
                csv,
            )
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        api.wait_for_version(&id, 1).await;
        id
    }

    fn sql_error(b: &Value) -> String {
        assert_eq!(b["error"]["__type"], "Validation Error", "{b}");
        b["error"]["sql"][0].as_str().unwrap().to_string()
    }

    #[tokio::test]
    async fn sql_that_is_not_one_select_or_reaches_outside_is_refused_and_runaways_stop() {
        for t in testing::engines().await {
            let engine = t.engine;
            let api = setup(&t).await;
            let id = table(&api, "numbers", &numbers(3_000)).await;
            let app = app(&t.platform());
            let table = format!("\"{id}\"");
            let refused = [
                (format!("SELECT 1; SELECT * FROM {table}"), "one statement"),
                (
                    format!("INSERT INTO {table} VALUES (1, 'x')"),
                    "read-only SELECT",
                ),
                (format!("UPDATE {table} SET n = 1"), "read-only SELECT"),
                (format!("DELETE FROM {table}"), "read-only SELECT"),
                ("CREATE TABLE x AS SELECT 1".into(), "read-only SELECT"),
                (
                    "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '/etc/passwd'".into(),
                    "read-only SELECT",
                ),
                (
                    format!("COPY {table} TO '/tmp/out.csv'"),
                    "read-only SELECT",
                ),
                (format!("EXPLAIN SELECT * FROM {table}"), "read-only SELECT"),
                (
                    "SET datafusion.execution.target_partitions = 1".into(),
                    "read-only SELECT",
                ),
                (
                    "SELECT * FROM read_csv('/etc/passwd')".into(),
                    "table function",
                ),
                (
                    "SELECT * FROM read_parquet('https://example.org/x.parquet')".into(),
                    "table function",
                ),
                (
                    "SELECT * FROM generate_series(1, 1000000000)".into(),
                    "table function",
                ),
                (
                    "SELECT * FROM '/etc/passwd'".into(),
                    "not a datastore table",
                ),
                (
                    "SELECT * FROM 'https://example.org/data.csv'".into(),
                    "not a datastore table",
                ),
                (
                    "SELECT * FROM information_schema.tables".into(),
                    "not a datastore table",
                ),
                (
                    "SELECT * FROM pg_catalog.pg_tables".into(),
                    "not a datastore table",
                ),
                (
                    "SELECT * FROM datastore.public.x".into(),
                    "not a datastore table",
                ),
                (
                    format!(
                        "SELECT * FROM {table} WHERE name IN (SELECT table_name FROM information_schema.columns)"
                    ),
                    "not a datastore table",
                ),
                ("SELECT pg_read_file('/etc/passwd')".into(), "pg_read_file"),
                (
                    "SELECT * FROM \"00000000-0000-0000-0000-000000000000\"".into(),
                    "was not found",
                ),
            ];
            for (sql, why) in refused {
                let (status, b) = post(&app, "datastore_search_sql", json!({"sql": sql})).await;
                assert_ne!(status, StatusCode::OK, "{engine}: {sql}: {b}");
                assert_ne!(
                    status,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "{engine}: {sql}: {b}"
                );
                let msg = if b["error"]["__type"] == "Not Found Error" {
                    b["error"]["message"].as_str().unwrap().to_string()
                } else {
                    sql_error(&b)
                };
                assert!(msg.contains(why), "{engine}: {sql}: {msg}");
            }

            // A runaway query stops at the time limit, with a message that says so.
            let quick = app_with_limits(&t, 1, 512);
            let started = std::time::Instant::now();
            let (status, b) = post(
                &quick,
                "datastore_search_sql",
                json!({"sql": format!("SELECT sum(a.n * b.n + c.n) FROM {table} a, {table} b, {table} c")}),
            )
            .await;
            assert_eq!(status, StatusCode::CONFLICT, "{engine}: {b}");
            let msg = sql_error(&b);
            assert!(msg.contains("after 1 seconds"), "{engine}: {msg}");
            assert!(
                started.elapsed().as_secs() < 10,
                "{engine}: {:?}",
                started.elapsed()
            );

            // A memory hog stops at the memory limit.
            let small = app_with_limits(&t, 60, 4);
            let (status, b) = post(
                &small,
                "datastore_search_sql",
                json!({"sql": format!("SELECT array_agg(b.name) FROM {table} a, {table} b")}),
            )
            .await;
            assert_eq!(status, StatusCode::CONFLICT, "{engine}: {b}");
            let msg = sql_error(&b);
            assert!(msg.contains("more than 4 MB"), "{engine}: {msg}");
        }
    }

    fn app_with_limits(t: &TestDb, seconds: u64, mb: usize) -> App {
        app(&platform_with(t, |d| {
            d.query_seconds = seconds;
            d.query_memory_mb = mb;
        }))
    }

    async fn load_again(platform: &Platform, id: &str, csv: &[u8]) -> datastore::store::Load {
        let r = catalogue::store::resource(&platform.db, id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, csv).unwrap();
        datastore::load::load(
            platform,
            &Actor::system("test"),
            &r,
            f.path(),
            "cli",
            "numbers.csv",
            Arc::new(Progress::default()),
        )
        .await
        .unwrap()
    }

    async fn stored(platform: &Platform, key: &str) -> bool {
        use object_store::ObjectStoreExt;
        let path = object_store::path::Path::parse(key).unwrap();
        platform.files.store().head(&path).await.is_ok()
    }

    async fn audited(t: &TestDb, action: &str) -> i64 {
        let mut tx = t.db.begin().await.unwrap();
        let n: platform::Result<i64> = async {
            Ok(exec!(tx, |c| sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1"
            )
            .bind(action)
            .fetch_one(&mut *c)
            .await?))
        }
        .await;
        n.unwrap()
    }

    #[tokio::test]
    async fn old_versions_beyond_the_policy_are_removed_and_say_so() {
        for t in testing::engines().await {
            let engine = t.engine;
            let api = setup(&t).await;
            let id = table(&api, "kept", &numbers(5)).await;
            let platform = platform_with(&t, |d| d.keep_versions = 2);
            let app = app(&platform);
            let v1 = datastore::store::version(&platform.db, id.parse().unwrap(), 1)
                .await
                .unwrap()
                .unwrap();
            let v2 = load_again(&platform, &id, &numbers(6)).await;
            assert_eq!(v2.version, Some(2));
            assert!(stored(&platform, v1.parquet_key.as_ref().unwrap()).await);
            let v3 = load_again(&platform, &id, &numbers(7)).await;
            assert_eq!(v3.version, Some(3));
            // Version 1 is gone from the object store; its row stays, marked.
            assert!(
                !stored(&platform, v1.parquet_key.as_ref().unwrap()).await,
                "{engine}"
            );
            assert!(
                stored(&platform, v2.parquet_key.as_ref().unwrap()).await,
                "{engine}"
            );
            let v1 = datastore::store::version(&platform.db, v1.resource_id, 1)
                .await
                .unwrap()
                .unwrap();
            assert!(v1.removed_at.is_some(), "{engine}");
            assert_eq!(
                audited(&t, "datastore.version_removed").await,
                1,
                "{engine}"
            );

            // Asking for it says it is no longer kept, and why.
            for params in [
                json!({"resource_id": id, "version": 1}),
                json!({"resource_id": id, "as_of": (v1.created_at + time::Duration::milliseconds(1)).format(&time::format_description::well_known::Rfc3339).unwrap()}),
            ] {
                let (status, b) = post(&app, "datastore_search", params.clone()).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{engine}: {params}: {b}");
                let msg = b["error"]["message"].as_str().unwrap();
                assert!(
                    msg.contains("Version 1")
                        && msg.contains("no longer kept")
                        && msg.contains("last 2 versions"),
                    "{engine}: {msg}"
                );
            }
            let (status, b) = post(
                &app,
                "datastore_search",
                json!({"resource_id": id, "version": 2}),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{engine}: {b}");
            assert_eq!(b["result"]["total"], 6);
            let (_, b) = post(&app, "datastore_search", json!({"resource_id": id})).await;
            assert_eq!(b["result"]["total"], 7);

            // By age too, never the version serving.
            let mut tx = t.db.begin().await.unwrap();
            let old = time::OffsetDateTime::now_utc() - time::Duration::days(30);
            let r: platform::Result<u64> = async {
                Ok(exec!(tx, |c| sqlx::query(
                    "UPDATE datastore_loads SET created_at = $1 WHERE resource_id = $2"
                )
                .bind(old)
                .bind(v1.resource_id)
                .execute(&mut *c)
                .await?
                .rows_affected()))
            }
            .await;
            r.unwrap();
            tx.commit().await.unwrap();
            let by_age = platform_with(&t, |d| d.keep_days = 7);
            let removed =
                datastore::store::apply_retention(&by_age, &Actor::system("test"), v1.resource_id)
                    .await
                    .unwrap();
            assert_eq!(removed, vec![2], "{engine}");
            let (_, b) = post(&app, "datastore_search", json!({"resource_id": id})).await;
            assert_eq!(b["result"]["total"], 7, "{engine}");
        }
    }

    #[tokio::test]
    async fn a_profile_is_computed_once_per_version_and_kept() {
        for t in testing::engines().await {
            let engine = t.engine;
            let api = setup(&t).await;
            let id = table(&api, "profiled", &numbers(50)).await;
            let platform = t.platform();
            let app = app(&platform);
            let load = datastore::store::current(&platform.db, id.parse().unwrap())
                .await
                .unwrap()
                .unwrap();
            assert!(
                datastore::store::profile(&platform.db, load.id)
                    .await
                    .unwrap()
                    .is_none()
            );
            let path = format!("/en/dataset/profiled/resource/{id}/profile");
            let (status, html) = page(&app, &path).await;
            assert_eq!(status, StatusCode::OK, "{engine}");
            assert!(html.contains("name 0 (1)"), "{engine}");
            let stored = datastore::store::profile(&platform.db, load.id)
                .await
                .unwrap()
                .expect("stored at the first request");
            let p: datastore::explore::Profile = serde_json::from_value(stored).unwrap();
            assert_eq!(p.rows, 50);
            assert_eq!(p.columns[0].name, "n");
            assert_eq!(
                (p.columns[0].min.as_str(), p.columns[0].max.as_str()),
                ("0", "49")
            );
            // The page shows what is stored, not a new computation.
            let mut changed = p.clone();
            changed.columns[0].max = "4900".into();
            let mut tx = t.db.begin().await.unwrap();
            let r: platform::Result<u64> = async {
                Ok(exec!(tx, |c| sqlx::query(
                    "UPDATE datastore_profiles SET profile = $1 WHERE load_id = $2"
                )
                .bind(sqlx::types::Json(&changed))
                .bind(load.id)
                .execute(&mut *c)
                .await?
                .rows_affected()))
            }
            .await;
            assert_eq!(r.unwrap(), 1);
            tx.commit().await.unwrap();
            let (_, html) = page(&app, &path).await;
            assert!(html.contains("4900"), "{engine}");
            // A new version gets its own.
            let v2 = load_again(&platform, &id, &numbers(60)).await;
            let (_, html) = page(&app, &path).await;
            assert!(!html.contains("4900"), "{engine}");
            let p: datastore::explore::Profile = serde_json::from_value(
                datastore::store::profile(&platform.db, v2.id)
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(p.rows, 60, "{engine}");
        }
    }
}

/// Columns of the written Parquet file, each as the text of its values (nulls empty).
fn parquet_columns(l: &Loaded) -> Vec<Vec<String>> {
    use datafusion::arrow::util::display::ArrayFormatter;
    let f = std::fs::File::open(l.parquet.as_ref().unwrap().path()).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let mut columns: Vec<Vec<String>> = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        columns.resize(batch.num_columns(), Vec::new());
        for (i, array) in batch.columns().iter().enumerate() {
            let format = ArrayFormatter::try_new(array.as_ref(), &Default::default()).unwrap();
            columns[i].extend((0..array.len()).map(|r| format.value(r).to_string()));
        }
    }
    columns
}

#[test]
fn types_are_those_of_the_whole_file_whether_they_hold_from_the_first_rows_or_change_late() {
    let n = 150_000;
    let mut csv = String::from("steady,late_decimal,late_values,day\n");
    for i in 1..=n {
        let late_decimal = if i == n {
            "2.5".to_string()
        } else {
            i.to_string()
        };
        let late_values = if i > 100_000 {
            i.to_string()
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "{},{late_decimal},{late_values},2024-01-{:02}\n",
            i * 3,
            i % 28 + 1
        ));
    }
    let l = load_bytes(csv.as_bytes(), Format::Csv);
    assert!(l.report.ok, "{:?}", l.report.problems);
    assert_eq!(
        types(&l),
        vec![
            ("steady".into(), ColumnType::Integer),
            ("late_decimal".into(), ColumnType::Decimal),
            ("late_values".into(), ColumnType::Integer),
            ("day".into(), ColumnType::Date),
        ]
    );
    let columns = parquet_columns(&l);
    assert_eq!(columns[0].len(), n);
    assert_eq!(columns[0][n - 1], n.to_string(), "_id counts rows");
    assert_eq!(columns[1][41], "126");
    assert_eq!(columns[2][n - 1], "2.5");
    assert_eq!(columns[2][0], "1.0");
    assert_eq!(columns[3][99_999], "");
    assert_eq!(columns[3][100_000], "100001");
    assert_eq!(columns[4][26], "2024-01-28");

    // The same rows without the late changes: written in one pass, with the same values.
    let steady: String = csv
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            format!("{},{}\n", cells[0], cells[3])
        })
        .collect();
    let l = load_bytes(steady.as_bytes(), Format::Csv);
    assert!(l.report.ok, "{:?}", l.report.problems);
    let again = parquet_columns(&l);
    assert_eq!(again[1], columns[1]);
    assert_eq!(again[2], columns[4]);
}
