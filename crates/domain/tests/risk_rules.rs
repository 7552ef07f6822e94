//! Each handling rule of `domain::risk`, in English and Spanish.

use std::sync::OnceLock;

use alcove_domain::risk::{classify, scan_line, Assessment, Category, Level, Lexicon};

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::builtin().expect("the built-in lexicon loads"))
}

fn assess(text: &str) -> Assessment {
    classify(text, lexicon())
}

#[track_caller]
fn level_is(level: Level, texts: &[&str]) {
    for text in texts {
        let a = assess(text);
        assert_eq!(a.level, level, "{text:?}\n  {}", a.explanation.join("\n  "));
    }
}

fn explained(text: &str, words: &str) -> bool {
    assess(text).explanation.iter().any(|l| l.contains(words))
}

// ---------------------------------------------------------------- plain statements

#[test]
fn a_wish_to_die_is_a_concern_in_english() {
    level_is(
        Level::Concern,
        &[
            "I just want to die",
            "I wish I was dead",
            "Everyone would be better off without me",
            "I've been feeling suicidal",
            "I keep thinking about killing myself",
        ],
    );
}

#[test]
fn a_wish_to_die_is_a_concern_in_spanish() {
    level_is(
        Level::Concern,
        &[
            "Me quiero morir",
            "Quisiera estar muerta",
            "Todos estarían mejor sin mí",
            "Tengo pensamientos suicidas",
            "Pienso en quitarme la vida",
        ],
    );
}

#[test]
fn ordinary_messages_are_not_flagged_in_either_language() {
    level_is(
        Level::None,
        &[
            "Can we move Thursday's session to 5pm?",
            "Thanks for yesterday, I felt lighter after we talked",
            "¿Podemos cambiar la cita al martes?",
            "Gracias por la sesión, me ayudó mucho",
            "",
            "   ",
        ],
    );
}

// ---------------------------------------------------------------- negation

#[test]
fn a_negated_statement_is_not_flagged_in_english() {
    level_is(
        Level::None,
        &[
            "I would never hurt myself",
            "I'm not suicidal, just exhausted",
            "I don't want to die, I want things to get better",
            "I will never kill myself",
            "I'm not going to kill myself, I promise",
        ],
    );
}

#[test]
fn a_negated_statement_is_not_flagged_in_spanish() {
    level_is(
        Level::None,
        &[
            "No quiero morir",
            "Nunca me haría daño",
            "No tengo pensamientos suicidas",
            "No me voy a hacer daño, te lo prometo",
            "Jamás me quitaría la vida",
        ],
    );
}

#[test]
fn the_same_words_without_the_negation_are_flagged() {
    level_is(Level::Concern, &["quiero morir", "I want to hurt myself"]);
    level_is(
        Level::None,
        &["no quiero morir", "I don't want to hurt myself"],
    );
}

#[test]
fn not_wanting_to_live_counts_because_the_negation_is_the_meaning() {
    level_is(
        Level::Concern,
        &[
            "I don't want to live anymore",
            "I no longer want to be alive",
            "There's no reason for me to keep living",
            "Ya no quiero vivir",
            "No le encuentro sentido a la vida",
        ],
    );
    level_is(
        Level::None,
        &[
            "I want to live a long life",
            "I don't want to live with my parents anymore",
            "Ya no quiero vivir con mis papás",
            "I feel safe at home now",
        ],
    );
}

#[test]
fn uncertainty_and_frankness_do_not_negate() {
    level_is(
        Level::Concern,
        &[
            "I don't know why I want to die",
            "Honestly I'm not sure I want to live anymore",
            "I'm not going to lie, I've been thinking about killing myself",
            "I'm not okay I want to die",
            "No sé por qué quiero morir",
            "No es broma, me quiero morir",
        ],
    );
}

#[test]
fn a_no_followed_by_i_is_an_interjection_not_a_negation() {
    level_is(Level::Concern, &["No I want to die", "No, yo quiero morir"]);
}

