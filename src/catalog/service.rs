//! Catalog rules: unique brand names, unique model names per brand, year ranges.

use std::collections::HashMap;

use chrono::Datelike;
use serde_json::{Map, Value};

use super::repo::{self, ModelFields};
use crate::app::AppState;
use crate::db::query::{Where, order_by_with};
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{PageRequest, envelope, id_param};
use crate::http::validate::Input;
use crate::i18n::{Tr, msg};

pub async fn list_brands(
    state: &AppState,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let mut filter = Where::default();
    filter.search(&crate::http::list::search_terms(&query), &["b.name"]);
    let order = order_by_with(
        crate::http::list::ordering(&query),
        &[("name", "b.name"), ("created_at", "b.created_at")],
        "b.name ASC",
        "b.id",
    );
    let (count, rows) = state
        .db
        .read(move |c| {
            Ok(repo::list_brands(
                c,
                &filter,
                &order,
                page.page_size,
                page.offset(),
            )?)
        })
        .await?;
    envelope(count, rows, page, &state.public_url, &path, &query)
}

pub async fn get_brand(state: &AppState, id: i64) -> AppResult<Value> {
    state
        .db
        .read(move |c| repo::find_brand(c, id)?.ok_or_else(AppError::not_found))
        .await
}

pub async fn brand_models(state: &AppState, id: i64) -> AppResult<Value> {
    state
        .db
        .read(move |c| {
            repo::find_brand(c, id)?.ok_or_else(AppError::not_found)?;
            let (_, rows) = repo::list_models(
                c,
                &Where::new("m.brand_id = ?", id),
                "m.name ASC, m.id ASC",
                10_000,
                0,
            )?;
            Ok(Value::Array(rows))
        })
        .await
}

/// Create (`id` None) or update a brand; `full` for create and PUT.
pub async fn save_brand(
    state: &AppState,
    id: Option<i64>,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<(i64, Value)> {
    let mut input = Input::new(body);
    let name = if full || input.has("name") {
        input.text("name", 100)
    } else {
        None
    };
    let logo = input.url("logo_url", 200);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = match id {
                Some(id) => Some(repo::find_brand(tx, id)?.ok_or_else(AppError::not_found)?),
                None => None,
            };
            input.finish()?;
            let name = name
                .or_else(|| {
                    current
                        .as_ref()
                        .and_then(|c| c["name"].as_str().map(str::to_owned))
                })
                .unwrap_or_default();
            let logo = logo.unwrap_or_else(|| {
                current
                    .as_ref()
                    .and_then(|c| c["logo_url"].as_str().map(str::to_owned))
            });
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
    if state
        .db
        .write(move |tx| Ok(repo::delete_brand(tx, id)?))
        .await?
    {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

pub async fn list_models(
    state: &AppState,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let mut filter = Where::default();
    if let Some(b) = id_param(&query, "brand")? {
        filter.push("m.brand_id = ?", b);
    }
    if let Some(y) = id_param(&query, "year_start")? {
        filter.push("m.year_start = ?", y);
    }
    if let Some(y) = id_param(&query, "year_end")? {
        filter.push("m.year_end = ?", y);
    }
    filter.search(
        &crate::http::list::search_terms(&query),
        &["m.name", "b.name"],
    );
    let order = order_by_with(
        crate::http::list::ordering(&query),
        &[
            ("name", "m.name"),
            ("year_start", "m.year_start"),
            ("created_at", "m.created_at"),
        ],
        "b.name ASC, m.name ASC",
        "m.id",
    );
    let (count, rows) = state
        .db
        .read(move |c| {
            Ok(repo::list_models(
                c,
                &filter,
                &order,
                page.page_size,
                page.offset(),
            )?)
        })
        .await?;
    envelope(count, rows, page, &state.public_url, &path, &query)
}

pub async fn get_model(state: &AppState, id: i64) -> AppResult<Value> {
    state
        .db
        .read(move |c| repo::find_model(c, id)?.ok_or_else(AppError::not_found))
        .await
}

pub async fn save_model(
    state: &AppState,
    id: Option<i64>,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<(i64, Value)> {
    let max_year = i64::from(state.clock.now().year()) + 1;
    let mut input = Input::new(body);
    let brand = if full || input.has("brand") {
        input.int("brand", i64::MIN, i64::MAX, true).flatten()
    } else {
        None
    };
    let name = if full || input.has("name") {
        input.text("name", 100)
    } else {
        None
    };
    let year_start = input.int("year_start", 1900, max_year, false);
    let year_end = input.int("year_end", 1900, max_year, false);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = match id {
                Some(id) => Some(repo::find_model(tx, id)?.ok_or_else(AppError::not_found)?),
                None => None,
            };
            let cur_i = |k: &str| current.as_ref().and_then(|c| c[k].as_i64());
            let brand_id = brand.or_else(|| cur_i("brand"));
            if let Some(b) = brand
                && repo::find_brand(tx, b)?.is_none()
            {
                input.error("brand", Tr::new("Brand not found.", "Marque introuvable."));
            }
            let ys = year_start.unwrap_or_else(|| cur_i("year_start"));
            let ye = year_end.unwrap_or_else(|| cur_i("year_end"));
            if let (Some(s), Some(e)) = (ys, ye)
                && e < s
            {
                input.error("year_end", msg::min_value(s));
            }
            input.finish()?;
            let name = name
                .or_else(|| {
                    current
                        .as_ref()
                        .and_then(|c| c["name"].as_str().map(str::to_owned))
                })
                .unwrap_or_default();
            let brand_id = brand_id.ok_or_else(|| AppError::field("brand", msg::required()))?;
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
    if state
        .db
        .write(move |tx| Ok(repo::delete_model(tx, id)?))
        .await?
    {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}
