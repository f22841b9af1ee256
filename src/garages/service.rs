//! Garage rules: the directory with filters, search, ordering and distance search; admin writes.

use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::model::{self, GarageRow, Viewer};
use super::repo::{self, GarageFields, Near};
use crate::app::AppState;
use crate::db::query::{Where, order_by_with};
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{PageRequest, envelope, text_param};
use crate::i18n::Tr;

fn bad_coordinates(param: &str) -> AppError {
    AppError::field(
        param,
        Tr::new(
            "Invalid coordinates. Please provide lat and lng parameters.",
            "Coordonnées invalides. Indiquez les paramètres lat et lng.",
        ),
    )
}

fn coordinate(raw: Option<&str>, max: f64) -> Option<f64> {
    raw?.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.abs() <= max)
}

/// A radius in km: 0 < R ≤ 500, default 10.
fn radius(query: &HashMap<String, String>, param: &str) -> AppResult<f64> {
    match text_param(query, param) {
        None => Ok(10.0),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|r| *r > 0.0 && *r <= 500.0)
            .ok_or_else(|| bad_coordinates(param)),
    }
}

/// `near=lat,lng&radius_km=R` of the list.
fn near_param(query: &HashMap<String, String>) -> AppResult<Option<Near>> {
    let Some(raw) = text_param(query, "near") else {
        return Ok(None);
    };
    let mut parts = raw.split(',');
    let (lat, lng) = (
        coordinate(parts.next(), 90.0),
        coordinate(parts.next(), 180.0),
    );
    match (lat, lng, parts.next()) {
        (Some(lat), Some(lng), None) => Ok(Some(Near {
            lat,
            lng,
            radius_km: radius(query, "radius_km")?,
        })),
        _ => Err(bad_coordinates("near")),
    }
}

/// Adds the newest reviews to each garage.
fn with_reviews(conn: &Connection, rows: &[GarageRow], viewer: Viewer) -> AppResult<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|g| g.id).collect();
    let mut recent = repo::recent_reviews(conn, &ids, 3)?;
    Ok(rows
        .iter()
        .map(|g| g.to_json(&recent.remove(&g.id).unwrap_or_default(), viewer))
        .collect())
}

/// The directory filters and search shared by the list and the other readers.
fn base_filter(query: &HashMap<String, String>) -> Where {
    let mut filter = Where::default();
    for (param, col) in [
        ("city", "g.city"),
        ("postal_code", "g.postal_code"),
        ("country", "g.country"),
    ] {
        if let Some(v) = text_param(query, param) {
            filter.push(&format!("{col} = ? COLLATE NOCASE"), v);
        }
    }
    filter.search(
        &crate::http::list::search_terms(query),
        &["g.name", "g.address", "g.city", "g.specialties"],
    );
    filter
}

pub async fn list(
    state: &AppState,
    viewer: Viewer,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let near = near_param(&query)?;
    let mut filter = base_filter(&query);
    let mut allowed = vec![
        ("name", "g.name"),
        ("average_rating", "g.average_rating_x100"),
        ("total_reviews", "g.total_reviews"),
        ("created_at", "g.created_at"),
    ];
    let (distance, default) = match &near {
        Some(n) => {
            n.restrict(&mut filter);
            allowed.push(("distance", "distance"));
            (n.distance_sql(), "distance ASC")
        }
        None => ("NULL".to_owned(), "g.average_rating_x100 DESC, g.name ASC"),
    };
    let order = order_by_with(
        crate::http::list::ordering(&query),
        &allowed,
        default,
        "g.id",
    );
    let (count, results) = state
        .db
        .read(move |c| {
            let (count, rows) =
                repo::list(c, &filter, &distance, &order, page.page_size, page.offset())?;
            Ok((count, with_reviews(c, &rows, viewer)?))
        })
        .await?;
    envelope(count, results, page, &state.public_url, &path, &query)
}

/// `search_nearby`: every garage within the radius, nearest first.
pub async fn search_nearby(
    state: &AppState,
    viewer: Viewer,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let lat = coordinate(query.get("lat").map(String::as_str), 90.0)
        .ok_or_else(|| bad_coordinates("lat"))?;
    let lng = coordinate(query.get("lng").map(String::as_str), 180.0)
        .ok_or_else(|| bad_coordinates("lng"))?;
    let near = Near {
        lat,
        lng,
        radius_km: radius(&query, "radius")?,
    };
    let mut filter = Where::default();
    near.restrict(&mut filter);
    plain(
        state,
        filter,
        near.distance_sql(),
        "distance ASC, g.id ASC".to_owned(),
        1000,
        viewer,
    )
    .await
}

