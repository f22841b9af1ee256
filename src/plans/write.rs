//! Plan administration (billing.md §2.2): the rules of a create, replace, update or delete.

use serde_json::{Map, Value};

use super::input::{blank, parse};
use super::model::PlanRow;
use super::repo;
use crate::app::AppState;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

/// Creates (`id` None) or changes a plan; returns the stored row.
pub async fn save(
    state: &AppState,
    id: Option<i64>,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<PlanRow> {
    let (mut input, change) = parse(body, id.is_none(), full);
    let now = ts(state.clock.now());
    let default_code = state.config.default_plan.clone();
    state
        .db
        .write(move |tx| {
            let base = match id {
                Some(id) => repo::find(tx, id)?.ok_or_else(AppError::not_found)?,
                None => blank(&now),
            };
            let plan = change.apply(base);
            if plan.code == default_code && !plan.is_active {
                input.error(
                    "is_active",
                    Tr::new(
                        "The default plan cannot be deactivated.",
                        "Le plan par défaut ne peut pas être désactivé.",
                    ),
                );
            }
            if id.is_none()
                && !plan.code.is_empty()
                && repo::find_by_code(tx, &plan.code)?.is_some()
            {
                input.error(
                    "code",
                    Tr::new(
                        "A plan with this code already exists.",
                        "Un plan avec ce code existe déjà.",
                    ),
                );
            }
            if let Some(price) = &plan.stripe_price_id
                && repo::price_taken(tx, price, id)?
            {
                input.error(
                    "stripe_price_id",
                    Tr::new(
                        "Another plan already uses this Stripe price.",
                        "Un autre plan utilise déjà ce prix Stripe.",
                    ),
                );
            }
            input.finish()?;
            let id = repo::save(tx, id, &plan, &now)?;
            repo::find(tx, id)?.ok_or_else(AppError::not_found)
        })
        .await
}

/// Deletes a plan no subscription refers to and that is not the default plan.
pub async fn delete(state: &AppState, id: i64) -> AppResult<()> {
    let default_code = state.config.default_plan.clone();
    state
        .db
        .write(move |tx| {
            let plan = repo::find(tx, id)?.ok_or_else(AppError::not_found)?;
            if plan.code == default_code || repo::in_use(tx, &plan.code)? {
                return Err(AppError::conflict(Tr::new(
                    "This plan is in use; deactivate it instead.",
                    "Ce plan est utilisé ; désactivez-le plutôt.",
                )));
            }
            repo::delete(tx, id)?;
            Ok(())
        })
        .await
}
