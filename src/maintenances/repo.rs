//! SQL on `maintenances`. A record belongs to its vehicle's owner; `m.owner_id` is that owner, copied by the insert
//! (V5) so that owner lists use the `(owner_id, service_date)` index; the vehicle join brings the embedded vehicle info.

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::model::{MaintenanceFilter, MaintenanceRow, StatsPeriod};
use crate::db::query::{Where, order_by_with};
use crate::http::list::ListQuery;

/// Columns of `maintenances m JOIN vehicles v`.
const COLUMNS: &str = "m.id, m.vehicle_id, m.created_by_id, m.performed_by_id, m.service_date, m.service_type, \
    m.description, m.mileage, m.cost_cents, m.status, m.invoice_url, m.reminder_sent, m.created_at, m.updated_at, \
    v.make, v.model, v.year, v.license_plate";

/// CROSS JOIN keeps `maintenances` as the outer loop (SQLite never reorders it), so the owner or vehicle index of
/// `maintenances` drives every query instead of a scan of all vehicles probing each one's records.
const FROM: &str = "maintenances m CROSS JOIN vehicles v ON v.id = m.vehicle_id";

fn row(r: &Row) -> rusqlite::Result<MaintenanceRow> {
    Ok(MaintenanceRow {
        id: r.get(0)?,
        vehicle_id: r.get(1)?,
        created_by_id: r.get(2)?,
        performed_by_id: r.get(3)?,
        service_date: r.get(4)?,
        service_type: r.get(5)?,
        description: r.get(6)?,
        mileage: r.get(7)?,
        cost_cents: r.get(8)?,
        status: r.get(9)?,
        invoice_url: r.get(10)?,
        reminder_sent: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        vehicle_make: r.get(14)?,
        vehicle_model: r.get(15)?,
        vehicle_year: r.get(16)?,
        vehicle_plate: r.get(17)?,
    })
}

pub fn find_for_owner(
    conn: &Connection,
    owner_id: i64,
    id: i64,
) -> rusqlite::Result<Option<MaintenanceRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE m.id = ?1 AND m.owner_id = ?2"),
        params![id, owner_id],
        row,
    )
    .optional()
}

/// The owner's record count, all of them or those in one status, from the counters kept by triggers (V5): the
/// same cost at any size.
pub fn count_for_owner(
    conn: &Connection,
    owner_id: i64,
    status: Option<&str>,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT coalesce(sum(n), 0) FROM maintenance_counts WHERE owner_id = ?1 AND (?2 IS NULL OR status = ?2)",
    )?
    .query_row(params![owner_id, status], |r| r.get(0))
}

/// Records matching `filter`. The vehicle join is made only when a condition names a vehicle column (search): it
/// costs a lookup per counted record.
fn count(conn: &Connection, filter: &Where) -> rusqlite::Result<i64> {
    let sql = filter.sql();
    let from = if sql.contains("v.") {
        FROM
    } else {
        "maintenances m"
    };
    conn.prepare_cached(&format!("SELECT count(*) FROM {from} WHERE {sql}"))?
        .query_row(params_from_iter(filter.params.iter()), |r| r.get(0))
}

/// One page of the records matching `filter` in `order`.
fn select(
    conn: &Connection,
    filter: &Where,
    order: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<MaintenanceRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE {} ORDER BY {order} LIMIT ? OFFSET ?",
        filter.sql()
    ))?;
    let rows = stmt.query_map(params_from_iter(filter.page_params(limit, offset)), row)?;
    rows.collect()
}

/// `ordering` names and their columns.
const ORDERING: &[(&str, &str)] = &[
    ("service_date", "m.service_date"),
    ("cost", "m.cost_cents"),
    ("mileage", "m.mileage"),
    ("created_at", "m.created_at"),
];

