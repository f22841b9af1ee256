//! All SQL on `users`, `sessions` (`sessions.rs`), `otp_codes` and `password_reset_tokens` (`codes.rs`).
//! Synchronous functions on a connection or transaction; datetimes are passed in as stored strings (`db::ts`).

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::UserRow;

mod codes;
mod invitations;
mod sessions;
pub use codes::*;
pub use invitations::*;
pub use sessions::*;

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

/// The user whose Stripe customer this is.
pub fn find_by_stripe_customer(conn: &Connection, customer: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM users WHERE stripe_customer_id = ?1",
        [customer],
        |r| r.get(0),
    )
    .optional()
}

/// Stores the user's Stripe customer when none is stored yet (another user's customer id is left alone).
pub fn set_stripe_customer_if_empty(
    conn: &Connection,
    user_id: i64,
    customer: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET stripe_customer_id = ?2 WHERE id = ?1 AND stripe_customer_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM users WHERE stripe_customer_id = ?2)",
        rusqlite::params![user_id, customer],
    )?;
    Ok(())
}

/// The user's Stripe customer id, if one was created.
pub fn stripe_customer(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT stripe_customer_id FROM users WHERE id = ?1",
        [user_id],
        |r| r.get(0),
    )
    .optional()
    .map(Option::flatten)
}
