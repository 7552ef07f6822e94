//! From tokens to a decision: pattern matches, context rules, amplifiers, score and level.

use super::lexicon::{Cue, Entry, Lexicon, Owner, SubjectCheck};
use super::text::{tokenise, Tokens, UNKNOWN};
use super::{Assessment, Category, Level, Match};

#[derive(Clone, Copy)]
struct Hit {
    pat: u32,
    start: usize,
    end: usize,
    gaps: u64,
}

#[derive(Clone, Copy)]
struct CueHit {
    cue: Cue,
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    /// Counts with its full weight.
    Counted,
    /// Counts with a reduced weight (possibly zero).
    Discounted,
    /// Part of an idiom: does not count.
    Idiom,
    /// An amplifier with nothing to amplify: does not count.
    Uncounted,
    /// Wholly inside a longer match of another category, which counts for these words.
    Absorbed,
}

struct Eval<'a> {
    /// Index of the entry in the lexicon.
    id: u32,
    entry: &'a Entry,
    start: usize,
    end: usize,
    factor: f64,
    /// Why the weight was reduced.
    reasons: Vec<String>,
    /// Context that was considered and did not reduce the weight.
    remarks: Vec<String>,
    status: Status,
}

impl Eval<'_> {
    fn effective(&self) -> f64 {
        match self.status {
            Status::Counted | Status::Discounted => self.entry.weight * self.factor,
            Status::Idiom | Status::Uncounted | Status::Absorbed => 0.0,
        }
    }

    /// Counted at full weight: evidence that can trigger amplifiers and combinations.
    fn active(&self) -> bool {
        self.status == Status::Counted
    }
}

struct Ctx<'a> {
    lx: &'a Lexicon,
    toks: &'a Tokens,
    text: &'a str,
    flags: Vec<u64>,
    /// Clause id per token (sentence ends, "but", "because", "and I", ...).
    clause: Vec<u32>,
    /// Negation scope per token: a clause, further split by commas and the like.
    scope: Vec<u32>,
    cues: Vec<CueHit>,
    idioms: Vec<(u32, usize, usize)>,
}

/// At most this many further matches of a category add their share.
const SECONDARY_MAX: usize = 3;

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn num(x: f64) -> String {
    format!("{}", round2(x))
}

fn label(c: Category) -> &'static str {
    match c {
        Category::Ideation => "ideation",
        Category::Plan => "plan",
        Category::Means => "means",
        Category::Intent => "intent",
        Category::Timeline => "timeline",
        Category::SelfHarm => "self-harm",
        Category::HarmToOthers => "harm to others",
        Category::Abuse => "abuse",
        Category::DangerAtHome => "danger at home",
    }
}

