//! The demo's table: Ontario's fish stocking records (MNRF, 2012–2021) loaded into the datastore,
//! ready to preview and chart.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use uuid::Uuid;

use catalogue::store::{self as catalogue_store, DatasetInput, ResourceInput};
use platform::Platform;
use platform::db::Actor;
use platform::i18n::Bilingual;
use platform::orgs::{self, NewOrganization};

use crate::ingest::Progress;
use crate::{load, store};

pub const DATASET: &str = "fish-stocking";
const ORGANIZATION: &str = "ministry-of-natural-resources-and-forestry";

/// Loads the fish-stocking CSV as a dataset with one resource in the datastore, once.
pub async fn load_demo(platform: &Platform, shared_data: &Path) -> anyhow::Result<()> {
    let csv = shared_data.join("ontario-fish-stocking/fish-stocking.csv");
    if !csv.exists() {
        println!("datastore demo: {} not found, skipping", csv.display());
        return Ok(());
    }
    if let catalogue_store::Lookup::Found(d) =
        catalogue_store::lookup(&platform.db, DATASET).await?
        && let Some(r) = d.resources.first()
        && store::current(&platform.db, r.id).await?.is_some()
    {
        return Ok(());
    }
    let actor = Actor::system("demo");
    let org = match orgs::find_by_slug(&platform.db, ORGANIZATION).await? {
        Some(o) => o.id,
        None => {
            let mut tx = platform.db.begin().await?;
            let o = orgs::create(
                &mut tx,
                &actor,
                NewOrganization {
                    slug: ORGANIZATION.into(),
                    title: Bilingual::new(
                        "Ministry of Natural Resources and Forestry",
                        "Ministère des Richesses naturelles et des Forêts",
                    ),
                    description: Bilingual::default(),
                    jurisdiction: "provincial".into(),
                    category: "ministry".into(),
                },
            )
            .await?;
            tx.commit().await?;
            o.id
        }
    };
    let resource_id = Uuid::now_v7();
    let data = Bytes::from(std::fs::read(&csv)?);
    let mut tx = platform.db.begin().await?;
    let dataset_id = match catalogue_store::dataset_row(&platform.db, DATASET).await? {
        Some(d) => d.id,
        None => {
            let input = DatasetInput {
                name: DATASET.into(),
                title_en: "Fish stocking".into(),
                title_fr: "Ensemencement de poissons".into(),
                notes_en: "Fish stocked in Ontario's lakes and rivers by the Ministry of Natural Resources and Forestry, 2012 to 2021: species, developmental stage, number of fish, waterbody and its coordinates.".into(),
                notes_fr: "Poissons ensemencés dans les lacs et rivières de l’Ontario par le ministère des Richesses naturelles et des Forêts, de 2012 à 2021 : espèce, stade de développement, nombre de poissons, plan d’eau et ses coordonnées.".into(),
                organization_id: Some(org),
                license_id: "OGL-ON-1.0".into(),
                update_frequency: "yearly".into(),
                access_level: "open".into(),
                exemption: "none".into(),
                state: "active".into(),
                keywords_en: vec!["fish".into(), "lakes".into(), "stocking".into()],
                keywords_fr: vec!["poissons".into(), "lacs".into(), "ensemencement".into()],
                ..DatasetInput::default()
            };
            catalogue_store::create(&mut tx, &actor, input).await?
        }
    };
    tx.commit().await?;
    let key = format!("resources/{dataset_id}/{resource_id}/fish-stocking.csv");
    platform.files.put(&key, data.clone()).await?;
    let d = match catalogue_store::lookup(&platform.db, DATASET).await? {
        catalogue_store::Lookup::Found(d) => *d,
        _ => anyhow::bail!("the demo dataset {DATASET} was not found after creating it"),
    };
    use sha2::Digest;
    let input = ResourceInput {
        id: Some(resource_id),
        name_en: "Fish stocking 2012–2021".into(),
        name_fr: "Ensemencement de poissons 2012–2021".into(),
        url_type: "upload".into(),
        file_key: Some(key),
        format: "CSV".into(),
        mimetype: "text/csv".into(),
        size: Some(data.len() as i64),
        hash: hex::encode(sha2::Sha256::digest(&data)),
        ..ResourceInput::default()
    };
    let mut tx = platform.db.begin().await?;
    catalogue_store::create_resource(&mut tx, &actor, &d, input).await?;
    tx.commit().await?;
    let r = catalogue_store::resource(&platform.db, resource_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo resource was not saved"))?;
    let loaded = load::load(
        platform,
        &actor,
        &r,
        &csv,
        "upload",
        "fish-stocking.csv",
        Arc::new(Progress::default()),
    )
    .await?;
    println!(
        "datastore demo: fish stocking, version {}: {} rows",
        loaded.version.unwrap_or(0),
        loaded.row_count
    );
    Ok(())
}
