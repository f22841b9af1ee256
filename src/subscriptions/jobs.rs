//! The subscription jobs (jobs.md): `expire_subscriptions` ends locally managed subscriptions at their period end
//! and puts the user back on the default plan; `renewal_reminders` tells users 7 days and 1 day before a period
//! ends. Each effect is guarded by a state condition or a dedupe key, so a job may run twice or be killed.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::model::SubscriptionRow;
use super::notices::name_of;
use super::repo;
use crate::app::AppState;
use crate::db::{parse_ts, ts};
use crate::i18n::{Lang, Tr};
use crate::mail::outbox::{self, NewMail};
use crate::maintenances::jobs::format_date;
use crate::notifications::repo::{NewNotification, notify};
use crate::scheduler::{JobCtx, JobOutcome};

/// Ends one subscription (if still due), creates the default-plan one, and queues the notification and the mail.
fn end_one(
    conn: &Connection,
    state: &AppState,
    sub: &SubscriptionRow,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let now_s = ts(now);
    let status = if sub.cancel_at_period_end {
        "cancelled"
    } else {
        "expired"
    };
    if !repo::end_if_due(conn, sub.id, status, &now_s)? {
        return Ok(false);
    }
    repo::history(
        conn,
        sub.id,
        status,
        Some(&sub.status),
        Some(status),
        &json!({}),
        &now_s,
    )?;
    let default_code = &state.config.default_plan;
    if repo::current(conn, sub.user_id)?.is_none() {
        repo::create_subscription(conn, sub.user_id, default_code, &now_s)?;
    }
    let ended = sub
        .current_period_end
        .as_deref()
        .and_then(parse_ts)
        .unwrap_or(now);
    super::notices::ended(conn, state, sub, default_code, ended, &now_s)?;
    Ok(true)
}

/// `expire_subscriptions`.
pub async fn expire_subscriptions(state: &AppState, ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    // A batch per transaction: one commit (one fsync) per batch rather than per subscription, and bounded memory
    // however many periods end at once. Each row is still ended only if it is still due.
    const BATCH: i64 = 500;
    let now = state.clock.now();
    let mut ended = 0;
    while !ctx.stopping() {
        let st = state.clone();
        let (found, done) = state
            .db
            .write(move |tx| {
                let due = repo::locally_past_end(tx, &ts(now), BATCH)?;
                let mut done = 0;
                for sub in &due {
                    done += i64::from(end_one(tx, &st, sub, now)?);
                }
                Ok((due.len() as i64, done))
            })
            .await?;
        ended += done;
        if found < BATCH || done == 0 {
            break;
        }
    }
    if ended > 0 {
        state.kick_mail();
    }
    Ok(JobOutcome::new(
        ended,
        format!("{ended} subscriptions ended"),
    ))
}

/// Queues one reminder (notification and mail, each subject to the user's settings); returns what was created.
fn remind(
    conn: &Connection,
    state: &AppState,
    sub: &SubscriptionRow,
    offset: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(bool, bool)> {
    let (Some(settings), Some(user)) = (
        crate::user_settings::repo::find(conn, sub.user_id)?,
        crate::users::repo::find(conn, sub.user_id)?,
    ) else {
        return Ok((false, false));
    };
    if !settings.subscription_alerts {
        return Ok((false, false));
    }
    let Some(end) = sub.current_period_end.as_deref().and_then(parse_ts) else {
        return Ok((false, false));
    };
    let lang = Lang::from_setting(&settings.language);
    let tz = settings.tz();
    let plan = crate::plans::repo::find_by_code(conn, &sub.plan_code)?;
    let default_code = &state.config.default_plan;
    let fallback = crate::plans::repo::find_by_code(conn, default_code)?;
    let ends = sub.cancel_at_period_end;
    let date = |l: Lang| format_date(end, tz, l);
    let name = |l: Lang| name_of(plan.as_ref(), &sub.plan_code, l);
    let key = format!("renewal:{}:{}:{}", sub.id, end.date_naive(), offset);
    let message = if ends {
        Tr::new(
            format!(
                "Your {} subscription ends on {}.",
                name(Lang::En),
                date(Lang::En)
            ),
            format!(
                "Votre abonnement {} prend fin le {}.",
                name(Lang::Fr),
                date(Lang::Fr)
            ),
        )
    } else {
        Tr::new(
            format!(
                "Your {} subscription renews on {}.",
                name(Lang::En),
                date(Lang::En)
            ),
            format!(
                "Votre abonnement {} sera renouvelé le {}.",
                name(Lang::Fr),
                date(Lang::Fr)
            ),
        )
    };
    let now_s = ts(now);
    let note = NewNotification {
        user_id: sub.user_id,
        notification_type: "subscription_expiring",
        title: Tr::new("Subscription renewal", "Renouvellement d'abonnement"),
        message,
        link: Some("/subscriptions"),
        metadata: json!({"subscription_id": sub.id, "plan_code": sub.plan_code,
            "period_end": sub.current_period_end, "offset_days": offset}),
        dedupe_key: Some(&key),
    };
    let noted = notify(conn, &note, lang, &now_s)?;
    let mut mailed = false;
    if settings.email_notifications && user.email_verified {
        let days_left = (end.with_timezone(&tz).date_naive() - now.with_timezone(&tz).date_naive())
            .num_days()
            .max(0);
        let amount = plan.as_ref().map_or_else(String::new, |p| {
            crate::money::format_price(p.monthly_price_cents, &p.currency, lang)
        });
        let mail = NewMail {
            user_id: Some(sub.user_id),
            to: &user.email,
            template: "subscription_renewal",
            lang,
            context: json!({
                "user_name": user.mail_name(&user.email),
                "plan_name": name(lang),
                "renewal_date": date(lang),
                "days_left": days_left,
                "ends": ends,
                "fallback_plan_name": name_of(fallback.as_ref(), default_code, lang),
                "amount": amount,
                "manage_url": format!("{}/dashboard/subscription", state.frontend_url()),
            }),
            expires_at: None,
            dedupe_key: Some(key.clone()),
        };
        mailed = outbox::enqueue(conn, &mail, &now_s)?;
    }
    Ok((noted, mailed))
}

/// `renewal_reminders`: offset 7 for periods ending in (now + 1 d, now + 7 d], offset 1 for (now, now + 1 d].
pub async fn renewal_reminders(state: &AppState, ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let now = state.clock.now();
    let (mut notes, mut mails) = (0, 0);
    for (offset, lower, upper) in [(7, 1, 7), (1, 0, 1)] {
        let (after, until) = (
            ts(now + Duration::days(lower)),
            ts(now + Duration::days(upper)),
        );
        let due = state
            .db
            .read(move |c| Ok(repo::ending_between(c, &after, &until)?))
            .await?;
        for sub in due {
            if ctx.stopping() {
                break;
            }
            let st = state.clone();
            let (n, m) = state
                .db
                .write(move |tx| Ok(remind(tx, &st, &sub, offset, now)?))
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
        format!("{notes} renewal reminders notified, {mails} mails queued"),
    ))
}
