//! SQL on `stripe_events`.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Envelope, EventFilter, EventRow};
use crate::db::query::{Where, fetch_page, order_by};
use crate::http::list::ListQuery;

const COLUMNS: &str = "id, stripe_event_id, event_type, source, livemode, stripe_created, payload, status, \
    error_message, delivery_count, processed_at, created_at, updated_at";

fn row(r: &Row) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: r.get(0)?,
        stripe_event_id: r.get(1)?,
        event_type: r.get(2)?,
        source: r.get(3)?,
        livemode: r.get(4)?,
        stripe_created: r.get(5)?,
        payload: r.get(6)?,
        status: r.get(7)?,
        error_message: r.get(8)?,
        delivery_count: r.get(9)?,
        processed_at: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// Stores a delivery: a new event, or one more delivery of a known one. Returns the row as it now is.
pub fn receive(
    conn: &Connection,
    e: &Envelope,
    payload: &str,
    now: &str,
) -> rusqlite::Result<EventRow> {
    conn.query_row(
        &format!(
            "INSERT INTO stripe_events (stripe_event_id, event_type, livemode, stripe_created, payload, created_at, \
             updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (stripe_event_id) DO UPDATE SET \
             delivery_count = delivery_count + 1, updated_at = ?6 RETURNING {COLUMNS}"
        ),
        params![e.id, e.kind, e.livemode, e.created, payload, now],
        row,
    )
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<EventRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM stripe_events WHERE id = ?1"),
        [id],
        row,
    )
    .optional()
}

/// The event's status now (inside the processing transaction: a concurrent delivery may have processed it).
pub fn status(conn: &Connection, id: i64) -> rusqlite::Result<String> {
    conn.query_row(
        "SELECT status FROM stripe_events WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
}

/// Records the outcome: `processed`, `ignored` (with a note) or `failed` (with the error).
pub fn finish(
    conn: &Connection,
    id: i64,
    status: &str,
    message: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE stripe_events SET status = ?2, error_message = ?3, updated_at = ?4, \
         processed_at = CASE WHEN ?2 IN ('processed', 'ignored') THEN ?4 ELSE processed_at END WHERE id = ?1",
        params![id, status, message, now],
    )?;
    Ok(())
}

const ORDERING: &[(&str, &str)] = &[("created_at", "created_at")];

pub fn list(
    conn: &Connection,
    f: &EventFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<EventRow>)> {
    let mut w = Where::default();
    if let Some(t) = &f.event_type {
        w.push("event_type = ?", t.clone());
    }
    if let Some(s) = &f.source {
        w.push("source = ?", s.clone());
    }
    if let Some(p) = f.processed {
        w.push("(status IN ('processed', 'ignored')) = ?", i64::from(p));
    }
    if let Some(s) = &f.status {
        w.push("status = ?", s.clone());
    }
    let order = order_by(&query.ordering, ORDERING, "created_at DESC");
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM stripe_events"),
        "stripe_events",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        row,
    )
}

/// `received` or `failed`, oldest first (the order to re-process them in).
pub fn unprocessed(conn: &Connection) -> rusqlite::Result<Vec<EventRow>> {
    conn.prepare(&format!(
        "SELECT {COLUMNS} FROM stripe_events WHERE status IN ('received', 'failed') ORDER BY created_at, id LIMIT 1000"
    ))?
    .query_map([], row)?
    .collect()
}

/// Events with an error or a note, newest first.
pub fn with_errors(conn: &Connection) -> rusqlite::Result<Vec<EventRow>> {
    conn.prepare(&format!(
        "SELECT {COLUMNS} FROM stripe_events WHERE error_message IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1000"
    ))?
    .query_map([], row)?
    .collect()
}

/// `prune_logs` part: processed and ignored events older than 90 days.
pub fn prune(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM stripe_events WHERE status IN ('processed', 'ignored') AND created_at < ?1",
        [before],
    )
}
