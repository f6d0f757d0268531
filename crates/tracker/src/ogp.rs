//! OGP's commitment data as CSV, both ways, with exactly the columns OGP publishes. Text columns
//! carry one language (the export's or the import's); the scale columns use OGP's English
//! wording in both. An import checks the whole file first and writes nothing unless every row
//! is right.

use std::collections::HashMap;

use platform::error::{FieldError, Msg};
use platform::orgs::{self, NewOrganization};
use platform::{Actor, Bilingual, Db, Lang, Result, Tx};
use uuid::Uuid;

use crate::model::{Completion, Impact, Kind, OgpValue, OpenedGovernment, Specificity};
use crate::store::{
    self, AssessmentInput, AssessmentScale, Filter, ImportedCommitment, ItemInput, Named,
    PlanInput, Summary, ValueRelevance,
};

/// OGP's commitment data columns, in OGP's order.
pub const COLUMNS: [&str; 21] = [
    "Commitment Unique Identifier",
    "Country/Locality",
    "Region",
    "Theme",
    "Year Of Submission",
    "Action Plan Number",
    "Commitment Number",
    "Commitment Title",
    "Short Title",
    "Full Text",
    "Lead Institution",
    "Supporting Institution(s)",
    "URL",
    "OGP Value Access To Information",
    "OGP Value Civic Participation",
    "OGP Value Public Accountability",
    "OGP Value Technology",
    "Specificity",
    "Potential Impact",
    "Completion",
    "Did It Open Government",
];

const VALUE_COLUMNS: [(OgpValue, usize); 4] = [
    (OgpValue::AccessInformation, 13),
    (OgpValue::CivicParticipation, 14),
    (OgpValue::PublicAccountability, 15),
    (OgpValue::Technology, 16),
];

/// The assessor named on assessments that come from an import.
pub const IMPORT_ASSESSOR: &str = "OGP commitment data (CSV import)";

fn labels(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => ("Government: ", "Civil society and private sector: "),
        Lang::Fr => ("Gouvernement : ", "Société civile et secteur privé : "),
    }
}

/// "Supporting Institution(s)": the other actors, government then civil society, one list each.
pub fn supporting(government: &str, civil: &str, lang: Lang) -> String {
    let (gov_label, civil_label) = labels(lang);
    let mut parts = Vec::new();
    let gov = crate::model::lines(government);
    if !gov.is_empty() {
        parts.push(format!("{gov_label}{}", gov.join("; ")));
    }
    let civ = crate::model::lines(civil);
    if !civ.is_empty() {
        parts.push(format!("{civil_label}{}", civ.join("; ")));
    }
    parts.join(" | ")
}

