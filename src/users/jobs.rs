//! Jobs owned by accounts.

use crate::app::AppState;
use crate::db::ts;
use crate::scheduler::{JobCtx, JobOutcome};

/// `cleanup_auth`: sessions ended more than 30 days ago, codes and reset tokens past for more than 24 h, past locks.
pub async fn cleanup_auth(state: &AppState, _ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let now = state.clock.now();
    let (now_s, month_ago, day_ago) = (
        ts(now),
        ts(now - chrono::Duration::days(30)),
        ts(now - chrono::Duration::hours(24)),
    );
    let n = state
        .db
        .write(move |tx| Ok(super::repo::cleanup(tx, &now_s, &month_ago, &day_ago)?))
        .await?;
    Ok(JobOutcome::new(
        n as i64,
        format!("{n} expired auth rows removed"),
    ))
}
