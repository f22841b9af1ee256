//! Plans and limits (billing.md §2, §6, §7): the plan catalogue, the effective plan of a user (the plan of the
//! current subscription, or the default plan), usage counters and the limit checks other modules call on create.
//!
//! Tables owned: `plans`, `subscriptions`, `subscription_history` (the Stripe side arrives with billing).
//! Routes: `GET /api/plans/`, `GET /api/plans/{id}/`, `GET /api/subscriptions/plans`, `GET /api/subscriptions/usage`,
//! `GET /api/subscriptions/check-limits`.

pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans", get(handlers::list_plans))
        .route("/api/plans/{id}", get(handlers::get_plan))
        .route("/api/subscriptions/plans", get(handlers::catalog))
        .route("/api/subscriptions/usage", get(handlers::usage))
        .route(
            "/api/subscriptions/check-limits",
            get(handlers::check_limits),
        )
}
