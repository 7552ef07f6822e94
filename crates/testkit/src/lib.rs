//! Start the real application on port 0 with a fresh demo practice and talk to it over HTTP.

pub mod rfc6238;
pub mod sms;
pub mod smtp;

use std::sync::Arc;

use alcove_app::demo::{self, DemoAccount};
use alcove_crypto::audit::CheckpointSigner;
use alcove_crypto::envelope::MasterKey;
use alcove_domain::{Clock, Role};
use alcove_store::{EventBus, LocalBus, Store};
use alcove_store_postgres::{PgEventBus, PgStore};
use alcove_store_sqlite::SqliteStore;
use alcove_web::services::mailer::{self, MailTransport, Mailer};
use alcove_web::{AppState, Application, SystemClock, WebConfig};
use tokio::sync::oneshot;

/// The PostgreSQL server the tests use; `scripts/test` points it at a fresh database per run.
pub fn pg_url() -> String {
    std::env::var("PG_TEST_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub accounts: Vec<DemoAccount>,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    /// Where the practice's data is: the SQLite file, or the PostgreSQL schema.
    place: Place,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

#[derive(Clone, Debug)]
enum Place {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

pub struct Options {
    pub backend: Backend,
    pub clock: Arc<dyn Clock>,
    pub config: WebConfig,
    /// Where the app sends mail, e.g. `Some(sink.url())` for an [`smtp::SmtpSink`]; `None`
    /// writes `.eml` files to the app's `DIR/outbox`, as a practice without SMTP does.
    pub smtp_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            backend: Backend::Sqlite,
            clock: Arc::new(SystemClock),
            config: WebConfig::default(),
            smtp_url: None,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn(Options::default()).await
}

pub async fn spawn_on(backend: Backend) -> TestApp {
    spawn(Options {
        backend,
        ..Options::default()
    })
    .await
}

/// A store of the given backend: SQLite in `dir`, or a fresh schema in the test PostgreSQL.
pub async fn store(backend: Backend, dir: &std::path::Path) -> Arc<dyn Store> {
    match backend {
        Backend::Sqlite => Arc::new(
            SqliteStore::open(&dir.join("alcove.db"))
                .await
                .expect("open sqlite"),
        ),
        Backend::Postgres => {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            Arc::new(
                PgStore::connect_in_schema(&pg_url(), &schema)
                    .await
                    .expect("connect to the test PostgreSQL"),
            )
        }
    }
}

/// A store with the event bus a practice on it uses: in-process for SQLite, `LISTEN/NOTIFY`
/// (on the fresh schema's own channel) for PostgreSQL.
pub async fn store_and_bus(
    backend: Backend,
    dir: &std::path::Path,
) -> (Arc<dyn Store>, Arc<dyn EventBus>) {
    let (store, bus, _) = open_place(&fresh_place(backend, dir)).await;
    (store, bus)
}

fn fresh_place(backend: Backend, dir: &std::path::Path) -> Place {
    match backend {
        Backend::Sqlite => Place::Sqlite(dir.join("alcove.db")),
        Backend::Postgres => Place::Postgres(format!("t_{}", uuid::Uuid::new_v4().simple())),
    }
}

async fn open_place(place: &Place) -> (Arc<dyn Store>, Arc<dyn EventBus>, Place) {
    match place {
        Place::Sqlite(file) => (
            Arc::new(SqliteStore::open(file).await.expect("open sqlite")),
            Arc::new(LocalBus::new()),
            place.clone(),
        ),
        Place::Postgres(schema) => {
            let pg = PgStore::connect_in_schema(&pg_url(), schema)
                .await
                .expect("connect to the test PostgreSQL");
            let bus = PgEventBus::start(&pg).await.expect("listen for events");
            (Arc::new(pg), Arc::new(bus), place.clone())
        }
    }
}

/// A second instance of `first`'s practice, as a second `alcove serve` is: its own memory
/// (caches, event bus, port) and database connections, on the same database (the same SQLite
/// file, or the same PostgreSQL schema) with the same keys.
pub async fn spawn_beside(first: &TestApp, clock: Arc<dyn Clock>) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, events, place) = open_place(&first.place).await;
    let config = (*first.state.config).clone();
    let mailer = Mailer::new(
        MailTransport::from_config(None, dir.path()),
        mailer::DEFAULT_FROM,
        &config,
    )
    .expect("mail settings");
    let master = MasterKey::from_base64(&first.state.keys.master().to_base64()).expect("key");
    let signer = CheckpointSigner::from_pkcs8_pem(&first.state.audit.signer().to_pkcs8_pem())
        .expect("signing key");
    let state = AppState::new(store, master, signer, clock, config, mailer).with_events(events);
    serve(state, first.accounts.clone(), dir, place).await
}

pub async fn spawn(opts: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, events, place) = open_place(&fresh_place(opts.backend, dir.path())).await;
    let mut config = opts.config;
    config
        .checkpoint_mirror
        .get_or_insert_with(|| dir.path().join("audit-checkpoints"));
    let mailer = Mailer::new(
        MailTransport::from_config(opts.smtp_url.as_deref(), dir.path()),
        mailer::DEFAULT_FROM,
        &config,
    )
    .expect("mail settings");
    let state = AppState::new(
        store,
        MasterKey::generate(),
        CheckpointSigner::generate(),
        opts.clock,
        config,
        mailer,
    )
    .with_events(events);
    let accounts = demo::seed(&state).await.expect("seed demo practice");
    serve(state, accounts, dir, place).await
}

