//! In-memory throttles (README §11): token buckets per scope and key (client IP, account), capacity = the
//! rate's count, refilled evenly over its period.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::{Rate, RateLimits};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Login,
    Register,
    OtpVerify,
    OtpResend,
    PasswordReset,
    PasswordChange,
    Upload,
    Assistant,
    EmailChange,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct Throttles {
    limits: RateLimits,
    buckets: Mutex<HashMap<(Scope, String), Bucket>>,
}

/// Buckets kept before full (idle) ones are dropped, so memory stays bounded under key floods.
const MAX_BUCKETS: usize = 100_000;

impl Throttles {
    pub fn new(limits: RateLimits) -> Throttles {
        if !limits.enabled {
            tracing::warn!("AUTOTRACK_RATE_LIMITS=off: every throttle is disabled");
        }
        Throttles {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn rate(&self, scope: Scope) -> Option<Rate> {
        if !self.limits.enabled {
            return None;
        }
        match scope {
            Scope::Login => self.limits.login,
            Scope::Register => self.limits.register,
            Scope::OtpVerify => self.limits.otp_verify,
            Scope::OtpResend => self.limits.otp_resend,
            Scope::PasswordReset => self.limits.password_reset,
            Scope::PasswordChange => self.limits.password_change,
            Scope::Upload => self.limits.upload,
            Scope::Assistant => self.limits.assistant,
            Scope::EmailChange => self.limits.email_change,
        }
    }

    /// Makes room under a flood of keys: drops the buckets that have refilled (by their own scope's rate), then,
    /// if fewer than half went, the least recently used down to half. Each pass frees at least half the map, so
    /// the scan runs once per `MAX_BUCKETS / 2` new keys at most, not on every request of a flood.
    fn evict(&self, buckets: &mut HashMap<(Scope, String), Bucket>, now: Instant) {
        buckets.retain(|(scope, _), b| match self.rate(*scope) {
            Some(rate) => {
                let cap = f64::from(rate.count);
                let refill =
                    now.duration_since(b.updated).as_secs_f64() * cap / rate.period.as_secs_f64();
                b.tokens + refill < cap
            }
            None => false,
        });
        if buckets.len() > MAX_BUCKETS / 2 {
            let mut ages: Vec<Instant> = buckets.values().map(|b| b.updated).collect();
            let cut = ages.len() - MAX_BUCKETS / 2;
            let (_, oldest_kept, _) = ages.select_nth_unstable(cut);
            let oldest_kept = *oldest_kept;
            buckets.retain(|_, b| b.updated >= oldest_kept);
        }
        tracing::debug!(buckets = buckets.len(), "throttle buckets evicted");
    }

    /// Takes one token from the bucket of every key (e.g. `ip:…`, `acct:…`), or none when one is empty:
    /// then 429 `throttled` with the seconds until that bucket has a token again.
    pub fn check(&self, scope: Scope, keys: &[String]) -> AppResult<()> {
        let Some(rate) = self.rate(scope) else {
            return Ok(());
        };
        let capacity = f64::from(rate.count);
        let per_sec = capacity / rate.period.as_secs_f64();
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .map_err(|_| AppError::internal(anyhow::anyhow!("throttle lock poisoned")))?;
        if buckets.len() >= MAX_BUCKETS {
            self.evict(&mut buckets, now);
        }
        let mut wait: f64 = 0.0;
        for key in keys {
            let b = buckets.entry((scope, key.clone())).or_insert(Bucket {
                tokens: capacity,
                updated: now,
            });
            b.tokens =
                (b.tokens + now.duration_since(b.updated).as_secs_f64() * per_sec).min(capacity);
            b.updated = now;
            if b.tokens < 1.0 {
                wait = wait.max((1.0 - b.tokens) / per_sec);
            }
        }
        if wait > 0.0 {
            return Err(AppError::throttled(wait.ceil() as u64));
        }
        for key in keys {
            if let Some(b) = buckets.get_mut(&(scope, key.clone())) {
                b.tokens -= 1.0;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn eviction_keeps_the_drained_buckets_of_slow_scopes_and_bounds_the_map() {
        let limits = RateLimits {
            enabled: true,
            login: Some(Rate {
                count: 1000,
                period: Duration::from_secs(1),
            }),
            password_reset: Some(Rate {
                count: 1,
                period: Duration::from_secs(3600),
            }),
            ..RateLimits::default()
        };
        let t = Throttles::new(limits);
        let victim = vec!["acct:victim".to_owned()];
        t.check(Scope::PasswordReset, &victim).unwrap();
        // A flood of fast-scope keys fills the map; eviction must judge the slow bucket by its own rate.
        for i in 0..MAX_BUCKETS + 10 {
            t.check(Scope::Login, &[format!("ip:{i}")]).unwrap();
        }
        assert!(t.buckets.lock().unwrap().len() <= MAX_BUCKETS);
        assert_eq!(
            t.check(Scope::PasswordReset, &victim).unwrap_err().code,
            "throttled"
        );
    }

    #[test]
    fn bucket_empties_then_refuses() {
        let limits = RateLimits {
            enabled: true,
            login: Some(Rate {
                count: 3,
                period: Duration::from_secs(60),
            }),
            ..RateLimits::default()
        };
        let t = Throttles::new(limits);
        let keys = vec!["ip:1".to_owned(), "acct:a".to_owned()];
        for _ in 0..3 {
            t.check(Scope::Login, &keys).unwrap();
        }
        let err = t.check(Scope::Login, &keys).unwrap_err();
        assert_eq!(err.code, "throttled");
        // Another account from the same IP is refused too (the IP bucket is empty).
        assert!(
            t.check(Scope::Login, &["ip:1".to_owned(), "acct:b".to_owned()])
                .is_err()
        );
        // Another IP for another account is fine; scopes without a rate never refuse.
        assert!(
            t.check(Scope::Login, &["ip:2".to_owned(), "acct:c".to_owned()])
                .is_ok()
        );
        assert!(t.check(Scope::Register, &keys).is_ok());
    }
}
