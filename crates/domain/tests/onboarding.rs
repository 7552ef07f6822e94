//! The readiness gate as scheduling will use it: properties over arbitrary client facts,
//! and one client walked from invitation to "ready" through the real domain types
//! (password, intake, screening, consent, emergency plan, assessment).

use std::collections::BTreeMap;

use alcove_domain::assessment::{suggest_risk_floor, Assessment, AssessmentForm, OutcomeKind};
use alcove_domain::consent::{
    default_document, ConsentDocument, ConsentKind, Signature, SignerRole,
};
use alcove_domain::emergency::{EmergencyPlan, EmergencyPlanForm};
use alcove_domain::instruments::{score, Instrument};
use alcove_domain::intake::{validate_answers, FormDefinition, RawAnswer};
use alcove_domain::onboarding::{
    readiness, signed_by_client, AssessmentFact, CompletedScreening, ConsentVersion,
    GuardianConsent, IdentityVerification, IntakeSubmission, PlanState, ReadinessInput, Reason,
    Step, DEFAULT_CONSENTS, DEFAULT_SCREENINGS,
};
use alcove_domain::password::check_password;
use alcove_domain::UserId;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn doc(kind: ConsentKind) -> &'static ConsentDocument {
    default_document(kind).unwrap()
}

#[test]
fn a_new_client_walks_from_invitation_to_ready() {
    let clinician = UserId(Uuid::from_u128(1));
    let mut input = ReadinessInput {
        invited_at: Some(at(2, 9)),
        account_created_at: None,
        email_verified_at: None,
        phone_verified_at: None,
        identity: None,
        guardian: GuardianConsent::Undetermined {
            why: "the date of birth is not recorded".into(),
        },
        intake: None,
        screenings_required: DEFAULT_SCREENINGS.to_vec(),
        screenings_completed: vec![],
        consents_required: DEFAULT_CONSENTS
            .iter()
            .map(|k| ConsentVersion::from(doc(*k)))
            .collect(),
        consents_signed: vec![],
        emergency_plan: PlanState::Missing,
        assessment: None,
    };
    let step_now = |input: &ReadinessInput| readiness(input, date("2026-11-20")).next_step();
    assert_eq!(step_now(&input), Some(Step::Account));

    // The client sets a password (checked) and confirms the email link.
    assert!(check_password("password1234", &["rowan.vale@example.org", "Rowan Vale"]).is_err());
    assert!(check_password(
        "lantern orbit 47 meadow",
        &["rowan.vale@example.org", "Rowan Vale"]
    )
    .is_ok());
    input.account_created_at = Some(at(2, 10));
    input.email_verified_at = Some(at(2, 10));
    input.phone_verified_at = Some(at(2, 11));
    assert_eq!(step_now(&input), Some(Step::IdentityVerified));

    // Date of birth and location are recorded: an adult in Massachusetts.
    let location = "US-MA".parse().unwrap();
    input.guardian = GuardianConsent::determine(
        Some(date("1990-04-12")),
        Some(&location),
        date("2026-11-20"),
        None,
    );
    assert_eq!(input.guardian, GuardianConsent::NotRequired);
    input.identity = Some(
        IdentityVerification::record(
            "photo_id_on_camera",
            "driver's licence",
            clinician,
            at(3, 15),
        )
        .unwrap(),
    );
    assert_eq!(step_now(&input), Some(Step::Intake));

    // Intake: a draft first, then the final submission.
    let form = FormDefinition::builtin_default().unwrap();
    let mut answers: BTreeMap<String, RawAnswer> = BTreeMap::new();
    answers.insert("pronouns".into(), RawAnswer::One("they/them".into()));
    assert!(!validate_answers(form, &answers, false).unwrap().complete);
    answers.insert(
        "reason".into(),
        RawAnswer::One("I have been anxious since I moved.".into()),
    );
    answers.insert("preferred_language".into(), RawAnswer::One("en".into()));
    let submitted = validate_answers(form, &answers, true).unwrap();
    input.intake = Some(IntakeSubmission {
        form_id: submitted.form_id.clone(),
        version: submitted.form_version,
        at: at(4, 8),
    });
    assert_eq!(step_now(&input), Some(Step::Screening));

    // Screening.
    let phq9 = score(Instrument::Phq9, &[1, 1, 2, 1, 0, 1, 1, 0, 0], None).unwrap();
    let gad7 = score(Instrument::Gad7, &[2, 2, 1, 1, 1, 0, 1], None).unwrap();
    for s in [&phq9, &gad7] {
        input
            .screenings_completed
            .push(CompletedScreening::of(s, date("2026-11-04")));
    }
    assert_eq!(step_now(&input), Some(Step::Consents));

    // Consents: typed name and the box ticked, for the exact current versions.
    let signatures: Vec<Signature> = DEFAULT_CONSENTS
        .iter()
        .map(|k| {
            Signature::sign(doc(*k), "Rowan Vale", true, SignerRole::Client, at(5, 9)).unwrap()
        })
        .collect();
    input.consents_signed = signed_by_client(&signatures);
    assert_eq!(step_now(&input), Some(Step::EmergencyPlan));

    // The emergency plan, saved as a draft and then completed.
    let mut plan_form = EmergencyPlanForm {
        jurisdiction: "US-MA",
        address: "44 Cedar St\nWorcester, MA 01609",
        ..Default::default()
    };
    let draft = EmergencyPlan::parse(&plan_form, None, at(5, 10)).unwrap();
    input.emergency_plan = PlanState::of(Some(&draft));
    assert!(matches!(input.emergency_plan, PlanState::Incomplete { .. }));
    plan_form.facility_name = "UMass Memorial Medical Center";
    plan_form.facility_address = "55 Lake Ave N, Worcester, MA 01655";
    plan_form.contact_name = "Sam Vale";
    plan_form.contact_relationship = "brother";
    plan_form.contact_phone = "508-555-0110";
    plan_form.contact_permission = "yes";
    plan_form.fallback_phone = "508-555-0123";
    plan_form.client_waits_minutes = "5";
    plan_form.clinician_waits_minutes = "10";
    plan_form.reconnect = "clinician_calls";
    let plan = EmergencyPlan::parse(&plan_form, Some(&draft), at(5, 11)).unwrap();
    input.emergency_plan = PlanState::of(Some(&plan));
    assert_eq!(step_now(&input), Some(Step::Assessment));

    // The clinician's assessment.
    let floor = suggest_risk_floor(&[phq9, gad7], Some(0));
    let assessment = Assessment::parse(
        &AssessmentForm {
            current_risk: "low",
            psychosis_or_severe_impairment: "none",
            substance_use: "none",
            home_safety: "none",
            intimate_partner_violence: "no",
            privacy: "some",
            technology: "none",
            sensory_or_cognitive_needs: "none",
            client_preference: "online",
            outcome: "suitable_with_safeguards",
            safeguards: vec!["Confirm at the start of each session that the client is alone"],
            ..Default::default()
        },
        &floor,
        clinician,
        date("2026-11-10"),
    )
    .unwrap();
    input.assessment = Some(AssessmentFact::from(&assessment));
    let r = readiness(&input, date("2026-11-20"));
    assert!(r.ready, "{:?}", r.missing);
    assert_eq!(r.done, Step::ALL.to_vec());

    // A month later the safeguards' revisit date has passed: not ready until reassessed.
    let later = readiness(&input, date("2026-12-11"));
    assert!(!later.ready);
    assert!(matches!(
        later.missing[0].1,
        Reason::AssessmentOutdated { .. }
    ));
}

