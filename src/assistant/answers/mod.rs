//! The offline answers (assistant.md §5): the intent of the question, then an answer built from the caller's own
//! rows (or the knowledge base), with the figures, the records used, and the rows a provider may see.

mod expiry;
mod figures;
mod knowledge;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::intent::{Intent, detect, pick};
use crate::app::AppState;
use crate::error::AppResult;
use crate::i18n::{Lang, Tr};
use crate::vehicles::model::VehicleRow;

/// A row an answer used: `{"type": "maintenance", "id": 301}` (`id` is the code for `trouble_code`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecordRef {
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = RecordId)]
    pub id: Value,
}

/// A record's id, or a trouble code (`"P0301"`) for `trouble_code` (documentation only).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum RecordId {
    Id(i64),
    Code(String),
}

impl RecordRef {
    pub fn new(kind: &str, id: impl Into<Value>) -> RecordRef {
        RecordRef {
            kind: kind.to_owned(),
            id: id.into(),
        }
    }
}

/// What the offline assistant answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub intent: Intent,
    pub content: String,
    pub records: Vec<RecordRef>,
    /// The rows listed in `records` (and the findings), for the provider's context.
    pub context: Value,
}

/// What every answer needs to know about the caller.
pub struct Ctx<'a> {
    pub conn: &'a Connection,
    pub state: &'a AppState,
    pub uid: i64,
    pub lang: Lang,
    pub tz: Tz,
    pub currency: String,
    pub now: DateTime<Utc>,
    pub question: &'a str,
    /// The vehicles the question is about.
    pub vehicles: Vec<VehicleRow>,
}

impl Ctx<'_> {
    pub fn t(&self, en: impl Into<String>, fr: impl Into<String>) -> String {
        Tr::new(en, fr).get(self.lang).to_owned()
    }

    pub fn money(&self, cents: i64) -> String {
        crate::money::format_price(cents, &self.currency, self.lang)
    }

    /// A stored datetime (or date) in the user's format and zone.
    pub fn date(&self, stored: &str) -> String {
        let parsed = crate::db::parse_ts(stored).or_else(|| {
            chrono::NaiveDate::parse_from_str(stored, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map(|d| d.and_utc())
        });
        parsed.map_or_else(
            || stored.to_owned(),
            |d| crate::maintenances::jobs::format_date(d, self.tz, self.lang),
        )
    }

    /// The fuel type of the one vehicle the question is about (none when it is about several or unknown).
    pub fn fuel(&self) -> Option<&str> {
        match self.vehicles.as_slice() {
            [v] => v.fuel_type.as_deref(),
            _ => None,
        }
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }

    pub fn vehicle_name(v: &VehicleRow) -> String {
        match &v.license_plate {
            Some(p) => format!("{} {} ({p})", v.make, v.model),
            None => format!("{} {} {}", v.make, v.model, v.year),
        }
    }
}

/// The offline answer to `question` for user `uid`, about `vehicle_id` when given (already checked as theirs).
pub fn answer(
    conn: &Connection,
    state: &AppState,
    uid: i64,
    lang: Lang,
    question: &str,
    vehicle_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<Answer> {
    let settings = crate::user_settings::repo::find(conn, uid)?;
    let all = crate::vehicles::repo::all_for_owner(conn, uid)?;
    let intent = detect(&state.kb, question);
    let ctx = Ctx {
        conn,
        state,
        uid,
        lang,
        tz: settings.as_ref().map_or(chrono_tz::UTC, |s| s.tz()),
        currency: settings.map_or_else(|| "EUR".to_owned(), |s| s.currency),
        now,
        question,
        vehicles: pick(&all, question, vehicle_id)
            .into_iter()
            .cloned()
            .collect(),
    };
    let (content, records, context) = match intent {
        Intent::TroubleCode => knowledge::trouble_code(&ctx),
        Intent::Symptom => knowledge::symptom(&ctx),
        Intent::Due => expiry::due(&ctx)?,
        Intent::Costs => figures::costs(&ctx)?,
        Intent::History => figures::history(&ctx)?,
        Intent::Expiry => expiry::expiry(&ctx)?,
        Intent::Garage => knowledge::garages(&ctx)?,
        Intent::Vehicles => knowledge::vehicles(&ctx),
        Intent::Unknown => (unknown(lang), Vec::new(), json!({})),
    };
    Ok(Answer {
        intent,
        content,
        records,
        context,
    })
}

pub fn unknown(lang: Lang) -> String {
    Tr::new(
        "I don't know how to answer that. I can tell you what maintenance is due, what you spent over a period, a \
         vehicle's history, what expires soon (insurance, roadworthiness test, subscription), garages in a city, \
         what a fault code means, and what a symptom may come from.",
        "Je ne sais pas répondre à cette question. Je peux vous dire quel entretien est à prévoir, combien vous avez \
         dépensé sur une période, l'historique d'un véhicule, ce qui arrive à échéance (assurance, contrôle \
         technique, abonnement), les garages d'une ville, ce que signifie un code défaut et d'où peut venir un \
         symptôme.",
    )
    .get(lang)
    .to_owned()
}

/// `{"type", "id"}` for each vehicle.
pub(super) fn vehicle_refs(vehicles: &[VehicleRow]) -> Vec<RecordRef> {
    vehicles
        .iter()
        .map(|v| RecordRef::new("vehicle", v.id))
        .collect()
}

pub(super) fn vehicle_json(v: &VehicleRow) -> Value {
    json!({"id": v.id, "make": v.make, "model": v.model, "year": v.year, "license_plate": v.license_plate,
        "fuel_type": v.fuel_type})
}
