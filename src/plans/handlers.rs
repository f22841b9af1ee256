//! Thin handlers for plans, usage and limit checks.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::catalog::CatalogPlan;
use super::model::{Plan, PlanFilter};
use super::service;
use super::usage::{LimitCheck, LimitQuery, Usage};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::extract::{AdminUser, MaybeAuthUser};
use crate::error::AppResult;
use crate::http::context::ReqLang;
use crate::http::extract::{JsonBody, PathId, QueryMap};
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

/// Create a plan (admin).
#[utoipa::path(post, path = "/api/plans", tag = "plans", security(("bearer" = [])), request_body = super::bodies::PlanCreate,
    responses((status = 201, body = Plan), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied")))]
pub async fn create_plan(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    ReqLang(lang): ReqLang,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let plan = super::write::save(&state, None, body, true).await?;
    let id = plan.id;
    Ok(crate::http::created(
        format!("/api/plans/{id}/"),
        service::dto(&state, plan, lang),
    ))
}

/// Replace a plan (admin; `code` stays).
#[utoipa::path(put, path = "/api/plans/{id}", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path, description = "plan id")), request_body = super::bodies::PlanCreate,
    responses((status = 200, body = Plan), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_plan(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    ReqLang(lang): ReqLang,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Plan>> {
    let plan = super::write::save(&state, Some(id), body, true).await?;
    Ok(Json(service::dto(&state, plan, lang)))
}

/// Update a plan (admin).
#[utoipa::path(patch, path = "/api/plans/{id}", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path, description = "plan id")), request_body = super::bodies::PlanInput,
    responses((status = 200, body = Plan), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_plan(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    ReqLang(lang): ReqLang,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Plan>> {
    let plan = super::write::save(&state, Some(id), body, false).await?;
    Ok(Json(service::dto(&state, plan, lang)))
}

/// Delete a plan (admin): refused for the default plan and for a plan any subscription refers to.
#[utoipa::path(delete, path = "/api/plans/{id}", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path, description = "plan id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found"), (status = 409, description = "conflict")))]
pub async fn delete_plan(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    super::write::delete(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