#[test]
fn a_negation_reaches_across_words_like_any_thoughts_of() {
    level_is(
        Level::None,
        &[
            "I'm not having any thoughts of self-harm",
            "No thoughts of hurting myself this week",
            "No he tenido pensamientos de suicidio",
        ],
    );
    // but not across unrelated words
    level_is(Level::Concern, &["I haven't slept in days I want to die"]);
}

#[test]
fn a_negation_after_the_phrase_counts() {
    level_is(
        Level::None,
        &[
            "Suicidal thoughts: none. Sleep: bad.",
            "Pensamientos suicidas: ninguno",
        ],
    );
}

#[test]
fn a_negation_is_named_in_the_explanation() {
    assert!(explained("I would never hurt myself", "negated by “never”"));
    assert!(explained("Nunca me haría daño", "negated by “Nunca”"));
}

// ---------------------------------------------------------------- idioms

#[test]
fn english_idioms_about_dying_and_killing_are_not_crisis_language() {
    level_is(
        Level::None,
        &[
            "This homework is killing me",
            "I could kill for a coffee",
            "I'm dying to see the new movie",
            "I want to die of embarrassment every time I remember that speech",
            "I killed it at my interview!",
            "I've been killing myself at work to hit this deadline",
            "I shot myself in the foot there",
            "I need to cut myself some slack",
            "Hit me up if a Friday slot opens",
            "My mom is going to kill me when she sees my grades",
            "I almost killed myself laughing",
            "I'm going to take my life back from anxiety",
            "I'm going to end it with my boyfriend this weekend",
            "I'm volunteering at the suicide prevention walk",
        ],
    );
}

#[test]
fn spanish_idioms_about_dying_and_killing_are_not_crisis_language() {
    level_is(
        Level::None,
        &[
            "Me muero de risa",
            "Me muero de ganas de verte",
            "Me quiero morir de la vergüenza",
            "Me quiero matar de risa con tus memes",
            "Me mato estudiando y no me va bien",
            "Mataría por un café",
            "Este trabajo me está matando",
            "Mi mamá me va a matar cuando vea mis notas",
            "Me muero por ir al concierto",
            "Trabajo en prevención del suicidio",
        ],
    );
}

#[test]
fn an_idiom_is_named_in_the_explanation() {
    assert!(explained(
        "I want to die of embarrassment",
        "part of the idiom “die of embarrassment”"
    ));
    assert!(explained(
        "me quiero morir de la vergüenza",
        "part of the idiom “morir de la vergüenza”"
    ));
}

// ---------------------------------------------------------------- the past

#[test]
fn the_distant_past_is_discounted_in_english() {
    level_is(
        Level::None,
        &[
            "Two years ago I tried to kill myself",
            "I used to cut when I was in high school",
            "When I was 15 I wanted to die, but things are different now",
            "I have a history of self harm",
        ],
    );
}

#[test]
fn the_distant_past_is_discounted_in_spanish() {
    level_is(
        Level::None,
        &[
            "Hace cinco años intenté suicidarme",
            "Cuando era adolescente me cortaba los brazos",
            "Antes pensaba que todos estarían mejor sin mí",
            "De joven me hacía daño",
        ],
    );
}

#[test]
fn the_past_brought_into_the_present_counts() {
    level_is(
        Level::Concern,
        &[
            "Two years ago I tried to kill myself and lately I feel that way again",
            "I used to cut and now I'm doing it again",
            "Hace dos años intenté matarme y últimamente me siento igual otra vez",
        ],
    );
    assert!(explained(
        "Two years ago I tried to kill myself and lately I feel that way again",
        "brings it into the present"
    ));
}

#[test]
fn a_recent_event_is_not_the_past() {
    level_is(
        Level::Concern,
        &["I cut myself last night", "Me corté anoche otra vez"],
    );
    level_is(
        Level::Acute,
        &[
            "I tried to hang myself last night",
            "Intenté ahorcarme anoche",
        ],
    );
}

// ---------------------------------------------------------------- third parties

