//! The `alcove` binary as an operator uses it: every command in the contract, and bad input.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use alcove_testkit::rfc6238;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_alcove");

/// A command with a clean environment: no stray ALCOVE_* from the caller.
fn alcove(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(std::env::temp_dir());
    c
}

fn run(c: &mut Command) -> Output {
    c.output().expect("run alcove")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(mut c: Command, addr: String) -> Server {
        let child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start alcove");
        let s = Server { child, addr };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if std::net::TcpStream::connect(&s.addr).is_ok() {
                return s;
            }
            assert!(Instant::now() < deadline, "server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self, p: &str) -> String {
        format!("http://{}{}", self.addr, p)
    }

    /// SIGTERM, as an operator's service manager would send; the server signs a checkpoint.
    fn stop(mut self) -> Output {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "server did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.wait_with_output().unwrap()
    }
}

fn demo(dir: &Path) -> Server {
    let addr = free_addr();
    Server::start(
        alcove(&["demo", "--data", dir.to_str().unwrap(), "--addr", &addr]),
        addr,
    )
}

async fn token(s: &Server, a: &Value) -> String {
    let mut body = serde_json::json!({"email": a["email"], "password": a["password"]});
    if let Some(secret) = a["totp_secret"].as_str() {
        body["totp"] = rfc6238::code(secret, chrono::Utc::now().timestamp()).into();
    }
    let r = reqwest::Client::new()
        .post(s.url("/api/v1/auth/token"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{}: {v}", a["email"]);
    v["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn demo_writes_the_accounts_file_exactly_as_the_contract_says_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo(dir.path());
    let accounts: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo-accounts.json")).unwrap(),
    )
    .unwrap();
    let roles: Vec<&str> = accounts
        .iter()
        .map(|a| a["role"].as_str().unwrap())
        .collect();
    for r in ["client", "clinician", "supervisor", "admin", "auditor"] {
        assert!(roles.contains(&r), "a {r} account");
    }
    assert!(roles.iter().filter(|r| **r == "client").count() >= 4);
    assert!(roles.iter().filter(|r| **r == "clinician").count() >= 2);
    for a in &accounts {
        let keys: Vec<&String> = a.as_object().unwrap().keys().collect();
        assert_eq!(
            keys.len(),
            5,
            "exactly role, name, email, password, totp_secret: {a}"
        );
        let staff = a["role"] != "client";
        assert_eq!(a["totp_secret"].is_string(), staff, "{a}");
        if let Some(secret) = a["totp_secret"].as_str() {
            assert!(rfc6238::base32_decode(secret).is_some_and(|k| k.len() >= 16));
        }
    }
    for a in &accounts {
        token(&s, a).await;
    }
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.path().join("master.key"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(
        mode & 0o777,
        0o600,
        "the master key is readable by its owner only"
    );
    s.stop();

    // A second demo run on the same directory keeps the practice and its accounts.
    // (A client signs in: staff codes of this 30-second step were used above and are refused again.)
    let again = demo(dir.path());
    token(
        &again,
        accounts.iter().find(|a| a["role"] == "client").unwrap(),
    )
    .await;
    again.stop();
}

#[tokio::test]
async fn audit_verify_passes_on_the_demo_data_and_names_an_edited_row() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo(dir.path());
    let accounts: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo-accounts.json")).unwrap(),
    )
    .unwrap();
    for a in accounts.iter().filter(|a| a["role"] == "client") {
        token(&s, a).await;
    }
    s.stop();
    let d = dir.path().to_str().unwrap();
    let ok = run(&mut alcove(&["audit", "verify", "--data", d]));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{}{}", out, stderr(&ok));
    assert!(
        out.starts_with("ok: ") && out.contains(" events, ") && out.contains(" checkpoints"),
        "{out}"
    );
    assert!(
        !out.contains(" 0 checkpoints"),
        "shutdown signed a checkpoint: {out}"
    );

    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("alcove.db").display()
    ))
    .await
    .unwrap();
    // Someone with the database file can drop the append-only triggers; the chain still tells.
    sqlx::query("DROP TRIGGER audit_events_append_only_update")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET action = 'thread.view' WHERE seq = 3")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let bad = run(&mut alcove(&["audit", "verify", "--data", d]));
    assert_eq!(bad.status.code(), Some(1));
    let said = format!("{}{}", String::from_utf8_lossy(&bad.stdout), stderr(&bad));
    assert!(
        said.contains("event 3"),
        "names the sequence number: {said}"
    );
}

