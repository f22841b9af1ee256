//! Thin handlers for the garage directory and its reviews. Paths of the garage operations are relative: the
//! router nests them under `/api/garages` and `/api/recommended`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::filters::{GarageFilter, NearbyParams, ReviewFilter, SpecialtyParams, TopRatedParams};
use super::model::{Garage, GarageCreate, GarageDetail, GarageInput, Viewer};
use super::review_model::{Review, ReviewBody, ReviewCreate, ReviewInput};
use super::{reviews, service};
use crate::app::AppState;
use crate::auth::extract::MaybeAuthUser;
use crate::auth::{AdminUser, AuthUser};
use crate::error::AppResult;
use crate::http::extract::{JsonBody, PathId, QueryMap};
use crate::http::list::{List, ListFilter, ListParams, Page};

/// The directory. `ordering`: `name`, `average_rating`, `total_reviews`, `created_at`, and `distance` with `near`
/// (default `-average_rating,name`, or `distance` with `near`); `search`: name, address, city, specialties.
#[utoipa::path(get, path = "/", tag = "garages", params(GarageFilter, ListParams),
    responses((status = 200, body = Page<Garage>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_garages(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    list: List<GarageFilter>,
) -> AppResult<Json<Page<Garage>>> {
    let viewer = Viewer::of(user.as_ref());
    Ok(Json(service::list(&state, viewer, list).await?))
}

/// Create a garage (admin).
#[utoipa::path(post, path = "/", tag = "garages", security(("bearer" = [])), request_body = GarageCreate,
    responses((status = 201, body = GarageDetail), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied")))]
pub async fn create_garage(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (id, v) = service::save(&state, None, body, true, Viewer::of(Some(&admin))).await?;
    Ok(crate::http::created(format!("/api/garages/{id}/"), v))
}

/// Garages with at least 3 reviews, best rated first (then by name).
#[utoipa::path(get, path = "/top_rated", tag = "garages", params(TopRatedParams),
    responses((status = 200, body = Vec<Garage>), (status = 400, description = "validation_error")))]
pub async fn top_rated(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<Garage>>> {
    let params = TopRatedParams::from_query(&query)?;
    let viewer = Viewer::of(user.as_ref());
    Ok(Json(service::top_rated(&state, viewer, params).await?))
}

/// Garages within `radius` km of `lat`,`lng`, nearest first, each with its `distance_km`.
#[utoipa::path(get, path = "/search_nearby", tag = "garages", params(NearbyParams),
    responses((status = 200, body = Vec<Garage>), (status = 400, description = "validation_error")))]
pub async fn search_nearby(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<Garage>>> {
    let params = NearbyParams::from_query(&query)?;
    let viewer = Viewer::of(user.as_ref());
    Ok(Json(service::search_nearby(&state, viewer, params).await?))
}

/// Garages with a specialty, best rated first (the one garage read that needs a token).
#[utoipa::path(get, path = "/by_specialty", tag = "garages", security(("bearer" = [])), params(SpecialtyParams),
    responses((status = 200, body = Vec<Garage>)))]
pub async fn by_specialty(
    State(state): State<AppState>,
    user: AuthUser,
    QueryMap(query): QueryMap,
) -> AppResult<Json<Vec<Garage>>> {
    let params = SpecialtyParams::from_query(&query)?;
    let viewer = Viewer::of(Some(&user));
    Ok(Json(service::by_specialty(&state, viewer, params).await?))
}

/// One garage with all its reviews.
#[utoipa::path(get, path = "/{id}", tag = "garages", params(("id" = i64, Path, description = "garage id")),
    responses((status = 200, body = GarageDetail), (status = 404, description = "not_found")))]
pub async fn get_garage(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    PathId(id): PathId,
) -> AppResult<Json<GarageDetail>> {
    Ok(Json(
        service::get(&state, Viewer::of(user.as_ref()), id).await?,
    ))
}

/// Replace a garage (admin).
#[utoipa::path(put, path = "/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")), request_body = GarageCreate,
    responses((status = 200, body = GarageDetail), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_garage(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<GarageDetail>> {
    let viewer = Viewer::of(Some(&admin));
    Ok(Json(
        service::save(&state, Some(id), body, true, viewer).await?.1,
    ))
}

/// Update a garage (admin).
#[utoipa::path(patch, path = "/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")), request_body = GarageInput,
    responses((status = 200, body = GarageDetail), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_garage(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<GarageDetail>> {
    let viewer = Viewer::of(Some(&admin));
    Ok(Json(
        service::save(&state, Some(id), body, false, viewer)
            .await?
            .1,
    ))
}

/// Delete a garage with its reviews (admin).
#[utoipa::path(delete, path = "/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn delete_garage(
    State(state): State<AppState>,
    _a: AdminUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    service::delete(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create or update the caller's review of this garage: 201 new, 200 updated.
#[utoipa::path(post, path = "/{id}/add_review", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "garage id")), request_body = ReviewBody,
    responses((status = 201, description = "new review", body = Review), (status = 200, description = "updated review", body = Review),
        (status = 400, description = "validation_error"), (status = 404, description = "not_found")))]
pub async fn add_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let (status, review) = reviews::upsert(&state, &user, id, body).await?;
    Ok((status, Json(review)).into_response())
}

/// Reviews. `ordering`: `rating`, `created_at` (default `-created_at`); no search.
#[utoipa::path(get, path = "/api/reviews", tag = "garages", params(ReviewFilter, ListParams),
    responses((status = 200, body = Page<Review>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_reviews(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    list: List<ReviewFilter>,
) -> AppResult<Json<Page<Review>>> {
    Ok(Json(
        reviews::list(&state, Viewer::of(user.as_ref()), list).await?,
    ))
}

/// Review a garage (one review per user and garage).
#[utoipa::path(post, path = "/api/reviews", tag = "garages", security(("bearer" = [])), request_body = ReviewCreate,
    responses((status = 201, body = Review), (status = 400, description = "validation_error or already_reviewed (with `review_id`)")))]
pub async fn create_review(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let review = reviews::create(&state, &user, body).await?;
    Ok(crate::http::created(
        format!("/api/reviews/{}/", review.id),
        review,
    ))
}

/// One review.
#[utoipa::path(get, path = "/api/reviews/{id}", tag = "garages", params(("id" = i64, Path, description = "review id")),
    responses((status = 200, body = Review), (status = 404, description = "not_found")))]
pub async fn get_review(
    State(state): State<AppState>,
    MaybeAuthUser(user): MaybeAuthUser,
    PathId(id): PathId,
) -> AppResult<Json<Review>> {
    Ok(Json(
        reviews::get(&state, Viewer::of(user.as_ref()), id).await?,
    ))
}

/// Replace a review (author or admin).
#[utoipa::path(put, path = "/api/reviews/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "review id")), request_body = ReviewBody,
    responses((status = 200, body = Review), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn put_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Review>> {
    Ok(Json(reviews::update(&state, &user, id, body, true).await?))
}

/// Update a review (author or admin).
#[utoipa::path(patch, path = "/api/reviews/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "review id")), request_body = ReviewInput,
    responses((status = 200, body = Review), (status = 400, description = "validation_error"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn patch_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Review>> {
    Ok(Json(reviews::update(&state, &user, id, body, false).await?))
}

/// Delete a review (author or admin).
#[utoipa::path(delete, path = "/api/reviews/{id}", tag = "garages", security(("bearer" = [])), params(("id" = i64, Path, description = "review id")),
    responses((status = 204, description = "deleted"), (status = 403, description = "permission_denied"), (status = 404, description = "not_found")))]
pub async fn delete_review(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    reviews::delete(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
