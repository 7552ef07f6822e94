//! The demo practice: deterministic people and conversations, fresh secrets for every data dir.
//! A group practice in three US states, and one client in a state where no clinician is licensed.

use std::path::Path;

use alcove_crypto::envelope::Aad;
use alcove_crypto::{token, totp};
use alcove_domain::{ClientId, Email, MessageId, Role, ThreadId, UserId};
use alcove_store::{
    CareRole, CredentialsDoc, NewClient, NewMessage, NewThread, NewUser, StoreError, Verification,
};
use alcove_web::messaging::body_place;
use alcove_web::services::audit_log::By;
use alcove_web::services::KeyringError;
use alcove_web::AppState;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ACCOUNTS_FILE: &str = "demo-accounts.json";

/// One line of `demo-accounts.json`, exactly as the contract says.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DemoAccount {
    pub role: Role,
    pub name: String,
    pub email: String,
    pub password: String,
    pub totp_secret: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyringError),
    #[error("{0}")]
    Other(String),
}

struct Person {
    role: Role,
    name: &'static str,
    email: &'static str,
    slug: Option<&'static str>,
    credentials: Option<&'static str>,
}

const PEOPLE: &[Person] = &[
    Person {
        role: Role::Clinician,
        name: "Dana Whitfield",
        email: "dana.whitfield@alcove-demo.example",
        slug: Some("dana-whitfield"),
        credentials: Some("LICSW — licensed clinical social worker (Massachusetts, New York)"),
    },
    Person {
        role: Role::Clinician,
        name: "Samuel Okafor",
        email: "samuel.okafor@alcove-demo.example",
        slug: Some("samuel-okafor"),
        credentials: Some("PhD, licensed psychologist (Pennsylvania; PSYPACT telepsychology)"),
    },
    Person {
        role: Role::Supervisor,
        name: "Maria Alvarez",
        email: "maria.alvarez@alcove-demo.example",
        slug: None,
        credentials: Some("LICSW, clinical supervisor"),
    },
    Person {
        role: Role::Admin,
        name: "Priya Natarajan",
        email: "priya.natarajan@alcove-demo.example",
        slug: None,
        credentials: None,
    },
    Person {
        role: Role::Auditor,
        name: "Tom Becker",
        email: "tom.becker@alcove-demo.example",
        slug: None,
        credentials: None,
    },
    Person {
        role: Role::Client,
        name: "Alex Rivera",
        email: "alex.rivera@alcove-demo.example",
        slug: None,
        credentials: None,
    },
    Person {
        role: Role::Client,
        name: "Jordan Lee",
        email: "jordan.lee@alcove-demo.example",
        slug: None,
        credentials: None,
    },
    Person {
        role: Role::Client,
        name: "Riley Chen",
        email: "riley.chen@alcove-demo.example",
        slug: None,
        credentials: None,
    },
    Person {
        role: Role::Client,
        name: "Casey Morgan",
        email: "casey.morgan@alcove-demo.example",
        slug: None,
        credentials: None,
    },
];

/// (client email, home jurisdiction, clinician email). Casey lives in California, where
/// neither clinician is licensed: the licensure engine must refuse her sessions.
const CLIENTS: &[(&str, &str, &str)] = &[
    (
        "alex.rivera@alcove-demo.example",
        "US-MA",
        "dana.whitfield@alcove-demo.example",
    ),
    (
        "jordan.lee@alcove-demo.example",
        "US-NY",
        "dana.whitfield@alcove-demo.example",
    ),
    (
        "riley.chen@alcove-demo.example",
        "US-PA",
        "samuel.okafor@alcove-demo.example",
    ),
    (
        "casey.morgan@alcove-demo.example",
        "US-CA",
        "dana.whitfield@alcove-demo.example",
    ),
];

/// Each clinician's credentials file (DESIGN.md format).
const CREDENTIALS: &[(&str, &str)] = &[
    (
        "dana.whitfield@alcove-demo.example",
        r#"{"profession":"social_work","credentials":[
        {"kind":"license","jurisdiction":"US-MA","title":"LICSW","number":"123456","expires":"2027-06-30"},
        {"kind":"license","jurisdiction":"US-NY","title":"LCSW","number":"654321","expires":"2027-12-31"}]}"#,
    ),
    (
        "samuel.okafor@alcove-demo.example",
        r#"{"profession":"psychology","credentials":[
        {"kind":"license","jurisdiction":"US-PA","title":"Licensed Psychologist","number":"PS012345","expires":"2027-11-30"},
        {"kind":"compact_authorization","compact":"psypact","home":"US-PA","title":"APIT","number":"APIT-9876","expires":"2027-11-30"}]}"#,
    ),
];

/// (client email, messages: (from the client?, text)).
const THREADS: &[(&str, &[(bool, &str)])] = &[
    ("alex.rivera@alcove-demo.example", &[
        (false, "Hi Alex, welcome to the portal. Messages here are for scheduling and short check-ins between sessions."),
        (true, "Thanks! Could we move Thursday's session to the afternoon?"),
        (false, "Yes, 3 pm works. I've noted it."),
    ]),
    ("jordan.lee@alcove-demo.example", &[
        (false, "Hello Jordan, here is the worksheet we talked about. No need to finish it all before next week."),
        (true, "Got it, I tried the breathing exercise twice and it helped a bit."),
    ]),
    ("riley.chen@alcove-demo.example", &[
        (false, "Hi Riley, a reminder that our sessions are by video. Please join from a private room."),
        (true, "Will do. My internet was patchy last time; is a phone call okay if it drops?"),
        (false, "Yes: if we lose the connection I'll call the number you confirmed at check-in within two minutes."),
        (true, "Perfect, thank you."),
    ]),
    ("casey.morgan@alcove-demo.example", &[
        (false, "Hi Casey, before we can meet I need to confirm where you'll be during sessions. Let's talk about options."),
    ]),
];

