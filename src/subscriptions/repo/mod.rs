//! SQL on `subscriptions` and `subscription_history`; what the Stripe webhook writes is in `stripe.rs`.

mod stripe;
pub use stripe::*;

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use super::model::{HistoryItem, SubscriptionFilter, SubscriptionRow, UserInfo};
use crate::db::query::{Where, fetch_page, order_by_with};
use crate::http::list::ListQuery;

/// Entitling statuses (billing.md §3), as SQL.
pub const ENTITLING: &str = "('active', 'trialing', 'past_due')";

const SELECT: &str = "SELECT s.id, s.user_id, s.plan_code, s.pending_plan_code, s.status, s.stripe_subscription_id, \
    s.stripe_customer_id, s.current_period_start, s.current_period_end, s.cancel_at_period_end, s.cancelled_at, \
    s.trial_start, s.trial_end, s.created_at, s.updated_at, u.email, u.first_name, u.last_name, \
    s.stripe_event_created FROM subscriptions s JOIN users u ON u.id = s.user_id";

fn row(r: &Row) -> rusqlite::Result<SubscriptionRow> {
    Ok(SubscriptionRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        plan_code: r.get(2)?,
        pending_plan_code: r.get(3)?,
        status: r.get(4)?,
        stripe_subscription_id: r.get(5)?,
        stripe_customer_id: r.get(6)?,
        current_period_start: r.get(7)?,
        current_period_end: r.get(8)?,
        cancel_at_period_end: r.get(9)?,
        cancelled_at: r.get(10)?,
        trial_start: r.get(11)?,
        trial_end: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        stripe_event_created: r.get(18)?,
        user: UserInfo {
            id: r.get(1)?,
            email: r.get(15)?,
            first_name: r.get(16)?,
            last_name: r.get(17)?,
        },
    })
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<SubscriptionRow>> {
    conn.query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], row)
        .optional()
}

/// The user's current subscription: the newest entitling one.
pub fn current(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<SubscriptionRow>> {
    conn.query_row(
        &format!(
            "{SELECT} WHERE s.user_id = ?1 AND s.status IN {ENTITLING} ORDER BY s.created_at DESC, s.id DESC LIMIT 1"
        ),
        [user_id],
        row,
    )
    .optional()
}

/// The plan code of the user's current subscription, if any.
pub fn current_plan_code(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        &format!("SELECT plan_code FROM subscriptions WHERE user_id = ?1 AND status IN {ENTITLING} ORDER BY created_at DESC, id DESC LIMIT 1"),
        [user_id],
        |r| r.get(0),
    )
    .optional()
}

/// Does the user have an entitling Stripe-managed subscription?
pub fn has_entitling_stripe(conn: &Connection, user_id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE user_id = ?1 AND status IN {ENTITLING} \
             AND stripe_subscription_id IS NOT NULL)"
        ),
        [user_id],
        |r| r.get(0),
    )
}

/// Appends a history row.
pub fn history(
    conn: &Connection,
    subscription_id: i64,
    event_type: &str,
    previous_status: Option<&str>,
    new_status: Option<&str>,
    metadata: &Value,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO subscription_history (subscription_id, event_type, previous_status, new_status, metadata, \
         created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![subscription_id, event_type, previous_status, new_status, metadata.to_string(), now],
    )?;
    Ok(())
}

/// A locally managed subscription on `plan_code` with its `created` history row; `period_end` None is open-ended.
pub fn create(
    conn: &Connection,
    user_id: i64,
    plan_code: &str,
    status: &str,
    period_end: Option<&str>,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO subscriptions (user_id, plan_code, status, current_period_start, current_period_end, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?4)",
        params![user_id, plan_code, status, now, period_end],
    )?;
    let id = conn.last_insert_rowid();
    history(
        conn,
        id,
        "created",
        None,
        Some(status),
        &serde_json::json!({"plan_code": plan_code}),
        now,
    )?;
    Ok(id)
}

/// A locally managed, open-ended, active subscription on `plan_code` (registration and the fallback plan).
pub fn create_subscription(
    conn: &Connection,
    user_id: i64,
    plan_code: &str,
    now: &str,
) -> rusqlite::Result<i64> {
    create(conn, user_id, plan_code, "active", None, now)
}

/// Cancels the user's other locally managed entitling subscriptions, each with a `superseded` history row.
pub fn supersede_others(
    conn: &Connection,
    user_id: i64,
    keep: i64,
    now: &str,
) -> rusqlite::Result<()> {
    let ids: Vec<(i64, String)> = conn
        .prepare(&format!(
            "SELECT id, status FROM subscriptions WHERE user_id = ?1 AND id <> ?2 AND status IN {ENTITLING} \
             AND stripe_subscription_id IS NULL"
        ))?
        .query_map(params![user_id, keep], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, previous) in ids {
        set_status(conn, id, "cancelled", now)?;
        history(
            conn,
            id,
            "superseded",
            Some(&previous),
            Some("cancelled"),
            &serde_json::json!({}),
            now,
        )?;
    }
    Ok(())
}

/// Sets the status; `cancelled` also stamps `cancelled_at` and clears the scheduled cancellation.
pub fn set_status(conn: &Connection, id: i64, status: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE subscriptions SET status = ?2, updated_at = ?3, \
         cancelled_at = CASE WHEN ?2 = 'cancelled' THEN ?3 ELSE cancelled_at END, \
         cancel_at_period_end = CASE WHEN ?2 IN ('cancelled', 'expired') THEN 0 ELSE cancel_at_period_end END, \
         pending_plan_code = CASE WHEN ?2 IN ('cancelled', 'expired') THEN NULL ELSE pending_plan_code END \
         WHERE id = ?1",
        params![id, status, now],
    )?;
    Ok(())
}

