//! An independent RFC 6238 (TOTP) implementation for tests: SHA-1, 6 digits, 30-second steps.
//! Written from the RFCs, sharing no code with the product, so a bug there cannot hide here.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// RFC 4648 base32 (no padding required), case-insensitive.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for ch in s.trim_end_matches('=').bytes() {
        let v = ALPHABET
            .iter()
            .position(|&a| a == ch.to_ascii_uppercase())? as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Some(out)
}

/// RFC 4226 HOTP with dynamic truncation, 6 digits.
pub fn hotp(key: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = ((h[off] as u32 & 0x7f) << 24)
        | ((h[off + 1] as u32) << 16)
        | ((h[off + 2] as u32) << 8)
        | h[off + 3] as u32;
    bin % 1_000_000
}

pub fn code(secret_b32: &str, unix: i64) -> String {
    let key = base32_decode(secret_b32).expect("valid base32 secret");
    format!("{:06}", hotp(&key, (unix / 30) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_6238_sha1_vectors() {
        // RFC 6238 Appendix B, seed "12345678901234567890", 8-digit values; 6 digits are the last six.
        let key = b"12345678901234567890";
        for (t, eight) in [
            (59u64, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(format!("{:06}", hotp(key, t / 30)), eight[2..]);
        }
    }

    #[test]
    fn base32_round_trips_the_rfc_4648_examples() {
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw6===").unwrap(), b"foo");
        assert!(base32_decode("not base32!").is_none());
    }
}
