//! Request decoding: any body under any content type decodes or yields a contract error.
#![no_main]

use alcove_web::api::json::decode;
use alcove_web::api::token::TokenIn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (ct, body) = match data.split_first() {
        Some((b, rest)) if b % 2 == 0 => (Some("application/json"), rest),
        Some((_, rest)) => (std::str::from_utf8(&rest[..rest.len().min(40)]).ok(), rest),
        None => (None, data),
    };
    if let Err(e) = decode::<TokenIn>(ct, body) {
        assert!(["malformed_json", "invalid_field", "unsupported_media_type"].contains(&e.code));
    }
});
