//! Cookie and Authorization headers, and the newtypes parsed at the edge.
#![no_main]

use alcove_web::auth::session::{bearer, read_cookie};
use axum::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_bytes(data) {
        h.insert("cookie", v.clone());
        h.insert("authorization", v);
    }
    for t in [read_cookie(&h, "alcove_session"), bearer(&h)].into_iter().flatten() {
        assert_eq!(t.len(), 43);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = s.parse::<alcove_domain::Email>();
        let _ = s.parse::<alcove_domain::Jurisdiction>();
    }
});