fn fresh_password() -> String {
    // 22 characters of base64url: about 130 bits, and it passes the strength rule.
    token::random_token()[..22].to_owned()
}

/// Creates the demo practice in an empty database and returns its accounts.
pub async fn seed(state: &AppState) -> Result<Vec<DemoAccount>, DemoError> {
    let now = state.clock.now();
    let mut accounts = Vec::new();
    let mut ids: Vec<(&str, UserId, Role, &str)> = Vec::new();
    for p in PEOPLE {
        let id = UserId(Uuid::new_v4());
        let password = fresh_password();
        let totp_secret = p.role.is_staff().then(totp::generate_secret);
        let row = id.to_string();
        let totp_sealed = totp_secret.as_ref().map(|s| {
            state.keys.master().seal(
                &Aad {
                    table: "users",
                    column: "totp_sealed",
                    row: &row,
                    key_version: 0,
                },
                s.as_bytes(),
            )
        });
        let email: Email = p
            .email
            .parse()
            .map_err(|e| DemoError::Other(format!("{e}")))?;
        state
            .store
            .create_user(&NewUser {
                id,
                email,
                name: p.name.into(),
                role: p.role,
                password_hash: state.passwords.hash(&password),
                totp_sealed,
                slug: p.slug.map(Into::into),
                credentials: p.credentials.map(Into::into),
                created_at: now,
            })
            .await?;
        ids.push((p.email, id, p.role, p.name));
        accounts.push(DemoAccount {
            role: p.role,
            name: p.name.into(),
            email: p.email.into(),
            password,
            totp_secret,
        });
    }
    let id_of = |email: &str| {
        ids.iter()
            .find(|(e, ..)| *e == email)
            .map(|(_, id, ..)| *id)
            .expect("demo people are listed")
    };

    // Credentials in the contract's file format; the admin has checked Dana's Massachusetts licence.
    for (email, doc) in CREDENTIALS {
        state
            .store
            .put_credentials(&CredentialsDoc {
                clinician_id: id_of(email),
                document: (*doc).to_owned(),
                updated_at: now,
                updated_by: id_of(email),
            })
            .await?;
    }
    state
        .store
        .add_verification(&Verification {
            id: Uuid::new_v4(),
            clinician_id: id_of("dana.whitfield@alcove-demo.example"),
            credential: "license US-MA 123456".into(),
            verified_by: id_of("priya.natarajan@alcove-demo.example"),
            verified_at: now,
            method: "Board website lookup (Massachusetts Board of Registration of Social Workers)"
                .into(),
            note: "Active, no discipline on record".into(),
        })
        .await?;

    // Maria supervises Dana.
    state
        .store
        .add_supervision(
            id_of("maria.alvarez@alcove-demo.example"),
            id_of("dana.whitfield@alcove-demo.example"),
        )
        .await?;

    for (n, (client_email, home, clinician_email)) in CLIENTS.iter().enumerate() {
        let client = ClientId(Uuid::new_v4());
        let user = id_of(client_email);
        state
            .store
            .create_client(&NewClient {
                id: client,
                user_id: user,
                home_jurisdiction: home.parse().map_err(|e| DemoError::Other(format!("{e}")))?,
                created_at: now,
            })
            .await?;
        state.keys.create_client_key(client).await?;
        let clinician = id_of(clinician_email);
        state
            .store
            .add_to_care_team(client, clinician, CareRole::Primary, now)
            .await?;
        state
            .audit
            .record(
                By::System,
                "record.created",
                Some(client),
                &format!("client:{client}"),
            )
            .await?;

        let (_, messages) = THREADS
            .iter()
            .find(|(e, _)| e == client_email)
            .expect("every demo client has a thread");
        let thread = ThreadId(Uuid::new_v4());
        let started = now - Duration::days(6 - n as i64);
        state
            .store
            .create_thread(&NewThread {
                id: thread,
                client_id: client,
                created_at: started,
            })
            .await?;
        for (i, (from_client, text)) in messages.iter().enumerate() {
            let id = MessageId(Uuid::new_v4());
            let row = id.to_string();
            let body = state
                .keys
                .seal(client, body_place(&row), text.as_bytes())
                .await?;
            let sender = if *from_client { user } else { clinician };
            state
                .store
                .append_message(&NewMessage {
                    id,
                    thread_id: thread,
                    sender_id: sender,
                    sent_at: started + Duration::hours(3 * i as i64 + 1),
                    body,
                })
                .await?;
        }
    }
    Ok(accounts)
}

/// Writes `DIR/demo-accounts.json` (owner-readable only: it holds passwords).
pub fn write_accounts(dir: &Path, accounts: &[DemoAccount]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(ACCOUNTS_FILE);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(
        serde_json::to_string_pretty(accounts)
            .map_err(std::io::Error::other)?
            .as_bytes(),
    )?;
    f.sync_all()
}

pub fn read_accounts(dir: &Path) -> std::io::Result<Vec<DemoAccount>> {
    let s = std::fs::read_to_string(dir.join(ACCOUNTS_FILE))?;
    serde_json::from_str(&s).map_err(std::io::Error::other)
}
