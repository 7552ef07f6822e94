//! Normalisation and tokenisation, written by hand (no regex): one pass over the characters.
//!
//! Words are lower-cased and folded to plain letters (`á` → `a`, `ñ` → `n`), so a client who
//! types without accents matches the same entries as one who types with them; apostrophes
//! inside a word are dropped (`don't` → `dont`, `I'm` → `im`). Each token keeps its byte range
//! in the original text (for the phrases shown to the clinician), its sentence, its
//! punctuation group (commas, colons, brackets and dashes separate groups) and, when it sits
//! between a pair of quotation marks, the quotation it belongs to.

use super::pattern::Vocab;

/// A word that the lexicon does not know.
pub(crate) const UNKNOWN: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    /// Byte range in [`Tokens::norm`].
    pub start: u32,
    pub end: u32,
    /// Byte range in the original text.
    pub orig_start: u32,
    pub orig_end: u32,
    pub sentence: u32,
    /// Punctuation group: a new one starts after `,` `:` `(` `)` `—` and at every sentence.
    pub group: u32,
    /// 0 outside quotation marks, otherwise 1 + the index in [`Tokens::quotes`].
    pub quote: u32,
    /// The lexicon's id for this word, or [`UNKNOWN`].
    pub word: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub norm: String,
    pub tokens: Vec<Token>,
    /// Token ranges (start, end) of closed quotations.
    pub quotes: Vec<(u32, u32)>,
}

impl Tokens {
    pub fn text(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.norm[t.start as usize..t.end as usize]
    }
}

/// Lower-case and fold one character onto plain letters; pushes nothing for combining marks.
pub(crate) fn fold_into(c: char, out: &mut String) {
    for l in c.to_lowercase() {
        let f = match l {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ī' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ō' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ý' | 'ÿ' => 'y',
            other if other.is_alphanumeric() => other,
            _ => continue,
        };
        out.push(f);
    }
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | '´')
}

