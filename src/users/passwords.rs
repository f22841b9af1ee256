//! Password change and the reset-by-mail flow (auth.md §10, §11), plus account creation by an operator.

use serde_json::{Map, Value, json};

use super::model::{PasswordChanged, ResetTokenCheck};
use super::repo;
use super::service::{Client, check_password, open_session, throttle, tokens};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::secrets;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::Message;
use crate::http::throttle::Scope;
use crate::http::validate::{Input, is_valid_email};
use crate::i18n::{Lang, Tr};
use crate::mail::outbox::{self, NewMail};

const RESET_VALIDITY_MINUTES: i64 = 60;

fn password_changed_mail<'a>(
    conn: &rusqlite::Connection,
    state: &AppState,
    user: &'a super::model::UserRow,
    ip: &str,
    now: &str,
) -> AppResult<NewMail<'a>> {
    Ok(NewMail {
        user_id: Some(user.id),
        to: &user.email,
        template: "password_changed",
        lang: Lang::from_setting(&crate::user_settings::repo::language(conn, user.id)?),
        context: json!({"user_name": user.mail_name(&user.email), "changed_at": now, "ip_address": ip,
            "forgot_url": format!("{}/auth/forgot-password", state.frontend_url())}),
        expires_at: None,
        dedupe_key: None,
    })
}

/// Checks a signed-in user's own password. Every endpoint that does so takes from one bucket per user
/// (`AUTOTRACK_RATE_PASSWORD_CHANGE`), so that none of them is a way around the others' throttle.
pub async fn verify_current(
    state: &AppState,
    user_id: i64,
    password: String,
    hash: String,
) -> AppResult<bool> {
    state
        .throttles
        .check(Scope::PasswordChange, &[format!("user:{user_id}")])?;
    state.hasher.verify(password, Some(hash)).await
}

pub async fn change_password(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
    client: Client,
) -> AppResult<PasswordChanged> {
    let mut input = Input::new(body);
    let old = input.secret("old_password");
    let new = input.secret("new_password");
    let confirm = input.secret("new_password_confirm");
    let uid = user.id;
    let current = state
        .db
        .read(move |c| repo::find(c, uid)?.ok_or_else(AppError::not_found))
        .await?;
    if let Some(new) = &new {
        check_password(
            &mut input,
            "new_password",
            new,
            confirm.as_deref(),
            &current.email,
        );
    }
    if let Some(old) = &old
        && !verify_current(state, uid, old.clone(), current.password_hash.clone()).await?
    {
        input.error(
            "old_password",
            Tr::new("Invalid old password.", "Ancien mot de passe incorrect."),
        );
    }
    input.finish()?;
    let new = new.ok_or_else(|| AppError::internal(anyhow::anyhow!("validated field missing")))?;
    let hash = state.hasher.hash(new).await?;
    let now = state.clock.now();
    let st = state.clone();
    let (tv, sid, jti) = state
        .db
        .write(move |tx| {
            let now_s = ts(now);
            repo::set_password(tx, uid, &hash, true, &now_s)?;
            repo::revoke_user_sessions(tx, uid, "password_changed", &now_s, None)?;
            let (sid, jti) = open_session(tx, &st, uid, &client, now)?;
            let user = repo::find(tx, uid)?.ok_or_else(AppError::not_found)?;
            outbox::enqueue(
                tx,
                &password_changed_mail(tx, &st, &user, &client.ip, &now_s)?,
                &now_s,
            )?;
            Ok((user.token_version, sid, jti))
        })
        .await?;
    state.kick_mail();
    tracing::info!(user_id = uid, "password changed; every session revoked");
    let t = tokens(state, uid, sid, tv, &jti, now)?;
    Ok(PasswordChanged {
        message: Tr::new(
            "Password changed successfully",
            "Mot de passe modifié avec succès",
        )
        .get(user.lang)
        .to_owned(),
        tokens: t,
    })
}

