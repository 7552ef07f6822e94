//! Time-limited TURN credentials (the "TURN REST API" scheme, draft-uberti-behave-turn-rest,
//! which coturn implements as `use-auth-secret`): the username is the expiry as a Unix time
//! and the user's id, the password is HMAC-SHA1 of the username under the shared secret.
//! SHA-1 is what the scheme and coturn use; the secret never leaves the server.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnCredential {
    pub username: String,
    pub credential: String,
}

/// A credential for `user` valid until `expires_unix`.
pub fn turn_credential(secret: &[u8], user: &str, expires_unix: i64) -> TurnCredential {
    let username = format!("{expires_unix}:{user}");
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(username.as_bytes());
    let credential = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    TurnCredential {
        username,
        credential,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credential_is_what_coturn_computes_from_the_same_secret() {
        // Computed independently with Python's hmac/hashlib/base64.
        let c = turn_credential(
            b"north-wind",
            "0b6c2c6e-0000-4000-8000-000000000001",
            1_767_225_600,
        );
        assert_eq!(
            c.username,
            "1767225600:0b6c2c6e-0000-4000-8000-000000000001"
        );
        assert_eq!(c.credential, "JwLxSqD7cp560OZm1kN3rIIyMd0=");
        assert_ne!(
            turn_credential(b"other", "u", 1).credential,
            turn_credential(b"north-wind", "u", 1).credential
        );
    }
}
