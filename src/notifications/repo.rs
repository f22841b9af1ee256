//! SQL on `notifications`. `notify` is the internal API of other modules.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};

use crate::db::query::{Where, fetch_page};
use crate::i18n::{Lang, Tr};

pub const TYPES: &[&str] = &[
    "info",
    "warning",
    "success",
    "error",
    "maintenance_reminder",
    "subscription_expiring",
];

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

/// A notification as the API shows it.
fn row(r: &Row) -> rusqlite::Result<Value> {
    let metadata: String = r.get(6)?;
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "user": r.get::<_, i64>(1)?,
        "notification_type": r.get::<_, String>(2)?,
        "title": r.get::<_, String>(3)?,
        "message": r.get::<_, String>(4)?,
        "link": r.get::<_, Option<String>>(5)?,
        "metadata": serde_json::from_str::<Value>(&metadata).unwrap_or_else(|_| json!({})),
        "is_read": r.get::<_, bool>(7)?,
        "read_at": r.get::<_, Option<String>>(8)?,
        "created_at": r.get::<_, String>(9)?,
        "updated_at": r.get::<_, String>(10)?,
    }))
}

pub fn find(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<Option<Value>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1 AND user_id = ?2"),
        params![id, user_id],
        row,
    )
    .optional()
}

pub fn list(
    conn: &Connection,
    filter: &Where,
    order: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(i64, Vec<Value>)> {
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM notifications"),
        "notifications",
        filter,
        order,
        (limit, offset),
        row,
    )
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
