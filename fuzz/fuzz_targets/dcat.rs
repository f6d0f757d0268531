//! DCAT output of a dataset built from fuzzed fields: every format parses back as RDF, and the
//! three formats say the same thing (the same literals and the same addresses).
#![no_main]

use arbitrary::Arbitrary;
use catalogue::dcat::{Format, dataset_document};
use catalogue::model::{AccessLevel, Dataset, DatasetRow, Exemption, ResourceRow, State};
use libfuzzer_sys::fuzz_target;
use oxrdf::Term;
use oxrdfio::{JsonLdProfileSet, RdfFormat, RdfParser};
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Arbitrary, Debug)]
struct Resource {
    id: u128,
    name_en: String,
    name_fr: String,
    description_en: String,
    description_fr: String,
    url: String,
    file_name: Option<String>,
    format: String,
    size: Option<i64>,
    modified: i64,
}

#[derive(Arbitrary, Debug)]
struct Input {
    id: u128,
    name: String,
    slug: String,
    title_en: String,
    title_fr: String,
    notes_en: String,
    notes_fr: String,
    organization_en: String,
    organization_fr: String,
    license_id: String,
    maintainer: String,
    maintainer_email: String,
    update_frequency: String,
    open: bool,
    rationale_en: String,
    rationale_fr: String,
    temporal: (Option<i32>, Option<i32>),
    created: i64,
    modified: i64,
    keywords_en: Vec<String>,
    keywords_fr: Vec<String>,
    resources: Vec<Resource>,
}

/// Names and slugs are checked on the way in (lowercase letters, digits, `-` and `_`).
fn slug(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')
        .collect();
    if s.len() < 2 { "ab".into() } else { s }
}

fn moment(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds.rem_euclid(253_402_300_799))
        .expect("in range")
        .replace_nanosecond((seconds.unsigned_abs() % 1_000_000_000) as u32)
        .expect("in range")
}

fn day(days: i32) -> Date {
    Date::from_julian_day(days.rem_euclid(5_000_000)).expect("in range")
}

fn build(i: &Input) -> Dataset {
    let id = Uuid::from_u128(i.id);
    let created = moment(i.created);
    let organization = platform::orgs::Organization {
        id: Uuid::from_u128(i.id.rotate_left(7)),
        slug: slug(&i.slug),
        title_en: i.organization_en.clone(),
        title_fr: i.organization_fr.clone(),
        description_en: String::new(),
        description_fr: String::new(),
        jurisdiction: "provincial".into(),
        category: "ministry".into(),
        created_at: created,
        updated_at: created,
    };
    let row = DatasetRow {
        id,
        name: slug(&i.name),
        title_en: i.title_en.clone(),
        title_fr: i.title_fr.clone(),
        notes_en: i.notes_en.clone(),
        notes_fr: i.notes_fr.clone(),
        organization_id: organization.id,
        license_id: i.license_id.clone(),
        url: String::new(),
        version: String::new(),
        author: String::new(),
        author_email: String::new(),
        maintainer: i.maintainer.clone(),
        maintainer_email: i.maintainer_email.clone(),
        maintainer_branch_en: String::new(),
        maintainer_branch_fr: String::new(),
        update_frequency: i.update_frequency.clone(),
        geographic_coverage_en: String::new(),
        geographic_coverage_fr: String::new(),
        geographic_granularity: String::new(),
        temporal_start: i.temporal.0.map(day),
        temporal_end: i.temporal.1.map(day),
        access_level: if i.open {
            AccessLevel::Open
        } else {
            AccessLevel::Restricted
        },
        exemption: Exemption::None,
        exemption_rationale_en: i.rationale_en.clone(),
        exemption_rationale_fr: i.rationale_fr.clone(),
        planned_open_date: None,
        opened_date: None,
        current_as_of: None,
        state: State::Active,
        private: false,
        creator_user_id: None,
        extras: Json(Vec::new()),
        metadata_created: created,
        metadata_modified: moment(i.modified),
    };
    let resources = i
        .resources
        .iter()
        .enumerate()
        .map(|(n, r)| ResourceRow {
            id: Uuid::from_u128(r.id),
            dataset_id: id,
            position: n as i64,
            name_en: r.name_en.clone(),
            name_fr: r.name_fr.clone(),
            description_en: r.description_en.clone(),
            description_fr: r.description_fr.clone(),
            url: r.url.clone(),
            url_type: String::new(),
            file_key: r
                .file_name
                .as_ref()
                .map(|f| format!("resources/{}/{f}", Uuid::from_u128(r.id))),
            format: r.format.clone(),
            mimetype: String::new(),
            size: r.size,
            hash: String::new(),
            resource_type: String::new(),
            language: String::new(),
            data_range_start: None,
            data_range_end: None,
            data_last_updated: None,
            state: State::Active,
            datastore_active: false,
            extras: Json(serde_json::Map::new()),
            created,
            last_modified: None,
            metadata_modified: moment(r.modified),
        })
        .collect();
    Dataset {
        row,
        organization,
        keywords_en: i.keywords_en.clone(),
        keywords_fr: i.keywords_fr.clone(),
        groups: Vec::new(),
        resources,
    }
}

/// The literals and addresses of a document (blank nodes are named differently by each format).
fn reading(bytes: &[u8], format: RdfFormat) -> Vec<String> {
    let mut out = Vec::new();
    for quad in RdfParser::from_format(format).for_slice(bytes) {
        let quad = quad.unwrap_or_else(|e| {
            panic!(
                "{format} output does not parse back: {e}\n{}",
                String::from_utf8_lossy(bytes)
            )
        });
        if let oxrdf::NamedOrBlankNode::NamedNode(s) = &quad.subject {
            out.push(format!("S {}", s.as_str()));
        }
        out.push(format!("P {}", quad.predicate.as_str()));
        match &quad.object {
            Term::NamedNode(n) => out.push(format!("O {}", n.as_str())),
            Term::Literal(l) => out.push(format!("L {l}")),
            _ => out.push("B".into()),
        }
    }
    out.sort();
    out
}

fuzz_target!(|input: Input| {
    let d = build(&input);
    let base = "https://data.example.org";
    let mut readings = Vec::new();
    for (format, rdf) in [
        (Format::Turtle, RdfFormat::Turtle),
        (
            Format::JsonLd,
            RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        ),
        (Format::RdfXml, RdfFormat::RdfXml),
    ] {
        let bytes = dataset_document(&d, base, format).expect("serializes");
        readings.push((format, reading(&bytes, rdf), bytes));
    }
    let (_, turtle, turtle_bytes) = &readings[0];
    for (format, other, bytes) in &readings[1..] {
        if other != turtle {
            let only_turtle: Vec<_> = turtle.iter().filter(|t| !other.contains(t)).collect();
            let only_other: Vec<_> = other.iter().filter(|t| !turtle.contains(t)).collect();
            panic!(
                "{format:?} says something else than Turtle: only in Turtle {only_turtle:?}, only in {format:?} {only_other:?}\n{}\n{}",
                String::from_utf8_lossy(turtle_bytes),
                String::from_utf8_lossy(bytes)
            );
        }
    }
    let title = input.title_en.trim();
    if !title.is_empty() {
        let wanted = oxrdf::Literal::new_language_tagged_literal_unchecked(title, "en");
        assert!(
            turtle.contains(&format!("L {wanted}")),
            "the title {title:?} is not in the document"
        );
    }
});
