//! Evidence links on milestones and updates, and the checks that a link is safe and points
//! somewhere real.

use platform::db::BindBilingual;
use platform::error::{FieldError, Msg};
use platform::{Bilingual, Result, Tx, exec};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::model::{EvidenceKind, Kind};

use super::{scale, trimmed};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub id: Uuid,
    pub milestone_id: Uuid,
    /// The progress update that added it, if one did.
    pub update_id: Option<Uuid>,
    pub kind: EvidenceKind,
    /// A full web address, or the path of a page of this site.
    pub url: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(super) struct EvidenceRow {
    id: Uuid,
    milestone_id: Uuid,
    update_id: Option<Uuid>,
    kind: String,
    url: String,
    title_en: String,
    title_fr: String,
    created_at: OffsetDateTime,
}

impl From<EvidenceRow> for Evidence {
    fn from(r: EvidenceRow) -> Evidence {
        Evidence {
            id: r.id,
            milestone_id: r.milestone_id,
            update_id: r.update_id,
            kind: EvidenceKind::parse(&r.kind).unwrap_or(EvidenceKind::Page),
            url: r.url,
            title: Bilingual::new(r.title_en, r.title_fr),
            created_at: r.created_at,
        }
    }
}

impl Evidence {
    /// The text of the link: its title, or the address.
    pub fn label(&self, lang: platform::Lang) -> &str {
        let t = self.title.get(lang);
        if t.trim().is_empty() { &self.url } else { t }
    }
    /// Where the link goes from a page in `lang`: a page of this site in that language.
    pub fn href(&self, lang: platform::Lang) -> String {
        site_path_in(&self.url, lang)
    }
}

/// A path of this site (`/en/…`) in another language; any other link as it is.
pub fn site_path_in(link: &str, lang: platform::Lang) -> String {
    match link
        .strip_prefix("/en/")
        .or_else(|| link.strip_prefix("/fr/"))
    {
        Some(rest) => format!("/{}/{rest}", lang.code()),
        None => link.to_string(),
    }
}

/// An evidence link: a dataset, a document or a page.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EvidenceInput {
    /// `dataset`, `document` or `page`.
    #[serde(default)]
    pub kind: String,
    /// A full web address (https://…) or the path of a page of this tracker (/en/tracker/…).
    pub url: String,
    #[serde(default)]
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
}

#[derive(Clone, Debug)]
pub struct CheckedEvidence {
    pub kind: EvidenceKind,
    pub url: String,
    pub title: Bilingual,
}

/// Checks an evidence link and returns it as it is kept. A dataset may be named by its name or
/// id alone; a path of this site must lead to a page that exists (a tracker page, a dataset of
/// the catalogue, a consultation, process or idea of open dialogue); anything else must be a full
/// web address.
pub async fn check_evidence(
    tx: &mut Tx,
    input: &EvidenceInput,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> Result<Option<CheckedEvidence>> {
    let before = errors.len();
    let kind = if input.kind.trim().is_empty() {
        Some(EvidenceKind::Page)
    } else {
        scale(
            errors,
            &format!("{prefix}kind"),
            &input.kind,
            EvidenceKind::parse,
            "tracker-error-evidence-kind",
        )
    };
    let mut url = input.url.trim().to_string();
    let field = format!("{prefix}url");
    if url.is_empty() {
        errors.push(FieldError::new(field, "error-required"));
    } else if kind == Some(EvidenceKind::Dataset) && !url.contains('/') && !url.contains(':') {
        // A dataset by name or id: kept as the path of its page.
        match check_dataset(tx, &url).await? {
            Ok(name) => url = format!("/en/dataset/{name}"),
            Err(problem) => errors.push(FieldError::with(field, problem)),
        }
    } else if let Some(problem) = check_link(tx, &url).await? {
        errors.push(FieldError::with(field, problem));
    } else if kind == Some(EvidenceKind::Dataset)
        && is_site_path(&url)
        && !matches!(internal_target(&url), Some(Target::Dataset(_)))
    {
        errors.push(FieldError::with(
            field,
            Msg::new("tracker-error-evidence-not-dataset").arg("url", &url),
        ));
    }
    if errors.len() > before {
        return Ok(None);
    }
    Ok(Some(CheckedEvidence {
        kind: kind.unwrap_or(EvidenceKind::Page),
        url,
        title: trimmed(&input.title),
    }))
}

/// A dataset's current name, or why it cannot be linked: not in the catalogue, or not public.
async fn check_dataset(tx: &mut Tx, id_or_name: &str) -> Result<std::result::Result<String, Msg>> {
    Ok(match catalogue::links::dataset(tx, id_or_name).await? {
        None => Err(Msg::new("tracker-error-dataset-not-found").arg("value", id_or_name)),
        Some(d) if !d.public => {
            Err(Msg::new("tracker-error-dataset-not-public").arg("value", id_or_name))
        }
        Some(d) => Ok(d.name),
    })
}

/// A path of this site rather than a web address.
fn is_site_path(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//")
}

/// What is wrong with a link, if anything: a full web address must be well formed; a path of
/// this site must lead to a page that exists.
///
/// Documents are full web addresses for now; when Agora has a document library, its paths are
/// one more [`Target`] checked here.
pub async fn check_link(tx: &mut Tx, link: &str) -> Result<Option<Msg>> {
    if is_site_path(link) {
        return Ok(match internal_target(link) {
            Some(Target::Dataset(name)) => check_dataset(tx, &name).await?.err(),
            Some(target) => {
                if target_exists(tx, &target).await? {
                    None
                } else {
                    Some(Msg::new("tracker-error-link-not-found").arg("url", link))
                }
            }
            None => Some(Msg::new("tracker-error-link-unchecked").arg("url", link)),
        });
    }
    Ok(if external_url_ok(link) {
        None
    } else {
        Some(Msg::new("tracker-error-url").arg("url", link))
    })
}

/// A well-formed http(s) address with a host name.
pub fn external_url_ok(link: &str) -> bool {
    url::Url::parse(link).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str()
                .is_some_and(|h| h.contains('.') || h == "localhost")
    })
}

