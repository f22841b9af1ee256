//! Subscription rules (billing.md §4, §5.1, §5.8): the current subscription (created on the default plan when
//! there is none), the representations, the list, history and stats, and the admin assignment, updates and
//! deletion. The plan-changing actions are in `actions.rs`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value};

use super::actions;
use super::model::{
    self, CurrentSubscription, HistoryItem, PlanCount, Stats, StatusCount, Subscription,
    SubscriptionFilter, SubscriptionRow,
};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::list::{List, Page, not_found_reference};
use crate::http::validate::Input;
use crate::i18n::{Lang, Tr};
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
    let stripe = false;
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

/// An admin's grant (HTTP or `autotrack user set-plan`): a locally managed subscription on an existing plan,
/// superseding the user's other local ones; refused while the user pays through Stripe. Returns its id.
pub fn assign_plan(
    conn: &Connection,
    user_id: i64,
    plan_code: &str,
    status: &str,
    period_end: Option<&str>,
    now: &str,
) -> AppResult<i64> {
    if repo::has_entitling_stripe(conn, user_id)? {
        return Err(AppError::conflict(Tr::new(
            "This user has a Stripe subscription; change it in Stripe.",
            "Cet utilisateur a un abonnement Stripe ; modifiez-le dans Stripe.",
        )));
    }
    let id = repo::create(conn, user_id, plan_code, status, period_end, now)?;
    repo::supersede_others(conn, user_id, id, now)?;
    Ok(id)
}

/// `POST /api/subscriptions` (admin): a locally managed subscription on a plan, superseding the user's others.
pub async fn assign(
    state: &AppState,
    admin: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<Subscription> {
    let mut input = Input::new(body);
    let user_id = input.int("user", 1, i64::MAX, true).flatten();
    let plan_code = input.text("plan_code", 50);
    let period_end = input.datetime("current_period_end", false).flatten();
    let status = input
        .opt_choice("status", &["active", "trialing"])
        .unwrap_or_else(|| "active".to_owned());
    let (lang, at) = (admin.lang, state.clock.now());
    state
        .db
        .write(move |tx| {
            if let Some(uid) = user_id
                && crate::users::repo::find(tx, uid)?.is_none()
            {
                input.error("user", not_found_reference("User", "Utilisateur"));
            }
            if let Some(code) = &plan_code
                && crate::plans::repo::find_by_code(tx, code)?.is_none()
            {
                input.error("plan_code", not_found_reference("Plan", "Plan"));
            }
            input.finish()?;
            let (Some(uid), Some(code)) = (user_id, plan_code) else {
                return Err(AppError::not_found());
            };
            let id = assign_plan(tx, uid, &code, &status, period_end.as_deref(), &ts(at))?;
            reread(tx, id, lang, at)
        })
        .await
}

/// `PUT`/`PATCH /api/subscriptions/{id}` (billing.md §5.1).
pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
) -> AppResult<Subscription> {
    let mut input = Input::new(body);
    let cancel_flag = input.bool("cancel_at_period_end");
    // Owners write the flag only; the admin's other members are read-only for them and ignored.
    let (status, plan_code, period_end) = if user.is_staff {
        (
            input.opt_choice("status", &model::STATUSES),
            if input.has("plan_code") {
                input.text("plan_code", 50)
            } else {
                None
            },
            input.datetime("current_period_end", false),
        )
    } else {
        (None, None, None)
    };
    input.finish()?;
    if let Some(flag) = cancel_flag {
        // The matching action, with its rules (§5.4, §5.5).
        if flag {
            actions::cancel(state, user, Some(id), Map::new()).await?;
        } else {
            actions::resume(state, user, Some(id)).await?;
        }
    }
    let (u, at) = (user.clone(), state.clock.now());
    state
        .db
        .write(move |tx| {
            let row = visible(tx, &u, id)?;
            let admin_change = status.is_some() || plan_code.is_some() || period_end.is_some();
            if admin_change && row.is_stripe_managed() {
                return Err(AppError::conflict(Tr::new(
                    "This subscription is managed by Stripe; change it in Stripe.",
                    "Cet abonnement est géré par Stripe ; modifiez-le dans Stripe.",
                )));
            }
            let now = ts(at);
            if let Some(code) = plan_code.filter(|c| *c != row.plan_code) {
                if crate::plans::repo::find_by_code(tx, &code)?.is_none() {
                    return Err(AppError::field(
                        "plan_code",
                        not_found_reference("Plan", "Plan"),
                    ));
                }
                repo::set_plan(tx, id, &code, &now)?;
                let meta = serde_json::json!({"from": row.plan_code, "to": code});
                repo::history(
                    tx,
                    id,
                    "plan_changed",
                    Some(&row.status),
                    Some(&row.status),
                    &meta,
                    &now,
                )?;
            }
            if let Some(end) = period_end {
                repo::set_period_end(tx, id, end.as_deref(), &now)?;
            }
            if let Some(new) = status.filter(|s| *s != row.status) {
                repo::set_status(tx, id, &new, &now)?;
                let meta = serde_json::json!({});
                repo::history(
                    tx,
                    id,
                    "status_changed",
                    Some(&row.status),
                    Some(&new),
                    &meta,
                    &now,
                )?;
                if model::entitling(&new) {
                    repo::supersede_others(tx, row.user_id, id, &now)?;
                }
            }
            reread(tx, id, u.lang, at)
        })
        .await
}

/// `DELETE /api/subscriptions/{id}` (admin): locally managed subscriptions only.
pub async fn delete(state: &AppState, id: i64) -> AppResult<()> {
    state
        .db
        .write(move |tx| {
            let row = repo::find(tx, id)?.ok_or_else(AppError::not_found)?;
            if row.is_stripe_managed() {
                return Err(AppError::conflict(Tr::new(
                    "This subscription is managed by Stripe; cancel it instead.",
                    "Cet abonnement est géré par Stripe ; résiliez-le plutôt.",
                )));
            }
            repo::delete(tx, id)?;
            Ok(())
        })
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
