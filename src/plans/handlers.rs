//! Thin handlers for plans, usage and limit checks.

use axum::Json;
use axum::extract::State;

use super::catalog::CatalogPlan;
use super::model::{Plan, PlanFilter};
use super::service;
use super::usage::{LimitCheck, LimitQuery, Usage};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::extract::MaybeAuthUser;
use crate::error::AppResult;
use crate::http::context::ReqLang;
use crate::http::extract::{PathId, QueryMap};
use crate::http::list::{List, ListFilter, ListParams, Page};

/// The plan list (public; admins also see inactive plans). `ordering`: `sort_order`, `monthly_price`,
/// `created_at` (default `sort_order,monthly_price`); no search.
#[utoipa::path(get, path = "/api/plans", tag = "plans", params(PlanFilter, ListParams),
    responses((status = 200, body = Page<Plan>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_plans(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    ReqLang(lang): ReqLang,
    list: List<PlanFilter>,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Page<Plan>>> {
    let admin = user.as_ref().is_some_and(|u| u.is_staff);
    Ok(Json(
        service::list(&state, admin, lang, list, &query).await?,
    ))
}

/// One plan (an inactive one for admins only).
#[utoipa::path(get, path = "/api/plans/{id}", tag = "plans", params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Plan), (status = 404, description = "not_found")))]
pub async fn get_plan(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    ReqLang(lang): ReqLang,
    PathId(id): PathId,
) -> AppResult<Json<Plan>> {
    let admin = user.as_ref().is_some_and(|u| u.is_staff);
    Ok(Json(service::get(&state, admin, lang, id).await?))
}

/// The active plans as catalog objects (camelCase).
#[utoipa::path(get, path = "/api/subscriptions/plans", tag = "plans", responses((status = 200, body = Vec<CatalogPlan>)))]
pub async fn catalog(
    State(state): State<AppState>,
    MaybeAuthUser(_user): MaybeAuthUser,
    ReqLang(lang): ReqLang,
) -> AppResult<Json<Vec<CatalogPlan>>> {
    Ok(Json(service::catalog(&state, lang).await?))
}

/// The caller's usage against the limits of the plan.
#[utoipa::path(get, path = "/api/subscriptions/usage", tag = "plans", security(("bearer" = [])), responses((status = 200, body = Usage)))]
pub async fn usage(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Usage>> {
    let now = state.clock.now();
    let st = state.clone();
    Ok(Json(
        state
            .db
            .read(move |c| super::usage::usage(c, &st, user.id, user.lang, now))
            .await?,
    ))
}

/// Would creating `amount` more of `resource` (or `bytes` more storage) be allowed?
#[utoipa::path(get, path = "/api/subscriptions/check-limits", tag = "plans", security(("bearer" = [])), params(LimitQuery),
    responses((status = 200, body = LimitCheck), (status = 400, description = "validation_error")))]
pub async fn check_limits(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<LimitCheck>> {
    let query = LimitQuery::from_query(&query)?;
    let now = state.clock.now();
    let st = state.clone();
    Ok(Json(
        state
            .db
            .read(move |c| super::usage::check_limits(c, &st, user.id, &query, now))
            .await?,
    ))
}
