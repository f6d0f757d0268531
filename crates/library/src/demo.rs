//! Demo content for `agora demo`: the British Columbia Labour Relations Board's index of 1,261
//! collective agreements, the 40 federal mandate letters of December 2021 (their description),
//! and four releases of Statistics Canada's "The Daily" in English and French with their PDF
//! files, whose text is extracted by the job workers. Loading again changes nothing twice.

use std::path::Path;

use platform::db::Actor;
use platform::{Platform, Result};
use serde_json::{Map, Value};
use time::Date;

use crate::agreements;
use crate::documents::{self, DocumentInput, Origin};
use crate::model::Kind;

pub async fn load(platform: &Platform, shared_data: &Path) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let index = shared_data.join("collective-agreements/bc-lrb-agreements-index.json");
    if index.is_file() {
        let rows = agreements::read_index(&std::fs::read(&index)?)?;
        let report = agreements::import(&platform.db, &actor, &rows).await?;
        tracing::info!(
            created = report.created,
            updated = report.updated,
            "demo agreements"
        );
    }
    let letters = shared_data.join("mandate-letters-canada/2021MandateLetters.csv");
    if letters.is_file() {
        mandate_letters(platform, &actor, &letters).await?;
    }
    let docs = shared_data.join("documents");
    for (file, title_en, title_fr, lang, twin) in [
        (
            "dq170529a-eng.pdf",
            "Study: Women in Canada: Women with Disabilities",
            "Étude : Femmes au Canada : Les femmes ayant une incapacité",
            "en",
            "dq170529a",
        ),
        (
            "dq170529a-fra.pdf",
            "Study: Women in Canada: Women with Disabilities",
            "Étude : Femmes au Canada : Les femmes ayant une incapacité",
            "fr",
            "dq170529a",
        ),
        (
            "dq170529b-eng.pdf",
            "Federal government spending on science and technology, 2015/2016 to 2017/2018",
            "Dépenses de l'administration fédérale au chapitre des activités scientifiques et technologiques, 2015-2016 à 2017-2018",
            "en",
            "dq170529b",
        ),
        (
            "dq170529b-fra.pdf",
            "Federal government spending on science and technology, 2015/2016 to 2017/2018",
            "Dépenses de l'administration fédérale au chapitre des activités scientifiques et technologiques, 2015-2016 à 2017-2018",
            "fr",
            "dq170529b",
        ),
    ] {
        let path = docs.join(file);
        if !path.is_file() {
            continue;
        }
        let input = DocumentInput {
            kind: Kind::Report.as_str().into(),
            title_en: title_en.into(),
            title_fr: title_fr.into(),
            summary_en: format!("Statistics Canada, The Daily, May 29, 2017 ({twin})."),
            summary_fr: format!("Statistique Canada, Le Quotidien, 29 mai 2017 ({twin})."),
            language: lang.into(),
            access: "public".into(),
            ..Default::default()
        };
        let origin = Origin {
            source: "demo-statcan".into(),
            external_id: Some(file.into()),
        };
        let bytes = std::fs::read(&path)?;
        let (id, created) = platform
            .db
            .write(async |tx| documents::upsert(tx, &actor, &input, &origin).await)
            .await?;
        if created {
            attach(platform, &actor, id, file, bytes).await?;
        }
    }
    Ok(())
}

/// Stores `bytes` as the document's file; the workers extract its text.
pub async fn attach(
    platform: &Platform,
    actor: &Actor,
    id: uuid::Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> Result<()> {
    let chunks = futures::stream::iter([Ok(bytes::Bytes::from(bytes))]);
    let received = crate::files::receive(platform, chunks, name, "application/pdf").await?;
    platform
        .db
        .write(async |tx| {
            let d = documents::find(&mut *tx, id)
                .await?
                .ok_or(platform::Error::NotFound)?;
            documents::set_file(tx, actor, &d, &received.file).await
        })
        .await?;
    received.kept();
    Ok(())
}

fn letter_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[month repr:long] [day padding:none], [year]");
    Date::parse(s.trim(), format).ok()
}

async fn mandate_letters(platform: &Platform, actor: &Actor, path: &Path) -> anyhow::Result<()> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut inputs = Vec::new();
    for row in reader.records() {
        let row = row?;
        let (ministry, minister, date, url) = (
            row.get(0).unwrap_or("").trim(),
            row.get(1).unwrap_or("").trim(),
            row.get(2).unwrap_or(""),
            row.get(3).unwrap_or("").trim(),
        );
        if minister.is_empty() {
            continue;
        }
        let mut metadata = Map::new();
        metadata.insert("minister".into(), Value::String(minister.into()));
        metadata.insert("ministry".into(), Value::String(ministry.into()));
        if let Some(d) = letter_date(date) {
            metadata.insert("letter_on".into(), Value::String(d.to_string()));
        }
        inputs.push((
            url.to_string(),
            DocumentInput {
                kind: Kind::MandateLetter.as_str().into(),
                title_en: format!("Mandate letter: {ministry}"),
                title_fr: format!("Lettre de mandat : {ministry}"),
                language: "both".into(),
                access: "public".into(),
                source_url: url.into(),
                metadata,
                ..Default::default()
            },
        ));
    }
    platform
        .db
        .write(async |tx| {
            for (url, input) in &inputs {
                let origin = Origin {
                    source: "mandate-letters-2021".into(),
                    external_id: Some(url.clone()),
                };
                documents::upsert(tx, actor, input, &origin).await?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}
