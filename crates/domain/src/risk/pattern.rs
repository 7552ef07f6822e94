//! Phrase patterns over tokens: the small language the lexicon files are written in.
//!
//! A pattern is a list of elements separated by spaces:
//!
//! | element   | matches |
//! | --------- | ------- |
//! | `word`    | that word (normalised like the text: lower case, accents folded, no apostrophes) |
//! | `a\|b\|c` | any of these words |
//! | `kill*`   | any word that starts with `kill` (three letters or more before the `*`) |
//! | `<name>`  | any word of the class `name` (classes are word lists in the lexicon file) |
//! | `#`       | a number of two digits or more ("took 30 pills") |
//! | `to?`     | an optional word (alternatives and classes may be optional too) |
//! | `~N`      | up to N words of anything, N from 1 to 6 |
//! | `!a\|b`   | the next word is none of these (or there is no next word); consumes nothing |
//!
//! A pattern starts with a required word, does not end with a gap and never crosses a sentence.
//! Matching tries the shortest gaps first and reports which tokens the gaps skipped, because a
//! negation in a gap ("I will *never* kill myself") still negates.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::text::{fold_word, Tokens, UNKNOWN};

/// FNV-1a: a small, fast hash for short words (no need for DoS resistance on a fixed lexicon).
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

pub(crate) type FnvBuild = BuildHasherDefault<Fnv>;
/// Every literal word of the lexicon, with its id.
pub(crate) type Vocab = HashMap<Box<str>, u32, FnvBuild>;

/// Word classes, already normalised; a member that ends in `*` is a prefix.
pub(crate) type Classes = BTreeMap<String, Vec<String>>;

pub(crate) const MAX_GAP: u8 = 6;
const MIN_PREFIX: usize = 3;

#[derive(Clone, Debug, Default)]
pub(crate) struct WordSet {
    pub ids: Vec<u32>,
    pub prefixes: Vec<Box<str>>,
    /// Also any number of two digits or more.
    pub number: bool,
}

impl WordSet {
    fn matches(&self, toks: &Tokens, i: usize) -> bool {
        let w = toks.tokens[i].word;
        if w != UNKNOWN && self.ids.binary_search(&w).is_ok() {
            return true;
        }
        if self.prefixes.is_empty() && !self.number {
            return false;
        }
        let text = toks.text(i);
        (self.number && text.len() >= 2 && text.bytes().all(|b| b.is_ascii_digit()))
            || self.prefixes.iter().any(|p| text.starts_with(&**p))
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Elem {
    Word(WordSet),
    Opt(WordSet),
    Gap(u8),
    Not(WordSet),
}

#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub elems: Vec<Elem>,
}

pub(crate) fn intern(vocab: &mut Vocab, word: &str) -> u32 {
    if let Some(&id) = vocab.get(word) {
        return id;
    }
    let id = vocab.len() as u32;
    vocab.insert(word.into(), id);
    id
}

/// Normalise a class member or alternative: `Some((word, is_prefix))`.
pub(crate) fn normalise_alt(alt: &str) -> Result<(String, bool), String> {
    let (base, prefix) = match alt.strip_suffix('*') {
        Some(b) => (b, true),
        None => (alt, false),
    };
    let w = fold_word(base).ok_or_else(|| format!("`{alt}` is not a single word"))?;
    if prefix && w.chars().count() < MIN_PREFIX {
        return Err(format!(
            "prefix `{alt}` is too short (at least {MIN_PREFIX} letters)"
        ));
    }
    Ok((w, prefix))
}

fn parse_set(src: &str, classes: &Classes, vocab: &mut Vocab) -> Result<WordSet, String> {
    let mut set = WordSet::default();
    if src.is_empty() {
        return Err("an empty element".into());
    }
    for alt in src.split('|') {
        if alt == "#" {
            set.number = true;
        } else if let Some(name) = alt.strip_prefix('<').and_then(|a| a.strip_suffix('>')) {
            let members = classes
                .get(name)
                .ok_or_else(|| format!("unknown class `<{name}>`"))?;
            for m in members {
                match m.strip_suffix('*') {
                    Some(p) => set.prefixes.push(p.into()),
                    None => set.ids.push(intern(vocab, m)),
                }
            }
        } else {
            let (w, prefix) = normalise_alt(alt)?;
            if prefix {
                set.prefixes.push(w.into());
            } else {
                set.ids.push(intern(vocab, &w));
            }
        }
    }
    set.ids.sort_unstable();
    set.ids.dedup();
    set.prefixes.sort();
    set.prefixes.dedup();
    Ok(set)
}

impl Pattern {
    pub fn parse(src: &str, classes: &Classes, vocab: &mut Vocab) -> Result<Pattern, String> {
        let mut elems = Vec::new();
        for part in src.split_whitespace() {
            let elem = if let Some(n) = part.strip_prefix('~') {
                let n: u8 = n
                    .parse()
                    .map_err(|_| format!("`{part}`: a gap is ~1 to ~{MAX_GAP}"))?;
                if n == 0 || n > MAX_GAP {
                    return Err(format!("`{part}`: a gap is ~1 to ~{MAX_GAP}"));
                }
                if matches!(elems.last(), Some(Elem::Gap(_))) {
                    return Err("two gaps in a row".into());
                }
                Elem::Gap(n)
            } else if let Some(rest) = part.strip_prefix('!') {
                Elem::Not(parse_set(rest, classes, vocab)?)
            } else if let Some(rest) = part.strip_suffix('?') {
                Elem::Opt(parse_set(rest, classes, vocab)?)
            } else {
                Elem::Word(parse_set(part, classes, vocab)?)
            };
            elems.push(elem);
        }
        match elems.first() {
            None => return Err("an empty pattern".into()),
            Some(Elem::Word(_)) => {}
            Some(_) => return Err("a pattern starts with a required word".into()),
        }
        if matches!(elems.last(), Some(Elem::Gap(_))) {
            return Err("a pattern does not end with a gap".into());
        }
        Ok(Pattern { elems })
    }

