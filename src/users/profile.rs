//! The caller's profile: `me`, updates, and the email change confirmed by a code (auth.md §9).

use serde_json::{Map, Value, json};

use super::model::{PURPOSE_EMAIL_CHANGE, User};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::throttle::Scope;
use crate::http::validate::Input;
use crate::mail::outbox::{self, NewMail};

use super::login::{CodeCheck, check_code, code_error, otp_code_field};
use super::service::*;

pub async fn me(state: &AppState, user: &AuthUser) -> AppResult<User> {
    let uid = user.id;
    let row = state
        .db
        .read(move |c| repo::find(c, uid)?.ok_or_else(AppError::not_found))
        .await?;
    Ok(User::from(&row))
}

/// PUT (`full`) or PATCH of the profile; a new email only becomes pending until its code is confirmed.
pub async fn update_me(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<User> {
    let mut input = Input::new(body);
    let read = |input: &mut Input, name: &str, max: usize| -> Option<Option<String>> {
        if full || input.has(name) {
            Some(input.text(name, max))
        } else {
            None
        }
    };
    let first_name = read(&mut input, "first_name", 150);
    let last_name = read(&mut input, "last_name", 150);
    let email = if full || input.has("email") {
        Some(input.email("email"))
    } else {
        None
    };
    let phone_number = phone(&mut input);
    input.finish()?;
    let uid = user.id;
    let now = state.clock.now();
    let st = state.clone();
    let row = state
        .db
        .write(move |tx| {
            let current = repo::find(tx, uid)?.ok_or_else(AppError::not_found)?;
            let first = first_name
                .flatten()
                .unwrap_or_else(|| current.first_name.clone());
            let last = last_name
                .flatten()
                .unwrap_or_else(|| current.last_name.clone());
            let phone = match phone_number {
                Some(p) => p,
                None => current.phone_number.clone(),
            };
            let mut pending = current.pending_email.clone();
            let mut send_code_to = None;
            if let Some(Some(new_email)) = email {
                if new_email.eq_ignore_ascii_case(&current.email) {
                    pending = None;
                } else if repo::email_taken(tx, &new_email, Some(uid))? {
                    return Err(AppError::field("email", email_exists_message()));
                } else {
                    // Each change mails a code to an address of the caller's choosing: bounded per account and
                    // per address, so that the server cannot be used to send mail to anyone.
                    st.throttles.check(
                        Scope::EmailChange,
                        &[
                            format!("user:{uid}"),
                            format!("to:{}", new_email.to_lowercase()),
                        ],
                    )?;
                    pending = Some(new_email.clone());
                    send_code_to = Some(new_email);
                }
            }
            repo::update_profile(
                tx,
                uid,
                &first,
                &last,
                phone.as_deref(),
                pending.as_deref(),
                &ts(now),
            )?;
            let updated = repo::find(tx, uid)?.ok_or_else(AppError::not_found)?;
            if let Some(target) = send_code_to {
                issue_code(&st, tx, &updated, PURPOSE_EMAIL_CHANGE, &target, now)?;
            }
            Ok(updated)
        })
        .await?;
    state.kick_mail();
    Ok(User::from(&row))
}

pub async fn confirm_email_change(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
    client: Client,
) -> AppResult<User> {
    let mut input = Input::new(body);
    let code = otp_code_field(&mut input);
    input.finish()?;
    let code = code.unwrap_or_default();
    throttle(
        state,
        Scope::OtpVerify,
        &client,
        &format!("user:{}", user.id),
    )?;
    let now = state.clock.now();
    let st = state.clone();
    let uid = user.id;
    let outcome = state
        .db
        .write(move |tx| {
            let current = repo::find(tx, uid)?.ok_or_else(AppError::not_found)?;
            let Some(new_email) = current.pending_email.clone() else {
                if let Some(left) = lock_remaining(&current, now) {
                    return Ok(Err(CodeCheck::Locked(left)));
                }
                return Ok(Err(CodeCheck::NoCode));
            };
            match check_code(&st, tx, &current, &[PURPOSE_EMAIL_CHANGE], &code, now)? {
                CodeCheck::Matched(c) if c.target_email.eq_ignore_ascii_case(&new_email) => {
                    if repo::email_taken(tx, &new_email, Some(uid))? {
                        return Err(AppError::field("email", email_exists_message()));
                    }
                    repo::finish_email_change(tx, uid, &new_email, &ts(now))?;
                    let mail = NewMail {
                        user_id: Some(uid),
                        to: &current.email,
                        template: "email_changed",
                        lang: recipient_lang(tx, uid)?,
                        context: json!({"user_name": current.mail_name(&current.email), "old_email": current.email,
                            "new_email": new_email, "changed_at": ts(now)}),
                        expires_at: None,
                        dedupe_key: None,
                    };
                    outbox::enqueue(tx, &mail, &ts(now))?;
                    Ok(Ok(repo::find(tx, uid)?.ok_or_else(AppError::not_found)?))
                }
                CodeCheck::Matched(_) => Ok(Err(CodeCheck::NoCode)),
                other => Ok(Err(other)),
            }
        })
        .await?;
    let row = outcome.map_err(|c| code_error(&c))?;
    state.kick_mail();
    tracing::info!(user_id = uid, "email changed");
    Ok(User::from(&row))
}
