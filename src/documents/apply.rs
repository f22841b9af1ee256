//! From document to record (`POST /api/documents/{id}/apply-suggestion/`): an analysed invoice's suggestion becomes
//! a maintenance, a registration certificate's fills the empty fields of a vehicle. The document remembers what it
//! was applied to (table `document_applications`, whose SQL is here), so applying twice creates nothing new.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::service::owned;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::maintenances::model::MaintenanceDetail;
use crate::vehicles::model::VehicleDetail;

/// What an application made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Applied {
    pub document: i64,
    /// `maintenance` or `vehicle`.
    #[schema(pattern = "^(maintenance|vehicle)$")]
    pub applied: String,
    /// The maintenance created from an invoice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<MaintenanceDetail>,
    /// The vehicle a registration certificate completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<VehicleDetail>,
    /// The vehicle fields that were empty and are now filled (registration certificates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filled: Option<Vec<String>>,
}

/// The body of `apply-suggestion` (every field optional): values that replace the suggestion's.
#[derive(ToSchema)]
pub struct ApplyOverrides {
    /// One of the caller's vehicles (else the document's).
    pub vehicle: Option<i64>,
    #[schema(format = Date)]
    pub service_date: Option<String>,
    pub service_type: Option<String>,
    pub description: Option<String>,
    pub mileage: Option<i64>,
    /// A decimal string (`"118.80"`).
    pub cost: Option<String>,
    #[schema(value_type = Option<crate::maintenances::model::MaintenanceStatus>)]
    pub status: Option<String>,
}

/// The keys of the body that may replace the suggestion's values (an invoice's maintenance).
const OVERRIDES: &[&str] = &[
    "vehicle",
    "service_date",
    "service_type",
    "description",
    "mileage",
    "cost",
    "status",
];
/// The vehicle fields a certificate may fill when they are empty.
const FILLABLE: &[&str] = &["license_plate", "vin", "fuel_type"];

/// (maintenance id, vehicle id) a document was applied to.
fn application(
    conn: &Connection,
    document: i64,
) -> rusqlite::Result<Option<(Option<i64>, Option<i64>)>> {
    conn.query_row(
        "SELECT maintenance_id, vehicle_id FROM document_applications WHERE document_id = ?1",
        [document],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

fn record(
    conn: &Connection,
    document: i64,
    target: (Option<i64>, Option<i64>),
    fields: &[String],
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO document_applications (document_id, maintenance_id, vehicle_id, fields, applied_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![document, target.0, target.1, json!(fields).to_string(), now],
    )?;
    Ok(())
}

fn already_applied(key: &str, existing: Value) -> AppError {
    AppError::conflict(Tr::new(
        "This document's suggestion was already applied.",
        "La suggestion de ce document a déjà été appliquée.",
    ))
    .with_extension(key, existing)
}

fn nothing_to_apply() -> AppError {
    AppError::field(
        "non_field_errors",
        Tr::new(
            "This document has no suggestion to apply: analyse an invoice or a registration certificate first.",
            "Ce document n'a pas de suggestion à appliquer : analysez d'abord une facture ou un certificat \
             d'immatriculation.",
        ),
    )
}

fn vehicle_needed() -> AppError {
    AppError::field(
        "vehicle",
        Tr::new(
            "This document has no vehicle: give one.",
            "Ce document n'a pas de véhicule : indiquez-en un.",
        ),
    )
}

/// Applies document `id`'s suggestion, `body` holding optional overrides; `true` when a record was created.
pub async fn apply_suggestion(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
) -> AppResult<(bool, Applied)> {
    let uid = user.id;
    let now = state.clock.now();
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let doc = owned(tx, uid, id)?;
            let owner = crate::vehicles::service::owner(tx, uid)?;
            match application(tx, id)? {
                Some((Some(m), _)) => {
                    let existing = crate::maintenances::service::detail(tx, uid, m)?;
                    return Err(already_applied("maintenance", json!(existing)));
                }
                Some((_, Some(v))) => {
                    let row = crate::vehicles::service::owned(tx, uid, v)?;
                    let existing = crate::vehicles::service::detail(tx, row, &owner)?;
                    return Err(already_applied("vehicle", json!(existing)));
                }
                _ => {}
            }
            let suggestion = &doc.analysis_data["suggestion"];
            let vehicle_id = match body.get("vehicle") {
                None | Some(Value::Null) => doc.vehicle_id,
                Some(v) => Some(v.as_i64().ok_or_else(|| {
                    AppError::field("vehicle", crate::i18n::msg::invalid_integer())
                })?),
            };
            if let Some(Value::Object(m)) = suggestion.get("maintenance") {
                let mut fields: Map<String, Value> = m
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                fields.insert("status".into(), json!("COMPLETED"));
                fields.insert("vehicle".into(), json!(vehicle_id));
                for (k, v) in &body {
                    if OVERRIDES.contains(&k.as_str()) {
                        fields.insert(k.clone(), v.clone());
                    }
                }
                if fields.get("vehicle").is_none_or(Value::is_null) {
                    return Err(vehicle_needed());
                }
                let mid = crate::maintenances::service::create_in(tx, &st, uid, fields, now)?;
                record(tx, id, (Some(mid), None), &[], &ts(now))?;
                let maintenance = crate::maintenances::service::detail(tx, uid, mid)?;
                return Ok((
                    true,
                    Applied {
                        document: id,
                        applied: "maintenance".into(),
                        maintenance: Some(maintenance),
                        vehicle: None,
                        filled: None,
                    },
                ));
            }
            let Some(Value::Object(found)) = suggestion.get("vehicle") else {
                return Err(nothing_to_apply());
            };
            let vid = vehicle_id.ok_or_else(vehicle_needed)?;
            let mut row =
                crate::vehicles::repo::find_for_owner(tx, uid, vid)?.ok_or_else(|| {
                    AppError::field("vehicle", crate::maintenances::input::vehicle_not_found())
                })?;
            let mut filled = Vec::new();
            for key in FILLABLE {
                let Some(value) = found.get(*key).and_then(Value::as_str) else {
                    continue;
                };
                let slot = match *key {
                    "license_plate" => &mut row.license_plate,
                    "vin" => &mut row.vin,
                    _ => &mut row.fuel_type,
                };
                if slot.as_deref().is_none_or(str::is_empty) {
                    *slot = Some(value.to_owned());
                    filled.push((*key).to_owned());
                }
            }
            // A VIN already on another of the owner's vehicles stays where it is.
            if filled.iter().any(|f| f == "vin")
                && let Some(vin) = &row.vin
                && crate::vehicles::repo::vin_taken(tx, uid, vin, Some(vid))?
            {
                row.vin = None;
                filled.retain(|f| f != "vin");
            }
            crate::vehicles::repo::update(tx, &row, &ts(now))?;
            record(tx, id, (None, Some(vid)), &filled, &ts(now))?;
            let vehicle = crate::vehicles::service::detail(tx, row, &owner)?;
            Ok((
                false,
                Applied {
                    document: id,
                    applied: "vehicle".into(),
                    maintenance: None,
                    vehicle: Some(vehicle),
                    filled: Some(filled),
                },
            ))
        })
        .await
}
