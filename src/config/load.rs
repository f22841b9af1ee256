//! From `Settings` to a checked `Config`: every value checked once, the data directory prepared, generated secrets
//! created on first use.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use ipnet::IpNet;

use super::files::{generated_key, private_dir};
use super::*;

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
                    let from = match &s.jwt_secret_file {
                        Some(path) => {
                            format!(" (read from AUTOTRACK_JWT_SECRET_FILE={})", path.display())
                        }
                        None => String::new(),
                    };
                    bail!(
                        "AUTOTRACK_JWT_SECRET{from} is {} bytes long; it must be at least 32 (e.g. the output of \
                         `openssl rand -hex 32`), or leave it unset and a key is generated into the data directory",
                        v.expose().len()
                    );
                }
                v.expose().as_bytes().to_vec()
            }
            None => generated_key(&s.data_dir.join("jwt.key"))?,
        };
        let otp_key = generated_key(&s.data_dir.join("otp.key"))?;
        let webhook_secrets = secret(
            &s.stripe_webhook_secret,
            &s.stripe_webhook_secret_file,
            "AUTOTRACK_STRIPE_WEBHOOK_SECRET",
        )?
        .map(|all| {
            all.expose()
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(Secret::new)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
        if webhook_secrets.len() > 2 {
            bail!(
                "AUTOTRACK_STRIPE_WEBHOOK_SECRET holds {} secrets; give one, or two during a rotation",
                webhook_secrets.len()
            );
        }
        let stripe = StripeConfig {
            secret_key: secret(
                &s.stripe_secret_key,
                &s.stripe_secret_key_file,
                "AUTOTRACK_STRIPE_SECRET_KEY",
            )?,
            webhook_secrets,
            api_base: clean_url(
                "AUTOTRACK_STRIPE_API_BASE",
                &Some(s.stripe_api_base.clone()),
            )?
            .unwrap_or_default(),
        };
        if let Some(key) = &stripe.secret_key
            && !(key.expose().starts_with("sk_") || key.expose().starts_with("rk_"))
        {
            bail!(
                "AUTOTRACK_STRIPE_SECRET_KEY is not a Stripe secret key: it starts with sk_ or rk_ (a publishable pk_ key cannot be used here)"
            );
        }
        let ai = match clean_url("AUTOTRACK_AI_BASE_URL", &s.ai.ai_base_url)? {
            None => None,
            Some(base_url) => {
                let model = s.ai.ai_model.clone().filter(|m| !m.trim().is_empty()).with_context(|| {
                    "AUTOTRACK_AI_BASE_URL is set without AUTOTRACK_AI_MODEL: name the model to use"
                })?;
                if s.ai.ai_timeout_seconds == 0 || s.ai.ai_timeout_seconds > 600 {
                    bail!("AUTOTRACK_AI_TIMEOUT_SECONDS must be between 1 and 600");
                }
                Some(AiConfig {
                    base_url,
                    api_key: secret(
                        &s.ai.ai_api_key,
                        &s.ai.ai_api_key_file,
                        "AUTOTRACK_AI_API_KEY",
                    )?,
                    model: model.trim().to_owned(),
                    timeout: std::time::Duration::from_secs(s.ai.ai_timeout_seconds),
                })
            }
        };
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
            assistant: rate("ASSISTANT", &s.rate_assistant)?,
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
        let maintenance_reminder_days = parse_offsets(&s.maintenance_reminder_days)
            .context("AUTOTRACK_MAINTENANCE_REMINDER_DAYS")?;
        let job = |name: &str, expr: &str| {
            parse_schedule(expr).with_context(|| format!("AUTOTRACK_JOB_{}", name.to_uppercase()))
        };
        let signups = signup_policy(s.signups, &s.signup_domains)?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Config {
            data_dir: s.data_dir.clone(),
            listen: s.listen,
            public_url: clean_url("AUTOTRACK_PUBLIC_URL", &s.public_url)?,
            frontend_url: clean_url("AUTOTRACK_FRONTEND_URL", &s.frontend_url)?,
            default_language: match s.default_language {
                LanguageSetting::En => crate::i18n::Lang::En,
                LanguageSetting::Fr => crate::i18n::Lang::Fr,
            },
            jwt_secret,
            otp_key,
            otp_policy: s.otp_policy,
            signups,
            default_plan: s.default_plan.trim().to_owned(),
            maintenance_reminder_days,
            max_upload_bytes: s.max_upload_bytes,
            ocr: s.ocr == OnOff::On,
            models_dir: s.models_dir.clone(),
            analysis_workers: usize::from(s.analysis_workers),
            analysis_memory_mb: s.analysis_memory_mb,
            analysis_worker: PathBuf::from("/proc/self/exe"),
            access_token_ttl: chrono::Duration::minutes(s.access_token_minutes),
            refresh_token_ttl: chrono::Duration::days(s.refresh_token_days),
            smtp,
            stripe,
            ai,
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
                deliver_mail: job("deliver_mail", &s.job_deliver_mail)?,
                maintenance_reminders: job("maintenance_reminders", &s.job_maintenance_reminders)?,
                expire_subscriptions: job("expire_subscriptions", &s.job_expire_subscriptions)?,
                renewal_reminders: job("renewal_reminders", &s.job_renewal_reminders)?,
                stripe_reconcile: job("stripe_reconcile", &s.job_stripe_reconcile)?,
                cleanup_notifications: job("cleanup_notifications", &s.job_cleanup_notifications)?,
                cleanup_files: job("cleanup_files", &s.job_cleanup_files)?,
                analyze_documents: job("analyze_documents", &s.job_analyze_documents)?,
                cleanup_auth: job("cleanup_auth", &s.job_cleanup_auth)?,
                prune_logs: job("prune_logs", &s.job_prune_logs)?,
                health_probe: job("health_probe", &s.job_health_probe)?,
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

/// A base URL without its trailing slash; it must be absolute http(s) with a host, since it prefixes links that
/// leave the server (`next`, `file_url`, links in mails).
pub(super) fn clean_url(name: &str, v: &Option<String>) -> anyhow::Result<Option<String>> {
    let Some(u) = v
        .as_ref()
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty())
    else {
        return Ok(None);
    };
    let host = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .map(|rest| rest.split('/').next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => Ok(Some(u)),
        _ => bail!(
            "{name}: {u:?} is not an absolute http(s) URL (example: {name}=https://autotrack.example.com)"
        ),
    }
}

/// The bare address of `Name <addr>` (or the whole value).
pub(super) fn address_of(mailbox: &str) -> String {
    match (mailbox.find('<'), mailbox.rfind('>')) {
        (Some(a), Some(b)) if a < b => mailbox[a + 1..b].trim().to_owned(),
        _ => mailbox.trim().to_owned(),
    }
}

/// A secret from its variable or its `_FILE` variant; both at once is an error.
pub(super) fn secret(
    value: &Option<Secret>,
    file: &Option<PathBuf>,
    name: &str,
) -> anyhow::Result<Option<Secret>> {
    match (value.as_ref().filter(|v| !v.expose().is_empty()), file) {
        (Some(_), Some(_)) => bail!("{name} and {name}_FILE are both set; keep one"),
        (Some(v), None) => Ok(Some(v.clone())),
        (None, Some(path)) => {
            let raw = std::fs::read_to_string(path)
                .with_context(|| format!("while reading {name}_FILE={}", path.display()))?;
            Ok(Some(Secret::new(raw.trim_end_matches(['\r', '\n']))))
        }
        (None, None) => Ok(None),
    }
}

/// `AUTOTRACK_CORS_ORIGINS`: `*` alone (any origin: tokens travel in the Authorization header, never in cookies)
/// or origins as browsers send them, `scheme://host[:port]`. A trailing slash is dropped; anything else is an
/// error naming the value.
pub(super) fn cors_origins(raw: &[String]) -> anyhow::Result<Vec<String>> {
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

/// `AUTOTRACK_SIGNUPS` with its domains: `domains` needs at least one, each a plain domain name (a leading `@` is
/// dropped); domains given with another policy would do nothing, which is refused rather than ignored.
pub(super) fn signup_policy(mode: Signups, domains: &[String]) -> anyhow::Result<SignupPolicy> {
    let domains: Vec<String> = domains
        .iter()
        .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .collect();
    for d in &domains {
        let plain = d.contains('.')
            && d.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !plain {
            bail!(
                "AUTOTRACK_SIGNUP_DOMAINS: {d:?} is not a domain name (example: AUTOTRACK_SIGNUP_DOMAINS=example.com,garage.fr)"
            );
        }
    }
    Ok(match mode {
        Signups::Domains if domains.is_empty() => bail!(
            "AUTOTRACK_SIGNUPS=domains needs AUTOTRACK_SIGNUP_DOMAINS (example: AUTOTRACK_SIGNUP_DOMAINS=example.com)"
        ),
        Signups::Domains => SignupPolicy::Domains(domains),
        _ if !domains.is_empty() => bail!(
            "AUTOTRACK_SIGNUP_DOMAINS is set but AUTOTRACK_SIGNUPS is not `domains`: set AUTOTRACK_SIGNUPS=domains, or unset the domains"
        ),
        Signups::Open => SignupPolicy::Open,
        Signups::Closed => SignupPolicy::Closed,
        Signups::Invite => SignupPolicy::Invite,
    })
}
