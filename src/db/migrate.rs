//! The schema: refinery migrations from `migrations/`, embedded in the binary.

use anyhow::Context;
use rusqlite::Connection;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Applies pending migrations; returns the names of those applied (`V1__name`).
pub fn run(conn: &mut Connection) -> anyhow::Result<Vec<String>> {
    // Two processes started together on a new database (`serve &` then `create-user`) would both find it empty and
    // both apply V1: a kernel lock beside the database makes the second wait, then find nothing left to apply.
    let _lock = match conn.path().filter(|p| !p.is_empty()) {
        Some(db) => Some(lock_beside(db)?),
        None => None,
    };
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

/// `<database>-migrate.lock`, locked exclusively (waiting for another migrating process); released on drop.
fn lock_beside(db: &str) -> anyhow::Result<std::fs::File> {
    let path = format!("{db}-migrate.lock");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("while opening {path}"))?;
    file.lock()
        .with_context(|| format!("while locking {path}"))?;
    Ok(file)
}
