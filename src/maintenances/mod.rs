//! Maintenance records (maintenances.md): ownership goes through the vehicle; costs are exact cents; the
//! `maintenance_reminders` job (jobs.rs) tells owners about scheduled work coming due.
//!
//! Tables owned: `maintenances` (owner copied from the vehicle; queries join `vehicles` for the embedded vehicle
//! info) and `maintenance_counts` (records per owner, kept by triggers).
//! Routes: `/api/maintenances/`, `/api/maintenances/{id}/`, `upcoming`, `recent`, `stats`, `by_vehicle`.

pub mod handlers;
pub mod jobs;
pub mod model;
pub mod repo;
pub mod service;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/maintenances",
            get(handlers::list_maintenances).post(handlers::create_maintenance),
        )
        .route("/api/maintenances/upcoming", get(handlers::upcoming))
        .route("/api/maintenances/recent", get(handlers::recent))
        .route("/api/maintenances/stats", get(handlers::maintenance_stats))
        .route("/api/maintenances/by_vehicle", get(handlers::by_vehicle))
        .route(
            "/api/maintenances/{id}",
            get(handlers::get_maintenance)
                .put(handlers::put_maintenance)
                .patch(handlers::patch_maintenance)
                .delete(handlers::delete_maintenance),
        )
}
