//! Scheduling (issue 6): when a clinician can be booked, and the rules a booking keeps.
//!
//! Availability is kept in the clinician's time zone (weekly hours plus dated exceptions),
//! because that is how a clinician thinks about their week; slots are computed as instants
//! (UTC) so that they mean the same moment for a client in another zone, and across
//! daylight-saving changes a 9:00 slot stays at 9:00 on the clinician's wall clock.
//!
//! * [`availability`] — weekly hours, exceptions, parsing with the field named on error;
//! * [`session_type`] — length, modality (video, audio-only, group up to six), buffers;
//! * [`slots`] — the offered slots in a range, given what is already booked;
//! * [`cancel`] — the late-cancellation rule;
//! * [`appointment`] — a booking and, once held, its session record;
//! * [`settings`] — a clinician's settings and the practice's scheduling policy;
//! * [`checkin`] — the client's check-in before every session.

pub mod appointment;
pub mod availability;
pub mod cancel;
pub mod checkin;
pub mod session_type;
pub mod settings;
pub mod slots;

pub use appointment::{Appointment, SessionRecord, Status as AppointmentStatus, TechnicalProblem};
pub use availability::{Availability, AvailabilityError, DayHours, Exception, Window};
pub use cancel::{CancelPolicy, Cancellation};
pub use checkin::{CheckIn, CheckInError, CheckInForm};
pub use session_type::{Modality, SessionType, SessionTypeError, MAX_GROUP};
pub use settings::{
    format_session_types, parse_session_types, PolicyError, ScheduleSettings, SchedulingPolicy,
    SessionTypeLineError,
};
pub use slots::{bookable, offered_slots, BookingWindow, Busy, Slot};
