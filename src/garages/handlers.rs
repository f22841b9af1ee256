//! Thin handlers for the garage directory.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::model::Viewer;
use super::service;
use crate::app::AppState;
use crate::auth::extract::MaybeAuthUser;
use crate::auth::{AdminUser, AuthUser};
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};

fn viewer(user: &Option<AuthUser>) -> Viewer {
    Viewer {
        user_id: user.as_ref().map(|u| u.id),
        is_staff: user.as_ref().is_some_and(|u| u.is_staff),
    }
}

/// The directory (filters `city`, `postal_code`, `country`; `search`; `ordering`; distance search with `near`).
#[utoipa::path(get, path = "/", tag = "garages",
    params(("city" = Option<String>, Query, description = "case-insensitive exact"), ("postal_code" = Option<String>, Query, description = "exact"),
        ("country" = Option<String>, Query, description = "case-insensitive exact"), ("search" = Option<String>, Query, description = "name, address, city, specialties"),
        ("near" = Option<String>, Query, description = "lat,lng"), ("radius_km" = Option<f64>, Query, description = "0 < R ≤ 500, default 10"),
        ("ordering" = Option<String>, Query, description = "name, average_rating, total_reviews, created_at, distance"),
        ("page" = Option<i64>, Query, description = "1-based"), ("page_size" = Option<i64>, Query, description = "≤ 100")),
    responses((status = 200, description = "envelope of garages"), (status = 400, description = "validation_error")))]
pub async fn list_garages(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    QueryMap(query): QueryMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::list(&state, viewer(&user), query, uri.path().to_owned()).await?,
    ))
}

/// Create a garage (admin).
#[utoipa::path(post, path = "/", tag = "garages", security(("bearer" = [])), request_body = Object,
    responses((status = 201, description = "the garage"), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied")))]
pub async fn create_garage(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::save(&state, None, body, true, viewer(&Some(admin))).await?;
    Ok(crate::http::created(format!("/api/garages/{id}/"), v))
}

/// Garages with at least 3 reviews, best rated first.
#[utoipa::path(get, path = "/top_rated", tag = "garages", params(("limit" = Option<i64>, Query, description = "1–100, default 10")),
    responses((status = 200, description = "array"), (status = 400, description = "validation_error")))]
pub async fn top_rated(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::top_rated(&state, viewer(&user), query).await?,
    ))
}

/// Garages within `radius` km of `lat`,`lng`, nearest first.
#[utoipa::path(get, path = "/search_nearby", tag = "garages",
    params(("lat" = f64, Query, description = "latitude"), ("lng" = f64, Query, description = "longitude"), ("radius" = Option<f64>, Query, description = "km, default 10")),
    responses((status = 200, description = "array with distance_km"), (status = 400, description = "validation_error")))]
pub async fn search_nearby(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::search_nearby(&state, viewer(&user), query).await?,
    ))
}

/// Garages with a specialty (a token is required).
#[utoipa::path(get, path = "/by_specialty", tag = "garages", security(("bearer" = [])),
    params(("specialty" = Option<String>, Query, description = "case-insensitive exact element")), responses((status = 200, description = "array"), (status = 401, description = "not_authenticated")))]
pub async fn by_specialty(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::by_specialty(&state, viewer(&Some(user)), query).await?,
    ))
}

/// One garage with all its reviews.
#[utoipa::path(get, path = "/{id}", tag = "garages", params(("id" = i64, Path, description = "garage id")),
    responses((status = 200, description = "the garage"), (status = 404, description = "not_found")))]
pub async fn get_garage(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    Ok(Json(service::get(&state, viewer(&user), id).await?))
}

/// Replace a garage (admin).
#[utoipa::path(put, path = "/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")), request_body = Object,
    responses((status = 200, description = "the garage"), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_garage(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::save(&state, Some(id), body, true, viewer(&Some(admin)))
            .await?
            .1,
    ))
}

/// Update a garage (admin).
#[utoipa::path(patch, path = "/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")), request_body = Object,
    responses((status = 200, description = "the garage"), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_garage(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::save(&state, Some(id), body, false, viewer(&Some(admin)))
            .await?
            .1,
    ))
}

/// Delete a garage with its reviews (admin).
#[utoipa::path(delete, path = "/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn delete_garage(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
