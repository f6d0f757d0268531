//! Text extraction, page by page, in the background job `library.extract`.
//!
//! Parsing a PDF is the riskiest thing the library does with a file someone sent: parsers crash,
//! loop, and inflate compressed streams without bound. So no PDF is parsed in this process.
//! Each step runs another program (poppler's `pdftotext` and `pdftoppm`, `tesseract`) in a child
//! process with limits set before it starts (`setrlimit`: address space, CPU seconds, file size,
//! no core dump), its output read up to a cap, and killed when it outlives a wall-clock limit.
//! A child that fails, is stopped by a limit or crashes gives a failure noted on the document;
//! the worker and the server go on, and the original file is still served.
//!
//! Plain text and HTML are read here, from at most `max_text` bytes, with no parser that could
//! inflate them; DOCX and ODT too (`office`), with a cap on every zip entry's uncompressed size.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use futures::StreamExt;
use platform::jobs::{self, EnqueueOptions, JobContext, Registry};
use platform::{Actor, Result, Tx};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::documents;
use crate::model::PageMethod;

/// The job kind that extracts a document version's text.
pub const JOB_KIND: &str = "library.extract";

pub const PDFTOTEXT: &str = "/usr/bin/pdftotext";
pub const PDFTOPPM: &str = "/usr/bin/pdftoppm";
pub const TESSERACT: &str = "/usr/bin/tesseract";

#[derive(Serialize, Deserialize)]
struct Payload {
    document_id: Uuid,
    version: i64,
}

pub fn register(registry: &mut Registry) {
    registry.register(JOB_KIND, run);
}

/// Queues the extraction of `version` of a document, in the caller's transaction.
pub async fn enqueue(tx: &mut Tx, actor: &Actor, document_id: Uuid, version: i64) -> Result<()> {
    jobs::enqueue(
        tx,
        actor,
        JOB_KIND,
        serde_json::to_value(Payload {
            document_id,
            version,
        })
        .map_err(platform::Error::internal)?,
        EnqueueOptions {
            max_attempts: Some(2),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// What one extraction may use.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Address space of each child process, in bytes.
    pub memory: u64,
    /// CPU seconds of each child process.
    pub cpu_seconds: u64,
    /// Wall-clock time of each child process.
    pub wall: Duration,
    /// Bytes of text read from a child, or from a text or HTML file.
    pub max_text: usize,
    /// Pages kept.
    pub max_pages: usize,
    /// Pages without text that are read by OCR; the others stay "scanned, no text".
    pub ocr_pages: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory: 1 << 30,
            cpu_seconds: 60,
            wall: Duration::from_secs(90),
            max_text: 64 << 20,
            max_pages: 5000,
            ocr_pages: 20,
        }
    }
}

/// Why a file gave no text. Each is a message key shown on the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The reader refused the file: damaged, truncated, encrypted, or not what it says.
    Damaged,
    /// The reader was stopped by a memory or CPU limit, or crashed.
    Limits,
    /// The reader took longer than allowed.
    Timeout,
    /// A format the library does not read.
    Unsupported,
    /// The file is missing from the store.
    Missing,
}

impl Failure {
    pub fn key(self) -> &'static str {
        match self {
            Failure::Damaged => "library-extract-damaged",
            Failure::Limits => "library-extract-limits",
            Failure::Timeout => "library-extract-timeout",
            Failure::Unsupported => "library-extract-unsupported",
            Failure::Missing => "library-extract-missing",
        }
    }
}

/// The text of a file, one entry per page, and a note (a message key, or empty).
#[derive(Clone, Debug, Default)]
pub struct Extracted {
    pub pages: Vec<(PageMethod, String)>,
    pub note: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Text,
    Html,
    /// Word (DOCX) or OpenDocument text (ODT).
    Office,
    Unknown,
}

