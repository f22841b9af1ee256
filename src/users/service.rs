//! Account rules and transactions (auth.md): registration, login with the second factor, one-time codes, token
//! rotation, sessions, profile and email change. Password changes and resets are in `passwords.rs`.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::model::{
    PURPOSE_EMAIL_CHANGE, PURPOSE_EMAIL_VERIFICATION, PURPOSE_LOGIN, Session, Tokens, User, UserRow,
};
use super::repo;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::jwt::{TokenError, TokenType};
use crate::auth::secrets;
use crate::config::OtpPolicy;
use crate::db::{parse_ts, ts};
use crate::error::{AppError, AppResult, Code};
use crate::http::list::{PageRequest, envelope};
use crate::http::throttle::Scope;
use crate::http::validate::Input;
use crate::i18n::{Lang, Tr, msg};
use crate::mail::outbox::{self, NewMail};
use crate::notifications::repo::{NewNotification, notify};

/// Validity of one-time codes, and the lock after the 5th wrong code of a user within 15 minutes (auth.md §5).
const OTP_VALIDITY_MINUTES: i64 = 10;
const OTP_MAX_FAILURES: i64 = 5;
const OTP_FAILURE_WINDOW_MINUTES: i64 = 15;
const OTP_LOCK_MINUTES: i64 = 15;

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
fn submitted_email(body: &Map<String, Value>) -> &str {
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

pub fn user_json(row: &UserRow) -> Value {
    serde_json::to_value(User::from(row)).unwrap_or(Value::Null)
}

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

fn recipient_lang(conn: &Connection, user_id: i64) -> rusqlite::Result<Lang> {
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
fn lock_remaining(user: &UserRow, now: DateTime<Utc>) -> Option<i64> {
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

fn email_exists_message() -> Tr {
    Tr::new(
        "A user with this email already exists.",
        "Un utilisateur avec cette adresse e-mail existe déjà.",
    )
}

/// Phone numbers: ≤ 20 characters of digits, spaces and `+ - . ( )`, with at least one digit.
fn phone(input: &mut Input) -> Option<Option<String>> {
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

// ---- register -----------------------------------------------------------------------------------------------

pub async fn register(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<Value> {
    throttle(state, Scope::Register, &client, submitted_email(&body))?;
    let mut input = Input::new(body);
    let email = input.email("email");
    let password = input.secret("password");
    let confirm = input.secret("password_confirm");
    let first_name = input.text("first_name", 150);
    let last_name = input.text("last_name", 150);
    let phone_number = phone(&mut input).flatten();
    let language = input
        .opt_choice("language", &["en", "fr", "es"])
        .unwrap_or_else(|| lang.code().to_owned());
    if let Some(p) = &password {
        check_password(
            &mut input,
            "password",
            p,
            confirm.as_deref(),
            email.as_deref().unwrap_or(""),
        );
    }
    input.finish()?;
    let (Some(email), Some(password), Some(first_name), Some(last_name)) =
        (email, password, first_name, last_name)
    else {
        return Err(AppError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let taken_email = email.clone();
    if state
        .db
        .read(move |c| Ok(repo::email_taken(c, &taken_email, None)?))
        .await?
    {
        return Err(AppError::field("email", email_exists_message()));
    }
    let hash = state.hasher.hash(password).await?;
    let now = state.clock.now();
    let st = state.clone();
    let policy = state.config.otp_policy;
    let login_url = format!("{}/auth/login", state.frontend_url());
    let (user, session) = state
        .db
        .write(move |tx| {
            if repo::email_taken(tx, &email, None)? {
                return Err(AppError::field("email", email_exists_message()));
            }
            let new = repo::NewUser {
                email: &email,
                password_hash: &hash,
                first_name: &first_name,
                last_name: &last_name,
                phone_number: phone_number.as_deref(),
                email_verified: false,
                is_staff: false,
            };
            let id = repo::insert(tx, &new, &ts(now))?;
            crate::user_settings::repo::insert_default(tx, id, &language, &ts(now))?;
            crate::plans::repo::create_subscription(tx, id, &st.config.default_plan, &ts(now))?;
            let user = repo::find(tx, id)?.ok_or_else(AppError::not_found)?;
            let mail_lang = Lang::from_setting(&language);
            let welcome = NewMail {
                user_id: Some(id),
                to: &user.email,
                template: "welcome",
                lang: mail_lang,
                context: json!({"user_name": user.mail_name(&user.email), "email": user.email, "login_url": login_url}),
                expires_at: None,
                dedupe_key: None,
            };
            outbox::enqueue(tx, &welcome, &ts(now))?;
            issue_code(&st, tx, &user, PURPOSE_EMAIL_VERIFICATION, &user.email, now)?;
            let welcome_note = NewNotification {
                user_id: id,
                notification_type: "success",
                title: Tr::new("Welcome to AutoTrack", "Bienvenue sur AutoTrack"),
                message: Tr::new(
                    "Your account is ready. Add your first vehicle.",
                    "Votre compte est prêt. Ajoutez votre premier véhicule.",
                ),
                link: Some("/dashboard"),
                metadata: json!({}),
                dedupe_key: Some("welcome"),
            };
            notify(tx, &welcome_note, mail_lang, &ts(now))?;
            let session = if policy == OtpPolicy::Off {
                let s = open_session(tx, &st, id, &client, now)?;
                repo::set_last_login(tx, id, &ts(now))?;
                Some(s)
            } else {
                None
            };
            Ok((user, session))
        })
        .await?;
    state.kick_mail();
    tracing::info!(user_id = user.id, "account registered");
    match session {
        Some((sid, jti)) => {
            let t = tokens(state, user.id, sid, user.token_version, &jti, now)?;
            Ok(json!({"user": user_json(&user), "otp_required": false, "tokens": t}))
        }
        None => Ok(json!({
            "user": user_json(&user),
            "otp_required": true,
            "email": user.email,
            "detail": Tr::new(
                "Registration successful. Please verify your email with the OTP code sent.",
                "Inscription réussie. Veuillez vérifier votre adresse e-mail avec le code OTP envoyé.",
            ).get(lang),
        })),
    }
}

// ---- login --------------------------------------------------------------------------------------------------

pub async fn login(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<Value> {
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
        return Ok(json!({
            "otp_required": true,
            "email": email,
            "detail": Tr::new("OTP code sent to your email", "Code OTP envoyé à votre adresse e-mail").get(lang),
        }));
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
    Ok(json!({"otp_required": false, "user": user_json(&user), "tokens": t}))
}

// ---- one-time codes -----------------------------------------------------------------------------------------

/// Reads a 6-digit `otp_code` (alias `code`), before any account lookup.
fn otp_code_field(input: &mut Input) -> Option<String> {
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

enum CodeCheck {
    Matched(super::model::OtpRow),
    Wrong,
    Locked(i64),
    NoCode,
}

/// Compares `code` with the live codes of `purposes`; a wrong code counts once against the user, and the 5th
/// within the window kills the live codes and locks the user. Runs inside the caller's transaction (committed even when
/// the answer is an error, so attempts are never lost).
fn check_code(
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

fn code_error(check: &CodeCheck) -> AppError {
    match check {
        CodeCheck::Locked(left) => AppError::otp_locked(*left),
        _ => AppError::new(Code::OtpInvalid),
    }
}

pub async fn verify_otp(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
) -> AppResult<Value> {
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
    Ok(
        json!({"message": "OTP verified successfully", "verified": true, "user": user_json(&user), "tokens": t}),
    )
}

pub async fn resend_otp(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<Value> {
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
    Ok(json!({"message": Tr::new(
        "If the email is registered, a new OTP has been sent.",
        "Si l'adresse est enregistrée, un nouveau code OTP a été envoyé.",
    ).get(lang)}))
}

// ---- refresh and logout -------------------------------------------------------------------------------------

enum RefreshOutcome {
    Rotated(String, i64),
    Fail(Code),
}

pub async fn refresh(state: &AppState, body: Map<String, Value>) -> AppResult<Value> {
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
            Ok(json!({"access": t.access, "refresh": t.refresh}))
        }
        RefreshOutcome::Fail(code) => Err(AppError::unauthorized(code, true)),
    }
}

pub async fn logout(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
) -> AppResult<Value> {
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
    Ok(json!({"message": Tr::new("Successfully logged out", "Déconnexion réussie").get(user.lang)}))
}

// ---- profile ------------------------------------------------------------------------------------------------

pub async fn me(state: &AppState, user: &AuthUser) -> AppResult<Value> {
    let uid = user.id;
    let row = state
        .db
        .read(move |c| repo::find(c, uid)?.ok_or_else(AppError::not_found))
        .await?;
    Ok(user_json(&row))
}

/// PUT (`full`) or PATCH of the profile; a new email only becomes pending until its code is confirmed.
pub async fn update_me(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
    full: bool,
) -> AppResult<Value> {
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
    Ok(user_json(&row))
}

pub async fn confirm_email_change(
    state: &AppState,
    user: &AuthUser,
    body: Map<String, Value>,
    client: Client,
) -> AppResult<Value> {
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
    Ok(user_json(&row))
}

// ---- sessions -----------------------------------------------------------------------------------------------

pub async fn list_sessions(
    state: &AppState,
    user: &AuthUser,
    query: std::collections::HashMap<String, String>,
    path: String,
) -> AppResult<Value> {
    let page = PageRequest::from_query(&query)?;
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
        .map(|s| serde_json::to_value(Session::from_row(s, user.session_id)).unwrap_or(Value::Null))
        .collect();
    envelope(count, results, page, &state.public_url, &path, &query)
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

pub async fn revoke_other_sessions(state: &AppState, user: &AuthUser) -> AppResult<Value> {
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
    Ok(json!({"revoked": n}))
}
