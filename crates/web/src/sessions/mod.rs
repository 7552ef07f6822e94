//! Live sessions (issue 6): the check-in before every session, the waiting room, the device
//! check, WebRTC video signalled over `/ws`, the session clock, and the fallback when a
//! connection drops. Appointments come from `crate::scheduling::appointments`.

pub mod signal;

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
}
