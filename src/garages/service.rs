//! Garage rules: the directory with filters, search, ordering and distance search; admin writes.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::filters::{GarageFilter, NearbyParams, SpecialtyParams, TopRatedParams};
use super::model::{self, Garage, GarageDetail, GarageRow, Viewer};
use super::repo::{self, GarageFields};
use crate::app::AppState;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};

/// Adds the newest reviews to each garage.
fn with_reviews(conn: &Connection, rows: Vec<GarageRow>, viewer: Viewer) -> AppResult<Vec<Garage>> {
    let ids: Vec<i64> = rows.iter().map(|g| g.id).collect();
    let mut recent = repo::recent_reviews(conn, &ids, 3)?;
    Ok(rows
        .into_iter()
        .map(|g| {
            let reviews = recent.remove(&g.id).unwrap_or_default();
            g.into_dto(reviews, viewer)
        })
        .collect())
}

pub async fn list(
    state: &AppState,
    viewer: Viewer,
    list: List<GarageFilter>,
) -> AppResult<Page<Garage>> {
    let (filter, query) = (list.filter.clone(), list.query.clone());
    let (count, results) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, &filter, &query)?;
            Ok((count, with_reviews(c, rows, viewer)?))
        })
        .await?;
    list.page(count, results)
}

/// `search_nearby`: every garage within the radius, nearest first.
pub async fn search_nearby(
    state: &AppState,
    viewer: Viewer,
    params: NearbyParams,
) -> AppResult<Vec<Garage>> {
    let near = params.near();
    state
        .db
        .read(move |c| with_reviews(c, repo::nearby(c, &near)?, viewer))
        .await
}

pub async fn top_rated(
    state: &AppState,
    viewer: Viewer,
    params: TopRatedParams,
) -> AppResult<Vec<Garage>> {
    let limit = params.limit.unwrap_or(10);
    state
        .db
        .read(move |c| with_reviews(c, repo::top_rated(c, limit)?, viewer))
        .await
}

pub async fn by_specialty(
    state: &AppState,
    viewer: Viewer,
    params: SpecialtyParams,
) -> AppResult<Vec<Garage>> {
    state
        .db
        .read(move |c| {
            let rows = repo::by_specialty(c, params.specialty.as_deref())?;
            with_reviews(c, rows, viewer)
        })
        .await
}

/// Detail: adds every review, newest first.
pub async fn get(state: &AppState, viewer: Viewer, id: i64) -> AppResult<GarageDetail> {
    state
        .db
        .read(move |c| {
            let g = repo::find(c, id)?.ok_or_else(AppError::not_found)?;
            Ok(g.into_detail(repo::reviews_of(c, id)?, viewer))
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
) -> AppResult<(i64, GarageDetail)> {
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
            // `parse` sets both coordinates or neither.
            let (lat, lng) = match (g.latitude, g.longitude) {
                (Some(a), Some(b)) => (a, b),
                _ => (cur.and_then(|c| c.latitude), cur.and_then(|c| c.longitude)),
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
    AppError::found(state.db.write(move |tx| Ok(repo::delete(tx, id)?)).await?)
}
