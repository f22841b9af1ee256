//! Thin handlers for documents: multipart or JSON bodies, private downloads.

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, OriginalUri, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{service, upload};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::http::extract::{JsonBody, PathId, QueryMap};
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

/// The caller's documents (filters `vehicle`, `document_type`, `is_analyzed`, `analysis_status`; `search`; `ordering`).
#[utoipa::path(get, path = "/api/documents", tag = "documents", security(("bearer" = [])),
    params(("vehicle" = Option<i64>, Query, description = "vehicle id"), ("document_type" = Option<String>, Query, description = "type"),
        ("is_analyzed" = Option<bool>, Query, description = "analysis done"), ("analysis_status" = Option<String>, Query, description = "pending, processing, done, failed"),
        ("search" = Option<String>, Query, description = "title, description, text, make, model"), ("ordering" = Option<String>, Query, description = "created_at, updated_at, file_size, title"),
        ("page" = Option<i64>, Query, description = "1-based"), ("page_size" = Option<i64>, Query, description = "≤ 100")),
    responses((status = 200, description = "envelope"), (status = 400, description = "validation_error")))]
pub async fn list_documents(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::list(&state, &user, query, uri.path().to_owned()).await?,
    ))
}

/// Upload a document (multipart: `file`*, `title`, `document_type`, `vehicle`, `description`).
#[utoipa::path(post, path = "/api/documents", tag = "documents", security(("bearer" = [])),
    request_body(content = String, content_type = "multipart/form-data", description = "parts: file*, title, document_type, vehicle, description"),
    responses((status = 201, description = "the document"), (status = 400, description = "validation_error or plan_limit_reached"),
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
    responses((status = 200, description = "the document"), (status = 404, description = "not_found")))]
pub async fn get_document(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Update metadata (JSON) or metadata and the file (multipart).
#[utoipa::path(method(put, patch), path = "/api/documents/{id}", tag = "documents", security(("bearer" = [])), params(("id" = i64, Path, description = "document id")), request_body = Object,
    responses((status = 200, description = "the document"), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn update_document(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    req: Request,
) -> AppResult<Json<Value>> {
    let ct = content_type(&req);
    if ct.starts_with("multipart/form-data") {
        throttle(&state, &user)?;
        let mut up = multipart(&state, req).await?;
        let file = up.file.take();
        let body = up.fields.into_iter().map(|(k, v)| {
            let value = if k == "vehicle" && v.trim().is_empty() {
                Value::Null
            } else {
                Value::String(v)
            };
            (k, value)
        });
        return Ok(Json(
            service::update(&state, &user, id, body.collect(), file).await?,
        ));
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

/// The file, to its owner only (`?inline=true` to display it).
#[utoipa::path(get, path = "/api/documents/{id}/download", tag = "documents", security(("bearer" = [])),
    params(("id" = i64, Path, description = "document id"), ("inline" = Option<bool>, Query, description = "inline instead of attachment")),
    responses((status = 200, description = "the file"), (status = 404, description = "not_found")))]
pub async fn download(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    QueryMap(query): QueryMap,
) -> AppResult<Response> {
    let doc = service::for_download(&state, &user, id).await?;
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
    responses((status = 202, description = "`{message, document_id, task_id}`"), (status = 400, description = "analysis_not_supported"), (status = 409, description = "analysis_in_progress")))]
pub async fn analyze(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    throttle(&state, &user)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(super::queue::analyze(&state, &user, id).await?),
    )
        .into_response())
}

/// Queue several analyses: 202.
#[utoipa::path(post, path = "/api/documents/batch_analyze", tag = "documents", security(("bearer" = [])), request_body = Object,
    responses((status = 202, description = "`{message, document_count, skipped, task_id}`"), (status = 400, description = "validation_error")))]
pub async fn batch_analyze(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    throttle(&state, &user)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(super::queue::batch_analyze(&state, &user, body).await?),
    )
        .into_response())
}

/// Documents of one `type` (all without it).
#[utoipa::path(get, path = "/api/documents/by_type", tag = "documents", security(("bearer" = [])), params(("type" = Option<String>, Query, description = "document type")),
    responses((status = 200, description = "array"), (status = 400, description = "validation_error")))]
pub async fn by_type(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(service::plain(&state, &user, false, query).await?))
}

/// Documents not analysed yet.
#[utoipa::path(get, path = "/api/documents/unanalyzed", tag = "documents", security(("bearer" = [])), responses((status = 200, description = "array")))]
pub async fn unanalyzed(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(service::plain(&state, &user, true, query).await?))
}

/// Counts and storage used.
#[utoipa::path(get, path = "/api/documents/stats", tag = "documents", security(("bearer" = [])), responses((status = 200, description = "stats")))]
pub async fn document_stats(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Value>> {
    Ok(Json(service::stats(&state, &user).await?))
}

/// Documents grouped by vehicle.
#[utoipa::path(get, path = "/api/documents/by_vehicle", tag = "documents", security(("bearer" = [])), params(("vehicle_id" = Option<i64>, Query, description = "only this vehicle")),
    responses((status = 200, description = "array of groups")))]
pub async fn by_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(service::by_vehicle(&state, &user, query).await?))
}
