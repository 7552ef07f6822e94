//! One error type for the crate. Messages name where the data lives (table, column, row,
//! client id), never its content or any key material, so they are safe to log.

/// What can go wrong when using keys and ciphertexts.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The ciphertext does not open under this key with this AAD: wrong key, a row moved
    /// or copied to another place, or tampering. AEAD cannot tell these apart, by design.
    #[error("cannot decrypt {what}: the data does not belong here or the key is wrong")]
    Undecryptable { what: String },
    /// Key material (or a TOTP secret) that is not the expected size or encoding.
    #[error("bad key material: {0}")]
    BadKey(String),
    /// Bytes that are not in our sealed format at all (too short, unknown version).
    #[error("malformed ciphertext: {0}")]
    Malformed(String),
    /// A non-secret argument we cannot use, such as a TOTP label containing ':'.
    #[error("invalid input: {0}")]
    InvalidInput(String),
}
