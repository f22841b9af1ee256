//! The outbox (`mail_outbox`): every mail is a row written in the transaction of the change that causes it; the
//! `deliver_mail` job sends due rows with retries and backoff (mail.md §1, jobs.md).

use chrono::{DateTime, Datelike, Utc};
use rusqlite::{Connection, params};
use serde_json::Value;

use crate::app::AppState;
use crate::db::ts;
use crate::i18n::Lang;
use crate::mail::Mailer;
use crate::scheduler::{JobCtx, JobOutcome};

/// Context members holding a secret: removed once a row reaches a final status.
const SECRET_KEYS: &[&str] = &["otp_code", "reset_url"];

/// Waits before the next attempt after the 1st, 2nd, … failure; after the last one the row is `failed`.
const BACKOFF_MINUTES: &[i64] = &[1, 5, 30, 120, 360, 720];

/// Rows taken per run.
const BATCH: i64 = 100;

pub struct NewMail<'a> {
    pub user_id: Option<i64>,
    pub to: &'a str,
    pub template: &'a str,
    pub lang: Lang,
    pub context: Value,
    /// For mails carrying a secret: not sent after this.
    pub expires_at: Option<String>,
    pub dedupe_key: Option<String>,
}

/// Queues a mail inside the caller's transaction; a repeated `dedupe_key` is a no-op (returns false).
pub fn enqueue(conn: &Connection, mail: &NewMail, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT INTO mail_outbox (dedupe_key, user_id, to_email, template, language, context, next_attempt_at, \
         expires_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?7) ON CONFLICT DO NOTHING",
        params![
            mail.dedupe_key,
            mail.user_id,
            mail.to,
            mail.template,
            mail.lang.code(),
            mail.context.to_string(),
            now,
            mail.expires_at
        ],
    )?;
    if n == 1 {
        // The address stays out of the logs: the row id and the user id lead to it for whoever may read it.
        tracing::info!(
            template = mail.template,
            outbox_id = conn.last_insert_rowid(),
            user_id = mail.user_id,
            "mail queued"
        );
    }
    Ok(n == 1)
}

/// An SMTP server's answer often quotes the recipient (`550 5.1.1 <jo@example.org>: unknown user`): the log gets it
/// without the address (the outbox row keeps the whole answer).
fn without_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn pending_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM mail_outbox WHERE status IN ('pending', 'sending')",
        [],
        |r| r.get(0),
    )
}

/// An outbox row as the operator sees it (`autotrack outbox`).
pub struct Listed {
    pub id: i64,
    pub to: String,
    pub template: String,
    pub language: String,
    pub context: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: String,
}

const LISTED: &str = "SELECT id, to_email, template, language, context, status, attempts, last_error, created_at FROM mail_outbox";

