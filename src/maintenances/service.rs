//! Maintenance rules: ownership through the vehicle, validation, the monthly plan limit, aggregates.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{self, MaintenanceInput, MaintenanceRow, vehicle_not_found};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::query::{Where, order_by_with};
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{PageRequest, choice_param, envelope, id_param, text_param};
use crate::http::validate::parse_datetime;
use crate::i18n::Tr;
use crate::money::cents_number;
use crate::plans::model::Resource;
use crate::vehicles::model::Owner;
use crate::vehicles::service::owner;

fn owned(conn: &Connection, user_id: i64, id: i64) -> AppResult<MaintenanceRow> {
    repo::find_for_owner(conn, user_id, id)?.ok_or_else(AppError::not_found)
}

/// Detail answers add `vehicle_detail` (the vehicle list representation).
fn detail(conn: &Connection, m: &MaintenanceRow, owner: &Owner) -> AppResult<Value> {
    let mut v = m.to_json(owner);
    let vehicle = crate::vehicles::repo::find_for_owner(conn, m.created_by_id, m.vehicle_id)?;
    v["vehicle_detail"] = vehicle
        .map(|x| serde_json::to_value(x.into_dto(owner)).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    Ok(v)
}

fn apply(mut m: MaintenanceRow, input: MaintenanceInput) -> MaintenanceRow {
    let date_changed = input
        .service_date
        .as_ref()
        .is_some_and(|d| *d != m.service_date);
    if let Some(x) = input.service_date {
        m.service_date = x;
    }
    if let Some(x) = input.service_type {
        m.service_type = x;
    }
    if let Some(x) = input.description {
        m.description = x;
    }
    if let Some(x) = input.mileage {
        m.mileage = x;
    }
    if let Some(x) = input.cost_cents {
        m.cost_cents = x;
    }
    if let Some(x) = input.status {
        m.status = x;
    }
    if let Some(x) = input.invoice_url {
        m.invoice_url = x;
    }
    if let Some(x) = input.performed_by {
        m.performed_by_id = x;
    }
    // A new date makes reminders due again, unless the client says otherwise.
    match input.reminder_sent {
        Some(x) => m.reminder_sent = x,
        None if date_changed => m.reminder_sent = false,
        None => {}
    }
    m
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let mut filter = Where::new("m.owner_id = ?", user.id);
    if let Some(v) = id_param(&query, "vehicle")? {
        filter.push("m.vehicle_id = ?", v);
    }
    let status = choice_param(&query, "status", model::STATUSES)?;
    if let Some(s) = &status {
        filter.push("m.status = ?", s.clone());
    }
    if let Some(t) = text_param(&query, "service_type") {
        filter.push("m.service_type = ? COLLATE NOCASE", t);
    }
    filter.search(
        &crate::http::list::search_terms(&query),
        &["m.service_type", "m.description", "v.make", "v.model"],
    );
    let order = order_by_with(
        crate::http::list::ordering(&query),
        &[
            ("service_date", "m.service_date"),
            ("cost", "m.cost_cents"),
            ("mileage", "m.mileage"),
            ("created_at", "m.created_at"),
        ],
        "m.service_date DESC",
        "m.id",
    );
    // Owner-only and owner+status lists take their count from the counters, others count their rows.
    let counted = filter.conditions() == 1 + usize::from(status.is_some());
    let uid = user.id;
    let (count, rows, owner) = state
        .db
        .read(move |c| {
            let count = if counted {
                repo::count_for_owner(c, uid, status.as_deref())?
            } else {
                repo::count(c, &filter)?
            };
            let rows = repo::select(c, &filter, &order, page.page_size, page.offset())?;
            Ok((count, rows, owner(c, uid)?))
        })
        .await?;
    let results = rows.iter().map(|m| m.to_json(&owner)).collect();
    envelope(count, results, page, &state.public_url, &path, &query)
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| detail(c, &owned(c, uid, id)?, &owner(c, uid)?))
        .await
}

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<(i64, Value)> {
    let uid = user.id;
    let (mut input, m) = model::parse(body, true, true, uid);
    let now = state.clock.now();
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let vehicle = match m.vehicle {
                Some(id) => crate::vehicles::repo::find_for_owner(tx, uid, id)?,
                None => None,
            };
            if m.vehicle.is_some() && vehicle.is_none() {
                input.error("vehicle", vehicle_not_found());
            }
            input.finish()?;
            let vehicle = vehicle.ok_or_else(|| AppError::field("vehicle", vehicle_not_found()))?;
            crate::plans::service::check_limit(tx, &st, uid, Resource::Maintenances, now)?;
            let blank = MaintenanceRow {
                id: 0,
                vehicle_id: vehicle.id,
                created_by_id: uid,
                performed_by_id: None,
                service_date: String::new(),
                service_type: String::new(),
                description: None,
                mileage: None,
                cost_cents: None,
                status: "SCHEDULED".to_owned(),
                invoice_url: None,
                reminder_sent: false,
                created_at: String::new(),
                updated_at: String::new(),
                vehicle_make: vehicle.make.clone(),
                vehicle_model: vehicle.model.clone(),
                vehicle_year: vehicle.year,
                vehicle_plate: vehicle.license_plate.clone(),
            };
            let row = apply(blank, m);
            let id = repo::insert(tx, &row, &ts(now))?;
            Ok((id, detail(tx, &owned(tx, uid, id)?, &owner(tx, uid)?)?))
        })
        .await
}

pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<Value> {
    let uid = user.id;
    let (input, m) = model::parse(body, false, full, uid);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = owned(tx, uid, id)?;
            input.finish()?;
            repo::update(tx, &apply(current, m), &now)?;
            detail(tx, &owned(tx, uid, id)?, &owner(tx, uid)?)
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    if state
        .db
        .write(move |tx| Ok(repo::delete(tx, uid, id)?))
        .await?
    {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

/// Unpaginated lists with a fixed filter and order.
async fn plain_list(
    state: &AppState,
    user: &AuthUser,
    filter: Where,
    order: &'static str,
) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let rows = repo::select(c, &filter, order, 10_000, 0)?;
            let owner = owner(c, uid)?;
            Ok(Value::Array(
                rows.iter().map(|m| m.to_json(&owner)).collect(),
            ))
        })
        .await
}

pub async fn upcoming(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let mut filter = Where::new("m.owner_id = ?", user.id);
    filter.push("m.status = ?", "SCHEDULED".to_owned());
    filter.push("m.service_date >= ?", ts(state.clock.now()));
    plain_list(state, user, filter, "m.service_date ASC, m.id ASC").await
}

pub async fn recent(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let now = state.clock.now();
    let mut filter = Where::new("m.owner_id = ?", user.id);
    filter.push("m.status = ?", "COMPLETED".to_owned());
    filter.push("m.service_date >= ?", ts(now - Duration::days(30)));
    filter.push("m.service_date <= ?", ts(now));
    plain_list(state, user, filter, "m.service_date DESC, m.id DESC").await
}

pub async fn for_vehicle(state: &AppState, user: &AuthUser, vehicle_id: i64) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| crate::vehicles::service::owned(c, uid, vehicle_id).map(|_| ()))
        .await?;
    let filter = {
        let mut f = Where::new("m.owner_id = ?", user.id);
        f.push("m.vehicle_id = ?", vehicle_id);
        f
    };
    plain_list(state, user, filter, "m.service_date DESC, m.id DESC").await
}

/// A date bound of stats: a plain date covers the whole day.
fn bound(query: &HashMap<String, String>, name: &str, end: bool) -> AppResult<Option<String>> {
    let Some(raw) = text_param(query, name) else {
        return Ok(None);
    };
    // Years outside 0000-9999 fall through to parse_datetime, which refuses them (stored dates have 4 digits).
    if let Ok(d) = NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
        && (0..=9999).contains(&d.year())
    {
        let t = if end {
            d.and_hms_micro_opt(23, 59, 59, 999_999)
        } else {
            d.and_hms_opt(0, 0, 0)
        };
        return Ok(t.map(|t| ts(t.and_utc())));
    }
    parse_datetime(&raw).map(|t| Some(ts(t))).ok_or_else(|| {
        AppError::field(
            name,
            Tr::new(
                "Datetime has wrong format. Use ISO 8601.",
                "Format de date/heure invalide. Utilisez ISO 8601.",
            ),
        )
    })
}

fn average(sum: i64, n: i64) -> Value {
    if n == 0 {
        Value::Null
    } else {
        crate::money::round2(sum as f64 / n as f64 / 100.0)
    }
}

pub async fn stats(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let start = bound(&query, "start_date", false)?;
    let end = bound(&query, "end_date", true)?;
    if let (Some(s), Some(e)) = (&start, &end)
        && s > e
    {
        return Err(AppError::field(
            "non_field_errors",
            Tr::new(
                "start_date must be before end_date.",
                "start_date doit précéder end_date.",
            ),
        ));
    }
    let mut filter = Where::new("m.owner_id = ?", user.id);
    if let Some(s) = start {
        filter.push("m.service_date >= ?", s);
    }
    if let Some(e) = end {
        filter.push("m.service_date <= ?", e);
    }
    state
        .db
        .read(move |c| {
            let o = repo::overview(c, &filter)?;
            let top: Vec<Value> = repo::top_services(c, &filter)?
                .into_iter()
                .map(|(t, n, cost)| json!({"service_type": t, "count": n, "total_cost": cost.map(cents_number)}))
                .collect();
            Ok(json!({
                "overview": {
                    "total_count": o.total,
                    "total_cost": o.cost_sum.map(cents_number),
                    "average_cost": o.cost_sum.map(|s| average(s, o.costed)).unwrap_or(Value::Null),
                    "scheduled_count": o.scheduled,
                    "completed_count": o.completed,
                    "in_progress_count": o.in_progress,
                },
                "top_services": top,
            }))
        })
        .await
}

pub async fn by_vehicle(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let only = id_param(&query, "vehicle_id")?;
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let owner = owner(c, uid)?;
            let mut out = Vec::new();
            for v in crate::vehicles::repo::all_for_owner(c, uid)? {
                if only.is_some_and(|id| id != v.id) {
                    continue;
                }
                let mut f = Where::new("m.owner_id = ?", uid);
                f.push("m.vehicle_id = ?", v.id);
                let rows = repo::select(c, &f, "m.service_date DESC, m.id DESC", 10_000, 0)?;
                let costs: Vec<i64> = rows.iter().filter_map(|m| m.cost_cents).collect();
                out.push(json!({
                    "vehicle": {"id": v.id, "make": v.make, "model": v.model, "year": v.year},
                    "maintenances": rows.iter().map(|m| m.to_json(&owner)).collect::<Vec<_>>(),
                    "total_cost": if costs.is_empty() { Value::Null } else { cents_number(costs.iter().sum()) },
                    "count": rows.len(),
                }));
            }
            Ok(Value::Array(out))
        })
        .await
}
