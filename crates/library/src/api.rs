//! The library's JSON API under `/api/v1/library/`: documents (list, read, create, edit,
//! withdraw), their files and pages' text, and the collective agreements with their CSV. Reads
//! are public (a restricted document's file and text only for its editors); writes take a session
//! or an API token.

use axum::body::Body;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Json, Router};
use futures::TryStreamExt;
use platform::auth::CurrentUser;
use platform::body::large_body;
use platform::web::{JsonBody, QueryParams as Query, RequestContext, SignedIn};
use platform::{Error, Platform, Result};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::agreements::{self, AgreementFilter};
use crate::documents::{self, DocumentInput, Filter};
use crate::files;
use crate::model::{Document, Page};

pub fn router() -> Router {
    routes().split_for_parts().0
}

fn routes() -> OpenApiRouter {
    let (schemas, paths, file_routes) = routes!(get_file, put_file);
    OpenApiRouter::with_openapi(Tags::openapi())
        .routes(routes!(list_documents, create_document))
        .routes(routes!(get_document, update_document))
        .routes(routes!(withdraw_document))
        .routes((schemas, paths, large_body(file_routes)))
        .routes(routes!(get_pages))
        .routes(routes!(list_agreements))
        .routes(routes!(agreements_csv))
}

#[derive(utoipa::OpenApi)]
#[openapi(tags((name = "library", description = "The document library: documents with typed metadata, their files and the text of their pages; collective agreements")))]
struct Tags;

/// The OpenAPI description of [`router`].
pub struct ApiDoc;

impl utoipa::OpenApi for ApiDoc {
    fn openapi() -> utoipa::openapi::OpenApi {
        routes().into_openapi()
    }
}

type Paging = platform::web::Paging<50, 500>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentList {
    pub total: i64,
    pub items: Vec<Document>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentCreated {
    pub id: Uuid,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FileStored {
    pub version: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Withdrawal {
    pub reason: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileParams {
    /// The file's name, e.g. `agreement.pdf`.
    pub name: String,
}

async fn load(platform: &Platform, id: Uuid) -> Result<Document> {
    documents::find(&platform.db, id)
        .await?
        .ok_or(Error::NotFound)
}

fn may_write(user: &CurrentUser, organization: Option<Uuid>) -> Result<()> {
    if user.is_admin() || organization.is_some_and(|o| user.can_edit_for(o)) {
        Ok(())
    } else {
        Err(Error::forbidden("library-error-staff-only"))
    }
}

/// The library's documents, newest first; withdrawn ones are left out.
#[utoipa::path(get, path = "/api/v1/library/documents", tag = "library", params(Filter, Paging),
    responses((status = 200, description = "Documents", body = DocumentList)))]
async fn list_documents(
    platform: Platform,
    Query(f): Query<Filter>,
    Query(paging): Query<Paging>,
) -> Result<Json<DocumentList>> {
    let (limit, offset) = paging.window();
    let (items, total) = documents::list(&platform.db, &f, limit, offset).await?;
    Ok(Json(DocumentList { total, items }))
}

/// Adds a document (editors of its organization; administrators for any).
#[utoipa::path(post, path = "/api/v1/library/documents", tag = "library", request_body = DocumentInput,
    responses(
        (status = 201, description = "Created", body = DocumentCreated),
        (status = 403, description = "Not an editor of this organization"),
        (status = 422, description = "Invalid fields, each named")
    ),
    security(("token" = [])))]
async fn create_document(
    platform: Platform,
    SignedIn(user): SignedIn,
    JsonBody(input): JsonBody<DocumentInput>,
) -> Result<(StatusCode, Json<DocumentCreated>)> {
    may_write(&user, input.organization_id)?;
    let actor = user.actor();
    let id = platform
        .db
        .write(async |tx| documents::create(tx, &actor, &input, &Default::default()).await)
        .await?;
    Ok((StatusCode::CREATED, Json(DocumentCreated { id })))
}

#[utoipa::path(get, path = "/api/v1/library/documents/{id}", tag = "library",
    params(("id" = Uuid, Path, description = "The document's id")),
    responses((status = 200, description = "One document", body = Document), (status = 404, description = "No such document")))]
async fn get_document(platform: Platform, Path(id): Path<Uuid>) -> Result<Json<Document>> {
    Ok(Json(load(&platform, id).await?))
}

/// Changes a document's description and metadata.
#[utoipa::path(put, path = "/api/v1/library/documents/{id}", tag = "library", request_body = DocumentInput,
    params(("id" = Uuid, Path, description = "The document's id")),
    responses(
        (status = 204, description = "Saved"),
        (status = 403, description = "Not an editor of this organization"),
        (status = 422, description = "Invalid fields, each named")
    ),
    security(("token" = [])))]
