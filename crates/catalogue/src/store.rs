//! Reading and writing datasets and resources. Every write goes through a `Tx`: validated as a
//! whole, audited, announced to search, and access-level changes kept as history.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use platform::db::{Actor, Audited, BindBilingual, Db, OnViolation, Tx, now, placeholders};
use platform::orgs::{self, Organization};
use platform::{Error, FieldError, Msg, Result, exec, read, sql};

use crate::model::*;

/// Everything a dataset is made of, as given by an editor, an import or the API.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DatasetInput {
    pub name: String,
    pub title_en: String,
    pub title_fr: String,
    pub notes_en: String,
    pub notes_fr: String,
    pub organization_id: Option<Uuid>,
    pub license_id: String,
    pub url: String,
    pub version: String,
    pub author: String,
    pub author_email: String,
    pub maintainer: String,
    pub maintainer_email: String,
    pub maintainer_branch_en: String,
    pub maintainer_branch_fr: String,
    pub update_frequency: String,
    pub geographic_coverage_en: String,
    pub geographic_coverage_fr: String,
    pub geographic_granularity: String,
    pub temporal_start: Option<Date>,
    pub temporal_end: Option<Date>,
    pub access_level: String,
    pub exemption: String,
    pub exemption_rationale_en: String,
    pub exemption_rationale_fr: String,
    pub planned_open_date: Option<Date>,
    pub opened_date: Option<Date>,
    pub current_as_of: Option<Date>,
    pub state: String,
    pub private: bool,
    pub keywords_en: Vec<String>,
    pub keywords_fr: Vec<String>,
    pub groups: Vec<String>,
    pub extras: Vec<Extra>,
    /// When given, the dataset's resources become exactly these.
    pub resources: Option<Vec<ResourceInput>>,
    /// Timestamps to keep when importing from another catalogue.
    pub metadata_created: Option<OffsetDateTime>,
    pub metadata_modified: Option<OffsetDateTime>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ResourceInput {
    /// Kept when updating an existing resource.
    pub id: Option<Uuid>,
    pub name_en: String,
    pub name_fr: String,
    pub description_en: String,
    pub description_fr: String,
    pub url: String,
    pub url_type: String,
    pub file_key: Option<String>,
    pub format: String,
    pub mimetype: String,
    pub size: Option<i64>,
    pub hash: String,
    pub resource_type: String,
    pub language: String,
    pub data_range_start: Option<Date>,
    pub data_range_end: Option<Date>,
    pub data_last_updated: Option<Date>,
    pub extras: serde_json::Map<String, serde_json::Value>,
}

impl DatasetInput {
    /// The input that reproduces a stored dataset, for patches that change a few fields.
    pub fn from_dataset(d: &Dataset) -> DatasetInput {
        let r = &d.row;
        DatasetInput {
            name: r.name.clone(),
            title_en: r.title_en.clone(),
            title_fr: r.title_fr.clone(),
            notes_en: r.notes_en.clone(),
            notes_fr: r.notes_fr.clone(),
            organization_id: Some(r.organization_id),
            license_id: r.license_id.clone(),
            url: r.url.clone(),
            version: r.version.clone(),
            author: r.author.clone(),
            author_email: r.author_email.clone(),
            maintainer: r.maintainer.clone(),
            maintainer_email: r.maintainer_email.clone(),
            maintainer_branch_en: r.maintainer_branch_en.clone(),
            maintainer_branch_fr: r.maintainer_branch_fr.clone(),
            update_frequency: r.update_frequency.clone(),
            geographic_coverage_en: r.geographic_coverage_en.clone(),
            geographic_coverage_fr: r.geographic_coverage_fr.clone(),
            geographic_granularity: r.geographic_granularity.clone(),
            temporal_start: r.temporal_start,
            temporal_end: r.temporal_end,
            access_level: r.access_level.to_string(),
            exemption: r.exemption.to_string(),
            exemption_rationale_en: r.exemption_rationale_en.clone(),
            exemption_rationale_fr: r.exemption_rationale_fr.clone(),
            planned_open_date: r.planned_open_date,
            opened_date: r.opened_date,
            current_as_of: r.current_as_of,
            state: r.state.to_string(),
            private: r.private,
            keywords_en: d.keywords_en.clone(),
            keywords_fr: d.keywords_fr.clone(),
            groups: d.groups.iter().map(|g| g.name.clone()).collect(),
            extras: r.extras.0.clone(),
            resources: None,
            metadata_created: None,
            metadata_modified: None,
        }
    }

