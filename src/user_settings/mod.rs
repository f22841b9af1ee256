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

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/settings", get(handlers::list_settings))
        .route("/api/settings/me", get(handlers::get_my_settings))
        .route(
            "/api/settings/update_me",
            axum::routing::put(handlers::put_my_settings).patch(handlers::patch_my_settings),
        )
        .route("/api/settings/reset", post(handlers::reset_settings))
        .route(
            "/api/settings/{id}",
            get(handlers::get_settings)
                .put(handlers::put_settings)
                .patch(handlers::patch_settings),
        )
}
