//! Documents (documents.md): private uploads checked by content, stored under the data directory with random
//! names, served only to their owner, and analysed in the background (`jobs.rs`).
//!
//! Tables owned: `documents` (list queries join `vehicles` for search on make and model), `document_applications`
//! (what a suggestion was applied to; `apply.rs`).
//! Routes: `/api/documents/…` and its actions (`download`, `analyze`, `batch_analyze`, `by_type`, `unanalyzed`,
//! `stats`, `by_vehicle`).

pub mod analysis;
pub mod apply;
pub mod einvoice;
pub mod extract;
pub mod handlers;
pub mod jobs;
pub mod model;
pub mod queue;
pub mod reads;
pub mod repo;
pub mod sandbox;
pub mod service;
pub mod storage;
pub mod upload;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router(max_upload: u64) -> OpenApiRouter<AppState> {
    // Uploads may be as large as the file limit plus 64 KiB of form overhead; the file size itself is checked
    // while streaming so that the answer names the field.
    let limit = DefaultBodyLimit::max((max_upload + 64 * 1024) as usize);
    let (schemas, paths, list) = routes!(handlers::list_documents, handlers::create_document);
    let list = (schemas, paths, list.layer(limit));
    let (schemas, paths, one) = routes!(
        handlers::get_document,
        handlers::update_document,
        handlers::delete_document
    );
    let one = (schemas, paths, one.layer(limit));
    OpenApiRouter::new()
        .routes(list)
        .routes(routes!(handlers::batch_analyze))
        .routes(routes!(handlers::by_type))
        .routes(routes!(handlers::unanalyzed))
        .routes(routes!(handlers::document_stats))
        .routes(routes!(handlers::by_vehicle))
        .routes(one)
        .routes(routes!(handlers::download))
        .routes(routes!(handlers::analyze))
        .routes(routes!(handlers::apply_suggestion))
}
