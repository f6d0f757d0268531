//! The data dictionary of a table: each column's type (inferred, or chosen by an editor, which
//! reloads the file with it) and its bilingual label and description; exported as a Frictionless
//! Table Schema at `/datastore/schema/{resource}.json`.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use catalogue::model::{DatasetRow, ResourceRow};
use platform::auth::CurrentUser;
use platform::web::{CsrfForm, FormErrors, RequestContext, ShownError, render, see_other};
use platform::{Error, Lang, Page, Platform, Result};

use crate::load;
use crate::pages::{api_error, data_path, type_label};
use crate::store::{self, ColumnInfo, Dictionary};
use crate::types::ColumnType;

pub fn pages() -> Router {
    Router::new().route(
        "/dataset/{dataset}/resource/{resource}/dictionary",
        get(dictionary_page).post(save_dictionary),
    )
}

pub fn routes() -> Router {
    Router::new().route("/datastore/schema/{file}", get(table_schema))
}

pub fn dictionary_path(dataset: &str, resource: uuid::Uuid) -> String {
    format!("/dataset/{dataset}/resource/{resource}/dictionary")
}

pub struct ColumnRow {
    pub index: usize,
    pub name: String,
    pub inferred: String,
    pub chosen: String,
    pub label: String,
    pub description: String,
    pub info: ColumnInfo,
}

pub struct TypeOption {
    pub value: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "datastore/dictionary.html")]
struct DictionaryPage {
    page: Page,
    resource_id: String,
    data_href: String,
    columns: Vec<ColumnRow>,
    types: Vec<TypeOption>,
    can_edit: bool,
    errors: FormErrors,
}

/// The columns as loaded (the current version's report), with the dictionary's entries.
async fn columns(platform: &Platform, r: &ResourceRow, lang: Lang) -> Result<Vec<ColumnRow>> {
    let dict = store::dictionary(&platform.db, r.id).await?;
    let Some(load) = store::current(&platform.db, r.id).await? else {
        return Ok(Vec::new());
    };
    Ok(load
        .report
        .0
        .columns
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let info = dict.columns.get(&c.name).cloned().unwrap_or_default();
            ColumnRow {
                index,
                name: c.name.clone(),
                inferred: type_label(lang, c.inferred.unwrap_or(c.column_type)),
                chosen: info
                    .type_override
                    .map(|t| t.as_str())
                    .unwrap_or("")
                    .to_string(),
                label: platform::Bilingual::new(&info.label_en, &info.label_fr)
                    .get(lang)
                    .to_string(),
                description: platform::Bilingual::new(&info.description_en, &info.description_fr)
                    .get(lang)
                    .to_string(),
                info,
            }
        })
        .collect())
}

async fn find(
    platform: &Platform,
    ctx: &RequestContext,
    dataset: &str,
    resource: &str,
) -> Result<(ResourceRow, DatasetRow)> {
    let (r, d) = crate::api::readable(platform, ctx.user.as_ref(), resource)
        .await
        .map_err(api_error)?;
    if d.name != dataset && d.id.to_string() != dataset {
        return Err(Error::NotFound);
    }
    Ok((r, d))
}

fn can_edit(user: Option<&CurrentUser>, d: &DatasetRow) -> bool {
    user.is_some_and(|u| u.can_edit_for(d.organization_id))
}

async fn view(
    platform: &Platform,
    page: Page,
    ctx: &RequestContext,
    r: &ResourceRow,
    d: &DatasetRow,
    errors: FormErrors,
) -> Result<DictionaryPage> {
    let datasets = page.t("catalogue-datasets");
    let dataset_title = d.title().get(page.lang).to_string();
    let name = r.name().get(page.lang).to_string();
    let resource_title = if name.is_empty() {
        r.id.to_string()
    } else {
        name
    };
    let title = page.t1("datastore-dictionary-title", "name", &resource_title);
    let dictionary = page.t("datastore-dictionary");
    let page = page
        .with_title(title)
        .crumb(datasets, "/dataset")
        .crumb(dataset_title, &format!("/dataset/{}", d.name))
        .crumb(resource_title, &data_path(&d.name, r.id))
        .crumb(dictionary, &dictionary_path(&d.name, r.id));
    let mut types = vec![TypeOption {
        value: "",
        label: page.t("datastore-type-inferred"),
    }];
    types.extend(ColumnType::ALL.iter().map(|t| TypeOption {
        value: t.as_str(),
        label: type_label(page.lang, *t),
    }));
    Ok(DictionaryPage {
        columns: columns(platform, r, page.lang).await?,
        data_href: page.url(&data_path(&d.name, r.id)),
        resource_id: r.id.to_string(),
        can_edit: can_edit(ctx.user.as_ref(), d),
        types,
        errors,
        page,
    })
}