impl Ctx<'_> {
    fn n(&self) -> usize {
        self.toks.tokens.len()
    }

    fn phrase(&self, start: usize, end: usize) -> &str {
        let t = &self.toks.tokens;
        &self.text[t[start].orig_start as usize..t[end - 1].orig_end as usize]
    }

    fn sentence(&self, i: usize) -> u32 {
        self.toks.tokens[i].sentence
    }

    /// `ambivalence`: for inverted entries, "not sure" and "don't know if" count too
    /// ("not sure I want to live").
    fn is_negator(&self, j: usize, lang: u8, ambivalence: bool) -> bool {
        let f = self.flags[j];
        let pseudo = f & Cue::PseudoNegation.bit(lang) != 0;
        if pseudo && ambivalence {
            return true;
        }
        if f & Cue::Negation.bit(lang) == 0 || pseudo {
            return false;
        }
        // "No I want to die": a "no" followed by a subject is an interjection, not a negation.
        let next = j + 1;
        !(next < self.n()
            && self.sentence(next) == self.sentence(j)
            && self.flags[next] & Cue::SubjectPronoun.bit(lang) != 0
            && self.flags[next] & Cue::Negation.bit(lang) == 0)
    }

    /// A negation in the gaps of the match, before it in the same scope (bridge words such as
    /// "any thoughts of" do not use up the window), or just after it.
    fn negator(&self, hit: &Hit, lang: u8, ambivalence: bool) -> Option<usize> {
        let w = &self.lx.settings.windows;
        for k in 0..(hit.end - hit.start).min(64) {
            if hit.gaps & (1 << k) != 0 && self.is_negator(hit.start + k, lang, ambivalence) {
                return Some(hit.start + k);
            }
        }
        let bridge = Cue::NegationBridge.bit(lang);
        let mut used = 0;
        let mut j = hit.start;
        while j > 0 {
            j -= 1;
            if self.scope[j] != self.scope[hit.start] {
                break;
            }
            if self.is_negator(j, lang, ambivalence) {
                return Some(j);
            }
            if self.flags[j] & bridge == 0 {
                used += 1;
                if used >= w.negation_tokens {
                    break;
                }
            }
        }
        let post = Cue::PostNegation.bit(lang);
        let last = (hit.end + w.post_negation_tokens).min(self.n());
        (hit.end..last)
            .take_while(|&j| self.sentence(j) == self.sentence(hit.start))
            .find(|&j| self.flags[j] & post != 0)
    }

    /// The token that makes this phrase about someone else, if any.
    /// `gaps`: tokens (relative to `start`) that the pattern skipped; they are not its words.
    fn third_party(
        &self,
        start: usize,
        end: usize,
        gaps: u64,
        lang: u8,
        check: SubjectCheck,
    ) -> Option<usize> {
        let first = Cue::FirstPerson.bit(lang);
        let third = Cue::ThirdPerson.bit(lang);
        match check {
            SubjectCheck::None => return None,
            SubjectCheck::Speaker => {
                let mut anchored = false;
                for i in start..end {
                    if i - start < 64 && gaps & (1 << (i - start)) != 0 {
                        continue;
                    }
                    let f = self.flags[i];
                    if f & first != 0 {
                        anchored = true;
                    } else if f & third != 0 {
                        return Some(i);
                    }
                }
                if anchored {
                    return None;
                }
            }
            SubjectCheck::Actor => {}
        }
        let limit = self.lx.settings.windows.subject_tokens;
        let mut j = start;
        while j > 0 {
            j -= 1;
            if start - j > limit || self.clause[j] != self.clause[start] {
                break;
            }
            if self.flags[j] & first != 0 {
                return None;
            }
            if self.flags[j] & third != 0 {
                return Some(j);
            }
        }
        None
    }

    fn cue_in_clause(&self, cue: Cue, at: usize) -> Option<&CueHit> {
        self.cues
            .iter()
            .find(|h| h.cue == cue && self.clause[h.start] == self.clause[at])
    }

    fn cue_in_sentence(&self, cue: Cue, at: usize) -> Option<&CueHit> {
        self.cues
            .iter()
            .find(|h| h.cue == cue && self.sentence(h.start) == self.sentence(at))
    }

    fn quoted(&self, e: &mut Eval) {
        let toks = &self.toks.tokens;
        let q = toks[e.start].quote;
        if q == 0 || !(e.start..e.end).all(|i| toks[i].quote == q) {
            return;
        }
        let (qs, qe) = self.toks.quotes[q as usize - 1];
        let (qs, qe) = (qs as usize, qe as usize);
        if qs == 0 && qe == self.n() {
            e.remarks.push(
                "the whole message is in quotation marks: read as the client's own words".into(),
            );
            return;
        }
        let limit = self.lx.settings.windows.quote_intro_tokens;
        let intro = self.cues.iter().find(|h| {
            h.cue == Cue::Thought
                && h.end <= qs
                && qs - h.end <= limit
                && self.sentence(h.start) == self.sentence(qs)
        });
        if let Some(h) = intro {
            e.remarks.push(format!(
                "in quotation marks, but introduced as the client's own words (“{}”)",
                self.phrase(h.start, h.end)
            ));
        } else {
            e.factor *= self.lx.settings.discounts.quoted;
            e.reasons
                .push("inside quotation marks: a title, a lyric or someone else's words".into());
        }
    }

    fn evaluate(&self, id: u32, hit: &Hit) -> Option<Eval<'_>> {
        let entry = &self.lx.entries[id as usize];
        let s = &self.lx.settings;
        let d = &s.discounts;
        let lang = entry.lang;
        let mut e = Eval {
            id,
            entry,
            start: hit.start,
            end: hit.end,
            factor: 1.0,
            reasons: Vec::new(),
            remarks: Vec::new(),
            status: Status::Counted,
        };
        let neg = self.negator(hit, lang, entry.inverted);
        if entry.inverted {
            // meaningful only when negated: "I don't want to live"
            let j = neg?;
            e.start = e.start.min(j);
            e.end = e.end.max(j + 1);
        } else if let Some(j) = neg {
            e.factor *= d.negated;
            e.reasons
                .push(format!("negated by “{}”", self.phrase(j, j + 1)));
        }

        if let Some(&(idiom, is, ie)) = self
            .idioms
            .iter()
            .find(|&&(_, is, ie)| is < e.end && e.start < ie)
        {
            e.factor *= d.idiom;
            e.reasons.push(format!(
                "part of the idiom “{}” ({})",
                self.phrase(is, ie),
                self.lx.idioms[idiom as usize].note
            ));
            e.status = Status::Idiom;
        }

        self.quoted(&mut e);

        if let Some(h) = self.cue_in_clause(Cue::Media, e.start) {
            e.factor *= d.media;
            e.reasons.push(format!(
                "about a film, book, song, show or game (“{}”)",
                self.phrase(h.start, h.end)
            ));
        }

        let check = s.category(entry.category).subject;
        let gaps = if e.start < hit.start {
            hit.gaps << (hit.start - e.start).min(63)
        } else {
            hit.gaps
        };
        if let Some(j) = self.third_party(e.start, e.end, gaps, lang, check) {
            e.factor *= d.third_party;
            e.reasons
                .push(format!("about someone else (“{}”)", self.phrase(j, j + 1)));
        }

        if let Some(p) = self.cue_in_clause(Cue::Past, e.start) {
            let past = self.phrase(p.start, p.end).to_string();
            if let Some(r) = self.cue_in_sentence(Cue::Recurrence, e.start) {
                e.remarks.push(format!(
                    "told in the past (“{past}”), but “{}” brings it into the present",
                    self.phrase(r.start, r.end)
                ));
            } else {
                e.factor *= d.past;
                e.reasons.push(format!("in the past (“{past}”)"));
            }
        }

        if let Some(h) = self.cue_in_clause(Cue::Accident, e.start) {
            e.factor *= d.accident;
            e.reasons
                .push(format!("accidental (“{}”)", self.phrase(h.start, h.end)));
        }

        if e.status == Status::Counted && e.factor < 1.0 {
            e.status = Status::Discounted;
        }
        Some(e)
    }
}

