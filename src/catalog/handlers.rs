//! Thin handlers for the car catalog: public reads, admin writes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::model::{
    Brand, BrandCreate, BrandInput, CarModel, CarModelCreate, CarModelFilter, CarModelInput,
};
use super::service;
use crate::app::AppState;
use crate::auth::AdminUser;
use crate::auth::extract::MaybeAuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId};
use crate::http::list::{List, ListParams, Page};

fn created(path: &str, id: i64, v: impl serde::Serialize) -> Response {
    crate::http::created(format!("{path}{id}/"), v)
}

/// Car brands. `ordering`: `name`, `created_at` (default `name`); `search`: name.
#[utoipa::path(get, path = "/api/brands", tag = "catalog", params(ListParams),
    responses((status = 200, body = Page<Brand>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_brands(
    State(state): State<AppState>,
    _u: MaybeAuthUser,
    list: List<()>,
) -> AppResult<Json<Page<Brand>>> {
    Ok(Json(service::list_brands(&state, list).await?))
}

/// Create a brand (admin).
#[utoipa::path(post, path = "/api/brands", tag = "catalog", security(("bearer" = [])), request_body = BrandCreate,
    responses((status = 201, body = Brand), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied")))]
pub async fn create_brand(
    State(state): State<AppState>,
    _a: AdminUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::save_brand(&state, None, body, true).await?;
    Ok(created("/api/brands/", id, v))
}

/// One brand.
#[utoipa::path(get, path = "/api/brands/{id}", tag = "catalog", params(("id" = i64, Path, description = "brand id")),
    responses((status = 200, body = Brand), (status = 404, description = "not_found")))]
pub async fn get_brand(
    State(state): State<AppState>,
    _u: MaybeAuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Brand>> {
    Ok(Json(service::get_brand(&state, id).await?))
}

/// Replace a brand (admin).
#[utoipa::path(put, path = "/api/brands/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path, description = "brand id")), request_body = BrandCreate,
    responses((status = 200, body = Brand), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_brand(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Brand>> {
    Ok(Json(
        service::save_brand(&state, Some(id), body, true).await?.1,
    ))
}

/// Update a brand (admin).
#[utoipa::path(patch, path = "/api/brands/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path, description = "brand id")), request_body = BrandInput,
    responses((status = 200, body = Brand), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_brand(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Brand>> {
    Ok(Json(
        service::save_brand(&state, Some(id), body, false).await?.1,
    ))
}

/// Delete a brand with its models (admin).
#[utoipa::path(delete, path = "/api/brands/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path, description = "brand id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn delete_brand(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete_brand(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The brand's models, by name.
#[utoipa::path(get, path = "/api/brands/{id}/models", tag = "catalog", params(("id" = i64, Path, description = "brand id")),
    responses((status = 200, body = Vec<CarModel>), (status = 404, description = "not_found")))]
pub async fn brand_models(
    State(state): State<AppState>,
    _u: MaybeAuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Vec<CarModel>>> {
    Ok(Json(service::brand_models(&state, id).await?))
}

/// Car models. `ordering`: `name`, `year_start`, `created_at` (default brand name, then model name); `search`:
/// model name, brand name.
#[utoipa::path(get, path = "/api/models", tag = "catalog", params(CarModelFilter, ListParams),
    responses((status = 200, body = Page<CarModel>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_models(
    State(state): State<AppState>,
    _u: MaybeAuthUser,
    list: List<CarModelFilter>,
) -> AppResult<Json<Page<CarModel>>> {
    Ok(Json(service::list_models(&state, list).await?))
}

/// Create a model (admin).
#[utoipa::path(post, path = "/api/models", tag = "catalog", security(("bearer" = [])), request_body = CarModelCreate,
    responses((status = 201, body = CarModel), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied")))]
pub async fn create_model(
    State(state): State<AppState>,
    _a: AdminUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::save_model(&state, None, body, true).await?;
    Ok(created("/api/models/", id, v))
}

/// One model.
#[utoipa::path(get, path = "/api/models/{id}", tag = "catalog", params(("id" = i64, Path, description = "model id")),
    responses((status = 200, body = CarModel), (status = 404, description = "not_found")))]
pub async fn get_model(
    State(state): State<AppState>,
    _u: MaybeAuthUser,
    PathId(id): PathId,
) -> AppResult<Json<CarModel>> {
    Ok(Json(service::get_model(&state, id).await?))
}

/// Replace a model (admin).
#[utoipa::path(put, path = "/api/models/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path, description = "model id")), request_body = CarModelCreate,
    responses((status = 200, body = CarModel), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_model(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<CarModel>> {
    Ok(Json(
        service::save_model(&state, Some(id), body, true).await?.1,
    ))
}

/// Update a model (admin).
#[utoipa::path(patch, path = "/api/models/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path, description = "model id")), request_body = CarModelInput,
    responses((status = 200, body = CarModel), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_model(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<CarModel>> {
    Ok(Json(
        service::save_model(&state, Some(id), body, false).await?.1,
    ))
}

/// Delete a model (admin).
#[utoipa::path(delete, path = "/api/models/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = i64, Path, description = "model id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn delete_model(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete_model(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
