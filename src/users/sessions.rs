//! The caller's sessions: list, revoke one, revoke the others (auth.md §12).

use super::model::{Session, SessionsRevoked};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};

pub async fn list_sessions(
    state: &AppState,
    user: &AuthUser,
    list: List<()>,
) -> AppResult<Page<Session>> {
    let page = list.query.page;
    let (uid, now) = (user.id, ts(state.clock.now()));
    let (count, rows) = state
        .db
        .read(move |c| {
            let count = repo::count_active_sessions(c, uid, &now)?;
            let rows = repo::list_active_sessions(c, uid, &now, page.page_size, page.offset())?;
            Ok((count, rows))
        })
        .await?;
    let results = rows
        .iter()
        .map(|s| Session::from_row(s, user.session_id))
        .collect();
    list.page(count, results)
}

pub async fn revoke_session(state: &AppState, user: &AuthUser, id: i64) -> AppResult<()> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    let revoked = state
        .db
        .write(move |tx| match repo::find_session(tx, id)? {
            Some(s) if s.user_id == uid && s.revoked_at.is_none() && s.expires_at > now => {
                Ok(repo::revoke_session(tx, id, "user_revoked", &now)?)
            }
            _ => Ok(false),
        })
        .await?;
    if !revoked {
        return Err(AppError::not_found());
    }
    tracing::info!(user_id = uid, session_id = id, "session revoked");
    Ok(())
}

pub async fn revoke_other_sessions(
    state: &AppState,
    user: &AuthUser,
) -> AppResult<SessionsRevoked> {
    let (uid, sid, now) = (user.id, user.session_id, ts(state.clock.now()));
    let n = state
        .db
        .write(move |tx| {
            Ok(repo::revoke_user_sessions(
                tx,
                uid,
                "user_revoked",
                &now,
                Some(sid),
            )?)
        })
        .await?;
    tracing::info!(user_id = uid, revoked = n, "other sessions revoked");
    Ok(SessionsRevoked {
        revoked: i64::try_from(n).unwrap_or(i64::MAX),
    })
}
