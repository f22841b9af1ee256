//! Thin handlers for notifications.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};

/// The caller's notifications (filters `notification_type`, `is_read`; `search`; `ordering` created_at, read_at).
#[utoipa::path(get, path = "/api/notifications", tag = "notifications", security(("bearer" = [])),
    params(("notification_type" = Option<String>, Query, description = "type"), ("is_read" = Option<bool>, Query, description = "read state"),
        ("search" = Option<String>, Query, description = "title, message"), ("ordering" = Option<String>, Query, description = "created_at, read_at"),
        ("page" = Option<i64>, Query, description = "1-based"), ("page_size" = Option<i64>, Query, description = "≤ 100")),
    responses((status = 200, description = "envelope"), (status = 400, description = "validation_error")))]
pub async fn list_notifications(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::list(&state, &user, query, uri.path().to_owned()).await?,
    ))
}

/// Create a notification for oneself.
#[utoipa::path(post, path = "/api/notifications", tag = "notifications", security(("bearer" = [])), request_body = Object,
    responses((status = 201, description = "the notification"), (status = 400, description = "validation_error")))]
pub async fn create_notification(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::create(&state, &user, body).await?;
    Ok(crate::http::created(format!("/api/notifications/{id}/"), v))
}

/// Unread notifications, newest first.
#[utoipa::path(get, path = "/api/notifications/unread", tag = "notifications", security(("bearer" = [])), responses((status = 200, description = "array")))]
pub async fn unread(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(service::plain(&state, &user, true, query).await?))
}

/// How many are unread.
#[utoipa::path(get, path = "/api/notifications/unread_count", tag = "notifications", security(("bearer" = [])), responses((status = 200, description = "`{unread_count}`")))]
pub async fn unread_count(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Value>> {
    Ok(Json(service::unread_count(&state, &user).await?))
}

/// Mark every notification as read.
#[utoipa::path(post, path = "/api/notifications/mark_all_as_read", tag = "notifications", security(("bearer" = [])), responses((status = 200, description = "`{message}`")))]
pub async fn mark_all_as_read(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Value>> {
    Ok(Json(service::mark_all_as_read(&state, &user).await?))
}

/// Delete every read notification.
#[utoipa::path(delete, path = "/api/notifications/delete_all_read", tag = "notifications", security(("bearer" = [])), responses((status = 200, description = "`{message}`")))]
pub async fn delete_all_read(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Value>> {
    Ok(Json(service::delete_all_read(&state, &user).await?))
}

/// Notifications of one `type` (all without it).
#[utoipa::path(get, path = "/api/notifications/by_type", tag = "notifications", security(("bearer" = [])),
    params(("type" = Option<String>, Query, description = "notification type")), responses((status = 200, description = "array"), (status = 400, description = "validation_error")))]
pub async fn by_type(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(service::plain(&state, &user, false, query).await?))
}

/// Counts by read state and type.
#[utoipa::path(get, path = "/api/notifications/stats", tag = "notifications", security(("bearer" = [])), responses((status = 200, description = "stats")))]
pub async fn notification_stats(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Value>> {
    Ok(Json(service::stats(&state, &user).await?))
}

/// One notification.
#[utoipa::path(get, path = "/api/notifications/{id}", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")),
    responses((status = 200, description = "the notification"), (status = 404, description = "not_found")))]
pub async fn get_notification(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Update `is_read` (PUT or PATCH).
#[utoipa::path(method(put, patch), path = "/api/notifications/{id}", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")), request_body = Object,
    responses((status = 200, description = "the notification"), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn update_notification(
    State(state): State<AppState>,
    method: Method,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::update(&state, &user, id, body, method == Method::PUT).await?,
    ))
}

/// Delete one notification.
#[utoipa::path(delete, path = "/api/notifications/{id}", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "not_found")))]
pub async fn delete_notification(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark one as read.
#[utoipa::path(post, path = "/api/notifications/{id}/mark_as_read", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")),
    responses((status = 200, description = "the notification"), (status = 404, description = "not_found")))]
pub async fn mark_as_read(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    Ok(Json(service::set_read(&state, &user, id, true).await?))
}

/// Mark one as unread.
#[utoipa::path(post, path = "/api/notifications/{id}/mark_as_unread", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")),
    responses((status = 200, description = "the notification"), (status = 404, description = "not_found")))]
pub async fn mark_as_unread(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    Ok(Json(service::set_read(&state, &user, id, false).await?))
}
