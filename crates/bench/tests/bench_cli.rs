//! The bench prints its JSON for both backends (issue 7, "Done when"), and what it reports as
//! sent is really stored: after the run, the real `alcove serve` is started on the same data
//! (and database), and the messages are read back through the API as the demo clients.
//! Tiny numbers: this proves the bench works, not how fast anything is.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Connection;

const CLIENTS: u64 = 3;
const MESSAGES: u64 = 14;

fn bench_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_alcove-bench"))
}

/// The `alcove` binary of the same build (the bench builds it when missing).
fn alcove_bin() -> PathBuf {
    bench_bin().with_file_name("alcove")
}

fn pg_url() -> String {
    std::env::var("PG_TEST_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

fn run_bench(args: &[&str]) -> Value {
    let out = Command::new(bench_bin())
        .args(["messaging", "--clients", &CLIENTS.to_string()])
        .args(["--messages", &MESSAGES.to_string()])
        .args(args)
        .env("CARGO", env!("CARGO"))
        .output()
        .expect("the bench runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the bench failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().expect("the bench printed something");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("the last line is not JSON ({e}): {last}"))
}

fn assert_shape(v: &Value, backend: &str) {
    let keys: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "backend",
            "clients",
            "messages",
            "throughput_per_s",
            "p50_ms",
            "p99_ms",
            "server_rss_mib",
            "server_rss_idle_mib"
        ]
    );
    assert_eq!(v["backend"], backend);
    assert_eq!(v["clients"], CLIENTS);
    assert_eq!(v["messages"], MESSAGES);
    let num = |k: &str| {
        v[k].as_f64()
            .unwrap_or_else(|| panic!("{k} is a number: {v}"))
    };
    assert!(num("throughput_per_s") > 0.0);
    assert!(num("p50_ms") > 0.0 && num("p50_ms") <= num("p99_ms"));
    // The server's own memory, read from /proc: a real process of some MiB.
    assert!(num("server_rss_mib") > 1.0 && num("server_rss_idle_mib") > 1.0);
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `alcove serve` on the data the bench left, signs in as each demo client and
/// returns every message body they can read.
async fn bodies_read_back(data: &Path, database_url: Option<&str>) -> Vec<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(alcove_bin());
    cmd.arg("serve")
        .arg("--data")
        .arg(data)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env_remove("ALCOVE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(u) = database_url {
        cmd.env("ALCOVE_DATABASE_URL", u);
    }
    let _server = Served(cmd.spawn().expect("alcove serve starts"));
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(Instant::now() < deadline, "alcove serve did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let accounts: Vec<Value> =
        serde_json::from_slice(&std::fs::read(data.join("demo-accounts.json")).unwrap()).unwrap();
    let mut bodies = Vec::new();
    for a in accounts.iter().filter(|a| a["role"] == "client") {
        let tok: Value = http
            .post(format!("{base}/api/v1/auth/token"))
            .json(&serde_json::json!({"email": a["email"], "password": a["password"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = tok["token"].as_str().expect("signed in").to_owned();
        let threads: Value = http
            .get(format!("{base}/api/v1/threads"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for t in threads["threads"].as_array().unwrap() {
            let msgs: Value = http
                .get(format!(
                    "{base}/api/v1/threads/{}/messages",
                    t["id"].as_str().unwrap()
                ))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for m in msgs["messages"].as_array().unwrap() {
                bodies.push(m["body"].as_str().unwrap().to_owned());
            }
        }
    }
    bodies
}

/// Each of the M bench messages is stored exactly once and decrypts to what was sent.
fn assert_all_stored(bodies: &[String]) {
    let mut ks: Vec<u64> = bodies
        .iter()
        .filter_map(|b| {
            let rest = b.strip_prefix("Bench message ")?;
            let (k, rest) = rest.split_once(' ')?;
            rest.starts_with(&format!("of {MESSAGES}:"))
                .then(|| k.parse().ok())?
        })
        .collect();
    ks.sort_unstable();
    assert_eq!(ks, (0..MESSAGES).collect::<Vec<_>>(), "every message once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_prints_its_json_for_sqlite_and_every_message_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("practice");
    let v = run_bench(&["--backend", "sqlite", "--data", data.to_str().unwrap()]);
    assert_shape(&v, "sqlite");
    assert_all_stored(&bodies_read_back(&data, None).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_prints_its_json_for_postgres_and_every_message_is_stored() {
    let name = format!("alcove_bench_t_{}", uuid::Uuid::new_v4().simple());
    let admin = pg_url();
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("this test needs PostgreSQL (PG_TEST_URL)");
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut url = reqwest::Url::parse(&admin).unwrap();
    url.set_path(&format!("/{name}"));
    let url = url.to_string();

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("practice");
    let v = run_bench(&[
        "--backend",
        "postgres",
        "--database-url",
        &url,
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_shape(&v, "postgres");
    let bodies = bodies_read_back(&data, Some(&url)).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_all_stored(&bodies);
}

#[test]
fn audit_verify_prints_its_json_and_verifies_every_event() {
    let out = Command::new(bench_bin())
        .args(["audit-verify", "--events", "2500"])
        .output()
        .expect("the bench runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(v["events"], 2500);
    // Every 1,000 events and the head: 1000, 2000, 2500.
    assert_eq!(v["checkpoints"], 3);
    assert!(v["events_per_s"].as_f64().unwrap() > 0.0);
}
