//! The lexicon and the weights: data files, parsed and checked once at start-up.
//!
//! `data/risk/weights.json` holds the thresholds, the weight and behaviour of each category,
//! the discount factors, the context windows and the combination rules.
//! `data/risk/lexicon.<lang>.json` holds, per language, the word classes, the context cues
//! (negation, past, media, ...), the entries (pattern, category, weight, note) and the idioms.
//! Every file names its `source` and `as_of` date. Anything malformed is an error that names
//! the file and the entry, never a silent skip.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::pattern::{normalise_alt, Classes, FnvBuild, Pattern, Vocab};
use super::{Category, Level};

/// At most this many languages (each per-language cue takes one bit per language).
pub(crate) const MAX_LANGS: usize = 4;

/// Context cues found in the text. The first seven are grammar and are read per language
/// (Spanish `he` is "I have", English `he` is someone else); the rest are read in any language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cue {
    Negation = 0,
    PseudoNegation,
    PostNegation,
    FirstPerson,
    ThirdPerson,
    SubjectPronoun,
    /// Words a negation reaches across without using up its window: "not having any
    /// *thoughts of* hurting myself".
    NegationBridge,
    Past,
    Recurrence,
    Media,
    Thought,
    Accident,
    ClauseBreak,
    SoftBreak,
}

const PER_LANGUAGE: usize = 7;

impl Cue {
    pub fn bit(self, lang: u8) -> u64 {
        let k = self as usize;
        if k < PER_LANGUAGE {
            1 << (k * MAX_LANGS + usize::from(lang))
        } else {
            1 << (PER_LANGUAGE * MAX_LANGS + (k - PER_LANGUAGE))
        }
    }

