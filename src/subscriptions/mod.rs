//! Subscriptions (billing.md §3–§5): every user's current subscription, its history, the admin assignment and
//! the actions that change or end a plan. Stripe's side (checkout, portal, invoices, webhooks) arrives with the
//! billing client; until then paid changes answer 503 `billing_not_configured`.
//!
//! Tables owned: `subscriptions`, `subscription_history`.
//! Routes: `/api/subscriptions` (list, assign), `/api/subscriptions/{id}` (read, update, delete), `current`,
//! `active`, `history`, `stats`, `change-plan`, `cancel`, `resume`, and the `{id}/…` actions. (`plans`, `usage`
//! and `check-limits` under the same prefix belong to `plans`.)

pub mod actions;
pub mod change;
pub mod handlers;
pub mod jobs;
pub mod model;
pub mod notices;
pub mod repo;
pub mod service;
pub mod writes;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list, handlers::assign))
        .routes(routes!(
            handlers::get,
            handlers::put,
            handlers::patch,
            handlers::delete
        ))
        .routes(routes!(handlers::current))
        .routes(routes!(handlers::active))
        .routes(routes!(handlers::history))
        .routes(routes!(handlers::stats))
        .routes(routes!(handlers::change_plan))
        .routes(routes!(handlers::change_plan_of))
        .routes(routes!(handlers::cancel))
        .routes(routes!(handlers::cancel_of))
        .routes(routes!(handlers::resume))
        .routes(routes!(handlers::reactivate))
}
