//! Text extraction in the background job and the page-level search: a word found on its page of a
//! real PDF, and damaged or hostile files giving a report on the document instead of a crash.

use std::io::Write;
use std::time::Duration;

use library::documents;
use library::extract::{self, Failure, Format, Limits};
use library::model::PageMethod;
use library::search::{PAGE, page_id, page_path};
use platform::search::SearchQuery;
use platform::{Lang, testing};

use crate::support::*;

fn find(platform: &platform::Platform, text: &str, lang: Lang) -> Vec<String> {
    platform
        .search
        .query(&SearchQuery {
            text: text.into(),
            lang,
            kinds: vec![PAGE.into()],
            limit: 50,
            ..Default::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[tokio::test]
async fn a_word_only_on_page_3_of_a_real_pdf_is_found_there() {
    let Some(pdf) = document_file("dq170529b-fra.pdf") else {
        return;
    };
    for t in testing::engines().await {
        let platform = platform_of(&t);
        let id = report_with_file(&platform, "dq170529b-fra.pdf", "fr", pdf.clone()).await;
        let pending = documents::find(&t.db, id).await.unwrap().unwrap();
        assert_eq!(pending.extraction, "pending", "{}", t.engine);
        run_jobs(&platform).await;
        let d = documents::find(&t.db, id).await.unwrap().unwrap();
        assert_eq!(d.extraction, "done", "{}: {}", t.engine, d.extraction_note);
        assert_eq!(d.page_count, 9, "{}", t.engine);
        let pages = documents::pages(&t.db, id).await.unwrap();
        assert!(pages[2].text.contains("curiosité"), "{}", t.engine);
        assert_eq!(pages[2].method(), PageMethod::Text);
        index(&t).await;
        // "curiosité" is on page 3 only; found with and without its accent.
        for word in ["curiosité", "curiosite"] {
            let hits = find(&platform, word, Lang::Fr);
            assert_eq!(hits, vec![page_id(id, 3)], "{}: {word}", t.engine);
            assert_eq!(page_path(&hits[0]), format!("/library/{id}#page-3"));
        }
        // The page the hit leads to has that anchor, with the text under it.
        let client = client(&t);
        let r = client.get(&format!("/fr/library/{id}")).await;
        assert_eq!(r.status, 200, "{}", t.engine);
        let at = r.body.find("id=\"page-3\"").expect("anchor of page 3");
        let next = r.body.find("id=\"page-4\"").expect("anchor of page 4");
        assert!(r.body[at..next].contains("curiosité"));
        // And the original is served as it was sent.
        let file = client
            .get(&format!("/api/v1/library/documents/{id}/file"))
            .await;
        assert_eq!(file.status, 200);
        assert_eq!(file.bytes.len(), pdf.len());
    }
}

#[tokio::test]
async fn a_truncated_pdf_gives_a_report_and_its_file_is_still_served() {
    let Some(pdf) = document_file("dq170529b-eng.pdf") else {
        return;
    };
    for t in testing::engines().await {
        let platform = platform_of(&t);
        let truncated = pdf[..60_000].to_vec();
        let id = report_with_file(&platform, "broken.pdf", "en", truncated.clone()).await;
        let garbage =
            report_with_file(&platform, "garbage.pdf", "en", b"not a PDF at all".to_vec()).await;
        run_jobs(&platform).await;
        for id in [id, garbage] {
            let d = documents::find(&t.db, id).await.unwrap().unwrap();
            assert_eq!(d.extraction, "failed", "{}", t.engine);
            assert_eq!(d.extraction_note, "library-extract-damaged");
            assert_eq!(d.page_count, 0);
        }
        let client = client(&t);
        let page = client.get(&format!("/en/library/{id}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("damaged, truncated"), "{}", page.body);
        let fr = client.get(&format!("/fr/library/{id}")).await;
        assert!(fr.body.contains("endommagé"));
        let file = client
            .get(&format!("/api/v1/library/documents/{id}/file"))
            .await;
        assert_eq!(file.status, 200);
        assert_eq!(file.bytes, truncated);
    }
}

/// A one-page PDF whose content stream inflates to `inflated` bytes of spaces.
fn flate_bomb(inflated: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(b"BT /F1 12 Tf 72 720 Td (Hello bomb) Tj ET\n")
        .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..inflated >> 20 {
        z.write_all(&spaces).unwrap();
    }
    let stream = z.finish().unwrap();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
    ];
    let mut content = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        stream.len()
    )
    .into_bytes();
    content.extend_from_slice(&stream);
    content.extend_from_slice(b"\nendstream");
    objects.push(content);
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[tokio::test]
async fn a_flate_bomb_is_read_in_a_limited_process_or_stopped_with_a_report() {
    let bomb = flate_bomb(256 << 20);
    // About a hundred times smaller than what it inflates to.
    assert!(bomb.len() < 4 << 20, "the bomb is small: {}", bomb.len());
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("bomb.pdf");
    std::fs::write(&path, &bomb).unwrap();
    // pdftotext streams the 256 MiB of content inside a 256 MiB address space.
    let roomy = Limits {
        memory: 256 << 20,
        ..Limits::default()
    };
    let read = extract::extract(&path, work.path(), Format::Pdf, &roomy)
        .await
        .expect("read within the limits");
    assert_eq!(read.pages.len(), 1);
    assert_eq!(read.pages[0].1, "Hello bomb");
    // With one CPU second, or half a second of wall clock, it is stopped and said so.
    let cpu = Limits {
        cpu_seconds: 1,
        ..Limits::default()
    };
    let wall = Limits {
        wall: Duration::from_millis(500),
        ..Limits::default()
    };
    let stopped = extract::extract(&path, work.path(), Format::Pdf, &cpu).await;
    assert!(
        matches!(stopped, Err(Failure::Limits | Failure::Timeout)),
        "{stopped:?}"
    );
    let late = extract::extract(&path, work.path(), Format::Pdf, &wall).await;
    assert_eq!(late.unwrap_err(), Failure::Timeout);

    // Through the job, on both engines: the bomb becomes a document with its one page.
    for t in testing::engines().await {
        let platform = platform_of(&t);
        let id = report_with_file(&platform, "bomb.pdf", "en", bomb.clone()).await;
        run_jobs(&platform).await;
        let d = documents::find(&t.db, id).await.unwrap().unwrap();
        assert!(
            d.extraction == "done"
                || d.extraction_note == "library-extract-limits"
                || d.extraction_note == "library-extract-timeout",
            "{}: {} {}",
            t.engine,
            d.extraction,
            d.extraction_note
        );
    }
}

#[tokio::test]
async fn text_and_html_files_are_read_without_scripts() {
    let work = tempfile::tempdir().unwrap();
    let html = work.path().join("page.html");
    std::fs::write(
        &html,
        "<!doctype html><html><head><script>steal()</script></head><body><main><h1>Conventions</h1><p>Salaires &amp; primes</p></main></body></html>",
    )
    .unwrap();
    let head = std::fs::read(&html).unwrap();
    let format = extract::format_of(&head, "page.html", "text/html");
    assert_eq!(format, Format::Html);
    let e = extract::extract(&html, work.path(), format, &Limits::default())
        .await
        .unwrap();
    assert_eq!(e.pages.len(), 1);
    assert!(e.pages[0].1.contains("Salaires & primes"));
    assert!(!e.pages[0].1.contains("steal"));

    let text = work.path().join("notes.txt");
    std::fs::write(&text, "first page\u{c}second page\u{c}").unwrap();
    let e = extract::extract(&text, work.path(), Format::Text, &Limits::default())
        .await
        .unwrap();
    assert_eq!(e.pages.len(), 2);
    assert_eq!(e.pages[1].1, "second page");

    let zip = work.path().join("archive.zip");
    std::fs::write(&zip, b"PK\x03\x04").unwrap();
    let format = extract::format_of(b"PK\x03\x04", "archive.zip", "application/zip");
    assert_eq!(
        extract::extract(&zip, work.path(), format, &Limits::default())
            .await
            .unwrap_err(),
        Failure::Unsupported
    );
}

/// A zip archive with these entries.
fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn word_and_opendocument_files_are_read_with_every_entry_capped() {
    let work = tempfile::tempdir().unwrap();
    let docx = archive(&[
        ("[Content_Types].xml", b"<Types/>"),
        (
            "word/document.xml",
            br#"<w:document><w:body><w:p><w:r><w:t>Wages and benefits</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/><w:t>Grievance procedure</w:t></w:r></w:p></w:body></w:document>"#,
        ),
    ]);
    let path = work.path().join("agreement.docx");
    std::fs::write(&path, &docx).unwrap();
    let format = extract::format_of(&docx, "agreement.docx", "application/octet-stream");
    assert_eq!(format, Format::Office);
    let e = extract::extract(&path, work.path(), format, &Limits::default())
        .await
        .unwrap();
    assert_eq!(e.pages.len(), 2);
    assert_eq!(e.pages[1].1, "Grievance procedure");

    let odt = archive(&[(
        "content.xml",
        "<office:document-content><office:body><office:text><text:p>Convention collective</text:p></office:text></office:body></office:document-content>".as_bytes(),
    )]);
    let path = work.path().join("convention.odt");
    std::fs::write(&path, &odt).unwrap();
    let e = extract::extract(&path, work.path(), Format::Office, &Limits::default())
        .await
        .unwrap();
    assert_eq!(e.pages[0].1, "Convention collective");

    // An entry that inflates past the cap is refused before it is read, whichever entry it is.
    let big = vec![b' '; 4 << 20];
    for bomb in [
        archive(&[
            ("word/document.xml", b"<w:document/>"),
            ("word/media/huge.xml", &big),
        ]),
        archive(&[("word/document.xml", &big)]),
    ] {
        assert!(bomb.len() < 64 << 10);
        let path = work.path().join("bomb.docx");
        std::fs::write(&path, &bomb).unwrap();
        let small = Limits {
            max_text: 1 << 20,
            ..Limits::default()
        };
        assert_eq!(
            extract::extract(&path, work.path(), Format::Office, &small)
                .await
                .unwrap_err(),
            Failure::Limits
        );
    }
}
