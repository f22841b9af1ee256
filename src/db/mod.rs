//! The database handle: one writer connection and a few read-only readers, each used on the blocking pool so
//! that SQLite never blocks the async runtime. Writes are serialised by the application (a one-permit
//! semaphore), never left to `SQLITE_BUSY`; every write is one `BEGIN IMMEDIATE` transaction.

pub mod migrate;
pub mod query;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use tokio::sync::Semaphore;

use crate::config::Synchronous;
use crate::error::{AppError, AppResult};
use crate::telemetry::spawn_blocking_in_span;

#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    synchronous: Synchronous,
    writer: Mutex<Option<Connection>>,
    write_gate: Semaphore,
    readers: Mutex<Vec<Connection>>,
    read_gate: Semaphore,
    /// Bumped after every write transaction of this process: what was read under an older value may be stale.
    generation: AtomicU64,
}

impl Db {
    /// Opens (creating if needed) the database and applies pending migrations on the writer.
    pub fn open(path: &Path, synchronous: Synchronous, readers: usize) -> anyhow::Result<Db> {
        let mut writer = open_connection(path, synchronous, false)?;
        migrate::run(&mut writer)?;
        let readers = readers.max(1);
        let mut pool = Vec::with_capacity(readers);
        for _ in 0..readers {
            pool.push(open_connection(path, synchronous, true)?);
        }
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                synchronous,
                writer: Mutex::new(Some(writer)),
                write_gate: Semaphore::new(1),
                readers: Mutex::new(pool),
                read_gate: Semaphore::new(readers),
                generation: AtomicU64::new(0),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Changes after each write transaction of this process ends (committed or not). A value read before a read
    /// and still current afterwards means no write of this process happened in between.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Runs `f` on a read-only connection.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> AppResult<T> + Send + 'static,
    {
        let _permit = self
            .inner
            .read_gate
            .acquire()
            .await
            .map_err(AppError::internal)?;
        let inner = self.inner.clone();
        spawn_blocking_in_span(move || {
            let conn = match inner.readers.lock().map_err(|_| poisoned())?.pop() {
                Some(c) => c,
                // A reader is lost only if a closure panicked; replace it.
                None => open_connection(&inner.path, inner.synchronous, true)
                    .map_err(AppError::internal)?,
            };
            let result = f(&conn);
            inner.readers.lock().map_err(|_| poisoned())?.push(conn);
            result
        })
        .await
    }

    /// Runs `f` inside one write transaction, committed when `f` returns `Ok`, rolled back otherwise.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> AppResult<T> + Send + 'static,
    {
        let _permit = self
            .inner
            .write_gate
            .acquire()
            .await
            .map_err(AppError::internal)?;
        let inner = self.inner.clone();
        spawn_blocking_in_span(move || {
            let mut guard = inner.writer.lock().map_err(|_| poisoned())?;
            if guard.is_none() {
                *guard = Some(
                    open_connection(&inner.path, inner.synchronous, false)
                        .map_err(AppError::internal)?,
                );
            }
            let conn = guard.as_mut().ok_or_else(poisoned)?;
            let result = (|| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            })();
            inner.generation.fetch_add(1, Ordering::AcqRel);
            result
        })
        .await
    }
}

fn poisoned() -> AppError {
    AppError::internal(anyhow::anyhow!("database connection lock poisoned"))
}

/// Opens one connection with the contract's pragmas (data-model.md §1).
pub fn open_connection(
    path: &Path,
    synchronous: Synchronous,
    read_only: bool,
) -> anyhow::Result<Connection> {
    use anyhow::Context;
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    };
    let conn = Connection::open_with_flags(path, flags)
        .with_context(|| format!("while opening the database {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // List queries vary with their filter and order: keep more of them prepared than the default 16.
    conn.set_prepared_statement_cache_capacity(64);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    let sync = match synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", sync)?;
    register_functions(&conn)?;
    Ok(conn)
}

/// Mean Earth radius used for distances (garages.md §3).
const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in km between two points, rounded to 2 decimals.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    let d = 2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin();
    (d * 100.0).round() / 100.0
}

/// SQL functions of the app: `haversine_km(lat1, lon1, lat2, lon2)` (NULL when a coordinate is NULL).
fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "haversine_km",
        4,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let args: Vec<Option<f64>> = (0..4)
                .map(|i| ctx.get::<Option<f64>>(i))
                .collect::<rusqlite::Result<_>>()?;
            Ok(match args[..] {
                [Some(a), Some(b), Some(c), Some(d)] => Some(haversine_km(a, b, c, d)),
                _ => None,
            })
        },
    )
}

/// The fixed-width UTC datetime format of every stored datetime (string order = time order).
pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses a stored datetime.
pub fn parse_ts(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        // Paris (Notre-Dame) to Lyon (Bellecour): about 392 km.
        let d = haversine_km(48.853, 2.3499, 45.7578, 4.832);
        assert!((d - 392.0).abs() < 2.0, "{d}");
        assert_eq!(haversine_km(10.0, 10.0, 10.0, 10.0), 0.0);
        let conn = Connection::open_in_memory().unwrap();
        register_functions(&conn).unwrap();
        let v: Option<f64> = conn
            .query_row(
                "SELECT haversine_km(48.853, 2.3499, NULL, 4.832)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(v, None);
    }
}
