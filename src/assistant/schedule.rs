//! Where a vehicle stands against the maintenance schedule (assistant.md §4.1): for each applicable item, the last
//! matching completed record (else the vehicle's start), the next due mileage and date, and how far along it is.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{Lang, Tr};
use crate::knowledge::Knowledge;
use crate::knowledge::schedule::due;
use crate::maintenances::jobs::format_km;
use crate::maintenances::model::MaintenanceRow;

/// One item of `maintenance_suggestions.items`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemStatus {
    pub key: String,
    pub label: String,
    pub due_km: Option<i64>,
    #[schema(format = Date)]
    pub due_date: String,
    pub overdue: bool,
    #[serde(skip)]
    pub ratio: f64,
    /// The completed record it counts from, if any.
    #[serde(skip)]
    pub last_record: Option<i64>,
}

/// The vehicle as the schedule sees it.
pub struct VehicleFacts<'a> {
    pub fuel_type: Option<&'a str>,
    pub year: i64,
    /// Known current mileage (given, else the highest recorded).
    pub mileage: Option<i64>,
}

/// Every applicable item, in the schedule's order. `records` are the vehicle's records (any status).
pub fn statuses(
    kb: &Knowledge,
    v: &VehicleFacts,
    records: &[MaintenanceRow],
    today: NaiveDate,
    lang: Lang,
) -> Vec<ItemStatus> {
    let start =
        NaiveDate::from_ymd_opt(i32::try_from(v.year).unwrap_or(2000), 1, 1).unwrap_or(today);
    let recorded = records.iter().filter_map(|m| m.mileage).max();
    let mileage = v.mileage.or(recorded);
    kb.schedule
        .iter()
        .filter(|item| item.applies_to(v.fuel_type))
        .map(|item| {
            // Newest completed record of this kind (records come newest first, but do not rely on it).
            let last = records
                .iter()
                .filter(|m| m.status == "COMPLETED" && item.matches_service(&m.service_type))
                .max_by(|a, b| a.service_date.cmp(&b.service_date).then(a.id.cmp(&b.id)));
            let (last_km, last_date) = match last {
                Some(m) => (
                    m.mileage.unwrap_or(0),
                    crate::db::parse_ts(&m.service_date).map_or(start, |d| d.date_naive()),
                ),
                None => (0, start),
            };
            let d = due(item, last_km, last_date, last.is_none(), today, mileage);
            ItemStatus {
                key: item.key.clone(),
                label: item.label.get(lang).to_owned(),
                due_km: d.due_km,
                due_date: d.due_date.to_string(),
                overdue: d.ratio >= 1.0,
                ratio: d.ratio,
                last_record: last.map(|m| m.id),
            }
        })
        .collect()
}

/// The suggestion lines: items at 80 % or more first, then the next highest, at most 5, highest ratio first.
pub fn suggestions(items: &[ItemStatus], lang: Lang, date: impl Fn(&str) -> String) -> Vec<String> {
    let mut ranked: Vec<&ItemStatus> = items.iter().collect();
    ranked.sort_by(|a, b| b.ratio.total_cmp(&a.ratio));
    ranked
        .into_iter()
        .take(5)
        .map(|i| line(i, lang, &date))
        .collect()
}

/// "{label} — overdue", "{label} — due at {km} km or by {date}", "{label} — due by {date}".
pub fn line(i: &ItemStatus, lang: Lang, date: &impl Fn(&str) -> String) -> String {
    let d = date(&i.due_date);
    let t = if i.overdue {
        Tr::new(
            format!("{} — overdue", i.label),
            format!("{} — en retard", i.label),
        )
    } else if let Some(km) = i.due_km {
        let km = format_km(km, lang);
        Tr::new(
            format!("{} — due at {km} or by {d}", i.label),
            format!("{} — à prévoir à {km} ou avant le {d}", i.label),
        )
    } else {
        Tr::new(
            format!("{} — due by {d}", i.label),
            format!("{} — à prévoir avant le {d}", i.label),
        )
    };
    t.get(lang).to_owned()
}
