//! Health endpoints (health.md): overall status with per-service checks, and one endpoint per service.
//! Answers are plain JSON (not problem+json, their 503s too), public, and ignore the `Authorization` header.

mod checks;
pub mod model;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use checks::HealthCache;
use checks::{cached_db, cached_smtp, check_smtp, overall, remember, short};
use model::{
    CheckStatus, DbDown, DbHealthy, DbStats, Health, OcrDown, OcrHealth, OverallStatus,
    ServiceStatus, SmtpDown, SmtpHealth, StripeDown, StripeHealth,
};

use crate::app::AppState;
use crate::auth::extract::CallerIsAdmin;
use crate::scheduler::{JobCtx, JobOutcome};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(health_db))
        .routes(routes!(health_smtp))
        .routes(routes!(health_stripe))
        .routes(routes!(health_ocr))
}

/// Overall status with every check; 503 when the database fails.
#[utoipa::path(get, path = "/api/health", tag = "health",
    responses((status = 200, description = "healthy or degraded", body = Health), (status = 503, description = "unhealthy", body = Health)))]
pub async fn health(State(state): State<AppState>) -> Response {
    let body = overall(&state).await;
    let code = if body.status == OverallStatus::Unhealthy {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (code, Json(body)).into_response()
}

/// The database check.
#[utoipa::path(get, path = "/api/health/db", tag = "health",
    responses((status = 200, description = "connected", body = DbHealthy), (status = 503, description = "disconnected", body = DbDown)))]
pub async fn health_db(State(state): State<AppState>) -> Response {
    match cached_db(&state).await {
        Ok((info, _)) => Json(DbHealthy {
            status: ServiceStatus::Healthy,
            database: "connected",
            engine: "sqlite",
            version: info.version,
            journal_mode: info.journal_mode,
            stats: DbStats { users: info.users },
        })
        .into_response(),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(DbDown {
                status: ServiceStatus::Unhealthy,
                database: "disconnected",
                error,
            }),
        )
            .into_response(),
    }
}

/// The SMTP check (connect, EHLO, TLS, login; no mail sent). Admins get a fresh check and the server's host, port
/// and TLS mode; others the result of the last 30 s without them.
#[utoipa::path(get, path = "/api/health/smtp", tag = "health",
    responses((status = 200, description = "connected or disabled", body = SmtpHealth), (status = 503, description = "error", body = SmtpDown)))]
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
        return Json(SmtpHealth {
            status: ServiceStatus::Disabled,
            smtp: "not_configured",
            host: None,
            port: None,
            tls: None,
            outbox_pending: Some(pending),
        })
        .into_response();
    };
    let check = if admin {
        let value = check_smtp(&state).await;
        remember(&state.health_cache.smtp, value.clone());
        value
    } else {
        cached_smtp(&state).await
    };
    if check.status == CheckStatus::Ok {
        let server = &mailer.smtp;
        Json(SmtpHealth {
            status: ServiceStatus::Healthy,
            smtp: "connected",
            host: admin.then(|| server.host.clone()),
            port: admin.then_some(server.port),
            tls: admin.then(|| server.security.as_str()),
            outbox_pending: None,
        })
        .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(SmtpDown {
                status: ServiceStatus::Unhealthy,
                smtp: "error",
                error: check.error.unwrap_or_default(),
                outbox_pending: pending,
            }),
        )
            .into_response()
    }
}

/// The Stripe check, run fresh: an authenticated read with the configured key (5 s).
#[utoipa::path(get, path = "/api/health/stripe", tag = "health",
    responses((status = 200, description = "connected or disabled", body = StripeHealth), (status = 503, description = "error or timeout", body = StripeDown)))]
pub async fn health_stripe(State(state): State<AppState>) -> Response {
    let Some(stripe) = &state.stripe else {
        return Json(StripeHealth {
            status: ServiceStatus::Disabled,
            stripe: "not_configured",
            message: Some("Stripe API key not configured"),
            livemode: None,
        })
        .into_response();
    };
    match stripe.check().await {
        Ok(()) => Json(StripeHealth {
            status: ServiceStatus::Healthy,
            stripe: "connected",
            message: None,
            livemode: state.config.stripe.live(),
        })
        .into_response(),
        Err(f) => {
            let (stripe, error) = if f.timed_out {
                (
                    "timeout",
                    Some("Request timeout after 5 seconds".to_owned()),
                )
            } else if f.status.is_some() {
                ("error", None)
            } else {
                ("error", Some(short(&f.message)))
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(StripeDown {
                    status: ServiceStatus::Unhealthy,
                    stripe,
                    http_status: f.status.filter(|_| !f.timed_out),
                    error,
                }),
            )
                .into_response()
        }
    }
}

/// The OCR check: a worker process loads the models (once; a success is remembered).
#[utoipa::path(get, path = "/api/health/ocr", tag = "health",
    responses((status = 200, description = "ready or disabled", body = OcrHealth), (status = 503, description = "error", body = OcrDown)))]
pub async fn health_ocr(State(state): State<AppState>) -> Response {
    if !state.ocr.enabled() {
        return Json(OcrHealth {
            status: ServiceStatus::Disabled,
            ocr: "disabled",
            engine: None,
            queue_pending: None,
        })
        .into_response();
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
        Ok(name) => Json(OcrHealth {
            status: ServiceStatus::Healthy,
            ocr: "ready",
            engine: Some(name),
            queue_pending: Some(pending),
        })
        .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(OcrDown {
                status: ServiceStatus::Unhealthy,
                ocr: "error",
                error: short(&e),
            }),
        )
            .into_response(),
    }
}

/// The `health_probe` job: the same checks, logging every failure.
pub async fn probe_job(state: &AppState, _ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let health: Health = overall(state).await;
    let mut failing = Vec::new();
    for (name, status, error) in health.checks.named() {
        if status == CheckStatus::Error {
            tracing::warn!(check = %name, error = error.unwrap_or(""), "health check failing");
            failing.push(name);
        }
    }
    let status = serde_json::to_string(&health.status).unwrap_or_default();
    Ok(JobOutcome::new(
        failing.len() as i64,
        format!("status {status}; failing: {}", failing.join(", ")),
    ))
}
