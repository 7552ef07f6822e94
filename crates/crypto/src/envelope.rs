//! Envelope encryption (DESIGN.md, "Encryption and keys").
//!
//! Clinical content is sealed with a per-client [`DataKey`]; data keys are wrapped by the
//! [`MasterKey`]. Destroying a client's wrapped data key makes all of their content
//! unreadable, backups included (crypto-shredding).
//!
//! The AEAD is XChaCha20-Poly1305 with a fresh random 24-byte nonce per message: the
//! 192-bit nonce makes random nonces safe without a counter to keep in sync across app
//! instances. Sealed format: `1` (format version) || nonce (24) || ciphertext || tag (16).
//! The version byte is authenticated too (it is the first byte of every AAD).
//!
//! Every ciphertext is bound by its AAD to where it lives, so a ciphertext copied or moved
//! to another row, column, table or key version does not open.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use subtle::ConstantTimeEq;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use crate::CryptoError;

/// Length of master and data keys in bytes.
pub const KEY_LEN: usize = 32;
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + NONCE_LEN;
/// The smallest sealed value: header and tag around an empty plaintext.
pub const SEALED_OVERHEAD: usize = HEADER_LEN + TAG_LEN;

const CHECK_AAD: &[u8] = b"alcove/master-key-check";
const CHECK_PLAINTEXT: &[u8] = b"alcove master key check v1";
const AAD_TAG: &[u8] = b"alcove/aad/v1\0";

/// Binds a ciphertext to where it lives: table, column, row id and key version.
/// A ciphertext moved to another row does not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aad<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: &'a str,
    pub key_version: i32,
}

impl Aad<'_> {
    /// Domain tag, then each string length-prefixed, then the version: no two different
    /// `Aad`s encode to the same bytes (("ab","c") and ("a","bc") differ), and none can
    /// collide with the fixed-string AADs used for key wrapping and the check value.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            1 + AAD_TAG.len() + 3 * 8 + self.table.len() + self.column.len() + self.row.len() + 4,
        );
        out.push(FORMAT_V1);
        out.extend_from_slice(AAD_TAG);
        for field in [self.table, self.column, self.row] {
            out.extend_from_slice(&(field.len() as u64).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out.extend_from_slice(&self.key_version.to_be_bytes());
        out
    }

    /// Where the data lives, for error messages. Names the place, never the content.
    fn describe(&self) -> String {
        format!(
            "{}.{} of row {} (key version {})",
            self.table, self.column, self.row, self.key_version
        )
    }
}

/// The AEAD's associated data for a fixed-string context (key wrapping, check value).
fn fixed_aad(context: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + context.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(context);
    out
}

fn wrap_aad(client: Uuid, version: i32) -> Vec<u8> {
    fixed_aad(format!("alcove/data-key/{client}/v{version}").as_bytes())
}

/// 32 secret bytes that are wiped when dropped and never printed.
struct KeyBytes([u8; KEY_LEN]);

