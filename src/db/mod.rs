//! The database handle: one writer connection and read-only readers. Writes run on the blocking pool (they wait for
//! the disk), serialised by the application (a one-permit semaphore), never left to `SQLITE_BUSY`; every write is
//! one `BEGIN IMMEDIATE` transaction. A read runs first on the calling thread, bounded by a time budget that SQLite
//! itself enforces; one that would take longer, or would wait for a lock, is abandoned and run again on the pool.

pub mod migrate;
pub mod query;

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
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
    /// Readers for the in-place attempt, one per thread that may run it at once.
    quick: Mutex<Vec<Connection>>,
    /// Bumped after every write transaction of this process: what was read under an older value may be stale.
    generation: AtomicU64,
}

impl Db {
    /// Opens (creating if needed) the database and applies pending migrations on the writer.
    pub fn open(path: &Path, synchronous: Synchronous, readers: usize) -> anyhow::Result<Db> {
        let (writer, _) = migrate::open_and_migrate(path, synchronous)?;
        let readers = readers.max(1);
        let mut pool = Vec::with_capacity(readers);
        for _ in 0..readers {
            pool.push(open_connection(path, synchronous, true)?);
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut quick = Vec::with_capacity(threads);
        for _ in 0..threads {
            quick.push(open_quick_connection(path, synchronous)?);
        }
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                synchronous,
                writer: Mutex::new(Some(writer)),
                write_gate: Semaphore::new(1),
                readers: Mutex::new(pool),
                read_gate: Semaphore::new(readers),
                quick: Mutex::new(quick),
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

    /// Runs `f` in one read transaction. `f` may run twice (see `quick_read`): it only reads, so the second run
    /// sees the same data or newer.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: Fn(&Connection) -> AppResult<T> + Send + 'static,
    {
        if let Some(done) = self.quick_read(&f) {
            return done;
        }
        let _permit = self
            .inner
            .read_gate
            .acquire()
            .await
            .map_err(AppError::internal)?;
        let inner = self.inner.clone();
        spawn_blocking_in_span(move || {
            let mut conn = match inner.readers.lock().map_err(|_| poisoned())?.pop() {
                Some(c) => c,
                // A reader is lost only if a closure panicked; replace it.
                None => open_connection(&inner.path, inner.synchronous, true)
                    .map_err(AppError::internal)?,
            };
            let result = snapshot(&mut conn, &f);
            inner.readers.lock().map_err(|_| poisoned())?.push(conn);
            result
        })
        .await
    }

    /// Runs `f` on this thread within `QUICK_BUDGET`. `None` when SQLite gave up (budget spent, or a lock to wait
    /// for) or no quick reader is free: the caller then runs `f` on the pool. Almost every read of the API is a
    /// page or a row by index, a few tens of microseconds, and the hop to the pool and back cost more than that
    /// (bench/load.py, docs/BENCHMARKS.md).
    fn quick_read<T>(&self, f: &impl Fn(&Connection) -> AppResult<T>) -> Option<AppResult<T>> {
        let mut conn = self.inner.quick.lock().ok()?.pop()?;
        QUICK_GAVE_UP.set(false);
        QUICK_DEADLINE.set(Some(Instant::now() + QUICK_BUDGET));
        // A panic must not unwind through the request task: it becomes an internal error, as it does on the pool.
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| snapshot(&mut conn, f)));
        QUICK_DEADLINE.set(None);
        let result = match run {
            Ok(result) => {
                self.return_quick(conn);
                result
            }
            Err(_) => {
                // The connection may be mid-transaction: a new one takes its place.
                if let Ok(fresh) = open_quick_connection(&self.inner.path, self.inner.synchronous) {
                    self.return_quick(fresh);
                }
                Err(AppError::internal(anyhow::anyhow!(
                    "a database read panicked"
                )))
            }
        };
        // Whatever `f` made of the interruption (an error, or an error it chose to ignore), its answer is not used.
        (!QUICK_GAVE_UP.get()).then_some(result)
    }

