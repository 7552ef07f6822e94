//! `alcove`: the command line. Every failure is one clear line on stderr and a non-zero exit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use alcove_app::config::{check_addr, Config};
use alcove_app::demo;
use alcove_app::practice::{self, Mode};
use alcove_domain::{Email, Role, UserId};
use alcove_store::NewUser;
use alcove_web::{Application, SystemClock};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "alcove",
    version,
    about = "Alcove: an online therapy practice that keeps clinicians inside the ethics and the law."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (if empty) a demo practice, print how to sign in, and serve it.
    Demo {
        /// Data directory (default: a fresh temporary directory).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Address to serve on.
        #[arg(long, value_parser = parse_addr)]
        addr: Option<String>,
    },
    /// Create a new, empty practice with its first administrator.
    Init {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, value_parser = parse_email)]
        admin_email: Email,
    },
    /// Serve a practice.
    Serve {
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, value_parser = parse_addr)]
        addr: Option<String>,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// Licensure: is the service allowed where the client is (Standard 5)?
    Licensure {
        #[command(subcommand)]
        command: LicensureCommand,
    },
    /// Crisis-language scan: messages on stdin, one per line; one JSON object per line out.
    RiskScan,
    /// Screening instruments (PHQ-9, GAD-7, PCL-5, AUDIT-C).
    Instruments {
        #[command(subcommand)]
        command: InstrumentsCommand,
    },
    /// Outgoing email.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send the test notification through the configured transport (SMTP, or DATA_DIR/outbox).
    Test {
        /// Where to send it.
        #[arg(long, value_parser = parse_email)]
        to: Email,
        /// Data directory (needed only without smtp_url: the outbox lives there).
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum LicensureCommand {
    /// May this clinician see a client located in JUR? Prints {"allowed","basis","reason",...}.
    Check {
        /// The clinician's credentials file (JSON, see the README).
        #[arg(long)]
        credentials: PathBuf,
        /// Where the client is at the time of the session, e.g. US-MA.
        #[arg(long)]
        location: String,
        /// The session time (RFC 3339); default: now.
        #[arg(long, value_parser = parse_rfc3339)]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
}

fn parse_rfc3339(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{s:?} is not an RFC 3339 time such as 2026-11-23T15:00:00-05:00"))
}

#[derive(Subcommand)]
enum InstrumentsCommand {
    /// Score one completed instrument: prints {"instrument","total","severity","flags"}.
    Score {
        /// phq9, gad7, pcl5 or auditc
        name: String,
        /// The answers in item order, e.g. 0,1,2,3,0,1,2,3,1
        #[arg(long)]
        answers: String,
        /// female or male (AUDIT-C cut-points differ)
        #[arg(long)]
        sex: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain and check every signed checkpoint.
    Verify {
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

fn parse_addr(s: &str) -> Result<String, String> {
    check_addr(s).map(|_| s.to_owned())
}

fn parse_email(s: &str) -> Result<Email, String> {
    s.parse::<Email>().map_err(|e| e.to_string())
}

/// A failure that has already been explained, with its exit code.
struct Failed(u8, String);

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(e: E) -> Self {
        Failed(1, e.to_string())
    }
}

/// Keeps the server's memory near what it uses (issue 7: idle RSS). Each sign-in runs Argon2id
/// over 19 MiB. glibc serves a block that large with `mmap` and gives it back on free — until
/// the first such free, after which its *dynamic* threshold rises past 19 MiB and later blocks
/// come from the heap arenas, which keep the pages (one arena per thread that hashed, up to
/// 8 per core). A fixed threshold keeps large blocks on `mmap`, returned as soon as a hash
/// ends; fewer arenas keep the rest of the heap from being spread (and kept) across many.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called first thing in main, before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            e.exit()
        }
        Err(e) => {
            let first = e
                .to_string()
                .lines()
                .next()
                .unwrap_or("bad arguments")
                .to_owned();
            eprintln!("alcove: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("alcove: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(Failed(code, msg)) => {
            eprintln!("alcove: {msg}");
            ExitCode::from(code)
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Failed> {
    match cli.command {
        // Commands that touch no practice need no configuration.
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&alcove_web::api::openapi())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::RiskScan => risk_scan(),
        Command::Instruments {
            command: InstrumentsCommand::Score { name, answers, sex },
        } => {
            let score = alcove_domain::instruments::score_cli(&name, &answers, sex.as_deref())
                .map_err(|e| Failed(2, e.to_string()))?;
            println!("{score}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Licensure {
            command:
                LicensureCommand::Check {
                    credentials,
                    location,
                    at,
                },
        } => {
            let text = std::fs::read_to_string(&credentials)
                .map_err(|e| Failed(2, format!("{}: {e}", credentials.display())))?;
            let registry = alcove_domain::licensure::Registry::builtin()?;
            // The CLI is the edge: it may read the system clock; the engine never does.
            let at = at.unwrap_or_else(chrono::Utc::now);
            let answer = alcove_domain::licensure::check_json(&text, &location, at, &registry)
                .map_err(|e| Failed(2, e.to_string()))?;
            println!("{answer}");
            Ok(ExitCode::SUCCESS)
        }
        practice_command => {
            let cfg = Config::load(None)?;
            init_logging(&cfg);
            run_practice(practice_command, &cfg).await
        }
    }
}

/// Commands that open a practice, with its configuration.
async fn run_practice(command: Command, cfg: &Config) -> Result<ExitCode, Failed> {
    let cfg = cfg.clone();
    match command {
        Command::Openapi
        | Command::RiskScan
        | Command::Instruments { .. }
        | Command::Licensure { .. } => {
            Err(Failed(2, "this command does not open a practice".into()))
        }
        Command::Audit {
            command: AuditCommand::Verify { data },
        } => audit_verify(&cfg, &data_dir(&cfg, data)?).await,
        Command::Init { data, admin_email } => init(&cfg, &data, admin_email).await,
        Command::Mail {
            command: MailCommand::Test { to, data },
        } => mail_test(&cfg, &to, data).await,
        Command::Serve { data, addr } => {
            let dir = data_dir(&cfg, data)?;
            let practice = practice::open(&cfg, &dir, Mode::Existing).await?;
            serve(&cfg, practice, addr).await
        }
        Command::Demo { data, addr } => {
            let dir = match data.or_else(|| cfg.data_dir.clone()) {
                Some(d) => d,
                None => tempfile::Builder::new()
                    .prefix("alcove-demo-")
                    .tempdir()?
                    .keep(),
            };
            let fresh = !practice::has_practice(&dir, &cfg);
            let practice = practice::open(&cfg, &dir, Mode::CreateIfEmpty).await?;
            // The demo is for trying things out: phone codes go to the development gateway
            // (stderr and DATA_DIR/sms-outbox.log) unless ALCOVE_SMS says otherwise.
            let mut cfg = cfg.clone();
            cfg.sms.get_or_insert_with(|| "log".into());
            let state = practice_state(&cfg, practice)?;
            let accounts = if fresh {
                let a = demo::seed(&state).await?;
                demo::write_accounts(&dir, &a)?;
                a
            } else {
                demo::read_accounts(&dir).map_err(|e| {
                    Failed(
                        1,
                        format!("{}: {e}", dir.join(demo::ACCOUNTS_FILE).display()),
                    )
                })?
            };
            let addr = addr
                .or(cfg.addr.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".into());
            print_demo(&dir, &addr, &accounts, cfg.sms.as_deref() == Some("log"));
            serve_state(state, &addr).await
        }
    }
}

/// Streams: each line is classified and written as soon as it is read. The classifier only
/// sees text; nothing here is logged.
fn risk_scan() -> Result<ExitCode, Failed> {
    use std::io::{BufRead, Write};
    let lexicon = alcove_domain::risk::Lexicon::builtin()?;
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.split(b'\n').enumerate() {
        let bytes = line?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| Failed(2, format!("line {}: not UTF-8 text", n + 1)))?;
        let text = text.strip_suffix('\r').unwrap_or(text);
        writeln!(out, "{}", alcove_domain::risk::scan_line(text, &lexicon))?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

fn data_dir(cfg: &Config, flag: Option<PathBuf>) -> Result<PathBuf, Failed> {
    flag.or_else(|| cfg.data_dir.clone()).ok_or_else(|| {
        Failed(
            2,
            "no data directory: pass --data DIR or set ALCOVE_DATA_DIR".into(),
        )
    })
}

fn init_logging(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(cfg.log.as_deref().unwrap_or("info"))
        .unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn practice_state(
    cfg: &Config,
    p: practice::Practice,
) -> Result<alcove_web::AppState, practice::PracticeError> {
    p.into_state(Arc::new(SystemClock), cfg)
}

/// Sends the `Test` notification. Needs no database: only the mail configuration (and the
/// data directory when mail goes to the development outbox).
async fn mail_test(cfg: &Config, to: &Email, data: Option<PathBuf>) -> Result<ExitCode, Failed> {
    let dir = match (&cfg.smtp_url, data.or_else(|| cfg.data_dir.clone())) {
        (_, Some(d)) => d,
        // Not used by the SMTP transport.
        (Some(_), None) => PathBuf::from("."),
        (None, None) => {
            return Err(Failed(
                2,
                "no smtp_url and no data directory: set ALCOVE_SMTP_URL, or pass --data DIR to write to DIR/outbox"
                    .into(),
            ))
        }
    };
    let mailer = cfg.mailer(&cfg.web(), &dir)?;
    let n = alcove_web::services::Notification::Test;
    mailer
        .send(to, &n)
        .await
        .map_err(|e| Failed(1, format!("the test email was not sent: {e}")))?;
    if let Some(outbox) = mailer.outbox() {
        tracing::info!(outbox = %outbox.display(), "no smtp_url: written to the development outbox, not delivered");
    }
    println!("sent");
    Ok(ExitCode::SUCCESS)
}

async fn serve(
    cfg: &Config,
    p: practice::Practice,
    addr: Option<String>,
) -> Result<ExitCode, Failed> {
    let addr = addr
        .or(cfg.addr.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    serve_state(practice_state(cfg, p)?, &addr).await
}

async fn serve_state(state: alcove_web::AppState, addr: &str) -> Result<ExitCode, Failed> {
    let app = Application::bind(state, addr)
        .await
        .map_err(|e| Failed(1, format!("cannot listen on {addr}: {e}")))?;
    tracing::info!(addr = %app.local_addr()?, backend = app.state().store.backend_name(), "serving");
    if let Some(outbox) = app.state().mailer.outbox() {
        tracing::info!(outbox = %outbox.display(), "no smtp_url: notifications are written to a development outbox as .eml files, not sent");
    }
    app.run_until(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn audit_verify(cfg: &Config, dir: &Path) -> Result<ExitCode, Failed> {
    let p = practice::open(cfg, dir, Mode::Existing).await?;
    let key = p.signer.verifying_key();
    let mirror = p.checkpoint_mirror();
    match alcove_web::services::audit_log::verify(p.store.as_ref(), key, Some(&mirror)).await {
        Ok(r) => {
            println!("ok: {} events, {} checkpoints", r.events, r.checkpoints);
            Ok(ExitCode::SUCCESS)
        }
        Err(alcove_web::services::audit_log::VerifyError::Broken(b)) => {
            println!("broken at event {}: {b}", b.seq());
            Err(Failed(
                1,
                format!(
                    "the audit log is not intact: first bad event is {}",
                    b.seq()
                ),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn init(cfg: &Config, dir: &Path, admin_email: Email) -> Result<ExitCode, Failed> {
    if practice::has_practice(dir, cfg) || dir.join(practice::DATABASE_FILE).exists() {
        return Err(practice::PracticeError::Exists(dir.to_path_buf()).into());
    }
    let p = practice::open(cfg, dir, Mode::CreateIfEmpty).await?;
    if !p.store.list_users().await?.is_empty() {
        return Err(practice::PracticeError::Exists(dir.to_path_buf()).into());
    }
    let state = practice_state(cfg, p)?;
    let password = alcove_crypto::token::random_token()[..22].to_owned();
    state
        .store
        .create_user(&NewUser {
            id: UserId(uuid::Uuid::new_v4()),
            email: admin_email.clone(),
            name: "Administrator".into(),
            role: Role::Admin,
            password_hash: state.passwords.hash(&password),
            totp_sealed: None,
            slug: None,
            credentials: None,
            created_at: state.clock.now(),
        })
        .await?;
    println!("A new practice is ready in {}.", dir.display());
    println!("Administrator: {admin_email}");
    println!("One-time password: {password}");
    println!(
        "Sign in, set up two-step sign-in when asked, then change this password under Account."
    );
    Ok(ExitCode::SUCCESS)
}

fn print_demo(dir: &Path, addr: &str, accounts: &[demo::DemoAccount], sms_log: bool) {
    println!("Alcove demo practice");
    println!("  data:    {}", dir.display());
    println!("  open:    http://{addr}/sign-in");
    println!("  details: {}", dir.join(demo::ACCOUNTS_FILE).display());
    if sms_log {
        println!(
            "  texts:   {} (DEVELOPMENT SMS GATEWAY: nothing is sent)",
            dir.join(alcove_web::services::sms::SMS_OUTBOX_FILE)
                .display()
        );
    }
    println!();
    println!(
        "{:<11} {:<40} {:<24} TOTP secret (staff: add to any authenticator app)",
        "role", "email", "password"
    );
    for a in accounts {
        println!(
            "{:<11} {:<40} {:<24} {}",
            a.role.as_str(),
            a.email,
            a.password,
            a.totp_secret.as_deref().unwrap_or("-")
        );
    }
    println!();
}
