//! `maintenance_reminders` (jobs.md): scheduled work coming due gets an in-app notification and a mail, once per
//! (record, date, offset), subject to the owner's settings.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::repo::{self, Due};
use crate::app::AppState;
use crate::db::{parse_ts, ts};
use crate::i18n::{Lang, Tr};
use crate::mail::outbox::{self, NewMail};
use crate::notifications::repo::{NewNotification, notify};
use crate::scheduler::{JobCtx, JobOutcome};

/// A date for the recipient: fr `dd/mm/yyyy`, en `yyyy-mm-dd`, in their time zone.
pub fn format_date(t: DateTime<Utc>, tz: chrono_tz::Tz, lang: Lang) -> String {
    let local = t.with_timezone(&tz);
    match lang {
        Lang::Fr => local.format("%d/%m/%Y").to_string(),
        Lang::En => local.format("%Y-%m-%d").to_string(),
    }
}

/// `84 500 km` / `84,500 km`.
pub fn format_km(km: i64, lang: Lang) -> String {
    let digits = km.to_string();
    let sep = if lang == Lang::Fr { " " } else { "," };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    format!("{out} km")
}

/// Queues the notification and the mail of one reminder in one transaction; returns what was created.
fn remind(
    conn: &Connection,
    state: &AppState,
    due: &Due,
    offset: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(bool, bool)> {
    let Some(settings) = crate::user_settings::repo::find(conn, due.owner_id)? else {
        return Ok((false, false));
    };
    if !settings.maintenance_reminders {
        return Ok((false, false));
    }
    let Some(user) = crate::users::repo::find(conn, due.owner_id)? else {
        return Ok((false, false));
    };
    let lang = Lang::from_setting(&settings.language);
    let tz = settings.tz();
    let when = parse_ts(&due.service_date).unwrap_or(now);
    let days_left = (when.with_timezone(&tz).date_naive() - now.with_timezone(&tz).date_naive())
        .num_days()
        .max(0);
    let date = format_date(when, tz, lang);
    let mut vehicle = format!("{} {}", due.vehicle_make, due.vehicle_model);
    if let Some(plate) = &due.vehicle_plate {
        vehicle.push_str(&format!(" ({plate})"));
    }
    let key = format!("maintenance:{}:{}:{}", due.id, due.service_date, offset);
    let (in_en, in_fr) = match days_left {
        0 => ("today".to_owned(), "aujourd'hui".to_owned()),
        1 => ("tomorrow".to_owned(), "demain".to_owned()),
        n => (format!("in {n} days"), format!("dans {n} jours")),
    };
    let note = NewNotification {
        user_id: due.owner_id,
        notification_type: "maintenance_reminder",
        title: Tr::new(
            format!("Upcoming maintenance: {}", due.service_type),
            format!("Entretien à venir : {}", due.service_type),
        ),
        message: Tr::new(
            format!("{vehicle} — {date}, {in_en}."),
            format!("{vehicle} — {date}, {in_fr}."),
        ),
        link: Some("/maintenances"),
        metadata: json!({"maintenance_id": due.id, "vehicle_id": due.vehicle_id, "service_date": due.service_date, "offset_days": offset}),
        dedupe_key: Some(&key),
    };
    let now_s = ts(now);
    let noted = notify(conn, &note, lang, &now_s)?;
    let mut mailed = false;
    // Reminders carry text the account holder typed (vehicle, service): only to an address they proved is theirs.
    if settings.email_notifications && user.email_verified {
        let mail = NewMail {
            user_id: Some(due.owner_id),
            to: &user.email,
            template: "maintenance_reminder",
            lang,
            context: json!({
                "user_name": user.mail_name(&user.email),
                "vehicle_name": vehicle,
                "maintenance_type": due.service_type,
                "scheduled_date": date,
                "days_left": days_left,
                "mileage": due.mileage.map(|m| format_km(m, lang)).unwrap_or_default(),
                "dashboard_url": format!("{}/dashboard/maintenances", state.frontend_url()),
            }),
            expires_at: None,
            dedupe_key: Some(key.clone()),
        };
        mailed = outbox::enqueue(conn, &mail, &now_s)?;
    }
    repo::mark_reminded(conn, due.id, &due.service_date)?;
    Ok((noted, mailed))
}

pub async fn send_reminders(state: &AppState, ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let offsets = state.config.maintenance_reminder_days.clone();
    let now = state.clock.now();
    let (mut notes, mut mails) = (0, 0);
    for (i, offset) in offsets.iter().enumerate() {
        // This offset's window is (now + next smaller offset, now + offset]; the smallest ends at now.
        let lower = offsets
            .get(i + 1)
            .map(|d| now + chrono::Duration::days(*d))
            .unwrap_or(now);
        let upper = now + chrono::Duration::days(*offset);
        let (after, until) = (ts(lower), ts(upper));
        let due = state
            .db
            .read(move |c| Ok(repo::scheduled_between(c, &after, &until)?))
            .await?;
        for d in due {
            if ctx.stopping() {
                break;
            }
            let (st, off) = (state.clone(), *offset);
            let (n, m) = state
                .db
                .write(move |tx| Ok(remind(tx, &st, &d, off, now)?))
                .await?;
            notes += i64::from(n);
            mails += i64::from(m);
        }
    }
    if mails > 0 {
        state.kick_mail();
    }
    Ok(JobOutcome::new(
        notes,
        format!("{notes} reminders notified, {mails} mails queued"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_km(84500, Lang::Fr), "84 500 km");
        assert_eq!(format_km(1234567, Lang::En), "1,234,567 km");
        assert_eq!(format_km(999, Lang::En), "999 km");
        let t = parse_ts("2026-04-01T23:30:00.000000Z").unwrap();
        assert_eq!(
            format_date(t, chrono_tz::Europe::Paris, Lang::Fr),
            "02/04/2026"
        );
        assert_eq!(format_date(t, chrono_tz::UTC, Lang::En), "2026-04-01");
    }
}
