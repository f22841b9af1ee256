//! Vehicle rules: owner scoping, validation, the VIN uniqueness per owner, the plan limit on create.

use chrono::Datelike;
use rusqlite::Connection;
use serde_json::{Map, Value};

use super::model::{
    self, Owner, Vehicle, VehicleDetail, VehicleFilter, VehicleRow, VehicleStats,
    duplicate_vin_message, merge,
};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};
use crate::plans::model::Resource;

/// The representation's owner fields: the caller.
pub fn owner(conn: &Connection, user_id: i64) -> AppResult<Owner> {
    let u = crate::users::repo::find(conn, user_id)?.ok_or_else(AppError::not_found)?;
    Ok(Owner {
        email: u.email,
        name: format!("{} {}", u.first_name, u.last_name)
            .trim()
            .to_owned(),
    })
}

/// A vehicle of the caller, or 404.
pub fn owned(conn: &Connection, user_id: i64, id: i64) -> AppResult<VehicleRow> {
    repo::find_for_owner(conn, user_id, id)?.ok_or_else(AppError::not_found)
}

fn max_year(state: &AppState) -> i64 {
    i64::from(state.clock.now().year()) + 1
}

pub(crate) fn detail(conn: &Connection, v: VehicleRow, owner: &Owner) -> AppResult<VehicleDetail> {
    let maintenances = crate::maintenances::repo::count_for_vehicle(conn, v.id)?;
    let documents = crate::documents::repo::count_for_vehicle(conn, v.id)?;
    Ok(v.into_detail(owner, maintenances, documents))
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<VehicleFilter>,
) -> AppResult<Page<Vehicle>> {
    let (uid, filter, query) = (user.id, list.filter.clone(), list.query.clone());
    let (count, rows, owner) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, uid, &filter, &query)?;
            Ok((count, rows, owner(c, uid)?))
        })
        .await?;
    list.page(
        count,
        rows.into_iter().map(|v| v.into_dto(&owner)).collect(),
    )
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<VehicleDetail> {
    let uid = user.id;
    state
        .db
        .read(move |c| detail(c, owned(c, uid, id)?, &owner(c, uid)?))
        .await
}

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<(i64, VehicleDetail)> {
    let (input, v) = model::parse(body, true, max_year(state));
    input.finish()?;
    let now = state.clock.now();
    let st = state.clone();
    let uid = user.id;
    state
        .db
        .write(move |tx| {
            let blank = VehicleRow {
                id: 0,
                owner_id: uid,
                make: String::new(),
                model: String::new(),
                year: 0,
                license_plate: None,
                vin: None,
                color: None,
                fuel_type: None,
                transmission: None,
                created_at: String::new(),
                updated_at: String::new(),
            };
            let row = merge(blank, v);
            if let Some(vin) = &row.vin
                && repo::vin_taken(tx, uid, vin, None)?
            {
                return Err(AppError::field("vin", duplicate_vin_message()));
            }
            let owned_now = repo::count_for_owner(tx, uid)?;
            crate::plans::service::check_limit(tx, &st, uid, Resource::Vehicles, owned_now)?;
            let id = repo::insert(tx, uid, &row, &crate::db::ts(now))?;
            let created = owned(tx, uid, id)?;
            Ok((id, detail(tx, created, &owner(tx, uid)?)?))
        })
        .await
}

pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<VehicleDetail> {
    let (input, v) = model::parse(body, full, max_year(state));
    let now = crate::db::ts(state.clock.now());
    let uid = user.id;
    state
        .db
        .write(move |tx| {
            let current = owned(tx, uid, id)?;
            input.finish()?;
            let row = merge(current, v);
            if let Some(vin) = &row.vin
                && repo::vin_taken(tx, uid, vin, Some(id))?
            {
                return Err(AppError::field("vin", duplicate_vin_message()));
            }
            repo::update(tx, &row, &now)?;
            detail(tx, owned(tx, uid, id)?, &owner(tx, uid)?)
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    let (deleted, files) = state
        .db
        .write(move |tx| {
            let files = crate::documents::repo::keys_where(tx, "vehicle_id", id)?;
            let deleted = repo::delete(tx, uid, id)?;
            Ok((deleted, if deleted { files } else { Vec::new() }))
        })
        .await?;
    // The documents went with the vehicle (foreign keys); their files go after the commit.
    for key in files {
        state.storage.remove(&key).await;
    }
    AppError::found(deleted)
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<VehicleStats> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            Ok(VehicleStats {
                total: repo::count_for_owner(c, uid)?,
                by_fuel_type: repo::counts_by(c, uid, "fuel_type")?.into_iter().collect(),
                by_transmission: repo::counts_by(c, uid, "transmission")?
                    .into_iter()
                    .collect(),
            })
        })
        .await
}
