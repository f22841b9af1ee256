//! HTTP plumbing shared by every domain: request context and headers, body and query extractors that
//! answer with the contract's errors, input validation, list helpers, client IP and throttles.

pub mod context;
pub mod extract;
pub mod list;
pub mod throttle;
pub mod validate;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A create answer (README §6): 201, the full representation and a `Location` header.
pub fn created(location: String, body: impl serde::Serialize) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

/// `{message}`: the answer of actions that only confirm, in the caller's language.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Message {
    pub message: String,
}

impl Message {
    pub fn new(text: impl Into<String>) -> Message {
        Message {
            message: text.into(),
        }
    }
}
