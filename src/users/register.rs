//! `register` (auth.md §6): the account, its settings, its default-plan subscription, the welcome mail and the
//! verification code, in one transaction.

use serde_json::{Map, Value, json};

use super::model::{PURPOSE_EMAIL_VERIFICATION, Registered, User};
use super::repo;
use super::service::*;
use crate::app::AppState;
use crate::config::OtpPolicy;
use crate::db::ts;
use crate::error::{AppError, AppResult};
use crate::http::throttle::Scope;
use crate::http::validate::Input;
use crate::i18n::{Lang, Tr};
use crate::mail::outbox::{self, NewMail};
use crate::notifications::repo::{NewNotification, notify};

pub async fn register(
    state: &AppState,
    body: Map<String, Value>,
    client: Client,
    lang: Lang,
) -> AppResult<Registered> {
    throttle(state, Scope::Register, &client, submitted_email(&body))?;
    let mut input = Input::new(body);
    let email = input.email("email");
    let password = input.secret("password");
    let confirm = input.secret("password_confirm");
    let first_name = input.text("first_name", 150);
    let last_name = input.text("last_name", 150);
    let phone_number = phone(&mut input).flatten();
    let language = input
        .opt_choice("language", crate::user_settings::model::LANGUAGES)
        .unwrap_or_else(|| lang.code().to_owned());
    let invite_code = input.opt_text("invite_code", 200).flatten();
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
    // After validation, before anything that could tell whether the address has an account.
    let invitation = super::signups::admit(state, &email, invite_code.as_deref()).await?;
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
            let id = create_account(tx, &new, &language, &st.config.default_plan, &ts(now))?;
            if let Some(invitation) = invitation
                && !repo::use_invitation(tx, invitation, id, &ts(now))?
            {
                // Another registration used it in the meantime.
                return Err(super::signups::closed());
            }
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
            Ok(Registered::SignedIn {
                user: User::from(&user),
                otp_required: false,
                tokens: t,
            })
        }
        None => Ok(Registered::CodeSent {
            user: User::from(&user),
            otp_required: true,
            email: user.email.clone(),
            detail: super::mail_words(
                state,
                Tr::new(
                    "Registration successful. Please verify your email with the OTP code sent.",
                    "Inscription réussie. Veuillez vérifier votre adresse e-mail avec le code OTP envoyé.",
                ),
                Tr::new(
                    "Registration successful. This server cannot send mail: ask its administrator for your \
                     verification code.",
                    "Inscription réussie. Ce serveur ne peut pas envoyer de courriel : demandez votre code de \
                     vérification à son administrateur.",
                ),
            )
            .get(lang)
            .to_owned(),
        }),
    }
}

/// A new account as every path creates one (register, `create-user`, `seed-demo`): the user row, its default
/// settings in `language` and a subscription to `plan`, in the caller's transaction. The caller adds what its
/// path sends (mails, codes, notifications).
pub fn create_account(
    tx: &rusqlite::Connection,
    user: &repo::NewUser,
    language: &str,
    plan: &str,
    now: &str,
) -> rusqlite::Result<i64> {
    let id = repo::insert(tx, user, now)?;
    crate::user_settings::repo::insert_default(tx, id, language, now)?;
    crate::subscriptions::repo::create_subscription(tx, id, plan, now)?;
    Ok(id)
}
