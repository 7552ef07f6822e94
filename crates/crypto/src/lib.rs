//! Alcove's cryptography, built on RustCrypto primitives: nothing here is invented,
//! only composed (and each composition says why).

pub mod audit;
