//! Thin handlers for plans, usage and limit checks.

use axum::Json;
use axum::extract::{OriginalUri, State};
use serde_json::Value;

use super::service;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::extract::MaybeAuthUser;
use crate::error::AppResult;
use crate::http::context::ReqLang;
use crate::http::extract::{PathId, QueryMap};

/// The plan list (public; admins also see inactive plans).
#[utoipa::path(get, path = "/api/plans", tag = "plans", params(("is_popular" = Option<bool>, Query, description = "filter"),
    ("is_active" = Option<bool>, Query, description = "filter (admins)"), ("ordering" = Option<String>, Query, description = "sort_order, monthly_price, created_at"),
    ("page" = Option<i64>, Query, description = "page"), ("page_size" = Option<i64>, Query, description = "≤ 100")),
    responses((status = 200, description = "envelope of plans")))]
pub async fn list_plans(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    ReqLang(lang): ReqLang,
    QueryMap(query): QueryMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Json<Value>> {
    let admin = user.as_ref().is_some_and(|u| u.is_staff);
    Ok(Json(
        service::list(&state, admin, lang, query, uri.path().to_owned()).await?,
    ))
}

/// One plan.
#[utoipa::path(get, path = "/api/plans/{id}", tag = "plans", params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, description = "plan"), (status = 404, description = "not_found")))]
pub async fn get_plan(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    ReqLang(lang): ReqLang,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    let admin = user.as_ref().is_some_and(|u| u.is_staff);
    Ok(Json(service::get(&state, admin, lang, id).await?))
}

/// The active plans as catalog objects (camelCase).
#[utoipa::path(get, path = "/api/subscriptions/plans", tag = "plans", responses((status = 200, description = "array of catalog plans")))]
pub async fn catalog(
    State(state): State<AppState>,
    MaybeAuthUser(_user): MaybeAuthUser,
    ReqLang(lang): ReqLang,
) -> AppResult<Json<Value>> {
    Ok(Json(service::catalog(&state, lang).await?))
}

/// The caller's usage against the limits of the plan.
#[utoipa::path(get, path = "/api/subscriptions/usage", tag = "plans", security(("bearer" = [])), responses((status = 200, description = "usage")))]
pub async fn usage(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Value>> {
    let now = state.clock.now();
    let st = state.clone();
    Ok(Json(
        state
            .db
            .read(move |c| service::usage(c, &st, user.id, user.lang, now))
            .await?,
    ))
}

/// Would creating `amount` more of `resource` (or `bytes` more storage) be allowed?
#[utoipa::path(get, path = "/api/subscriptions/check-limits", tag = "plans", security(("bearer" = [])),
    params(("resource" = Option<String>, Query, description = "vehicles, documents, storage, maintenances, diagnostics"),
        ("amount" = Option<i64>, Query, description = "≥ 1"), ("bytes" = Option<i64>, Query, description = "≥ 0")),
    responses((status = 200, description = "`{allowed, limit, current, …}`"), (status = 400, description = "validation_error")))]
pub async fn check_limits(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Value>> {
    let now = state.clock.now();
    let st = state.clone();
    Ok(Json(
        state
            .db
            .read(move |c| service::check_limits(c, &st, user.id, &query, now))
            .await?,
    ))
}
