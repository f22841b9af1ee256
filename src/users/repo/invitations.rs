//! SQL on `invitations`.

use rusqlite::{Connection, OptionalExtension, params};

pub fn insert_invitation(
    tx: &Connection,
    email: &str,
    code_hash: &str,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO invitations (email, code_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![email, code_hash, now, expires_at],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The id of the live (unused, unexpired) invitation with this code for this address.
pub fn live_invitation(
    conn: &Connection,
    email: &str,
    code_hash: &str,
    now: &str,
) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM invitations WHERE code_hash = ?1 AND email = ?2 AND used_at IS NULL AND expires_at > ?3",
        params![code_hash, email, now],
        |r| r.get(0),
    )
    .optional()
}

/// Marks the invitation used by `user_id`; false when another registration used it first.
pub fn use_invitation(tx: &Connection, id: i64, user_id: i64, now: &str) -> rusqlite::Result<bool> {
    Ok(tx.execute(
        "UPDATE invitations SET used_at = ?2, used_by_id = ?3 WHERE id = ?1 AND used_at IS NULL",
        params![id, now, user_id],
    )? == 1)
}
