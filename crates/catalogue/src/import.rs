//! Bringing catalogues in: Ontario's published inventory (CSV) and ckanapi dumps (JSON lines).
//! Each record is written in its own transaction; a record that cannot be used is skipped with
//! its reason, and nothing of it is kept.

use std::collections::HashMap;
use std::io::Read;

use time::Date;
use uuid::Uuid;

use platform::db::Actor;
use platform::i18n::Bilingual;
use platform::orgs::{self, NewOrganization};
use platform::{Error, Platform, Result};

use crate::model::licence_by_title;
use crate::store::{self, DatasetInput, Lookup};

#[derive(Debug, Default)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// (record, reason)
    pub skipped: Vec<(String, String)>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "created {}, updated {}, unchanged {}, skipped {}",
            self.created,
            self.updated,
            self.unchanged,
            self.skipped.len()
        )?;
        for (record, reason) in &self.skipped {
            writeln!(f, "  skipped {record}: {reason}")?;
        }
        Ok(())
    }
}

/// English and French names of the ministries in Ontario's inventory, by the short name it uses.
const ONTARIO_MINISTRIES: &[(&str, &str, &str)] = &[
    (
        "Agriculture Food and Rural Affairs",
        "Ministry of Agriculture, Food and Rural Affairs",
        "Ministère de l’Agriculture, de l’Alimentation et des Affaires rurales",
    ),
    (
        "Attorney General",
        "Ministry of the Attorney General",
        "Ministère du Procureur général",
    ),
    (
        "Cabinet Office",
        "Cabinet Office",
        "Bureau du Conseil des ministres",
    ),
    (
        "Children, Community and Social Services",
        "Ministry of Children, Community and Social Services",
        "Ministère des Services à l’enfance et des Services sociaux et communautaires",
    ),
    (
        "Colleges and Universities",
        "Ministry of Colleges and Universities",
        "Ministère des Collèges et Universités",
    ),
    (
        "Community Safety and Correctional Services",
        "Ministry of Community Safety and Correctional Services",
        "Ministère de la Sécurité communautaire et des Services correctionnels",
    ),
    (
        "Economic Development, Job Creation and Trade",
        "Ministry of Economic Development, Job Creation and Trade",
        "Ministère du Développement économique, de la Création d’emplois et du Commerce",
    ),
    (
        "Education",
        "Ministry of Education",
        "Ministère de l’Éducation",
    ),
    (
        "Energy, Northern Development and Mines",
        "Ministry of Energy, Northern Development and Mines",
        "Ministère de l’Énergie, du Développement du Nord et des Mines",
    ),
    (
        "Environment, Conservation and Parks",
        "Ministry of the Environment, Conservation and Parks",
        "Ministère de l’Environnement, de la Protection de la nature et des Parcs",
    ),
    ("Finance", "Ministry of Finance", "Ministère des Finances"),
    (
        "Francophone Affairs",
        "Ministry of Francophone Affairs",
        "Ministère des Affaires francophones",
    ),
    (
        "Government and Consumer Services",
        "Ministry of Government and Consumer Services",
        "Ministère des Services gouvernementaux et des Services aux consommateurs",
    ),
    ("Health", "Ministry of Health", "Ministère de la Santé"),
    (
        "Health and Long-Term Care",
        "Ministry of Health and Long-Term Care",
        "Ministère de la Santé et des Soins de longue durée",
    ),
    (
        "Indigenous Affairs",
        "Ministry of Indigenous Affairs",
        "Ministère des Affaires autochtones",
    ),
    (
        "Infrastructure",
        "Ministry of Infrastructure",
        "Ministère de l’Infrastructure",
    ),
    (
        "Intergovernmental Affairs",
        "Intergovernmental Affairs",
        "Affaires intergouvernementales",
    ),
    ("Labour", "Ministry of Labour", "Ministère du Travail"),
    (
        "Municipal Affairs and Housing",
        "Ministry of Municipal Affairs and Housing",
        "Ministère des Affaires municipales et du Logement",
    ),
    (
        "Natural Resources and Forestry",
        "Ministry of Natural Resources and Forestry",
        "Ministère des Richesses naturelles et des Forêts",
    ),
    (
        "Seniors and Accessibility",
        "Ministry for Seniors and Accessibility",
        "Ministère des Services aux aînés et de l’Accessibilité",
    ),
    (
        "Solicitor General",
        "Ministry of the Solicitor General",
        "Ministère du Solliciteur général",
    ),
    (
        "Tourism, Culture and Sport",
        "Ministry of Tourism, Culture and Sport",
        "Ministère du Tourisme, de la Culture et du Sport",
    ),
    (
        "Training, Colleges and Universities",
        "Ministry of Training, Colleges and Universities",
        "Ministère de la Formation et des Collèges et Universités",
    ),
    (
        "Transportation",
        "Ministry of Transportation",
        "Ministère des Transports",
    ),
    (
        "Treasury Board Secretariat",
        "Treasury Board Secretariat",
        "Secrétariat du Conseil du Trésor",
    ),
    (
        "Women's Issues",
        "Ministry of Women’s Issues",
        "Condition féminine Ontario",
    ),
];