impl KeyBytes {
    fn random() -> Self {
        let mut k = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut k);
        KeyBytes(k)
    }

    fn from_slice(b: &[u8], what: &str) -> Result<Self, CryptoError> {
        let k: [u8; KEY_LEN] = b.try_into().map_err(|_| {
            CryptoError::BadKey(format!(
                "{what} must be {KEY_LEN} bytes; this is {} bytes",
                b.len()
            ))
        })?;
        Ok(KeyBytes(k))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        // The cipher keeps its own copy of the key and wipes it on drop.
        XChaCha20Poly1305::new(Key::from_slice(&self.0))
    }

    fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let mut out = Vec::with_capacity(SEALED_OVERHEAD + plaintext.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        // Encrypt in place so no second plaintext copy is left in the heap.
        let tag = self
            .cipher()
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), aad, &mut out[HEADER_LEN..])
            // Only fails past XChaCha20's 256 GiB per-message limit, which cannot be in memory.
            .expect("plaintext within the XChaCha20-Poly1305 length limit");
        out.extend_from_slice(&tag);
        out
    }

    fn open(
        &self,
        aad: &[u8],
        sealed: &[u8],
        what: impl FnOnce() -> String,
    ) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < SEALED_OVERHEAD {
            return Err(CryptoError::Malformed(format!(
                "{} is {} bytes, shorter than any sealed value ({SEALED_OVERHEAD})",
                what(),
                sealed.len()
            )));
        }
        if sealed[0] != FORMAT_V1 {
            return Err(CryptoError::Malformed(format!(
                "{} has unknown format version {}",
                what(),
                sealed[0]
            )));
        }
        let (header, rest) = sealed.split_at(HEADER_LEN);
        let (body, tag) = rest.split_at(rest.len() - TAG_LEN);
        let mut buf = body.to_vec();
        // The tag is checked before anything is decrypted; on failure `buf` still holds
        // only ciphertext.
        match self.cipher().decrypt_in_place_detached(
            XNonce::from_slice(&header[1..]),
            aad,
            &mut buf,
            Tag::from_slice(tag),
        ) {
            Ok(()) => Ok(buf),
            Err(_) => Err(CryptoError::Undecryptable { what: what() }),
        }
    }
}

impl Drop for KeyBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The key that wraps every data key (and seals a few master-level secrets such as TOTP
/// secrets). 32 bytes, wiped on drop; `Debug` prints `MasterKey(..)` only.
pub struct MasterKey(KeyBytes);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        MasterKey(KeyBytes::random())
    }

    /// Exactly 32 bytes.
    pub fn from_bytes(b: &[u8]) -> Result<Self, CryptoError> {
        KeyBytes::from_slice(b, "the master key").map(MasterKey)
    }

    /// Standard base64 (with padding), surrounding whitespace ignored: the format of
    /// `DATA_DIR/master.key` and `ALCOVE_MASTER_KEY`. The error never echoes the input.
    pub fn from_base64(s: &str) -> Result<Self, CryptoError> {
        let s = s.trim();
        // Decode into a wiped stack buffer; room for a little more than 32 bytes so a
        // too-long key is reported as such rather than as bad base64.
        let mut buf = Zeroizing::new([0u8; 64]);
        let n = match STANDARD.decode_slice(s.as_bytes(), &mut buf[..]) {
            Ok(n) => n,
            Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
                return Err(CryptoError::BadKey(format!(
                    "the master key must be {KEY_LEN} bytes in standard base64 (44 characters); \
                     this one is {} characters",
                    s.len()
                )))
            }
            Err(base64::DecodeSliceError::DecodeError(_)) => {
                return Err(CryptoError::BadKey(
                    "the master key is not valid standard base64 (A-Z, a-z, 0-9, '+', '/', \
                     '=' padding); create one with `alcove init`"
                        .into(),
                ))
            }
        };
        Self::from_bytes(&buf[..n])
    }

    /// Standard base64, for writing the key file. Treat the result as the key itself.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0 .0)
    }

    /// Wraps `dk` for `client` at data-key `version`.
    pub fn wrap(&self, dk: &DataKey, client: Uuid, version: i32) -> Vec<u8> {
        self.0.seal(&wrap_aad(client, version), &dk.0 .0)
    }

    /// Unwraps a data key; fails if it was wrapped for another client or version, or by
    /// another master key.
    pub fn unwrap(
        &self,
        wrapped: &[u8],
        client: Uuid,
        version: i32,
    ) -> Result<DataKey, CryptoError> {
        let what = || format!("data key v{version} of client {client}");
        let bytes = Zeroizing::new(self.0.open(&wrap_aad(client, version), wrapped, what)?);
        KeyBytes::from_slice(&bytes, "a data key").map(DataKey)
    }

    /// Key rotation: unwraps with `self` and wraps the same data key under `new`.
    pub fn rewrap(
        &self,
        new: &MasterKey,
        wrapped: &[u8],
        client: Uuid,
        version: i32,
    ) -> Result<Vec<u8>, CryptoError> {
        let dk = self.unwrap(wrapped, client, version)?;
        Ok(new.wrap(&dk, client, version))
    }

    /// Seals a master-level secret (for example a TOTP secret).
    pub fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        self.0.seal(&aad.encode(), plaintext)
    }

    pub fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.0.open(&aad.encode(), sealed, || aad.describe())
    }

    /// A sealed canary stored in the database at `alcove init`, so that starting with the
    /// wrong master key fails cleanly instead of failing later on every record.
    pub fn check_value(&self) -> Vec<u8> {
        self.0.seal(&fixed_aad(CHECK_AAD), CHECK_PLAINTEXT)
    }

    pub fn matches_check_value(&self, check: &[u8]) -> bool {
        match self.0.open(&fixed_aad(CHECK_AAD), check, String::new) {
            Ok(p) => bool::from(p.ct_eq(CHECK_PLAINTEXT)),
            Err(_) => false,
        }
    }
}

