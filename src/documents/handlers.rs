//! Thin handlers for documents: multipart or JSON bodies, private downloads.

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::apply::{Applied, ApplyOverrides};
use super::model::{
    AnalysisQueued, BatchAnalyze, BatchQueued, Document, DocumentFilter, DocumentForm,
    DocumentInput, DocumentStats, DocumentUpload, TypeFilter, VehicleDocuments, VehicleFilter,
};
use super::{reads, service, upload};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::http::extract::{JsonBody, PathId, QueryMap};
use crate::http::list::{List, ListFilter, ListParams, Page};
use crate::http::throttle::Scope;

fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

async fn multipart(state: &AppState, req: Request) -> AppResult<upload::Upload> {
    let mp = Multipart::from_request(req, state).await.map_err(|_| {
        AppError::field(
            "non_field_errors",
            crate::i18n::Tr::new(
                "The multipart body is malformed.",
                "Le corps multipart est invalide.",
            ),
        )
    })?;
    upload::read(mp, &state.storage, state.config.max_upload_bytes).await
}

fn throttle(state: &AppState, user: &AuthUser) -> AppResult<()> {
    state
        .throttles
        .check(Scope::Upload, &[format!("user:{}", user.id)])
}

/// The caller's documents. `ordering`: `created_at`, `updated_at`, `file_size`, `title` (default `-created_at`);
/// `search`: title, description, extracted text, the vehicle's make and model.
#[utoipa::path(get, path = "/api/documents", tag = "documents", security(("bearer" = [])), params(DocumentFilter, ListParams),
    responses((status = 200, body = Page<Document>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_documents(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<DocumentFilter>,
) -> AppResult<Json<Page<Document>>> {
    Ok(Json(reads::list(&state, &user, list).await?))
}

/// Upload a document (plan limits `documents`, then `storage`); images and PDFs are queued for analysis.
#[utoipa::path(post, path = "/api/documents", tag = "documents", security(("bearer" = [])),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Document), (status = 400, description = "validation_error or plan_limit_reached"),
        (status = 413, description = "payload_too_large"), (status = 415, description = "unsupported_media_type"), (status = 429, description = "throttled")))]
pub async fn create_document(
    State(state): State<AppState>,
    user: AuthUser,
    req: Request,
) -> AppResult<Response> {
    let ct = content_type(&req);
    if !ct.starts_with("multipart/form-data") {
        return Err(AppError::unsupported_media_type(&ct));
    }
    throttle(&state, &user)?;
    let up = multipart(&state, req).await?;
    let (id, v) = service::create(&state, &user, up).await?;
    Ok(crate::http::created(format!("/api/documents/{id}/"), v))
}

/// One document.
#[utoipa::path(get, path = "/api/documents/{id}", tag = "documents", security(("bearer" = [])), params(("id" = i64, Path, description = "document id")),
    responses((status = 200, body = Document), (status = 404, description = "not_found")))]
pub async fn get_document(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Document>> {
    Ok(Json(reads::get(&state, &user, id).await?))
}

/// Update the metadata (JSON), or the metadata and the file (multipart; storage limit on a new file). PUT and
/// PATCH both update only the fields sent.
#[utoipa::path(method(put, patch), path = "/api/documents/{id}", tag = "documents", security(("bearer" = [])), params(("id" = i64, Path, description = "document id")),
    request_body(content((DocumentInput = "application/json"), (DocumentForm = "multipart/form-data"))),
    responses((status = 200, body = Document), (status = 400, description = "validation_error or plan_limit_reached"), (status = 404, description = "not_found"),
        (status = 413, description = "payload_too_large"), (status = 415, description = "unsupported_media_type"), (status = 429, description = "throttled")))]
pub async fn update_document(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    req: Request,
) -> AppResult<Json<Document>> {
    let ct = content_type(&req);
    if ct.starts_with("multipart/form-data") {
        throttle(&state, &user)?;
        let (body, file) = multipart(&state, req).await?.into_parts();
        return Ok(Json(service::update(&state, &user, id, body, file).await?));
    }
    let JsonBody(body) = JsonBody::from_request(req, &state).await?;
    Ok(Json(service::update(&state, &user, id, body, None).await?))
}

