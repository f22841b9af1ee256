//! Notification rules: the caller's own rows only, the read state, the bulk actions and the clean-up job.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::repo::{self, TYPES};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::query::{Where, order_by};
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{PageRequest, bool_param, choice_param, envelope};
use crate::http::validate::{Input, is_valid_url};
use crate::i18n::Tr;
use crate::scheduler::{JobCtx, JobOutcome};

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let mut filter = Where::new("user_id = ?", user.id);
    if let Some(t) = choice_param(&query, "notification_type", TYPES)? {
        filter.push("notification_type = ?", t);
    }
    if let Some(r) = bool_param(&query, "is_read")? {
        filter.push("is_read = ?", i64::from(r));
    }
    filter.search(
        &crate::http::list::search_terms(&query),
        &["title", "message"],
    );
    let order = order_by(
        crate::http::list::ordering(&query),
        &[("created_at", "created_at"), ("read_at", "read_at")],
        "created_at DESC",
    );
    let (count, rows) = state
        .db
        .read(move |c| {
            Ok(repo::list(
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

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| repo::find(c, uid, id)?.ok_or_else(AppError::not_found))
        .await
}

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<(i64, Value)> {
    let mut input = Input::new(body);
    let kind = input
        .opt_choice("notification_type", TYPES)
        .unwrap_or_else(|| "info".to_owned());
    let title = input.text("title", 255);
    let message = input.text("message", 5000);
    let link = input.opt_text("link", 500).flatten();
    if let Some(l) = &link
        && !(l.starts_with('/') || is_valid_url(l))
    {
        input.error(
            "link",
            Tr::new(
                "Enter a frontend path starting with / or an http(s) URL.",
                "Saisissez un chemin commençant par / ou une URL http(s).",
            ),
        );
    }
    let metadata = if input.has("metadata") {
        input.object("metadata", 16 * 1024).map(Value::Object)
    } else {
        Some(json!({}))
    };
    input.finish()?;
    let (Some(title), Some(message), Some(metadata)) = (title, message, metadata) else {
        return Err(AppError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| {
            let note = repo::NewNotification {
                user_id: uid,
                notification_type: &kind,
                title: Tr::new(title.clone(), title),
                message: Tr::new(message.clone(), message),
                link: link.as_deref(),
                metadata,
                dedupe_key: None,
            };
            repo::notify(tx, &note, crate::i18n::Lang::En, &now)?;
            let id = tx.last_insert_rowid();
            Ok((
                id,
                repo::find(tx, uid, id)?.ok_or_else(AppError::not_found)?,
            ))
        })
        .await
}

/// PUT and PATCH: only `is_read` is writable (PUT needs it).
pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<Value> {
    let mut input = Input::new(body);
    let read = if input.has("is_read") {
        input.bool("is_read")
    } else {
        if full {
            input.error("is_read", crate::i18n::msg::required());
        }
        None
    };
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| {
            let current = repo::find(tx, uid, id)?.ok_or_else(AppError::not_found)?;
            input.finish()?;
            if let Some(read) = read {
                repo::set_read(tx, uid, id, read, &now)?;
                return repo::find(tx, uid, id)?.ok_or_else(AppError::not_found);
            }
            Ok(current)
        })
        .await
}

pub async fn set_read(state: &AppState, user: &AuthUser, id: i64, read: bool) -> AppResult<Value> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| {
            if !repo::set_read(tx, uid, id, read, &now)? {
                return Err(AppError::not_found());
            }
            repo::find(tx, uid, id)?.ok_or_else(AppError::not_found)
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    if state
        .db
        .write(move |tx| Ok(repo::delete(tx, uid, id)?))
        .await?
    {
        Ok(())
    } else {
        Err(AppError::not_found())
    }
}

pub async fn mark_all_as_read(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    let n = state
        .db
        .write(move |tx| Ok(repo::mark_all_read(tx, uid, &now)?))
        .await?;
    Ok(
        json!({"message": Tr::new(format!("{n} notifications marked as read."), format!("{n} notifications marquées comme lues.")).get(user.lang)}),
    )
}

pub async fn delete_all_read(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let uid = user.id;
    let n = state
        .db
        .write(move |tx| Ok(repo::delete_read(tx, uid)?))
        .await?;
    Ok(
        json!({"message": Tr::new(format!("{n} notifications deleted."), format!("{n} notifications supprimées.")).get(user.lang)}),
    )
}

/// Unpaginated lists: unread ones, or those of one type.
pub async fn plain(
    state: &AppState,
    user: &AuthUser,
    unread_only: bool,
    query: HashMap<String, String>,
) -> AppResult<Value> {
    let mut filter = Where::new("user_id = ?", user.id);
    if unread_only {
        filter.push("is_read = ?", 0);
    } else if let Some(t) = choice_param(&query, "type", TYPES)? {
        filter.push("notification_type = ?", t);
    }
    let (_, rows) = state
        .db
        .read(move |c| {
            Ok(repo::list(
                c,
                &filter,
                "created_at DESC, id DESC",
                10_000,
                0,
            )?)
        })
        .await?;
    Ok(Value::Array(rows))
}

pub async fn unread_count(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let uid = user.id;
    let n = state
        .db
        .read(move |c| Ok(repo::count_unread(c, uid)?))
        .await?;
    Ok(json!({"unread_count": n}))
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let by_type = repo::counts_by_type(c, uid)?;
            let total: i64 = by_type.iter().map(|(_, n)| n).sum();
            let unread = repo::count_unread(c, uid)?;
            Ok(json!({
                "total_notifications": total, "unread": unread, "read": total - unread,
                "by_type": by_type.into_iter().map(|(t, n)| json!({"notification_type": t, "count": n})).collect::<Vec<_>>(),
            }))
        })
        .await
}

/// `cleanup_notifications`: read notifications whose `read_at` is older than 90 days.
pub async fn cleanup_job(state: &AppState, _ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let before = ts(state.clock.now() - chrono::Duration::days(90));
    let n = state
        .db
        .write(move |tx| Ok(repo::delete_read_before(tx, &before)?))
        .await?;
    Ok(JobOutcome::new(
        n as i64,
        format!("{n} old read notifications deleted"),
    ))
}
