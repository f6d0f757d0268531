//! The catalogue as linked data: DCAT-AP 3 in Turtle, JSON-LD and RDF/XML (the whole catalogue,
//! paged, and each dataset), and DCAT-US 1.1 `data.json`. Only public datasets appear.

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use oxrdfio::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use platform::{Error, Platform, Result};

use crate::model::{AccessLevel, Dataset, licence};
use crate::store;

pub const PAGE_SIZE: i64 = 100;

pub fn routes() -> Router {
    Router::new()
        .route(
            "/catalog.ttl",
            get(|p: Platform, q: Query<CatalogQuery>| catalog(p, q, Format::Turtle)),
        )
        .route(
            "/catalog.jsonld",
            get(|p: Platform, q: Query<CatalogQuery>| catalog(p, q, Format::JsonLd)),
        )
        .route(
            "/catalog.rdf",
            get(|p: Platform, q: Query<CatalogQuery>| catalog(p, q, Format::RdfXml)),
        )
        .route("/dataset/{file}", get(dataset))
        .route("/data.json", get(data_json))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Turtle,
    JsonLd,
    RdfXml,
}

impl Format {
    fn rdf(self) -> RdfFormat {
        match self {
            Format::Turtle => RdfFormat::Turtle,
            Format::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
            Format::RdfXml => RdfFormat::RdfXml,
        }
    }
    fn media_type(self) -> &'static str {
        match self {
            Format::Turtle => "text/turtle; charset=utf-8",
            Format::JsonLd => "application/ld+json",
            Format::RdfXml => "application/rdf+xml",
        }
    }
    fn extension(self) -> &'static str {
        match self {
            Format::Turtle => "ttl",
            Format::JsonLd => "jsonld",
            Format::RdfXml => "rdf",
        }
    }
}

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const EU: &str = "http://publications.europa.eu/resource/authority/";

fn n(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// An IRI from text, when it is a valid absolute one.
fn iri(s: &str) -> Option<NamedNode> {
    let s = s.trim();
    (s.starts_with("http://") || s.starts_with("https://") || s.starts_with("mailto:"))
        .then(|| NamedNode::new(s).ok())
        .flatten()
}

struct Graph {
    triples: Vec<Triple>,
}

impl Graph {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNode, o: impl Into<Term>) {
        self.triples.push(Triple::new(s, p, o));
    }
    fn typed(&mut self, s: impl Into<NamedOrBlankNode> + Clone, class: NamedNode) {
        self.add(s, rdf::TYPE.into_owned(), class);
    }
    fn text(&mut self, s: &NamedNode, p: NamedNode, en: &str, fr: &str) {
        for (lang, v) in [("en", en), ("fr", fr)] {
            if !v.trim().is_empty() {
                self.add(
                    s.clone(),
                    p.clone(),
                    Literal::new_language_tagged_literal_unchecked(v.trim(), lang),
                );
            }
        }
    }
    fn time(&mut self, s: &NamedNode, p: NamedNode, t: OffsetDateTime) {
        let value = t
            .to_offset(time::UtcOffset::UTC)
            .replace_nanosecond(0)
            .unwrap_or(t)
            .format(&Rfc3339)
            .unwrap_or_default();
        self.add(
            s.clone(),
            p,
            Literal::new_typed_literal(value, xsd::DATE_TIME),
        );
    }
    fn serialize(mut self, format: Format) -> Result<Vec<u8>> {
        // Grouped by subject, so that Turtle writes each resource once.
        self.triples.sort_by_key(|t| t.subject.to_string());
        self.triples.dedup();
        let mut serializer = RdfSerializer::from_format(format.rdf());
        for (prefix, ns) in [
            ("dcat", DCAT),
            ("dct", DCT),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("hydra", HYDRA),
            ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ] {
            serializer = serializer
                .with_prefix(prefix, ns)
                .map_err(Error::internal)?;
        }
        let mut writer = serializer.for_writer(Vec::new());
        for t in &self.triples {
            writer.serialize_triple(t).map_err(Error::internal)?;
        }
        writer.finish().map_err(Error::internal)
    }
}

