//! A client's online encounter plan (seed 001): where the client and clinician might meet
//! unplanned online, what each will do if they do, and who blocks whom where.
//!
//! Seed 001: "Should this occur and I am aware of their presence, I avoid direct interaction
//! with them as I would in a public setting, and try to exit the interaction as quickly as it
//! is feasible", and "I've worked with a client to devise a plan together to limit any
//! unplanned 'virtual' encounters in the future (such as by using the 'block' feature …)".
//! The plan is agreed in session; the clinician records it and the client can read it.

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Where an unplanned online encounter could happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Facebook,
    Instagram,
    Linkedin,
    X,
    Tiktok,
    Reddit,
    Youtube,
    /// Neighbourhood sites: the clinician and client may simply live near each other.
    Nextdoor,
    DatingApps,
    OnlineGames,
    /// Another platform, named in the plan.
    Other,
}

impl Platform {
    pub const ALL: [Platform; 11] = [
        Platform::Facebook,
        Platform::Instagram,
        Platform::Linkedin,
        Platform::X,
        Platform::Tiktok,
        Platform::Reddit,
        Platform::Youtube,
        Platform::Nextdoor,
        Platform::DatingApps,
        Platform::OnlineGames,
        Platform::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Facebook => "facebook",
            Platform::Instagram => "instagram",
            Platform::Linkedin => "linkedin",
            Platform::X => "x",
            Platform::Tiktok => "tiktok",
            Platform::Reddit => "reddit",
            Platform::Youtube => "youtube",
            Platform::Nextdoor => "nextdoor",
            Platform::DatingApps => "dating_apps",
            Platform::OnlineGames => "online_games",
            Platform::Other => "other",
        }
    }
}

impl FromStr for Platform {
    type Err = PlanError;
    fn from_str(s: &str) -> Result<Self, PlanError> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| PlanError::Unknown(s.chars().take(40).collect()))
    }
}

/// What was agreed for the moment an encounter happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// No likes, comments, replies or messages; the clinician leaves as soon as feasible.
    ClinicianDoesNotInteract,
    /// The clinician never acknowledges knowing the client, publicly or to anyone else.
    ClinicianDoesNotIdentify,
    /// The client may bring the encounter, or a reaction to it, to the next session.
    ClientMayRaiseInSession,
    /// The client may raise it anonymously, through the practice's pseudonymous Contact form.
    ClientMayUseContactForm,
}

impl Response {
    pub const ALL: [Response; 4] = [
        Response::ClinicianDoesNotInteract,
        Response::ClinicianDoesNotIdentify,
        Response::ClientMayRaiseInSession,
        Response::ClientMayUseContactForm,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Response::ClinicianDoesNotInteract => "clinician_does_not_interact",
            Response::ClinicianDoesNotIdentify => "clinician_does_not_identify",
            Response::ClientMayRaiseInSession => "client_may_raise_in_session",
            Response::ClientMayUseContactForm => "client_may_use_contact_form",
        }
    }
}

impl FromStr for Response {
    type Err = PlanError;
    fn from_str(s: &str) -> Result<Self, PlanError> {
        Response::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| PlanError::Unknown(s.chars().take(40).collect()))
    }
}

/// Who blocks whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    /// The clinician blocks the client (seed 001: "'blocking' clients if I run across their profiles").
    Clinician,
    /// The client blocks the clinician.
    Client,
    /// Each blocks the other.
    Both,
}

impl Blocker {
    pub const ALL: [Blocker; 3] = [Blocker::Clinician, Blocker::Client, Blocker::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            Blocker::Clinician => "clinician",
            Blocker::Client => "client",
            Blocker::Both => "both",
        }
    }
}

impl FromStr for Blocker {
    type Err = PlanError;
    fn from_str(s: &str) -> Result<Self, PlanError> {
        Blocker::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| PlanError::Unknown(s.chars().take(40).collect()))
    }
}

/// One agreed block: who blocks whom, on which platform, and the day it was done (empty
/// while it is still to do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockStep {
    pub who: Blocker,
    pub platform: Platform,
    pub done_on: Option<NaiveDate>,
}

