//! Catalog rules: unique brand names, unique model names per brand, year ranges.

use chrono::Datelike;
use serde_json::{Map, Value};

use super::model::{self, Brand, CarModel, CarModelFilter};
use super::repo::{self, ModelFields};
use crate::app::AppState;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};
use crate::i18n::{Tr, msg};

pub async fn list_brands(state: &AppState, list: List<()>) -> AppResult<Page<Brand>> {
    let query = list.query.clone();
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list_brands(c, &query)?))
        .await?;
    list.page(count, rows)
}

pub async fn get_brand(state: &AppState, id: i64) -> AppResult<Brand> {
    state
        .db
        .read(move |c| repo::find_brand(c, id)?.ok_or_else(AppError::not_found))
        .await
}

pub async fn brand_models(state: &AppState, id: i64) -> AppResult<Vec<CarModel>> {
    state
        .db
        .read(move |c| {
            repo::find_brand(c, id)?.ok_or_else(AppError::not_found)?;
            Ok(repo::models_of_brand(c, id)?)
        })
        .await
}

/// Create (`id` None) or update a brand; `full` for create and PUT.
pub async fn save_brand(
    state: &AppState,
    id: Option<i64>,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<(i64, Brand)> {
    let (input, b) = model::parse_brand(body, full);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = match id {
                Some(id) => Some(repo::find_brand(tx, id)?.ok_or_else(AppError::not_found)?),
                None => None,
            };
            input.finish()?;
            let (name, logo) = match current {
                Some(c) => (b.name.unwrap_or(c.name), b.logo_url.unwrap_or(c.logo_url)),
                None => (b.name.unwrap_or_default(), b.logo_url.flatten()),
            };
            if repo::brand_name_taken(tx, &name, id)? {
                return Err(AppError::field(
                    "name",
                    Tr::new(
                        "A brand with this name already exists.",
                        "Une marque portant ce nom existe déjà.",
                    ),
                ));
            }
            let id = match id {
                Some(id) => {
                    repo::update_brand(tx, id, &name, logo.as_deref(), &now)?;
                    id
                }
                None => repo::insert_brand(tx, &name, logo.as_deref(), &now)?,
            };
            Ok((
                id,
                repo::find_brand(tx, id)?.ok_or_else(AppError::not_found)?,
            ))
        })
        .await
}

pub async fn delete_brand(state: &AppState, id: i64) -> AppResult<()> {
    AppError::found(
        state
            .db
            .write(move |tx| Ok(repo::delete_brand(tx, id)?))
            .await?,
    )
}

pub async fn list_models(
    state: &AppState,
    list: List<CarModelFilter>,
) -> AppResult<Page<CarModel>> {
    let (filter, query) = (list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list_models(c, &filter, &query)?))
        .await?;
    list.page(count, rows)
}

pub async fn get_model(state: &AppState, id: i64) -> AppResult<CarModel> {
    state
        .db
        .read(move |c| repo::find_model(c, id)?.ok_or_else(AppError::not_found))
        .await
}

/// Create (`id` None) or update a model; `full` for create and PUT.
pub async fn save_model(
    state: &AppState,
    id: Option<i64>,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<(i64, CarModel)> {
    let max_year = i64::from(state.clock.now().year()) + 1;
    let (mut input, m) = model::parse_model(body, full, max_year);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = match id {
                Some(id) => Some(repo::find_model(tx, id)?.ok_or_else(AppError::not_found)?),
                None => None,
            };
            if let Some(b) = m.brand
                && repo::find_brand(tx, b)?.is_none()
            {
                input.error("brand", Tr::new("Brand not found.", "Marque introuvable."));
            }
            let current = current.as_ref();
            let ys = m
                .year_start
                .unwrap_or_else(|| current.and_then(|c| c.year_start));
            let ye = m
                .year_end
                .unwrap_or_else(|| current.and_then(|c| c.year_end));
            if let (Some(s), Some(e)) = (ys, ye)
                && e < s
            {
                input.error("year_end", msg::min_value(s));
            }
            input.finish()?;
            let name = m
                .name
                .or_else(|| current.map(|c| c.name.clone()))
                .unwrap_or_default();
            let brand_id = m
                .brand
                .or_else(|| current.map(|c| c.brand))
                .ok_or_else(|| AppError::field("brand", msg::required()))?;
            if repo::model_name_taken(tx, brand_id, &name, id)? {
                return Err(AppError::field(
                    "non_field_errors",
                    Tr::new(
                        "This model already exists for this brand.",
                        "Ce modèle existe déjà pour cette marque.",
                    ),
                ));
            }
            let fields = ModelFields {
                brand_id,
                name: &name,
                year_start: ys,
                year_end: ye,
            };
            let id = match id {
                Some(id) => {
                    repo::update_model(tx, id, &fields, &now)?;
                    id
                }
                None => repo::insert_model(tx, &fields, &now)?,
            };
            Ok((
                id,
                repo::find_model(tx, id)?.ok_or_else(AppError::not_found)?,
            ))
        })
        .await
}

pub async fn delete_model(state: &AppState, id: i64) -> AppResult<()> {
    AppError::found(
        state
            .db
            .write(move |tx| Ok(repo::delete_model(tx, id)?))
            .await?,
    )
}
