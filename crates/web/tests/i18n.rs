//! Every user-facing string goes through Fluent: each key the templates and code use exists in `en`.

use std::path::Path;

use alcove_web::i18n::Tr;

fn keys_in(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    // rustfmt may put the key on the line after the call: `tr.tn(\n    "mail-...",`.
    for marker in [".t(", ".t1(", ".tn(", ".tcount(", ".t2("] {
        let mut rest = text;
        while let Some(i) = rest.find(marker) {
            rest = rest[i + marker.len()..].trim_start();
            let Some(quoted) = rest.strip_prefix('"') else {
                continue;
            };
            let key: String = quoted.chars().take_while(|c| *c != '"').collect();
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                keys.push(key);
            }
        }
    }
    keys
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("html" | "rs")) {
            out.extend(keys_in(&std::fs::read_to_string(&p).unwrap()));
        }
    }
}

/// Message ids defined in an FTL file (`id = ...` at the start of a line).
fn defined_keys(ftl: &Path) -> Vec<String> {
    std::fs::read_to_string(ftl)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k))
        .filter(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_message_key_used_exists_in_english() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut keys = Vec::new();
    walk(&root.join("templates"), &mut keys);
    walk(&root.join("src"), &mut keys);
    // Keys built at run time: role labels, error pages, notices.
    for k in [
        "role-client",
        "role-clinician",
        "role-supervisor",
        "role-admin",
        "role-auditor",
        "role-anonymous",
        "role-system",
    ] {
        keys.push(k.into());
    }
    assert!(
        keys.len() > 100,
        "found {} keys; the scanner is looking in the right place",
        keys.len()
    );
    let defined = defined_keys(&root.join("locales/en/main.ftl"));
    let missing: Vec<&String> = keys.iter().filter(|k| !defined.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys missing from locales/en/main.ftl: {missing:?}"
    );
}

#[test]
fn error_and_notice_keys_named_in_code_exist() {
    let tr = Tr::default();
    for k in [
        "error-not-found",
        "error-forbidden",
        "error-internal",
        "error-too-many",
        "error-too-large",
        "error-bad-request",
        "error-csrf",
        "password-changed",
    ] {
        assert!(tr.has(k), "{k}");
    }
}
