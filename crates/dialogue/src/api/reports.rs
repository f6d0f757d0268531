//! Reports of ideas and comments to the moderators.

use axum::Json;
use platform::Platform;
use platform::Result;
use platform::ratelimit::{Action, Throttle};
use platform::web::{JsonBody, SignedIn};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::model::{ReportReason, TargetKind};

pub(super) fn routes() -> OpenApiRouter {
    OpenApiRouter::new().routes(routes!(report))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    pub kind: TargetKind,
    pub id: Uuid,
    pub reason: ReportReason,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportOutcome {
    /// True when this report reached the threshold and hid the contribution pending review.
    pub hidden: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/dialogue/reports",
    tag = "dialogue",
    request_body = ReportBody,
    responses(
        (status = 200, description = "Recorded", body = ReportOutcome),
        (status = 403, description = "One's own contribution"),
        (status = 409, description = "Reported by this person already")
    ),
    security(("token" = []))
)]
async fn report(
    platform: Platform,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    JsonBody(body): JsonBody<ReportBody>,
) -> Result<Json<ReportOutcome>> {
    throttle.check(Action::Report).await?;
    let hidden = platform
        .db
        .write(async |tx| {
            crate::moderation::report(
                tx,
                &user,
                body.kind,
                body.id,
                body.reason,
                crate::moderation::ReportCounting::from_settings(&platform.settings),
            )
            .await
        })
        .await?;
    Ok(Json(ReportOutcome { hidden }))
}