/// Sets or clears the scheduled cancellation and the plan that follows it.
pub fn set_scheduled(
    conn: &Connection,
    id: i64,
    scheduled: bool,
    pending_plan: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE subscriptions SET cancel_at_period_end = ?2, pending_plan_code = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, scheduled, pending_plan, now],
    )?;
    Ok(())
}

/// Changes the plan in place (no cancellation scheduled any more).
pub fn set_plan(conn: &Connection, id: i64, plan_code: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE subscriptions SET plan_code = ?2, pending_plan_code = NULL, cancel_at_period_end = 0, \
         updated_at = ?3 WHERE id = ?1",
        params![id, plan_code, now],
    )?;
    Ok(())
}

pub fn set_period_end(
    conn: &Connection,
    id: i64,
    end: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE subscriptions SET current_period_end = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, end, now],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM subscriptions WHERE id = ?1", [id])?;
    Ok(())
}

/// History of one subscription, newest first.
pub fn history_of(conn: &Connection, subscription_id: i64) -> rusqlite::Result<Vec<HistoryItem>> {
    conn.prepare(
        "SELECT id, event_type, previous_status, new_status, metadata, created_at FROM subscription_history \
         WHERE subscription_id = ?1 ORDER BY created_at DESC, id DESC",
    )?
    .query_map([subscription_id], |r| {
        let metadata: String = r.get(4)?;
        Ok(HistoryItem {
            id: r.get(0)?,
            event_type: r.get(1)?,
            previous_status: r.get(2)?,
            new_status: r.get(3)?,
            metadata: serde_json::from_str(&metadata).unwrap_or(Value::Object(Default::default())),
            created_at: r.get(5)?,
        })
    })?
    .collect()
}

const ORDERING: &[(&str, &str)] = &[
    ("created_at", "s.created_at"),
    ("current_period_end", "s.current_period_end"),
];

/// One page of subscriptions: the owner's, or everybody's for `owner` None (admins).
pub fn list(
    conn: &Connection,
    owner: Option<i64>,
    filter: &SubscriptionFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<SubscriptionRow>)> {
    let mut w = Where::default();
    if let Some(owner) = owner {
        w.push("s.user_id = ?", owner);
    } else if let Some(user) = filter.user {
        w.push("s.user_id = ?", user);
    }
    if let Some(status) = &filter.status {
        w.push("s.status = ?", status.clone());
    }
    if let Some(plan) = &filter.plan_code {
        w.push("s.plan_code = ?", plan.clone());
    }
    if let Some(flag) = filter.cancel_at_period_end {
        w.push("s.cancel_at_period_end = ?", i64::from(flag));
    }
    let order = order_by_with(&query.ordering, ORDERING, "s.created_at DESC", "s.id");
    fetch_page(
        conn,
        SELECT,
        "subscriptions s JOIN users u ON u.id = s.user_id",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        row,
    )
}

/// (status, count) over every subscription.
pub fn count_by_status(conn: &Connection) -> rusqlite::Result<Vec<(String, i64)>> {
    conn.prepare(
        "SELECT status, count(*) FROM subscriptions GROUP BY status ORDER BY count(*) DESC, status",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// (plan code, count) of entitling subscriptions.
pub fn entitling_by_plan(conn: &Connection) -> rusqlite::Result<Vec<(String, i64)>> {
    conn.prepare(&format!(
        "SELECT plan_code, count(*) FROM subscriptions WHERE status IN {ENTITLING} GROUP BY plan_code \
         ORDER BY count(*) DESC, plan_code"
    ))?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// Entitling subscriptions with a cancellation scheduled.
pub fn scheduled_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        &format!("SELECT count(*) FROM subscriptions WHERE status IN {ENTITLING} AND cancel_at_period_end = 1"),
        [],
        |r| r.get(0),
    )
}

/// Locally managed entitling subscriptions whose period ended at `now` or before (`expire_subscriptions`).
pub fn locally_past_end(
    conn: &Connection,
    now: &str,
    limit: i64,
) -> rusqlite::Result<Vec<SubscriptionRow>> {
    conn.prepare(&format!(
        "{SELECT} WHERE s.stripe_subscription_id IS NULL AND s.status IN {ENTITLING} \
         AND s.current_period_end IS NOT NULL AND s.current_period_end <= ?1 ORDER BY s.current_period_end, s.id \
         LIMIT ?2"
    ))?
    .query_map(params![now, limit], row)?
    .collect()
}

/// Ends a locally managed subscription still entitling and past its end; false when another run got there first.
pub fn end_if_due(conn: &Connection, id: i64, status: &str, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        &format!(
            "UPDATE subscriptions SET status = ?2, updated_at = ?3, cancel_at_period_end = 0, pending_plan_code = NULL, \
             cancelled_at = CASE WHEN ?2 = 'cancelled' THEN ?3 ELSE cancelled_at END \
             WHERE id = ?1 AND status IN {ENTITLING} AND current_period_end <= ?3"
        ),
        params![id, status, now],
    )?;
    Ok(n == 1)
}

/// Entitling subscriptions whose period ends in (`after`, `until`] (`renewal_reminders`).
pub fn ending_between(
    conn: &Connection,
    after: &str,
    until: &str,
) -> rusqlite::Result<Vec<SubscriptionRow>> {
    conn.prepare(&format!(
        "{SELECT} WHERE s.status IN {ENTITLING} AND s.current_period_end > ?1 AND s.current_period_end <= ?2 \
         ORDER BY s.current_period_end, s.id"
    ))?
    .query_map([after, until], row)?
    .collect()
}
