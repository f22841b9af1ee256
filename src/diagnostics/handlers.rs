//! Thin handlers for diagnostics and replies.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::input::{DiagnosticCreate, DiagnosticInput, ReplyCreate};
use super::model::{
    AnalysisDone, ByVehicleParams, Diagnostic, DiagnosticDetail, DiagnosticFilter, DiagnosticStats,
    Reply, ReplyFilter, VehicleDiagnostics,
};
use super::{replies, service};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};
use crate::http::list::{List, ListParams, Page};
use crate::http::throttle::Scope;

/// The caller's diagnostics. `ordering`: `created_at`, `updated_at` (default `-created_at`); `search`: title,
/// description, the vehicle's make and model.
#[utoipa::path(get, path = "/api/diagnostics", tag = "diagnostics", security(("bearer" = [])), params(DiagnosticFilter, ListParams),
    responses((status = 200, body = Page<Diagnostic>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_diagnostics(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<DiagnosticFilter>,
) -> AppResult<Json<Page<Diagnostic>>> {
    Ok(Json(service::list(&state, &user, list).await?))
}

/// Create a diagnostic (plan limit `diagnostics` per month); the offline analysis runs at once.
#[utoipa::path(post, path = "/api/diagnostics", tag = "diagnostics", security(("bearer" = [])), request_body = DiagnosticCreate,
    responses((status = 201, body = DiagnosticDetail), (status = 400, description = "validation_error or plan_limit_reached")))]
pub async fn create_diagnostic(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, d) = service::create(&state, &user, body).await?;
    Ok(crate::http::created(format!("/api/diagnostics/{id}/"), d))
}

/// One diagnostic with all its replies.
#[utoipa::path(get, path = "/api/diagnostics/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "diagnostic id")),
    responses((status = 200, body = DiagnosticDetail), (status = 404, description = "not_found")))]
