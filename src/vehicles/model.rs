//! Vehicle rows, input parsing (the same rules on create and update) and the representation.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppResult;
use crate::http::list::{ListFilter, choice_param, id_param, text_param};
use crate::http::validate::Input;
use crate::i18n::Tr;

pub const FUEL_TYPES: &[&str] = &["gasoline", "diesel", "electric", "hybrid", "plugin_hybrid"];
pub const TRANSMISSIONS: &[&str] = &["manual", "automatic", "semi_automatic"];

/// `fuel_type` values (the same as `FUEL_TYPES`; a test keeps them equal).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum FuelType {
    Gasoline,
    Diesel,
    Electric,
    Hybrid,
    PluginHybrid,
}

/// `transmission` values (the same as `TRANSMISSIONS`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Transmission {
    Manual,
    Automatic,
    SemiAutomatic,
}

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

/// A vehicle as the API shows it (vehicles.md §1.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct Vehicle {
    pub id: i64,
    /// The owner's user id (always the caller).
    pub owner: i64,
    #[schema(format = Email)]
    pub owner_email: String,
    /// "first last", trimmed.
    pub owner_name: String,
    pub make: String,
    pub model: String,
    pub year: i64,
    pub license_plate: Option<String>,
    pub vin: Option<String>,
    pub color: Option<String>,
    #[schema(value_type = Option<FuelType>)]
    pub fuel_type: Option<String>,
    #[schema(value_type = Option<Transmission>)]
    pub transmission: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The detail, create and update answers: the vehicle and its counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleDetail {
    #[serde(flatten)]
    pub vehicle: Vehicle,
    pub maintenances_count: i64,
    pub documents_count: i64,
}

/// `{id, make, model, year, license_plate}`, embedded in maintenances.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleInfo {
    pub id: i64,
    pub make: String,
    pub model: String,
    pub year: i64,
    pub license_plate: Option<String>,
}

/// `GET /api/vehicles/stats/` (vehicles.md §1.4): counts by code, null values counted in `total` only.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleStats {
    pub total: i64,
    pub by_fuel_type: BTreeMap<String, i64>,
    pub by_transmission: BTreeMap<String, i64>,
}

impl VehicleRow {
    pub fn into_dto(self, owner: &Owner) -> Vehicle {
        Vehicle {
            id: self.id,
            owner: self.owner_id,
            owner_email: owner.email.clone(),
            owner_name: owner.name.clone(),
            make: self.make,
            model: self.model,
            year: self.year,
            license_plate: self.license_plate,
            vin: self.vin,
            color: self.color,
            fuel_type: self.fuel_type,
            transmission: self.transmission,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// Detail, create and update answers add the counts.
    pub fn into_detail(self, owner: &Owner, maintenances: i64, documents: i64) -> VehicleDetail {
        VehicleDetail {
            vehicle: self.into_dto(owner),
            maintenances_count: maintenances,
            documents_count: documents,
        }
    }

    pub fn info(&self) -> VehicleInfo {
        VehicleInfo {
            id: self.id,
            make: self.make.clone(),
            model: self.model.clone(),
            year: self.year,
            license_plate: self.license_plate.clone(),
        }
    }
}

/// The list filters of `GET /api/vehicles/` (all exact; `make` and `model` ignore case).
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VehicleFilter {
    pub make: Option<String>,
    pub model: Option<String>,
    pub year: Option<i64>,
    #[param(value_type = Option<FuelType>)]
    pub fuel_type: Option<String>,
    #[param(value_type = Option<Transmission>)]
    pub transmission: Option<String>,
}

impl ListFilter for VehicleFilter {
    fn from_query(q: &HashMap<String, String>) -> AppResult<VehicleFilter> {
        Ok(VehicleFilter {
            make: text_param(q, "make"),
            model: text_param(q, "model"),
            year: id_param(q, "year")?,
            fuel_type: choice_param(q, "fuel_type", FUEL_TYPES)?,
            transmission: choice_param(q, "transmission", TRANSMISSIONS)?,
        })
    }
}

/// The body of `POST` and `PUT`: what `parse` reads with `full` (it reports every rule broken, by field).
#[derive(ToSchema)]
pub struct VehicleCreate {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub make: String,
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub model: String,
    /// From 1900 to next year.
    #[schema(minimum = 1900)]
    pub year: i64,
    /// Stored trimmed, upper-cased, inner spaces collapsed.
    #[schema(max_length = 20)]
    pub license_plate: Option<String>,
    /// 17 letters or digits without I, O, Q; stored upper-cased; unique among the caller's vehicles.
    #[schema(pattern = "^[A-HJ-NPR-Za-hj-npr-z0-9]{17}$")]
    pub vin: Option<String>,
    #[schema(max_length = 50)]
    pub color: Option<String>,
    #[schema(value_type = Option<FuelType>)]
    pub fuel_type: Option<String>,
    #[schema(value_type = Option<Transmission>)]
    pub transmission: Option<String>,
}

/// The writable fields, and the body of `PATCH`; `None` = not sent (PATCH keeps the stored value).
#[derive(Debug, Default, Clone, ToSchema)]
pub struct VehicleInput {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub make: Option<String>,
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub model: Option<String>,
    #[schema(minimum = 1900)]
    pub year: Option<i64>,
    #[schema(value_type = Option<String>, max_length = 20)]
    pub license_plate: Option<Option<String>>,
    #[schema(value_type = Option<String>, pattern = "^[A-HJ-NPR-Za-hj-npr-z0-9]{17}$")]
    pub vin: Option<Option<String>>,
    #[schema(value_type = Option<String>, max_length = 50)]
    pub color: Option<Option<String>>,
    #[schema(value_type = Option<FuelType>)]
    pub fuel_type: Option<Option<String>>,
    #[schema(value_type = Option<Transmission>)]
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
    // ASCII upper-casing only: Unicode's turns `ſ` into `S` and `ß` into `SS`, making a VIN out of other text.
    v.vin = input
        .opt_text("vin", 100)
        .map(|x| x.map(|x| x.to_ascii_uppercase()));
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
    use serde_json::json;

    #[test]
    fn plates_and_vins() {
        assert_eq!(normalize_plate("  tu   123\tab "), "TU 123 AB");
        assert!(is_valid_vin("VF1RFB00X57123456"));
        assert!(!is_valid_vin("VF1RFB00X5712345"));
        assert!(!is_valid_vin("VF1RFB00O57123456"));
        assert!(!is_valid_vin("vf1rfb00x57123456"));
        // Found by prop_vin_rule: Unicode upper-casing made VINs of `ſ` (→ S) and `ß` (→ SS).
        for text in ["ſF1RFB00X57123456", "ßF1RFB00X5712345"] {
            let (input, _) = parse(body(Some(text), None), true, 2030);
            assert!(input.has_error("vin"), "{text}");
        }
    }

    use proptest::prelude::*;

    fn body(vin: Option<&str>, plate: Option<&str>) -> Map<String, Value> {
        let mut b = json!({"make": "Renault", "model": "Clio", "year": 2020});
        if let Some(v) = vin {
            b["vin"] = json!(v);
        }
        if let Some(p) = plate {
            b["license_plate"] = json!(p);
        }
        b.as_object().unwrap().clone()
    }

    /// VIN-like input: VIN characters in both cases, the forbidden I/O/Q, characters that upper-case to ASCII
    /// (ß → SS, ſ → S, ı → I, ﬀ → FF) or to nothing ASCII, around the 17-character length, maybe padded.
    fn vin_like() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            8 => proptest::char::ranges(vec!['A'..='Z', 'a'..='z', '0'..='9'].into()),
            1 => proptest::sample::select(vec!['I', 'o', 'q', 'ß', 'ſ', 'ı', 'ﬀ', 'é', 'K', '-', ' ']),
        ];
        (proptest::collection::vec(c, 15..=19), "[ ]{0,2}")
            .prop_map(|(chars, pad)| format!("{pad}{}{pad}", chars.into_iter().collect::<String>()))
    }

