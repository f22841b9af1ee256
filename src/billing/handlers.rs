//! The admin event log (billing.md §10).

use axum::Json;
use axum::extract::State;

use super::model::{Event, EventFilter};
use super::{repo, webhook};
use crate::app::AppState;
use crate::auth::extract::AdminUser;
use crate::error::{AppError, AppResult};
use crate::http::extract::PathId;
use crate::http::list::{List, ListParams, Page};

/// Stripe events, newest first; filters `event_type`, `source`, `processed`, `status` (admin).
#[utoipa::path(get, path = "/api/events", tag = "billing", security(("bearer" = [])), params(EventFilter, ListParams),
    responses((status = 200, body = Page<Event>), (status = 403, description = "permission_denied")))]
pub async fn list(
    State(state): State<AppState>,
    _a: AdminUser,
    list: List<EventFilter>,
) -> AppResult<Json<Page<Event>>> {
    let (filter, query) = (list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list(c, &filter, &query)?))
        .await?;
    Ok(Json(list.page(
        count,
        rows.into_iter().map(|r| r.into_dto()).collect(),
    )?))
}

/// One event (admin).
#[utoipa::path(get, path = "/api/events/{id}", tag = "billing", security(("bearer" = [])), params(("id" = i64, Path, description = "event id")),
    responses((status = 200, body = Event), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn get(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
) -> AppResult<Json<Event>> {
    let row = state.db.read(move |c| Ok(repo::find(c, id)?)).await?;
    Ok(Json(row.ok_or_else(AppError::not_found)?.into_dto()))
}

/// Events not processed yet: `received` or `failed`, oldest first (admin).
#[utoipa::path(get, path = "/api/events/unprocessed", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = Vec<Event>), (status = 403, description = "permission_denied")))]
pub async fn unprocessed(
    State(state): State<AppState>,
    _a: AdminUser,
) -> AppResult<Json<Vec<Event>>> {
    let rows = state.db.read(|c| Ok(repo::unprocessed(c)?)).await?;
    Ok(Json(rows.into_iter().map(|r| r.into_dto()).collect()))
}

/// Events with an error or a note, newest first (admin).
#[utoipa::path(get, path = "/api/events/errors", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = Vec<Event>), (status = 403, description = "permission_denied")))]
pub async fn errors(State(state): State<AppState>, _a: AdminUser) -> AppResult<Json<Vec<Event>>> {
    let rows = state.db.read(|c| Ok(repo::with_errors(c)?)).await?;
    Ok(Json(rows.into_iter().map(|r| r.into_dto()).collect()))
}

/// Process a `received` or `failed` event again (admin); processed and ignored ones answer 409.
#[utoipa::path(post, path = "/api/events/{id}/retry", tag = "billing", security(("bearer" = [])), params(("id" = i64, Path, description = "event id")),
    responses((status = 200, body = Event), (status = 403, description = "permission_denied"), (status = 404, description = "not_found"), (status = 409, description = "conflict")))]
pub async fn retry(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
) -> AppResult<Json<Event>> {
    Ok(Json(webhook::retry(&state, id).await?.into_dto()))
}
