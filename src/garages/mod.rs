//! The garage directory and reviews (garages.md): anyone reads, admins write garages, users review them (one
//! review per user and garage). Ratings are kept exact by database triggers in the review's own transaction.
//! Distance search uses the `haversine_km` SQL function after an indexed bounding-box pre-filter.
//!
//! Tables owned: `garages`, `garage_reviews` (review queries join `users` for the author's email).
//! Routes: `/api/garages/…` (also served as `/api/recommended/…`) and `/api/reviews/…`.
//! Beside the usual files: `filters.rs` (the typed query parameters of the reads), `review_model.rs` (review rows,
//! representation and bodies) and `reviews.rs` (the review rules).

pub mod filters;
pub mod handlers;
pub mod model;
pub mod repo;
pub mod review_model;
pub mod reviews;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

fn garage_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::list_garages, handlers::create_garage))
        .routes(routes!(handlers::top_rated))
        .routes(routes!(handlers::search_nearby))
        .routes(routes!(handlers::by_specialty))
        .routes(routes!(
            handlers::get_garage,
            handlers::put_garage,
            handlers::patch_garage,
            handlers::delete_garage
        ))
        .routes(routes!(handlers::add_review))
}

/// Garages under `/api/garages/` and again under `/api/recommended/`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .nest("/api/garages", garage_routes())
        .nest("/api/recommended", garage_routes())
        .routes(routes!(handlers::list_reviews, handlers::create_review))
        .routes(routes!(
            handlers::get_review,
            handlers::put_review,
            handlers::patch_review,
            handlers::delete_review
        ))
}
