//! The job table and the in-process scheduler (jobs.md). A job is a plain async fn owned by its domain; the loop
//! in `serve` and `autotrack run-jobs` call the same functions under the same lease rules (`job_runs`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use tokio::sync::watch;

use crate::app::AppState;
use crate::config::Config;
use crate::db::ts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    Manual,
    Startup,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Startup => "startup",
        }
    }
}

pub struct JobOutcome {
    pub items: i64,
    pub summary: String,
}

impl JobOutcome {
    pub fn new(items: i64, summary: impl Into<String>) -> JobOutcome {
        JobOutcome {
            items,
            summary: summary.into(),
        }
    }
}

/// What a running job can see: why it runs, and whether the server is stopping (finish the item, then return).
pub struct JobCtx {
    pub trigger: Trigger,
    stop: watch::Receiver<bool>,
}

impl JobCtx {
    pub fn stopping(&self) -> bool {
        *self.stop.borrow()
    }
}

type JobFuture<'a> = Pin<Box<dyn Future<Output = anyhow::Result<JobOutcome>> + Send + 'a>>;

pub struct Job {
    pub name: &'static str,
    schedule: fn(&Config) -> &str,
    run: for<'a> fn(&'a AppState, &'a JobCtx) -> JobFuture<'a>,
}

/// Every job, in one table.
pub static JOBS: &[Job] = &[
    Job {
        name: "deliver_mail",
        schedule: |c| &c.jobs.deliver_mail,
        run: |s, c| Box::pin(crate::mail::outbox::deliver_pending(s, c)),
    },
    Job {
        name: "analyze_documents",
        schedule: |c| &c.jobs.analyze_documents,
        run: |s, c| Box::pin(crate::documents::jobs::analyze_documents(s, c)),
    },
    Job {
        name: "maintenance_reminders",
        schedule: |c| &c.jobs.maintenance_reminders,
        run: |s, c| Box::pin(crate::maintenances::jobs::send_reminders(s, c)),
    },
    Job {
        name: "cleanup_auth",
        schedule: |c| &c.jobs.cleanup_auth,
        run: |s, c| Box::pin(crate::users::jobs::cleanup_auth(s, c)),
    },
    Job {
        name: "cleanup_notifications",
        schedule: |c| &c.jobs.cleanup_notifications,
        run: |s, c| Box::pin(crate::notifications::service::cleanup_job(s, c)),
    },
    Job {
        name: "cleanup_files",
        schedule: |c| &c.jobs.cleanup_files,
        run: |s, c| Box::pin(crate::documents::jobs::cleanup_files(s, c)),
    },
    Job {
        name: "prune_logs",
        schedule: |c| &c.jobs.prune_logs,
        run: |s, c| Box::pin(prune_logs(s, c)),
    },
    Job {
        name: "health_probe",
        schedule: |c| &c.jobs.health_probe,
        run: |s, c| Box::pin(crate::health::probe_job(s, c)),
    },
];

pub fn find(name: &str) -> Option<&'static Job> {
    JOBS.iter().find(|j| j.name == name)
}

/// A job's schedule, or `None` when its expression is empty (disabled).
pub fn parse_schedule(expr: &str) -> anyhow::Result<Option<Cron>> {
    let expr = expr.trim();
    if expr.is_empty() {
        return Ok(None);
    }
    let parser = CronParser::builder().seconds(Seconds::Optional).build();
    Ok(Some(parser.parse(expr).map_err(|e| {
        anyhow::anyhow!("invalid schedule {expr:?}: {e}")
    })?))
}

/// Checks every configured schedule (at start, so a typo fails fast).
pub fn validate(config: &Config) -> anyhow::Result<()> {
    for job in JOBS {
        parse_schedule((job.schedule)(config))
            .map_err(|e| anyhow::anyhow!("AUTOTRACK_JOB_{}: {e}", job.name.to_uppercase()))?;
    }
    Ok(())
}

/// The summary of one run (jobs.md §3).
#[derive(Debug, Clone, Serialize)]
pub struct JobReport {
    pub job: String,
    pub status: String,
    pub items: i64,
    pub summary: String,
    pub duration_ms: u128,
}

/// A run holds its lease for this long and renews it every `HEARTBEAT` while it works: a `running` row whose lease
/// ran out belongs to a process that died, and the job is free again within this time after a crash.
const LEASE_SECS: i64 = 30;
const HEARTBEAT: Duration = Duration::from_secs(10);

enum Lease {
    Taken(i64),
    Busy,
}

