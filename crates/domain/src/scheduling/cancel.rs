//! The late-cancellation rule: the practice states how much notice it asks for, and a
//! cancellation or reschedule with less notice is late. Whether a fee follows is the
//! practice's business; the product only records which it was and says so beforehand.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelPolicy {
    pub notice_hours: u32,
}

impl Default for CancelPolicy {
    fn default() -> Self {
        CancelPolicy { notice_hours: 24 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cancellation {
    WithNotice,
    Late,
    /// The session has already started or ended: nothing to cancel.
    TooLate,
}

impl CancelPolicy {
    pub fn judge(&self, at: DateTime<Utc>, session_start: DateTime<Utc>) -> Cancellation {
        if at >= session_start {
            Cancellation::TooLate
        } else if session_start - at < Duration::hours(self.notice_hours.into()) {
            Cancellation::Late
        } else {
            Cancellation::WithNotice
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_is_measured_in_real_hours_to_the_start() {
        let p = CancelPolicy::default();
        let start = DateTime::parse_from_rfc3339("2026-11-02T14:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            p.judge(start - Duration::hours(24), start),
            Cancellation::WithNotice
        );
        assert_eq!(
            p.judge(start - Duration::hours(23), start),
            Cancellation::Late
        );
        assert_eq!(p.judge(start, start), Cancellation::TooLate);
    }
}
