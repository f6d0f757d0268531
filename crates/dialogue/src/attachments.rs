//! Files published with a consultation's results (the full report, the data behind it): kept in
//! the platform's file store under the consultation, listed on its page and served from there.

use platform::db::{Actor, BindBilingual, Conn, Tx, now};
use platform::upload::Upload;
use platform::{Bilingual, Error, FieldError, Result, exec, on};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::consultations::CONSULTATION;
use crate::text;

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Attachment {
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub title_en: String,
    pub title_fr: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub file_key: String,
    pub created_at: OffsetDateTime,
}

impl Attachment {
    /// Its title, or else its file name.
    pub fn title(&self) -> Bilingual {
        if self.title_en.trim().is_empty() && self.title_fr.trim().is_empty() {
            Bilingual::new(&self.filename, &self.filename)
        } else {
            Bilingual::new(&self.title_en, &self.title_fr)
        }
    }

    /// "12 kB", "3.4 MB".
    pub fn size_label(&self) -> String {
        let n = self.size as f64;
        if n < 1000.0 {
            format!("{} B", self.size)
        } else if n < 1_000_000.0 {
            format!("{:.0} kB", n / 1000.0)
        } else {
            format!("{:.1} MB", n / 1_000_000.0)
        }
    }
}

const COLUMNS: &str = "SELECT id, consultation_id, title_en, title_fr, filename, content_type, size, sha256, file_key, created_at \
     FROM dialogue_consultation_attachments";

/// Keeps an uploaded file with the consultation's results. The file is moved to its key here,
/// before the row is written: if the transaction fails, the caller removes the file.
pub async fn add(
    tx: &mut Tx,
    actor: &Actor,
    consultation: Uuid,
    title_en: &str,
    title_fr: &str,
    upload: &mut Upload,
) -> Result<Attachment> {
    let mut e: Vec<FieldError> = Vec::new();
    text::check(&mut e, "title_en", title_en, 300, false);
    text::check(&mut e, "title_fr", title_fr, 300, false);
    if upload.size == 0 {
        e.push(FieldError::new("file", "dialogue-entry-error-file-empty"));
    }
    if !e.is_empty() {
        return Err(Error::Validation(e));
    }
    let id = Uuid::now_v7();
    let key = format!(
        "dialogue/consultations/{consultation}/{id}/{}",
        upload.safe_name()
    );
    let attachment = Attachment {
        id,
        consultation_id: consultation,
        title_en: title_en.trim().to_string(),
        title_fr: title_fr.trim().to_string(),
        filename: upload.safe_name(),
        content_type: upload.content_type.clone(),
        size: upload.size as i64,
        sha256: upload.hash.clone(),
        file_key: key.clone(),
        created_at: now(),
    };
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_consultation_attachments (id, consultation_id, title_en, title_fr, filename, content_type, size, sha256, file_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(id)
    .bind(consultation)
    .bind_bilingual((attachment.title_en.as_str(), attachment.title_fr.as_str()))
    .bind(&attachment.filename)
    .bind(&attachment.content_type)
    .bind(attachment.size)
    .bind(&attachment.sha256)
    .bind(&key)
    .bind(attachment.created_at)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.audit_as(
        actor,
        CONSULTATION,
        "attach",
        consultation,
        None::<&()>,
        Some(&attachment),
    )
    .await?;
    upload.keep(&key).await?;
    Ok(attachment)
}

/// Removes an attachment's record; the caller removes its file after the commit.
pub async fn remove(tx: &mut Tx, actor: &Actor, attachment: &Attachment) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "DELETE FROM dialogue_consultation_attachments WHERE id = $1"
    )
    .bind(attachment.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_as(
        actor,
        CONSULTATION,
        "detach",
        attachment.consultation_id,
        Some(attachment),
        None::<&()>,
    )
    .await
}

pub async fn of(conn: impl Into<Conn<'_>>, consultation: Uuid) -> Result<Vec<Attachment>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Attachment>(
        platform::sql!(COLUMNS, " WHERE consultation_id = $1 ORDER BY id")
    )
    .bind(consultation)
    .fetch_all(&mut *c)
    .await?))
}

pub async fn find(conn: impl Into<Conn<'_>>, id: Uuid) -> Result<Option<Attachment>> {
    Ok(on!(conn, |c| sqlx::query_as::<_, Attachment>(
        platform::sql!(COLUMNS, " WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}
