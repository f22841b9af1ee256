//! Random secrets and their stored forms: OTP codes (HMAC-SHA256 with the server's OTP key), reset tokens
//! (SHA-256), token ids.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A uniform 6-digit code, zero-padded.
pub fn new_otp_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// The stored form of a code: HMAC-SHA256 hex with the OTP key. (HMAC takes keys of any length, so the
/// empty answer of the impossible error branch never matches or stores: the column checks for 64 chars.)
pub fn otp_hash(key: &[u8], code: &str) -> String {
    <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map(|mut mac| {
            mac.update(code.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        })
        .unwrap_or_default()
}

/// Constant-time comparison of a submitted code with a stored hash.
pub fn otp_matches(key: &[u8], code: &str, stored_hash: &str) -> bool {
    otp_hash(key, code)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

/// A reset token: 32 random bytes, base64url without padding (43 characters).
pub fn new_reset_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// A token id: 32 hex characters.
pub fn new_jti() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_tokens_have_their_shapes() {
        for _ in 0..100 {
            let c = new_otp_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(new_reset_token().len(), 43);
        assert_eq!(new_jti().len(), 32);
        let h = otp_hash(b"k", "123456");
        assert_eq!(h.len(), 64);
        assert!(otp_matches(b"k", "123456", &h));
        assert!(!otp_matches(b"k", "123457", &h));
        assert!(!otp_matches(b"other", "123456", &h));
    }
}
