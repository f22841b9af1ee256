//! Diagnostics (assistant.md §1): a user's problem with one of their vehicles, analysed offline from the knowledge
//! base when created and again on request, and the replies that follow it.
//!
//! Tables owned: `diagnostics`, `diagnostic_replies`.
//! Routes: `/api/diagnostics/…`, `/api/replies/…`.

pub mod handlers;
pub mod input;
pub mod model;
pub mod replies;
pub mod repo;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_diagnostics,
            handlers::create_diagnostic
        ))
        .routes(routes!(handlers::pending))
        .routes(routes!(handlers::completed))
        .routes(routes!(handlers::stats))
        .routes(routes!(handlers::by_vehicle))
        .routes(routes!(
            handlers::get_diagnostic,
            handlers::put_diagnostic,
            handlers::patch_diagnostic,
            handlers::delete_diagnostic
        ))
        .routes(routes!(handlers::add_reply))
        .routes(routes!(handlers::request_ai_analysis))
        .routes(routes!(handlers::analyze))
        .routes(routes!(handlers::list_replies, handlers::create_reply))
        .routes(routes!(
            handlers::get_reply,
            handlers::put_reply,
            handlers::patch_reply,
            handlers::delete_reply
        ))
}