/// The format of a file, from its first bytes, then its name and media type.
pub fn format_of(head: &[u8], name: &str, media_type: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    if head.starts_with(b"%PDF-") {
        Format::Pdf
    } else if head.starts_with(b"PK\x03\x04")
        && (lower.ends_with(".docx")
            || lower.ends_with(".odt")
            || media_type.contains("wordprocessingml")
            || media_type.contains("opendocument.text"))
    {
        Format::Office
    } else if lower.ends_with(".pdf") || media_type == "application/pdf" {
        // Named a PDF but without its signature: poppler still gets to say it is damaged.
        Format::Pdf
    } else if lower.ends_with(".html")
        || lower.ends_with(".htm")
        || media_type.starts_with("text/html")
        || text.trim_start().starts_with("<!doctype html")
        || text.trim_start().starts_with("<html")
    {
        Format::Html
    } else if lower.ends_with(".txt") || lower.ends_with(".md") || media_type.starts_with("text/") {
        Format::Text
    } else {
        Format::Unknown
    }
}

/// Extracts the text of the file at `path`, in `work` (an empty folder the children may write in).
pub async fn extract(
    path: &Path,
    work: &Path,
    format: Format,
    limits: &Limits,
) -> std::result::Result<Extracted, Failure> {
    match format {
        Format::Pdf => pdf(path, work, limits).await,
        Format::Text | Format::Html => {
            let mut file = tokio::fs::File::open(path)
                .await
                .map_err(|_| Failure::Missing)?;
            let mut bytes = Vec::new();
            (&mut file)
                .take(limits.max_text as u64 + 1)
                .read_to_end(&mut bytes)
                .await
                .map_err(|_| Failure::Damaged)?;
            let truncated = bytes.len() > limits.max_text;
            bytes.truncate(limits.max_text);
            let text = String::from_utf8_lossy(&bytes);
            let text = if format == Format::Html {
                html_text(&text)
            } else {
                text.into_owned()
            };
            let mut out = split_text(&text, limits);
            if truncated {
                out.note = "library-extract-truncated";
            }
            Ok(out)
        }
        Format::Office => {
            let (path, limits) = (path.to_path_buf(), limits.clone());
            tokio::task::spawn_blocking(move || crate::office::extract(&path, &limits))
                .await
                .map_err(|_| Failure::Limits)?
        }
        Format::Unknown => Err(Failure::Unsupported),
    }
}

/// Splits text at form feeds (the page breaks `pdftotext` writes), tidying each page.
pub(crate) fn split_text(text: &str, limits: &Limits) -> Extracted {
    let mut parts: Vec<&str> = text.split('\u{c}').collect();
    // Text ends with a form feed after its last page.
    if parts.len() > 1 && parts.last().is_some_and(|p| p.trim().is_empty()) {
        parts.pop();
    }
    let mut note = "";
    if parts.len() > limits.max_pages {
        parts.truncate(limits.max_pages);
        note = "library-extract-truncated";
    }
    let pages = parts
        .into_iter()
        .map(|p| {
            let tidy = tidy(p);
            if tidy.is_empty() {
                (PageMethod::Scanned, tidy)
            } else {
                (PageMethod::Text, tidy)
            }
        })
        .collect();
    Extracted { pages, note }
}

/// Trailing spaces and runs of blank lines removed; runs of spaces inside a line made one.
fn tidy(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut blank = 0;
    for line in page.lines() {
        let mut l = String::with_capacity(line.len());
        let mut space = false;
        for ch in line.trim().chars() {
            if ch.is_whitespace() {
                if !space {
                    l.push(' ');
                }
                space = true;
            } else if !ch.is_control() {
                l.push(ch);
                space = false;
            }
        }
        if l.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&l);
    }
    out
}

/// The text of an HTML page: no tags, no scripts or styles, the common entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let rest = &lower[i..];
            let skip_to = ["script", "style", "noscript", "template"]
                .iter()
                .find(|t| rest[1..].starts_with(*t))
                .map(|t| format!("</{t}"));
            let end = match skip_to {
                Some(close) => rest.find(&close).map(|e| i + e + close.len()),
                None => None,
            };
            let from = end.unwrap_or(i);
            match html[from..].find('>') {
                Some(e) => {
                    let tag = &lower[i..from + e];
                    if [
                        "<p", "<br", "<div", "<li", "<h", "<tr", "</p", "</div", "</li", "</h",
                        "</tr",
                    ]
                    .iter()
                    .any(|t| tag.starts_with(t))
                    {
                        out.push('\n');
                    } else {
                        out.push(' ');
                    }
                    i = from + e + 1;
                }
                None => break,
            }
        } else {
            let next = html[i..].find('<').map(|n| i + n).unwrap_or(html.len());
            out.push_str(&decode_entities(&html[i..next]));
            i = next;
        }
    }
    out
}

pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            ch.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `pdftotext` gives every page at once, split at form feeds: it streams each page's content and
/// keeps little in memory. Pages with no text are then rendered with `pdftoppm` and read by
/// `tesseract` in French and English, each page in its own limited processes.
async fn pdf(path: &Path, work: &Path, limits: &Limits) -> std::result::Result<Extracted, Failure> {
    let (status, out) = run_limited(
        PDFTOTEXT,
        &[
            "-enc".into(),
            "UTF-8".into(),
            "-q".into(),
            path.display().to_string(),
            "-".into(),
        ],
        work,
        limits,
    )
    .await?;
    if !status.success() {
        return Err(if status.signal().is_some() {
            Failure::Limits
        } else {
            Failure::Damaged
        });
    }
    let truncated = out.len() >= limits.max_text;
    let mut extracted = split_text(&String::from_utf8_lossy(&out), limits);
    if truncated {
        extracted.note = "library-extract-truncated";
    }
    let mut ocr_left = limits.ocr_pages;
    let mut scanned = false;
    for (i, (method, text)) in extracted.pages.iter_mut().enumerate() {
        if *method != PageMethod::Scanned {
            continue;
        }
        if ocr_left == 0 {
            scanned = true;
            continue;
        }
        ocr_left -= 1;
        match ocr_page(path, work, i + 1, limits).await {
            Some(t) if !t.is_empty() => {
                *method = PageMethod::Ocr;
                *text = t;
            }
            _ => scanned = true,
        }
    }
    if scanned && extracted.note.is_empty() {
        extracted.note = "library-extract-scanned";
    }
    Ok(extracted)
}

async fn ocr_page(pdf: &Path, work: &Path, page: usize, limits: &Limits) -> Option<String> {
    let prefix = work.join(format!("page-{page}"));
    let n = page.to_string();
    // At most 2,500 pixels on the longer side, so a page of any declared size stays small.
    let (status, _) = run_limited(
        PDFTOPPM,
        &[
            "-f".into(),
            n.clone(),
            "-l".into(),
            n,
            "-r".into(),
            "200".into(),
            "-scale-to".into(),
            "2500".into(),
            "-gray".into(),
            "-png".into(),
            "-singlefile".into(),
            pdf.display().to_string(),
            prefix.display().to_string(),
        ],
        work,
        limits,
    )
    .await
    .ok()?;
    let image: PathBuf = prefix.with_extension("png");
    if !status.success() {
        return None;
    }
    let result = run_limited(
        TESSERACT,
        &[
            image.display().to_string(),
            "stdout".into(),
            "-l".into(),
            "fra+eng".into(),
        ],
        work,
        limits,
    )
    .await;
    let _ = tokio::fs::remove_file(&image).await;
    let (status, out) = result.ok()?;
    status
        .success()
        .then(|| tidy(&String::from_utf8_lossy(&out)))
}

