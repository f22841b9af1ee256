//! argon2id password hashing on the blocking pool, with bounded concurrency (each hash uses 19 MiB).

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};
use crate::telemetry::spawn_blocking_in_span;

/// OWASP parameters (auth.md §3): m = 19456 KiB, t = 2, p = 1.
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// The PHC prefix of a hash made with the current parameters; anything else is re-hashed at login.
const CURRENT_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

#[derive(Clone)]
pub struct PasswordHasher {
    gate: Arc<Semaphore>,
    /// A hash of a random password, verified against when the email is unknown so timing reveals nothing.
    dummy: Arc<OnceLock<String>>,
}

fn argon2() -> AppResult<Argon2<'static>> {
    let params = Params::new(M_COST, T_COST, P_COST, None)
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> PasswordHasher {
        PasswordHasher {
            gate: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy: Arc::new(OnceLock::new()),
        }
    }

    pub async fn hash(&self, password: String) -> AppResult<String> {
        let _permit = self.gate.acquire().await.map_err(AppError::internal)?;
        spawn_blocking_in_span(move || {
            let hash = argon2()?
                .hash_password(password.as_bytes())
                .map_err(|e| AppError::internal(anyhow::anyhow!("password hashing failed: {e}")))?;
            Ok(hash.to_string())
        })
        .await
    }

    /// Verifies `password` against `hash`, or against a dummy hash when there is none (then always false).
    pub async fn verify(&self, password: String, hash: Option<String>) -> AppResult<bool> {
        let _permit = self.gate.acquire().await.map_err(AppError::internal)?;
        let dummy = self.dummy.clone();
        spawn_blocking_in_span(move || {
            let argon2 = argon2()?;
            let known = hash.is_some();
            let stored = hash.unwrap_or_else(|| {
                dummy
                    .get_or_init(|| {
                        let random = crate::auth::secrets::new_jti();
                        argon2
                            .hash_password(random.as_bytes())
                            .map(|h| h.to_string())
                            .unwrap_or_default()
                    })
                    .clone()
            });
            let ok = argon2
                .verify_password(password.as_bytes(), stored.as_str())
                .is_ok();
            Ok(ok && known)
        })
        .await
    }
}

/// True when a stored hash was made with weaker or other parameters than today's.
pub fn needs_rehash(hash: &str) -> bool {
    !hash.starts_with(CURRENT_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verify_and_dummy() {
        let h = PasswordHasher::new(2);
        let hash = h.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with(CURRENT_PREFIX));
        assert!(!needs_rehash(&hash));
        assert!(
            h.verify("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!h.verify("Correct horse".into(), Some(hash)).await.unwrap());
        assert!(!h.verify("anything".into(), None).await.unwrap());
        assert!(needs_rehash("$argon2id$v=19$m=4096,t=3,p=1$abc$def"));
    }
}
