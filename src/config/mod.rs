//! Operator settings: clap flags, `AUTOTRACK_*` environment variables and an optional `.env` (operations.md).
//!
//! `Settings` is what clap parses; `Config` is the checked result handed to the app. Secrets accept a
//! `<NAME>_FILE` variant; generated secrets (JWT and OTP keys) live in the data directory.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use ipnet::IpNet;

mod ai;
pub mod env_file;
mod files;
mod load;
mod values;

pub use ai::AiSettings;
pub use files::{absolute, existing_installation, lock_for_serve};
pub use values::*;

/// Every setting, as flags and `AUTOTRACK_*` variables. Doc comments are the `--help` text.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database, uploaded files, generated secrets and backups live here.
    #[arg(long, env = "AUTOTRACK_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Address and port of the HTTP API (port 0 picks a free port; the chosen address is logged).
    #[arg(long, env = "AUTOTRACK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Base of absolute URLs in API responses (default: http://<listen>).
    #[arg(long, env = "AUTOTRACK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Base of user-facing links in mails (the web app's origin; default: the public URL).
    #[arg(long, env = "AUTOTRACK_FRONTEND_URL")]
    pub frontend_url: Option<String>,

    /// Language of answers when neither the user nor Accept-Language chooses one.
    #[arg(
        long,
        env = "AUTOTRACK_DEFAULT_LANGUAGE",
        value_enum,
        default_value = "en"
    )]
    pub default_language: LanguageSetting,

    /// HS256 signing key for tokens, at least 32 bytes (default: generated once into the data dir).
    #[arg(long, env = "AUTOTRACK_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// File holding the JWT signing key (instead of AUTOTRACK_JWT_SECRET).
    #[arg(long, env = "AUTOTRACK_JWT_SECRET_FILE")]
    pub jwt_secret_file: Option<PathBuf>,

    /// Second factor at login: always, optional (per-user setting) or off.
    #[arg(
        long,
        env = "AUTOTRACK_OTP_POLICY",
        value_enum,
        default_value = "always"
    )]
    pub otp_policy: OtpPolicy,

    /// Who may register: open, closed, domains (AUTOTRACK_SIGNUP_DOMAINS) or invite (`autotrack invite create`).
    #[arg(long, env = "AUTOTRACK_SIGNUPS", value_enum, default_value = "open")]
    pub signups: Signups,

    /// Email domains allowed to register when AUTOTRACK_SIGNUPS=domains, comma-separated.
    #[arg(long, env = "AUTOTRACK_SIGNUP_DOMAINS", value_delimiter = ',')]
    pub signup_domains: Vec<String>,

    /// Lifetime of access tokens, in minutes.
    #[arg(long, env = "AUTOTRACK_ACCESS_TOKEN_MINUTES", default_value_t = 15, value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub access_token_minutes: i64,

    /// Lifetime of refresh tokens and sessions, in days.
    #[arg(long, env = "AUTOTRACK_REFRESH_TOKEN_DAYS", default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub refresh_token_days: i64,

    /// Plan code of new users and fallback when a subscription ends (must exist and be active).
    #[arg(long, env = "AUTOTRACK_DEFAULT_PLAN", default_value = "free")]
    pub default_plan: String,

    /// Days before a scheduled maintenance when its owner is reminded, comma-separated.
    #[arg(
        long,
        env = "AUTOTRACK_MAINTENANCE_REMINDER_DAYS",
        default_value = "7,1"
    )]
    pub maintenance_reminder_days: String,

    /// Offline text recognition of uploaded images and scanned PDFs: on or off.
    #[arg(long, env = "AUTOTRACK_OCR", value_enum, default_value = "on")]
    pub ocr: OnOff,

    /// Read the OCR model files from this directory (default: the models embedded in the binary).
    #[arg(long, env = "AUTOTRACK_MODELS_DIR")]
    pub models_dir: Option<PathBuf>,

    /// Documents analysed at the same time.
    #[arg(long, env = "AUTOTRACK_ANALYSIS_WORKERS", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub analysis_workers: u16,

    /// Memory one document analysis may use, in MiB: the address-space limit of the worker process that parses the file (its program and models included).
    #[arg(long, env = "AUTOTRACK_ANALYSIS_MEMORY_MB", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(256..=65_536))]
    pub analysis_memory_mb: u64,

    /// Largest accepted upload, in bytes.
    #[arg(long, env = "AUTOTRACK_MAX_UPLOAD_BYTES", default_value_t = 10_485_760, value_parser = clap::value_parser!(u64).range(1..=1_073_741_824))]
    pub max_upload_bytes: u64,

    /// SMTP server host (unset: mail waits in the outbox).
    #[arg(long, env = "AUTOTRACK_SMTP_HOST")]
    pub smtp_host: Option<String>,

    /// SMTP server port.
    #[arg(long, env = "AUTOTRACK_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,

    /// SMTP transport security: starttls, tls or none.
    #[arg(
        long,
        env = "AUTOTRACK_SMTP_SECURITY",
        value_enum,
        default_value = "starttls"
    )]
    pub smtp_security: SmtpSecurity,

    /// SMTP user name.
    #[arg(long, env = "AUTOTRACK_SMTP_USERNAME")]
    pub smtp_username: Option<String>,

    /// SMTP password.
    #[arg(long, env = "AUTOTRACK_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<Secret>,

    /// File holding the SMTP password.
    #[arg(long, env = "AUTOTRACK_SMTP_PASSWORD_FILE")]
    pub smtp_password_file: Option<PathBuf>,

    /// Stripe secret API key, `sk_…` or `rk_…` (unset: billing is not configured and paid changes answer 503).
    #[arg(long, env = "AUTOTRACK_STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<Secret>,

    /// File holding the Stripe secret API key.
    #[arg(long, env = "AUTOTRACK_STRIPE_SECRET_KEY_FILE")]
    pub stripe_secret_key_file: Option<PathBuf>,

    /// Stripe webhook signing secret (`whsec_…`); two, comma-separated, during a rotation.
    #[arg(long, env = "AUTOTRACK_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<Secret>,

    /// File holding the Stripe webhook signing secret(s).
    #[arg(long, env = "AUTOTRACK_STRIPE_WEBHOOK_SECRET_FILE")]
    pub stripe_webhook_secret_file: Option<PathBuf>,

    /// Base URL of the Stripe API (tests point it at a local Stripe-compatible server).
    #[arg(
        long,
        env = "AUTOTRACK_STRIPE_API_BASE",
        default_value = "https://api.stripe.com"
    )]
    pub stripe_api_base: String,

    /// The assistant's optional provider.
    #[command(flatten)]
    pub ai: AiSettings,

    /// Sender of every mail.
    #[arg(
        long,
        env = "AUTOTRACK_MAIL_FROM",
        default_value = "AutoTrack <noreply@localhost>"
    )]
    pub mail_from: String,

    /// Product name shown in mails.
    #[arg(long, env = "AUTOTRACK_SITE_NAME", default_value = "AutoTrack")]
    pub site_name: String,

    /// Support address shown in mails (default: the MAIL_FROM address).
    #[arg(long, env = "AUTOTRACK_SUPPORT_EMAIL")]
    pub support_email: Option<String>,

    /// SQLite synchronous level: full or normal.
    #[arg(
        long,
        env = "AUTOTRACK_DB_SYNCHRONOUS",
        value_enum,
        default_value = "full"
    )]
    pub db_synchronous: Synchronous,

    /// Read-only database connections serving concurrent reads.
    #[arg(long, env = "AUTOTRACK_DB_READERS", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub db_readers: u16,

    /// Throttles: on, or off (benchmarks only; logged as a warning).
    #[arg(long, env = "AUTOTRACK_RATE_LIMITS", value_enum, default_value = "on")]
    pub rate_limits: OnOff,

    /// Rate of the login scope, per IP and per account: <n>/<sec|min|hour|day>, 0 disables.
    #[arg(long, env = "AUTOTRACK_RATE_LOGIN", default_value = "10/min")]
    pub rate_login: String,
    /// Rate of the register scope.
    #[arg(long, env = "AUTOTRACK_RATE_REGISTER", default_value = "10/min")]
    pub rate_register: String,
    /// Rate of OTP verification (verify-otp, confirm-email-change).
    #[arg(long, env = "AUTOTRACK_RATE_OTP_VERIFY", default_value = "5/min")]
    pub rate_otp_verify: String,
    /// Rate of resend-otp.
    #[arg(long, env = "AUTOTRACK_RATE_OTP_RESEND", default_value = "3/min")]
    pub rate_otp_resend: String,
    /// Rate of the password reset endpoints (one bucket).
    #[arg(long, env = "AUTOTRACK_RATE_PASSWORD_RESET", default_value = "5/hour")]
    pub rate_password_reset: String,
    /// Rate of uploads and analysis requests, per user.
    #[arg(long, env = "AUTOTRACK_RATE_UPLOAD", default_value = "30/min")]
    pub rate_upload: String,
    /// Rate of assistant requests (assistant actions, send_message, diagnostic analysis), per user.
    #[arg(long, env = "AUTOTRACK_RATE_ASSISTANT", default_value = "20/min")]
    pub rate_assistant: String,
    /// Rate of password checks of a signed-in user (change-password, turning two-factor login off), one bucket per user.
    #[arg(
        long,
        env = "AUTOTRACK_RATE_PASSWORD_CHANGE",
        default_value = "10/hour"
    )]
    pub rate_password_change: String,
    /// Rate of email changes that mail a code, per user and per new address.
    #[arg(long, env = "AUTOTRACK_RATE_EMAIL_CHANGE", default_value = "5/hour")]
    pub rate_email_change: String,

    /// Proxies (IPs or CIDR ranges, comma-separated) whose X-Forwarded-For is believed.
    #[arg(long, env = "AUTOTRACK_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,

    /// Allowed browser origins for CORS, comma-separated, each `scheme://host[:port]`, or `*` alone for any origin (none: no CORS headers); a malformed origin stops the start with exit code 2.
    #[arg(long, env = "AUTOTRACK_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Log format: pretty or json (default: pretty on a terminal, else json).
    #[arg(long, env = "AUTOTRACK_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,

    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(long, env = "AUTOTRACK_LOG", default_value = "info")]
    pub log: String,

    /// Concurrent password hashings (argon2id uses 19 MiB each; default: the number of cores).
    #[arg(long, env = "AUTOTRACK_HASH_CONCURRENCY")]
    pub hash_concurrency: Option<usize>,

    /// Schedule of the deliver_mail job (cron with seconds, UTC; empty disables).
    #[arg(
        long,
        env = "AUTOTRACK_JOB_DELIVER_MAIL",
        default_value = "*/15 * * * * *"
    )]
    pub job_deliver_mail: String,
    /// Schedule of the cleanup_auth job.
    #[arg(
        long,
        env = "AUTOTRACK_JOB_CLEANUP_AUTH",
        default_value = "0 0 2 * * *"
    )]
    pub job_cleanup_auth: String,
    /// Schedule of the prune_logs job.
    #[arg(long, env = "AUTOTRACK_JOB_PRUNE_LOGS", default_value = "0 30 4 * * *")]
    pub job_prune_logs: String,
    /// Schedule of the maintenance_reminders job.
    #[arg(
        long,
        env = "AUTOTRACK_JOB_MAINTENANCE_REMINDERS",
        default_value = "0 0 8 * * *"
    )]
    pub job_maintenance_reminders: String,
    /// Schedule of the expire_subscriptions job (locally managed subscriptions past their period end).
    #[arg(
        long,
        env = "AUTOTRACK_JOB_EXPIRE_SUBSCRIPTIONS",
        default_value = "0 5 * * * *"
    )]
    pub job_expire_subscriptions: String,
    /// Schedule of the renewal_reminders job (7 days and 1 day before a subscription's period end).
    #[arg(
        long,
        env = "AUTOTRACK_JOB_RENEWAL_REMINDERS",
        default_value = "0 0 9 * * *"
    )]
    pub job_renewal_reminders: String,
    /// Schedule of the stripe_reconcile job (runs only when a Stripe secret key is set).
    #[arg(
        long,
        env = "AUTOTRACK_JOB_STRIPE_RECONCILE",
        default_value = "0 30 3 * * *"
    )]
    pub job_stripe_reconcile: String,
    /// Schedule of the cleanup_notifications job.
    #[arg(
        long,
        env = "AUTOTRACK_JOB_CLEANUP_NOTIFICATIONS",
        default_value = "0 0 4 * * Sun"
    )]
    pub job_cleanup_notifications: String,
    /// Schedule of the analyze_documents job (it is also woken at once by new uploads).
    #[arg(
        long,
        env = "AUTOTRACK_JOB_ANALYZE_DOCUMENTS",
        default_value = "*/5 * * * * *"
    )]
    pub job_analyze_documents: String,
    /// Schedule of the cleanup_files job.
    #[arg(
        long,
        env = "AUTOTRACK_JOB_CLEANUP_FILES",
        default_value = "0 0 3 * * *"
    )]
    pub job_cleanup_files: String,
    /// Schedule of the health_probe job.
    #[arg(
        long,
        env = "AUTOTRACK_JOB_HEALTH_PROBE",
        default_value = "0 0 * * * *"
    )]
    pub job_health_probe: String,
}

