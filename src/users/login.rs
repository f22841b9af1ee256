//! `login` with the second factor, and the one-time codes: `verify-otp`, `resend-otp` and the check every code goes
//! through (auth.md §5, §7, §8).

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value};

use super::model::{
    LoggedIn, OtpVerified, PURPOSE_EMAIL_VERIFICATION, PURPOSE_LOGIN, User, UserRow,
};
use super::repo;
use super::service::*;
use crate::app::AppState;
use crate::auth::secrets;
use crate::config::OtpPolicy;
use crate::db::ts;
use crate::error::{AppError, AppResult, Code};
use crate::http::Message;
use crate::http::throttle::Scope;
use crate::http::validate::Input;
use crate::i18n::{Lang, Tr};

/// The lock after the 5th wrong code of a user within 15 minutes (auth.md §5).
const OTP_MAX_FAILURES: i64 = 5;
const OTP_FAILURE_WINDOW_MINUTES: i64 = 15;
const OTP_LOCK_MINUTES: i64 = 15;

pub async fn login(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<LoggedIn> {
    throttle(state, Scope::Login, &client, submitted_email(&body))?;
    let mut input = Input::new(body);
    let email = input.text("email", 254).map(|e| e.to_lowercase());
    let password = input.secret("password");
    input.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(AppError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let lookup = email.clone();
    let found = state
        .db
        .read(move |c| Ok(repo::find_by_email(c, &lookup)?))
        .await?;
    let ok = state
        .hasher
        .verify(
            password.clone(),
            found.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
    let user = match found {
        Some(u) if ok && u.is_active => u,
        _ => {
            tracing::info!(email_tag = %email_tag(state, &email), ip = %client.ip, outcome = "invalid_credentials", "login failed");
            return Err(AppError::unauthorized(Code::InvalidCredentials, false));
        }
    };
    if crate::auth::password::needs_rehash(&user.password_hash) {
        let hash = state.hasher.hash(password).await?;
        let (id, now) = (user.id, ts(state.clock.now()));
        state
            .db
            .write(move |tx| Ok(repo::set_password(tx, id, &hash, false, &now)?))
            .await?;
    }
    let uid = user.id;
    let otp_enabled = state
        .db
        .read(move |c| Ok(crate::user_settings::repo::otp_enabled(c, uid)?))
        .await?;
    let needs_code = match state.config.otp_policy {
        OtpPolicy::Always => true,
        OtpPolicy::Optional => otp_enabled,
        OtpPolicy::Off => false,
    };
    let now = state.clock.now();
    if needs_code {
        if let Some(left) = lock_remaining(&user, now) {
            return Err(AppError::otp_locked(left));
        }
        let st = state.clone();
        let u = user;
        let email = state
            .db
            .write(move |tx| {
                issue_code(&st, tx, &u, PURPOSE_LOGIN, &u.email, now)?;
                Ok(u.email.clone())
            })
            .await?;
        state.kick_mail();
        tracing::info!(user_id = uid, ip = %client.ip, outcome = "otp_sent", "login password accepted");
        return Ok(LoggedIn::CodeSent {
            otp_required: true,
            email,
            detail: super::mail_words(
                state,
                Tr::new(
                    "OTP code sent to your email",
                    "Code OTP envoyé à votre adresse e-mail",
                ),
                Tr::new(
                    "A login code was issued, but this server cannot send mail: ask its administrator for the code.",
                    "Un code de connexion a été émis, mais ce serveur ne peut pas envoyer de courriel : demandez le \
                     code à son administrateur.",
                ),
            )
            .get(lang)
            .to_owned(),
        });
    }
    let st = state.clone();
    let (user, sid, jti) = state
        .db
        .write(move |tx| {
            let (sid, jti) = open_session(tx, &st, uid, &client, now)?;
            repo::set_last_login(tx, uid, &ts(now))?;
            let user = repo::find(tx, uid)?.ok_or_else(AppError::not_found)?;
            Ok((user, sid, jti))
        })
        .await?;
    tracing::info!(
        user_id = uid,
        session_id = sid,
        outcome = "success",
        "login"
    );
    let t = tokens(state, user.id, sid, user.token_version, &jti, now)?;
    Ok(LoggedIn::SignedIn {
        otp_required: false,
        user: User::from(&user),
        tokens: t,
    })
}

// ---- one-time codes -----------------------------------------------------------------------------------------

/// Reads a 6-digit `otp_code` (alias `code`), before any account lookup.
pub(super) fn otp_code_field(input: &mut Input) -> Option<String> {
    let field = if !input.has("otp_code") && input.has("code") {
        "code"
    } else {
        "otp_code"
    };
    let code = input.text(field, 100)?;
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Some(code)
    } else {
        input.error(
            "otp_code",
            Tr::new("Enter the 6-digit code.", "Saisissez le code à 6 chiffres."),
        );
        None
    }
}

pub(super) enum CodeCheck {
    Matched(super::model::OtpRow),
    Wrong,
    Locked(i64),
    NoCode,
}

/// Compares `code` with the live codes of `purposes`; a wrong code counts once against the user, and the 5th
/// within the window kills the live codes and locks the user. Runs inside the caller's transaction (committed even when
/// the answer is an error, so attempts are never lost).
pub(super) fn check_code(
    state: &AppState,
    conn: &Connection,
    user: &UserRow,
    purposes: &[&str],
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<CodeCheck> {
    if let Some(left) = lock_remaining(user, now) {
        return Ok(CodeCheck::Locked(left));
    }
    let now_s = ts(now);
    let live: Vec<_> = repo::live_codes(conn, user.id, purposes)?
        .into_iter()
        .filter(|c| c.expires_at > now_s)
        .collect();
    if live.is_empty() {
        return Ok(CodeCheck::NoCode);
    }
    let mut matched = None;
    for c in live.iter() {
        if secrets::otp_matches(&state.config.otp_key, code, &c.code_hash) && matched.is_none() {
            matched = Some(c.id);
        }
    }
    if let Some(id) = matched {
        repo::consume_code(conn, id, &now_s)?;
        repo::clear_otp_failures(conn, user.id)?;
        return Ok(live
            .into_iter()
            .find(|c| c.id == id)
            .map(CodeCheck::Matched)
            .unwrap_or(CodeCheck::NoCode));
    }
    let window_start = ts(now - chrono::Duration::minutes(OTP_FAILURE_WINDOW_MINUTES));
    let failures = repo::add_otp_failure(conn, user.id, &now_s, &window_start)?;
    if failures >= OTP_MAX_FAILURES {
        let until = now + chrono::Duration::minutes(OTP_LOCK_MINUTES);
        repo::lock_otp(conn, user.id, &ts(until), &now_s)?;
        tracing::warn!(user_id = user.id, "otp locked after too many wrong codes");
        return Ok(CodeCheck::Locked(OTP_LOCK_MINUTES * 60));
    }
    tracing::info!(user_id = user.id, failures, "wrong otp code");
    Ok(CodeCheck::Wrong)
}

pub(super) fn code_error(check: &CodeCheck) -> AppError {
    match check {
        CodeCheck::Locked(left) => AppError::otp_locked(*left),
        _ => AppError::new(Code::OtpInvalid),
    }
}

pub async fn verify_otp(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
) -> AppResult<OtpVerified> {
    let mut input = Input::new(body);
    let code = otp_code_field(&mut input);
    let email = input.text("email", 254).map(|e| e.to_lowercase());
    input.finish()?;
    let (Some(code), Some(email)) = (code, email) else {
        return Err(AppError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    throttle(state, Scope::OtpVerify, &client, &email)?;
    let now = state.clock.now();
    let st = state.clone();
    let outcome = state
        .db
        .write(move |tx| {
            let Some(user) = repo::find_by_email(tx, &email)?.filter(|u| u.is_active) else {
                return Ok(Err(CodeCheck::NoCode));
            };
            match check_code(
                &st,
                tx,
                &user,
                &[PURPOSE_LOGIN, PURPOSE_EMAIL_VERIFICATION],
                &code,
                now,
            )? {
                CodeCheck::Matched(_) => {
                    repo::set_email_verified(tx, user.id, &ts(now))?;
                    repo::set_last_login(tx, user.id, &ts(now))?;
                    let (sid, jti) = open_session(tx, &st, user.id, &client, now)?;
                    let user = repo::find(tx, user.id)?.ok_or_else(AppError::not_found)?;
                    Ok(Ok((user, sid, jti)))
                }
                other => Ok(Err(other)),
            }
        })
        .await?;
    let (user, sid, jti) = outcome.map_err(|c| code_error(&c))?;
    tracing::info!(
        user_id = user.id,
        session_id = sid,
        outcome = "success",
        "otp verified"
    );
    let t = tokens(state, user.id, sid, user.token_version, &jti, now)?;
    Ok(OtpVerified {
        message: "OTP verified successfully".to_owned(),
        verified: true,
        user: User::from(&user),
        tokens: t,
    })
}

pub async fn resend_otp(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<Message> {
    let email = email_only(body)?;
    throttle(state, Scope::OtpResend, &client, &email)?;
    let now = state.clock.now();
    let st = state.clone();
    let sent = state
        .db
        .write(move |tx| {
            let Some(user) = repo::find_by_email(tx, &email)?.filter(|u| u.is_active) else {
                return Ok(false);
            };
            if lock_remaining(&user, now).is_some() {
                return Ok(false);
            }
            let pending =
                repo::live_codes(tx, user.id, &[PURPOSE_LOGIN, PURPOSE_EMAIL_VERIFICATION])?;
            let purpose = match pending.first() {
                Some(c) if c.purpose == PURPOSE_LOGIN => PURPOSE_LOGIN,
                Some(_) => PURPOSE_EMAIL_VERIFICATION,
                None if !user.email_verified => PURPOSE_EMAIL_VERIFICATION,
                None => return Ok(false),
            };
            issue_code(&st, tx, &user, purpose, &user.email, now)?;
            Ok(true)
        })
        .await?;
    if sent {
        state.kick_mail();
    }
    Ok(Message::new(
        super::mail_words(
            state,
            Tr::new(
                "If the email is registered, a new OTP has been sent.",
                "Si l'adresse est enregistrée, un nouveau code OTP a été envoyé.",
            ),
            Tr::new(
                "If the email is registered, a new code was issued, but this server cannot send mail: ask its \
                 administrator for the code.",
                "Si l'adresse est enregistrée, un nouveau code a été émis, mais ce serveur ne peut pas envoyer de \
                 courriel : demandez le code à son administrateur.",
            ),
        )
        .get(lang),
    ))
}