/// Longest name of another platform.
pub const MAX_OTHER_NAME: usize = 60;
/// How many other platforms a plan may name.
pub const MAX_OTHER_NAMES: usize = 10;
/// Longest free-text agreement and notes.
pub const MAX_TEXT: usize = 2_000;
/// How many block steps a plan may hold.
pub const MAX_BLOCKS: usize = 20;
/// A plan is reviewed at least once a year (seed 001 asks for periodic review of what is
/// online; a plan about it goes stale as platforms and lives change).
pub const MAX_REVIEW_DAYS: u64 = 366;

/// One row of block steps as the form sends it; a row with neither who nor platform is unused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockForm<'a> {
    pub who: &'a str,
    pub platform: &'a str,
    /// `YYYY-MM-DD`, or empty while not yet done.
    pub done_on: &'a str,
}

/// The plan form as a browser sends it: every value a string, untrusted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanForm<'a> {
    pub platforms: Vec<&'a str>,
    /// Other platforms, comma-separated (used when `other` is among `platforms`).
    pub other_platforms: &'a str,
    pub responses: Vec<&'a str>,
    pub other_response: &'a str,
    pub blocks: Vec<BlockForm<'a>>,
    /// `YYYY-MM-DD`.
    pub review_on: &'a str,
    pub notes: &'a str,
}

/// Why a plan was refused; [`PlanError::field`] names the form field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{0:?} is not one of the offered values")]
    Unknown(String),
    #[error("name the other platforms, or untick \"another platform\"")]
    OtherUnnamed,
    #[error("other platforms are named but \"another platform\" is not ticked")]
    OtherNotTicked,
    #[error("each other platform name is at most {MAX_OTHER_NAME} characters, at most {MAX_OTHER_NAMES} names")]
    OtherTooLong,
    #[error("choose at least one agreed response")]
    NoResponse,
    #[error("text is longer than {MAX_TEXT} characters")]
    TextTooLong,
    #[error("text holds control characters")]
    ControlCharacters,
    #[error("block step {row}: choose who blocks and on which platform")]
    BlockIncomplete { row: usize },
    #[error("block step {row}: {platform:?} is not among the plan's platforms")]
    BlockPlatformNotListed { row: usize, platform: Platform },
    #[error("block step {row}: {date:?} is not a date (YYYY-MM-DD)")]
    BlockBadDate { row: usize, date: String },
    #[error("block step {row}: {date} is after today")]
    BlockInTheFuture { row: usize, date: NaiveDate },
    #[error("at most {MAX_BLOCKS} block steps")]
    TooManyBlocks,
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    ReviewBadDate(String),
    #[error("the review date {date} is before today ({today})")]
    ReviewInThePast { date: NaiveDate, today: NaiveDate },
    #[error("the review date {date} is more than a year away (latest {latest})")]
    ReviewTooFar { date: NaiveDate, latest: NaiveDate },
}

impl PlanError {
    pub fn field(&self) -> &'static str {
        match self {
            PlanError::Unknown(_) => "platforms",
            PlanError::OtherUnnamed | PlanError::OtherNotTicked | PlanError::OtherTooLong => {
                "other_platforms"
            }
            PlanError::NoResponse => "responses",
            PlanError::TextTooLong | PlanError::ControlCharacters => "notes",
            PlanError::BlockIncomplete { .. }
            | PlanError::BlockPlatformNotListed { .. }
            | PlanError::BlockBadDate { .. }
            | PlanError::BlockInTheFuture { .. }
            | PlanError::TooManyBlocks => "blocks",
            PlanError::ReviewBadDate(_)
            | PlanError::ReviewInThePast { .. }
            | PlanError::ReviewTooFar { .. } => "review_on",
        }
    }
}

/// The agreed plan. Only [`EncounterPlan::parse`] makes a new one, so a saved plan always
/// names a response, blocks only on platforms it lists, and has a review date within a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncounterPlan {
    platforms: BTreeSet<Platform>,
    other_platforms: Vec<String>,
    responses: BTreeSet<Response>,
    other_response: String,
    blocks: Vec<BlockStep>,
    review_on: NaiveDate,
    notes: String,
}

