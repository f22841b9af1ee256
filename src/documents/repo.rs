//! SQL on `documents`.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{DocumentFilter, DocumentRow};
use crate::db::query::{Where, fetch_page, order_by_with};
use crate::http::list::ListQuery;

const COLUMNS: &str = "d.id, d.user_id, d.vehicle_id, d.title, d.description, d.document_type, d.storage_key, \
    d.original_filename, d.file_size, d.mime_type, d.extracted_text, d.analysis_data, d.analysis_status, \
    d.analysis_error, d.analysis_attempts, d.analysis_run, d.analyzed_at, d.created_at, d.updated_at";

/// Documents, with the vehicle joined for search on make and model.
const FROM: &str = "documents d LEFT JOIN vehicles v ON v.id = d.vehicle_id";

fn row(r: &Row) -> rusqlite::Result<DocumentRow> {
    let data: String = r.get(11)?;
    Ok(DocumentRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        vehicle_id: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        document_type: r.get(5)?,
        storage_key: r.get(6)?,
        original_filename: r.get(7)?,
        file_size: r.get(8)?,
        mime_type: r.get(9)?,
        extracted_text: r.get(10)?,
        analysis_data: serde_json::from_str(&data).unwrap_or_else(|_| serde_json::json!({})),
        analysis_status: r.get(12)?,
        analysis_error: r.get(13)?,
        analysis_attempts: r.get(14)?,
        analysis_run: r.get(15)?,
        analyzed_at: r.get(16)?,
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
    })
}

pub fn find_for_owner(
    conn: &Connection,
    user_id: i64,
    id: i64,
) -> rusqlite::Result<Option<DocumentRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE d.id = ?1 AND d.user_id = ?2"),
        params![id, user_id],
        row,
    )
    .optional()
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<DocumentRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE d.id = ?1"),
        [id],
        row,
    )
    .optional()
}

/// `ordering` names and their columns.
const ORDERING: &[(&str, &str)] = &[
    ("created_at", "d.created_at"),
    ("updated_at", "d.updated_at"),
    ("file_size", "d.file_size"),
    ("title", "d.title"),
];

/// One page of the owner's documents matching the filter and search, and how many match in all.
pub fn list(
    conn: &Connection,
    user_id: i64,
    filter: &DocumentFilter,
    query: &ListQuery,
) -> rusqlite::Result<(i64, Vec<DocumentRow>)> {
    let mut w = Where::new("d.user_id = ?", user_id);
    if let Some(v) = filter.vehicle {
        w.push("d.vehicle_id = ?", v);
    }
    if let Some(t) = &filter.document_type {
        w.push("d.document_type = ?", t.clone());
    }
    if let Some(a) = filter.is_analyzed {
        w.push("(d.analysis_status IS 'done') = ?", i64::from(a));
    }
    if let Some(s) = &filter.analysis_status {
        w.push("d.analysis_status = ?", s.clone());
    }
    w.search(
        &query.search,
        &[
            "d.title",
            "d.description",
            "d.extracted_text",
            "v.make",
            "v.model",
        ],
    );
    let order = order_by_with(&query.ordering, ORDERING, "d.created_at DESC", "d.id");
    fetch_page(
        conn,
        &format!("SELECT {COLUMNS} FROM {FROM}"),
        FROM,
        &w,
        &order,
        (query.page.page_size, query.page.offset()),
        row,
    )
}

/// Which of the owner's documents an unpaginated list shows.
pub enum Subset {
    All,
    OfType(String),
    Unanalyzed,
    OfVehicle(i64),
    WithoutVehicle,
}

/// The owner's documents of `subset`, newest first (at most 10 000).
pub fn all_for_owner(
    conn: &Connection,
    user_id: i64,
    subset: &Subset,
) -> rusqlite::Result<Vec<DocumentRow>> {
    let mut w = Where::new("d.user_id = ?", user_id);
    match subset {
        Subset::All => {}
        Subset::OfType(t) => w.push("d.document_type = ?", t.clone()),
        Subset::Unanalyzed => w.push("(d.analysis_status IS 'done') = ?", 0),
        Subset::OfVehicle(v) => w.push("d.vehicle_id = ?", *v),
        Subset::WithoutVehicle => w.push("d.vehicle_id IS ?", rusqlite::types::Value::Null),
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE {} ORDER BY d.created_at DESC, d.id DESC LIMIT 10000",
        w.sql()
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(w.params.iter()), row)?;
    rows.collect()
}