    /// Trims, fills defaults and sorts keywords, so that equal content compares equal.
    pub fn normalize(&mut self) {
        for s in [
            &mut self.name,
            &mut self.title_en,
            &mut self.title_fr,
            &mut self.license_id,
            &mut self.update_frequency,
            &mut self.access_level,
            &mut self.exemption,
            &mut self.state,
        ] {
            *s = s.trim().to_string();
        }
        if self.license_id.is_empty() {
            self.license_id = "notspecified".into();
        }
        // Another catalogue's id for a licence (CKAN's `cc-by`) becomes ours (`CC-BY-4.0`).
        if let Some(l) = licence(&self.license_id) {
            self.license_id = l.id.to_string();
        }
        if self.update_frequency.is_empty() {
            self.update_frequency = "as_required".into();
        }
        if self.access_level.is_empty() {
            self.access_level = "open".into();
        }
        if self.exemption.is_empty() {
            self.exemption = "none".into();
        }
        if self.state.is_empty() {
            self.state = "active".into();
        }
        for list in [&mut self.keywords_en, &mut self.keywords_fr] {
            let mut seen = Vec::new();
            for k in list.drain(..) {
                let k = k.trim().to_string();
                if !k.is_empty() && !seen.contains(&k) {
                    seen.push(k);
                }
            }
            seen.sort();
            *list = seen;
        }
    }

    /// Every problem at once, named by the field's API name.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.name.is_empty() {
            e.push(FieldError::new("name", "error-required"));
        } else if !valid_name(&self.name) {
            e.push(FieldError::new("name", "catalogue-error-name"));
        } else if RESERVED_NAMES.contains(&self.name.as_str()) {
            e.push(FieldError::new("name", "catalogue-error-name-taken"));
        }
        if self.title_en.trim().is_empty() && self.title_fr.trim().is_empty() {
            e.push(FieldError::new("title", "error-required"));
        }
        if self.title_en.chars().count() > 500 || self.title_fr.chars().count() > 500 {
            e.push(FieldError::with(
                "title",
                Msg::new("error-too-long").arg("max", 500),
            ));
        }
        if self.organization_id.is_none() {
            e.push(FieldError::new("owner_org", "catalogue-error-organization"));
        }
        if licence(&self.license_id).is_none() {
            e.push(FieldError::new("license_id", "catalogue-error-licence"));
        }
        if !UPDATE_FREQUENCIES.contains(&self.update_frequency.as_str()) {
            e.push(FieldError::new("update_frequency", "error-not-in-list"));
        }
        if !AccessLevel::CODES.contains(&self.access_level.as_str()) {
            e.push(FieldError::new("access_level", "error-not-in-list"));
        }
        if !Exemption::CODES.contains(&self.exemption.as_str()) {
            e.push(FieldError::new("exemption", "error-not-in-list"));
        }
        if !State::CODES.contains(&self.state.as_str()) {
            e.push(FieldError::new("state", "error-not-in-list"));
        }
        match self.access_level.as_str() {
            "restricted"
                if self.exemption_rationale_en.trim().is_empty()
                    && self.exemption_rationale_fr.trim().is_empty() =>
            {
                e.push(FieldError::new(
                    "exemption_rationale",
                    "catalogue-error-rationale",
                ));
            }
            "to_be_opened" if self.planned_open_date.is_none() => e.push(FieldError::new(
                "planned_open_date",
                "catalogue-error-planned-date",
            )),
            "open" if self.exemption != "none" => e.push(FieldError::new(
                "exemption",
                "catalogue-error-open-exemption",
            )),
            _ => {}
        }
        for (field, value) in [
            ("author_email", &self.author_email),
            ("maintainer_email", &self.maintainer_email),
        ] {
            if !value.is_empty() && !platform::auth::valid_email(value) {
                e.push(FieldError::new(field, "error-email-invalid"));
            }
        }
        if let (Some(a), Some(b)) = (self.temporal_start, self.temporal_end)
            && b < a
        {
            e.push(FieldError::new(
                "temporal_end",
                "catalogue-error-end-before-start",
            ));
        }
        if let Some(resources) = &self.resources {
            for (i, r) in resources.iter().enumerate() {
                for mut fe in r.validate() {
                    fe.field = format!("resources[{i}].{}", fe.field);
                    e.push(fe);
                }
            }
        }
        e
    }
}