/// Normalise one lexicon word. `None` unless it is exactly one token.
pub(crate) fn fold_word(word: &str) -> Option<String> {
    let t = tokenise(word, None);
    if t.tokens.len() == 1 {
        Some(t.norm)
    } else {
        None
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Pending {
    None,
    Group,
    Sentence,
}

/// Split `text` into tokens; with a vocabulary, each token also gets its word id.
pub(crate) fn tokenise(text: &str, vocab: Option<&Vocab>) -> Tokens {
    let mut out = Tokens {
        norm: String::with_capacity(text.len()),
        tokens: Vec::with_capacity(text.len() / 4 + 1),
        quotes: Vec::new(),
    };
    // (start in norm, start in original)
    let mut cur: Option<(usize, usize)> = None;
    let mut cur_orig_end = 0usize;
    let mut sentence = 0u32;
    let mut group = 0u32;
    let mut pending = Pending::None;
    let mut open_quote: Option<usize> = None;
    let mut prev = ' ';

    let finish = |out: &mut Tokens,
                  cur: &mut Option<(usize, usize)>,
                  orig_end: usize,
                  sentence: &mut u32,
                  group: &mut u32,
                  pending: &mut Pending| {
        if let Some((ns, os)) = cur.take() {
            if !out.tokens.is_empty() {
                match *pending {
                    Pending::Sentence => {
                        *sentence += 1;
                        *group += 1;
                    }
                    Pending::Group => *group += 1,
                    Pending::None => {}
                }
            }
            *pending = Pending::None;
            let word = vocab
                .and_then(|v| v.get(&out.norm[ns..]).copied())
                .unwrap_or(UNKNOWN);
            out.tokens.push(Token {
                start: ns as u32,
                end: out.norm.len() as u32,
                orig_start: os as u32,
                orig_end: orig_end as u32,
                sentence: *sentence,
                group: *group,
                quote: 0,
                word,
            });
        }
    };

    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        if c.is_alphanumeric() {
            if cur.is_none() {
                cur = Some((out.norm.len(), i));
            }
            fold_into(c, &mut out.norm);
            cur_orig_end = i + c.len_utf8();
        } else if cur.is_some()
            && (is_combining(c)
                || (is_apostrophe(c) && next.is_some_and(char::is_alphabetic))
                || (matches!(c, '.' | ',')
                    && prev.is_ascii_digit()
                    && next.is_some_and(|n| n.is_ascii_digit())))
        {
            // inside a word: a combining accent, an apostrophe (don't), a decimal point (2.5)
            cur_orig_end = i + c.len_utf8();
        } else {
            finish(
                &mut out,
                &mut cur,
                cur_orig_end,
                &mut sentence,
                &mut group,
                &mut pending,
            );
            match c {
                '.' | '!' | '?' | ';' | '…' | '\n' | '\r' => pending = Pending::Sentence,
                ',' | ':' | '(' | ')' | '[' | ']' | '¿' | '¡' | '—' | '–' | '/' | '|'
                    if pending == Pending::None =>
                {
                    pending = Pending::Group;
                }
                // a dash between spaces separates; inside a word ("self-harm") it only splits
                '-' if pending == Pending::None
                    && (prev.is_whitespace() || next.is_none_or(char::is_whitespace)) =>
                {
                    pending = Pending::Group;
                }
                '"' | '“' | '”' | '«' | '»' | '„' => {
                    let opens = match c {
                        '“' | '«' | '„' => true,
                        '”' | '»' => false,
                        _ => open_quote.is_none(),
                    };
                    if opens {
                        if open_quote.is_none() {
                            open_quote = Some(out.tokens.len());
                        }
                    } else if let Some(start) = open_quote.take() {
                        if start < out.tokens.len() {
                            out.quotes.push((start as u32, out.tokens.len() as u32));
                        }
                    }
                }
                _ => {}
            }
        }
        prev = c;
    }
    finish(
        &mut out,
        &mut cur,
        cur_orig_end,
        &mut sentence,
        &mut group,
        &mut pending,
    );
    for (q, &(s, e)) in out.quotes.iter().enumerate() {
        for t in &mut out.tokens[s as usize..e as usize] {
            t.quote = q as u32 + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let t = tokenise(text, None);
        (0..t.tokens.len()).map(|i| t.text(i).to_string()).collect()
    }

    #[test]
    fn apostrophes_join_and_accents_fold() {
        assert_eq!(words("I don’t WANT"), ["i", "dont", "want"]);
        assert_eq!(
            words("Ya no aguanto MÁS, mañana"),
            ["ya", "no", "aguanto", "mas", "manana"]
        );
        // decomposed accent (e + U+0301)
        assert_eq!(words("mori\u{301}r"), ["morir"]);
        assert_eq!(
            words("self-harm 2.5 pills"),
            ["self", "harm", "25", "pills"]
        );
    }

    #[test]
    fn sentences_groups_and_quotes_are_tracked() {
        let t = tokenise("No, I'm fine. She sang \"I want to die\" again", None);
        let s: Vec<u32> = t.tokens.iter().map(|t| t.sentence).collect();
        assert_eq!(s, [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
        assert_ne!(t.tokens[0].group, t.tokens[1].group);
        let q: Vec<u32> = t.tokens.iter().map(|t| t.quote).collect();
        assert_eq!(q, [0, 0, 0, 0, 0, 1, 1, 1, 1, 0]);
        // an unclosed quotation mark quotes nothing
        let t = tokenise("he said \"I want to die", None);
        assert!(t.tokens.iter().all(|t| t.quote == 0));
    }

    #[test]
    fn original_ranges_point_into_the_text() {
        let text = "Quiero  MORÍR hoy";
        let t = tokenise(text, None);
        let tok = t.tokens[1];
        assert_eq!(
            &text[tok.orig_start as usize..tok.orig_end as usize],
            "MORÍR"
        );
    }
}