pub struct NewDocument<'a> {
    pub user_id: i64,
    pub vehicle_id: Option<i64>,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub document_type: &'a str,
    pub storage_key: &'a str,
    pub original_filename: &'a str,
    pub file_size: i64,
    pub mime_type: &'a str,
    pub analysis_status: Option<&'a str>,
}

pub fn insert(conn: &Connection, d: &NewDocument, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO documents (user_id, vehicle_id, title, description, document_type, storage_key, original_filename, \
         file_size, mime_type, analysis_status, analysis_run, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?10 IS NULL THEN 0 ELSE 1 END, ?11, ?11)",
        params![d.user_id, d.vehicle_id, d.title, d.description, d.document_type, d.storage_key, d.original_filename,
            d.file_size, d.mime_type, d.analysis_status, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn update_metadata(conn: &Connection, d: &DocumentRow, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE documents SET title = ?2, description = ?3, document_type = ?4, vehicle_id = ?5, updated_at = ?6 WHERE id = ?1",
        params![d.id, d.title, d.description, d.document_type, d.vehicle_id, now],
    )?;
    Ok(())
}

/// A stored file's columns.
pub struct FileFields<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub size: i64,
    pub mime: &'a str,
}

/// A new file for a document: the analysis starts over.
pub fn replace_file(
    conn: &Connection,
    id: i64,
    f: &FileFields,
    status: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE documents SET storage_key = ?2, original_filename = ?3, file_size = ?4, mime_type = ?5, extracted_text = NULL, \
         analysis_data = '{}', analysis_status = ?6, analysis_error = NULL, analysis_attempts = 0, \
         analysis_run = analysis_run + (?6 IS NOT NULL), analysis_started_at = NULL, updated_at = ?7 WHERE id = ?1",
        params![id, f.key, f.name, f.size, f.mime, status, now],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, user_id: i64, id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "DELETE FROM documents WHERE id = ?1 AND user_id = ?2 RETURNING storage_key",
        params![id, user_id],
        |r| r.get(0),
    )
    .optional()
}

/// Storage keys of the documents that go with a vehicle or a user (to remove their files after the commit).
pub fn keys_where(conn: &Connection, column: &str, id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT storage_key FROM documents WHERE {column} = ?1"
    ))?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    rows.collect()
}

/// Queues a run (`pending`, attempts reset); returns the new run number.
pub fn queue(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "UPDATE documents SET analysis_status = 'pending', analysis_attempts = 0, analysis_error = NULL, \
         analysis_run = analysis_run + 1, updated_at = ?2 WHERE id = ?1 RETURNING analysis_run",
        params![id, now],
        |r| r.get(0),
    )
}

/// What the analyser needs of a claimed document.
#[derive(Debug, Clone)]
pub struct Claim {
    pub id: i64,
    pub user_id: i64,
    pub storage_key: String,
    pub mime_type: String,
    pub document_type: String,
    pub run: i64,
    pub attempts: i64,
}

/// Takes the oldest pending document: `processing`, one more attempt.
pub fn claim_next(conn: &Connection, now: &str) -> rusqlite::Result<Option<Claim>> {
    conn.query_row(
        "UPDATE documents SET analysis_status = 'processing', analysis_started_at = ?1, analysis_attempts = analysis_attempts + 1 \
         WHERE id = (SELECT id FROM documents WHERE analysis_status = 'pending' ORDER BY updated_at, id LIMIT 1) \
         RETURNING id, user_id, storage_key, mime_type, document_type, analysis_run, analysis_attempts",
        [now],
        |r| {
            Ok(Claim {
                id: r.get(0)?,
                user_id: r.get(1)?,
                storage_key: r.get(2)?,
                mime_type: r.get(3)?,
                document_type: r.get(4)?,
                run: r.get(5)?,
                attempts: r.get(6)?,
            })
        },
    )
    .optional()
}

