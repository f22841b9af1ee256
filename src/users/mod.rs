//! Accounts and authentication (auth.md): register, login with an email second factor, tokens and sessions,
//! profile and email change, password change and reset.
//!
//! Tables owned: `users`, `sessions`, `otp_codes`, `password_reset_tokens`.
//! Routes: every endpoint under both `/api/users/` and `/api/auth/`, plus `POST /api/token/refresh/`.

pub mod handlers;
pub mod jobs;
pub mod login;
pub mod model;
pub mod passwords;
pub mod profile;
pub mod register;
pub mod repo;
pub mod service;
pub mod sessions;
pub mod tokens;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::app::AppState;

fn routes() -> Router<AppState> {
    Router::new()
        .route("/register", post(handlers::register))
        .route("/login", post(handlers::login))
        .route("/verify-otp", post(handlers::verify_otp))
        .route("/resend-otp", post(handlers::resend_otp))
        .route("/refresh", post(handlers::refresh))
        .route("/logout", post(handlers::logout))
        .route(
            "/me",
            get(handlers::get_me)
                .put(handlers::put_me)
                .patch(handlers::patch_me),
        )
        .route(
            "/confirm-email-change",
            post(handlers::confirm_email_change),
        )
        .route("/change-password", post(handlers::change_password))
        .route("/forgot-password", post(handlers::forgot_password))
        .route(
            "/validate-reset-token",
            post(handlers::validate_reset_token),
        )
        .route("/reset-password", post(handlers::reset_password))
        .route(
            "/sessions",
            get(handlers::list_sessions).delete(handlers::revoke_other_sessions),
        )
        .route("/sessions/{id}", delete(handlers::revoke_session))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .nest("/api/users", routes())
        .nest("/api/auth", routes())
        .route("/api/token/refresh", post(handlers::refresh))
}
