//! What a subscriber is told, in-app and by mail (notifications.md §4, mail.md): a paid plan became active, a
//! payment failed, a subscription ended. Each notice has a dedupe key, so an event processed twice or a job run
//! twice tells once. Billing notices are always sent (no user setting gates them).

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::model::SubscriptionRow;
use crate::app::AppState;
use crate::db::parse_ts;
use crate::i18n::{Lang, Tr};
use crate::mail::outbox::{self, NewMail};
use crate::maintenances::jobs::format_date;
use crate::notifications::repo::{NewNotification, notify};
use crate::plans::model::PlanRow;

/// The plan's name in `lang` (its code when the plan is gone).
pub fn name_of(plan: Option<&PlanRow>, code: &str, lang: Lang) -> String {
    plan.map_or_else(|| code.to_owned(), |p| p.name_in(lang))
}

/// One notice: a notification (`kind`, title, message) and a mail (`template`, context), under one dedupe key.
struct Notice<'a> {
    key: String,
    kind: &'a str,
    title: Tr,
    message: Tr,
    metadata: serde_json::Value,
    template: &'a str,
    /// Built in the recipient's language.
    context: &'a dyn Fn(Lang, chrono_tz::Tz) -> serde_json::Value,
}

fn send(conn: &Connection, user_id: i64, n: Notice, now: &str) -> anyhow::Result<()> {
    let (Some(settings), Some(user)) = (
        crate::user_settings::repo::find(conn, user_id)?,
        crate::users::repo::find(conn, user_id)?,
    ) else {
        return Ok(());
    };
    let lang = Lang::from_setting(&settings.language);
    let note = NewNotification {
        user_id,
        notification_type: n.kind,
        title: n.title,
        message: n.message,
        link: Some("/subscriptions"),
        metadata: n.metadata,
        dedupe_key: Some(&n.key),
    };
    notify(conn, &note, lang, now)?;
    let mut context = (n.context)(lang, settings.tz());
    context["user_name"] = json!(user.mail_name(&user.email));
    let mail = NewMail {
        user_id: Some(user_id),
        to: &user.email,
        template: n.template,
        lang,
        context,
        expires_at: None,
        dedupe_key: Some(n.key.clone()),
    };
    outbox::enqueue(conn, &mail, now)?;
    Ok(())
}

fn plan(conn: &Connection, code: &str) -> anyhow::Result<Option<PlanRow>> {
    Ok(crate::plans::repo::find_by_code(conn, code)?)
}

fn manage_url(state: &AppState) -> String {
    format!("{}/dashboard/subscription", state.frontend_url())
}

/// A subscription ended and `fallback` applies: "Subscription ended" and the `subscription_expired` mail.
pub fn ended(
    conn: &Connection,
    state: &AppState,
    sub: &SubscriptionRow,
    fallback: &str,
    ended_at: DateTime<Utc>,
    now: &str,
) -> anyhow::Result<()> {
    let (p, f) = (plan(conn, &sub.plan_code)?, plan(conn, fallback)?);
    let name = |l| name_of(p.as_ref(), &sub.plan_code, l);
    let fallback_name = |l| name_of(f.as_ref(), fallback, l);
    let url = manage_url(state);
    let context = |lang, tz| {
        json!({"plan_name": name(lang), "fallback_plan_name": fallback_name(lang),
            "ended_at": format_date(ended_at, tz, lang), "renew_url": url})
    };
    let notice = Notice {
        key: format!("ended:{}", sub.id),
        kind: "warning",
        title: Tr::new("Subscription ended", "Abonnement terminé"),
        message: Tr::new(
            format!(
                "Your {} subscription has ended; you are now on the {} plan.",
                name(Lang::En),
                fallback_name(Lang::En)
            ),
            format!(
                "Votre abonnement {} est terminé ; vous êtes maintenant sur le plan {}.",
                name(Lang::Fr),
                fallback_name(Lang::Fr)
            ),
        ),
        metadata: json!({"subscription_id": sub.id, "plan_code": sub.plan_code}),
        template: "subscription_expired",
        context: &context,
    };
    send(conn, sub.user_id, notice, now)
}

/// A Stripe subscription became entitling for the first time: "Subscription active" and the confirmation mail,
/// once per Stripe subscription id.
pub fn confirmed(
    conn: &Connection,
    state: &AppState,
    sub: &SubscriptionRow,
    now: &str,
) -> anyhow::Result<()> {
    let p = plan(conn, &sub.plan_code)?;
    let name = |l| name_of(p.as_ref(), &sub.plan_code, l);
    let end = sub.current_period_end.as_deref().and_then(parse_ts);
    let url = manage_url(state);
    let dashboard = format!("{}/dashboard", state.frontend_url());
    let context = |lang, tz| {
        let amount = p.as_ref().map_or_else(String::new, |p| {
            crate::money::format_price(p.monthly_price_cents, &p.currency, lang)
        });
        json!({"plan_name": name(lang), "amount": amount,
            "interval": if lang == Lang::Fr { "mois" } else { "month" },
            "period_end": end.map(|e| format_date(e, tz, lang)).unwrap_or_default(),
            "dashboard_url": dashboard, "manage_url": url})
    };
    let stripe_id = sub.stripe_subscription_id.as_deref().unwrap_or_default();
    let notice = Notice {
        key: format!("confirmed:{stripe_id}"),
        kind: "success",
        title: Tr::new("Subscription active", "Abonnement actif"),
        message: Tr::new(
            format!("Your {} plan is now active.", name(Lang::En)),
            format!("Votre plan {} est maintenant actif.", name(Lang::Fr)),
        ),
        metadata: json!({"subscription_id": sub.id, "plan_code": sub.plan_code}),
        template: "subscription_confirmation",
        context: &context,
    };
    send(conn, sub.user_id, notice, now)
}

/// A payment failed: "Payment failed" and its mail, once per (invoice, attempt).
pub struct FailedPayment<'a> {
    pub invoice_id: &'a str,
    pub attempt_count: i64,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub next_attempt: Option<DateTime<Utc>>,
}

pub fn payment_failed(
    conn: &Connection,
    state: &AppState,
    sub: &SubscriptionRow,
    f: &FailedPayment,
    now: &str,
) -> anyhow::Result<()> {
    let p = plan(conn, &sub.plan_code)?;
    let name = |l| name_of(p.as_ref(), &sub.plan_code, l);
    let url = manage_url(state);
    let context = |lang, tz| {
        json!({"plan_name": name(lang),
            "amount": crate::money::format_price(f.amount_cents, &f.currency.to_uppercase(), lang),
            "attempt_count": f.attempt_count,
            "next_attempt_date": f.next_attempt.map(|t| format_date(t, tz, lang)).unwrap_or_default(),
            "manage_url": url})
    };
    let notice = Notice {
        key: format!("payment_failed:{}:{}", f.invoice_id, f.attempt_count),
        kind: "warning",
        title: Tr::new("Payment failed", "Échec de paiement"),
        message: Tr::new(
            format!(
                "The payment for your {} subscription failed. Please update your payment method.",
                name(Lang::En)
            ),
            format!(
                "Le paiement de votre abonnement {} a échoué. Veuillez mettre à jour votre moyen de paiement.",
                name(Lang::Fr)
            ),
        ),
        metadata: json!({"subscription_id": sub.id, "invoice_id": f.invoice_id}),
        template: "payment_failed",
        context: &context,
    };
    send(conn, sub.user_id, notice, now)
}
