//! Maintenance rules: ownership through the vehicle, validation, the monthly plan limit, aggregates.

use chrono::Duration;
use rusqlite::Connection;
use serde_json::{Map, Value};

use super::input::{self, MaintenanceInput, vehicle_not_found};
use super::model::{
    ByVehicleParams, Maintenance, MaintenanceDetail, MaintenanceFilter, MaintenanceOverview,
    MaintenanceRow, MaintenanceStats, StatsPeriod, TopService, VehicleMaintenances, VehicleSummary,
    money,
};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};
use crate::plans::model::Resource;
use crate::vehicles::model::Owner;
use crate::vehicles::service::owner;

fn owned(conn: &Connection, user_id: i64, id: i64) -> AppResult<MaintenanceRow> {
    repo::find_for_owner(conn, user_id, id)?.ok_or_else(AppError::not_found)
}

/// The caller's record `id` with `vehicle_detail` (the vehicle list representation), or 404. The vehicle is the
/// caller's too: a record's owner is its vehicle's.
pub(crate) fn detail(conn: &Connection, uid: i64, id: i64) -> AppResult<MaintenanceDetail> {
    let m = owned(conn, uid, id)?;
    let owner = owner(conn, uid)?;
    let vehicle = crate::vehicles::service::owned(conn, uid, m.vehicle_id)?;
    Ok(MaintenanceDetail {
        maintenance: m.into_dto(&owner),
        vehicle_detail: vehicle.into_dto(&owner),
    })
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

fn dtos(rows: Vec<MaintenanceRow>, owner: &Owner) -> Vec<Maintenance> {
    rows.into_iter().map(|m| m.into_dto(owner)).collect()
}

/// One page of the caller's records: the owner is read once, the vehicle info comes from the joined columns.
pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<MaintenanceFilter>,
) -> AppResult<Page<Maintenance>> {
    let (uid, filter, query) = (user.id, list.filter.clone(), list.query.clone());
    let (count, rows, owner) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, uid, &filter, &query)?;
            Ok((count, rows, owner(c, uid)?))
        })
        .await?;
    list.page(count, dtos(rows, &owner))
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<MaintenanceDetail> {
    let uid = user.id;
    state.db.read(move |c| detail(c, uid, id)).await
}

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<(i64, MaintenanceDetail)> {
    let uid = user.id;
    let now = state.clock.now();
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let id = create_in(tx, &st, uid, body, now)?;
            Ok((id, detail(tx, uid, id)?))
        })
        .await
}

/// Creates a maintenance from `body` inside the caller's transaction (validation, the vehicle's owner, the
/// monthly plan limit); answers its id.
pub fn create_in(
    tx: &rusqlite::Connection,
    st: &AppState,
    uid: i64,
    body: Map<String, Value>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<i64> {
    let (mut input, m) = input::parse(body, true, true, uid);
    let vehicle = match m.vehicle {
        Some(id) => crate::vehicles::repo::find_for_owner(tx, uid, id)?,
        None => None,
    };
    if m.vehicle.is_some() && vehicle.is_none() {
        input.error("vehicle", vehicle_not_found());
    }
    input.finish()?;
    let vehicle = vehicle.ok_or_else(|| AppError::field("vehicle", vehicle_not_found()))?;
    let month = ts(crate::plans::service::month_start(now));
    let this_month = repo::count_created_since(tx, uid, &month)?;
    crate::plans::service::check_limit(tx, st, uid, Resource::Maintenances, this_month)?;
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
        vehicle_make: vehicle.make,
        vehicle_model: vehicle.model,
        vehicle_year: vehicle.year,
        vehicle_plate: vehicle.license_plate,
    };
    let row = apply(blank, m);
    Ok(repo::insert(tx, &row, &ts(now))?)
}

pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<MaintenanceDetail> {
    let uid = user.id;
    let (input, m) = input::parse(body, false, full, uid);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = owned(tx, uid, id)?;
            input.finish()?;
            repo::update(tx, &apply(current, m), &now)?;
            detail(tx, uid, id)
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    AppError::found(
        state
            .db
            .write(move |tx| Ok(repo::delete(tx, uid, id)?))
            .await?,
    )
}

/// An unpaginated list: the caller's records that `rows` reads, in their representation.
async fn plain_list(
    state: &AppState,
    user: &AuthUser,
    rows: impl Fn(&Connection, i64) -> rusqlite::Result<Vec<MaintenanceRow>> + Send + 'static,
) -> AppResult<Vec<Maintenance>> {
    let uid = user.id;
    state
        .db
        .read(move |c| Ok(dtos(rows(c, uid)?, &owner(c, uid)?)))
        .await
}

pub async fn upcoming(state: &AppState, user: &AuthUser) -> AppResult<Vec<Maintenance>> {
    let now = ts(state.clock.now());
    plain_list(state, user, move |c, uid| {
        repo::scheduled_from(c, uid, &now)
    })
    .await
}

pub async fn recent(state: &AppState, user: &AuthUser) -> AppResult<Vec<Maintenance>> {
    let now = state.clock.now();
    let (from, to) = (ts(now - Duration::days(30)), ts(now));
    plain_list(state, user, move |c, uid| {
        repo::completed_between(c, uid, &from, &to)
    })
    .await
}

/// The records of one of the caller's vehicles (404 for another's), newest first.
pub async fn for_vehicle(
    state: &AppState,
    user: &AuthUser,
    vehicle_id: i64,
) -> AppResult<Vec<Maintenance>> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            crate::vehicles::service::owned(c, uid, vehicle_id)?;
            Ok(dtos(
                repo::for_vehicle(c, uid, vehicle_id)?,
                &owner(c, uid)?,
            ))
        })
        .await
}

/// The mean of `n` costs summing to `sum` cents, rounded to 2 decimals.
fn average(sum: i64, n: i64) -> Option<f64> {
    if n == 0 {
        return None;
    }
    crate::money::round2(sum as f64 / n as f64 / 100.0).as_f64()
}

pub async fn stats(
    state: &AppState,
    user: &AuthUser,
    period: StatsPeriod,
) -> AppResult<MaintenanceStats> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let o = repo::overview(c, uid, &period)?;
            let top_services = repo::top_services(c, uid, &period)?
                .into_iter()
                .map(|(service_type, count, cost)| TopService {
                    service_type,
                    count,
                    total_cost: cost.map(money),
                })
                .collect();
            Ok(MaintenanceStats {
                overview: MaintenanceOverview {
                    total_count: o.total,
                    total_cost: o.cost_sum.map(money),
                    average_cost: o.cost_sum.and_then(|s| average(s, o.costed)),
                    scheduled_count: o.scheduled,
                    completed_count: o.completed,
                    in_progress_count: o.in_progress,
                },
                top_services,
            })
        })
        .await
}

pub async fn by_vehicle(
    state: &AppState,
    user: &AuthUser,
    params: ByVehicleParams,
) -> AppResult<Vec<VehicleMaintenances>> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let owner = owner(c, uid)?;
            let mut out = Vec::new();
            for v in crate::vehicles::repo::all_for_owner(c, uid)? {
                if params.vehicle_id.is_some_and(|id| id != v.id) {
                    continue;
                }
                let rows = repo::for_vehicle(c, uid, v.id)?;
                let costs: Vec<i64> = rows.iter().filter_map(|m| m.cost_cents).collect();
                out.push(VehicleMaintenances {
                    vehicle: VehicleSummary {
                        id: v.id,
                        make: v.make,
                        model: v.model,
                        year: v.year,
                    },
                    total_cost: (!costs.is_empty()).then(|| money(costs.iter().sum())),
                    count: rows.len() as i64,
                    maintenances: dtos(rows, &owner),
                });
            }
            Ok(out)
        })
        .await
}
