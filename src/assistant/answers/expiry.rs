//! Answers about dates ahead: what maintenance is due, and what expires (insurance, roadworthiness test,
//! subscription).

use chrono::Duration;
use serde_json::{Value, json};

use super::figures::status_word;
use super::{Ctx, RecordRef, vehicle_json};
use crate::assistant::schedule::{VehicleFacts, line, statuses};
use crate::error::AppResult;
use crate::vehicles::model::VehicleRow;

type Built = (String, Vec<RecordRef>, Value);

fn facts(v: &VehicleRow) -> VehicleFacts<'_> {
    VehicleFacts {
        fuel_type: v.fuel_type.as_deref(),
        year: v.year,
        mileage: None,
    }
}

/// `due`: scheduled records overdue or within 60 days, and schedule items at 80 % of their interval or more.
pub fn due(ctx: &Ctx) -> AppResult<Built> {
    let horizon = crate::db::ts(ctx.now + Duration::days(60));
    let today = ctx.today();
    let mut parts = Vec::new();
    let mut records = Vec::new();
    let mut used = Vec::new();
    for v in &ctx.vehicles {
        let rows = crate::maintenances::repo::for_vehicle(ctx.conn, ctx.uid, v.id)?;
        let mut scheduled: Vec<_> = rows
            .iter()
            .filter(|m| m.status == "SCHEDULED" && m.service_date <= horizon)
            .collect();
        scheduled.sort_by(|a, b| a.service_date.cmp(&b.service_date));
        let now_s = crate::db::ts(ctx.now);
        let mut items: Vec<String> = scheduled
            .iter()
            .map(|m| {
                records.push(RecordRef::new("maintenance", m.id));
                used.push(
                    json!({"id": m.id, "vehicle": v.id, "service_date": m.service_date,
                    "service_type": m.service_type, "status": m.status}),
                );
                let late = if m.service_date < now_s {
                    ctx.t(", overdue", ", en retard")
                } else {
                    String::new()
                };
                format!(
                    "{} ({}, {}{late})",
                    m.service_type,
                    status_word(ctx, &m.status),
                    ctx.date(&m.service_date)
                )
            })
            .collect();
        let mut sched = statuses(&ctx.state.kb, &facts(v), &rows, today, ctx.lang);
        sched.retain(|s| s.ratio >= 0.8);
        sched.sort_by(|a, b| b.ratio.total_cmp(&a.ratio));
        for s in &sched {
            if let Some(id) = s.last_record {
                records.push(RecordRef::new("maintenance", id));
            }
            items.push(line(s, ctx.lang, &|d: &str| ctx.date(d)));
        }
        records.push(RecordRef::new("vehicle", v.id));
        used.push(vehicle_json(v));
        let name = Ctx::vehicle_name(v);
        parts.push(if items.is_empty() {
            ctx.t(
                format!("{name}: nothing is due in the next 60 days."),
                format!("{name} : rien n'est à prévoir dans les 60 prochains jours."),
            )
        } else {
            ctx.t(
                format!("{name}: {}.", items.join("; ")),
                format!("{name} : {}.", items.join(" ; ")),
            )
        });
    }
    if ctx.vehicles.is_empty() {
        parts.push(ctx.t(
            "You have no vehicle yet.",
            "Vous n'avez pas encore de véhicule.",
        ));
    }
    records.dedup();
    Ok((parts.join(" "), records, json!({"rows": used})))
}

/// `expiry`: insurance certificates ending within 90 days (or ended), the next roadworthiness test, and the
/// subscription's end or renewal.
pub fn expiry(ctx: &Ctx) -> AppResult<Built> {
    let today = ctx.today();
    let limit = (today + Duration::days(90)).to_string();
    let ids: Vec<i64> = ctx.vehicles.iter().map(|v| v.id).collect();
    let mut parts = Vec::new();
    let mut records = Vec::new();
    let mut used = Vec::new();
    let insurance: Vec<_> = crate::documents::repo::insurance_ends(ctx.conn, ctx.uid)?
        .into_iter()
        .filter(|(_, v, _, _)| v.is_none_or(|v| ids.contains(&v)))
        .collect();
    let soon: Vec<_> = insurance
        .iter()
        .filter(|(_, _, _, end)| end.as_str() <= limit.as_str())
        .collect();
    for (id, _, title, end) in &soon {
        let ended = end.as_str() < today.to_string().as_str();
        parts.push(if ended {
            ctx.t(
                format!("Insurance \"{title}\" ended on {}.", ctx.date(end)),
                format!("L'assurance « {title} » a pris fin le {}.", ctx.date(end)),
            )
        } else {
            ctx.t(
                format!("Insurance \"{title}\" ends on {}.", ctx.date(end)),
                format!("L'assurance « {title} » prend fin le {}.", ctx.date(end)),
            )
        });
        records.push(RecordRef::new("document", *id));
        used.push(json!({"document": id, "title": title, "end_date": end}));
    }
    if soon.is_empty() {
        parts.push(if insurance.is_empty() {
            ctx.t(
                "No analysed insurance certificate gives an end date.",
                "Aucune attestation d'assurance analysée n'indique de date de fin.",
            )
        } else {
            ctx.t(
                "No insurance ends within 90 days.",
                "Aucune assurance ne prend fin dans les 90 jours.",
            )
        });
    }
    for v in &ctx.vehicles {
        let rows = crate::maintenances::repo::for_vehicle(ctx.conn, ctx.uid, v.id)?;
        let sched = statuses(&ctx.state.kb, &facts(v), &rows, today, ctx.lang);
        if let Some(s) = sched.iter().find(|s| s.key == "inspection") {
            let name = Ctx::vehicle_name(v);
            let d = ctx.date(&s.due_date);
            parts.push(if s.overdue {
                ctx.t(
                    format!("{name}: the roadworthiness test is overdue (due {d})."),
                    format!("{name} : le contrôle technique est en retard (prévu le {d})."),
                )
            } else {
                ctx.t(
                    format!("{name}: next roadworthiness test by {d}."),
                    format!("{name} : prochain contrôle technique avant le {d}."),
                )
            });
            records.push(RecordRef::new("vehicle", v.id));
            used.push(json!({"vehicle": vehicle_json(v), "inspection_due": s.due_date}));
        }
    }
    if let Some(sub) = crate::subscriptions::repo::current(ctx.conn, ctx.uid)? {
        let plan = crate::plans::repo::find_by_code(ctx.conn, &sub.plan_code)?
            .map_or_else(|| sub.plan_code.clone(), |p| p.name);
        match &sub.current_period_end {
            Some(end) if sub.cancel_at_period_end => parts.push(ctx.t(
                format!("Your {plan} subscription ends on {}.", ctx.date(end)),
                format!("Votre abonnement {plan} prend fin le {}.", ctx.date(end)),
            )),
            Some(end) => parts.push(ctx.t(
                format!("Your {plan} subscription renews on {}.", ctx.date(end)),
                format!(
                    "Votre abonnement {plan} sera renouvelé le {}.",
                    ctx.date(end)
                ),
            )),
            None => parts.push(ctx.t(
                format!("Your {plan} plan has no end date."),
                format!("Votre formule {plan} n'a pas de date de fin."),
            )),
        }
        records.push(RecordRef::new("subscription", sub.id));
        used.push(json!({"subscription": sub.id, "plan_code": sub.plan_code, "status": sub.status,
            "current_period_end": sub.current_period_end, "cancel_at_period_end": sub.cancel_at_period_end}));
    }
    records.dedup();
    Ok((parts.join(" "), records, json!({"rows": used})))
}
