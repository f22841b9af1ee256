//! Operator settings: clap flags, `AUTOTRACK_*` environment variables and an optional `.env` (operations.md).
//!
//! `Settings` is what clap parses; `Config` is the checked result handed to the app. Secrets accept a
//! `<NAME>_FILE` variant; generated secrets (JWT and OTP keys) live in the data directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use ipnet::IpNet;
use rand::RngCore;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OtpPolicy {
    Always,
    Optional,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    None,
}

impl SmtpSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            SmtpSecurity::Starttls => "starttls",
            SmtpSecurity::Tls => "tls",
            SmtpSecurity::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Synchronous {
    Full,
    Normal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LanguageSetting {
    En,
    Fr,
}

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

/// A throttle rate: `count` requests per `period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub count: u32,
    pub period: Duration,
}

impl Rate {
    /// Parses `<n>/<sec|min|hour|day>`; `0` (or `0/…`) disables the scope.
    pub fn parse(s: &str) -> anyhow::Result<Option<Rate>> {
        let s = s.trim();
        if s == "0" {
            return Ok(None);
        }
        let (n, unit) = s
            .split_once('/')
            .context("expected <n>/<sec|min|hour|day>")?;
        let count: u32 = n
            .trim()
            .parse()
            .context("the count must be a whole number")?;
        let secs = match unit.trim() {
            "s" | "sec" | "second" => 1,
            "m" | "min" | "minute" => 60,
            "h" | "hour" => 3600,
            "d" | "day" => 86400,
            other => bail!("unknown period {other:?}"),
        };
        Ok((count > 0).then_some(Rate {
            count,
            period: Duration::from_secs(secs),
        }))
    }
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone, Default)]
pub struct RateLimits {
    pub enabled: bool,
    pub login: Option<Rate>,
    pub register: Option<Rate>,
    pub otp_verify: Option<Rate>,
    pub otp_resend: Option<Rate>,
    pub password_reset: Option<Rate>,
    pub password_change: Option<Rate>,
    pub upload: Option<Rate>,
    pub email_change: Option<Rate>,
}

#[derive(Debug, Clone)]
pub struct JobSchedules {
    pub deliver_mail: String,
    pub maintenance_reminders: String,
    pub cleanup_notifications: String,
    pub cleanup_files: String,
    pub analyze_documents: String,
    pub cleanup_auth: String,
    pub prune_logs: String,
    pub health_probe: String,
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
    pub default_plan: String,
    pub maintenance_reminder_days: String,
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

impl Config {
    /// Checks the settings and prepares the data directory (creating generated secrets on first use). Any error
    /// carries `InvalidSettings`.
    pub fn load(s: &Settings) -> anyhow::Result<Config> {
        Config::check(s).map_err(|e| e.context(InvalidSettings))
    }

