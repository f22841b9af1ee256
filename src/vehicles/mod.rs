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

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/vehicles",
            get(handlers::list_vehicles).post(handlers::create_vehicle),
        )
        .route("/api/vehicles/stats", get(handlers::vehicle_stats))
        .route(
            "/api/vehicles/{id}",
            get(handlers::get_vehicle)
                .put(handlers::put_vehicle)
                .patch(handlers::patch_vehicle)
                .delete(handlers::delete_vehicle),
        )
        .route(
            "/api/vehicles/{id}/maintenances",
            get(handlers::vehicle_maintenances),
        )
        .route(
            "/api/vehicles/{id}/documents",
            get(handlers::vehicle_documents),
        )
        .route(
            "/api/vehicles/{id}/diagnostics",
            get(handlers::vehicle_diagnostics),
        )
}
