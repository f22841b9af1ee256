//! SQL on `garages` and `garage_reviews`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::filters::{GarageFilter, Near, ReviewFilter};
use super::model::GarageRow;
use super::review_model::ReviewRow;
use crate::db::query::{Where, fetch_page, order_by_with};
use crate::http::list::ListQuery;

const GARAGE_COLUMNS: &str = "g.id, g.name, g.email, g.phone, g.address, g.city, g.postal_code, g.country, g.latitude, \
    g.longitude, g.description, g.specialties, g.certifications, g.average_rating_x100, g.total_reviews, g.created_at, \
    g.updated_at";

fn list_col(r: &Row, i: usize) -> rusqlite::Result<Vec<String>> {
    let s: String = r.get(i)?;
    Ok(serde_json::from_str(&s).unwrap_or_default())
}

fn garage(r: &Row) -> rusqlite::Result<GarageRow> {
    Ok(GarageRow {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        address: r.get(4)?,
        city: r.get(5)?,
        postal_code: r.get(6)?,
        country: r.get(7)?,
        latitude: r.get(8)?,
        longitude: r.get(9)?,
        description: r.get(10)?,
        specialties: list_col(r, 11)?,
        certifications: list_col(r, 12)?,
        average_rating_x100: r.get(13)?,
        total_reviews: r.get(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
        distance_km: r.get(17)?,
    })
}

/// Adds the bounding box (indexed) and the exact distance condition of a distance search.
fn restrict(filter: &mut Where, near: &Near) {
    let dlat = near.radius_km / 111.0;
    let cos = near.lat.to_radians().cos().abs().max(0.01);
    let dlng = (near.radius_km / (111.0 * cos)).min(360.0);
    filter.push("g.latitude >= ?", near.lat - dlat);
    filter.push("g.latitude <= ?", near.lat + dlat);
    if dlng < 180.0 {
        filter.push("g.longitude >= ?", near.lng - dlng);
        filter.push("g.longitude <= ?", near.lng + dlng);
    }
    filter.push(&format!("{} <= ?", distance_sql(near)), near.radius_km);
}

/// The distance expression; the point is written into the SQL (finite numbers: the filters check them).
fn distance_sql(near: &Near) -> String {
    format!(
        "haversine_km(g.latitude, g.longitude, {}, {})",
        near.lat, near.lng
    )
}

/// `ordering` names and their columns (`distance` only in distance searches).
const ORDERING: &[(&str, &str)] = &[
    ("name", "g.name"),
    ("average_rating", "g.average_rating_x100"),
    ("total_reviews", "g.total_reviews"),
    ("created_at", "g.created_at"),
];

/// One page of the directory matching the filter and search (with `near`, within the radius, with the
/// distance), and how many match in all.
pub fn list(
    conn: &Connection,
    filter: &GarageFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<GarageRow>)> {
    let mut w = Where::default();
    for (value, col) in [
        (&filter.city, "g.city"),
        (&filter.postal_code, "g.postal_code"),
        (&filter.country, "g.country"),
    ] {
        if let Some(v) = value {
            w.push(&format!("{col} = ? COLLATE NOCASE"), v.clone());
        }
    }
    w.search(
        &query.search,
        &["g.name", "g.address", "g.city", "g.specialties"],
    );
    let mut allowed = ORDERING.to_vec();
    let (distance, default) = match &filter.near {
        Some(near) => {
            restrict(&mut w, near);
            allowed.push(("distance", "distance"));
            (distance_sql(near), "distance ASC")
        }
        None => ("NULL".to_owned(), "g.average_rating_x100 DESC, g.name ASC"),
    };
    let order = order_by_with(&query.ordering, &allowed, default, "g.id");
    let page = &query.page;
    fetch(conn, &w, &distance, &order, page.page_size, page.offset())
}

/// Every garage within the radius, nearest first (at most 1000).
pub fn nearby(conn: &Connection, near: &Near) -> rusqlite::Result<Vec<GarageRow>> {
    let mut w = Where::default();
    restrict(&mut w, near);
    let order = "distance ASC, g.id ASC";
    Ok(fetch(conn, &w, &distance_sql(near), order, 1000, 0)?.1)
}

const BEST_FIRST: &str = "g.average_rating_x100 DESC, g.name ASC, g.id ASC";

/// The best rated garages with at least 3 reviews.
pub fn top_rated(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<GarageRow>> {
    let w = Where::new("g.total_reviews >= ?", 3);
    Ok(fetch(conn, &w, "NULL", BEST_FIRST, limit, 0)?.1)
}

/// Distinct cities of the directory (for the assistant to recognise one in a question).
pub fn cities(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT DISTINCT city FROM garages WHERE city IS NOT NULL AND city <> '' ORDER BY length(city) DESC LIMIT 5000",
    )?
    .query_map([], |r| r.get(0))?
    .collect()
}

/// The best rated garages of a city or postal code.
pub fn in_place(
    conn: &Connection,
    city: Option<&str>,
    postal_code: Option<&str>,
    limit: i64,
) -> rusqlite::Result<Vec<GarageRow>> {
    let mut w = Where::default();
    if let Some(c) = city {
        w.push("g.city = ? COLLATE NOCASE", c.to_owned());
    }
    if let Some(p) = postal_code {
        w.push("g.postal_code = ?", p.to_owned());
    }
    Ok(fetch(conn, &w, "NULL", BEST_FIRST, limit, 0)?.1)
}

/// The best rated garages, with or without reviews.
pub fn best(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<GarageRow>> {
    Ok(fetch(conn, &Where::default(), "NULL", BEST_FIRST, limit, 0)?.1)
}

/// Garages having `specialty` (any case) among their specialties, all without it; best rated first (at most 1000).
pub fn by_specialty(
    conn: &Connection,
    specialty: Option<&str>,
) -> rusqlite::Result<Vec<GarageRow>> {
    let mut w = Where::default();
    if let Some(s) = specialty {
        w.push(
            "EXISTS (SELECT 1 FROM json_each(g.specialties) WHERE lower(json_each.value) = lower(?))",
            s.to_owned(),
        );
    }
    Ok(fetch(conn, &w, "NULL", BEST_FIRST, 1000, 0)?.1)
}

/// Garages matching `filter`, one page; `distance` is the distance expression (or NULL). Not a cached
/// statement: the distance search writes its point into the SQL.
fn fetch(
    conn: &Connection,
    filter: &Where,
    distance: &str,
    order: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(i64, Vec<GarageRow>)> {
    let w = filter.sql();
    let count = conn.query_row(
        &format!("SELECT count(*) FROM garages g WHERE {w}"),
        params_from_iter(filter.params.iter()),
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {GARAGE_COLUMNS}, {distance} AS distance FROM garages g WHERE {w} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    ))?;
    let rows = stmt
        .query_map(params_from_iter(filter.params.iter()), garage)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((count, rows))
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<GarageRow>> {
    conn.query_row(
        &format!("SELECT {GARAGE_COLUMNS}, NULL FROM garages g WHERE g.id = ?1"),
        [id],
        garage,
    )
    .optional()
}

/// Stored form of the writable columns.
pub struct GarageFields<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub address: &'a str,
    pub city: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub country: Option<&'a str>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: Option<&'a str>,
    pub specialties: String,
    pub certifications: String,
}

pub fn insert(conn: &Connection, g: &GarageFields, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO garages (name, email, phone, address, city, postal_code, country, latitude, longitude, description, \
         specialties, certifications, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
        params![g.name, g.email, g.phone, g.address, g.city, g.postal_code, g.country, g.latitude, g.longitude,
            g.description, g.specialties, g.certifications, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update(conn: &Connection, id: i64, g: &GarageFields, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE garages SET name = ?2, email = ?3, phone = ?4, address = ?5, city = ?6, postal_code = ?7, country = ?8, \
         latitude = ?9, longitude = ?10, description = ?11, specialties = ?12, certifications = ?13, updated_at = ?14 WHERE id = ?1",
        params![id, g.name, g.email, g.phone, g.address, g.city, g.postal_code, g.country, g.latitude, g.longitude,
            g.description, g.specialties, g.certifications, now],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM garages WHERE id = ?1", [id])? == 1)
}

// ---- reviews ------------------------------------------------------------------------------------------------

const REVIEW_COLUMNS: &str = "r.id, r.garage_id, r.user_id, r.reviewer_name, u.email, r.rating, r.comment, r.created_at, r.updated_at";
const REVIEW_FROM: &str = "garage_reviews r JOIN users u ON u.id = r.user_id";

fn review(r: &Row) -> rusqlite::Result<ReviewRow> {
    Ok(ReviewRow {
        id: r.get(0)?,
        garage_id: r.get(1)?,
        user_id: r.get(2)?,
        reviewer_name: r.get(3)?,
        author_email: r.get(4)?,
        rating: r.get(5)?,
        comment: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

pub fn find_review(conn: &Connection, id: i64) -> rusqlite::Result<Option<ReviewRow>> {
    conn.query_row(
        &format!("SELECT {REVIEW_COLUMNS} FROM {REVIEW_FROM} WHERE r.id = ?1"),
        [id],
        review,
    )
    .optional()
}

pub fn find_user_review(
    conn: &Connection,
    garage_id: i64,
    user_id: i64,
) -> rusqlite::Result<Option<ReviewRow>> {
    conn.query_row(
        &format!(
            "SELECT {REVIEW_COLUMNS} FROM {REVIEW_FROM} WHERE r.garage_id = ?1 AND r.user_id = ?2"
        ),
        params![garage_id, user_id],
        review,
    )
    .optional()
}

/// One page of reviews matching the filter, and how many match in all.
pub fn list_reviews(
    conn: &Connection,
    filter: &ReviewFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<ReviewRow>)> {
    let mut w = Where::default();
    for (value, col) in [
        (filter.garage, "r.garage_id"),
        (filter.rating, "r.rating"),
        (filter.user, "r.user_id"),
    ] {
        if let Some(v) = value {
            w.push(&format!("{col} = ?"), v);
        }
    }
    let order = order_by_with(
        &query.ordering,
        &[("rating", "r.rating"), ("created_at", "r.created_at")],
        "r.created_at DESC",
        "r.id",
    );
    fetch_page(
        conn,
        &format!("SELECT {REVIEW_COLUMNS} FROM {REVIEW_FROM}"),
        REVIEW_FROM,
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        review,
    )
}

/// Every review of a garage, newest first.
pub fn reviews_of(conn: &Connection, garage_id: i64) -> rusqlite::Result<Vec<ReviewRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REVIEW_COLUMNS} FROM {REVIEW_FROM} WHERE r.garage_id = ?1 ORDER BY r.created_at DESC, r.id DESC"
    ))?;
    let rows = stmt.query_map([garage_id], review)?;
    rows.collect()
}

/// The newest `per_garage` reviews of each garage, in one query.
pub fn recent_reviews(
    conn: &Connection,
    garage_ids: &[i64],
    per_garage: i64,
) -> rusqlite::Result<HashMap<i64, Vec<ReviewRow>>> {
    let mut out: HashMap<i64, Vec<ReviewRow>> = HashMap::new();
    if garage_ids.is_empty() {
        return Ok(out);
    }
    let marks = vec!["?"; garage_ids.len()].join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT {REVIEW_COLUMNS} FROM (SELECT *, row_number() OVER (PARTITION BY garage_id ORDER BY created_at DESC, id DESC) AS rn \
         FROM garage_reviews WHERE garage_id IN ({marks})) r JOIN users u ON u.id = r.user_id WHERE r.rn <= {per_garage} \
         ORDER BY r.garage_id, r.created_at DESC, r.id DESC"
    ))?;
    for row in stmt.query_map(params_from_iter(garage_ids.iter()), review)? {
        let row = row?;
        out.entry(row.garage_id).or_default().push(row);
    }
    Ok(out)
}

pub fn insert_review(
    conn: &Connection,
    garage_id: i64,
    user_id: i64,
    name: &str,
    rating: i64,
    comment: Option<&str>,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO garage_reviews (garage_id, user_id, reviewer_name, rating, comment, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![garage_id, user_id, name, rating, comment, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update_review(
    conn: &Connection,
    id: i64,
    name: &str,
    rating: i64,
    comment: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE garage_reviews SET reviewer_name = ?2, rating = ?3, comment = ?4, updated_at = ?5 WHERE id = ?1",
        params![id, name, rating, comment, now],
    )?;
    Ok(())
}

pub fn delete_review(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM garage_reviews WHERE id = ?1", [id])? == 1)
}