// ---- properties over arbitrary facts --------------------------------------------------------

fn consent_doc(kind: ConsentKind, version: u32, words: u8) -> ConsentVersion {
    ConsentVersion::from(
        &ConsentDocument::new(kind, version, "T", &format!("Text {words}.")).unwrap(),
    )
}

prop_compose! {
    fn arb_input()(
        flags in proptest::collection::vec(any::<bool>(), 8),
        guardian in 0u8..5,
        required in proptest::collection::vec((0usize..3, 1u32..4, 0u8..2), 0..4),
        signed in proptest::collection::vec((0usize..3, 1u32..4, 0u8..2), 0..6),
        screenings in proptest::collection::vec((0usize..4, 0i64..40, any::<bool>()), 0..5),
        required_screens in proptest::collection::vec(0usize..4, 0..3),
        plan in 0u8..3,
        assessment in proptest::option::of((0usize..3, 0i64..40, 1i64..100)),
    ) -> ReadinessInput {
        let kinds = ConsentKind::ALL;
        let start = date("2026-11-01");
        let t = |on: bool, h: u32| on.then(|| at(1, h));
        ReadinessInput {
            invited_at: t(flags[0], 1),
            account_created_at: t(flags[1], 2),
            email_verified_at: t(flags[2], 3),
            phone_verified_at: t(flags[3], 4),
            identity: flags[4].then(|| {
                IdentityVerification::record("photo_id_on_camera", "", UserId(Uuid::nil()), at(1, 5)).unwrap()
            }),
            guardian: match guardian {
                0 => GuardianConsent::NotRequired,
                1 => GuardianConsent::MinorUnderConditions,
                2 => GuardianConsent::Required { given_at: None },
                3 => GuardianConsent::Required { given_at: Some(at(1, 6)) },
                _ => GuardianConsent::Undetermined { why: "no date of birth".into() },
            },
            intake: flags[5].then(|| IntakeSubmission { form_id: "intake_default".into(), version: 1, at: at(1, 7) }),
            screenings_required: required_screens.iter().map(|i| Instrument::ALL[*i]).collect(),
            screenings_completed: screenings
                .iter()
                .map(|(i, d, u)| CompletedScreening { instrument: Instrument::ALL[*i], on: start + Duration::days(*d), urgent: *u })
                .collect(),
            consents_required: required.iter().map(|(k, v, w)| consent_doc(kinds[*k], *v, *w)).collect(),
            consents_signed: signed.iter().map(|(k, v, w)| consent_doc(kinds[*k], *v, *w)).collect(),
            emergency_plan: match plan {
                0 => PlanState::Missing,
                1 => PlanState::Incomplete { missing: vec!["address".into()] },
                _ => PlanState::Complete,
            },
            assessment: assessment.map(|(o, d, r)| {
                let outcome = [OutcomeKind::Suitable, OutcomeKind::SuitableWithSafeguards, OutcomeKind::ReferInPerson][o];
                let assessed_on = start + Duration::days(d);
                AssessmentFact { outcome, assessed_on, revisit_on: assessed_on + Duration::days(r) }
            }),
        }
    }
}

