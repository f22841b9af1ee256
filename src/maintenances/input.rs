//! Request bodies of maintenances (maintenances.md §2): what `parse` reads, with the contract's rules, and the
//! schemas documenting them.

use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::model::{MaintenanceStatus, STATUSES};
use crate::http::validate::Input;
use crate::i18n::Tr;

/// Largest cost: 99 999 999.99.
pub const MAX_COST_CENTS: i64 = 9_999_999_999;

/// The body of `POST`: what `parse` reads with `create` and `full` (it reports every rule broken, by field).
#[derive(ToSchema)]
pub struct MaintenanceCreate {
    /// One of the caller's vehicles.
    pub vehicle: i64,
    #[serde(flatten)]
    pub fields: MaintenanceFields,
}

/// The body of `PUT`: `vehicle` is fixed after create (ignored), `reminder_sent` becomes writable.
#[derive(ToSchema)]
pub struct MaintenanceReplace {
    #[serde(flatten)]
    pub fields: MaintenanceFields,
    /// Reset to false when `service_date` changes and this is not sent.
    #[schema(value_type = bool, required = false)]
    pub reminder_sent: Option<bool>,
}

/// The fields the `POST` and `PUT` bodies share.
#[derive(ToSchema)]
pub struct MaintenanceFields {
    /// A datetime, or a date (00:00Z that day).
    #[schema(format = DateTime)]
    pub service_date: String,
    #[schema(min_length = 1, max_length = 100)]
    pub service_type: String,
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    #[schema(minimum = 0, maximum = 2147483647)]
    pub mileage: Option<i64>,
    /// A decimal string (or a JSON number), at most 2 decimals, from 0 to 99 999 999.99.
    #[schema(pattern = r"^[0-9]{1,8}(\.[0-9]{1,2})?$")]
    pub cost: Option<String>,
    /// `SCHEDULED` when absent on create.
    #[schema(value_type = MaintenanceStatus, required = false)]
    pub status: Option<String>,
    /// An http or https URL.
    #[schema(
        pattern = r"^https?://[^\s\x00-\x1f\x7f-\x9f/?#:][^\s\x00-\x1f\x7f-\x9f]*$",
        max_length = 200
    )]
    pub invoice_url: Option<String>,
    /// `null` or the caller's own user id.
    pub performed_by: Option<i64>,
}

/// The writable fields, and the body of `PATCH`; `None` = not sent. `vehicle` is read on create only.
#[derive(Debug, Default, Clone, ToSchema)]
pub struct MaintenanceInput {
    #[schema(ignore)]
    pub vehicle: Option<i64>,
    /// A datetime, or a date (00:00Z that day).
    #[schema(value_type = String, required = false, format = DateTime)]
    pub service_date: Option<String>,
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100)]
    pub service_type: Option<String>,
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub description: Option<Option<String>>,
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 2147483647)]
    pub mileage: Option<Option<i64>>,
    /// A decimal string (or a JSON number), at most 2 decimals, from 0 to 99 999 999.99; stored as cents.
    #[serde(rename = "cost")]
    #[schema(value_type = Option<String>, pattern = r"^[0-9]{1,8}(\.[0-9]{1,2})?$")]
    pub cost_cents: Option<Option<i64>>,
    #[schema(value_type = MaintenanceStatus, required = false)]
    pub status: Option<String>,
    #[schema(value_type = Option<String>, pattern = r"^https?://[^\s\x00-\x1f\x7f-\x9f/?#:][^\s\x00-\x1f\x7f-\x9f]*$", max_length = 200)]
    pub invoice_url: Option<Option<String>>,
    /// `null` or the caller's own user id.
    #[schema(value_type = Option<i64>)]
    pub performed_by: Option<Option<i64>>,
    /// Reset to false when `service_date` changes and this is not sent.
    #[schema(value_type = bool, required = false)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use utoipa::PartialSchema;

    /// Strings matching the pattern that the request bodies document for `field` (the same in each).
    fn documented_pattern(field: &str) -> impl Strategy<Value = String> {
        let patterns: Vec<Value> = [MaintenanceFields::schema(), MaintenanceInput::schema()]
            .into_iter()
            .map(|s| serde_json::to_value(s).unwrap()["properties"][field]["pattern"].clone())
            .collect();
        assert!(patterns.iter().all(|p| *p == patterns[0]), "{patterns:?}");
        // The patterns are anchored at both ends; the generator wants them bare.
        let bare = patterns[0].as_str().unwrap();
        let bare = bare.strip_prefix('^').unwrap().strip_suffix('$').unwrap();
        proptest::string::string_regex(bare).unwrap()
    }

    fn body(field: &str, value: &str) -> Map<String, Value> {
        serde_json::json!({ field: value })
            .as_object()
            .unwrap()
            .clone()
    }

    proptest! {
        /// Every cost the documented pattern allows is stored, exactly.
        #[test]
        fn prop_documented_costs_are_accepted(raw in documented_pattern("cost")) {
            let (input, m) = parse(body("cost", &raw), false, false, 1);
            prop_assert!(input.finish().is_ok());
            prop_assert_eq!(m.cost_cents, Some(crate::money::parse_cents(&raw).ok()));
        }

        /// Every invoice URL the documented pattern and length allow is stored unchanged.
        #[test]
        fn prop_documented_urls_are_accepted(raw in documented_pattern("invoice_url")) {
            prop_assume!(raw.chars().count() <= 200);
            let (input, m) = parse(body("invoice_url", &raw), false, false, 1);
            prop_assert!(input.finish().is_ok(), "{:?}", raw);
            prop_assert_eq!(m.invoice_url, Some(Some(raw)));
        }
    }
}
