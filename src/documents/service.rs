//! Document rules: upload with type and limit checks, metadata and file updates, deletion with the file,
//! private download, lists and aggregates. The analysis queue is in `queue.rs`.

use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{DocumentRow, STATUSES, TYPES};
use super::repo::{self, FileFields, NewDocument};
use super::upload::{Received, Upload};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::query::{Where, order_by_with};
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{PageRequest, bool_param, choice_param, envelope, id_param};
use crate::http::validate::Input;
use crate::i18n::Tr;
use crate::plans::model::Resource;

pub(super) fn owned(conn: &Connection, user_id: i64, id: i64) -> AppResult<DocumentRow> {
    repo::find_for_owner(conn, user_id, id)?.ok_or_else(AppError::not_found)
}

/// Representations with `vehicle_info` (the vehicle list representation) for the caller's documents.
fn render(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    rows: &[DocumentRow],
) -> AppResult<Vec<Value>> {
    let owner = crate::vehicles::service::owner(conn, user_id)?;
    let mut vehicles: HashMap<i64, Value> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for d in rows {
        let info = match d.vehicle_id {
            Some(vid) => {
                if let std::collections::hash_map::Entry::Vacant(e) = vehicles.entry(vid) {
                    let v = crate::vehicles::repo::find_for_owner(conn, user_id, vid)?
                        .map(|v| serde_json::to_value(v.into_dto(&owner)).unwrap_or(Value::Null))
                        .unwrap_or(Value::Null);
                    e.insert(v);
                }
                vehicles.get(&vid).cloned().unwrap_or(Value::Null)
            }
            None => Value::Null,
        };
        out.push(d.to_json(info, &state.public_url));
    }
    Ok(out)
}

fn one(conn: &Connection, state: &AppState, user_id: i64, d: &DocumentRow) -> AppResult<Value> {
    Ok(render(conn, state, user_id, std::slice::from_ref(d))?.remove(0))
}

/// Multipart text parts as JSON values for the validator (an empty `vehicle` means none).
fn as_object(fields: &HashMap<String, String>) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, v)| {
            let value = if k == "vehicle" && v.trim().is_empty() {
                Value::Null
            } else {
                Value::String(v.clone())
            };
            (k.clone(), value)
        })
        .collect()
}

struct Meta {
    title: Option<Option<String>>,
    description: Option<Option<String>>,
    document_type: Option<String>,
    vehicle: Option<Option<i64>>,
}

fn read_meta(input: &mut Input) -> Meta {
    let title = input.opt_text("title", 255);
    let description = input.opt_text("description", 10_000);
    let document_type = input.opt_choice("document_type", TYPES);
    let vehicle = input.int("vehicle", i64::MIN, i64::MAX, false);
    Meta {
        title,
        description,
        document_type,
        vehicle,
    }
}

fn vehicle_not_found() -> Tr {
    Tr::new("Vehicle not found.", "Véhicule introuvable.")
}

/// Checks that a referenced vehicle is the caller's (recorded on `vehicle`).
fn check_vehicle(
    conn: &Connection,
    input: &mut Input,
    user_id: i64,
    vehicle: Option<Option<i64>>,
) -> AppResult<()> {
    if let Some(Some(v)) = vehicle
        && crate::vehicles::repo::find_for_owner(conn, user_id, v)?.is_none()
    {
        input.error("vehicle", vehicle_not_found());
    }
    Ok(())
}

/// Commits a received file under a new key; the caller removes it again if its transaction fails.
async fn store(
    state: &AppState,
    user_id: i64,
    file: Received,
) -> AppResult<(String, i64, &'static str, bool, String)> {
    let key = state.storage.new_key(user_id);
    let Received {
        temp,
        file: handle,
        size,
        kind,
        name,
    } = file;
    if let Err(e) = state.storage.commit(&temp, handle, &key).await {
        let _ = tokio::fs::remove_file(&temp).await;
        return Err(AppError::internal(e));
    }
    Ok((key, size, kind.mime(), kind.analysable(), name))
}

