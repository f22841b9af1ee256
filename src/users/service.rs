//! What the account flows share (auth.md): the client, throttles, the user representation, sessions and tokens,
//! one-time codes, the password rules. The flows are in `register.rs`, `login.rs` (with the codes), `tokens.rs`,
//! `profile.rs`, `sessions.rs` and `passwords.rs`.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{Tokens, UserRow};
use super::repo;
use crate::app::AppState;
use crate::auth::jwt::TokenType;
use crate::auth::secrets;
use crate::db::{parse_ts, ts};
use crate::error::AppResult;
use crate::http::throttle::Scope;
use crate::http::validate::Input;
use crate::i18n::{Lang, Tr, msg};
use crate::mail::outbox::{self, NewMail};

/// Validity of one-time codes (auth.md §5).
pub(super) const OTP_VALIDITY_MINUTES: i64 = 10;

/// Who is calling, for sessions and logs.
#[derive(Clone)]
pub struct Client {
    pub ip: String,
    pub user_agent: Option<String>,
}

/// A short tag for a submitted email in logs: keyed with a server secret, so that nobody holding the logs can
/// confirm a guessed address by hashing it (a plain hash of an address is a lookup away from the address).
pub fn email_tag(state: &AppState, email: &str) -> String {
    let tagged = format!("log-tag:{}", email.trim().to_lowercase());
    secrets::otp_hash(&state.config.otp_key, &tagged)[..16].to_owned()
}

/// The raw `email` of a body, as the per-account throttle key (checked before validation).
pub(super) fn submitted_email(body: &Map<String, Value>) -> &str {
    body.get("email").and_then(Value::as_str).unwrap_or("")
}

/// A body whose only field is a required `email`, lower-cased.
pub fn email_only(body: Map<String, Value>) -> AppResult<String> {
    let mut input = Input::new(body);
    let email = input.text("email", 254).map(|e| e.to_lowercase());
    input.finish()?;
    Ok(email.unwrap_or_default())
}

pub fn throttle(state: &AppState, scope: Scope, client: &Client, account: &str) -> AppResult<()> {
    state.throttles.check(
        scope,
        &[
            format!("ip:{}", client.ip),
            format!("acct:{}", account.trim().to_lowercase()),
        ],
    )
}

// ---- shared pieces ------------------------------------------------------------------------------------------

/// Opens a session (token family) and returns its id with the refresh token id.
pub fn open_session(
    conn: &Connection,
    state: &AppState,
    user_id: i64,
    client: &Client,
    now: DateTime<Utc>,
) -> AppResult<(i64, String)> {
    let jti = secrets::new_jti();
    let expires = ts(now + state.config.refresh_token_ttl);
    let sid = repo::insert_session(
        conn,
        user_id,
        &jti,
        Some(&client.ip),
        client.user_agent.as_deref(),
        &ts(now),
        &expires,
    )?;
    Ok((sid, jti))
}

pub fn tokens(
    state: &AppState,
    user_id: i64,
    sid: i64,
    tv: i64,
    refresh_jti: &str,
    now: DateTime<Utc>,
) -> AppResult<Tokens> {
    let access = state.jwt.encode(
        TokenType::Access,
        user_id,
        sid,
        tv,
        &secrets::new_jti(),
        now,
        state.config.access_token_ttl,
    )?;
    let refresh = state.jwt.encode(
        TokenType::Refresh,
        user_id,
        sid,
        tv,
        refresh_jti,
        now,
        state.config.refresh_token_ttl,
    )?;
    Ok(Tokens { access, refresh })
}

pub(super) fn recipient_lang(conn: &Connection, user_id: i64) -> rusqlite::Result<Lang> {
    Ok(Lang::from_setting(&crate::user_settings::repo::language(
        conn, user_id,
    )?))
}

/// Issues a code for `purpose` (replacing the live one) and queues the `otp` mail to `target`.
pub fn issue_code(
    state: &AppState,
    conn: &Connection,
    user: &UserRow,
    purpose: &str,
    target: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let code = secrets::new_otp_code();
    let expires = ts(now + chrono::Duration::minutes(OTP_VALIDITY_MINUTES));
    let hash = secrets::otp_hash(&state.config.otp_key, &code);
    repo::replace_code(conn, user.id, purpose, target, &hash, &ts(now), &expires)?;
    let context = json!({"user_name": user.mail_name(target), "otp_code": code, "validity_minutes": OTP_VALIDITY_MINUTES, "purpose": purpose});
    let mail = NewMail {
        user_id: Some(user.id),
        to: target,
        template: "otp",
        lang: recipient_lang(conn, user.id)?,
        context,
        expires_at: Some(expires),
        dedupe_key: None,
    };
    outbox::enqueue(conn, &mail, &ts(now))?;
    tracing::info!(user_id = user.id, purpose, "otp code issued");
    Ok(())
}

/// Seconds left on an OTP lock, if one is active.
pub(super) fn lock_remaining(user: &UserRow, now: DateTime<Utc>) -> Option<i64> {
    let until = parse_ts(user.otp_locked_until.as_deref()?)?;
    let left = (until - now).num_milliseconds();
    (left > 0).then(|| (left + 999) / 1000)
}

/// The password rules of auth.md §3, reported on `field`.
pub fn check_password(
    input: &mut Input,
    field: &str,
    password: &str,
    confirm: Option<&str>,
    email: &str,
) {
    let count = password.chars().count();
    if count < 8 {
        input.error(
            field,
            Tr::new(
                "This password is too short. It must contain at least 8 characters.",
                "Ce mot de passe est trop court. Il doit contenir au moins 8 caractères.",
            ),
        );
    }
    if count > 1024 {
        input.error(
            field,
            Tr::new(
                "This password is too long.",
                "Ce mot de passe est trop long.",
            ),
        );
    }
    if !password.is_empty() && password.chars().all(|c| c.is_ascii_digit()) {
        input.error(
            field,
            Tr::new(
                "This password is entirely numeric.",
                "Ce mot de passe est entièrement numérique.",
            ),
        );
    }
    if !email.is_empty() && password.to_lowercase() == email.trim().to_lowercase() {
        input.error(
            field,
            Tr::new(
                "The password is too similar to the email.",
                "Le mot de passe est trop semblable à l'adresse e-mail.",
            ),
        );
    }
    if let Some(confirm) = confirm
        && confirm != password
    {
        input.error(
            field,
            Tr::new(
                "Passwords don't match.",
                "Les mots de passe ne correspondent pas.",
            ),
        );
    }
}

pub(super) fn email_exists_message() -> Tr {
    Tr::new(
        "A user with this email already exists.",
        "Un utilisateur avec cette adresse e-mail existe déjà.",
    )
}

/// Phone numbers: ≤ 20 characters of digits, spaces and `+ - . ( )`, with at least one digit.
pub(super) fn phone(input: &mut Input) -> Option<Option<String>> {
    let value = input.opt_text("phone_number", 20)?;
    if let Some(p) = &value {
        let ok = p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
            && p.chars().any(|c| c.is_ascii_digit());
        if !ok {
            input.error("phone_number", msg::invalid_phone());
            return None;
        }
    }
    Some(value)
}
