//! Vehicle rows, input parsing (the same rules on create and update) and the representation.

use serde_json::{Map, Value, json};

use crate::http::validate::Input;
use crate::i18n::Tr;

pub const FUEL_TYPES: &[&str] = &["gasoline", "diesel", "electric", "hybrid", "plugin_hybrid"];
pub const TRANSMISSIONS: &[&str] = &["manual", "automatic", "semi_automatic"];

#[derive(Debug, Clone)]
pub struct VehicleRow {
    pub id: i64,
    pub owner_id: i64,
    pub make: String,
    pub model: String,
    pub year: i64,
    pub license_plate: Option<String>,
    pub vin: Option<String>,
    pub color: Option<String>,
    pub fuel_type: Option<String>,
    pub transmission: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The owner fields of the representation (always the caller).
pub struct Owner {
    pub email: String,
    pub name: String,
}

impl VehicleRow {
    pub fn to_json(&self, owner: &Owner) -> Value {
        json!({
            "id": self.id, "owner": self.owner_id, "owner_email": owner.email, "owner_name": owner.name,
            "make": self.make, "model": self.model, "year": self.year, "license_plate": self.license_plate,
            "vin": self.vin, "color": self.color, "fuel_type": self.fuel_type, "transmission": self.transmission,
            "created_at": self.created_at, "updated_at": self.updated_at,
        })
    }

    /// Detail, create and update answers add the counts.
    pub fn to_detail(&self, owner: &Owner, maintenances: i64, documents: i64) -> Value {
        let mut v = self.to_json(owner);
        v["maintenances_count"] = json!(maintenances);
        v["documents_count"] = json!(documents);
        v
    }

    /// `{id, make, model, year, license_plate}` embedded in maintenances.
    pub fn info(&self) -> Value {
        json!({"id": self.id, "make": self.make, "model": self.model, "year": self.year, "license_plate": self.license_plate})
    }
}

/// The writable fields; `None` = not sent (PATCH keeps the stored value).
#[derive(Debug, Default, Clone)]
pub struct VehicleInput {
    pub make: Option<String>,
    pub model: Option<String>,
    pub year: Option<i64>,
    pub license_plate: Option<Option<String>>,
    pub vin: Option<Option<String>>,
    pub color: Option<Option<String>>,
    pub fuel_type: Option<Option<String>>,
    pub transmission: Option<Option<String>>,
}

pub fn vin_message() -> Tr {
    Tr::new(
        "VIN must be exactly 17 characters (letters and digits, no I, O or Q).",
        "Le VIN doit comporter exactement 17 caractères (lettres et chiffres, sans I, O ni Q).",
    )
}

pub fn duplicate_vin_message() -> Tr {
    Tr::new(
        "You already have a vehicle with this VIN.",
        "Vous avez déjà un véhicule avec ce VIN.",
    )
}

/// Trimmed, upper-cased, inner whitespace runs collapsed to one space.
pub fn normalize_plate(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// 17 letters or digits, none of I, O, Q (after upper-casing).
pub fn is_valid_vin(vin: &str) -> bool {
    vin.len() == 17
        && vin.bytes().all(|b| {
            (b.is_ascii_uppercase() || b.is_ascii_digit()) && !matches!(b, b'I' | b'O' | b'Q')
        })
}

/// Reads the vehicle fields; with `full` (create, PUT) the required ones must be present.
pub fn parse(body: Map<String, Value>, full: bool, max_year: i64) -> (Input, VehicleInput) {
    let mut input = Input::new(body);
    let mut v = VehicleInput::default();
    let need = |input: &Input, name: &str| full || input.has(name);
    if need(&input, "make") {
        v.make = input.text("make", 100);
    }
    if need(&input, "model") {
        v.model = input.text("model", 100);
    }
    if need(&input, "year") {
        match input.int("year", i64::MIN, i64::MAX, true) {
            Some(Some(y)) if (1900..=max_year).contains(&y) => v.year = Some(y),
            Some(Some(_)) => input.error(
                "year",
                Tr::new(
                    format!("Year must be between 1900 and {max_year}."),
                    format!("L'année doit être comprise entre 1900 et {max_year}."),
                ),
            ),
            _ => {}
        }
    }
    v.license_plate = input
        .opt_text("license_plate", 40)
        .map(|p| p.map(|p| normalize_plate(&p)));
    if let Some(Some(p)) = &v.license_plate
        && p.chars().count() > 20
    {
        input.error("license_plate", crate::i18n::msg::max_length(20));
    }
    v.vin = input
        .opt_text("vin", 100)
        .map(|x| x.map(|x| x.to_uppercase()));
    if let Some(Some(vin)) = &v.vin
        && !is_valid_vin(vin)
    {
        input.error("vin", vin_message());
    }
    v.color = input.opt_text("color", 50);
    if input.has("fuel_type") {
        v.fuel_type = Some(input.opt_choice("fuel_type", FUEL_TYPES));
    }
    if input.has("transmission") {
        v.transmission = Some(input.opt_choice("transmission", TRANSMISSIONS));
    }
    (input, v)
}

/// Applies an input onto a row (PATCH keeps what was not sent).
pub fn merge(mut v: VehicleRow, input: VehicleInput) -> VehicleRow {
    if let Some(x) = input.make {
        v.make = x;
    }
    if let Some(x) = input.model {
        v.model = x;
    }
    if let Some(x) = input.year {
        v.year = x;
    }
    if let Some(x) = input.license_plate {
        v.license_plate = x;
    }
    if let Some(x) = input.vin {
        v.vin = x;
    }
    if let Some(x) = input.color {
        v.color = x;
    }
    if let Some(x) = input.fuel_type {
        v.fuel_type = x;
    }
    if let Some(x) = input.transmission {
        v.transmission = x;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_and_vins() {
        assert_eq!(normalize_plate("  tu   123\tab "), "TU 123 AB");
        assert!(is_valid_vin("VF1RFB00X57123456"));
        assert!(!is_valid_vin("VF1RFB00X5712345"));
        assert!(!is_valid_vin("VF1RFB00O57123456"));
        assert!(!is_valid_vin("vf1rfb00x57123456"));
    }

    #[test]
    fn years_are_bounded() {
        let body = json!({"make": "Renault", "model": "Clio", "year": 1899})
            .as_object()
            .unwrap()
            .clone();
        let (input, _) = parse(body, true, 2027);
        let errors = input.finish().unwrap_err().errors.unwrap();
        assert_eq!(errors["year"][0].en, "Year must be between 1900 and 2027.");
    }
}
