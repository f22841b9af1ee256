//! Running a job under its lease (`job_runs`, jobs.md §3): one run of a job at a time across processes, the
//! lease renewed while it runs, the outcome recorded; `run-jobs` runs every job once this way.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use tokio::sync::watch;

use super::{JOBS, Job, JobCtx, JobOutcome, Trigger, find, names};
use crate::app::AppState;
use crate::db::ts;

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

pub(super) fn last_success(conn: &Connection, job: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT max(started_at) FROM job_runs WHERE job = ?1 AND status = 'succeeded'",
        [job],
        |r| r.get::<_, Option<String>>(0),
    )
    .optional()
    .map(Option::flatten)
}

/// `prune_logs`: old job runs, old sent or expired mail, and Stripe events processed or ignored 90 days ago.
pub(super) async fn prune_logs(state: &AppState, _ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let now = state.clock.now();
    let month_ago = ts(now - chrono::Duration::days(30));
    let quarter_ago = ts(now - chrono::Duration::days(90));
    let (runs, mails, events) = state
        .db
        .write(move |tx| {
            let runs = tx.execute(
                "DELETE FROM job_runs WHERE status != 'running' AND started_at < ?1",
                [&month_ago],
            )?;
            let mails = crate::mail::outbox::prune(tx, &month_ago)?;
            let events = crate::billing::repo::prune(tx, &quarter_ago)?;
            Ok((runs, mails, events))
        })
        .await?;
    Ok(JobOutcome::new(
        (runs + mails + events) as i64,
        format!("{runs} job runs, {mails} mails and {events} Stripe events pruned"),
    ))
}
