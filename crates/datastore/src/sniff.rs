//! What a file is before it is read: its format, its text encoding, its delimiter and quote.

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::{Decoder, Encoding, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

/// Formats the datastore loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Tsv,
    Xlsx,
    Ods,
    Jsonl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Jsonl => "jsonl",
        }
    }

    /// The format a resource's declared format or file name says, if the datastore loads it.
    pub fn from_label(label: &str) -> Option<Format> {
        let l = label.trim().trim_start_matches('.').to_ascii_lowercase();
        Some(match l.as_str() {
            "csv" | "text/csv" => Format::Csv,
            "tsv" | "tab" | "text/tab-separated-values" => Format::Tsv,
            "xlsx" | "xlsm" | "xls" => Format::Xlsx,
            "ods" => Format::Ods,
            "jsonl" | "ndjson" | "json lines" | "jsonlines" => Format::Jsonl,
            _ => return None,
        })
    }

    pub fn from_name(name: &str) -> Option<Format> {
        name.rsplit_once('.')
            .and_then(|(_, ext)| Format::from_label(ext))
    }
}

/// How the bytes of a text file are to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextEncoding {
    pub encoding: &'static Encoding,
    /// Bytes of byte-order mark to skip.
    pub bom: usize,
}

impl TextEncoding {
    /// The label shown in reports: `utf-8`, `utf-8 (BOM)`, `windows-1252` or `iso-8859-1`.
    pub fn label(&self, saw_c1: bool) -> String {
        if self.encoding == UTF_8 {
            if self.bom > 0 { "utf-8 (BOM)" } else { "utf-8" }.into()
        } else if self.encoding == WINDOWS_1252 && !saw_c1 {
            "iso-8859-1".into()
        } else {
            self.encoding.name().to_ascii_lowercase()
        }
    }
}

/// The first bytes of a file, for magic numbers and binary detection.
pub fn head(path: &Path, n: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    std::fs::File::open(path)?
        .take(n as u64)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// What the first bytes say the file is, whatever its name: a workbook (XLSX and ODS are zip
/// containers, old XLS an OLE file), or something that is not text at all.
#[derive(Debug, PartialEq, Eq)]
pub enum Magic {
    Workbook,
    Binary(&'static str),
    Text,
}

pub fn magic(head: &[u8]) -> Magic {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"\x89PNG", "PNG"),
        (b"\xff\xd8\xff", "JPEG"),
        (b"GIF8", "GIF"),
        (b"\x1f\x8b", "gzip"),
        (b"PAR1", "Parquet"),
        (b"\x7fELF", "executable"),
        (b"MZ", "executable"),
    ];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xd0\xcf\x11\xe0") {
        return Magic::Workbook;
    }
    for (sig, name) in SIGNATURES {
        if head.starts_with(sig) {
            return Magic::Binary(name);
        }
    }
    // UTF-16 text has NULs too; it is recognised by its BOM before this test.
    if !(head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff")) && head.contains(&0) {
        return Magic::Binary("binary");
    }
    Magic::Text
}

/// Reads the whole file once to decide its encoding: UTF-8 (with or without BOM) when every byte
/// sequence is valid UTF-8, UTF-16 by its BOM, otherwise Windows-1252 (of which Latin-1's
/// printable range is a subset). Also returns whether bytes 0x80–0x9F occur (Windows-1252's own
/// characters), which tells Windows-1252 from Latin-1 in the report.
pub fn detect_encoding(path: &Path) -> io::Result<(TextEncoding, bool)> {
    let mut r = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let start = r.fill_buf()?;
    if let Some((enc, bom)) = Encoding::for_bom(start) {
        return Ok((TextEncoding { encoding: enc, bom }, false));
    }
    let mut carry: Vec<u8> = Vec::new();
    let mut valid = true;
    let mut saw_c1 = false;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        if !saw_c1 {
            saw_c1 = buf.iter().any(|b| (0x80..=0x9f).contains(b));
        }
        if valid {
            // Only a sequence cut at the end of a buffer is carried over, not the buffer.
            let tail = if carry.is_empty() {
                utf8_tail(buf).map(|t| t.to_vec())
            } else {
                carry.extend_from_slice(buf);
                utf8_tail(&carry).map(|t| t.to_vec())
            };
            match tail {
                Some(t) => carry = t,
                None => valid = false,
            }
        }
        r.consume(n);
    }
    if valid && carry.is_empty() {
        Ok((
            TextEncoding {
                encoding: UTF_8,
                bom: 0,
            },
            saw_c1,
        ))
    } else {
        Ok((
            TextEncoding {
                encoding: WINDOWS_1252,
                bom: 0,
            },
            saw_c1,
        ))
    }
}

/// The incomplete sequence that ends otherwise valid UTF-8 (empty when it ends cleanly); `None`
/// when the bytes are not UTF-8.
fn utf8_tail(bytes: &[u8]) -> Option<&[u8]> {
    match std::str::from_utf8(bytes) {
        Ok(_) => Some(&[]),
        Err(e) if e.error_len().is_none() => Some(&bytes[e.valid_up_to()..]),
        Err(_) => None,
    }
}

