//! Several `alcove serve` processes on one PostgreSQL database behave as one service
//! (DESIGN.md, "Storage"): a message posted through the API of instance A reaches a reader
//! watching the thread over the WebSocket of instance B, through `LISTEN/NOTIFY`.
//!
//! This needs PostgreSQL and says so: without `PG_TEST_URL` it fails, it never skips.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alcove_testkit::{csrf_from, rfc6238};
use futures::{SinkExt, StreamExt};
use reqwest::cookie::CookieStore;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const BIN: &str = env!("CARGO_BIN_EXE_alcove");

fn pg_url() -> String {
    std::env::var("PG_TEST_URL").unwrap_or_else(|_| {
        panic!(
            "PG_TEST_URL is not set: this test starts two `alcove serve` processes on one \
             PostgreSQL database and cannot run without one \
             (e.g. PG_TEST_URL=postgres://postgres@127.0.0.1:5432/test)"
        )
    })
}

fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

/// A running `alcove` process; killed (SIGTERM, then waited for) when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(args: &[&str], db: &str, addr: String) -> Server {
        let child = Command::new(BIN)
            .args(args)
            .args(["--addr", &addr])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("ALCOVE_DATABASE_URL", db)
            .env("ALCOVE_LOG", "warn")
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start alcove");
        let mut s = Server { child, addr };
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if std::net::TcpStream::connect(&s.addr).is_ok() {
                return s;
            }
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("alcove {args:?} exited before serving: {status}");
            }
            assert!(Instant::now() < deadline, "alcove {args:?} did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self, p: &str) -> String {
        format!("http://{}{}", self.addr, p)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Drops the throwaway database, whatever happened.
struct Database {
    admin: String,
    name: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(pool) = sqlx::PgPool::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&pool)
                        .await;
                }
            })
        })
        .join();
    }
}

/// The second instance gets the practice's keys (kept outside the database), as an operator
/// copies them to each host; everything else it reads from the shared database.
fn copy_keys(from: &Path, to: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to).unwrap();
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700)).unwrap();
    for f in ["master.key", "audit-signing.pem"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
        std::fs::set_permissions(to.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

async fn token(s: &Server, a: &Value) -> String {
    let mut body = json!({"email": a["email"], "password": a["password"]});
    if let Some(secret) = a["totp_secret"].as_str() {
        body["totp"] = rfc6238::code(secret, chrono::Utc::now().timestamp()).into();
    }
    let r = reqwest::Client::new()
        .post(s.url("/api/v1/auth/token"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "token for {}", a["email"]);
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next frame, as JSON, within 15 s.
async fn next(ws: &mut Socket) -> Value {
    let m = tokio::time::timeout(Duration::from_secs(15), ws.next())
        .await
        .expect("a frame within 15 s")
        .expect("socket open")
        .expect("frame");
    serde_json::from_str::<Value>(m.to_text().expect("text frame")).expect("JSON")
}

/// Signs a client in through the web form of `s`; returns the page client and its cookies.
async fn web_sign_in(s: &Server, a: &Value) -> (reqwest::Client, String) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let c = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = c
        .get(s.url("/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(s.url("/sign-in"))
        .form(&[
            ("csrf", csrf_from(&page).as_str()),
            ("email", a["email"].as_str().unwrap()),
            ("password", a["password"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in on {}", s.addr);
    assert_eq!(r.headers()["location"], "/home");
    let cookies = jar
        .cookies(&s.url("/").parse().unwrap())
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_owned();
    (c, cookies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_posted_on_one_instance_reaches_a_websocket_on_another() {
    let admin = pg_url();
    let name = format!("alcove_two_{}", uuid::Uuid::new_v4().simple());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .expect("the PostgreSQL of PG_TEST_URL answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let _db = Database {
        admin: admin.clone(),
        name: name.clone(),
    };
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);

    // Instance A creates the demo practice in the database; B serves the same practice.
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let a = Server::start(
        &["demo", "--data", dir_a.path().to_str().unwrap()],
        &url,
        free_addr(),
    );
    copy_keys(dir_a.path(), dir_b.path());
    let b = Server::start(
        &["serve", "--data", dir_b.path().to_str().unwrap()],
        &url,
        free_addr(),
    );

    let accounts: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir_a.path().join("demo-accounts.json")).unwrap(),
    )
    .unwrap();
    let account = |n: &str| accounts.iter().find(|x| x["name"] == n).unwrap().clone();
    let dana = token(&a, &account("Dana Whitfield")).await;
    let threads: Value = reqwest::Client::new()
        .get(a.url("/api/v1/threads"))
        .bearer_auth(&dana)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let thread = threads["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["client_name"] == "Alex Rivera")
        .expect("Alex's thread")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Alex reads the thread on instance B, with the page's live socket open there.
    let (alex_web, cookies) = web_sign_in(&b, &account("Alex Rivera")).await;
    let mut req = format!("ws://{}/ws", b.addr).into_client_request().unwrap();
    req.headers_mut().insert("cookie", cookies.parse().unwrap());
    req.headers_mut()
        .insert("origin", format!("http://{}", b.addr).parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("instance B accepts the socket");
    let page = alex_web
        .get(b.url(&format!("/messages/{thread}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let last = page
        .rsplit("data-message=\"")
        .next()
        .and_then(|s| s.split('"').next())
        .expect("the page lists messages")
        .to_owned();
    ws.send(Message::text(
        json!({"type": "subscribe", "thread": thread, "after": last}).to_string(),
    ))
    .await
    .unwrap();
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "subscribed", "thread": thread})
    );

    // Dana posts on instance A.
    let r = reqwest::Client::new()
        .post(a.url(&format!("/api/v1/threads/{thread}/messages")))
        .bearer_auth(&dana)
        .json(&json!({"body": "Posted on instance A."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sent = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // B's socket hears of it, and B serves the message itself.
    assert_eq!(
        next(&mut ws).await,
        json!({"type": "message", "thread": thread, "message": sent})
    );
    let html = alex_web
        .get(b.url(&format!("/messages/{thread}/new?after={last}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Posted on instance A."), "{html}");
    drop(ws);
    drop(b);
    drop(a);
}
