//! The Stripe webhook's handling of raw bytes: `billing::signature::verify` on an arbitrary header and body, and
//! `billing::model::Envelope::parse` on the body, the two steps `POST /api/stripe/` runs before storing an event.
//! The input is `header \n body`.
//!
//! Checked on every input: no panic; an arbitrary header verifies only if it is the one `sign` makes for the body
//! (a forged or altered header never passes); the body signed with the secret always verifies, and not one second
//! past the tolerance; a parsed envelope has a non-empty id and type of bounded length and an object.

#![no_main]

use autotrack::billing::model::Envelope;
use autotrack::billing::signature::{TOLERANCE_SECS, sign, verify};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_fuzz";
const NOW: i64 = 1_800_000_000;

fuzz_target!(|data: &[u8]| {
    let (header, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b""[..], data),
    };
    let header = String::from_utf8_lossy(header);
    let genuine = sign(body, SECRET, NOW);
    if verify(&header, body, &[SECRET], NOW) {
        // Only a header carrying the genuine signature for this time window passes.
        let (_, sig) = genuine.split_once(",v1=").expect("sign writes v1");
        assert!(header.contains(sig), "a forged header verified: {header:?}");
    }
    assert!(verify(&genuine, body, &[SECRET], NOW));
    assert!(verify(&genuine, body, &[SECRET], NOW + TOLERANCE_SECS));
    assert!(!verify(&genuine, body, &[SECRET], NOW + TOLERANCE_SECS + 1));
    assert!(!verify(&genuine, body, &["whsec_other"], NOW));
    if let Some((e, whole)) = Envelope::parse(body) {
        assert!(!e.id.is_empty() && e.id.len() <= 255);
        assert!(!e.kind.is_empty() && e.kind.len() <= 100);
        assert!(e.object.is_object() && whole.is_object());
    }
});
