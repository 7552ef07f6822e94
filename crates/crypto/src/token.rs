//! Session tokens, one-time tokens and recovery codes. The database stores only SHA-256
//! of each: the values carry 256 (tokens) or 79 (recovery codes) random bits, so a fast
//! hash is enough and a stolen table cannot be replayed as credentials.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// Length of a token from [`random_token`]: 32 bytes in base64url without padding.
pub const TOKEN_LEN: usize = 43;

/// 32 random bytes from the OS CSPRNG, base64url without padding (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    bytes.zeroize();
    token
}

/// SHA-256 of the token (32 bytes): what the database stores and looks up.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Equal contents in time that does not depend on where they differ. (Lengths are not
/// secret: different lengths return false at once.)
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Parses a bearer token or cookie value from outside: exactly 43 base64url characters,
/// or None. No trimming, no decoding: the caller hashes the returned string as it is.
pub fn parse_token(s: &str) -> Option<&str> {
    let ok = s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(s)
}

/// Lowercase letters and digits without the ones people misread (0/o, 1/l/i): 31 symbols.
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const RECOVERY_GROUPS: usize = 4;
const RECOVERY_GROUP_LEN: usize = 4;

/// `n` distinct recovery codes such as `k7m2-9xqp-4hcz-r8tw`: 16 symbols from a 31-symbol
/// alphabet, 79 bits each. (Three groups would be 59 bits, under our 60-bit floor; the
/// margin matters because the stored hashes are unsalted.)
pub fn recovery_codes(n: usize) -> Vec<String> {
    let mut codes: Vec<String> = Vec::with_capacity(n);
    while codes.len() < n {
        let code = recovery_code();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

fn recovery_code() -> String {
    let mut s = String::with_capacity(RECOVERY_GROUPS * (RECOVERY_GROUP_LEN + 1));
    for g in 0..RECOVERY_GROUPS {
        if g > 0 {
            s.push('-');
        }
        for _ in 0..RECOVERY_GROUP_LEN {
            // gen_range is unbiased (rejection sampling), so every symbol is equally likely.
            let i = OsRng.gen_range(0..RECOVERY_ALPHABET.len());
            s.push(char::from(RECOVERY_ALPHABET[i]));
        }
    }
    s
}

/// The canonical form of a typed recovery code: whitespace and dashes removed, lowercase.
fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// SHA-256 of the normalised code, so `K7M2 9XQP 4HCZ R8TW`, `k7m29xqp4hczr8tw` and
/// `k7m2-9xqp-4hcz-r8tw` all match the stored hash.
pub fn recovery_code_hash(code: &str) -> Vec<u8> {
    Sha256::digest(normalise_recovery_code(code).as_bytes()).to_vec()
}

/// Whether `code` could be one of ours once normalised (for a helpful form message;
/// the hash lookup is still what decides).
pub fn looks_like_recovery_code(code: &str) -> bool {
    if code.len() > 64 {
        return false;
    }
    let n = normalise_recovery_code(code);
    n.len() == RECOVERY_GROUPS * RECOVERY_GROUP_LEN
        && n.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn random_tokens_are_43_base64url_characters_and_differ() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_LEN);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_eq!(parse_token(&a), Some(a.as_str()));
    }

    #[test]
    fn token_hash_is_sha256_of_the_token() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            hex::encode(token_hash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(token_hash(&random_token()).len(), 32);
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn parse_token_refuses_anything_but_43_base64url_characters() {
        let t = random_token();
        for bad in [
            String::new(),
            t[..42].to_string(),
            format!("{t}A"),
            format!(" {}", &t[1..]),
            format!("{}=", &t[..42]),
            format!("{}+", &t[..42]),
            format!("{}/", &t[..42]),
            format!("{}é", &t[..41]),
            format!("{}\0", &t[..42]),
        ] {
            assert_eq!(parse_token(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn recovery_codes_are_distinct_unambiguous_and_carry_over_60_bits() {
        let codes = recovery_codes(10);
        assert_eq!(codes.len(), 10);
        for c in &codes {
            assert_eq!(c.len(), 19, "{c}");
            assert_eq!(c.matches('-').count(), 3, "{c}");
            assert!(
                c.bytes()
                    .all(|b| b == b'-' || RECOVERY_ALPHABET.contains(&b)),
                "{c}"
            );
            assert!(!c.contains(['0', '1', 'o', 'l', 'i']), "{c}");
            assert!(looks_like_recovery_code(c));
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        let bits = 16.0 * (RECOVERY_ALPHABET.len() as f64).log2();
        assert!(bits >= 60.0, "{bits}");
        assert!(recovery_codes(0).is_empty());
    }

    #[test]
    fn recovery_code_hash_accepts_the_ways_people_type_it() {
        let h = recovery_code_hash("k7m2-9xqp-4hcz-r8tw");
        for typed in [
            "k7m29xqp4hczr8tw",
            "  K7M2-9XQP-4HCZ-R8TW\n",
            "k7m2 9xqp 4hcz r8tw",
            "k7m2-9xqp 4hcz-r8tw",
        ] {
            assert_eq!(recovery_code_hash(typed), h, "{typed:?}");
        }
        assert_ne!(recovery_code_hash("k7m2-9xqp-4hcz-r8tx"), h);
        assert!(!looks_like_recovery_code("k7m2-9xqp-4hcz"));
        assert!(!looks_like_recovery_code("k7m2-9xqp-4hcz-r8t0"));
    }

    proptest! {
        #[test]
        fn parse_token_accepts_exactly_43_base64url_characters(s in "\\PC{0,60}") {
            let expected = s.len() == 43
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            prop_assert_eq!(parse_token(&s).is_some(), expected);
        }

        #[test]
        fn any_43_base64url_characters_parse(s in "[A-Za-z0-9_-]{43}") {
            prop_assert_eq!(parse_token(&s), Some(s.as_str()));
        }

        #[test]
        fn recovery_code_hash_never_panics(s in "\\PC*") {
            prop_assert_eq!(recovery_code_hash(&s).len(), 32);
        }
    }
}
