//! A capture SMS gateway for tests: it keeps every text the application "sends" so a test can
//! read the verification code the way a client reads their phone. Plugged in through the
//! product's own `SmsGateway` interface (`WebConfig::sms = SmsSetting::Gateway(..)`).

use std::sync::{Arc, Mutex};

use alcove_domain::phone::PhoneNumber;
use alcove_web::services::sms::{SmsError, SmsGateway, SmsSetting};
use alcove_web::services::Sms;
use async_trait::async_trait;

/// One text as the gateway received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// E.164.
    pub to: String,
    pub body: String,
}

#[derive(Debug, Default)]
pub struct SmsCapture {
    texts: Mutex<Vec<Text>>,
}

impl SmsCapture {
    pub fn new() -> Arc<SmsCapture> {
        Arc::new(SmsCapture::default())
    }

    /// The setting that makes an app send through this capture.
    pub fn setting(self: &Arc<Self>) -> SmsSetting {
        SmsSetting::Gateway(Sms(self.clone()))
    }

    pub fn texts(&self) -> Vec<Text> {
        self.texts.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The six-digit code in the latest text to `to` (E.164), if any.
    pub fn last_code_to(&self, to: &str) -> Option<String> {
        self.texts()
            .iter()
            .rev()
            .find(|t| t.to == to)
            .and_then(|t| code_in(&t.body))
    }
}

/// The first run of exactly six digits in a text.
pub fn code_in(body: &str) -> Option<String> {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .map(str::to_owned)
}

#[async_trait]
impl SmsGateway for SmsCapture {
    fn name(&self) -> &'static str {
        "capture"
    }
    async fn send(&self, to: &PhoneNumber, text: &str) -> Result<(), SmsError> {
        self.texts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Text {
                to: to.as_str().to_owned(),
                body: text.to_owned(),
            });
        Ok(())
    }
}