fn take_lease(
    conn: &Connection,
    job: &str,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> rusqlite::Result<Lease> {
    let lease = chrono::Duration::seconds(LEASE_SECS);
    let now_s = ts(now);
    conn.execute(
        "UPDATE job_runs SET status = 'failed', finished_at = ?2, error = 'lease expired (the run did not finish)' \
         WHERE job = ?1 AND status = 'running' AND lease_until < ?2",
        params![job, now_s],
    )?;
    let inserted = conn.execute(
        "INSERT INTO job_runs (job, trigger, status, started_at, lease_until) VALUES (?1, ?2, 'running', ?3, ?4) \
         ON CONFLICT DO NOTHING",
        params![job, trigger.as_str(), now_s, ts(now + lease)],
    )?;
    if inserted == 1 {
        Ok(Lease::Taken(conn.last_insert_rowid()))
    } else {
        conn.execute(
            "INSERT INTO job_runs (job, trigger, status, started_at, lease_until, finished_at, summary) \
             VALUES (?1, ?2, 'skipped', ?3, ?3, ?3, 'another run holds the lease')",
            params![job, trigger.as_str(), now_s],
        )?;
        Ok(Lease::Busy)
    }
}

/// Runs one job under its lease and records the run.
pub async fn run_job(
    state: &AppState,
    job: &Job,
    trigger: Trigger,
    stop: watch::Receiver<bool>,
) -> JobReport {
    let started = Instant::now();
    let name = job.name;
    let now = state.clock.now();
    let report = |status: &str, items: i64, summary: String| JobReport {
        job: name.to_owned(),
        status: status.to_owned(),
        items,
        summary,
        duration_ms: started.elapsed().as_millis(),
    };
    let run_id = match state
        .db
        .write(move |tx| Ok(take_lease(tx, name, trigger, now)?))
        .await
    {
        Ok(Lease::Taken(id)) => id,
        Ok(Lease::Busy) => return report("skipped", 0, "another run holds the lease".into()),
        Err(e) => return report("failed", 0, format!("could not take the lease: {}", e.code)),
    };
    let ctx = JobCtx { trigger, stop };
    let result = tokio::select! {
        r = (job.run)(state, &ctx) => r,
        _ = renew_lease(state, run_id) => unreachable_renewal(),
    };
    let (status, items, summary, error) = match result {
        Ok(o) => ("succeeded", o.items, o.summary, None),
        Err(e) => ("failed", 0, String::new(), Some(format!("{e:#}"))),
    };
    let finished = ts(state.clock.now());
    let (s, sum, err) = (status.to_owned(), summary.clone(), error.clone());
    let recorded = state
        .db
        .write(move |tx| {
            tx.execute(
                "UPDATE job_runs SET status = ?2, finished_at = ?3, items = ?4, summary = ?5, error = ?6 WHERE id = ?1",
                params![run_id, s, finished, items, sum, err],
            )?;
            Ok(())
        })
        .await;
    if let Err(e) = recorded {
        tracing::error!(job = name, code = %e.code, "could not record the job run");
    }
    match &error {
        Some(e) => {
            tracing::error!(job = name, trigger = trigger.as_str(), error = %e, "job failed")
        }
        None => {
            tracing::debug!(job = name, trigger = trigger.as_str(), items, summary = %summary, "job done")
        }
    }
    report(status, items, error.unwrap_or(summary))
}

/// Extends the lease of run `run_id` every `HEARTBEAT`, for as long as it is polled (the run is alive).
async fn renew_lease(state: &AppState, run_id: i64) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    tick.tick().await;
    loop {
        tick.tick().await;
        let until = ts(state.clock.now() + chrono::Duration::seconds(LEASE_SECS));
        let renewed = state
            .db
            .write(move |tx| {
                tx.execute(
                    "UPDATE job_runs SET lease_until = ?2 WHERE id = ?1 AND status = 'running'",
                    params![run_id, until],
                )?;
                Ok(())
            })
            .await;
        if let Err(e) = renewed {
            tracing::warn!(run_id, code = %e.code, "could not renew a job lease");
        }
    }
}

/// `renew_lease` loops until the run it guards ends; this arm of the select is never taken.
fn unreachable_renewal() -> anyhow::Result<JobOutcome> {
    Err(anyhow::anyhow!("lease renewal ended before its run"))
}

/// `run-jobs`: every job once (or one by name), in table order.
pub async fn run_once(state: &AppState, only: Option<&str>) -> anyhow::Result<Vec<JobReport>> {
    let jobs: Vec<&Job> = match only {
        Some(name) => vec![
            find(name)
                .ok_or_else(|| anyhow::anyhow!("unknown job {name:?}; known: {}", names()))?,
        ],
        None => JOBS.iter().collect(),
    };
    let (_tx, rx) = watch::channel(false);
    let mut reports = Vec::new();
    for job in jobs {
        reports.push(run_job(state, job, Trigger::Manual, rx.clone()).await);
    }
    Ok(reports)
}

