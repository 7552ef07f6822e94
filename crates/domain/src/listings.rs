//! The register of online listings (seed 001): every external site where the practice or a
//! clinician is listed, what it shows, and when someone last checked it is accurate.
//! Reviews posted on those sites are never answered: answering, even kindly, would confirm
//! that the reviewer is a client. The register records the listing, never the reviews.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::UserId;

pub const MAX_TEXT: usize = 500;
pub const DEFAULT_INTERVAL_MONTHS: u32 = 6;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The site's name as people know it ("Psychology Today").
    pub site: String,
    /// The listing's address (http or https).
    pub url: String,
    /// What the listing shows (photo, phone, fees, insurance, ratings...).
    pub shows: String,
    /// Whose listing it is; `None` for the practice's own.
    pub clinician: Option<UserId>,
    /// How often it is checked.
    pub interval_months: u32,
    /// Oldest first.
    pub reviews: Vec<Review>,
    /// Removed from the register (kept in its history).
    #[serde(default)]
    pub removed: bool,
    /// The site listed the practice without being asked (seed 001: "with or without the
    /// direct permission of the business owner").
    #[serde(default)]
    pub unrequested: bool,
}

/// What the practice asked the site to do after a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteRequest {
    /// Asked the site to correct what it shows.
    Correction,
    /// Asked the site to take the listing down.
    Removal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub on: NaiveDate,
    pub by: UserId,
    /// Whether the listing was accurate as found, or had to be corrected.
    pub accurate: bool,
    pub note: String,
    /// A correction or removal asked of the site, if any.
    #[serde(default)]
    pub asked: Option<SiteRequest>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("site: the site's name is needed")]
    SiteMissing,
    #[error("url: an http or https address of the listing is needed")]
    Url,
    #[error("{0}: at most {MAX_TEXT} characters")]
    TooLong(&'static str),
    #[error("interval_months: a review interval from 1 to 24 months")]
    Interval,
    #[error("on: a review cannot be dated in the future")]
    FutureReview,
}

impl ListingError {
    pub fn field(&self) -> &'static str {
        match self {
            ListingError::SiteMissing => "site",
            ListingError::Url => "url",
            ListingError::TooLong(f) => f,
            ListingError::Interval => "interval_months",
            ListingError::FutureReview => "on",
        }
    }
}

fn text(field: &'static str, s: &str) -> Result<String, ListingError> {
    let s: String = s.trim().chars().filter(|c| !c.is_control()).collect();
    if s.chars().count() > MAX_TEXT {
        Err(ListingError::TooLong(field))
    } else {
        Ok(s)
    }
}

/// Where a listing stands today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    /// Never reviewed since it was added: due at once.
    NeverReviewed,
    Current {
        due: NaiveDate,
    },
    Overdue {
        due: NaiveDate,
    },
}

impl Listing {
    pub fn parse(
        site: &str,
        url: &str,
        shows: &str,
        clinician: Option<UserId>,
        interval_months: &str,
        unrequested: bool,
    ) -> Result<Listing, Vec<ListingError>> {
        let mut errors = Vec::new();
        let mut keep =
            |r: Result<String, ListingError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
        let site = keep(text("site", site));
        let shows = keep(text("shows", shows));
        let url = keep(text("url", url));
        if site.is_empty() && !errors.contains(&ListingError::TooLong("site")) {
            errors.push(ListingError::SiteMissing);
        }
        let url_ok = url::Url::parse(&url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !url_ok && !errors.contains(&ListingError::TooLong("url")) {
            errors.push(ListingError::Url);
        }
        let interval = match interval_months.trim() {
            "" => Some(DEFAULT_INTERVAL_MONTHS),
            s => s.parse::<u32>().ok().filter(|m| (1..=24).contains(m)),
        };
        if interval.is_none() {
            errors.push(ListingError::Interval);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Listing {
            site,
            url,
            shows,
            clinician,
            interval_months: interval.unwrap_or(DEFAULT_INTERVAL_MONTHS),
            reviews: Vec::new(),
            removed: false,
            unrequested,
        })
    }

    /// Records that `by` checked the listing, and what was asked of the site.
    #[allow(clippy::too_many_arguments)]
    pub fn reviewed(
        &mut self,
        on: NaiveDate,
        today: NaiveDate,
        by: UserId,
        accurate: bool,
        asked: Option<SiteRequest>,
        note: &str,
    ) -> Result<(), ListingError> {
        if on > today {
            return Err(ListingError::FutureReview);
        }
        let note = text("note", note)?;
        self.reviews.push(Review {
            on,
            by,
            accurate,
            note,
            asked,
        });
        self.reviews.sort_by_key(|r| r.on);
        Ok(())
    }

    pub fn last_review(&self) -> Option<&Review> {
        self.reviews.last()
    }

    pub fn status(&self, today: NaiveDate) -> ReviewStatus {
        match self.last_review() {
            None => ReviewStatus::NeverReviewed,
            Some(r) => {
                let due =
                    r.on.checked_add_months(Months::new(self.interval_months))
                        .unwrap_or(NaiveDate::MAX);
                if today > due {
                    ReviewStatus::Overdue { due }
                } else {
                    ReviewStatus::Current { due }
                }
            }
        }
    }

    /// Needs someone's attention now.
    pub fn needs_review(&self, today: NaiveDate) -> bool {
        !self.removed && !matches!(self.status(today), ReviewStatus::Current { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn listing() -> Listing {
        Listing::parse(
            "Psychology Today",
            "https://www.psychologytoday.com/us/therapists/dana",
            "photo, phone, fees",
            None,
            "6",
            false,
        )
        .unwrap()
    }

    #[test]
    fn a_new_listing_is_due_for_review_at_once() {
        let l = listing();
        assert_eq!(l.status(d("2026-11-23")), ReviewStatus::NeverReviewed);
        assert!(l.needs_review(d("2026-11-23")));
    }

    #[test]
    fn a_review_is_good_for_the_interval_and_then_overdue() {
        let mut l = listing();
        let by = UserId(Uuid::new_v4());
        l.reviewed(d("2026-05-31"), d("2026-05-31"), by, true, None, "")
            .unwrap();
        // Six months after 31 May is 30 November (the month is shorter): due that day.
        assert_eq!(
            l.status(d("2026-11-30")),
            ReviewStatus::Current {
                due: d("2026-11-30")
            }
        );
        assert_eq!(
            l.status(d("2026-12-01")),
            ReviewStatus::Overdue {
                due: d("2026-11-30")
            }
        );
        assert!(l.needs_review(d("2026-12-01")));
        assert!(!l.needs_review(d("2026-11-30")));
    }

    #[test]
    fn bad_input_names_each_field() {
        let errs = Listing::parse(" ", "javascript:alert(1)", "", None, "0", false).unwrap_err();
        let fields: Vec<_> = errs.iter().map(ListingError::field).collect();
        assert_eq!(fields, vec!["site", "url", "interval_months"]);
        let mut l = listing();
        assert_eq!(
            l.reviewed(
                d("2026-11-24"),
                d("2026-11-23"),
                UserId(Uuid::new_v4()),
                true,
                None,
                ""
            ),
            Err(ListingError::FutureReview)
        );
    }

    #[test]
    fn a_removed_listing_needs_nothing() {
        let mut l = listing();
        l.removed = true;
        assert!(!l.needs_review(d("2030-01-01")));
    }
}