    /// The bits of this cue in every language.
    pub fn any(self) -> u64 {
        (0..MAX_LANGS as u8).fold(0, |m, l| m | self.bit(l))
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Owner {
    Entry(u32),
    Idiom(u32),
    Cue(Cue, u8),
}

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub category: Category,
    pub weight: f64,
    pub note: String,
    /// Counts only when negated ("I don't want to *live*").
    pub inverted: bool,
    /// Counts only next to a core match (or a quorum of amplifiers).
    pub amplifier: bool,
    pub lang: u8,
}

#[derive(Clone, Debug)]
pub(crate) struct Idiom {
    pub note: String,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Thresholds {
    pub concern: f64,
    pub acute: f64,
}

/// Whose risk a category is about, and so what a third-party subject means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SubjectCheck {
    /// The writer's own risk: a third-person word in the phrase or as its nearest subject
    /// ("my friend's brother said he *wants to die*") makes it someone else's.
    Speaker,
    /// The writer as the actor (harm to others): only the nearest subject before counts.
    Actor,
    /// Not checked (abuse and danger are done to the writer by someone else).
    None,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CategoryConf {
    pub weight: f64,
    pub amplifier: bool,
    pub subject: SubjectCheck,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Discounts {
    pub negated: f64,
    pub idiom: f64,
    pub quoted: f64,
    pub media: f64,
    pub third_party: f64,
    pub past: f64,
    pub accident: f64,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Windows {
    pub negation_tokens: usize,
    pub post_negation_tokens: usize,
    pub subject_tokens: usize,
    pub quote_intro_tokens: usize,
    pub soft_break_lookahead: usize,
    pub amplifier_sentences: u32,
    pub amplifier_quorum: usize,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Combination {
    pub name: String,
    pub when_any: Vec<Category>,
    pub min_weight: f64,
    pub with_any: Vec<Category>,
    pub with_min_weight: f64,
    pub level: Level,
    pub bonus: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightsFile {
    source: String,
    as_of: String,
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
    thresholds: Thresholds,
    secondary_share: f64,
    categories: BTreeMap<Category, CategoryConf>,
    discounts: Discounts,
    windows: Windows,
    combinations: Vec<Combination>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CueLists {
    negation: Vec<String>,
    pseudo_negation: Vec<String>,
    post_negation: Vec<String>,
    first_person: Vec<String>,
    third_person: Vec<String>,
    subject_pronoun: Vec<String>,
    negation_bridge: Vec<String>,
    past: Vec<String>,
    recurrence: Vec<String>,
    media: Vec<String>,
    thought: Vec<String>,
    accident: Vec<String>,
    clause_break: Vec<String>,
    soft_break: Vec<String>,
}

impl CueLists {
    fn lists(&self) -> [(Cue, &'static str, &Vec<String>); 14] {
        [
            (Cue::Negation, "negation", &self.negation),
            (
                Cue::PseudoNegation,
                "pseudo_negation",
                &self.pseudo_negation,
            ),
            (Cue::PostNegation, "post_negation", &self.post_negation),
            (Cue::FirstPerson, "first_person", &self.first_person),
            (Cue::ThirdPerson, "third_person", &self.third_person),
            (
                Cue::SubjectPronoun,
                "subject_pronoun",
                &self.subject_pronoun,
            ),
            (
                Cue::NegationBridge,
                "negation_bridge",
                &self.negation_bridge,
            ),
            (Cue::Past, "past", &self.past),
            (Cue::Recurrence, "recurrence", &self.recurrence),
            (Cue::Media, "media", &self.media),
            (Cue::Thought, "thought", &self.thought),
            (Cue::Accident, "accident", &self.accident),
            (Cue::ClauseBreak, "clause_break", &self.clause_break),
            (Cue::SoftBreak, "soft_break", &self.soft_break),
        ]
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    pattern: String,
    category: Category,
    #[serde(default)]
    weight: Option<f64>,
    note: String,
    #[serde(default)]
    inverted: bool,
    /// Override the category's amplifier setting for this entry.
    #[serde(default)]
    alone: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdiomFile {
    pattern: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    language: String,
    source: String,
    as_of: String,
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
    classes: BTreeMap<String, Vec<String>>,
    cues: CueLists,
    entries: Vec<EntryFile>,
    idioms: Vec<IdiomFile>,
}

/// A data file's provenance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    /// The language of a lexicon file; `None` for the weights.
    pub language: Option<String>,
    pub source: String,
    pub as_of: String,
}

/// A data file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}: not a valid risk data file: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

fn invalid(file: &str, message: impl Into<String>) -> LexiconError {
    LexiconError::Invalid {
        file: file.to_string(),
        message: message.into(),
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub thresholds: Thresholds,
    pub secondary_share: f64,
    pub categories: [CategoryConf; Category::ALL.len()],
    pub discounts: Discounts,
    pub windows: Windows,
    pub combinations: Vec<Combination>,
}

impl Settings {
    pub fn category(&self, c: Category) -> &CategoryConf {
        &self.categories[c as usize]
    }
}

/// The compiled lexicon: every pattern of every language, indexed by its first word.
#[derive(Clone, Debug)]
pub struct Lexicon {
    pub(crate) vocab: Vocab,
    pub(crate) patterns: Vec<Pattern>,
    pub(crate) owners: Vec<Owner>,
    /// Patterns by the id of their first word.
    pub(crate) starts: Vec<Vec<u32>>,
    /// Patterns whose first word is a prefix, by that prefix.
    pub(crate) prefix_starts: HashMap<Box<str>, Vec<u32>, FnvBuild>,
    /// Shortest and longest first-word prefix, in bytes.
    pub(crate) prefix_lens: (usize, usize),
    pub(crate) entries: Vec<Entry>,
    pub(crate) idioms: Vec<Idiom>,
    pub(crate) settings: Settings,
    sources: Vec<Source>,
}

const WEIGHTS: &str = include_str!("../../../../data/risk/weights.json");
const LEXICON_EN: &str = include_str!("../../../../data/risk/lexicon.en.json");
const LEXICON_ES: &str = include_str!("../../../../data/risk/lexicon.es.json");

fn check_as_of(file: &str, source: &str, as_of: &str) -> Result<(), LexiconError> {
    if source.trim().is_empty() {
        return Err(invalid(
            file,
            "`source` is empty: say where the data comes from",
        ));
    }
    chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d")
        .map_err(|_| invalid(file, format!("`as_of` is `{as_of}`, not a YYYY-MM-DD date")))?;
    Ok(())
}

fn in_range(file: &str, what: &str, x: f64, lo: f64, hi: f64) -> Result<(), LexiconError> {
    if x.is_finite() && x >= lo && x <= hi {
        Ok(())
    } else {
        Err(invalid(
            file,
            format!("{what} is {x}, expected {lo} to {hi}"),
        ))
    }
}

fn parse_weights(file: &str, json: &str) -> Result<(Settings, Source), LexiconError> {
    let w: WeightsFile = serde_json::from_str(json).map_err(|e| LexiconError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    check_as_of(file, &w.source, &w.as_of)?;
    let t = w.thresholds;
    in_range(file, "thresholds.concern", t.concern, 0.01, 100.0)?;
    in_range(file, "thresholds.acute", t.acute, 0.01, 100.0)?;
    if t.concern >= t.acute {
        return Err(invalid(
            file,
            "thresholds.concern must be below thresholds.acute",
        ));
    }
    in_range(file, "secondary_share", w.secondary_share, 0.0, 1.0)?;
    let mut categories = Vec::with_capacity(Category::ALL.len());
    for c in Category::ALL {
        let conf = w
            .categories
            .get(&c)
            .ok_or_else(|| invalid(file, format!("categories.{} is missing", c.as_str())))?;
        in_range(
            file,
            &format!("categories.{}.weight", c.as_str()),
            conf.weight,
            0.01,
            10.0,
        )?;
        categories.push(*conf);
    }
    let d = w.discounts;
    for (name, x) in [
        ("negated", d.negated),
        ("idiom", d.idiom),
        ("quoted", d.quoted),
        ("media", d.media),
        ("third_party", d.third_party),
        ("past", d.past),
        ("accident", d.accident),
    ] {
        in_range(file, &format!("discounts.{name}"), x, 0.0, 1.0)?;
    }
    let win = w.windows;
    for (name, x) in [
        ("negation_tokens", win.negation_tokens),
        ("post_negation_tokens", win.post_negation_tokens),
        ("subject_tokens", win.subject_tokens),
        ("quote_intro_tokens", win.quote_intro_tokens),
        ("soft_break_lookahead", win.soft_break_lookahead),
    ] {
        in_range(file, &format!("windows.{name}"), x as f64, 1.0, 20.0)?;
    }
    in_range(
        file,
        "windows.amplifier_sentences",
        f64::from(win.amplifier_sentences),
        0.0,
        5.0,
    )?;
    in_range(
        file,
        "windows.amplifier_quorum",
        win.amplifier_quorum as f64,
        2.0,
        9.0,
    )?;
    for c in &w.combinations {
        if c.name.trim().is_empty() || c.when_any.is_empty() || c.with_any.is_empty() {
            return Err(invalid(
                file,
                "a combination needs a name, when_any and with_any",
            ));
        }
        if c.when_any.iter().any(|x| c.with_any.contains(x)) {
            return Err(invalid(
                file,
                format!("combination `{}`: when_any and with_any overlap", c.name),
            ));
        }
        in_range(
            file,
            &format!("combination `{}` bonus", c.name),
            c.bonus,
            0.0,
            10.0,
        )?;
        in_range(
            file,
            &format!("combination `{}` min_weight", c.name),
            c.min_weight,
            0.0,
            10.0,
        )?;
        in_range(
            file,
            &format!("combination `{}` with_min_weight", c.name),
            c.with_min_weight,
            0.0,
            10.0,
        )?;
    }
    let settings = Settings {
        thresholds: t,
        secondary_share: w.secondary_share,
        categories: categories.try_into().expect("one per category"),
        discounts: d,
        windows: win,
        combinations: w.combinations,
    };
    let source = Source {
        file: file.to_string(),
        language: None,
        source: w.source,
        as_of: w.as_of,
    };
    Ok((settings, source))
}

impl Lexicon {
    /// The lexicon and weights shipped in `data/risk/`, checked.
    pub fn builtin() -> Result<Lexicon, LexiconError> {
        Lexicon::from_json(
            ("weights.json", WEIGHTS),
            &[
                ("lexicon.en.json", LEXICON_EN),
                ("lexicon.es.json", LEXICON_ES),
            ],
        )
    }

    /// Build a lexicon from the text of a weights file and of one file per language; each
    /// is given with a name for error messages.
    pub fn from_json(
        weights: (&str, &str),
        lexicons: &[(&str, &str)],
    ) -> Result<Lexicon, LexiconError> {
        let (settings, weights_source) = parse_weights(weights.0, weights.1)?;
        if lexicons.is_empty() || lexicons.len() > MAX_LANGS {
            return Err(invalid(
                weights.0,
                format!("between 1 and {MAX_LANGS} lexicon files are needed"),
            ));
        }
        let mut vocab = Vocab::default();
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        let mut entries = Vec::new();
        let mut idioms = Vec::new();
        let mut sources = vec![weights_source];
        let mut languages = HashSet::new();

        for (li, &(file, json)) in lexicons.iter().enumerate() {
            let lang = li as u8;
            let lx: LexiconFile = serde_json::from_str(json).map_err(|e| LexiconError::Parse {
                file: file.to_string(),
                message: e.to_string(),
            })?;
            check_as_of(file, &lx.source, &lx.as_of)?;
            let code = lx.language.trim().to_string();
            if code.is_empty() || !languages.insert(code.clone()) {
                return Err(invalid(
                    file,
                    format!("language `{code}` is empty or repeated"),
                ));
            }

            let mut classes = Classes::new();
            for (name, members) in &lx.classes {
                if members.is_empty() {
                    return Err(invalid(file, format!("class `{name}` is empty")));
                }
                let mut norm = Vec::with_capacity(members.len());
                for m in members {
                    let (w, prefix) = normalise_alt(m)
                        .map_err(|e| invalid(file, format!("class `{name}`: {e}")))?;
                    norm.push(if prefix { format!("{w}*") } else { w });
                }
                classes.insert(name.clone(), norm);
            }

            for (cue, name, list) in lx.cues.lists() {
                if list.is_empty()
                    && matches!(cue, Cue::Negation | Cue::FirstPerson | Cue::ThirdPerson)
                {
                    return Err(invalid(file, format!("cues.{name} is empty")));
                }
                for src in list {
                    let p = Pattern::parse(src, &classes, &mut vocab)
                        .map_err(|e| invalid(file, format!("cues.{name} `{src}`: {e}")))?;
                    patterns.push(p);
                    owners.push(Owner::Cue(cue, lang));
                }
            }

            let mut seen = HashSet::new();
            for e in &lx.entries {
                let p = Pattern::parse(&e.pattern, &classes, &mut vocab)
                    .map_err(|err| invalid(file, format!("entry `{}`: {err}", e.pattern)))?;
                if !seen.insert((e.pattern.clone(), e.category)) {
                    return Err(invalid(
                        file,
                        format!(
                            "entry `{}` ({}) is listed twice",
                            e.pattern,
                            e.category.as_str()
                        ),
                    ));
                }
                if e.note.trim().is_empty() {
                    return Err(invalid(file, format!("entry `{}` has no note", e.pattern)));
                }
                let conf = settings.category(e.category);
                let weight = e.weight.unwrap_or(conf.weight);
                in_range(
                    file,
                    &format!("entry `{}` weight", e.pattern),
                    weight,
                    0.01,
                    10.0,
                )?;
                patterns.push(p);
                owners.push(Owner::Entry(entries.len() as u32));
                entries.push(Entry {
                    category: e.category,
                    weight,
                    note: e.note.clone(),
                    inverted: e.inverted,
                    amplifier: e.alone.map_or(conf.amplifier, |alone| !alone),
                    lang,
                });
            }

            for i in &lx.idioms {
                let p = Pattern::parse(&i.pattern, &classes, &mut vocab)
                    .map_err(|err| invalid(file, format!("idiom `{}`: {err}", i.pattern)))?;
                if i.note.trim().is_empty() {
                    return Err(invalid(file, format!("idiom `{}` has no note", i.pattern)));
                }
                patterns.push(p);
                owners.push(Owner::Idiom(idioms.len() as u32));
                idioms.push(Idiom {
                    note: i.note.clone(),
                });
            }

            sources.push(Source {
                file: file.to_string(),
                language: Some(code),
                source: lx.source,
                as_of: lx.as_of,
            });
        }

        let mut starts = vec![Vec::new(); vocab.len()];
        let mut prefix_starts: HashMap<Box<str>, Vec<u32>, FnvBuild> = HashMap::default();
        for (pi, p) in patterns.iter().enumerate() {
            let first = p.first();
            if first.number {
                return Err(invalid(
                    weights.0,
                    "a pattern cannot start with a number (`#`)".to_string(),
                ));
            }
            for &id in &first.ids {
                starts[id as usize].push(pi as u32);
            }
            for pre in &first.prefixes {
                prefix_starts
                    .entry(pre.clone())
                    .or_default()
                    .push(pi as u32);
            }
        }
        let prefix_lens = prefix_starts.keys().fold((usize::MAX, 0), |(lo, hi), k| {
            (lo.min(k.len()), hi.max(k.len()))
        });
        Ok(Lexicon {
            vocab,
            patterns,
            owners,
            starts,
            prefix_starts,
            prefix_lens,
            entries,
            idioms,
            settings,
            sources,
        })
    }

    /// Where each data file comes from and how current it is.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// How many phrase entries (all languages) the lexicon holds.
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// How many idioms (figures of speech that cancel an entry) the lexicon holds.
    pub fn idiom_count(&self) -> usize {
        self.idioms.len()
    }
}
