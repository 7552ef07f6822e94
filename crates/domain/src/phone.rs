//! Phone numbers and the one-time codes that prove a client can receive texts at one
//! (Standard 6: identification and verification; issue 5 part 2).
//!
//! A number is parsed once with `phonenumber` (Google's libphonenumber metadata) and kept in
//! E.164 (`+16175550123`). A [`PhoneChallenge`] is the state of one verification: the number,
//! a salted SHA-256 of the 6-digit code (the code itself is only in the text message), when it
//! expires ([`CODE_VALID_MINUTES`]), how many wrong tries are left ([`MAX_ATTEMPTS`]) and when
//! codes were sent (for the resend limits [`RESEND_AFTER_SECONDS`] and [`MAX_SENDS_PER_HOUR`]).
//! No clock is read here: every check is handed the time.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A code works for this long after it was sent.
pub const CODE_VALID_MINUTES: i64 = 10;
/// Wrong codes allowed before the code stops working and a new one must be sent.
pub const MAX_ATTEMPTS: u32 = 5;
/// A new code may be asked for this long after the last one was sent.
pub const RESEND_AFTER_SECONDS: i64 = 60;
/// At most this many codes to one client in any hour.
pub const MAX_SENDS_PER_HOUR: usize = 5;

/// A phone number in E.164 form, checked against the numbering plan of its country.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone: enter a phone number")]
    Missing,
    #[error(
        "phone: this is not a phone number; write it with the country code, e.g. +1 617 555 0123"
    )]
    Unparsable,
    #[error("phone: this number does not exist in its country's numbering plan")]
    Invalid,
}