pub async fn create(state: &AppState, user: &AuthUser, upload: Upload) -> AppResult<(i64, Value)> {
    let Some(file) = upload.file else {
        return Err(AppError::field("file", crate::i18n::msg::required()));
    };
    let mut input = Input::new(as_object(&upload.fields));
    let meta = read_meta(&mut input);
    if let Some(e) = input.take_error() {
        let _ = tokio::fs::remove_file(&file.temp).await;
        return Err(e);
    }
    let (key, size, mime, analysable, name) = store(state, user.id, file).await?;
    let (uid, now, st) = (user.id, state.clock.now(), state.clone());
    let key_tx = key.clone();
    let result = state
        .db
        .write(move |tx| {
            check_vehicle(tx, &mut input, uid, meta.vehicle)?;
            input.finish()?;
            crate::plans::service::check_limit(tx, &st, uid, Resource::Documents, now)?;
            crate::plans::service::check_storage(tx, &st, uid, size, 0, now)?;
            let title = meta
                .title
                .flatten()
                .unwrap_or_else(|| name.chars().take(255).collect());
            let description = meta.description.flatten();
            let doc = NewDocument {
                user_id: uid,
                vehicle_id: meta.vehicle.flatten(),
                title: &title,
                description: description.as_deref(),
                document_type: meta.document_type.as_deref().unwrap_or("other"),
                storage_key: &key_tx,
                original_filename: &name,
                file_size: size,
                mime_type: mime,
                analysis_status: analysable.then_some("pending"),
            };
            let id = repo::insert(tx, &doc, &ts(now))?;
            Ok((id, one(tx, &st, uid, &owned(tx, uid, id)?)?))
        })
        .await;
    match result {
        Ok(v) => {
            if analysable {
                state.kick_analysis();
            }
            Ok(v)
        }
        Err(e) => {
            state.storage.remove(&key).await;
            Err(e)
        }
    }
}

/// PUT/PATCH with JSON (metadata) or multipart (metadata and/or a new file).
pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    file: Option<Received>,
) -> AppResult<Value> {
    let mut input = Input::new(body);
    let meta = read_meta(&mut input);
    let stored = match file {
        Some(f) if !input.has_errors() => Some(store(state, user.id, f).await?),
        Some(f) => {
            let _ = tokio::fs::remove_file(&f.temp).await;
            None
        }
        None => None,
    };
    let (uid, now, st) = (user.id, state.clock.now(), state.clone());
    let new_key = stored.as_ref().map(|s| s.0.clone());
    let result = state
        .db
        .write(move |tx| {
            let mut doc = owned(tx, uid, id)?;
            check_vehicle(tx, &mut input, uid, meta.vehicle)?;
            input.finish()?;
            if let Some(t) = meta.title
                && let Some(t) = t
            {
                doc.title = t;
            }
            if let Some(d) = meta.description {
                doc.description = d;
            }
            if let Some(t) = meta.document_type {
                doc.document_type = t;
            }
            if let Some(v) = meta.vehicle {
                doc.vehicle_id = v;
            }
            repo::update_metadata(tx, &doc, &ts(now))?;
            let mut replaced = None;
            if let Some((key, size, mime, analysable, name)) = &stored {
                crate::plans::service::check_storage(tx, &st, uid, *size, doc.file_size, now)?;
                let f = FileFields {
                    key,
                    name,
                    size: *size,
                    mime,
                };
                repo::replace_file(tx, id, &f, analysable.then_some("pending"), &ts(now))?;
                replaced = Some(doc.storage_key.clone());
            }
            Ok((one(tx, &st, uid, &owned(tx, uid, id)?)?, replaced))
        })
        .await;
    match result {
        Ok((v, replaced)) => {
            if let Some(old) = replaced {
                state.storage.remove(&old).await;
                state.kick_analysis();
            }
            Ok(v)
        }
        Err(e) => {
            if let Some(k) = new_key {
                state.storage.remove(&k).await;
            }
            Err(e)
        }
    }
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    let key = state
        .db
        .write(move |tx| Ok(repo::delete(tx, uid, id)?))
        .await?
        .ok_or_else(AppError::not_found)?;
    state.storage.remove(&key).await;
    Ok(())
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Value> {
    let (uid, st) = (user.id, state.clone());
    state
        .db
        .read(move |c| one(c, &st, uid, &owned(c, uid, id)?))
        .await
}

/// The document row for a download (the handler streams the file).
pub async fn for_download(state: &AppState, user: &AuthUser, id: i64) -> AppResult<DocumentRow> {
    let uid = user.id;
    state.db.read(move |c| owned(c, uid, id)).await
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let mut filter = Where::new("d.user_id = ?", user.id);
    if let Some(v) = id_param(&query, "vehicle")? {
        filter.push("d.vehicle_id = ?", v);
    }
    if let Some(t) = choice_param(&query, "document_type", TYPES)? {
        filter.push("d.document_type = ?", t);
    }
    if let Some(a) = bool_param(&query, "is_analyzed")? {
        filter.push("(d.analysis_status IS 'done') = ?", i64::from(a));
    }
    if let Some(s) = choice_param(&query, "analysis_status", STATUSES)? {
        filter.push("d.analysis_status = ?", s);
    }
    filter.search(
        &crate::http::list::search_terms(&query),
        &[
            "d.title",
            "d.description",
            "d.extracted_text",
            "v.make",
            "v.model",
        ],
    );
    let order = order_by_with(
        crate::http::list::ordering(&query),
        &[
            ("created_at", "d.created_at"),
            ("updated_at", "d.updated_at"),
            ("file_size", "d.file_size"),
            ("title", "d.title"),
        ],
        "d.created_at DESC",
        "d.id",
    );
    let (uid, st) = (user.id, state.clone());
    let (count, results) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, &filter, &order, page.page_size, page.offset())?;
            Ok((count, render(c, &st, uid, &rows)?))
        })
        .await?;
    envelope(count, results, page, &state.public_url, &path, &query)
}

