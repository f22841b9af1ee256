//! Row structs and the JSON representations of auth.md §2 (contract field names).

use serde::Serialize;
use utoipa::ToSchema;

pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_number: Option<String>,
    pub email_verified: bool,
    pub pending_email: Option<String>,
    pub is_active: bool,
    pub is_staff: bool,
    pub token_version: i64,
    pub otp_locked_until: Option<String>,
    pub last_login_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl UserRow {
    /// The name a mail to `to` greets with (mail.md: the first name, else the local part). Only the user's own
    /// verified address gets the name they typed: an address not yet verified (a registration, a new address being
    /// confirmed) gets its own local part, so that text typed by whoever registered never reaches an inbox that did
    /// not ask for it.
    pub fn mail_name(&self, to: &str) -> String {
        if self.email_verified && to.eq_ignore_ascii_case(&self.email) {
            self.display_name()
        } else {
            to.split('@').next().unwrap_or("").to_owned()
        }
    }

    /// The name shown to others (reviews): the first name, else the local part of the email.
    pub fn display_name(&self) -> String {
        if self.first_name.trim().is_empty() {
            self.email.split('@').next().unwrap_or("").to_owned()
        } else {
            self.first_name.clone()
        }
    }
}

/// The User representation.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    #[schema(format = Email)]
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_number: Option<String>,
    pub email_verified: bool,
    pub pending_email: Option<String>,
    pub is_staff: bool,
    /// ISO 8601 UTC with microseconds.
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&UserRow> for User {
    fn from(u: &UserRow) -> User {
        User {
            id: u.id,
            email: u.email.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            phone_number: u.phone_number.clone(),
            email_verified: u.email_verified,
            pending_email: u.pending_email.clone(),
            is_staff: u.is_staff,
            created_at: u.created_at.clone(),
            updated_at: u.updated_at.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub refresh_jti: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: String,
    pub last_used_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

/// The Session representation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    pub id: i64,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub is_active: bool,
    pub is_current: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_used_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

impl Session {
    pub fn from_row(s: &SessionRow, current: i64) -> Session {
        Session {
            id: s.id,
            ip_address: s.ip_address.clone(),
            user_agent: s.user_agent.clone(),
            is_active: true,
            is_current: s.id == current,
            created_at: s.created_at.clone(),
            last_used_at: s.last_used_at.clone(),
            expires_at: s.expires_at.clone(),
        }
    }
}

pub struct OtpRow {
    pub id: i64,
    pub purpose: String,
    pub target_email: String,
    pub code_hash: String,
    pub expires_at: String,
}

pub struct ResetRow {
    pub id: i64,
    pub user_id: i64,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// OTP purposes (auth.md §5).
pub const PURPOSE_EMAIL_VERIFICATION: &str = "email_verification";
pub const PURPOSE_LOGIN: &str = "login";
pub const PURPOSE_EMAIL_CHANGE: &str = "email_change";

// ---- answers ---------------------------------------------------------------------------------------------

/// `POST register`: signed in at once (OTP policy `off`), or a verification code was mailed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Registered {
    SignedIn {
        user: User,
        /// false
        otp_required: bool,
        tokens: Tokens,
    },
    CodeSent {
        user: User,
        /// true
        otp_required: bool,
        #[schema(format = Email)]
        email: String,
        detail: String,
    },
}

/// `POST login`: a code was mailed (second factor), or signed in.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoggedIn {
    CodeSent {
        /// true
        otp_required: bool,
        #[schema(format = Email)]
        email: String,
        detail: String,
    },
    SignedIn {
        /// false
        otp_required: bool,
        user: User,
        tokens: Tokens,
    },
}

/// `POST verify-otp`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OtpVerified {
    pub message: String,
    pub verified: bool,
    pub user: User,
    pub tokens: Tokens,
}

/// `POST change-password`: the new tokens of the caller's new session (every other one was revoked).
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordChanged {
    pub message: String,
    pub tokens: Tokens,
}

/// `POST validate-reset-token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetTokenCheck {
    pub valid: bool,
    pub message: String,
}

/// `DELETE sessions`: how many other sessions were revoked.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsRevoked {
    pub revoked: i64,
}

// ---- request bodies, for the OpenAPI document (parsed field by field by `service`) -------------------------

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RegisterRequest {
    #[schema(format = Email, max_length = 254)]
    email: String,
    /// 8 to 1024 characters, not only digits, not the email.
    #[schema(min_length = 8, max_length = 1024)]
    password: String,
    #[schema(min_length = 8, max_length = 1024)]
    password_confirm: String,
    #[schema(min_length = 1, max_length = 150, pattern = "\\S")]
    first_name: String,
    #[schema(min_length = 1, max_length = 150, pattern = "\\S")]
    last_name: String,
    #[schema(max_length = 20, pattern = "^([0-9 +().-]*[0-9][0-9 +().-]*)?$")]
    phone_number: Option<String>,
    #[schema(value_type = Option<crate::user_settings::model::Language>)]
    language: Option<String>,
    /// Required when the server accepts registrations by invitation only (`AUTOTRACK_SIGNUPS=invite`): the
    /// invitation code an admin created for this address.
    #[schema(max_length = 200)]
    invite_code: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LoginRequest {
    #[schema(format = Email)]
    email: String,
    #[schema(min_length = 1)]
    password: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyOtpRequest {
    #[schema(format = Email)]
    email: String,
    /// Exactly 6 digits (`code` is accepted as an alias).
    #[schema(pattern = "^[0-9]{6}$")]
    otp_code: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EmailRequest {
    #[schema(format = Email)]
    email: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RefreshRequest {
    /// A refresh token (JWT).
    #[schema(min_length = 1)]
    refresh: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LogoutRequest {
    refresh: Option<String>,
}

/// The body of `PUT me`: the profile, whole. A new `email` is only pending until confirmed with the code mailed
/// to it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ProfileReplace {
    #[schema(format = Email, max_length = 254)]
    email: String,
    #[schema(min_length = 1, max_length = 150, pattern = "\\S")]
    first_name: String,
    #[schema(min_length = 1, max_length = 150, pattern = "\\S")]
    last_name: String,
    #[schema(max_length = 20, pattern = "^([0-9 +().-]*[0-9][0-9 +().-]*)?$")]
    phone_number: Option<String>,
}

/// The body of `PATCH me`: any of the profile fields. A new `email` is only pending until confirmed with the code
/// mailed to it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ProfileRequest {
    #[schema(format = Email, max_length = 254)]
    email: Option<String>,
    #[schema(min_length = 1, max_length = 150, pattern = "\\S")]
    first_name: Option<String>,
    #[schema(min_length = 1, max_length = 150, pattern = "\\S")]
    last_name: Option<String>,
    #[schema(max_length = 20, pattern = "^([0-9 +().-]*[0-9][0-9 +().-]*)?$")]
    phone_number: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OtpCodeRequest {
    #[schema(pattern = "^[0-9]{6}$")]
    otp_code: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ChangePasswordRequest {
    #[schema(min_length = 1)]
    old_password: String,
    #[schema(min_length = 8, max_length = 1024)]
    new_password: String,
    #[schema(min_length = 8, max_length = 1024)]
    new_password_confirm: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TokenRequest {
    #[schema(min_length = 1)]
    token: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResetPasswordRequest {
    #[schema(min_length = 1)]
    token: String,
    #[schema(min_length = 8, max_length = 1024)]
    password: String,
    #[schema(min_length = 8, max_length = 1024)]
    password_confirm: String,
}
