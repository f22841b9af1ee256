//! Thin handlers for subscriptions (billing.md §4, §5).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::{
    AssignBody, CancelBody, ChangePlanBody, CurrentSubscription, HistoryItem, Stats, Subscription,
    SubscriptionFilter, SubscriptionInput,
};
use super::{actions, service, writes};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::extract::AdminUser;
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId};
use crate::http::list::{List, ListParams, Page};

/// The caller's subscriptions (admins: everybody's; `user` filters by subscriber).
#[utoipa::path(get, path = "/api/subscriptions", tag = "subscriptions", security(("bearer" = [])), params(SubscriptionFilter, ListParams),
    responses((status = 200, body = Page<Subscription>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<SubscriptionFilter>,
) -> AppResult<Json<Page<Subscription>>> {
    Ok(Json(service::list(&state, &user, list).await?))
}

/// Assign a plan to a user (admin): a locally managed subscription that supersedes the user's others.
#[utoipa::path(post, path = "/api/subscriptions", tag = "subscriptions", security(("bearer" = [])), request_body = AssignBody,
    responses((status = 201, body = Subscription), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 409, description = "conflict")))]
pub async fn assign(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let s = writes::assign(&state, &admin, body).await?;
    Ok(crate::http::created(
        format!("/api/subscriptions/{}", s.id),
        s,
    ))
}

/// One subscription (the owner's, or any for an admin).
#[utoipa::path(get, path = "/api/subscriptions/{id}", tag = "subscriptions", security(("bearer" = [])), params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Subscription), (status = 404, description = "not_found")))]
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Subscription>> {
    Ok(Json(service::get(&state, &user, id).await?))
}

/// Update a subscription: owners write `cancel_at_period_end`; admins also `status`, `plan_code` and
/// `current_period_end` of a locally managed one.
#[utoipa::path(put, path = "/api/subscriptions/{id}", tag = "subscriptions", security(("bearer" = [])), params(("id" = i64, Path, description = "subscription id")), request_body = SubscriptionInput,
    responses((status = 200, body = Subscription), (status = 400, description = "validation_error"), (status = 404, description = "not_found"), (status = 409, description = "conflict")))]
pub async fn put(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Subscription>> {
    Ok(Json(writes::update(&state, &user, id, body).await?))
}

/// Update a subscription (as PUT: every member is optional).
#[utoipa::path(patch, path = "/api/subscriptions/{id}", tag = "subscriptions", security(("bearer" = [])), params(("id" = i64, Path, description = "subscription id")), request_body = SubscriptionInput,
    responses((status = 200, body = Subscription), (status = 400, description = "validation_error"), (status = 404, description = "not_found"), (status = 409, description = "conflict")))]
pub async fn patch(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Subscription>> {
    Ok(Json(writes::update(&state, &user, id, body).await?))
}

/// Delete a locally managed subscription (admin).
#[utoipa::path(delete, path = "/api/subscriptions/{id}", tag = "subscriptions", security(("bearer" = [])), params(("id" = i64, Path, description = "subscription id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found"), (status = 409, description = "conflict")))]
pub async fn delete(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    writes::delete(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The current subscription in the catalog shape (created on the default plan when there is none).
#[utoipa::path(get, path = "/api/subscriptions/current", tag = "subscriptions", security(("bearer" = [])),
    responses((status = 200, body = CurrentSubscription)))]
pub async fn current(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<CurrentSubscription>> {
    Ok(Json(service::current(&state, &user).await?))
}

/// The current subscription's representation.
#[utoipa::path(get, path = "/api/subscriptions/active", tag = "subscriptions", security(("bearer" = [])),
    responses((status = 200, body = Subscription)))]
pub async fn active(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Subscription>> {
    Ok(Json(service::active(&state, &user).await?))
}

/// The current subscription's history, newest first.
#[utoipa::path(get, path = "/api/subscriptions/history", tag = "subscriptions", security(("bearer" = [])),
    responses((status = 200, body = Vec<HistoryItem>)))]
pub async fn history(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Vec<HistoryItem>>> {
    Ok(Json(service::history(&state, &user).await?))
}

/// Counts by status and by plan (admin).
#[utoipa::path(get, path = "/api/subscriptions/stats", tag = "subscriptions", security(("bearer" = [])),
    responses((status = 200, body = Stats), (status = 403, description = "permission_denied")))]