#[tokio::test]
async fn audit_verify_names_a_deleted_row() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path()).stop();
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("alcove.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("DROP TRIGGER audit_events_append_only_delete")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE seq = 2")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let bad = run(&mut alcove(&[
        "audit",
        "verify",
        "--data",
        dir.path().to_str().unwrap(),
    ]));
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stdout).contains("event 2"),
        "{}",
        String::from_utf8_lossy(&bad.stdout)
    );
}

/// What the practice holds, independent of how SQLite lays it out on disk.
async fn logical_dump(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        dir.join("alcove.db").display()
    ))
    .await
    .unwrap();
    let mut rows: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT key, value FROM meta ORDER BY key")
            .fetch_all(&db)
            .await
            .unwrap();
    let users: Vec<(String, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    rows.extend(users.into_iter().map(|(a, b)| (a, b.into_bytes())));
    db.close().await;
    rows
}

#[tokio::test]
async fn a_wrong_master_key_fails_start_up_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let init = run(&mut alcove(&[
        "init",
        "--data",
        d,
        "--admin-email",
        "owner@practice.example",
    ]));
    assert!(init.status.success(), "{}", stderr(&init));
    let before = logical_dump(dir.path()).await;
    let other = alcove_crypto::envelope::MasterKey::generate().to_base64();
    let o = run(
        alcove(&["serve", "--data", d, "--addr", &free_addr()]).env("ALCOVE_MASTER_KEY", other)
    );
    assert!(!o.status.success());
    let e = stderr(&o);
    assert_eq!(e.trim().lines().count(), 1, "one clear line: {e}");
    assert!(e.contains("master key does not match"), "{e}");
    assert!(!e.contains("panicked"));
    assert!(
        logical_dump(dir.path()).await == before,
        "nothing was written"
    );
}

#[test]
fn init_creates_a_practice_once_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("practice");
    let d = d.to_str().unwrap();
    let o = run(&mut alcove(&[
        "init",
        "--data",
        d,
        "--admin-email",
        "owner@practice.example",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("owner@practice.example") && out.contains("One-time password: "),
        "{out}"
    );
    let again = run(&mut alcove(&[
        "init",
        "--data",
        d,
        "--admin-email",
        "other@practice.example",
    ]));
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds a practice"),
        "{}",
        stderr(&again)
    );
    let bad = run(&mut alcove(&[
        "init",
        "--data",
        d,
        "--admin-email",
        "not-an-email",
    ]));
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn serve_on_an_empty_directory_explains_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&mut alcove(&[
        "serve",
        "--data",
        dir.path().to_str().unwrap(),
        "--addr",
        &free_addr(),
    ]));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("alcove init"), "{}", stderr(&o));
}

#[test]
fn a_database_file_that_is_not_a_database_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(run(&mut alcove(&[
        "init",
        "--data",
        d,
        "--admin-email",
        "owner@practice.example"
    ]))
    .status
    .success());
    // The WAL holds pages too: a damaged practice has neither a good main file nor a good log.
    for f in ["alcove.db", "alcove.db-wal"] {
        std::fs::write(
            dir.path().join(f),
            b"this is not sqlite at all, just some bytes".repeat(100),
        )
        .unwrap();
    }
    let _ = std::fs::remove_file(dir.path().join("alcove.db-shm"));
    let o = run(&mut alcove(&["serve", "--data", d, "--addr", &free_addr()]));
    assert!(!o.status.success());
    let e = stderr(&o);
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn unknown_configuration_keys_and_bad_values_stop_start_up_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = run(alcove(&["serve", "--data", d]).env("ALCOVE_NO_SUCH_SETTING", "1"));
    assert!(!o.status.success());
    assert!(
        stderr(&o).to_lowercase().contains("no_such_setting"),
        "{}",
        stderr(&o)
    );
    let o = run(alcove(&["serve", "--data", d]).env("ALCOVE_STAFF_IDLE_MINUTES", "soon"));
    assert!(!o.status.success());
    assert!(
        stderr(&o).to_lowercase().contains("staff_idle_minutes"),
        "{}",
        stderr(&o)
    );
    let o = run(alcove(&["serve", "--data", d]).env("ALCOVE_PUBLIC_URL", "ftp://x"));
    assert!(stderr(&o).contains("public_url"), "{}", stderr(&o));
    std::fs::write(
        dir.path().join("alcove.toml"),
        "practice_name = \"Harbour\"\nlisten_on = \"0.0.0.0:80\"\n",
    )
    .unwrap();
    let o = run(alcove(&["serve", "--data", d]).current_dir(dir.path()));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("listen_on"), "{}", stderr(&o));
}

