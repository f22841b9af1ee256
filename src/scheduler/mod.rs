//! The job table and the in-process scheduler (jobs.md). A job is a plain async fn owned by its domain; the loop
//! in `serve` and `autotrack run-jobs` call the same functions under the same lease rules (`job_runs`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use croner::Cron;
use tokio::sync::watch;

use crate::app::AppState;
use crate::config::Config;

mod runs;
pub use runs::{JobReport, run_job, run_once};
use runs::{last_success, prune_logs};

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
    schedule: fn(&Config) -> Option<&Cron>,
    run: for<'a> fn(&'a AppState, &'a JobCtx) -> JobFuture<'a>,
}

/// Every job, in one table.
pub static JOBS: &[Job] = &[
    Job {
        name: "deliver_mail",
        schedule: |c| c.jobs.deliver_mail.as_ref(),
        run: |s, c| Box::pin(crate::mail::outbox::deliver_pending(s, c)),
    },
    Job {
        name: "analyze_documents",
        schedule: |c| c.jobs.analyze_documents.as_ref(),
        run: |s, c| Box::pin(crate::documents::jobs::analyze_documents(s, c)),
    },
    Job {
        name: "maintenance_reminders",
        schedule: |c| c.jobs.maintenance_reminders.as_ref(),
        run: |s, c| Box::pin(crate::maintenances::jobs::send_reminders(s, c)),
    },
    Job {
        name: "expire_subscriptions",
        schedule: |c| c.jobs.expire_subscriptions.as_ref(),
        run: |s, c| Box::pin(crate::subscriptions::jobs::expire_subscriptions(s, c)),
    },
    Job {
        name: "renewal_reminders",
        schedule: |c| c.jobs.renewal_reminders.as_ref(),
        run: |s, c| Box::pin(crate::subscriptions::jobs::renewal_reminders(s, c)),
    },
    Job {
        name: "stripe_reconcile",
        // Scheduled only when Stripe is configured; `run-jobs` without it says so.
        schedule: |c| {
            c.jobs
                .stripe_reconcile
                .as_ref()
                .filter(|_| c.stripe.secret_key.is_some())
        },
        run: |s, c| Box::pin(crate::billing::reconcile::stripe_reconcile(s, c)),
    },
    Job {
        name: "cleanup_auth",
        schedule: |c| c.jobs.cleanup_auth.as_ref(),
        run: |s, c| Box::pin(crate::users::jobs::cleanup_auth(s, c)),
    },
    Job {
        name: "cleanup_notifications",
        schedule: |c| c.jobs.cleanup_notifications.as_ref(),
        run: |s, c| Box::pin(crate::notifications::service::cleanup_job(s, c)),
    },
    Job {
        name: "cleanup_files",
        schedule: |c| c.jobs.cleanup_files.as_ref(),
        run: |s, c| Box::pin(crate::documents::jobs::cleanup_files(s, c)),
    },
    Job {
        name: "prune_logs",
        schedule: |c| c.jobs.prune_logs.as_ref(),
        run: |s, c| Box::pin(prune_logs(s, c)),
    },
    Job {
        name: "health_probe",
        schedule: |c| c.jobs.health_probe.as_ref(),
        run: |s, c| Box::pin(crate::health::probe_job(s, c)),
    },
];

pub fn find(name: &str) -> Option<&'static Job> {
    JOBS.iter().find(|j| j.name == name)
}

pub fn names() -> String {
    JOBS.iter().map(|j| j.name).collect::<Vec<_>>().join(", ")
}

/// The scheduler loop of `serve`: ticks every second, runs due jobs (each in its own task, one run at a time),
/// runs `deliver_mail` at once when mail is queued, and stops on shutdown after running jobs finish.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut schedules: Vec<(&'static Job, Cron, DateTime<Utc>)> = Vec::new();
    let now = state.clock.now();
    for job in JOBS {
        let Some(cron) = (job.schedule)(&state.config).cloned() else {
            tracing::info!(job = job.name, "job disabled (empty schedule)");
            continue;
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