/// Runs `program` with `args` in `work`, under the limits, and returns its status and what it
/// wrote (up to `max_text` bytes; past that the child is stopped and the start kept).
pub async fn run_limited(
    program: &str,
    args: &[String],
    work: &Path,
    limits: &Limits,
) -> std::result::Result<(std::process::ExitStatus, Vec<u8>), Failure> {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .current_dir(work)
        .env_clear()
        .env("OMP_THREAD_LIMIT", "1")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let (memory, cpu) = (limits.memory, limits.cpu_seconds);
    // SAFETY: the closure runs in the child between fork and exec and calls only setrlimit,
    // which is async-signal-safe; it allocates nothing.
    unsafe {
        command.pre_exec(move || {
            let set = |resource, value: u64| {
                let limit = libc::rlimit {
                    rlim_cur: value as libc::rlim_t,
                    rlim_max: value as libc::rlim_t,
                };
                if libc::setrlimit(resource, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            };
            set(libc::RLIMIT_AS, memory)?;
            // The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL.
            let cpu_limit = libc::rlimit {
                rlim_cur: cpu as libc::rlim_t,
                rlim_max: (cpu + 1) as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_CPU, &cpu_limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            set(libc::RLIMIT_FSIZE, 256 << 20)?;
            set(libc::RLIMIT_CORE, 0)?;
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| {
        tracing::error!(error = %e, program, "cannot start the extraction program");
        Failure::Unsupported
    })?;
    let mut stdout = child.stdout.take().ok_or(Failure::Damaged)?;
    let max = limits.max_text;
    let run = async {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = stdout.read(&mut buf).await.map_err(|_| Failure::Damaged)?;
            if n == 0 {
                break;
            }
            let room = max.saturating_sub(out.len());
            out.extend_from_slice(&buf[..n.min(room)]);
            if out.len() >= max {
                let _ = child.start_kill();
                let _ = child.wait().await;
                return Ok((std::process::ExitStatus::from_raw(0), out));
            }
        }
        let status = child.wait().await.map_err(|_| Failure::Damaged)?;
        Ok((status, out))
    };
    match tokio::time::timeout(limits.wall, run).await {
        Ok(result) => result,
        // Dropping the future drops the child, which kills it (`kill_on_drop`).
        Err(_) => Err(Failure::Timeout),
    }
}

/// The job: copies the file out of the store into a private folder, extracts it, and records the
/// pages or the failure on the document.
async fn run(ctx: JobContext) -> anyhow::Result<()> {
    let p: Payload = ctx.payload_as()?;
    let platform = ctx.platform().clone();
    let Some(doc) = documents::find(&platform.db, p.document_id).await? else {
        return Ok(());
    };
    if doc.version != p.version {
        return Ok(());
    }
    let Some(key) = doc.file_key.clone() else {
        return Ok(());
    };
    let work = tempfile::tempdir()?;
    let path = work.path().join("input");
    let outcome = match copy_out(&platform, &key, &path).await {
        Ok(head) => {
            let format = format_of(&head, &doc.file_name, &doc.file_type);
            extract(&path, work.path(), format, &Limits::default()).await
        }
        Err(_) => Err(Failure::Missing),
    };
    let (pages, note) = match outcome {
        Ok(e) => (Ok(e.pages), e.note),
        Err(f) => {
            tracing::warn!(document = %doc.id, reason = f.key(), "no text extracted");
            (Err(f.key().to_string()), "")
        }
    };
    platform
        .db
        .write(async |tx| {
            documents::record_extraction(tx, doc.id, p.version, pages.clone(), note).await
        })
        .await?;
    Ok(())
}

/// Writes the stored file to `path`; returns its first bytes, for sniffing its format.
async fn copy_out(
    platform: &platform::Platform,
    key: &str,
    path: &Path,
) -> anyhow::Result<Vec<u8>> {
    let (_, mut stream) = platform.files.get_stream(key).await?;
    let mut file = tokio::fs::File::create(path).await?;
    let mut head = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if head.len() < 1024 {
            head.extend_from_slice(&chunk[..chunk.len().min(1024 - head.len())]);
        }
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_loses_tags_scripts_and_entities() {
        let t = html_text(
            "<html><head><style>p{}</style><script>alert('x<y')</script></head><body><p>Caf&eacute; &amp; th&#233;</p><p>2 &lt; 3</p></body></html>",
        );
        assert!(!t.contains("alert"));
        assert!(t.contains("& thé"));
        assert!(t.contains("2 < 3"));
    }

    #[test]
    fn pages_split_at_form_feeds() {
        let e = split_text(
            "one\n\n\n  two  words\u{c}\u{c}three\u{c}",
            &Limits::default(),
        );
        assert_eq!(e.pages.len(), 3);
        assert_eq!(e.pages[0].1, "one\n\ntwo words");
        assert_eq!(e.pages[1].0, PageMethod::Scanned);
        assert_eq!(e.pages[2].1, "three");
    }
}
