//! A real SMTP server on a loopback port that keeps what it receives, for tests.
//!
//! Not a mock of the mailer: the product's lettre SMTP client connects to it over TCP and
//! speaks SMTP (RFC 5321) — EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET,
//! NOOP, QUIT. Enough to accept what lettre sends; no TLS, no AUTH (a local relay's shape).
//!
//! Written here rather than taken from a crate: the embeddable servers found (mailin-embedded)
//! are blocking with a thread pool and pull in a TLS stack, while tests want an async
//! `wait_for` and a bound port 0 — this is about as long as the glue around one would be.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// A message as the sink received it.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM:<…>`).
    pub from: String,
    /// The envelope recipients (`RCPT TO:<…>`).
    pub to: Vec<String>,
    /// The message exactly as sent after DATA, dot-unstuffed, CRLF line endings kept.
    pub data: String,
}

impl ReceivedMail {
    fn split(&self) -> (&str, &str) {
        self.data
            .split_once("\r\n\r\n")
            .unwrap_or((self.data.as_str(), ""))
    }

    /// Every header as `(name, value)`, folded lines joined.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for line in self.split().0.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = out.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
            } else if let Some((k, v)) = line.split_once(':') {
                out.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        out
    }

    /// The first header with this name (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers()
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The body as sent, still transfer-encoded.
    pub fn raw_body(&self) -> &str {
        self.split().1
    }

    /// The body decoded from its Content-Transfer-Encoding (7bit, 8bit, base64 or
    /// quoted-printable), with LF line endings.
    pub fn text(&self) -> String {
        let raw = self.raw_body();
        let cte = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match cte.as_str() {
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(raw.split_whitespace().collect::<String>())
                .expect("valid base64 body"),
            "quoted-printable" => decode_quoted_printable(raw),
            _ => raw.as_bytes().to_vec(),
        };
        String::from_utf8(bytes)
            .expect("UTF-8 body")
            .replace("\r\n", "\n")
    }
}

fn decode_quoted_printable(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                i += 3; // soft line break
                continue;
            }
            if let Some(h) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(h);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// What the sink does with a message once DATA ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Accept,
    /// Replies 554 and quotes the message's first body line back, as some servers quote
    /// content in their refusals: the client must not pass that text on.
    RejectQuoting,
}

struct Shared {
    messages: Mutex<Vec<ReceivedMail>>,
    arrived: Notify,
    mode: Mode,
}

/// A running sink; stops when dropped.
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

const NAME: &str = "alcove-test-sink";
/// Nothing a test sends comes near this; it keeps a runaway client from eating memory.
const MAX_MESSAGE: usize = 10 * 1024 * 1024;

impl SmtpSink {
    /// Binds 127.0.0.1:0 and accepts every message.
    pub async fn start() -> SmtpSink {
        Self::start_in(Mode::Accept).await
    }

    /// Binds 127.0.0.1:0 and refuses every message with a 554 reply that quotes the message.
    pub async fn start_rejecting() -> SmtpSink {
        Self::start_in(Mode::RejectQuoting).await
    }

    async fn start_in(mode: Mode) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP sink on a loopback port");
        let addr = listener.local_addr().expect("sink address");
        let shared = Arc::new(Shared {
            messages: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            mode,
        });
        let task = tokio::spawn({
            let shared = shared.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(session(stream, shared.clone()));
                }
            }
        });
        SmtpSink { addr, shared, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `smtp_url` that sends here: plain SMTP on loopback.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Everything received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared.messages.lock().expect("sink lock").clone()
    }

    /// Waits until at least `n` messages have arrived; panics after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.shared.arrived.notified();
            let now = self.messages();
            if now.len() >= n {
                return now;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!(
                    "the SMTP sink received {} message(s) within {timeout:?}, expected {n}",
                    self.messages().len()
                );
            }
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `<addr>` from `MAIL FROM:<addr> PARAMS` / `RCPT TO:<addr>`.
fn path_arg(rest: &str) -> Option<String> {
    let start = rest.find('<')? + 1;
    let end = start + rest[start..].find('>')?;
    Some(rest[start..end].to_owned())
}

async fn session(stream: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    if write
        .write_all(format!("220 {NAME} ESMTP ready\r\n").as_bytes())
        .await
        .is_err()
    {
        return;
    }
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        match read.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, rest) = text.split_once(' ').unwrap_or((text, ""));
        let answer: String = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => format!("250-{NAME} greets {rest}\r\n250-8BITMIME\r\n250 SIZE {MAX_MESSAGE}"),
            "HELO" => format!("250 {NAME}"),
            "MAIL" => match path_arg(rest) {
                Some(addr) => {
                    from = Some(addr);
                    to.clear();
                    "250 2.1.0 sender ok".into()
                }
                None => "501 5.5.4 syntax: MAIL FROM:<address>".into(),
            },
            "RCPT" if from.is_none() => "503 5.5.1 MAIL first".into(),
            "RCPT" => match path_arg(rest) {
                Some(addr) => {
                    to.push(addr);
                    "250 2.1.5 recipient ok".into()
                }
                None => "501 5.5.4 syntax: RCPT TO:<address>".into(),
            },
            "DATA" if to.is_empty() => "503 5.5.1 RCPT first".into(),
            "DATA" => {
                if write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let Some(data) = read_data(&mut read).await else {
                    return;
                };
                let mail = ReceivedMail {
                    from: from.take().unwrap_or_default(),
                    to: std::mem::take(&mut to),
                    data,
                };
                match shared.mode {
                    Mode::Accept => {
                        shared.messages.lock().expect("sink lock").push(mail);
                        shared.arrived.notify_waiters();
                        "250 2.0.0 queued".into()
                    }
                    Mode::RejectQuoting => {
                        let quoted = mail
                            .text()
                            .lines()
                            .find(|l| !l.trim().is_empty())
                            .unwrap_or_default()
                            .to_owned();
                        format!("554 5.7.1 refused: {quoted} <{}>", mail.to.join(","))
                    }
                }
            }
            "RSET" => {
                from = None;
                to.clear();
                "250 2.0.0 reset".into()
            }
            "NOOP" => "250 2.0.0 ok".into(),
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                return;
            }
            _ => "502 5.5.2 command not implemented".into(),
        };
        if write
            .write_all(format!("{answer}\r\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Reads DATA up to the lone `.` line, undoing dot-stuffing (RFC 5321 §4.5.2).
async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(read: &mut R) -> Option<String> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        if line == b".\r\n" || line == b".\n" {
            return Some(String::from_utf8_lossy(&data).into_owned());
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(unstuffed);
        if data.len() > MAX_MESSAGE {
            return None;
        }
    }
}
