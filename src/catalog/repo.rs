//! SQL on `car_brands` and `car_models`; rows come back in their API representation.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Brand, CarModel, CarModelFilter};
use crate::db::query::{Where, fetch_page, order_by_with};
use crate::http::list::ListQuery;

const BRAND: &str = "SELECT b.id, b.name, b.logo_url, (SELECT count(*) FROM car_models m WHERE m.brand_id = b.id), \
    b.created_at, b.updated_at FROM car_brands b";

fn brand(r: &Row) -> rusqlite::Result<Brand> {
    Ok(Brand {
        id: r.get(0)?,
        name: r.get(1)?,
        logo_url: r.get(2)?,
        models_count: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

const MODEL: &str = "SELECT m.id, m.brand_id, b.name, m.name, m.year_start, m.year_end, m.created_at, m.updated_at \
    FROM car_models m JOIN car_brands b ON b.id = m.brand_id";

fn model(r: &Row) -> rusqlite::Result<CarModel> {
    Ok(CarModel {
        id: r.get(0)?,
        brand: r.get(1)?,
        brand_name: r.get(2)?,
        name: r.get(3)?,
        year_start: r.get(4)?,
        year_end: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

/// One page of brands matching the search (on the name), and how many match in all.
pub fn list_brands(conn: &Connection, query: &ListQuery) -> rusqlite::Result<(i64, Vec<Brand>)> {
    let mut w = Where::default();
    w.search(&query.search, &["b.name"]);
    let order = order_by_with(
        &query.ordering,
        &[("name", "b.name"), ("created_at", "b.created_at")],
        "b.name ASC",
        "b.id",
    );
    fetch_page(
        conn,
        BRAND,
        "car_brands b",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        brand,
    )
}

pub fn find_brand(conn: &Connection, id: i64) -> rusqlite::Result<Option<Brand>> {
    conn.query_row(&format!("{BRAND} WHERE b.id = ?1"), [id], brand)
        .optional()
}

pub fn brand_name_taken(
    conn: &Connection,
    name: &str,
    except: Option<i64>,
) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM car_brands WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)",
        params![name, except],
        |r| r.get(0),
    )
}

pub fn insert_brand(
    conn: &Connection,
    name: &str,
    logo_url: Option<&str>,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO car_brands (name, logo_url, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
        params![name, logo_url, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update_brand(
    conn: &Connection,
    id: i64,
    name: &str,
    logo_url: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE car_brands SET name = ?2, logo_url = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, name, logo_url, now],
    )?;
    Ok(())
}

pub fn delete_brand(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM car_brands WHERE id = ?1", [id])? == 1)
}

/// One page of models matching the filter and the search (model and brand names), and how many match in all.
pub fn list_models(
    conn: &Connection,
    filter: &CarModelFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<CarModel>)> {
    let mut w = Where::default();
    if let Some(b) = filter.brand {
        w.push("m.brand_id = ?", b);
    }
    if let Some(y) = filter.year_start {
        w.push("m.year_start = ?", y);
    }
    if let Some(y) = filter.year_end {
        w.push("m.year_end = ?", y);
    }
    w.search(&query.search, &["m.name", "b.name"]);
    let order = order_by_with(
        &query.ordering,
        &[
            ("name", "m.name"),
            ("year_start", "m.year_start"),
            ("created_at", "m.created_at"),
        ],
        "b.name ASC, m.name ASC",
        "m.id",
    );
    fetch_page(
        conn,
        MODEL,
        "car_models m JOIN car_brands b ON b.id = m.brand_id",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        model,
    )
}

/// A brand's models, by name.
pub fn models_of_brand(conn: &Connection, brand_id: i64) -> rusqlite::Result<Vec<CarModel>> {
    let mut stmt = conn.prepare(&format!(
        "{MODEL} WHERE m.brand_id = ?1 ORDER BY m.name ASC, m.id ASC LIMIT 10000"
    ))?;
    let rows = stmt.query_map([brand_id], model)?;
    rows.collect()
}

pub fn find_model(conn: &Connection, id: i64) -> rusqlite::Result<Option<CarModel>> {
    conn.query_row(&format!("{MODEL} WHERE m.id = ?1"), [id], model)
        .optional()
}

pub fn model_name_taken(
    conn: &Connection,
    brand_id: i64,
    name: &str,
    except: Option<i64>,
) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM car_models WHERE brand_id = ?1 AND name = ?2 COLLATE NOCASE AND id IS NOT ?3)",
        params![brand_id, name, except],
        |r| r.get(0),
    )
}

pub struct ModelFields<'a> {
    pub brand_id: i64,
    pub name: &'a str,
    pub year_start: Option<i64>,
    pub year_end: Option<i64>,
}

pub fn insert_model(conn: &Connection, m: &ModelFields, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO car_models (brand_id, name, year_start, year_end, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![m.brand_id, m.name, m.year_start, m.year_end, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update_model(
    conn: &Connection,
    id: i64,
    m: &ModelFields,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE car_models SET brand_id = ?2, name = ?3, year_start = ?4, year_end = ?5, updated_at = ?6 WHERE id = ?1",
        params![id, m.brand_id, m.name, m.year_start, m.year_end, now],
    )?;
    Ok(())
}

pub fn delete_model(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM car_models WHERE id = ?1", [id])? == 1)
}
