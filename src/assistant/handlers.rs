//! Thin handlers for the assistant actions.

use axum::Json;
use axum::extract::State;

use super::actions::{self, AskAnswer, ChatAnswer, DiagnosticAnswer, SuggestionsAnswer};
use super::input::{AskRequest, ChatRequest, DiagnosticRequest, SuggestionsRequest};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::JsonBody;

/// Answer a question from the caller's records and the knowledge base (feature `ai_assistant`).
#[utoipa::path(post, path = "/api/assistant/chat", tag = "assistant", security(("bearer" = [])), request_body = ChatRequest,
    responses((status = 200, body = ChatAnswer), (status = 400, description = "validation_error"), (status = 403, description = "plan_upgrade_required"), (status = 429, description = "throttled")))]
pub async fn chat(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<ChatAnswer>> {
    Ok(Json(actions::chat(&state, &user, body).await?))
}

/// What the maintenance schedule says for a vehicle (feature `ai_assistant`).
#[utoipa::path(post, path = "/api/assistant/maintenance_suggestions", tag = "assistant", security(("bearer" = [])), request_body = SuggestionsRequest,
    responses((status = 200, body = SuggestionsAnswer), (status = 400, description = "validation_error"), (status = 403, description = "plan_upgrade_required"), (status = 429, description = "throttled")))]
pub async fn maintenance_suggestions(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<SuggestionsAnswer>> {
    Ok(Json(
        actions::maintenance_suggestions(&state, &user, body).await?,
    ))
}

/// A maintenance question about a vehicle (feature `ai_assistant`).
#[utoipa::path(post, path = "/api/assistant/maintenance_ask", tag = "assistant", security(("bearer" = [])), request_body = AskRequest,
    responses((status = 200, body = AskAnswer), (status = 400, description = "validation_error"), (status = 403, description = "plan_upgrade_required"), (status = 429, description = "throttled")))]
pub async fn maintenance_ask(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<AskAnswer>> {
    Ok(Json(actions::maintenance_ask(&state, &user, body).await?))
}

/// Symptoms and fault codes analysed (feature `ai_diagnostic`).
#[utoipa::path(post, path = "/api/assistant/diagnostic", tag = "assistant", security(("bearer" = [])), request_body = DiagnosticRequest,
    responses((status = 200, body = DiagnosticAnswer), (status = 400, description = "validation_error"), (status = 403, description = "plan_upgrade_required"), (status = 429, description = "throttled")))]
pub async fn diagnostic(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<DiagnosticAnswer>> {
    Ok(Json(actions::diagnostic(&state, &user, body).await?))
}
