//! The stored Stripe event (billing.md §10) and the tolerant envelope read from a webhook body (§9).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::AppResult;
use crate::http::list::{ListFilter, bool_param, choice_param, text_param};

pub const EVENT_STATUSES: [&str; 4] = ["received", "processed", "ignored", "failed"];

/// The members every event has; the rest of `data.object` is read where it is used. Real events differ by API
/// version, so nothing else is required.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: String,
    pub kind: String,
    pub created: i64,
    pub livemode: bool,
    pub object: Value,
}

impl Envelope {
    /// `None` unless the body is a JSON object with `id`, `type`, `created` and `data.object`.
    pub fn parse(body: &[u8]) -> Option<(Envelope, Value)> {
        let v: Value = serde_json::from_slice(body).ok()?;
        let id = v.get("id")?.as_str()?.trim();
        let kind = v.get("type")?.as_str()?.trim();
        if id.is_empty() || id.len() > 255 || kind.is_empty() || kind.len() > 100 {
            return None;
        }
        let object = v.get("data")?.get("object")?;
        if !object.is_object() {
            return None;
        }
        let envelope = Envelope {
            id: id.to_owned(),
            kind: kind.to_owned(),
            created: v.get("created")?.as_i64()?,
            livemode: v.get("livemode").and_then(Value::as_bool).unwrap_or(false),
            object: object.clone(),
        };
        Some((envelope, v))
    }
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub stripe_event_id: String,
    pub event_type: String,
    pub source: String,
    pub livemode: bool,
    pub stripe_created: i64,
    pub payload: String,
    pub status: String,
    pub error_message: Option<String>,
    pub delivery_count: i64,
    pub processed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// An event of the admin log (billing.md §10).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StripeEvent)]
pub struct Event {
    pub id: i64,
    pub stripe_event_id: String,
    pub event_type: String,
    /// The whole event as received.
    #[schema(value_type = Object)]
    pub payload: Value,
    /// Always `stripe`.
    pub source: String,
    #[schema(pattern = "^(received|processed|ignored|failed)$")]
    pub status: String,
    /// Processed or ignored.
    pub processed: bool,
    #[schema(format = DateTime)]
    pub processed_at: Option<String>,
    pub error_message: Option<String>,
    pub delivery_count: i64,
    /// First receipt.
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl EventRow {
    pub fn into_dto(self) -> Event {
        Event {
            processed: matches!(self.status.as_str(), "processed" | "ignored"),
            payload: serde_json::from_str(&self.payload).unwrap_or(Value::Null),
            id: self.id,
            stripe_event_id: self.stripe_event_id,
            event_type: self.event_type,
            source: self.source,
            status: self.status,
            processed_at: self.processed_at,
            error_message: self.error_message,
            delivery_count: self.delivery_count,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The answer of a delivery Stripe sends: `success`, `ignored` or `duplicate`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAnswer {
    #[schema(pattern = "^(success|ignored|duplicate)$")]
    pub status: &'static str,
}

/// The filters of `GET /api/events/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilter {
    pub event_type: Option<String>,
    /// Always `stripe`.
    pub source: Option<String>,
    /// Processed or ignored (true), received or failed (false).
    pub processed: Option<bool>,
    #[param(pattern = "^(received|processed|ignored|failed)$")]
    pub status: Option<String>,
}

impl ListFilter for EventFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<EventFilter> {
        Ok(EventFilter {
            event_type: text_param(q, "event_type"),
            source: text_param(q, "source"),
            processed: bool_param(q, "processed")?,
            status: choice_param(q, "status", &EVENT_STATUSES)?,
        })
    }
}
