//! SQL on `user_settings`.

use rusqlite::{Connection, OptionalExtension, params};

pub fn insert_default(
    conn: &Connection,
    user_id: i64,
    language: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO user_settings (user_id, language, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) \
         ON CONFLICT (user_id) DO NOTHING",
        params![user_id, language, now],
    )?;
    Ok(())
}

/// The user's language setting (`en` when the row is missing).
pub fn language(conn: &Connection, user_id: i64) -> rusqlite::Result<String> {
    Ok(conn
        .query_row(
            "SELECT language FROM user_settings WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| "en".to_owned()))
}

/// Whether the user asked for a second factor (used when the server policy is `optional`).
pub fn otp_enabled(conn: &Connection, user_id: i64) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT otp_enabled FROM user_settings WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}
