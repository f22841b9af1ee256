//! Documents (documents.md): private uploads checked by content, stored under the data directory with random
//! names, served only to their owner, and analysed in the background (`jobs.rs`).
//!
//! Tables owned: `documents` (list queries join `vehicles` for search on make and model).
//! Routes: `/api/documents/…` and its actions (`download`, `analyze`, `batch_analyze`, `by_type`, `unanalyzed`,
//! `stats`, `by_vehicle`).

pub mod analysis;
pub mod extract;
pub mod handlers;
pub mod jobs;
pub mod model;
pub mod queue;
pub mod repo;
pub mod sandbox;
pub mod service;
pub mod storage;
pub mod upload;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn router(max_upload: u64) -> Router<AppState> {
    // Uploads may be as large as the file limit plus 64 KiB of form overhead; the file size itself is checked
    // while streaming so that the answer names the field.
    let limit = DefaultBodyLimit::max((max_upload + 64 * 1024) as usize);
    Router::new()
        .route(
            "/api/documents",
            get(handlers::list_documents)
                .post(handlers::create_document)
                .layer(limit),
        )
        .route(
            "/api/documents/batch_analyze",
            post(handlers::batch_analyze),
        )
        .route("/api/documents/by_type", get(handlers::by_type))
        .route("/api/documents/unanalyzed", get(handlers::unanalyzed))
        .route("/api/documents/stats", get(handlers::document_stats))
        .route("/api/documents/by_vehicle", get(handlers::by_vehicle))
        .route(
            "/api/documents/{id}",
            get(handlers::get_document)
                .put(handlers::update_document)
                .patch(handlers::update_document)
                .delete(handlers::delete_document)
                .layer(limit),
        )
        .route("/api/documents/{id}/download", get(handlers::download))
        .route("/api/documents/{id}/analyze", post(handlers::analyze))
}
