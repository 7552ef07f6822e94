//! Outgoing email through the real transports: lettre's SMTP client against testkit's SMTP
//! sink on a loopback port, and the file transport into the development outbox.
//! Notifications say only that something is waiting (DESIGN.md, `ALCOVE_SMTP_URL`).

use std::time::Duration;

use alcove_domain::{Email, Jurisdiction};
use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{spawn, Options};
use alcove_web::i18n::Tr;
use alcove_web::services::mailer::{self, MailTransport, Mailer, Notification};
use alcove_web::WebConfig;
use fluent_templates::fluent_bundle::FluentValue;

const WAIT: Duration = Duration::from_secs(10);

fn web(practice: &str, public_url: &str) -> WebConfig {
    WebConfig {
        practice_name: practice.into(),
        public_url: Some(public_url.parse().unwrap()),
        ..WebConfig::default()
    }
}

fn email(s: &str) -> Email {
    s.parse().unwrap()
}

fn ma() -> Jurisdiction {
    "US-MA".parse().unwrap()
}

/// Every kind the product sends, for checks that must hold for all of them.
fn every_kind() -> Vec<Notification> {
    vec![
        Notification::CredentialExpiring {
            days_left: 30,
            jurisdiction: ma(),
        },
        Notification::CredentialExpiring {
            days_left: 1,
            jurisdiction: ma(),
        },
        Notification::CredentialExpiring {
            days_left: 0,
            jurisdiction: ma(),
        },
        Notification::CredentialLapsed {
            jurisdiction: "US-NY".parse().unwrap(),
        },
        Notification::PracticeCredentialExpiring {
            days_left: 7,
            jurisdiction: ma(),
        },
        Notification::PracticeCredentialLapsed { jurisdiction: ma() },
        Notification::ContactFormReceived,
        Notification::ListingReviewDue,
        Notification::Invitation {
            token: "tok".into(),
        },
        Notification::CeShortfall {
            jurisdiction: "US-PA".parse().unwrap(),
        },
        Notification::MessageWaiting,
        Notification::UrgentFlag,
        Notification::LiabilityCoverExpiring { days_left: 60 },
        Notification::LiabilityCoverExpiring { days_left: 0 },
        Notification::LiabilityCoverLapsed,
        Notification::PracticeLiabilityCoverExpiring { days_left: 30 },
        Notification::PracticeLiabilityCoverLapsed,
        Notification::ClientNeedsAttention,
        Notification::GuardianInvitation {
            token: "tok".into(),
        },
        Notification::Test,
    ]
}

#[tokio::test]
async fn a_notification_sent_through_smtp_arrives_with_the_fixed_template_and_nothing_else() {
    let sink = SmtpSink::start().await;
    let app = spawn(Options {
        smtp_url: Some(sink.url()),
        config: web("Harbour Counselling", "https://harbour.example/portal"),
        ..Options::default()
    })
    .await;
    let to = email("dana.whitfield@alcove-demo.example");
    let n = Notification::CredentialExpiring {
        days_left: 30,
        jurisdiction: ma(),
    };
    app.state.mailer.send(&to, &n).await.expect("sent");

    let got = sink.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.from, mailer::DEFAULT_FROM);
    assert_eq!(m.to, vec![to.as_str().to_owned()]);
    assert_eq!(
        m.header("From").as_deref(),
        Some("\"Harbour Counselling\" <alcove@localhost>")
    );
    assert_eq!(m.header("To").as_deref(), Some(to.as_str()));

    // Every word comes from the Fluent templates, assembled independently here.
    let tr = Tr::default();
    let days = || ("days", FluentValue::from(30u32));
    let subject = tr.tn("mail-credential-expiring-subject", &[days()]);
    assert_eq!(subject, "A credential expires in 30 days");
    assert_eq!(m.header("Subject"), Some(subject));
    let line = tr.tn(
        "mail-credential-expiring-body",
        &[days(), ("jurisdiction", FluentValue::from("US-MA"))],
    );
    let link = "https://harbour.example/portal/credentials";
    let open = tr.tn("mail-open-link", &[("link", FluentValue::from(link))]);
    let footer = tr.tn(
        "mail-footer",
        &[("practice", FluentValue::from("Harbour Counselling"))],
    );
    assert!(open.contains(link), "{open}");
    // SMTP ends the last line with CRLF before the closing dot; that is all there is besides.
    assert_eq!(m.text(), format!("{line}\n\n{open}\n\n{footer}\n"));
    let id = m.header("Message-ID").expect("a Message-ID");
    assert!(id.starts_with('<') && id.ends_with("@localhost>"), "{id}");
    assert!(
        m.header("Content-Type")
            .unwrap_or_default()
            .starts_with("text/plain"),
        "plain text only"
    );
    app.stop().await;
}

