//! Health endpoints (health.md): overall status with per-service checks, and one endpoint per service.
//! Answers are plain JSON (not problem+json), public, and ignore the `Authorization` header.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::extract::CallerIsAdmin;
use crate::db::ts;
use crate::scheduler::{JobCtx, JobOutcome};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(health_db))
        .routes(routes!(health_smtp))
        .routes(routes!(health_stripe))
        .routes(routes!(health_ocr))
}

/// Recent check results, so that public, unthrottled probes cannot turn into load: the external (SMTP) check is
/// reused for 30 s (health.md), the database probe, which waits for the single write path, for 1 s. Concurrent
/// callers wait for the one check in flight instead of starting their own.
#[derive(Default)]
pub struct HealthCache {
    smtp: Mutex<Option<(Instant, Value)>>,
    smtp_refresh: tokio::sync::Mutex<()>,
    db: Mutex<Option<(Instant, DbCheck)>>,
    db_refresh: tokio::sync::Mutex<()>,
    ocr_refresh: tokio::sync::Mutex<()>,
}

const EXTERNAL_CACHE: Duration = Duration::from_secs(30);
const DB_CACHE: Duration = Duration::from_secs(1);

fn fresh<T: Clone>(slot: &Mutex<Option<(Instant, T)>>, max_age: Duration) -> Option<T> {
    let guard = slot.lock().ok()?;
    let (at, value) = guard.as_ref()?;
    (at.elapsed() < max_age).then(|| value.clone())
}

fn remember<T>(slot: &Mutex<Option<(Instant, T)>>, value: T) {
    if let Ok(mut guard) = slot.lock() {
        *guard = Some((Instant::now(), value));
    }
}

#[derive(Clone)]
struct DbInfo {
    version: String,
    journal_mode: String,
    users: i64,
}

/// What the database answered, with its latency in ms, or the error.
type DbCheck = Result<(DbInfo, f64), String>;

async fn check_db(state: &AppState) -> DbCheck {
    let started = Instant::now();
    let read = state.db.read(|c| {
        let version: String = c.query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
        let journal_mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let users = crate::users::repo::count(c)?;
        Ok(DbInfo {
            version,
            journal_mode,
            users,
        })
    });
    let write = state.db.write(|tx| {
        tx.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    });
    let both = async { tokio::try_join!(read, write) };
    match tokio::time::timeout(Duration::from_secs(2), both).await {
        Ok(Ok((info, ()))) => Ok((info, round2(started.elapsed().as_secs_f64() * 1000.0))),
        Ok(Err(e)) => Err(e.code.to_string()),
        Err(_) => Err("timeout after 2 seconds".to_owned()),
    }
}

async fn check_smtp(state: &AppState) -> Value {
    let Some(mailer) = &state.mailer else {
        return json!({"status": "disabled"});
    };
    let started = Instant::now();
    match tokio::time::timeout(Duration::from_secs(5), mailer.check()).await {
        Ok(Ok(())) => {
            json!({"status": "ok", "latency_ms": round2(started.elapsed().as_secs_f64() * 1000.0)})
        }
        Ok(Err(e)) => json!({"status": "error", "error": short(&format!("{e}"))}),
        Err(_) => json!({"status": "error", "error": "timeout after 5 seconds"}),
    }
}

/// A result younger than `max_age` from `slot`, else a fresh `check` (one at a time: callers that arrive while it
/// runs wait for it and take its result).
async fn cached<T: Clone, F: std::future::Future<Output = T>>(
    slot: &Mutex<Option<(Instant, T)>>,
    one_at_a_time: &tokio::sync::Mutex<()>,
    max_age: Duration,
    check: impl FnOnce() -> F,
) -> T {
    if let Some(v) = fresh(slot, max_age) {
        return v;
    }
    let _turn = one_at_a_time.lock().await;
    if let Some(v) = fresh(slot, max_age) {
        return v;
    }
    let value = check().await;
    remember(slot, value.clone());
    value
}

async fn cached_smtp(state: &AppState) -> Value {
    let cache = &state.health_cache;
    cached(&cache.smtp, &cache.smtp_refresh, EXTERNAL_CACHE, || {
        check_smtp(state)
    })
    .await
}

async fn cached_db(state: &AppState) -> DbCheck {
    let cache = &state.health_cache;
    cached(&cache.db, &cache.db_refresh, DB_CACHE, || check_db(state)).await
}

fn check_scheduler(state: &AppState) -> Value {
    match state.scheduler_last_tick() {
        Some(t) if state.clock.now() - t <= chrono::Duration::minutes(2) => {
            json!({"status": "ok", "last_tick": ts(t)})
        }
        Some(t) => {
            json!({"status": "error", "last_tick": ts(t), "error": "no tick in the last 2 minutes"})
        }
        None if state.started.elapsed() < Duration::from_secs(120) => {
            json!({"status": "ok", "last_tick": null})
        }
        None => {
            json!({"status": "error", "last_tick": null, "error": "the scheduler is not running"})
        }
    }
}

/// The OCR check of the overall health: cheap (no model load; the last worker check if any); `/api/health/ocr/`
/// has a worker load them.
fn check_ocr(state: &AppState) -> Value {
    if !state.ocr.enabled() {
        return json!({"status": "disabled"});
    }
    match state.ocr.checked() {
        Some(Err(e)) => json!({"status": "error", "error": short(&e)}),
        Some(Ok(_)) => json!({"status": "ok"}),
        None if state.ocr.files_present() => json!({"status": "ok"}),
        None => json!({"status": "error", "error": "model files missing"}),
    }
}

