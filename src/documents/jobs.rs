//! Jobs owned by documents: `cleanup_files` removes files that no row references (interrupted uploads, rows deleted
//! while a file removal failed) once they are an hour old, and logs rows whose file is missing.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use crate::app::AppState;
use crate::scheduler::{JobCtx, JobOutcome};

pub async fn cleanup_files(state: &AppState, ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let keys: HashSet<String> = state
        .db
        .read(|c| Ok(super::repo::all_keys(c)?))
        .await?
        .into_iter()
        .collect();
    let root = state.storage.documents_dir();
    let cutoff = SystemTime::now() - Duration::from_secs(3600);
    let (mut removed, mut missing) = (0i64, 0i64);
    let mut dirs = match tokio::fs::read_dir(&root).await {
        Ok(d) => d,
        Err(_) => return Ok(JobOutcome::new(0, "no documents directory yet")),
    };
    while let Some(dir) = dirs.next_entry().await? {
        if ctx.stopping() {
            break;
        }
        let dir_name = dir.file_name().to_string_lossy().into_owned();
        if !dir.file_type().await?.is_dir() {
            continue;
        }
        let mut files = tokio::fs::read_dir(dir.path()).await?;
        while let Some(f) = files.next_entry().await? {
            let name = f.file_name().to_string_lossy().into_owned();
            let key = format!("documents/{dir_name}/{name}");
            let old = f
                .metadata()
                .await
                .and_then(|m| m.modified())
                .map(|t| t < cutoff)
                .unwrap_or(false);
            if !keys.contains(&key) && old {
                tokio::fs::remove_file(f.path()).await?;
                removed += 1;
            }
        }
    }
    for key in &keys {
        if let Some(path) = state.storage.path(key)
            && tokio::fs::metadata(&path).await.is_err()
        {
            tracing::error!(storage_key = %key, "a document's file is missing");
            missing += 1;
        }
    }
    Ok(JobOutcome::new(
        removed,
        format!("{removed} unreferenced files removed, {missing} documents without a file"),
    ))
}

/// Claims of one document, crash recoveries included, after which it fails instead of being claimed again.
pub const MAX_CLAIMS: i64 = 2;

/// `analyze_documents`: drains the queue. Runs hold the job's lease, so a `processing` row seen at the start of a
/// run was left by a crash: it goes back to `pending`, unless it was already claimed `MAX_CLAIMS` times (then it
/// fails: a file that takes the process down must not do it again at every restart). Each document is claimed
/// with a conditional update and its result is written only if it is still the same run of the same file.
pub async fn analyze_documents(state: &AppState, ctx: &JobCtx) -> anyhow::Result<JobOutcome> {
    let now = crate::db::ts(state.clock.now());
    let reason = crate::i18n::Tr::new(
        "The analysis was interrupted twice; it will not be tried again.",
        "L'analyse a été interrompue deux fois ; elle ne sera pas relancée.",
    );
    let (requeued, failed_after_crash) = state
        .db
        .write(move |tx| {
            Ok(super::repo::recover_processing(
                tx, &now, MAX_CLAIMS, &reason,
            )?)
        })
        .await?;
    if requeued > 0 || failed_after_crash > 0 {
        tracing::warn!(
            requeued,
            failed = failed_after_crash,
            "documents left in processing by a stopped process"
        );
    }
    let workers = state.config.analysis_workers.max(1);
    let (mut done, mut failed) = (0i64, 0i64);
    loop {
        let mut batch = Vec::new();
        for _ in 0..workers {
            if ctx.stopping() {
                break;
            }
            let now = crate::db::ts(state.clock.now());
            match state
                .db
                .write(move |tx| Ok(super::repo::claim_next(tx, &now)?))
                .await?
            {
                Some(claim) => batch.push(claim),
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let runs = batch.into_iter().map(|claim| {
            let state = state.clone();
            tokio::spawn(async move { super::queue::run_analysis(&state, claim).await })
        });
        for handle in runs.collect::<Vec<_>>() {
            match handle.await {
                Ok(Ok(true)) => done += 1,
                Ok(Ok(false)) => failed += 1,
                Ok(Err(e)) => return Err(e.into()),
                Err(e) => return Err(anyhow::anyhow!("analysis task failed: {e}")),
            }
        }
    }
    Ok(JobOutcome::new(
        done + failed,
        format!("{done} analysed, {failed} failed"),
    ))
}
