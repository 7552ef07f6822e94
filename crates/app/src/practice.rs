//! Opening a practice: its keys (kept outside the database) and its database.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use alcove_crypto::audit::CheckpointSigner;
use alcove_crypto::envelope::MasterKey;
use alcove_domain::Clock;
use alcove_store::{EventBus, LocalBus, Store};
use alcove_store_postgres::{PgEventBus, PgStore};
use alcove_store_sqlite::SqliteStore;
use alcove_web::AppState;

use crate::config::Config;

pub const MASTER_KEY_FILE: &str = "master.key";
pub const SIGNING_KEY_FILE: &str = "audit-signing.pem";
pub const DATABASE_FILE: &str = "alcove.db";
/// Signed audit checkpoints, mirrored outside the database (append-only).
pub const CHECKPOINT_MIRROR_FILE: &str = "audit-checkpoints";
const KEY_CHECK: &str = "master_key_check";

#[derive(Debug, thiserror::Error)]
pub enum PracticeError {
    #[error("there is no practice in {0}: run `alcove init --data {0} --admin-email you@example.org`, or `alcove demo --data {0}`")]
    Missing(PathBuf),
    #[error("{0} already holds a practice; choose an empty directory")]
    Exists(PathBuf),
    #[error("the master key does not match this practice's database (check ALCOVE_MASTER_KEY or {0}); nothing was changed")]
    WrongMasterKey(PathBuf),
    #[error("{path}: {why}")]
    KeyFile { path: PathBuf, why: String },
    #[error("ALCOVE_MASTER_KEY: {0}")]
    MasterKeyEnv(String),
    #[error(transparent)]
    Mail(#[from] alcove_web::services::mailer::MailSetupError),
    #[error("database: {0}")]
    Store(#[from] alcove_store::StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct Practice {
    pub data_dir: PathBuf,
    pub store: Arc<dyn Store>,
    /// Live events: in-process on SQLite; `LISTEN/NOTIFY` on PostgreSQL, so every instance
    /// on the database hears every other's (DESIGN.md, "Storage").
    pub events: Arc<dyn EventBus>,
    pub master: MasterKey,
    pub signer: CheckpointSigner,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The practice must already exist.
    Existing,
    /// Create keys and database when the directory holds none.
    CreateIfEmpty,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PracticeError + '_ {
    move |source| PracticeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes a secret file readable by its owner only; never overwrites.
fn write_secret(path: &Path, contents: &str) -> Result<(), PracticeError> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io(path))?;
    f.write_all(contents.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(io(path))
}

fn read_secret(path: &Path) -> Result<Option<String>, PracticeError> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(path)(e)),
    }
}

pub fn has_practice(dir: &Path, cfg: &Config) -> bool {
    dir.join(SIGNING_KEY_FILE).exists()
        && (cfg.master_key.is_some() || dir.join(MASTER_KEY_FILE).exists())
}

pub async fn open(cfg: &Config, dir: &Path, mode: Mode) -> Result<Practice, PracticeError> {
    let exists = has_practice(dir, cfg);
    if !exists && mode == Mode::Existing {
        return Err(PracticeError::Missing(dir.to_path_buf()));
    }
    if !dir.exists() {
        fs::create_dir_all(dir).map_err(io(dir))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
    }
    let key_path = dir.join(MASTER_KEY_FILE);
    let master = match &cfg.master_key {
        Some(b64) => {
            MasterKey::from_base64(b64).map_err(|e| PracticeError::MasterKeyEnv(e.to_string()))?
        }
        None => match read_secret(&key_path)? {
            Some(s) => MasterKey::from_base64(&s).map_err(|e| PracticeError::KeyFile {
                path: key_path.clone(),
                why: e.to_string(),
            })?,
            None => {
                let k = MasterKey::generate();
                write_secret(&key_path, &k.to_base64())?;
                k
            }
        },
    };
    let sign_path = dir.join(SIGNING_KEY_FILE);
    let signer = match read_secret(&sign_path)? {
        Some(pem) => {
            CheckpointSigner::from_pkcs8_pem(&pem).map_err(|e| PracticeError::KeyFile {
                path: sign_path.clone(),
                why: e.to_string(),
            })?
        }
        None => {
            let s = CheckpointSigner::generate();
            write_secret(&sign_path, &s.to_pkcs8_pem())?;
            s
        }
    };
    let (store, events): (Arc<dyn Store>, Arc<dyn EventBus>) = match &cfg.database_url {
        Some(url) => {
            let pg = PgStore::connect(url).await?;
            let bus = PgEventBus::start(&pg).await?;
            (Arc::new(pg), Arc::new(bus))
        }
        None => (
            Arc::new(SqliteStore::open(&dir.join(DATABASE_FILE)).await?),
            Arc::new(LocalBus::new()),
        ),
    };
    // A wrong master key must stop start-up before anything is written with it.
    match store.meta_get(KEY_CHECK).await? {
        Some(check) if master.matches_check_value(&check) => {}
        Some(_) => return Err(PracticeError::WrongMasterKey(key_path)),
        None => store.meta_put(KEY_CHECK, &master.check_value()).await?,
    }
    Ok(Practice {
        data_dir: dir.to_path_buf(),
        store,
        events,
        master,
        signer,
    })
}

impl Practice {
    pub fn into_state(
        self,
        clock: Arc<dyn Clock>,
        cfg: &Config,
    ) -> Result<AppState, PracticeError> {
        let mut web = cfg.web();
        web.checkpoint_mirror = Some(self.checkpoint_mirror());
        // Checked by `Config::validate`; `off` unless configured (`demo` defaults to `log`).
        if let Ok(sms) = alcove_web::services::sms::SmsSetting::parse(
            cfg.sms.as_deref().unwrap_or("off"),
            Some(&self.data_dir),
        ) {
            web.sms = sms;
        }
        let mailer = cfg.mailer(&web, &self.data_dir)?;
        Ok(
            AppState::new(self.store, self.master, self.signer, clock, web, mailer)
                .with_events(self.events),
        )
    }

    pub fn checkpoint_mirror(&self) -> PathBuf {
        self.data_dir.join(CHECKPOINT_MIRROR_FILE)
    }
}
