//! The invoice events (billing.md §9): `invoice.paid` reactivates a subscription Stripe was retrying;
//! `invoice.payment_failed` makes an entitling one `past_due` and tells the subscriber once per attempt.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::apply::{Outcome, after_change, id_of, int, stale, text};
use super::model::Envelope;
use crate::app::AppState;
use crate::db::ts;
use crate::subscriptions::model::SubscriptionRow;
use crate::subscriptions::notices;
use crate::subscriptions::repo;

/// The subscription an invoice is for: `subscription`, or `parent.subscription_details.subscription`.
fn invoice_subscription(conn: &Connection, o: &Value) -> anyhow::Result<Option<SubscriptionRow>> {
    let sid = id_of(o, "subscription").or_else(|| {
        o.get("parent")
            .and_then(|p| p.get("subscription_details"))
            .and_then(|d| id_of(d, "subscription"))
    });
    Ok(match sid {
        Some(sid) => repo::find_by_stripe_id(conn, sid)?,
        None => None,
    })
}

/// The known, current subscription an invoice is for, or why its event is ignored.
fn invoice_target(
    conn: &Connection,
    e: &Envelope,
    o: &Value,
) -> anyhow::Result<Result<SubscriptionRow, Outcome>> {
    let Some(sub) = invoice_subscription(conn, o)? else {
        return Ok(Err(Outcome::Ignored(
            "not the invoice of a known subscription".into(),
        )));
    };
    match stale(&sub, e) {
        Some(note) => Ok(Err(Outcome::Ignored(note.into()))),
        None => Ok(Ok(sub)),
    }
}

/// Moves the status to `to` when it is one of `from`, records the event's time; returns the status after.
fn move_status<'a>(
    conn: &Connection,
    sub: &'a SubscriptionRow,
    from: &[&str],
    to: &'a str,
    e: &Envelope,
    now: &str,
) -> anyhow::Result<&'a str> {
    let status = if from.contains(&sub.status.as_str()) {
        repo::set_status(conn, sub.id, to, now)?;
        to
    } else {
        sub.status.as_str()
    };
    repo::touch_event(conn, sub.id, e.created, now)?;
    Ok(status)
}

pub(super) fn invoice_paid(
    conn: &Connection,
    state: &AppState,
    e: &Envelope,
    o: &Value,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let sub = match invoice_target(conn, e, o)? {
        Ok(sub) => sub,
        Err(outcome) => return Ok(outcome),
    };
    let now_s = ts(now);
    let was = repo::was_entitling(conn, sub.id)?;
    let status = move_status(
        conn,
        &sub,
        &["past_due", "unpaid", "incomplete"],
        "active",
        e,
        &now_s,
    )?;
    let paid = int(o, &["amount_paid"]).unwrap_or(0);
    let meta =
        json!({"invoice_id": text(o, &["id"]), "amount_paid": crate::money::format_cents(paid)});
    repo::history(
        conn,
        sub.id,
        "payment_succeeded",
        Some(&sub.status),
        Some(status),
        &meta,
        &now_s,
    )?;
    after_change(conn, state, sub.id, was, &now_s)?;
    Ok(Outcome::Processed)
}

pub(super) fn payment_failed(
    conn: &Connection,
    state: &AppState,
    e: &Envelope,
    o: &Value,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let sub = match invoice_target(conn, e, o)? {
        Ok(sub) => sub,
        Err(outcome) => return Ok(outcome),
    };
    let now_s = ts(now);
    // A never-paid (`incomplete`) subscription stays so: it never becomes entitling through a failure.
    let status = move_status(conn, &sub, &["active", "trialing"], "past_due", e, &now_s)?;
    let invoice = text(o, &["id"]).unwrap_or("");
    let attempt_count = int(o, &["attempt_count"]).unwrap_or(1);
    let meta = json!({"invoice_id": invoice, "attempt_count": attempt_count});
    repo::history(
        conn,
        sub.id,
        "payment_failed",
        Some(&sub.status),
        Some(status),
        &meta,
        &now_s,
    )?;
    let failed = notices::FailedPayment {
        invoice_id: invoice,
        attempt_count,
        amount_cents: int(o, &["amount_due"]).unwrap_or(0),
        currency: text(o, &["currency"]).unwrap_or("eur"),
        next_attempt: int(o, &["next_payment_attempt"])
            .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0)),
    };
    notices::payment_failed(conn, state, &sub, &failed, &now_s)?;
    Ok(Outcome::Processed)
}