/// All checks and the overall status; `true` when the service is unhealthy (database down).
async fn overall(state: &AppState) -> (Value, bool) {
    let (db, smtp) = tokio::join!(cached_db(state), cached_smtp(state));
    let database = match &db {
        Ok((_, latency)) => json!({"status": "ok", "latency_ms": latency}),
        Err(e) => json!({"status": "error", "error": e}),
    };
    let scheduler = check_scheduler(state);
    let checks = json!({
        "database": database,
        "stripe": {"status": "disabled"},
        "smtp": smtp,
        "ocr": check_ocr(state),
        "scheduler": scheduler,
    });
    let unhealthy = db.is_err();
    let degraded = ["stripe", "smtp", "ocr", "scheduler"]
        .iter()
        .any(|k| checks[k]["status"] == "error");
    let status = if unhealthy {
        "unhealthy"
    } else if degraded {
        "degraded"
    } else {
        "healthy"
    };
    let body = json!({
        "status": status,
        "service": "autotrack-backend",
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_seconds": state.started.elapsed().as_secs(),
        "timestamp": ts(state.clock.now()),
        "checks": checks,
    });
    (body, unhealthy)
}

/// Overall status with every check; 503 when the database fails.
#[utoipa::path(get, path = "/api/health", tag = "health", responses((status = 200, description = "healthy or degraded", body = Object), (status = 503, description = "unhealthy", body = Object)))]
pub async fn health(State(state): State<AppState>) -> Response {
    let (body, unhealthy) = overall(&state).await;
    let code = if unhealthy {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (code, Json(body)).into_response()
}

/// The database check.
#[utoipa::path(get, path = "/api/health/db", tag = "health", responses((status = 200, description = "connected", body = Object), (status = 503, description = "disconnected", body = Object)))]
pub async fn health_db(State(state): State<AppState>) -> Response {
    match cached_db(&state).await {
        Ok((info, _)) => Json(json!({
            "status": "healthy", "database": "connected", "engine": "sqlite", "version": info.version,
            "journal_mode": info.journal_mode, "stats": {"users": info.users},
        }))
        .into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unhealthy", "database": "disconnected", "error": e})))
            .into_response(),
    }
}

/// The SMTP check (connect, EHLO, TLS, login; no mail sent). Admins get a fresh check and the server's host, port
/// and TLS mode; others the result of the last 30 s without them.
#[utoipa::path(get, path = "/api/health/smtp", tag = "health", responses((status = 200, description = "connected or disabled", body = Object), (status = 503, description = "error", body = Object)))]
pub async fn health_smtp(
    State(state): State<AppState>,
    CallerIsAdmin(admin): CallerIsAdmin,
) -> Response {
    let pending = state
        .db
        .read(|c| Ok(crate::mail::outbox::pending_count(c)?))
        .await
        .unwrap_or(-1);
    let Some(mailer) = &state.mailer else {
        return Json(
            json!({"status": "disabled", "smtp": "not_configured", "outbox_pending": pending}),
        )
        .into_response();
    };
    let check = if admin {
        let value = check_smtp(&state).await;
        remember(&state.health_cache.smtp, value.clone());
        value
    } else {
        cached_smtp(&state).await
    };
    if check["status"] == "ok" {
        let mut body = json!({"status": "healthy", "smtp": "connected"});
        if admin {
            body["host"] = json!(mailer.smtp.host);
            body["port"] = json!(mailer.smtp.port);
            body["tls"] = json!(mailer.smtp.security.as_str());
        }
        Json(body).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({"status": "unhealthy", "smtp": "error", "error": check["error"],
            "outbox_pending": pending}),
            ),
        )
            .into_response()
    }
}

/// The Stripe check (disabled until billing exists).
#[utoipa::path(get, path = "/api/health/stripe", tag = "health", responses((status = 200, description = "disabled", body = Object)))]
pub async fn health_stripe() -> Response {
    Json(json!({"status": "disabled", "stripe": "not_configured", "message": "Stripe API key not configured"})).into_response()
}

/// The OCR check: a worker process loads the models (once; a success is remembered).
#[utoipa::path(get, path = "/api/health/ocr", tag = "health", responses((status = 200, description = "ready or disabled", body = Object), (status = 503, description = "error", body = Object)))]
pub async fn health_ocr(State(state): State<AppState>) -> Response {
    if !state.ocr.enabled() {
        return Json(json!({"status": "disabled", "ocr": "disabled"})).into_response();
    }
    let pending = state
        .db
        .read(|c| Ok(crate::documents::repo::pending_count(c)?))
        .await
        .unwrap_or(-1);
    // One worker check at a time (a success is remembered), so this public endpoint cannot start workers at will.
    let check = {
        let _one_at_a_time = state.health_cache.ocr_refresh.lock().await;
        crate::documents::sandbox::check_models(&state).await
    };
    match check {
        Ok(name) => Json(
            json!({"status": "healthy", "ocr": "ready", "engine": name, "queue_pending": pending}),
        )
        .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unhealthy", "ocr": "error", "error": short(&e)})),
        )
            .into_response(),
    }
}

/// The `health_probe` job: the same checks, logging every failure.
pub async fn probe_job(state: &AppState, _ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let (body, _) = overall(state).await;
    let mut failing = Vec::new();
    if let Some(checks) = body["checks"].as_object() {
        for (name, check) in checks {
            if check["status"] == "error" {
                tracing::warn!(check = %name, error = %check["error"], "health check failing");
                failing.push(name.clone());
            }
        }
    }
    Ok(JobOutcome::new(
        failing.len() as i64,
        format!("status {}; failing: {}", body["status"], failing.join(", ")),
    ))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}
