//! What the frontend may pre-fill from the fields: a maintenance or a vehicle (documents.md §6.5).

use super::*;

/// What the frontend may pre-fill for the user to confirm: a maintenance from an invoice with a date or a total,
/// a vehicle from a certificate with a make or a model.
pub(super) fn suggestion(doc_type: &str, fields: &Map<String, Value>) -> Option<Value> {
    let get = |k: &str| fields.get(k).map_or(Value::Null, |f| f["value"].clone());
    match doc_type {
        "invoice" => {
            let date = get("invoice_date");
            let cost = Some(get("total_incl_tax"))
                .filter(|c| !c.is_null())
                .unwrap_or_else(|| get("total_excl_tax"));
            // A credit note's total is negative: not the cost of a maintenance.
            let cost = if cost.as_str().is_some_and(|c| c.starts_with('-')) {
                Value::Null
            } else {
                cost
            };
            if date.is_null() && cost.is_null() {
                return None;
            }
            let (garage, number) = (get("garage_name"), get("invoice_number"));
            let parts: Vec<String> = [
                garage.as_str().map(str::to_string),
                number.as_str().map(|n| format!("facture {n}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let description = if parts.is_empty() {
                Value::Null
            } else {
                parts.join(" — ").into()
            };
            Some(
                json!({"maintenance": {"service_date": date, "cost": cost, "mileage": get("mileage"),
                "service_type": "Entretien", "description": description}}),
            )
        }
        "registration" => {
            let (make, model) = (get("make"), get("model"));
            if make.is_null() && model.is_null() {
                return None;
            }
            let registered = get("first_registration_date");
            let year = registered
                .as_str()
                .and_then(|d| d.get(..4))
                .and_then(|y| y.parse::<i64>().ok());
            let fuel = get("fuel_type")
                .as_str()
                .filter(|f| FUEL_TYPES.contains(f))
                .map(str::to_string);
            Some(
                json!({"vehicle": {"make": make, "model": model, "year": year,
                "license_plate": get("license_plate"), "vin": get("vin"), "fuel_type": fuel}}),
            )
        }
        _ => None,
    }
}