/// Delete a document and its file.
#[utoipa::path(delete, path = "/api/documents/{id}", tag = "documents", security(("bearer" = [])), params(("id" = i64, Path, description = "document id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "not_found")))]
pub async fn delete_document(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The file, to its owner only, with its stored (sniffed) type (`?inline=true` to display it).
#[utoipa::path(get, path = "/api/documents/{id}/download", tag = "documents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "document id"), ("inline" = Option<bool>, Query, description = "inline instead of attachment")),
    responses((status = 200, description = "the file, as the document's `mime_type`", content(
            ("application/pdf"), ("image/jpeg"), ("image/png"), ("image/webp"),
            ("image/gif"), ("application/msword"),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn download(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    QueryMap(query): QueryMap,
) -> AppResult<Response> {
    let doc = reads::for_download(&state, &user, id).await?;
    let inline = crate::http::list::bool_param(&query, "inline")?.unwrap_or(false);
    let path = state
        .storage
        .path(&doc.storage_key)
        .ok_or_else(AppError::not_found)?;
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(document_id = id, error = %e, "stored file missing");
            return Err(AppError::not_found());
        }
    };
    let ascii: String = doc
        .original_filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = doc
        .original_filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    );
    let mut res = Response::new(Body::from_stream(tokio_util::io::ReaderStream::new(file)));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&doc.mime_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(doc.file_size as u64),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// Queue a (new) analysis: 202.
#[utoipa::path(post, path = "/api/documents/{id}/analyze", tag = "documents", security(("bearer" = [])), params(("id" = i64, Path, description = "document id")),
    responses((status = 202, body = AnalysisQueued), (status = 400, description = "analysis_not_supported"), (status = 404, description = "not_found"),
        (status = 409, description = "analysis_in_progress"), (status = 429, description = "throttled")))]
pub async fn analyze(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<(StatusCode, Json<AnalysisQueued>)> {
    throttle(&state, &user)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(super::queue::analyze(&state, &user, id).await?),
    ))
}

/// Turn the analysed suggestion into a record: an invoice's maintenance (201; body overrides `vehicle`,
/// `service_date`, `service_type`, `description`, `mileage`, `cost`, `status`), or a registration certificate's
/// plate, VIN and fuel type into the empty fields of the document's vehicle (or the body's `vehicle`) (200).
/// Applying twice creates nothing: 409 `conflict` with the record made the first time.
#[utoipa::path(post, path = "/api/documents/{id}/apply-suggestion", tag = "documents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "document id")), request_body = ApplyOverrides,
    responses((status = 201, body = Applied, description = "a maintenance was created"), (status = 200, body = Applied, description = "the vehicle was completed"),
        (status = 400, description = "validation_error or plan_limit_reached"), (status = 404, description = "not_found"),
        (status = 409, description = "conflict: already applied; `maintenance` or `vehicle` holds the record")))]
pub async fn apply_suggestion(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<(StatusCode, Json<Applied>)> {
    let (created, applied) = super::apply::apply_suggestion(&state, &user, id, body).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(applied)))
}

/// Queue several analyses (Word files and documents being analysed are skipped): 202.
#[utoipa::path(post, path = "/api/documents/batch_analyze", tag = "documents", security(("bearer" = [])), request_body = BatchAnalyze,
    responses((status = 202, body = BatchQueued), (status = 400, description = "validation_error"), (status = 429, description = "throttled")))]
pub async fn batch_analyze(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<(StatusCode, Json<BatchQueued>)> {
    throttle(&state, &user)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(super::queue::batch_analyze(&state, &user, body).await?),
    ))
}

/// Documents of one `type` (all without it), newest first.
#[utoipa::path(get, path = "/api/documents/by_type", tag = "documents", security(("bearer" = [])), params(TypeFilter),
    responses((status = 200, body = Vec<Document>), (status = 400, description = "validation_error")))]
pub async fn by_type(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<Document>>> {
    let filter = TypeFilter::from_query(&query)?;
    Ok(Json(reads::by_type(&state, &user, filter).await?))
}

/// Documents not analysed yet (`is_analyzed` false), newest first.
#[utoipa::path(get, path = "/api/documents/unanalyzed", tag = "documents", security(("bearer" = [])), responses((status = 200, body = Vec<Document>)))]
pub async fn unanalyzed(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Vec<Document>>> {
    Ok(Json(reads::unanalyzed(&state, &user).await?))
}

/// Counts and storage used.
#[utoipa::path(get, path = "/api/documents/stats", tag = "documents", security(("bearer" = [])), responses((status = 200, body = DocumentStats)))]
pub async fn document_stats(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<DocumentStats>> {
    Ok(Json(reads::stats(&state, &user).await?))
}

/// Documents grouped by vehicle.
#[utoipa::path(get, path = "/api/documents/by_vehicle", tag = "documents", security(("bearer" = [])), params(VehicleFilter),
    responses((status = 200, body = Vec<VehicleDocuments>), (status = 400, description = "validation_error")))]
pub async fn by_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<VehicleDocuments>>> {
    let filter = VehicleFilter::from_query(&query)?;
    Ok(Json(reads::by_vehicle(&state, &user, filter).await?))
}

#[cfg(test)]
mod tests {
    use crate::documents::storage::FileKind;

    /// The download documents every type an upload can be stored as.
    #[test]
    fn the_download_documents_every_stored_type() {
        let doc = serde_json::to_value(crate::docs::document()).unwrap();
        let content =
            &doc["paths"]["/api/documents/{id}/download"]["get"]["responses"]["200"]["content"];
        let mut documented: Vec<&str> = content
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut stored = FileKind::ALL.map(FileKind::mime).to_vec();
        documented.sort();
        stored.sort();
        assert_eq!(documented, stored);
    }
}
