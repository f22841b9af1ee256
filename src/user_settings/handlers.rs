//! Thin handlers for settings.

use axum::Json;
use axum::extract::State;

use super::model::{Settings, SettingsInput};
use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId};
use crate::http::list::{List, ListParams, Page};

/// A page holding the caller's one settings row (`ordering` and `search` have nothing to act on).
#[utoipa::path(get, path = "/api/settings", tag = "settings", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<Settings>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_settings(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<()>,
) -> AppResult<Json<Page<Settings>>> {
    Ok(Json(service::list(&state, &user, list).await?))
}

/// The caller's settings.
#[utoipa::path(get, path = "/api/settings/me", tag = "settings", security(("bearer" = [])), responses((status = 200, body = Settings)))]
pub async fn get_my_settings(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Settings>> {
    let row = service::mine(&state, &user).await?;
    Ok(Json(row.into_dto(state.config.otp_policy)))
}

/// Update the caller's settings (missing fields stay).
#[utoipa::path(put, path = "/api/settings/update_me", tag = "settings", security(("bearer" = [])), request_body = SettingsInput,
    responses((status = 200, body = Settings), (status = 400, description = "validation_error")))]
pub async fn put_my_settings(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Settings>> {
    Ok(Json(service::update(&state, &user, None, body).await?))
}

/// Update the caller's settings (missing fields stay).
#[utoipa::path(patch, path = "/api/settings/update_me", tag = "settings", security(("bearer" = [])), request_body = SettingsInput,
    responses((status = 200, body = Settings), (status = 400, description = "validation_error")))]
pub async fn patch_my_settings(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Settings>> {
    Ok(Json(service::update(&state, &user, None, body).await?))
}

/// Back to the defaults (the second-factor choice stays).
#[utoipa::path(post, path = "/api/settings/reset", tag = "settings", security(("bearer" = [])), responses((status = 200, body = Settings)))]
pub async fn reset_settings(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Settings>> {
    Ok(Json(service::reset(&state, &user).await?))
}

/// The caller's settings by id.
#[utoipa::path(get, path = "/api/settings/{id}", tag = "settings", security(("bearer" = [])), params(("id" = i64, Path, description = "settings id")),
    responses((status = 200, body = Settings), (status = 404, description = "not_found")))]
pub async fn get_settings(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Settings>> {
    let row = service::by_id(&state, &user, id).await?;
    Ok(Json(row.into_dto(state.config.otp_policy)))
}

/// Update by id.
#[utoipa::path(put, path = "/api/settings/{id}", tag = "settings", security(("bearer" = [])), params(("id" = i64, Path, description = "settings id")), request_body = SettingsInput,
    responses((status = 200, body = Settings), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Settings>> {
    Ok(Json(service::update(&state, &user, Some(id), body).await?))
}

/// Update by id.
#[utoipa::path(patch, path = "/api/settings/{id}", tag = "settings", security(("bearer" = [])), params(("id" = i64, Path, description = "settings id")), request_body = SettingsInput,
    responses((status = 200, body = Settings), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_settings(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Settings>> {
    Ok(Json(service::update(&state, &user, Some(id), body).await?))
}
