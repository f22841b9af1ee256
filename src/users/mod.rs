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
pub mod signups;
pub mod tokens;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handlers::register))
        .routes(routes!(handlers::login))
        .routes(routes!(handlers::verify_otp))
        .routes(routes!(handlers::resend_otp))
        .routes(routes!(handlers::refresh))
        .routes(routes!(handlers::logout))
        .routes(routes!(
            handlers::get_me,
            handlers::put_me,
            handlers::patch_me
        ))
        .routes(routes!(handlers::confirm_email_change))
        .routes(routes!(handlers::change_password))
        .routes(routes!(handlers::forgot_password))
        .routes(routes!(handlers::validate_reset_token))
        .routes(routes!(handlers::reset_password))
        .routes(routes!(
            handlers::list_sessions,
            handlers::revoke_other_sessions
        ))
        .routes(routes!(handlers::revoke_session))
}

/// The same endpoints under `/api/users/` and `/api/auth/`; refresh also as `/api/token/refresh/`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .nest("/api/users", routes())
        .nest("/api/auth", routes())
        .nest(
            "/api/token",
            OpenApiRouter::new().routes(routes!(handlers::refresh)),
        )
}

/// What an answer says about the mail it caused: with no SMTP server configured nothing is sent, and the answer
/// must not claim it was. The mail waits in the outbox, where the operator reads it (`autotrack outbox show`).
fn mail_words(
    state: &AppState,
    sent: crate::i18n::Tr,
    waiting: crate::i18n::Tr,
) -> crate::i18n::Tr {
    if state.mailer.is_some() {
        sent
    } else {
        waiting
    }
}
