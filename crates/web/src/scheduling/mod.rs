//! Scheduling (issue 6): availability, booking across time zones, rescheduling and
//! cancellation, reminders and calendar feeds. The session itself (check-in, waiting room,
//! video) lives in `crate::sessions`.

pub mod appointments;

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
}
