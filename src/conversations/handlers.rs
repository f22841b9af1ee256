//! Thin handlers for conversations and messages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::model::{
    Conversation, ConversationDetail, ConversationFilter, ConversationInput, ConversationStats,
    Message, MessageCreate, MessageFilter, RecentParams, SendMessage, SentMessage,
};
use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};
use crate::http::list::{List, ListFilter, ListParams, Page};

/// The caller's conversations. `ordering`: `created_at`, `updated_at` (default `-updated_at`); `search`: title.
#[utoipa::path(get, path = "/api/conversations", tag = "conversations", security(("bearer" = [])), params(ConversationFilter, ListParams),
    responses((status = 200, body = Page<Conversation>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_conversations(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<ConversationFilter>,
) -> AppResult<Json<Page<Conversation>>> {
    Ok(Json(service::list(&state, &user, list).await?))
}

/// Start a conversation (`title` ≤ 255 or null, `is_active`).
#[utoipa::path(post, path = "/api/conversations", tag = "conversations", security(("bearer" = [])), request_body = ConversationInput,
    responses((status = 201, body = ConversationDetail), (status = 400, description = "validation_error")))]
pub async fn create_conversation(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, c) = service::create(&state, &user, body).await?;
    Ok(crate::http::created(format!("/api/conversations/{id}/"), c))
}

/// The caller's most recently updated conversations (unpaginated).
#[utoipa::path(get, path = "/api/conversations/recent", tag = "conversations", security(("bearer" = [])), params(RecentParams),
    responses((status = 200, body = Vec<Conversation>), (status = 400, description = "validation_error")))]
pub async fn recent(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<Conversation>>> {
    let limit = RecentParams::from_query(&query)?.limit.unwrap_or(10);
    Ok(Json(service::recent(&state, &user, limit).await?))
}

/// Counts of the caller's conversations and messages.
#[utoipa::path(get, path = "/api/conversations/stats", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = ConversationStats)))]
pub async fn stats(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<ConversationStats>> {
    Ok(Json(service::stats(&state, &user).await?))
}

/// One conversation with its messages, oldest first.
#[utoipa::path(get, path = "/api/conversations/{id}", tag = "conversations", security(("bearer" = [])), params(("id" = i64, Path, description = "conversation id")),
    responses((status = 200, body = ConversationDetail), (status = 404, description = "not_found")))]
pub async fn get_conversation(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<ConversationDetail>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Change `title` or `is_active`.
#[utoipa::path(put, path = "/api/conversations/{id}", tag = "conversations", security(("bearer" = [])), params(("id" = i64, Path, description = "conversation id")), request_body = ConversationInput,
    responses((status = 200, body = ConversationDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_conversation(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<ConversationDetail>> {
    Ok(Json(service::update(&state, &user, id, body).await?))
}

/// Change `title` or `is_active`.
#[utoipa::path(patch, path = "/api/conversations/{id}", tag = "conversations", security(("bearer" = [])), params(("id" = i64, Path, description = "conversation id")), request_body = ConversationInput,
    responses((status = 200, body = ConversationDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_conversation(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<ConversationDetail>> {
    Ok(Json(service::update(&state, &user, id, body).await?))
}

/// Delete a conversation with its messages.
#[utoipa::path(delete, path = "/api/conversations/{id}", tag = "conversations", security(("bearer" = [])), params(("id" = i64, Path, description = "conversation id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "not_found")))]
pub async fn delete_conversation(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A conversation's messages, oldest first (unpaginated).
#[utoipa::path(get, path = "/api/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])), params(("id" = i64, Path, description = "conversation id")),
    responses((status = 200, body = Vec<Message>), (status = 404, description = "not_found")))]
pub async fn conversation_messages(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Vec<Message>>> {
    Ok(Json(service::messages(&state, &user, id).await?))
}

/// Send a message (`content` 1–4000, `vehicle_id`); the assistant answers when the plan has `ai_assistant`.
#[utoipa::path(post, path = "/api/conversations/{id}/send_message", tag = "conversations", security(("bearer" = [])), params(("id" = i64, Path, description = "conversation id")), request_body = SendMessage,
    responses((status = 201, body = SentMessage), (status = 400, description = "validation_error"), (status = 404, description = "not_found"), (status = 429, description = "throttled")))]
pub async fn send_message(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (mid, m) = service::send_message(&state, &user, id, body).await?;
    Ok(crate::http::created(format!("/api/messages/{mid}/"), m))
}

/// Messages of the caller's conversations. `ordering`: `created_at` (default `-created_at`).
#[utoipa::path(get, path = "/api/messages", tag = "conversations", security(("bearer" = [])), params(MessageFilter, ListParams),
    responses((status = 200, body = Page<Message>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_messages(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<MessageFilter>,
) -> AppResult<Json<Page<Message>>> {
    Ok(Json(service::list_messages(&state, &user, list).await?))
}

/// Store a user message in one of the caller's conversations (`conversation`, `content`); no reply.
#[utoipa::path(post, path = "/api/messages", tag = "conversations", security(("bearer" = [])), request_body = MessageCreate,
    responses((status = 201, body = Message), (status = 400, description = "validation_error")))]
pub async fn create_message(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (mid, m) = service::create_message(&state, &user, body).await?;
    Ok(crate::http::created(format!("/api/messages/{mid}/"), m))
}

/// One message. Messages are not changed nor deleted: PUT, PATCH and DELETE answer 405.
#[utoipa::path(get, path = "/api/messages/{id}", tag = "conversations", security(("bearer" = [])), params(("id" = i64, Path, description = "message id")),
    responses((status = 200, body = Message), (status = 404, description = "not_found")))]
pub async fn get_message(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Message>> {
    Ok(Json(service::get_message(&state, &user, id).await?))
}
