use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn from_uuid(u: Uuid) -> Self { Self(u) }
            pub fn as_uuid(&self) -> Uuid { self.0 }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Uuid::parse_str(s).map(Self) }
        }
    };
}

id_type!(
    /// An account: client or staff.
    UserId
);
id_type!(
    /// A client's record. Distinct from the client's account so a record can outlive a login.
    ClientId
);
id_type!(
    /// A message thread between a client and their care team.
    ThreadId
);
id_type!(
    /// One message in a thread.
    MessageId
);
id_type!(
    /// A booked appointment (a video, audio-only or group session).
    AppointmentId
);
id_type!(
    /// One browser's presence in a live session's video (a fresh one on every join, so a
    /// reconnecting page is a new peer and the others drop the old one).
    PeerId
);
