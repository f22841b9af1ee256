//! The caller's usage against the plan (`GET /api/subscriptions/usage`, billing.md §6.1) and the limit question
//! (`GET /api/subscriptions/check-limits`, §6.2).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::catalog::storage_label;
use super::model::Resource;
use super::service::{MIB, current_usage, effective_plan};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::http::list::ListFilter;
use crate::i18n::{Lang, Tr};
use crate::money::round2_f64;

/// `GET /api/subscriptions/usage`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    pub plan: UsagePlan,
    pub usage: UsageByResource,
    /// One per limited resource at 80 % or more, in the caller's language.
    pub warnings: Vec<String>,
}

/// The caller's plan: its name in the caller's language and its code.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsagePlan {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageByResource {
    pub vehicles: UsageEntry,
    pub documents: UsageEntry,
    /// Created this UTC calendar month.
    pub maintenances: UsageEntry,
    /// Created this UTC calendar month.
    pub diagnostics: UsageEntry,
    /// In MB.
    pub storage: StorageUsage,
}

/// One resource's usage.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageEntry {
    /// 2 decimals (storage in MB).
    pub current: f64,
    /// −1 unlimited (storage in MB).
    pub limit: i64,
    /// current / limit × 100, at most 100, 2 decimals; 0 when the limit is 0 or −1.
    pub percentage: f64,
    /// The limit for people (`3`, `200 Mo`, `Unlimited`).
    #[serde(rename = "limitLabel")]
    pub limit_label: String,
}

/// The storage's usage, with the MB members repeated under their own names.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageUsage {
    #[serde(flatten)]
    pub entry: UsageEntry,
    #[serde(rename = "currentMB")]
    pub current_mb: f64,
    #[serde(rename = "limitMB")]
    pub limit_mb: i64,
}

/// The parameters of `GET /api/subscriptions/check-limits`.
#[derive(Debug, Clone, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// `vehicles`, `documents`, `storage`, `maintenances` or `diagnostics`; without one of them, the answer is
    /// `{allowed: true, limit: -1, current: 0, requested}`.
    #[param(value_type = Option<String>)]
    pub resource: Option<Resource>,
    /// How many more (count resources).
    #[param(value_type = Option<i64>, minimum = 1, default = 1)]
    pub amount: i64,
    /// How many more bytes (storage).
    #[param(value_type = Option<i64>, minimum = 0, default = 0)]
    pub bytes: i64,
}

impl ListFilter for LimitQuery {
    fn from_query(query: &HashMap<String, String>) -> AppResult<LimitQuery> {
        let int = |name: &str, default: i64, min: i64| -> AppResult<i64> {
            match query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None => Ok(default),
                Some(v) => match v.parse::<i64>() {
                    Ok(n) if n >= min => Ok(n),
                    Ok(_) => Err(AppError::field(name, crate::i18n::msg::min_value(min))),
                    Err(_) => Err(AppError::field(name, crate::i18n::msg::invalid_integer())),
                },
            }
        };
        Ok(LimitQuery {
            amount: int("amount", 1, 1)?,
            bytes: int("bytes", 0, 0)?,
            resource: query
                .get("resource")
                .and_then(|r| Resource::from_key(r.trim())),
        })
    }
}

/// The answer of check-limits; which optional members are present depends on the resource (billing.md §6.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitCheck {
    pub allowed: bool,
    /// −1 unlimited; bytes for storage.
    pub limit: i64,
    /// Storage with a limit: the limit in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub limit_mb: Option<i64>,
    /// Current usage (bytes for storage).
    pub current: i64,
    /// Count resources (and an unknown resource): the `amount` asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub requested: Option<i64>,
    /// Storage with a limit: the `bytes` asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub requested_bytes: Option<i64>,
}

/// The usage of one resource; `warnings` gets a line at 80 % or more of a limit.
fn usage_entry(
    conn: &Connection,
    user_id: i64,
    resource: Resource,
    limit: i64,
    (lang, now): (Lang, DateTime<Utc>),
    warnings: &mut Vec<String>,
) -> AppResult<UsageEntry> {
    let raw = current_usage(conn, user_id, resource, now)?;
    let current = if resource == Resource::Storage {
        raw as f64 / MIB as f64
    } else {
        raw as f64
    };
    let percentage = if limit > 0 {
        (current / limit as f64 * 100.0).min(100.0)
    } else {
        0.0
    };
    let limit_label = match (limit, resource) {
        (-1, _) => if lang == Lang::Fr {
            "Illimité"
        } else {
            "Unlimited"
        }
        .to_owned(),
        (l, Resource::Storage) => storage_label(l, lang),
        (l, _) => l.to_string(),
    };
    if limit > 0 && percentage >= 80.0 {
        let key = resource.key();
        warnings.push(
            Tr::new(
                format!("You are approaching the limit for {key}."),
                format!("Vous approchez de la limite pour {key}."),
            )
            .get(lang)
            .to_owned(),
        );
    }
    Ok(UsageEntry {
        current: round2_f64(current),
        limit,
        percentage: round2_f64(percentage),
        limit_label,
    })
}

pub fn usage(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    lang: Lang,
    now: DateTime<Utc>,
) -> AppResult<Usage> {
    let plan = effective_plan(conn, user_id, &state.config.default_plan)?;
    let mut warnings = Vec::new();
    let mut entry = |r: Resource| {
        let limit = r.limit(&plan.limits);
        usage_entry(conn, user_id, r, limit, (lang, now), &mut warnings)
    };
    // In `Resource::ALL` order, the order of the warnings.
    let vehicles = entry(Resource::Vehicles)?;
    let documents = entry(Resource::Documents)?;
    let maintenances = entry(Resource::Maintenances)?;
    let diagnostics = entry(Resource::Diagnostics)?;
    let storage = entry(Resource::Storage)?;
    Ok(Usage {
        plan: UsagePlan {
            name: plan.name_in(lang),
            kind: plan.code.clone(),
        },
        usage: UsageByResource {
            vehicles,
            documents,
            maintenances,
            diagnostics,
            storage: StorageUsage {
                current_mb: storage.current,
                limit_mb: storage.limit,
                entry: storage,
            },
        },
        warnings,
    })
}

pub fn check_limits(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    query: &LimitQuery,
    now: DateTime<Utc>,
) -> AppResult<LimitCheck> {
    let (amount, bytes) = (query.amount, query.bytes);
    let answer = |allowed, limit, current| LimitCheck {
        allowed,
        limit,
        limit_mb: None,
        current,
        requested: None,
        requested_bytes: None,
    };
    let Some(resource) = query.resource else {
        return Ok(LimitCheck {
            requested: Some(amount),
            ..answer(true, -1, 0)
        });
    };
    let plan = effective_plan(conn, user_id, &state.config.default_plan)?;
    let limit = resource.limit(&plan.limits);
    let current = current_usage(conn, user_id, resource, now)?;
    Ok(match (resource, limit) {
        (Resource::Storage, -1) => answer(true, -1, current),
        (Resource::Storage, mb) => {
            let limit = mb.saturating_mul(MIB);
            LimitCheck {
                limit_mb: Some(mb),
                requested_bytes: Some(bytes),
                ..answer(current.saturating_add(bytes) <= limit, limit, current)
            }
        }
        (_, l) => LimitCheck {
            requested: Some(amount),
            ..answer(l == -1 || current.saturating_add(amount) <= l, l, current)
        },
    })
}