#[test]
fn bad_arguments_get_one_line_and_a_non_zero_exit() {
    for args in [
        &["frobnicate"][..],
        &["serve", "--addr", "nonsense"],
        &["demo", "--port", "1"],
        &["audit"],
    ] {
        let o = run(&mut alcove(args));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert_eq!(e.trim().lines().count(), 1, "{args:?}: {e}");
    }
}

#[test]
fn openapi_prints_the_document() {
    let o = run(&mut alcove(&["openapi"]));
    assert!(o.status.success());
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    for p in [
        "/api/v1/auth/token",
        "/api/v1/threads",
        "/api/v1/threads/{id}/messages",
        "/api/v1/me/access-log",
    ] {
        assert!(doc["paths"][p].is_object(), "{p}");
    }
    // Query parameters are described as query parameters, optional ones as optional.
    let params = doc["paths"]["/api/v1/licensure/check"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for p in params {
        assert_eq!(p["in"], "query", "{p}");
        assert_eq!(p["required"].as_bool(), Some(p["name"] != "at"), "{p}");
    }
}

#[tokio::test]
async fn demo_runs_on_postgresql_when_alcove_database_url_is_set() {
    let admin = alcove_testkit::pg_url();
    let name = format!("alcove_cli_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .expect("test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut c = alcove(&[
        "demo",
        "--data",
        dir.path().to_str().unwrap(),
        "--addr",
        &addr,
    ]);
    c.env("ALCOVE_DATABASE_URL", &url);
    let s = Server::start(c, addr);
    let accounts: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo-accounts.json")).unwrap(),
    )
    .unwrap();
    let t = token(&s, &accounts[0]).await;
    let r = reqwest::Client::new()
        .get(s.url("/readyz"))
        .bearer_auth(t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.stop();
    assert!(
        !dir.path().join("alcove.db").exists(),
        "nothing went to SQLite"
    );
    let o = run(
        alcove(&["audit", "verify", "--data", dir.path().to_str().unwrap()])
            .env("ALCOVE_DATABASE_URL", &url),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
}

#[test]
fn instruments_score_prints_the_contract_object_and_refuses_malformed_answers() {
    let o = run(&mut alcove(&[
        "instruments",
        "score",
        "phq9",
        "--answers",
        "0,1,2,3,0,1,2,3,1",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        r#"{"instrument":"phq9","total":13,"severity":"moderate","flags":["phq9_item9"]}"#
    );
    let o = run(&mut alcove(&[
        "instruments",
        "score",
        "auditc",
        "--answers",
        "1,1,1",
        "--sex",
        "male",
    ]));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["total"].as_u64(), v["severity"].as_str()),
        (Some(3), Some("negative"))
    );
    for bad in [
        &["phq9", "--answers", "0,1,2"][..],
        &["gad7", "--answers", "0,1,2,3,4,0,1"],
        &["bdi2", "--answers", "1"],
        &["auditc", "--answers", "1,1,1"],
    ] {
        let mut args = vec!["instruments", "score"];
        args.extend_from_slice(bad);
        let o = run(&mut alcove(&args));
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert_eq!(
            stderr(&o).trim().lines().count(),
            1,
            "{bad:?}: {}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty(), "nothing printed on error");
    }
}

#[test]
fn licensure_check_answers_where_the_client_is_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("creds.json");
    std::fs::write(
        &creds,
        r#"{"profession":"social_work","credentials":[
            {"kind":"license","jurisdiction":"US-MA","title":"LICSW","number":"123456","expires":"2027-06-30"}]}"#,
    )
    .unwrap();
    let c = creds.to_str().unwrap();
    let check = |loc: &str, at: &str| {
        run(&mut alcove(&[
            "licensure",
            "check",
            "--credentials",
            c,
            "--location",
            loc,
            "--at",
            at,
        ]))
    };
    let o = check("US-MA", "2027-06-30T23:00:00-04:00");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["allowed"], true,
        "valid through the whole expiry day: {v}"
    );
    assert_eq!(v["basis"]["jurisdiction"], "US-MA");
    let o = check("US-MA", "2027-07-01T09:00:00-04:00");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["allowed"], false, "expired the day after: {v}");
    assert!(v["reason"].as_str().unwrap().contains("US-MA"));
    let o = check("US-CA", "2026-11-23T15:00:00Z");
    assert!(o.status.success(), "a denial is an answer, exit 0");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["allowed"].as_bool(), v["basis"].is_null()),
        (Some(false), true)
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(&keys[..3], ["allowed", "basis", "reason"]);
    for bad in [
        check("Massachusetts", "2026-11-23T15:00:00Z"),
        check("US-MA", "yesterday"),
    ] {
        assert_eq!(bad.status.code(), Some(2));
        assert_eq!(stderr(&bad).trim().lines().count(), 1, "{}", stderr(&bad));
    }
    std::fs::write(&creds, r#"{"profession":"social_work","credentials":[{"kind":"licence","jurisdiction":"US-MA","expires":"2027-06-30"}]}"#).unwrap();
    let o = check("US-MA", "2026-11-23T15:00:00Z");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("credentials[0].kind"),
        "names the field: {}",
        stderr(&o)
    );
}

