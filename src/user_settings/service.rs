//! Settings rules: validation of every field, the second-factor switch of the `optional` policy, reset.

use serde_json::{Map, Value};

use super::model::{self, Settings, SettingsRow};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::config::OtpPolicy;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{List, Page};
use crate::http::validate::Input;
use crate::i18n::Tr;

pub async fn mine(state: &AppState, user: &AuthUser) -> AppResult<SettingsRow> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| Ok(repo::get_or_create(tx, uid, &now)?))
        .await
}

/// `GET /api/settings/`: a page holding the caller's one row.
pub async fn list(state: &AppState, user: &AuthUser, list: List<()>) -> AppResult<Page<Settings>> {
    let row = mine(state, user).await?;
    let results = if list.query.page.page == 1 {
        vec![row.into_dto(state.config.otp_policy)]
    } else {
        vec![]
    };
    list.page(1, results)
}

/// The caller's row by id: another user's id is 404.
pub async fn by_id(state: &AppState, user: &AuthUser, id: i64) -> AppResult<SettingsRow> {
    let row = mine(state, user).await?;
    if row.id == id {
        Ok(row)
    } else {
        Err(AppError::not_found())
    }
}

/// PUT and PATCH alike: every field has a default, so missing fields stay as they are.
pub async fn update(
    state: &AppState,
    user: &AuthUser,
    id: Option<i64>,
    body: Map<String, Value>,
) -> AppResult<Settings> {
    let current = match id {
        Some(id) => by_id(state, user, id).await?,
        None => mine(state, user).await?,
    };
    let otp_choice = state.config.otp_policy == OtpPolicy::Optional;
    let (mut input, mut fields) = model::parse(body, otp_choice);
    if let Some(wanted) = fields.otp_enabled {
        let password = fields.current_password.take();
        otp_switch(state, user, &mut input, &current, wanted, password).await?;
    }
    input.finish()?;
    let now = ts(state.clock.now());
    let saved = model::merge(current, fields);
    state
        .db
        .write(move |tx| Ok(repo::save(tx, &saved, &now)?))
        .await?;
    let after = mine(state, user).await?;
    Ok(after.into_dto(state.config.otp_policy))
}

/// Turning the second factor on needs a verified email; turning it off needs the current password.
async fn otp_switch(
    state: &AppState,
    user: &AuthUser,
    input: &mut Input,
    current: &SettingsRow,
    wanted: bool,
    password: Option<String>,
) -> AppResult<()> {
    if wanted == current.otp_enabled {
        return Ok(());
    }
    let uid = user.id;
    let account = state
        .db
        .read(move |c| crate::users::repo::find(c, uid)?.ok_or_else(AppError::not_found))
        .await?;
    if wanted && !account.email_verified {
        input.error(
            "otp_enabled",
            Tr::new(
                "Verify your email address before enabling two-factor login.",
                "Vérifiez votre adresse e-mail avant d'activer la double authentification.",
            ),
        );
    }
    if !wanted {
        let ok = match password {
            Some(p) => {
                crate::users::passwords::verify_current(state, user.id, p, account.password_hash)
                    .await?
            }
            None => false,
        };
        if !ok {
            input.error(
                "current_password",
                Tr::new("Invalid password.", "Mot de passe incorrect."),
            );
        }
    }
    Ok(())
}

/// Back to the defaults, except `otp_enabled`.
pub async fn reset(state: &AppState, user: &AuthUser) -> AppResult<Settings> {
    let mut s = mine(state, user).await?;
    s.language = "en".into();
    s.theme = "auto".into();
    s.timezone = "UTC".into();
    s.units = "km".into();
    s.currency = "EUR".into();
    s.email_notifications = true;
    s.push_notifications = true;
    s.maintenance_reminders = true;
    s.subscription_alerts = true;
    s.profile_public = false;
    s.custom_settings = Value::Object(Map::new());
    let now = ts(state.clock.now());
    let saved = s.clone();
    state
        .db
        .write(move |tx| Ok(repo::save(tx, &saved, &now)?))
        .await?;
    Ok(mine(state, user).await?.into_dto(state.config.otp_policy))
}
