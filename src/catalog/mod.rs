//! The shared car catalog (vehicles.md §2, §3): brands and their models, public to read, written by admins,
//! seeded by a migration with the common makes and models sold in Europe. Vehicles keep make and model as free
//! text; the catalog feeds pickers.
//!
//! Tables owned: `car_brands`, `car_models`.
//! Routes: `/api/brands/`, `/api/brands/{id}/`, `/api/brands/{id}/models/`, `/api/models/`, `/api/models/{id}/`.

pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_brands, handlers::create_brand))
        .routes(routes!(
            handlers::get_brand,
            handlers::put_brand,
            handlers::patch_brand,
            handlers::delete_brand
        ))
        .routes(routes!(handlers::brand_models))
        .routes(routes!(handlers::list_models, handlers::create_model))
        .routes(routes!(
            handlers::get_model,
            handlers::put_model,
            handlers::patch_model,
            handlers::delete_model
        ))
}