fn frequency(value: &str) -> &'static str {
    match value {
        "daily" => "DAILY",
        "weekly" => "WEEKLY",
        "monthly" => "MONTHLY",
        "quarterly" => "QUARTERLY",
        "biannually" => "ANNUAL_2",
        "yearly" => "ANNUAL",
        "quinquennial" => "QUINQUENNIAL",
        "current" => "CONT",
        "never" | "historical" => "NEVER",
        "as_required" | "on_demand" => "IRREG",
        _ => "OTHER",
    }
}

fn file_type(format: &str) -> Option<&'static str> {
    Some(match format.trim().to_ascii_uppercase().as_str() {
        "CSV" => "CSV",
        "TSV" => "TSV",
        "JSON" => "JSON",
        "GEOJSON" => "GEOJSON",
        "XLSX" => "XLSX",
        "XLS" => "XLS",
        "ODS" => "ODS",
        "PDF" => "PDF",
        "XML" => "XML",
        "ZIP" => "ZIP",
        "HTML" => "HTML",
        "TXT" => "TXT",
        "SHP" => "SHP",
        "KML" => "KML",
        "PARQUET" => "PARQUET",
        "DOCX" => "DOCX",
        _ => return None,
    })
}

/// Adds one dataset, its publisher and distributions to the graph; returns its IRI.
fn add_dataset(g: &mut Graph, d: &Dataset, base: &str) -> NamedNode {
    let r = &d.row;
    let ds = NamedNode::new_unchecked(format!("{base}/dataset/{}", r.id));
    g.typed(ds.clone(), n(DCAT, "Dataset"));
    g.add(
        ds.clone(),
        n(DCT, "identifier"),
        Literal::new_simple_literal(r.id.to_string()),
    );
    g.text(&ds, n(DCT, "title"), &r.title_en, &r.title_fr);
    // DCAT-AP requires a description; a holding with none is described by its title.
    let (den, dfr) = if r.notes_en.trim().is_empty() && r.notes_fr.trim().is_empty() {
        (&r.title_en, &r.title_fr)
    } else {
        (&r.notes_en, &r.notes_fr)
    };
    g.text(&ds, n(DCT, "description"), den, dfr);
    for k in &d.keywords_en {
        g.add(
            ds.clone(),
            n(DCAT, "keyword"),
            Literal::new_language_tagged_literal_unchecked(k, "en"),
        );
    }
    for k in &d.keywords_fr {
        g.add(
            ds.clone(),
            n(DCAT, "keyword"),
            Literal::new_language_tagged_literal_unchecked(k, "fr"),
        );
    }
    let publisher =
        NamedNode::new_unchecked(format!("{base}/organization/{}", d.organization.slug));
    g.typed(publisher.clone(), n(FOAF, "Agent"));
    g.text(
        &publisher,
        n(FOAF, "name"),
        &d.organization.title_en,
        &d.organization.title_fr,
    );
    g.add(ds.clone(), n(DCT, "publisher"), publisher);
    g.time(&ds, n(DCT, "issued"), r.metadata_created);
    g.time(&ds, n(DCT, "modified"), r.metadata_modified);
    let rights = if r.access_level == AccessLevel::Open {
        "PUBLIC"
    } else {
        "NON_PUBLIC"
    };
    let access = n(EU, &format!("access-right/{rights}"));
    g.typed(access.clone(), n(DCT, "RightsStatement"));
    g.add(ds.clone(), n(DCT, "accessRights"), access);
    if !r.exemption_rationale_en.trim().is_empty() || !r.exemption_rationale_fr.trim().is_empty() {
        let statement = BlankNode::default();
        g.typed(statement.clone(), n(DCT, "RightsStatement"));
        for (lang, v) in [
            ("en", &r.exemption_rationale_en),
            ("fr", &r.exemption_rationale_fr),
        ] {
            if !v.trim().is_empty() {
                g.add(
                    statement.clone(),
                    n("http://www.w3.org/2000/01/rdf-schema#", "label"),
                    Literal::new_language_tagged_literal_unchecked(v.trim(), lang),
                );
            }
        }
        g.add(ds.clone(), n(DCT, "rights"), statement);
    }
    let freq = n(EU, &format!("frequency/{}", frequency(&r.update_frequency)));
    g.typed(freq.clone(), n(DCT, "Frequency"));
    g.add(ds.clone(), n(DCT, "accrualPeriodicity"), freq);
    let landing = NamedNode::new_unchecked(format!("{base}/en/dataset/{}", r.name));
    g.typed(landing.clone(), n(FOAF, "Document"));
    g.add(ds.clone(), n(DCAT, "landingPage"), landing.clone());
    if !r.maintainer.is_empty() || !r.maintainer_email.is_empty() {
        let contact = BlankNode::default();
        g.typed(contact.clone(), n(VCARD, "Kind"));
        let name = if r.maintainer.is_empty() {
            &r.maintainer_email
        } else {
            &r.maintainer
        };
        g.add(
            contact.clone(),
            n(VCARD, "fn"),
            Literal::new_simple_literal(name),
        );
        if let Some(mail) = iri(&format!("mailto:{}", r.maintainer_email))
            .filter(|_| !r.maintainer_email.is_empty())
        {
            g.add(contact.clone(), n(VCARD, "hasEmail"), mail);
        }
        g.add(ds.clone(), n(DCAT, "contactPoint"), contact);
    }
    if r.temporal_start.is_some() || r.temporal_end.is_some() {
        let period = BlankNode::default();
        g.typed(period.clone(), n(DCT, "PeriodOfTime"));
        if let Some(s) = r.temporal_start {
            g.add(
                period.clone(),
                n(DCAT, "startDate"),
                Literal::new_typed_literal(s.to_string(), xsd::DATE),
            );
        }
        if let Some(e) = r.temporal_end {
            g.add(
                period.clone(),
                n(DCAT, "endDate"),
                Literal::new_typed_literal(e.to_string(), xsd::DATE),
            );
        }
        g.add(ds.clone(), n(DCT, "temporal"), period);
    }
    let licence = licence(&r.license_id).and_then(|l| iri(l.url));
    for res in &d.resources {
        let dist = NamedNode::new_unchecked(format!("{base}/dataset/{}/resource/{}", r.id, res.id));
        g.typed(dist.clone(), n(DCAT, "Distribution"));
        let url = crate::ckan::public_resource_url(res, r.access_level, base).unwrap_or_default();
        let access_url = iri(&url).unwrap_or_else(|| landing.clone());
        // The shapes check classes without inference: say what the address is.
        g.typed(
            access_url.clone(),
            n("http://www.w3.org/2000/01/rdf-schema#", "Resource"),
        );
        g.add(dist.clone(), n(DCAT, "accessURL"), access_url.clone());
        if iri(&url).is_some() {
            g.add(dist.clone(), n(DCAT, "downloadURL"), access_url);
        }
        g.text(&dist, n(DCT, "title"), &res.name_en, &res.name_fr);
        g.text(
            &dist,
            n(DCT, "description"),
            &res.description_en,
            &res.description_fr,
        );
        if let Some(ft) = file_type(&res.format) {
            let format = n(EU, &format!("file-type/{ft}"));
            g.typed(format.clone(), n(DCT, "MediaTypeOrExtent"));
            g.add(dist.clone(), n(DCT, "format"), format);
        }
        if let Some(l) = &licence {
            g.typed(l.clone(), n(DCT, "LicenseDocument"));
            g.add(dist.clone(), n(DCT, "license"), l.clone());
        }
        if let Some(size) = res.size.filter(|s| *s >= 0) {
            g.add(
                dist.clone(),
                n(DCAT, "byteSize"),
                Literal::new_typed_literal(size.to_string(), xsd::NON_NEGATIVE_INTEGER),
            );
        }
        g.time(&dist, n(DCT, "modified"), res.metadata_modified);
        g.add(ds.clone(), n(DCAT, "distribution"), dist);
    }
    ds
}