async fn dictionary_page(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    Path((dataset, resource)): Path<(String, String)>,
) -> Result<Response> {
    let (r, d) = find(&platform, &ctx, &dataset, &resource).await?;
    render(&view(&platform, page, &ctx, &r, &d, FormErrors::default()).await?)
}

/// Saves the dictionary; a changed type reloads the file so that the new version has it.
async fn save_dictionary(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    Path((dataset, resource)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response> {
    let (r, d) = find(&platform, &ctx, &dataset, &resource).await?;
    let Some(user) = ctx
        .user
        .clone()
        .filter(|u| u.can_edit_for(d.organization_id))
    else {
        return Err(Error::forbidden("datastore-error-not-editor"));
    };
    let before = store::dictionary(&platform.db, r.id).await?;
    let rows = columns(&platform, &r, page.lang).await?;
    let get = |k: String| {
        form.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut dict = Dictionary {
        columns: Default::default(),
        primary_key: before.primary_key.clone(),
    };
    let mut errors = Vec::new();
    for c in &rows {
        let chosen = get(format!("type.{}", c.index));
        let type_override = match chosen.as_str() {
            "" => None,
            t => match ColumnType::parse(t) {
                Some(t) => Some(t),
                None => {
                    errors.push(ShownError {
                        field: format!("type-{}", c.index),
                        message: page
                            .lang
                            .t_args("datastore-error-type", &[("column", c.name.clone())]),
                    });
                    None
                }
            },
        };
        let info = ColumnInfo {
            type_override,
            label_en: get(format!("label_en.{}", c.index)),
            label_fr: get(format!("label_fr.{}", c.index)),
            description_en: get(format!("description_en.{}", c.index)),
            description_fr: get(format!("description_fr.{}", c.index)),
        };
        if info != ColumnInfo::default() {
            dict.columns.insert(c.name.clone(), info);
        }
    }
    if !errors.is_empty() {
        let v = view(&platform, page, &ctx, &r, &d, FormErrors(errors)).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&v)?).into_response());
    }
    let mut tx = platform.db.begin().await?;
    store::set_dictionary(&mut tx, &user.actor(), r.id, &dict).await?;
    tx.commit().await?;
    let notice = if dict.overrides() != before.overrides()
        && load::enqueue(&platform, &user.actor(), &r).await?.is_some()
    {
        "notice-datastore-dictionary-reloading"
    } else {
        "notice-datastore-dictionary-saved"
    };
    Ok(see_other(&format!(
        "{}?notice={notice}",
        page.url(&dictionary_path(&d.name, r.id))
    )))
}

/// `/datastore/schema/{resource}.json`: the Frictionless Table Schema of the current version.
async fn table_schema(
    platform: Platform,
    ctx: RequestContext,
    Path(file): Path<String>,
) -> Result<Response> {
    let id = file.strip_suffix(".json").ok_or(Error::NotFound)?;
    let (r, _) = crate::api::readable(&platform, ctx.user.as_ref(), id)
        .await
        .map_err(api_error)?;
    let load = store::current(&platform.db, r.id)
        .await?
        .ok_or(Error::NotFound)?;
    let dict = store::dictionary(&platform.db, r.id).await?;
    let mut fields = vec![
        json!({"name": crate::ingest::ID_COLUMN, "type": "integer", "constraints": {"required": true, "unique": true}}),
    ];
    for c in &load.report.0.columns {
        let info = dict.columns.get(&c.name).cloned().unwrap_or_default();
        let mut f = json!({"name": c.name, "type": c.column_type.frictionless()});
        let set = |f: &mut Value, k: &str, v: &str| {
            if !v.is_empty() {
                f[k] = json!(v);
            }
        };
        set(&mut f, "title", &info.label_en);
        set(&mut f, "description", &info.description_en);
        set(&mut f, "title_fr", &info.label_fr);
        set(&mut f, "description_fr", &info.description_fr);
        fields.push(f);
    }
    let mut schema = json!({"fields": fields, "missingValues": [""]});
    if dict.primary_key.is_empty() {
        schema["primaryKey"] = json!([crate::ingest::ID_COLUMN]);
    } else {
        schema["primaryKey"] = json!(dict.primary_key);
    }
    Ok(axum::Json(schema).into_response())
}