async fn update_document(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<DocumentInput>,
) -> Result<StatusCode> {
    let d = load(&platform, id).await?;
    may_write(&user, d.organization_id)?;
    if input.organization_id != d.organization_id {
        may_write(&user, input.organization_id)?;
    }
    let actor = user.actor();
    platform
        .db
        .write(async |tx| documents::update(tx, &actor, &d, &input).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraws a document, with the reason shown at its address.
#[utoipa::path(post, path = "/api/v1/library/documents/{id}/withdraw", tag = "library", request_body = Withdrawal,
    params(("id" = Uuid, Path, description = "The document's id")),
    responses((status = 204, description = "Withdrawn"), (status = 422, description = "No reason, or already withdrawn")),
    security(("token" = [])))]
async fn withdraw_document(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    JsonBody(w): JsonBody<Withdrawal>,
) -> Result<StatusCode> {
    let d = load(&platform, id).await?;
    may_write(&user, d.organization_id)?;
    let actor = user.actor();
    platform
        .db
        .write(async |tx| documents::withdraw(tx, &actor, &d, &w.reason).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The document's current file (public documents; restricted ones for their editors).
#[utoipa::path(get, path = "/api/v1/library/documents/{id}/file", tag = "library",
    params(("id" = Uuid, Path, description = "The document's id")),
    responses((status = 200, description = "The file, as an attachment"), (status = 404, description = "No such document or no file")))]
async fn get_file(
    platform: Platform,
    ctx: RequestContext,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let d = load(&platform, id).await?;
    if !d.readable_by(ctx.user.as_ref()) {
        return Err(Error::forbidden("library-error-restricted"));
    }
    files::serve(&platform, &d).await
}

/// Sends a new file for the document (the body is the file): it becomes the next version and
/// its text is extracted in the background.
#[utoipa::path(put, path = "/api/v1/library/documents/{id}/file", tag = "library",
    params(("id" = Uuid, Path, description = "The document's id"), FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Stored", body = FileStored), (status = 413, description = "Larger than the upload limit")),
    security(("token" = [])))]
async fn put_file(
    platform: Platform,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    Query(params): Query<FileParams>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Result<Json<FileStored>> {
    let d = load(&platform, id).await?;
    may_write(&user, d.organization_id)?;
    let media_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    let limit = platform.settings.limits.max_upload_bytes;
    let chunks = body
        .into_data_stream()
        .map_err(move |_| Error::PayloadTooLarge { limit });
    let received = files::receive(&platform, chunks, &params.name, &media_type).await?;
    if received.file.size == 0 {
        return Err(Error::field("file", "error-required"));
    }
    let actor = user.actor();
    let version = platform
        .db
        .write(async |tx| documents::set_file(tx, &actor, &d, &received.file).await)
        .await?;
    received.kept();
    platform::jobs::wake();
    Ok(Json(FileStored { version }))
}

/// The text of each page, once extracted.
#[utoipa::path(get, path = "/api/v1/library/documents/{id}/pages", tag = "library",
    params(("id" = Uuid, Path, description = "The document's id")),
    responses((status = 200, description = "Pages in order", body = Vec<Page>)))]
async fn get_pages(
    platform: Platform,
    ctx: RequestContext,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<Page>>> {
    let d = load(&platform, id).await?;
    if !d.readable_by(ctx.user.as_ref()) {
        return Err(Error::forbidden("library-error-restricted"));
    }
    Ok(Json(documents::pages(&platform.db, id).await?))
}

/// Collective agreements, filtered.
#[utoipa::path(get, path = "/api/v1/library/agreements", tag = "library", params(AgreementFilter, Paging),
    responses((status = 200, description = "Agreements", body = DocumentList), (status = 422, description = "A filter is not valid")))]
async fn list_agreements(
    platform: Platform,
    Query(f): Query<AgreementFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<DocumentList>> {
    let (limit, offset) = paging.window();
    let (items, total) = agreements::list(&platform.db, &f.checked()?, limit, offset).await?;
    Ok(Json(DocumentList { total, items }))
}

/// The agreements the filters keep, as CSV.
#[utoipa::path(get, path = "/api/v1/library/agreements.csv", tag = "library", params(AgreementFilter),
    responses((status = 200, description = "CSV, one row per agreement", content_type = "text/csv")))]
async fn agreements_csv(platform: Platform, Query(f): Query<AgreementFilter>) -> Result<Response> {
    let (rows, _) = agreements::list(&platform.db, &f.checked()?, 100_000, 0).await?;
    let body = agreements::csv(&rows, &platform.settings.base_url())?;
    let mut res = axum::response::IntoResponse::into_response(body);
    let h = res.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"collective-agreements.csv\""),
    );
    Ok(res)
}
