//! Practice policies clients read and acknowledge, as versioned plain text (seed 001: the
//! social-media policy).
//!
//! A policy is stored as "markdown-ish" text and shown through [`blocks`], a tiny reader that
//! knows headings, lists and paragraphs and nothing else: no links, no HTML, no emphasis.
//! Whatever the text holds is shown as text (the templates escape it), so an administrator's
//! paste cannot put markup or script into a public page.

use serde::{Deserialize, Serialize};

/// The key of the social-media policy among the practice's policies.
pub const SOCIAL_MEDIA: &str = "social_media";

/// The practice's starting social-media policy, written for Alcove from seed 001 (see
/// `data/policies/README.md`). A practice publishes it as version 1 and edits from there.
pub const SOCIAL_MEDIA_TEMPLATE: &str = include_str!("../../../data/policies/social-media.txt");

/// Longest policy text accepted.
pub const MAX_BODY: usize = 40_000;
/// Longest summary of changes.
pub const MAX_SUMMARY: usize = 300;

/// One version of a policy as stored: the text and what changed from the version before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyText {
    body: String,
    summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the policy text is empty")]
    EmptyBody,
    #[error("the policy text is longer than {MAX_BODY} characters")]
    BodyTooLong,
    #[error("say in a line what changed in this version")]
    EmptySummary,
    #[error("the summary of changes is longer than {MAX_SUMMARY} characters")]
    SummaryTooLong,
    #[error("the text holds control characters")]
    ControlCharacters,
}

impl PolicyError {
    pub fn field(&self) -> &'static str {
        match self {
            PolicyError::EmptyBody | PolicyError::BodyTooLong | PolicyError::ControlCharacters => {
                "body"
            }
            PolicyError::EmptySummary | PolicyError::SummaryTooLong => "summary",
        }
    }
}

impl PolicyText {
    pub fn parse(body: &str, summary: &str) -> Result<PolicyText, PolicyError> {
        let body = body.replace("\r\n", "\n").trim().to_owned();
        if body.is_empty() {
            return Err(PolicyError::EmptyBody);
        }
        if body.chars().count() > MAX_BODY {
            return Err(PolicyError::BodyTooLong);
        }
        if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(PolicyError::ControlCharacters);
        }
        let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
        if summary.is_empty() {
            return Err(PolicyError::EmptySummary);
        }
        if summary.chars().count() > MAX_SUMMARY {
            return Err(PolicyError::SummaryTooLong);
        }
        if summary.chars().any(char::is_control) {
            return Err(PolicyError::ControlCharacters);
        }
        Ok(PolicyText { body, summary })
    }

    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn summary(&self) -> &str {
        &self.summary
    }
}

/// A piece of a policy as shown on a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// `# Title` — a section.
    Heading(String),
    /// `## Title` — a part of a section.
    Subheading(String),
    /// Consecutive `- item` (or `* item`) lines.
    List(Vec<String>),
    /// Consecutive other lines, joined with spaces.
    Paragraph(String),
}

/// Reads policy text into blocks. Blank lines separate paragraphs; a heading line stands alone.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    fn flush(out: &mut Vec<Block>, para: &mut Vec<&str>, list: &mut Vec<String>) {
        if !para.is_empty() {
            out.push(Block::Paragraph(para.join(" ")));
            para.clear();
        }
        if !list.is_empty() {
            out.push(Block::List(std::mem::take(list)));
        }
    }
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut out, &mut para, &mut list);
        } else if let Some(h) = line.strip_prefix("## ") {
            flush(&mut out, &mut para, &mut list);
            out.push(Block::Subheading(h.trim().to_owned()));
        } else if let Some(h) = line.strip_prefix("# ") {
            flush(&mut out, &mut para, &mut list);
            out.push(Block::Heading(h.trim().to_owned()));
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            if !para.is_empty() {
                out.push(Block::Paragraph(para.join(" ")));
                para.clear();
            }
            list.push(item.trim().to_owned());
        } else if !list.is_empty() && raw.starts_with([' ', '\t']) {
            // An indented line continues the list item above it.
            if let Some(last) = list.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        } else {
            if !list.is_empty() {
                out.push(Block::List(std::mem::take(&mut list)));
            }
            para.push(line);
        }
    }
    flush(&mut out, &mut para, &mut list);
    out
}

/// Must this client (still) acknowledge the policy? Yes while a version is published that is
/// newer than the one they last acknowledged: a new version asks again, since what they agreed
/// to has changed.
pub fn needs_acknowledgment(current: Option<i64>, acknowledged: Option<i64>) -> bool {
    match (current, acknowledged) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(c), Some(a)) => a < c,
    }
}

