//! The shared conformance suite, run against PostgreSQL: each test gets its own schema.

mod common;

alcove_store::conformance_tests!(common::fresh_store());
