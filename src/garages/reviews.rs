//! Reviews: one per user and garage; the author (or an admin) edits or deletes it; `add_review` upserts.

use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::model::{ReviewRow, Viewer};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::extract::MaybeAuthUser;
use crate::db::query::{Where, order_by_with};
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::extract::{JsonBody, PathId, QueryMap};
use crate::http::list::{PageRequest, envelope, id_param};
use crate::http::validate::Input;
use crate::i18n::Tr;

fn viewer(user: &Option<AuthUser>) -> Viewer {
    Viewer {
        user_id: user.as_ref().map(|u| u.id),
        is_staff: user.as_ref().is_some_and(|u| u.is_staff),
    }
}

fn me(user: &AuthUser) -> Viewer {
    Viewer {
        user_id: Some(user.id),
        is_staff: user.is_staff,
    }
}

struct ReviewInput {
    rating: Option<i64>,
    comment: Option<Option<String>>,
    reviewer_name: Option<String>,
}

fn parse(input: &mut Input, full: bool) -> ReviewInput {
    let rating = if full || input.has("rating") {
        match input.int("rating", i64::MIN, i64::MAX, true) {
            Some(Some(r)) if (1..=5).contains(&r) => Some(r),
            Some(Some(_)) => {
                input.error(
                    "rating",
                    Tr::new(
                        "Rating must be between 1 and 5.",
                        "La note doit être comprise entre 1 et 5.",
                    ),
                );
                None
            }
            _ => None,
        }
    } else {
        None
    };
    let comment = input.opt_text("comment", 5000);
    let reviewer_name = if input.has("reviewer_name") {
        input.text("reviewer_name", 100)
    } else {
        None
    };
    ReviewInput {
        rating,
        comment,
        reviewer_name,
    }
}

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
    let fields = parse(&mut input, true);
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

/// Reviews (filters `garage`, `rating`, `user`; ordering `rating`, `created_at`).
#[utoipa::path(get, path = "/api/reviews", tag = "garages", params(("garage" = Option<i64>, Query, description = "garage id"),
    ("rating" = Option<i64>, Query, description = "1–5"), ("user" = Option<i64>, Query, description = "author id"),
    ("ordering" = Option<String>, Query, description = "rating, created_at"), ("page" = Option<i64>, Query, description = "1-based"), ("page_size" = Option<i64>, Query, description = "≤ 100")),
    responses((status = 200, description = "envelope of reviews"), (status = 400, description = "validation_error")))]
pub async fn list_reviews(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    QueryMap(query): QueryMap,
    OriginalUri(uri): OriginalUri,
) -> AppResult<Json<Value>> {
    let page = PageRequest::from_query(&query)?;
    let mut filter = Where::default();
    for (param, col) in [
        ("garage", "r.garage_id"),
        ("rating", "r.rating"),
        ("user", "r.user_id"),
    ] {
        if let Some(v) = id_param(&query, param)? {
            filter.push(&format!("{col} = ?"), v);
        }
    }
    let order = order_by_with(
        crate::http::list::ordering(&query),
        &[("rating", "r.rating"), ("created_at", "r.created_at")],
        "r.created_at DESC",
        "r.id",
    );
    let v = viewer(&user);
    let (count, rows) = state
        .db
        .read(move |c| {
            Ok(repo::list_reviews(
                c,
                &filter,
                &order,
                page.page_size,
                page.offset(),
            )?)
        })
        .await?;
    let results = rows.iter().map(|r| r.to_json(v)).collect();
    Ok(Json(envelope(
        count,
        results,
        page,
        &state.public_url,
        uri.path(),
        &query,
    )?))
}

/// Review a garage (one review per user and garage).
#[utoipa::path(post, path = "/api/reviews", tag = "garages", security(("bearer" = [])), request_body = Object,
    responses((status = 201, description = "the review"), (status = 400, description = "validation_error or already_reviewed")))]
pub async fn create_review(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let mut input = Input::new(body);
    let garage = input.int("garage", i64::MIN, i64::MAX, true).flatten();
    let (_, review) = write_review(&state, &user, garage, input, false).await?;
    Ok(crate::http::created(
        format!("/api/reviews/{}/", review.id),
        review.to_json(me(&user)),
    ))
}

/// Create or update the caller's review of this garage: 201 new, 200 updated.
#[utoipa::path(post, path = "/{id}/add_review", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")), request_body = Object,
    responses((status = 201, description = "new review"), (status = 200, description = "updated review"), (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn add_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (created, review) = write_review(&state, &user, Some(id), Input::new(body), true).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(review.to_json(me(&user)))).into_response())
}

/// One review.
#[utoipa::path(get, path = "/api/reviews/{id}", tag = "garages", params(("id" = i64, Path, description = "review id")),
    responses((status = 200, description = "the review"), (status = 404, description = "not_found")))]
pub async fn get_review(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Value>> {
    let r = state
        .db
        .read(move |c| repo::find_review(c, id)?.ok_or_else(AppError::not_found))
        .await?;
    Ok(Json(r.to_json(viewer(&user))))
}

async fn update(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<Value> {
    let mut input = Input::new(body);
    let fields = parse(&mut input, full);
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
    Ok(review.to_json(me(user)))
}

/// Replace a review (author or admin).
#[utoipa::path(put, path = "/api/reviews/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "review id")), request_body = Object,
    responses((status = 200, description = "the review"), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(update(&state, &user, id, body, true).await?))
}

/// Update a review (author or admin).
#[utoipa::path(patch, path = "/api/reviews/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "review id")), request_body = Object,
    responses((status = 200, description = "the review"), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Value>> {
    Ok(Json(update(&state, &user, id, body, false).await?))
}

/// Delete a review (author or admin).
#[utoipa::path(delete, path = "/api/reviews/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "review id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn delete_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    state
        .db
        .write(move |tx| {
            let current = repo::find_review(tx, id)?.ok_or_else(AppError::not_found)?;
            if current.user_id != user.id && !user.is_staff {
                return Err(AppError::permission_denied());
            }
            repo::delete_review(tx, id)?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
