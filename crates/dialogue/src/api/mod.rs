//! The open-dialogue JSON API under `/api/v1/dialogue/`, and the open-data downloads, one module
//! per resource. Reads are public; writes take a session or an API token (`Authorization`
//! header).

use axum::Router;
use platform::{Error, Lang, Platform, Result};
use serde::Serialize;
use uuid::Uuid;

mod consultations;
mod ideas;
mod processes;
mod reports;
mod votes;

pub use consultations::ConsultationList;
pub use ideas::{CommentBody, IdeaBody, IdeaDetail, IdeaList, SimilarQuery};
pub use processes::{CriterionOut, PhaseOut, ProcessOut, ThemeOut};
pub use reports::{ReportBody, ReportOutcome};
pub use votes::{BallotBody, ReceiptBody, ResultsOut};

pub fn router() -> Router {
    Router::new()
        .merge(consultations::routes())
        .merge(processes::routes())
        .merge(ideas::routes())
        .merge(votes::routes())
        .merge(reports::routes())
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        consultations::list_consultations,
        consultations::create_consultation,
        consultations::consultations_csv,
        consultations::get_consultation,
        processes::list_processes,
        processes::create_process,
        processes::get_process,
        ideas::list_ideas,
        ideas::submit_idea,
        ideas::ideas_json,
        ideas::ideas_csv,
        ideas::comments_json,
        ideas::comments_csv,
        ideas::similar,
        votes::results,
        votes::tallies_json,
        votes::tallies_csv,
        votes::cast,
        ideas::get_idea,
        ideas::comment,
        reports::report,
        votes::check_receipt
    ),
    tags((name = "dialogue", description = "Open dialogue: the consultations directory, co-creation processes, ideas, ballots, comments and reports"))
)]
pub struct ApiDoc;

/// The lists' paging: 50 entries unless asked for, at most 500; the older `page` and `per_page`
/// are still taken.
type Paging = platform::web::Paging<50, 500, true>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: Uuid,
    pub slug: String,
}

async fn load(platform: &Platform, slug: &str) -> Result<crate::model::ProcessFull> {
    crate::processes::find(&platform.db, slug)
        .await?
        .ok_or(Error::NotFound)
}

/// A `lang` parameter: `en` when absent or empty, otherwise `en` or `fr`.
fn lang_param(code: Option<&str>) -> Result<Lang> {
    match code {
        None | Some("") => Ok(Lang::En),
        Some(code) => {
            Lang::from_code(code).ok_or_else(|| Error::field("lang", "error-not-in-list"))
        }
    }
}
