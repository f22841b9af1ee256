//! SQL on `diagnostics` and `diagnostic_replies`. A diagnostic belongs to `user_id`; replies are reached through
//! their diagnostic, so every query is scoped by the diagnostic's owner.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use super::model::{DiagnosticFilter, DiagnosticRow, ReplyFilter, ReplyRow};
use crate::db::query::{Where, fetch_page, order_by_with};
use crate::http::list::ListQuery;

const COLUMNS: &str = "d.id, d.user_id, d.vehicle_id, d.title, d.description, d.status, d.trouble_codes, \
    d.ai_analysis, d.confidence_score, d.analysis_data, d.analyzed_at, d.created_at, d.updated_at, \
    (SELECT count(*) FROM diagnostic_replies r WHERE r.diagnostic_id = d.id)";

const FROM: &str = "diagnostics d JOIN vehicles v ON v.id = d.vehicle_id";

fn json(r: &Row, i: usize) -> rusqlite::Result<Value> {
    let raw: String = r.get(i)?;
    Ok(serde_json::from_str(&raw).unwrap_or(Value::Null))
}

fn row(r: &Row) -> rusqlite::Result<DiagnosticRow> {
    let codes = json(r, 6)?;
    Ok(DiagnosticRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        vehicle_id: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        status: r.get(5)?,
        trouble_codes: serde_json::from_value(codes).unwrap_or_default(),
        ai_analysis: r.get(7)?,
        confidence_score: r.get(8)?,
        analysis_data: json(r, 9)?,
        analyzed_at: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        replies_count: r.get(13)?,
    })
}

pub fn find_for_owner(
    conn: &Connection,
    user_id: i64,
    id: i64,
) -> rusqlite::Result<Option<DiagnosticRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM diagnostics d WHERE d.id = ?1 AND d.user_id = ?2"),
        params![id, user_id],
        row,
    )
    .optional()
}

const ORDERING: &[(&str, &str)] = &[
    ("created_at", "d.created_at"),
    ("updated_at", "d.updated_at"),
];

pub fn list(
    conn: &Connection,
    user_id: i64,
    filter: &DiagnosticFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<DiagnosticRow>)> {
    let mut w = Where::new("d.user_id = ?", user_id);
    if let Some(v) = filter.vehicle {
        w.push("d.vehicle_id = ?", v);
    }
    if let Some(s) = &filter.status {
        w.push("d.status = ?", s.clone());
    }
    w.search(
        &query.search,
        &["d.title", "d.description", "v.make", "v.model"],
    );
    let order = order_by_with(&query.ordering, ORDERING, "d.created_at DESC", "d.id");
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM {FROM}"),
        FROM,
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        row,
    )
}

/// The most rows an unpaginated list returns.
const UNPAGINATED: i64 = 10_000;

/// The owner's diagnostics in `status` (or of `vehicle`), newest first.
pub fn plain(
    conn: &Connection,
    user_id: i64,
    status: Option<&str>,
    vehicle: Option<i64>,
) -> rusqlite::Result<Vec<DiagnosticRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM diagnostics d WHERE d.user_id = ?1 AND (?2 IS NULL OR d.status = ?2) \
         AND (?3 IS NULL OR d.vehicle_id = ?3) ORDER BY d.created_at DESC, d.id DESC LIMIT ?4"
    ))?
    .query_map(params![user_id, status, vehicle, UNPAGINATED], row)?
    .collect()
}

pub struct NewDiagnostic<'a> {
    pub user_id: i64,
    pub vehicle_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub status: &'a str,
    pub trouble_codes: &'a [String],
}

pub fn insert(conn: &Connection, d: &NewDiagnostic, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO diagnostics (user_id, vehicle_id, title, description, status, trouble_codes, created_at, \
         updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![
            d.user_id,
            d.vehicle_id,
            d.title,
            d.description,
            d.status,
            serde_json::to_string(d.trouble_codes).unwrap_or_else(|_| "[]".into()),
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update(conn: &Connection, d: &DiagnosticRow, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE diagnostics SET title = ?1, description = ?2, status = ?3, trouble_codes = ?4, updated_at = ?5 \
         WHERE id = ?6 AND user_id = ?7",
        params![
            d.title,
            d.description,
            d.status,
            serde_json::to_string(&d.trouble_codes).unwrap_or_else(|_| "[]".into()),
            now,
            d.id,
            d.user_id
        ],
    )?;
    Ok(())
}

pub fn save_analysis(
    conn: &Connection,
    id: i64,
    summary: &str,
    confidence: f64,
    data: &Value,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE diagnostics SET ai_analysis = ?1, confidence_score = ?2, analysis_data = ?3, analyzed_at = ?4, \
         updated_at = ?4 WHERE id = ?5",
        params![summary, confidence, data.to_string(), now, id],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM diagnostics WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )? > 0)
}

