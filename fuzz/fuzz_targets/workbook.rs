//! XLSX and ODS workbooks as the datastore reads them. The input is the sheet's XML (and the
//! shared strings), wrapped in a zip here so that the fuzzer works on what the parsers read; or,
//! for one input in three, the file's bytes as they are. Any workbook gives rows or a problem
//! for the person who loaded it, never a panic, and rows are at least as wide as the header.
#![no_main]

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use datastore::ingest::MAX_COLUMNS;
use datastore::sniff::Format;
use datastore::source::{ReadError, Records};
use libfuzzer_sys::fuzz_target;

const XLSX_PARTS: [(&str, &str); 4] = [
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    ),
];

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="46" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in parts {
        z.start_file(*name, opts).expect("zip part");
        z.write_all(body).expect("zip write");
    }
    z.finish().expect("zip").into_inner()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let (first, second) = match body.iter().position(|b| *b == 0) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, &[][..]),
    };
    let file = match mode % 3 {
        0 => {
            let mut parts: Vec<(&str, &[u8])> =
                XLSX_PARTS.iter().map(|(n, b)| (*n, b.as_bytes())).collect();
            parts.push(("xl/styles.xml", STYLES.as_bytes()));
            parts.push(("xl/worksheets/sheet1.xml", first));
            if !second.is_empty() {
                parts.push(("xl/sharedStrings.xml", second));
            }
            zipped(&parts)
        }
        1 => zipped(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", ODS_MANIFEST.as_bytes()),
            ("content.xml", first),
        ]),
        _ => body.to_vec(),
    };
    let path =
        std::env::temp_dir().join(format!("agora-fuzz-workbook-{}.xlsx", std::process::id()));
    std::fs::write(&path, &file).expect("temporary file");
    let bytes = Arc::new(AtomicU64::new(0));
    let mut records = match Records::open(&path, Format::Xlsx, None, &bytes, 1 << 20) {
        Ok(r) => r,
        Err(ReadError::Data(_)) => return,
        Err(ReadError::Io(e)) => panic!("a workbook's problem is told as a failure to read: {e}"),
    };
    let mut record = csv::StringRecord::new();
    let mut header_width = None;
    // A sheet may declare a million blank rows; a few thousand show the shape.
    for _ in 0..5_000 {
        match records.next(&mut record) {
            Ok(true) => {
                let width = *header_width.get_or_insert(record.len());
                assert!(record.len() >= width, "a row narrower than the header");
                assert!(record.len() <= MAX_COLUMNS);
            }
            Ok(false) => break,
            Err(ReadError::Data(_)) => break,
            Err(ReadError::Io(e)) => {
                panic!("a workbook's problem is told as a failure to read: {e}")
            }
        }
    }
});
