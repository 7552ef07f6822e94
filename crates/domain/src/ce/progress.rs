//! Progress towards a licence's CE requirement in its current renewal cycle.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{CeActivity, CeCategory, CeFormat, Hours, Requirement, Requirements};
use crate::licensure::{Credential, Credentials, Grant, Profession};
use crate::Jurisdiction;

/// Days before renewal from which missing hours are a warning rather than a plan: enough
/// time to find and finish an approved course before the licence lapses.
pub const WARNING_DAYS: i64 = 90;

/// Where a licence's CE stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeStatus {
    /// Every hour and every category minimum is done.
    Met,
    /// Hours are missing, but renewal is more than [`WARNING_DAYS`] away.
    OnTrack,
    /// Hours are missing and renewal is [`WARNING_DAYS`] days away or fewer.
    ShortfallWarning,
    /// The renewal date has passed: this cycle is over, whatever was done in it.
    LapsedCycle,
}

impl CeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CeStatus::Met => "met",
            CeStatus::OnTrack => "on_track",
            CeStatus::ShortfallWarning => "shortfall_warning",
            CeStatus::LapsedCycle => "lapsed_cycle",
        }
    }
}

impl fmt::Display for CeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The days whose activities count towards one renewal: both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CycleWindow {
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

impl CycleWindow {
    /// The cycle that ends on `renewal`. It starts the day after the previous renewal date,
    /// `cycle_months` earlier, because that day belonged to the previous cycle: an activity
    /// must never count towards two renewals. Licences that expire at the end of a month
    /// (the usual case) expired at the end of that earlier month too, so 2026-02-28 follows
    /// 2024-02-29; other days keep their day of the month, clamped to a shorter month.
    pub fn ending(renewal: NaiveDate, cycle_months: u32) -> CycleWindow {
        let back = renewal.checked_sub_months(Months::new(cycle_months));
        let previous = if is_month_end(renewal) {
            back.and_then(month_end)
        } else {
            back
        };
        let starts = previous
            .and_then(|p| p.succ_opt())
            .unwrap_or(NaiveDate::MIN);
        CycleWindow {
            starts: starts.min(renewal),
            ends: renewal,
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.starts <= d && d <= self.ends
    }
}

fn is_month_end(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|next| next.month() != d.month())
}

fn month_end(d: NaiveDate) -> Option<NaiveDate> {
    d.with_day(1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// One required category in the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CategoryProgress {
    pub category: CeCategory,
    pub required: Hours,
    pub counted: Hours,
    pub missing: Hours,
}

/// One licence's CE in its current cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub jurisdiction: Jurisdiction,
    pub profession: Profession,
    /// The licence's expiry date, which is its renewal date.
    pub renewal: NaiveDate,
    pub window: CycleWindow,
    /// Hours the cycle requires.
    pub required: Hours,
    /// Hours completed in the window, whatever the format.
    pub completed: Hours,
    /// Hours that count towards `required`: `completed` less self-study above the board's cap.
    pub counted: Hours,
    /// Self-study hours in the window above the board's cap, which do not count to the total.
    pub self_study_over_cap: Hours,
    /// Hours completed in the window in each category that has any.
    pub by_category: BTreeMap<CeCategory, Hours>,
    /// Each category the board requires, in the order the data lists them.
    pub categories: Vec<CategoryProgress>,
    /// `required - counted`, or zero.
    pub missing: Hours,
    /// The fewest further hours that would meet everything: the total shortfall, or the
    /// category shortfalls added up when they are larger (a category hour also counts to the
    /// total, so never both).
    pub still_needed: Hours,
    /// Positions in the activity list of those inside the window.
    pub counted_activities: Vec<usize>,
    /// `renewal - today`; negative once the renewal date has passed.
    pub days_to_renewal: i64,
    pub status: CeStatus,
    /// The requirement's figures await human review; pages must say so.
    pub verify: bool,
}

impl Progress {
    /// The required categories that still miss hours.
    pub fn missing_by_category(&self) -> impl Iterator<Item = &CategoryProgress> {
        self.categories.iter().filter(|c| !c.missing.is_zero())
    }
}

/// Standard 10: measures the cycle that ends on `renewal` (a licence's expiry date) against
/// `requirement`. An activity counts when it was completed inside the window, towards its
/// category and towards the total.
pub fn progress(
    requirement: &Requirement,
    renewal: NaiveDate,
    activities: &[CeActivity],
    today: NaiveDate,
) -> Progress {
    let window = CycleWindow::ending(renewal, requirement.cycle_months);
    let mut by_category: BTreeMap<CeCategory, Hours> = BTreeMap::new();
    let (mut self_study, mut other) = (Hours::ZERO, Hours::ZERO);
    let mut counted_activities = Vec::new();
    for (i, a) in activities.iter().enumerate() {
        if !window.contains(a.completed_on()) {
            continue;
        }
        counted_activities.push(i);
        let h = a.hours().hours();
        let slot = by_category.entry(a.category()).or_default();
        *slot = *slot + h;
        if a.format() == CeFormat::SelfStudy {
            self_study = self_study + h;
        } else {
            other = other + h;
        }
    }
    let counted_self_study = match requirement.self_study_max {
        Some(cap) => self_study.min(cap),
        None => self_study,
    };
    let counted = other + counted_self_study;
    let categories: Vec<CategoryProgress> = requirement
        .categories
        .iter()
        .map(|m| {
            let counted = by_category.get(&m.category).copied().unwrap_or_default();
            CategoryProgress {
                category: m.category,
                required: m.hours,
                counted,
                missing: m.hours.shortfall_from(counted),
            }
        })
        .collect();
    let missing = requirement.hours.shortfall_from(counted);
    let category_missing: Hours = categories.iter().map(|c| c.missing).sum();
    let still_needed = missing.max(category_missing);
    let days_to_renewal = (renewal - today).num_days();
    let status = if today > renewal {
        CeStatus::LapsedCycle
    } else if still_needed.is_zero() {
        CeStatus::Met
    } else if days_to_renewal <= WARNING_DAYS {
        CeStatus::ShortfallWarning
    } else {
        CeStatus::OnTrack
    };
    Progress {
        jurisdiction: requirement.jurisdiction.clone(),
        profession: requirement.profession,
        renewal,
        window,
        required: requirement.hours,
        completed: other + self_study,
        counted,
        self_study_over_cap: self_study.shortfall_from(counted_self_study),
        by_category,
        categories,
        missing,
        still_needed,
        counted_activities,
        days_to_renewal,
        status,
        verify: requirement.verify,
    }
}

/// One licence of a credentials set and its CE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenceProgress {
    /// Its position in the credentials file.
    pub index: usize,
    pub credential: Credential,
    pub jurisdiction: Jurisdiction,
    pub profession: Profession,
    /// `None`: Alcove has no requirement data for this jurisdiction and profession. Nothing
    /// is guessed; the page says to check with the board.
    pub progress: Option<Progress>,
}