impl EncounterPlan {
    /// Checks a submitted form against `today` (the day it is saved).
    pub fn parse(form: &PlanForm<'_>, today: NaiveDate) -> Result<EncounterPlan, PlanError> {
        let mut platforms = BTreeSet::new();
        for p in &form.platforms {
            platforms.insert(p.trim().parse::<Platform>()?);
        }
        let other_platforms: Vec<String> = form
            .other_platforms
            .split([',', '\n'])
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .collect();
        if other_platforms.len() > MAX_OTHER_NAMES
            || other_platforms
                .iter()
                .any(|n| n.chars().count() > MAX_OTHER_NAME || n.chars().any(char::is_control))
        {
            return Err(PlanError::OtherTooLong);
        }
        match (
            platforms.contains(&Platform::Other),
            other_platforms.is_empty(),
        ) {
            (true, true) => return Err(PlanError::OtherUnnamed),
            (false, false) => return Err(PlanError::OtherNotTicked),
            _ => {}
        }
        let mut responses = BTreeSet::new();
        for r in &form.responses {
            responses.insert(r.trim().parse::<Response>()?);
        }
        let other_response = text(form.other_response)?;
        if responses.is_empty() && other_response.is_empty() {
            return Err(PlanError::NoResponse);
        }
        let mut blocks = Vec::new();
        for (i, b) in form.blocks.iter().enumerate() {
            let row = i + 1;
            let (who, platform, done) = (b.who.trim(), b.platform.trim(), b.done_on.trim());
            if who.is_empty() && platform.is_empty() && done.is_empty() {
                continue;
            }
            if who.is_empty() || platform.is_empty() {
                return Err(PlanError::BlockIncomplete { row });
            }
            let who: Blocker = who.parse()?;
            let platform: Platform = platform.parse()?;
            if !platforms.contains(&platform) {
                return Err(PlanError::BlockPlatformNotListed { row, platform });
            }
            let done_on = if done.is_empty() {
                None
            } else {
                let d = NaiveDate::parse_from_str(done, "%Y-%m-%d").map_err(|_| {
                    PlanError::BlockBadDate {
                        row,
                        date: done.chars().take(40).collect(),
                    }
                })?;
                if d > today {
                    return Err(PlanError::BlockInTheFuture { row, date: d });
                }
                Some(d)
            };
            blocks.push(BlockStep {
                who,
                platform,
                done_on,
            });
        }
        if blocks.len() > MAX_BLOCKS {
            return Err(PlanError::TooManyBlocks);
        }
        let raw = form.review_on.trim();
        let review_on = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| PlanError::ReviewBadDate(raw.chars().take(40).collect()))?;
        if review_on < today {
            return Err(PlanError::ReviewInThePast {
                date: review_on,
                today,
            });
        }
        let latest = today
            .checked_add_days(Days::new(MAX_REVIEW_DAYS))
            .unwrap_or(today);
        if review_on > latest {
            return Err(PlanError::ReviewTooFar {
                date: review_on,
                latest,
            });
        }
        Ok(EncounterPlan {
            platforms,
            other_platforms,
            responses,
            other_response,
            blocks,
            review_on,
            notes: text(form.notes)?,
        })
    }

    pub fn platforms(&self) -> impl Iterator<Item = Platform> + '_ {
        self.platforms.iter().copied()
    }
    pub fn lists(&self, p: Platform) -> bool {
        self.platforms.contains(&p)
    }
    pub fn other_platforms(&self) -> &[String] {
        &self.other_platforms
    }
    pub fn responses(&self) -> impl Iterator<Item = Response> + '_ {
        self.responses.iter().copied()
    }
    pub fn agrees(&self, r: Response) -> bool {
        self.responses.contains(&r)
    }
    pub fn other_response(&self) -> &str {
        &self.other_response
    }
    pub fn blocks(&self) -> &[BlockStep] {
        &self.blocks
    }
    pub fn review_on(&self) -> NaiveDate {
        self.review_on
    }
    pub fn notes(&self) -> &str {
        &self.notes
    }

    /// The review date has come: the clinician and client should look at the plan again.
    pub fn review_due(&self, today: NaiveDate) -> bool {
        today >= self.review_on
    }
}

