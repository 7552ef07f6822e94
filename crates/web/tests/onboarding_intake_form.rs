//! Issue 5, part 3 in the product: the intake form. The client's form (`/me/intake`) with
//! drafts that resume and a submission that checks every answer; the practice's versioned
//! editor (`/admin/intake`); the care team's audited view (`/clients/{client}/intake`); the
//! answers sealed with the client's data key; and the path on the client's home and the
//! clinician's caseload, both from `readiness_of`. Storage-touching tests run on SQLite and
//! on PostgreSQL.

mod common;

use common::client_id;

use alcove_domain::intake::{Answers, FormDefinition, Value};
use alcove_domain::onboarding::{Reason, Step};
use alcove_domain::ClientId;
use alcove_store::{DocBody, DocKind, Owner};
use alcove_testkit::{csrf_from, TestApp};
use alcove_web::onboarding::intake::{Draft, DRAFT_KEY, SUBMITTED_KEY};
use reqwest::Client;

/// The value of the hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[at..].chars().take_while(|c| *c != '"').collect()
}

/// Posts a form read from `page` (its CSRF token, plus `with_hidden` hidden values), with
/// `fields`; returns status, location and body.
async fn post(
    app: &TestApp,
    web: &Client,
    page: &str,
    action: &str,
    with_hidden: &[&str],
    fields: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let html = app.text(web, page).await;
    let csrf = csrf_from(&html);
    let hidden_values: Vec<(String, String)> = with_hidden
        .iter()
        .map(|h| (h.to_string(), hidden(&html, h)))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    for (k, v) in &hidden_values {
        form.push((k.as_str(), v.as_str()));
    }
    form.extend_from_slice(fields);
    let r = web.post(app.url(action)).form(&form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, location, r.text().await.unwrap_or_default())
}

async fn submissions(app: &TestApp, client: ClientId) -> Vec<Answers> {
    app.state
        .docs
        .history::<Answers>(DocKind::IntakeAnswers, Owner::Client(client), SUBMITTED_KEY)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.value)
        .collect()
}

async fn draft(app: &TestApp, client: ClientId) -> Option<Draft> {
    app.state
        .docs
        .latest::<Draft>(DocKind::IntakeAnswers, Owner::Client(client), DRAFT_KEY)
        .await
        .unwrap()
        .map(|v| v.value)
}

async fn intake_missing(app: &TestApp, client: ClientId) -> bool {
    alcove_web::onboarding::readiness_of(&app.state, client)
        .await
        .unwrap()
        .missing
        .iter()
        .any(|(s, r)| *s == Step::Intake && *r == Reason::IntakeNotSubmitted)
}

async fn actions_for(app: &TestApp, client: ClientId) -> Vec<(String, Option<String>)> {
    app.state
        .store
        .access_log(client, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.actor_name))
        .collect()
}

const INTAKE: &str = "/me/intake";
const DRAFT: &str = "/me/intake/draft";
const FORM_HIDDEN: &[&str] = &["form_version", "sent_version"];