/// Unpaginated lists: by type (`type`), or not analysed yet.
pub async fn plain(
    state: &AppState,
    user: &AuthUser,
    unanalyzed: bool,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let mut filter = Where::new("d.user_id = ?", user.id);
    if unanalyzed {
        filter.push("(d.analysis_status IS 'done') = ?", 0);
    } else if let Some(t) = choice_param(&query, "type", TYPES)? {
        filter.push("d.document_type = ?", t);
    }
    let (uid, st) = (user.id, state.clone());
    state
        .db
        .read(move |c| {
            let (_, rows) = repo::list(c, &filter, "d.created_at DESC, d.id DESC", 10_000, 0)?;
            Ok(Value::Array(render(c, &st, uid, &rows)?))
        })
        .await
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let total = repo::count_for_owner(c, uid)?;
            let analyzed = repo::count_analyzed(c, uid)?;
            let bytes = repo::bytes_for_owner(c, uid)?;
            let by_type: Vec<Value> =
                repo::counts_by_type(c, uid)?.into_iter().map(|(t, n)| json!({"document_type": t, "count": n})).collect();
            Ok(json!({"total_documents": total, "by_type": by_type, "analyzed": analyzed, "unanalyzed": total - analyzed,
                "total_storage_bytes": bytes, "total_storage_mb": crate::money::round2(bytes as f64 / 1_048_576.0)}))
        })
        .await
}

pub async fn by_vehicle(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let only = id_param(&query, "vehicle_id")?;
    let (uid, st) = (user.id, state.clone());
    state
        .db
        .read(move |c| {
            let mut out = Vec::new();
            for v in crate::vehicles::repo::all_for_owner(c, uid)? {
                if only.is_some_and(|id| id != v.id) {
                    continue;
                }
                let mut f = Where::new("d.user_id = ?", uid);
                f.push("d.vehicle_id = ?", v.id);
                let (_, rows) = repo::list(c, &f, "d.created_at DESC, d.id DESC", 10_000, 0)?;
                out.push(json!({"vehicle": {"id": v.id, "make": v.make, "model": v.model, "year": v.year},
                    "documents": render(c, &st, uid, &rows)?}));
            }
            if only.is_none() {
                let f = Where::new("d.user_id = ? AND d.vehicle_id IS NULL", uid);
                let (_, rows) = repo::list(c, &f, "d.created_at DESC, d.id DESC", 10_000, 0)?;
                if !rows.is_empty() {
                    out.push(json!({"vehicle": null, "documents": render(c, &st, uid, &rows)?}));
                }
            }
            Ok(Value::Array(out))
        })
        .await
}