    proptest! {
        /// The VIN field takes exactly 17 ASCII letters and digits without I, O, Q, in any case, stores them
        /// upper-cased, and agrees with the extractor's rule.
        #[test]
        fn prop_vin_rule(text in vin_like()) {
            let trimmed = text.trim();
            let valid = trimmed.len() == 17
                && trimmed.chars().all(|c| c.is_ascii_alphanumeric() && !"IOQioq".contains(c));
            prop_assert_eq!(crate::documents::extract::vin_is_valid(trimmed), valid);
            let upper = trimmed.to_ascii_uppercase();
            prop_assert_eq!(is_valid_vin(&upper), valid);
            prop_assert_eq!(is_valid_vin(trimmed), valid && trimmed == upper);
            let (input, v) = parse(body(Some(&text), None), true, 2030);
            if valid {
                prop_assert!(input.finish().is_ok());
                prop_assert_eq!(v.vin, Some(Some(upper)));
            } else {
                let errors = input.finish().unwrap_err().errors.unwrap();
                prop_assert_eq!(&errors["vin"][0], &vin_message(), "{:?}", text);
            }
        }

        /// Plates are free text, normalised idempotently: upper case, single inner spaces, none at the ends,
        /// at most 20 characters.
        #[test]
        fn prop_plate_normalisation(text in prop_oneof![any::<String>(), "[a-zA-Z0-9 \t-]{0,30}"]) {
            let once = normalize_plate(&text);
            prop_assert_eq!(normalize_plate(&once), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "), "{:?}", once);
            prop_assert!(!once.chars().any(|c| c.is_whitespace() && c != ' '));
            let (input, v) = parse(body(None, Some(&text)), true, 2030);
            let fits = once.chars().count() <= 20 && text.trim().chars().count() <= 40;
            match v.license_plate {
                Some(Some(p)) if fits => {
                    prop_assert_eq!(p, once);
                    prop_assert!(input.finish().is_ok());
                }
                Some(None) => prop_assert!(text.trim().is_empty()),
                _ => prop_assert!(!fits && input.has_error("license_plate")),
            }
        }

        /// What the document extractor reads as a French plate is stored unchanged by the vehicle form.
        #[test]
        fn prop_extracted_plates_are_accepted(
            siv in "[A-HJ-NP-TV-Z]{2}[ -]?[0-9]{3}[ -]?[A-HJ-NP-TV-Z]{2}",
            fni in "[0-9]{1,4} ?[A-Z]{1,3} ?([0-9]{2}|2A|2B|97[0-9])",
        ) {
            for raw in [siv, fni] {
                if let Some(plate) = crate::documents::extract::parse_plate(&raw) {
                    let (input, v) = parse(body(None, Some(&plate)), true, 2030);
                    prop_assert!(input.finish().is_ok());
                    prop_assert_eq!(v.license_plate, Some(Some(plate)));
                }
            }
        }
    }

    #[test]
    fn the_documented_enums_are_the_accepted_values() {
        assert_eq!(crate::docs::testing::enum_values::<FuelType>(), FUEL_TYPES);
        assert_eq!(
            crate::docs::testing::enum_values::<Transmission>(),
            TRANSMISSIONS
        );
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
