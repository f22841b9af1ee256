//! In-app notifications (notifications.md): the user's own list and actions, and the internal API other modules
//! use to notify a user (`repo::notify`, with a dedupe key so jobs can run twice).
//!
//! Tables owned: `notifications`.
//! Routes: `/api/notifications/` and its actions (`unread`, `unread_count`, `mark_as_read`, `mark_as_unread`,
//! `mark_all_as_read`, `delete_all_read`, `by_type`, `stats`).

pub mod handlers;
pub mod repo;
pub mod service;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/notifications",
            get(handlers::list_notifications).post(handlers::create_notification),
        )
        .route("/api/notifications/unread", get(handlers::unread))
        .route(
            "/api/notifications/unread_count",
            get(handlers::unread_count),
        )
        .route(
            "/api/notifications/mark_all_as_read",
            post(handlers::mark_all_as_read),
        )
        .route(
            "/api/notifications/delete_all_read",
            delete(handlers::delete_all_read),
        )
        .route("/api/notifications/by_type", get(handlers::by_type))
        .route(
            "/api/notifications/stats",
            get(handlers::notification_stats),
        )
        .route(
            "/api/notifications/{id}",
            get(handlers::get_notification)
                .put(handlers::update_notification)
                .patch(handlers::update_notification)
                .delete(handlers::delete_notification),
        )
        .route(
            "/api/notifications/{id}/mark_as_read",
            post(handlers::mark_as_read),
        )
        .route(
            "/api/notifications/{id}/mark_as_unread",
            post(handlers::mark_as_unread),
        )
}