#[derive(Deserialize, Default)]
pub struct CatalogQuery {
    page: Option<String>,
    modified_since: Option<String>,
}

fn respond(format: Format, body: Vec<u8>) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    res
}

/// Public datasets changed since `since`, one page of them, and how many there are in all.
async fn public_page(
    platform: &Platform,
    since: Option<OffsetDateTime>,
    page: i64,
) -> Result<(Vec<Dataset>, i64)> {
    let since = since.unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let (rows, total) = store::public_modified_since(
        &platform.db,
        since,
        PAGE_SIZE,
        (page - 1).saturating_mul(PAGE_SIZE),
    )
    .await?;
    Ok((store::load(&platform.db, rows).await?, total))
}

async fn catalog(
    platform: Platform,
    Query(q): Query<CatalogQuery>,
    format: Format,
) -> Result<Response> {
    let page = match q.page.as_deref() {
        None | Some("") => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| Error::field("page", "error-not-a-number"))?,
    };
    let since = match q.modified_since.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            OffsetDateTime::parse(s, &Rfc3339)
                .ok()
                .or_else(|| {
                    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
                        .ok()
                        .map(|d| d.midnight().assume_utc())
                })
                .ok_or_else(|| Error::field("modified_since", "catalogue-error-date"))?,
        ),
    };
    let base = platform.settings.base_url();
    let (datasets, total) = public_page(&platform, since, page).await?;
    let mut g = Graph {
        triples: Vec::new(),
    };
    let cat = NamedNode::new_unchecked(format!("{base}/catalog"));
    g.typed(cat.clone(), n(DCAT, "Catalog"));
    let site = &platform.settings.site;
    g.text(&cat, n(DCT, "title"), &site.name_en, &site.name_fr);
    g.text(
        &cat,
        n(DCT, "description"),
        &format!(
            "The open data catalogue of the {}: every data holding, open or not.",
            site.government_en
        ),
        &format!(
            "Le catalogue de données ouvertes : tous les fonds de données du {}, ouverts ou non.",
            site.government_fr.to_lowercase()
        ),
    );
    let publisher = NamedNode::new_unchecked(format!("{base}/#publisher"));
    g.typed(publisher.clone(), n(FOAF, "Agent"));
    g.text(
        &publisher,
        n(FOAF, "name"),
        &site.government_en,
        &site.government_fr,
    );
    g.add(cat.clone(), n(DCT, "publisher"), publisher);
    let home = NamedNode::new_unchecked(format!("{base}/"));
    g.typed(home.clone(), n(FOAF, "Document"));
    g.add(cat.clone(), n(FOAF, "homepage"), home);
    for d in &datasets {
        let ds = add_dataset(&mut g, d, &base);
        g.add(cat.clone(), n(DCAT, "dataset"), ds);
    }
    // Paging, as CKAN's DCAT extension describes it.
    let last = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let since_q = q
        .modified_since
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            format!(
                "&modified_since={}",
                url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
            )
        })
        .unwrap_or_default();
    let page_iri = |p: i64| {
        NamedNode::new_unchecked(format!(
            "{base}/catalog.{}?page={p}{since_q}",
            format.extension()
        ))
    };
    let view = page_iri(page);
    g.typed(view.clone(), n(HYDRA, "PagedCollection"));
    g.add(
        view.clone(),
        n(HYDRA, "totalItems"),
        Literal::new_typed_literal(total.to_string(), xsd::INTEGER),
    );
    g.add(
        view.clone(),
        n(HYDRA, "itemsPerPage"),
        Literal::new_typed_literal(PAGE_SIZE.to_string(), xsd::INTEGER),
    );
    g.add(
        view.clone(),
        n(HYDRA, "firstPage"),
        Literal::new_simple_literal(page_iri(1).as_str()),
    );
    g.add(
        view.clone(),
        n(HYDRA, "lastPage"),
        Literal::new_simple_literal(page_iri(last).as_str()),
    );
    if page > 1 {
        g.add(
            view.clone(),
            n(HYDRA, "previousPage"),
            Literal::new_simple_literal(page_iri(page - 1).as_str()),
        );
    }
    if page < last {
        g.add(
            view.clone(),
            n(HYDRA, "nextPage"),
            Literal::new_simple_literal(page_iri(page + 1).as_str()),
        );
    }
    Ok(respond(format, g.serialize(format)?))
}