#[test]
fn risk_scan_reads_stdin_line_by_line_and_writes_one_json_object_per_line() {
    use std::io::Write;
    let mut child = alcove(&["risk-scan"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = "Can we move Thursday to 3pm?\nI want to kill myself tonight, I have the pills ready\nI would never hurt myself\n\nya no quiero vivir\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        5,
        "one object per input line, empty lines included"
    );
    let levels: Vec<&str> = lines.iter().map(|v| v["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["none", "acute", "none", "none", "concern"]);
    for v in &lines {
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["level", "score", "matched"]);
        assert!(v["score"].is_number() && v["matched"].is_array());
    }
    assert!(lines[1]["matched"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "kill myself"));
}

/// Runs the binary off the async runtime, so an in-process SMTP sink can answer it meanwhile.
async fn run_async(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().expect("run alcove"))
        .await
        .unwrap()
}

#[tokio::test]
async fn mail_test_sends_through_the_configured_smtp_server() {
    use alcove_testkit::smtp::SmtpSink;
    let sink = SmtpSink::start().await;
    let mut c = alcove(&["mail", "test", "--to", "owner@practice.example"]);
    c.env("ALCOVE_SMTP_URL", sink.url())
        .env("ALCOVE_MAIL_FROM", "notices@practice.example")
        .env("ALCOVE_PRACTICE_NAME", "Harbour")
        .env("ALCOVE_PUBLIC_URL", "https://harbour.example");
    let o = run_async(c).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "sent\n");
    let got = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].from, "notices@practice.example");
    assert_eq!(got[0].to, vec!["owner@practice.example".to_owned()]);
    assert_eq!(
        got[0].header("Subject").as_deref(),
        Some("Test message from Harbour")
    );
    assert!(got[0].text().contains("https://harbour.example/"));
}

#[tokio::test]
async fn mail_test_fails_in_one_line_when_the_server_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = alcove(&["mail", "test", "--to", "owner@practice.example"]);
    c.env("ALCOVE_SMTP_URL", format!("smtp://127.0.0.1:{port}"));
    let o = run_async(c).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert!(e.contains("not sent") && !e.contains("owner@"), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn mail_test_without_smtp_writes_to_the_outbox_and_bad_mail_settings_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = run(&mut alcove(&[
        "mail",
        "test",
        "--to",
        "owner@practice.example",
        "--data",
        d,
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let emls: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(emls.len(), 1);

    let no_dir = run(&mut alcove(&[
        "mail",
        "test",
        "--to",
        "owner@practice.example",
    ]));
    assert_eq!(no_dir.status.code(), Some(2), "{}", stderr(&no_dir));
    let bad_to = run(&mut alcove(&["mail", "test", "--to", "nobody"]));
    assert_eq!(bad_to.status.code(), Some(2));

    for (key, value) in [
        ("ALCOVE_SMTP_URL", "http://user:s3cret@mail.example.org"),
        ("ALCOVE_MAIL_FROM", "Harbour notices"),
    ] {
        let o = run(alcove(&["serve", "--data", d]).env(key, value));
        assert!(!o.status.success());
        let e = stderr(&o);
        let name = key.trim_start_matches("ALCOVE_").to_lowercase();
        assert!(e.contains(&name), "{key}: {e}");
        assert!(!e.contains("s3cret"), "{e}");
    }
}
