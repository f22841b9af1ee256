//! The shared car catalog (vehicles.md §2, §3): brands and their models, public to read, written by admins,
//! seeded by a migration with the common makes and models sold in Europe. Vehicles keep make and model as free
//! text; the catalog feeds pickers.
//!
//! Tables owned: `car_brands`, `car_models`.
//! Routes: `/api/brands/`, `/api/brands/{id}/`, `/api/brands/{id}/models/`, `/api/models/`, `/api/models/{id}/`.

pub mod handlers;
pub mod repo;
pub mod service;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/brands",
            get(handlers::list_brands).post(handlers::create_brand),
        )
        .route(
            "/api/brands/{id}",
            get(handlers::get_brand)
                .put(handlers::put_brand)
                .patch(handlers::patch_brand)
                .delete(handlers::delete_brand),
        )
        .route("/api/brands/{id}/models", get(handlers::brand_models))
        .route(
            "/api/models",
            get(handlers::list_models).post(handlers::create_model),
        )
        .route(
            "/api/models/{id}",
            get(handlers::get_model)
                .put(handlers::put_model)
                .patch(handlers::patch_model)
                .delete(handlers::delete_model),
        )
}
