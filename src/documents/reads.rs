//! The read side of documents: the representation with its `vehicle_info`, the list, the unpaginated lists
//! (by type, not analysed, of one vehicle, grouped by vehicle) and the stats. Every read is the caller's rows only.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rusqlite::Connection;

use super::model::{
    Document, DocumentFilter, DocumentRow, DocumentStats, DocumentTypeCount, GroupVehicle,
    TypeFilter, VehicleDocuments, VehicleFilter,
};
use super::repo::{self, Subset};
use super::service::owned;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};
use crate::vehicles::model::VehicleRow;

/// The representations of the caller's documents (each vehicle read once); `base` is the public URL.
pub(super) fn render(
    conn: &Connection,
    base: &str,
    user_id: i64,
    rows: Vec<DocumentRow>,
) -> AppResult<Vec<Document>> {
    let owner = crate::vehicles::service::owner(conn, user_id)?;
    let mut vehicles: HashMap<i64, Option<VehicleRow>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for d in rows {
        let vehicle = match d.vehicle_id {
            Some(vid) => match vehicles.entry(vid) {
                Entry::Occupied(e) => e.into_mut().as_ref(),
                Entry::Vacant(e) => e
                    .insert(crate::vehicles::repo::find_for_owner(conn, user_id, vid)?)
                    .as_ref(),
            },
            None => None,
        };
        out.push(d.into_dto(vehicle, &owner, base));
    }
    Ok(out)
}

/// The representation of one of the caller's documents.
pub(super) fn one(
    conn: &Connection,
    base: &str,
    user_id: i64,
    d: DocumentRow,
) -> AppResult<Document> {
    render(conn, base, user_id, vec![d])?
        .pop()
        .ok_or_else(AppError::not_found)
}

pub async fn get(state: &AppState, user: &AuthUser, id: i64) -> AppResult<Document> {
    let (uid, base) = (user.id, state.public_url.clone());
    state
        .db
        .read(move |c| one(c, &base, uid, owned(c, uid, id)?))
        .await
}

/// The document row for a download (the handler streams the file).
pub async fn for_download(state: &AppState, user: &AuthUser, id: i64) -> AppResult<DocumentRow> {
    let uid = user.id;
    state.db.read(move |c| owned(c, uid, id)).await
}

pub async fn list(
    state: &AppState,
    user: &AuthUser,
    list: List<DocumentFilter>,
) -> AppResult<Page<Document>> {
    let (uid, base) = (user.id, state.public_url.clone());
    let (filter, query) = (list.filter.clone(), list.query.clone());
    let (count, results) = state
        .db
        .read(move |c| {
            let (count, rows) = repo::list(c, uid, &filter, &query)?;
            Ok((count, render(c, &base, uid, rows)?))
        })
        .await?;
    list.page(count, results)
}

/// An unpaginated list of the caller's documents, newest first.
async fn subset(state: &AppState, user: &AuthUser, subset: Subset) -> AppResult<Vec<Document>> {
    let (uid, base) = (user.id, state.public_url.clone());
    state
        .db
        .read(move |c| render(c, &base, uid, repo::all_for_owner(c, uid, &subset)?))
        .await
}

/// Documents of one type, or all.
pub async fn by_type(
    state: &AppState,
    user: &AuthUser,
    filter: TypeFilter,
) -> AppResult<Vec<Document>> {
    let which = filter.r#type.map_or(Subset::All, Subset::OfType);
    subset(state, user, which).await
}

pub async fn unanalyzed(state: &AppState, user: &AuthUser) -> AppResult<Vec<Document>> {
    subset(state, user, Subset::Unanalyzed).await
}

/// The documents of one of the caller's vehicles (404 for another vehicle).
pub async fn for_vehicle(
    state: &AppState,
    user: &AuthUser,
    vehicle_id: i64,
) -> AppResult<Vec<Document>> {
    let (uid, base) = (user.id, state.public_url.clone());
    state
        .db
        .read(move |c| {
            crate::vehicles::service::owned(c, uid, vehicle_id)?;
            let rows = repo::all_for_owner(c, uid, &Subset::OfVehicle(vehicle_id))?;
            render(c, &base, uid, rows)
        })
        .await
}

pub async fn stats(state: &AppState, user: &AuthUser) -> AppResult<DocumentStats> {
    let uid = user.id;
    state
        .db
        .read(move |c| {
            let total = repo::count_for_owner(c, uid)?;
            let analyzed = repo::count_analyzed(c, uid)?;
            let bytes = repo::bytes_for_owner(c, uid)?;
            let by_type = repo::counts_by_type(c, uid)?
                .into_iter()
                .map(|(document_type, count)| DocumentTypeCount {
                    document_type,
                    count,
                })
                .collect();
            Ok(DocumentStats {
                total_documents: total,
                by_type,
                analyzed,
                unanalyzed: total - analyzed,
                total_storage_bytes: bytes,
                total_storage_mb: crate::money::round2_f64(bytes as f64 / 1_048_576.0),
            })
        })
        .await
}

/// One group per vehicle of the caller (or the one asked for), then the documents without a vehicle if any.
pub async fn by_vehicle(
    state: &AppState,
    user: &AuthUser,
    filter: VehicleFilter,
) -> AppResult<Vec<VehicleDocuments>> {
    let only = filter.vehicle_id;
    let (uid, base) = (user.id, state.public_url.clone());
    state
        .db
        .read(move |c| {
            let mut out = Vec::new();
            for v in crate::vehicles::repo::all_for_owner(c, uid)? {
                if only.is_some_and(|id| id != v.id) {
                    continue;
                }
                let rows = repo::all_for_owner(c, uid, &Subset::OfVehicle(v.id))?;
                out.push(VehicleDocuments {
                    vehicle: Some(GroupVehicle {
                        id: v.id,
                        make: v.make,
                        model: v.model,
                        year: v.year,
                    }),
                    documents: render(c, &base, uid, rows)?,
                });
            }
            if only.is_none() {
                let rows = repo::all_for_owner(c, uid, &Subset::WithoutVehicle)?;
                if !rows.is_empty() {
                    out.push(VehicleDocuments {
                        vehicle: None,
                        documents: render(c, &base, uid, rows)?,
                    });
                }
            }
            Ok(out)
        })
        .await
}