pub async fn forgot_password(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<Message> {
    let email = super::service::email_only(body)?;
    throttle(state, Scope::PasswordReset, &client, &email)?;
    let now = state.clock.now();
    let st = state.clone();
    let tag = super::service::email_tag(state, &email);
    let queued = state
        .db
        .write(move |tx| {
            let Some(user) = repo::find_by_email(tx, &email)?.filter(|u| u.is_active) else { return Ok(false) };
            let token = secrets::new_reset_token();
            let expires = ts(now + chrono::Duration::minutes(RESET_VALIDITY_MINUTES));
            repo::insert_reset_token(tx, user.id, &secrets::sha256_hex(&token), Some(&client.ip), &ts(now), &expires)?;
            let mail_lang = Lang::from_setting(&crate::user_settings::repo::language(tx, user.id)?);
            let mail = NewMail {
                user_id: Some(user.id),
                to: &user.email,
                template: "password_reset",
                lang: mail_lang,
                context: json!({"user_name": user.mail_name(&user.email),
                    "reset_url": format!("{}/auth/reset-password?token={token}", st.frontend_url()),
                    "expires_in": Tr::new("1 hour", "1 heure").get(mail_lang), "ip_address": client.ip}),
                expires_at: Some(expires),
                dedupe_key: None,
            };
            outbox::enqueue(tx, &mail, &ts(now))?;
            Ok(true)
        })
        .await?;
    if queued {
        state.kick_mail();
    }
    tracing::info!(email_tag = %tag, queued, "password reset requested");
    Ok(Message::new(
        super::mail_words(
            state,
            Tr::new(
                "If your email is registered, you will receive a password reset link.",
                "Si votre adresse est enregistrée, vous recevrez un lien de réinitialisation.",
            ),
            Tr::new(
                "If your email is registered, a reset link was issued, but this server cannot send mail: ask its \
                 administrator for it.",
                "Si votre adresse est enregistrée, un lien de réinitialisation a été émis, mais ce serveur ne peut \
                 pas envoyer de courriel : demandez-le à son administrateur.",
            ),
        )
        .get(lang),
    ))
}

/// The user a reset token belongs to, when it is unused, unexpired and the account active.
async fn reset_token_user(
    state: &AppState,
    token: &str,
) -> AppResult<Option<super::model::UserRow>> {
    let hash = secrets::sha256_hex(token);
    let now = ts(state.clock.now());
    state
        .db
        .read(move |c| {
            let Some(t) = repo::find_reset_token(c, &hash)? else {
                return Ok(None);
            };
            if t.used_at.is_some() || t.expires_at <= now {
                return Ok(None);
            }
            Ok(repo::find(c, t.user_id)?.filter(|u| u.is_active))
        })
        .await
}

pub async fn validate_reset_token(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<ResetTokenCheck> {
    let mut input = Input::new(body);
    let token = input.secret("token");
    input.finish()?;
    let token = token.unwrap_or_default();
    throttle(
        state,
        Scope::PasswordReset,
        &client,
        &format!("token:{}", &secrets::sha256_hex(&token)[..16]),
    )?;
    let valid = reset_token_user(state, &token).await?.is_some();
    let message = if valid {
        Tr::new("Token is valid", "Lien valide")
    } else {
        Tr::new("Invalid or expired token", "Lien invalide ou expiré")
    };
    Ok(ResetTokenCheck {
        valid,
        message: message.get(lang).to_owned(),
    })
}

pub async fn reset_password(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<Message> {
    let mut input = Input::new(body);
    let token = input.secret("token");
    let password = input.secret("password");
    let confirm = input.secret("password_confirm");
    let token_value = token.clone().unwrap_or_default();
    throttle(
        state,
        Scope::PasswordReset,
        &client,
        &format!("token:{}", &secrets::sha256_hex(&token_value)[..16]),
    )?;
    if token.is_some() {
        let Some(user) = reset_token_user(state, &token_value).await? else {
            return Err(AppError::new(Code::InvalidResetToken));
        };
        if let Some(p) = &password {
            check_password(&mut input, "password", p, confirm.as_deref(), &user.email);
        }
    }
    input.finish()?;
    let password =
        password.ok_or_else(|| AppError::internal(anyhow::anyhow!("validated field missing")))?;
    let hash = state.hasher.hash(password).await?;
    let now = state.clock.now();
    let st = state.clone();
    let token_hash = secrets::sha256_hex(&token_value);
    let uid = state
        .db
        .write(move |tx| {
            let now_s = ts(now);
            let Some(uid) = repo::consume_reset_token(tx, &token_hash, &now_s)? else {
                return Ok(None);
            };
            repo::set_password(tx, uid, &hash, true, &now_s)?;
            repo::revoke_user_sessions(tx, uid, "password_reset", &now_s, None)?;
            let user = repo::find(tx, uid)?.ok_or_else(AppError::not_found)?;
            outbox::enqueue(
                tx,
                &password_changed_mail(tx, &st, &user, &client.ip, &now_s)?,
                &now_s,
            )?;
            Ok(Some(uid))
        })
        .await?;
    let Some(uid) = uid else {
        return Err(AppError::new(Code::InvalidResetToken));
    };
    state.kick_mail();
    tracing::info!(
        user_id = uid,
        "password reset completed; every session revoked"
    );
    Ok(Message::new(
        Tr::new(
            "Password reset successfully",
            "Mot de passe réinitialisé avec succès",
        )
        .get(lang),
    ))
}

/// `autotrack create-user`: a verified account (optionally admin); with an existing email, sets its password
/// and flag instead. Returns the user id and whether it was created.
pub async fn create_user(
    state: &AppState,
    email: &str,
    password: String,
    first_name: &str,
    last_name: &str,
    admin: bool,
) -> anyhow::Result<(i64, bool)> {
    let email = email.trim().to_lowercase();
    anyhow::ensure!(
        is_valid_email(&email),
        "{email:?} is not a valid email address"
    );
    let mut input = Input::new(Map::new());
    check_password(&mut input, "password", &password, None, &email);
    if let Err(e) = input.finish() {
        let messages: Vec<String> = e
            .errors
            .unwrap_or_default()
            .into_values()
            .flatten()
            .map(|m| m.en)
            .collect();
        anyhow::bail!("password refused: {}", messages.join(" "));
    }
    let hash = state.hasher.hash(password).await?;
    let now = ts(state.clock.now());
    let (first, last) = (first_name.trim().to_owned(), last_name.trim().to_owned());
    let lang = state.config.default_language.code();
    let default_plan = state.config.default_plan.clone();
    let result = state
        .db
        .write(move |tx| {
            if let Some(existing) = repo::find_by_email(tx, &email)? {
                repo::set_password(tx, existing.id, &hash, true, &now)?;
                repo::revoke_user_sessions(tx, existing.id, "admin", &now, None)?;
                if admin {
                    repo::set_staff(tx, existing.id, true, &now)?;
                }
                return Ok((existing.id, false));
            }
            let new = repo::NewUser {
                email: &email,
                password_hash: &hash,
                first_name: &first,
                last_name: &last,
                phone_number: None,
                email_verified: true,
                is_staff: admin,
            };
            let id = super::register::create_account(tx, &new, lang, &default_plan, &now)?;
            Ok((id, true))
        })
        .await?;
    Ok(result)
}
