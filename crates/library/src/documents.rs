//! Documents: their description and typed metadata, checked field by field; creating, editing and
//! withdrawing them (audited); their files, each new file a version; and their pages' text.

use platform::db::{Actor, Audited, BindBilingual, Conn, OnViolation, Tx, now};
use platform::{Error, FieldError, Msg, Result, exec, on, sql};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;
use uuid::Uuid;

use crate::model::{Access, DocLang, Document, Extraction, Kind, Page, Version};

/// A document as written by staff, the API or an import. The typed metadata is an object whose
/// keys must belong to the document's type (`Kind::fields`); each value is checked for its type
/// and refused with its field's name.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DocumentInput {
    /// `collective_agreement`, `mandate_letter`, `response_letter`, `report` or `other`.
    pub kind: String,
    pub organization_id: Option<Uuid>,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub title_fr: String,
    #[serde(default)]
    pub summary_en: String,
    #[serde(default)]
    pub summary_fr: String,
    /// `en`, `fr` or `both`.
    #[serde(default)]
    pub language: String,
    /// `public` or `restricted` (then with a reason).
    #[serde(default)]
    pub access: String,
    #[serde(default)]
    pub restricted_reason: String,
    /// Where the document was first published (http or https).
    #[serde(default)]
    pub source_url: String,
    /// Collective agreement: `employer`, `union_name`, `sector`, `location` (text),
    /// `starts_on`, `expires_on` (YYYY-MM-DD), `employees_covered` (whole number). Mandate and
    /// response letters: `minister`, `ministry` (text), `letter_on` (YYYY-MM-DD), `pair_id` (the
    /// id of the other letter).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
}

/// The typed metadata once checked.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Meta {
    pub employer: String,
    pub union_name: String,
    pub sector: String,
    pub location: String,
    pub starts_on: Option<Date>,
    pub expires_on: Option<Date>,
    pub employees_covered: Option<i64>,
    pub minister: String,
    pub ministry: String,
    pub letter_on: Option<Date>,
    pub pair_id: Option<Uuid>,
}

/// A checked input, ready to be written.
#[derive(Clone, Debug, Serialize)]
pub struct Valid {
    pub kind: Kind,
    pub organization_id: Option<Uuid>,
    pub title_en: String,
    pub title_fr: String,
    pub summary_en: String,
    pub summary_fr: String,
    pub language: DocLang,
    pub access: Access,
    pub restricted_reason: String,
    pub source_url: String,
    pub meta: Meta,
}

const TEXT_MAX: usize = 300;
const SUMMARY_MAX: usize = 10_000;

fn check_text(e: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        e.push(FieldError::with(
            field,
            Msg::new("error-too-long").arg("max", max),
        ));
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        e.push(FieldError::new(field, "library-error-control"));
    }
    value.replace("\r\n", "\n")
}

fn meta_text(e: &mut Vec<FieldError>, field: &str, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => check_text(e, field, s, TEXT_MAX),
        _ => {
            e.push(FieldError::new(field, "library-error-not-text"));
            String::new()
        }
    }
}

fn meta_date(e: &mut Vec<FieldError>, field: &str, v: &Value) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => match Date::parse(s.trim(), format) {
            Ok(d) => Some(d),
            Err(_) => {
                e.push(FieldError::new(field, "library-error-date"));
                None
            }
        },
        _ => {
            e.push(FieldError::new(field, "library-error-date"));
            None
        }
    }
}

fn meta_count(e: &mut Vec<FieldError>, field: &str, v: &Value) -> Option<i64> {
    let n = match v {
        Value::Null => return None,
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => s
            .trim()
            .replace([',', ' ', '\u{a0}'], "")
            .parse::<i64>()
            .ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    match n {
        Some(n) if (0..=10_000_000).contains(&n) => Some(n),
        Some(_) => {
            e.push(FieldError::with(
                field,
                Msg::new("error-out-of-range")
                    .arg("min", 0)
                    .arg("max", 10_000_000),
            ));
            None
        }
        None => {
            e.push(FieldError::new(field, "error-not-a-number"));
            None
        }
    }
}

fn meta_id(e: &mut Vec<FieldError>, field: &str, v: &Value) -> Option<Uuid> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => match Uuid::parse_str(s.trim()) {
            Ok(id) => Some(id),
            Err(_) => {
                e.push(FieldError::new(field, "library-error-no-document"));
                None
            }
        },
        _ => {
            e.push(FieldError::new(field, "library-error-no-document"));
            None
        }
    }
}

