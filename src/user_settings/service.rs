//! Settings rules: validation of every field, the second-factor switch of the `optional` policy, reset.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::model::{self, SettingsRow, is_currency};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::config::OtpPolicy;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::list::{PageRequest, envelope};
use crate::http::validate::Input;
use crate::i18n::Tr;

pub async fn mine(state: &AppState, user: &AuthUser) -> AppResult<SettingsRow> {
    let (uid, now) = (user.id, ts(state.clock.now()));
    state
        .db
        .write(move |tx| Ok(repo::get_or_create(tx, uid, &now)?))
        .await
}

/// `GET /api/settings/`: an envelope holding the caller's one row.
pub async fn list(
    state: &AppState,
    user: &AuthUser,
    query: HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
    let row = mine(state, user).await?;
    let results = if page.page == 1 {
        vec![row.to_json(state.config.otp_policy)]
    } else {
        vec![]
    };
    envelope(1, results, page, &state.public_url, &path, &query)
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
) -> AppResult<Value> {
    let current = match id {
        Some(id) => by_id(state, user, id).await?,
        None => mine(state, user).await?,
    };
    let mut input = Input::new(body);
    let mut s = current.clone();
    if let Some(v) = input.opt_choice("language", model::LANGUAGES) {
        s.language = v;
    }
    if let Some(v) = input.opt_choice("theme", model::THEMES) {
        s.theme = v;
    }
    if let Some(v) = input.opt_choice("units", model::UNITS) {
        s.units = v;
    }
    if let Some(Some(tz)) = input.opt_text("timezone", 50) {
        if tz.parse::<chrono_tz::Tz>().is_ok() {
            s.timezone = tz;
        } else {
            input.error(
                "timezone",
                Tr::new("Unknown time zone.", "Fuseau horaire inconnu."),
            );
        }
    }
    if let Some(Some(c)) = input.opt_text("currency", 3) {
        if is_currency(&c) {
            s.currency = c;
        } else {
            input.error(
                "currency",
                Tr::new(
                    "Enter a valid ISO 4217 currency code.",
                    "Saisissez un code de devise ISO 4217 valide.",
                ),
            );
        }
    }
    for (name, field) in [
        ("email_notifications", &mut s.email_notifications),
        ("push_notifications", &mut s.push_notifications),
        ("maintenance_reminders", &mut s.maintenance_reminders),
        ("subscription_alerts", &mut s.subscription_alerts),
        ("profile_public", &mut s.profile_public),
    ] {
        if input.has(name)
            && let Some(v) = input.bool(name)
        {
            *field = v;
        }
    }
    if input.has("custom_settings")
        && let Some(obj) = input.object("custom_settings", 16 * 1024)
    {
        s.custom_settings = Value::Object(obj);
    }
    if state.config.otp_policy == OtpPolicy::Optional
        && input.has("otp_enabled")
        && let Some(wanted) = input.bool("otp_enabled")
    {
        otp_switch(state, user, &mut input, &current, wanted).await?;
        s.otp_enabled = wanted;
    }
    input.finish()?;
    let now = ts(state.clock.now());
    let saved = s.clone();
    state
        .db
        .write(move |tx| Ok(repo::save(tx, &saved, &now)?))
        .await?;
    let after = mine(state, user).await?;
    Ok(after.to_json(state.config.otp_policy))
}

/// Turning the second factor on needs a verified email; turning it off needs the current password.
async fn otp_switch(
    state: &AppState,
    user: &AuthUser,
    input: &mut Input,
    current: &SettingsRow,
    wanted: bool,
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
        let ok = match input.opt_secret("current_password") {
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
pub async fn reset(state: &AppState, user: &AuthUser) -> AppResult<Value> {
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
    s.custom_settings = json!({});
    let now = ts(state.clock.now());
    let saved = s.clone();
    state
        .db
        .write(move |tx| Ok(repo::save(tx, &saved, &now)?))
        .await?;
    Ok(mine(state, user).await?.to_json(state.config.otp_policy))
}