#[test]
fn someone_elses_risk_is_discounted_in_english() {
    level_is(
        Level::None,
        &[
            "My friend's brother said he wants to die",
            "My sister is suicidal and I don't know how to help",
            "My best friend keeps saying she wants to kill herself",
            "My roommate has been talking about wanting to die",
            "My uncle died by suicide when I was little",
        ],
    );
    assert!(explained(
        "My friend's brother said he wants to die",
        "about someone else (“wants”)"
    ));
}

#[test]
fn someone_elses_risk_is_discounted_in_spanish() {
    level_is(
        Level::None,
        &[
            "Mi amiga me dijo que se quiere morir",
            "Mi hermano tiene pensamientos suicidas",
            "El hermano de mi novio se suicidó",
            "Mi prima intentó quitarse la vida",
        ],
    );
    assert!(explained(
        "Mi amiga me dijo que se quiere morir",
        "about someone else"
    ));
}

#[test]
fn telling_someone_about_ones_own_wish_still_counts() {
    level_is(
        Level::Concern,
        &[
            "I told my friend I want to die",
            "My sister thinks I want to die and she's right",
            "Le dije a mi mamá que me quiero morir",
        ],
    );
}

// ---------------------------------------------------------------- quotations and media

#[test]
fn quoted_titles_and_lyrics_are_discounted() {
    level_is(
        Level::None,
        &[
            "The song \"I Want to Die\" is stuck in my head",
            "My favourite lyric is “I'd rather be dead than cool”",
            "La canción \"Quiero morir\" no me sale de la cabeza",
            "Me encanta esa canción aunque la letra dice «ya no quiero vivir»",
        ],
    );
    assert!(explained(
        "The song \"I Want to Die\" is stuck in my head",
        "inside quotation marks"
    ));
}

#[test]
fn a_quotation_introduced_as_ones_own_thought_counts() {
    level_is(
        Level::Concern,
        &[
            "I keep thinking \"I want to die\"",
            "Me digo \"quiero morir\" todo el día",
        ],
    );
    assert!(explained(
        "I keep thinking \"I want to die\"",
        "introduced as the client's own words"
    ));
}

#[test]
fn a_message_wholly_in_quotation_marks_is_the_clients_own() {
    level_is(Level::Concern, &["\"I want to die\"", "«me quiero morir»"]);
}

#[test]
fn films_books_songs_and_shows_are_discounted() {
    level_is(
        Level::None,
        &[
            "In the movie the main character wants to die",
            "I'm reading a book where the narrator wants to kill himself",
            "En la película el protagonista se quiere matar",
            "Estoy leyendo un libro donde el personaje quiere suicidarse",
        ],
    );
    // a clause of one's own after the media clause is not discounted
    level_is(
        Level::Concern,
        &["I watched a sad movie and now I want to die"],
    );
}

// ---------------------------------------------------------------- severity

#[test]
fn ideation_with_a_plan_means_or_time_is_acute_in_english() {
    level_is(
        Level::Acute,
        &[
            "I want to die and I have the pills right here",
            "I want to kill myself tonight",
            "I have a plan to kill myself",
            "I'm suicidal and I have my dad's gun in my room",
            "I've been looking up ways to overdose, I just want to die",
        ],
    );
}

#[test]
fn ideation_with_a_plan_means_or_time_is_acute_in_spanish() {
    level_is(
        Level::Acute,
        &[
            "Quiero morirme y tengo las pastillas aquí",
            "Quiero suicidarme esta noche",
            "Tengo un plan para suicidarme",
            "Quiero matarme y tengo el arma de mi papá",
        ],
    );
}

#[test]
fn stated_intent_and_attempts_in_progress_are_acute() {
    level_is(
        Level::Acute,
        &[
            "I'm going to kill myself",
            "I'm going to end it tonight",
            "I just took 30 pills",
            "I swallowed a whole bottle of tylenol",
            "Me voy a matar",
            "Voy a acabar con todo hoy",
            "Me tomé todas las pastillas hace media hora",
        ],
    );
}

#[test]
fn means_or_a_time_alone_is_not_flagged() {
    level_is(
        Level::None,
        &[
            "I'll pick up my pills tonight",
            "I went to the gun range with my brother",
            "Mañana paso por mis pastillas a la farmacia",
            "Mi vecino tiene una pistola",
        ],
    );
    assert!(explained(
        "I'll pick up my pills tonight",
        "not counted on its own"
    ));
}