pub fn names() -> String {
    JOBS.iter().map(|j| j.name).collect::<Vec<_>>().join(", ")
}

fn last_success(conn: &Connection, job: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT max(started_at) FROM job_runs WHERE job = ?1 AND status = 'succeeded'",
        [job],
        |r| r.get::<_, Option<String>>(0),
    )
    .optional()
    .map(Option::flatten)
}

/// The scheduler loop of `serve`: ticks every second, runs due jobs (each in its own task, one run at a time),
/// runs `deliver_mail` at once when mail is queued, and stops on shutdown after running jobs finish.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut schedules: Vec<(&'static Job, Cron, DateTime<Utc>)> = Vec::new();
    let now = state.clock.now();
    for job in JOBS {
        let cron = match parse_schedule((job.schedule)(&state.config)) {
            Ok(Some(c)) => c,
            Ok(None) => {
                tracing::info!(job = job.name, "job disabled (empty schedule)");
                continue;
            }
            Err(e) => {
                tracing::error!(job = job.name, error = %e, "job not scheduled");
                continue;
            }
        };
        // Catch-up: a job whose last success is older than its previous due time runs once at start.
        let previous = cron.find_previous_occurrence(&now, false).ok();
        let last = state
            .db
            .read(move |c| Ok(last_success(c, job.name)?))
            .await
            .ok()
            .flatten();
        let missed = match (previous, last.as_deref().and_then(crate::db::parse_ts)) {
            (Some(prev), Some(last)) => last < prev,
            (Some(_), None) => true,
            _ => false,
        };
        let next = if missed {
            now
        } else {
            cron.find_next_occurrence(&now, false).unwrap_or(now)
        };
        schedules.push((job, cron, next));
    }
    let mut running: HashMap<&'static str, tokio::task::JoinHandle<()>> = HashMap::new();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mail_kick = state.mail_kick.clone();
    let analysis_kick = state.analysis_kick.clone();
    let mut analysis_wanted = false;
    let mut first = true;
    // A kick that arrives while deliver_mail runs is kept for the next tick, so queued mail never waits a period.
    let mut mail_wanted = false;
    loop {
        tokio::select! {
            _ = tick.tick() => {},
            _ = mail_kick.notified() => mail_wanted = true,
            _ = analysis_kick.notified() => analysis_wanted = true,
            _ = stop.changed() => break,
        }
        state.scheduler_ticked();
        running.retain(|_, h| !h.is_finished());
        let now = state.clock.now();
        for (job, cron, next) in schedules.iter_mut() {
            let kicked = (mail_wanted && job.name == "deliver_mail")
                || (analysis_wanted && job.name == "analyze_documents");
            if !(*next <= now || kicked) || running.contains_key(job.name) {
                continue;
            }
            match job.name {
                "deliver_mail" => mail_wanted = false,
                "analyze_documents" => analysis_wanted = false,
                _ => {}
            }
            let trigger = if first {
                Trigger::Startup
            } else {
                Trigger::Schedule
            };
            *next = cron
                .find_next_occurrence(&now, false)
                .unwrap_or(now + chrono::Duration::hours(1));
            let (state, job, rx) = (state.clone(), *job, stop.clone());
            running.insert(
                job.name,
                tokio::spawn(async move {
                    run_job(&state, job, trigger, rx).await;
                }),
            );
        }
        first = false;
    }
    for (_, handle) in running {
        let _ = handle.await;
    }
    tracing::info!("scheduler stopped");
}

/// `prune_logs`: old job runs and old sent or expired mail.
async fn prune_logs(state: &AppState, _ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let month_ago = ts(state.clock.now() - chrono::Duration::days(30));
    let (runs, mails) = state
        .db
        .write(move |tx| {
            let runs = tx.execute(
                "DELETE FROM job_runs WHERE status != 'running' AND started_at < ?1",
                [&month_ago],
            )?;
            let mails = crate::mail::outbox::prune(tx, &month_ago)?;
            Ok((runs, mails))
        })
        .await?;
    Ok(JobOutcome::new(
        (runs + mails) as i64,
        format!("{runs} job runs and {mails} mails pruned"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_with_optional_seconds() {
        assert!(parse_schedule("*/15 * * * * *").unwrap().is_some());
        assert!(parse_schedule("0 2 * * *").unwrap().is_some());
        assert!(parse_schedule("  ").unwrap().is_none());
        assert!(parse_schedule("every day").is_err());
    }
}
