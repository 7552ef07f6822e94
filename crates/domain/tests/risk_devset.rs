//! The labelled development set (`data/risk/devset.jsonl`): acute recall and false alarms.
//!
//! The set is split by a fixed rule: every fifth line (0-based index 4, 9, 14, ...) is the
//! held-out test split, not looked at while the lexicon was tuned; the rest is the tuning
//! split. Both splits' figures are printed (`cargo test -p alcove-domain --test risk_devset --
//! --nocapture`); the misclassified messages are listed for the tuning split only.

use alcove_domain::risk::{classify, Level, Lexicon};
use serde::Deserialize;

const DEVSET: &str = include_str!("../../../data/risk/devset.jsonl");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Example {
    text: String,
    label: Level,
    lang: String,
}

fn examples() -> Vec<Example> {
    DEVSET
        .lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("devset line {}: {e}", i + 1))
        })
        .collect()
}

fn is_test(index: usize) -> bool {
    index % 5 == 4
}

#[derive(Default, Debug, Clone, Copy)]
struct Figures {
    messages: usize,
    acute: usize,
    acute_found: usize,
    flagged_found: usize,
    flagged: usize,
    none: usize,
    false_alarms: usize,
    exact: usize,
}

impl Figures {
    fn add(&mut self, label: Level, got: Level) {
        self.messages += 1;
        self.exact += usize::from(label == got);
        match label {
            Level::Acute => {
                self.acute += 1;
                self.acute_found += usize::from(got == Level::Acute);
            }
            Level::Concern => {}
            Level::None => {
                self.none += 1;
                self.false_alarms += usize::from(got != Level::None);
            }
        }
        if label != Level::None {
            self.flagged += 1;
            self.flagged_found += usize::from(got != Level::None);
        }
    }
    fn acute_recall(&self) -> f64 {
        self.acute_found as f64 / self.acute.max(1) as f64
    }
    fn flag_recall(&self) -> f64 {
        self.flagged_found as f64 / self.flagged.max(1) as f64
    }
    fn false_alarm_rate(&self) -> f64 {
        self.false_alarms as f64 / self.none.max(1) as f64
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<8} {:>3} messages | acute recall {:.3} ({}/{}) | concern-or-acute recall {:.3} ({}/{}) | false alarms {:.3} ({}/{} none flagged) | exact level {:.3}",
            self.messages,
            self.acute_recall(),
            self.acute_found,
            self.acute,
            self.flag_recall(),
            self.flagged_found,
            self.flagged,
            self.false_alarm_rate(),
            self.false_alarms,
            self.none,
            self.exact as f64 / self.messages.max(1) as f64,
        )
    }
}

#[test]
fn the_development_set_is_big_and_varied_enough() {
    let all = examples();
    let count = |f: &dyn Fn(&Example) -> bool| all.iter().filter(|e| f(e)).count();
    assert!(all.len() >= 240, "{} messages", all.len());
    assert!(count(&|e| e.lang == "es") >= 60);
    assert!(count(&|e| e.label == Level::Acute) >= 50);
    assert!(count(&|e| e.label == Level::None) >= 100, "hard negatives");
    assert!(all.iter().all(|e| e.lang == "en" || e.lang == "es"));
    let mut texts: Vec<&str> = all.iter().map(|e| e.text.as_str()).collect();
    texts.sort_unstable();
    let before = texts.len();
    texts.dedup();
    assert_eq!(before, texts.len(), "duplicate messages");
}

#[test]
fn acute_recall_and_false_alarms_on_the_development_set() {
    let lexicon = Lexicon::builtin().expect("the built-in lexicon loads");
    let mut tune = Figures::default();
    let mut test = Figures::default();
    let mut all = Figures::default();
    let mut by_lang = [Figures::default(), Figures::default()];
    let mut misses = Vec::new();
    for (i, ex) in examples().iter().enumerate() {
        let a = classify(&ex.text, &lexicon);
        by_lang[usize::from(ex.lang == "es")].add(ex.label, a.level);
        all.add(ex.label, a.level);
        if is_test(i) {
            test.add(ex.label, a.level);
        } else {
            tune.add(ex.label, a.level);
            if a.level != ex.label {
                misses.push(format!(
                    "  line {:>3} [{}] expected {:<7} got {:<7} {}\n      {}",
                    i + 1,
                    ex.lang,
                    ex.label.as_str(),
                    a.level.as_str(),
                    ex.text,
                    a.explanation.join("\n      ")
                ));
            }
        }
    }
    println!(
        "risk dev set ({} tuning, {} held out):",
        tune.messages, test.messages
    );
    println!("{}", tune.line("tuning"));
    println!("{}", test.line("held-out"));
    println!("{}", all.line("all"));
    println!("{}", by_lang[0].line("en"));
    println!("{}", by_lang[1].line("es"));
    let texts: Vec<String> = examples().into_iter().map(|e| e.text).collect();
    let rounds = 20;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for t in &texts {
            std::hint::black_box(classify(std::hint::black_box(t), &lexicon));
        }
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / (rounds * texts.len()) as f64;
    println!("classification: {micros:.1} µs per message on average (this build's profile)");
    if !misses.is_empty() {
        println!("tuning-split messages at another level ({}):", misses.len());
        for m in &misses {
            println!("{m}");
        }
    }
    assert!(
        tune.acute_recall() >= 0.95,
        "tuning acute recall {}",
        tune.acute_recall()
    );
    assert!(
        tune.false_alarm_rate() <= 0.10,
        "tuning false alarms {}",
        tune.false_alarm_rate()
    );
    assert!(
        all.acute_recall() >= 0.95,
        "acute recall {}",
        all.acute_recall()
    );
    assert!(
        all.false_alarm_rate() <= 0.10,
        "false alarms {}",
        all.false_alarm_rate()
    );
}
