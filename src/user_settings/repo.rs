//! SQL on `user_settings`.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::SettingsRow;

const COLUMNS: &str = "id, user_id, language, theme, timezone, units, currency, email_notifications, push_notifications, \
    maintenance_reminders, subscription_alerts, profile_public, otp_enabled, custom_settings, created_at, updated_at";

fn row(r: &Row) -> rusqlite::Result<SettingsRow> {
    let custom: String = r.get(13)?;
    Ok(SettingsRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        language: r.get(2)?,
        theme: r.get(3)?,
        timezone: r.get(4)?,
        units: r.get(5)?,
        currency: r.get(6)?,
        email_notifications: r.get(7)?,
        push_notifications: r.get(8)?,
        maintenance_reminders: r.get(9)?,
        subscription_alerts: r.get(10)?,
        profile_public: r.get(11)?,
        otp_enabled: r.get(12)?,
        custom_settings: serde_json::from_str(&custom).unwrap_or_else(|_| serde_json::json!({})),
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

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

pub fn find(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<SettingsRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM user_settings WHERE user_id = ?1"),
        [user_id],
        row,
    )
    .optional()
}

/// The row, created with defaults when missing.
pub fn get_or_create(conn: &Connection, user_id: i64, now: &str) -> rusqlite::Result<SettingsRow> {
    if let Some(s) = find(conn, user_id)? {
        return Ok(s);
    }
    insert_default(conn, user_id, "en", now)?;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM user_settings WHERE user_id = ?1"),
        [user_id],
        row,
    )
}

pub fn save(conn: &Connection, s: &SettingsRow, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE user_settings SET language = ?2, theme = ?3, timezone = ?4, units = ?5, currency = ?6, \
         email_notifications = ?7, push_notifications = ?8, maintenance_reminders = ?9, subscription_alerts = ?10, \
         profile_public = ?11, otp_enabled = ?12, custom_settings = ?13, updated_at = ?14 WHERE user_id = ?1",
        params![s.user_id, s.language, s.theme, s.timezone, s.units, s.currency, s.email_notifications,
            s.push_notifications, s.maintenance_reminders, s.subscription_alerts, s.profile_public, s.otp_enabled,
            s.custom_settings.to_string(), now],
    )?;
    Ok(())
}

/// The user's language setting (`en` when the row is missing).
pub fn language(conn: &Connection, user_id: i64) -> rusqlite::Result<String> {
    Ok(conn
        .prepare_cached("SELECT language FROM user_settings WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
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