impl ResourceInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.url.trim().is_empty() && self.file_key.is_none() {
            e.push(FieldError::new("url", "catalogue-error-resource-url"));
        }
        if !self.resource_type.is_empty() && !RESOURCE_TYPES.contains(&self.resource_type.as_str())
        {
            e.push(FieldError::new("resource_type", "error-not-in-list"));
        }
        if !self.language.is_empty() && !RESOURCE_LANGUAGES.contains(&self.language.as_str()) {
            e.push(FieldError::new("language", "error-not-in-list"));
        }
        if let (Some(a), Some(b)) = (self.data_range_start, self.data_range_end)
            && b < a
        {
            e.push(FieldError::new(
                "data_range_end",
                "catalogue-error-end-before-start",
            ));
        }
        e
    }
}

/// Names the editor's pages use (`/dataset/new`), as CKAN reserves them.
const RESERVED_NAMES: [&str; 2] = ["new", "edit"];

/// CKAN's rule for names: 2 to 100 characters, lower-case letters, digits, `-` and `_`.
pub fn valid_name(name: &str) -> bool {
    (2..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

// ---- reading ----

pub enum Lookup {
    Found(Box<Dataset>),
    /// The name is an old one: the dataset now lives under this name.
    Renamed(String),
    Missing,
}

pub async fn dataset_row(db: &Db, id_or_name: &str) -> Result<Option<DatasetRow>> {
    let by_id = Uuid::parse_str(id_or_name).ok();
    Ok(read!(db, |c| sqlx::query_as::<_, DatasetRow>(sql!(
        "SELECT ",
        DATASET_COLUMNS,
        " FROM datasets WHERE name = $1 OR id = $2"
    ))
    .bind(id_or_name)
    .bind(by_id.unwrap_or(Uuid::nil()))
    .fetch_optional(&mut *c)
    .await?))
}

/// Finds a dataset by id or name; an old name answers with the current one.
pub async fn lookup(db: &Db, id_or_name: &str) -> Result<Lookup> {
    if let Some(row) = dataset_row(db, id_or_name).await? {
        return Ok(Lookup::Found(Box::new(
            load(db, vec![row]).await?.remove(0),
        )));
    }
    let current: Option<String> = read!(db, |c| {
        sqlx::query_scalar("SELECT d.name FROM dataset_names n JOIN datasets d ON d.id = n.dataset_id WHERE n.name = $1")
        .bind(id_or_name)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(current.map(Lookup::Renamed).unwrap_or(Lookup::Missing))
}

pub async fn get(db: &Db, id_or_name: &str) -> Result<Option<Dataset>> {
    Ok(match lookup(db, id_or_name).await? {
        Lookup::Found(d) => Some(*d),
        _ => None,
    })
}

/// Loads full datasets for rows, keeping their order.
pub async fn load(db: &Db, rows: Vec<DatasetRow>) -> Result<Vec<Dataset>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let mut keywords: HashMap<Uuid, (Vec<String>, Vec<String>)> = HashMap::new();
    let mut groups: HashMap<Uuid, Vec<GroupRow>> = HashMap::new();
    let mut resources: HashMap<Uuid, Vec<ResourceRow>> = HashMap::new();
    let mut organizations: HashMap<Uuid, Organization> = HashMap::new();
    for chunk in rows.chunks(500) {
        let ids: Vec<Uuid> = chunk.iter().map(|r| r.id).collect();
        let list = placeholders(1, ids.len());
        let kw_sql = format!(
            "SELECT dataset_id, lang, keyword FROM dataset_keywords WHERE dataset_id IN ({list}) ORDER BY keyword"
        );
        let gr_sql = format!(
            "SELECT dg.dataset_id, g.id, g.name, g.title_en, g.title_fr, g.description_en, g.description_fr, g.created_at \
             FROM dataset_groups dg JOIN catalogue_groups g ON g.id = dg.group_id WHERE dg.dataset_id IN ({list}) ORDER BY g.name"
        );
        let res_sql = format!(
            "SELECT {RESOURCE_COLUMNS} FROM resources WHERE state = 'active' AND dataset_id IN ({list}) ORDER BY position, created"
        );
        let (kw, gr, res) = read!(db, |c| {
            let mut q =
                sqlx::query_as::<_, (Uuid, String, String)>(sqlx::AssertSqlSafe(kw_sql.as_str()));
            for id in &ids {
                q = q.bind(*id);
            }
            let kw = q.fetch_all(&mut *c).await?;
            let mut q = sqlx::query_as::<_, GroupOf>(sqlx::AssertSqlSafe(gr_sql.as_str()));
            for id in &ids {
                q = q.bind(*id);
            }
            let gr = q.fetch_all(&mut *c).await?;
            let mut q = sqlx::query_as::<_, ResourceRow>(sqlx::AssertSqlSafe(res_sql.as_str()));
            for id in &ids {
                q = q.bind(*id);
            }
            let res = q.fetch_all(&mut *c).await?;
            (kw, gr, res)
        });
        for (id, lang, k) in kw {
            let entry = keywords.entry(id).or_default();
            if lang == "fr" {
                entry.1.push(k)
            } else {
                entry.0.push(k)
            }
        }
        for g in gr {
            groups.entry(g.dataset_id).or_default().push(GroupRow {
                id: g.id,
                name: g.name,
                title_en: g.title_en,
                title_fr: g.title_fr,
                description_en: g.description_en,
                description_fr: g.description_fr,
                created_at: g.created_at,
            });
        }
        for r in res {
            resources.entry(r.dataset_id).or_default().push(r);
        }
    }
    for row in &rows {
        if !organizations.contains_key(&row.organization_id) {
            let org = orgs::find(db, row.organization_id).await?.ok_or_else(|| {
                Error::internal(anyhow::anyhow!("dataset {} has no organization", row.name))
            })?;
            organizations.insert(org.id, org);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let (keywords_en, keywords_fr) = keywords.remove(&row.id).unwrap_or_default();
            Dataset {
                organization: organizations[&row.organization_id].clone(),
                groups: groups.remove(&row.id).unwrap_or_default(),
                resources: resources.remove(&row.id).unwrap_or_default(),
                keywords_en,
                keywords_fr,
                row,
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct GroupOf {
    dataset_id: Uuid,
    id: Uuid,
    name: String,
    title_en: String,
    title_fr: String,
    description_en: String,
    description_fr: String,
    created_at: OffsetDateTime,
}

/// Loads datasets by id, in the order given; missing ids are skipped.
pub async fn load_ids(db: &Db, ids: &[Uuid]) -> Result<Vec<Dataset>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {DATASET_COLUMNS} FROM datasets WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut found: Vec<DatasetRow> = read!(db, |c| {
            let mut q = sqlx::query_as::<_, DatasetRow>(sqlx::AssertSqlSafe(sql.as_str()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await?
        });
        let order: HashMap<Uuid, usize> =
            chunk.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        found.sort_by_key(|r| order[&r.id]);
        rows.extend(found);
    }
    load(db, rows).await
}

/// Names of public, active datasets, sorted (CKAN's `package_list`).
pub async fn public_names(db: &Db, limit: i64, offset: i64) -> Result<Vec<String>> {
    Ok(read!(db, |c| {
        sqlx::query_scalar("SELECT name FROM datasets WHERE state = 'active' AND private = FALSE ORDER BY name LIMIT $1 OFFSET $2")
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Datasets that are not deleted, in keyset order of id, for search indexing and exports.
pub async fn rows_after(db: &Db, after: Option<Uuid>, batch: i64) -> Result<Vec<DatasetRow>> {
    Ok(read!(db, |c| sqlx::query_as::<_, DatasetRow>(sql!(
        "SELECT ",
        DATASET_COLUMNS,
        " FROM datasets WHERE id > $1 AND state <> 'deleted' ORDER BY id LIMIT $2"
    ))
    .bind(after.unwrap_or(Uuid::nil()))
    .bind(batch)
    .fetch_all(&mut *c)
    .await?))
}

/// Public datasets changed at or after `since`, newest last, with their total count.
pub async fn public_modified_since(
    db: &Db,
    since: OffsetDateTime,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DatasetRow>, i64)> {
    const SINCE: &str = sql!(
        "SELECT ",
        DATASET_COLUMNS,
        " FROM datasets WHERE state = 'active' AND private = FALSE AND metadata_modified >= $1 ORDER BY metadata_modified, id LIMIT $2 OFFSET $3"
    );
    Ok(read!(db, |c| {
        let rows = sqlx::query_as::<_, DatasetRow>(SINCE)
            .bind(since)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM datasets WHERE state = 'active' AND private = FALSE AND metadata_modified >= $1")
            .bind(since)
            .fetch_one(&mut *c)
            .await?;
        (rows, total)
    }))
}

/// The most recently changed public datasets, optionally of one organization.
pub async fn recent_public(
    db: &Db,
    organization: Option<Uuid>,
    limit: i64,
) -> Result<Vec<DatasetRow>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, DatasetRow>(sql!(
        "SELECT ",
        DATASET_COLUMNS,
        " FROM datasets WHERE state = 'active' AND private = FALSE AND ($1 OR organization_id = $2) ORDER BY metadata_modified DESC, id DESC LIMIT $3"
    ))
    .bind(organization.is_none())
    .bind(organization.unwrap_or(Uuid::nil()))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?
    }))
}

pub async fn count_all(db: &Db) -> Result<i64> {
    Ok(read!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM datasets"
    )
    .fetch_one(&mut *c)
    .await?))
}

pub async fn access_history(db: &Db, dataset_id: Uuid) -> Result<Vec<AccessChange>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, AccessChange>(
        "SELECT id, dataset_id, at, access_level, exemption, planned_open_date, actor_label FROM access_history WHERE dataset_id = $1 ORDER BY at"
    )
    .bind(dataset_id)
    .fetch_all(&mut *c)
    .await?
    }))
}

pub async fn groups(db: &Db) -> Result<Vec<GroupRow>> {
    Ok(read!(db, |c| {
        sqlx::query_as::<_, GroupRow>(
        "SELECT id, name, title_en, title_fr, description_en, description_fr, created_at FROM catalogue_groups ORDER BY name"
    )
    .fetch_all(&mut *c)
    .await?
    }))
}

pub async fn resource(db: &Db, id: Uuid) -> Result<Option<ResourceRow>> {
    Ok(read!(db, |c| sqlx::query_as::<_, ResourceRow>(sql!(
        "SELECT ",
        RESOURCE_COLUMNS,
        " FROM resources WHERE id = $1 AND state = 'active'"
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?))
}

/// Keyword counts over public datasets (CKAN's `tag_list`).
pub async fn keyword_list(db: &Db, query: &str) -> Result<Vec<String>> {
    let pattern = format!("%{}%", query.to_lowercase());
    Ok(read!(db, |c| {
        sqlx::query_scalar(
        "SELECT DISTINCT k.keyword FROM dataset_keywords k JOIN datasets d ON d.id = k.dataset_id \
         WHERE d.state = 'active' AND d.private = FALSE AND ($1 = '%%' OR LOWER(k.keyword) LIKE $1) ORDER BY k.keyword"
    )
    .bind(&pattern)
    .fetch_all(&mut *c)
    .await?
    }))
}

/// Counts of public datasets per organization.
pub async fn counts_by_organization(db: &Db) -> Result<HashMap<Uuid, i64>> {
    let rows: Vec<(Uuid, i64)> = read!(db, |c| {
        sqlx::query_as("SELECT organization_id, COUNT(*) FROM datasets WHERE state = 'active' AND private = FALSE GROUP BY organization_id")
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows.into_iter().collect())
}

// ---- writing ----

const GROUP: Audited = Audited::new("group", "group");
const DATASET: Audited = Audited::new("dataset", "dataset");
const RESOURCE: Audited = Audited::new("resource", "resource");

/// Binds a dataset's [`DATASET_EDITABLE_COLUMNS`] in order, with `$modified` as its
/// `metadata_modified`: the same binds for the INSERT and the UPDATE.
macro_rules! bind_editable {
    ($query:expr, $input:expr, $modified:expr) => {{
        let input: &DatasetInput = $input;
        $query
            .bind(&input.name)
            .bind_bilingual((&input.title_en, &input.title_fr))
            .bind_bilingual((&input.notes_en, &input.notes_fr))
            .bind(input.organization_id)
            .bind(&input.license_id)
            .bind(&input.url)
            .bind(&input.version)
            .bind(&input.author)
            .bind(&input.author_email)
            .bind(&input.maintainer)
            .bind(&input.maintainer_email)
            .bind_bilingual((&input.maintainer_branch_en, &input.maintainer_branch_fr))
            .bind(&input.update_frequency)
            .bind_bilingual((&input.geographic_coverage_en, &input.geographic_coverage_fr))
            .bind(&input.geographic_granularity)
            .bind(input.temporal_start)
            .bind(input.temporal_end)
            .bind(&input.access_level)
            .bind(&input.exemption)
            .bind_bilingual((&input.exemption_rationale_en, &input.exemption_rationale_fr))
            .bind(input.planned_open_date)
            .bind(input.opened_date)
            .bind(input.current_as_of)
            .bind(&input.state)
            .bind(input.private)
            .bind(Json(&input.extras))
            .bind($modified)
    }};
}

async fn ensure_group(tx: &mut Tx, name: &str) -> Result<Uuid> {
    let existing: Option<Uuid> = exec!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM catalogue_groups WHERE name = $1"
    )
    .bind(name)
    .fetch_optional(&mut *c)
    .await?);
    if let Some(id) = existing {
        return Ok(id);
    }
    Err(Error::Validation(vec![FieldError::with(
        "groups",
        Msg::new("catalogue-error-group").arg("name", name),
    )]))
}

pub async fn create_group(
    tx: &mut Tx,
    actor: &Actor,
    name: &str,
    title_en: &str,
    title_fr: &str,
) -> Result<Uuid> {
    if !valid_name(name) {
        return Err(Error::field("name", "catalogue-error-name"));
    }
    let id = Uuid::now_v7();
    exec!(tx, |c| {
        sqlx::query("INSERT INTO catalogue_groups (id, name, title_en, title_fr, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(name)
        .bind_bilingual((title_en, title_fr))
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("name", "catalogue-error-name-taken"))?;
    tx.audit_created(actor, GROUP, id, &name).await?;
    Ok(id)
}

/// Creates a dataset (and its resources when given).
pub async fn create(tx: &mut Tx, actor: &Actor, mut input: DatasetInput) -> Result<Uuid> {
    input.normalize();
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = Uuid::now_v7();
    let at = now();
    let created = input.metadata_created.unwrap_or(at);
    let modified = input.metadata_modified.unwrap_or(at);
    if input.access_level == "open" && input.opened_date.is_none() {
        input.opened_date = Some(created.date());
    }
    exec!(tx, |c| {
        let query = sqlx::query(sql!(
            "INSERT INTO datasets (",
            DATASET_COLUMNS,
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, \
             $28, $29, $30, $31, $32, $33, $34, $35)"
        ))
        .bind(id);
        let query = bind_editable!(query, &input, modified);
        query
            .bind(actor.user_id)
            .bind(created)
            .execute(&mut *c)
            .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("name", "catalogue-error-name-taken"))?;
    let taken: Option<Uuid> = exec!(tx, |c| sqlx::query_scalar(
        "SELECT dataset_id FROM dataset_names WHERE name = $1"
    )
    .bind(&input.name)
    .fetch_optional(&mut *c)
    .await?);
    if taken.is_some() {
        return Err(Error::field("name", "catalogue-error-name-taken"));
    }
    exec!(tx, |c| sqlx::query(
        "INSERT INTO dataset_names (name, dataset_id) VALUES ($1, $2)"
    )
    .bind(&input.name)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    write_children(tx, id, &input).await?;
    record_access(tx, actor, id, &input, created).await?;
    tx.audit_created(actor, DATASET, id, &input).await?;
    tx.changed("dataset", &id.to_string()).await?;
    Ok(id)
}

async fn write_children(tx: &mut Tx, id: Uuid, input: &DatasetInput) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM dataset_keywords WHERE dataset_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM dataset_groups WHERE dataset_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    for (lang, list) in [("en", &input.keywords_en), ("fr", &input.keywords_fr)] {
        for k in list {
            exec!(tx, |c| {
                sqlx::query("INSERT INTO dataset_keywords (dataset_id, lang, keyword) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(lang)
                .bind(k)
                .execute(&mut *c)
                .await?
                .rows_affected()
            });
        }
    }
    for name in &input.groups {
        let group = ensure_group(tx, name).await?;
        exec!(tx, |c| {
            sqlx::query("INSERT INTO dataset_groups (dataset_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(group)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    if let Some(resources) = &input.resources {
        let keep: Vec<Uuid> = resources.iter().filter_map(|r| r.id).collect();
        let existing: Vec<Uuid> = exec!(tx, |c| sqlx::query_scalar(
            "SELECT id FROM resources WHERE dataset_id = $1 AND state = 'active'"
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?);
        for gone in existing.iter().filter(|e| !keep.contains(e)) {
            exec!(tx, |c| sqlx::query(
                "UPDATE resources SET state = 'deleted', metadata_modified = $1 WHERE id = $2"
            )
            .bind(now())
            .bind(*gone)
            .execute(&mut *c)
            .await?
            .rows_affected());
        }
        for (position, r) in resources.iter().enumerate() {
            match r.id.filter(|rid| existing.contains(rid)) {
                Some(rid) => update_resource_row(tx, rid, position as i64, r).await?,
                None => {
                    insert_resource_row(tx, id, position as i64, r).await?;
                }
            }
        }
    }
    Ok(())
}

async fn record_access(
    tx: &mut Tx,
    actor: &Actor,
    dataset: Uuid,
    input: &DatasetInput,
    at: OffsetDateTime,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO access_history (id, dataset_id, at, access_level, exemption, planned_open_date, actor_label) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(Uuid::now_v7())
    .bind(dataset)
    .bind(at)
    .bind(&input.access_level)
    .bind(&input.exemption)
    .bind(input.planned_open_date)
    .bind(&actor.label)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Replaces a dataset with `input` (CKAN's `package_update`); resources are replaced only when
/// `input.resources` is given.
pub async fn update(
    tx: &mut Tx,
    actor: &Actor,
    before: &Dataset,
    mut input: DatasetInput,
) -> Result<()> {
    input.normalize();
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let id = before.row.id;
    let at = now();
    let renamed = input.name != before.row.name;
    if renamed {
        let owner: Option<Uuid> = exec!(tx, |c| sqlx::query_scalar(
            "SELECT dataset_id FROM dataset_names WHERE name = $1"
        )
        .bind(&input.name)
        .fetch_optional(&mut *c)
        .await?);
        if owner.is_some_and(|o| o != id) {
            return Err(Error::field("name", "catalogue-error-name-taken"));
        }
    }
    if input.access_level == "open" && input.opened_date.is_none() {
        input.opened_date = before.row.opened_date.or(Some(at.date()));
    }
    exec!(tx, |c| {
        let query = sqlx::query(sql!(
            "UPDATE datasets SET (",
            DATASET_EDITABLE_COLUMNS,
            ") = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, \
             $29, $30, $31, $32, $33) WHERE id = $1"
        ))
        .bind(id);
        let query = bind_editable!(query, &input, input.metadata_modified.unwrap_or(at));
        query
            .execute(&mut *c)
            .await
        .map(|r| r.rows_affected())
    })
    .on_unique(|_| Error::field("name", "catalogue-error-name-taken"))?;
    if renamed {
        exec!(tx, |c| {
            sqlx::query("INSERT INTO dataset_names (name, dataset_id) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(&input.name)
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
        });
    }
    write_children(tx, id, &input).await?;
    let access_changed = input.access_level != before.row.access_level.as_str()
        || input.exemption != before.row.exemption.as_str()
        || input.planned_open_date != before.row.planned_open_date;
    if access_changed {
        record_access(tx, actor, id, &input, at).await?;
    }
    let verb = if access_changed {
        "update.access"
    } else {
        "update"
    };
    tx.audit_as(
        actor,
        DATASET,
        verb,
        id,
        Some(&DatasetInput::from_dataset(before)),
        Some(&input),
    )
    .await?;
    tx.changed("dataset", &id.to_string()).await?;
    Ok(())
}

/// Marks a dataset deleted (CKAN's soft delete): it leaves every public listing.
pub async fn delete(tx: &mut Tx, actor: &Actor, dataset: &Dataset) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "UPDATE datasets SET state = 'deleted', metadata_modified = $1 WHERE id = $2"
    )
    .bind(now())
    .bind(dataset.row.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_deleted(actor, DATASET, dataset.row.id, &dataset.row.name)
        .await?;
    tx.changed("dataset", &dataset.row.id.to_string()).await
}

async fn insert_resource_row(
    tx: &mut Tx,
    dataset: Uuid,
    position: i64,
    r: &ResourceInput,
) -> Result<Uuid> {
    let id = r.id.unwrap_or_else(Uuid::now_v7);
    let at = now();
    exec!(tx, |c| {
        sqlx::query(sql!(
            "INSERT INTO resources (",
            RESOURCE_COLUMNS,
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'active', FALSE, $20, $21, $21, $21)"
        ))
    .bind(id)
    .bind(dataset)
    .bind(position)
    .bind_bilingual((&r.name_en, &r.name_fr))
    .bind_bilingual((&r.description_en, &r.description_fr))
    .bind(&r.url)
    .bind(&r.url_type)
    .bind(&r.file_key)
    .bind(r.format.trim().to_uppercase())
    .bind(&r.mimetype)
    .bind(r.size)
    .bind(&r.hash)
    .bind(if r.resource_type.is_empty() { "data" } else { r.resource_type.as_str() })
    .bind(if r.language.is_empty() { "english_and_french" } else { r.language.as_str() })
    .bind(r.data_range_start)
    .bind(r.data_range_end)
    .bind(r.data_last_updated)
    .bind(Json(&r.extras))
    .bind(at)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(id)
}

async fn update_resource_row(
    tx: &mut Tx,
    id: Uuid,
    position: i64,
    r: &ResourceInput,
) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "UPDATE resources SET position = $2, name_en = $3, name_fr = $4, description_en = $5, description_fr = $6, url = $7, url_type = $8, \
         file_key = COALESCE($9, file_key), format = $10, mimetype = $11, size = COALESCE($12, size), hash = $13, resource_type = $14, language = $15, \
         data_range_start = $16, data_range_end = $17, data_last_updated = $18, extras = $19, last_modified = $20, metadata_modified = $20 WHERE id = $1"
    )
    .bind(id)
    .bind(position)
    .bind_bilingual((&r.name_en, &r.name_fr))
    .bind_bilingual((&r.description_en, &r.description_fr))
    .bind(&r.url)
    .bind(&r.url_type)
    .bind(&r.file_key)
    .bind(r.format.trim().to_uppercase())
    .bind(&r.mimetype)
    .bind(r.size)
    .bind(&r.hash)
    .bind(if r.resource_type.is_empty() { "data" } else { r.resource_type.as_str() })
    .bind(if r.language.is_empty() { "english_and_french" } else { r.language.as_str() })
    .bind(r.data_range_start)
    .bind(r.data_range_end)
    .bind(r.data_last_updated)
    .bind(Json(&r.extras))
    .bind(now())
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

async fn touch(tx: &mut Tx, dataset: Uuid) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "UPDATE datasets SET metadata_modified = $1 WHERE id = $2"
    )
    .bind(now())
    .bind(dataset)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.changed("dataset", &dataset.to_string()).await
}

/// Adds a resource at the end of a dataset's list.
pub async fn create_resource(
    tx: &mut Tx,
    actor: &Actor,
    dataset: &Dataset,
    input: ResourceInput,
) -> Result<Uuid> {
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let position = dataset.resources.len() as i64;
    let id = insert_resource_row(tx, dataset.row.id, position, &input).await?;
    tx.audit_created(actor, RESOURCE, id, &input).await?;
    touch(tx, dataset.row.id).await?;
    Ok(id)
}

pub async fn update_resource(
    tx: &mut Tx,
    actor: &Actor,
    before: &ResourceRow,
    input: ResourceInput,
) -> Result<()> {
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    update_resource_row(tx, before.id, before.position, &input).await?;
    tx.audit_updated(actor, RESOURCE, before.id, before, &input)
        .await?;
    touch(tx, before.dataset_id).await
}

pub async fn delete_resource(tx: &mut Tx, actor: &Actor, before: &ResourceRow) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "UPDATE resources SET state = 'deleted', metadata_modified = $1 WHERE id = $2"
    )
    .bind(now())
    .bind(before.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.audit_deleted(actor, RESOURCE, before.id, before).await?;
    touch(tx, before.dataset_id).await
}

/// Marks whether a resource's table is in the datastore.
pub async fn set_datastore_active(tx: &mut Tx, resource: Uuid, active: bool) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "UPDATE resources SET datastore_active = $1 WHERE id = $2"
    )
    .bind(active)
    .bind(resource)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

impl ResourceInput {
    pub fn from_row(r: &ResourceRow) -> ResourceInput {
        ResourceInput {
            id: Some(r.id),
            name_en: r.name_en.clone(),
            name_fr: r.name_fr.clone(),
            description_en: r.description_en.clone(),
            description_fr: r.description_fr.clone(),
            url: r.url.clone(),
            url_type: r.url_type.clone(),
            file_key: r.file_key.clone(),
            format: r.format.clone(),
            mimetype: r.mimetype.clone(),
            size: r.size,
            hash: r.hash.clone(),
            resource_type: r.resource_type.clone(),
            language: r.language.clone(),
            data_range_start: r.data_range_start,
            data_range_end: r.data_range_end,
            data_last_updated: r.data_last_updated,
            extras: r.extras.0.clone(),
        }
    }
}
