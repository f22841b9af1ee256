//! Subscription rules (billing.md §4, §5.1, §5.8): the current subscription (created on the default plan when
//! there is none), the representations, the list, history and stats. Writes are in `writes.rs` (admin
//! assignment, updates, deletion) and `actions.rs` (plan changes, cancellation, resumption).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::model::{
    CurrentSubscription, HistoryItem, PlanCount, Stats, StatusCount, Subscription,
    SubscriptionFilter, SubscriptionRow,
};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::list::{List, Page};
use crate::i18n::Lang;
use crate::plans::model::PlanRow;

/// Stripe is not configured on this server: paid changes and Stripe-managed subscriptions cannot be touched.
pub fn billing_not_configured() -> AppError {
    AppError::new(Code::BillingNotConfigured)
}

/// The user's current subscription; one on the default plan is created (with its history) when there is none.
pub fn current_or_create(
    conn: &Connection,
    user_id: i64,
    default_plan: &str,
    now: &str,
) -> AppResult<SubscriptionRow> {
    if let Some(s) = repo::current(conn, user_id)? {
        return Ok(s);
    }
    let id = repo::create_subscription(conn, user_id, default_plan, now)?;
    repo::find(conn, id)?.ok_or_else(AppError::not_found)
}

/// Every plan by code (a handful of rows), for names and catalog objects.
pub fn plans_by_code(conn: &Connection) -> AppResult<HashMap<String, PlanRow>> {
    Ok(crate::plans::repo::all(conn)?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect())
}

fn plan_name(plans: &HashMap<String, PlanRow>, code: &str, lang: Lang) -> String {
    plans
        .get(code)
        .map_or_else(|| code.to_owned(), |p| p.name_in(lang))
}

/// The representation of §4.2.
pub fn dto(
    conn: &Connection,
    row: SubscriptionRow,
    lang: Lang,
    now: DateTime<Utc>,
) -> AppResult<Subscription> {
    let plans = plans_by_code(conn)?;
    let name = plan_name(&plans, &row.plan_code, lang);
    Ok(row.into_dto(name, now))
}

/// The catalog shape of §4.3.
pub fn catalog_shape(
    conn: &Connection,
    state: &AppState,
    row: SubscriptionRow,
    lang: Lang,
    requires_payment: Option<bool>,
) -> AppResult<CurrentSubscription> {
    let plans = plans_by_code(conn)?;
    let stripe = state.stripe.is_some();
    let catalog = |code: &str| plans.get(code).map(|p| p.catalog(lang, stripe));
    let plan = catalog(&row.plan_code).ok_or_else(|| {
        AppError::internal(anyhow::anyhow!("subscription {} names no plan", row.id))
    })?;
    // What comes next: the pending plan, or the default plan when a cancellation is scheduled. It applies at the
    // period end, except a pending paid change that waits for Stripe's confirmation.
    let (pending_plan, effective) = match (&row.pending_plan_code, row.cancel_at_period_end) {
        (Some(code), true) => (catalog(code), row.current_period_end.clone()),
        (Some(code), false) => (catalog(code), None),
        (None, true) => (
            catalog(&state.config.default_plan),
            row.current_period_end.clone(),
        ),
        (None, false) => (None, None),
    };
    Ok(CurrentSubscription {
        id: row.id.to_string(),
        user: row.user_id.to_string(),
        amount: plan.monthly_price,
        plan,
        status: row.status,
        interval: "monthly",
        start_date: row.current_period_start,
        end_date: row.current_period_end,
        cancel_at_period_end: row.cancel_at_period_end,
        canceled_at: row.cancelled_at,
        stripe_customer_id: row.stripe_customer_id,
        stripe_subscription_id: row.stripe_subscription_id,
        pending_plan_effective_date: pending_plan.as_ref().and(effective),
        pending_plan,
        requires_payment,
    })
}

/// The representation of a subscription after a change.
pub fn reread(
    conn: &Connection,
    id: i64,
    lang: Lang,
    at: DateTime<Utc>,
) -> AppResult<Subscription> {
    dto(
        conn,
        repo::find(conn, id)?.ok_or_else(AppError::not_found)?,
        lang,
        at,
    )
}

/// `GET current`: the catalog shape of the current subscription.
pub async fn current(state: &AppState, user: &AuthUser) -> AppResult<CurrentSubscription> {
    let (uid, lang, now) = (user.id, user.lang, ts(state.clock.now()));
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let row = current_or_create(tx, uid, &st.config.default_plan, &now)?;
            catalog_shape(tx, &st, row, lang, None)
        })
        .await
}

/// `GET active`: the representation of the current subscription.
pub async fn active(state: &AppState, user: &AuthUser) -> AppResult<Subscription> {
    let (uid, lang, at) = (user.id, user.lang, state.clock.now());
    let default_plan = state.config.default_plan.clone();
    state
        .db
        .write(move |tx| {
            let row = current_or_create(tx, uid, &default_plan, &ts(at))?;
            dto(tx, row, lang, at)
        })
        .await
}

/// `GET history`: the current subscription's history, newest first.
pub async fn history(state: &AppState, user: &AuthUser) -> AppResult<Vec<HistoryItem>> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    let default_plan = state.config.default_plan.clone();
    state
        .db
        .write(move |tx| {
            let row = current_or_create(tx, uid, &default_plan, &now)?;
            Ok(repo::history_of(tx, row.id)?)
        })
        .await
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<SubscriptionFilter>,
) -> AppResult<Page<Subscription>> {
    let (filter, query) = (list.filter.clone(), list.query.clone());
    let owner = (!user.is_staff).then_some(user.id);
    let (lang, now) = (user.lang, state.clock.now());
    let (count, results) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, owner, &filter, &query)?;
            let plans = plans_by_code(c)?;
            let results = rows
                .into_iter()
                .map(|r| {
                    let name = plan_name(&plans, &r.plan_code, lang);
                    r.into_dto(name, now)
                })
                .collect();
            Ok((count, results))
        })
        .await?;
    list.page(count, results)
}

/// A subscription the caller may see: their own, or any for an admin (another user's is 404).
pub fn visible(conn: &Connection, user: &AuthUser, id: i64) -> AppResult<SubscriptionRow> {
    match repo::find(conn, id)? {
        Some(s) if s.user_id == user.id || user.is_staff => Ok(s),
        _ => Err(AppError::not_found()),
    }
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Subscription> {
    let (u, now) = (user.clone(), state.clock.now());
    state
        .db
        .read(move |c| dto(c, visible(c, &u, id)?, u.lang, now))
        .await
}

/// `GET stats` (admin).
pub async fn stats(state: &AppState, lang: Lang) -> AppResult<Stats> {
    state
        .db
        .read(move |c| {
            let by_status = repo::count_by_status(c)?;
            let count = |s: &str| {
                by_status
                    .iter()
                    .find(|(k, _)| k == s)
                    .map_or(0, |(_, n)| *n)
            };
            let plans = plans_by_code(c)?;
            Ok(Stats {
                total_subscriptions: by_status.iter().map(|(_, n)| n).sum(),
                active: count("active"),
                trialing: count("trialing"),
                past_due: count("past_due"),
                scheduled_for_cancellation: repo::scheduled_count(c)?,
                by_plan: repo::entitling_by_plan(c)?
                    .into_iter()
                    .map(|(code, count)| PlanCount {
                        plan_name: plan_name(&plans, &code, lang),
                        plan_code: code,
                        count,
                    })
                    .collect(),
                by_status: by_status
                    .into_iter()
                    .map(|(status, count)| StatusCount { status, count })
                    .collect(),
            })
        })
        .await
}
