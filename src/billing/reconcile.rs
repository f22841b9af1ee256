//! The `stripe_reconcile` job (jobs.md): every Stripe-managed subscription Stripe may still change is fetched from
//! Stripe and, when its state differs from ours, applied through the webhook logic as an event at the fetch time.
//! A lost or never-delivered webhook is thus fixed within a day; the same stale-event rule applies, so a webhook
//! newer than the fetch still wins.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::Value;

use super::apply::{self, Outcome, map_status, period_bound, plan_of_price, text};
use super::model::Envelope;
use crate::app::AppState;
use crate::scheduler::{JobCtx, JobOutcome};
use crate::subscriptions::repo;

/// Subscriptions read per page: bounded memory however many there are.
const PAGE: i64 = 100;

/// What one subscription's reconciliation did.
enum Step {
    Agree,
    Fixed(Vec<String>),
    Ignored(String),
}

/// The fields where Stripe's object and our row differ, described for the log; empty when they agree.
fn drift(
    conn: &Connection,
    sub: &crate::subscriptions::model::SubscriptionRow,
    o: &Value,
) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    let theirs = text(o, &["status"]).unwrap_or("");
    if map_status(theirs) != Some(sub.status.as_str()) {
        found.push(format!("status {} → {theirs}", sub.status));
    }
    if let Some(plan) = plan_of_price(conn, o)?
        && plan != sub.plan_code
    {
        found.push(format!("plan {} → {plan}", sub.plan_code));
    }
    let flag = o
        .get("cancel_at_period_end")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if flag != sub.cancel_at_period_end {
        found.push(format!(
            "cancel_at_period_end {} → {flag}",
            sub.cancel_at_period_end
        ));
    }
    let end = period_bound(o, "current_period_end");
    if end.is_some() && end != sub.current_period_end {
        found.push(format!(
            "current_period_end {} → {}",
            sub.current_period_end.as_deref().unwrap_or("none"),
            end.as_deref().unwrap_or("none")
        ));
    }
    Ok(found)
}

/// Compares and, on drift, applies Stripe's state in one transaction (the row is read again inside it).
fn reconcile_one(
    conn: &Connection,
    state: &AppState,
    id: i64,
    o: &Value,
    fetched_at: DateTime<Utc>,
) -> anyhow::Result<Step> {
    let Some(sub) = repo::find(conn, id)? else {
        return Ok(Step::Ignored("deleted meanwhile".into()));
    };
    if matches!(sub.status.as_str(), "cancelled" | "expired") {
        return Ok(Step::Agree);
    }
    let found = drift(conn, &sub, o)?;
    if found.is_empty() {
        return Ok(Step::Agree);
    }
    let kind = if text(o, &["status"]) == Some("canceled") {
        "customer.subscription.deleted"
    } else {
        "customer.subscription.updated"
    };
    let envelope = Envelope {
        id: format!("reconcile:{id}"),
        kind: kind.to_owned(),
        created: fetched_at.timestamp(),
        livemode: o.get("livemode").and_then(Value::as_bool).unwrap_or(false),
        object: o.clone(),
    };
    Ok(match apply::apply(conn, state, &envelope, fetched_at)? {
        Outcome::Processed => Step::Fixed(found),
        Outcome::Ignored(note) => Step::Ignored(note),
    })
}

/// `stripe_reconcile`.
pub async fn stripe_reconcile(state: &AppState, ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let Some(stripe) = state.stripe.clone() else {
        return Ok(JobOutcome::new(0, "Stripe is not configured"));
    };
    let (mut agree, mut fixed, mut ignored, mut missing, mut failed) = (0, 0, 0, 0, 0);
    let mut after = 0;
    'pages: loop {
        let page = state
            .db
            .read(move |c| Ok(repo::stripe_open_after(c, after, PAGE)?))
            .await?;
        if page.is_empty() {
            break;
        }
        for (id, sid) in page {
            if ctx.stopping() {
                break 'pages;
            }
            after = id;
            let object = match stripe.subscription_object(&sid).await {
                Ok(o) => o,
                Err(f) if f.status == Some(404) => {
                    // Not ours to end: a key of another account or mode gives 404 for every subscription.
                    tracing::warn!(subscription = id, stripe_subscription = %sid, "stripe_reconcile: Stripe does not know this subscription; left unchanged");
                    missing += 1;
                    continue;
                }
                Err(f) => {
                    tracing::warn!(subscription = id, stripe_subscription = %sid, status = ?f.status, error = %f.message, "stripe_reconcile: fetch failed");
                    failed += 1;
                    continue;
                }
            };
            let (st, at) = (state.clone(), state.clock.now());
            let step = state
                .db
                .write(move |tx| Ok(reconcile_one(tx, &st, id, &object, at)?))
                .await?;
            match step {
                Step::Agree => agree += 1,
                Step::Fixed(found) => {
                    tracing::warn!(subscription = id, stripe_subscription = %sid, drift = %found.join("; "), "stripe_reconcile: local state differed from Stripe; fixed");
                    fixed += 1;
                }
                Step::Ignored(note) => {
                    tracing::info!(subscription = id, stripe_subscription = %sid, note = %note, "stripe_reconcile: not applied");
                    ignored += 1;
                }
            }
        }
    }
    if fixed > 0 {
        state.kick_mail();
    }
    let summary = format!(
        "{} checked: {agree} in agreement, {fixed} fixed, {ignored} not applied, {missing} unknown to Stripe, {failed} failed",
        agree + fixed + ignored + missing + failed
    );
    if failed > 0 && agree + fixed + ignored + missing == 0 {
        anyhow::bail!("{summary}");
    }
    Ok(JobOutcome::new(fixed, summary))
}
