//! SQL on `notifications`. `notify` is the internal API of other modules.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use super::model::{NotificationFilter, NotificationRow};
use crate::db::query::{Where, fetch_page, order_by};
use crate::http::list::ListQuery;
use crate::i18n::{Lang, Tr};

pub struct NewNotification<'a> {
    pub user_id: i64,
    pub notification_type: &'a str,
    pub title: Tr,
    pub message: Tr,
    pub link: Option<&'a str>,
    pub metadata: Value,
    pub dedupe_key: Option<&'a str>,
}

/// Creates a notification in the recipient's language; a repeated `dedupe_key` for the user does nothing.
/// Returns whether a row was created.
pub fn notify(
    conn: &Connection,
    n: &NewNotification,
    lang: Lang,
    now: &str,
) -> rusqlite::Result<bool> {
    let created = conn.execute(
        "INSERT INTO notifications (user_id, notification_type, title, message, link, metadata, dedupe_key, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) ON CONFLICT DO NOTHING",
        params![
            n.user_id,
            n.notification_type,
            n.title.get(lang),
            n.message.get(lang),
            n.link,
            n.metadata.to_string(),
            n.dedupe_key,
            now
        ],
    )?;
    Ok(created == 1)
}

const COLUMNS: &str = "id, user_id, notification_type, title, message, link, metadata, is_read, read_at, created_at, updated_at";

fn row(r: &Row) -> rusqlite::Result<NotificationRow> {
    let metadata: String = r.get(6)?;
    Ok(NotificationRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        notification_type: r.get(2)?,
        title: r.get(3)?,
        message: r.get(4)?,
        link: r.get(5)?,
        metadata: serde_json::from_str(&metadata).unwrap_or_default(),
        is_read: r.get(7)?,
        read_at: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub fn find(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<Option<NotificationRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1 AND user_id = ?2"),
        params![id, user_id],
        row,
    )
    .optional()
}

/// `ordering` names and their columns.
const ORDERING: &[(&str, &str)] = &[("created_at", "created_at"), ("read_at", "read_at")];

/// One page of the user's notifications matching the filter and search, and how many match in all.
pub fn list(
    conn: &Connection,
    user_id: i64,
    filter: &NotificationFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<NotificationRow>)> {
    let mut w = Where::new("user_id = ?", user_id);
    if let Some(t) = &filter.notification_type {
        w.push("notification_type = ?", t.clone());
    }
    if let Some(r) = filter.is_read {
        w.push("is_read = ?", i64::from(r));
    }
    w.search(&query.search, &["title", "message"]);
    let order = order_by(&query.ordering, ORDERING, "created_at DESC");
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM notifications"),
        "notifications",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        row,
    )
}

/// The user's unread notifications (`unread_only`), or those of a type (all without one), newest first; at most
/// 10 000.
pub fn newest(
    conn: &Connection,
    user_id: i64,
    unread_only: bool,
    kind: Option<&str>,
) -> rusqlite::Result<Vec<NotificationRow>> {
    let mut w = Where::new("user_id = ?", user_id);
    if unread_only {
        w.push("is_read = ?", 0);
    }
    if let Some(t) = kind {
        w.push("notification_type = ?", t.to_owned());
    }
    let select = format!("SELECT {COLUMNS} FROM notifications");
    let order = "created_at DESC, id DESC";
    Ok(fetch_page(conn, &select, "notifications", &w, order, (10_000, 0), row)?.1)
}

/// Read state: `true` sets `read_at` now unless already read; `false` clears it. Returns whether the row exists.
pub fn set_read(
    conn: &Connection,
    user_id: i64,
    id: i64,
    read: bool,
    now: &str,
) -> rusqlite::Result<bool> {
    let n = if read {
        conn.execute(
            "UPDATE notifications SET is_read = 1, read_at = coalesce(read_at, ?3), \
             updated_at = CASE WHEN is_read = 1 THEN updated_at ELSE ?3 END WHERE id = ?1 AND user_id = ?2",
            params![id, user_id, now],
        )?
    } else {
        conn.execute(
            "UPDATE notifications SET is_read = 0, read_at = NULL, \
             updated_at = CASE WHEN is_read = 0 THEN updated_at ELSE ?3 END WHERE id = ?1 AND user_id = ?2",
            params![id, user_id, now],
        )?
    };
    Ok(n == 1)
}

pub fn mark_all_read(conn: &Connection, user_id: i64, now: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE notifications SET is_read = 1, read_at = ?2, updated_at = ?2 WHERE user_id = ?1 AND is_read = 0",
        params![user_id, now],
    )
}

pub fn delete(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM notifications WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )? == 1)
}

pub fn delete_read(conn: &Connection, user_id: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM notifications WHERE user_id = ?1 AND is_read = 1",
        [user_id],
    )
}

pub fn count_unread(conn: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM notifications WHERE user_id = ?1 AND is_read = 0",
        [user_id],
        |r| r.get(0),
    )
}

pub fn counts_by_type(conn: &Connection, user_id: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT notification_type, count(*) FROM notifications WHERE user_id = ?1 GROUP BY notification_type ORDER BY notification_type",
    )?;
    let rows = stmt.query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Read notifications read before `before` (the clean-up job).
pub fn delete_read_before(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM notifications WHERE is_read = 1 AND read_at < ?1",
        [before],
    )
}