/// Reads "Supporting Institution(s)" back into (government, civil society) lines. Text without
/// our labels (OGP's own data) is kept whole as the government actors.
pub fn parse_supporting(text: &str) -> (String, String) {
    let mut gov = Vec::new();
    let mut civil = Vec::new();
    let text = text.trim();
    if text.is_empty() {
        return (String::new(), String::new());
    }
    let all_labels: Vec<(&str, bool)> = Lang::ALL
        .iter()
        .flat_map(|l| {
            let (g, c) = labels(*l);
            [(g, true), (c, false)]
        })
        .collect();
    let mut labelled = false;
    for part in text.split(" | ") {
        let found = all_labels.iter().find(|(label, _)| part.starts_with(label));
        match found {
            Some((label, is_gov)) => {
                labelled = true;
                let target = if *is_gov { &mut gov } else { &mut civil };
                target.extend(
                    part[label.len()..]
                        .split("; ")
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
            }
            None => gov.push(part.trim().to_string()),
        }
    }
    if !labelled {
        return (text.to_string(), String::new());
    }
    (gov.join("\n"), civil.join("\n"))
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

fn parse_yes_no(s: &str) -> Option<Option<bool>> {
    match s.trim().to_lowercase().as_str() {
        "" => Some(None),
        "yes" | "oui" | "true" | "1" => Some(Some(true)),
        "no" | "non" | "false" | "0" => Some(Some(false)),
        _ => None,
    }
}

/// The commitments (of one plan, or of all) as OGP CSV, text in `lang`. `base_url` makes the
/// URL column point at our pages for commitments that have no page elsewhere.
pub async fn export(db: &Db, lang: Lang, plan: Option<&str>, base_url: &str) -> Result<String> {
    let filter = Filter {
        kind: Kind::Commitment.as_str().to_string(),
        plan: plan.unwrap_or("").to_string(),
        ..Filter::default()
    };
    let summaries = store::list(db, &filter).await?;
    let plans: HashMap<Uuid, store::Plan> = store::plans(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(COLUMNS)
        .map_err(platform::Error::internal)?;
    let assessments = store::latest_assessments(db).await?;
    for s in &summaries {
        let Some(plan) = s.item.plan_id.and_then(|id| plans.get(&id)) else {
            continue;
        };
        let latest = assessments.get(&s.item.id);
        out.write_record(row(s, plan, latest, lang, base_url))
            .map_err(platform::Error::internal)?;
    }
    let bytes = out.into_inner().map_err(platform::Error::internal)?;
    String::from_utf8(bytes).map_err(platform::Error::internal)
}

fn row(
    s: &Summary,
    plan: &store::Plan,
    latest: Option<&store::Assessment>,
    lang: Lang,
    base_url: &str,
) -> Vec<String> {
    let item = &s.item;
    let mut r = vec![String::new(); COLUMNS.len()];
    r[0] = if item.ogp_id.is_empty() {
        item.id.to_string()
    } else {
        item.ogp_id.clone()
    };
    r[1] = plan.country.clone();
    r[2] = plan.region.clone();
    r[3] = s
        .themes
        .iter()
        .map(|t| t.title.get(lang).to_string())
        .collect::<Vec<_>>()
        .join("; ");
    r[4] = plan
        .year_submitted
        .map(|y| y.to_string())
        .unwrap_or_default();
    r[5] = plan.plan_number.to_string();
    r[6] = item.number.clone();
    r[7] = item.title.get(lang).to_string();
    r[8] = item.short_title.get(lang).to_string();
    r[9] = item.description.get(lang).to_string();
    r[10] = s.organization.title.get(lang).to_string();
    r[11] = supporting(
        item.actors_government.get(lang),
        item.actors_civil_society.get(lang),
        lang,
    );
    r[12] = if item.source_url.is_empty() {
        format!("{base_url}/{}{}", lang.code(), item.path())
    } else {
        item.source_url.clone()
    };
    for (value, col) in VALUE_COLUMNS {
        r[col] = yes_no(item.value(value).is_some_and(|v| v.relevant)).to_string();
    }
    if let Some(a) = latest {
        r[17] = match (a.specificity, a.verifiable) {
            (Some(sp), _) => sp.ogp_label().to_string(),
            (None, Some(true)) => "Verifiable".to_string(),
            (None, Some(false)) => "Not verifiable".to_string(),
            (None, None) => String::new(),
        };
        r[18] = a
            .potential_impact
            .map(|v| v.ogp_label())
            .unwrap_or("")
            .to_string();
        r[19] = a
            .completion
            .map(|v| v.ogp_label())
            .unwrap_or("")
            .to_string();
        r[20] = a
            .opened_government
            .map(|v| v.ogp_label())
            .unwrap_or("")
            .to_string();
    }
    r
}

// ---- import ----

/// One thing wrong with an import: where (row and column, when it is about one) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line of the file, counting the header as line 1.
    pub line: Option<usize>,
    pub column: Option<String>,
    pub msg: Msg,
}

impl Problem {
    fn file(msg: Msg) -> Problem {
        Problem {
            line: None,
            column: None,
            msg,
        }
    }
    fn cell(line: usize, column: usize, msg: Msg) -> Problem {
        Problem {
            line: Some(line),
            column: Some(COLUMNS[column].to_string()),
            msg,
        }
    }

    /// The problem as a sentence in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let what = lang.msg(&self.msg);
        match (self.line, &self.column) {
            (Some(line), Some(column)) => format!(
                "{} {what}",
                lang.t_args(
                    "tracker-import-at-cell",
                    &[("line", line.to_string()), ("column", column.clone())]
                )
            ),
            (Some(line), None) => format!(
                "{} {what}",
                lang.t_args("tracker-import-at-line", &[("line", line.to_string())])
            ),
            _ => what,
        }
    }
}

/// Why an import stored nothing: every problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError(pub Vec<Problem>);

impl ImportError {
    pub fn describe(&self, lang: Lang) -> Vec<String> {
        self.0.iter().map(|p| p.describe(lang)).collect()
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub plans_created: Vec<String>,
    pub commitments_created: usize,
    pub commitments_updated: usize,
    pub organizations_created: Vec<String>,
    pub themes_created: Vec<String>,
    pub assessments_added: usize,
}

/// One data row, read and checked.
#[derive(Clone, Debug)]
struct Row {
    line: usize,
    identifier: String,
    country: String,
    region: String,
    themes: Vec<String>,
    year: Option<i64>,
    plan_number: i64,
    number: String,
    title: String,
    short_title: String,
    full_text: String,
    lead: String,
    supporting: String,
    url: String,
    values: [bool; 4],
    specificity: Option<Specificity>,
    verifiable: Option<bool>,
    impact: Option<Impact>,
    completion: Option<Completion>,
    opened: Option<OpenedGovernment>,
}

impl Row {
    fn has_assessment(&self) -> bool {
        self.specificity.is_some()
            || self.verifiable.is_some()
            || self.impact.is_some()
            || self.completion.is_some()
            || self.opened.is_some()
    }
}

/// Reads and checks an import file without storing anything: how many rows it holds, or every
/// problem (what [`import`] reports before it writes).
pub fn check(bytes: &[u8]) -> std::result::Result<usize, ImportError> {
    read(bytes).map(|rows| rows.len())
}

/// Reads and checks the whole file: the rows, or every problem.
fn read(bytes: &[u8]) -> std::result::Result<Vec<Row>, ImportError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ImportError(vec![Problem::file(Msg::new("tracker-import-not-utf8"))]))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(ImportError(vec![Problem::file(
                Msg::new("tracker-import-not-csv").arg("detail", e),
            )]));
        }
    };
    if header.iter().all(|h| h.is_empty()) {
        return Err(ImportError(vec![Problem::file(Msg::new(
            "tracker-import-empty",
        ))]));
    }
    // Which column of the file holds each of OGP's columns.
    let mut problems = Vec::new();
    let mut position: [Option<usize>; 21] = [None; 21];
    for (i, name) in header.iter().enumerate() {
        match COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) {
            Some(k) if position[k].is_some() => problems.push(Problem::file(
                Msg::new("tracker-import-duplicate-column").arg("column", COLUMNS[k]),
            )),
            Some(k) => position[k] = Some(i),
            None => problems.push(Problem::file(
                Msg::new("tracker-import-unknown-column").arg("column", name),
            )),
        }
    }
    for (k, p) in position.iter().enumerate() {
        if p.is_none() {
            problems.push(Problem::file(
                Msg::new("tracker-import-missing-column").arg("column", COLUMNS[k]),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ImportError(problems));
    }
    let position: Vec<usize> = position.iter().map(|p| p.unwrap_or(0)).collect();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, i64, String), usize> = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem {
                    line: Some(line),
                    column: None,
                    msg: Msg::new("tracker-import-not-csv").arg("detail", e),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            problems.push(Problem {
                line: Some(line),
                column: None,
                msg: Msg::new("tracker-import-field-count")
                    .arg("found", record.len())
                    .arg("expected", header.len()),
            });
            continue;
        }
        let cell = |k: usize| record.get(position[k]).unwrap_or("").trim().to_string();
        let before = problems.len();
        let mut required = |k: usize| {
            let v = cell(k);
            if v.is_empty() {
                problems.push(Problem::cell(line, k, Msg::new("error-required")));
            }
            v
        };
        let country = required(1);
        let number = required(6);
        let title = required(7);
        let lead = required(10);
        let plan_text = required(5);
        let plan_number = match plan_text.parse::<i64>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ if plan_text.is_empty() => 0,
            _ => {
                problems.push(Problem::cell(
                    line,
                    5,
                    Msg::new("tracker-import-not-integer").arg("value", &plan_text),
                ));
                0
            }
        };
        let year_text = cell(4);
        let year = if year_text.is_empty() {
            None
        } else {
            match year_text.parse::<i64>() {
                Ok(y) if (1900..=2999).contains(&y) => Some(y),
                _ => {
                    problems.push(Problem::cell(
                        line,
                        4,
                        Msg::new("tracker-import-not-year").arg("value", &year_text),
                    ));
                    None
                }
            }
        };
        let url = cell(12);
        if !url.is_empty() && !store::external_url_ok(&url) {
            problems.push(Problem::cell(
                line,
                12,
                Msg::new("tracker-error-url").arg("url", &url),
            ));
        }
        let mut values = [false; 4];
        for (i, (_, col)) in VALUE_COLUMNS.iter().enumerate() {
            let v = cell(*col);
            match parse_yes_no(&v) {
                Some(b) => values[i] = b.unwrap_or(false),
                None => problems.push(Problem::cell(
                    line,
                    *col,
                    Msg::new("tracker-import-not-yes-no").arg("value", &v),
                )),
            }
        }
        let spec_text = cell(17);
        let (specificity, verifiable) = match spec_text.to_lowercase().as_str() {
            "" => (None, None),
            "verifiable" => (None, Some(true)),
            "not verifiable" => (None, Some(false)),
            _ => match Specificity::parse(&spec_text) {
                Some(s) => (Some(s), None),
                None => {
                    problems.push(Problem::cell(
                        line,
                        17,
                        Msg::new("tracker-import-specificity").arg("value", &spec_text),
                    ));
                    (None, None)
                }
            },
        };
        let mut scale = |k: usize, key: &'static str, ok: bool| {
            if !ok {
                problems.push(Problem::cell(line, k, Msg::new(key).arg("value", cell(k))));
            }
        };
        let impact = Impact::parse(&cell(18));
        scale(
            18,
            "tracker-error-impact",
            cell(18).is_empty() || impact.is_some(),
        );
        let completion = Completion::parse(&cell(19));
        scale(
            19,
            "tracker-error-completion",
            cell(19).is_empty() || completion.is_some(),
        );
        let opened = OpenedGovernment::parse(&cell(20));
        scale(
            20,
            "tracker-error-opened",
            cell(20).is_empty() || opened.is_some(),
        );
        if problems.len() > before {
            continue;
        }
        let key = (country.clone(), plan_number, number.clone());
        if let Some(first) = seen.insert(key, line) {
            problems.push(Problem {
                line: Some(line),
                column: Some(COLUMNS[6].to_string()),
                msg: Msg::new("tracker-import-duplicate-commitment")
                    .arg("number", &number)
                    .arg("first", first),
            });
            continue;
        }
        rows.push(Row {
            line,
            identifier: cell(0),
            country,
            region: cell(2),
            themes: cell(3)
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            year,
            plan_number,
            number,
            title,
            short_title: cell(8),
            full_text: record.get(position[9]).unwrap_or("").to_string(),
            lead,
            supporting: cell(11),
            url,
            values,
            specificity,
            verifiable,
            impact,
            completion,
            opened,
        });
    }
    if !problems.is_empty() {
        return Err(ImportError(problems));
    }
    if rows.is_empty() {
        return Err(ImportError(vec![Problem::file(Msg::new(
            "tracker-import-no-rows",
        ))]));
    }
    Ok(rows)
}

