//! Flesch–Kincaid grades of public-domain passages against reference grades.
//!
//! References: Wikipedia's worked example ("Flesch–Kincaid readability tests": the platypus
//! sentence, 13 words and 24 syllables, grade 11.3), and for the longer passages the grade
//! textstat 0.7.13 computes with the CMU Pronouncing Dictionary's syllable counts
//! (2026-11-23). The Gettysburg Address is also widely reported as "11th-grade level".
//! Alcove's syllables are a heuristic (see `readability`'s docs), so the bar is ±1.0 grade.

use alcove_domain::readability::{analyse, flesch_kincaid_grade, hardest_sentences, TARGET_GRADE};

const GETTYSBURG: &str = "Four score and seven years ago our fathers brought forth on this continent, a new nation, conceived in Liberty, and dedicated to the proposition that all men are created equal.

Now we are engaged in a great civil war, testing whether that nation, or any nation so conceived and so dedicated, can long endure. We are met on a great battle-field of that war. We have come to dedicate a portion of that field, as a final resting place for those who here gave their lives that that nation might live. It is altogether fitting and proper that we should do this.

But, in a larger sense, we can not dedicate -- we can not consecrate -- we can not hallow -- this ground. The brave men, living and dead, who struggled here, have consecrated it, far above our poor power to add or detract. The world will little note, nor long remember what we say here, but it can never forget what they did here. It is for us the living, rather, to be dedicated here to the unfinished work which they who fought here have thus far so nobly advanced. It is rather for us to be here dedicated to the great task remaining before us -- that from these honored dead we take increased devotion to that cause for which they gave the last full measure of devotion -- that we here highly resolve that these dead shall not have died in vain -- that this nation, under God, shall have a new birth of freedom -- and that government of the people, by the people, for the people, shall not perish from the earth.";

const PREAMBLE: &str = "We the People of the United States, in Order to form a more perfect Union, establish Justice, insure domestic Tranquility, provide for the common defence, promote the general Welfare, and secure the Blessings of Liberty to ourselves and our Posterity, do ordain and establish this Constitution for the United States of America.";

const DECLARATION: &str = "When in the Course of human events, it becomes necessary for one people to dissolve the political bands which have connected them with another, and to assume among the powers of the earth, the separate and equal station to which the Laws of Nature and of Nature's God entitle them, a decent respect to the opinions of mankind requires that they should declare the causes which impel them to the separation. We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness.";

const PLAIN: &str = "You can stop at any time. We will talk about what you want from our work. If the video stops, I will call you. Please keep your phone near you. If you are in danger, call 911. You can also call or text 988 at any hour.";

fn assert_within_one(text: &str, reference: f64) {
    let g = flesch_kincaid_grade(text).expect("the passage has words");
    assert!(
        (g - reference).abs() <= 1.0,
        "grade {g:.2}, reference {reference}"
    );
}

#[test]
fn the_wikipedia_platypus_sentence_is_within_one_grade_of_11_3() {
    assert_within_one(
        "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.",
        11.3,
    );
}

#[test]
fn the_gettysburg_address_is_within_one_grade_of_its_reference() {
    let r = analyse(GETTYSBURG);
    // Word processors and textstat agree on 10 sentences and 271 words.
    assert_eq!((r.sentences, r.words), (10, 271));
    assert_within_one(GETTYSBURG, 11.05);
}

#[test]
fn the_preamble_and_the_declaration_are_within_one_grade_of_their_references() {
    assert_eq!(analyse(PREAMBLE).words, 52);
    assert_within_one(PREAMBLE, 26.25);
    assert_eq!(analyse(DECLARATION).sentences, 2);
    assert_within_one(DECLARATION, 23.45);
}

#[test]
fn plain_short_sentences_are_well_under_the_target() {
    assert_within_one(PLAIN, 1.52);
    assert!(!analyse(PLAIN).above_target());
}

#[test]
fn the_gettysburg_address_s_hardest_sentence_is_its_last() {
    let hard = hardest_sentences(GETTYSBURG, 3);
    assert_eq!(hard[0].index, 9);
    assert!(hard[0].text(GETTYSBURG).starts_with("It is rather for us"));
    assert!(hard[0].text(GETTYSBURG).ends_with("from the earth."));
    assert!(hard.iter().all(|s| s.grade > TARGET_GRADE));
}
