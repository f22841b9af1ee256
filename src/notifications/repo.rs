//! SQL on `notifications`.

use rusqlite::{Connection, params};

use crate::i18n::{Lang, Tr};

pub struct NewNotification<'a> {
    pub user_id: i64,
    pub notification_type: &'a str,
    pub title: Tr,
    pub message: Tr,
    pub link: Option<&'a str>,
    pub metadata: serde_json::Value,
    pub dedupe_key: Option<&'a str>,
}

/// Creates a notification in the recipient's language; a repeated `dedupe_key` for the user does nothing.
/// Returns whether a row was created.
pub fn notify(
    conn: &Connection,
    n: &NewNotification,
    lang: Lang,
    now: &str,
) -> rusqlite::Result<bool> {
    let created = conn.execute(
        "INSERT INTO notifications (user_id, notification_type, title, message, link, metadata, dedupe_key, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) ON CONFLICT DO NOTHING",
        params![
            n.user_id,
            n.notification_type,
            n.title.get(lang),
            n.message.get(lang),
            n.link,
            n.metadata.to_string(),
            n.dedupe_key,
            now
        ],
    )?;
    Ok(created == 1)
}
