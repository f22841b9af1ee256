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

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

fn garage_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(handlers::list_garages).post(handlers::create_garage),
        )
        .route("/top_rated", get(handlers::top_rated))
        .route("/search_nearby", get(handlers::search_nearby))
        .route("/by_specialty", get(handlers::by_specialty))
        .route(
            "/{id}",
            get(handlers::get_garage)
                .put(handlers::put_garage)
                .patch(handlers::patch_garage)
                .delete(handlers::delete_garage),
        )
        .route("/{id}/add_review", post(reviews::add_review))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .nest("/api/garages", garage_routes())
        .nest("/api/recommended", garage_routes())
        .route(
            "/api/reviews",
            get(reviews::list_reviews).post(reviews::create_review),
        )
        .route(
            "/api/reviews/{id}",
            get(reviews::get_review)
                .put(reviews::put_review)
                .patch(reviews::patch_review)
                .delete(reviews::delete_review),
        )
}
