//! Thin handlers for settings.

use axum::Json;
use axum::extract::{OriginalUri, State};
use serde_json::Value;

use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};

/// An envelope holding the caller's settings.
#[utoipa::path(get, path = "/api/settings", tag = "settings", security(("bearer" = [])), responses((status = 200, description = "envelope")))]
pub async fn list_settings(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::list(&state, &user, query, uri.path().to_owned()).await?,
    ))
}

/// The caller's settings.
#[utoipa::path(get, path = "/api/settings/me", tag = "settings", security(("bearer" = [])), responses((status = 200, description = "settings")))]
pub async fn get_my_settings(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::mine(&state, &user)
            .await?
            .to_json(state.config.otp_policy),
    ))
}

/// Update the caller's settings (missing fields stay).
#[utoipa::path(put, path = "/api/settings/update_me", tag = "settings", security(("bearer" = [])), request_body = Object,
    responses((status = 200, description = "settings"), (status = 400, description = "validation_error")))]
pub async fn put_my_settings(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(service::update(&state, &user, None, body).await?))
}

/// Update the caller's settings (missing fields stay).
#[utoipa::path(patch, path = "/api/settings/update_me", tag = "settings", security(("bearer" = [])), request_body = Object,
    responses((status = 200, description = "settings"), (status = 400, description = "validation_error")))]
pub async fn patch_my_settings(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(service::update(&state, &user, None, body).await?))
}

/// Back to the defaults (the second-factor choice stays).
#[utoipa::path(post, path = "/api/settings/reset", tag = "settings", security(("bearer" = [])), responses((status = 200, description = "settings")))]
pub async fn reset_settings(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Value>> {
    Ok(Json(service::reset(&state, &user).await?))
}

/// The caller's settings by id.
#[utoipa::path(get, path = "/api/settings/{id}", tag = "settings", security(("bearer" = [])), params(("id" = i64, Path, description = "settings id")),
    responses((status = 200, description = "settings"), (status = 404, description = "not_found")))]
pub async fn get_settings(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::by_id(&state, &user, id)
            .await?
            .to_json(state.config.otp_policy),
    ))
}

/// Update by id.
#[utoipa::path(put, path = "/api/settings/{id}", tag = "settings", security(("bearer" = [])), params(("id" = i64, Path, description = "settings id")), request_body = Object,
    responses((status = 200, description = "settings"), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(service::update(&state, &user, Some(id), body).await?))
}

/// Update by id.
#[utoipa::path(patch, path = "/api/settings/{id}", tag = "settings", security(("bearer" = [])), params(("id" = i64, Path, description = "settings id")), request_body = Object,
    responses((status = 200, description = "settings"), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_settings(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(service::update(&state, &user, Some(id), body).await?))
}
