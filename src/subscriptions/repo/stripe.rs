//! SQL of Stripe-managed subscriptions: found by their Stripe id, saved whole from an event, the ordering time.

use rusqlite::{Connection, OptionalExtension, params};

use super::{ENTITLING, SELECT, row};
use crate::subscriptions::model::SubscriptionRow;

pub fn find_by_stripe_id(
    conn: &Connection,
    stripe_id: &str,
) -> rusqlite::Result<Option<SubscriptionRow>> {
    conn.query_row(
        &format!("{SELECT} WHERE s.stripe_subscription_id = ?1"),
        [stripe_id],
        row,
    )
    .optional()
}

/// A Stripe subscription's state as the webhook applies it (billing.md §9).
pub struct StripeState<'a> {
    pub user_id: i64,
    pub plan_code: &'a str,
    pub status: &'a str,
    pub stripe_subscription_id: &'a str,
    pub stripe_customer_id: Option<&'a str>,
    pub current_period_start: &'a str,
    pub current_period_end: Option<&'a str>,
    pub cancel_at_period_end: bool,
    pub cancelled_at: Option<&'a str>,
    pub trial_start: Option<&'a str>,
    pub trial_end: Option<&'a str>,
    pub pending_plan_code: Option<&'a str>,
    /// Unix time of the event that set this state.
    pub event_created: i64,
}

/// Inserts (`id` None) or overwrites a Stripe-managed subscription; returns its id.
pub fn save_stripe(
    conn: &Connection,
    id: Option<i64>,
    s: &StripeState,
    now: &str,
) -> rusqlite::Result<i64> {
    let values = params![
        s.user_id,
        s.plan_code,
        s.status,
        s.stripe_subscription_id,
        s.stripe_customer_id,
        s.current_period_start,
        s.current_period_end,
        s.cancel_at_period_end,
        s.cancelled_at,
        s.trial_start,
        s.trial_end,
        s.pending_plan_code,
        s.event_created,
        now,
        id.unwrap_or(0),
    ];
    match id {
        Some(id) => {
            conn.execute(
                "UPDATE subscriptions SET user_id = ?1, plan_code = ?2, status = ?3, stripe_subscription_id = ?4, \
                 stripe_customer_id = ?5, current_period_start = ?6, current_period_end = ?7, cancel_at_period_end = ?8, \
                 cancelled_at = ?9, trial_start = ?10, trial_end = ?11, pending_plan_code = ?12, \
                 stripe_event_created = ?13, updated_at = ?14 WHERE id = ?15",
                values,
            )?;
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO subscriptions (user_id, plan_code, status, stripe_subscription_id, stripe_customer_id, \
                 current_period_start, current_period_end, cancel_at_period_end, cancelled_at, trial_start, trial_end, \
                 pending_plan_code, stripe_event_created, created_at, updated_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14 WHERE ?15 = 0",
                values,
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

/// Records that an event of this time was applied (the ordering rule), without other changes.
pub fn touch_event(
    conn: &Connection,
    id: i64,
    event_created: i64,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE subscriptions SET stripe_event_created = max(coalesce(stripe_event_created, 0), ?2), updated_at = ?3 \
         WHERE id = ?1",
        params![id, event_created, now],
    )?;
    Ok(())
}

/// Has this Stripe subscription ever had a `created`-or-later history row with an entitling status (for the
/// "became entitling for the first time" rule)?
pub fn was_entitling(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM subscription_history WHERE subscription_id = ?1 AND new_status IN {ENTITLING})"
        ),
        [id],
        |r| r.get(0),
    )
}

/// Stripe-managed subscriptions Stripe may still change (not `cancelled`/`expired`), by id after `after_id`: the
/// reconciliation walks them a page at a time.
pub fn stripe_open_after(
    conn: &Connection,
    after_id: i64,
    limit: i64,
) -> rusqlite::Result<Vec<(i64, String)>> {
    conn.prepare(
        "SELECT id, stripe_subscription_id FROM subscriptions WHERE id > ?1 AND stripe_subscription_id IS NOT NULL \
         AND status NOT IN ('cancelled', 'expired') ORDER BY id LIMIT ?2",
    )?
    .query_map(params![after_id, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}