/// CE progress for every licence in `creds`, each counting the activities named for it and
/// those named for no licence in particular. Only licences renew with CE: compact
/// privileges and authorisations ride on a home licence, and permits are short-lived, so
/// they are left out.
pub fn progress_by_licence(
    creds: &Credentials,
    requirements: &Requirements,
    activities: &[CeActivity],
    today: NaiveDate,
) -> Vec<LicenceProgress> {
    creds
        .credentials()
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let Grant::License { jurisdiction } = &c.grant else {
                return None;
            };
            let profession = c.profession.unwrap_or(creds.profession());
            // Standard 10: an activity named for one licence counts towards that one only.
            let (positions, mine): (Vec<usize>, Vec<CeActivity>) = activities
                .iter()
                .enumerate()
                .filter(|(_, a)| a.counts_for(c))
                .map(|(i, a)| (i, a.clone()))
                .unzip();
            let progress = requirements.requirement(jurisdiction, profession).map(|r| {
                let mut p = progress(r, c.expires, &mine, today);
                // Positions in the caller's list, not in the filtered one.
                p.counted_activities = p
                    .counted_activities
                    .iter()
                    .filter_map(|&i| positions.get(i).copied())
                    .collect();
                p
            });
            Some(LicenceProgress {
                index,
                credential: c.clone(),
                jurisdiction: jurisdiction.clone(),
                profession,
                progress,
            })
        })
        .collect()
}
