//! Wiring: configuration, opening a practice (keys + database), the demo practice.
//! The `alcove` binary in `main.rs` is a thin CLI over this.

pub mod config;
pub mod demo;
pub mod practice;
