//! Thin handlers for maintenances.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::input::{MaintenanceCreate, MaintenanceInput, MaintenanceReplace};
use super::model::{
    ByVehicleParams, Maintenance, MaintenanceDetail, MaintenanceFilter, MaintenanceStats,
    StatsPeriod, VehicleMaintenances,
};
use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};
use crate::http::list::{List, ListParams, Page};

/// The caller's maintenance records. `ordering`: `service_date`, `cost`, `mileage`, `created_at` (default
/// `-service_date`); `search`: service type, description, vehicle make and model.
#[utoipa::path(get, path = "/api/maintenances", tag = "maintenances", security(("bearer" = [])), params(MaintenanceFilter, ListParams),
    responses((status = 200, body = Page<Maintenance>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_maintenances(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<MaintenanceFilter>,
) -> AppResult<Json<Page<Maintenance>>> {
    Ok(Json(service::list(&state, &user, list).await?))
}

/// Create a record for one of the caller's vehicles (plan limit `maintenances` per month).
#[utoipa::path(post, path = "/api/maintenances", tag = "maintenances", security(("bearer" = [])), request_body = MaintenanceCreate,
    responses((status = 201, body = MaintenanceDetail), (status = 400, description = "validation_error (a vehicle that is not the caller's included) or plan_limit_reached")))]
pub async fn create_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::create(&state, &user, body).await?;
    Ok(crate::http::created(format!("/api/maintenances/{id}/"), v))
}

/// Scheduled work from now on, soonest first.
#[utoipa::path(get, path = "/api/maintenances/upcoming", tag = "maintenances", security(("bearer" = [])), responses((status = 200, body = Vec<Maintenance>)))]
pub async fn upcoming(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Vec<Maintenance>>> {
    Ok(Json(service::upcoming(&state, &user).await?))
}

/// Work completed in the last 30 days, newest first.
#[utoipa::path(get, path = "/api/maintenances/recent", tag = "maintenances", security(("bearer" = [])), responses((status = 200, body = Vec<Maintenance>)))]
pub async fn recent(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Vec<Maintenance>>> {
    Ok(Json(service::recent(&state, &user).await?))
}

/// Counts and costs, optionally between two dates.
#[utoipa::path(get, path = "/api/maintenances/stats", tag = "maintenances", security(("bearer" = [])), params(StatsPeriod),
    responses((status = 200, body = MaintenanceStats), (status = 400, description = "validation_error")))]
pub async fn maintenance_stats(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<MaintenanceStats>> {
    let period = StatsPeriod::from_query(&query)?;
    Ok(Json(service::stats(&state, &user, period).await?))
}

/// Records grouped by vehicle, vehicles newest first (those without records included).
#[utoipa::path(get, path = "/api/maintenances/by_vehicle", tag = "maintenances", security(("bearer" = [])), params(ByVehicleParams),
    responses((status = 200, body = Vec<VehicleMaintenances>), (status = 400, description = "validation_error")))]
pub async fn by_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<VehicleMaintenances>>> {
    let params = ByVehicleParams::from_query(&query)?;
    Ok(Json(service::by_vehicle(&state, &user, params).await?))
}

/// One record.
#[utoipa::path(get, path = "/api/maintenances/{id}", tag = "maintenances", security(("bearer" = [])), params(("id" = i64, Path, description = "record id")),
    responses((status = 200, body = MaintenanceDetail), (status = 404, description = "not_found")))]
pub async fn get_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<MaintenanceDetail>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Full update.
#[utoipa::path(put, path = "/api/maintenances/{id}", tag = "maintenances", security(("bearer" = [])), params(("id" = i64, Path, description = "record id")), request_body = MaintenanceReplace,
    responses((status = 200, body = MaintenanceDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<MaintenanceDetail>> {
    Ok(Json(service::update(&state, &user, id, body, true).await?))
}

/// Partial update.
#[utoipa::path(patch, path = "/api/maintenances/{id}", tag = "maintenances", security(("bearer" = [])), params(("id" = i64, Path, description = "record id")), request_body = MaintenanceInput,
    responses((status = 200, body = MaintenanceDetail), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<MaintenanceDetail>> {
    Ok(Json(service::update(&state, &user, id, body, false).await?))
}

/// Delete a record.
#[utoipa::path(delete, path = "/api/maintenances/{id}", tag = "maintenances", security(("bearer" = [])), params(("id" = i64, Path, description = "record id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "not_found")))]
pub async fn delete_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
