//! `AuthUser` (and `MaybeAuthUser`, `AdminUser`): the bearer access token checked against the database on every
//! request (README §4, auth.md §4), or against the same check remembered since the last write (token_cache.rs).
//! Spans record the user id, never the token.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::auth::jwt::{TokenError, TokenType};
use crate::error::{AppError, Code};
use crate::http::context::RequestContext;
use crate::i18n::Lang;
use crate::users::repo::TokenCheck;

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub session_id: i64,
    pub is_staff: bool,
    pub lang: Lang,
}

/// For public endpoints: no header is fine, a bad token is still 401 (README §4).
pub struct MaybeAuthUser(pub Option<AuthUser>);

/// An authenticated admin (`is_staff`); others get 403 `permission_denied`.
pub struct AdminUser(pub AuthUser);

/// For endpoints that ignore credentials but tell admins more (health): true when a valid admin token came with
/// the request; a missing or bad token is simply not an admin, never an error.
pub struct CallerIsAdmin(pub bool);

fn bearer(parts: &Parts) -> Option<Result<String, AppError>> {
    let value = parts.headers.get(header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    Some(token.ok_or_else(|| AppError::unauthorized(Code::TokenInvalid, true)))
}

async fn authenticate(
    parts: &Parts,
    state: &AppState,
    token: String,
) -> Result<AuthUser, AppError> {
    let claims = state
        .jwt
        .decode(&token, TokenType::Access, state.clock.now())
        .map_err(|e| match e {
            TokenError::Invalid => AppError::unauthorized(Code::TokenInvalid, true),
            TokenError::Expired => AppError::unauthorized(Code::TokenExpired, true),
        })?;
    let user_id = claims
        .user_id()
        .ok_or_else(|| AppError::unauthorized(Code::TokenInvalid, true))?;
    let sid = claims.sid;
    let generation = state.db.generation();
    let user = match state.token_cache.get(user_id, sid, generation) {
        Some(user) => user,
        None => {
            let check = state
                .db
                .read(move |c| Ok(crate::users::repo::token_check(c, user_id, sid)?))
                .await?;
            match check {
                TokenCheck::UnknownUserOrSession => {
                    return Err(AppError::unauthorized(Code::TokenInvalid, true));
                }
                TokenCheck::Disabled => {
                    return Err(AppError::unauthorized(Code::AccountDisabled, true));
                }
                TokenCheck::Active(u) => {
                    state.token_cache.put(user_id, sid, generation, u.clone());
                    u
                }
            }
        }
    };
    let now = crate::db::ts(state.clock.now());
    if user.token_version != claims.tv || !user.session_live(&now) {
        return Err(AppError::unauthorized(Code::TokenRevoked, true));
    }
    let lang = Lang::from_setting(&user.language);
    if let Some(ctx) = parts.extensions.get::<RequestContext>() {
        ctx.set_lang(lang);
    }
    tracing::Span::current().record("user_id", user_id);
    Ok(AuthUser {
        id: user_id,
        session_id: sid,
        is_staff: user.is_staff,
        lang,
    })
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match bearer(parts) {
            None => Err(AppError::unauthorized(Code::NotAuthenticated, false)),
            Some(token) => authenticate(parts, state, token?).await,
        }
    }
}

impl FromRequestParts<AppState> for CallerIsAdmin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let admin = match bearer(parts) {
            Some(Ok(token)) => authenticate(parts, state, token)
                .await
                .is_ok_and(|u| u.is_staff),
            _ => false,
        };
        Ok(CallerIsAdmin(admin))
    }
}

impl FromRequestParts<AppState> for MaybeAuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match bearer(parts) {
            None => Ok(MaybeAuthUser(None)),
            Some(token) => Ok(MaybeAuthUser(Some(
                authenticate(parts, state, token?).await?,
            ))),
        }
    }
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.is_staff {
            Ok(AdminUser(user))
        } else {
            Err(AppError::permission_denied())
        }
    }
}