/// Free text: trimmed, at most [`MAX_TEXT`] characters, line breaks and tabs allowed.
fn text(raw: &str) -> Result<String, PlanError> {
    let t = raw.trim().replace("\r\n", "\n");
    if t.chars().count() > MAX_TEXT {
        return Err(PlanError::TextTooLong);
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(PlanError::ControlCharacters);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn form() -> PlanForm<'static> {
        PlanForm {
            platforms: vec!["instagram", "other"],
            other_platforms: "Strava, the climbing gym's group chat",
            responses: vec!["clinician_does_not_interact", "client_may_raise_in_session"],
            other_response: "",
            blocks: vec![
                BlockForm {
                    who: "clinician",
                    platform: "instagram",
                    done_on: "2026-11-20",
                },
                BlockForm::default(),
            ],
            review_on: "2027-05-23",
            notes: "Agreed in session.",
        }
    }

    #[test]
    fn a_complete_plan_lists_platforms_responses_blocks_and_review_date() {
        let p = EncounterPlan::parse(&form(), today()).unwrap();
        assert!(p.lists(Platform::Instagram) && p.lists(Platform::Other));
        assert_eq!(
            p.other_platforms(),
            ["Strava", "the climbing gym's group chat"]
        );
        assert!(p.agrees(Response::ClinicianDoesNotInteract));
        assert!(!p.agrees(Response::ClinicianDoesNotIdentify));
        assert_eq!(p.blocks().len(), 1, "the empty row is skipped");
        assert_eq!(p.blocks()[0].who, Blocker::Clinician);
        assert_eq!(p.blocks()[0].done_on, NaiveDate::from_ymd_opt(2026, 11, 20));
        assert_eq!(p.review_on(), NaiveDate::from_ymd_opt(2027, 5, 23).unwrap());
        assert!(!p.review_due(today()));
        assert!(p.review_due(p.review_on()));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<EncounterPlan>(&json).unwrap(), p);
    }

    #[test]
    fn a_block_must_be_on_a_platform_the_plan_lists() {
        let mut f = form();
        f.blocks[0].platform = "facebook";
        assert_eq!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::BlockPlatformNotListed {
                row: 1,
                platform: Platform::Facebook
            })
        );
    }

    #[test]
    fn a_block_cannot_be_done_in_the_future_and_needs_who_and_where() {
        let mut f = form();
        f.blocks[0].done_on = "2026-11-24";
        assert!(matches!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::BlockInTheFuture { row: 1, .. })
        ));
        let mut f = form();
        f.blocks[1].platform = "instagram";
        assert_eq!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::BlockIncomplete { row: 2 })
        );
        let mut f = form();
        f.blocks[0].done_on = "";
        assert_eq!(
            EncounterPlan::parse(&f, today()).unwrap().blocks()[0].done_on,
            None,
            "a block still to do has no date"
        );
    }

    #[test]
    fn other_platforms_are_named_exactly_when_ticked() {
        let mut f = form();
        f.other_platforms = " , ";
        assert_eq!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::OtherUnnamed)
        );
        let mut f = form();
        f.platforms = vec!["instagram"];
        assert_eq!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::OtherNotTicked)
        );
    }

    #[test]
    fn a_plan_needs_a_response_and_a_review_date_within_a_year() {
        let mut f = form();
        f.responses = vec![];
        assert_eq!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::NoResponse)
        );
        f.other_response = "We wave and move on.";
        assert!(EncounterPlan::parse(&f, today()).is_ok());
        for (date, ok) in [
            ("2026-11-22", false),
            ("2026-11-23", true),
            ("2027-11-24", true),
            ("2027-11-25", false),
            ("next spring", false),
            ("", false),
        ] {
            let mut f = form();
            f.review_on = date;
            assert_eq!(
                EncounterPlan::parse(&f, today()).is_ok(),
                ok,
                "review on {date:?}"
            );
        }
    }

    #[test]
    fn unknown_values_and_oversized_text_are_refused() {
        let mut f = form();
        f.platforms.push("myspace");
        assert!(matches!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::Unknown(_))
        ));
        let mut f = form();
        f.responses.push("clinician_comments_politely");
        assert!(matches!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::Unknown(_))
        ));
        let long = "x".repeat(MAX_TEXT + 1);
        let mut f = form();
        f.notes = &long;
        assert_eq!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::TextTooLong)
        );
        let mut f = form();
        f.notes = "bell\u{7}";
        assert_eq!(
            EncounterPlan::parse(&f, today()),
            Err(PlanError::ControlCharacters)
        );
    }
}