#[test]
fn self_harm_is_a_concern_and_acute_with_a_time_or_intent() {
    level_is(
        Level::Concern,
        &[
            "I've been cutting again",
            "I burned myself with a lighter",
            "Me lastimo los brazos",
        ],
    );
    level_is(
        Level::Acute,
        &[
            "Tonight I'm going to cut myself",
            "Me corté y esta noche lo voy a volver a hacer",
        ],
    );
}

#[test]
fn harm_to_others_is_a_concern_and_acute_with_a_weapon() {
    level_is(
        Level::Concern,
        &[
            "I'm so angry I want to hurt him",
            "Tengo tanta rabia que quiero lastimarlo",
        ],
    );
    level_is(
        Level::Acute,
        &[
            "I'm going to kill my boss tomorrow, I have the knife in my bag",
            "Voy a matarlo, ya tengo el cuchillo",
        ],
    );
}

#[test]
fn abuse_and_danger_at_home_are_flagged_and_acute_with_a_weapon_or_now() {
    level_is(
        Level::Concern,
        &[
            "He hit me again last night",
            "I don't feel safe at home",
            "Mi pareja me pega cuando toma",
            "No me siento segura en mi casa",
        ],
    );
    level_is(
        Level::Acute,
        &[
            "My husband said he'll kill me if I leave and he has a gun",
            "Mi esposo me dijo que me va a matar si lo dejo y tiene una pistola",
        ],
    );
}

#[test]
fn accidents_are_discounted() {
    level_is(
        Level::None,
        &[
            "I accidentally cut my arm on a nail",
            "Me corté sin querer con un cuchillo mientras cocinaba",
        ],
    );
    assert!(explained(
        "I accidentally cut my arm on a nail",
        "accidental"
    ));
}

#[test]
fn several_weak_signs_add_up_to_a_concern() {
    level_is(
        Level::None,
        &["I feel hopeless about the job search", "Soy una carga"],
    );
    level_is(
        Level::Concern,
        &[
            "I'm a burden to everyone. I can't keep doing this. I feel completely hopeless.",
            "Soy una carga para todos, no puedo más, no tengo esperanza",
        ],
    );
}

// ---------------------------------------------------------------- explanations and output

#[test]
fn the_explanation_lists_what_matched_what_was_discounted_and_the_score() {
    let a = assess("I would never hurt myself. Two years ago I tried to kill myself, but I want to die tonight.");
    assert_eq!(a.level, Level::Acute);
    let text = a.explanation.join("\n");
    assert!(text.contains("negated by “never”"), "{text}");
    assert!(text.contains("in the past (“years ago”)"), "{text}");
    assert!(
        text.contains("“want to die”: ideation, weight 1.5"),
        "{text}"
    );
    assert!(text.contains("ideation with a timeline"), "{text}");
    assert!(
        a.explanation.last().unwrap().starts_with("score "),
        "{text}"
    );
    let cats: Vec<Category> = a.matched.iter().map(|m| m.category).collect();
    assert!(cats.contains(&Category::Ideation) && cats.contains(&Category::Timeline));
}

#[test]
fn an_ordinary_message_is_explained_too() {
    let a = assess("Thanks for the worksheet");
    assert_eq!(
        a.explanation,
        [
            "no crisis language found",
            "score 0 → none (concern from 1, acute from 3)"
        ]
    );
    assert!(a.matched.is_empty());
    assert_eq!(a.score, 0.0);
}

#[test]
fn matched_phrases_are_shown_as_the_client_wrote_them() {
    let a = assess("Ya no aguanto, QUIERO MORÍR");
    assert_eq!(a.matched[0].phrase, "QUIERO MORÍR");
    let a = assess("I don’t want to be alive anymore");
    assert_eq!(a.matched[0].phrase, "don’t want to be alive");
}

