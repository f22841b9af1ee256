//! SQL on `ai_conversations` and `ai_messages`. A conversation belongs to `user_id`; messages are reached through
//! their conversation, so every query is scoped by the conversation's owner.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use super::model::{ConversationFilter, ConversationRow, MessageFilter, MessageRow};
use crate::db::query::{Where, fetch_page, order_by_with};
use crate::http::list::ListQuery;

const COLUMNS: &str = "c.id, c.user_id, c.title, c.is_active, c.created_at, c.updated_at, \
    (SELECT count(*) FROM ai_messages m WHERE m.conversation_id = c.id)";

fn row(r: &Row) -> rusqlite::Result<ConversationRow> {
    Ok(ConversationRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        title: r.get(2)?,
        is_active: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        messages_count: r.get(6)?,
    })
}

pub fn find_for_owner(
    conn: &Connection,
    user_id: i64,
    id: i64,
) -> rusqlite::Result<Option<ConversationRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM ai_conversations c WHERE c.id = ?1 AND c.user_id = ?2"),
        params![id, user_id],
        row,
    )
    .optional()
}

pub fn list(
    conn: &Connection,
    user_id: i64,
    filter: &ConversationFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<ConversationRow>)> {
    let mut w = Where::new("c.user_id = ?", user_id);
    if let Some(a) = filter.is_active {
        w.push("c.is_active = ?", a);
    }
    w.search(&query.search, &["c.title"]);
    let order = order_by_with(
        &query.ordering,
        &[
            ("created_at", "c.created_at"),
            ("updated_at", "c.updated_at"),
        ],
        "c.updated_at DESC",
        "c.id",
    );
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM ai_conversations c"),
        "ai_conversations c",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        row,
    )
}

/// The owner's `limit` most recently updated conversations.
pub fn recent(
    conn: &Connection,
    user_id: i64,
    limit: i64,
) -> rusqlite::Result<Vec<ConversationRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM ai_conversations c WHERE c.user_id = ?1 \
         ORDER BY c.updated_at DESC, c.id DESC LIMIT ?2"
    ))?
    .query_map(params![user_id, limit], row)?
    .collect()
}

pub fn insert(
    conn: &Connection,
    user_id: i64,
    title: Option<&str>,
    is_active: bool,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO ai_conversations (user_id, title, is_active, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![user_id, title, is_active, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update(conn: &Connection, c: &ConversationRow, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE ai_conversations SET title = ?1, is_active = ?2, updated_at = ?3 WHERE id = ?4 AND user_id = ?5",
        params![c.title, c.is_active, now, c.id, c.user_id],
    )?;
    Ok(())
}

/// A new message bumps `updated_at`, and names an untitled conversation after its first words.
pub fn touch(
    conn: &Connection,
    id: i64,
    title_if_none: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE ai_conversations SET title = coalesce(title, ?1), updated_at = ?2 WHERE id = ?3",
        params![title_if_none, now, id],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM ai_conversations WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )? > 0)
}

/// (conversations, messages) of the owner.
pub fn totals(conn: &Connection, user_id: i64) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT (SELECT count(*) FROM ai_conversations WHERE user_id = ?1), \
         (SELECT count(*) FROM ai_messages m JOIN ai_conversations c ON c.id = m.conversation_id \
          WHERE c.user_id = ?1)",
        [user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

// ---- messages ----

const MESSAGE_COLUMNS: &str =
    "m.id, m.conversation_id, m.role, m.content, m.metadata, m.created_at";
const MESSAGE_FROM: &str = "ai_messages m JOIN ai_conversations c ON c.id = m.conversation_id";

/// The most rows an unpaginated list returns.
const UNPAGINATED: i64 = 10_000;

fn message_row(r: &Row) -> rusqlite::Result<MessageRow> {
    let raw: String = r.get(4)?;
    Ok(MessageRow {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        role: r.get(2)?,
        content: r.get(3)?,
        metadata: serde_json::from_str(&raw).unwrap_or(Value::Null),
        created_at: r.get(5)?,
    })
}

pub fn insert_message(
    conn: &Connection,
    conversation_id: i64,
    role: &str,
    content: &str,
    metadata: &Value,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO ai_messages (conversation_id, role, content, metadata, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![conversation_id, role, content, metadata.to_string(), now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn find_message(
    conn: &Connection,
    user_id: i64,
    id: i64,
) -> rusqlite::Result<Option<MessageRow>> {
    conn.query_row(
        &format!("SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM} WHERE m.id = ?1 AND c.user_id = ?2"),
        params![id, user_id],
        message_row,
    )
    .optional()
}

/// A conversation's messages, oldest first.
pub fn messages_of(conn: &Connection, conversation_id: i64) -> rusqlite::Result<Vec<MessageRow>> {
    conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM ai_messages m WHERE m.conversation_id = ?1 \
         ORDER BY m.created_at, m.id LIMIT {UNPAGINATED}"
    ))?
    .query_map([conversation_id], message_row)?
    .collect()
}

/// The `n` messages of a conversation before message `before`, oldest first (a reply's history).
pub fn before(
    conn: &Connection,
    conversation_id: i64,
    before: i64,
    n: i64,
) -> rusqlite::Result<Vec<MessageRow>> {
    let mut rows = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM ai_messages m WHERE m.conversation_id = ?1 AND m.id < ?2 \
             ORDER BY m.id DESC LIMIT ?3"
        ))?
        .query_map(params![conversation_id, before, n], message_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.reverse();
    Ok(rows)
}

pub fn last_message(
    conn: &Connection,
    conversation_id: i64,
) -> rusqlite::Result<Option<MessageRow>> {
    conn.query_row(
        &format!(
            "SELECT {MESSAGE_COLUMNS} FROM ai_messages m WHERE m.conversation_id = ?1 \
             ORDER BY m.created_at DESC, m.id DESC LIMIT 1"
        ),
        [conversation_id],
        message_row,
    )
    .optional()
}

pub fn list_messages(
    conn: &Connection,
    user_id: i64,
    filter: &MessageFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<MessageRow>)> {
    let mut w = Where::new("c.user_id = ?", user_id);
    if let Some(id) = filter.conversation {
        w.push("m.conversation_id = ?", id);
    }
    if let Some(r) = &filter.role {
        w.push("m.role = ?", r.clone());
    }
    let order = order_by_with(
        &query.ordering,
        &[("created_at", "m.created_at")],
        "m.created_at DESC",
        "m.id",
    );
    fetch_page(
        conn,
        &format!("SELECT {MESSAGE_COLUMNS} FROM {MESSAGE_FROM}"),
        MESSAGE_FROM,
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        message_row,
    )
}
