use chrono::Duration;
use url::Url;

/// What the web layer needs to know; the `app` crate fills it from `alcove.toml` / `ALCOVE_*`.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub practice_name: String,
    /// Where users reach the practice; decides the allowed Origin and whether cookies are `Secure`.
    pub public_url: Option<Url>,
    /// Idle timeout for staff sessions (issue 3: 15 minutes by default).
    pub staff_idle: Duration,
    pub client_idle: Duration,
    /// No session lives longer than this, however active.
    pub absolute_lifetime: Duration,
    /// Failed sign-ins per account within the window before a pause is imposed.
    pub sign_in_failures_per_account: i64,
    /// Failed sign-ins per network address within the window before a pause is imposed.
    pub sign_in_failures_per_address: i64,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Where signed audit checkpoints are mirrored outside the database (`DATA_DIR/audit-checkpoints`).
    pub checkpoint_mirror: Option<std::path::PathBuf>,
    /// How often the reminders job runs (`reminders::run_reminders`); `None` turns it off
    /// (tests that drive reminders themselves). Each pass sends only what is newly due.
    pub reminder_every: Option<std::time::Duration>,
    /// Largest message attachment, in bytes (`ALCOVE_ATTACHMENT_MAX_MIB`, default 10 MiB).
    pub attachment_max: usize,
    /// Which SMS gateway sends phone verification codes (`ALCOVE_SMS`; off by default).
    pub sms: crate::services::sms::SmsSetting,
    /// STUN and TURN servers for video sessions (`ALCOVE_ICE_SERVERS`), parsed once.
    pub ice_servers: Vec<crate::sessions::ice::IceUrl>,
    /// The TURN REST shared secret (`ALCOVE_TURN_SECRET`): TURN servers get time-limited
    /// credentials made with it. Never shown or logged.
    pub turn_secret: Option<crate::sessions::ice::TurnSecret>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            practice_name: "Alcove".into(),
            public_url: None,
            staff_idle: Duration::minutes(15),
            client_idle: Duration::minutes(30),
            absolute_lifetime: Duration::hours(12),
            sign_in_failures_per_account: 5,
            sign_in_failures_per_address: 100,
            body_limit: 64 * 1024,
            checkpoint_mirror: None,
            reminder_every: Some(std::time::Duration::from_secs(5 * 60)),
            attachment_max: 10 * 1024 * 1024,
            sms: crate::services::sms::SmsSetting::Off,
            ice_servers: Vec::new(),
            turn_secret: None,
        }
    }
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https")
    }
}