#[test]
fn accents_apostrophes_and_case_do_not_change_the_decision() {
    for (a, b) in [
        ("no quiero morir", "Nó quiero morír"),
        ("quiero morir", "QUIERO MORIR"),
        (
            "I dont want to live anymore",
            "I don't want to live anymore",
        ),
        ("im going to kill myself", "I’m going to kill myself"),
    ] {
        assert_eq!(assess(a).level, assess(b).level, "{a} / {b}");
    }
}

#[test]
fn the_level_always_agrees_with_the_score() {
    for text in [
        "",
        "I want to die",
        "I'm going to kill myself tonight",
        "He hit me",
        "I feel hopeless",
        "I want to die and I have a gun",
    ] {
        let a = assess(text);
        let by_score = if a.score >= 3.0 {
            Level::Acute
        } else if a.score >= 1.0 {
            Level::Concern
        } else {
            Level::None
        };
        assert_eq!(a.level, by_score, "{text}: {}", a.score);
    }
}

#[test]
fn scan_line_gives_exactly_level_score_and_matched() {
    let v = scan_line("I want to die and I have the pills right here", lexicon());
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["level", "matched", "score"]);
    assert_eq!(v["level"], "acute");
    assert!(v["score"].as_f64().unwrap() >= 3.0);
    let matched: Vec<&str> = v["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(matched.contains(&"want to die"), "{matched:?}");
    assert!(matched.contains(&"have the pills"), "{matched:?}");

    let v = scan_line("", lexicon());
    assert_eq!(
        v,
        serde_json::json!({"level": "none", "score": 0.0, "matched": []})
    );
    let v = scan_line("no quiero morir\r", lexicon());
    assert_eq!(v["level"], "none");
}

// ---------------------------------------------------------------- data files

#[test]
fn the_builtin_lexicon_loads_and_names_its_sources() {
    let lx = lexicon();
    let sources = lx.sources();
    assert_eq!(sources.len(), 3);
    for s in sources {
        assert!(!s.source.is_empty(), "{}", s.file);
        assert_eq!(s.as_of.len(), 10, "{}", s.file);
    }
    let langs: Vec<_> = sources
        .iter()
        .filter_map(|s| s.language.as_deref())
        .collect();
    assert_eq!(langs, ["en", "es"]);
    assert!(lx.entry_count() > 200, "{}", lx.entry_count());
    assert!(lx.idiom_count() > 20, "{}", lx.idiom_count());
}

const WEIGHTS: &str = include_str!("../../../data/risk/weights.json");
const EN: &str = include_str!("../../../data/risk/lexicon.en.json");

fn load(weights: &str, en: &str) -> Result<Lexicon, String> {
    Lexicon::from_json(("weights.json", weights), &[("lexicon.en.json", en)])
        .map_err(|e| e.to_string())
}

#[test]
fn a_malformed_data_file_is_refused_with_the_file_and_entry_named() {
    assert!(load(WEIGHTS, EN).is_ok());
    let cases: [(&str, &str, &str, &str); 8] = [
        // (file, find, replace, expected in the error)
        (
            "en",
            "\"want|wanna|wanted|wanting|wants|wish",
            "\"~2 want|wanna|wanted|wanting|wants|wish",
            "lexicon.en.json: entry `~2 want",
        ),
        (
            "en",
            "\"<weapon>\", \"category\": \"means\"",
            "\"<weapons>\", \"category\": \"means\"",
            "unknown class `<weapons>`",
        ),
        (
            "en",
            "\"category\": \"self_harm\", \"note\": \"cutting\"",
            "\"category\": \"selfharm\", \"note\": \"cutting\"",
            "lexicon.en.json: not a valid risk data file",
        ),
        (
            "en",
            "\"as_of\": \"2026-11-23\"",
            "\"as_of\": \"last week\"",
            "`as_of` is `last week`",
        ),
        (
            "en",
            "\"language\": \"en\",",
            "\"language\": \"en\", \"colour\": 1,",
            "unknown field `colour`",
        ),
        (
            "weights",
            "\"concern\": 1.0, \"acute\": 3.0",
            "\"concern\": 3.0, \"acute\": 1.0",
            "thresholds.concern must be below",
        ),
        (
            "weights",
            "\"negated\": 0.0",
            "\"negated\": 1.5",
            "discounts.negated is 1.5",
        ),
        (
            "weights",
            "\"source\": \"Written",
            "\"source\": \" \", \"x\": \"Written",
            "unknown field `x`",
        ),
    ];
    for (file, find, replace, expected) in cases {
        let (w, e) = match file {
            "en" => (WEIGHTS.to_string(), EN.replacen(find, replace, 1)),
            _ => (WEIGHTS.replacen(find, replace, 1), EN.to_string()),
        };
        assert!(
            w != WEIGHTS || e != EN,
            "the case did not change anything: {find}"
        );
        let err = load(&w, &e).expect_err(find);
        assert!(err.contains(expected), "{err}\n  expected: {expected}");
    }
    // an entry listed twice
    let dup = EN.replacen(
        "\"entries\": [",
        "\"entries\": [\n    { \"pattern\": \"kms\", \"category\": \"ideation\", \"weight\": 1.2, \"note\": \"x\" },",
        1,
    );
    assert!(load(WEIGHTS, &dup).unwrap_err().contains("listed twice"));
    // an empty source
    let start = EN.find("\"source\": \"").unwrap() + "\"source\": \"".len();
    let end = start + EN[start..].find('"').unwrap();
    let unsourced = format!("{}{}", &EN[..start], &EN[end..]);
    assert!(load(WEIGHTS, &unsourced)
        .unwrap_err()
        .contains("`source` is empty"));
}