/// A client's data key. 32 bytes, wiped on drop; `Debug` prints `DataKey(..)` only.
/// Not `Clone`, so copies of key material stay deliberate (share with `Arc` if needed).
pub struct DataKey(KeyBytes);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    pub fn generate() -> Self {
        DataKey(KeyBytes::random())
    }

    pub fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        self.0.seal(&aad.encode(), plaintext)
    }

    pub fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.0.open(&aad.encode(), sealed, || aad.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = "0b7e4b1e-6c1f-4d8e-9a57-0e2f8f4b2a10";

    fn aad(row: &str) -> Aad<'_> {
        Aad {
            table: "messages",
            column: "body",
            row,
            key_version: 1,
        }
    }

    fn undecryptable(r: Result<Vec<u8>, CryptoError>) -> String {
        match r {
            Err(CryptoError::Undecryptable { what }) => what,
            other => panic!("expected Undecryptable, got {other:?}"),
        }
    }

    #[test]
    fn sealed_content_opens_with_the_same_key_and_place() {
        let dk = DataKey::generate();
        for plaintext in [&b""[..], b"x", b"I have been feeling low since March."] {
            let sealed = dk.seal(&aad(ROW), plaintext);
            assert_eq!(sealed.len(), SEALED_OVERHEAD + plaintext.len());
            assert_eq!(sealed[0], 1);
            assert_eq!(dk.open(&aad(ROW), &sealed).unwrap(), plaintext);
        }
    }

    #[test]
    fn sealing_the_same_content_twice_gives_different_ciphertexts() {
        let dk = DataKey::generate();
        let a = dk.seal(&aad(ROW), b"same");
        let b = dk.seal(&aad(ROW), b"same");
        assert_ne!(a, b);
        assert_ne!(a[1..HEADER_LEN], b[1..HEADER_LEN], "fresh nonce each time");
    }

    #[test]
    fn ciphertext_does_not_open_under_another_data_key() {
        let sealed = DataKey::generate().seal(&aad(ROW), b"secret");
        undecryptable(DataKey::generate().open(&aad(ROW), &sealed));
    }

    #[test]
    fn ciphertext_moved_to_another_row_does_not_open() {
        let dk = DataKey::generate();
        let sealed = dk.seal(&aad(ROW), b"secret");
        let what = undecryptable(dk.open(&aad("another-row"), &sealed));
        assert_eq!(what, "messages.body of row another-row (key version 1)");
    }

    #[test]
    fn ciphertext_moved_to_another_table_or_column_does_not_open() {
        let dk = DataKey::generate();
        let sealed = dk.seal(&aad(ROW), b"secret");
        let other_table = Aad {
            table: "notes",
            ..aad(ROW)
        };
        let other_column = Aad {
            column: "subject",
            ..aad(ROW)
        };
        undecryptable(dk.open(&other_table, &sealed));
        undecryptable(dk.open(&other_column, &sealed));
    }

    #[test]
    fn ciphertext_under_another_key_version_does_not_open() {
        let dk = DataKey::generate();
        let sealed = dk.seal(&aad(ROW), b"secret");
        let v2 = Aad {
            key_version: 2,
            ..aad(ROW)
        };
        undecryptable(dk.open(&v2, &sealed));
    }

    #[test]
    fn aad_fields_cannot_be_shifted_into_each_other() {
        let dk = DataKey::generate();
        let a = Aad {
            table: "ab",
            column: "c",
            row: "1",
            key_version: 1,
        };
        let b = Aad {
            table: "a",
            column: "bc",
            ..a
        };
        assert_ne!(a.encode(), b.encode());
        undecryptable(dk.open(&b, &dk.seal(&a, b"x")));
    }

    #[test]
    fn undecryptable_error_names_the_place_and_never_the_content() {
        let dk = DataKey::generate();
        let sealed = dk.seal(&aad(ROW), b"suicidal thoughts last week");
        let msg = DataKey::generate()
            .open(&aad(ROW), &sealed)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("messages.body") && msg.contains(ROW), "{msg}");
        assert!(!msg.contains("suicidal"), "{msg}");
    }

    #[test]
    fn any_tampered_byte_makes_the_ciphertext_fail() {
        let dk = DataKey::generate();
        let sealed = dk.seal(&aad(ROW), b"a short note");
        for i in 0..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert!(
                dk.open(&aad(ROW), &t).is_err(),
                "flip at byte {i} went unnoticed"
            );
        }
        let mut extended = sealed.clone();
        extended.push(0);
        assert!(dk.open(&aad(ROW), &extended).is_err());
    }

    #[test]
    fn truncated_or_unknown_version_ciphertext_is_malformed() {
        let dk = DataKey::generate();
        let sealed = dk.seal(&aad(ROW), b"");
        assert!(matches!(
            dk.open(&aad(ROW), &sealed[..SEALED_OVERHEAD - 1]),
            Err(CryptoError::Malformed(_))
        ));
        assert!(matches!(
            dk.open(&aad(ROW), &[]),
            Err(CryptoError::Malformed(_))
        ));
        let mut v2 = sealed.clone();
        v2[0] = 2;
        assert!(matches!(
            dk.open(&aad(ROW), &v2),
            Err(CryptoError::Malformed(_))
        ));
    }

    #[test]
    fn wrapped_data_key_unwraps_to_the_same_key() {
        let mk = MasterKey::generate();
        let dk = DataKey::generate();
        let client = Uuid::new_v4();
        let sealed = dk.seal(&aad(ROW), b"note");
        let wrapped = mk.wrap(&dk, client, 3);
        assert_eq!(wrapped.len(), SEALED_OVERHEAD + KEY_LEN);
        let back = mk.unwrap(&wrapped, client, 3).unwrap();
        assert_eq!(back.open(&aad(ROW), &sealed).unwrap(), b"note");
    }

    #[test]
    fn wrapped_data_key_does_not_unwrap_under_another_master_key() {
        let dk = DataKey::generate();
        let client = Uuid::new_v4();
        let wrapped = MasterKey::generate().wrap(&dk, client, 1);
        match MasterKey::generate().unwrap(&wrapped, client, 1) {
            Err(CryptoError::Undecryptable { what }) => {
                assert_eq!(what, format!("data key v1 of client {client}"))
            }
            other => panic!("expected Undecryptable, got {other:?}"),
        }
    }

    #[test]
    fn wrapped_data_key_does_not_unwrap_for_another_client_or_version() {
        let mk = MasterKey::generate();
        let client = Uuid::new_v4();
        let wrapped = mk.wrap(&DataKey::generate(), client, 1);
        assert!(mk.unwrap(&wrapped, Uuid::new_v4(), 1).is_err());
        assert!(mk.unwrap(&wrapped, client, 2).is_err());
    }

    #[test]
    fn rewrap_moves_a_data_key_to_a_new_master_key() {
        let (old, new) = (MasterKey::generate(), MasterKey::generate());
        let dk = DataKey::generate();
        let client = Uuid::new_v4();
        let sealed = dk.seal(&aad(ROW), b"note");
        let rewrapped = old
            .rewrap(&new, &old.wrap(&dk, client, 1), client, 1)
            .unwrap();
        assert!(old.unwrap(&rewrapped, client, 1).is_err());
        let back = new.unwrap(&rewrapped, client, 1).unwrap();
        assert_eq!(back.open(&aad(ROW), &sealed).unwrap(), b"note");
    }

    #[test]
    fn master_level_secrets_are_separate_from_wrapped_keys() {
        // A wrapped data key must not open as a master-sealed secret and vice versa,
        // whatever Aad is chosen: the AAD encodings are domain-separated.
        let mk = MasterKey::generate();
        let client = Uuid::new_v4();
        let wrapped = mk.wrap(&DataKey::generate(), client, 1);
        let a = Aad {
            table: "data_keys",
            column: "wrapped",
            row: &client.to_string(),
            key_version: 1,
        };
        assert!(mk.open(&a, &wrapped).is_err());
        let sealed = mk.seal(&a, &[7u8; KEY_LEN]);
        assert!(mk.unwrap(&sealed, client, 1).is_err());
        assert!(!mk.matches_check_value(&sealed));
        assert_eq!(mk.open(&a, &sealed).unwrap(), [7u8; KEY_LEN]);
    }

    #[test]
    fn check_value_matches_only_the_master_key_that_made_it() {
        let mk = MasterKey::generate();
        let check = mk.check_value();
        assert!(mk.matches_check_value(&check));
        assert!(!MasterKey::generate().matches_check_value(&check));
        assert!(!mk.matches_check_value(&check[..check.len() - 1]));
        assert!(!mk.matches_check_value(b""));
        let mut tampered = check.clone();
        tampered[HEADER_LEN] ^= 1;
        assert!(!mk.matches_check_value(&tampered));
    }

    #[test]
    fn master_key_survives_a_base64_round_trip_with_surrounding_whitespace() {
        let mk = MasterKey::generate();
        let b64 = mk.to_base64();
        assert_eq!(b64.len(), 44);
        let back = MasterKey::from_base64(&format!("  {b64}\n")).unwrap();
        assert!(back.matches_check_value(&mk.check_value()));
        let from_bytes = MasterKey::from_bytes(&STANDARD.decode(&b64).unwrap()).unwrap();
        assert!(from_bytes.matches_check_value(&mk.check_value()));
    }

    #[test]
    fn master_key_of_the_wrong_size_or_encoding_is_refused_without_echoing_it() {
        for bad in [
            STANDARD.encode([1u8; 31]),
            STANDARD.encode([1u8; 33]),
            STANDARD.encode([1u8; 200]),
            String::new(),
            "not base64 at all!".to_string(),
            // URL-safe alphabet is not accepted: the key file is standard base64.
            "__________________________________________8=".to_string(),
        ] {
            match MasterKey::from_base64(&bad) {
                Err(CryptoError::BadKey(msg)) => {
                    assert!(bad.len() < 4 || !msg.contains(&bad), "{msg}")
                }
                other => panic!("{bad:?}: expected BadKey, got {other:?}"),
            }
        }
        assert!(matches!(
            MasterKey::from_bytes(&[0u8; 16]),
            Err(CryptoError::BadKey(_))
        ));
    }

    #[test]
    fn debug_output_never_shows_key_bytes() {
        assert_eq!(format!("{:?}", MasterKey::generate()), "MasterKey(..)");
        assert_eq!(format!("{:?}", DataKey::generate()), "DataKey(..)");
    }
}
