//! Maintenance records (maintenances.md): ownership goes through the vehicle; costs are exact cents; the
//! `maintenance_reminders` job (jobs.rs) tells owners about scheduled work coming due.
//!
//! Tables owned: `maintenances` (owner copied from the vehicle; queries join `vehicles` for the embedded vehicle
//! info) and `maintenance_counts` (records per owner, kept by triggers).
//! Routes: `/api/maintenances/`, `/api/maintenances/{id}/`, `upcoming`, `recent`, `stats`, `by_vehicle`.

pub mod handlers;
pub mod input;
pub mod jobs;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_maintenances,
            handlers::create_maintenance
        ))
        .routes(routes!(handlers::upcoming))
        .routes(routes!(handlers::recent))
        .routes(routes!(handlers::maintenance_stats))
        .routes(routes!(handlers::by_vehicle))
        .routes(routes!(
            handlers::get_maintenance,
            handlers::put_maintenance,
            handlers::patch_maintenance,
            handlers::delete_maintenance
        ))
}
