//! The health answers (health.md): the overall status with one object per check, and the per-service bodies.
//! They are plain JSON, their 503s too (not problem+json).

use serde::Serialize;
use utoipa::ToSchema;

/// A check's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The dependency answered correctly.
    Ok,
    /// The optional service is not configured (not a failure).
    Disabled,
    /// Configured but failing.
    Error,
}

/// One check of `GET /api/health/`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Check {
    pub status: CheckStatus,
    /// How long the check took (database, SMTP), when it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub latency_ms: Option<f64>,
    /// A short reason, for `error` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub error: Option<String>,
}

impl Check {
    pub fn ok(latency_ms: Option<f64>) -> Check {
        Check {
            status: CheckStatus::Ok,
            latency_ms,
            error: None,
        }
    }

    pub fn disabled() -> Check {
        Check {
            status: CheckStatus::Disabled,
            latency_ms: None,
            error: None,
        }
    }

    pub fn error(reason: String) -> Check {
        Check {
            status: CheckStatus::Error,
            latency_ms: None,
            error: Some(reason),
        }
    }
}

/// The scheduler check: `last_tick` is always present (`null` before the first tick).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchedulerCheck {
    pub status: CheckStatus,
    #[schema(format = DateTime, required = true)]
    pub last_tick: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Checks {
    /// Its failure makes the service `unhealthy`.
    pub database: Check,
    pub stripe: Check,
    pub smtp: Check,
    pub ocr: Check,
    pub scheduler: SchedulerCheck,
}

impl Checks {
    /// Each check's name, status and error.
    pub fn named(&self) -> [(&'static str, CheckStatus, Option<&str>); 5] {
        fn of<'a>(
            name: &'static str,
            c: &'a Check,
        ) -> (&'static str, CheckStatus, Option<&'a str>) {
            (name, c.status, c.error.as_deref())
        }
        let s = &self.scheduler;
        [
            of("database", &self.database),
            of("stripe", &self.stripe),
            of("smtp", &self.smtp),
            of("ocr", &self.ocr),
            ("scheduler", s.status, s.error.as_deref()),
        ]
    }
}

/// The overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverallStatus {
    /// Every check `ok` or `disabled`.
    Healthy,
    /// An optional check (stripe, smtp, ocr) or the scheduler is `error`.
    Degraded,
    /// The database is `error` (503).
    Unhealthy,
}

/// `GET /api/health/`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    pub status: OverallStatus,
    /// `autotrack-backend`.
    pub service: &'static str,
    pub version: &'static str,
    pub uptime_seconds: u64,
    #[schema(format = DateTime)]
    pub timestamp: String,
    pub checks: Checks,
}

/// A per-service status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    Healthy,
    Disabled,
    Unhealthy,
}

/// `GET /api/health/db/` when the database answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DbHealthy {
    /// `healthy`.
    pub status: ServiceStatus,
    /// `connected`.
    pub database: &'static str,
    /// `sqlite`.
    pub engine: &'static str,
    /// The SQLite version.
    pub version: String,
    pub journal_mode: String,
    pub stats: DbStats,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DbStats {
    pub users: i64,
}

/// `GET /api/health/db/` when the database fails (503).
#[derive(Debug, Serialize, ToSchema)]
pub struct DbDown {
    /// `unhealthy`.
    pub status: ServiceStatus,
    /// `disconnected`.
    pub database: &'static str,
    pub error: String,
}

/// `GET /api/health/smtp/` with a 200: connected (`healthy`, `connected`; `host`, `port` and `tls` for an admin
/// caller only) or not configured (`disabled`, `not_configured`, `outbox_pending`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SmtpHealth {
    pub status: ServiceStatus,
    /// `connected` or `not_configured`.
    pub smtp: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub port: Option<u16>,
    /// `starttls`, `tls` or `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub tls: Option<&'static str>,
    /// Mails waiting in the outbox (when not configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub outbox_pending: Option<i64>,
}

/// `GET /api/health/smtp/` when the server fails (503).
#[derive(Debug, Serialize, ToSchema)]
pub struct SmtpDown {
    /// `unhealthy`.
    pub status: ServiceStatus,
    /// `error`.
    pub smtp: &'static str,
    pub error: String,
    /// Mails waiting in the outbox.
    pub outbox_pending: i64,
}

/// `GET /api/health/stripe/` with a 200: `healthy`/`connected` with `livemode`, or `disabled`/`not_configured`
/// with `message`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StripeHealth {
    pub status: ServiceStatus,
    /// `connected` or `not_configured`.
    pub stripe: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub message: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub livemode: Option<bool>,
}

/// `GET /api/health/stripe/` with a 503: Stripe answered an error status (`http_status`), timed out or could not
/// be reached (`error`).
#[derive(Debug, Serialize, ToSchema)]
pub struct StripeDown {
    /// `unhealthy`.
    pub status: ServiceStatus,
    /// `error` or `timeout`.
    pub stripe: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub error: Option<String>,
}

/// `GET /api/health/ocr/` with a 200: ready (`healthy`, `ready`, `engine`, `queue_pending`) or `disabled`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OcrHealth {
    pub status: ServiceStatus,
    /// `ready` or `disabled`.
    pub ocr: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub engine: Option<String>,
    /// Documents waiting for analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub queue_pending: Option<i64>,
}

/// `GET /api/health/ocr/` when the models cannot be loaded (503).
#[derive(Debug, Serialize, ToSchema)]
pub struct OcrDown {
    /// `unhealthy`.
    pub status: ServiceStatus,
    /// `error`.
    pub ocr: &'static str,
    pub error: String,
}
