//! Configuration from `alcove.toml` and `ALCOVE_*` variables (later sources win), then flags.
//! Unknown keys and bad values stop start-up with a message that names the key.

use std::path::{Path, PathBuf};

use alcove_web::services::mailer::{self, MailSetupError, MailTransport, Mailer};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Every key the contract knows (DESIGN.md "Configuration"), plus a few web settings.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub data_dir: Option<PathBuf>,
    pub addr: Option<String>,
    pub database_url: Option<String>,
    pub master_key: Option<String>,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    /// The sender of notifications; the practice name is its display name.
    pub mail_from: Option<String>,
    pub ice_servers: Option<String>,
    pub turn_secret: Option<String>,
    pub log: Option<String>,
    pub practice_name: Option<String>,
    pub staff_idle_minutes: Option<u32>,
    pub client_idle_minutes: Option<u32>,
    pub session_hours: Option<u32>,
    /// Largest message attachment, in MiB (issue 7; default 10).
    pub attachment_max_mib: Option<u32>,
    /// The SMS gateway for phone verification codes: `off` (default for `serve`) or `log`, the
    /// development gateway (default for `demo`) that writes codes to stderr and
    /// `DATA_DIR/sms-outbox.log` and sends nothing.
    pub sms: Option<String>,
}

/// Secrets (keys, passwords inside URLs) never reach a log through `{:?}`.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |o: &Option<String>| o.as_ref().map(|_| "<redacted>");
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("addr", &self.addr)
            .field("database_url", &hidden(&self.database_url))
            .field("master_key", &hidden(&self.master_key))
            .field("public_url", &self.public_url)
            .field("smtp_url", &hidden(&self.smtp_url))
            .field("mail_from", &self.mail_from)
            .field("ice_servers", &self.ice_servers)
            .field("turn_secret", &hidden(&self.turn_secret))
            .field("log", &self.log)
            .field("sms", &self.sms)
            .finish_non_exhaustive()
    }
}

/// The largest attachment limit a practice may configure: attachments are held in memory
/// while they are checked and sealed.
pub const MAX_ATTACHMENT_MIB: u32 = 100;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Figment(String),
    #[error("configuration key `{key}`: {why}")]
    Bad { key: &'static str, why: String },
}

