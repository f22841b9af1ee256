//! Who may register (auth.md §6, `AUTOTRACK_SIGNUPS`): the check `register` makes, and the invitations an admin
//! creates for the `invite` policy. Accounts created by an admin (`create-user`) are not subject to it.

use chrono::{DateTime, Utc};

use super::repo;
use crate::app::AppState;
use crate::auth::secrets;
use crate::config::SignupPolicy;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::validate::is_valid_email;

/// The same answer for every refused case, so that it tells nothing about invitations or domains.
pub fn closed() -> AppError {
    AppError::new(Code::RegistrationClosed)
}

/// Whether `email` (validated, lower-case) may register now. In `invite` mode the answer is the invitation to
/// consume in the registration's transaction (`repo::use_invitation`).
pub async fn admit(
    state: &AppState,
    email: &str,
    invite_code: Option<&str>,
) -> AppResult<Option<i64>> {
    match &state.config.signups {
        SignupPolicy::Open => Ok(None),
        SignupPolicy::Closed => Err(closed()),
        SignupPolicy::Domains(allowed) => {
            let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
            if allowed.iter().any(|a| a == domain) {
                Ok(None)
            } else {
                Err(closed())
            }
        }
        SignupPolicy::Invite => {
            let Some(code) = invite_code.map(str::trim).filter(|c| !c.is_empty()) else {
                return Err(closed());
            };
            let (email, hash, now) = (
                email.to_owned(),
                secrets::sha256_hex(code),
                ts(state.clock.now()),
            );
            let found = state
                .db
                .read(move |c| Ok(repo::live_invitation(c, &email, &hash, &now)?))
                .await?;
            found.map(Some).ok_or_else(closed)
        }
    }
}

/// A new single-use invitation for `email`, valid `days` days: the code to hand over (only its hash is kept).
pub async fn invite(
    state: &AppState,
    email: &str,
    days: i64,
) -> anyhow::Result<(String, DateTime<Utc>)> {
    let email = email.trim().to_lowercase();
    if !is_valid_email(&email) {
        anyhow::bail!("{email:?} is not a valid email address");
    }
    let code = secrets::new_reset_token();
    let now = state.clock.now();
    let expires = now + chrono::Duration::days(days);
    let hash = secrets::sha256_hex(&code);
    state
        .db
        .write(move |tx| {
            Ok(repo::insert_invitation(
                tx,
                &email,
                &hash,
                &ts(now),
                &ts(expires),
            )?)
        })
        .await?;
    Ok((code, expires))
}
