//! Whether a password a client chose is strong enough to protect their record.
//!
//! Issue 5: the client sets a password, checked "against a breached/common list shipped as
//! data, not a network call". The rules follow NIST SP 800-63B (section 5.1.1.2): a minimum
//! length rather than composition rules (no "one capital, one symbol"), a maximum generous
//! enough for passphrases, and a refusal of passwords that are common, guessable from the
//! user's own details, repetitive or sequential. Standard 7 asks for password protection of
//! client information; this is the part of it the client controls.
//!
//! Length is counted in characters (Unicode scalar values), not bytes, so a passphrase in
//! any script is measured the same way. The common list is `data/passwords/common.txt`
//! (about 11,000 entries, lower case; see its README for where it comes from), compared
//! case-insensitively, and also after undoing the usual disguises: digits and symbols
//! added at either end (`Sunshine2024!`) and letter-for-symbol swaps (`p@ssw0rd`).

use std::collections::HashSet;
use std::sync::OnceLock;

const COMMON_TXT: &str = include_str!("../../../data/passwords/common.txt");

/// Fewest characters a client password may have.
pub const MIN_CHARS: usize = 12;
/// Most characters a client password may have (long passphrases are welcome; this only
/// bounds the work of hashing).
pub const MAX_CHARS: usize = 128;

/// Why a password was refused. Each message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("Use at least {MIN_CHARS} characters; this password has {chars}. A few unrelated words make a long password that is easy to remember.")]
    TooShort { chars: usize },
    #[error("Use at most {MAX_CHARS} characters; this password has {chars}.")]
    TooLong { chars: usize },
    #[error("This password is on a list of common or leaked passwords (adding numbers or symbols to a common word does not help). Choose something else.")]
    Common,
    #[error("This password contains {word:?}, which is part of your name or email address. Choose something others could not guess from your details.")]
    ContainsPersonalInfo { word: String },
    #[error("This password repeats one character. Choose something less predictable.")]
    RepeatedCharacter,
    #[error("This password is a simple sequence or pattern (like abcd, 1234, qwerty or a short group repeated). Choose something less predictable.")]
    SimpleSequence,
}

impl PasswordProblem {
    /// A stable code for the API and for translations.
    pub fn code(&self) -> &'static str {
        match self {
            PasswordProblem::TooShort { .. } => "password_too_short",
            PasswordProblem::TooLong { .. } => "password_too_long",
            PasswordProblem::Common => "password_common",
            PasswordProblem::ContainsPersonalInfo { .. } => "password_contains_personal_info",
            PasswordProblem::RepeatedCharacter => "password_repeated_character",
            PasswordProblem::SimpleSequence => "password_simple_sequence",
        }
    }
}

/// Checks a client's chosen password. `context` holds what is known about the user —
/// their email address, legal and preferred names — as typed; each is split into parts
/// (an email address contributes its local part and the pieces of it).
///
/// The first problem found is returned, in this order: length, a single repeated
/// character, a simple sequence, the common list, personal details.
pub fn check_password(pw: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    let chars = pw.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort { chars });
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong { chars });
    }
    let lower = pw.to_lowercase();
    let lc: Vec<char> = lower.chars().collect();
    if lc.iter().all(|&c| c == lc[0]) {
        return Err(PasswordProblem::RepeatedCharacter);
    }
    if is_simple_sequence(&lc) {
        return Err(PasswordProblem::SimpleSequence);
    }
    if is_common(&lower) {
        return Err(PasswordProblem::Common);
    }
    if let Some(word) = personal_word_in(&lower, context) {
        return Err(PasswordProblem::ContainsPersonalInfo { word });
    }
    Ok(())
}

