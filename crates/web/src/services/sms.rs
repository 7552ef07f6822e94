//! Outgoing text messages, for phone verification codes (Standard 6; issue 5 part 2).
//!
//! [`SmsGateway`] is the interface a real provider adapter implements (none ships: the issue
//! asks for the interface, a development gateway and tests). `ALCOVE_SMS` chooses:
//!
//! * `off` (the default for `alcove serve`): no text is ever sent; the phone page says that
//!   the practice has not set up text messages, and phone verification cannot be completed.
//! * `log` (the default for `alcove demo`): the **development gateway**. Nothing leaves the
//!   machine: each message is written as one line starting `DEVELOPMENT SMS GATEWAY` to
//!   stderr and appended to `DATA_DIR/sms-outbox.log`. For development and demonstrations
//!   only — a practice must not run it with real clients.
//!
//! What is sent is a verification code and the practice's name, never clinical content.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use alcove_domain::phone::PhoneNumber;
use async_trait::async_trait;
use tokio::io::AsyncWriteExt;

/// The file of the data directory the development gateway appends to.
pub const SMS_OUTBOX_FILE: &str = "sms-outbox.log";
/// The words every line of the development gateway starts with.
pub const DEV_MARKER: &str = "DEVELOPMENT SMS GATEWAY";

/// Why a text was not sent. Never holds the number or the words.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("text messages are turned off (ALCOVE_SMS=off)")]
    Off,
    #[error("the SMS gateway failed: {0}")]
    Failed(String),
}

/// Something that delivers a short text to a phone number.
#[async_trait]
pub trait SmsGateway: Send + Sync + 'static {
    /// A short name for logs (`off`, `log`, a provider's name).
    fn name(&self) -> &'static str;
    /// Whether texts can be sent at all (false for `off`): pages say so up front.
    fn enabled(&self) -> bool {
        true
    }
    async fn send(&self, to: &PhoneNumber, text: &str) -> Result<(), SmsError>;
}

/// `ALCOVE_SMS=off`: refuses every message.
#[derive(Debug, Default)]
pub struct OffGateway;

#[async_trait]
impl SmsGateway for OffGateway {
    fn name(&self) -> &'static str {
        "off"
    }
    fn enabled(&self) -> bool {
        false
    }
    async fn send(&self, _to: &PhoneNumber, _text: &str) -> Result<(), SmsError> {
        Err(SmsError::Off)
    }
}

/// `ALCOVE_SMS=log`: the development gateway. Writes each message to stderr and, when given a
/// file, appends it there; sends nothing anywhere.
#[derive(Debug)]
pub struct LogGateway {
    file: Option<PathBuf>,
    lock: tokio::sync::Mutex<()>,
}

impl LogGateway {
    pub fn new(file: Option<PathBuf>) -> Self {
        Self {
            file,
            lock: tokio::sync::Mutex::new(()),
        }
    }

    pub fn file(&self) -> Option<&std::path::Path> {
        self.file.as_deref()
    }
}

#[async_trait]
impl SmsGateway for LogGateway {
    fn name(&self) -> &'static str {
        "log"
    }
    async fn send(&self, to: &PhoneNumber, text: &str) -> Result<(), SmsError> {
        let one_line: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let line = format!("{DEV_MARKER} (not sent) to={to} text={one_line}\n");
        eprint!("{line}");
        if let Some(path) = &self.file {
            let _guard = self.lock.lock().await;
            let mut options = tokio::fs::OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            options.mode(0o600);
            let mut f = options
                .open(path)
                .await
                .map_err(|e| SmsError::Failed(e.kind().to_string()))?;
            f.write_all(line.as_bytes())
                .await
                .map_err(|e| SmsError::Failed(e.kind().to_string()))?;
            f.flush()
                .await
                .map_err(|e| SmsError::Failed(e.kind().to_string()))?;
        }
        Ok(())
    }
}

/// The `sms` setting: which gateway to build.
#[derive(Clone, Debug, Default)]
pub enum SmsSetting {
    #[default]
    Off,
    /// The development gateway, appending to this file as well as stderr.
    Log(Option<PathBuf>),
    /// A gateway built elsewhere (a provider adapter; testkit's capture gateway in tests).
    Gateway(Sms),
}

impl SmsSetting {
    /// `off` or `log` (the file is decided by the caller: `DATA_DIR/sms-outbox.log`).
    pub fn parse(value: &str, data_dir: Option<&std::path::Path>) -> Result<SmsSetting, String> {
        match value.trim() {
            "off" => Ok(SmsSetting::Off),
            "log" => Ok(SmsSetting::Log(data_dir.map(|d| d.join(SMS_OUTBOX_FILE)))),
            other => Err(format!(
                "{other:?} is not a gateway: use off (no texts) or log (the development gateway, which writes codes to stderr and DATA_DIR/{SMS_OUTBOX_FILE})"
            )),
        }
    }

    pub fn gateway(&self) -> Arc<dyn SmsGateway> {
        match self {
            SmsSetting::Off => Arc::new(OffGateway),
            SmsSetting::Log(file) => Arc::new(LogGateway::new(file.clone())),
            SmsSetting::Gateway(g) => g.0.clone(),
        }
    }
}

/// A shared gateway, for `AppState`.
#[derive(Clone)]
pub struct Sms(pub Arc<dyn SmsGateway>);

impl fmt::Debug for Sms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sms({})", self.0.name())
    }
}

impl std::ops::Deref for Sms {
    type Target = dyn SmsGateway;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_development_gateway_writes_marked_lines_and_off_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(SMS_OUTBOX_FILE);
        let gw = SmsSetting::parse("log", Some(dir.path()))
            .unwrap()
            .gateway();
        let to = PhoneNumber::parse("+1 617 555 0123").unwrap();
        gw.send(&to, "Your code is 123456.\nBye").await.unwrap();
        let written = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            written,
            "DEVELOPMENT SMS GATEWAY (not sent) to=+16175550123 text=Your code is 123456. Bye\n"
        );
        let off = SmsSetting::parse("off", None).unwrap().gateway();
        assert!(!off.enabled());
        assert!(matches!(off.send(&to, "x").await, Err(SmsError::Off)));
        assert!(SmsSetting::parse("twilio", None)
            .unwrap_err()
            .contains("off"));
    }
}
