//! Changing plan (billing.md §5.2): the checks (target, usage against its limits), a free target applied here,
//! and through Stripe a first payment (Checkout), a price change (202 until confirmed) or a cancellation.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::actions::stripe;
use super::model::{CurrentSubscription, SubscriptionRow};
use super::repo;
use super::service::{billing_not_configured, catalog_shape, current_or_create, visible};
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

/// What a plan change answers: applied (200), waiting for Stripe's confirmation (202), or where to pay.
pub enum PlanChange {
    Applied(Box<CurrentSubscription>),
    Pending(Box<CurrentSubscription>),
    Checkout(Box<crate::billing::payments::Checkout>),
}

/// The 200 answer of change-plan: the catalog shape, or (a paid target, paying for the first time) where to pay.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ChangePlanAnswer {
    Subscription(Box<CurrentSubscription>),
    Checkout(Box<crate::billing::payments::Checkout>),
}

/// What the checks decided: done here, or to be done through Stripe.
enum Step {
    Done(CurrentSubscription),
    Stripe(SubscriptionRow, crate::plans::model::PlanRow),
}

/// `POST change-plan` and `POST {id}/change_plan` (`id`: must be the caller's current subscription), §5.2.
pub async fn change_plan(
    state: &AppState,
    user: &AuthUser,
    id: Option<i64>,
    body: Map<String, Value>,
) -> AppResult<PlanChange> {
    let (target_code, immediate) = read_target(body)?;
    let (u, at) = (user.clone(), state.clock.now());
    let st = state.clone();
    let step = state
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
                return Ok(Step::Stripe(current, target));
            }
            repo::set_plan(tx, current.id, &target.code, &now)?;
            let meta = json!({"from": current.plan_code, "to": target.code});
            let s = Some(current.status.as_str());
            repo::history(tx, current.id, "plan_changed", s, s, &meta, &now)?;
            let row = repo::find(tx, current.id)?.ok_or_else(AppError::not_found)?;
            Ok(Step::Done(catalog_shape(
                tx,
                &st,
                row,
                u.lang,
                Some(false),
            )?))
        })
        .await?;
    let (current, target) = match step {
        Step::Done(shape) => return Ok(PlanChange::Applied(Box::new(shape))),
        Step::Stripe(current, target) => (current, target),
    };
    let client = stripe(state)?;
    let provider = |call| move |f| crate::billing::payments::provider_error(call, f);
    let Some(sid) = current.stripe_subscription_id.clone() else {
        // Paying for the first time: Checkout.
        let mut body = Map::new();
        body.insert("plan_code".into(), json!(target.code));
        let checkout = crate::billing::payments::start_checkout(state, user, body).await?;
        return Ok(PlanChange::Checkout(Box::new(checkout)));
    };
    let lang = user.lang;
    let st = state.clone();
    if target.monthly_price_cents > 0 {
        let price = target
            .stripe_price_id
            .clone()
            .ok_or_else(billing_not_configured)?;
        // A pending price change takes no other parameter: a scheduled cancellation is undone first.
        if current.cancel_at_period_end {
            client
                .set_cancel_at_period_end(&sid, false)
                .await
                .map_err(provider("resume subscription"))?;
        }
        client
            .change_price(&sid, &price)
            .await
            .map_err(provider("change price"))?;
        let shape = state
            .db
            .write(move |tx| {
                let now = ts(at);
                if current.cancel_at_period_end {
                    let s = Some(current.status.as_str());
                    repo::history(tx, current.id, "resumed", s, s, &json!({}), &now)?;
                }
                repo::set_scheduled(tx, current.id, false, Some(&target.code), &now)?;
                let row = repo::find(tx, current.id)?.ok_or_else(AppError::not_found)?;
                catalog_shape(tx, &st, row, lang, Some(false))
            })
            .await?;
        return Ok(PlanChange::Pending(Box::new(shape)));
    }
    // A free target for a Stripe subscription: cancel it, at the period end or now.
    if immediate {
        client
            .cancel_now(&sid)
            .await
            .map_err(provider("cancel subscription"))?;
    } else {
        client
            .set_cancel_at_period_end(&sid, true)
            .await
            .map_err(provider("cancel subscription"))?;
    }
    let shape = state
        .db
        .write(move |tx| {
            let now = ts(at);
            let s = Some(current.status.as_str());
            let row = if immediate {
                repo::set_status(tx, current.id, "cancelled", &now)?;
                repo::history(
                    tx,
                    current.id,
                    "cancelled",
                    s,
                    Some("cancelled"),
                    &json!({}),
                    &now,
                )?;
                let id = repo::create_subscription(tx, current.user_id, &target.code, &now)?;
                repo::find(tx, id)?
            } else {
                repo::set_scheduled(tx, current.id, true, Some(&target.code), &now)?;
                repo::history(tx, current.id, "cancel_scheduled", s, s, &json!({}), &now)?;
                repo::find(tx, current.id)?
            };
            catalog_shape(
                tx,
                &st,
                row.ok_or_else(AppError::not_found)?,
                lang,
                Some(false),
            )
        })
        .await?;
    Ok(PlanChange::Applied(Box::new(shape)))
}