fn find_hits(lx: &Lexicon, toks: &Tokens) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut tried: Vec<u32> = Vec::new();
    let (lo, hi) = lx.prefix_lens;
    for i in 0..toks.tokens.len() {
        tried.clear();
        let word = toks.tokens[i].word;
        if word != UNKNOWN {
            tried.extend_from_slice(&lx.starts[word as usize]);
        }
        if !lx.prefix_starts.is_empty() {
            let s = toks.text(i);
            for len in lo..=hi.min(s.len()) {
                if s.is_char_boundary(len) {
                    if let Some(ps) = lx.prefix_starts.get(&s[..len]) {
                        tried.extend_from_slice(ps);
                    }
                }
            }
            if tried.len() > 1 {
                tried.sort_unstable();
                tried.dedup();
            }
        }
        for &p in &tried {
            if let Some((end, gaps)) = lx.patterns[p as usize].match_at(toks, i) {
                hits.push(Hit {
                    pat: p,
                    start: i,
                    end,
                    gaps,
                });
            }
        }
    }
    hits
}

pub(crate) fn classify(text: &str, lx: &Lexicon) -> Assessment {
    let toks = tokenise(text, Some(&lx.vocab));
    let n = toks.tokens.len();
    let settings = &lx.settings;
    let hits = find_hits(lx, &toks);

    // context cues → flags per token; entries and idioms set aside
    let mut flags = vec![0u64; n];
    let mut cues = Vec::new();
    let mut idioms = Vec::new();
    let mut entry_hits = Vec::new();
    for h in &hits {
        match lx.owners[h.pat as usize] {
            Owner::Cue(cue, lang) => {
                let bit = cue.bit(lang);
                for f in &mut flags[h.start..h.end] {
                    *f |= bit;
                }
                cues.push(CueHit {
                    cue,
                    start: h.start,
                    end: h.end,
                });
            }
            Owner::Idiom(i) => idioms.push((i, h.start, h.end)),
            Owner::Entry(e) => entry_hits.push((e, *h)),
        }
    }

    // clauses and negation scopes
    let mut clause = vec![0u32; n];
    let mut scope = vec![0u32; n];
    let subject = Cue::SubjectPronoun.any();
    let look = settings.windows.soft_break_lookahead;
    for i in 1..n {
        let t = &toks.tokens;
        let soft = flags[i] & Cue::SoftBreak.any() != 0
            && (i + 1..(i + 1 + look).min(n))
                .take_while(|&j| t[j].sentence == t[i].sentence)
                .any(|j| flags[j] & subject != 0);
        let new_clause = t[i].sentence != t[i - 1].sentence
            || (flags[i] & Cue::ClauseBreak.any() != 0
                && flags[i - 1] & Cue::ClauseBreak.any() == 0)
            || soft;
        clause[i] = clause[i - 1] + u32::from(new_clause);
        scope[i] = scope[i - 1] + u32::from(new_clause || t[i].group != t[i - 1].group);
    }

    let ctx = Ctx {
        lx,
        toks: &toks,
        text,
        flags,
        clause,
        scope,
        cues,
        idioms,
    };

    let evals: Vec<Eval> = entry_hits
        .iter()
        .filter_map(|(e, h)| ctx.evaluate(*e, h))
        .collect();

    // a match inside a longer one of the same category gives way to it: the longer is the
    // more specific reading ("esta mañana" over "mañana", "thinking about suicide" over "suicide")
    let inside = |a: &Eval, b: &Eval| {
        a.entry.category == b.entry.category
            && b.start <= a.start
            && a.end <= b.end
            && b.end - b.start > a.end - a.start
    };
    let keep: Vec<bool> = evals
        .iter()
        .map(|a| !evals.iter().any(|b| inside(a, b)))
        .collect();
    let mut evals: Vec<Eval> = evals
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect();

    // one match per category per stretch of words: keep the strongest
    evals.sort_by(|a, b| {
        b.effective()
            .total_cmp(&a.effective())
            .then(b.entry.weight.total_cmp(&a.entry.weight))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Eval> = Vec::with_capacity(evals.len());
    for e in evals {
        let overlaps = kept
            .iter()
            .any(|k| k.entry.category == e.entry.category && k.start < e.end && e.start < k.end);
        if !overlaps {
            kept.push(e);
        }
    }
    let mut evals = kept;
    evals.sort_by_key(|e| (e.start, e.end));

    // the same words count once: a core match wholly inside a longer match of another category
    // ("kill myself" in "tried to kill myself", "suicide" in "suicide note") gives way to it;
    // amplifiers inside ("tonight" in "coming over tonight to kill me") stay separate evidence
    for i in 0..evals.len() {
        let a = &evals[i];
        if a.entry.amplifier {
            continue;
        }
        let outer = evals.iter().find(|b| {
            b.entry.category != a.entry.category
                && matches!(b.status, Status::Counted | Status::Discounted)
                && b.start <= a.start
                && a.end <= b.end
                && b.end - b.start > a.end - a.start
        });
        if let Some(b) = outer {
            let why = format!(
                "part of “{}” ({}), which counts for these words",
                ctx.phrase(b.start, b.end),
                label(b.entry.category)
            );
            let a = &mut evals[i];
            if matches!(a.status, Status::Counted | Status::Discounted) {
                a.status = Status::Absorbed;
                a.reasons = vec![why];
            }
        }
    }

    // amplifiers need something to amplify
    let win = settings.windows.amplifier_sentences;
    let core_sentences: Vec<u32> = evals
        .iter()
        .filter(|e| e.active() && !e.entry.amplifier)
        .map(|e| ctx.sentence(e.start))
        .collect();
    let mut amp_kinds: Vec<Category> = evals
        .iter()
        .filter(|e| e.active() && e.entry.amplifier)
        .map(|e| e.entry.category)
        .collect();
    amp_kinds.sort();
    amp_kinds.dedup();
    let quorum = amp_kinds.len() >= settings.windows.amplifier_quorum;
    for e in evals.iter_mut().filter(|e| e.entry.amplifier) {
        if matches!(
            e.status,
            Status::Idiom | Status::Uncounted | Status::Absorbed
        ) {
            continue;
        }
        let s = ctx.sentence(e.start);
        let near = core_sentences.iter().any(|&c| c.abs_diff(s) <= win);
        if !near && !quorum {
            e.status = Status::Uncounted;
        } else if !near {
            e.remarks.push(format!(
                "counted because {} kinds of amplifier occur together",
                amp_kinds.len()
            ));
        }
    }

    // score: per category the strongest match plus a share of up to three others; an entry
    // repeated ("I want to die. I want to die.") counts once
    let mut score = 0.0;
    let mut ws: Vec<(f64, u32)> = Vec::new();
    for c in Category::ALL {
        ws.clear();
        ws.extend(
            evals
                .iter()
                .filter(|e| e.entry.category == c && e.effective() > 0.0)
                .map(|e| (e.effective(), e.id)),
        );
        ws.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut seen: Vec<u32> = Vec::with_capacity(ws.len());
        let mut rest = 0.0;
        for &(w, id) in &ws {
            if seen.contains(&id) {
                continue;
            }
            if seen.is_empty() {
                score += w;
            } else if seen.len() <= SECONDARY_MAX {
                rest += w;
            }
            seen.push(id);
        }
        score += settings.secondary_share * rest;
    }

    let mut explanation = Vec::with_capacity(evals.len() + 2);
    for e in &evals {
        let c = e.entry.category;
        let phrase = ctx.phrase(e.start, e.end);
        let mut line = match e.status {
            Status::Counted => format!(
                "“{phrase}”: {}, weight {} ({})",
                label(c),
                num(e.entry.weight),
                e.entry.note
            ),
            Status::Discounted => format!(
                "“{phrase}”: {}, weight {} × {} = {}: {}",
                label(c),
                num(e.entry.weight),
                num(e.factor),
                num(e.effective()),
                e.reasons.join("; ")
            ),
            Status::Idiom | Status::Absorbed => format!(
                "“{phrase}”: {}, not counted: {}",
                label(c),
                e.reasons.join("; ")
            ),
            Status::Uncounted => format!(
                "“{phrase}”: {}, not counted on its own: it adds weight only next to ideation, \
                 intent, a plan, self-harm, harm to others, abuse or danger at home",
                label(c)
            ),
        };
        if !e.remarks.is_empty() {
            line.push_str(" (");
            line.push_str(&e.remarks.join("; "));
            line.push(')');
        }
        explanation.push(line);
    }

    // combinations
    let mut level_floor = Level::None;
    let mut bonus: f64 = 0.0;
    // two separate pieces of evidence: the same words never satisfy both sides of a rule,
    // except a time or a means inside a longer phrase ("coming over *tonight* to kill me")
    let separate = |a: &Eval, b: &Eval| {
        let inside = |x: &Eval, y: &Eval| y.start <= x.start && x.end <= y.end;
        b.end <= a.start
            || a.end <= b.start
            || (b.entry.amplifier && inside(b, a))
            || (a.entry.amplifier && inside(a, b))
    };
    for rule in &settings.combinations {
        let when = |e: &&Eval| {
            e.active()
                && rule.when_any.contains(&e.entry.category)
                && e.entry.weight >= rule.min_weight
        };
        let with = |e: &&Eval| {
            e.active()
                && rule.with_any.contains(&e.entry.category)
                && e.entry.weight >= rule.with_min_weight
        };
        let pair = evals.iter().filter(when).find_map(|a| {
            evals
                .iter()
                .filter(with)
                .find(|b| separate(a, b))
                .map(|b| (a, b))
        });
        if let Some((a, b)) = pair {
            level_floor = level_floor.max(rule.level);
            bonus = bonus.max(rule.bonus);
            explanation.push(format!(
                "{}: “{}” with “{}” → {} (+{})",
                rule.name,
                ctx.phrase(a.start, a.end),
                ctx.phrase(b.start, b.end),
                rule.level.as_str(),
                num(rule.bonus)
            ));
        }
    }
    score = round2(score + bonus);

    let t = settings.thresholds;
    let by_score = if score >= t.acute {
        Level::Acute
    } else if score >= t.concern {
        Level::Concern
    } else {
        Level::None
    };
    let level = by_score.max(level_floor);
    let floor_score = match level {
        Level::Acute => t.acute,
        Level::Concern => t.concern,
        Level::None => 0.0,
    };
    if score < floor_score {
        score = round2(floor_score);
    }
    if evals.is_empty() {
        explanation.push("no crisis language found".into());
    }
    explanation.push(format!(
        "score {} → {} (concern from {}, acute from {})",
        num(score),
        level.as_str(),
        num(t.concern),
        num(t.acute)
    ));

    let matched = evals
        .iter()
        .filter(|e| e.effective() > 0.0)
        .map(|e| Match {
            phrase: ctx.phrase(e.start, e.end).to_string(),
            category: e.entry.category,
            weight: round2(e.effective()),
            note: e.entry.note.clone(),
        })
        .collect();

    Assessment {
        level,
        score,
        matched,
        explanation,
    }
}
