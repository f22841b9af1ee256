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