/// Checks every field, and returns all the errors at once.
pub fn validate(input: &DocumentInput) -> std::result::Result<Valid, Vec<FieldError>> {
    let mut e = Vec::new();
    let kind = Kind::parse(input.kind.trim());
    if kind.is_none() {
        e.push(FieldError::new("kind", "error-not-in-list"));
    }
    let title_en = check_text(&mut e, "title_en", &input.title_en, TEXT_MAX);
    let title_fr = check_text(&mut e, "title_fr", &input.title_fr, TEXT_MAX);
    if title_en.is_empty() && title_fr.is_empty() {
        e.push(FieldError::new("title_en", "library-error-title"));
    }
    let summary_en = check_text(&mut e, "summary_en", &input.summary_en, SUMMARY_MAX);
    let summary_fr = check_text(&mut e, "summary_fr", &input.summary_fr, SUMMARY_MAX);
    let language = match input.language.trim() {
        "" => Some(DocLang::En),
        l => DocLang::parse(l),
    };
    if language.is_none() {
        e.push(FieldError::new("language", "error-not-in-list"));
    }
    let access = match input.access.trim() {
        "" => Some(Access::Public),
        a => Access::parse(a),
    };
    if access.is_none() {
        e.push(FieldError::new("access", "error-not-in-list"));
    }
    let restricted_reason = check_text(&mut e, "restricted_reason", &input.restricted_reason, 1000);
    if access == Some(Access::Restricted) && restricted_reason.is_empty() {
        e.push(FieldError::new("restricted_reason", "library-error-reason"));
    }
    let source_url = input.source_url.trim().to_string();
    if !source_url.is_empty()
        && (source_url.chars().count() > 2000
            || !url::Url::parse(&source_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")))
    {
        e.push(FieldError::new("source_url", "library-error-url"));
    }

    let mut meta = Meta::default();
    let allowed = kind.map(Kind::fields).unwrap_or(&[]);
    for (key, value) in &input.metadata {
        if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        if !crate::model::TYPED_FIELDS.contains(&key.as_str()) {
            e.push(FieldError::new(key.clone(), "library-error-unknown-field"));
            continue;
        }
        if kind.is_some() && !allowed.contains(&key.as_str()) {
            e.push(FieldError::new(key.clone(), "library-error-not-for-kind"));
            continue;
        }
        let f = key.as_str();
        match f {
            "employer" => meta.employer = meta_text(&mut e, f, value),
            "union_name" => meta.union_name = meta_text(&mut e, f, value),
            "sector" => meta.sector = meta_text(&mut e, f, value),
            "location" => meta.location = meta_text(&mut e, f, value),
            "minister" => meta.minister = meta_text(&mut e, f, value),
            "ministry" => meta.ministry = meta_text(&mut e, f, value),
            "starts_on" => meta.starts_on = meta_date(&mut e, f, value),
            "expires_on" => meta.expires_on = meta_date(&mut e, f, value),
            "letter_on" => meta.letter_on = meta_date(&mut e, f, value),
            "employees_covered" => meta.employees_covered = meta_count(&mut e, f, value),
            "pair_id" => meta.pair_id = meta_id(&mut e, f, value),
            _ => {}
        }
    }
    if let (Some(s), Some(x)) = (meta.starts_on, meta.expires_on)
        && x < s
    {
        e.push(FieldError::new("expires_on", "library-error-dates"));
    }
    match kind {
        Some(Kind::CollectiveAgreement) => {
            for (f, v) in [
                ("employer", &meta.employer),
                ("union_name", &meta.union_name),
            ] {
                if v.is_empty() && !e.iter().any(|x| x.field == f) {
                    e.push(FieldError::new(f, "error-required"));
                }
            }
        }
        Some(Kind::MandateLetter | Kind::ResponseLetter)
            if meta.minister.is_empty() && !e.iter().any(|x| x.field == "minister") =>
        {
            e.push(FieldError::new("minister", "error-required"));
        }
        _ => {}
    }
    match (kind, language, access) {
        (Some(kind), Some(language), Some(access)) if e.is_empty() => Ok(Valid {
            kind,
            organization_id: input.organization_id,
            title_en,
            title_fr,
            summary_en,
            summary_fr,
            language,
            access,
            restricted_reason: if access == Access::Restricted {
                restricted_reason
            } else {
                String::new()
            },
            source_url,
            meta,
        }),
        _ => Err(e),
    }
}

/// How the audit log names a document and its actions (`library.document.create`, …).
const DOCUMENT: Audited = Audited::new("library.document", "library_document");

pub const COLUMNS: &str = "id, kind, organization_id, title_en, title_fr, summary_en, summary_fr, language, access, \
    restricted_reason, employer, union_name, sector, location, starts_on, expires_on, employees_covered, minister, ministry, \
    letter_on, pair_id, source_url, source, external_id, version, file_key, file_name, file_type, file_size, file_sha256, \
    extraction, extraction_note, page_count, withdrawn_reason, withdrawn_at, created_at, updated_at";

/// Where an imported document comes from, with its id there: importing again updates it.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub source: String,
    pub external_id: Option<String>,
}

/// Announces a document and its pages to the search index.
pub(crate) async fn announce(tx: &mut Tx, id: Uuid, pages: i64) -> Result<()> {
    tx.changed(crate::search::DOCUMENT, &id.to_string()).await?;
    for n in 1..=pages {
        tx.changed(crate::search::PAGE, &crate::search::page_id(id, n))
            .await?;
    }
    Ok(())
}

async fn check_pair(tx: &mut Tx, v: &Valid, own: Option<Uuid>) -> Result<()> {
    if let Some(pair) = v.meta.pair_id
        && (Some(pair) == own || find(&mut *tx, pair).await?.is_none())
    {
        return Err(Error::field("pair_id", "library-error-no-document"));
    }
    Ok(())
}

pub async fn create(
    tx: &mut Tx,
    actor: &Actor,
    input: &DocumentInput,
    origin: &Origin,
) -> Result<Uuid> {
    let v = validate(input).map_err(Error::Validation)?;
    check_pair(tx, &v, None).await?;
    let id = Uuid::now_v7();
    let at = now();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO library_documents (id, kind, organization_id, title_en, title_fr, summary_en, summary_fr, language, access, \
             restricted_reason, employer, union_name, sector, location, starts_on, expires_on, employees_covered, minister, ministry, \
             letter_on, pair_id, source_url, source, external_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25)",
        )
        .bind(id)
        .bind(v.kind.as_str())
        .bind(v.organization_id)
        .bind_bilingual((v.title_en.as_str(), v.title_fr.as_str()))
        .bind_bilingual((v.summary_en.as_str(), v.summary_fr.as_str()))
        .bind(v.language.as_str())
        .bind(v.access.as_str())
        .bind(&v.restricted_reason)
        .bind(&v.meta.employer)
        .bind(&v.meta.union_name)
        .bind(&v.meta.sector)
        .bind(&v.meta.location)
        .bind(v.meta.starts_on)
        .bind(v.meta.expires_on)
        .bind(v.meta.employees_covered)
        .bind(&v.meta.minister)
        .bind(&v.meta.ministry)
        .bind(v.meta.letter_on)
        .bind(v.meta.pair_id)
        .bind(&v.source_url)
        .bind(&origin.source)
        .bind(&origin.external_id)
        .bind(at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("external_id", "library-error-duplicate"))
    .on_foreign_key(|_| Error::field("organization_id", "library-error-no-organization"))?;
    tx.audit_created(actor, DOCUMENT, id, &v).await?;
    announce(tx, id, 0).await?;
    Ok(id)
}

