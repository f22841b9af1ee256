//! The schema: refinery migrations from `migrations/`, embedded in the binary.

use anyhow::Context;
use rusqlite::Connection;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Applies pending migrations; returns the names of those applied (`V1__name`).
pub fn run(conn: &mut Connection) -> anyhow::Result<Vec<String>> {
    let report = embedded::migrations::runner()
        .set_abort_divergent(true)
        .run(conn)
        .context("while applying database migrations")?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| format!("V{}__{}", m.version(), m.name()))
        .collect())
}