async fn serve(
    state: AppState,
    accounts: Vec<DemoAccount>,
    dir: tempfile::TempDir,
    place: Place,
) -> TestApp {
    let app = Application::bind(state.clone(), "127.0.0.1:0")
        .await
        .expect("bind port 0");
    let base = format!("http://{}", app.local_addr().expect("local addr"));
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    TestApp {
        base,
        accounts,
        state,
        dir,
        place,
        stop: Some(tx),
        task: Some(task),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The first demo account with this role.
    pub fn account(&self, role: Role) -> &DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.role == role)
            .expect("demo has every role")
    }

    pub fn account_named(&self, name: &str) -> &DemoAccount {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .expect("demo person exists")
    }

    /// A current TOTP code for an account, from the independent implementation.
    pub fn totp_now(&self, a: &DemoAccount) -> Option<String> {
        let now = self.state.clock.now().timestamp();
        a.totp_secret.as_deref().map(|s| rfc6238::code(s, now))
    }

    /// A bearer token for a demo account, signing in like any API user.
    pub async fn token(&self, a: &DemoAccount) -> String {
        let mut body = serde_json::json!({"email": a.email, "password": a.password});
        if let Some(code) = self.totp_now(a) {
            body["totp"] = code.into();
        }
        let resp = reqwest::Client::new()
            .post(self.url("/api/v1/auth/token"))
            .json(&body)
            .send()
            .await
            .expect("token request");
        assert_eq!(
            resp.status(),
            200,
            "token for {}: {}",
            a.email,
            resp.text().await.unwrap_or_default()
        );
        let v: serde_json::Value = resp.json().await.expect("token json");
        v["token"].as_str().expect("token field").to_owned()
    }

    /// An HTTP client with a cookie jar that does not follow redirects.
    pub fn browser() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Signs in through the web forms (password, then the code for staff) and returns the client.
    pub async fn web_session(&self, a: &DemoAccount) -> reqwest::Client {
        self.web_session_with_jar(a).await.0
    }

    /// Like [`TestApp::web_session`], with the cookie jar, e.g. to present the session cookie
    /// on a WebSocket handshake (`jar.cookies(&url)`).
    pub async fn web_session_with_jar(
        &self,
        a: &DemoAccount,
    ) -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let c = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let csrf = csrf_from(
            &c.get(self.url("/sign-in"))
                .send()
                .await
                .expect("sign-in page")
                .text()
                .await
                .expect("html"),
        );
        let r = c
            .post(self.url("/sign-in"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", a.email.as_str()),
                ("password", a.password.as_str()),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(r.status(), 303, "sign-in for {}", a.email);
        if r.headers().get("location").and_then(|l| l.to_str().ok()) == Some("/sign-in/code") {
            let csrf = csrf_from(
                &c.get(self.url("/sign-in/code"))
                    .send()
                    .await
                    .expect("code page")
                    .text()
                    .await
                    .expect("html"),
            );
            let code = self.totp_now(a).expect("staff have a TOTP secret");
            let r = c
                .post(self.url("/sign-in/code"))
                .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
                .send()
                .await
                .expect("code");
            assert_eq!(r.status(), 303, "code for {}", a.email);
        }
        (c, jar)
    }

    /// A page's status and HTML, fetched with the given browser-like client.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let r = client
            .get(self.url(path))
            .send()
            .await
            .expect("page request");
        (r.status().as_u16(), r.text().await.expect("page body"))
    }

    /// A page's HTML (whatever its status).
    pub async fn text(&self, client: &reqwest::Client, path: &str) -> String {
        self.page(client, path).await.1
    }

    /// Stops the server (which signs a shutdown checkpoint) and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.expect("server task").expect("server ran");
        }
    }
}

/// The CSRF token from a page's first form.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a form with a csrf field");
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}
