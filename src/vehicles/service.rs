//! Vehicle rules: owner scoping, validation, the VIN uniqueness per owner, the plan limit on create.

use std::collections::HashMap;

use chrono::Datelike;
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{self, Owner, VehicleRow, duplicate_vin_message, merge};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::http::list::{
    PageRequest, Where, choice_param, envelope, id_param, order_by, text_param,
};
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

fn detail(conn: &Connection, v: &VehicleRow, owner: &Owner) -> AppResult<Value> {
    let maintenances = crate::maintenances::repo::count_for_vehicle(conn, v.id)?;
    let documents = crate::documents::repo::count_for_vehicle(conn, v.id)?;
    Ok(v.to_detail(owner, maintenances, documents))
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let mut filter = Where::new("owner_id = ?", user.id);
    if let Some(make) = text_param(&query, "make") {
        filter.push("make = ? COLLATE NOCASE", make);
    }
    if let Some(m) = text_param(&query, "model") {
        filter.push("model = ? COLLATE NOCASE", m);
    }
    if let Some(year) = id_param(&query, "year")? {
        filter.push("year = ?", year);
    }
    if let Some(f) = choice_param(&query, "fuel_type", model::FUEL_TYPES)? {
        filter.push("fuel_type = ?", f);
    }
    if let Some(t) = choice_param(&query, "transmission", model::TRANSMISSIONS)? {
        filter.push("transmission = ?", t);
    }
    filter.search(&query, &["make", "model", "license_plate", "vin"]);
    let order = order_by(
        &query,
        &[
            ("make", "make"),
            ("model", "model"),
            ("year", "year"),
            ("created_at", "created_at"),
        ],
        "created_at DESC",
    );
    let uid = user.id;
    let (count, rows, owner) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, &filter, &order, page.page_size, page.offset())?;
            Ok((count, rows, owner(c, uid)?))
        })
        .await?;
    let results = rows.iter().map(|v| v.to_json(&owner)).collect();
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
            crate::plans::service::check_limit(tx, &st, uid, Resource::Vehicles, now)?;
            let id = repo::insert(tx, uid, &row, &crate::db::ts(now))?;
            let created = owned(tx, uid, id)?;
            Ok((id, detail(tx, &created, &owner(tx, uid)?)?))
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
            detail(tx, &owned(tx, uid, id)?, &owner(tx, uid)?)
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
    if deleted {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let to_map = |pairs: Vec<(String, i64)>| {
                pairs
                    .into_iter()
                    .map(|(k, n)| (k, json!(n)))
                    .collect::<Map<String, Value>>()
            };
            Ok(json!({
                "total": repo::count_for_owner(c, uid)?,
                "by_fuel_type": to_map(repo::counts_by(c, uid, "fuel_type")?),
                "by_transmission": to_map(repo::counts_by(c, uid, "transmission")?),
            }))
        })
        .await
}

/// 404 unless the vehicle is the caller's; otherwise an empty list (the sub-list of a module not built yet).
pub async fn check_owned(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| owned(c, uid, id).map(|_| json!([])))
        .await
}
