//! SQL on `plans`.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Limits, PlanFilter, PlanRow};
use crate::db::query::{Where, fetch_page, order_by};
use crate::http::list::ListQuery;

const COLUMNS: &str = "id, code, name, description, monthly_price_cents, yearly_price_cents, currency, yearly_discount, \
    is_popular, badge, color_accent, highlights, features, translations, limit_vehicles, limit_documents, \
    limit_storage_mb, limit_maintenances_per_month, limit_diagnostics_per_month, ai_assistant, ai_diagnostic, \
    stripe_price_id, is_active, sort_order, created_at, updated_at";

/// A JSON column; a value of another shape than expected reads as empty.
fn json_col<T: serde::de::DeserializeOwned + Default>(r: &Row, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    Ok(serde_json::from_str(&s).unwrap_or_default())
}

fn plan_row(r: &Row) -> rusqlite::Result<PlanRow> {
    Ok(PlanRow {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        monthly_price_cents: r.get(4)?,
        yearly_price_cents: r.get(5)?,
        currency: r.get(6)?,
        yearly_discount: r.get(7)?,
        is_popular: r.get(8)?,
        badge: r.get(9)?,
        color_accent: r.get(10)?,
        highlights: json_col(r, 11)?,
        features: json_col(r, 12)?,
        translations: json_col(r, 13)?,
        limits: Limits {
            vehicles: r.get(14)?,
            documents: r.get(15)?,
            storage_mb: r.get(16)?,
            maintenances_per_month: r.get(17)?,
            diagnostics_per_month: r.get(18)?,
        },
        ai_assistant: r.get(19)?,
        ai_diagnostic: r.get(20)?,
        stripe_price_id: r.get(21)?,
        is_active: r.get(22)?,
        sort_order: r.get(23)?,
        created_at: r.get(24)?,
        updated_at: r.get(25)?,
    })
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<PlanRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM plans WHERE id = ?1"),
        [id],
        plan_row,
    )
    .optional()
}

pub fn find_by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<PlanRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM plans WHERE code = ?1"),
        [code],
        plan_row,
    )
    .optional()
}

/// `ordering` names and their columns.
const ORDERING: &[(&str, &str)] = &[
    ("sort_order", "sort_order"),
    ("monthly_price", "monthly_price_cents"),
    ("created_at", "created_at"),
];

/// One page of the plans matching the filter, and how many match in all.
pub fn list(
    conn: &Connection,
    filter: &PlanFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<PlanRow>)> {
    let mut w = Where::default();
    if let Some(active) = filter.is_active {
        w.push("is_active = ?", i64::from(active));
    }
    if let Some(popular) = filter.is_popular {
        w.push("is_popular = ?", i64::from(popular));
    }
    let order = order_by(
        &query.ordering,
        ORDERING,
        "sort_order ASC, monthly_price_cents ASC",
    );
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM plans"),
        "plans",
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        plan_row,
    )
}

pub fn active_plans(conn: &Connection) -> rusqlite::Result<Vec<PlanRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM plans WHERE is_active = 1 ORDER BY sort_order, monthly_price_cents, id"))?;
    let rows = stmt.query_map([], plan_row)?;
    rows.collect()
}

/// The plan sold at this Stripe price.
pub fn find_by_stripe_price(conn: &Connection, price: &str) -> rusqlite::Result<Option<PlanRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM plans WHERE stripe_price_id = ?1"),
        [price],
        plan_row,
    )
    .optional()
}

/// Every plan, active or not.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<PlanRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM plans ORDER BY sort_order, id"
    ))?;
    let rows = stmt.query_map([], plan_row)?;
    rows.collect()
}

/// Is `price` the Stripe price of another plan than `except`?
pub fn price_taken(conn: &Connection, price: &str, except: Option<i64>) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM plans WHERE stripe_price_id = ?1 AND id IS NOT ?2)",
        params![price, except],
        |r| r.get(0),
    )
}

/// Does any subscription, of any status, refer to the plan?
pub fn in_use(conn: &Connection, code: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE plan_code = ?1)",
        [code],
        |r| r.get(0),
    )
}

/// The columns a plan write sets, in the order of `plan_values`.
const WRITTEN: [&str; 23] = [
    "name",
    "description",
    "monthly_price_cents",
    "yearly_price_cents",
    "currency",
    "yearly_discount",
    "is_popular",
    "badge",
    "color_accent",
    "highlights",
    "features",
    "translations",
    "limit_vehicles",
    "limit_documents",
    "limit_storage_mb",
    "limit_maintenances_per_month",
    "limit_diagnostics_per_month",
    "ai_assistant",
    "ai_diagnostic",
    "stripe_price_id",
    "is_active",
    "sort_order",
    "updated_at",
];

/// Inserts (`id` None: with its code) or updates a plan (never its code); returns its id.
pub fn save(conn: &Connection, id: Option<i64>, p: &PlanRow, now: &str) -> rusqlite::Result<i64> {
    let json = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "[]".to_owned());
    let highlights = json(serde_json::to_string(&p.highlights));
    let features = json(serde_json::to_string(&p.features));
    let translations = serde_json::to_string(&p.translations).unwrap_or_else(|_| "{}".to_owned());
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![
        &p.name,
        &p.description,
        &p.monthly_price_cents,
        &p.yearly_price_cents,
        &p.currency,
        &p.yearly_discount,
        &p.is_popular,
        &p.badge,
        &p.color_accent,
        &highlights,
        &features,
        &translations,
        &p.limits.vehicles,
        &p.limits.documents,
        &p.limits.storage_mb,
        &p.limits.maintenances_per_month,
        &p.limits.diagnostics_per_month,
        &p.ai_assistant,
        &p.ai_diagnostic,
        &p.stripe_price_id,
        &p.is_active,
        &p.sort_order,
        &now,
    ];
    match id {
        Some(id) => {
            let sets: Vec<String> = WRITTEN
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = ?{}", i + 1))
                .collect();
            values.push(&id);
            conn.execute(
                &format!(
                    "UPDATE plans SET {} WHERE id = ?{}",
                    sets.join(", "),
                    values.len()
                ),
                &values[..],
            )?;
            Ok(id)
        }
        None => {
            values.push(&p.code);
            let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
            conn.execute(
                &format!(
                    "INSERT INTO plans ({}, code, created_at) VALUES ({}, ?{})",
                    WRITTEN.join(", "),
                    marks.join(", "),
                    WRITTEN.len()
                ),
                &values[..],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

pub fn delete(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM plans WHERE id = ?1", [id])?;
    Ok(())
}
