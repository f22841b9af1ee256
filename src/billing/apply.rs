//! Applying one verified Stripe event to the subscriptions (billing.md §9), inside the caller's transaction, with no
//! Stripe API call. The state comes from the event's own object; an event older than the last one applied to a
//! subscription changes nothing, and a deleted subscription stays cancelled.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::model::Envelope;
use crate::app::AppState;
use crate::db::ts;
use crate::subscriptions::model::{SubscriptionRow, entitling};
use crate::subscriptions::notices;
use crate::subscriptions::repo::{self, StripeState};

/// What processing decided; `Ignored` carries the note stored with the event.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Processed,
    Ignored(String),
}

pub(super) fn ignored(note: &str) -> anyhow::Result<Outcome> {
    Ok(Outcome::Ignored(note.to_owned()))
}

pub(super) fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))?
        .as_str()
        .filter(|s| !s.is_empty())
}

pub(super) fn int(v: &Value, path: &[&str]) -> Option<i64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_i64()
}

/// A reference that Stripe sends as an id or, expanded, as an object with an `id`.
pub(super) fn id_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    let r = v.get(key)?;
    r.as_str()
        .or_else(|| r.get("id")?.as_str())
        .filter(|s| !s.is_empty())
}

fn time(unix: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp(unix, 0).map(ts)
}

/// Stripe's status → ours (billing.md §9); `None` for a status we do not know.
pub fn map_status(s: &str) -> Option<&'static str> {
    Some(match s {
        "active" => "active",
        "trialing" => "trialing",
        "past_due" => "past_due",
        "unpaid" => "unpaid",
        "incomplete" => "incomplete",
        "paused" => "paused",
        "canceled" | "cancelled" => "cancelled",
        "incomplete_expired" => "expired",
        _ => return None,
    })
}

pub fn apply(
    conn: &Connection,
    state: &AppState,
    e: &Envelope,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let o = &e.object;
    match e.kind.as_str() {
        "checkout.session.completed" => checkout_completed(conn, state, e, o, now),
        "customer.subscription.created" | "customer.subscription.updated" => {
            subscription_changed(conn, state, e, o, now)
        }
        "customer.subscription.deleted" => subscription_deleted(conn, state, e, o, now),
        "invoice.paid" => super::invoices::invoice_paid(conn, state, e, o, now),
        "invoice.payment_failed" => super::invoices::payment_failed(conn, state, e, o, now),
        _ => ignored("event type not handled"),
    }
}

/// The user an object belongs to: `metadata.user_id` (or another id given first), else the customer's user.
fn user_of(conn: &Connection, first: Option<i64>, o: &Value) -> anyhow::Result<Option<i64>> {
    let by_meta = first.or_else(|| text(o, &["metadata", "user_id"]).and_then(|s| s.parse().ok()));
    if let Some(id) = by_meta
        && crate::users::repo::find(conn, id)?.is_some()
    {
        return Ok(Some(id));
    }
    match id_of(o, "customer") {
        Some(c) => Ok(crate::users::repo::find_by_stripe_customer(conn, c)?),
        None => Ok(None),
    }
}

/// `Some(note)` when the event is older than the last one applied to the subscription, or it was deleted.
pub(super) fn stale(sub: &SubscriptionRow, e: &Envelope) -> Option<&'static str> {
    if sub
        .stripe_event_created
        .is_some_and(|last| e.created < last)
    {
        Some("stale event")
    } else if sub.status == "cancelled" {
        Some("the subscription was deleted")
    } else {
        None
    }
}

/// After a change: superseding and the first-time confirmation when the subscription is now entitling.
pub(super) fn after_change(
    conn: &Connection,
    state: &AppState,
    id: i64,
    was_entitling: bool,
    now: &str,
) -> anyhow::Result<()> {
    let Some(sub) = repo::find(conn, id)? else {
        return Ok(());
    };
    if entitling(&sub.status) {
        repo::supersede_others(conn, sub.user_id, sub.id, now)?;
        if !was_entitling {
            notices::confirmed(conn, state, &sub, now)?;
        }
    }
    Ok(())
}