fn in_lang(lang: Lang, text: &str) -> Bilingual {
    match lang {
        Lang::En => Bilingual::new(text, ""),
        Lang::Fr => Bilingual::new("", text),
    }
}

/// Imports OGP commitment CSV with text in `lang`. Plans, lead organizations and themes that do
/// not exist yet are created; commitments are matched by identifier, else by plan and number,
/// and updated in place. All or nothing.
pub async fn import(
    db: &Db,
    actor: &Actor,
    bytes: &[u8],
    lang: Lang,
    base_url: &str,
) -> Result<std::result::Result<ImportReport, ImportError>> {
    let rows = match read(bytes) {
        Ok(rows) => rows,
        Err(e) => return Ok(Err(e)),
    };
    // Not `Db::write`: a file with problems is a refusal, not an error, and must be rolled back
    // (the transaction dropped uncommitted) all the same.
    let mut tx = db.begin().await?;
    let mut report = ImportReport::default();
    match import_rows(&mut tx, actor, &rows, lang, base_url, &mut report).await {
        Ok(Ok(())) => {
            tx.commit().await?;
            Ok(Ok(report))
        }
        Ok(Err(e)) => Ok(Err(e)),
        Err(e) => Err(e),
    }
}

async fn import_rows(
    tx: &mut Tx,
    actor: &Actor,
    rows: &[Row],
    lang: Lang,
    base_url: &str,
    report: &mut ImportReport,
) -> Result<std::result::Result<(), ImportError>> {
    let mut plan_ids: HashMap<(String, i64), (Uuid, String)> = HashMap::new();
    let mut problems = Vec::new();
    for row in rows {
        let key = (row.country.clone(), row.plan_number);
        let (plan_id, plan_slug) = match plan_ids.get(&key) {
            Some(p) => p.clone(),
            None => {
                let p = ensure_plan(tx, actor, row, report).await?;
                plan_ids.insert(key, p.clone());
                p
            }
        };
        let by_id = Uuid::parse_str(&row.identifier).ok();
        let existing =
            store::find_commitment(&mut *tx, &row.identifier, by_id, plan_id, &row.number).await?;
        let (current_org, current_themes) = match existing {
            Some(id) => (
                store::lead_organization_slug(&mut *tx, id).await?,
                store::theme_slugs_by_title(&mut *tx, id).await?,
            ),
            None => (None, Vec::new()),
        };
        let org_slug = ensure_org(tx, actor, &row.lead, lang, current_org, report).await?;
        let mut theme_slugs = Vec::new();
        for (i, t) in row.themes.iter().enumerate() {
            let current = current_themes.get(i).map(String::as_str);
            theme_slugs.push(ensure_theme(tx, t, lang, current, report).await?);
        }
        // A URL of our own commitment pages names the slug to keep; any other is the
        // commitment's page elsewhere.
        let own_slug = Lang::ALL.iter().find_map(|l| {
            let prefix = format!(
                "{base_url}/{}/tracker/{}/",
                l.code(),
                Kind::Commitment.segment()
            );
            row.url
                .strip_prefix(&prefix)
                .map(|rest| rest.split(['#', '?', '/']).next().unwrap_or("").to_string())
        });
        let source_url = if own_slug.is_some() {
            String::new()
        } else {
            row.url.clone()
        };
        let (government, civil) = parse_supporting(&row.supporting);
        let item_id = match existing {
            Some(id) => {
                update_commitment(
                    tx,
                    actor,
                    id,
                    row,
                    lang,
                    &org_slug,
                    &theme_slugs,
                    &source_url,
                    (&government, &civil),
                )
                .await?;
                report.commitments_updated += 1;
                id
            }
            None => {
                let values = VALUE_COLUMNS
                    .iter()
                    .enumerate()
                    .map(|(i, (v, _))| ValueRelevance {
                        value: *v,
                        relevant: row.values[i],
                        text: Bilingual::default(),
                    })
                    .collect();
                let slug = match own_slug.filter(|s| orgs::valid_slug(s)) {
                    Some(s) if store::item_by_slug(&mut *tx, &s).await?.is_none() => s,
                    _ => String::new(),
                };
                let input = ItemInput {
                    kind: Kind::Commitment.as_str().to_string(),
                    slug,
                    plan: plan_slug.clone(),
                    number: row.number.clone(),
                    ogp_id: row.identifier.clone(),
                    organization: org_slug.clone(),
                    title: in_lang(lang, &row.title),
                    short_title: in_lang(lang, &row.short_title),
                    description: in_lang(lang, &row.full_text),
                    actors_government: in_lang(lang, &government),
                    actors_civil_society: in_lang(lang, &civil),
                    values,
                    themes: theme_slugs.clone(),
                    source_url: source_url.clone(),
                    ..ItemInput::default()
                };
                match store::create_item(tx, actor, input).await {
                    Ok(item) => {
                        report.commitments_created += 1;
                        item.id
                    }
                    Err(platform::Error::Validation(fields)) => {
                        problems.extend(fields.into_iter().map(|f| field_problem(row.line, f)));
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        if row.has_assessment() {
            add_assessment_if_new(tx, actor, item_id, row, report).await?;
        }
    }
    if !problems.is_empty() {
        return Ok(Err(ImportError(problems)));
    }
    Ok(Ok(()))
}

fn field_problem(line: usize, f: FieldError) -> Problem {
    let column = match f.field.as_str() {
        "title" => Some(7),
        "number" => Some(6),
        "organization" => Some(10),
        "source_url" => Some(12),
        _ => None,
    };
    Problem {
        line: Some(line),
        column: column.map(|k| COLUMNS[k].to_string()),
        msg: f.msg,
    }
}

async fn ensure_plan(
    tx: &mut Tx,
    actor: &Actor,
    row: &Row,
    report: &mut ImportReport,
) -> Result<(Uuid, String)> {
    if let Some((id, slug)) = store::plan_by_number(&mut *tx, &row.country, row.plan_number).await?
    {
        store::set_plan_submission(tx, id, &row.region, row.year).await?;
        return Ok((id, slug));
    }
    let title = Bilingual::new(
        format!("{} – action plan {}", row.country, row.plan_number),
        format!("{} – plan d’action {}", row.country, row.plan_number),
    );
    let plan = store::create_plan(
        tx,
        actor,
        PlanInput {
            slug: String::new(),
            title,
            summary: Bilingual::default(),
            country: row.country.clone(),
            region: row.region.clone(),
            plan_number: row.plan_number,
            year_submitted: row.year,
        },
    )
    .await?;
    report.plans_created.push(plan.slug.clone());
    Ok((plan.id, plan.slug))
}

/// The slug of the organization named `title` (in either language, any case). A commitment
/// being updated keeps its organization when that has no name in this language yet (the file
/// is the other language's version of the same plan); otherwise a new organization is made.
async fn ensure_org(
    tx: &mut Tx,
    actor: &Actor,
    title: &str,
    lang: Lang,
    current: Option<String>,
    report: &mut ImportReport,
) -> Result<String> {
    let slug_guess = orgs::slugify(title);
    if let Some(slug) = store::slug_named(&mut *tx, Named::Organization, title, &slug_guess).await?
    {
        return Ok(slug);
    }
    if let Some(current) = current {
        let untitled = orgs::find_by_slug(&mut *tx, &current)
            .await?
            .is_some_and(|o| match lang {
                Lang::En => o.title_en.is_empty(),
                Lang::Fr => o.title_fr.is_empty(),
            });
        if untitled {
            return Ok(current);
        }
    }
    let org = orgs::create(
        tx,
        actor,
        NewOrganization {
            slug: if orgs::valid_slug(&slug_guess) {
                slug_guess
            } else {
                format!("organization-{}", Uuid::now_v7().simple())
            },
            title: in_lang(lang, title.trim()),
            description: Bilingual::default(),
            jurisdiction: "provincial".to_string(),
            category: "ministry".to_string(),
        },
    )
    .await?;
    report.organizations_created.push(org.slug.clone());
    Ok(org.slug)
}

/// The slug of the theme named `title`. A commitment being updated keeps its theme in the same
/// place when that theme has no name in this language yet, and the name is filled in.
async fn ensure_theme(
    tx: &mut Tx,
    title: &str,
    lang: Lang,
    current: Option<&str>,
    report: &mut ImportReport,
) -> Result<String> {
    let slug_guess = orgs::slugify(title);
    if let Some(slug) = store::slug_named(&mut *tx, Named::Theme, title, &slug_guess).await? {
        return Ok(slug);
    }
    if let Some(current) = current
        && store::title_untitled_theme(tx, current, lang, title.trim()).await?
    {
        return Ok(current.to_string());
    }
    let slug = if slug_guess.len() >= 2 {
        slug_guess
    } else {
        format!("theme-{}", Uuid::now_v7().simple())
    };
    store::upsert_theme(tx, &slug, &in_lang(lang, title.trim())).await?;
    report.themes_created.push(slug.clone());
    Ok(slug)
}

#[allow(clippy::too_many_arguments)]
async fn update_commitment(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    row: &Row,
    lang: Lang,
    org_slug: &str,
    themes: &[String],
    source_url: &str,
    (government, civil): (&str, &str),
) -> Result<()> {
    let ogp_id = if row.identifier == id.to_string() {
        String::new()
    } else {
        row.identifier.clone()
    };
    let imported = ImportedCommitment {
        ogp_id: &ogp_id,
        number: &row.number,
        organization: org_slug,
        title: &row.title,
        short_title: &row.short_title,
        description: &row.full_text,
        actors_government: government,
        actors_civil_society: civil,
        values: row.values,
        source_url,
    };
    store::update_imported(tx, id, lang, &imported).await?;
    store::set_themes(tx, id, themes).await?;
    let after = serde_json::json!({
        "line": row.line, "lang": lang, "title": row.title, "number": row.number,
        "organization": org_slug, "themes": themes,
    });
    tx.audit_as(actor, store::ITEM, "import", id, None::<&()>, Some(&after))
        .await?;
    tx.changed("tracker_item", &id.to_string()).await?;
    Ok(())
}

async fn add_assessment_if_new(
    tx: &mut Tx,
    actor: &Actor,
    item_id: Uuid,
    row: &Row,
    report: &mut ImportReport,
) -> Result<()> {
    let latest = store::latest_scale(&mut *tx, item_id).await?;
    let wanted: AssessmentScale = (
        row.specificity.map(|s| s.as_str().to_string()),
        row.verifiable,
        row.impact.map(|s| s.as_str().to_string()),
        row.completion.map(|s| s.as_str().to_string()),
        row.opened.map(|s| s.as_str().to_string()),
    );
    if latest.as_ref() == Some(&wanted) {
        return Ok(());
    }
    let relevance = VALUE_COLUMNS
        .iter()
        .enumerate()
        .filter(|(i, _)| row.values[*i])
        .map(|(_, (v, _))| *v)
        .collect();
    let input = AssessmentInput {
        specificity: wanted.0.unwrap_or_default(),
        verifiable: row.verifiable,
        relevance,
        potential_impact: wanted.2.unwrap_or_default(),
        completion: wanted.3.unwrap_or_default(),
        opened_government: wanted.4.unwrap_or_default(),
        assessor: IMPORT_ASSESSOR.to_string(),
        assessed_on: crate::model::When::day(crate::model::today()).to_string(),
        notes: Bilingual::default(),
    };
    store::add_assessment(tx, actor, item_id, &input).await?;
    report.assessments_added += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supporting_institutions_round_trip() {
        let s = supporting("A:\nB", "C\n\nD", Lang::En);
        assert_eq!(
            s,
            "Government: A:; B | Civil society and private sector: C; D"
        );
        assert_eq!(parse_supporting(&s), ("A:\nB".into(), "C\nD".into()));
        let fr = supporting("", "C", Lang::Fr);
        assert_eq!(fr, "Société civile et secteur privé : C");
        assert_eq!(parse_supporting(&fr), (String::new(), "C".into()));
        assert_eq!(
            parse_supporting("Ministry of X, NGO Y"),
            ("Ministry of X, NGO Y".into(), String::new())
        );
    }

    #[test]
    fn missing_and_unknown_columns_are_each_named() {
        let mut header: Vec<&str> = COLUMNS.to_vec();
        header.retain(|c| *c != "Completion" && *c != "Region");
        header.push("Status");
        let csv = format!("{}\n", header.join(","));
        let err = read(csv.as_bytes()).unwrap_err();
        let text = err.describe(Lang::En).join("\n");
        assert!(text.contains("\"Status\""), "{text}");
        assert!(text.contains("\"Completion\""), "{text}");
        assert!(text.contains("\"Region\""), "{text}");
        assert_eq!(err.0.len(), 3);
    }
}
