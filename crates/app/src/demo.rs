//! The demo practice: deterministic people and conversations, fresh secrets for every data dir.
//! A group practice in three US states, and one client in a state where no clinician is licensed.

use std::path::Path;

use alcove_crypto::envelope::Aad;
use alcove_crypto::{token, totp};
use alcove_domain::encounter::{BlockForm, EncounterPlan, PlanForm};
use alcove_domain::liability::{CoverForm, LiabilityCover};
use alcove_domain::listings::Listing;
use alcove_domain::policy::{PolicyText, SOCIAL_MEDIA_TEMPLATE};
use alcove_domain::profile::Profile;
use alcove_domain::{ClientId, Email, MessageId, Role, ThreadId, UserId};
use alcove_store::{
    CareRole, CredentialsDoc, DocKind, NewClient, NewMessage, NewThread, NewUser, Owner,
    StoreError, Verification,
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
    #[error(transparent)]
    Docs(#[from] alcove_web::services::DocError),
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
    // Samuel's group (with Riley): ready for online sessions, so a group of four can meet now.
    Person {
        role: Role::Client,
        name: "Taylor Brooks",
        email: "taylor.brooks@alcove-demo.example",
        slug: None,
        credentials: None,
    },
    Person {
        role: Role::Client,
        name: "Noor Haddad",
        email: "noor.haddad@alcove-demo.example",
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
    (
        "taylor.brooks@alcove-demo.example",
        "US-PA",
        "samuel.okafor@alcove-demo.example",
    ),
    (
        "noor.haddad@alcove-demo.example",
        "US-PA",
        "samuel.okafor@alcove-demo.example",
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

/// Each clinician's professional liability cover (seed 000). Dana's policy names telehealth
/// and both her states; Samuel's does not say whether it covers telehealth, so his register
/// shows what to take up with the agency.
const COVERS: &[(&str, CoverForm<'static>)] = &[
    (
        "dana.whitfield@alcove-demo.example",
        CoverForm {
            insurer: "Harbor Mutual Professional Liability",
            policy_number: "HM-PL-448812",
            telehealth: "yes",
            jurisdictions: "US-MA, US-NY",
            per_claim_limit: "$1,000,000",
            aggregate_limit: "$3,000,000",
            starts: "2026-04-01",
            expires: "2028-03-31",
        },
    ),
    (
        "samuel.okafor@alcove-demo.example",
        CoverForm {
            insurer: "Keystone Professional Insurance",
            policy_number: "KPI-77031",
            telehealth: "not_stated",
            jurisdictions: "US-PA",
            per_claim_limit: "$1,000,000",
            aggregate_limit: "",
            starts: "2026-03-01",
            expires: "2028-02-29",
        },
    ),
];

/// Each clinician's public profile, as stored (`domain::profile::Profile`).
const PROFILES: &[(&str, &str)] = &[
    (
        "dana.whitfield@alcove-demo.example",
        r#"{"address":"Alcove Demo Practice\n100 Harbor Street, Suite 4\nBoston, MA 02110",
        "phone":"+1 617 555 0142","email":"dana.whitfield@alcove-demo.example",
        "services":[{"service":"individual_therapy","training":"MSW (Simmons, 2012); CBT certificate (Beck Institute, 2016)"},
                    {"service":"couples_therapy","training":"Gottman Method Level 2 (2019)"}],
        "languages":["en","es"],
        "alternate_contact":"If our video drops, I call you within two minutes at the number you confirmed at check-in. If you cannot reach me, call the practice line, +1 617 555 0100.",
        "practice_jurisdiction":"US-MA"}"#,
    ),
    (
        "samuel.okafor@alcove-demo.example",
        r#"{"address":"Alcove Demo Practice\n22 Walnut Street\nPhiladelphia, PA 19106",
        "phone":"+1 215 555 0177","email":"samuel.okafor@alcove-demo.example",
        "services":[{"service":"individual_therapy","training":"PsyD (2010); APA-accredited internship"},
                    {"service":"psychological_assessment","training":"Doctoral training in assessment; ADOS-2 certified (2018)"}],
        "languages":["en"],
        "alternate_contact":"If the connection fails I will phone you at the number you confirmed; if that fails too, I will write in the portal to rebook.",
        "practice_jurisdiction":"US-PA"}"#,
    ),
];

/// (site, address, what it shows, whose (clinician email) or the practice's, days since checked).
const LISTINGS: &[(&str, &str, &str, Option<&str>, i64)] = &[
    (
        "Psychology Today",
        "https://www.psychologytoday.com/us/therapists/dana-whitfield-demo",
        "photo, phone, fees, specialties",
        Some("dana.whitfield@alcove-demo.example"),
        30,
    ),
    (
        "Local business directory",
        "https://directory.example.org/alcove-demo-practice",
        "address, phone, star ratings and reviews",
        None,
        220,
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
    ("taylor.brooks@alcove-demo.example", &[
        (false, "Hi Taylor, welcome to the group. We meet by video; please join from somewhere private."),
    ]),
    ("noor.haddad@alcove-demo.example", &[
        (false, "Hi Noor, welcome to the group. The link to join is on your sessions page."),
        (true, "Thank you, see you there."),
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

    // Public profiles (Standard 6): contact, services within scope, languages, fallback.
    for (email, profile) in PROFILES {
        let id = id_of(email);
        state
            .docs
            .save(
                DocKind::ClinicianProfile,
                Owner::User(id),
                "profile",
                0,
                &serde_json::from_str::<Profile>(profile)
                    .map_err(|e| DemoError::Other(format!("demo profile: {e}")))?,
                Some(id),
            )
            .await?;
    }

    // Professional liability cover, in the credentials register beside the licences.
    for (email, form) in COVERS {
        let id = id_of(email);
        let cover = LiabilityCover::parse(form)
            .map_err(|e| DemoError::Other(format!("demo liability cover: {e:?}")))?;
        state
            .docs
            .save(
                DocKind::LiabilityCover,
                Owner::User(id),
                alcove_web::licensure::liability::COVER_KEY,
                0,
                &cover,
                Some(id),
            )
            .await?;
    }

    // Online listings: one checked recently, one overdue (it shows on the dashboards).
    let today = now.date_naive();
    for (site, url, shows, whose, checked_days_ago) in LISTINGS {
        let mut listing = Listing::parse(site, url, shows, whose.map(id_of), "6", whose.is_none())
            .map_err(|e| DemoError::Other(format!("demo listing: {e:?}")))?;
        let on = today - Duration::days(*checked_days_ago);
        listing
            .reviewed(
                on,
                today,
                id_of("priya.natarajan@alcove-demo.example"),
                true,
                None,
                "",
            )
            .map_err(|e| DemoError::Other(format!("demo listing: {e}")))?;
        state
            .docs
            .save(
                DocKind::Listing,
                Owner::Practice,
                &Uuid::new_v4().to_string(),
                0,
                &listing,
                Some(id_of("priya.natarajan@alcove-demo.example")),
            )
            .await?;
    }

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
    seed_seed001(state, &id_of).await?;
    alcove_web::onboarding::identity::seed_demo(state, CLIENTS.iter().map(|c| c.0), now).await?;
    alcove_web::onboarding::emergency::seed_demo(state)
        .await
        .map_err(DemoError::Other)?;
    alcove_web::onboarding::screening::seed_demo(state)
        .await
        .map_err(DemoError::Other)?;
    alcove_web::onboarding::intake::seed_demo(state)
        .await
        .map_err(DemoError::Other)?;
    alcove_web::onboarding::consent::seed_demo(state)
        .await
        .map_err(|e| DemoError::Other(format!("onboarding: {e:?}")))?;
    // Issue 6: the clinicians' bookable hours and session types.
    alcove_web::scheduling::settings::seed_demo(state)
        .await
        .map_err(DemoError::Other)?;
    // Issue 6: Alex's session with Dana starting now, Casey's (refused at check-in: Dana is
    // not licensed in California), Dana's group later in the day and Samuel's group of three
    // ready clients starting now.
    alcove_web::sessions::seed_demo_sessions(state)
        .await
        .map_err(DemoError::Other)?;
    Ok(accounts)
}

/// Seed 001 in the demo: the practice's social-media policy, version 1, published by the
/// admin; and the online encounter plan Dana agreed with Alex. Nobody has acknowledged the
/// policy or signed a Request for Electronic Data Transmission yet, so the client pages start
/// from "please acknowledge" and "portal only".
async fn seed_seed001(state: &AppState, id_of: &impl Fn(&str) -> UserId) -> Result<(), DemoError> {
    let admin = id_of("priya.natarajan@alcove-demo.example");
    let text = PolicyText::parse(SOCIAL_MEDIA_TEMPLATE, "First version.")
        .map_err(|e| DemoError::Other(format!("social-media policy: {e}")))?;
    alcove_web::policies::publish_social_media(state, 0, &text, By::User(admin, Role::Admin))
        .await
        .map_err(|e| DemoError::Other(format!("social-media policy: {e}")))?;

    let dana = id_of("dana.whitfield@alcove-demo.example");
    let alex = state
        .store
        .client_by_user(id_of("alex.rivera@alcove-demo.example"))
        .await?
        .ok_or_else(|| DemoError::Other("Alex Rivera has no record".into()))?;
    let today = state.clock.now().date_naive();
    let done = today.to_string();
    let review = (today + Duration::days(90)).to_string();
    let plan = EncounterPlan::parse(
        &PlanForm {
            platforms: vec!["instagram", "nextdoor", "other"],
            other_platforms: "the climbing gym's members' group chat",
            responses: vec![
                "clinician_does_not_interact",
                "clinician_does_not_identify",
                "client_may_raise_in_session",
                "client_may_use_contact_form",
            ],
            other_response: "",
            blocks: vec![BlockForm {
                who: "both",
                platform: "instagram",
                done_on: &done,
            }],
            review_on: &review,
            notes: "Alex and Dana both belong to the climbing gym's group chat; Dana has muted it and does not post there.",
        },
        today,
    )
    .map_err(|e| DemoError::Other(format!("encounter plan: {e}")))?;
    state
        .docs
        .save(
            DocKind::EncounterPlan,
            Owner::Client(alex.id),
            alcove_web::encounter::KEY,
            0,
            &plan,
            Some(dana),
        )
        .await
        .map_err(|e| DemoError::Other(format!("encounter plan: {e}")))?;
    state
        .audit
        .record(
            By::User(dana, Role::Clinician),
            "encounter_plan.changed",
            Some(alex.id),
            &format!("encounter_plan:{}:v1", alex.id),
        )
        .await?;
    Ok(())
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
