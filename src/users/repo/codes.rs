//! SQL on `otp_codes` and `password_reset_tokens`, and the clean-up of old auth rows.

use rusqlite::{Connection, OptionalExtension, params};

use crate::users::model::{OtpRow, ResetRow};

// ---- one-time codes -----------------------------------------------------------------------------------------

/// Issues a code: the previous live code of the same purpose is deleted first (one live code per purpose).
pub fn replace_code(
    conn: &Connection,
    user_id: i64,
    purpose: &str,
    target_email: &str,
    code_hash: &str,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM otp_codes WHERE user_id = ?1 AND purpose = ?2 AND consumed_at IS NULL",
        params![user_id, purpose],
    )?;
    conn.execute(
        "INSERT INTO otp_codes (user_id, purpose, target_email, code_hash, expires_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![user_id, purpose, target_email, code_hash, expires_at, now],
    )?;
    Ok(())
}

/// Unconsumed codes of the user for `purposes`, newest first (expired ones included).
pub fn live_codes(
    conn: &Connection,
    user_id: i64,
    purposes: &[&str],
) -> rusqlite::Result<Vec<OtpRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, purpose, target_email, code_hash, expires_at FROM otp_codes \
         WHERE user_id = ?1 AND consumed_at IS NULL ORDER BY created_at DESC, id DESC",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok(OtpRow {
            id: r.get(0)?,
            purpose: r.get(1)?,
            target_email: r.get(2)?,
            code_hash: r.get(3)?,
            expires_at: r.get(4)?,
        })
    })?;
    let all: Vec<OtpRow> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(all
        .into_iter()
        .filter(|c| purposes.contains(&c.purpose.as_str()))
        .collect())
}

pub fn consume_code(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE otp_codes SET consumed_at = ?2 WHERE id = ?1 AND consumed_at IS NULL",
        params![id, now],
    )?;
    Ok(())
}

/// Counts a wrong code against the user (all purposes together) and returns the failures of the current
/// window: a failure after `window_start` joins the open window, an older window starts again at one.
pub fn add_otp_failure(
    conn: &Connection,
    user_id: i64,
    now: &str,
    window_start: &str,
) -> rusqlite::Result<i64> {
    conn.query_row(
        "UPDATE users SET \
           otp_failures = CASE WHEN otp_failures_since > ?3 THEN otp_failures + 1 ELSE 1 END, \
           otp_failures_since = CASE WHEN otp_failures_since > ?3 THEN otp_failures_since ELSE ?2 END \
         WHERE id = ?1 RETURNING otp_failures",
        params![user_id, now, window_start],
        |r| r.get(0),
    )
}

/// Locks code verification until `until`: the live codes die and the failure window closes.
pub fn lock_otp(conn: &Connection, user_id: i64, until: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE otp_codes SET consumed_at = ?2 WHERE user_id = ?1 AND consumed_at IS NULL",
        params![user_id, now],
    )?;
    conn.execute(
        "UPDATE users SET otp_locked_until = ?2, otp_failures = 0, otp_failures_since = NULL WHERE id = ?1",
        params![user_id, until],
    )?;
    Ok(())
}

/// A redeemed code closes the failure window.
pub fn clear_otp_failures(conn: &Connection, user_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET otp_failures = 0, otp_failures_since = NULL WHERE id = ?1 AND otp_failures > 0",
        [user_id],
    )?;
    Ok(())
}

// ---- password reset tokens ----------------------------------------------------------------------------------

pub fn insert_reset_token(
    conn: &Connection,
    user_id: i64,
    token_hash: &str,
    ip: Option<&str>,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE password_reset_tokens SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
        params![user_id, now],
    )?;
    conn.execute(
        "INSERT INTO password_reset_tokens (user_id, token_hash, requested_ip, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user_id, token_hash, ip, now, expires_at],
    )?;
    Ok(())
}

pub fn find_reset_token(conn: &Connection, token_hash: &str) -> rusqlite::Result<Option<ResetRow>> {
    conn.query_row(
        "SELECT id, user_id, expires_at, used_at FROM password_reset_tokens WHERE token_hash = ?1",
        [token_hash],
        |r| {
            Ok(ResetRow {
                id: r.get(0)?,
                user_id: r.get(1)?,
                expires_at: r.get(2)?,
                used_at: r.get(3)?,
            })
        },
    )
    .optional()
}

/// Consumes a token atomically (of concurrent uses exactly one gets the user id) and retires the user's others.
pub fn consume_reset_token(
    conn: &Connection,
    token_hash: &str,
    now: &str,
) -> rusqlite::Result<Option<i64>> {
    let user_id: Option<i64> = conn
        .query_row(
            "UPDATE password_reset_tokens SET used_at = ?2 \
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 RETURNING user_id",
            params![token_hash, now],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(uid) = user_id {
        conn.execute(
            "UPDATE password_reset_tokens SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
            params![uid, now],
        )?;
    }
    Ok(user_id)
}

// ---- clean-up (cleanup_auth job) ----------------------------------------------------------------------------

/// Deletes old sessions, codes and reset tokens and lifts past OTP locks; returns the rows touched.
pub fn cleanup(
    conn: &Connection,
    now: &str,
    month_ago: &str,
    day_ago: &str,
) -> rusqlite::Result<usize> {
    let mut n = conn.execute(
        "DELETE FROM sessions WHERE (revoked_at IS NOT NULL AND revoked_at < ?1) OR expires_at < ?1",
        [month_ago],
    )?;
    n += conn.execute(
        "DELETE FROM otp_codes WHERE expires_at < ?1 OR (consumed_at IS NOT NULL AND consumed_at < ?1)",
        [day_ago],
    )?;
    n += conn.execute(
        "DELETE FROM password_reset_tokens WHERE expires_at < ?1 OR (used_at IS NOT NULL AND used_at < ?1)",
        [day_ago],
    )?;
    n += conn.execute(
        "UPDATE users SET otp_locked_until = NULL WHERE otp_locked_until IS NOT NULL AND otp_locked_until <= ?1",
        [now],
    )?;
    Ok(n)
}
