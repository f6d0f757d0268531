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
    let opts = LoadOptions { format, overrides };
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
    let Some(data) = crate::shared_data() else {
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
    let Some(data) = crate::shared_data() else {
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
    let Some(data) = crate::shared_data() else {
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

/// A minimal XLSX workbook: shared strings, inline strings, numbers, a formula with its cached
/// value, a date cell, and optionally an error cell.
fn xlsx(with_error: bool) -> tempfile::NamedTempFile {
    use zip::write::SimpleFileOptions;
    let f = tempfile::Builder::new().suffix(".xlsx").tempfile().unwrap();
    let mut z = zip::ZipWriter::new(f.reopen().unwrap());
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let files: [(&str, String); 6] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Stocking" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.into()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into()),
        ("xl/worksheets/sheet1.xml", format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>lake</t></is></c><c r="B1" t="inlineStr"><is><t>fish</t></is></c><c r="C1" t="inlineStr"><is><t>double</t></is></c><c r="D1" t="inlineStr"><is><t>stocked</t></is></c><c r="E1" t="inlineStr"><is><t>code</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>Erie</t></is></c><c r="B2"><v>12</v></c><c r="C2"><f>B2*2</f><v>24</v></c><c r="D2" s="1"><v>44316</v></c><c r="E2" t="inlineStr"><is><t>0164A</t></is></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>Huron</t></is></c><c r="B3"><v>3.5</v></c><c r="C3"><f>B3*2</f><v>7</v></c><c r="D3" s="1"><v>44317</v></c>{}</row>
</sheetData></worksheet>"#,
            if with_error { r#"<c r="E3" t="e"><v>#DIV/0!</v></c>"# } else { r#"<c r="E3" t="inlineStr"><is><t>0007</t></is></c>"# }
        )),
    ];
    for (name, body) in files {
        z.start_file(name, opts).unwrap();
        std::io::Write::write_all(&mut z, body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    f
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
