//! Thin handlers for notifications.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::model::{
    Notification, NotificationCreate, NotificationFilter, NotificationRead, NotificationStats,
    NotificationUpdate, TypeParams, UnreadCount,
};
use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::Message;
use crate::http::extract::{JsonBody, PathId, QueryMap};
use crate::http::list::{List, ListFilter, ListParams, Page};

/// The caller's notifications. `ordering`: `created_at`, `read_at` (default `-created_at`); `search`: title,
/// message.
#[utoipa::path(get, path = "/api/notifications", tag = "notifications", security(("bearer" = [])), params(NotificationFilter, ListParams),
    responses((status = 200, body = Page<Notification>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_notifications(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<NotificationFilter>,
) -> AppResult<Json<Page<Notification>>> {
    Ok(Json(service::list(&state, &user, list).await?))
}

/// Create a notification for oneself.
#[utoipa::path(post, path = "/api/notifications", tag = "notifications", security(("bearer" = [])), request_body = NotificationCreate,
    responses((status = 201, body = Notification), (status = 400, description = "validation_error")))]
pub async fn create_notification(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let n = service::create(&state, &user, body).await?;
    Ok(crate::http::created(
        format!("/api/notifications/{}/", n.id),
        n,
    ))
}

/// Unread notifications, newest first.
#[utoipa::path(get, path = "/api/notifications/unread", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = Vec<Notification>)))]
pub async fn unread(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Vec<Notification>>> {
    Ok(Json(service::unread(&state, &user).await?))
}

/// How many are unread.
#[utoipa::path(get, path = "/api/notifications/unread_count", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = UnreadCount)))]
pub async fn unread_count(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<UnreadCount>> {
    Ok(Json(service::unread_count(&state, &user).await?))
}

/// Mark every notification as read.
#[utoipa::path(post, path = "/api/notifications/mark_all_as_read", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = Message)))]
pub async fn mark_all_as_read(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Message>> {
    Ok(Json(service::mark_all_as_read(&state, &user).await?))
}

/// Delete every read notification.
#[utoipa::path(delete, path = "/api/notifications/delete_all_read", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = Message)))]
pub async fn delete_all_read(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Message>> {
    Ok(Json(service::delete_all_read(&state, &user).await?))
}

/// Notifications of one `type` (all without it), newest first.
#[utoipa::path(get, path = "/api/notifications/by_type", tag = "notifications", security(("bearer" = [])), params(TypeParams),
    responses((status = 200, body = Vec<Notification>), (status = 400, description = "validation_error")))]
pub async fn by_type(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<Notification>>> {
    let params = TypeParams::from_query(&query)?;
    Ok(Json(service::by_type(&state, &user, params).await?))
}

/// Counts by read state and type.
#[utoipa::path(get, path = "/api/notifications/stats", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = NotificationStats)))]
pub async fn notification_stats(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<NotificationStats>> {
    Ok(Json(service::stats(&state, &user).await?))
}

/// One notification.
#[utoipa::path(get, path = "/api/notifications/{id}", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")),
    responses((status = 200, body = Notification), (status = 404, description = "not_found")))]
pub async fn get_notification(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Notification>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Set `is_read` (required).
#[utoipa::path(put, path = "/api/notifications/{id}", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")), request_body = NotificationRead,
    responses((status = 200, body = Notification), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_notification(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Notification>> {
    Ok(Json(service::update(&state, &user, id, body, true).await?))
}

/// Update `is_read` (unchanged when not sent).
#[utoipa::path(patch, path = "/api/notifications/{id}", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")), request_body = NotificationUpdate,
    responses((status = 200, body = Notification), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_notification(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Notification>> {
    Ok(Json(service::update(&state, &user, id, body, false).await?))
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
    responses((status = 200, body = Notification), (status = 404, description = "not_found")))]
pub async fn mark_as_read(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Notification>> {
    Ok(Json(service::set_read(&state, &user, id, true).await?))
}

/// Mark one as unread.
#[utoipa::path(post, path = "/api/notifications/{id}/mark_as_unread", tag = "notifications", security(("bearer" = [])), params(("id" = i64, Path, description = "id")),
    responses((status = 200, body = Notification), (status = 404, description = "not_found")))]
pub async fn mark_as_unread(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Notification>> {
    Ok(Json(service::set_read(&state, &user, id, false).await?))
}