/// One page of the owner's records matching the filter and search, and how many match in all.
pub fn list(
    conn: &Connection,
    owner_id: i64,
    filter: &MaintenanceFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<MaintenanceRow>)> {
    let mut w = Where::new("m.owner_id = ?", owner_id);
    if let Some(v) = filter.vehicle {
        w.push("m.vehicle_id = ?", v);
    }
    if let Some(s) = &filter.status {
        w.push("m.status = ?", s.clone());
    }
    if let Some(t) = &filter.service_type {
        w.push("m.service_type = ? COLLATE NOCASE", t.clone());
    }
    w.search(
        &query.search,
        &["m.service_type", "m.description", "v.make", "v.model"],
    );
    let order = order_by_with(&query.ordering, ORDERING, "m.service_date DESC", "m.id");
    // Owner-only and owner+status lists take their count from the counters, others count their rows.
    let counted = w.conditions() == 1 + usize::from(filter.status.is_some());
    let count = if counted {
        count_for_owner(conn, owner_id, filter.status.as_deref())?
    } else {
        count(conn, &w)?
    };
    let rows = select(conn, &w, &order, query.page.page_size, query.page.offset())?;
    Ok((count, rows))
}

/// The most rows an unpaginated list returns.
const UNPAGINATED: i64 = 10_000;

/// The owner's `SCHEDULED` records from `from` on, soonest first.
pub fn scheduled_from(
    conn: &Connection,
    owner_id: i64,
    from: &str,
) -> rusqlite::Result<Vec<MaintenanceRow>> {
    let mut w = Where::new("m.owner_id = ?", owner_id);
    w.push("m.status = ?", "SCHEDULED".to_owned());
    w.push("m.service_date >= ?", from.to_owned());
    select(conn, &w, "m.service_date ASC, m.id ASC", UNPAGINATED, 0)
}

/// The owner's `COMPLETED` records with `from ≤ service_date ≤ to`, newest first.
pub fn completed_between(
    conn: &Connection,
    owner_id: i64,
    from: &str,
    to: &str,
) -> rusqlite::Result<Vec<MaintenanceRow>> {
    let mut w = Where::new("m.owner_id = ?", owner_id);
    w.push("m.status = ?", "COMPLETED".to_owned());
    w.push("m.service_date >= ?", from.to_owned());
    w.push("m.service_date <= ?", to.to_owned());
    select(conn, &w, "m.service_date DESC, m.id DESC", UNPAGINATED, 0)
}

/// The records of one of the owner's vehicles, newest service date first.
pub fn for_vehicle(
    conn: &Connection,
    owner_id: i64,
    vehicle_id: i64,
) -> rusqlite::Result<Vec<MaintenanceRow>> {
    let mut w = Where::new("m.owner_id = ?", owner_id);
    w.push("m.vehicle_id = ?", vehicle_id);
    select(conn, &w, "m.service_date DESC, m.id DESC", UNPAGINATED, 0)
}

pub fn count_for_vehicle(conn: &Connection, vehicle_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM maintenances WHERE vehicle_id = ?1",
        [vehicle_id],
        |r| r.get(0),
    )
}

/// Records created by the user since `since` (the monthly plan limit).
pub fn count_created_since(conn: &Connection, user_id: i64, since: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM maintenances WHERE created_by_id = ?1 AND created_at >= ?2",
        params![user_id, since],
        |r| r.get(0),
    )
}