/// Finds or creates an organization by its short or full English name.
async fn organization(
    platform: &Platform,
    actor: &Actor,
    cache: &mut HashMap<String, Uuid>,
    short: &str,
) -> Result<Uuid> {
    if let Some(id) = cache.get(short) {
        return Ok(*id);
    }
    let (title_en, title_fr) = ONTARIO_MINISTRIES
        .iter()
        .find(|(s, _, _)| *s == short)
        .map(|(_, en, fr)| (en.to_string(), fr.to_string()))
        .unwrap_or_else(|| (short.to_string(), String::new()));
    let slug = orgs::slugify(&title_en);
    let id = match orgs::find_by_slug(&platform.db, &slug).await? {
        Some(o) => o.id,
        None => {
            let category = if title_en.starts_with("Ministry") {
                "ministry"
            } else {
                "agency"
            };
            let mut tx = platform.db.begin().await?;
            let org = orgs::create(
                &mut tx,
                actor,
                NewOrganization {
                    slug,
                    title: Bilingual::new(title_en, title_fr),
                    description: Bilingual::default(),
                    jurisdiction: "provincial".into(),
                    category: category.into(),
                },
            )
            .await?;
            tx.commit().await?;
            org.id
        }
    };
    cache.insert(short.to_string(), id);
    Ok(id)
}

