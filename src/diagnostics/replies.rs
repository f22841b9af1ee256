//! Replies (assistant.md §1.1): added by the diagnostic's owner, listed through the owner's diagnostics; only the
//! sender changes or deletes a reply, and `ai`/`mechanic` replies are nobody's to edit.

use serde_json::{Map, Value, json};

use super::input::parse_reply;
use super::model::{Reply, ReplyFilter, ReplyRow};
use super::repo;
use super::service::owned;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};
use crate::http::validate::Input;
use crate::i18n::Tr;

fn diagnostic_not_found() -> Tr {
    Tr::new("Diagnostic not found.", "Diagnostic introuvable.")
}

/// Adds the caller's reply to diagnostic `id` (`add_reply`), or to the body's `diagnostic` (`POST /api/replies/`).
pub async fn add(
    state: &AppState,
    user: &AuthUser,
    id: Option<i64>,
    body: Map<String, Value>,
) -> AppResult<(i64, Reply)> {
    let uid = user.id;
    let mut input = Input::new(body);
    let target = match id {
        Some(id) => Some(id),
        None => input.int("diagnostic", i64::MIN, i64::MAX, true).flatten(),
    };
    let (message, metadata) = parse_reply(&mut input, true);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let diagnostic = match target {
                Some(d) => repo::find_for_owner(tx, uid, d)?,
                None => None,
            };
            match (id, &diagnostic) {
                // The path names it: another user's diagnostic is 404 before anything else.
                (Some(_), None) => return Err(AppError::not_found()),
                (None, None) if target.is_some() => {
                    input.error("diagnostic", diagnostic_not_found())
                }
                _ => {}
            }
            input.finish()?;
            let (Some(d), Some(message)) = (diagnostic, message) else {
                return Err(AppError::not_found());
            };
            let meta = metadata.unwrap_or_else(|| json!({}));
            let rid = repo::insert_reply(tx, d.id, Some(uid), "user", &message, &meta, &now)?;
            let row = repo::find_reply(tx, uid, rid)?.ok_or_else(AppError::not_found)?;
            Ok((rid, Reply::from(row)))
        })
        .await
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<ReplyFilter>,
) -> AppResult<Page<Reply>> {
    let (uid, filter, query) = (user.id, list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list_replies(c, uid, &filter, &query)?))
        .await?;
    list.page(count, rows.into_iter().map(Reply::from).collect())
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Reply> {
    let uid = user.id;
    let row = state
        .db
        .read(move |c| Ok(repo::find_reply(c, uid, id)?))
        .await?;
    row.map(Reply::from).ok_or_else(AppError::not_found)
}

/// The caller's own reply, for a change: 404 when not visible, 403 when someone else (or the assistant) wrote it.
fn editable(conn: &rusqlite::Connection, uid: i64, id: i64) -> AppResult<ReplyRow> {
    let r = repo::find_reply(conn, uid, id)?.ok_or_else(AppError::not_found)?;
    if r.sender_type != "user" || r.sender_id != Some(uid) {
        return Err(AppError::permission_denied());
    }
    Ok(r)
}

pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<Reply> {
    let uid = user.id;
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = editable(tx, uid, id)?;
            let mut input = Input::new(body);
            let (message, metadata) = parse_reply(&mut input, full);
            input.finish()?;
            repo::update_reply(
                tx,
                id,
                message.as_deref().unwrap_or(&current.message),
                metadata.as_ref().unwrap_or(&current.metadata),
                &now,
            )?;
            // Owned through the diagnostic: the diagnostic is still the caller's.
            owned(tx, uid, current.diagnostic_id)?;
            let row = repo::find_reply(tx, uid, id)?.ok_or_else(AppError::not_found)?;
            Ok(Reply::from(row))
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    state
        .db
        .write(move |tx| {
            editable(tx, uid, id)?;
            Ok(repo::delete_reply(tx, id)?)
        })
        .await
}
