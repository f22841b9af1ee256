//! argon2id password hashing on the blocking pool, with bounded concurrency (each hash uses 19 MiB).

use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};
use crate::telemetry::spawn_blocking_in_span;

/// OWASP parameters (auth.md §3): m = 19456 KiB, t = 2, p = 1.
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
const SALT_LEN: usize = 16;
const OUTPUT_LEN: usize = 32;

/// The PHC prefix of a hash made with the current parameters; anything else is re-hashed at login.
const CURRENT_PREFIX: &str = "$argon2id$v=19$m=19456,t=2,p=1$";

#[derive(Clone)]
pub struct PasswordHasher {
    gate: Arc<Semaphore>,
    /// Work memory reused from hash to hash, one buffer per permit at most. Freeing 19 MiB each time let the
    /// allocator keep a copy per blocking thread: RSS reached 400 MB under a login load (bench/load.py).
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
    /// A hash of a random password, verified against when the email is unknown so timing reveals nothing.
    dummy: Arc<OnceLock<String>>,
}

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("password hashing failed: {e}"))
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> PasswordHasher {
        PasswordHasher {
            gate: Arc::new(Semaphore::new(concurrency.max(1))),
            memory: Arc::new(Mutex::new(Vec::new())),
            dummy: Arc::new(OnceLock::new()),
        }
    }

    pub async fn hash(&self, password: String) -> AppResult<String> {
        let _permit = self.gate.acquire().await.map_err(AppError::internal)?;
        let this = self.clone();
        spawn_blocking_in_span(move || this.hash_now(password.as_bytes())).await
    }

    pub async fn verify(&self, password: String, hash: Option<String>) -> AppResult<bool> {
        let _permit = self.gate.acquire().await.map_err(AppError::internal)?;
        let this = self.clone();
        spawn_blocking_in_span(move || {
            let known = hash.is_some();
            let stored = match hash {
                Some(h) => h,
                None => match this.dummy.get() {
                    Some(d) => d.clone(),
                    None => {
                        let d = this.hash_now(crate::auth::secrets::new_jti().as_bytes())?;
                        this.dummy.get_or_init(|| d).clone()
                    }
                },
            };
            Ok(this.verify_now(password.as_bytes(), &stored) && known)
        })
        .await
    }

    /// A new PHC string for `password` with the current parameters.
    fn hash_now(&self, password: &[u8]) -> AppResult<String> {
        let params = Params::new(M_COST, T_COST, P_COST, Some(OUTPUT_LEN)).map_err(failed)?;
        let mut salt = [0u8; SALT_LEN];
        rand::rng().fill_bytes(&mut salt);
        let mut out = [0u8; OUTPUT_LEN];
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        self.compute(&argon2, &params, password, &salt, &mut out)?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(failed)?,
            salt: Some(Salt::new(&salt).map_err(failed)?),
            hash: Some(Output::new(&out).map_err(failed)?),
        };
        Ok(phc.to_string())
    }

    /// Whether `password` matches the PHC string `stored` (any argon2 variant and parameters it names).
    fn verify_now(&self, password: &[u8], stored: &str) -> bool {
        let Ok(phc) = PasswordHash::new(stored) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
            return false;
        };
        let (Ok(algorithm), Ok(params)) = (
            Algorithm::try_from(phc.algorithm.as_str()),
            Params::try_from(&phc),
        ) else {
            return false;
        };
        let version = match phc.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let mut out = vec![0u8; expected.as_bytes().len()];
        let argon2 = Argon2::new(algorithm, version, params.clone());
        self.compute(&argon2, &params, password, salt.as_ref(), &mut out)
            .is_ok()
            && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
    }

    /// Runs argon2 on a pooled work buffer.
    fn compute(
        &self,
        argon2: &Argon2,
        params: &Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> AppResult<()> {
        let need = params.block_count();
        let mut blocks = self
            .memory
            .lock()
            .map_err(|_| failed("memory pool poisoned"))?
            .pop()
            .unwrap_or_default();
        if blocks.len() < need {
            blocks.resize(need, Block::default());
        }
        let result =
            argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..need]);
        if let Ok(mut pool) = self.memory.lock() {
            pool.push(blocks);
        }
        result.map_err(failed)
    }
}

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

    /// Hashes made by the argon2 crate's own API (older releases, other parameters) still verify, and ours verify
    /// with it: the pooled-memory path is the same function.
    #[tokio::test]
    async fn compatible_with_the_crate_api() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let h = PasswordHasher::new(1);
        let theirs = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 3, 1, None).unwrap(),
        )
        .hash_password(b"old password")
        .unwrap()
        .to_string();
        assert!(
            h.verify("old password".into(), Some(theirs.clone()))
                .await
                .unwrap()
        );
        assert!(!h.verify("old passwore".into(), Some(theirs)).await.unwrap());
        let ours = h.hash("new password".into()).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"new password", &parsed)
                .is_ok()
        );
        assert!(
            !h.verify("x".into(), Some("not a hash".into()))
                .await
                .unwrap()
        );
        assert_eq!(h.memory.lock().unwrap().len(), 1, "one permit, one buffer");
    }
}
