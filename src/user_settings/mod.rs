//! Per-user settings (settings.md): language, theme, time zone, units, currency, notification flags, the
//! second-factor choice and free client data. One row per user, created with the account (or lazily).
//!
//! Tables owned: `user_settings`.
//! Routes: `/api/settings/`, `/api/settings/me/`, `/api/settings/update_me/`, `/api/settings/reset/`,
//! `/api/settings/{id}/`.

pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_settings))
        .routes(routes!(handlers::get_my_settings))
        .routes(routes!(
            handlers::put_my_settings,
            handlers::patch_my_settings
        ))
        .routes(routes!(handlers::reset_settings))
        .routes(routes!(
            handlers::get_settings,
            handlers::put_settings,
            handlers::patch_settings
        ))
}
