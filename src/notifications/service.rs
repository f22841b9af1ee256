//! Notification rules: the caller's own rows only, the read state, the bulk actions and the clean-up job.

use serde_json::{Map, Value};

use super::model::{
    self, Notification, NotificationFilter, NotificationStats, NotificationTypeCount, TypeParams,
    UnreadCount,
};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::Message;
use crate::http::list::{List, Page};
use crate::http::validate::Input;
use crate::i18n::Tr;
use crate::scheduler::{JobCtx, JobOutcome};

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<NotificationFilter>,
) -> AppResult<Page<Notification>> {
    let (uid, filter, query) = (user.id, list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list(c, uid, &filter, &query)?))
        .await?;
    list.page(count, rows.into_iter().map(|n| n.into_dto()).collect())
}

/// One of the caller's notifications, or 404.
fn owned(conn: &rusqlite::Connection, user_id: i64, id: i64) -> AppResult<Notification> {
    let row = repo::find(conn, user_id, id)?.ok_or_else(AppError::not_found)?;
    Ok(row.into_dto())
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Notification> {
    let uid = user.id;
    state.db.read(move |c| owned(c, uid, id)).await
}

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<Notification> {
    let new = model::parse_create(body)?;
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| {
            let note = repo::NewNotification {
                user_id: uid,
                notification_type: &new.notification_type,
                title: Tr::new(new.title.clone(), new.title),
                message: Tr::new(new.message.clone(), new.message),
                link: new.link.as_deref(),
                metadata: Value::Object(new.metadata),
                dedupe_key: None,
            };
            repo::notify(tx, &note, crate::i18n::Lang::En, &now)?;
            owned(tx, uid, tx.last_insert_rowid())
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
) -> AppResult<Notification> {
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
            let current = owned(tx, uid, id)?;
            input.finish()?;
            if let Some(read) = read {
                repo::set_read(tx, uid, id, read, &now)?;
                return owned(tx, uid, id);
            }
            Ok(current)
        })
        .await
}

pub async fn set_read(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    read: bool,
) -> AppResult<Notification> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| {
            if !repo::set_read(tx, uid, id, read, &now)? {
                return Err(AppError::not_found());
            }
            owned(tx, uid, id)
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    AppError::found(
        state
            .db
            .write(move |tx| Ok(repo::delete(tx, uid, id)?))
            .await?,
    )
}

pub async fn mark_all_as_read(state: &AppState, user: &AuthUser) -> AppResult<Message> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    let n = state
        .db
        .write(move |tx| Ok(repo::mark_all_read(tx, uid, &now)?))
        .await?;
    let message = Tr::new(
        format!("{n} notifications marked as read."),
        format!("{n} notifications marquées comme lues."),
    );
    Ok(Message {
        message: message.get(user.lang).to_owned(),
    })
}

pub async fn delete_all_read(state: &AppState, user: &AuthUser) -> AppResult<Message> {
    let uid = user.id;
    let n = state
        .db
        .write(move |tx| Ok(repo::delete_read(tx, uid)?))
        .await?;
    let message = Tr::new(
        format!("{n} notifications deleted."),
        format!("{n} notifications supprimées."),
    );
    Ok(Message {
        message: message.get(user.lang).to_owned(),
    })
}

/// The unread ones, newest first (unpaginated).
pub async fn unread(state: &AppState, user: &AuthUser) -> AppResult<Vec<Notification>> {
    newest(state, user, true, None).await
}

/// Those of one type (all without it), newest first (unpaginated).
pub async fn by_type(
    state: &AppState,
    user: &AuthUser,
    params: TypeParams,
) -> AppResult<Vec<Notification>> {
    newest(state, user, false, params.notification_type).await
}

async fn newest(
    state: &AppState,
    user: &AuthUser,
    unread_only: bool,
    kind: Option<String>,
) -> AppResult<Vec<Notification>> {
    let uid = user.id;
    let rows = state
        .db
        .read(move |c| Ok(repo::newest(c, uid, unread_only, kind.as_deref())?))
        .await?;
    Ok(rows.into_iter().map(|n| n.into_dto()).collect())
}

pub async fn unread_count(state: &AppState, user: &AuthUser) -> AppResult<UnreadCount> {
    let uid = user.id;
    let unread_count = state
        .db
        .read(move |c| Ok(repo::count_unread(c, uid)?))
        .await?;
    Ok(UnreadCount { unread_count })
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<NotificationStats> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let by_type = repo::counts_by_type(c, uid)?;
            let total: i64 = by_type.iter().map(|(_, n)| n).sum();
            let unread = repo::count_unread(c, uid)?;
            Ok(NotificationStats {
                total_notifications: total,
                unread,
                read: total - unread,
                by_type: by_type
                    .into_iter()
                    .map(|(notification_type, count)| NotificationTypeCount {
                        notification_type,
                        count,
                    })
                    .collect(),
            })
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
