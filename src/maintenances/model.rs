//! Maintenance rows, input parsing and the representation.

use serde_json::{Map, Value, json};

use crate::http::validate::Input;
use crate::i18n::Tr;
use crate::money::format_cents;
use crate::vehicles::model::Owner;

pub const STATUSES: &[&str] = &["SCHEDULED", "IN_PROGRESS", "COMPLETED", "CANCELLED"];

/// Largest cost: 99 999 999.99.
pub const MAX_COST_CENTS: i64 = 9_999_999_999;

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

impl MaintenanceRow {
    /// The representation; every record of a list belongs to the caller, who is also its creator.
    pub fn to_json(&self, owner: &Owner) -> Value {
        let performed_by_name = self.performed_by_id.map(|_| owner.name.clone());
        json!({
            "id": self.id,
            "vehicle": self.vehicle_id,
            "vehicle_info": {"id": self.vehicle_id, "make": self.vehicle_make, "model": self.vehicle_model,
                             "year": self.vehicle_year, "license_plate": self.vehicle_plate},
            "created_by": self.created_by_id,
            "created_by_name": owner.name,
            "performed_by": self.performed_by_id,
            "performed_by_name": performed_by_name,
            "service_date": self.service_date,
            "service_type": self.service_type,
            "description": self.description,
            "mileage": self.mileage,
            "cost": self.cost_cents.map(format_cents),
            "status": self.status,
            "invoice_url": self.invoice_url,
            "reminder_sent": self.reminder_sent,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }
}

/// The writable fields; `None` = not sent.
#[derive(Debug, Default, Clone)]
pub struct MaintenanceInput {
    pub vehicle: Option<i64>,
    pub service_date: Option<String>,
    pub service_type: Option<String>,
    pub description: Option<Option<String>>,
    pub mileage: Option<Option<i64>>,
    pub cost_cents: Option<Option<i64>>,
    pub status: Option<String>,
    pub invoice_url: Option<Option<String>>,
    pub performed_by: Option<Option<i64>>,
    pub reminder_sent: Option<bool>,
}

pub fn vehicle_not_found() -> Tr {
    Tr::new("Vehicle not found.", "Véhicule introuvable.")
}

/// Reads the fields; `create` requires `vehicle` and reads no `reminder_sent`; `full` requires the `*` fields.
pub fn parse(
    body: Map<String, Value>,
    create: bool,
    full: bool,
    caller: i64,
) -> (Input, MaintenanceInput) {
    let mut input = Input::new(body);
    let mut m = MaintenanceInput::default();
    if create && let Some(Some(v)) = input.int("vehicle", i64::MIN, i64::MAX, true) {
        m.vehicle = Some(v);
    }
    let need = |input: &Input, name: &str| full || input.has(name);
    if need(&input, "service_date") {
        m.service_date = input.datetime("service_date", true).flatten();
    }
    if need(&input, "service_type") {
        m.service_type = input.text("service_type", 100);
    }
    m.description = input.opt_text("description", 10_000);
    m.mileage = input.int("mileage", 0, i64::from(i32::MAX), false);
    m.cost_cents = input.cents("cost", MAX_COST_CENTS);
    if input.has("status") {
        match input.text("status", 20) {
            Some(s) if STATUSES.contains(&s.as_str()) => m.status = Some(s),
            Some(s) => input.error("status", crate::i18n::msg::invalid_choice(&s)),
            None => {}
        }
    }
    m.invoice_url = input.url("invoice_url", 200);
    match input.int("performed_by", i64::MIN, i64::MAX, false) {
        Some(Some(id)) if id == caller => m.performed_by = Some(Some(id)),
        Some(Some(_)) => input.error(
            "performed_by",
            Tr::new("User not found.", "Utilisateur introuvable."),
        ),
        other => m.performed_by = other,
    }
    if !create && input.has("reminder_sent") {
        m.reminder_sent = input.bool("reminder_sent");
    }
    (input, m)
}