    fn check(s: &Settings) -> anyhow::Result<Config> {
        private_dir(&s.data_dir)?;
        let jwt_secret = match secret(&s.jwt_secret, &s.jwt_secret_file, "AUTOTRACK_JWT_SECRET")? {
            Some(v) => {
                if v.expose().len() < 32 {
                    bail!("AUTOTRACK_JWT_SECRET must be at least 32 bytes long");
                }
                v.expose().as_bytes().to_vec()
            }
            None => generated_key(&s.data_dir.join("jwt.key"))?,
        };
        let otp_key = generated_key(&s.data_dir.join("otp.key"))?;
        let smtp_password = secret(
            &s.smtp_password,
            &s.smtp_password_file,
            "AUTOTRACK_SMTP_PASSWORD",
        )?;
        let smtp = s
            .smtp_host
            .as_ref()
            .filter(|h| !h.trim().is_empty())
            .map(|host| SmtpConfig {
                host: host.trim().to_owned(),
                port: s.smtp_port,
                security: s.smtp_security,
                username: s.smtp_username.clone().filter(|u| !u.is_empty()),
                password: smtp_password.clone(),
            });
        s.mail_from
            .parse::<lettre::message::Mailbox>()
            .with_context(|| {
                format!(
                    "AUTOTRACK_MAIL_FROM is not a valid address: {}",
                    s.mail_from
                )
            })?;
        let support_email = match &s.support_email {
            Some(v) if !v.trim().is_empty() => v.trim().to_owned(),
            _ => address_of(&s.mail_from),
        };
        let rate = |name: &str, v: &str| {
            Rate::parse(v).with_context(|| format!("AUTOTRACK_RATE_{name}: {v:?}"))
        };
        let rate_limits = RateLimits {
            enabled: s.rate_limits == OnOff::On,
            login: rate("LOGIN", &s.rate_login)?,
            register: rate("REGISTER", &s.rate_register)?,
            otp_verify: rate("OTP_VERIFY", &s.rate_otp_verify)?,
            otp_resend: rate("OTP_RESEND", &s.rate_otp_resend)?,
            password_reset: rate("PASSWORD_RESET", &s.rate_password_reset)?,
            password_change: rate("PASSWORD_CHANGE", &s.rate_password_change)?,
            upload: rate("UPLOAD", &s.rate_upload)?,
            email_change: rate("EMAIL_CHANGE", &s.rate_email_change)?,
        };
        let trusted_proxies = s
            .trusted_proxies
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(IpNet::from))
                    .with_context(|| {
                        format!("AUTOTRACK_TRUSTED_PROXIES: {p:?} is not an IP or CIDR range")
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        crate::maintenances::jobs::parse_offsets(&s.maintenance_reminder_days)
            .context("AUTOTRACK_MAINTENANCE_REMINDER_DAYS")?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Config {
            data_dir: s.data_dir.clone(),
            listen: s.listen,
            public_url: clean_url(&s.public_url),
            frontend_url: clean_url(&s.frontend_url),
            default_language: match s.default_language {
                LanguageSetting::En => crate::i18n::Lang::En,
                LanguageSetting::Fr => crate::i18n::Lang::Fr,
            },
            jwt_secret,
            otp_key,
            otp_policy: s.otp_policy,
            default_plan: s.default_plan.trim().to_owned(),
            maintenance_reminder_days: s.maintenance_reminder_days.clone(),
            max_upload_bytes: s.max_upload_bytes,
            ocr: s.ocr == OnOff::On,
            models_dir: s.models_dir.clone(),
            analysis_workers: usize::from(s.analysis_workers),
            analysis_memory_mb: s.analysis_memory_mb,
            analysis_worker: PathBuf::from("/proc/self/exe"),
            access_token_ttl: chrono::Duration::minutes(s.access_token_minutes),
            refresh_token_ttl: chrono::Duration::days(s.refresh_token_days),
            smtp,
            mail_from: s.mail_from.clone(),
            site_name: s.site_name.clone(),
            support_email,
            db_synchronous: s.db_synchronous,
            db_readers: usize::from(s.db_readers),
            rate_limits,
            trusted_proxies,
            cors_origins: cors_origins(&s.cors_origins)?,
            hash_concurrency: s.hash_concurrency.unwrap_or(cores).max(1),
            jobs: JobSchedules {
                deliver_mail: s.job_deliver_mail.clone(),
                maintenance_reminders: s.job_maintenance_reminders.clone(),
                cleanup_notifications: s.job_cleanup_notifications.clone(),
                cleanup_files: s.job_cleanup_files.clone(),
                analyze_documents: s.job_analyze_documents.clone(),
                cleanup_auth: s.job_cleanup_auth.clone(),
                prune_logs: s.job_prune_logs.clone(),
                health_probe: s.job_health_probe.clone(),
            },
        })
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("autotrack.db")
    }

    /// Base of absolute URLs in API answers, for the address actually bound.
    pub fn public_url_for(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
    }
}

fn clean_url(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty())
}