impl Config {
    /// Reads `alcove.toml` (from `ALCOVE_CONFIG`, else the working directory, if present) and
    /// `ALCOVE_*` variables. Flags given on the command line are merged over these by the caller.
    pub fn load(toml: Option<&Path>) -> Result<Self, ConfigError> {
        let path = toml
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("ALCOVE_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| "alcove.toml".into());
        let fig = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(path))
            .merge(Env::prefixed("ALCOVE_").ignore(&["config"]));
        let c: Config = fig
            .extract()
            .map_err(|e| ConfigError::Figment(e.to_string()))?;
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(u) = &self.public_url {
            let parsed = url::Url::parse(u).map_err(|e| ConfigError::Bad {
                key: "public_url",
                why: format!("{e} (e.g. https://practice.example)"),
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ConfigError::Bad {
                    key: "public_url",
                    why: "must start with http:// or https://".into(),
                });
            }
        }
        if let Some(u) = &self.database_url {
            if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) {
                return Err(ConfigError::Bad {
                    key: "database_url",
                    why: "must be a postgres:// URL (leave it unset for the built-in SQLite)"
                        .into(),
                });
            }
        }
        if let Some(u) = &self.smtp_url {
            check_smtp_url(u).map_err(|why| ConfigError::Bad {
                key: "smtp_url",
                why,
            })?;
        }
        if let Some(f) = &self.mail_from {
            alcove_web::services::mailer::check_from(f).map_err(|why| ConfigError::Bad {
                key: "mail_from",
                why,
            })?;
        }
        if let Some(v) = &self.sms {
            alcove_web::services::sms::SmsSetting::parse(v, None)
                .map_err(|why| ConfigError::Bad { key: "sms", why })?;
        }
        if let Some(v) = &self.ice_servers {
            let servers = alcove_web::sessions::ice::parse_ice_servers(v).map_err(|why| {
                ConfigError::Bad {
                    key: "ice_servers",
                    why,
                }
            })?;
            // A TURN server without credentials makes browsers refuse the whole list, so no
            // video would connect: say so at start-up instead.
            if servers.iter().any(|u| u.is_turn()) && self.turn_secret.is_none() {
                return Err(ConfigError::Bad {
                    key: "turn_secret",
                    why: "is needed for the turn: servers in ice_servers (TURN REST credentials)"
                        .into(),
                });
            }
        }
        if self
            .turn_secret
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            return Err(ConfigError::Bad {
                key: "turn_secret",
                why: "is empty (leave it unset for no TURN credentials)".into(),
            });
        }
        if let Some(a) = &self.addr {
            check_addr(a).map_err(|why| ConfigError::Bad { key: "addr", why })?;
        }
        for (key, v) in [
            ("staff_idle_minutes", self.staff_idle_minutes),
            ("client_idle_minutes", self.client_idle_minutes),
        ] {
            if v == Some(0) || v.is_some_and(|m| m > 24 * 60) {
                return Err(ConfigError::Bad {
                    key,
                    why: "must be between 1 and 1440 minutes".into(),
                });
            }
        }
        if self.session_hours == Some(0) || self.session_hours.is_some_and(|h| h > 24 * 7) {
            return Err(ConfigError::Bad {
                key: "session_hours",
                why: "must be between 1 and 168 hours".into(),
            });
        }
        if self
            .attachment_max_mib
            .is_some_and(|m| !(1..=MAX_ATTACHMENT_MIB).contains(&m))
        {
            return Err(ConfigError::Bad {
                key: "attachment_max_mib",
                why: format!("must be between 1 and {MAX_ATTACHMENT_MIB} MiB"),
            });
        }
        Ok(())
    }

    pub fn web(&self) -> alcove_web::WebConfig {
        let mut w = alcove_web::WebConfig::default();
        if let Some(n) = &self.practice_name {
            w.practice_name = n.clone();
        }
        w.public_url = self
            .public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok());
        if let Some(m) = self.staff_idle_minutes {
            w.staff_idle = chrono::Duration::minutes(m.into());
        }
        if let Some(m) = self.client_idle_minutes {
            w.client_idle = chrono::Duration::minutes(m.into());
        }
        if let Some(h) = self.session_hours {
            w.absolute_lifetime = chrono::Duration::hours(h.into());
        }
        if let Some(m) = self.attachment_max_mib {
            w.attachment_max = m as usize * 1024 * 1024;
        }
        w.ice_servers = self
            .ice_servers
            .as_deref()
            .and_then(|v| alcove_web::sessions::ice::parse_ice_servers(v).ok())
            .unwrap_or_default();
        w.turn_secret = self
            .turn_secret
            .as_deref()
            .map(|s| alcove_web::sessions::ice::TurnSecret(s.trim().as_bytes().to_vec()));
        w
    }
}

impl Config {
    /// The outgoing mail service: SMTP when `smtp_url` is set, else `DATA_DIR/outbox/`.
    pub fn mailer(
        &self,
        web: &alcove_web::WebConfig,
        data_dir: &Path,
    ) -> Result<Mailer, MailSetupError> {
        Mailer::new(
            MailTransport::from_config(self.smtp_url.as_deref(), data_dir),
            self.mail_from.as_deref().unwrap_or(mailer::DEFAULT_FROM),
            web,
        )
    }
}

