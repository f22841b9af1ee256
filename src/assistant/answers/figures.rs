//! Answers from maintenance records: costs over a period, and a vehicle's history.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{Ctx, RecordRef, vehicle_json, vehicle_refs};
use crate::assistant::intent::period;
use crate::error::AppResult;
use crate::maintenances::jobs::format_km;
use crate::maintenances::model::MaintenanceRow;

type Built = (String, Vec<RecordRef>, Value);

fn record_json(m: &MaintenanceRow) -> Value {
    json!({"id": m.id, "vehicle": m.vehicle_id, "service_date": m.service_date, "service_type": m.service_type,
        "mileage": m.mileage, "cost": m.cost_cents.map(crate::money::format_cents), "status": m.status})
}

fn no_records(ctx: &Ctx) -> String {
    ctx.t(
        "No maintenance recorded for this period.",
        "Aucun entretien enregistré sur cette période.",
    )
}

/// `costs`: total, count, average, the 3 most frequent service types and the split by vehicle, over the period,
/// from `COMPLETED` records by service date.
pub fn costs(ctx: &Ctx) -> AppResult<Built> {
    let p = period(ctx.question, ctx.today());
    let (from, to) = (
        format!("{}T00:00:00.000000Z", p.from),
        format!("{}T23:59:59.999999Z", p.to),
    );
    let ids: Vec<i64> = ctx.vehicles.iter().map(|v| v.id).collect();
    let rows: Vec<MaintenanceRow> =
        crate::maintenances::repo::completed_between(ctx.conn, ctx.uid, &from, &to)?
            .into_iter()
            .filter(|m| ids.contains(&m.vehicle_id))
            .collect();
    let label = p.label.get(ctx.lang).to_owned();
    let context = json!({"period": {"from": p.from, "to": p.to}, "records": rows.iter().map(record_json).collect::<Vec<_>>()});
    if rows.is_empty() {
        return Ok((
            format!("{} ({label})", no_records(ctx)),
            Vec::new(),
            context,
        ));
    }
    let costed: Vec<i64> = rows.iter().filter_map(|m| m.cost_cents).collect();
    let total: i64 = costed.iter().sum();
    let mut text = ctx.t(
        format!(
            "{} you spent {} on {} maintenance records",
            capital(&label),
            ctx.money(total),
            rows.len()
        ),
        format!(
            "{} vous avez dépensé {} pour {} entretiens",
            capital(&label),
            ctx.money(total),
            rows.len()
        ),
    );
    if !costed.is_empty() {
        let avg = (total as f64 / costed.len() as f64).round() as i64;
        text.push_str(&ctx.t(
            format!(" (average {})", ctx.money(avg)),
            format!(" (moyenne {})", ctx.money(avg)),
        ));
    }
    text.push('.');
    let uncosted = rows.len() - costed.len();
    if uncosted > 0 {
        text.push_str(&ctx.t(
            format!(" {uncosted} of them have no cost recorded."),
            format!(" {uncosted} n'ont pas de coût enregistré."),
        ));
    }
    // The most frequent service types, then the larger total, then the name.
    let mut by_type: HashMap<String, (String, i64, i64)> = HashMap::new();
    for m in &rows {
        let e = by_type
            .entry(crate::text::fold_str(m.service_type.trim()))
            .or_insert_with(|| (m.service_type.trim().to_owned(), 0, 0));
        e.1 += 1;
        e.2 += m.cost_cents.unwrap_or(0);
    }
    let mut top: Vec<(String, i64, i64)> = by_type.into_values().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let top: Vec<String> = top
        .iter()
        .take(3)
        .map(|(name, n, cents)| format!("{name} ({n}, {})", ctx.money(*cents)))
        .collect();
    text.push_str(&ctx.t(
        format!(" Top services: {}.", top.join(", ")),
        format!(" Principales prestations : {}.", top.join(", ")),
    ));
    if ctx.vehicles.len() > 1 {
        let per: Vec<String> = ctx
            .vehicles
            .iter()
            .filter_map(|v| {
                let mine: Vec<&MaintenanceRow> =
                    rows.iter().filter(|m| m.vehicle_id == v.id).collect();
                (!mine.is_empty()).then(|| {
                    let sum: i64 = mine.iter().filter_map(|m| m.cost_cents).sum();
                    format!("{} {}", Ctx::vehicle_name(v), ctx.money(sum))
                })
            })
            .collect();
        text.push_str(&ctx.t(
            format!(" By vehicle: {}.", per.join("; ")),
            format!(" Par véhicule : {}.", per.join(" ; ")),
        ));
    }
    let records = rows
        .iter()
        .map(|m| RecordRef::new("maintenance", m.id))
        .collect();
    Ok((text, records, context))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `history`: each vehicle's last 10 records with date, mileage and cost.
pub fn history(ctx: &Ctx) -> AppResult<Built> {
    let mut lines = Vec::new();
    let mut records = vehicle_refs(&ctx.vehicles);
    let mut used = Vec::new();
    for v in &ctx.vehicles {
        let rows = crate::maintenances::repo::for_vehicle(ctx.conn, ctx.uid, v.id)?;
        if rows.is_empty() {
            lines.push(ctx.t(
                format!("{}: no maintenance recorded.", Ctx::vehicle_name(v)),
                format!("{} : aucun entretien enregistré.", Ctx::vehicle_name(v)),
            ));
            continue;
        }
        let mut entries = Vec::new();
        for m in rows.iter().take(10) {
            let mut e = format!("{} — {}", ctx.date(&m.service_date), m.service_type);
            if let Some(km) = m.mileage {
                e.push_str(&format!(", {}", format_km(km, ctx.lang)));
            }
            if let Some(c) = m.cost_cents {
                e.push_str(&format!(", {}", ctx.money(c)));
            }
            if m.status != "COMPLETED" {
                e.push_str(&format!(" ({})", status_word(ctx, &m.status)));
            }
            entries.push(e);
            records.push(RecordRef::new("maintenance", m.id));
            used.push(record_json(m));
        }
        lines.push(ctx.t(
            format!(
                "{}, last {} records: {}.",
                Ctx::vehicle_name(v),
                entries.len(),
                entries.join("; ")
            ),
            format!(
                "{}, {} derniers entretiens : {}.",
                Ctx::vehicle_name(v),
                entries.len(),
                entries.join(" ; ")
            ),
        ));
    }
    if ctx.vehicles.is_empty() {
        lines.push(ctx.t(
            "You have no vehicle yet.",
            "Vous n'avez pas encore de véhicule.",
        ));
    }
    let context = json!({"vehicles": ctx.vehicles.iter().map(vehicle_json).collect::<Vec<_>>(), "records": used});
    Ok((lines.join(" "), records, context))
}

pub(super) fn status_word(ctx: &Ctx, status: &str) -> String {
    match status {
        "SCHEDULED" => ctx.t("scheduled", "prévu"),
        "IN_PROGRESS" => ctx.t("in progress", "en cours"),
        "CANCELLED" => ctx.t("cancelled", "annulé"),
        _ => ctx.t("completed", "terminé"),
    }
}