// ---------------------------------------------------------------- speed and robustness

#[test]
fn a_typical_message_is_classified_quickly() {
    let messages = [
        "Hi, can we move Thursday's session to 5pm? Work has been a lot this week.",
        "I don't want to be alive anymore and I keep thinking about the pills in the cabinet",
        "Me muero de ganas de verte, pero este trabajo me está matando",
        "My friend's brother said he wants to die and I don't know how to help him.",
    ];
    let lx = lexicon();
    let rounds = 500;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for m in messages {
            std::hint::black_box(classify(std::hint::black_box(m), lx));
        }
    }
    let per = start.elapsed().as_secs_f64() * 1e6 / (rounds * messages.len()) as f64;
    println!("risk: {per:.1} µs per message (this build's profile)");
    // generous: the tests run unoptimised; `cargo test --release` shows the real figure
    assert!(per < 1_000.0, "{per} µs per message");
}

#[test]
fn odd_input_is_classified_without_panicking() {
    let long = "I want to die ".repeat(2_000);
    for text in [
        long.as_str(),
        "\"\"\"\"",
        "“",
        "'''",
        "...!!!???",
        "don't'",
        "ǅ İstanbul ﬁ 🙂🙂 kill\u{301}myself",
        "\u{0}\u{1}",
        "-",
        "1.2.3 4,5",
    ] {
        let a = assess(text);
        assert!(a.score.is_finite());
    }
    // the same phrase repeated counts once
    assert_eq!(assess(&long).level, Level::Concern);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_gets_a_level_that_matches_its_score(text in "\\PC{0,200}") {
            let a = assess(&text);
            prop_assert!(a.score.is_finite() && a.score >= 0.0);
            let expected = if a.score >= 3.0 { Level::Acute } else if a.score >= 1.0 { Level::Concern } else { Level::None };
            prop_assert_eq!(a.level, expected);
            prop_assert!(!a.explanation.is_empty());
        }

        #[test]
        fn words_from_the_lexicon_in_any_order_do_not_panic(
            words in proptest::collection::vec(prop_oneof![
                Just("I"), Just("not"), Just("want"), Just("to"), Just("die"), Just("\""), Just(","),
                Just("kill"), Just("myself"), Just("tonight"), Just("pills"), Just("me"), Just("quiero"),
                Just("morir"), Just("no"), Just("years"), Just("ago"), Just("he"), Just("said"), Just("."),
                Just("of"), Just("embarrassment"), Just("se"), Just("movie"), Just("and"), Just("but"),
            ], 0..40)
        ) {
            let text = words.join(" ");
            let a = assess(&text);
            prop_assert!(a.score.is_finite());
        }
    }
}