/// The common list, loaded once: lower-case entries; `#` lines are the header.
fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_TXT
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// Problems in the shipped list: a missing header field, upper case, spaces or duplicates.
/// The tests call this; the list is compiled in.
pub fn check_common_list() -> Result<usize, String> {
    let mut header = (false, false);
    let mut seen = HashSet::new();
    for (i, line) in COMMON_TXT.lines().enumerate() {
        let n = i + 1;
        if let Some(h) = line.strip_prefix('#') {
            let h = h.trim();
            if let Some(source) = h.strip_prefix("source:") {
                header.0 = !source.trim().is_empty();
            }
            if let Some(date) = h.strip_prefix("as_of:") {
                chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("line {n}: as_of is not a date"))?;
                header.1 = true;
            }
            continue;
        }
        if line.is_empty() || line != line.trim() || line.contains(char::is_whitespace) {
            return Err(format!("line {n}: {line:?} has spaces or is empty"));
        }
        if line != line.to_lowercase() {
            return Err(format!("line {n}: {line:?} is not lower case"));
        }
        if !seen.insert(line) {
            return Err(format!("line {n}: {line:?} is listed twice"));
        }
    }
    match header {
        (true, true) => Ok(seen.len()),
        (false, _) => Err("the header has no `# source:` line".into()),
        (_, false) => Err("the header has no `# as_of:` line".into()),
    }
}

/// Symbols and digits commonly swapped for letters.
fn unleet(c: char) -> char {
    match c {
        '@' | '4' => 'a',
        '3' => 'e',
        '1' | '!' | '|' => 'i',
        '0' => 'o',
        '$' | '5' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        other => other,
    }
}

/// Whether the (lower-case) password is common, or a common password dressed up: with
/// letters swapped for look-alike symbols (`p@ssw0rd`), said twice (`passwordpassword`), or
/// with digits, symbols and spaces added at either end (`Sunshine2024!`, `!!monkey99`,
/// `27653` + `1234567`).
fn is_common(lower: &str) -> bool {
    let set = common();
    let listed = |s: &str| {
        let unleeted: String = s.chars().map(unleet).collect();
        set.contains(s) || set.contains(unleeted.as_str()) || repeats_common(s, set)
    };
    if listed(lower) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    let n = chars.len();
    let padding = |c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace();
    let lead = chars.iter().take_while(|&&c| padding(c)).count();
    let trail = chars.iter().rev().take_while(|&&c| padding(c)).count();
    for start in 0..=lead.min(n) {
        for end in (n.saturating_sub(trail)..=n).rev() {
            if end < start + 3 || (start == 0 && end == n) {
                continue;
            }
            let core = &chars[start..end];
            let has_letter = core.iter().any(|c| c.is_alphabetic());
            // Three letters ("max", "roy") are a word; three digits are too little to judge.
            if !has_letter && core.len() < 4 {
                continue;
            }
            // A core without letters (digits) counts only where a non-digit or an end of
            // the password bounds it, so a long number is not refused for holding "1111"
            // somewhere in its middle.
            let bounded = start == 0
                || !chars[start - 1].is_ascii_digit()
                || end == n
                || !chars[end].is_ascii_digit();
            if !has_letter && !bounded {
                continue;
            }
            if listed(&core.iter().collect::<String>()) {
                return true;
            }
        }
    }
    false
}

/// "passwordpassword", "monkeymonkeymonkey": a common word said again and again.
fn repeats_common(s: &str, set: &HashSet<&str>) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    (4..=n / 2).any(|unit| {
        n / unit * unit == n
            && chars.chunks(unit).all(|c| c == &chars[..unit])
            && set.contains(chars[..unit].iter().collect::<String>().as_str())
    })
}

const KEYBOARD_ROWS: [&str; 4] = [
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
];
/// The letter rows end to end, both ways: a walk often runs on from one row to the next.
const LETTER_WALKS: [&str; 2] = ["qwertyuiopasdfghjklzxcvbnm", "poiuytrewqlkjhgfdsamnbvcxz"];
const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz";

/// A run up or down the alphabet, the digits (wrapping 9 → 0) or a keyboard row
/// ("abcdefghijkl", "987654321098", "qwertyuiopas"), or a group of up to four characters
/// repeated ("abcabcabcabc", "121212121212"), or a repetition of such a run.
fn is_simple_sequence(c: &[char]) -> bool {
    if is_run(c) {
        return true;
    }
    let n = c.len();
    (1..=n / 2).any(|unit| {
        let repeated = (0..n).all(|i| c[i] == c[i % unit]);
        repeated && (unit <= 4 || is_run(&c[..unit]))
    })
}

