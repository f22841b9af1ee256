//! The effective plan of a user, usage counters, limit checks (called by other modules inside their insert
//! transaction, so concurrent creates cannot pass a limit) and the plan listings.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::catalog::CatalogPlan;
use super::model::{Plan, PlanFilter, PlanRow, Resource};
use super::repo;
use crate::app::AppState;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::list::{List, Page};
use crate::i18n::{Lang, Tr};

pub(super) const MIB: i64 = 1024 * 1024;

/// The user's plan: the plan of the current subscription, else the default plan.
pub fn effective_plan(conn: &Connection, user_id: i64, default_code: &str) -> AppResult<PlanRow> {
    let code = crate::subscriptions::repo::current_plan_code(conn, user_id)?
        .unwrap_or_else(|| default_code.to_owned());
    match repo::find_by_code(conn, &code)? {
        Some(p) => Ok(p),
        None => repo::find_by_code(conn, default_code)?.ok_or_else(|| {
            AppError::internal(anyhow::anyhow!(
                "the default plan {default_code:?} does not exist"
            ))
        }),
    }
}

/// First instant of the current UTC calendar month (the window of per-month limits).
pub fn month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

/// The usage counters of billing.md §6.1 (storage in bytes), for the usage and check-limits answers: the one
/// place `plans` reads other domains' counts.
pub fn current_usage(
    conn: &Connection,
    user_id: i64,
    resource: Resource,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let since = ts(month_start(now));
    Ok(match resource {
        Resource::Vehicles => crate::vehicles::repo::count_for_owner(conn, user_id)?,
        Resource::Maintenances => {
            crate::maintenances::repo::count_created_since(conn, user_id, &since)?
        }
        Resource::Documents => crate::documents::repo::count_for_owner(conn, user_id)?,
        Resource::Storage => crate::documents::repo::bytes_for_owner(conn, user_id)?,
        Resource::Diagnostics => {
            crate::diagnostics::repo::count_created_since(conn, user_id, &since)?
        }
    })
}

/// A plan feature (billing.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    AiAssistant,
    AiDiagnostic,
}

impl Feature {
    fn key(self) -> &'static str {
        match self {
            Feature::AiAssistant => "ai_assistant",
            Feature::AiDiagnostic => "ai_diagnostic",
        }
    }

    fn of(self, p: &PlanRow) -> bool {
        match self {
            Feature::AiAssistant => p.ai_assistant,
            Feature::AiDiagnostic => p.ai_diagnostic,
        }
    }
}

/// Does the user's effective plan have `feature`?
pub fn has_feature(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    feature: Feature,
) -> AppResult<bool> {
    Ok(feature.of(&effective_plan(conn, user_id, &state.config.default_plan)?))
}

/// 403 `plan_upgrade_required` unless the user's plan has `feature`, naming the cheapest active plan that has it.
pub fn require_feature(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    feature: Feature,
    lang: Lang,
) -> AppResult<()> {
    if has_feature(conn, state, user_id, feature)? {
        return Ok(());
    }
    let cheapest = repo::all(conn)?
        .into_iter()
        .filter(|p| p.is_active && feature.of(p))
        .min_by_key(|p| (p.monthly_price_cents, p.sort_order));
    let detail = match &cheapest {
        Some(p) => {
            let name = dto(state, p.clone(), lang).name;
            let price = crate::money::format_cents(p.monthly_price_cents);
            match feature {
                Feature::AiAssistant => Tr::new(
                    format!(
                        "📦 This feature requires at least the {name} plan ({price}€/month). Upgrade your subscription to access it."
                    ),
                    format!(
                        "📦 Cette fonctionnalité nécessite au minimum le plan {name} ({price}€/mois). Mettez à niveau votre abonnement pour y accéder."
                    ),
                ),
                Feature::AiDiagnostic => Tr::new(
                    format!(
                        "⭐ This feature requires the {name} plan ({price}€/month). Upgrade your subscription to access it."
                    ),
                    format!(
                        "⭐ Cette fonctionnalité nécessite le plan {name} ({price}€/mois). Mettez à niveau votre abonnement pour y accéder."
                    ),
                ),
            }
        }
        None => Tr::new(
            "This feature is not available on this server.",
            "Cette fonctionnalité n'est pas disponible sur ce serveur.",
        ),
    };
    Err(AppError::new(Code::PlanUpgradeRequired)
        .with_detail(detail)
        .with_extension("feature", json!(feature.key()))
        .with_extension("required_plan", json!(cheapest.map(|p| p.code))))
}

