//! Logging setup and the helper that runs blocking work on the pool without losing the tracing span.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::error::{AppError, AppResult};

/// Installs the global subscriber (once; later calls are ignored, which tests rely on).
pub fn init(filter: &str, format: Option<LogFormat>) {
    // Libraries' own progress lines (refinery's migration steps with build paths, lopdf's parse warnings on
    // ordinary PDFs) are debug detail; a filter that names them decides for itself.
    let quiet: String = [("refinery_core", "warn"), ("lopdf", "error")]
        .iter()
        .filter(|(t, _)| !filter.contains(t))
        .map(|(t, level)| format!(",{t}={level}"))
        .collect();
    let filter = EnvFilter::try_new(format!("{filter}{quiet}"))
        .unwrap_or_else(|_| EnvFilter::new(format!("info{quiet}")));
    let format = format.unwrap_or(if std::io::stderr().is_terminal() {
        LogFormat::Pretty
    } else {
        LogFormat::Json
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// `spawn_blocking` that keeps the caller's span, so logs from the closure carry the request id.
pub async fn spawn_blocking_in_span<T, F>(f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> AppResult<T> + Send + 'static,
{
    let span = tracing::Span::current();
    match tokio::task::spawn_blocking(move || span.in_scope(f)).await {
        Ok(result) => result,
        Err(join) => Err(AppError::internal(anyhow::anyhow!(
            "blocking task failed: {join}"
        ))),
    }
}
