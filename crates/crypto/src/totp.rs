//! TOTP second factor, RFC 6238 with the parameters every authenticator app supports:
//! HMAC-SHA-1, 6 digits, 30-second steps, and one step of clock drift either way
//! (RFC 6238 section 5.2 recommends at most one). The HOTP computation (RFC 4226) is
//! totp-rs's; this module adds parsing, drift handling and replay information.

use rand::rngs::OsRng;
use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};
use zeroize::{Zeroize, Zeroizing};

use crate::CryptoError;

/// Seconds per time step (RFC 6238 X).
pub const STEP_SECS: i64 = 30;
/// Digits in a code.
pub const DIGITS: usize = 6;
/// Steps of drift accepted either side of now.
pub const SKEW_STEPS: i64 = 1;
/// RFC 4226 section 4: a shared secret must be at least 128 bits; we generate 160.
const MIN_SECRET_BYTES: usize = 16;
const SECRET_BYTES: usize = 20;

/// A totp-rs instance whose secret is wiped on drop (totp-rs's own `zeroize` feature is
/// not enabled in this workspace, so we do it here).
struct Totp(TOTP);

impl Drop for Totp {
    fn drop(&mut self) {
        self.0.secret.zeroize();
    }
}

fn decode_secret(secret_b32: &str) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    // Accept the forms people copy: spaces, lowercase, '=' padding. Sized up front so no
    // reallocation leaves a partial copy of the secret behind.
    let mut normalised = String::with_capacity(secret_b32.len());
    normalised.extend(
        secret_b32
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase()),
    );
    while normalised.ends_with('=') {
        normalised.pop();
    }
    let mut encoded = Secret::Encoded(normalised);
    let bytes = encoded.to_bytes().map(Zeroizing::new);
    if let Secret::Encoded(s) = &mut encoded {
        s.zeroize();
    }
    let bytes = bytes.map_err(|_| CryptoError::BadKey("the TOTP secret is not base32".into()))?;
    if bytes.len() < MIN_SECRET_BYTES {
        return Err(CryptoError::BadKey(format!(
            "the TOTP secret is {} bits; RFC 4226 requires at least 128",
            bytes.len() * 8
        )));
    }
    Ok(bytes)
}

fn totp(secret_b32: &str, issuer: Option<String>, account: String) -> Result<Totp, CryptoError> {
    let secret = decode_secret(secret_b32)?;
    // Checked here rather than by TOTP::new, which would drop the secret unwiped on error.
    Ok(Totp(TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW_STEPS as u8,
        STEP_SECS as u64,
        secret.to_vec(),
        issuer,
        account,
    )))
}

fn unix_u64(unix: i64) -> Result<u64, CryptoError> {
    u64::try_from(unix)
        .map_err(|_| CryptoError::InvalidInput(format!("time {unix} is before 1970")))
}

/// A new secret: 20 random bytes (RFC 4226's recommended 160 bits), RFC 4648 base32
/// without padding (32 characters).
pub fn generate_secret() -> String {
    let mut raw = [0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut raw);
    let t = Totp(TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW_STEPS as u8,
        STEP_SECS as u64,
        raw.to_vec(),
        None,
        String::new(),
    ));
    raw.zeroize();
    t.0.get_secret_base32()
}

/// The `otpauth://totp/Issuer:account?secret=...&issuer=Issuer` URL for the QR code
/// (Google Authenticator key URI format). Neither label part may contain ':'.
pub fn otpauth_url(secret_b32: &str, issuer: &str, account: &str) -> Result<String, CryptoError> {
    for (name, value) in [("issuer", issuer), ("account name", account)] {
        if value.contains(':') {
            return Err(CryptoError::InvalidInput(format!(
                "a TOTP {name} cannot contain ':'"
            )));
        }
        if value.trim().is_empty() {
            return Err(CryptoError::InvalidInput(format!(
                "a TOTP {name} cannot be empty"
            )));
        }
    }
    let t = totp(secret_b32, Some(issuer.to_owned()), account.to_owned())?;
    Ok(t.0.get_url())
}

