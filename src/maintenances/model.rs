//! Maintenance rows, their representations and the query parameters (maintenances.md §1, §3, §4). Request
//! bodies are in `input.rs`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, AppResult};
use crate::http::list::{ListFilter, choice_param, id_param, text_param};
use crate::http::validate::parse_datetime;
use crate::i18n::Tr;
use crate::money::format_cents;
use crate::vehicles::model::{Owner, Vehicle, VehicleInfo};

pub const STATUSES: &[&str] = &["SCHEDULED", "IN_PROGRESS", "COMPLETED", "CANCELLED"];

/// `status` values (the same as `STATUSES`; a test keeps them equal).
#[derive(ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MaintenanceStatus {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct MaintenanceRow {
    pub id: i64,
    pub vehicle_id: i64,
    pub created_by_id: i64,
    pub performed_by_id: Option<i64>,
    pub service_date: String,
    pub service_type: String,
    pub description: Option<String>,
    pub mileage: Option<i64>,
    pub cost_cents: Option<i64>,
    pub status: String,
    pub invoice_url: Option<String>,
    pub reminder_sent: bool,
    pub created_at: String,
    pub updated_at: String,
    /// From the vehicle: make, model, year, plate.
    pub vehicle_make: String,
    pub vehicle_model: String,
    pub vehicle_year: i64,
    pub vehicle_plate: Option<String>,
}

/// A maintenance record as the API shows it (maintenances.md §3).
#[derive(Debug, Serialize, ToSchema)]
pub struct Maintenance {
    pub id: i64,
    pub vehicle: i64,
    pub vehicle_info: VehicleInfo,
    pub created_by: i64,
    /// "first last", trimmed.
    pub created_by_name: String,
    pub performed_by: Option<i64>,
    pub performed_by_name: Option<String>,
    #[schema(format = DateTime)]
    pub service_date: String,
    pub service_type: String,
    pub description: Option<String>,
    pub mileage: Option<i64>,
    /// Decimal string with 2 decimals (`"150.00"`).
    #[schema(example = "150.00")]
    pub cost: Option<String>,
    #[schema(value_type = MaintenanceStatus)]
    pub status: String,
    pub invoice_url: Option<String>,
    pub reminder_sent: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The detail, create and update answers: the record and its vehicle's list representation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaintenanceDetail {
    #[serde(flatten)]
    pub maintenance: Maintenance,
    pub vehicle_detail: Vehicle,
}

