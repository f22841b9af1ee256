//! Review rules: one review per user and garage; the author (or an admin) edits or deletes it; `add_review`
//! upserts. Answers show the reviewer's email to its author and to admins only.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::filters::ReviewFilter;
use super::model::Viewer;
use super::repo;
use super::review_model::{self, Review, ReviewRow};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::list::{List, Page};
use crate::http::validate::Input;
use crate::i18n::Tr;

fn default_name(conn: &rusqlite::Connection, user_id: i64) -> AppResult<String> {
    let u = crate::users::repo::find(conn, user_id)?.ok_or_else(AppError::not_found)?;
    let name: String = format!("{} {}", u.first_name, u.last_name)
        .trim()
        .chars()
        .take(100)
        .collect();
    Ok(if name.is_empty() {
        u.display_name()
    } else {
        name
    })
}

fn already_reviewed(review_id: i64) -> AppError {
    AppError::new(Code::AlreadyReviewed)
        .with_detail(Tr::new(
            "You have already reviewed this garage.",
            "Vous avez déjà évalué ce garage.",
        ))
        .with_extension("review_id", json!(review_id))
}

/// Creates the caller's review of a garage, or with `upsert` updates the existing one. Returns (created, review).
async fn write_review(
    state: &AppState,
    user: &AuthUser,
    garage_id: Option<i64>,
    mut input: Input,
    upsert: bool,
) -> AppResult<(bool, ReviewRow)> {
    let fields = review_model::parse(&mut input, true);
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| {
            let garage = match garage_id {
                Some(id) => repo::find(tx, id)?,
                None => None,
            };
            if garage_id.is_some() && garage.is_none() && !upsert {
                input.error(
                    "garage",
                    Tr::new("Garage not found.", "Garage introuvable."),
                );
            }
            if upsert && garage.is_none() {
                return Err(AppError::not_found());
            }
            input.finish()?;
            let garage =
                garage.ok_or_else(|| AppError::field("garage", crate::i18n::msg::required()))?;
            let comment = fields.comment.clone().flatten();
            let rating = fields.rating.unwrap_or(1);
            if let Some(existing) = repo::find_user_review(tx, garage.id, uid)? {
                if !upsert {
                    return Err(already_reviewed(existing.id));
                }
                let name = fields
                    .reviewer_name
                    .clone()
                    .unwrap_or(existing.reviewer_name.clone());
                let comment = fields.comment.clone().unwrap_or(existing.comment.clone());
                repo::update_review(tx, existing.id, &name, rating, comment.as_deref(), &now)?;
                return Ok((
                    false,
                    repo::find_review(tx, existing.id)?.ok_or_else(AppError::not_found)?,
                ));
            }
            let name = match fields.reviewer_name.clone() {
                Some(n) => n,
                None => default_name(tx, uid)?,
            };
            let id =
                repo::insert_review(tx, garage.id, uid, &name, rating, comment.as_deref(), &now)?;
            Ok((
                true,
                repo::find_review(tx, id)?.ok_or_else(AppError::not_found)?,
            ))
        })
        .await
}

pub async fn list(
    state: &AppState,
    viewer: Viewer,
    list: List<ReviewFilter>,
) -> AppResult<Page<Review>> {
    let (filter, query) = (list.filter.clone(), list.query.clone());
    let (count, rows) = state
        .db
        .read(move |c| Ok(repo::list_reviews(c, &filter, &query)?))
        .await?;
    list.page(
        count,
        rows.into_iter().map(|r| r.into_dto(viewer)).collect(),
    )
}

/// `POST /api/reviews/`: the caller's first review of a garage.
pub async fn create(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<Review> {
    let mut input = Input::new(body);
    let garage = input.int("garage", i64::MIN, i64::MAX, true).flatten();
    let (_, review) = write_review(state, user, garage, input, false).await?;
    Ok(review.into_dto(Viewer::of(Some(user))))
}

/// `add_review`: creates the caller's review of the garage, or updates it; the status says which.
pub async fn upsert(
    state: &AppState,
    user: &AuthUser,
    garage_id: i64,
    body: Map<String, Value>,
) -> AppResult<(StatusCode, Review)> {
    let (created, review) =
        write_review(state, user, Some(garage_id), Input::new(body), true).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, review.into_dto(Viewer::of(Some(user)))))
}

pub async fn get(state: &AppState, viewer: Viewer, id: i64) -> AppResult<Review> {
    let r = state
        .db
        .read(move |c| repo::find_review(c, id)?.ok_or_else(AppError::not_found))
        .await?;
    Ok(r.into_dto(viewer))
}

/// PUT (`full`: the rating is required) and PATCH, by the author or an admin.
pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<Review> {
    let mut input = Input::new(body);
    let fields = review_model::parse(&mut input, full);
    let (u, now) = (user.clone(), ts(state.clock.now()));
    let review = state
        .db
        .write(move |tx| {
            let current = repo::find_review(tx, id)?.ok_or_else(AppError::not_found)?;
            if current.user_id != u.id && !u.is_staff {
                return Err(AppError::permission_denied());
            }
            input.finish()?;
            let name = fields.reviewer_name.unwrap_or(current.reviewer_name);
            let comment = fields.comment.unwrap_or(current.comment);
            repo::update_review(
                tx,
                id,
                &name,
                fields.rating.unwrap_or(current.rating),
                comment.as_deref(),
                &now,
            )?;
            repo::find_review(tx, id)?.ok_or_else(AppError::not_found)
        })
        .await?;
    Ok(review.into_dto(Viewer::of(Some(user))))
}

/// Deletes a review (the author or an admin).
pub async fn delete(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let (uid, is_staff) = (user.id, user.is_staff);
    state
        .db
        .write(move |tx| {
            let current = repo::find_review(tx, id)?.ok_or_else(AppError::not_found)?;
            if current.user_id != uid && !is_staff {
                return Err(AppError::permission_denied());
            }
            repo::delete_review(tx, id)?;
            Ok(())
        })
        .await
}
