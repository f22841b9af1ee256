//! Diagnostic rules: ownership, validation, the monthly plan limit, the analysis and its `ai` reply, aggregates.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::input::{self, DiagnosticInput};
use super::model::{
    AnalysisDone, ByVehicleParams, Diagnostic, DiagnosticDetail, DiagnosticFilter, DiagnosticRow,
    DiagnosticStats, Reply, StatusCount, VehicleDiagnostics, VehicleSummary,
};
use super::repo::{self, NewDiagnostic};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};
use crate::i18n::Tr;
use crate::knowledge::analysis::{Analysis, analyze};
use crate::maintenances::input::vehicle_not_found;
use crate::plans::model::Resource;
use crate::vehicles::model::Owner;
use crate::vehicles::service::owner;

pub(super) fn owned(conn: &Connection, uid: i64, id: i64) -> AppResult<DiagnosticRow> {
    repo::find_for_owner(conn, uid, id)?.ok_or_else(AppError::not_found)
}

pub(super) fn dto(
    conn: &Connection,
    owner: &Owner,
    uid: i64,
    d: DiagnosticRow,
) -> AppResult<Diagnostic> {
    let vehicle = crate::vehicles::service::owned(conn, uid, d.vehicle_id)?.into_dto(owner);
    let latest = repo::latest_reply(conn, d.id)?;
    Ok(d.into_dto(vehicle, latest))
}

fn dtos(conn: &Connection, uid: i64, rows: Vec<DiagnosticRow>) -> AppResult<Vec<Diagnostic>> {
    let owner = owner(conn, uid)?;
    rows.into_iter()
        .map(|d| dto(conn, &owner, uid, d))
        .collect()
}

pub(super) fn detail(conn: &Connection, uid: i64, id: i64) -> AppResult<DiagnosticDetail> {
    let d = owned(conn, uid, id)?;
    let all_replies = repo::replies_of(conn, d.id)?
        .into_iter()
        .map(Reply::from)
        .collect();
    Ok(DiagnosticDetail {
        diagnostic: dto(conn, &owner(conn, uid)?, uid, d)?,
        all_replies,
    })
}

/// The text the analysis reads: title, description, and the vehicle's fuel type and age as context words.
fn analysis_text(d: &DiagnosticRow) -> String {
    format!("{}\n{}", d.title, d.description)
}

/// Stores an analysis on the diagnostic and adds its `ai` reply.
pub(super) fn store_analysis(
    conn: &Connection,
    id: i64,
    a: &Analysis,
    text: &str,
    now: &str,
) -> AppResult<()> {
    let data = serde_json::to_value(a).map_err(AppError::internal)?;
    repo::save_analysis(conn, id, text, a.confidence, &data, now)?;
    let meta = json!({"source": a.source, "confidence": a.confidence, "severity": a.severity});
    repo::insert_reply(conn, id, None, "ai", text, &meta, now)?;
    Ok(())
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<DiagnosticFilter>,
) -> AppResult<Page<Diagnostic>> {
    let (uid, filter, query) = (user.id, list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, uid, &filter, &query)?;
            Ok((count, dtos(c, uid, rows)?))
        })
        .await?;
    list.page(count, rows)
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<DiagnosticDetail> {
    let uid = user.id;
    state.db.read(move |c| detail(c, uid, id)).await
}

pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<(i64, DiagnosticDetail)> {
    let (uid, lang) = (user.id, user.lang);
    let (mut input, d) = input::parse(body, true, true);
    let now = state.clock.now();
    let st = state.clone();
    state
        .db
        .write(move |tx| {
            let vehicle = match d.vehicle {
                Some(id) => crate::vehicles::repo::find_for_owner(tx, uid, id)?,
                None => None,
            };
            if d.vehicle.is_some() && vehicle.is_none() {
                input.error("vehicle", vehicle_not_found());
            }
            input.finish()?;
            let vehicle = vehicle.ok_or_else(|| AppError::field("vehicle", vehicle_not_found()))?;
            let month = ts(crate::plans::service::month_start(now));
            let this_month = repo::count_created_since(tx, uid, &month)?;
            crate::plans::service::check_limit(tx, &st, uid, Resource::Diagnostics, this_month)?;
            let (title, description) = (
                d.title.unwrap_or_default(),
                d.description.unwrap_or_default(),
            );
            let codes = with_text_codes(d.trouble_codes.unwrap_or_default(), &title, &description);
            let id = repo::insert(
                tx,
                &NewDiagnostic {
                    user_id: uid,
                    vehicle_id: vehicle.id,
                    title: &title,
                    description: &description,
                    status: d.status.as_deref().unwrap_or("pending"),
                    trouble_codes: &codes,
                },
                &ts(now),
            )?;
            let row = owned(tx, uid, id)?;
            let fuel = vehicle.fuel_type.as_deref();
            let a = analyze(
                &st.kb,
                &analysis_text(&row),
                &row.trouble_codes,
                fuel,
                lang,
                now,
            );
            store_analysis(tx, id, &a, &a.summary, &ts(now))?;
            Ok((id, detail(tx, uid, id)?))
        })
        .await
}