    pub fn first(&self) -> &WordSet {
        match &self.elems[0] {
            Elem::Word(w) => w,
            _ => unreachable!("checked in parse"),
        }
    }

    /// Match starting at token `start`: the end (exclusive) and a mask of the tokens (relative
    /// to `start`) that gaps skipped.
    pub fn match_at(&self, toks: &Tokens, start: usize) -> Option<(usize, u64)> {
        let sentence = toks.tokens[start].sentence;
        go(&self.elems, toks, start, start, sentence, 0)
    }
}

fn go(
    elems: &[Elem],
    toks: &Tokens,
    ti: usize,
    start: usize,
    sentence: u32,
    gaps: u64,
) -> Option<(usize, u64)> {
    let Some((elem, rest)) = elems.split_first() else {
        return Some((ti, gaps));
    };
    let ok = |i: usize| i < toks.tokens.len() && toks.tokens[i].sentence == sentence;
    match elem {
        Elem::Word(set) => {
            if ok(ti) && set.matches(toks, ti) {
                go(rest, toks, ti + 1, start, sentence, gaps)
            } else {
                None
            }
        }
        Elem::Opt(set) => {
            if ok(ti) && set.matches(toks, ti) {
                if let Some(r) = go(rest, toks, ti + 1, start, sentence, gaps) {
                    return Some(r);
                }
            }
            go(rest, toks, ti, start, sentence, gaps)
        }
        Elem::Gap(n) => {
            let mut mask = gaps;
            for k in 0..=usize::from(*n) {
                if k > 0 {
                    let skipped = ti + k - 1;
                    if !ok(skipped) {
                        break;
                    }
                    if skipped - start < 64 {
                        mask |= 1 << (skipped - start);
                    }
                }
                if let Some(r) = go(rest, toks, ti + k, start, sentence, mask) {
                    return Some(r);
                }
            }
            None
        }
        Elem::Not(set) => {
            if ok(ti) && set.matches(toks, ti) {
                None
            } else {
                go(rest, toks, ti, start, sentence, gaps)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::tokenise;
    use super::*;

    fn compile(src: &str) -> (Pattern, Vocab) {
        let mut classes = Classes::new();
        classes.insert("self".into(), vec!["myself".into(), "herself".into()]);
        let mut vocab = Vocab::default();
        let p = Pattern::parse(src, &classes, &mut vocab).unwrap();
        (p, vocab)
    }

    fn find(src: &str, text: &str) -> Option<(usize, usize, u64)> {
        let (p, vocab) = compile(src);
        let toks = tokenise(text, Some(&vocab));
        (0..toks.tokens.len()).find_map(|s| p.match_at(&toks, s).map(|(e, g)| (s, e, g)))
    }

    #[test]
    fn words_alternatives_prefixes_classes_and_gaps_match() {
        assert_eq!(find("want to? ~1 die", "I want to die"), Some((1, 4, 0)));
        assert_eq!(find("want to? ~1 die", "I wanna die"), None);
        assert_eq!(
            find("want|wanna to? ~1 die", "I wanna just die"),
            Some((1, 4, 0b10))
        );
        assert_eq!(
            find("kill* <self>", "she was killing herself"),
            Some((2, 4, 0))
        );
        assert_eq!(find("end my life !back", "take my life back"), None);
        assert_eq!(
            find("end my life !back", "I will end my life"),
            Some((2, 5, 0))
        );
        assert_eq!(find("cut myself !slack", "cut myself"), Some((0, 2, 0)));
    }

    #[test]
    fn a_pattern_never_crosses_a_sentence() {
        assert_eq!(find("want ~2 die", "I want. To die"), None);
    }

    #[test]
    fn malformed_patterns_are_refused() {
        let classes = Classes::new();
        let mut v = Vocab::default();
        for bad in [
            "",
            "~2 die",
            "die ~2",
            "to? die",
            "a ~1 ~1 b",
            "ki* x",
            "<nope> x",
            "a ~9 b",
        ] {
            assert!(Pattern::parse(bad, &classes, &mut v).is_err(), "{bad}");
        }
    }
}