/// The checked configuration. Secrets are never printed: `Debug` is implemented by hand.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub public_url: Option<String>,
    pub frontend_url: Option<String>,
    pub default_language: crate::i18n::Lang,
    pub jwt_secret: Vec<u8>,
    pub otp_key: Vec<u8>,
    pub otp_policy: OtpPolicy,
    pub signups: SignupPolicy,
    pub default_plan: String,
    /// Days before a scheduled maintenance when its reminder goes out, largest first.
    pub maintenance_reminder_days: Vec<i64>,
    pub max_upload_bytes: u64,
    pub ocr: bool,
    pub models_dir: Option<PathBuf>,
    pub analysis_workers: usize,
    pub analysis_memory_mb: u64,
    /// The program run as the analysis worker: this very binary (`/proc/self/exe` stays the running one even
    /// when an upgrade replaces the file); the in-process test server points it at the built binary.
    pub analysis_worker: PathBuf,
    pub access_token_ttl: chrono::Duration,
    pub refresh_token_ttl: chrono::Duration,
    pub smtp: Option<SmtpConfig>,
    pub stripe: StripeConfig,
    /// The assistant's provider, when configured.
    pub ai: Option<AiConfig>,
    pub mail_from: String,
    pub site_name: String,
    pub support_email: String,
    pub db_synchronous: Synchronous,
    pub db_readers: usize,
    pub rate_limits: RateLimits,
    pub trusted_proxies: Vec<IpNet>,
    pub cors_origins: Vec<String>,
    pub hash_concurrency: usize,
    pub jobs: JobSchedules,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("otp_policy", &self.otp_policy)
            .field("smtp_host", &self.smtp.as_ref().map(|s| &s.host))
            .finish_non_exhaustive()
    }
}

