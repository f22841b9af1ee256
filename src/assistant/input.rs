//! The bodies of the assistant actions (assistant.md §4), checked in the contract's order: required inputs, then
//! `vehicleInfo` keys, then the other fields, stopping at the first step that fails.

use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::error::{AppError, AppResult, FieldErrors};
use crate::http::validate::Input;
use crate::i18n::{Tr, msg};

/// One earlier message given with a question.
#[derive(Debug, Clone, ToSchema, serde::Serialize)]
#[schema(as = ChatTurn)]
pub struct HistoryItem {
    #[schema(pattern = "^(user|assistant)$")]
    pub role: String,
    #[schema(max_length = 4000)]
    pub content: String,
}

/// `vehicleInfo` as the actions read it.
#[derive(Debug, Clone, Default, ToSchema)]
#[schema(as = AssistantVehicleInfo)]
pub struct VehicleInfo {
    pub make: String,
    pub model: String,
    pub year: i64,
    pub mileage: Option<i64>,
    pub fuel_type: Option<String>,
    /// One of the caller's vehicles: the answer uses its records.
    pub id: Option<i64>,
}

/// The body of `chat`.
#[derive(ToSchema)]
pub struct ChatRequest {
    #[schema(min_length = 1, max_length = 4000)]
    pub message: String,
    #[schema(max_items = 20)]
    pub history: Option<Vec<HistoryItem>>,
    /// One of the caller's vehicles: the focus of the answer.
    pub vehicle_id: Option<i64>,
}

/// The body of `maintenance_suggestions` (`vehicleInfo`: `make`, `model`, `year`, `mileage` required).
#[derive(ToSchema)]
#[allow(non_snake_case)]
pub struct SuggestionsRequest {
    pub vehicleInfo: VehicleInfo,
}

/// The body of `maintenance_ask` (`vehicleInfo`: `make`, `model`, `year` required).
#[derive(ToSchema)]
#[allow(non_snake_case)]
pub struct AskRequest {
    #[schema(min_length = 1, max_length = 4000)]
    pub question: String,
    pub vehicleInfo: VehicleInfo,
    #[schema(max_items = 20)]
    pub history: Option<Vec<HistoryItem>>,
}

/// The body of `diagnostic` (`vehicleInfo`: `make`, `model`, `year` required).
#[derive(ToSchema)]
#[allow(non_snake_case)]
pub struct DiagnosticRequest {
    #[schema(min_length = 1, max_length = 4000)]
    pub symptoms: String,
    pub vehicleInfo: VehicleInfo,
    /// OBD-II codes (`P0301`; case, spaces and dashes do not matter).
    #[schema(max_items = 20)]
    pub trouble_codes: Option<Vec<String>>,
}

fn present(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

/// Step 1: `required` keys missing, null or blank → 400 with `message` as detail and on each key.
pub fn require(body: &Map<String, Value>, required: &[&str], message: &Tr) -> AppResult<()> {
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !present(body.get(*k)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut errors = FieldErrors::new();
    for k in missing {
        errors.insert(k.to_owned(), vec![message.clone()]);
    }
    Err(AppError::validation(errors).with_detail(message.clone()))
}

/// Step 2: the `vehicleInfo` keys each action needs.
pub fn require_vehicle_keys(body: &Map<String, Value>, keys: &[&str]) -> AppResult<()> {
    let info = body.get("vehicleInfo");
    let Some(Value::Object(info)) = info else {
        return Err(AppError::field(
            "vehicleInfo",
            Tr::new("Expected an object.", "Un objet est attendu."),
        ));
    };
    let missing: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| !present(info.get(*k)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(", ");
    let message = Tr::new(
        format!("Missing fields: {list}"),
        format!("Champs manquants : {list}"),
    );
    let mut errors = FieldErrors::new();
    for k in &missing {
        errors.insert(format!("vehicleInfo.{k}"), vec![message.clone()]);
    }
    Err(AppError::validation(errors).with_detail(message))
}

/// Step 3 for `vehicleInfo`: types and ranges, errors under dotted keys.
pub fn vehicle_info(input: &mut Input, errors: &mut FieldErrors, max_year: i64) -> VehicleInfo {
    let mut out = VehicleInfo::default();
    let Some(obj) = input.object("vehicleInfo", 16 * 1024) else {
        return out;
    };
    let mut inner = Input::new(obj);
    out.make = inner.text("make", 100).unwrap_or_default();
    out.model = inner.text("model", 100).unwrap_or_default();
    out.year = inner
        .int("year", 1900, max_year, true)
        .flatten()
        .unwrap_or(0);
    if inner.has("mileage") {
        out.mileage = inner
            .int("mileage", 0, i64::from(i32::MAX), false)
            .flatten();
    }
    out.fuel_type = inner.opt_choice("fuel_type", crate::knowledge::schedule::FUEL_TYPES);
    if inner.has("id") {
        out.id = inner.int("id", i64::MIN, i64::MAX, false).flatten();
    }
    if let Err(e) = inner.finish() {
        for (k, v) in e.errors.unwrap_or_default() {
            errors.insert(format!("vehicleInfo.{k}"), v);
        }
    }
    out
}

/// `history`: at most 20 `{role, content}` items.
pub fn history(errors: &mut FieldErrors, body: &Map<String, Value>) -> Vec<HistoryItem> {
    let items = match body.get("history") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            errors.insert(
                "history".into(),
                vec![Tr::new(
                    "Expected a list of items.",
                    "Une liste d'éléments est attendue.",
                )],
            );
            return Vec::new();
        }
    };
    if items.len() > 20 {
        errors.insert(
            "history".into(),
            vec![Tr::new(
                "Ensure this field has no more than 20 elements.",
                "Assurez-vous que ce champ ne contient pas plus de 20 éléments.",
            )],
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let role = item.get("role").and_then(Value::as_str);
        let content = item.get("content").and_then(Value::as_str);
        match (role, content) {
            (Some(r @ ("user" | "assistant")), Some(c)) if c.chars().count() <= 4000 => {
                out.push(HistoryItem {
                    role: r.to_owned(),
                    content: c.to_owned(),
                })
            }
            (Some("user" | "assistant"), Some(_)) => {
                errors.insert(format!("history.{i}.content"), vec![msg::max_length(4000)]);
            }
            _ => {
                errors.insert(
                    format!("history.{i}"),
                    vec![Tr::new(
                        "Each item needs a role (user or assistant) and a text content.",
                        "Chaque élément doit avoir un rôle (user ou assistant) et un contenu texte.",
                    )],
                );
            }
        }
    }
    out
}