/// Changes a document's description and metadata (not its file).
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    before: &Document,
    input: &DocumentInput,
) -> Result<()> {
    let v = validate(input).map_err(Error::Validation)?;
    check_pair(tx, &v, Some(before.id)).await?;
    exec!(tx, |c| {
        sqlx::query(
            "UPDATE library_documents SET kind = $1, organization_id = $2, title_en = $3, title_fr = $4, summary_en = $5, \
             summary_fr = $6, language = $7, access = $8, restricted_reason = $9, employer = $10, union_name = $11, sector = $12, \
             location = $13, starts_on = $14, expires_on = $15, employees_covered = $16, minister = $17, ministry = $18, \
             letter_on = $19, pair_id = $20, source_url = $21, updated_at = $22 WHERE id = $23",
        )
        .bind(v.kind.as_str())
        .bind(v.organization_id)
        .bind_bilingual((v.title_en.as_str(), v.title_fr.as_str()))
        .bind_bilingual((v.summary_en.as_str(), v.summary_fr.as_str()))
        .bind(v.language.as_str())
        .bind(v.access.as_str())
        .bind(&v.restricted_reason)
        .bind(&v.meta.employer)
        .bind(&v.meta.union_name)
        .bind(&v.meta.sector)
        .bind(&v.meta.location)
        .bind(v.meta.starts_on)
        .bind(v.meta.expires_on)
        .bind(v.meta.employees_covered)
        .bind(&v.meta.minister)
        .bind(&v.meta.ministry)
        .bind(v.meta.letter_on)
        .bind(v.meta.pair_id)
        .bind(&v.source_url)
        .bind(now())
        .bind(before.id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    .on_foreign_key(|_| Error::field("organization_id", "library-error-no-organization"))?;
    tx.audit_updated(actor, DOCUMENT, before.id, before, &v)
        .await?;
    announce(tx, before.id, before.page_count).await
}

/// Creates the document, or updates the one imported before from the same source and id.
/// Returns its id and whether it is new.
pub async fn upsert(
    tx: &mut Tx,
    actor: &Actor,
    input: &DocumentInput,
    origin: &Origin,
) -> Result<(Uuid, bool)> {
    let existing: Option<Uuid> = on!(&mut *tx, |c| sqlx::query_scalar(
        "SELECT id FROM library_documents WHERE source = $1 AND external_id = $2"
    )
    .bind(&origin.source)
    .bind(&origin.external_id)
    .fetch_optional(&mut *c)
    .await?);
    match existing {
        Some(id) => {
            let before = find(&mut *tx, id).await?.ok_or(Error::NotFound)?;
            update(tx, actor, &before, input).await?;
            Ok((id, false))
        }
        None => Ok((create(tx, actor, input, origin).await?, true)),
    }
}

/// Withdraws a document: it stays readable at its address with the reason, and leaves the lists
/// and the search index.
pub async fn withdraw(tx: &mut Tx, actor: &Actor, before: &Document, reason: &str) -> Result<()> {
    let mut e = Vec::new();
    let reason = check_text(&mut e, "reason", reason, 1000);
    if reason.is_empty() {
        e.push(FieldError::new("reason", "error-required"));
    }
    if before.is_withdrawn() {
        e.push(FieldError::new("reason", "library-error-withdrawn"));
    }
    if !e.is_empty() {
        return Err(Error::Validation(e));
    }
    let at = now();
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE library_documents SET withdrawn_reason = $1, withdrawn_at = $2, updated_at = $2 WHERE id = $3"
    )
    .bind(&reason)
    .bind(at)
    .bind(before.id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        actor,
        DOCUMENT,
        "withdraw",
        before.id,
        Some(before),
        Some(&serde_json::json!({ "reason": reason })),
    )
    .await?;
    announce(tx, before.id, before.page_count).await
}

/// A stored file that becomes the document's next version; its text is extracted afterwards.
#[derive(Clone, Debug, Serialize)]
pub struct NewFile {
    pub key: String,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

/// Makes `file` the document's current file (a new version), and queues its text extraction.
pub async fn set_file(
    tx: &mut Tx,
    actor: &Actor,
    before: &Document,
    file: &NewFile,
) -> Result<i64> {
    let version = before.version + 1;
    let at = now();
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO library_versions (document_id, version, file_key, file_name, file_type, file_size, file_sha256, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(before.id)
    .bind(version)
    .bind(&file.key)
    .bind(&file.name)
    .bind(&file.media_type)
    .bind(file.size)
    .bind(&file.sha256)
    .bind(&actor.label)
    .bind(at)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE library_documents SET version = $1, file_key = $2, file_name = $3, file_type = $4, file_size = $5, file_sha256 = $6, \
         extraction = 'pending', extraction_note = '', updated_at = $7 WHERE id = $8"
    )
    .bind(version)
    .bind(&file.key)
    .bind(&file.name)
    .bind(&file.media_type)
    .bind(file.size)
    .bind(&file.sha256)
    .bind(at)
    .bind(before.id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(actor, DOCUMENT, "file", before.id, None::<&()>, Some(file))
        .await?;
    crate::extract::enqueue(tx, actor, before.id, version).await?;
    Ok(version)
}

pub async fn find(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Document>> {
    let mut conn = conn.into();
    Ok(on!(&mut conn, |c| sqlx::query_as::<_, Document>(sql!(
        "SELECT ",
        COLUMNS,
        " FROM library_documents WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}

pub async fn pages(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Vec<Page>> {
    let mut conn = conn.into();
    Ok(on!(&mut conn, |c| sqlx::query_as::<_, Page>(
        "SELECT page, method, text FROM library_pages WHERE document_id = $1 ORDER BY page"
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?))
}

pub async fn versions(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Vec<Version>> {
    let mut conn = conn.into();
    Ok(on!(&mut conn, |c| {
        sqlx::query_as::<_, Version>(
        "SELECT version, file_name, file_type, file_size, file_sha256, created_by, created_at FROM library_versions \
         WHERE document_id = $1 ORDER BY version DESC"
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?
    }))
}

/// Records the outcome of extracting version `version`: its pages replace the previous text, or a
/// failure is noted on the document (its file is still served). A result for a version that is
/// no longer current is dropped.
pub async fn record_extraction(
    tx: &mut Tx,
    id: Uuid,
    version: i64,
    outcome: std::result::Result<Vec<(crate::model::PageMethod, String)>, String>,
    note: &str,
) -> Result<bool> {
    let Some(before) = find(&mut *tx, id).await? else {
        return Ok(false);
    };
    if before.version != version {
        return Ok(false);
    }
    exec!(tx, |c| sqlx::query(
        "DELETE FROM library_pages WHERE document_id = $1"
    )
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    let (state, note, count) = match outcome {
        Ok(pages) => {
            for (i, (method, text)) in pages.iter().enumerate() {
                exec!(tx, |c| {
                    sqlx::query(
                    "INSERT INTO library_pages (document_id, page, method, text) VALUES ($1, $2, $3, $4)"
                )
                .bind(id)
                .bind(i as i64 + 1)
                .bind(method.as_str())
                .bind(text)
                .execute(&mut *c)
                .await?
                .rows_affected()
                });
            }
            (Extraction::Done, note.to_string(), pages.len() as i64)
        }
        Err(reason) => (Extraction::Failed, reason, 0),
    };
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE library_documents SET extraction = $1, extraction_note = $2, page_count = $3 WHERE id = $4"
    )
    .bind(state.as_str())
    .bind(&note)
    .bind(count)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    announce(tx, id, before.page_count.max(count)).await?;
    Ok(true)
}

// ---- lists ---------------------------------------------------------------------------------

/// The library's list: documents of one type, or all, newest first; withdrawn ones left out.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// A document type.
    #[serde(default)]
    pub kind: String,
}

pub async fn list(
    db: &platform::Db,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Document>, i64)> {
    let kind = Kind::parse(&f.kind).map(Kind::as_str).unwrap_or("");
    let rows = on!(db, |c| {
        sqlx::query_as::<_, Document>(sql!(
        "SELECT ",
        COLUMNS,
        " FROM library_documents WHERE withdrawn_at IS NULL AND ($1 = '' OR kind = $1) ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(kind)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *c)
    .await?
    });
    let total: i64 = on!(db, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM library_documents WHERE withdrawn_at IS NULL AND ($1 = '' OR kind = $1)"
    )
    .bind(kind)
    .fetch_one(&mut *c)
    .await?
    });
    Ok((rows, total))
}
