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
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_number: Option<String>,
    pub email_verified: bool,
    pub pending_email: Option<String>,
    pub is_staff: bool,
    /// ISO 8601 UTC with microseconds.
    pub created_at: String,
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
    pub created_at: String,
    pub last_used_at: String,
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

// ---- request bodies, for the OpenAPI document (parsed field by field by `service`) -------------------------

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RegisterRequest {
    email: String,
    password: String,
    password_confirm: String,
    first_name: String,
    last_name: String,
    phone_number: Option<String>,
    /// `en`, `fr` or `es`.
    language: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyOtpRequest {
    email: String,
    /// Exactly 6 digits (`code` is accepted as an alias).
    otp_code: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EmailRequest {
    email: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RefreshRequest {
    refresh: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LogoutRequest {
    refresh: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ProfileRequest {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone_number: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OtpCodeRequest {
    otp_code: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ChangePasswordRequest {
    old_password: String,
    new_password: String,
    new_password_confirm: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TokenRequest {
    token: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResetPasswordRequest {
    token: String,
    password: String,
    password_confirm: String,
}
