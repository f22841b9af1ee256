//! Vehicles (vehicles.md §1): CRUD scoped to the owner, filters, search, ordering, stats, and the per-vehicle
//! sub-lists. The brand and model catalog is in `catalog/`.
//!
//! Tables owned: `vehicles`.
//! Routes: `/api/vehicles/`, `/api/vehicles/{id}/`, `/api/vehicles/{id}/maintenances|documents|diagnostics/`,
//! `/api/vehicles/stats/`.

pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_vehicles, handlers::create_vehicle))
        .routes(routes!(handlers::vehicle_stats))
        .routes(routes!(
            handlers::get_vehicle,
            handlers::put_vehicle,
            handlers::patch_vehicle,
            handlers::delete_vehicle
        ))
        .routes(routes!(handlers::vehicle_maintenances))
        .routes(routes!(handlers::vehicle_documents))
        .routes(routes!(handlers::vehicle_diagnostics))
}