pub async fn get_diagnostic(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<DiagnosticDetail>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Full update (`title` and `description` required).
#[utoipa::path(put, path = "/api/diagnostics/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "diagnostic id")), request_body = DiagnosticInput,
    responses((status = 200, body = DiagnosticDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_diagnostic(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<DiagnosticDetail>> {
    Ok(Json(service::update(&state, &user, id, body, true).await?))
}

/// Partial update.
#[utoipa::path(patch, path = "/api/diagnostics/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "diagnostic id")), request_body = DiagnosticInput,
    responses((status = 200, body = DiagnosticDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_diagnostic(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<DiagnosticDetail>> {
    Ok(Json(service::update(&state, &user, id, body, false).await?))
}

/// Delete a diagnostic with its replies.
#[utoipa::path(delete, path = "/api/diagnostics/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "diagnostic id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "not_found")))]
pub async fn delete_diagnostic(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add the caller's reply.
#[utoipa::path(post, path = "/api/diagnostics/{id}/add_reply", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "diagnostic id")), request_body = ReplyCreate,
    responses((status = 201, body = Reply), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn add_reply(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (rid, r) = replies::add(&state, &user, Some(id), body).await?;
    Ok(crate::http::created(format!("/api/replies/{rid}/"), r))
}

async fn analysis(state: AppState, user: AuthUser, id: i64) -> AppResult<Json<AnalysisDone>> {
    state
        .throttles
        .check(Scope::Assistant, &[format!("user:{}", user.id)])?;
    Ok(Json(service::reanalyze(&state, &user, id).await?))
}

/// Run the analysis again (the provider writes the text when one is configured); throttle `assistant`.
#[utoipa::path(post, path = "/api/diagnostics/{id}/request_ai_analysis", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "diagnostic id")),
    responses((status = 200, body = AnalysisDone), (status = 404, description = "not_found"), (status = 429, description = "throttled")))]
pub async fn request_ai_analysis(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<AnalysisDone>> {
    analysis(state, user, id).await
}

/// Alias of `request_ai_analysis`.
#[utoipa::path(post, path = "/api/diagnostics/{id}/analyze", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "diagnostic id")),
    responses((status = 200, body = AnalysisDone), (status = 404, description = "not_found"), (status = 429, description = "throttled")))]
pub async fn analyze(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<AnalysisDone>> {
    analysis(state, user, id).await
}

/// `pending` diagnostics, newest first (unpaginated).
#[utoipa::path(get, path = "/api/diagnostics/pending", tag = "diagnostics", security(("bearer" = [])), responses((status = 200, body = Vec<Diagnostic>)))]
pub async fn pending(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Vec<Diagnostic>>> {
    Ok(Json(service::by_status(&state, &user, "pending").await?))
}

/// `completed` diagnostics, newest first (unpaginated).
#[utoipa::path(get, path = "/api/diagnostics/completed", tag = "diagnostics", security(("bearer" = [])), responses((status = 200, body = Vec<Diagnostic>)))]
pub async fn completed(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Vec<Diagnostic>>> {
    Ok(Json(service::by_status(&state, &user, "completed").await?))
}

/// Counts by status and the mean confidence of analysed diagnostics.
#[utoipa::path(get, path = "/api/diagnostics/stats", tag = "diagnostics", security(("bearer" = [])), responses((status = 200, body = DiagnosticStats)))]
pub async fn stats(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<DiagnosticStats>> {
    Ok(Json(service::stats(&state, &user).await?))
}

/// Diagnostics grouped by the caller's vehicles (or one of them).
#[utoipa::path(get, path = "/api/diagnostics/by_vehicle", tag = "diagnostics", security(("bearer" = [])), params(ByVehicleParams),
    responses((status = 200, body = Vec<VehicleDiagnostics>), (status = 400, description = "validation_error")))]
pub async fn by_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<VehicleDiagnostics>>> {
    let params = ByVehicleParams::from_query(&query)?;
    Ok(Json(service::by_vehicle(&state, &user, params).await?))
}

/// Replies of the caller's diagnostics. `ordering`: `created_at` (default `-created_at`).
#[utoipa::path(get, path = "/api/replies", tag = "diagnostics", security(("bearer" = [])), params(ReplyFilter, ListParams),
    responses((status = 200, body = Page<Reply>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_replies(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<ReplyFilter>,
) -> AppResult<Json<Page<Reply>>> {
    Ok(Json(replies::list(&state, &user, list).await?))
}

/// Add a reply to one of the caller's diagnostics.
#[utoipa::path(post, path = "/api/replies", tag = "diagnostics", security(("bearer" = [])), request_body = ReplyCreate,
    responses((status = 201, body = Reply), (status = 400, description = "validation_error")))]
pub async fn create_reply(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (rid, r) = replies::add(&state, &user, None, body).await?;
    Ok(crate::http::created(format!("/api/replies/{rid}/"), r))
}

/// One reply.
#[utoipa::path(get, path = "/api/replies/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "reply id")),
    responses((status = 200, body = Reply), (status = 404, description = "not_found")))]
pub async fn get_reply(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Reply>> {
    Ok(Json(replies::get(&state, &user, id).await?))
}

/// Replace the caller's own reply (`message` required).
#[utoipa::path(put, path = "/api/replies/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "reply id")), request_body = ReplyCreate,
    responses((status = 200, body = Reply), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_reply(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Reply>> {
    Ok(Json(replies::update(&state, &user, id, body, true).await?))
}

/// Change the caller's own reply.
#[utoipa::path(patch, path = "/api/replies/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "reply id")), request_body = ReplyCreate,
    responses((status = 200, body = Reply), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_reply(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Reply>> {
    Ok(Json(replies::update(&state, &user, id, body, false).await?))
}

/// Delete the caller's own reply.
#[utoipa::path(delete, path = "/api/replies/{id}", tag = "diagnostics", security(("bearer" = [])), params(("id" = i64, Path, description = "reply id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn delete_reply(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    replies::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
