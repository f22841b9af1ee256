//! Conversations with the assistant (assistant.md §3): a user's threads of messages; `send_message` stores the
//! user's message and, when the plan has `ai_assistant`, the assistant's reply from `assistant::ask`.
//!
//! Tables owned: `ai_conversations`, `ai_messages`.
//! Routes: `/api/conversations/…`, `/api/messages/…`.

pub mod handlers;
pub mod model;
pub mod repo;
pub mod service;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            handlers::list_conversations,
            handlers::create_conversation
        ))
        .routes(routes!(handlers::recent))
        .routes(routes!(handlers::stats))
        .routes(routes!(
            handlers::get_conversation,
            handlers::put_conversation,
            handlers::patch_conversation,
            handlers::delete_conversation
        ))
        .routes(routes!(handlers::conversation_messages))
        .routes(routes!(handlers::send_message))
        .routes(routes!(handlers::list_messages, handlers::create_message))
        .routes(routes!(handlers::get_message))
}
