//! The checks behind the health endpoints, and the cache that keeps public, unthrottled probes from turning into
//! load.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::model::{Check, CheckStatus, Checks, Health, OverallStatus, SchedulerCheck};
use crate::app::AppState;
use crate::db::ts;
use crate::money::round2_f64;

/// Recent check results, so that public, unthrottled probes cannot turn into load: the external (SMTP) check is
/// reused for 30 s (health.md), the database probe, which waits for the single write path, for 1 s. Concurrent
/// callers wait for the one check in flight instead of starting their own.
#[derive(Default)]
pub struct HealthCache {
    pub(super) smtp: Mutex<Option<(Instant, Check)>>,
    smtp_refresh: tokio::sync::Mutex<()>,
    stripe: Mutex<Option<(Instant, Check)>>,
    stripe_refresh: tokio::sync::Mutex<()>,
    db: Mutex<Option<(Instant, DbCheck)>>,
    db_refresh: tokio::sync::Mutex<()>,
    pub(super) ocr_refresh: tokio::sync::Mutex<()>,
}

const EXTERNAL_CACHE: Duration = Duration::from_secs(30);
const DB_CACHE: Duration = Duration::from_secs(1);

fn fresh<T: Clone>(slot: &Mutex<Option<(Instant, T)>>, max_age: Duration) -> Option<T> {
    let guard = slot.lock().ok()?;
    let (at, value) = guard.as_ref()?;
    (at.elapsed() < max_age).then(|| value.clone())
}

pub(super) fn remember<T>(slot: &Mutex<Option<(Instant, T)>>, value: T) {
    if let Ok(mut guard) = slot.lock() {
        *guard = Some((Instant::now(), value));
    }
}

#[derive(Clone)]
pub(super) struct DbInfo {
    pub version: String,
    pub journal_mode: String,
    pub users: i64,
}

/// What the database answered, with its latency in ms, or the error.
pub(super) type DbCheck = Result<(DbInfo, f64), String>;

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
        Ok(Ok((info, ()))) => Ok((info, elapsed_ms(started))),
        Ok(Err(e)) => Err(e.code.to_string()),
        Err(_) => Err("timeout after 2 seconds".to_owned()),
    }
}

fn elapsed_ms(started: Instant) -> f64 {
    round2_f64(started.elapsed().as_secs_f64() * 1000.0)
}

/// Connect, EHLO, TLS, login; no mail sent.
pub(super) async fn check_smtp(state: &AppState) -> Check {
    let Some(mailer) = &state.mailer else {
        return Check::disabled();
    };
    let started = Instant::now();
    match tokio::time::timeout(Duration::from_secs(5), mailer.check()).await {
        Ok(Ok(())) => Check::ok(Some(elapsed_ms(started))),
        Ok(Err(e)) => Check::error(short(&format!("{e:#}"))),
        Err(_) => Check::error("timeout after 5 seconds".to_owned()),
    }
}

/// An authenticated Stripe read (`GET /v1/balance`, 5 s).
pub(super) async fn check_stripe(state: &AppState) -> Check {
    let Some(stripe) = &state.stripe else {
        return Check::disabled();
    };
    let started = Instant::now();
    match stripe.check().await {
        Ok(()) => Check::ok(Some(elapsed_ms(started))),
        Err(f) if f.timed_out => Check::error("timeout after 5 seconds".to_owned()),
        Err(f) => Check::error(short(&match f.status {
            Some(status) => format!("Stripe answered {status}"),
            None => f.message,
        })),
    }
}

pub(super) async fn cached_stripe(state: &AppState) -> Check {
    let cache = &state.health_cache;
    cached(&cache.stripe, &cache.stripe_refresh, EXTERNAL_CACHE, || {
        check_stripe(state)
    })
    .await
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

pub(super) async fn cached_smtp(state: &AppState) -> Check {
    let cache = &state.health_cache;
    cached(&cache.smtp, &cache.smtp_refresh, EXTERNAL_CACHE, || {
        check_smtp(state)
    })
    .await
}

pub(super) async fn cached_db(state: &AppState) -> DbCheck {
    let cache = &state.health_cache;
    cached(&cache.db, &cache.db_refresh, DB_CACHE, || check_db(state)).await
}

fn check_scheduler(state: &AppState) -> SchedulerCheck {
    let (status, last_tick, error) = match state.scheduler_last_tick() {
        Some(t) if state.clock.now() - t <= chrono::Duration::minutes(2) => {
            (CheckStatus::Ok, Some(ts(t)), None)
        }
        Some(t) => (
            CheckStatus::Error,
            Some(ts(t)),
            Some("no tick in the last 2 minutes"),
        ),
        None if state.started.elapsed() < Duration::from_secs(120) => (CheckStatus::Ok, None, None),
        None => (
            CheckStatus::Error,
            None,
            Some("the scheduler is not running"),
        ),
    };
    SchedulerCheck {
        status,
        last_tick,
        error: error.map(str::to_owned),
    }
}

/// The OCR check of the overall health: cheap (no model load; the last worker check if any); `/api/health/ocr/`
/// has a worker load them.
fn check_ocr(state: &AppState) -> Check {
    if !state.ocr.enabled() {
        return Check::disabled();
    }
    match state.ocr.checked() {
        Some(Err(e)) => Check::error(short(&e)),
        Some(Ok(_)) => Check::ok(None),
        None if state.ocr.files_present() => Check::ok(None),
        None => Check::error("model files missing".to_owned()),
    }
}

/// All checks and the overall status.
pub(super) async fn overall(state: &AppState) -> Health {
    let (db, smtp, stripe) =
        tokio::join!(cached_db(state), cached_smtp(state), cached_stripe(state));
    let database = match &db {
        Ok((_, latency)) => Check::ok(Some(*latency)),
        Err(e) => Check::error(e.clone()),
    };
    let checks = Checks {
        database,
        stripe,
        smtp,
        ocr: check_ocr(state),
        scheduler: check_scheduler(state),
    };
    let degraded = checks
        .named()
        .iter()
        .any(|(_, status, _)| *status == CheckStatus::Error);
    let status = if db.is_err() {
        OverallStatus::Unhealthy
    } else if degraded {
        OverallStatus::Degraded
    } else {
        OverallStatus::Healthy
    };
    Health {
        status,
        service: "autotrack-backend",
        version: env!("CARGO_PKG_VERSION"),
        uptime_seconds: state.started.elapsed().as_secs(),
        timestamp: ts(state.clock.now()),
        checks,
    }
}

/// At most 200 characters of an error text.
pub(super) fn short(s: &str) -> String {
    s.chars().take(200).collect()
}