fn is_run(c: &[char]) -> bool {
    if c.len() < 3 {
        return false;
    }
    let step = |a: char, b: char| -> Option<i32> {
        if a.is_ascii_digit() && b.is_ascii_digit() {
            // Digits wrap: 8, 9, 0, 1.
            let d = (b as i32 - a as i32).rem_euclid(10);
            return match d {
                1 => Some(1),
                9 => Some(-1),
                _ => None,
            };
        }
        if a.is_ascii_lowercase() && b.is_ascii_lowercase() {
            return Some(b as i32 - a as i32);
        }
        None
    };
    let first = step(c[0], c[1]);
    let alphabetic_run =
        matches!(first, Some(1) | Some(-1)) && c.windows(2).all(|w| step(w[0], w[1]) == first);
    if alphabetic_run {
        return true;
    }
    let s: String = c.iter().collect();
    let rev: String = c.iter().rev().collect();
    // Keyboard rows, allowing a walk to continue onto the next row ("…opasdf…").
    let in_keyboard = |t: &str| {
        KEYBOARD_ROWS.iter().any(|r| r.contains(t))
            || LETTER_WALKS.iter().any(|w| w.contains(t))
            || ALPHABET.contains(t)
    };
    in_keyboard(&s) || in_keyboard(&rev)
}

/// The first context word (lower case, at least 3 characters) the password contains.
/// Words of 4 or more characters count anywhere; 3-letter words ("ann", "lee") only as a
/// whole word within the password, to avoid refusing "annual" for Ann.
fn personal_word_in(lower: &str, context: &[&str]) -> Option<String> {
    let unleeted: String = lower.chars().map(unleet).collect();
    let mut words: Vec<String> = Vec::new();
    for item in context {
        let item = item.trim().to_lowercase();
        let item = match item.split_once('@') {
            Some((local, _)) => local.to_string(),
            None => item,
        };
        let whole: String = item.chars().filter(|c| c.is_alphanumeric()).collect();
        words.push(whole);
        words.push(item.clone());
        words.extend(
            item.split(|c: char| !c.is_alphanumeric())
                .map(str::to_string),
        );
    }
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words.dedup();
    for w in words {
        let len = w.chars().count();
        if len >= 4 {
            if lower.contains(&w) || unleeted.contains(&w) {
                return Some(w);
            }
        } else if len == 3 && contains_whole_word(lower, &w) {
            return Some(w);
        }
    }
    None
}