/// Marks an error as bad settings: the binary exits with code 2 (the usage-error code clap uses too).
#[derive(Debug)]
pub struct InvalidSettings;

impl std::fmt::Display for InvalidSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid settings")
    }
}

impl std::error::Error for InvalidSettings {}

#[cfg(test)]
mod tests {
    use super::load::*;
    use super::*;
    use std::time::Duration;

    #[test]
    fn secrets_never_print() {
        let s: Secret = "hunter2-smtp-password".parse().unwrap();
        let smtp = SmtpConfig {
            host: "smtp.example".into(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: Some("me".into()),
            password: Some(s.clone()),
        };
        assert!(!format!("{smtp:?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-smtp-password");
    }

    #[test]
    fn rates_parse() {
        assert_eq!(
            Rate::parse("10/min").unwrap(),
            Some(Rate {
                count: 10,
                period: Duration::from_secs(60)
            })
        );
        assert_eq!(
            Rate::parse("5/hour").unwrap().unwrap().period,
            Duration::from_secs(3600)
        );
        assert_eq!(Rate::parse("0").unwrap(), None);
        assert!(Rate::parse("ten/min").is_err());
        assert!(Rate::parse("10/fortnight").is_err());
    }

    #[test]
    fn signup_domains_are_checked() {
        let d = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            signup_policy(Signups::Domains, &d(&[" @Garage.FR", "example.com"])).unwrap(),
            SignupPolicy::Domains(d(&["garage.fr", "example.com"]))
        );
        assert!(signup_policy(Signups::Domains, &[]).is_err());
        assert!(signup_policy(Signups::Domains, &d(&["not a domain"])).is_err());
        assert!(signup_policy(Signups::Domains, &d(&["localhost"])).is_err());
        // Domains with another policy would silently do nothing.
        assert!(signup_policy(Signups::Open, &d(&["example.com"])).is_err());
        assert_eq!(
            signup_policy(Signups::Closed, &[]).unwrap(),
            SignupPolicy::Closed
        );
    }

    #[test]
    fn mailbox_address() {
        assert_eq!(
            address_of("AutoTrack <noreply@localhost>"),
            "noreply@localhost"
        );
        assert_eq!(address_of("a@b.c"), "a@b.c");
    }
}