/// The bare address of `Name <addr>` (or the whole value).
fn address_of(mailbox: &str) -> String {
    match (mailbox.find('<'), mailbox.rfind('>')) {
        (Some(a), Some(b)) if a < b => mailbox[a + 1..b].trim().to_owned(),
        _ => mailbox.trim().to_owned(),
    }
}

/// A secret from its variable or its `_FILE` variant; both at once is an error.
/// A secret setting (the JWT key, the SMTP password): `Debug` never prints it, so neither does a logged
/// settings or config struct; `expose` where it is used.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Secret, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

fn secret(
    value: &Option<Secret>,
    file: &Option<PathBuf>,
    name: &str,
) -> anyhow::Result<Option<Secret>> {
    match (value.as_ref().filter(|v| !v.0.is_empty()), file) {
        (Some(_), Some(_)) => bail!("{name} and {name}_FILE are both set; keep one"),
        (Some(v), None) => Ok(Some(v.clone())),
        (None, Some(path)) => {
            let raw = std::fs::read_to_string(path)
                .with_context(|| format!("while reading {name}_FILE"))?;
            Ok(Some(Secret(raw.trim_end_matches(['\r', '\n']).to_owned())))
        }
        (None, None) => Ok(None),
    }
}

/// The data directory, created private (0700). It holds the database, whose outbox keeps live codes and reset
/// links until they are sent: an existing directory open to other users is closed, with a warning.
fn private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("while creating the data directory {}", dir.display()))?;
    let mode = std::fs::metadata(dir)
        .with_context(|| format!("while reading the data directory {}", dir.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).with_context(|| {
            format!(
                "the data directory {} is open to other users (mode {:o}) and could not be made private",
                dir.display(),
                mode & 0o777
            )
        })?;
        tracing::warn!(path = %dir.display(), old_mode = format!("{:o}", mode & 0o777), "the data directory was open to other users; it is now private (0700)");
    }
    Ok(())
}

/// `AUTOTRACK_CORS_ORIGINS`: `*` alone (any origin: tokens travel in the Authorization header, never in cookies)
/// or origins as browsers send them, `scheme://host[:port]`. A trailing slash is dropped; anything else is an
/// error naming the value.
fn cors_origins(raw: &[String]) -> anyhow::Result<Vec<String>> {
    let items: Vec<&str> = raw
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .collect();
    if items.contains(&"*") {
        if items.len() > 1 {
            bail!(
                "AUTOTRACK_CORS_ORIGINS: \"*\" (any origin) cannot be combined with other origins"
            );
        }
        return Ok(vec!["*".to_owned()]);
    }
    items
        .into_iter()
        .map(|item| {
            let origin = item.strip_suffix('/').unwrap_or(item).to_ascii_lowercase();
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .unwrap_or("");
            let host_ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
                && !host.starts_with([':', '.', '-']);
            if !host_ok {
                bail!(
                    "AUTOTRACK_CORS_ORIGINS: {item:?} is not an origin; write scheme://host[:port], \
                     e.g. https://app.example.com (or * alone for any origin)"
                );
            }
            Ok(origin)
        })
        .collect()
}

/// Reads a 32-byte key from `path`, creating it (mode 0600) on first use.
fn generated_key(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path.exists() {
        let raw = std::fs::read_to_string(path)
            .with_context(|| format!("while reading {}", path.display()))?;
        let key = hex::decode(raw.trim())
            .with_context(|| format!("{} is not a hex key", path.display()))?;
        if key.len() < 32 {
            bail!("{} holds a key shorter than 32 bytes", path.display());
        }
        return Ok(key);
    }
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    write_private(path, &hex::encode(&key))
        .with_context(|| format!("while writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new key");
    Ok(key)
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn mailbox_address() {
        assert_eq!(
            address_of("AutoTrack <noreply@localhost>"),
            "noreply@localhost"
        );
        assert_eq!(address_of("a@b.c"), "a@b.c");
    }
}
