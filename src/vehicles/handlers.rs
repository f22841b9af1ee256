//! Thin handlers for vehicles.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::model::{
    Vehicle, VehicleCreate, VehicleDetail, VehicleFilter, VehicleInput, VehicleStats,
};
use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::diagnostics::model::Diagnostic;
use crate::documents::model::Document;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId};
use crate::http::list::{List, ListParams, Page};
use crate::maintenances::model::Maintenance;

/// The caller's vehicles. `ordering`: `make`, `model`, `year`, `created_at` (default `-created_at`); `search`:
/// make, model, plate, VIN.
#[utoipa::path(get, path = "/api/vehicles", tag = "vehicles", security(("bearer" = [])), params(VehicleFilter, ListParams),
    responses((status = 200, body = Page<Vehicle>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_vehicles(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<VehicleFilter>,
) -> AppResult<Json<Page<Vehicle>>> {
    Ok(Json(service::list(&state, &user, list).await?))
}

/// Create a vehicle (plan limit `vehicles`).
#[utoipa::path(post, path = "/api/vehicles", tag = "vehicles", security(("bearer" = [])), request_body = VehicleCreate,
    responses((status = 201, body = VehicleDetail), (status = 400, description = "validation_error or plan_limit_reached")))]
pub async fn create_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::create(&state, &user, body).await?;
    Ok(crate::http::created(format!("/api/vehicles/{id}/"), v))
}

/// Counts by fuel type and transmission.
#[utoipa::path(get, path = "/api/vehicles/stats", tag = "vehicles", security(("bearer" = [])), responses((status = 200, body = VehicleStats)))]
pub async fn vehicle_stats(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<VehicleStats>> {
    Ok(Json(service::stats(&state, &user).await?))
}

/// One of the caller's vehicles.
#[utoipa::path(get, path = "/api/vehicles/{id}", tag = "vehicles", security(("bearer" = [])), params(("id" = i64, Path, description = "vehicle id")),
    responses((status = 200, body = VehicleDetail), (status = 404, description = "not_found")))]
pub async fn get_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<VehicleDetail>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Full update.
#[utoipa::path(put, path = "/api/vehicles/{id}", tag = "vehicles", security(("bearer" = [])), params(("id" = i64, Path, description = "vehicle id")), request_body = VehicleCreate,
    responses((status = 200, body = VehicleDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<VehicleDetail>> {
    Ok(Json(service::update(&state, &user, id, body, true).await?))
}

/// Partial update.
#[utoipa::path(patch, path = "/api/vehicles/{id}", tag = "vehicles", security(("bearer" = [])), params(("id" = i64, Path, description = "vehicle id")), request_body = VehicleInput,
    responses((status = 200, body = VehicleDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<VehicleDetail>> {
    Ok(Json(service::update(&state, &user, id, body, false).await?))
}

/// Delete a vehicle with its maintenances.
#[utoipa::path(delete, path = "/api/vehicles/{id}", tag = "vehicles", security(("bearer" = [])), params(("id" = i64, Path, description = "vehicle id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "not_found")))]
pub async fn delete_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The vehicle's maintenances, newest service date first.
#[utoipa::path(get, path = "/api/vehicles/{id}/maintenances", tag = "vehicles", security(("bearer" = [])), params(("id" = i64, Path, description = "vehicle id")),
    responses((status = 200, body = Vec<Maintenance>), (status = 404, description = "not_found")))]
pub async fn vehicle_maintenances(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Vec<Maintenance>>> {
    Ok(Json(
        crate::maintenances::service::for_vehicle(&state, &user, id).await?,
    ))
}

/// The vehicle's documents, newest first.
#[utoipa::path(get, path = "/api/vehicles/{id}/documents", tag = "vehicles", security(("bearer" = [])), params(("id" = i64, Path, description = "vehicle id")),
    responses((status = 200, body = Vec<Document>), (status = 404, description = "not_found")))]
pub async fn vehicle_documents(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Vec<Document>>> {
    Ok(Json(
        crate::documents::reads::for_vehicle(&state, &user, id).await?,
    ))
}

/// The vehicle's diagnostics, newest first.
#[utoipa::path(get, path = "/api/vehicles/{id}/diagnostics", tag = "vehicles", security(("bearer" = [])), params(("id" = i64, Path, description = "vehicle id")),
    responses((status = 200, body = Vec<Diagnostic>), (status = 404, description = "not_found")))]
pub async fn vehicle_diagnostics(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Vec<Diagnostic>>> {
    Ok(Json(
        crate::diagnostics::service::for_vehicle(&state, &user, id).await?,
    ))
}