/// Decodes any supported encoding to UTF-8 as it is read.
pub struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    raw_len: usize,
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> DecodingReader<R> {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            raw: vec![0; 1 << 16],
            raw_len: 0,
            out: vec![0; (1 << 17) + 16],
            out_pos: 0,
            out_len: 0,
            eof: false,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out_len {
            if self.eof && self.raw_len == 0 {
                return Ok(0);
            }
            if !self.eof && self.raw_len < self.raw.len() {
                let n = self.inner.read(&mut self.raw[self.raw_len..])?;
                if n == 0 {
                    self.eof = true;
                }
                self.raw_len += n;
            }
            let (_, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[..self.raw_len], &mut self.out, self.eof);
            self.raw.copy_within(read..self.raw_len, 0);
            self.raw_len -= read;
            self.out_pos = 0;
            self.out_len = written;
            if self.eof && read == 0 && written == 0 {
                self.raw_len = 0;
            }
        }
        let n = buf.len().min(self.out_len - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// Counts the bytes read (for progress) and stops a reader that has gone too far without the
/// caller resetting the record counter: one record cannot take unbounded memory, whether a
/// 1 GB line or a quote that never closes.
pub struct Guarded<R> {
    inner: R,
    pub total: Arc<AtomicU64>,
    pub since_record: Arc<AtomicU64>,
    limit: u64,
}

impl<R> Guarded<R> {
    /// `total` counts every byte read, shared with whoever reports progress.
    pub fn new(inner: R, limit: u64, total: Arc<AtomicU64>) -> Guarded<R> {
        Guarded {
            inner,
            total,
            since_record: Arc::default(),
            limit,
        }
    }
}

/// The error a [`Guarded`] reader returns when one record grows past its limit.
#[derive(Debug)]
pub struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record too long")
    }
}

impl std::error::Error for RecordTooLong {}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.since_record.load(Ordering::Relaxed) > self.limit {
            return Err(io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        self.total.fetch_add(n as u64, Ordering::Relaxed);
        self.since_record.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The delimiter and quote that give the most rows of one consistent width in a sample.
pub fn sniff_dialect(sample: &[u8], default_delimiter: u8) -> (u8, u8) {
    let mut best = (default_delimiter, b'"');
    let mut best_score = score(sample, default_delimiter, b'"');
    for delimiter in [b',', b';', b'\t', b'|'] {
        for quote in [b'"', b'\''] {
            let s = score(sample, delimiter, quote);
            if s > best_score {
                best = (delimiter, quote);
                best_score = s;
            }
        }
    }
    best
}

/// Rows whose width equals the header's, weighted by that width; zero for one-column readings.
fn score(sample: &[u8], delimiter: u8, quote: u8) -> u64 {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quote(quote)
        .from_reader(sample);
    let mut width = None;
    let mut consistent = 0u64;
    let mut rows = 0u64;
    let mut record = csv::ByteRecord::new();
    // The last row of a sample may be cut off; it is not counted.
    let mut previous_consistent = false;
    while rows < 200 {
        match r.read_byte_record(&mut record) {
            Ok(true) => {}
            _ => break,
        }
        rows += 1;
        let w = record.len();
        let head = *width.get_or_insert(w);
        previous_consistent = w == head;
        if previous_consistent {
            consistent += 1;
        }
    }
    let width = width.unwrap_or(0) as u64;
    if width < 2 {
        return 0;
    }
    if previous_consistent && rows > 1 {
        consistent -= 1;
    }
    // A quote character that never appears adds nothing: prefer `"` on ties.
    let quote_bonus = u64::from(quote == b'"');
    (consistent * 4 + quote_bonus) * 1000 + width.min(999)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects() {
        assert_eq!(sniff_dialect(b"a,b,c\n1,2,3\n4,5,6\n", b','), (b',', b'"'));
        assert_eq!(
            sniff_dialect(b"a;b;c\n1,5;2;3\n4;5,2;6\n", b','),
            (b';', b'"')
        );
        assert_eq!(sniff_dialect(b"a\tb\n1\t2\n", b','), (b'\t', b'"'));
        assert_eq!(
            sniff_dialect(b"a,b\n'x,y',2\n'z,w',3\n", b','),
            (b',', b'\'')
        );
        assert_eq!(
            sniff_dialect(b"just one column\nvalue\n", b','),
            (b',', b'"')
        );
    }

    #[test]
    fn magic_numbers() {
        assert_eq!(magic(b"%PDF-1.7"), Magic::Binary("PDF"));
        assert_eq!(magic(b"PK\x03\x04rest"), Magic::Workbook);
        assert_eq!(magic(b"a,b\x00c"), Magic::Binary("binary"));
        assert_eq!(magic(b"a,b\n1,2\n"), Magic::Text);
    }

    #[test]
    fn decodes_windows_1252() {
        let bytes = b"caf\xe9,\x80 5\n".to_vec();
        let mut out = String::new();
        DecodingReader::new(&bytes[..], WINDOWS_1252)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "café,€ 5\n");
    }

    #[test]
    fn guard_stops_a_runaway_record() {
        let data = vec![b'x'; 10_000];
        let mut g = Guarded::new(&data[..], 100, Arc::default());
        let mut buf = [0u8; 64];
        let mut err = None;
        for _ in 0..1000 {
            match g.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        assert!(err.is_some());
    }
}