/// A page of this site that a link may point at.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Item(Kind, String),
    Plan(String),
    Dataset(String),
    Consultation(String),
    Process(String),
    Idea(String),
    /// A list or other page that is always there.
    Static,
}

/// Reads `/en/tracker/commitments/slug#x`, `/fr/dataset/name`, `/en/ideas/id` and the like;
/// `None` for paths this check does not know.
fn internal_target(path: &str) -> Option<Target> {
    let path = path.split(['#', '?']).next().unwrap_or(path);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let rest = match segments.as_slice() {
        [lang, rest @ ..] if platform::Lang::from_code(lang).is_some() => rest,
        _ => return None,
    };
    let owned = |s: &&str| s.to_string();
    match rest {
        ["tracker"] | ["tracker", "timeline"] | ["tracker", "plans"] => Some(Target::Static),
        ["dataset"] | ["consultations"] | ["processes"] => Some(Target::Static),
        ["tracker", "plans", slug] => Some(Target::Plan(owned(slug))),
        ["tracker", kind, slug] => Kind::from_segment(kind).map(|k| Target::Item(k, owned(slug))),
        ["dataset", name] => Some(Target::Dataset(owned(name))),
        ["consultations", slug] => Some(Target::Consultation(owned(slug))),
        ["processes", slug] | ["processes", slug, "ideas" | "results" | "data"] => {
            Some(Target::Process(owned(slug)))
        }
        ["ideas", id] => Some(Target::Idea(owned(id))),
        _ => None,
    }
}

async fn target_exists(tx: &mut Tx, target: &Target) -> Result<bool> {
    Ok(match target {
        Target::Static => true,
        Target::Plan(slug) => {
            exec!(tx, |c| {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM tracker_plans WHERE slug = $1 AND deleted_at IS NULL",
                )
                .bind(slug)
                .fetch_one(&mut *c)
                .await?
            }) > 0
        }
        Target::Item(kind, slug) => {
            exec!(tx, |c| {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM tracker_items WHERE slug = $1 AND kind = $2 AND deleted_at IS NULL",
                )
                .bind(slug)
                .bind(kind.as_str())
                .fetch_one(&mut *c)
                .await?
            }) > 0
        }
        Target::Dataset(name) => catalogue::links::dataset(tx, name)
            .await?
            .is_some_and(|d| d.public),
        Target::Consultation(slug) => dialogue::links::consultation_exists(tx, slug).await?,
        Target::Process(slug) => dialogue::links::process_id(tx, slug).await?.is_some(),
        Target::Idea(id) => match Uuid::parse_str(id) {
            Ok(id) => dialogue::links::idea_process(tx, id).await?.is_some(),
            Err(_) => false,
        },
    })
}

pub(super) async fn insert_evidence(
    tx: &mut Tx,
    milestone_id: Uuid,
    update_id: Option<Uuid>,
    e: &CheckedEvidence,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_evidence (id, milestone_id, update_id, kind, url, title_en, title_fr, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(milestone_id)
        .bind(update_id)
        .bind(e.kind.as_str())
        .bind(&e.url)
        .bind_bilingual(&e.title)
        .bind(platform::db::now())
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_links() {
        assert_eq!(
            internal_target("/en/tracker/commitments/open-data#milestones"),
            Some(Target::Item(Kind::Commitment, "open-data".into()))
        );
        assert_eq!(
            internal_target("/fr/tracker/projects/x?y=1"),
            Some(Target::Item(Kind::Project, "x".into()))
        );
        assert_eq!(
            internal_target("/en/tracker/plans/p"),
            Some(Target::Plan("p".into()))
        );
        assert_eq!(
            internal_target("/en/tracker/timeline"),
            Some(Target::Static)
        );
        assert_eq!(
            internal_target("/en/consultations/x"),
            Some(Target::Consultation("x".into()))
        );
        assert_eq!(
            internal_target("/fr/dataset/water-quality"),
            Some(Target::Dataset("water-quality".into()))
        );
        assert_eq!(
            internal_target("/en/processes/p/results"),
            Some(Target::Process("p".into()))
        );
        assert_eq!(
            internal_target("/en/ideas/0193"),
            Some(Target::Idea("0193".into()))
        );
        assert_eq!(internal_target("/en/account/login"), None);
        assert_eq!(internal_target("/tracker/commitments/x"), None);
        assert_eq!(internal_target("/en/tracker/widgets/x"), None);
    }

    #[test]
    fn external_links() {
        assert!(external_url_ok("https://data.ontario.ca/dataset/x"));
        assert!(!external_url_ok("ftp://example.org/x"));
        assert!(!external_url_ok("https://nodot/x"));
        assert!(!external_url_ok("not a url"));
    }
}