/// Diagnostics the user created since `since` (the monthly plan limit).
pub fn count_created_since(conn: &Connection, user_id: i64, since: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM diagnostics WHERE user_id = ?1 AND created_at >= ?2",
        params![user_id, since],
        |r| r.get(0),
    )
}

/// Counts per status, and the mean confidence over analysed diagnostics.
pub type Stats = (Vec<(String, i64)>, Option<f64>);

pub fn stats(conn: &Connection, user_id: i64) -> rusqlite::Result<Stats> {
    let by_status = conn
        .prepare_cached(
            "SELECT status, count(*) FROM diagnostics WHERE user_id = ?1 GROUP BY status ORDER BY status",
        )?
        .query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mean = conn.query_row(
        "SELECT avg(confidence_score) FROM diagnostics WHERE user_id = ?1 AND analyzed_at IS NOT NULL",
        [user_id],
        |r| r.get(0),
    )?;
    Ok((by_status, mean))
}

// ---- replies ----

const REPLY_COLUMNS: &str = "r.id, r.diagnostic_id, r.sender_id, r.sender_type, r.message, r.metadata, r.created_at, \
    r.updated_at";
const REPLY_FROM: &str = "diagnostic_replies r JOIN diagnostics d ON d.id = r.diagnostic_id";

fn reply_row(r: &Row) -> rusqlite::Result<ReplyRow> {
    Ok(ReplyRow {
        id: r.get(0)?,
        diagnostic_id: r.get(1)?,
        sender_id: r.get(2)?,
        sender_type: r.get(3)?,
        message: r.get(4)?,
        metadata: json(r, 5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub fn insert_reply(
    conn: &Connection,
    diagnostic_id: i64,
    sender_id: Option<i64>,
    sender_type: &str,
    message: &str,
    metadata: &Value,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO diagnostic_replies (diagnostic_id, sender_id, sender_type, message, metadata, created_at, \
         updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![diagnostic_id, sender_id, sender_type, message, metadata.to_string(), now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn find_reply(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<Option<ReplyRow>> {
    conn.query_row(
        &format!("SELECT {REPLY_COLUMNS} FROM {REPLY_FROM} WHERE r.id = ?1 AND d.user_id = ?2"),
        params![id, user_id],
        reply_row,
    )
    .optional()
}

/// A diagnostic's replies, oldest first.
pub fn replies_of(conn: &Connection, diagnostic_id: i64) -> rusqlite::Result<Vec<ReplyRow>> {
    conn.prepare_cached(&format!(
        "SELECT {REPLY_COLUMNS} FROM diagnostic_replies r WHERE r.diagnostic_id = ?1 ORDER BY r.created_at, r.id \
         LIMIT {UNPAGINATED}"
    ))?
    .query_map([diagnostic_id], reply_row)?
    .collect()
}

pub fn latest_reply(conn: &Connection, diagnostic_id: i64) -> rusqlite::Result<Option<ReplyRow>> {
    conn.query_row(
        &format!(
            "SELECT {REPLY_COLUMNS} FROM diagnostic_replies r WHERE r.diagnostic_id = ?1 \
             ORDER BY r.created_at DESC, r.id DESC LIMIT 1"
        ),
        [diagnostic_id],
        reply_row,
    )
    .optional()
}

pub fn list_replies(
    conn: &Connection,
    user_id: i64,
    filter: &ReplyFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<ReplyRow>)> {
    let mut w = Where::new("d.user_id = ?", user_id);
    if let Some(d) = filter.diagnostic {
        w.push("r.diagnostic_id = ?", d);
    }
    if let Some(s) = &filter.sender_type {
        w.push("r.sender_type = ?", s.clone());
    }
    let order = order_by_with(
        &query.ordering,
        &[("created_at", "r.created_at")],
        "r.created_at DESC",
        "r.id",
    );
    fetch_page(
        conn,
        &format!("SELECT {REPLY_COLUMNS} FROM {REPLY_FROM}"),
        REPLY_FROM,
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        reply_row,
    )
}

pub fn update_reply(
    conn: &Connection,
    id: i64,
    message: &str,
    metadata: &Value,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE diagnostic_replies SET message = ?1, metadata = ?2, updated_at = ?3 WHERE id = ?4",
        params![message, metadata.to_string(), now, id],
    )?;
    Ok(())
}

pub fn delete_reply(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM diagnostic_replies WHERE id = ?1", [id])?;
    Ok(())
}
