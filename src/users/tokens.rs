//! Refresh-token rotation with reuse detection, and logout (auth.md §4, §8, §9).

use serde_json::{Map, Value};

use super::model::Tokens;
use super::repo;
use super::service::*;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::jwt::{TokenError, TokenType};
use crate::auth::secrets;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::Message;
use crate::http::validate::Input;
use crate::i18n::Tr;

enum RefreshOutcome {
    Rotated(String, i64),
    Fail(Code),
}

pub async fn refresh(state: &AppState, body: Map<String, Value>) -> AppResult<Tokens> {
    let mut input = Input::new(body);
    let token = input.secret("refresh");
    input.finish()?;
    let token = token.unwrap_or_default();
    let now = state.clock.now();
    let claims = state
        .jwt
        .decode(&token, TokenType::Refresh, now)
        .map_err(|e| match e {
            TokenError::Invalid => AppError::unauthorized(Code::TokenInvalid, true),
            TokenError::Expired => AppError::unauthorized(Code::TokenExpired, true),
        })?;
    let user_id = claims.user_id().unwrap_or(0);
    let (sid, tv, jti) = (claims.sid, claims.tv, claims.jti.clone());
    let ttl = state.config.refresh_token_ttl;
    let outcome = state
        .db
        .write(move |tx| {
            let (Some(user), Some(session)) =
                (repo::find(tx, user_id)?, repo::find_session(tx, sid)?)
            else {
                return Ok(RefreshOutcome::Fail(Code::TokenInvalid));
            };
            if session.user_id != user.id {
                return Ok(RefreshOutcome::Fail(Code::TokenInvalid));
            }
            let now_s = ts(now);
            if session.revoked_at.is_some()
                || session.expires_at <= now_s
                || user.token_version != tv
            {
                return Ok(RefreshOutcome::Fail(Code::TokenRevoked));
            }
            if !user.is_active {
                return Ok(RefreshOutcome::Fail(Code::AccountDisabled));
            }
            if session.refresh_jti != jti {
                repo::revoke_session(tx, sid, "token_reuse", &now_s)?;
                tracing::warn!(
                    user_id,
                    session_id = sid,
                    "refresh token reuse: session revoked"
                );
                return Ok(RefreshOutcome::Fail(Code::TokenReused));
            }
            let new_jti = secrets::new_jti();
            if !repo::rotate_session(tx, sid, &jti, &new_jti, &now_s, &ts(now + ttl))? {
                return Ok(RefreshOutcome::Fail(Code::TokenReused));
            }
            Ok(RefreshOutcome::Rotated(new_jti, user.token_version))
        })
        .await?;
    match outcome {
        RefreshOutcome::Rotated(new_jti, tv) => {
            let t = tokens(state, user_id, sid, tv, &new_jti, now)?;
            Ok(t)
        }
        RefreshOutcome::Fail(code) => Err(AppError::unauthorized(code, true)),
    }
}

pub async fn logout(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<Message> {
    let input = Input::new(body);
    let now = state.clock.now();
    // A valid refresh token of another session of the same user closes that one too; anything else is ignored.
    let other = input
        .opt_secret("refresh")
        .and_then(|t| state.jwt.decode(&t, TokenType::Refresh, now).ok())
        .filter(|c| c.user_id() == Some(user.id) && c.sid != user.session_id)
        .map(|c| c.sid);
    let (uid, sid) = (user.id, user.session_id);
    state
        .db
        .write(move |tx| {
            repo::revoke_session(tx, sid, "logout", &ts(now))?;
            if let Some(other) = other
                && repo::find_session(tx, other)?.is_some_and(|s| s.user_id == uid)
            {
                repo::revoke_session(tx, other, "logout", &ts(now))?;
            }
            Ok(())
        })
        .await?;
    tracing::info!(user_id = uid, session_id = sid, "logout");
    Ok(Message::new(
        Tr::new("Successfully logged out", "Déconnexion réussie").get(user.lang),
    ))
}