fn today() -> impl Strategy<Value = NaiveDate> {
    (0i64..160).prop_map(|d| date("2026-11-01") + Duration::days(d))
}

proptest! {
    #[test]
    fn ready_exactly_when_nothing_is_missing_and_steps_partition(input in arb_input(), today in today()) {
        let r = readiness(&input, today);
        prop_assert_eq!(r.ready, r.missing.is_empty());
        let mut missing_steps: Vec<Step> = r.missing.iter().map(|(s, _)| *s).collect();
        // Reasons come in path order.
        prop_assert!(missing_steps.windows(2).all(|w| w[0] <= w[1]));
        missing_steps.dedup();
        prop_assert!(r.done.windows(2).all(|w| w[0] < w[1]));
        for step in Step::ALL {
            prop_assert_ne!(r.done.contains(&step), missing_steps.contains(&step));
        }
    }

    #[test]
    fn ready_means_every_fact_scheduling_relies_on_holds(input in arb_input(), today in today()) {
        let r = readiness(&input, today);
        if r.ready {
            prop_assert!(input.account_created_at.is_some());
            prop_assert!(input.email_verified_at.is_some() && input.phone_verified_at.is_some());
            prop_assert!(input.identity.is_some());
            prop_assert!(input.intake.is_some());
            let guardian_ok = !matches!(
                input.guardian,
                GuardianConsent::Required { given_at: None } | GuardianConsent::Undetermined { .. }
            );
            prop_assert!(guardian_ok);
            prop_assert_eq!(&input.emergency_plan, &PlanState::Complete);
            let a = input.assessment.unwrap();
            prop_assert!(a.outcome == OutcomeKind::Suitable || a.outcome == OutcomeKind::SuitableWithSafeguards);
            prop_assert!(today <= a.revisit_on);
            prop_assert!(!input.screenings_completed.iter().any(|s| s.urgent && s.on > a.assessed_on));
            prop_assert!(input.consents_required.iter().any(|c| c.kind == ConsentKind::TelehealthInformedConsent));
            for kind in ConsentKind::ALL {
                if let Some(cur) = input.consents_required.iter().filter(|c| c.kind == kind).max_by_key(|c| (c.version, c.content_hash)) {
                    prop_assert!(input.consents_signed.contains(cur));
                }
            }
            for i in &input.screenings_required {
                prop_assert!(input.screenings_completed.iter().any(|s| s.instrument == *i));
            }
        }
    }

    #[test]
    fn a_new_consent_version_always_blocks_until_it_is_signed(input in arb_input(), today in today()) {
        let mut bumped = input.clone();
        let v = bumped.consents_required.iter().map(|c| c.version).max().unwrap_or(0) + 10;
        let new = consent_doc(ConsentKind::TelehealthInformedConsent, v, 0);
        bumped.consents_required.push(new);
        let r = readiness(&bumped, today);
        prop_assert!(!r.ready);
        let named = r.reasons_for(Step::Consents).any(|m| {
            matches!(m, Reason::ConsentOutdated { current_version, .. } if *current_version == v)
                || matches!(m, Reason::ConsentNotSigned { kind: ConsentKind::TelehealthInformedConsent })
        });
        prop_assert!(named);
        bumped.consents_signed.push(new);
        let after = readiness(&bumped, today);
        let about_telehealth = |m: &Reason| match m {
            Reason::ConsentNotSigned { kind }
            | Reason::ConsentOutdated { kind, .. }
            | Reason::ConsentTextChanged { kind, .. } => *kind == ConsentKind::TelehealthInformedConsent,
            Reason::TelehealthConsentNotRequired => true,
            _ => false,
        };
        prop_assert!(!after.reasons_for(Step::Consents).any(about_telehealth));
    }

    #[test]
    fn the_order_of_the_lists_does_not_matter(input in arb_input(), today in today()) {
        let mut shuffled = input.clone();
        shuffled.consents_signed.reverse();
        shuffled.consents_required.reverse();
        shuffled.screenings_completed.reverse();
        shuffled.screenings_required.reverse();
        let (a, b) = (readiness(&input, today), readiness(&shuffled, today));
        prop_assert_eq!(a.ready, b.ready);
        prop_assert_eq!(a.done, b.done);
        prop_assert_eq!(a.missing.len(), b.missing.len());
    }

    #[test]
    fn readiness_lapses_when_time_passes_the_revisit_date(input in arb_input(), days in 0i64..200) {
        let start = date("2026-11-01");
        let r = readiness(&input, start + Duration::days(days));
        if let Some(a) = input.assessment {
            if start + Duration::days(days) > a.revisit_on {
                prop_assert!(!r.ready);
                let outdated = r
                    .reasons_for(Step::Assessment)
                    .any(|m| matches!(m, Reason::AssessmentOutdated { .. }));
                prop_assert!(outdated);
            }
        } else {
            prop_assert!(!r.ready);
        }
    }
}
