//! Conversation and message rows, their representations and the list filters (assistant.md §3).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::AppResult;
use crate::http::list::{ListFilter, bool_param, choice_param, id_param, limit_param};

pub const ROLES: &[&str] = &["user", "assistant", "system"];

#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub id: i64,
    pub user_id: i64,
    pub title: Option<String>,
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
    pub messages_count: i64,
}

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub conversation_id: i64,
    pub role: String,
    pub content: String,
    pub metadata: Value,
    pub created_at: String,
}

/// A message (assistant.md §3).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ChatMessage)]
pub struct Message {
    pub id: i64,
    pub conversation: i64,
    #[schema(pattern = "^(user|assistant|system)$")]
    pub role: String,
    pub content: String,
    /// Read-only; for assistant messages `{"source", "model", "intent", "records"}`.
    #[schema(value_type = Object)]
    pub metadata: Value,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<MessageRow> for Message {
    fn from(m: MessageRow) -> Message {
        Message {
            id: m.id,
            conversation: m.conversation_id,
            role: m.role,
            content: m.content,
            metadata: m.metadata,
            created_at: m.created_at,
        }
    }
}

/// A conversation (assistant.md §3).
#[derive(Debug, Serialize, ToSchema)]
pub struct Conversation {
    pub id: i64,
    pub user: i64,
    pub title: Option<String>,
    pub is_active: bool,
    pub messages_count: i64,
    pub last_message: Option<Message>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl ConversationRow {
    pub fn into_dto(self, last: Option<MessageRow>) -> Conversation {
        Conversation {
            id: self.id,
            user: self.user_id,
            title: self.title,
            is_active: self.is_active,
            messages_count: self.messages_count,
            last_message: last.map(Message::from),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The detail: the conversation and its messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationDetail {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub messages: Vec<Message>,
}

/// The answer of `send_message`: the stored user message and the assistant's reply (`null` without the
/// plan feature `ai_assistant`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SentMessage {
    #[serde(flatten)]
    pub message: Message,
    pub reply: Option<Message>,
}

/// `GET /api/conversations/stats/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationStats {
    pub total_conversations: i64,
    pub total_messages: i64,
    /// One decimal, 0 when there is no conversation.
    pub average_messages_per_conversation: f64,
}

/// Filters of `GET /api/conversations/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationFilter {
    pub is_active: Option<bool>,
}

impl ListFilter for ConversationFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<ConversationFilter> {
        Ok(ConversationFilter {
            is_active: bool_param(q, "is_active")?,
        })
    }
}

/// Filters of `GET /api/messages/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageFilter {
    /// A conversation id.
    pub conversation: Option<i64>,
    #[param(pattern = "^(user|assistant|system)$")]
    pub role: Option<String>,
}

impl ListFilter for MessageFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<MessageFilter> {
        Ok(MessageFilter {
            conversation: id_param(q, "conversation")?,
            role: choice_param(q, "role", ROLES)?,
        })
    }
}

/// `GET /api/conversations/recent/`.
#[derive(Debug, Clone, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentParams {
    /// 1–100, default 10.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl ListFilter for RecentParams {
    fn from_query(q: &HashMap<String, String>) -> AppResult<RecentParams> {
        Ok(RecentParams {
            limit: Some(limit_param(q, "limit", 10)?),
        })
    }
}

/// The body of `POST`, `PUT` and `PATCH /api/conversations/…` (every field optional).
#[derive(ToSchema)]
pub struct ConversationInput {
    #[schema(max_length = 255)]
    pub title: Option<String>,
    #[schema(required = false)]
    pub is_active: bool,
}

/// The body of `send_message`.
#[derive(ToSchema)]
pub struct SendMessage {
    #[schema(min_length = 1, max_length = 4000)]
    pub content: String,
    /// One of the caller's vehicles: the focus of the answer.
    pub vehicle_id: Option<i64>,
}

/// The body of `POST /api/messages/`.
#[derive(ToSchema)]
pub struct MessageCreate {
    /// One of the caller's conversations.
    pub conversation: i64,
    #[schema(min_length = 1, max_length = 4000)]
    pub content: String,
}