fn checkout_completed(
    conn: &Connection,
    state: &AppState,
    e: &Envelope,
    o: &Value,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    if text(o, &["mode"]) != Some("subscription") {
        return ignored("not a subscription checkout");
    }
    let reference = text(o, &["client_reference_id"]).and_then(|s| s.parse().ok());
    let Some(user_id) = user_of(conn, reference, o)? else {
        return ignored("no user for this checkout session");
    };
    let now_s = ts(now);
    if let Some(customer) = id_of(o, "customer") {
        crate::users::repo::set_stripe_customer_if_empty(conn, user_id, customer)?;
    }
    let Some(sid) = id_of(o, "subscription") else {
        return ignored("the checkout session names no subscription");
    };
    if repo::find_by_stripe_id(conn, sid)?.is_some() {
        // The subscription events already created it and own its state.
        return Ok(Outcome::Processed);
    }
    let plan = match text(o, &["metadata", "plan_code"]) {
        Some(code) if crate::plans::repo::find_by_code(conn, code)?.is_some() => Some(code),
        _ => None,
    };
    let Some(plan) = plan else {
        return ignored(
            "no known metadata.plan_code: the subscription events will create the subscription",
        );
    };
    let paid = matches!(
        text(o, &["payment_status"]),
        Some("paid" | "no_payment_required")
    );
    let status = if paid { "active" } else { "incomplete" };
    let start = time(e.created).unwrap_or_else(|| now_s.clone());
    let s = StripeState {
        user_id,
        plan_code: plan,
        status,
        stripe_subscription_id: sid,
        stripe_customer_id: id_of(o, "customer"),
        current_period_start: &start,
        current_period_end: None,
        cancel_at_period_end: false,
        cancelled_at: None,
        trial_start: None,
        trial_end: None,
        pending_plan_code: None,
        event_created: e.created,
    };
    let id = repo::save_stripe(conn, None, &s, &now_s)?;
    repo::history(
        conn,
        id,
        "created",
        None,
        Some(status),
        &json!({"plan_code": plan}),
        &now_s,
    )?;
    after_change(conn, state, id, false, &now_s)?;
    Ok(Outcome::Processed)
}

/// The plan whose Stripe price is the subscription's first item's (older API versions: its `plan`).
pub(super) fn plan_of_price(conn: &Connection, o: &Value) -> anyhow::Result<Option<String>> {
    let price = first_item(o)
        .and_then(|i| id_of(i, "price").or_else(|| id_of(i, "plan")))
        .or_else(|| id_of(o, "plan"));
    Ok(match price {
        Some(p) => crate::plans::repo::find_by_stripe_price(conn, p)?.map(|p| p.code),
        None => None,
    })
}

fn first_item(o: &Value) -> Option<&Value> {
    o.get("items")?.get("data")?.get(0)
}

/// A period bound of a subscription: on the object, or (newer API versions) on its first item.
pub(super) fn period_bound(o: &Value, key: &str) -> Option<String> {
    int(o, &[key])
        .or_else(|| first_item(o).and_then(|i| int(i, &[key])))
        .and_then(time)
}

