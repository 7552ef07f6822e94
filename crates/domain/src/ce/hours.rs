//! Hours of continuing education, kept exact.
//!
//! Boards award credit in quarter hours (a 15-minute segment) and in tenths (0.1 CEU-style
//! units), so hours are counted in hundredths: both are exact, and sums never drift the way
//! floating point would ("29.999 hours" must never fail a 30-hour requirement).

use std::fmt;
use std::iter::Sum;
use std::ops::Add;
use std::str::FromStr;

/// An amount of CE hours (zero or more), in hundredths of an hour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hours(u32);

/// Most hours a written amount may state: far above any requirement, far below overflow.
const MAX_WRITTEN: u32 = 10_000;

/// Why a written amount of hours was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("{0:?} is not a number of hours such as 1.5 or 0.25")]
    NotANumber(String),
    #[error("{0:?} has more than two decimal places (write quarter hours as 0.25, tenths as 0.1)")]
    TooPrecise(String),
    #[error("must be more than 0")]
    NotPositive,
    #[error("{given} is more than the {max} hours one activity can carry")]
    TooMany { given: String, max: Hours },
}

impl Hours {
    pub const ZERO: Hours = Hours(0);

    pub const fn from_hundredths(h: u32) -> Hours {
        Hours(h)
    }

    pub const fn whole(h: u32) -> Hours {
        Hours(h.saturating_mul(100))
    }

    pub const fn hundredths(self) -> u32 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self - other`, or zero when `other` is larger: what is still missing.
    pub fn shortfall_from(self, other: Hours) -> Hours {
        Hours(self.0.saturating_sub(other.0))
    }
}

impl Add for Hours {
    type Output = Hours;
    /// Saturates: a sum of hours is a count, never a wrap-around.
    fn add(self, rhs: Hours) -> Hours {
        Hours(self.0.saturating_add(rhs.0))
    }
}

impl Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours::ZERO, Add::add)
    }
}

impl fmt::Display for Hours {
    /// `30`, `1.5`, `0.25`: no trailing zeros, so it reads the way a certificate writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{whole}"),
            f10 if f10 % 10 == 0 => write!(f, "{whole}.{}", f10 / 10),
            _ => write!(f, "{whole}.{frac:02}"),
        }
    }
}

impl FromStr for Hours {
    type Err = HoursError;
    /// A plain decimal: `2`, `1.5`, `0.25`, `.5`; at most two decimal places, not negative.
    fn from_str(s: &str) -> Result<Hours, HoursError> {
        let t = s.trim();
        let shown = || t.chars().take(40).collect::<String>();
        if t.starts_with('-') && t.len() > 1 && t[1..].bytes().any(|b| b.is_ascii_digit()) {
            return Err(HoursError::NotPositive);
        }
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        let shape = digits(int)
            && frac.is_none_or(|f| !f.is_empty() && digits(f))
            && !(int.is_empty() && frac.is_none());
        if !shape {
            return Err(HoursError::NotANumber(shown()));
        }
        let frac = frac.unwrap_or("");
        if frac.len() > 2 {
            return Err(HoursError::TooPrecise(shown()));
        }
        let int = int.trim_start_matches('0');
        // Longer than the bound's digits: refuse before parsing so no input can overflow.
        if int.len() > 5 {
            return Err(HoursError::TooMany {
                given: shown(),
                max: Hours::whole(MAX_WRITTEN),
            });
        }
        let whole: u32 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| HoursError::NotANumber(shown()))?
        };
        if whole > MAX_WRITTEN {
            return Err(HoursError::TooMany {
                given: shown(),
                max: Hours::whole(MAX_WRITTEN),
            });
        }
        let hundredths = match frac.len() {
            0 => 0,
            1 => u32::from(frac.as_bytes()[0] - b'0') * 10,
            _ => frac.parse::<u32>().unwrap_or(0),
        };
        Ok(Hours(whole * 100 + hundredths))
    }
}

/// The credit one activity carries: more than 0 and at most [`CreditHours::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditHours(Hours);

impl CreditHours {
    /// No single course, conference or term carries more; a larger figure is a typing slip.
    pub const MAX: Hours = Hours::whole(100);

    pub fn new(h: Hours) -> Result<CreditHours, HoursError> {
        if h.is_zero() {
            Err(HoursError::NotPositive)
        } else if h > CreditHours::MAX {
            Err(HoursError::TooMany {
                given: h.to_string(),
                max: CreditHours::MAX,
            })
        } else {
            Ok(CreditHours(h))
        }
    }

    pub fn hours(self) -> Hours {
        self.0
    }
}

impl FromStr for CreditHours {
    type Err = HoursError;
    fn from_str(s: &str) -> Result<CreditHours, HoursError> {
        CreditHours::new(s.parse()?)
    }
}

impl fmt::Display for CreditHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_written_as_plain_decimals() {
        for (text, hundredths) in [
            ("1", 100),
            ("1.5", 150),
            ("1.50", 150),
            ("0.25", 25),
            ("0.1", 10),
            (".5", 50),
            (" 2 ", 200),
            ("007", 700),
            ("0", 0),
            ("10000", 1_000_000),
        ] {
            assert_eq!(
                text.parse::<Hours>(),
                Ok(Hours::from_hundredths(hundredths)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn odd_amounts_are_refused_with_the_reason() {
        for bad in [
            "", ".", "1.", "1,5", "1e2", "+1", "one", "1.2.3", "½", "1 .5",
        ] {
            assert!(
                matches!(bad.parse::<Hours>(), Err(HoursError::NotANumber(_))),
                "{bad:?}"
            );
        }
        assert_eq!("-1".parse::<Hours>(), Err(HoursError::NotPositive));
        assert!(matches!(
            "1.333".parse::<Hours>(),
            Err(HoursError::TooPrecise(_))
        ));
        assert!(matches!(
            "99999999999999999999".parse::<Hours>(),
            Err(HoursError::TooMany { .. })
        ));
        assert!(matches!(
            "10000.01".parse::<Hours>(),
            Ok(h) if h == Hours::from_hundredths(1_000_001)
        ));
        assert!(matches!(
            "10001".parse::<Hours>(),
            Err(HoursError::TooMany { .. })
        ));
    }

    #[test]
    fn hours_display_without_trailing_zeros() {
        for (h, text) in [
            (3000, "30"),
            (150, "1.5"),
            (25, "0.25"),
            (10, "0.1"),
            (0, "0"),
        ] {
            assert_eq!(Hours::from_hundredths(h).to_string(), text);
        }
    }

    #[test]
    fn credit_is_more_than_nothing_and_at_most_a_hundred_hours() {
        assert_eq!("0".parse::<CreditHours>(), Err(HoursError::NotPositive));
        assert_eq!("0.00".parse::<CreditHours>(), Err(HoursError::NotPositive));
        assert_eq!(
            "100".parse::<CreditHours>().map(CreditHours::hours),
            Ok(Hours::whole(100))
        );
        assert_eq!(
            "100.01".parse::<CreditHours>().unwrap_err().to_string(),
            "100.01 is more than the 100 hours one activity can carry"
        );
    }

    #[test]
    fn sums_saturate_instead_of_wrapping() {
        let big = Hours::from_hundredths(u32::MAX - 1);
        assert_eq!(big + Hours::whole(1), Hours::from_hundredths(u32::MAX));
        assert_eq!(Hours::whole(3).shortfall_from(Hours::whole(5)), Hours::ZERO);
        assert_eq!(
            Hours::whole(5).shortfall_from(Hours::whole(3)),
            Hours::whole(2)
        );
    }
}
