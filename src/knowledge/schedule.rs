//! The maintenance schedule (`assets/kb/schedule.json`, assistant.md §4.1): intervals by distance and time, which
//! fuel types each item applies to, and the service types that count as doing it. `due` computes where a vehicle
//! stands from its last matching record.

use std::collections::HashSet;

use anyhow::bail;
use chrono::{Datelike, Months, NaiveDate};
use serde::Deserialize;

use crate::i18n::Tr;
use crate::text::{fold_str, occurs};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemFile {
    key: String,
    en: String,
    fr: String,
    km: Option<i64>,
    months: u32,
    first_months: Option<u32>,
    applies: String,
    matches: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ScheduleItem {
    pub key: String,
    pub label: Tr,
    pub km: Option<i64>,
    pub months: u32,
    /// The first interval when it differs (the first roadworthiness test at 4 years).
    pub first_months: Option<u32>,
    /// `all`, `not_electric`, or a list of fuel types.
    applies: Vec<String>,
    /// Folded phrases; a record's `service_type` containing one counts as this item.
    matches: Vec<String>,
}

pub const FUEL_TYPES: &[&str] = &["gasoline", "diesel", "electric", "hybrid", "plugin_hybrid"];

impl ScheduleItem {
    /// Applicable to this fuel type (unknown: the `all` and `not_electric` items).
    pub fn applies_to(&self, fuel: Option<&str>) -> bool {
        match self.applies.first().map(String::as_str) {
            Some("all") => true,
            Some("not_electric") => fuel != Some("electric"),
            _ => fuel.is_some_and(|f| self.applies.iter().any(|a| a == f)),
        }
    }

    pub fn matches_service(&self, service_type: &str) -> bool {
        let s = fold_str(service_type);
        self.matches.iter().any(|m| occurs(&s, m, false))
    }
}

/// Where one item stands for a vehicle.
#[derive(Debug, Clone)]
pub struct Due {
    pub due_km: Option<i64>,
    pub due_date: NaiveDate,
    /// max(km since / km interval, months since / month interval).
    pub ratio: f64,
}

/// From the last time it was done (`last_km`, `last_date`; the vehicle's start when never), today and the current
/// mileage. `first` says whether it was never done (then `first_months` applies).
pub fn due(
    item: &ScheduleItem,
    last_km: i64,
    last_date: NaiveDate,
    first: bool,
    today: NaiveDate,
    mileage: Option<i64>,
) -> Due {
    let months = if first {
        item.first_months.unwrap_or(item.months)
    } else {
        item.months
    };
    let due_date = last_date
        .checked_add_months(Months::new(months))
        .unwrap_or(last_date);
    let elapsed_months = f64::from(
        (today.year() - last_date.year()) * 12 + today.month() as i32 - last_date.month() as i32,
    ) + (f64::from(today.day() as i32 - last_date.day() as i32) / 30.0);
    let by_time = elapsed_months.max(0.0) / f64::from(months.max(1));
    let by_km = match (item.km, mileage) {
        (Some(interval), Some(now)) if interval > 0 => {
            (now - last_km).max(0) as f64 / interval as f64
        }
        _ => 0.0,
    };
    Due {
        due_km: item.km.map(|k| last_km + k),
        due_date,
        ratio: by_time.max(by_km),
    }
}

pub(super) fn parse(json: &str) -> anyhow::Result<Vec<ScheduleItem>> {
    let files: Vec<ItemFile> =
        serde_json::from_str(json).map_err(|e| anyhow::anyhow!("schedule.json: {e}"))?;
    let mut keys = HashSet::new();
    let mut out = Vec::new();
    for f in files {
        let at = format!("schedule.json item {:?}", f.key);
        if !keys.insert(f.key.clone()) || f.months == 0 || f.matches.is_empty() {
            bail!("{at}: duplicate key, no months or no matches");
        }
        let applies: Vec<String> = f.applies.split(',').map(|s| s.trim().to_owned()).collect();
        let known =
            |a: &String| a == "all" || a == "not_electric" || FUEL_TYPES.contains(&a.as_str());
        if !applies.iter().all(known) {
            bail!("{at}: applies {:?}", f.applies);
        }
        out.push(ScheduleItem {
            key: f.key,
            label: Tr::new(f.en, f.fr),
            km: f.km,
            months: f.months,
            first_months: f.first_months,
            applies,
            matches: f.matches.iter().map(|m| fold_str(m)).collect(),
        });
    }
    Ok(out)
}
