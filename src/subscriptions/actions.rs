//! The actions that change a subscription's plan or end (billing.md §5.2, §5.4, §5.5). Paid plans and
//! Stripe-managed subscriptions need Stripe; without it they answer 503 `billing_not_configured`.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{CurrentSubscription, Subscription, SubscriptionRow, entitling};
use super::repo;
use super::service::{billing_not_configured, catalog_shape, current_or_create, reread, visible};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::validate::Input;
use crate::i18n::{Lang, Tr};
use crate::plans::model::{PlanRow, Resource};
use crate::plans::service::current_usage;

/// The target of change-plan: `plan_code`, else `newPlanId`, else `plan`; and `immediate`.
pub(crate) fn read_target(body: Map<String, Value>) -> AppResult<(String, bool)> {
    let mut input = Input::new(body);
    let code = ["plan_code", "newPlanId", "plan"]
        .into_iter()
        .find(|k| input.has(k))
        .and_then(|k| input.text(k, 50));
    let immediate = input.bool("immediate").unwrap_or(false);
    if code.is_none() && !input.has_errors() {
        input.error("plan_code", crate::i18n::msg::required());
    }
    input.finish()?;
    Ok((code.unwrap_or_default(), immediate))
}

fn invalid_plan() -> AppError {
    AppError::new(Code::InvalidPlan).with_detail(Tr::new("Invalid plan.", "Plan invalide"))
}

/// MB with at most 2 decimals, for people (`850`, `18.5`).
fn mb(bytes: i64) -> f64 {
    (bytes as f64 / 1_048_576.0 * 100.0).round() / 100.0
}

/// The usage above the target's limits (violations) and near them (warnings), §5.2.
fn check_usage(
    conn: &Connection,
    user_id: i64,
    target: &PlanRow,
    lang: Lang,
    now: DateTime<Utc>,
) -> AppResult<(Vec<Value>, Vec<String>)> {
    let (mut violations, mut warnings) = (Vec::new(), Vec::new());
    let order = [
        Resource::Vehicles,
        Resource::Documents,
        Resource::Maintenances,
        Resource::Diagnostics,
        Resource::Storage,
    ];
    for r in order {
        let limit = r.limit(&target.limits);
        let raw = current_usage(conn, user_id, r, now)?;
        let current = if r == Resource::Storage {
            mb(raw)
        } else {
            raw as f64
        };
        let (en, fr) = (r.label(Lang::En), r.label(Lang::Fr));
        if limit != -1 && current > limit as f64 {
            let message = Tr::new(
                format!("{en} exceeds the new plan's limit."),
                format!("{fr} dépasse la limite du nouveau plan."),
            );
            violations.push(
                json!({"resource": r.key(), "current": current, "newLimit": limit,
                "message": message.get(lang), "action": "reduce"}),
            );
        } else if limit > 0 && current >= 0.8 * limit as f64 {
            let text = if r == Resource::Storage {
                Tr::new(
                    format!("{en} close to the limit ({current}/{limit} MB)."),
                    format!("{fr} proche de la limite ({current}/{limit} Mo)."),
                )
            } else {
                Tr::new(
                    format!("{en} close to the limit ({current}/{limit})."),
                    format!("{fr} proche de la limite ({current}/{limit})."),
                )
            };
            warnings.push(text.get(lang).to_owned());
        }
    }
    Ok((violations, warnings))
}

/// `POST change-plan` and `POST {id}/change_plan` (`id`: must be the caller's current subscription).
pub async fn change_plan(
    state: &AppState,
    user: &AuthUser,
    id: Option<i64>,
    body: Map<String, Value>,
) -> AppResult<CurrentSubscription> {
    let (target_code, _immediate) = read_target(body)?;
    let (u, at) = (user.clone(), state.clock.now());
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let now = ts(at);
            let current = current_or_create(tx, u.id, &st.config.default_plan, &now)?;
            if let Some(id) = id {
                let named = visible(tx, &u, id)?;
                if named.id != current.id {
                    return Err(AppError::new(Code::SubscriptionNotActive));
                }
            }
            let target = crate::plans::repo::find_by_code(tx, &target_code)?
                .filter(|p| p.is_active)
                .ok_or_else(invalid_plan)?;
            if target.code == current.plan_code {
                return Err(AppError::new(Code::AlreadyOnPlan));
            }
            let (violations, warnings) = check_usage(tx, current.user_id, &target, u.lang, at)?;
            if !violations.is_empty() {
                return Err(AppError::new(Code::PlanChangeNotAllowed)
                    .with_extension("canChange", json!(false))
                    .with_extension("violations", json!(violations))
                    .with_extension("warnings", json!(warnings)));
            }
            // A paid target, or leaving a Stripe subscription, goes through Stripe.
            if target.monthly_price_cents > 0 || current.is_stripe_managed() {
                return Err(billing_not_configured());
            }
            repo::set_plan(tx, current.id, &target.code, &now)?;
            let meta = json!({"from": current.plan_code, "to": target.code});
            repo::history(
                tx,
                current.id,
                "plan_changed",
                Some(&current.status),
                Some(&current.status),
                &meta,
                &now,
            )?;
            let row = repo::find(tx, current.id)?.ok_or_else(AppError::not_found)?;
            catalog_shape(tx, &st, row, u.lang, Some(false))
        })
        .await
}

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

/// The rules of §5.4 on one subscription; `immediate` ends it now.
fn cancel_row(
    conn: &Connection,
    row: &SubscriptionRow,
    immediate: bool,
    default_plan: &str,
    now: &str,
) -> AppResult<()> {
    if row.plan_code == default_plan {
        return Err(AppError::new(Code::CannotCancelDefaultPlan));
    }
    if !entitling(&row.status) {
        return Err(AppError::new(Code::SubscriptionNotActive));
    }
    if row.cancel_at_period_end && !immediate {
        return Err(AppError::new(Code::CancellationAlreadyScheduled));
    }
    if row.is_stripe_managed() {
        return Err(billing_not_configured());
    }
    if immediate || row.current_period_end.is_none() {
        cancel_now(conn, row, default_plan, now)
    } else {
        repo::set_scheduled(conn, row.id, true, Some(default_plan), now)?;
        repo::history(
            conn,
            row.id,
            "cancel_scheduled",
            Some(&row.status),
            Some(&row.status),
            &json!({}),
            now,
        )?;
        Ok(())
    }
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
    state
        .db
        .write(move |tx| {
            let now = ts(at);
            let row = named_or_current(tx, &u, id, &default_plan, &now)?;
            cancel_row(tx, &row, immediate, &default_plan, &now)?;
            reread(tx, row.id, u.lang, at)
        })
        .await
}

/// `POST resume` (the current subscription) and `POST {id}/reactivate` (§5.5).
pub async fn resume(state: &AppState, user: &AuthUser, id: Option<i64>) -> AppResult<Subscription> {
    let (u, at) = (user.clone(), state.clock.now());
    let default_plan = state.config.default_plan.clone();
    state
        .db
        .write(move |tx| {
            let now = ts(at);
            let row = named_or_current(tx, &u, id, &default_plan, &now)?;
            if !(entitling(&row.status) && row.cancel_at_period_end) {
                return Err(AppError::new(Code::NotScheduledForCancellation));
            }
            if row.is_stripe_managed() {
                return Err(billing_not_configured());
            }
            repo::set_scheduled(tx, row.id, false, None, &now)?;
            repo::history(
                tx,
                row.id,
                "resumed",
                Some(&row.status),
                Some(&row.status),
                &json!({}),
                &now,
            )?;
            reread(tx, row.id, u.lang, at)
        })
        .await
}
