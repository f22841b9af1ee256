//! Thin handlers for the account endpoints: extract, call the service, answer.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::model::*;
use super::{passwords, service};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::http::Message;
use crate::http::context::ReqLang;
use crate::http::extract::{ClientIp, JsonBody, PathId, UserAgent};
use crate::http::list::{List, ListParams, Page};

fn client(ip: ClientIp, ua: UserAgent) -> service::Client {
    service::Client {
        ip: ip.0.to_string(),
        user_agent: ua.0,
    }
}

/// Create the account; mails a welcome and a verification code.
#[utoipa::path(post, path = "/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, description = "Registered: a code was mailed, or (OTP policy off) signed in", body = Registered),
        (status = 400, description = "validation_error"),
        (status = 403, description = "registration_closed: AUTOTRACK_SIGNUPS refuses this registration"),
        (status = 429, description = "throttled")))]
pub async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    ua: UserAgent,
    ReqLang(lang): ReqLang,
    JsonBody(body): JsonBody,
) -> AppResult<Response> {
    let out = super::register::register(&state, body, client(ip, ua), lang).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// Check the password; mails a code (second factor) or returns tokens.
#[utoipa::path(post, path = "/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, description = "A code was mailed, or signed in", body = LoggedIn),
        (status = 401, description = "invalid_credentials"), (status = 429, description = "throttled or otp_locked")))]
pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    ua: UserAgent,
    ReqLang(lang): ReqLang,
    JsonBody(body): JsonBody,
) -> AppResult<Json<LoggedIn>> {
    Ok(Json(
        super::login::login(&state, body, client(ip, ua), lang).await?,
    ))
}

/// Redeem a code: user, tokens and a new session.
#[utoipa::path(post, path = "/verify-otp", tag = "auth", request_body = VerifyOtpRequest,
    responses((status = 200, body = OtpVerified), (status = 400, description = "otp_invalid or validation_error"),
        (status = 429, description = "otp_locked or throttled")))]
pub async fn verify_otp(
    State(state): State<AppState>,
    ip: ClientIp,
    ua: UserAgent,
    JsonBody(body): JsonBody,
) -> AppResult<Json<OtpVerified>> {
    Ok(Json(
        super::login::verify_otp(&state, body, client(ip, ua)).await?,
    ))
}

/// New code for a pending challenge (same answer whatever the email).
#[utoipa::path(post, path = "/resend-otp", tag = "auth", request_body = EmailRequest,
    responses((status = 200, body = Message), (status = 429, description = "throttled")))]
pub async fn resend_otp(
    State(state): State<AppState>,
    ip: ClientIp,
    ua: UserAgent,
    ReqLang(lang): ReqLang,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Message>> {
    Ok(Json(
        super::login::resend_otp(&state, body, client(ip, ua), lang).await?,
    ))
}

/// Rotate the refresh token.
#[utoipa::path(post, path = "/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = Tokens),
        (status = 401, description = "token_invalid, token_expired, token_revoked, token_reused or account_disabled")))]
pub async fn refresh(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Tokens>> {
    Ok(Json(super::tokens::refresh(&state, body).await?))
}

/// Revoke the current session (and another one given by its refresh token).
#[utoipa::path(post, path = "/logout", tag = "auth", request_body = LogoutRequest, security(("bearer" = [])),
    responses((status = 200, body = Message)))]
pub async fn logout(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Message>> {
    Ok(Json(super::tokens::logout(&state, &user, body).await?))
}

/// The caller's profile.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = User)))]
pub async fn get_me(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<User>> {
    Ok(Json(super::profile::me(&state, &user).await?))
}

/// Full update of the profile (email, first_name, last_name required).
#[utoipa::path(put, path = "/me", tag = "auth", request_body = ProfileReplace, security(("bearer" = [])),
    responses((status = 200, body = User), (status = 400, description = "validation_error")))]
pub async fn put_me(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<User>> {
    Ok(Json(
        super::profile::update_me(&state, &user, body, true).await?,
    ))
}

/// Partial update of the profile; a new email waits for its code.
#[utoipa::path(patch, path = "/me", tag = "auth", request_body = ProfileRequest, security(("bearer" = [])),
    responses((status = 200, body = User), (status = 400, description = "validation_error")))]