impl MaintenanceRow {
    /// The representation; every record belongs to the caller, who is also its creator (and the only possible
    /// performer), so both names are the owner's.
    pub fn into_dto(self, owner: &Owner) -> Maintenance {
        Maintenance {
            id: self.id,
            vehicle: self.vehicle_id,
            vehicle_info: VehicleInfo {
                id: self.vehicle_id,
                make: self.vehicle_make,
                model: self.vehicle_model,
                year: self.vehicle_year,
                license_plate: self.vehicle_plate,
            },
            created_by: self.created_by_id,
            created_by_name: owner.name.clone(),
            performed_by: self.performed_by_id,
            performed_by_name: self.performed_by_id.map(|_| owner.name.clone()),
            service_date: self.service_date,
            service_type: self.service_type,
            description: self.description,
            mileage: self.mileage,
            cost: self.cost_cents.map(format_cents),
            status: self.status,
            invoice_url: self.invoice_url,
            reminder_sent: self.reminder_sent,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// `GET /api/maintenances/stats/` (maintenances.md §4): money as numbers with 2 decimals.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaintenanceStats {
    pub overview: MaintenanceOverview,
    /// The 5 most frequent service types, count descending then name.
    pub top_services: Vec<TopService>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaintenanceOverview {
    pub total_count: i64,
    /// Sum over records with a cost, `null` when none has one.
    pub total_cost: Option<f64>,
    /// Mean over records with a cost, `null` when none has one.
    pub average_cost: Option<f64>,
    pub scheduled_count: i64,
    pub completed_count: i64,
    pub in_progress_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopService {
    pub service_type: String,
    pub count: i64,
    /// `null` when no record of this type has a cost.
    pub total_cost: Option<f64>,
}

/// One entry of `GET /api/maintenances/by_vehicle/`.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleMaintenances {
    pub vehicle: VehicleSummary,
    /// The vehicle's records, newest service date first.
    pub maintenances: Vec<Maintenance>,
    /// Sum of the records' costs, `null` when none has one.
    pub total_cost: Option<f64>,
    pub count: i64,
}

/// `{id, make, model, year}` of a `by_vehicle` group.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleSummary {
    pub id: i64,
    pub make: String,
    pub model: String,
    pub year: i64,
}

/// Cents as an aggregate's number (README §8: numbers, 2 decimals).
pub fn money(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// The list filters of `GET /api/maintenances/` (all exact; `service_type` ignores case).
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MaintenanceFilter {
    /// A vehicle id.
    pub vehicle: Option<i64>,
    #[param(value_type = Option<MaintenanceStatus>)]
    pub status: Option<String>,
    pub service_type: Option<String>,
}

impl ListFilter for MaintenanceFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<MaintenanceFilter> {
        Ok(MaintenanceFilter {
            vehicle: id_param(q, "vehicle")?,
            status: choice_param(q, "status", STATUSES)?,
            service_type: text_param(q, "service_type"),
        })
    }
}

/// The period of `GET /api/maintenances/stats/`: inclusive bounds on `service_date`, in the stored format.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsPeriod {
    /// A date (from its first instant) or a datetime.
    #[param(format = Date)]
    pub start_date: Option<String>,
    /// A date (to its last instant) or a datetime; not before `start_date`.
    #[param(format = Date)]
    pub end_date: Option<String>,
}

impl StatsPeriod {
    pub fn from_query(q: &HashMap<String, String>) -> AppResult<StatsPeriod> {
        let start_date = bound(q, "start_date", false)?;
        let end_date = bound(q, "end_date", true)?;
        if let (Some(s), Some(e)) = (&start_date, &end_date)
            && s > e
        {
            return Err(AppError::field(
                "non_field_errors",
                Tr::new(
                    "start_date must be before end_date.",
                    "start_date doit précéder end_date.",
                ),
            ));
        }
        Ok(StatsPeriod {
            start_date,
            end_date,
        })
    }
}

/// A date bound of stats: a plain date covers the whole day.
fn bound(query: &HashMap<String, String>, name: &str, end: bool) -> AppResult<Option<String>> {
    let Some(raw) = text_param(query, name) else {
        return Ok(None);
    };
    // Years outside 0000-9999 fall through to parse_datetime, which refuses them (stored dates have 4 digits).
    if let Ok(d) = NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
        && (0..=9999).contains(&d.year())
    {
        let t = if end {
            d.and_hms_micro_opt(23, 59, 59, 999_999)
        } else {
            d.and_hms_opt(0, 0, 0)
        };
        return Ok(t.map(|t| crate::db::ts(t.and_utc())));
    }
    parse_datetime(&raw)
        .map(|t| Some(crate::db::ts(t)))
        .ok_or_else(|| {
            AppError::field(
                name,
                Tr::new(
                    "Datetime has wrong format. Use ISO 8601.",
                    "Format de date/heure invalide. Utilisez ISO 8601.",
                ),
            )
        })
}

/// The `vehicle_id` parameter of `GET /api/maintenances/by_vehicle/`.
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ByVehicleParams {
    /// Only this vehicle (an id that is not the caller's gives `[]`).
    pub vehicle_id: Option<i64>,
}

impl ByVehicleParams {
    pub fn from_query(q: &HashMap<String, String>) -> AppResult<ByVehicleParams> {
        Ok(ByVehicleParams {
            vehicle_id: id_param(q, "vehicle_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    #[test]
    fn the_documented_statuses_are_the_accepted_values() {
        let schema = serde_json::to_value(MaintenanceStatus::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(STATUSES));
    }

    #[test]
    fn stats_bounds_cover_whole_days() {
        let q = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let p = StatsPeriod::from_query(&q(&[
            ("start_date", "2026-03-01"),
            ("end_date", "2026-03-01"),
        ]))
        .unwrap();
        assert_eq!(p.start_date.unwrap(), "2026-03-01T00:00:00.000000Z");
        assert_eq!(p.end_date.unwrap(), "2026-03-01T23:59:59.999999Z");
        let reversed = q(&[("start_date", "2026-03-02"), ("end_date", "2026-03-01")]);
        assert!(StatsPeriod::from_query(&reversed).is_err());
        assert!(StatsPeriod::from_query(&q(&[("end_date", "soon")])).is_err());
    }
}
