//! SQL on `garages` and `garage_reviews`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::model::{GarageRow, ReviewRow};
use crate::db::query::{Where, fetch_page};

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

/// A distance search: the point and radius (the `distance` expression and its bounding box).
#[derive(Debug, Clone, Copy)]
pub struct Near {
    pub lat: f64,
    pub lng: f64,
    pub radius_km: f64,
}

impl Near {
    /// Adds the bounding box (indexed) and the exact distance condition.
    pub fn restrict(&self, filter: &mut Where) {
        let dlat = self.radius_km / 111.0;
        let cos = self.lat.to_radians().cos().abs().max(0.01);
        let dlng = (self.radius_km / (111.0 * cos)).min(360.0);
        filter.push("g.latitude >= ?", self.lat - dlat);
        filter.push("g.latitude <= ?", self.lat + dlat);
        if dlng < 180.0 {
            filter.push("g.longitude >= ?", self.lng - dlng);
            filter.push("g.longitude <= ?", self.lng + dlng);
        }
        filter.push(
            &format!(
                "haversine_km(g.latitude, g.longitude, {}, {}) <= ?",
                self.lat, self.lng
            ),
            self.radius_km,
        );
    }

    pub fn distance_sql(&self) -> String {
        format!(
            "haversine_km(g.latitude, g.longitude, {}, {})",
            self.lat, self.lng
        )
    }
}

/// Garages matching `filter`, one page; `distance` is the distance expression (or NULL).
pub fn list(
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

pub fn list_reviews(
    conn: &Connection,
    filter: &Where,
    order: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(i64, Vec<ReviewRow>)> {
    fetch_page(
        conn,
        &format!("SELECT {REVIEW_COLUMNS} FROM {REVIEW_FROM}"),
        REVIEW_FROM,
        filter,
        order,
        (limit, offset),
        review,
    )
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
