//! The schema: refinery migrations from `migrations/`, embedded in the binary.

use anyhow::Context;
use rusqlite::Connection;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Opens the writer connection and applies pending migrations, under a kernel lock beside the database: processes
/// started together on a new database (`serve &` then `create-user`) would otherwise create it, switch it to WAL
/// and apply V1 side by side ("table users already exists", "database is locked"). The second waits, then finds
/// nothing left to apply.
pub fn open_and_migrate(
    path: &std::path::Path,
    synchronous: crate::config::Synchronous,
) -> anyhow::Result<(Connection, Vec<String>)> {
    let _lock = lock_beside(&path.to_string_lossy())?;
    let mut conn = super::open_connection(path, synchronous, false)?;
    let applied = run(&mut conn)?;
    Ok((conn, applied))
}

/// Applies pending migrations; returns the names of those applied (`V1__name`).
fn run(conn: &mut Connection) -> anyhow::Result<Vec<String>> {
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