/// Rows left `processing` by a process that died. One whose attempts reached `max_attempts` fails with the reason
/// in its owner's language (it may be what killed the process: claiming it again would loop); the others go back
/// to `pending`. Returns (requeued, failed).
pub fn recover_processing(
    conn: &Connection,
    now: &str,
    max_attempts: i64,
    reason: &crate::i18n::Tr,
) -> rusqlite::Result<(usize, usize)> {
    let failed = conn.execute(
        "UPDATE documents SET analysis_status = 'failed', updated_at = ?1, analysis_error = \
           CASE WHEN (SELECT language FROM user_settings s WHERE s.user_id = documents.user_id) = 'fr' THEN ?4 ELSE ?3 END \
         WHERE analysis_status = 'processing' AND analysis_attempts >= ?2",
        params![now, max_attempts, reason.en, reason.fr],
    )?;
    let requeued = conn.execute(
        "UPDATE documents SET analysis_status = 'pending', updated_at = ?1 WHERE analysis_status = 'processing'",
        [now],
    )?;
    Ok((requeued, failed))
}

/// Stores a successful result, only if the row is still this run of this file.
pub fn finish_done(
    conn: &Connection,
    c: &Claim,
    document_type: &str,
    text: &str,
    data: &serde_json::Value,
    now: &str,
) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE documents SET analysis_status = 'done', analysis_error = NULL, extracted_text = ?4, analysis_data = ?5, \
         document_type = ?6, analyzed_at = ?7, updated_at = ?7 \
         WHERE id = ?1 AND analysis_status = 'processing' AND storage_key = ?2 AND analysis_run = ?3",
        params![c.id, c.storage_key, c.run, text, data.to_string(), document_type, now],
    )? == 1)
}

/// A failed attempt: back to `pending` when it may pass next time, else `failed` with the reason.
pub fn finish_failed(
    conn: &Connection,
    c: &Claim,
    error: &str,
    retry: bool,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE documents SET analysis_status = CASE WHEN ?4 THEN 'pending' ELSE 'failed' END, analysis_error = ?5, updated_at = ?6 \
         WHERE id = ?1 AND analysis_status = 'processing' AND storage_key = ?2 AND analysis_run = ?3",
        params![c.id, c.storage_key, c.run, retry, error, now],
    )?;
    Ok(())
}

pub fn count_for_owner(conn: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM documents WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )
}

pub fn bytes_for_owner(conn: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce(sum(file_size), 0) FROM documents WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )
}

pub fn count_for_vehicle(conn: &Connection, vehicle_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM documents WHERE vehicle_id = ?1",
        [vehicle_id],
        |r| r.get(0),
    )
}

pub fn counts_by_type(conn: &Connection, user_id: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare("SELECT document_type, count(*) FROM documents WHERE user_id = ?1 GROUP BY document_type ORDER BY document_type")?;
    let rows = stmt.query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

pub fn count_analyzed(conn: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM documents WHERE user_id = ?1 AND analysis_status = 'done'",
        [user_id],
        |r| r.get(0),
    )
}

pub fn pending_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM documents WHERE analysis_status = 'pending'",
        [],
        |r| r.get(0),
    )
}

/// Every storage key (the file clean-up compares the directory against it).
pub fn all_keys(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT storage_key FROM documents")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// An analysed insurance certificate: id, vehicle, title, end date read from it.
pub type InsuranceEnd = (i64, Option<i64>, String, String);

/// The owner's analysed insurance certificates with an end date, soonest first.
pub fn insurance_ends(conn: &Connection, user_id: i64) -> rusqlite::Result<Vec<InsuranceEnd>> {
    conn.prepare_cached(
        "SELECT id, vehicle_id, title, json_extract(analysis_data, '$.fields.end_date.value') AS end_date \
         FROM documents WHERE user_id = ?1 AND document_type = 'insurance' AND analysis_status = 'done' \
         AND end_date IS NOT NULL ORDER BY end_date LIMIT 100",
    )?
    .query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
    .collect()
}
