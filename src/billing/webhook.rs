//! The Stripe webhook (billing.md §9): the signature is checked on the raw body, the event is stored by its Stripe
//! id before anything else, then processed once: its effects and its status commit together, and a failure
//! leaves it `failed` (500, so Stripe retries) with nothing half-applied.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::HeaderMap;

use super::apply::{self, Outcome};
use super::model::{Envelope, EventRow, WebhookAnswer};
use super::repo;
use super::signature;
use crate::app::AppState;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};

/// The raw body, at most 1 MiB (the JSON limit); the bytes are what Stripe signed, so nothing parses them first.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = crate::http::extract::JSON_BODY_LIMIT;
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::payload_too_large(limit as u64))?;
        if bytes.len() > limit {
            return Err(AppError::payload_too_large(limit as u64));
        }
        Ok(RawBody(bytes))
    }
}

/// A Stripe event delivery: verified, stored once, applied once.
#[utoipa::path(post, path = "/api/stripe", tag = "billing",
    request_body(content = Object, description = "a Stripe event, signed in the Stripe-Signature header"),
    params(("Stripe-Signature" = String, Header, description = "t=<unix time>,v1=<hex HMAC-SHA256>")),
    responses((status = 200, body = WebhookAnswer), (status = 400, description = "invalid_signature or invalid_payload"),
        (status = 413, description = "payload_too_large"), (status = 500, description = "internal_error: processing failed; Stripe retries"),
        (status = 503, description = "billing_not_configured: no webhook secret")))]
pub async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> AppResult<Json<WebhookAnswer>> {
    receive(&state, &headers, &body).await.map(Json)
}

/// The same endpoint under `/api/webhooks/stripe/`.
#[utoipa::path(post, path = "/api/webhooks/stripe", tag = "billing",
    request_body(content = Object, description = "a Stripe event, signed in the Stripe-Signature header"),
    params(("Stripe-Signature" = String, Header, description = "t=<unix time>,v1=<hex HMAC-SHA256>")),
    responses((status = 200, body = WebhookAnswer), (status = 400, description = "invalid_signature or invalid_payload"),
        (status = 413, description = "payload_too_large"), (status = 500, description = "internal_error: processing failed; Stripe retries"),
        (status = 503, description = "billing_not_configured: no webhook secret")))]
pub async fn stripe_webhook_alias(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> AppResult<Json<WebhookAnswer>> {
    receive(&state, &headers, &body).await.map(Json)
}

async fn receive(state: &AppState, headers: &HeaderMap, body: &[u8]) -> AppResult<WebhookAnswer> {
    let stripe = &state.config.stripe;
    if stripe.webhook_secrets.is_empty() {
        return Err(AppError::new(Code::BillingNotConfigured));
    }
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let secrets: Vec<&str> = stripe.webhook_secrets.iter().map(|s| s.expose()).collect();
    if !signature::verify(header, body, &secrets, state.clock.now().timestamp()) {
        tracing::warn!("stripe webhook refused: bad or stale signature");
        return Err(AppError::new(Code::InvalidSignature));
    }
    let Some((envelope, payload)) = Envelope::parse(body) else {
        return Err(AppError::new(Code::InvalidPayload));
    };
    let now = ts(state.clock.now());
    let (e, text) = (envelope.clone(), payload.to_string());
    let row = state
        .db
        .write(move |tx| Ok(repo::receive(tx, &e, &text, &now)?))
        .await?;
    if matches!(row.status.as_str(), "processed" | "ignored") {
        tracing::info!(event = %row.stripe_event_id, kind = %row.event_type, deliveries = row.delivery_count, "stripe event delivered again");
        return Ok(WebhookAnswer {
            status: "duplicate",
        });
    }
    process(state, row, envelope).await
}

/// Processes a stored event (a delivery, an admin retry, `autotrack events retry`): the status is read again
/// inside the transaction, so two deliveries at once apply it once.
pub async fn process(
    state: &AppState,
    row: EventRow,
    envelope: Envelope,
) -> AppResult<WebhookAnswer> {
    let (id, stripe_id, kind) = (row.id, row.stripe_event_id.clone(), row.event_type.clone());
    if let Some(live) = state.config.stripe.live()
        && live != envelope.livemode
    {
        let now = ts(state.clock.now());
        state
            .db
            .write(move |tx| {
                Ok(repo::finish(
                    tx,
                    id,
                    "ignored",
                    Some("livemode differs from the API key's mode"),
                    &now,
                )?)
            })
            .await?;
        return Ok(WebhookAnswer { status: "ignored" });
    }
    let st = state.clone();
    let at = state.clock.now();
    let result = state
        .db
        .write(move |tx| {
            if matches!(repo::status(tx, id)?.as_str(), "processed" | "ignored") {
                return Ok(None);
            }
            let outcome = apply::apply(tx, &st, &envelope, at).map_err(AppError::internal)?;
            let now = ts(at);
            match &outcome {
                Outcome::Processed => repo::finish(tx, id, "processed", None, &now)?,
                Outcome::Ignored(note) => repo::finish(tx, id, "ignored", Some(note), &now)?,
            }
            Ok(Some(outcome))
        })
        .await;
    match result {
        Ok(None) => Ok(WebhookAnswer {
            status: "duplicate",
        }),
        Ok(Some(Outcome::Processed)) => {
            state.kick_mail();
            tracing::info!(event = %stripe_id, kind = %kind, outcome = "processed", "stripe event");
            Ok(WebhookAnswer { status: "success" })
        }
        Ok(Some(Outcome::Ignored(note))) => {
            tracing::info!(event = %stripe_id, kind = %kind, outcome = "ignored", note = %note, "stripe event");
            Ok(WebhookAnswer { status: "ignored" })
        }
        Err(err) => {
            let message = err.to_string();
            tracing::error!(event = %stripe_id, kind = %kind, error = %message, "stripe event failed");
            let now = ts(state.clock.now());
            state
                .db
                .write(move |tx| Ok(repo::finish(tx, id, "failed", Some(&message), &now)?))
                .await?;
            Err(AppError::internal(anyhow::anyhow!(
                "stripe event {stripe_id} failed"
            )))
        }
    }
}

/// Re-processes a `received` or `failed` event (admin retry, CLI); a processed or ignored one is a conflict.
pub async fn retry(state: &AppState, id: i64) -> AppResult<EventRow> {
    let row = state
        .db
        .read(move |c| Ok(repo::find(c, id)?))
        .await?
        .ok_or_else(AppError::not_found)?;
    if matches!(row.status.as_str(), "processed" | "ignored") {
        return Err(AppError::conflict(crate::i18n::Tr::new(
            "This event was already processed.",
            "Cet événement a déjà été traité.",
        )));
    }
    let Some((envelope, _)) = Envelope::parse(row.payload.as_bytes()) else {
        return Err(AppError::new(Code::InvalidPayload));
    };
    // A failure is recorded on the event; the answer is the event as it now is.
    let _ = process(state, row, envelope).await;
    state
        .db
        .read(move |c| Ok(repo::find(c, id)?))
        .await?
        .ok_or_else(AppError::not_found)
}
