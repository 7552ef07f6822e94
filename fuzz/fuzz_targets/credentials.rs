//! The credentials file parser (`alcove licensure check --credentials FILE`): any text is
//! parsed or refused with one line naming the field — never a panic. What parses reads
//! back the same after writing, and can be decided on.
#![no_main]

use std::sync::OnceLock;

use alcove_domain::licensure::{may_practise_on, Credentials, Registry};
use alcove_domain::Jurisdiction;
use libfuzzer_sys::fuzz_target;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::builtin().expect("the shipped licensure data is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let registry = registry();
    match Credentials::parse(text, registry) {
        Ok(creds) => {
            let again = Credentials::parse(&creds.to_json().to_string(), registry);
            assert_eq!(again.as_ref(), Ok(&creds));
            // Decide on each credential's last day, where the edge cases are.
            for c in creds.credentials().iter().take(4) {
                for place in ["US-CA", "US-CO", "CA-ON"] {
                    let here: Jurisdiction = place.parse().expect("a valid code");
                    let _ = may_practise_on(&creds, registry, &here, c.expires).to_json();
                }
            }
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
    }
});
