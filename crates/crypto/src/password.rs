//! Password hashing (DESIGN.md, "Encryption and keys"): Argon2id at OWASP's minimum
//! recommended parameters (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1), stored as
//! PHC strings so the parameters travel with each hash and can be raised later.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

/// Argon2id memory cost in KiB (19 MiB), OWASP's minimum.
pub const MEMORY_KIB: u32 = 19_456;
/// Argon2id passes over memory, OWASP's minimum at 19 MiB.
pub const ITERATIONS: u32 = 2;
/// Argon2id lanes.
pub const PARALLELISM: u32 = 1;
/// Minimum length of a new password, in characters.
pub const MIN_CHARS: usize = 12;
/// Longer passwords are refused so a request cannot make us hash megabytes; NIST SP
/// 800-63B asks that at least 64 be allowed.
pub const MAX_CHARS: usize = 1024;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("constant Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords. Create one at start-up and share it: `new` spends one
/// Argon2 computation on the dummy hash used for unknown accounts.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    dummy: String,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl PasswordHasher {
    pub fn new() -> Self {
        let mut random = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(&mut random[..]);
        PasswordHasher {
            dummy: hash_with(&argon2(), &random[..]),
        }
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a fresh random salt.
    pub fn hash(&self, password: &str) -> String {
        hash_with(&argon2(), password.as_bytes())
    }

    /// Always does one full Argon2 verification: against `phc` when Some, against the dummy
    /// hash when None (unknown email) or when `phc` is unreadable, so timing does not
    /// reveal whether an account exists. Returns false for None. The comparison of the
    /// final hash is constant-time (done inside `password-hash`).
    pub fn verify(&self, password: &str, phc: Option<&str>) -> bool {
        let a = argon2();
        if let Some(stored) = phc.and_then(|p| PasswordHash::new(p).ok()) {
            return a.verify_password(password.as_bytes(), &stored).is_ok();
        }
        if let Ok(dummy) = PasswordHash::new(&self.dummy) {
            // black_box: the result is unused, the work is the point.
            std::hint::black_box(a.verify_password(password.as_bytes(), &dummy).is_ok());
        }
        false
    }
}

fn hash_with(a: &Argon2<'_>, password: &[u8]) -> String {
    let salt = SaltString::generate(&mut OsRng);
    a.hash_password(password, &salt)
        // Fails only for passwords over 4 GiB or bad constant parameters.
        .expect("Argon2id hashing with valid parameters")
        .to_string()
}

/// True when `phc` is an Argon2id hash with at least m=19456 KiB and t=2 (and p >= 1).
/// Use it to test the hashes we store, and to re-hash older ones at sign-in.
pub fn params_are_strong_enough(phc: &str) -> bool {
    let Ok(h) = PasswordHash::new(phc) else {
        return false;
    };
    if h.algorithm != Algorithm::Argon2id.ident() {
        return false;
    }
    match Params::try_from(&h) {
        Ok(p) => p.m_cost() >= MEMORY_KIB && p.t_cost() >= ITERATIONS && p.p_cost() >= 1,
        Err(_) => false,
    }
}

/// Simple strength rule for now: at least 12 characters, not all the same character
/// (and at most 1,024). Returns a plain-words reason when the password is refused.
pub fn password_problem(password: &str) -> Option<&'static str> {
    let count = password.chars().count();
    if count < MIN_CHARS {
        return Some("Use at least 12 characters.");
    }
    if count > MAX_CHARS {
        return Some("Use at most 1,024 characters.");
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Some("Use different characters, not one character repeated.");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn hash_is_argon2id_with_owasp_minimum_parameters() {
        let h = PasswordHasher::new().hash("correct horse battery staple");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(params_are_strong_enough(&h));
    }

    #[test]
    fn right_password_verifies_and_wrong_one_does_not() {
        let hasher = PasswordHasher::new();
        let h = hasher.hash("correct horse battery staple");
        assert!(hasher.verify("correct horse battery staple", Some(&h)));
        assert!(!hasher.verify("correct horse battery stapl", Some(&h)));
        assert!(!hasher.verify("", Some(&h)));
    }

    #[test]
    fn each_hash_has_its_own_salt() {
        let hasher = PasswordHasher::new();
        assert_ne!(hasher.hash("same password"), hasher.hash("same password"));
    }

    #[test]
    fn unknown_account_never_verifies() {
        let hasher = PasswordHasher::new();
        assert!(!hasher.verify("anything at all", None));
        assert!(!hasher.verify("", None));
    }

    #[test]
    fn unreadable_stored_hash_never_verifies() {
        let hasher = PasswordHasher::new();
        for bad in [
            "",
            "plaintext",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$2b$12$abc",
        ] {
            assert!(!hasher.verify("plaintext", Some(bad)), "{bad}");
        }
    }

    fn fastest_of_three(mut f: impl FnMut()) -> Duration {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .min()
            .unwrap()
    }

    #[test]
    fn unknown_account_costs_a_full_argon2_verification() {
        // Loose bound: skipping the dummy verification would be ~1000x faster.
        let hasher = PasswordHasher::new();
        let h = hasher.hash("a real password");
        let known = fastest_of_three(|| {
            hasher.verify("a wrong password", Some(&h));
        });
        let unknown = fastest_of_three(|| {
            hasher.verify("a wrong password", None);
        });
        assert!(unknown * 4 > known, "known {known:?}, unknown {unknown:?}");
    }

    #[test]
    fn weaker_or_other_hashes_are_not_strong_enough() {
        let weak = |m, t, alg| {
            let a = Argon2::new(alg, Version::V0x13, Params::new(m, t, 1, None).unwrap());
            hash_with(&a, b"pw")
        };
        assert!(!params_are_strong_enough(&weak(
            4096,
            3,
            Algorithm::Argon2id
        )));
        assert!(!params_are_strong_enough(&weak(
            19_456,
            1,
            Algorithm::Argon2id
        )));
        assert!(!params_are_strong_enough(&weak(
            19_456,
            2,
            Algorithm::Argon2i
        )));
        assert!(params_are_strong_enough(&weak(
            47_104,
            2,
            Algorithm::Argon2id
        )));
        assert!(!params_are_strong_enough("not a hash"));
        // Older, weaker hashes still verify, so they can be upgraded at sign-in.
        let old = weak(4096, 1, Algorithm::Argon2id);
        assert!(PasswordHasher::new().verify("pw", Some(&old)));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        for (pw, problem) in [
            ("", true),
            ("short", true),
            ("elevenchars", true),
            ("aaaaaaaaaaaaaaaa", true),
            ("            ", true),
            ("ééééééééééééé", true),
            ("twelve chars", false),
            ("ééééééééééé1", false),
            ("correct horse battery staple", false),
        ] {
            assert_eq!(password_problem(pw).is_some(), problem, "{pw:?}");
        }
        assert!(password_problem(&"ab".repeat(600)).is_some());
        assert!(password_problem(&"ab".repeat(512)).is_none());
        // Length is counted in characters, not bytes.
        assert!(password_problem("ééééé").is_some());
    }
}
