//! Scheduling (issue 6): availability, booking across time zones, rescheduling and
//! cancellation, reminders and calendar feeds. The session itself (check-in, waiting room,
//! video) lives in `crate::sessions`.
//!
//! | file | part |
//! | --- | --- |
//! | `settings.rs` | the clinician's availability page (`ScheduleSettings`) and the practice's scheduling policy (`SchedulingPolicy`) |
//! | `booking.rs` | the one place that books, reschedules and cancels (readiness, licensure, the `BookingLedger`) |
//! | `pages.rs` | my appointments, booking (client and clinician), cancel and reschedule pages |
//! | `calendar.rs` | RFC 5545 entries, the private feed (`CalendarFeed`), the reminders job |
//! | `api.rs` | `/api/v1/appointments` |
//! | `appointments.rs` | where appointments are kept (`Appointment` documents) |

mod api;
pub mod appointments;
pub mod booking;
pub mod calendar;
pub mod pages;
pub mod settings;

pub(crate) use api::ApiDoc;

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/schedule", settings::page)
        .post("/schedule", settings::save)
        .get("/admin/scheduling", settings::policy_page)
        .post("/admin/scheduling", settings::policy_save)
        .get("/appointments", pages::list)
        .get("/appointments/book", pages::book_page)
        .post("/appointments/book", pages::book)
        .get("/appointments/new", pages::new_page)
        .post("/appointments/new", pages::new_book)
        .get("/appointments/{appointment}/cancel", pages::cancel_page)
        .post("/appointments/{appointment}/cancel", pages::cancel)
        .get(
            "/appointments/{appointment}/reschedule",
            pages::reschedule_page,
        )
        .post("/appointments/{appointment}/reschedule", pages::reschedule)
        .post("/calendar/feed", pages::create_feed)
        .post("/calendar/feed/revoke", pages::revoke_feed)
        .get("/calendar/{token}", calendar::feed)
        .get("/api/v1/appointments", api::list)
        .post("/api/v1/appointments", api::create)
        .get("/api/v1/appointments/slots", api::slots)
        .post("/api/v1/appointments/{appointment}/cancel", api::cancel)
        .post(
            "/api/v1/appointments/{appointment}/reschedule",
            api::reschedule,
        )
}