impl PhoneNumber {
    /// Parses what a person typed. Without a leading `+` the number is read as a US/Canada
    /// (NANP) number, the practice's default region.
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PhoneError::Missing);
        }
        if s.chars().count() > 40 {
            return Err(PhoneError::Unparsable);
        }
        let n = phonenumber::parse(Some(phonenumber::country::Id::US), s)
            .map_err(|_| PhoneError::Unparsable)?;
        if !phonenumber::is_valid(&n) {
            return Err(PhoneError::Invalid);
        }
        Ok(PhoneNumber(
            n.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    /// `+16175550123`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// All but the last two digits hidden, for pages and logs: `+1••••••••23`.
    pub fn masked(&self) -> String {
        let digits = self.0.len();
        self.0
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 2 || i + 2 >= digits { c } else { '•' })
            .collect()
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, PhoneError> {
        PhoneNumber::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, PhoneError> {
        PhoneNumber::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

/// The state of one phone verification (stored sealed with the client's key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneChallenge {
    pub phone: PhoneNumber,
    /// Random, hex; hashed with the code so equal codes never hash alike.
    pub salt: String,
    /// Hex SHA-256 of `salt || code`.
    pub code_hash: String,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Wrong codes entered for the current code.
    pub failed_attempts: u32,
    /// When each code in the last hour was sent (for the resend limits).
    pub sends: Vec<DateTime<Utc>>,
    /// Set once the right code was entered.
    pub verified_at: Option<DateTime<Utc>>,
}

/// Why a code was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("code: enter the 6 digits from the text message")]
    Malformed,
    #[error("code: that is not the code; {left} tries left")]
    Wrong { left: u32 },
    #[error("code: too many wrong codes; ask for a new one")]
    TooManyAttempts,
    #[error("code: this code has expired; ask for a new one")]
    Expired,
    #[error("code: this number is already verified")]
    AlreadyVerified,
}

/// Why a new code cannot be sent yet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResendError {
    #[error("wait {seconds} seconds before asking for another code")]
    TooSoon { seconds: i64 },
    #[error("too many codes in the last hour; try again in {minutes} minutes")]
    HourlyLimit { minutes: i64 },
}

fn hash(salt: &str, code: &str) -> String {
    use std::fmt::Write as _;
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(code.as_bytes());
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// `true` for exactly six ASCII digits (spaces around are trimmed by the caller).
pub fn is_code_shaped(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

impl PhoneChallenge {
    /// Whether a (new) code may be sent now, given the challenge already stored (if any).
    pub fn may_send(
        previous: Option<&PhoneChallenge>,
        now: DateTime<Utc>,
    ) -> Result<(), ResendError> {
        let Some(p) = previous else {
            return Ok(());
        };
        let recent: Vec<&DateTime<Utc>> = p
            .sends
            .iter()
            .filter(|t| now - **t < Duration::hours(1))
            .collect();
        if let Some(last) = recent.iter().max() {
            let since = (now - **last).num_seconds();
            if since < RESEND_AFTER_SECONDS {
                return Err(ResendError::TooSoon {
                    seconds: RESEND_AFTER_SECONDS - since,
                });
            }
        }
        if recent.len() >= MAX_SENDS_PER_HOUR {
            let oldest = recent.iter().min().map_or(now, |t| **t);
            let wait = oldest + Duration::hours(1) - now;
            return Err(ResendError::HourlyLimit {
                minutes: (wait.num_seconds() + 59) / 60,
            });
        }
        Ok(())
    }

    /// A new challenge for `phone` with `code` (six digits the caller drew at random) and
    /// `salt`, keeping the send times of `previous` from the last hour.
    pub fn issue(
        phone: PhoneNumber,
        code: &str,
        salt: &str,
        previous: Option<&PhoneChallenge>,
        now: DateTime<Utc>,
    ) -> Result<PhoneChallenge, ResendError> {
        PhoneChallenge::may_send(previous, now)?;
        let mut sends: Vec<DateTime<Utc>> = previous
            .map(|p| {
                p.sends
                    .iter()
                    .copied()
                    .filter(|t| now - *t < Duration::hours(1))
                    .collect()
            })
            .unwrap_or_default();
        sends.push(now);
        Ok(PhoneChallenge {
            phone,
            salt: salt.to_owned(),
            code_hash: hash(salt, code),
            sent_at: now,
            expires_at: now + Duration::minutes(CODE_VALID_MINUTES),
            failed_attempts: 0,
            sends,
            verified_at: None,
        })
    }

    /// Checks an entered code and updates the challenge (a wrong code counts a try; the right
    /// one sets `verified_at`). The caller saves the challenge whatever the answer.
    pub fn check(&mut self, entered: &str, now: DateTime<Utc>) -> Result<(), CodeError> {
        if self.verified_at.is_some() {
            return Err(CodeError::AlreadyVerified);
        }
        let entered: String = entered.chars().filter(|c| !c.is_whitespace()).collect();
        if !is_code_shaped(&entered) {
            return Err(CodeError::Malformed);
        }
        if self.failed_attempts >= MAX_ATTEMPTS {
            return Err(CodeError::TooManyAttempts);
        }
        if now >= self.expires_at {
            return Err(CodeError::Expired);
        }
        // Both sides are hex digests of equal length; compare without an early exit.
        let want = self.code_hash.as_bytes();
        let got = hash(&self.salt, &entered);
        let same = want.len() == got.len()
            && want
                .iter()
                .zip(got.as_bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            self.verified_at = Some(now);
            Ok(())
        } else {
            self.failed_attempts += 1;
            if self.failed_attempts >= MAX_ATTEMPTS {
                Err(CodeError::TooManyAttempts)
            } else {
                Err(CodeError::Wrong {
                    left: MAX_ATTEMPTS - self.failed_attempts,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
    }

    fn phone() -> PhoneNumber {
        PhoneNumber::parse("+1 617 555 0123").unwrap()
    }

    #[test]
    fn numbers_are_kept_in_e164_and_nonsense_is_refused() {
        assert_eq!(phone().as_str(), "+16175550123");
        assert_eq!(
            PhoneNumber::parse("(617) 555-0123").unwrap().as_str(),
            "+16175550123"
        );
        assert_eq!(
            PhoneNumber::parse("+44 7400 123456").unwrap().as_str(),
            "+447400123456"
        );
        assert_eq!(PhoneNumber::parse("  "), Err(PhoneError::Missing));
        assert_eq!(
            PhoneNumber::parse("call me maybe"),
            Err(PhoneError::Unparsable)
        );
        assert_eq!(PhoneNumber::parse("+1 123"), Err(PhoneError::Invalid));
        assert_eq!(phone().masked(), "+1••••••••23");
    }

    #[test]
    fn the_right_code_verifies_once_within_ten_minutes() {
        let mut c = PhoneChallenge::issue(phone(), "123456", "aa", None, t0()).unwrap();
        assert_ne!(c.code_hash, "123456");
        assert!(!c.code_hash.contains("123456"));
        assert_eq!(c.check("12345", t0()), Err(CodeError::Malformed));
        assert_eq!(c.failed_attempts, 0, "a malformed code costs no try");
        assert_eq!(c.check("123 456", t0() + Duration::minutes(9)), Ok(()));
        assert_eq!(c.verified_at, Some(t0() + Duration::minutes(9)));
        assert_eq!(c.check("123456", t0()), Err(CodeError::AlreadyVerified));
    }

    #[test]
    fn a_code_expires_after_ten_minutes() {
        let mut c = PhoneChallenge::issue(phone(), "123456", "aa", None, t0()).unwrap();
        assert_eq!(
            c.check("123456", t0() + Duration::minutes(10)),
            Err(CodeError::Expired)
        );
        assert!(c.verified_at.is_none());
    }

    #[test]
    fn five_wrong_codes_and_even_the_right_one_no_longer_works() {
        let mut c = PhoneChallenge::issue(phone(), "123456", "aa", None, t0()).unwrap();
        for left in (1..MAX_ATTEMPTS).rev() {
            assert_eq!(c.check("000000", t0()), Err(CodeError::Wrong { left }));
        }
        assert_eq!(c.check("000000", t0()), Err(CodeError::TooManyAttempts));
        assert_eq!(c.check("123456", t0()), Err(CodeError::TooManyAttempts));
        assert!(c.verified_at.is_none());
    }

    #[test]
    fn resends_wait_a_minute_and_stop_at_five_an_hour() {
        let mut c = PhoneChallenge::issue(phone(), "111111", "a", None, t0()).unwrap();
        assert_eq!(
            PhoneChallenge::may_send(Some(&c), t0() + Duration::seconds(20)),
            Err(ResendError::TooSoon { seconds: 40 })
        );
        let mut t = t0();
        for _ in 1..MAX_SENDS_PER_HOUR {
            t += Duration::minutes(2);
            c = PhoneChallenge::issue(phone(), "111111", "a", Some(&c), t).unwrap();
        }
        t += Duration::minutes(2);
        assert_eq!(
            PhoneChallenge::issue(phone(), "111111", "a", Some(&c), t).map(|_| ()),
            Err(ResendError::HourlyLimit { minutes: 50 })
        );
        // An hour after the first send, one more is allowed.
        let later = t0() + Duration::hours(1);
        assert!(PhoneChallenge::issue(phone(), "111111", "a", Some(&c), later).is_ok());
    }

    #[test]
    fn a_new_code_replaces_the_old_one_and_resets_the_tries() {
        let mut c = PhoneChallenge::issue(phone(), "111111", "a", None, t0()).unwrap();
        let _ = c.check("000000", t0());
        let t = t0() + Duration::minutes(2);
        let mut d = PhoneChallenge::issue(phone(), "222222", "b", Some(&c), t).unwrap();
        assert_eq!(d.failed_attempts, 0);
        assert!(matches!(d.check("111111", t), Err(CodeError::Wrong { .. })));
        assert_eq!(d.check("222222", t), Ok(()));
    }
}
