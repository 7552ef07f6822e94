//! Crisis language in a client's message: `none`, `concern` or `acute`, with the phrases that
//! matched and a plain account of every decision.
//!
//! The result never blocks or delays a message; it decides whether the client sees the crisis
//! panel at once and the clinician gets an urgent flag (`concern` and `acute`), and whether an
//! out-of-hours covering clinician is notified too (`acute`).
//!
//! # How a message is read
//!
//! 1. **Tokens.** The text is lower-cased, accents are folded (`morir` = `morír`), apostrophes
//!    inside words dropped (`don't` → `dont`); sentences, punctuation groups and quotations are
//!    recorded ([`text`]).
//! 2. **Patterns.** Every pattern of every language — entries, idioms and context cues — is
//!    tried at each token, found through an index on its first word ([`pattern`]).
//! 3. **Context.** Each entry that matched is checked against its context; each check that
//!    applies multiplies its weight by a discount factor from `weights.json`, and says so:
//!    - *negation* before it in the same clause ("I would **never** hurt myself", "**no**
//!      quiero morir"), in a gap inside it, or just after it ("suicidal thoughts: **none**");
//!      "not sure", "don't know", "not okay" and the like do not negate. *Inverted* entries
//!      count only when negated ("I **don't** want to live");
//!    - *idiom*: the phrase overlaps a figure of speech ("this homework is killing me", "me
//!      muero de risa", "I want to die of embarrassment");
//!    - *quotation*: wholly inside quotation marks (a title, a lyric, someone's words), unless
//!      the client introduces it as their own thought ("I keep thinking \"...\"");
//!    - *media*: the clause is about a film, book, song, show or game;
//!    - *third party*: the phrase is about someone else ("he **wants** to die", "mi amiga dice
//!      que **se** quiere morir"), judged by the words of the phrase and its nearest subject;
//!    - *past*: the clause is distanced in time ("two years ago", "I used to", "cuando era
//!      adolescente") — unless the sentence brings it back ("again", "lately", "otra vez");
//!    - *accident*: "by accident", "sin querer".
//! 4. **Amplifiers.** Means ("pills", "a gun") and timelines ("tonight") count only next to a
//!    core match (ideation, intent, plan, self-harm, harm to others, abuse, danger at home) in
//!    the same or a neighbouring sentence, or when several kinds of amplifier occur together.
//! 5. **Score.** Per category, the strongest match plus a share of the others; summed. The
//!    combination rules (ideation with a plan, means, timeline or intent; harm to others with
//!    means; abuse with a weapon or tonight; ...) raise the level to `acute` and add a bonus.
//!    The thresholds turn the score into a level.

mod analyse;
mod lexicon;
mod pattern;
mod text;

use serde::{Deserialize, Serialize};

pub use lexicon::{Lexicon, LexiconError, Source};

/// How urgent a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    None,
    Concern,
    Acute,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Concern => "concern",
            Level::Acute => "acute",
        }
    }
}

/// What a phrase is evidence of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Ideation,
    Plan,
    Means,
    Intent,
    Timeline,
    SelfHarm,
    HarmToOthers,
    Abuse,
    DangerAtHome,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Ideation,
        Category::Plan,
        Category::Means,
        Category::Intent,
        Category::Timeline,
        Category::SelfHarm,
        Category::HarmToOthers,
        Category::Abuse,
        Category::DangerAtHome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Ideation => "ideation",
            Category::Plan => "plan",
            Category::Means => "means",
            Category::Intent => "intent",
            Category::Timeline => "timeline",
            Category::SelfHarm => "self_harm",
            Category::HarmToOthers => "harm_to_others",
            Category::Abuse => "abuse",
            Category::DangerAtHome => "danger_at_home",
        }
    }
}

/// A phrase of the message that counted towards the score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The words as the client wrote them.
    pub phrase: String,
    pub category: Category,
    /// The weight it counted with, after any discount.
    pub weight: f64,
    /// The lexicon's note on the entry.
    pub note: String,
}

/// The classifier's decision on one message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    pub level: Level,
    pub score: f64,
    pub matched: Vec<Match>,
    /// One line per decision: what matched, what was discounted and why, which combination
    /// applied, and how the score became the level.
    pub explanation: Vec<String>,
}

/// Classify one message.
pub fn classify(text: &str, lexicon: &Lexicon) -> Assessment {
    analyse::classify(text, lexicon)
}

/// One line of `alcove risk-scan`: `{"level":...,"score":...,"matched":[...phrases...]}`.
pub fn scan_line(line: &str, lexicon: &Lexicon) -> serde_json::Value {
    let a = classify(line, lexicon);
    let mut phrases: Vec<String> = Vec::with_capacity(a.matched.len());
    for m in a.matched {
        if !phrases.contains(&m.phrase) {
            phrases.push(m.phrase);
        }
    }
    serde_json::json!({
        "level": a.level.as_str(),
        "score": a.score,
        "matched": phrases,
    })
}
