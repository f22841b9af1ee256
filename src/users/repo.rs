//! All SQL on `users`, `sessions`, `otp_codes` and `password_reset_tokens`. Synchronous functions on a
//! connection or transaction; datetimes are passed in as stored strings (see `db::ts`).

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{OtpRow, ResetRow, SessionRow, UserRow};

const USER_COLUMNS: &str = "id, email, password_hash, first_name, last_name, phone_number, email_verified, \
    pending_email, is_active, is_staff, token_version, otp_locked_until, last_login_at, created_at, updated_at";

fn user_row(r: &Row) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        email: r.get(1)?,
        password_hash: r.get(2)?,
        first_name: r.get(3)?,
        last_name: r.get(4)?,
        phone_number: r.get(5)?,
        email_verified: r.get(6)?,
        pending_email: r.get(7)?,
        is_active: r.get(8)?,
        is_staff: r.get(9)?,
        token_version: r.get(10)?,
        otp_locked_until: r.get(11)?,
        last_login_at: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
    })
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<UserRow>> {
    conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id], user_row)
        .optional()
}

pub fn find_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<UserRow>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1 COLLATE NOCASE"),
        [email],
        user_row,
    )
    .optional()
}

/// True when another account (not `except`) uses `email`.
pub fn email_taken(conn: &Connection, email: &str, except: Option<i64>) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1 COLLATE NOCASE AND id IS NOT ?2)",
        params![email, except],
        |r| r.get(0),
    )
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone_number: Option<&'a str>,
    pub email_verified: bool,
    pub is_staff: bool,
}

pub fn insert(conn: &Connection, u: &NewUser, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO users (email, password_hash, first_name, last_name, phone_number, email_verified, is_staff, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![u.email, u.password_hash, u.first_name, u.last_name, u.phone_number, u.email_verified, u.is_staff, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// New hash; with `bump_version`, every token issued before stops working.
pub fn set_password(
    conn: &Connection,
    id: i64,
    hash: &str,
    bump_version: bool,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2, token_version = token_version + ?3, updated_at = ?4 WHERE id = ?1",
        params![id, hash, i64::from(bump_version), now],
    )?;
    Ok(())
}

pub fn set_last_login(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

pub fn set_email_verified(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET email_verified = 1, updated_at = ?2 WHERE id = ?1 AND email_verified = 0",
        params![id, now],
    )?;
    Ok(())
}

pub fn update_profile(
    conn: &Connection,
    id: i64,
    first_name: &str,
    last_name: &str,
    phone_number: Option<&str>,
    pending_email: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET first_name = ?2, last_name = ?3, phone_number = ?4, pending_email = ?5, updated_at = ?6 \
         WHERE id = ?1",
        params![id, first_name, last_name, phone_number, pending_email, now],
    )?;
    Ok(())
}

pub fn finish_email_change(
    conn: &Connection,
    id: i64,
    new_email: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET email = ?2, pending_email = NULL, email_verified = 1, updated_at = ?3 WHERE id = ?1",
        params![id, new_email, now],
    )?;
    Ok(())
}

pub fn set_staff(conn: &Connection, id: i64, is_staff: bool, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET is_staff = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, is_staff, now],
    )?;
    Ok(())
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))
}

// ---- access-token check -------------------------------------------------------------------------------------

#[derive(Clone)]
pub struct TokenUser {
    pub is_staff: bool,
    pub token_version: i64,
    pub session_revoked: bool,
    pub session_expires_at: String,
    pub language: String,
}

impl TokenUser {
    /// Whether the session is still usable at `now` (a `db::ts` string: they order as text).
    pub fn session_live(&self, now: &str) -> bool {
        !self.session_revoked && self.session_expires_at.as_str() > now
    }
}

pub enum TokenCheck {
    UnknownUserOrSession,
    Disabled,
    Active(TokenUser),
}

/// What an access token needs checked, in one round trip: the user, and the session `sid` of that user.
pub fn token_check(conn: &Connection, user_id: i64, sid: i64) -> rusqlite::Result<TokenCheck> {
    let row = conn
        .prepare_cached(
            "SELECT u.is_active, u.is_staff, u.token_version, s.revoked_at IS NOT NULL, s.expires_at \
             FROM users u LEFT JOIN sessions s ON s.id = ?2 AND s.user_id = u.id WHERE u.id = ?1",
        )?
        .query_row(params![user_id, sid], |r| {
            Ok((
                r.get::<_, bool>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<bool>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .optional()?;
    let Some((is_active, is_staff, token_version, revoked, expires_at)) = row else {
        return Ok(TokenCheck::UnknownUserOrSession);
    };
    let (Some(session_revoked), Some(session_expires_at)) = (revoked, expires_at) else {
        return Ok(TokenCheck::UnknownUserOrSession);
    };
    if !is_active {
        return Ok(TokenCheck::Disabled);
    }
    let language = crate::user_settings::repo::language(conn, user_id)?;
    Ok(TokenCheck::Active(TokenUser {
        is_staff,
        token_version,
        session_revoked,
        session_expires_at,
        language,
    }))
}

// ---- sessions -----------------------------------------------------------------------------------------------

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
