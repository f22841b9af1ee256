//! The assistant actions (assistant.md §4): plan-gated (403 before the body is read), throttled, validated in the
//! contract's order, answered offline and worded by the provider when one is configured.

use chrono::Datelike;
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::answers::RecordRef;
use super::ask::ask;
use super::input::{self, HistoryItem, require, require_vehicle_keys};
use super::schedule::{ItemStatus, VehicleFacts, statuses, suggestions};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::http::throttle::Scope;
use crate::http::validate::Input;
use crate::i18n::{Lang, Tr};
use crate::knowledge::analysis::{analyze, cost_text};
use crate::knowledge::{Severity, normalize_code};
use crate::maintenances::input::vehicle_not_found;
use crate::plans::service::{Feature, require_feature};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatAnswer {
    pub content: String,
    /// `autotrack-kb` offline, else the provider's model.
    pub model: String,
    #[schema(pattern = "^(knowledge_base|provider)$")]
    pub source: String,
    pub intent: String,
    pub records: Vec<RecordRef>,
    #[schema(format = DateTime)]
    pub generated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionsAnswer {
    /// The `vehicleInfo` sent.
    #[schema(value_type = Object)]
    pub vehicle_info: Value,
    pub suggestions: Vec<String>,
    pub items: Vec<ItemStatus>,
    #[schema(format = DateTime)]
    pub generated_at: String,
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AskAnswer {
    pub question: String,
    pub answer: String,
    #[schema(value_type = Object)]
    pub vehicle_info: Value,
    #[schema(format = DateTime)]
    pub timestamp: String,
    pub source: String,
    pub records: Vec<RecordRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSummary {
    pub code: String,
    pub known: bool,
    pub description: String,
    pub severity: Option<Severity>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CauseSummary {
    pub cause: String,
    pub likelihood: f64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticAnswer {
    pub diagnosis: String,
    #[schema(pattern = "^(low|medium|high)$")]
    pub urgency: String,
    pub estimated_cost: String,
    pub recommendations: Vec<String>,
    pub trouble_codes: Vec<CodeSummary>,
    pub probable_causes: Vec<CauseSummary>,
    pub source: String,
}

/// Feature and throttle, before anything of the body is read.
async fn gate(state: &AppState, user: &AuthUser, feature: Feature) -> AppResult<()> {
    let (st, uid, lang) = (state.clone(), user.id, user.lang);
    state
        .db
        .read(move |c| require_feature(c, &st, uid, feature, lang))
        .await?;
    state
        .throttles
        .check(Scope::Assistant, &[format!("user:{}", user.id)])
}

/// 400 on `key` unless `id` is one of the caller's vehicles.
async fn check_vehicle(state: &AppState, uid: i64, key: &str, id: Option<i64>) -> AppResult<()> {
    let Some(id) = id else { return Ok(()) };
    let found = state
        .db
        .read(move |c| Ok(crate::vehicles::repo::find_for_owner(c, uid, id)?))
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(AppError::field(key, vehicle_not_found())),
    }
}

fn finish(input: Input, mut errors: FieldErrors) -> AppResult<()> {
    if let Err(e) = input.finish() {
        errors.extend(e.errors.unwrap_or_default());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(errors))
    }
}

fn max_year(state: &AppState) -> i64 {
    i64::from(state.clock.now().year()) + 1
}

pub async fn chat(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<ChatAnswer> {
    gate(state, user, Feature::AiAssistant).await?;
    require(
        &body,
        &["message"],
        &Tr::new("The message is required.", "Le message est requis"),
    )?;
    let mut errors = FieldErrors::new();
    let history = input::history(&mut errors, &body);
    let mut input = Input::new(body);
    let message = input.text("message", 4000);
    let vehicle_id = input.int("vehicle_id", i64::MIN, i64::MAX, false).flatten();
    finish(input, errors)?;
    check_vehicle(state, user.id, "vehicle_id", vehicle_id).await?;
    let message = message.unwrap_or_default();
    let r = ask(state, user.id, user.lang, &message, vehicle_id, &history).await?;
    Ok(ChatAnswer {
        content: r.content,
        model: r.model,
        source: r.source.into(),
        intent: r.intent.into(),
        records: r.records,
        generated_at: crate::db::ts(state.clock.now()),
    })
}

pub async fn maintenance_suggestions(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<SuggestionsAnswer> {
    gate(state, user, Feature::AiAssistant).await?;
    require(
        &body,
        &["vehicleInfo"],
        &Tr::new(
            "Vehicle information is required.",
            "Les informations du véhicule sont requises",
        ),
    )?;
    require_vehicle_keys(&body, &["make", "model", "year", "mileage"])?;
    let echo = body
        .get("vehicleInfo")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut errors = FieldErrors::new();
    let mut input = Input::new(body);
    let info = input::vehicle_info(&mut input, &mut errors, max_year(state));
    finish(input, errors)?;
    check_vehicle(state, user.id, "vehicleInfo.id", info.id).await?;
    let (uid, lang, now) = (user.id, user.lang, state.clock.now());
    let st = state.clone();
    let items = state
        .db
        .read(move |c| {
            let (records, fuel) = match info.id {
                Some(id) => (
                    crate::maintenances::repo::for_vehicle(c, uid, id)?,
                    match info.fuel_type.clone() {
                        Some(f) => Some(f),
                        None => crate::vehicles::repo::find_for_owner(c, uid, id)?
                            .and_then(|v| v.fuel_type),
                    },
                ),
                None => (Vec::new(), info.fuel_type.clone()),
            };
            let tz = crate::user_settings::repo::find(c, uid)?.map_or(chrono_tz::UTC, |s| s.tz());
            let facts = VehicleFacts {
                fuel_type: fuel.as_deref(),
                year: info.year,
                mileage: info.mileage,
            };
            let today = now.with_timezone(&tz).date_naive();
            Ok(statuses(&st.kb, &facts, &records, today, lang))
        })
        .await?;
    let date = |d: &str| match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(day) => match lang {
            Lang::Fr => day.format("%d/%m/%Y").to_string(),
            Lang::En => day.to_string(),
        },
        Err(_) => d.to_owned(),
    };
    Ok(SuggestionsAnswer {
        vehicle_info: echo,
        suggestions: suggestions(&items, lang, date),
        items,
        generated_at: crate::db::ts(now),
        source: "knowledge_base".into(),
    })
}

pub async fn maintenance_ask(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<AskAnswer> {
    gate(state, user, Feature::AiAssistant).await?;
    require(
        &body,
        &["question", "vehicleInfo"],
        &Tr::new(
            "The question and the vehicle information are required.",
            "La question et les informations du véhicule sont requises",
        ),
    )?;
    require_vehicle_keys(&body, &["make", "model", "year"])?;
    let echo = body
        .get("vehicleInfo")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut errors = FieldErrors::new();
    let history: Vec<HistoryItem> = input::history(&mut errors, &body);
    let mut input = Input::new(body);
    let question = input.text("question", 4000).unwrap_or_default();
    let info = input::vehicle_info(&mut input, &mut errors, max_year(state));
    finish(input, errors)?;
    check_vehicle(state, user.id, "vehicleInfo.id", info.id).await?;
    let r = ask(state, user.id, user.lang, &question, info.id, &history).await?;
    Ok(AskAnswer {
        question,
        answer: r.content,
        vehicle_info: echo,
        timestamp: crate::db::ts(state.clock.now()),
        source: r.source.into(),
        records: r.records,
    })
}

pub async fn diagnostic(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<DiagnosticAnswer> {
    gate(state, user, Feature::AiDiagnostic).await?;
    require(
        &body,
        &["symptoms", "vehicleInfo"],
        &Tr::new(
            "The symptoms and the vehicle information are required.",
            "Les symptômes et les informations du véhicule sont requis",
        ),
    )?;
    require_vehicle_keys(&body, &["make", "model", "year"])?;
    let mut errors = FieldErrors::new();
    let mut input = Input::new(body);
    let symptoms = input.text("symptoms", 4000).unwrap_or_default();
    let info = input::vehicle_info(&mut input, &mut errors, max_year(state));
    let mut codes = Vec::new();
    if input.has("trouble_codes")
        && let Some(raw) = input.string_list("trouble_codes", 20, 20)
    {
        for c in raw {
            match normalize_code(&c) {
                Some(n) => codes.push(n),
                None => input.error("trouble_codes", crate::diagnostics::input::invalid_code(&c)),
            }
        }
    }
    finish(input, errors)?;
    let lang = user.lang;
    let fuel = match (&info.fuel_type, info.id) {
        (Some(f), _) => Some(f.clone()),
        (None, Some(id)) => {
            let uid = user.id;
            state
                .db
                .read(move |c| Ok(crate::vehicles::repo::find_for_owner(c, uid, id)?))
                .await?
                .and_then(|v| v.fuel_type)
        }
        (None, None) => None,
    };
    let a = analyze(
        &state.kb,
        &symptoms,
        &codes,
        fuel.as_deref(),
        lang,
        state.clock.now(),
    );
    let context = json!({"vehicle": {"make": info.make, "model": info.model, "year": info.year,
        "fuel_type": info.fuel_type}});
    let (a, text) = super::provider::diagnostic_text(state, context, symptoms, a, lang).await;
    let tbd = Tr::new("To be determined", "À déterminer")
        .get(lang)
        .to_owned();
    if !a.matched() {
        return Ok(DiagnosticAnswer {
            diagnosis: Tr::new("Diagnosis not available", "Diagnostic non disponible")
                .get(lang)
                .to_owned(),
            urgency: "medium".into(),
            estimated_cost: tbd,
            recommendations: vec![
                Tr::new(
                    "Consult a mechanic for an accurate diagnosis",
                    "Consulter un mécanicien pour un diagnostic précis",
                )
                .get(lang)
                .to_owned(),
            ],
            trouble_codes: Vec::new(),
            probable_causes: Vec::new(),
            source: a.source,
        });
    }
    Ok(DiagnosticAnswer {
        diagnosis: text,
        urgency: match a.severity {
            Some(Severity::High | Severity::Critical) => "high",
            Some(Severity::Low) => "low",
            _ => "medium",
        }
        .into(),
        estimated_cost: a.estimated_cost.as_ref().map_or(tbd, cost_text),
        recommendations: a.advice.clone(),
        trouble_codes: a
            .trouble_codes
            .iter()
            .map(|f| CodeSummary {
                code: f.code.clone(),
                known: f.known,
                description: f.description.clone(),
                severity: f.severity,
            })
            .collect(),
        probable_causes: a
            .probable_causes
            .iter()
            .map(|c| CauseSummary {
                cause: c.cause.clone(),
                likelihood: c.likelihood,
            })
            .collect(),
        source: a.source,
    })
}
