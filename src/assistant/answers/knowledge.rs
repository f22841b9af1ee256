//! Answers from the knowledge base (a fault code, a symptom), the garage directory and the vehicle list.

use serde_json::{Value, json};

use super::{Ctx, RecordRef, vehicle_json, vehicle_refs};
use crate::error::AppResult;
use crate::knowledge::analysis::{analyze, codes_in_text};
use crate::text::{fold_str, occurs};

type Built = (String, Vec<RecordRef>, Value);

/// `trouble_code`: each code of the question with its meaning, causes, severity and whether to drive on.
pub fn trouble_code(ctx: &Ctx) -> Built {
    let codes = codes_in_text(ctx.question);
    let a = analyze(
        &ctx.state.kb,
        ctx.question,
        &codes,
        ctx.fuel(),
        ctx.lang,
        ctx.now,
    );
    let mut parts = Vec::new();
    for f in &a.trouble_codes {
        if !f.known {
            parts.push(ctx.t(
                format!(
                    "{}: unknown code — I only know its family: {}.",
                    f.code, f.description
                ),
                format!(
                    "{} : code inconnu — je ne connais que sa famille : {}.",
                    f.code, f.description
                ),
            ));
            continue;
        }
        let Some(e) = ctx.state.kb.code(&f.code) else {
            continue;
        };
        let causes: Vec<&str> = e.causes.iter().take(3).map(|c| c.get(ctx.lang)).collect();
        let severity = e.severity.label();
        let drive = if e.safe_to_drive {
            ctx.t(
                "you can drive on with care",
                "vous pouvez rouler avec prudence",
            )
        } else {
            ctx.t("do not keep driving", "ne continuez pas à rouler")
        };
        parts.push(ctx.t(
            format!(
                "{}: {}. Likely causes: {}. Severity: {}; {drive}.",
                f.code,
                f.description,
                causes.join(", "),
                severity.en
            ),
            format!(
                "{} : {}. Causes probables : {}. Gravité : {} ; {drive}.",
                f.code,
                f.description,
                causes.join(", "),
                severity.fr
            ),
        ));
        for advice in &e.advice {
            parts.push(advice.get(ctx.lang).to_owned());
        }
    }
    let records = a
        .trouble_codes
        .iter()
        .map(|f| RecordRef::new("trouble_code", f.code.clone()))
        .collect();
    let context = serde_json::to_value(&a).unwrap_or(Value::Null);
    (parts.join(" "), records, context)
}

/// `symptom`: the analysis of the question's symptoms.
pub fn symptom(ctx: &Ctx) -> Built {
    let a = analyze(
        &ctx.state.kb,
        ctx.question,
        &[],
        ctx.fuel(),
        ctx.lang,
        ctx.now,
    );
    let context = serde_json::to_value(&a).unwrap_or(Value::Null);
    (a.summary, Vec::new(), context)
}

/// `garage`: garages in a postal code or city the question names, else the best rated.
pub fn garages(ctx: &Ctx) -> AppResult<Built> {
    let f = fold_str(ctx.question);
    let postal = f
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 5)
        .map(str::to_owned);
    let cities = crate::garages::repo::cities(ctx.conn)?;
    let city = cities.into_iter().find(|c| occurs(&f, &fold_str(c), true));
    let (rows, place) = match (&postal, &city) {
        (Some(p), _) => (
            crate::garages::repo::in_place(ctx.conn, None, Some(p), 5)?,
            Some(p.clone()),
        ),
        (None, Some(c)) => (
            crate::garages::repo::in_place(ctx.conn, Some(c), None, 5)?,
            Some(c.clone()),
        ),
        (None, None) => (crate::garages::repo::best(ctx.conn, 5)?, None),
    };
    if rows.is_empty() {
        let text = match &place {
            Some(p) => ctx.t(
                format!("I know no garage in {p}."),
                format!("Je ne connais aucun garage à {p}."),
            ),
            None => ctx.t(
                "The garage directory is empty.",
                "L'annuaire des garages est vide.",
            ),
        };
        return Ok((text, Vec::new(), json!({})));
    }
    let list: Vec<String> = rows
        .iter()
        .map(|g| {
            let rating = match g.total_reviews {
                0 => ctx.t("no review yet", "pas encore d'avis"),
                n => {
                    let r = g.average_rating_x100 as f64 / 100.0;
                    ctx.t(
                        format!("{r:.1}/5, {n} reviews"),
                        format!("{r:.1}/5, {n} avis").replace('.', ","),
                    )
                }
            };
            match &g.city {
                Some(city) => format!("{} ({city}, {rating})", g.name),
                None => format!("{} ({rating})", g.name),
            }
        })
        .collect();
    let text = match &place {
        Some(p) => ctx.t(
            format!("Garages in {p}: {}.", list.join("; ")),
            format!("Garages à {p} : {}.", list.join(" ; ")),
        ),
        None => ctx.t(
            format!("Best rated garages: {}.", list.join("; ")),
            format!("Garages les mieux notés : {}.", list.join(" ; ")),
        ),
    };
    let records = rows
        .iter()
        .map(|g| RecordRef::new("garage", g.id))
        .collect();
    let context = json!({"garages": rows.iter().map(|g| json!({"id": g.id, "name": g.name, "city": g.city,
        "rating": g.average_rating_x100 as f64 / 100.0, "reviews": g.total_reviews})).collect::<Vec<_>>()});
    Ok((text, records, context))
}

/// `vehicles`: the caller's vehicles.
pub fn vehicles(ctx: &Ctx) -> Built {
    if ctx.vehicles.is_empty() {
        return (
            ctx.t(
                "You have no vehicle yet.",
                "Vous n'avez pas encore de véhicule.",
            ),
            Vec::new(),
            json!({}),
        );
    }
    let list: Vec<String> = ctx.vehicles.iter().map(Ctx::vehicle_name).collect();
    let text = ctx.t(
        format!("You have {} vehicles: {}.", list.len(), list.join("; ")),
        format!("Vous avez {} véhicules : {}.", list.len(), list.join(" ; ")),
    );
    let context = json!({"vehicles": ctx.vehicles.iter().map(vehicle_json).collect::<Vec<_>>()});
    (text, vehicle_refs(&ctx.vehicles), context)
}