fn subscription_changed(
    conn: &Connection,
    state: &AppState,
    e: &Envelope,
    o: &Value,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let Some(sid) = text(o, &["id"]) else {
        return ignored("the subscription has no id");
    };
    let existing = repo::find_by_stripe_id(conn, sid)?;
    if let Some(note) = existing.as_ref().and_then(|s| stale(s, e)) {
        return ignored(note);
    }
    let Some(user_id) = user_of(conn, None, o)?.or(existing.as_ref().map(|s| s.user_id)) else {
        return ignored("no user for this subscription");
    };
    let Some(status) = text(o, &["status"]).and_then(map_status) else {
        return ignored("unknown subscription status");
    };
    let by_price = plan_of_price(conn, o)?;
    let plan = match (by_price, &existing) {
        (Some(code), _) => code,
        (None, Some(s)) => s.plan_code.clone(),
        (None, None) => match text(o, &["metadata", "plan_code"]) {
            Some(code) if crate::plans::repo::find_by_code(conn, code)?.is_some() => {
                code.to_owned()
            }
            _ => return ignored("unknown price and no known metadata.plan_code"),
        },
    };
    let now_s = ts(now);
    let start = period_bound(o, "current_period_start")
        .or_else(|| existing.as_ref().map(|s| s.current_period_start.clone()))
        .unwrap_or_else(|| now_s.clone());
    let end = period_bound(o, "current_period_end");
    let flag = o
        .get("cancel_at_period_end")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // A pending plan waits until it is reached, or for the cancellation it followed to be undone.
    let pending = existing
        .as_ref()
        .and_then(|s| s.pending_plan_code.clone())
        .filter(|p| *p != plan)
        .filter(|_| flag || !existing.as_ref().is_some_and(|s| s.cancel_at_period_end));
    let (cancelled_at, trial_start, trial_end) = (
        int(o, &["canceled_at"]).and_then(time),
        int(o, &["trial_start"]).and_then(time),
        int(o, &["trial_end"]).and_then(time),
    );
    let s = StripeState {
        user_id,
        plan_code: &plan,
        status,
        stripe_subscription_id: sid,
        stripe_customer_id: id_of(o, "customer"),
        current_period_start: &start,
        current_period_end: end.as_deref(),
        cancel_at_period_end: flag,
        cancelled_at: cancelled_at.as_deref(),
        trial_start: trial_start.as_deref(),
        trial_end: trial_end.as_deref(),
        pending_plan_code: pending.as_deref(),
        event_created: e.created,
    };
    if let Some(customer) = id_of(o, "customer") {
        crate::users::repo::set_stripe_customer_if_empty(conn, user_id, customer)?;
    }
    let was = match &existing {
        Some(x) => repo::was_entitling(conn, x.id)?,
        None => false,
    };
    let id = repo::save_stripe(conn, existing.as_ref().map(|x| x.id), &s, &now_s)?;
    match &existing {
        None => repo::history(
            conn,
            id,
            "created",
            None,
            Some(status),
            &json!({"plan_code": plan}),
            &now_s,
        )?,
        Some(x) => {
            let before = Some(x.status.as_str());
            if x.plan_code != plan {
                let meta = json!({"from": x.plan_code, "to": plan});
                repo::history(
                    conn,
                    id,
                    "plan_changed",
                    before,
                    Some(status),
                    &meta,
                    &now_s,
                )?;
            }
            if x.status != status {
                repo::history(
                    conn,
                    id,
                    "status_changed",
                    before,
                    Some(status),
                    &json!({}),
                    &now_s,
                )?;
            }
            if x.cancel_at_period_end != flag {
                let kind = if flag { "cancel_scheduled" } else { "resumed" };
                repo::history(conn, id, kind, before, Some(status), &json!({}), &now_s)?;
            }
        }
    }
    after_change(conn, state, id, was, &now_s)?;
    Ok(Outcome::Processed)
}

fn subscription_deleted(
    conn: &Connection,
    state: &AppState,
    e: &Envelope,
    o: &Value,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let Some(sub) = text(o, &["id"])
        .map(|sid| repo::find_by_stripe_id(conn, sid))
        .transpose()?
        .flatten()
    else {
        return ignored("unknown subscription");
    };
    if let Some(note) = stale(&sub, e) {
        return ignored(note);
    }
    let now_s = ts(now);
    let ended = ["canceled_at", "ended_at"]
        .iter()
        .find_map(|k| int(o, &[k]))
        .unwrap_or(e.created);
    repo::set_status(conn, sub.id, "cancelled", &now_s)?;
    repo::touch_event(conn, sub.id, e.created, &now_s)?;
    repo::history(
        conn,
        sub.id,
        "cancelled",
        Some(&sub.status),
        Some("cancelled"),
        &json!({}),
        &now_s,
    )?;
    // The plan that follows: the pending one when it is free and active, else the default plan.
    let default_code = state.config.default_plan.clone();
    let fallback = match &sub.pending_plan_code {
        Some(code) => match crate::plans::repo::find_by_code(conn, code)? {
            Some(p) if p.is_active && p.monthly_price_cents == 0 => p.code,
            _ => default_code,
        },
        None => default_code,
    };
    if repo::current(conn, sub.user_id)?.is_none() {
        repo::create_subscription(conn, sub.user_id, &fallback, &now_s)?;
    }
    let ended_at = DateTime::<Utc>::from_timestamp(ended, 0).unwrap_or(now);
    notices::ended(conn, state, &sub, &fallback, ended_at, &now_s)?;
    Ok(Outcome::Processed)
}