fn contains_whole_word(hay: &str, word: &str) -> bool {
    hay.match_indices(word).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphabetic) && !after.is_some_and(char::is_alphabetic)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_shipped_list_is_well_formed_and_about_ten_thousand_long() {
        let n = check_common_list().unwrap();
        assert!((9_000..=12_000).contains(&n), "{n}");
        assert!(common().contains("password"));
        assert!(common().contains("qwertyuiop"));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(
            check_password("short", &[]),
            Err(PasswordProblem::TooShort { chars: 5 })
        );
        // 11 characters, 22 bytes: too short.
        assert_eq!(
            check_password("ééééééééééz", &[]),
            Err(PasswordProblem::TooShort { chars: 11 })
        );
        // 12 characters in Cyrillic: long enough.
        assert_eq!(check_password("тихийлесвеср", &[]), Ok(()));
        let long = "correct horse battery staple ".repeat(5);
        assert_eq!(
            check_password(&long, &[]),
            Err(PasswordProblem::TooLong { chars: 145 })
        );
        assert_eq!(check_password(&long[..128], &[]), Ok(()));
    }

    #[test]
    fn good_passphrases_pass() {
        for pw in [
            "correct horse battery staple",
            "Maple-Kettle-Orbit-72",
            "my cat hates thursdays",
            "tram lilac 9 vortex",
        ] {
            assert_eq!(
                check_password(pw, &["dana.smith@example.org", "Dana Smith"]),
                Ok(()),
                "{pw}"
            );
        }
    }

    #[test]
    fn common_passwords_are_refused_in_any_case_and_in_their_usual_disguises() {
        for pw in [
            "password1234",
            "PASSWORD1234",
            "Password1234",
            "P@ssw0rd2024!",
            "sunshine2024!",
            "!!monkey123456",
            "iloveyou1234",
            "passwordpassword",
            "trustno1trustno1",
            "qwerty123456",
            "Football2026!",
        ] {
            assert_eq!(
                check_password(pw, &[]),
                Err(PasswordProblem::Common),
                "{pw}"
            );
        }
    }

    #[test]
    fn repeated_characters_and_simple_sequences_are_refused() {
        assert_eq!(
            check_password("aaaaaaaaaaaa", &[]),
            Err(PasswordProblem::RepeatedCharacter)
        );
        assert_eq!(
            check_password("            ", &[]),
            Err(PasswordProblem::RepeatedCharacter)
        );
        for pw in [
            "abcdefghijkl",
            "LKJIHGFEDCBA",
            "123456789012",
            "890123456789",
            "987654321098",
            "qwertyuiopas",
            "poiuytrewqlk",
            "abcabcabcabc",
            "121212121212",
            "abcdefabcdef",
            "lkjhgfdsamnb",
        ] {
            assert_eq!(
                check_password(pw, &[]),
                Err(PasswordProblem::SimpleSequence),
                "{pw}"
            );
        }
    }

    #[test]
    fn the_users_own_details_are_refused() {
        let ctx = ["Dana.Whitfield@example.org", "Dana Whitfield", "Dee"];
        for (pw, word) in [
            ("dana.whitfield99", "dana.whitfield"),
            ("WhitfieldRocks!!", "whitfield"),
            ("my name is dana ok", "dana"),
            ("danawhitfield12", "danawhitfield"),
            ("d4n4 loves maple", "dana"),
            ("hello dee 12345678", "dee"),
        ] {
            assert_eq!(
                check_password(pw, &ctx),
                Err(PasswordProblem::ContainsPersonalInfo { word: word.into() }),
                "{pw}"
            );
        }
        // A three-letter name inside another word is not a match.
        assert_eq!(check_password("deep lilac orbit", &ctx), Ok(()));
        // Empty and one-letter context is ignored.
        assert_eq!(
            check_password("tram lilac 9 vortex", &["", "a", "@x.org"]),
            Ok(())
        );
    }

    #[test]
    fn every_problem_has_a_code_and_a_message_that_says_what_to_do() {
        let problems = [
            PasswordProblem::TooShort { chars: 3 },
            PasswordProblem::TooLong { chars: 200 },
            PasswordProblem::Common,
            PasswordProblem::ContainsPersonalInfo {
                word: "dana".into(),
            },
            PasswordProblem::RepeatedCharacter,
            PasswordProblem::SimpleSequence,
        ];
        for p in problems {
            assert!(p.code().starts_with("password_"));
            assert!(
                p.to_string().contains("Choose") || p.to_string().contains("Use"),
                "{p}"
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_length_rules_hold(pw in "\\PC{0,140}") {
            let chars = pw.chars().count();
            match check_password(&pw, &["someone@example.org", "Some One"]) {
                Err(PasswordProblem::TooShort { chars: c }) => prop_assert!(c == chars && c < MIN_CHARS),
                Err(PasswordProblem::TooLong { chars: c }) => prop_assert!(c == chars && c > MAX_CHARS),
                _ => prop_assert!((MIN_CHARS..=MAX_CHARS).contains(&chars)),
            }
        }

        #[test]
        fn every_listed_password_with_digits_or_symbols_added_is_refused(
            i in 0usize..12_000,
            prefix in "[!@#]{0,3}",
            suffix in "[0-9!@#]{0,8}",
            pad in proptest::collection::vec(0u8..10, 12),
        ) {
            let list: Vec<&str> = COMMON_TXT.lines().filter(|l| !l.starts_with('#')).collect();
            let mut pw = format!("{prefix}{}{suffix}", list[i % list.len()]);
            let mut k = 0;
            while pw.chars().count() < MIN_CHARS {
                pw.push(char::from(b'0' + pad[k % pad.len()]));
                k += 1;
            }
            prop_assert!(check_password(&pw, &[]).is_err(), "{}", pw);
        }
    }
}