/// Refuses a create that would pass the plan's limit (400 `plan_limit_reached`), inside the caller's transaction.
/// `current` is the caller's own count of what the user has (the creating domain counts its rows; `plans` does not
/// read them).
pub fn check_limit(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    resource: Resource,
    current: i64,
) -> AppResult<()> {
    let plan = effective_plan(conn, user_id, &state.config.default_plan)?;
    let limit = resource.limit(&plan.limits);
    if limit == -1 {
        return Ok(());
    }
    if current < limit {
        return Ok(());
    }
    let key = resource.key();
    Err(AppError::new(Code::PlanLimitReached)
        .with_detail(Tr::new(
            format!("Limit reached for {key}."),
            format!("Limite atteinte pour {key}."),
        ))
        .with_extension("resource", json!(key))
        .with_extension("current", json!(current))
        .with_extension("limit", json!(limit)))
}

/// Refuses stored bytes past the plan's storage (400 `plan_limit_reached`, billing.md §7); `current` is what the
/// user stores (counted by `documents`), `replaced` the size of a file being replaced.
pub fn check_storage(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    current: i64,
    new_bytes: i64,
    replaced: i64,
) -> AppResult<()> {
    let plan = effective_plan(conn, user_id, &state.config.default_plan)?;
    let limit_mb = plan.limits.storage_mb;
    if limit_mb == -1 {
        return Ok(());
    }
    // Saturating: sizes and limits come from requests and admins, and must not wrap into "allowed".
    if current.saturating_sub(replaced).saturating_add(new_bytes) <= limit_mb.saturating_mul(MIB) {
        return Ok(());
    }
    Err(AppError::new(Code::PlanLimitReached)
        .with_detail(Tr::new(
            format!("Storage limit reached ({limit_mb} MB)."),
            format!("Limite de stockage atteinte ({limit_mb} Mo)."),
        ))
        .with_extension("resource", json!("storage"))
        .with_extension("current", json!(current))
        .with_extension("limit", json!(limit_mb.saturating_mul(MIB)))
        .with_extension("current_bytes", json!(current))
        .with_extension("limit_mb", json!(limit_mb)))
}

/// `GET /api/plans/`: active plans for everyone; admins see all and may filter on `is_active`.
pub async fn list(
    state: &AppState,
    is_admin: bool,
    lang: Lang,
    list: List<PlanFilter>,
    query: &HashMap<String, String>,
) -> AppResult<Page<Plan>> {
    let filter = list.filter.clone().for_caller(is_admin, query)?;
    let page = list.query.clone();
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list(c, &filter, &page)?))
        .await?;
    let results = rows.into_iter().map(|p| dto(state, p, lang)).collect();
    list.page(count, results)
}

/// The plan resource of a row, in the caller's language.
pub fn dto(state: &AppState, plan: PlanRow, lang: Lang) -> Plan {
    plan.into_dto(lang, &state.config.default_plan, state.stripe.is_some())
}

pub async fn get(state: &AppState, is_admin: bool, lang: Lang, id: i64) -> AppResult<Plan> {
    let plan = state.db.read(move |c| Ok(repo::find(c, id)?)).await?;
    match plan {
        Some(p) if p.is_active || is_admin => Ok(dto(state, p, lang)),
        _ => Err(AppError::not_found()),
    }
}

pub async fn catalog(state: &AppState, lang: Lang) -> AppResult<Vec<CatalogPlan>> {
    let plans = state.db.read(|c| Ok(repo::active_plans(c)?)).await?;
    Ok(plans
        .iter()
        .map(|p| p.catalog(lang, state.stripe.is_some()))
        .collect())
}

/// At start: the configured default plan must exist and be active.
pub fn check_default_plan(conn: &Connection, code: &str) -> anyhow::Result<()> {
    match repo::find_by_code(conn, code)? {
        Some(p) if p.is_active => Ok(()),
        Some(_) => anyhow::bail!("AUTOTRACK_DEFAULT_PLAN {code:?} is not active"),
        None => anyhow::bail!(
            "AUTOTRACK_DEFAULT_PLAN {code:?} is not a plan (seeded: free, standard, premium)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_window_starts_on_the_first() {
        let t = Utc
            .with_ymd_and_hms(2026, 3, 31, 23, 59, 59)
            .single()
            .unwrap();
        assert_eq!(ts(month_start(t)), "2026-03-01T00:00:00.000000Z");
    }
}
