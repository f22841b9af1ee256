//! Billing through Stripe (billing.md §9, §10): the signed webhook that applies Stripe's events to subscriptions,
//! the admin event log, the Stripe API client (checkout, portal, invoices) and the daily reconciliation job.
//!
//! Tables owned: `stripe_events` (subscriptions are written through `subscriptions::repo`).
//! Routes: `POST /api/stripe/` and `/api/webhooks/stripe/`, `/api/events/…` (admin).

pub mod apply;
pub mod client;
pub mod handlers;
pub mod invoices;
pub mod model;
pub mod payments;
pub mod reconcile;
pub mod repo;
pub mod signature;
pub mod webhook;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(webhook::stripe_webhook))
        .routes(routes!(webhook::stripe_webhook_alias))
        .routes(routes!(payments::checkout))
        .routes(routes!(payments::portal))
        .routes(routes!(payments::invoices))
        .routes(routes!(handlers::list))
        .routes(routes!(handlers::get))
        .routes(routes!(handlers::unprocessed))
        .routes(routes!(handlers::errors))
        .routes(routes!(handlers::retry))
}
