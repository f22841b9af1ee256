//! Stripe's webhook signature (billing.md §9): the header `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, where each
//! `v1` is HMAC-SHA256(secret, "<t>.<raw body>"). Accepted when any `v1` matches any configured secret (two during
//! a rotation), compared in constant time, and the timestamp is within the tolerance of now.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signed time may be from now, either way.
pub const TOLERANCE_SECS: i64 = 300;

/// Does the header sign `body` with one of `secrets`, at a time within the tolerance of `now`?
pub fn verify(header: &str, body: &[u8], secrets: &[&str], now: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.trim().parse::<i64>().ok(),
            Some(("v1", v)) => signatures.extend(hex::decode(v.trim()).ok()),
            _ => {}
        }
    }
    let Some(t) = timestamp else { return false };
    if now.abs_diff(t) > TOLERANCE_SECS as u64 {
        return false;
    }
    secrets.iter().any(|secret| {
        signatures
            .iter()
            .any(|sig| mac(secret, t, body).is_some_and(|m| m.verify_slice(sig).is_ok()))
    })
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    Some(m)
}

/// The header Stripe would send for `body` signed with `secret` at `t` (tests and the crash test's writer use it).
pub fn sign(body: &[u8], secret: &str, t: i64) -> String {
    let sig = mac(secret, t, body)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("t={t},v1={sig}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_signed_body_verifies_within_the_tolerance() {
        let body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
        let header = sign(body, "whsec_a", NOW);
        assert!(verify(&header, body, &["whsec_a"], NOW));
        assert!(verify(&header, body, &["whsec_old", "whsec_a"], NOW + 300));
        assert!(verify(&header, body, &["whsec_a"], NOW - 300));
        assert!(!verify(&header, body, &["whsec_a"], NOW + 301));
        assert!(!verify(&header, body, &["whsec_a"], NOW - 301));
        assert!(!verify(&header, body, &[], NOW));
        // Several v1 (Stripe signs with each live secret during a rotation), unknown schemes ignored.
        let a = sign(body, "whsec_a", NOW);
        let (_, sig_a) = a.split_once(",v1=").unwrap();
        let both = format!("{},v1={sig_a},v0=abc", sign(body, "whsec_b", NOW));
        assert!(verify(&both, body, &["whsec_a"], NOW), "{both}");
        for bad in [
            "",
            "t=abc,v1=00",
            "v1=00",
            "t=1800000000",
            "t=1800000000,v1=zz",
        ] {
            assert!(!verify(bad, body, &["whsec_a"], NOW), "{bad}");
        }
    }

    proptest! {
        /// Any change to the body, the timestamp or the secret fails.
        #[test]
        fn any_change_fails(body in proptest::collection::vec(any::<u8>(), 0..512),
                            flip in any::<usize>(),
                            shift in 1i64..10_000,
                            secret in "[a-zA-Z0-9_]{1,40}",
                            other in "[a-zA-Z0-9_]{1,40}") {
            let header = sign(&body, &secret, NOW);
            prop_assert!(verify(&header, &body, &[secret.as_str()], NOW));
            if !body.is_empty() {
                let mut changed = body.clone();
                let i = flip % changed.len();
                changed[i] ^= 0x01;
                prop_assert!(!verify(&header, &changed, &[secret.as_str()], NOW));
            }
            let mut longer = body.clone();
            longer.push(b' ');
            prop_assert!(!verify(&header, &longer, &[secret.as_str()], NOW));
            let moved = header.replacen(&format!("t={NOW}"), &format!("t={}", NOW + shift), 1);
            prop_assert!(!verify(&moved, &body, &[secret.as_str()], NOW + shift));
            if other != secret {
                prop_assert!(!verify(&header, &body, &[other.as_str()], NOW));
            }
        }
    }
}
