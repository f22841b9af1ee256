//! Subscription writes of billing.md §5.1: the admin assignment (HTTP and `autotrack user set-plan`), updates by
//! owners and admins, and deletion of a locally managed subscription.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::actions;
use super::model::{self, Subscription};
use super::repo;
use super::service::{reread, visible};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::not_found_reference;
use crate::http::validate::Input;
use crate::i18n::Tr;

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