on_both_backends!(
    a_draft_resumes_where_the_client_left_it_and_sending_completes_the_intake_step,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let id = client_id(&app, "Jordan Lee").await;
        assert!(intake_missing(&app, id).await);

        // The demo left Jordan part-way: the draft's answers are back in the form.
        let (s, html) = app.page(&jordan, INTAKE).await;
        assert_eq!(s, 200);
        assert!(html.contains(r#"id="intake-draft""#), "{html}");
        assert!(html.contains(r#"value="Graduate student""#), "{html}");
        assert!(
            html.contains(r#"id="q-supports-partner" checked"#),
            "{html}"
        );
        assert!(!html.contains(r#"id="q-supports-family" checked"#));
        assert!(html.contains(r#"src="/static/intake.js""#));

        // "Save draft" without script: saved, and shown again on the next visit.
        let (s, location, _) = post(
            &app,
            &jordan,
            INTAKE,
            DRAFT,
            FORM_HIDDEN,
            &[
                ("q.occupation", "Graduate student"),
                ("q.reason", "I freeze before exams and cannot sleep."),
                ("q.supports", "partner"),
                ("q.supports", "friends"),
                ("q.supports", "support_group"),
            ],
        )
        .await;
        assert_eq!(
            (s, location.as_deref()),
            (303, Some("/me/intake?saved=draft"))
        );
        let d = draft(&app, id).await.expect("a draft");
        assert!(d.open);
        assert_eq!(d.form_version, 1);
        let (_, html) = app.page(&jordan, "/me/intake?saved=draft").await;
        assert!(html.contains(r#"id="intake-saved""#));
        assert!(
            html.contains("I freeze before exams and cannot sleep.</textarea>"),
            "{html}"
        );
        assert!(html.contains(r#"id="q-supports-support_group" checked"#));
        // Answers left out of a later save are cleared: the draft is what the form holds.
        assert!(!html.contains("My partner and our dog"), "{html}");

        // The script's autosave: JSON with the time, and the answers that will need fixing.
        let html = app.text(&jordan, INTAKE).await;
        let csrf = csrf_from(&html);
        let r = jordan
            .post(app.url(DRAFT))
            .form(&[
                ("csrf", csrf.as_str()),
                ("form_version", "1"),
                ("sent_version", "0"),
                ("autosave", "1"),
                ("q.reason", "I freeze before exams and cannot sleep."),
                ("q.primary_care_phone", "call the clinic"),
                ("q.not_a_question", "dropped"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(
            v["message"].as_str().unwrap().starts_with("Draft saved at"),
            "{v}"
        );
        assert_eq!(v["problems"][0][0], "q-primary_care_phone", "{v}");
        let d = draft(&app, id).await.unwrap();
        assert!(!d.answers.contains_key("not_a_question"));
        assert!(
            d.answers.contains_key("primary_care_phone"),
            "kept to fix later"
        );
        assert!(
            intake_missing(&app, id).await,
            "a draft is not a submission"
        );

        // Sending: checked, stored, the draft spent, the step done.
        let (s, location, _) = post(
            &app,
            &jordan,
            INTAKE,
            INTAKE,
            FORM_HIDDEN,
            &[
                ("q.reason", "I freeze before exams and cannot sleep."),
                ("q.primary_care_phone", "+1 212 555 0100"),
                ("q.preferred_language", "en"),
                ("q.children", "0"),
                ("q.last_hospital_discharge", ""),
                ("q.supports", "partner"),
            ],
        )
        .await;
        assert_eq!(
            (s, location.as_deref()),
            (303, Some("/home?intake=sent#path"))
        );
        let sent = submissions(&app, id).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].form_version, 1);
        assert_eq!(sent[0].values["children"], Value::Number(0));
        assert!(!sent[0].values.contains_key("last_hospital_discharge"));
        assert!(!draft(&app, id).await.unwrap().open);
        assert!(!intake_missing(&app, id).await);
        let facts = alcove_web::onboarding::intake::facts(&app.state, id)
            .await
            .unwrap()
            .expect("a submission");
        assert_eq!(
            (facts.form_id.as_str(), facts.version),
            ("intake_default", 1)
        );

        let (_, home) = app.page(&jordan, "/home?intake=sent").await;
        assert!(home.contains(r#"id="intake-sent""#), "{home}");
        let step = section(&home, r#"id="path-intake""#);
        assert!(step.contains("Done"), "{step}");

        // The form now starts from what was sent; a save from the page loaded before sending
        // cannot reopen it.
        let (_, html) = app.page(&jordan, INTAKE).await;
        assert!(html.contains(r#"id="intake-submitted""#));
        assert!(!html.contains(r#"id="intake-draft""#));
        assert!(html.contains("I freeze before exams"));
        let r = jordan
            .post(app.url(DRAFT))
            .form(&[
                ("csrf", csrf_from(&html).as_str()),
                ("form_version", "1"),
                ("sent_version", "0"),
                ("autosave", "1"),
                ("q.reason", "late"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        assert!(!draft(&app, id).await.unwrap().open);

        let actions: Vec<String> = actions_for(&app, id)
            .await
            .into_iter()
            .map(|a| a.0)
            .collect();
        for a in ["intake.view", "intake.draft_saved", "intake.submitted"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }
);

/// The text of the element starting at `marker` up to its closing `</li>`.
fn section<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in {html}"));
    let end = html[at..].find("</li>").map_or(html.len(), |e| at + e);
    &html[at..end]
}

on_both_backends!(
    sending_names_each_problem_beside_its_question_keeps_the_answers_and_stores_nothing,
    |app: TestApp| async move {
        let casey = app.web_session(app.account_named("Casey Morgan")).await;
        let id = client_id(&app, "Casey Morgan").await;
        let (s, html) = app.page(&casey, INTAKE).await;
        assert_eq!(s, 200);
        assert!(
            html.contains(
                r#"<textarea id="q-reason" name="q.reason" rows="4" maxlength="4000" required"#
            ),
            "{html}"
        );
        let (s, _, html) = post(
            &app,
            &casey,
            INTAKE,
            INTAKE,
            FORM_HIDDEN,
            &[
                ("q.pronouns", "she/her"),
                ("q.children", "25"),
                ("q.last_hospital_discharge", "last spring"),
                ("q.primary_care_phone", "call me"),
                ("q.relationship_status", "complicated"),
                ("q.previous_therapy", "maybe"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        for (field, message) in [
            ("reason", "Please answer this question."),
            ("preferred_language", "Please answer this question."),
            ("children", "Please give a number from 0 to 20."),
            (
                "last_hospital_discharge",
                "Please give a date, for example 2026-11-23.",
            ),
            (
                "primary_care_phone",
                "Please give a phone number with 7 to 15 digits",
            ),
            (
                "relationship_status",
                "Please choose one of the options shown.",
            ),
            ("previous_therapy", "Please choose yes or no."),
        ] {
            let marker = format!(r#"<p class="field-error" id="q-{field}-error">"#);
            let at = html
                .find(&marker)
                .unwrap_or_else(|| panic!("no error for {field}: {html}"));
            assert!(html[at..].contains(message), "{field}: {message}");
        }
        // The summary links to each question; each input is marked and described.
        assert!(
            html.contains(r##"<a href="#q-reason">What would you like help with?</a>"##),
            "{html}"
        );
        assert!(html.contains(r##"<a href="#q-previous_therapy-yes">"##));
        assert!(
            html.contains(r#"aria-describedby="q-children-error" aria-invalid="true""#),
            "{html}"
        );
        // What was typed is kept to fix.
        assert!(html.contains(r#"value="she/her""#));
        assert!(html.contains(r#"value="last spring""#));
        assert!(html.contains(r#"value="call me""#));
        assert!(submissions(&app, id).await.is_empty());
        assert!(
            draft(&app, id).await.is_none(),
            "a refused submission is not kept"
        );
        assert!(intake_missing(&app, id).await);

        // A form version that does not exist is refused.
        let (s, _, _) = post(
            &app,
            &casey,
            INTAKE,
            INTAKE,
            &[],
            &[("form_version", "9"), ("q.reason", "x")],
        )
        .await;
        assert_eq!(s, 422);
        assert!(submissions(&app, id).await.is_empty());
    }
);

on_both_backends!(
    a_new_form_version_never_changes_answers_given_to_an_old_one,
    |app: TestApp| async move {
        let alex = client_id(&app, "Alex Rivera").await;
        let before = submissions(&app, alex).await;
        assert_eq!(before.len(), 1);
        assert_eq!(before[0].form_version, 1);

        let priya = app.web_session(app.account_named("Priya Natarajan")).await;
        let (s, html) = app.page(&priya, "/admin/intake").await;
        assert_eq!(s, 200);
        assert!(html.contains(r#"id="intake-unchanged""#), "{html}");
        assert!(html.contains(r#"id="field-occupation""#));

        // A bad field is refused with each problem beside its input; the copy is unchanged.
        let (s, _, html) = post(
            &app,
            &priya,
            "/admin/intake",
            "/admin/intake/fields",
            &["after"],
            &[
                ("section", "0"),
                ("name", "Work Email"),
                ("label", ""),
                ("kind", "choice"),
                ("options", "only one"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains(r#"id="f-name-error""#), "{html}");
        assert!(html.contains(r#"id="f-label-error""#));
        assert!(html.contains("Please give at least 2 choices."));
        assert!(html.contains(r#"value="Work Email""#), "kept to fix");

        // Add a required email question, rename the reason question, remove occupation,
        // move the new question up.
        let (s, location, _) = post(
            &app,
            &priya,
            "/admin/intake",
            "/admin/intake/fields",
            &["after"],
            &[
                ("section", "0"),
                ("name", "work_email"),
                ("label", "An email address we may use"),
                ("kind", "email"),
                ("required", "yes"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{location:?}");
        let (s, _, _) = post(
            &app,
            &priya,
            "/admin/intake/fields/reason",
            "/admin/intake/fields/reason",
            &["after"],
            &[
                ("op", "save"),
                ("name", "reason"),
                ("label", "In a few words, why are you seeking help now?"),
                ("kind", "long_text"),
                ("max", "3000"),
                ("required", "yes"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        for (field, op) in [("occupation", "remove"), ("work_email", "up")] {
            let (s, _, html) = post(
                &app,
                &priya,
                "/admin/intake",
                &format!("/admin/intake/fields/{field}"),
                &["after"],
                &[("op", op)],
            )
            .await;
            assert_eq!(s, 303, "{field} {op}: {html}");
        }
        // A change from a page read before the last one is refused, not merged blindly.
        let r = priya
            .post(app.url("/admin/intake/fields/pronouns"))
            .form(&[
                (
                    "csrf",
                    csrf_from(&app.text(&priya, "/admin/intake").await).as_str(),
                ),
                ("after", "1"),
                ("op", "remove"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);

        let (_, html) = app.page(&priya, "/admin/intake").await;
        assert!(html.contains(r#"id="intake-changed""#));
        assert!(!html.contains(r#"id="field-occupation""#));
        let email_at = html.find(r#"id="field-work_email""#).unwrap();
        let culture_at = html.find(r#"id="field-cultural_background""#).unwrap();
        assert!(
            email_at < culture_at,
            "moved up past the last question of the section"
        );
        // Clients still answer version 1 until it is published.
        assert_eq!(
            alcove_web::onboarding::intake::published(&app.state)
                .await
                .unwrap()
                .version,
            1
        );
        let (s, location, _) = post(
            &app,
            &priya,
            "/admin/intake",
            "/admin/intake/publish",
            &["after"],
            &[],
        )
        .await;
        assert_eq!(
            (s, location.as_deref()),
            (303, Some("/admin/intake?done=published"))
        );
        let (_, html) = app.page(&priya, "/admin/intake?done=published").await;
        assert!(html.contains("Version 2 is published."), "{html}");
        let stored: Vec<u32> = alcove_web::onboarding::intake::versions(&app.state)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.value.version)
            .collect();
        assert_eq!(stored, vec![1, 2]);
        let v1 = alcove_web::onboarding::intake::form_version(&app.state, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&v1, FormDefinition::builtin_default().unwrap());
        // Nothing changed: publishing again is refused.
        let (s, _, _) = post(
            &app,
            &priya,
            "/admin/intake",
            "/admin/intake/publish",
            &["after"],
            &[],
        )
        .await;
        assert_eq!(s, 422);

        // Alex's answers to version 1 are as they were, and read against version 1.
        assert_eq!(submissions(&app, alex).await, before);
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let (s, html) = app.page(&dana, &format!("/clients/{alex}/intake")).await;
        assert_eq!(s, 200);
        assert!(
            html.contains("answering version 1 of the intake form"),
            "{html}"
        );
        assert!(html.contains("What would you like help with?"));
        assert!(html.contains("Nurse, night shifts"));
        assert!(!html.contains("why are you seeking help now"));

        // Jordan's draft stays on the version it started; Casey starts on version 2.
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let html = app.text(&jordan, INTAKE).await;
        assert_eq!(hidden(&html, "form_version"), "1");
        assert!(html.contains(r#"id="q-occupation""#));
        let casey = app.web_session(app.account_named("Casey Morgan")).await;
        let html = app.text(&casey, INTAKE).await;
        assert_eq!(hidden(&html, "form_version"), "2");
        assert!(!html.contains(r#"id="q-occupation""#));
        assert!(html.contains(r#"type="email""#));
        let answers = [
            ("q.reason", "Grief after my father died."),
            ("q.preferred_language", "es"),
            ("q.work_email", "casey at home"),
        ];
        let (s, _, html) = post(&app, &casey, INTAKE, INTAKE, FORM_HIDDEN, &answers).await;
        assert_eq!(s, 422);
        assert!(html.contains("Please give an email address"), "{html}");
        let mut fixed = answers;
        fixed[2].1 = "Casey.Morgan@Example.org";
        let (s, _, _) = post(&app, &casey, INTAKE, INTAKE, FORM_HIDDEN, &fixed).await;
        assert_eq!(s, 303);
        let casey_id = client_id(&app, "Casey Morgan").await;
        let sent = submissions(&app, casey_id).await;
        assert_eq!(sent[0].form_version, 2);
        assert_eq!(
            sent[0].values["work_email"],
            Value::Email("casey.morgan@example.org".parse().unwrap())
        );
    }
);

on_both_backends!(
    intake_answers_and_drafts_are_sealed_with_the_clients_key,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let id = client_id(&app, "Jordan Lee").await;
        let (s, _, _) = post(
            &app,
            &jordan,
            INTAKE,
            DRAFT,
            FORM_HIDDEN,
            &[("q.medications", "Quokkazepam 5 mg at night")],
        )
        .await;
        assert_eq!(s, 303);
        let (s, _, _) = post(
            &app,
            &jordan,
            INTAKE,
            INTAKE,
            FORM_HIDDEN,
            &[
                ("q.reason", "Nightmares about the Quillback fire"),
                ("q.medications", "Quokkazepam 5 mg at night"),
                ("q.preferred_language", "en"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        // What the store holds, on either backend: ciphertext only.
        for key in [DRAFT_KEY, SUBMITTED_KEY] {
            let docs = app
                .state
                .store
                .document_history(DocKind::IntakeAnswers, &Owner::Client(id), key)
                .await
                .unwrap();
            assert!(!docs.is_empty());
            for d in docs {
                let DocBody::Sealed(sealed) = &d.body else {
                    panic!("{key} v{} is stored in plain text", d.version);
                };
                for needle in ["Quokkazepam", "Quillback", "medications"] {
                    assert!(
                        !sealed
                            .ciphertext
                            .windows(needle.len())
                            .any(|w| w == needle.as_bytes()),
                        "{needle} readable in {key} v{}",
                        d.version
                    );
                }
            }
        }
        // And the SQLite files on disk (PostgreSQL keeps its files elsewhere).
        let mut bytes = Vec::new();
        for f in ["alcove.db", "alcove.db-wal"] {
            if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
                bytes.extend(b);
            }
        }
        for needle in ["Quokkazepam", "Quillback", "Graduate student"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle:?} is in the database files in plain text"
            );
        }
        // The care team reads it back through the client's key.
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let html = app.text(&dana, &format!("/clients/{id}/intake")).await;
        assert!(html.contains("Quokkazepam 5 mg at night"), "{html}");
    }
);

on_both_backends!(
    only_the_client_and_their_care_team_read_the_intake_and_every_read_is_audited,
    |app: TestApp| async move {
        let alex = client_id(&app, "Alex Rivera").await;
        let path = format!("/clients/{alex}/intake");
        let secret = "Nurse, night shifts";

        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let (s, html) = app.page(&dana, &path).await;
        assert_eq!(s, 200);
        assert!(html.contains(secret));
        assert!(html.contains("Sleep better and stop dreading my shifts."));
        let (_, record) = app.page(&dana, &format!("/clients/{alex}")).await;
        assert!(record.contains(&format!(r#"href="{path}""#)));
        let log = actions_for(&app, alex).await;
        assert!(
            log.iter()
                .any(|(a, who)| a == "intake.view" && who.as_deref() == Some("Dana Whitfield")),
            "{log:?}"
        );

        for (name, status) in [
            ("Samuel Okafor", 404),
            ("Jordan Lee", 403),
            ("Priya Natarajan", 403),
            ("Tom Becker", 403),
            ("Maria Alvarez", 403),
        ] {
            let web = app.web_session(app.account_named(name)).await;
            let (s, html) = app.page(&web, &path).await;
            assert_eq!(s, status, "{name}");
            assert!(!html.contains(secret), "{name} sees Alex's answers");
            if name == "Priya Natarajan" {
                // The admin edits forms but reads no answers.
                let (s, html) = app.page(&web, "/admin/intake").await;
                assert_eq!(s, 200);
                assert!(!html.contains(secret));
            }
        }
        // Jordan's own form holds only Jordan's answers.
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        assert!(!app.text(&jordan, INTAKE).await.contains(secret));

        // Alex sees the care team's read in their access history.
        let alex_web = app.web_session(app.account_named("Alex Rivera")).await;
        let (s, html) = app.page(&alex_web, INTAKE).await;
        assert_eq!(s, 200);
        assert!(html.contains(secret), "Alex resumes from the answers sent");
        let history = app.text(&alex_web, "/me/access-log").await;
        assert!(history.contains("Read your intake form"), "{history}");
    }
);

on_both_backends!(
    the_clients_path_and_the_clinicians_caseload_come_from_the_same_readiness,
    |app: TestApp| async move {
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let caseload = app.text(&dana, "/home").await;
        for name in ["Alex Rivera", "Jordan Lee", "Casey Morgan"] {
            let id = client_id(&app, name).await;
            let r = alcove_web::onboarding::readiness_of(&app.state, id)
                .await
                .unwrap();
            let want = if r.ready {
                "Ready".to_string()
            } else {
                format!("Getting ready: {} of 9", r.done.len())
            };
            let row_at = caseload.find(&format!(">{name}</a>")).expect(name);
            let row = &caseload[row_at..row_at + caseload[row_at..].find("</tr>").unwrap()];
            assert!(
                row.contains(&format!(r#"<td class="path-status">{want}</td>"#)),
                "{name}: {row}"
            );
        }
        assert!(
            caseload.contains(r#"<td class="path-status">Ready</td>"#),
            "Alex is ready"
        );
        assert!(caseload.contains("Getting ready: 3 of 9"), "{caseload}");

        // Jordan's home: every step in order, what is done, the current step, and links.
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let home = app.text(&jordan, "/home").await;
        let keys: Vec<usize> = Step::ALL
            .iter()
            .map(|s| {
                home.find(&format!(r#"id="path-{}""#, s.as_str()))
                    .unwrap_or_else(|| panic!("no step {s} on the home page"))
            })
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "steps in path order");
        assert!(section(&home, r#"id="path-account""#).contains("Done"));
        let identity = section(&home, r#"id="path-identity_verified""#);
        assert!(identity.contains(r#"aria-current="step""#), "{identity}");
        let intake = section(&home, r#"id="path-intake""#);
        assert!(
            intake.contains("To do") && intake.contains(r#"href="/me/intake""#),
            "{intake}"
        );
        assert!(section(&home, r#"id="path-consents""#).contains(r#"href="/me/consents""#));
        assert!(home.contains("Getting ready: 3 of 9"));

        // Sending the intake moves both views on together.
        let (s, _, _) = post(
            &app,
            &jordan,
            INTAKE,
            INTAKE,
            FORM_HIDDEN,
            &[("q.reason", "Exams."), ("q.preferred_language", "en")],
        )
        .await;
        assert_eq!(s, 303);
        let home = app.text(&jordan, "/home").await;
        assert!(section(&home, r#"id="path-intake""#).contains("Done"));
        assert!(home.contains("Getting ready: 4 of 9"), "{home}");
        let caseload = app.text(&dana, "/home").await;
        assert!(caseload.contains("Getting ready: 4 of 9"), "{caseload}");

        // Alex, ready, is told so.
        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let home = app.text(&alex, "/home").await;
        assert!(
            home.contains("You are ready for online sessions."),
            "{home}"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accessibility_needs_and_the_preferred_language_show_on_the_clinicians_view() {
    let app = alcove_testkit::spawn_app().await;
    let jordan = app.web_session(app.account_named("Jordan Lee")).await;
    let id = client_id(&app, "Jordan Lee").await;
    let (s, _, _) = post(
        &app,
        &jordan,
        INTAKE,
        INTAKE,
        FORM_HIDDEN,
        &[
            ("q.reason", "Exams."),
            ("q.preferred_language", "es"),
            ("q.interpreter", "yes"),
            ("q.accessibility_needs", "captions"),
            ("q.accessibility_needs", "plain_language"),
            (
                "q.accessibility_details",
                "Please send documents a day early.",
            ),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let html = app.text(&dana, &format!("/clients/{id}/intake")).await;
    for shown in [
        "Which language would you like to use in sessions?</dt><dd>Spanish</dd>",
        "Would you like an interpreter?</dt><dd>Yes</dd>",
        "<dd>Captions during video; Plain language, or more time to read</dd>",
        "Please send documents a day early.",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
}

on_both_backends!(
    screening_items_follow_the_language_the_intake_asked_for_and_the_switch_on_the_page,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let id = client_id(&app, "Jordan Lee").await;
        let spanish_stem = "Durante las últimas 2 semanas";
        let english_stem = "Over the last 2 weeks";

        // Before the intake says anything, the items are in English, with a switch to Spanish.
        let (s, html) = app.page(&jordan, "/me/screening/phq9").await;
        assert_eq!(s, 200);
        assert!(html.contains(r#"id="screening-form" lang="en""#), "{html}");
        assert!(html.contains(english_stem));
        assert!(
            html.contains(
                r#"href="/me/screening/phq9?lang=es" lang="es" hreflang="es">Español</a>"#
            ),
            "{html}"
        );

        // The intake asks for Spanish in sessions: the questionnaires follow.
        let (s, _, body) = post(
            &app,
            &jordan,
            INTAKE,
            INTAKE,
            FORM_HIDDEN,
            &[
                ("q.reason", "No duermo bien antes de los exámenes."),
                ("q.preferred_language", "es"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{body}");
        for slug in ["phq9", "gad7"] {
            let (_, html) = app.page(&jordan, &format!("/me/screening/{slug}")).await;
            assert!(
                html.contains(r#"id="screening-form" lang="es""#),
                "{slug}: {html}"
            );
            assert!(html.contains(spanish_stem), "{slug}");
            assert!(!html.contains(english_stem), "{slug}");
        }

        // The switch on the page wins, both ways.
        let (_, html) = app.page(&jordan, "/me/screening/phq9?lang=en").await;
        assert!(html.contains(r#"id="screening-form" lang="en""#));
        assert!(html.contains(english_stem));
        assert!(html.contains(r#"lang="en" hreflang="en" aria-current="true">English</a>"#));
        // A language the instrument has no items in falls back to the intake's.
        let (_, html) = app.page(&jordan, "/me/screening/phq9?lang=fr").await;
        assert!(html.contains(spanish_stem));

        // Answers are kept with the language the client read.
        let all: Vec<(String, String)> =
            (1..=9).map(|n| (format!("item_{n}"), "0".into())).collect();
        let mut fields: Vec<(&str, &str)> = vec![("lang", "es")];
        fields.extend(all.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let (s, _, html) = post(
            &app,
            &jordan,
            "/me/screening/phq9",
            "/me/screening/phq9",
            &[],
            &fields,
        )
        .await;
        assert_eq!(s, 200, "{html}");
        let stored = app
            .state
            .docs
            .all::<alcove_web::onboarding::screening::Completion>(
                DocKind::Screening,
                Some(Owner::Client(id)),
            )
            .await
            .unwrap();
        let languages: Vec<&str> = stored.iter().map(|v| v.value.language.as_str()).collect();
        assert_eq!(languages, ["es"], "Jordan's one completion, in Spanish");
    }
);
