//! The value types of the settings: policies and modes, rates, the SMTP server, job schedules, secrets.

use croner::Cron;
use croner::parser::{CronParser, Seconds};

use std::time::Duration;

use anyhow::{Context, bail};
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OtpPolicy {
    Always,
    Optional,
    Off,
}

/// `AUTOTRACK_SIGNUPS` (auth.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Signups {
    Open,
    Closed,
    Domains,
    Invite,
}

/// Who may register, as checked: `Domains` holds the allowed domains, lower-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignupPolicy {
    Open,
    Closed,
    Domains(Vec<String>),
    Invite,
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

/// Stripe: the API key (billing is configured when it is set), the webhook signing secrets, the API base URL.
/// The optional OpenAI-compatible provider of the assistant (assistant.md §6).
#[derive(Debug, Clone)]
pub struct AiConfig {
    /// Without a trailing slash.
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub model: String,
    pub timeout: std::time::Duration,
}

#[derive(Debug, Clone, Default)]
pub struct StripeConfig {
    pub secret_key: Option<Secret>,
    pub webhook_secrets: Vec<Secret>,
    /// Without a trailing slash.
    pub api_base: String,
}

impl StripeConfig {
    pub fn configured(&self) -> bool {
        self.secret_key.is_some()
    }

    /// Live mode of the key (`sk_live_…`, `rk_live_…`); `None` without a key.
    pub fn live(&self) -> Option<bool> {
        let key = self.secret_key.as_ref()?.expose();
        Some(key.starts_with("sk_live_") || key.starts_with("rk_live_"))
    }
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
    pub assistant: Option<Rate>,
    pub email_change: Option<Rate>,
}

#[derive(Debug, Clone)]
pub struct JobSchedules {
    pub deliver_mail: Option<Cron>,
    pub maintenance_reminders: Option<Cron>,
    pub expire_subscriptions: Option<Cron>,
    pub renewal_reminders: Option<Cron>,
    pub stripe_reconcile: Option<Cron>,
    pub cleanup_notifications: Option<Cron>,
    pub cleanup_files: Option<Cron>,
    pub analyze_documents: Option<Cron>,
    pub cleanup_auth: Option<Cron>,
    pub prune_logs: Option<Cron>,
    pub health_probe: Option<Cron>,
}

/// A job's schedule (cron, 5 or 6 fields), or `None` when the expression is empty (the job is disabled).
pub fn parse_schedule(expr: &str) -> anyhow::Result<Option<Cron>> {
    let expr = expr.trim();
    if expr.is_empty() {
        return Ok(None);
    }
    let parser = CronParser::builder().seconds(Seconds::Optional).build();
    Ok(Some(parser.parse(expr).map_err(|e| {
        anyhow::anyhow!("invalid schedule {expr:?}: {e}")
    })?))
}

/// Reminder offsets in days, largest first (`AUTOTRACK_MAINTENANCE_REMINDER_DAYS`, default `7,1`).
pub fn parse_offsets(raw: &str) -> anyhow::Result<Vec<i64>> {
    let mut days: Vec<i64> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| anyhow::anyhow!("{s:?} is not a whole number of days"))
        })
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(
        days.iter().all(|d| (1..=365).contains(d)),
        "reminder days must be between 1 and 365"
    );
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(days)
}

/// A secret setting (the JWT key, the SMTP password): `Debug` never prints it, so neither does a logged
/// settings or config struct; `expose` where it is used.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: &str) -> Secret {
        Secret(value.to_owned())
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_with_optional_seconds() {
        assert!(parse_schedule("*/15 * * * * *").unwrap().is_some());
        assert!(parse_schedule("0 2 * * *").unwrap().is_some());
        assert!(parse_schedule("  ").unwrap().is_none());
        assert!(parse_schedule("every day").is_err());
    }

    #[test]
    fn reminder_offsets() {
        assert_eq!(parse_offsets("1, 7").unwrap(), vec![7, 1]);
        assert_eq!(parse_offsets("7,1,7").unwrap(), vec![7, 1]);
        assert!(parse_offsets("0").is_err() && parse_offsets("x").is_err());
    }
}