    fn return_quick(&self, conn: Connection) {
        if let Ok(mut quick) = self.inner.quick.lock() {
            quick.push(conn);
        }
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

/// How long a read may hold the calling (async) thread before it moves to the pool.
const QUICK_BUDGET: Duration = Duration::from_millis(1);
/// SQLite virtual-machine steps between two looks at the clock (a few microseconds of work).
const QUICK_CHECK_STEPS: i32 = 1000;

thread_local! {
    /// Set while a quick read runs on this thread: when SQLite must stop it.
    static QUICK_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Set when SQLite stopped the quick read of this thread (budget spent or a lock to wait for).
    static QUICK_GAVE_UP: Cell<bool> = const { Cell::new(false) };
}

/// A read-only connection for quick reads: the progress handler interrupts a statement past the deadline, and the
/// busy handler gives up at once instead of sleeping (a WAL reader waits only in rare recovery cases).
fn open_quick_connection(path: &Path, synchronous: Synchronous) -> anyhow::Result<Connection> {
    let mut conn = open_connection(path, synchronous, true)?;
    conn.progress_handler(
        QUICK_CHECK_STEPS,
        Some(|| {
            let over = QUICK_DEADLINE.get().is_some_and(|d| Instant::now() > d);
            if over {
                QUICK_GAVE_UP.set(true);
            }
            over
        }),
    )?;
    conn.busy_handler(Some(|_| {
        QUICK_GAVE_UP.set(true);
        false
    }))?;
    Ok(conn)
}

/// Runs `f` in one read transaction: its statements see one snapshot (a count and its page agree), and SQLite
/// takes its WAL read lock once instead of once per statement.
fn snapshot<T>(conn: &mut Connection, f: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
    let tx = conn.transaction()?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
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
    // SQLite quietly opens a file it may not write read-only, and every write would then fail far from here.
    if !read_only && conn.is_readonly(rusqlite::MAIN_DB)? {
        anyhow::bail!(
            "the database {} is read-only for this process: the user running autotrack must be able to write it and \
             its directory (check their owner, mode and attributes)",
            std::path::absolute(path)
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
        );
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // List queries vary with their filter and order: keep more of them prepared than the default 16.
    conn.set_prepared_statement_cache_capacity(64);
    // Plans fixed at prepare time: otherwise a statement whose plan looked at a bound value (`LIMIT ?`) is parsed
    // and planned again on every use, as the statement cache clears its bindings.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
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

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), Synchronous::Normal, 1).unwrap();
        (dir, db)
    }

    /// A read past the budget is stopped in place and answered in full from the pool.
    #[tokio::test]
    async fn long_reads_move_to_the_pool_and_answer_in_full() {
        let (_dir, db) = db();
        let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) \
                   SELECT count(*) FROM n";
        let started = Instant::now();
        let on_thread = std::thread::current().id();
        let (count, same_thread) = db
            .read(move |c| {
                let n: i64 = c.query_row(sql, [], |r| r.get(0))?;
                Ok((n, std::thread::current().id() == on_thread))
            })
            .await
            .unwrap();
        assert_eq!(count, 3_000_000);
        assert!(!same_thread, "the full count ran on the pool");
        assert!(started.elapsed() > QUICK_BUDGET);
        // A short read stays on the calling thread.
        let here = db
            .read(move |c| {
                c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
                Ok(std::thread::current().id() == on_thread)
            })
            .await
            .unwrap();
        assert!(here);
    }

    /// An error a closure swallows after the interruption does not become a wrong answer.
    #[tokio::test]
    async fn an_interrupted_read_is_never_answered_from_its_partial_result() {
        let (_dir, db) = db();
        let n = db
            .read(|c| {
                let counted = c.query_row(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) \
                     SELECT count(*) FROM n",
                    [],
                    |r| r.get::<_, i64>(0),
                );
                Ok(counted.unwrap_or(-1))
            })
            .await
            .unwrap();
        assert_eq!(n, 2_000_000);
    }

    /// A panic inside a read is an internal error, and the next reads still run in place.
    #[tokio::test]
    async fn a_panicking_read_is_an_error_and_reads_go_on() {
        let (_dir, db) = db();
        let err = db
            .read(|_| -> AppResult<i64> { panic!("boom") })
            .await
            .unwrap_err();
        assert_eq!(err.status, axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let on_thread = std::thread::current().id();
        for _ in 0..3 {
            let here = db
                .read(move |_| Ok(std::thread::current().id() == on_thread))
                .await
                .unwrap();
            assert!(here);
        }
    }
}