pub async fn patch_me(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBody(body): JsonBody,
) -> AppResult<Json<User>> {
    Ok(Json(
        super::profile::update_me(&state, &user, body, false).await?,
    ))
}

/// Confirm a new email address with its code.
#[utoipa::path(post, path = "/confirm-email-change", tag = "auth", request_body = OtpCodeRequest, security(("bearer" = [])),
    responses((status = 200, body = User), (status = 400, description = "otp_invalid or validation_error"), (status = 429, description = "otp_locked")))]
pub async fn confirm_email_change(
    State(state): State<AppState>,
    user: AuthUser,
    ip: ClientIp,
    ua: UserAgent,
    JsonBody(body): JsonBody,
) -> AppResult<Json<User>> {
    Ok(Json(
        super::profile::confirm_email_change(&state, &user, body, client(ip, ua)).await?,
    ))
}

/// Change the password; every session is revoked and a new one opened for the caller.
#[utoipa::path(post, path = "/change-password", tag = "auth", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses((status = 200, body = PasswordChanged), (status = 400, description = "validation_error")))]
pub async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    ip: ClientIp,
    ua: UserAgent,
    JsonBody(body): JsonBody,
) -> AppResult<Json<PasswordChanged>> {
    Ok(Json(
        passwords::change_password(&state, &user, body, client(ip, ua)).await?,
    ))
}

/// Mail a reset link (same answer for every email).
#[utoipa::path(post, path = "/forgot-password", tag = "auth", request_body = EmailRequest,
    responses((status = 200, body = Message), (status = 429, description = "throttled")))]
pub async fn forgot_password(
    State(state): State<AppState>,
    ip: ClientIp,
    ua: UserAgent,
    ReqLang(lang): ReqLang,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Message>> {
    Ok(Json(
        passwords::forgot_password(&state, body, client(ip, ua), lang).await?,
    ))
}

/// Tell whether a reset token is usable.
#[utoipa::path(post, path = "/validate-reset-token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = ResetTokenCheck), (status = 429, description = "throttled")))]
pub async fn validate_reset_token(
    State(state): State<AppState>,
    ip: ClientIp,
    ua: UserAgent,
    ReqLang(lang): ReqLang,
    JsonBody(body): JsonBody,
) -> AppResult<Json<ResetTokenCheck>> {
    Ok(Json(
        passwords::validate_reset_token(&state, body, client(ip, ua), lang).await?,
    ))
}

/// Set a new password with a reset token.
#[utoipa::path(post, path = "/reset-password", tag = "auth", request_body = ResetPasswordRequest,
    responses((status = 200, body = Message), (status = 400, description = "invalid_reset_token or validation_error")))]
pub async fn reset_password(
    State(state): State<AppState>,
    ip: ClientIp,
    ua: UserAgent,
    ReqLang(lang): ReqLang,
    JsonBody(body): JsonBody,
) -> AppResult<Json<Message>> {
    Ok(Json(
        passwords::reset_password(&state, body, client(ip, ua), lang).await?,
    ))
}

/// The caller's active sessions, newest first (paginated).
#[utoipa::path(get, path = "/sessions", tag = "auth", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, body = Page<Session>), (status = 400, description = "validation_error"), (status = 404, description = "invalid_page")))]
pub async fn list_sessions(
    State(state): State<AppState>,
    user: AuthUser,
    list: List<()>,
) -> AppResult<Json<Page<Session>>> {
    Ok(Json(
        super::sessions::list_sessions(&state, &user, list).await?,
    ))
}

/// Revoke every active session except the current one.
#[utoipa::path(delete, path = "/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SessionsRevoked)))]
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    user: AuthUser,
) -> AppResult<Json<SessionsRevoked>> {
    Ok(Json(
        super::sessions::revoke_other_sessions(&state, &user).await?,
    ))
}

/// Revoke one of the caller's sessions.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "session id")),
    responses((status = 204, description = "revoked"), (status = 404, description = "not_found")))]
pub async fn revoke_session(
    State(state): State<AppState>,
    user: AuthUser,
    PathId(id): PathId,
) -> AppResult<StatusCode> {
    super::sessions::revoke_session(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
