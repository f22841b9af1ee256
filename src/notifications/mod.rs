//! In-app notifications (notifications.md): the user's own list and actions, and the internal API other modules
//! use to notify a user (`repo::notify`, with a dedupe key so jobs can run twice).
//!
//! Tables owned: `notifications`.
//! Routes: `/api/notifications/` and its actions (`unread`, `unread_count`, `mark_as_read`, `mark_as_unread`,
//! `mark_all_as_read`, `delete_all_read`, `by_type`, `stats`).

pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_notifications,
            handlers::create_notification
        ))
        .routes(routes!(handlers::unread))
        .routes(routes!(handlers::unread_count))
        .routes(routes!(handlers::mark_all_as_read))
        .routes(routes!(handlers::delete_all_read))
        .routes(routes!(handlers::by_type))
        .routes(routes!(handlers::notification_stats))
        .routes(routes!(
            handlers::get_notification,
            handlers::put_notification,
            handlers::patch_notification,
            handlers::delete_notification
        ))
        .routes(routes!(handlers::mark_as_read))
        .routes(routes!(handlers::mark_as_unread))
}