#[tokio::test]
async fn every_kind_renders_from_fluent_with_a_link_and_no_names() {
    let sink = SmtpSink::start().await;
    let m = Mailer::new(
        MailTransport::Smtp(sink.url()),
        "notices@harbour.example",
        &web("Harbour", "https://harbour.example"),
    )
    .unwrap();
    let to = email("alex.rivera@alcove-demo.example");
    let kinds = every_kind();
    for n in &kinds {
        m.send(&to, n)
            .await
            .unwrap_or_else(|e| panic!("{n:?}: {e}"));
    }
    let got = sink.wait_for(kinds.len(), WAIT).await;
    for (n, mail) in kinds.iter().zip(&got) {
        let words = m.render(n, &Tr::default());
        assert_eq!(mail.header("Subject").as_ref(), Some(&words.subject));
        assert_eq!(mail.text(), format!("{}\n", words.body), "{n:?}");
        let link = format!("https://harbour.example{}", n.path());
        assert!(words.body.contains(&link), "{n:?}: {}", words.body);
        // A template that lost its key shows the key id instead of words.
        for text in [&words.subject, &words.body] {
            assert!(!text.contains("mail-") && !text.contains('{'), "{text}");
        }
        // The recipient's name or address never appears in what is written.
        let lower = mail.text().to_lowercase();
        for who in ["alex", "rivera"] {
            assert!(!lower.contains(who), "{n:?}");
            assert!(
                !mail.header("Subject").unwrap().to_lowercase().contains(who),
                "{n:?}"
            );
        }
        assert_eq!(mail.from, "notices@harbour.example");
    }
}

#[tokio::test]
async fn without_smtp_the_file_transport_writes_an_eml_into_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let m = Mailer::new(
        MailTransport::from_config(None, dir.path()),
        mailer::DEFAULT_FROM,
        &WebConfig::default(),
    )
    .unwrap();
    let outbox = dir.path().join(mailer::OUTBOX_DIR);
    assert_eq!(m.outbox(), Some(outbox.as_path()));
    m.send(&email("owner@practice.example"), &Notification::Test)
        .await
        .unwrap();
    let files: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Test message from Alcove"), "{eml}");
    assert!(eml.contains("To: owner@practice.example"), "{eml}");
    // Without a public URL, links point at the default address.
    assert!(eml.contains("http://127.0.0.1:8080/"), "{eml}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&outbox).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the outbox is private: {mode:o}");
    }
}

#[tokio::test]
async fn an_unreachable_smtp_server_gives_an_error_without_the_message() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let m = Mailer::new(
        MailTransport::Smtp(format!("smtp://127.0.0.1:{port}")),
        mailer::DEFAULT_FROM,
        &web("Harbour", "https://harbour.example"),
    )
    .unwrap();
    let to = email("jordan.lee@alcove-demo.example");
    let n = Notification::ContactFormReceived;
    let user = alcove_domain::UserId(uuid::Uuid::new_v4());
    let e = m
        .notify(user, &to, &n)
        .await
        .expect_err("nothing listens there");
    let words = m.render(&n, &Tr::default());
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("cannot reach"), "{shown}");
    for secret in [
        words.subject.as_str(),
        words.body.lines().next().unwrap(),
        to.as_str(),
        "jordan",
    ] {
        assert!(!shown.contains(secret), "{secret:?} in {shown}");
    }
}

#[tokio::test]
async fn a_refusal_that_quotes_the_message_is_not_passed_on() {
    let sink = SmtpSink::start_rejecting().await;
    let m = Mailer::new(
        MailTransport::Smtp(sink.url()),
        mailer::DEFAULT_FROM,
        &web("Harbour", "https://harbour.example"),
    )
    .unwrap();
    let to = email("riley.chen@alcove-demo.example");
    let n = Notification::ListingReviewDue;
    let e = m.send(&to, &n).await.expect_err("the sink refuses");
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("554"), "the reply code is kept: {shown}");
    let first_line = m.render(&n, &Tr::default()).body;
    let first_line = first_line.lines().next().unwrap();
    assert!(!shown.contains(first_line), "{shown}");
    assert!(!shown.contains("riley"), "{shown}");
}

/// Reads one (possibly multi-line) SMTP reply and checks its code.
async fn expect<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R, code: &str) {
    use tokio::io::AsyncBufReadExt;
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line).await.unwrap();
        assert!(line.starts_with(code), "{code}: {line}");
        if line.as_bytes().get(3) != Some(&b'-') {
            break;
        }
    }
}

#[tokio::test]
async fn the_sink_undoes_dot_stuffing_and_handles_rset() {
    use tokio::io::{AsyncWriteExt, BufReader};
    let sink = SmtpSink::start().await;
    let stream = tokio::net::TcpStream::connect(sink.addr()).await.unwrap();
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    expect(&mut r, "220").await;
    for (cmd, code) in [
        ("EHLO test", "250"),
        ("MAIL FROM:<a@x.example>", "250"),
        ("RCPT TO:<lost@x.example>", "250"),
        ("RSET", "250"),
        ("NOOP", "250"),
        ("DATA", "503"),
        ("MAIL FROM:<a@x.example> BODY=8BITMIME", "250"),
        ("RCPT TO:<b@x.example>", "250"),
        ("DATA", "354"),
    ] {
        w.write_all(format!("{cmd}\r\n").as_bytes()).await.unwrap();
        expect(&mut r, code).await;
    }
    w.write_all(b"Subject: hi\r\n\r\n..leading dot\r\n.\r\n")
        .await
        .unwrap();
    expect(&mut r, "250").await;
    w.write_all(b"QUIT\r\n").await.unwrap();
    expect(&mut r, "221").await;
    let got = sink.wait_for(1, WAIT).await;
    assert_eq!(got[0].to, vec!["b@x.example".to_owned()]);
    assert_eq!(got[0].text(), ".leading dot\n");
}
