//! Whatever arrives from outside — JSON bodies, cookies, bearer headers — decodes to a value or a
//! contract error, never a panic. The fuzz targets in `fuzz/` drive the same functions harder.

use alcove_web::api::json::decode;
use alcove_web::api::token::TokenIn;
use alcove_web::auth::session::{bearer, read_cookie};
use axum::http::{HeaderMap, HeaderValue};
use proptest::prelude::*;

const CODES: [&str; 3] = ["malformed_json", "invalid_field", "unsupported_media_type"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_to_a_token_request_or_a_contract_error(bytes in proptest::collection::vec(any::<u8>(), 0..512), json in any::<bool>()) {
        let ct = if json { Some("application/json") } else { Some("text/plain") };
        match decode::<TokenIn>(ct, &bytes) {
            Ok(_) => prop_assert!(json, "only a JSON content type can decode"),
            Err(e) => prop_assert!(CODES.contains(&e.code), "{}", e.code),
        }
    }

    #[test]
    fn json_shaped_noise_never_panics(s in r#"\{("[a-z]{0,8}": ?("[^"]{0,20}"|[0-9]{1,5}|null|true|\[\]),? ?){0,5}\}"#) {
        let r = decode::<TokenIn>(Some("application/json; charset=utf-8"), s.as_bytes());
        if let Err(e) = r { prop_assert!(CODES.contains(&e.code)); }
    }

    #[test]
    fn cookie_and_bearer_headers_yield_only_well_formed_tokens(raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_bytes(&raw) {
            h.insert("cookie", v.clone());
            h.insert("authorization", v);
        }
        for t in [read_cookie(&h, "alcove_session"), bearer(&h)].into_iter().flatten() {
            prop_assert_eq!(t.len(), 43);
            prop_assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        }
    }
}

#[test]
fn a_well_formed_token_request_decodes() {
    let t: TokenIn = decode(
        Some("application/json"),
        br#"{"email":"a@b.co","password":"pw","totp":"123456"}"#,
    )
    .unwrap();
    assert_eq!(
        (t.email.as_str(), t.totp.as_deref()),
        ("a@b.co", Some("123456"))
    );
    // TokenIn has no Debug on purpose (it holds a password), so no unwrap_err here.
    let Err(e) = decode::<TokenIn>(
        Some("application/json"),
        br#"{"email":"a@b.co","password":"pw","role":"admin"}"#,
    ) else {
        panic!("an unknown field must be refused");
    };
    assert_eq!(e.code, "invalid_field");
    assert!(e.message.contains("role"), "names the field: {}", e.message);
}