fn listed(r: &rusqlite::Row) -> rusqlite::Result<Listed> {
    Ok(Listed {
        id: r.get(0)?,
        to: r.get(1)?,
        template: r.get(2)?,
        language: r.get(3)?,
        context: r.get(4)?,
        status: r.get(5)?,
        attempts: r.get(6)?,
        last_error: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// The newest rows, to one address (compared as stored: trimmed, lower-cased) or to all; waiting ones only
/// unless `all`.
pub fn list(
    conn: &Connection,
    to: Option<&str>,
    all: bool,
    limit: i64,
) -> rusqlite::Result<Vec<Listed>> {
    let sql = format!(
        "{LISTED} WHERE (?1 IS NULL OR to_email = ?1 COLLATE NOCASE) AND (?2 OR status IN ('pending', 'sending')) \
         ORDER BY id DESC LIMIT ?3"
    );
    let mut stmt = conn.prepare(&sql)?;
    stmt.query_map(params![to, all, limit], listed)?.collect()
}

/// One row by id, or the newest to an address (or the newest of all).
pub fn find(
    conn: &Connection,
    id: Option<i64>,
    to: Option<&str>,
) -> rusqlite::Result<Option<Listed>> {
    let sql = format!(
        "{LISTED} WHERE (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR to_email = ?2 COLLATE NOCASE) ORDER BY id DESC LIMIT 1"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query_map(params![id, to], listed)?;
    rows.next().transpose()
}

struct Due {
    id: i64,
    created_at: String,
    to: String,
    template: String,
    language: String,
    context: String,
    attempts: i64,
}

impl Due {
    /// Unique per row and per database (ids are never reused; the creation time tells databases apart).
    fn message_key(&self) -> String {
        let stamp: String = self
            .created_at
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        format!("outbox.{}.{stamp}", self.id)
    }
}

fn strip_secrets_sql() -> String {
    let paths: Vec<String> = SECRET_KEYS.iter().map(|k| format!("'$.{k}'")).collect();
    format!("json_remove(context, {})", paths.join(", "))
}

/// Expires stale secrets, recovers rows left `sending` by a dead run, and claims due rows (marking them `sending`).
fn claim(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Vec<Due>> {
    let now_s = ts(now);
    conn.execute(
        &format!(
            "UPDATE mail_outbox SET status = 'expired', context = {}, updated_at = ?1 \
             WHERE status IN ('pending', 'sending') AND expires_at IS NOT NULL AND expires_at <= ?1",
            strip_secrets_sql()
        ),
        [&now_s],
    )?;
    // Claims run under the deliver_mail lease, so no other sender is alive: a row still `sending` was being sent
    // by a run that died (the process was killed). Send it again; it may have reached the server already, and
    // then it arrives twice with the same Message-ID.
    conn.execute(
        "UPDATE mail_outbox SET status = 'pending', updated_at = ?1 WHERE status = 'sending'",
        [&now_s],
    )?;
    let mut stmt = conn.prepare(
        "SELECT id, to_email, template, language, context, attempts, created_at FROM mail_outbox \
         WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
    )?;
    let rows: Vec<Due> = stmt
        .query_map(params![now_s, BATCH], |r| {
            Ok(Due {
                id: r.get(0)?,
                to: r.get(1)?,
                template: r.get(2)?,
                language: r.get(3)?,
                context: r.get(4)?,
                attempts: r.get(5)?,
                created_at: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for row in &rows {
        conn.execute(
            "UPDATE mail_outbox SET status = 'sending', updated_at = ?2 WHERE id = ?1",
            params![row.id, now_s],
        )?;
    }
    Ok(rows)
}

fn mark_sent(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "UPDATE mail_outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = NULL, \
             context = {}, updated_at = ?2 WHERE id = ?1",
            strip_secrets_sql()
        ),
        params![id, now],
    )?;
    Ok(())
}

/// Records a failure: back to `pending` with backoff, or `failed` after the last attempt (or when `permanent`).
fn mark_failed(
    conn: &Connection,
    id: i64,
    attempts: i64,
    error: &str,
    permanent: bool,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let attempts = attempts + 1;
    let error: String = error.chars().take(500).collect();
    match BACKOFF_MINUTES.get((attempts - 1) as usize).filter(|_| !permanent) {
        Some(minutes) => conn.execute(
            "UPDATE mail_outbox SET status = 'pending', attempts = ?2, next_attempt_at = ?3, last_error = ?4, \
             updated_at = ?5 WHERE id = ?1",
            params![id, attempts, ts(now + chrono::Duration::minutes(*minutes)), error, ts(now)],
        )?,
        None => conn.execute(
            &format!(
                "UPDATE mail_outbox SET status = 'failed', attempts = ?2, last_error = ?3, context = {}, \
                 updated_at = ?4 WHERE id = ?1",
                strip_secrets_sql()
            ),
            params![id, attempts, error, ts(now)],
        )?,
    };
    Ok(())
}

fn release(conn: &Connection, ids: &[i64], now: &str) -> rusqlite::Result<()> {
    for id in ids {
        conn.execute(
            "UPDATE mail_outbox SET status = 'pending', updated_at = ?2 WHERE id = ?1 AND status = 'sending'",
            params![id, now],
        )?;
    }
    Ok(())
}

/// The `deliver_mail` job.
pub async fn deliver_pending(state: &AppState, ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let Some(mailer) = state.mailer.clone() else {
        let waiting = state.db.read(|c| Ok(pending_count(c)?)).await?;
        return Ok(JobOutcome::new(
            0,
            format!("SMTP not configured; {waiting} mail(s) waiting in the outbox"),
        ));
    };
    let (mut sent, mut failed) = (0, 0);
    // A backlog (after an SMTP outage or a crash) drains in one run, a batch at a time; a batch that only failed
    // means the server is unreachable, and the rows wait for their retry time.
    while !ctx.stopping() {
        let now = state.clock.now();
        let due = state.db.write(move |tx| Ok(claim(tx, now)?)).await?;
        if due.is_empty() {
            break;
        }
        let (s, f) = deliver_batch(state, ctx, &mailer, due).await?;
        sent += s;
        failed += f;
        if s == 0 && f > 0 {
            break;
        }
    }
    Ok(JobOutcome::new(
        sent,
        format!("{sent} sent, {failed} failed"),
    ))
}

/// Sends the claimed rows one by one and records each outcome; returns (sent, failed).
async fn deliver_batch(
    state: &AppState,
    ctx: &JobCtx,
    mailer: &Mailer,
    due: Vec<Due>,
) -> anyhow::Result<(i64, i64)> {
    let (mut sent, mut failed) = (0, 0);
    let mut ids: Vec<i64> = due.iter().map(|d| d.id).collect();
    for row in due {
        if ctx.stopping() {
            break;
        }
        ids.retain(|id| *id != row.id);
        let lang = Lang::from_setting(&row.language);
        let context: Value = serde_json::from_str(&row.context).unwrap_or(Value::Null);
        let rendered =
            state
                .templates
                .render(&row.template, lang, &context, state.clock.now().year());
        let result = match &rendered {
            Ok(mail) => mailer
                .send(&row.to, mail, Some(&row.message_key()))
                .await
                .map(|_| ())
                .map_err(|e| (format!("{e:#}"), false)),
            Err(e) => Err((format!("{e:#}"), true)),
        };
        let now = state.clock.now();
        match result {
            Ok(()) => {
                sent += 1;
                tracing::info!(template = %row.template, outbox_id = row.id, "mail sent");
                let now_s = ts(now);
                state
                    .db
                    .write(move |tx| Ok(mark_sent(tx, row.id, &now_s)?))
                    .await?;
            }
            Err((error, permanent)) => {
                failed += 1;
                tracing::warn!(template = %row.template, outbox_id = row.id, attempt = row.attempts + 1, error = %without_addresses(&error), "mail not sent");
                state
                    .db
                    .write(move |tx| {
                        Ok(mark_failed(
                            tx,
                            row.id,
                            row.attempts,
                            &error,
                            permanent,
                            now,
                        )?)
                    })
                    .await?;
            }
        }
    }
    if !ids.is_empty() {
        // Stopping: hand the untouched rows back at once rather than at the next run's recovery.
        let now_s = ts(state.clock.now());
        state
            .db
            .write(move |tx| Ok(release(tx, &ids, &now_s)?))
            .await?;
    }
    Ok((sent, failed))
}

/// `prune_logs` part: sent and expired rows older than 30 days.
pub fn prune(conn: &Connection, month_ago: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM mail_outbox WHERE status IN ('sent', 'expired') AND updated_at < ?1",
        [month_ago],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_smtp_answers_name_no_address() {
        assert_eq!(
            without_addresses(
                "permanent error (550): 5.1.1 <jo.doe@example.org>: Recipient address rejected"
            ),
            "permanent error (550): 5.1.1 <address> Recipient address rejected"
        );
        assert_eq!(
            without_addresses("connection refused"),
            "connection refused"
        );
    }
}
