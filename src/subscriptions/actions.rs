//! Ending and keeping a subscription (billing.md §5.4, §5.5): cancel (at the period end or now) and resume; a
//! Stripe-managed subscription changes at Stripe first. Plan changes are in `change.rs`.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{Subscription, SubscriptionRow, entitling};
use super::repo;
use super::service::{billing_not_configured, current_or_create, reread, visible};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::validate::Input;

/// Ends `row` now: `cancelled`, history, and a subscription on the default plan becomes current.
fn cancel_now(
    conn: &Connection,
    row: &SubscriptionRow,
    default_plan: &str,
    now: &str,
) -> AppResult<()> {
    repo::set_status(conn, row.id, "cancelled", now)?;
    repo::history(
        conn,
        row.id,
        "cancelled",
        Some(&row.status),
        Some("cancelled"),
        &json!({}),
        now,
    )?;
    if repo::current(conn, row.user_id)?.is_none() {
        repo::create_subscription(conn, row.user_id, default_plan, now)?;
    }
    Ok(())
}

/// The subscription an action names by id (the caller's, or any for an admin), else the caller's current one.
fn named_or_current(
    conn: &Connection,
    user: &AuthUser,
    id: Option<i64>,
    default_plan: &str,
    now: &str,
) -> AppResult<SubscriptionRow> {
    match id {
        Some(id) => visible(conn, user, id),
        None => current_or_create(conn, user.id, default_plan, now),
    }
}

/// The refusals of §5.4 on one subscription.
fn check_cancel(row: &SubscriptionRow, immediate: bool, default_plan: &str) -> AppResult<()> {
    if row.plan_code == default_plan {
        return Err(AppError::new(Code::CannotCancelDefaultPlan));
    }
    if !entitling(&row.status) {
        return Err(AppError::new(Code::SubscriptionNotActive));
    }
    if row.cancel_at_period_end && !immediate {
        return Err(AppError::new(Code::CancellationAlreadyScheduled));
    }
    Ok(())
}

/// The local effect of a cancellation: now (immediate, or an open-ended local one), else at the period end.
fn apply_cancel(
    conn: &Connection,
    row: &SubscriptionRow,
    immediate: bool,
    default_plan: &str,
    now: &str,
) -> AppResult<()> {
    if immediate || (!row.is_stripe_managed() && row.current_period_end.is_none()) {
        return cancel_now(conn, row, default_plan, now);
    }
    repo::set_scheduled(conn, row.id, true, Some(default_plan), now)?;
    let s = Some(row.status.as_str());
    repo::history(conn, row.id, "cancel_scheduled", s, s, &json!({}), now)?;
    Ok(())
}

/// The Stripe client, for an action on a Stripe-managed subscription.
pub(super) fn stripe(state: &AppState) -> AppResult<&crate::billing::client::Stripe> {
    state.stripe.as_ref().ok_or_else(billing_not_configured)
}

/// `POST cancel` (the current subscription) and `POST {id}/cancel` (`immediate` ignored there).
pub async fn cancel(
    state: &AppState,
    user: &AuthUser,
    id: Option<i64>,
    body: Map<String, Value>,
) -> AppResult<Subscription> {
    let immediate = match id {
        Some(_) => false,
        None => {
            let mut input = Input::new(body);
            let immediate = input.bool("immediate").unwrap_or(false);
            input.finish()?;
            immediate
        }
    };
    let (u, at) = (user.clone(), state.clock.now());
    let default_plan = state.config.default_plan.clone();
    let (uu, dp) = (u.clone(), default_plan.clone());
    let row = state
        .db
        .write(move |tx| {
            let row = named_or_current(tx, &uu, id, &dp, &ts(at))?;
            check_cancel(&row, immediate, &dp)?;
            Ok(row)
        })
        .await?;
    // Stripe first: when it refuses, nothing changes here.
    if let Some(sid) = &row.stripe_subscription_id {
        let client = stripe(state)?;
        let done = if immediate {
            client.cancel_now(sid).await
        } else {
            client.set_cancel_at_period_end(sid, true).await
        };
        done.map_err(|f| crate::billing::payments::provider_error("cancel subscription", f))?;
    }
    state
        .db
        .write(move |tx| {
            let now = ts(at);
            let row = repo::find(tx, row.id)?.ok_or_else(AppError::not_found)?;
            check_cancel(&row, immediate, &default_plan)?;
            apply_cancel(tx, &row, immediate, &default_plan, &now)?;
            reread(tx, row.id, u.lang, at)
        })
        .await
}

/// `POST resume` (the current subscription) and `POST {id}/reactivate` (§5.5).
pub async fn resume(state: &AppState, user: &AuthUser, id: Option<i64>) -> AppResult<Subscription> {
    let (u, at) = (user.clone(), state.clock.now());
    let default_plan = state.config.default_plan.clone();
    let check = |row: &SubscriptionRow| {
        if entitling(&row.status) && row.cancel_at_period_end {
            Ok(())
        } else {
            Err(AppError::new(Code::NotScheduledForCancellation))
        }
    };
    let uu = u.clone();
    let row = state
        .db
        .write(move |tx| {
            let row = named_or_current(tx, &uu, id, &default_plan, &ts(at))?;
            check(&row)?;
            Ok(row)
        })
        .await?;
    if let Some(sid) = &row.stripe_subscription_id {
        stripe(state)?
            .set_cancel_at_period_end(sid, false)
            .await
            .map_err(|f| crate::billing::payments::provider_error("resume subscription", f))?;
    }
    state
        .db
        .write(move |tx| {
            let now = ts(at);
            let row = repo::find(tx, row.id)?.ok_or_else(AppError::not_found)?;
            check(&row)?;
            repo::set_scheduled(tx, row.id, false, None, &now)?;
            let s = Some(row.status.as_str());
            repo::history(tx, row.id, "resumed", s, s, &json!({}), &now)?;
            reread(tx, row.id, u.lang, at)
        })
        .await
}
