//! Document writes: upload with type and limit checks, metadata and file updates, deletion with the file. The
//! reads (representation, lists, aggregates) are in `reads.rs`, the analysis queue in `queue.rs`.

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::model::{self, Document, DocumentRow, merge};
use super::reads::one;
use super::repo::{self, FileFields, NewDocument};
use super::upload::{Received, Upload};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::validate::Input;
use crate::i18n::Tr;
use crate::plans::model::Resource;

pub(super) fn owned(conn: &Connection, user_id: i64, id: i64) -> AppResult<DocumentRow> {
    repo::find_for_owner(conn, user_id, id)?.ok_or_else(AppError::not_found)
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

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    upload: Upload,
) -> AppResult<(i64, Document)> {
    let (body, file) = upload.into_parts();
    let Some(file) = file else {
        return Err(AppError::field("file", crate::i18n::msg::required()));
    };
    let (mut input, meta) = model::parse(body);
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
            let (count, bytes) = (
                repo::count_for_owner(tx, uid)?,
                repo::bytes_for_owner(tx, uid)?,
            );
            crate::plans::service::check_limit(tx, &st, uid, Resource::Documents, count)?;
            crate::plans::service::check_storage(tx, &st, uid, bytes, size, 0)?;
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
            Ok((id, one(tx, &st.public_url, uid, owned(tx, uid, id)?)?))
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
) -> AppResult<Document> {
    let (mut input, meta) = model::parse(body);
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
            let current = owned(tx, uid, id)?;
            check_vehicle(tx, &mut input, uid, meta.vehicle)?;
            input.finish()?;
            let doc = merge(current, meta);
            repo::update_metadata(tx, &doc, &ts(now))?;
            let mut replaced = None;
            if let Some((key, size, mime, analysable, name)) = &stored {
                let stored_now = repo::bytes_for_owner(tx, uid)?;
                crate::plans::service::check_storage(
                    tx,
                    &st,
                    uid,
                    stored_now,
                    *size,
                    doc.file_size,
                )?;
                let f = FileFields {
                    key,
                    name,
                    size: *size,
                    mime,
                };
                repo::replace_file(tx, id, &f, analysable.then_some("pending"), &ts(now))?;
                replaced = Some(doc.storage_key.clone());
            }
            Ok((one(tx, &st.public_url, uid, owned(tx, uid, id)?)?, replaced))
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