pub async fn stats(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
) -> AppResult<Json<Stats>> {
    Ok(Json(service::stats(&state, admin.lang).await?))
}

fn catalog_answer(c: super::change::PlanChange) -> Response {
    match c {
        super::change::PlanChange::Applied(shape) => {
            Json(super::change::ChangePlanAnswer::Subscription(shape)).into_response()
        }
        super::change::PlanChange::Pending(shape) => {
            (StatusCode::ACCEPTED, Json(shape)).into_response()
        }
        super::change::PlanChange::Checkout(checkout) => {
            Json(super::change::ChangePlanAnswer::Checkout(checkout)).into_response()
        }
    }
}

/// Change the plan: a free target applies now (or, from a Stripe subscription, at its period end); a paid one
/// answers a Checkout Session, or (a Stripe subscription already) 202 until Stripe confirms the new price.
#[utoipa::path(post, path = "/api/subscriptions/change-plan", tag = "subscriptions", security(("bearer" = [])), request_body = ChangePlanBody,
    responses((status = 200, body = super::change::ChangePlanAnswer, description = "applied or scheduled; a paid target answers the checkout object"), (status = 202, body = CurrentSubscription, description = "waiting for Stripe"), (status = 400, description = "validation_error, invalid_plan, already_on_plan or plan_change_not_allowed"), (status = 502, description = "provider_error"), (status = 503, description = "billing_not_configured")))]
pub async fn change_plan(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    Ok(catalog_answer(
        super::change::change_plan(&state, &user, None, body).await?,
    ))
}

/// Change the plan of the caller's current subscription, named by id.
#[utoipa::path(post, path = "/api/subscriptions/{id}/change_plan", tag = "subscriptions", security(("bearer" = [])), params(("id" = i64, Path, description = "subscription id")), request_body = ChangePlanBody,
    responses((status = 200, body = super::change::ChangePlanAnswer, description = "applied or scheduled; a paid target answers the checkout object"), (status = 202, body = CurrentSubscription, description = "waiting for Stripe"), (status = 400, description = "validation_error, invalid_plan, already_on_plan, plan_change_not_allowed or subscription_not_active"), (status = 404, description = "not_found"), (status = 502, description = "provider_error"), (status = 503, description = "billing_not_configured")))]
pub async fn change_plan_of(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    Ok(catalog_answer(
        super::change::change_plan(&state, &user, Some(id), body).await?,
    ))
}

/// Cancel the current subscription, at the period end or (`immediate`) now.
#[utoipa::path(post, path = "/api/subscriptions/cancel", tag = "subscriptions", security(("bearer" = [])), request_body = CancelBody,
    responses((status = 200, body = Subscription), (status = 400, description = "cannot_cancel_default_plan, subscription_not_active or cancellation_already_scheduled"), (status = 503, description = "billing_not_configured")))]
pub async fn cancel(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Subscription>> {
    Ok(Json(actions::cancel(&state, &user, None, body).await?))
}

/// Schedule the cancellation of a subscription.
#[utoipa::path(post, path = "/api/subscriptions/{id}/cancel", tag = "subscriptions", security(("bearer" = [])), params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Subscription), (status = 400, description = "cannot_cancel_default_plan, subscription_not_active or cancellation_already_scheduled"), (status = 404, description = "not_found"), (status = 503, description = "billing_not_configured")))]
pub async fn cancel_of(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Subscription>> {
    Ok(Json(
        actions::cancel(&state, &user, Some(id), Default::default()).await?,
    ))
}

/// Undo the scheduled cancellation of the current subscription.
#[utoipa::path(post, path = "/api/subscriptions/resume", tag = "subscriptions", security(("bearer" = [])),
    responses((status = 200, body = Subscription), (status = 400, description = "not_scheduled_for_cancellation"), (status = 503, description = "billing_not_configured")))]
pub async fn resume(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<Subscription>> {
    Ok(Json(actions::resume(&state, &user, None).await?))
}

/// Undo the scheduled cancellation of a subscription.
#[utoipa::path(post, path = "/api/subscriptions/{id}/reactivate", tag = "subscriptions", security(("bearer" = [])), params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Subscription), (status = 400, description = "not_scheduled_for_cancellation"), (status = 404, description = "not_found"), (status = 503, description = "billing_not_configured")))]
pub async fn reactivate(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Subscription>> {
    Ok(Json(actions::resume(&state, &user, Some(id)).await?))
}
