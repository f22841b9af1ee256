//! SQL on `sessions` (one row per login: a refresh-token family).

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::users::model::SessionRow;

const SESSION_COLUMNS: &str = "id, user_id, refresh_jti, ip_address, user_agent, created_at, last_used_at, expires_at, revoked_at";

fn session_row(r: &Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        refresh_jti: r.get(2)?,
        ip_address: r.get(3)?,
        user_agent: r.get(4)?,
        created_at: r.get(5)?,
        last_used_at: r.get(6)?,
        expires_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

pub fn insert_session(
    conn: &Connection,
    user_id: i64,
    jti: &str,
    ip: Option<&str>,
    user_agent: Option<&str>,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO sessions (user_id, refresh_jti, ip_address, user_agent, created_at, last_used_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        params![user_id, jti, ip, user_agent, now, expires_at],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn find_session(conn: &Connection, id: i64) -> rusqlite::Result<Option<SessionRow>> {
    conn.query_row(
        &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"),
        [id],
        session_row,
    )
    .optional()
}

/// Rotation: the session's current refresh id becomes `new_jti`, only if it still is `old_jti`.
pub fn rotate_session(
    conn: &Connection,
    id: i64,
    old_jti: &str,
    new_jti: &str,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE sessions SET refresh_jti = ?3, last_used_at = ?4, expires_at = ?5 \
         WHERE id = ?1 AND refresh_jti = ?2 AND revoked_at IS NULL",
        params![id, old_jti, new_jti, now, expires_at],
    )?;
    Ok(n == 1)
}

pub fn revoke_session(
    conn: &Connection,
    id: i64,
    reason: &str,
    now: &str,
) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE sessions SET revoked_at = ?3, revoked_reason = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, reason, now],
    )?;
    Ok(n == 1)
}

/// Revokes every live session of the user except `keep`; returns how many.
pub fn revoke_user_sessions(
    conn: &Connection,
    user_id: i64,
    reason: &str,
    now: &str,
    keep: Option<i64>,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE sessions SET revoked_at = ?3, revoked_reason = ?2 \
         WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?3 AND id IS NOT ?4",
        params![user_id, reason, now, keep],
    )
}

pub fn count_active_sessions(conn: &Connection, user_id: i64, now: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2",
        params![user_id, now],
        |r| r.get(0),
    )
}

pub fn list_active_sessions(
    conn: &Connection,
    user_id: i64,
    now: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2 \
         ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![user_id, now, limit, offset], session_row)?;
    rows.collect()
}