/// The codes given, then those written in the title or description, without repeats, at most 20.
fn with_text_codes(mut codes: Vec<String>, title: &str, description: &str) -> Vec<String> {
    for c in crate::knowledge::analysis::codes_in_text(&format!("{title}\n{description}")) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    codes.truncate(20);
    codes
}

fn apply(mut d: DiagnosticRow, i: DiagnosticInput) -> DiagnosticRow {
    if let Some(x) = i.title {
        d.title = x;
    }
    if let Some(x) = i.description {
        d.description = x;
    }
    if let Some(x) = i.status {
        d.status = x;
    }
    if let Some(x) = i.trouble_codes {
        d.trouble_codes = x;
    }
    d
}

pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<DiagnosticDetail> {
    let uid = user.id;
    let (input, d) = input::parse(body, false, full);
    let now = ts(state.clock.now());
    state
        .db
        .write(move |tx| {
            let current = owned(tx, uid, id)?;
            input.finish()?;
            let mut next = apply(current, d);
            next.trouble_codes =
                with_text_codes(next.trouble_codes, &next.title, &next.description);
            repo::update(tx, &next, &now)?;
            detail(tx, uid, id)
        })
        .await
}

pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let uid = user.id;
    AppError::found(
        state
            .db
            .write(move |tx| Ok(repo::delete(tx, uid, id)?))
            .await?,
    )
}

/// `request_ai_analysis`: the offline analysis again (the provider writes the text when configured).
pub async fn reanalyze(state: &AppState, user: &AuthUser, id: i64) -> AppResult<AnalysisDone> {
    let (uid, lang) = (user.id, user.lang);
    let (row, vehicle) = state
        .db
        .read(move |c| {
            let row = owned(c, uid, id)?;
            let vehicle = crate::vehicles::service::owned(c, uid, row.vehicle_id)?;
            Ok((row, vehicle))
        })
        .await?;
    let now = state.clock.now();
    let question = analysis_text(&row);
    let fuel = vehicle.fuel_type.as_deref();
    let a = analyze(&state.kb, &question, &row.trouble_codes, fuel, lang, now);
    // Only this diagnostic and its vehicle go to the provider.
    let context = json!({
        "diagnostic": {"id": row.id, "title": row.title, "description": row.description,
            "trouble_codes": row.trouble_codes, "status": row.status},
        "vehicle": {"id": vehicle.id, "make": vehicle.make, "model": vehicle.model, "year": vehicle.year,
            "fuel_type": vehicle.fuel_type},
    });
    let (a, text) =
        crate::assistant::provider::diagnostic_text(state, context, question, a, lang).await;
    state
        .db
        .write(move |tx| {
            owned(tx, uid, id)?;
            store_analysis(tx, id, &a, &text, &ts(now))?;
            Ok(AnalysisDone {
                message: Tr::new("Analysis completed.", "Analyse terminée.")
                    .get(lang)
                    .to_owned(),
                diagnostic_id: id,
                diagnostic: detail(tx, uid, id)?,
            })
        })
        .await
}

/// The caller's diagnostics in one status, newest first.
pub async fn by_status(
    state: &AppState,
    user: &AuthUser,
    status: &'static str,
) -> AppResult<Vec<Diagnostic>> {
    let uid = user.id;
    state
        .db
        .read(move |c| dtos(c, uid, repo::plain(c, uid, Some(status), None)?))
        .await
}

/// The diagnostics of one of the caller's vehicles (404 for another's), newest first.
pub async fn for_vehicle(
    state: &AppState,
    user: &AuthUser,
    vehicle_id: i64,
) -> AppResult<Vec<Diagnostic>> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            crate::vehicles::service::owned(c, uid, vehicle_id)?;
            dtos(c, uid, repo::plain(c, uid, None, Some(vehicle_id))?)
        })
        .await
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<DiagnosticStats> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let (by_status, mean) = repo::stats(c, uid)?;
            Ok(DiagnosticStats {
                total_diagnostics: by_status.iter().map(|(_, n)| n).sum(),
                by_status: by_status
                    .into_iter()
                    .map(|(status, count)| StatusCount { status, count })
                    .collect(),
                average_confidence_score: mean.map_or(0.0, |m| (m * 100.0).round() / 100.0),
            })
        })
        .await
}

pub async fn by_vehicle(
    state: &AppState,
    user: &AuthUser,
    params: ByVehicleParams,
) -> AppResult<Vec<VehicleDiagnostics>> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let mut out = Vec::new();
            for v in crate::vehicles::repo::all_for_owner(c, uid)? {
                if params.vehicle_id.is_some_and(|id| id != v.id) {
                    continue;
                }
                let rows = repo::plain(c, uid, None, Some(v.id))?;
                out.push(VehicleDiagnostics {
                    vehicle: VehicleSummary {
                        id: v.id,
                        make: v.make,
                        model: v.model,
                        year: v.year,
                    },
                    diagnostics: dtos(c, uid, rows)?,
                });
            }
            Ok(out)
        })
        .await
}
