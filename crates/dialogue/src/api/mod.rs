//! The open-dialogue JSON API under `/api/v1/dialogue/`, and the open-data downloads, one module
//! per resource. Reads are public; writes take a session or an API token (`Authorization`
//! header).

use axum::Router;
use platform::{Error, Lang, Platform, Result};
use serde::Serialize;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
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
    routes().split_for_parts().0
}

/// The routes with their OpenAPI description: each path is written once, in its handler's
/// `#[utoipa::path]`.
fn routes() -> OpenApiRouter {
    OpenApiRouter::with_openapi(Tags::openapi())
        .merge(consultations::routes())
        .merge(processes::routes())
        .merge(ideas::routes())
        .merge(votes::routes())
        .merge(reports::routes())
}

#[derive(utoipa::OpenApi)]
#[openapi(tags((name = "dialogue", description = "Open dialogue: the consultations directory, co-creation processes, ideas, ballots, comments and reports")))]
struct Tags;

/// The OpenAPI description of [`router`].
pub struct ApiDoc;

impl utoipa::OpenApi for ApiDoc {
    fn openapi() -> utoipa::openapi::OpenApi {
        routes().into_openapi()
    }
}

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