/// A client's acknowledgment: which version of the policy they read and accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgment {
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AcknowledgmentError {
    #[error("there is no published version to acknowledge")]
    NothingPublished,
    /// The client read an older version than the one now published (it changed meanwhile).
    #[error("version {read} is not the current version ({current}); read the current one first")]
    NotCurrent { read: i64, current: i64 },
}

impl Acknowledgment {
    /// Only the current version can be acknowledged: acknowledging a superseded text would
    /// record agreement to something no longer in force.
    pub fn of(read: i64, current: Option<i64>) -> Result<Acknowledgment, AcknowledgmentError> {
        match current {
            None => Err(AcknowledgmentError::NothingPublished),
            Some(c) if c != read => Err(AcknowledgmentError::NotCurrent { read, current: c }),
            Some(_) => Ok(Acknowledgment { version: read }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_paragraphs_are_read_and_nothing_else() {
        let b = blocks(
            "# Our policy\n\nFirst line\nsecond line.\n\n## Part\n- one\n- two\n  continued\nAfter <b>x</b>\n\n\n",
        );
        assert_eq!(
            b,
            vec![
                Block::Heading("Our policy".into()),
                Block::Paragraph("First line second line.".into()),
                Block::Subheading("Part".into()),
                Block::List(vec!["one".into(), "two continued".into()]),
                Block::Paragraph("After <b>x</b>".into()),
            ]
        );
        assert!(blocks("").is_empty());
        assert_eq!(
            blocks("#nospace"),
            vec![Block::Paragraph("#nospace".into())]
        );
    }

    #[test]
    fn a_policy_version_needs_text_and_a_summary_of_changes() {
        assert_eq!(PolicyText::parse("  ", "x"), Err(PolicyError::EmptyBody));
        assert_eq!(
            PolicyText::parse("Text", " "),
            Err(PolicyError::EmptySummary)
        );
        assert_eq!(
            PolicyText::parse(&"a".repeat(MAX_BODY + 1), "x"),
            Err(PolicyError::BodyTooLong)
        );
        assert_eq!(
            PolicyText::parse("a\u{0}b", "x"),
            Err(PolicyError::ControlCharacters)
        );
        let p = PolicyText::parse("# T\r\n\r\nBody\r\n", " First   version ").unwrap();
        assert_eq!(p.body(), "# T\n\nBody");
        assert_eq!(p.summary(), "First version");
    }

    #[test]
    fn acknowledgment_is_asked_again_when_a_new_version_is_published() {
        assert!(!needs_acknowledgment(None, None));
        assert!(needs_acknowledgment(Some(1), None));
        assert!(!needs_acknowledgment(Some(1), Some(1)));
        assert!(needs_acknowledgment(Some(2), Some(1)));
        assert_eq!(
            Acknowledgment::of(1, Some(2)),
            Err(AcknowledgmentError::NotCurrent {
                read: 1,
                current: 2
            })
        );
        assert_eq!(
            Acknowledgment::of(1, None),
            Err(AcknowledgmentError::NothingPublished)
        );
        assert_eq!(
            Acknowledgment::of(2, Some(2)),
            Ok(Acknowledgment { version: 2 })
        );
    }

    /// Seed 001, point by point: each must be in the starting policy, in the practice's words.
    #[test]
    fn social_media_policy_template_covers_every_seed_001_point() {
        let t = SOCIAL_MEDIA_TEMPLATE.to_lowercase();
        let points: &[(&str, &[&str])] = &[
            ("no friending or following clients", &["friend", "follow"]),
            (
                "no interacting with clients' posts",
                &["like, comment", "posts"],
            ),
            ("not looking clients up online", &["search for", "look up"]),
            ("pseudonymous contact form", &["contact form", "pseudonym"]),
            ("encounter plans", &["online encounter plan"]),
            ("blocking", &["block"]),
            ("listings reviewed periodically", &["listings", "review"]),
            (
                "never responding to reviews, and why",
                &["never respond", "review", "confirm"],
            ),
            ("not a request for testimonials", &["testimonial"]),
            (
                "clients' own privacy risks when they post",
                &["your own name", "custody", "employ"],
            ),
            (
                "the Client Request for Electronic Data Transmission",
                &["request for electronic data transmission"],
            ),
            (
                "raising concerns directly",
                &["bring it to a session", "messages"],
            ),
            ("verifying what is found online", &["out of date", "verify"]),
        ];
        for (point, words) in points {
            for w in *words {
                assert!(
                    t.contains(w),
                    "the policy should cover {point}: missing {w:?}"
                );
            }
        }
        let b = blocks(SOCIAL_MEDIA_TEMPLATE);
        assert!(b.iter().filter(|x| matches!(x, Block::Heading(_))).count() >= 5);
        assert!(PolicyText::parse(SOCIAL_MEDIA_TEMPLATE, "First version").is_ok());
    }
}
