//! SQL on `vehicles`. Every function for user data takes the owner and filters on it.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{VehicleFilter, VehicleRow};
use crate::db::query::{Where, fetch_page, order_by};
use crate::http::list::ListQuery;

const COLUMNS: &str = "id, owner_id, make, model, year, license_plate, vin, color, fuel_type, transmission, created_at, updated_at";

fn row(r: &Row) -> rusqlite::Result<VehicleRow> {
    Ok(VehicleRow {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        make: r.get(2)?,
        model: r.get(3)?,
        year: r.get(4)?,
        license_plate: r.get(5)?,
        vin: r.get(6)?,
        color: r.get(7)?,
        fuel_type: r.get(8)?,
        transmission: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

pub fn find_for_owner(
    conn: &Connection,
    owner_id: i64,
    id: i64,
) -> rusqlite::Result<Option<VehicleRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM vehicles WHERE id = ?1 AND owner_id = ?2"),
        params![id, owner_id],
        row,
    )
    .optional()
}

/// `ordering` names and their columns.
const ORDERING: &[(&str, &str)] = &[
    ("make", "make"),
    ("model", "model"),
    ("year", "year"),
    ("created_at", "created_at"),
];

/// One page of the owner's vehicles matching the filter and search, and how many match in all.
pub fn list(
    conn: &Connection,
    owner_id: i64,
    filter: &VehicleFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<VehicleRow>)> {
    let mut w = Where::new("owner_id = ?", owner_id);
    if let Some(make) = &filter.make {
        w.push("make = ? COLLATE NOCASE", make.clone());
    }
    if let Some(model) = &filter.model {
        w.push("model = ? COLLATE NOCASE", model.clone());
    }
    if let Some(year) = filter.year {
        w.push("year = ?", year);
    }
    if let Some(fuel) = &filter.fuel_type {
        w.push("fuel_type = ?", fuel.clone());
    }
    if let Some(t) = &filter.transmission {
        w.push("transmission = ?", t.clone());
    }
    w.search(&query.search, &["make", "model", "license_plate", "vin"]);
    let order = order_by(&query.ordering, ORDERING, "created_at DESC");
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM vehicles"),
        "vehicles",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        row,
    )
}

/// All the owner's vehicles, newest first.
pub fn all_for_owner(conn: &Connection, owner_id: i64) -> rusqlite::Result<Vec<VehicleRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM vehicles WHERE owner_id = ?1 ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([owner_id], row)?;
    rows.collect()
}

pub fn count_for_owner(conn: &Connection, owner_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM vehicles WHERE owner_id = ?1",
        [owner_id],
        |r| r.get(0),
    )
}

/// True when another of the owner's vehicles (not `except`) has `vin`.
pub fn vin_taken(
    conn: &Connection,
    owner_id: i64,
    vin: &str,
    except: Option<i64>,
) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM vehicles WHERE owner_id = ?1 AND vin = ?2 AND id IS NOT ?3)",
        params![owner_id, vin, except],
        |r| r.get(0),
    )
}

/// Inserts a vehicle from a complete input.
pub fn insert(
    conn: &Connection,
    owner_id: i64,
    v: &VehicleRow,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO vehicles (owner_id, make, model, year, license_plate, vin, color, fuel_type, transmission, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![owner_id, v.make, v.model, v.year, v.license_plate, v.vin, v.color, v.fuel_type, v.transmission, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update(conn: &Connection, v: &VehicleRow, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE vehicles SET make = ?2, model = ?3, year = ?4, license_plate = ?5, vin = ?6, color = ?7, fuel_type = ?8, \
         transmission = ?9, updated_at = ?10 WHERE id = ?1",
        params![v.id, v.make, v.model, v.year, v.license_plate, v.vin, v.color, v.fuel_type, v.transmission, now],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, owner_id: i64, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM vehicles WHERE id = ?1 AND owner_id = ?2",
        params![id, owner_id],
    )? == 1)
}

/// `(value, count)` of a column among the owner's vehicles, nulls left out.
pub fn counts_by(
    conn: &Connection,
    owner_id: i64,
    column: &str,
) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {column}, count(*) FROM vehicles WHERE owner_id = ?1 AND {column} IS NOT NULL GROUP BY {column} ORDER BY {column}"
    ))?;
    let rows = stmt.query_map([owner_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}