/// `smtp://HOST[:PORT]` (plain, for a local relay), `smtp://…?tls=required|opportunistic`
/// (STARTTLS) or `smtps://HOST[:PORT]` (implicit TLS). The message never repeats the URL: it
/// may hold a password.
pub fn check_smtp_url(u: &str) -> Result<(), String> {
    const SHAPE: &str = "smtp://HOST:PORT, smtp://HOST:PORT?tls=required or smtps://HOST:PORT";
    let parsed = url::Url::parse(u).map_err(|e| format!("{e} (expected {SHAPE})"))?;
    if !matches!(parsed.scheme(), "smtp" | "smtps") {
        return Err(format!("must start with smtp:// or smtps:// ({SHAPE})"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("names no host ({SHAPE})"));
    }
    for (k, v) in parsed.query_pairs() {
        if k != "tls" || !matches!(v.as_ref(), "required" | "opportunistic") {
            return Err(format!(
                "the only query parameter understood is tls=required or tls=opportunistic ({SHAPE})"
            ));
        }
    }
    Ok(())
}

/// `HOST:PORT`, e.g. `127.0.0.1:8080`.
pub fn check_addr(a: &str) -> Result<(), String> {
    a.parse::<std::net::SocketAddr>()
        .map(|_| ())
        .map_err(|_| format!("{a:?} is not HOST:PORT such as 127.0.0.1:8080"))
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn debug_output_never_shows_secrets() {
        let c = Config {
            master_key: Some("c2VjcmV0LW1hc3Rlci1rZXk=".into()),
            database_url: Some("postgres://alcove:hunter2@db/alcove".into()),
            turn_secret: Some("turn-shared-secret".into()),
            smtp_url: Some("smtp://user:pw@mail".into()),
            addr: Some("127.0.0.1:8080".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        for secret in ["c2VjcmV0", "hunter2", "turn-shared-secret", "user:pw"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("127.0.0.1:8080") && shown.contains("<redacted>"));
    }

    fn with_smtp(u: &str) -> Config {
        Config {
            smtp_url: Some(u.into()),
            ..Config::default()
        }
    }

    #[test]
    fn smtp_url_must_be_smtp_or_smtps_and_errors_name_the_key_without_the_password() {
        for good in [
            "smtp://127.0.0.1:2525",
            "smtp://mail.example.org:587?tls=required",
            "smtps://user:pw@mail.example.org",
        ] {
            assert!(with_smtp(good).validate().is_ok(), "{good}");
        }
        for bad in [
            "http://user:s3cret@mail.example.org",
            "smtp://user:s3cret@mail.example.org?tls=sometimes",
            "mail.example.org:25",
            "smtp://",
        ] {
            let e = with_smtp(bad).validate().unwrap_err().to_string();
            assert!(e.contains("smtp_url"), "{bad}: {e}");
            assert!(!e.contains("s3cret"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_attachment_limit_is_in_mib_within_bounds() {
        let c = |m: u32| Config {
            attachment_max_mib: Some(m),
            ..Config::default()
        };
        assert_eq!(Config::default().web().attachment_max, 10 * 1024 * 1024);
        assert_eq!(c(3).web().attachment_max, 3 * 1024 * 1024);
        for bad in [0, 101] {
            let e = c(bad).validate().unwrap_err().to_string();
            assert!(e.contains("attachment_max_mib"), "{e}");
        }
    }

    #[test]
    fn ice_servers_are_stun_or_turn_urls_and_the_turn_secret_reaches_the_web_config() {
        let c = Config {
            ice_servers: Some("stun:stun.example.org:3478, turn:turn.example.org:3478".into()),
            turn_secret: Some("north-wind".into()),
            ..Config::default()
        };
        assert!(c.validate().is_ok());
        let w = c.web();
        assert_eq!(w.ice_servers.len(), 2);
        assert_eq!(w.turn_secret.as_ref().unwrap().0, b"north-wind");
        assert!(!format!("{w:?}").contains("north-wind"));
        let bad = Config {
            ice_servers: Some("http://turn.example.org".into()),
            ..Config::default()
        };
        let e = bad.validate().unwrap_err().to_string();
        assert!(
            e.contains("ice_servers") && e.contains("http://turn.example.org"),
            "{e}"
        );
        // A TURN server needs the secret; STUN alone does not.
        let no_secret = Config {
            ice_servers: Some("stun:stun.example.org:3478, turn:turn.example.org:3478".into()),
            ..Config::default()
        };
        let e = no_secret.validate().unwrap_err().to_string();
        assert!(e.contains("turn_secret"), "{e}");
        let stun_only = Config {
            ice_servers: Some("stun:stun.example.org:3478".into()),
            ..Config::default()
        };
        assert!(stun_only.validate().is_ok());
    }

    #[test]
    fn mail_from_must_be_an_address() {
        let c = |f: &str| Config {
            mail_from: Some(f.into()),
            ..Config::default()
        };
        assert!(c("alcove@localhost").validate().is_ok());
        assert!(c("notices@practice.example").validate().is_ok());
        let e = c("Alcove Notices").validate().unwrap_err().to_string();
        assert!(e.contains("mail_from"), "{e}");
    }

    #[test]
    fn sms_is_off_or_log_and_errors_name_the_key() {
        let c = |v: &str| Config {
            sms: Some(v.into()),
            ..Config::default()
        };
        assert!(c("off").validate().is_ok());
        assert!(c("log").validate().is_ok());
        let e = c("twilio").validate().unwrap_err().to_string();
        assert!(e.contains("`sms`"), "{e}");
    }
}
