//! `alcove-bench`: measures the real thing (issue 7, "Speed"). A benchmark, not a test.
//!
//! - `messaging --clients N --messages M [--backend sqlite|postgres] [--url URL]` starts the
//!   real `alcove` binary on a fresh demo practice (a fresh temporary data directory, and for
//!   PostgreSQL a fresh database), or targets a running one at `--url`, signs in as the demo
//!   clients, and sends M messages over HTTP with N concurrent clients. A message counts only
//!   when the server answered `201`, which it does only once the message and its audit event
//!   are durable. The last line is JSON:
//!   `{"backend","clients","messages","throughput_per_s","p50_ms","p99_ms","server_rss_mib","server_rss_idle_mib"}`.
//! - `audit-verify --events N` builds a chain of N events in memory with the real chain code
//!   (`alcove_crypto::audit`), a signed checkpoint every 1,000 events, and times verification
//!   with the same `ChainVerifier` that `alcove audit verify` uses.
//!
//! Message bodies are `Bench message K of M …` (K from 0): harmless words, no crisis language.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use serde::Deserialize;
use serde_json::json;

#[derive(Parser)]
#[command(name = "alcove-bench", about = "Benchmarks of Alcove (issue 7)")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Sends messages over HTTP with concurrent clients and reports throughput and latency.
    Messaging {
        /// Concurrent clients (each with its own connection; the demo's clients are signed in
        /// one by one, and when N exceeds them, each gets more than one session token).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4096))]
        clients: u32,
        /// Messages to send in all.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
        messages: u64,
        /// The storage backend of the server this bench starts (or the one at `--url`, as
        /// reported in the output).
        #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
        backend: Backend,
        /// A running server to target instead of starting one (then `--accounts` is needed).
        #[arg(long)]
        url: Option<String>,
        /// The demo accounts file of the server at `--url` (`DATA_DIR/demo-accounts.json`).
        #[arg(long)]
        accounts: Option<PathBuf>,
        /// With `--url`: the server's process id, to report its memory.
        #[arg(long)]
        server_pid: Option<u32>,
        /// The `alcove` binary to start (default: the one beside this binary, built if missing).
        #[arg(long)]
        server_bin: Option<PathBuf>,
        /// Use (and keep) this data directory instead of a temporary one; it must not hold a
        /// practice yet.
        #[arg(long)]
        data: Option<PathBuf>,
        /// PostgreSQL: use (and keep) this database instead of creating a fresh one.
        #[arg(long)]
        database_url: Option<String>,
        /// PostgreSQL: where to create (and afterwards drop) the fresh database.
        #[arg(
            long,
            env = "ALCOVE_BENCH_PG_ADMIN_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/postgres"
        )]
        pg_admin_url: String,
    },
    /// Builds an audit chain of N events in memory and times its verification.
    AuditVerify {
        #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(i64).range(1..))]
        events: i64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::AuditVerify { events } => audit_verify(events),
        Cmd::Messaging {
            clients,
            messages,
            backend,
            url,
            accounts,
            server_pid,
            server_bin,
            data,
            database_url,
            pg_admin_url,
        } => tokio::runtime::Runtime::new()
            .context("cannot start the async runtime")
            .and_then(|rt| {
                rt.block_on(messaging(Messaging {
                    clients: clients as usize,
                    messages: messages as usize,
                    backend,
                    url,
                    accounts,
                    server_pid,
                    server_bin,
                    data,
                    database_url,
                    pg_admin_url,
                }))
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("alcove-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

// --- audit-verify -----------------------------------------------------------------------------

fn audit_verify(n: i64) -> Result<()> {
    use alcove_crypto::audit::{
        chain_hash, ChainVerifier, CheckpointSigner, EventFields, StoredEvent, GENESIS,
    };
    const EVERY: i64 = 1_000;
    let actor = uuid::Uuid::new_v4();
    let client = uuid::Uuid::new_v4();
    let fields = |seq: i64| EventFields {
        seq,
        at_ms: 1_780_000_000_000 + seq,
        actor_id: Some(actor),
        actor_role: "clinician",
        action: "message.send",
        client_id: Some(client),
        object: "message:6f1c2a1e-8a37-4a53-9d57-0c3a3d8f2b11",
    };
    let signer = CheckpointSigner::generate();
    let built = Instant::now();
    let mut rows: Vec<([u8; 32], [u8; 32])> = Vec::with_capacity(n as usize);
    let mut checkpoints = Vec::new();
    let mut prev = GENESIS;
    for seq in 1..=n {
        let h = chain_hash(&prev, &fields(seq));
        rows.push((prev, h));
        if seq % EVERY == 0 || seq == n {
            checkpoints.push((seq, h.to_vec(), signer.sign(seq, &h)));
        }
        prev = h;
    }
    println!(
        "built a chain of {n} events and {} signed checkpoints in {:.3} s",
        checkpoints.len(),
        built.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let mut v =
        ChainVerifier::new(signer.verifying_key(), checkpoints).require_checkpoint_every(EVERY);
    for (i, (prev, hash)) in rows.iter().enumerate() {
        v.push(&StoredEvent {
            fields: fields(i as i64 + 1),
            prev_hash: prev,
            hash,
        })
        .map_err(|e| anyhow!("the chain does not verify: {e}"))?;
    }
    let report = v
        .finish()
        .map_err(|e| anyhow!("the chain does not verify: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    if report.events != n as u64 {
        bail!("verified {} events, expected {n}", report.events);
    }
    let rate = n as f64 / secs;
    println!(
        "verified {} events and {} checkpoints in {secs:.3} s: {rate:.0} events/s (goal: 1,000,000)",
        report.events, report.checkpoints
    );
    println!(
        "{}",
        json!({
            "bench": "audit_verify",
            "events": n,
            "checkpoints": report.checkpoints,
            "seconds": round3(secs),
            "events_per_s": rate.round(),
        })
    );
    Ok(())
}

// --- messaging ----------------------------------------------------------------------------------

struct Messaging {
    clients: usize,
    messages: usize,
    backend: Backend,
    url: Option<String>,
    accounts: Option<PathBuf>,
    server_pid: Option<u32>,
    server_bin: Option<PathBuf>,
    data: Option<PathBuf>,
    database_url: Option<String>,
    pg_admin_url: String,
}

#[derive(Deserialize)]
struct Account {
    role: String,
    email: String,
    password: String,
}

/// A server this bench started: stopped (and its fresh database dropped) on every exit path.
struct Server {
    child: Child,
    url: String,
    /// Deleted on drop unless the caller named the directory.
    _dir: Option<tempfile::TempDir>,
    data_dir: PathBuf,
}

impl Server {
    fn stop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SIGTERM: the server signs its last checkpoint and closes the database.
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.child.id().to_string())
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A database this bench created, dropped at the end.
struct FreshDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl FreshDatabase {
    async fn create(admin_url: &str) -> Result<FreshDatabase> {
        use sqlx::Connection;
        let name = format!("alcove_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(admin_url)
            .await
            .context("cannot connect to PostgreSQL (--pg-admin-url)")?;
        // `name` is ours (letters, digits, underscores), never outside input.
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await
            .context("cannot create the benchmark database")?;
        conn.close().await.ok();
        let mut url = reqwest::Url::parse(admin_url).context("--pg-admin-url is not a URL")?;
        url.set_path(&format!("/{name}"));
        Ok(FreshDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        })
    }

    async fn drop_it(&self) {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&self.admin_url).await {
            let dropped = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await;
            if dropped.is_err() {
                eprintln!("alcove-bench: could not drop the database {}", self.name);
            }
            conn.close().await.ok();
        }
    }
}

async fn messaging(m: Messaging) -> Result<()> {
    let mut fresh_db = None;
    let result = run_messaging(&m, &mut fresh_db).await;
    if let Some(db) = fresh_db {
        db.drop_it().await;
    }
    result
}

async fn run_messaging(m: &Messaging, fresh_db: &mut Option<FreshDatabase>) -> Result<()> {
    let mut server = None;
    let (url, accounts_file, pid) = match &m.url {
        Some(url) => {
            let accounts = m
                .accounts
                .clone()
                .ok_or_else(|| anyhow!("--url needs --accounts DATA_DIR/demo-accounts.json"))?;
            (url.trim_end_matches('/').to_owned(), accounts, m.server_pid)
        }
        None => {
            let database_url = match (m.backend, &m.database_url) {
                (Backend::Sqlite, Some(_)) => bail!("--database-url is for --backend postgres"),
                (Backend::Sqlite, None) => None,
                (Backend::Postgres, Some(u)) => Some(u.clone()),
                (Backend::Postgres, None) => {
                    let db = FreshDatabase::create(&m.pg_admin_url).await?;
                    let url = db.url.clone();
                    *fresh_db = Some(db);
                    Some(url)
                }
            };
            let s = start_server(m, database_url.as_deref()).await?;
            let info = (
                s.url.clone(),
                s.data_dir.join("demo-accounts.json"),
                Some(s.child.id()),
            );
            println!("server: pid {} at {}", s.child.id(), s.url);
            println!("data:   {}", s.data_dir.display());
            server = Some(s);
            info
        }
    };

    let accounts: Vec<Account> = serde_json::from_slice(
        &std::fs::read(&accounts_file)
            .with_context(|| format!("cannot read {}", accounts_file.display()))?,
    )
    .with_context(|| format!("{} is not a demo accounts file", accounts_file.display()))?;
    let clients: Vec<&Account> = accounts.iter().filter(|a| a.role == "client").collect();
    if clients.is_empty() {
        bail!("{} names no client account", accounts_file.display());
    }

    // One session per concurrent client: the demo's clients in turn.
    let mut workers = Vec::with_capacity(m.clients);
    for i in 0..m.clients {
        let account = clients[i % clients.len()];
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(60))
            .build()?;
        let token = sign_in(&http, &url, account).await?;
        let thread = first_thread(&http, &url, &token).await?;
        workers.push(Worker {
            http,
            token,
            thread,
        });
    }
    let distinct = m.clients.min(clients.len());
    println!(
        "signed in: {} sessions of {distinct} distinct demo client(s)",
        m.clients
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = pid.and_then(rss_mib);
    if let Some(r) = idle {
        println!("server RSS idle (after start and sign-in): {r:.1} MiB");
    }

    let next = Arc::new(AtomicUsize::new(0));
    let total = m.messages;
    let url = Arc::new(url);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(workers.len());
    for w in workers {
        let (next, url) = (next.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= total {
                    break;
                }
                let body = json!({
                    "body": format!("Bench message {k} of {total}: checking in about this week's practice.")
                });
                let t = Instant::now();
                let resp = w
                    .http
                    .post(format!("{url}/api/v1/threads/{}/messages", w.thread))
                    .bearer_auth(&w.token)
                    .json(&body)
                    .send()
                    .await
                    .context("sending a message")?;
                let status = resp.status();
                let text = resp.bytes().await.context("reading the answer")?;
                let elapsed = t.elapsed();
                if status != reqwest::StatusCode::CREATED {
                    bail!(
                        "message {k}: the server answered {status}: {}",
                        String::from_utf8_lossy(&text)
                    );
                }
                latencies.push(elapsed);
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for t in tasks {
        latencies.extend(t.await.context("a client task failed")??);
    }
    let secs = started.elapsed().as_secs_f64();
    if latencies.len() != total {
        bail!("{} of {total} messages were acknowledged", latencies.len());
    }
    latencies.sort_unstable();
    let pct = |p: f64| {
        // Nearest rank.
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1].as_secs_f64() * 1000.0
    };
    let (p50, p99) = (pct(50.0), pct(99.0));
    let throughput = total as f64 / secs;

    let after = pid.and_then(rss_mib);
    println!(
        "sent {total} messages with {} concurrent clients in {secs:.3} s: {throughput:.0} msg/s, p50 {p50:.2} ms, p99 {p99:.2} ms, max {:.2} ms",
        m.clients,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
    if let Some(r) = after {
        println!("server RSS after the run: {r:.1} MiB");
    }
    if let Some(mut s) = server {
        s.stop();
    }
    println!(
        "{}",
        json!({
            "backend": m.backend.name(),
            "clients": m.clients,
            "messages": total,
            "throughput_per_s": throughput.round(),
            "p50_ms": round3(p50),
            "p99_ms": round3(p99),
            "server_rss_mib": after.map(round1),
            "server_rss_idle_mib": idle.map(round1),
        })
    );
    Ok(())
}

struct Worker {
    http: reqwest::Client,
    token: String,
    thread: String,
}

async fn sign_in(http: &reqwest::Client, url: &str, a: &Account) -> Result<String> {
    let resp = http
        .post(format!("{url}/api/v1/auth/token"))
        .json(&json!({"email": a.email, "password": a.password}))
        .send()
        .await
        .context("signing in")?;
    let status = resp.status();
    let v: serde_json::Value = resp.json().await.context("reading the sign-in answer")?;
    match v.get("token").and_then(|t| t.as_str()) {
        Some(t) if status.is_success() => Ok(t.to_owned()),
        _ => bail!("signing in as a demo client: {status} {v}"),
    }
}

async fn first_thread(http: &reqwest::Client, url: &str, token: &str) -> Result<String> {
    let v: serde_json::Value = http
        .get(format!("{url}/api/v1/threads"))
        .bearer_auth(token)
        .send()
        .await
        .context("listing threads")?
        .error_for_status()
        .context("listing threads")?
        .json()
        .await?;
    v["threads"][0]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("the demo client has no thread: {v}"))
}

/// The resident set of a process, from `/proc/PID/status`.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Starts `alcove demo` on a free loopback port and waits until it answers.
async fn start_server(m: &Messaging, database_url: Option<&str>) -> Result<Server> {
    let bin = match &m.server_bin {
        Some(b) => b.clone(),
        None => alcove_binary()?,
    };
    let (tmp, data_dir) = match &m.data {
        Some(d) => (None, d.clone()),
        None => {
            let t = tempfile::Builder::new().prefix("alcove-bench-").tempdir()?;
            let p = t.path().join("practice");
            (Some(t), p)
        }
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr = format!("127.0.0.1:{port}");
    std::fs::create_dir_all(data_dir.parent().unwrap_or(Path::new(".")))?;
    let log = std::fs::File::create(
        tmp.as_ref()
            .map_or_else(std::env::temp_dir, |t| t.path().to_path_buf())
            .join(format!("alcove-bench-server-{port}.log")),
    )?;
    let mut cmd = Command::new(&bin);
    cmd.arg("demo")
        .arg("--data")
        .arg(&data_dir)
        .arg("--addr")
        .arg(&addr)
        .env_remove("ALCOVE_DATABASE_URL")
        .env_remove("ALCOVE_DATA_DIR")
        .env_remove("ALCOVE_ADDR")
        .env_remove("ALCOVE_CONFIG")
        .env_remove("ALCOVE_SMTP_URL")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    if let Some(u) = database_url {
        cmd.env("ALCOVE_DATABASE_URL", u);
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let mut server = Server {
        child,
        url: format!("http://{addr}"),
        _dir: tmp,
        data_dir,
    };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            bail!("the server exited at start ({status}); see its log in the temporary directory");
        }
        let ready = http
            .get(format!("{}/readyz", server.url))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ready && server.data_dir.join("demo-accounts.json").exists() {
            return Ok(server);
        }
        if Instant::now() > deadline {
            server.stop();
            bail!("the server did not answer within 120 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `alcove` binary beside this one (same target directory and profile); built with the
/// same profile when missing and this runs under `cargo run`.
fn alcove_binary() -> Result<PathBuf> {
    let me = std::env::current_exe()?;
    let dir = me
        .parent()
        .ok_or_else(|| anyhow!("cannot tell where this binary is"))?;
    let bin = dir.join("alcove");
    if bin.exists() {
        return Ok(bin);
    }
    let cargo = std::env::var_os("CARGO").ok_or_else(|| {
        anyhow!(
            "{} is missing: build it (`cargo build --release -p alcove`) or pass --server-bin",
            bin.display()
        )
    })?;
    let release = dir.file_name().is_some_and(|n| n == "release");
    eprintln!("building the alcove binary ({})", bin.display());
    let mut build = Command::new(cargo);
    build.args(["build", "-p", "alcove", "--bin", "alcove"]);
    if release {
        build.arg("--release");
    }
    let ok = build.status()?.success();
    if !ok || !bin.exists() {
        bail!("could not build {}", bin.display());
    }
    Ok(bin)
}