pub fn insert(conn: &Connection, m: &MaintenanceRow, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO maintenances (vehicle_id, owner_id, created_by_id, performed_by_id, service_date, service_type, \
         description, mileage, cost_cents, status, invoice_url, reminder_sent, created_at, updated_at) \
         VALUES (?1, (SELECT owner_id FROM vehicles WHERE id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11)",
        params![m.vehicle_id, m.created_by_id, m.performed_by_id, m.service_date, m.service_type, m.description,
            m.mileage, m.cost_cents, m.status, m.invoice_url, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update(conn: &Connection, m: &MaintenanceRow, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE maintenances SET performed_by_id = ?2, service_date = ?3, service_type = ?4, description = ?5, \
         mileage = ?6, cost_cents = ?7, status = ?8, invoice_url = ?9, reminder_sent = ?10, updated_at = ?11 WHERE id = ?1",
        params![m.id, m.performed_by_id, m.service_date, m.service_type, m.description, m.mileage, m.cost_cents,
            m.status, m.invoice_url, m.reminder_sent, now],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, owner_id: i64, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM maintenances WHERE id = ?1 AND owner_id = ?2",
        params![id, owner_id],
    )? == 1)
}

/// The owner's records in the period (conditions on `m` only: no vehicle join is needed).
fn in_period(owner_id: i64, period: &StatsPeriod) -> Where {
    let mut w = Where::new("m.owner_id = ?", owner_id);
    if let Some(s) = &period.start_date {
        w.push("m.service_date >= ?", s.clone());
    }
    if let Some(e) = &period.end_date {
        w.push("m.service_date <= ?", e.clone());
    }
    w
}

/// The stats overview over the owner's records in a period: counts per status, cost sum and count of costed
/// rows.
pub struct Overview {
    pub total: i64,
    pub scheduled: i64,
    pub completed: i64,
    pub in_progress: i64,
    pub cost_sum: Option<i64>,
    pub costed: i64,
}

pub fn overview(
    conn: &Connection,
    owner_id: i64,
    period: &StatsPeriod,
) -> rusqlite::Result<Overview> {
    let filter = in_period(owner_id, period);
    conn.query_row(
        &format!(
            "SELECT count(*), sum(m.status = 'SCHEDULED'), sum(m.status = 'COMPLETED'), sum(m.status = 'IN_PROGRESS'), \
             sum(m.cost_cents), count(m.cost_cents) FROM maintenances m WHERE {}",
            filter.sql()
        ),
        params_from_iter(filter.params.iter()),
        |r| {
            Ok(Overview {
                total: r.get(0)?,
                scheduled: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                completed: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                in_progress: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                cost_sum: r.get(4)?,
                costed: r.get(5)?,
            })
        },
    )
}

/// The 5 most frequent service types of the owner's records in a period: `(type, count, cost sum)`.
pub fn top_services(
    conn: &Connection,
    owner_id: i64,
    period: &StatsPeriod,
) -> rusqlite::Result<Vec<(String, i64, Option<i64>)>> {
    let filter = in_period(owner_id, period);
    let mut stmt = conn.prepare(&format!(
        "SELECT m.service_type, count(*) AS n, sum(m.cost_cents) FROM maintenances m WHERE {} \
         GROUP BY m.service_type ORDER BY n DESC, m.service_type ASC LIMIT 5",
        filter.sql()
    ))?;
    let rows = stmt.query_map(params_from_iter(filter.params.iter()), |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    rows.collect()
}

/// A scheduled record coming due, with what the reminder needs.
pub struct Due {
    pub id: i64,
    pub owner_id: i64,
    pub vehicle_id: i64,
    pub service_date: String,
    pub service_type: String,
    pub mileage: Option<i64>,
    pub vehicle_make: String,
    pub vehicle_model: String,
    pub vehicle_plate: Option<String>,
}

/// `SCHEDULED` records with `after < service_date ≤ until`.
pub fn scheduled_between(
    conn: &Connection,
    after: &str,
    until: &str,
) -> rusqlite::Result<Vec<Due>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT m.id, v.owner_id, m.vehicle_id, m.service_date, m.service_type, m.mileage, v.make, v.model, v.license_plate \
         FROM {FROM} WHERE m.status = 'SCHEDULED' AND m.service_date > ?1 AND m.service_date <= ?2 ORDER BY m.service_date, m.id"
    ))?;
    let rows = stmt.query_map(params![after, until], |r| {
        Ok(Due {
            id: r.get(0)?,
            owner_id: r.get(1)?,
            vehicle_id: r.get(2)?,
            service_date: r.get(3)?,
            service_type: r.get(4)?,
            mileage: r.get(5)?,
            vehicle_make: r.get(6)?,
            vehicle_model: r.get(7)?,
            vehicle_plate: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// Marks a reminder as sent, if the record is still scheduled for that date.
pub fn mark_reminded(conn: &Connection, id: i64, service_date: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE maintenances SET reminder_sent = 1 WHERE id = ?1 AND service_date = ?2 AND status = 'SCHEDULED'",
        params![id, service_date],
    )?;
    Ok(())
}
