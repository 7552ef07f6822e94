//! filled in by the conformance suite