fn date(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

const SOURCE: &str = "data.ontario.ca";

/// Imports Ontario's inventory CSV (the columns of data.ontario.ca's catalogue export).
pub async fn ontario_catalogue(
    platform: &Platform,
    reader: impl Read,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<Summary> {
    let actor = Actor::system("import ontario-catalogue");
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let headers = csv
        .headers()?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect::<Vec<_>>();
    for required in [
        "title",
        "license",
        "access_level",
        "keywords",
        "update_frequency",
        "organization",
    ] {
        if !headers.iter().any(|h| h == required) {
            anyhow::bail!(
                "the CSV has no `{required}` column (it has: {})",
                headers.join(", ")
            );
        }
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let records: Vec<csv::StringRecord> = csv.records().collect::<std::result::Result<_, _>>()?;
    let total = records.len() as u64;
    let mut summary = Summary::default();
    let mut orgs_cache = HashMap::new();
    let mut names_used: HashMap<String, usize> = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let get = |name: &str| {
            col(name)
                .and_then(|c| rec.get(c))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let line = i + 2;
        let title = get("title");
        if title.is_empty() {
            summary
                .skipped
                .push((format!("line {line}"), "the title is empty".into()));
            continue;
        }
        let mut name = orgs::slugify(&title);
        name.truncate(90);
        let name = name.trim_end_matches('-').to_string();
        let seen = names_used.entry(name.clone()).or_insert(0);
        *seen += 1;
        let name = if *seen > 1 {
            format!("{name}-{seen}")
        } else {
            name
        };
        let Some(licence) = licence_by_title(&get("license")) else {
            summary.skipped.push((
                format!("line {line} ({title})"),
                format!("unknown licence `{}`", get("license")),
            ));
            continue;
        };
        let org = organization(platform, &actor, &mut orgs_cache, &get("organization")).await?;
        let access = get("access_level");
        let validated = date(&get("last_validation_date"));
        let updated_on = date(&get("last_update_date"));
        let mut input = DatasetInput {
            name: name.clone(),
            title_en: title.clone(),
            organization_id: Some(org),
            license_id: licence.id.to_string(),
            update_frequency: match get("update_frequency").as_str() {
                "" => "other".to_string(),
                f => f.to_string(),
            },
            access_level: access.clone(),
            exemption: "none".into(),
            current_as_of: validated,
            keywords_en: get("keywords")
                .split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
            groups: Vec::new(),
            extras: vec![crate::model::Extra {
                key: "source".into(),
                value: SOURCE.into(),
            }],
            metadata_created: validated.map(|d| d.midnight().assume_utc()),
            metadata_modified: updated_on.or(validated).map(|d| d.midnight().assume_utc()),
            ..Default::default()
        };
        if access == "open" {
            input.opened_date = updated_on.or(validated);
        }
        if access == "restricted" {
            input.exemption_rationale_en = "Ontario's published inventory lists this holding as restricted without naming the exemption. The ministry is asked to state it.".into();
            input.exemption_rationale_fr = "L’inventaire publié de l’Ontario indique que ce fonds est restreint sans préciser l’exemption. Le ministère est invité à la préciser.".into();
        }
        let group = get("groups");
        if !group.is_empty() {
            let gname = orgs::slugify(&group);
            if store::groups(&platform.db)
                .await?
                .iter()
                .all(|g| g.name != gname)
            {
                let mut tx = platform.db.begin().await?;
                store::create_group(&mut tx, &actor, &gname, &group, &group).await?;
                tx.commit().await?;
            }
            input.groups.push(gname);
        }
        let outcome = upsert(platform, &actor, input).await;
        match outcome {
            Ok(Upsert::Created) => summary.created += 1,
            Ok(Upsert::Updated) => summary.updated += 1,
            Ok(Upsert::Unchanged) => summary.unchanged += 1,
            Err(Error::Validation(fields)) => {
                summary
                    .skipped
                    .push((format!("line {line} ({title})"), reasons(&fields)));
            }
            Err(e) => return Err(anyhow::anyhow!("line {line} ({title}): {e}")),
        }
        progress(i as u64 + 1, total);
    }
    Ok(summary)
}

pub enum Upsert {
    Created,
    Updated,
    Unchanged,
}

/// Creates the dataset, or updates it when its content differs from what is stored.
pub async fn upsert(platform: &Platform, actor: &Actor, mut input: DatasetInput) -> Result<Upsert> {
    input.normalize();
    let mut tx = platform.db.begin().await?;
    let result = match store::lookup(&platform.db, &input.name).await? {
        Lookup::Found(existing) => {
            let mut same = DatasetInput::from_dataset(&existing);
            same.metadata_created = input.metadata_created;
            same.metadata_modified = input.metadata_modified;
            same.resources = input.resources.clone();
            if input.opened_date.is_none() {
                same.opened_date = None;
            }
            if serde_json::to_value(&same).ok() == serde_json::to_value(&input).ok() {
                return Ok(Upsert::Unchanged);
            }
            store::update(&mut tx, actor, &existing, input).await?;
            Upsert::Updated
        }
        _ => {
            store::create(&mut tx, actor, input).await?;
            Upsert::Created
        }
    };
    tx.commit().await?;
    Ok(result)
}

/// Imports a ckanapi dump (`ckanapi dump datasets` writes one package dictionary per line).
/// Organizations named in the dump are created when missing.
pub async fn ckan_dump(
    platform: &Platform,
    reader: impl std::io::BufRead,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<Summary> {
    let actor = Actor::system("import ckan-dump");
    let lines: Vec<String> = reader.lines().collect::<std::io::Result<_>>()?;
    let total = lines.len() as u64;
    let mut summary = Summary::default();
    for (i, line) in lines.iter().enumerate() {
        progress(i as u64 + 1, total);
        if line.trim().is_empty() {
            continue;
        }
        let record = format!("line {}", i + 1);
        let dict = match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(m)) => m,
            Ok(_) => {
                summary.skipped.push((record, "not a JSON object".into()));
                continue;
            }
            Err(e) => {
                summary.skipped.push((record, format!("not JSON: {e}")));
                continue;
            }
        };
        let name = dict
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let record = if name.is_empty() {
            record
        } else {
            format!("{record} ({name})")
        };
        let input = match ckan_package(platform, &actor, dict).await? {
            Ok(input) => input,
            Err(reason) => {
                summary.skipped.push((record, reason));
                continue;
            }
        };
        match upsert(platform, &actor, input).await {
            Ok(Upsert::Created) => summary.created += 1,
            Ok(Upsert::Updated) => summary.updated += 1,
            Ok(Upsert::Unchanged) => summary.unchanged += 1,
            Err(Error::Validation(fields)) => summary.skipped.push((record, reasons(&fields))),
            Err(e) => return Err(anyhow::anyhow!("{record}: {e}")),
        }
    }
    Ok(summary)
}

/// Maps a CKAN package dictionary (from a dump or a remote `package_search`) to a dataset input,
/// creating the organization and groups it names when they are missing here. `Ok(Err(reason))`
/// when the package cannot be used.
pub async fn ckan_package(
    platform: &Platform,
    actor: &Actor,
    mut dict: serde_json::Map<String, serde_json::Value>,
) -> Result<std::result::Result<DatasetInput, String>> {
    if let Some(org) = dict
        .get("organization")
        .and_then(|o| o.as_object())
        .cloned()
    {
        let slug = org
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        if !slug.is_empty() && orgs::find_by_slug(&platform.db, &slug).await?.is_none() {
            let title = org
                .get("title")
                .and_then(|v| v.as_str())
                .unwrap_or(&slug)
                .to_string();
            let mut tx = platform.db.begin().await?;
            let made = orgs::create(
                &mut tx,
                actor,
                NewOrganization {
                    slug: slug.clone(),
                    title: Bilingual::new(title, ""),
                    description: Bilingual::default(),
                    jurisdiction: "provincial".into(),
                    category: "agency".into(),
                },
            )
            .await;
            match made {
                Ok(_) => tx.commit().await?,
                Err(e) => return Ok(Err(format!("organization `{slug}`: {e}"))),
            }
        }
        if !slug.is_empty() {
            dict.insert("owner_org".into(), serde_json::Value::String(slug));
        }
    }
    // Groups that do not exist here are created, so the dataset keeps them.
    if let Some(groups) = dict.get("groups").and_then(|g| g.as_array()).cloned() {
        let known = store::groups(&platform.db).await?;
        for g in groups {
            let Some(gname) = g.get("name").and_then(|v| v.as_str()) else {
                continue;
            };
            if known.iter().all(|k| k.name != gname) {
                let title = g.get("title").and_then(|v| v.as_str()).unwrap_or(gname);
                let mut tx = platform.db.begin().await?;
                store::create_group(&mut tx, actor, gname, title, "").await?;
                tx.commit().await?;
            }
        }
    }
    let mut input = match crate::ckan::dataset_input(platform, &dict).await {
        Ok(i) => i,
        Err(e) => return Ok(Err(e.to_string())),
    };
    input.metadata_created = crate::ckan::timestamp_field(&dict, "metadata_created");
    input.metadata_modified = crate::ckan::timestamp_field(&dict, "metadata_modified");
    Ok(Ok(input))
}

/// Why a dataset was refused, field by field, for a summary.
pub fn reasons(fields: &[platform::FieldError]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, platform::Lang::En.msg(&f.msg)))
        .collect::<Vec<_>>()
        .join("; ")
}
