//! The assistant (assistant.md §4–§6): the offline brain that answers from the knowledge base and the caller's
//! own records, the optional provider that rewrites its text, and the plan-gated assistant actions.
//!
//! Tables owned: none (conversations are in `conversations/`; it reads vehicles, maintenances, documents,
//! subscriptions and garages through their repos).
//! Routes: `/api/assistant/…`.

pub mod actions;
pub mod answers;
pub mod ask;
pub mod handlers;
pub mod input;
pub mod intent;
pub mod provider;
pub mod schedule;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::chat))
        .routes(routes!(handlers::maintenance_suggestions))
        .routes(routes!(handlers::maintenance_ask))
        .routes(routes!(handlers::diagnostic))
}
