//! Thin handlers for maintenances.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};

/// The caller's maintenance records (filters `vehicle`, `status`, `service_type`; `search`; `ordering`).
#[utoipa::path(get, path = "/api/maintenances", tag = "maintenances", security(("bearer" = [])),
    params(("vehicle" = Option<i64>, Query, description = "vehicle id"), ("status" = Option<String>, Query, description = "SCHEDULED, IN_PROGRESS, COMPLETED, CANCELLED"),
        ("service_type" = Option<String>, Query, description = "case-insensitive exact"), ("search" = Option<String>, Query, description = "type, description, make, model"),
        ("ordering" = Option<String>, Query, description = "service_date, cost, mileage, created_at"),
        ("page" = Option<i64>, Query, description = "1-based"), ("page_size" = Option<i64>, Query, description = "≤ 100")),
    responses((status = 200, description = "envelope"), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_maintenances(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Json<Value>> {
    Ok(Json(
        service::list(&state, &user, query, uri.path().to_owned()).await?,
    ))
}

/// Create a record for one of the caller's vehicles (plan limit `maintenances` per month).
#[utoipa::path(post, path = "/api/maintenances", tag = "maintenances", security(("bearer" = [])), request_body = Object,
    responses((status = 201, description = "the record with vehicle_detail"), (status = 400, description = "validation_error or plan_limit_reached")))]
pub async fn create_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::create(&state, &user, body).await?;
    Ok(crate::http::created(format!("/api/maintenances/{id}/"), v))
}

/// Scheduled work from now on, soonest first.
#[utoipa::path(get, path = "/api/maintenances/upcoming", tag = "maintenances", security(("bearer" = [])), responses((status = 200, description = "array")))]
pub async fn upcoming(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Value>> {
    Ok(Json(service::upcoming(&state, &user).await?))
}

/// Work completed in the last 30 days, newest first.
#[utoipa::path(get, path = "/api/maintenances/recent", tag = "maintenances", security(("bearer" = [])), responses((status = 200, description = "array")))]
pub async fn recent(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Value>> {
    Ok(Json(service::recent(&state, &user).await?))
}

/// Counts and costs, optionally between two dates.
#[utoipa::path(get, path = "/api/maintenances/stats", tag = "maintenances", security(("bearer" = [])),
    params(("start_date" = Option<String>, Query, description = "date or datetime, inclusive"), ("end_date" = Option<String>, Query, description = "date or datetime, inclusive")),
    responses((status = 200, description = "`{overview, top_services}`"), (status = 400, description = "validation_error")))]
pub async fn maintenance_stats(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(service::stats(&state, &user, query).await?))
}

/// Records grouped by vehicle.
#[utoipa::path(get, path = "/api/maintenances/by_vehicle", tag = "maintenances", security(("bearer" = [])),
    params(("vehicle_id" = Option<i64>, Query, description = "only this vehicle")), responses((status = 200, description = "array of groups")))]
pub async fn by_vehicle(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    Ok(Json(service::by_vehicle(&state, &user, query).await?))
}

/// One record.
#[utoipa::path(get, path = "/api/maintenances/{id}", tag = "maintenances", security(("bearer" = [])), params(("id" = i64, Path, description = "record id")),
    responses((status = 200, description = "the record"), (status = 404, description = "not_found")))]
pub async fn get_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Full update.
#[utoipa::path(put, path = "/api/maintenances/{id}", tag = "maintenances", security(("bearer" = [])), params(("id" = i64, Path, description = "record id")), request_body = Object,
    responses((status = 200, description = "the record"), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn put_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(service::update(&state, &user, id, body, true).await?))
}

/// Partial update.
#[utoipa::path(patch, path = "/api/maintenances/{id}", tag = "maintenances", security(("bearer" = [])), params(("id" = i64, Path, description = "record id")), request_body = Object,
    responses((status = 200, description = "the record"), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn patch_maintenance(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
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
