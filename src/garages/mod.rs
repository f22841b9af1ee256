//! The garage directory and reviews (garages.md): anyone reads, admins write garages, users review them (one
//! review per user and garage). Ratings are kept exact by database triggers in the review's own transaction.
//! Distance search uses the `haversine_km` SQL function after an indexed bounding-box pre-filter.
//!
//! Tables owned: `garages`, `garage_reviews` (review queries join `users` for the author's email).
//! Routes: `/api/garages/…` (also served as `/api/recommended/…`) and `/api/reviews/…`.

pub mod handlers;
pub mod model;
pub mod repo;
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
        .routes(routes!(reviews::add_review))
}

/// Garages under `/api/garages/` and again under `/api/recommended/`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .nest("/api/garages", garage_routes())
        .nest("/api/recommended", garage_routes())
        .routes(routes!(reviews::list_reviews, reviews::create_review))
        .routes(routes!(
            reviews::get_review,
            reviews::put_review,
            reviews::patch_review,
            reviews::delete_review
        ))
}
