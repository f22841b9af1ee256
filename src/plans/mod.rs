//! Plans and limits (billing.md §2, §6, §7): the plan catalogue, the effective plan of a user (the plan of the
//! current subscription, or the default plan), usage counters and the limit checks other modules call on create.
//!
//! Tables owned: `plans` (a user's plan is read from `subscriptions` through its repo).
//! Routes: `/api/plans/` (read by all, written by admins), `GET /api/subscriptions/plans`, `GET /api/subscriptions/usage`,
//! `GET /api/subscriptions/check-limits`.

pub mod bodies;
pub mod catalog;
pub mod handlers;
pub mod input;
pub mod model;
pub mod repo;
pub mod service;
pub mod usage;
pub mod write;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_plans, handlers::create_plan))
        .routes(routes!(
            handlers::get_plan,
            handlers::put_plan,
            handlers::patch_plan,
            handlers::delete_plan
        ))
        .routes(routes!(handlers::catalog))
        .routes(routes!(handlers::usage))
        .routes(routes!(handlers::check_limits))
}