pub async fn top_rated(
    state: &AppState,
    viewer: Viewer,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let limit = match text_param(&query, "limit") {
        None => 10,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                AppError::field(
                    "limit",
                    Tr::new(
                        "Ensure this value is between 1 and 100.",
                        "Assurez-vous que cette valeur est comprise entre 1 et 100.",
                    ),
                )
            })?,
    };
    let filter = Where::new("g.total_reviews >= ?", 3);
    plain(
        state,
        filter,
        "NULL".into(),
        "g.average_rating_x100 DESC, g.name ASC, g.id ASC".into(),
        limit,
        viewer,
    )
    .await
}

pub async fn by_specialty(
    state: &AppState,
    viewer: Viewer,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let mut filter = Where::default();
    if let Some(s) = text_param(&query, "specialty") {
        filter.push("EXISTS (SELECT 1 FROM json_each(g.specialties) WHERE lower(json_each.value) = lower(?))", s);
    }
    plain(
        state,
        filter,
        "NULL".into(),
        "g.average_rating_x100 DESC, g.name ASC, g.id ASC".into(),
        1000,
        viewer,
    )
    .await
}

async fn plain(
    state: &AppState,
    filter: Where,
    distance: String,
    order: String,
    limit: i64,
    viewer: Viewer,
) -> AppResult<Value> {
    state
        .db
        .read(move |c| {
            let (_, rows) = repo::list(c, &filter, &distance, &order, limit, 0)?;
            Ok(Value::Array(with_reviews(c, &rows, viewer)?))
        })
        .await
}

/// Detail: adds every review, newest first.
pub async fn get(state: &AppState, viewer: Viewer, id: i64) -> AppResult<Value> {
    state
        .db
        .read(move |c| {
            let g = repo::find(c, id)?.ok_or_else(AppError::not_found)?;
            let (_, all) = repo::list_reviews(
                c,
                &Where::new("r.garage_id = ?", id),
                "r.created_at DESC, r.id DESC",
                100_000,
                0,
            )?;
            let mut v = g.to_json(&all, viewer);
            v["all_reviews"] = Value::Array(all.iter().map(|r| r.to_json(viewer)).collect());
            Ok(v)
        })
        .await
}

/// Create (`id` None) or update a garage (admins only; checked by the handler).
pub async fn save(
    state: &AppState,
    id: Option<i64>,
    body: Map<String, Value>,
    full: bool,
    viewer: Viewer,
) -> AppResult<(i64, Value)> {
    let (input, g) = model::parse(body, full);
    let now = ts(state.clock.now());
    let id = state
        .db
        .write(move |tx| {
            let current = match id {
                Some(id) => Some(repo::find(tx, id)?.ok_or_else(AppError::not_found)?),
                None => None,
            };
            input.finish()?;
            let cur = current.as_ref();
            let text = |new: Option<String>, old: Option<&String>| {
                new.or_else(|| old.cloned()).unwrap_or_default()
            };
            let opt = |new: Option<Option<String>>, old: Option<Option<String>>| {
                new.unwrap_or_else(|| old.flatten())
            };
            let (lat, lng) = match g.location {
                Some(Some((a, b))) => (Some(a), Some(b)),
                Some(None) => (None, None),
                None => (cur.and_then(|c| c.latitude), cur.and_then(|c| c.longitude)),
            };
            let name = text(g.name, cur.map(|c| &c.name));
            let email = text(g.email, cur.map(|c| &c.email));
            let address = text(g.address, cur.map(|c| &c.address));
            let phone = opt(g.phone, cur.map(|c| c.phone.clone()));
            let city = opt(g.city, cur.map(|c| c.city.clone()));
            let postal_code = opt(g.postal_code, cur.map(|c| c.postal_code.clone()));
            let country = opt(g.country, cur.map(|c| c.country.clone()));
            let description = opt(g.description, cur.map(|c| c.description.clone()));
            let specialties = g
                .specialties
                .or_else(|| cur.map(|c| c.specialties.clone()))
                .unwrap_or_default();
            let certifications = g
                .certifications
                .or_else(|| cur.map(|c| c.certifications.clone()))
                .unwrap_or_default();
            let fields = GarageFields {
                name: &name,
                email: &email,
                phone: phone.as_deref(),
                address: &address,
                city: city.as_deref(),
                postal_code: postal_code.as_deref(),
                country: country.as_deref(),
                latitude: lat,
                longitude: lng,
                description: description.as_deref(),
                specialties: serde_json::to_string(&specialties).unwrap_or_else(|_| "[]".into()),
                certifications: serde_json::to_string(&certifications)
                    .unwrap_or_else(|_| "[]".into()),
            };
            match id {
                Some(id) => {
                    repo::update(tx, id, &fields, &now)?;
                    Ok(id)
                }
                None => Ok(repo::insert(tx, &fields, &now)?),
            }
        })
        .await?;
    Ok((id, get(state, viewer, id).await?))
}

pub async fn delete(state: &AppState, id: i64) -> AppResult<()> {
    if state.db.write(move |tx| Ok(repo::delete(tx, id)?)).await? {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}
