//! Screening instruments: exact totals, every published band boundary, the PHQ-9 item 9
//! safety flag, the PCL-5 provisional cut-point, AUDIT-C's sex-specific cut-points, the CLI
//! contract object, every malformed-answer error, and the English and Spanish item texts.

use alcove_domain::instruments::{
    items, languages, parse_answers, score, score_cli, Flag, Instrument, Score, ScoreError,
    Severity, Sex, PCL5_CUT_POINT,
};
use proptest::prelude::*;
use serde_json::json;

use Instrument::{AuditC, Gad7, Pcl5, Phq9};
use Severity::*;

/// Answers for `instrument` that add up to `total`, filled from the first item, with the
/// PHQ-9 safety item (9) left at 0 so only the band is being tested.
fn answers_totalling(instrument: Instrument, total: u16) -> Vec<u8> {
    let max = instrument.max_answer();
    let mut left = total;
    let mut answers = vec![0u8; instrument.item_count()];
    let fillable = if instrument == Phq9 { 8 } else { answers.len() };
    for a in answers.iter_mut().take(fillable) {
        let here = left.min(u16::from(max));
        *a = here as u8;
        left -= here;
    }
    assert_eq!(left, 0, "{instrument} cannot reach {total} this way");
    answers
}

fn csv(answers: &[u8]) -> String {
    answers
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn cli_err(name: &str, answers: &str, sex: Option<&str>) -> String {
    score_cli(name, answers, sex).unwrap_err().to_string()
}

#[test]
fn phq9_totals_fall_in_the_published_bands_at_every_boundary() {
    let table = [
        (0, Minimal),
        (4, Minimal),
        (5, Mild),
        (9, Mild),
        (10, Moderate),
        (14, Moderate),
        (15, ModeratelySevere),
        (19, ModeratelySevere),
        (20, Severe),
        (24, Severe),
    ];
    for (total, band) in table {
        let s = score(Phq9, &answers_totalling(Phq9, total), None).unwrap();
        assert_eq!((s.total, s.severity), (total, band), "total {total}");
        assert!(s.flags.is_empty(), "total {total}");
    }
    // 25 to 27 need item 9, so they carry the flag as well.
    for total in [25, 27] {
        assert_eq!(Phq9.band(total, None).unwrap(), Severe);
    }
    let all_threes = score(Phq9, &[3; 9], None).unwrap();
    assert_eq!(
        (all_threes.total, all_threes.severity),
        (27, Severe),
        "the maximum"
    );
}

#[test]
fn gad7_totals_fall_in_the_published_bands_at_every_boundary() {
    let table = [
        (0, Minimal),
        (4, Minimal),
        (5, Mild),
        (9, Mild),
        (10, Moderate),
        (14, Moderate),
        (15, Severe),
        (21, Severe),
    ];
    for (total, band) in table {
        let s = score(Gad7, &answers_totalling(Gad7, total), None).unwrap();
        assert_eq!((s.total, s.severity), (total, band), "total {total}");
        assert!(s.flags.is_empty());
    }
}

#[test]
fn gad7_never_says_moderately_severe() {
    for total in 0..=Gad7.max_total() {
        assert_ne!(Gad7.band(total, None).unwrap(), ModeratelySevere);
    }
}

#[test]
fn pcl5_33_is_probable_ptsd_and_32_is_below_the_cutoff_with_a_near_cutoff_flag() {
    let near = vec![Flag::Pcl5NearCutoff];
    let table: [(u16, Severity, Vec<Flag>); 7] = [
        (0, BelowCutoff, vec![]),
        (30, BelowCutoff, vec![]),
        (31, BelowCutoff, near.clone()),
        (32, BelowCutoff, near.clone()),
        (33, ProbablePtsd, vec![]),
        (34, ProbablePtsd, vec![]),
        (80, ProbablePtsd, vec![]),
    ];
    for (total, band, flags) in table {
        let s = score(Pcl5, &answers_totalling(Pcl5, total), None).unwrap();
        assert_eq!(
            (s.total, s.severity, s.flags),
            (total, band, flags),
            "total {total}"
        );
    }
    assert_eq!(PCL5_CUT_POINT, 33);
}

#[test]
fn auditc_female_3_is_positive_and_male_3_is_negative() {
    let three = [1, 1, 1];
    let female = score(AuditC, &three, Some(Sex::Female)).unwrap();
    let male = score(AuditC, &three, Some(Sex::Male)).unwrap();
    assert_eq!((female.total, female.severity), (3, Positive));
    assert_eq!((male.total, male.severity), (3, Negative));
}

#[test]
fn auditc_cut_points_are_3_for_women_and_4_for_men_across_the_whole_range() {
    let table = [
        (0, Negative, Negative),
        (2, Negative, Negative),
        (3, Positive, Negative),
        (4, Positive, Positive),
        (12, Positive, Positive),
    ];
    for (total, female, male) in table {
        let answers = answers_totalling(AuditC, total);
        let f = score(AuditC, &answers, Some(Sex::Female)).unwrap();
        let m = score(AuditC, &answers, Some(Sex::Male)).unwrap();
        assert_eq!((f.total, f.severity), (total, female), "female {total}");
        assert_eq!((m.total, m.severity), (total, male), "male {total}");
        assert!(f.flags.is_empty() && m.flags.is_empty());
    }
}

#[test]
fn totals_are_the_exact_sum_of_the_answers_whatever_their_order() {
    let cases: [(Instrument, &[u8], u16); 6] = [
        (Phq9, &[0, 1, 2, 3, 0, 1, 2, 3, 0], 12),
        (Phq9, &[3, 0, 0, 0, 0, 0, 0, 0, 3], 6),
        (Gad7, &[3, 2, 1, 0, 1, 2, 3], 12),
        (
            Pcl5,
            &[4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4, 3, 2, 1, 0],
            40,
        ),
        (AuditC, &[4, 0, 2], 6),
        (AuditC, &[0, 0, 0], 0),
    ];
    for (instrument, answers, total) in cases {
        let s = score(instrument, answers, Some(Sex::Female)).unwrap();
        assert_eq!(s.total, total, "{instrument} {answers:?}");
    }
}

#[test]
fn phq9_item_9_above_0_raises_the_safety_flag_even_when_the_total_is_minimal() {
    for item9 in 1..=3 {
        let mut answers = [0u8; 9];
        answers[8] = item9;
        let s = score(Phq9, &answers, None).unwrap();
        assert_eq!(s.total, u16::from(item9));
        assert_eq!(s.severity, Minimal);
        assert_eq!(s.flags, vec![Flag::Phq9Item9]);
        assert!(s.needs_urgent_follow_up());
    }
}

#[test]
fn phq9_item_9_at_0_raises_no_flag_even_when_the_total_is_severe() {
    let s = score(Phq9, &[3, 3, 3, 3, 3, 3, 3, 3, 0], None).unwrap();
    assert_eq!((s.total, s.severity), (24, Severe));
    assert!(s.flags.is_empty());
    assert!(!s.needs_urgent_follow_up());
}

#[test]
fn only_phq9_item_9_raises_the_flag_and_no_other_instrument_has_it() {
    for item in 0..8 {
        let mut answers = [0u8; 9];
        answers[item] = 3;
        assert!(score(Phq9, &answers, None).unwrap().flags.is_empty());
    }
    // The ninth answer of GAD-7 or PCL-5 means nothing special.
    let mut pcl5 = [0u8; 20];
    pcl5[8] = 4;
    assert!(score(Pcl5, &pcl5, None).unwrap().flags.is_empty());
}

#[test]
fn the_pcl5_near_cutoff_flag_is_not_urgent_but_the_phq9_item9_flag_is() {
    assert!(Flag::Phq9Item9.is_urgent());
    assert!(!Flag::Pcl5NearCutoff.is_urgent());
    assert!(Flag::Phq9Item9.description().contains("safety"));
    assert!(Flag::Pcl5NearCutoff.description().contains("31-33"));
}

#[test]
fn the_cli_prints_exactly_the_contract_object() {
    let v = score_cli("phq9", "1,1,1,1,1,1,1,1,1", None).unwrap();
    assert_eq!(
        v,
        json!({"instrument": "phq9", "total": 9, "severity": "mild", "flags": ["phq9_item9"]})
    );
    let v = score_cli("gad7", "3,3,3,3,3,0,0", None).unwrap();
    assert_eq!(
        v,
        json!({"instrument": "gad7", "total": 15, "severity": "severe", "flags": []})
    );
    let v = score_cli("pcl5", &csv(&answers_totalling(Pcl5, 32)), None).unwrap();
    assert_eq!(
        v,
        json!({"instrument": "pcl5", "total": 32, "severity": "below_cutoff", "flags": ["pcl5_near_cutoff"]})
    );
    let v = score_cli("auditc", "2,1,0", Some("female")).unwrap();
    assert_eq!(
        v,
        json!({"instrument": "auditc", "total": 3, "severity": "positive", "flags": []})
    );
    let v = score_cli("auditc", "2,1,0", Some("male")).unwrap();
    assert_eq!(v["severity"], "negative");
}

#[test]
fn the_cli_object_is_the_serialised_score_with_fields_in_contract_order() {
    let s = score(Phq9, &[2, 2, 2, 2, 2, 2, 2, 2, 1], None).unwrap();
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"{"instrument":"phq9","total":17,"severity":"moderately_severe","flags":["phq9_item9"]}"#
    );
    assert_eq!(serde_json::to_value(&s).unwrap(), s.to_json());
    assert_eq!(
        score_cli("phq9", "2,2,2,2,2,2,2,2,1", None).unwrap(),
        s.to_json()
    );
    let back: Score = serde_json::from_value(s.to_json()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn every_result_word_serialises_to_the_contract_word() {
    let words = [
        (Minimal, "minimal"),
        (Mild, "mild"),
        (Moderate, "moderate"),
        (ModeratelySevere, "moderately_severe"),
        (Severe, "severe"),
        (BelowCutoff, "below_cutoff"),
        (ProbablePtsd, "probable_ptsd"),
        (Negative, "negative"),
        (Positive, "positive"),
    ];
    for (severity, word) in words {
        assert_eq!(severity.as_str(), word);
        assert_eq!(serde_json::to_value(severity).unwrap(), json!(word));
    }
    assert_eq!(
        serde_json::to_value(Flag::Phq9Item9).unwrap(),
        json!("phq9_item9")
    );
    assert_eq!(
        serde_json::to_value(Flag::Pcl5NearCutoff).unwrap(),
        json!("pcl5_near_cutoff")
    );
}

#[test]
fn each_instrument_gives_only_its_own_result_words() {
    for instrument in Instrument::ALL {
        for sex in [Sex::Female, Sex::Male] {
            for total in 0..=instrument.max_total() {
                let band = instrument.band(total, Some(sex)).unwrap();
                assert!(
                    instrument.severities().contains(&band),
                    "{instrument} {total} gave {band}"
                );
            }
        }
    }
}

#[test]
fn instrument_names_parse_round_trip_and_tolerate_case_and_hyphens() {
    for instrument in Instrument::ALL {
        assert_eq!(instrument.as_str().parse::<Instrument>(), Ok(instrument));
        assert_eq!(
            instrument.display_name().parse::<Instrument>(),
            Ok(instrument)
        );
        assert_eq!(
            serde_json::to_value(instrument).unwrap(),
            json!(instrument.as_str())
        );
    }
    assert_eq!(" AUDIT-C ".parse::<Instrument>(), Ok(AuditC));
    assert_eq!("Phq_9".parse::<Instrument>(), Ok(Phq9));
}

#[test]
fn instruments_know_their_item_counts_ranges_and_maximum_totals() {
    let table = [
        (Phq9, 9, 3, 27),
        (Gad7, 7, 3, 21),
        (Pcl5, 20, 4, 80),
        (AuditC, 3, 4, 12),
    ];
    for (instrument, count, max, total) in table {
        assert_eq!(instrument.item_count(), count);
        assert_eq!(instrument.max_answer(), max);
        assert_eq!(instrument.max_total(), total);
        assert_eq!(instrument.needs_sex(), instrument == AuditC);
    }
}

#[test]
fn answers_tolerate_spaces_around_each_answer_and_the_whole_list() {
    let v = score_cli(" gad7 ", "  1 , 2,3 ,0,  1,2 ,3\n", None).unwrap();
    assert_eq!(v["total"], 12);
    assert_eq!(parse_answers(AuditC, "\t4,\t0 , 2 "), Ok(vec![4, 0, 2]));
}

#[test]
fn too_few_or_too_many_answers_name_the_count_expected_and_given() {
    assert_eq!(
        cli_err("phq9", "0,0,0,0,0,0,0,0", None),
        "phq9 takes 9 answers; got 8"
    );
    assert_eq!(
        cli_err("gad7", "0,0,0,0,0,0,0,0", None),
        "gad7 takes 7 answers; got 8"
    );
    assert_eq!(
        cli_err("pcl5", "1,2,3", None),
        "pcl5 takes 20 answers; got 3"
    );
    assert_eq!(
        cli_err("auditc", "1,2,3,4", Some("male")),
        "auditc takes 3 answers; got 4"
    );
    assert_eq!(
        score(Phq9, &[0; 10], None),
        Err(ScoreError::WrongCount {
            instrument: Phq9,
            expected: 9,
            got: 10
        })
    );
}

#[test]
fn no_answers_at_all_is_a_count_of_zero() {
    assert_eq!(cli_err("phq9", "", None), "phq9 takes 9 answers; got 0");
    assert_eq!(cli_err("phq9", "   ", None), "phq9 takes 9 answers; got 0");
    assert_eq!(
        score(Gad7, &[], None).unwrap_err().to_string(),
        "gad7 takes 7 answers; got 0"
    );
}

#[test]
fn an_answer_above_the_range_is_named_by_position_and_value() {
    assert_eq!(
        cli_err("phq9", "0,0,4,0,0,0,0,0,0", None),
        "answer 3 is 4; phq9 answers are 0 to 3"
    );
    assert_eq!(
        cli_err("auditc", "0,5,0", Some("female")),
        "answer 2 is 5; auditc answers are 0 to 4"
    );
    assert_eq!(
        score(Pcl5, &answers_with(Pcl5, 20, 5), None)
            .unwrap_err()
            .to_string(),
        "answer 20 is 5; pcl5 answers are 0 to 4"
    );
    assert_eq!(
        score(Gad7, &[0, 0, 0, 0, 0, 255, 9], None),
        Err(ScoreError::OutOfRange {
            instrument: Gad7,
            position: 6,
            value: "255".into(),
            max: 3
        })
    );
}

fn answers_with(instrument: Instrument, position: usize, value: u8) -> Vec<u8> {
    let mut answers = vec![0; instrument.item_count()];
    answers[position - 1] = value;
    answers
}

#[test]
fn negative_and_huge_answers_are_out_of_range_not_wrapped() {
    assert_eq!(
        cli_err("gad7", "0,-1,0,0,0,0,0", None),
        "answer 2 is -1; gad7 answers are 0 to 3"
    );
    assert_eq!(
        cli_err("gad7", "0,0,0,0,0,0,259", None),
        "answer 7 is 259; gad7 answers are 0 to 3"
    );
    assert_eq!(
        cli_err("gad7", "0,0,0,0,0,0,99999999999999999999", None),
        "answer 7 is 99999999999999999999; gad7 answers are 0 to 3"
    );
}

#[test]
fn answers_that_are_not_whole_numbers_are_named_with_their_text() {
    assert_eq!(
        cli_err("phq9", "0,0,1.5,0,0,0,0,0,0", None),
        r#"answer 3 is "1.5"; phq9 answers are whole numbers from 0 to 3, separated by commas"#
    );
    assert_eq!(
        cli_err("gad7", "a,0,0,0,0,0,0", None),
        r#"answer 1 is "a"; gad7 answers are whole numbers from 0 to 3, separated by commas"#
    );
    assert_eq!(
        cli_err("auditc", "0 1 2", Some("male")),
        r#"answer 1 is "0 1 2"; auditc answers are whole numbers from 0 to 4, separated by commas"#
    );
    for text in ["-", "+", "1e0", "0x1", "２", "one"] {
        let e = score_cli("auditc", &format!("0,{text},0"), Some("male")).unwrap_err();
        assert!(
            matches!(e, ScoreError::NotAnInteger { position: 2, .. }),
            "{text}: {e}"
        );
    }
}

#[test]
fn empty_answers_between_or_after_commas_are_named_by_position() {
    assert_eq!(
        cli_err("auditc", "1,,2", Some("male")),
        "answer 2 is empty; auditc answers are whole numbers separated by single commas"
    );
    assert_eq!(
        cli_err("auditc", "1,2,3,", Some("male")),
        "answer 4 is empty; auditc answers are whole numbers separated by single commas"
    );
    assert_eq!(
        cli_err("auditc", ",1,2", Some("male")),
        "answer 1 is empty; auditc answers are whole numbers separated by single commas"
    );
    assert_eq!(
        cli_err("auditc", "1, ,2", Some("male")),
        "answer 2 is empty; auditc answers are whole numbers separated by single commas"
    );
}

#[test]
fn a_typo_is_reported_before_the_count_and_the_count_before_the_range() {
    assert!(matches!(
        score_cli("phq9", "0,x", None),
        Err(ScoreError::NotAnInteger { position: 2, .. })
    ));
    assert!(matches!(
        score_cli("phq9", "9,9", None),
        Err(ScoreError::WrongCount { got: 2, .. })
    ));
}

#[test]
fn auditc_without_a_sex_is_an_error_that_says_how_to_give_it() {
    assert_eq!(score(AuditC, &[1, 1, 1], None), Err(ScoreError::MissingSex));
    let e = cli_err("auditc", "1,1,1", None);
    assert!(
        e.contains("auditc needs") && e.contains("--sex female") && e.contains("--sex male"),
        "{e}"
    );
    assert_eq!(AuditC.band(3, None), Err(ScoreError::MissingSex));
}

#[test]
fn a_sex_other_than_female_or_male_is_an_error() {
    assert_eq!(
        cli_err("auditc", "1,1,1", Some("other")),
        r#"sex must be female or male; got "other""#
    );
    assert_eq!(
        cli_err("auditc", "1,1,1", Some("")),
        r#"sex must be female or male; got """#
    );
    assert_eq!(" Female ".parse::<Sex>(), Ok(Sex::Female));
    assert_eq!("MALE".parse::<Sex>(), Ok(Sex::Male));
}

#[test]
fn a_sex_given_to_an_instrument_that_does_not_use_it_changes_nothing() {
    let answers = "1,1,1,1,1,1,1";
    let without = score_cli("gad7", answers, None).unwrap();
    assert_eq!(score_cli("gad7", answers, Some("female")).unwrap(), without);
    assert_eq!(score_cli("gad7", answers, Some("male")).unwrap(), without);
}

#[test]
fn an_unknown_instrument_name_is_an_error_listing_the_known_ones() {
    assert_eq!(
        cli_err("bdi2", "1,2,3", None),
        r#"unknown instrument "bdi2"; use phq9, gad7, pcl5 or auditc"#
    );
    assert_eq!(
        cli_err("", "1,2,3", None),
        r#"unknown instrument ""; use phq9, gad7, pcl5 or auditc"#
    );
    assert!("phq".parse::<Instrument>().is_err());
    assert!("phq99".parse::<Instrument>().is_err());
}

#[test]
fn a_total_beyond_the_instrument_maximum_cannot_be_banded() {
    assert_eq!(
        Phq9.band(28, None).unwrap_err().to_string(),
        "a phq9 total is 0 to 27; got 28"
    );
    assert!(Pcl5.band(81, None).is_err());
    assert!(AuditC.band(13, Some(Sex::Male)).is_err());
}

#[test]
fn every_instrument_has_english_and_spanish_items_with_the_right_count() {
    for instrument in Instrument::ALL {
        assert_eq!(languages(instrument), vec!["en", "es"], "{instrument}");
        for lang in ["en", "es"] {
            let set = items(instrument, lang)
                .unwrap_or_else(|| panic!("{instrument} has no {lang} items"));
            assert_eq!(set.instrument, instrument);
            assert_eq!(set.language, lang);
            assert_eq!(
                set.items.len(),
                instrument.item_count(),
                "{instrument} {lang}"
            );
            assert!(!set.title.trim().is_empty());
            assert!(!set.stem.trim().is_empty());
            assert!(!set.source.trim().is_empty());
            assert!(set.as_of >= chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
            for (i, item) in set.items.iter().enumerate() {
                assert_eq!(usize::from(item.number), i + 1);
                assert!(!item.text.trim().is_empty());
                let values: Vec<u8> = item.response_options.iter().map(|o| o.value).collect();
                let expected: Vec<u8> = (0..=instrument.max_answer()).collect();
                assert_eq!(values, expected, "{instrument} {lang} item {}", item.number);
            }
        }
    }
}

#[test]
fn english_and_spanish_texts_differ_and_keep_the_published_wording_of_key_items() {
    for instrument in Instrument::ALL {
        let en = items(instrument, "en").unwrap();
        let es = items(instrument, "es").unwrap();
        for (a, b) in en.items.iter().zip(&es.items) {
            assert_ne!(a.text, b.text, "{instrument} item {}", a.number);
        }
    }
    let phq9 = items(Phq9, "en").unwrap();
    assert_eq!(
        phq9.items[8].text,
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    );
    assert_eq!(phq9.items[0].response_options[3].label, "Nearly every day");
    let phq9_es = items(Phq9, "es").unwrap();
    assert_eq!(
        phq9_es.items[8].text,
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera"
    );
    let pcl5 = items(Pcl5, "en").unwrap();
    assert_eq!(
        pcl5.stem,
        "In the past month, how much were you bothered by:"
    );
    assert_eq!(pcl5.items[0].response_options[4].label, "Extremely");
    // AUDIT-C's items each have their own answers.
    let audit = items(AuditC, "en").unwrap();
    assert_eq!(audit.items[1].response_options[0].label, "1 or 2");
    assert_eq!(
        audit.items[2].response_options[4].label,
        "Daily or almost daily"
    );
}

#[test]
fn a_regional_language_tag_falls_back_to_its_language_and_an_unknown_one_gives_none() {
    assert_eq!(items(Gad7, "es-MX"), items(Gad7, "es"));
    assert_eq!(items(Gad7, "EN_us"), items(Gad7, "en"));
    assert_eq!(items(Gad7, " en "), items(Gad7, "en"));
    assert_eq!(items(Gad7, "fr"), None);
    assert_eq!(items(Gad7, ""), None);
}

fn any_completed(instrument: Instrument) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0..=instrument.max_answer(), instrument.item_count())
}

fn any_instrument() -> impl Strategy<Value = Instrument> {
    prop::sample::select(Instrument::ALL.to_vec())
}

fn any_sex() -> impl Strategy<Value = Sex> {
    prop::sample::select(vec![Sex::Female, Sex::Male])
}

proptest! {
    #[test]
    fn the_total_is_always_the_sum_and_the_band_is_the_band_of_the_total(
        (instrument, answers) in any_instrument().prop_flat_map(|i| (Just(i), any_completed(i))),
        sex in any_sex(),
    ) {
        let s = score(instrument, &answers, Some(sex)).unwrap();
        let sum: u16 = answers.iter().map(|&a| u16::from(a)).sum();
        prop_assert_eq!(s.total, sum);
        prop_assert!(s.total <= instrument.max_total());
        prop_assert_eq!(s.severity, instrument.band(sum, Some(sex)).unwrap());
        prop_assert_eq!(
            s.flags.contains(&Flag::Phq9Item9),
            instrument == Phq9 && answers[8] > 0
        );
    }

    #[test]
    fn raising_any_one_answer_never_lowers_the_band(
        (instrument, answers, item) in any_instrument().prop_flat_map(|i| {
            (Just(i), any_completed(i), 0..i.item_count())
        }),
        sex in any_sex(),
    ) {
        prop_assume!(answers[item] < instrument.max_answer());
        let mut higher = answers.clone();
        higher[item] += 1;
        let before = score(instrument, &answers, Some(sex)).unwrap();
        let after = score(instrument, &higher, Some(sex)).unwrap();
        prop_assert_eq!(after.total, before.total + 1);
        prop_assert!(after.severity >= before.severity);
    }

    #[test]
    fn the_band_is_monotonic_in_the_total(
        instrument in any_instrument(),
        sex in any_sex(),
        a in 0u16..=80,
        b in 0u16..=80,
    ) {
        let max = instrument.max_total();
        let (lo, hi) = (a.min(b).min(max), a.max(b).min(max));
        prop_assert!(
            instrument.band(lo, Some(sex)).unwrap() <= instrument.band(hi, Some(sex)).unwrap()
        );
    }

    #[test]
    fn the_cli_agrees_with_the_typed_api_however_the_answers_are_spaced(
        (instrument, answers) in any_instrument().prop_flat_map(|i| (Just(i), any_completed(i))),
        pads in prop::collection::vec(("[ \t]{0,2}", "[ \t]{0,2}"), 20),
        sex in any_sex(),
    ) {
        let text = answers
            .iter()
            .zip(&pads)
            .map(|(a, (l, r))| format!("{l}{a}{r}"))
            .collect::<Vec<_>>()
            .join(",");
        let typed = score(instrument, &answers, Some(sex)).unwrap();
        let cli = score_cli(instrument.as_str(), &text, Some(sex.as_str())).unwrap();
        prop_assert_eq!(cli, typed.to_json());
    }

    #[test]
    fn any_text_at_all_gives_a_result_or_a_one_line_error_never_a_panic(
        name in "\\PC{0,12}",
        answers in "[0-9 ,.a-z+\\-]{0,60}",
        sex in prop::option::of("\\PC{0,8}"),
    ) {
        match score_cli(&name, &answers, sex.as_deref()) {
            Ok(v) => prop_assert!(v["total"].is_u64()),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(!msg.is_empty() && !msg.contains('\n'));
            }
        }
    }
}
