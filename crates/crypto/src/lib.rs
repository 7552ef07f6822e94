//! Alcove's cryptography, built on RustCrypto primitives: nothing here is invented,
//! only composed (and each composition says why).

pub mod audit;
pub mod envelope;
pub mod error;
pub mod password;
pub mod token;
pub mod totp;
pub mod turn;

pub use error::CryptoError;