/// The code at `unix` seconds (for tests and the demo).
pub fn code_at(secret_b32: &str, unix: i64) -> Result<String, CryptoError> {
    let t = totp(secret_b32, None, String::new())?;
    Ok(t.0.generate(unix_u64(unix)?))
}

/// Returns the matched time step (unix_secs / 30) when `code` is valid at `now_unix`
/// ±1 step, else None. The code must be exactly 6 ASCII digits (spaces are stripped);
/// anything else is None. A bad secret is an error.
///
/// RFC 6238 section 5.2: a code must not be accepted twice. The caller stores the
/// returned step and refuses any later code whose step is not greater. When a code
/// matches more than one step in the window, the earliest is returned, so a replay
/// can never look newer than it is.
pub fn verify(secret_b32: &str, code: &str, now_unix: i64) -> Result<Option<i64>, CryptoError> {
    let t = totp(secret_b32, None, String::new())?;
    let now = unix_u64(now_unix)?;
    if code.len() > 64 {
        return Ok(None);
    }
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let now_step = now / STEP_SECS as u64;
    let mut matched: Option<u64> = None;
    // Check every step in the window without stopping early, in constant time.
    for step in now_step.saturating_sub(SKEW_STEPS as u64)..=now_step + SKEW_STEPS as u64 {
        let expected = t.0.generate(step * STEP_SECS as u64);
        let hit: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if hit && matched.is_none() {
            matched = Some(step);
        }
    }
    // Steps are below i64::MAX because `now` came from an i64.
    Ok(matched.map(|s| s as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;
    use sha1::Sha1;

    /// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
    const RFC_SEED: &[u8] = b"12345678901234567890";
    const RFC_SEED_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    /// Independent HOTP (RFC 4226 section 5.3) for cross-checking totp-rs.
    fn hotp(key: &[u8], counter: u64, digits: u32) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
        mac.update(&counter.to_be_bytes());
        let hs = mac.finalize().into_bytes();
        let offset = (hs[19] & 0x0f) as usize;
        let bin = u32::from_be_bytes([hs[offset], hs[offset + 1], hs[offset + 2], hs[offset + 3]])
            & 0x7fff_ffff;
        format!(
            "{:0width$}",
            bin % 10u32.pow(digits),
            width = digits as usize
        )
    }

    fn b32(bytes: &[u8]) -> String {
        Secret::Raw(bytes.to_vec()).to_encoded().to_string()
    }

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        assert_eq!(b32(RFC_SEED), RFC_SEED_B32);
        // (time, 8-digit TOTP from the RFC). Our 6-digit code is the same HOTP value
        // truncated mod 10^6, which is the RFC value's last six digits.
        for (t, rfc8) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                hotp(RFC_SEED, t as u64 / 30, 8),
                rfc8,
                "independent HOTP at {t}"
            );
            assert_eq!(
                code_at(RFC_SEED_B32, t).unwrap(),
                &rfc8[2..],
                "code_at({t})"
            );
            assert_eq!(verify(RFC_SEED_B32, &rfc8[2..], t).unwrap(), Some(t / 30));
        }
    }

    proptest! {
        #[test]
        fn code_at_agrees_with_an_independent_rfc_4226_implementation(
            key in proptest::collection::vec(any::<u8>(), 16..=64),
            t in 0i64..40_000_000_000,
        ) {
            prop_assert_eq!(code_at(&b32(&key), t).unwrap(), hotp(&key, t as u64 / 30, 6));
        }
    }

    #[test]
    fn one_step_of_drift_is_accepted_either_way_and_two_are_not() {
        // Fixed secret and times, so the result never depends on chance collisions.
        let t = 1_700_000_015;
        let step = t / 30;
        let code = code_at(RFC_SEED_B32, t).unwrap();
        for d in [-90, -60, -30, 30, 60, 90] {
            assert_ne!(
                code_at(RFC_SEED_B32, t + d).unwrap(),
                code,
                "precondition at {d}"
            );
        }
        assert_eq!(verify(RFC_SEED_B32, &code, t).unwrap(), Some(step));
        assert_eq!(verify(RFC_SEED_B32, &code, t + 30).unwrap(), Some(step));
        assert_eq!(verify(RFC_SEED_B32, &code, t - 30).unwrap(), Some(step));
        assert_eq!(verify(RFC_SEED_B32, &code, t + 60).unwrap(), None);
        assert_eq!(verify(RFC_SEED_B32, &code, t - 60).unwrap(), None);
    }

    #[test]
    fn the_earliest_matching_step_is_returned_so_replays_never_look_newer() {
        let t = 1_700_000_015;
        let secret = generate_secret();
        let code = code_at(&secret, t).unwrap();
        let got = verify(&secret, &code, t + 30).unwrap().unwrap();
        assert!(got <= t / 30, "{got}");
    }

    #[test]
    fn codes_that_are_not_six_ascii_digits_are_refused() {
        let t = 1_234_567_890;
        let good = code_at(RFC_SEED_B32, t).unwrap();
        assert_eq!(good, "005924");
        assert_eq!(verify(RFC_SEED_B32, "005 924", t).unwrap(), Some(t / 30));
        assert_eq!(verify(RFC_SEED_B32, " 005924\n", t).unwrap(), Some(t / 30));
        for bad in [
            "",
            "05924",
            "0059240",
            "5924",
            "00592a",
            "+05924",
            "-05924",
            "0x5924",
            "٠٠٥٩٢٤", // Arabic-Indic digits are digits, but not ASCII ones
            "００５９２４",
            "005924\0",
            "89005924",
        ] {
            assert_eq!(verify(RFC_SEED_B32, bad, t).unwrap(), None, "{bad:?}");
        }
        assert_eq!(verify(RFC_SEED_B32, &"0".repeat(10_000), t).unwrap(), None);
    }

    #[test]
    fn bad_secrets_and_times_are_errors() {
        assert!(matches!(
            verify("not base32!", "123456", 0),
            Err(CryptoError::BadKey(_))
        ));
        // 10 bytes: below RFC 4226's 128-bit minimum.
        assert!(matches!(
            code_at(&b32(&[1u8; 10]), 0),
            Err(CryptoError::BadKey(_))
        ));
        assert!(matches!(
            code_at(RFC_SEED_B32, -1),
            Err(CryptoError::InvalidInput(_))
        ));
        assert!(matches!(
            verify(RFC_SEED_B32, "123456", -1),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn secrets_are_accepted_as_people_copy_them() {
        let t = 1_234_567_890;
        let spaced = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
        assert_eq!(code_at(spaced, t).unwrap(), "005924");
        assert_eq!(
            code_at(&format!("{RFC_SEED_B32}===="), t).unwrap(),
            "005924"
        );
    }

    #[test]
    fn generated_secrets_are_160_bit_base32_and_differ() {
        let s = generate_secret();
        assert_eq!(s.len(), 32);
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_eq!(decode_secret(&s).unwrap().len(), 20);
        assert_ne!(s, generate_secret());
        let code = code_at(&s, 1_700_000_000).unwrap();
        assert_eq!(
            verify(&s, &code, 1_700_000_000).unwrap(),
            Some(1_700_000_000 / 30)
        );
    }

    #[test]
    fn otpauth_url_carries_issuer_account_and_secret() {
        let url = otpauth_url(RFC_SEED_B32, "Alcove", "alice@example.org").unwrap();
        assert_eq!(
            url,
            format!(
                "otpauth://totp/Alcove:alice%40example.org?secret={RFC_SEED_B32}&issuer=Alcove"
            )
        );
        let url = otpauth_url(RFC_SEED_B32, "Alcove Practice", "bob").unwrap();
        assert!(
            url.starts_with("otpauth://totp/Alcove%20Practice:bob?"),
            "{url}"
        );
        for (issuer, account) in [
            ("Al:cove", "a"),
            ("Alcove", "a:b"),
            ("", "a"),
            ("Alcove", " "),
        ] {
            assert!(
                matches!(
                    otpauth_url(RFC_SEED_B32, issuer, account),
                    Err(CryptoError::InvalidInput(_))
                ),
                "{issuer:?} {account:?}"
            );
        }
    }
}