async fn dataset(platform: Platform, Path(file): Path<String>) -> Result<Response> {
    let (name, format) = if let Some(n) = file.strip_suffix(".ttl") {
        (n, Format::Turtle)
    } else if let Some(n) = file.strip_suffix(".jsonld") {
        (n, Format::JsonLd)
    } else if let Some(n) = file.strip_suffix(".rdf") {
        (n, Format::RdfXml)
    } else {
        return Err(Error::NotFound);
    };
    let d = store::get(&platform.db, name)
        .await?
        .filter(|d| d.row.is_public())
        .ok_or(Error::NotFound)?;
    Ok(respond(
        format,
        dataset_document(&d, &platform.settings.base_url(), format)?,
    ))
}

/// One dataset, its publisher and distributions as a DCAT document in `format`; `base` is the
/// site's address, without a trailing slash.
pub fn dataset_document(d: &Dataset, base: &str, format: Format) -> Result<Vec<u8>> {
    let mut g = Graph {
        triples: Vec::new(),
    };
    add_dataset(&mut g, d, base);
    g.serialize(format)
}

/// DCAT-US 1.1 (`data.json`), every public dataset.
async fn data_json(platform: Platform) -> Result<Response> {
    let base = platform.settings.base_url();
    let mut entries = Vec::new();
    let mut page = 1;
    loop {
        let (datasets, total) = public_page(&platform, None, page).await?;
        for d in &datasets {
            let r = &d.row;
            let licence = licence(&r.license_id);
            let en = platform::Lang::En;
            let description = if r.notes().get(en).is_empty() {
                r.title().get(en).to_string()
            } else {
                r.notes().get(en).to_string()
            };
            let rationale =
                platform::Bilingual::new(&r.exemption_rationale_en, &r.exemption_rationale_fr)
                    .get(en)
                    .to_string();
            let contact_name = if r.maintainer.is_empty() {
                d.organization.title_en.clone()
            } else {
                r.maintainer.clone()
            };
            let contact_email = if r.maintainer_email.is_empty() {
                "opendata@ontario.ca".to_string()
            } else {
                r.maintainer_email.clone()
            };
            entries.push(json!({
                "@type": "dcat:Dataset",
                "identifier": r.id,
                "title": r.title().get(platform::Lang::En),
                "description": description,
                "keyword": d.keywords_en.iter().chain(&d.keywords_fr).collect::<Vec<_>>(),
                "modified": r.metadata_modified.date().to_string(),
                "issued": r.metadata_created.date().to_string(),
                "publisher": {"@type": "org:Organization", "name": d.organization.title_en},
                "contactPoint": {"@type": "vcard:Contact", "fn": contact_name, "hasEmail": format!("mailto:{contact_email}")},
                "accessLevel": if r.access_level == AccessLevel::Open { "public" } else { "non-public" },
                "rights": if rationale.is_empty() { serde_json::Value::Null } else { json!(rationale) },
                "license": licence.map(|l| l.url).filter(|u| !u.is_empty()),
                "landingPage": format!("{base}/en/dataset/{}", r.name),
                "accrualPeriodicity": r.update_frequency,
                "distribution": d.resources.iter().map(|res| json!({"@type": "dcat:Distribution", "title": res.name().get(platform::Lang::En), "downloadURL": crate::ckan::public_resource_url(res, r.access_level, &base), "format": res.format, "mediaType": if res.mimetype.is_empty() { serde_json::Value::Null } else { json!(res.mimetype) }})).collect::<Vec<_>>(),
            }));
        }
        if page * PAGE_SIZE >= total {
            break;
        }
        page += 1;
    }
    let body = json!({
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": entries,
    });
    Ok(axum::Json(body).into_response())
}
