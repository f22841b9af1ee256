//! The server's side of text recognition: whether it is on, where the models are, the worker gate.

use std::path::Path;

use super::{DET_MODEL, DICT, REC_MODEL, bundled};

/// What the server knows of text recognition. The models are never loaded in the server: each analysis runs in a
/// worker process (`documents::sandbox`) under hard limits, and so does the model check of `/api/health/ocr/`.
pub struct OcrHandle {
    enabled: bool,
    dir: Option<std::path::PathBuf>,
    /// At most `AUTOTRACK_ANALYSIS_WORKERS` workers at a time; a permit is held until its worker has exited.
    gate: tokio::sync::Semaphore,
    /// The last model check by a worker, when it ran: the engine's name, or why it failed.
    checked: std::sync::Mutex<Option<(std::time::Instant, Result<String, String>)>>,
}

impl OcrHandle {
    pub fn new(enabled: bool, dir: Option<std::path::PathBuf>, workers: usize) -> OcrHandle {
        OcrHandle {
            enabled,
            dir,
            gate: tokio::sync::Semaphore::new(workers.max(1)),
            checked: std::sync::Mutex::new(None),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn models_dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn files_present(&self) -> bool {
        match &self.dir {
            Some(d) => [DET_MODEL, REC_MODEL, DICT]
                .iter()
                .all(|f| d.join(f).is_file()),
            None => [DET_MODEL, REC_MODEL, DICT]
                .iter()
                .all(|f| bundled(f).is_some()),
        }
    }

    /// The last model check: `Some(Ok(engine))`, `Some(Err(why))`, or `None` before the first.
    pub fn checked(&self) -> Option<Result<String, String>> {
        self.checked_at().map(|(_, r)| r)
    }

    pub fn checked_at(&self) -> Option<(std::time::Instant, Result<String, String>)> {
        self.checked.lock().ok().and_then(|c| c.clone())
    }

    pub fn set_checked(&self, result: Result<String, String>) {
        if let Ok(mut c) = self.checked.lock() {
            *c = Some((std::time::Instant::now(), result));
        }
    }

    pub fn error(&self) -> Option<String> {
        self.checked().and_then(Result::err)
    }

    pub async fn gate(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.gate.acquire().await.ok()
    }
}
