// Issue 5's "Done when", in a real browser against the real binary:
//
// 1. A clinician invites a new client; the invitation arrives in a real SMTP sink (the server is
//    started with ALCOVE_SMTP_URL pointing at it, and its own SMTP client delivers there). The
//    client follows the emailed link and walks the whole path — account, phone checked with the
//    code the development SMS gateway wrote, intake, screenings (in Spanish, the language the
//    intake asked for), consents signed (and the PDF of what was signed), emergency plan — the
//    clinician records the identity check and completes the appropriateness assessment, and
//    both the client's path and the clinician's caseload then say "ready".
// 2. An admin publishes a new version of the telehealth consent: a client who was ready is no
//    longer (path and caseload say they must sign again) until they sign the new version.
// 3. A minor's guardian is invited from the clinician's page, reads the emailed link and signs.
//
// axe-core runs on every page reached (the harness fails on serious or critical violations).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Suite } from './lib/harness.mjs';
import { startSmtpSink } from './lib/smtp-sink.mjs';
import { codeFromGateway } from './lib/sms.mjs';

/** @type {Suite} */
let suite;
let sink;
const TIMEOUT = { timeout: 300_000 };

before(async () => {
  sink = await startSmtpSink();
  suite = await Suite.start({
    env: (url) => ({ ALCOVE_SMTP_URL: sink.url, ALCOVE_PUBLIC_URL: url, ALCOVE_SMS: 'log' }),
  });
});

after(async () => {
  if (suite) {
    console.log(`# axe checked ${suite.axeChecked.length} page views: ${[...new Set(suite.axeChecked)].sort().join(', ')}`);
    await suite.stop();
  }
  if (sink) await sink.stop();
});

const path = (page) => new URL(page.url()).pathname;
const squash = (t) => (t ?? '').replace(/\s+/g, ' ').trim();
const stepText = async (page, key) => squash(await page.textContent(`#path-${key}`));

/** The caseload on the clinician's home: { name: { href, status } }. */
async function caseload(page) {
  const rows = await page.$$eval('table tbody tr', (trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('a')?.textContent.trim(),
      href: tr.querySelector('a')?.getAttribute('href'),
      status: tr.querySelector('td.path-status')?.textContent.replace(/\s+/g, ' ').trim(),
    })),
  );
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

/** Fills a form field and presses Enter in it, waiting for the page that follows. */
async function submitFrom(page, selector) {
  await suite.navigate(page, () => page.press(selector, 'Enter'));
}

/** Clicks a submit button and waits for the page that follows. */
async function clickThrough(page, selector) {
  await suite.navigate(page, () => page.click(selector));
}

/** Answers every item of the screening form on the page with `answer(itemNumber)`. */
async function answerScreening(page, answer) {
  const items = await page.$$eval('fieldset[id^="item-"]', (fs) => fs.map((f) => Number(f.id.slice(5))));
  assert.ok(items.length > 0, 'the form has items');
  for (const n of items) await page.check(`#item_${n}_${answer(n)}`);
  return items.length;
}

const NEW_CLIENT = {
  legalName: 'Samira Okafor',
  preferred: 'Sam',
  email: 'samira.okafor@mail.example',
  home: 'US-MA',
  dob: '1991-04-17',
  password: 'lantern orchard velvet 42',
  phone: '+1 617 555 0142',
  e164: '+16175550142',
};

let samId = null;

test('a new client walks from the emailed invitation to ready, and the clinician completes the assessment', TIMEOUT, async () => {
  const dana = suite.account('clinician', 'Dana Whitfield');
  const clinician = await suite.signedInPage(dana);

  // --- The clinician invites the client. -------------------------------------------------
  await suite.visit(clinician, '/clients/invite', { status: 200 });
  await clinician.fill('#legal_name', NEW_CLIENT.legalName);
  await clinician.fill('#email', NEW_CLIENT.email);
  await clinician.fill('#home', NEW_CLIENT.home);
  await submitFrom(clinician, '#home');
  assert.match(await clinician.textContent('#invite-sent'), new RegExp(NEW_CLIENT.email.replace(/\./g, '\\.')));

  // --- The email, as the SMTP sink received it from the product's SMTP client. ------------
  const mail = await sink.waitFor((m) => m.to.includes(NEW_CLIENT.email), `invitation to ${NEW_CLIENT.email}`);
  const body = mail.text();
  assert.match(mail.subject, /invitation/i);
  assert.doesNotMatch(`${mail.subject}\n${body}`, /Samira|Okafor/, 'the email never names the client');
  const links = mail.links().filter((l) => l.includes('/invite/'));
  assert.equal(links.length, 1, `one invitation link in:\n${body}`);
  const link = new URL(links[0]);
  assert.equal(link.origin, suite.url, 'the link points at the practice (ALCOVE_PUBLIC_URL)');

  // --- The client follows the link and sets up the account. ------------------------------
  const ctx = await suite.newContext();
  const sam = await suite.newPage(ctx);
  await suite.visit(sam, link.href, { status: 200 });
  assert.match(await sam.textContent('main'), new RegExp(NEW_CLIENT.email.replace(/\./g, '\\.')));
  await sam.fill('#preferred_name', NEW_CLIENT.preferred);
  await sam.fill('#date_of_birth', NEW_CLIENT.dob);
  // A common password is refused, with the reason.
  await sam.fill('#password', 'password1234');
  await sam.fill('#confirm', 'password1234');
  await clickThrough(sam, 'form[action^="/invite/"] button[type="submit"]');
  assert.ok(await sam.$('#accept-error'), 'a common password is refused');
  await sam.fill('#password', NEW_CLIENT.password);
  await sam.fill('#confirm', NEW_CLIENT.password);
  await clickThrough(sam, 'form[action^="/invite/"] button[type="submit"]');
  assert.equal(path(sam), '/home', 'signed in on their home');
  assert.match(await stepText(sam, 'account'), /^Done:/);
  assert.match(await stepText(sam, 'contact_verified'), /^To do:/, 'the phone is not checked yet');

  // The link works once.
  const again = await suite.newPage(await suite.newContext());
  await suite.visit(again, link.href, { status: 410 });
  await again.context().close();

  // --- Phone: a code through the development SMS gateway. -------------------------------
  await clickThrough(sam, '#path-contact_verified a');
  assert.equal(path(sam), '/me/contact');
  assert.match(await sam.textContent('#contact-facts'), /checked/i, 'the email is already checked by the link');
  await sam.fill('#phone', NEW_CLIENT.phone);
  await submitFrom(sam, '#phone');
  const code = codeFromGateway(suite.server.dir, NEW_CLIENT.e164);
  await sam.fill('#code', code);
  await submitFrom(sam, '#code');
  assert.match(await sam.textContent('#contact-phone-status'), new RegExp(`\\${NEW_CLIENT.e164} — checked`));
  await suite.visit(sam, '/home', { status: 200 });
  assert.match(await stepText(sam, 'contact_verified'), /^Done:/);

  // --- Intake: Spanish is the language for sessions. -----------------------------------
  await clickThrough(sam, '#path-intake a');
  assert.equal(path(sam), '/me/intake');
  await sam.fill('#q-reason', 'Me cuesta dormir y me preocupo todo el día desde que me mudé.');
  await sam.selectOption('#q-preferred_language', 'es');
  await clickThrough(sam, '#intake-send');
  assert.equal(path(sam), '/home');
  assert.match(await stepText(sam, 'intake'), /^Done:/);

  // --- Screenings, in Spanish because the intake said so. --------------------------------
  await clickThrough(sam, '#path-screening a');
  assert.equal(path(sam), '/me/screening');
  for (const slug of ['phq9', 'gad7']) {
    await suite.visit(sam, `/me/screening/${slug}`, { status: 200 });
    assert.equal(await sam.getAttribute('#screening-form', 'lang'), 'es', `${slug} items are in Spanish`);
    assert.match(await sam.textContent('#scr-stem'), /últimas 2 semanas/);
    // Item 9 of the PHQ-9 answered 0: no safety flag in this walk.
    const n = await answerScreening(sam, (i) => (i % 2 === 0 ? 1 : 0));
    assert.equal(n, slug === 'phq9' ? 9 : 7);
    await clickThrough(sam, '#screening-form button[type="submit"]');
    assert.ok(!(await sam.$('#crisis-resources')), 'no crisis panel for these answers');
  }
  await suite.visit(sam, '/home', { status: 200 });
  assert.match(await stepText(sam, 'screening'), /^Done:/);

  // --- Consents: read, sign by typed name, download the PDF of what was signed. -----------
  await clickThrough(sam, '#path-consents a');
  assert.equal(path(sam), '/me/consents');
  for (const kind of ['telehealth_informed_consent', 'privacy_notice_acknowledgment']) {
    await clickThrough(sam, `#consent-${kind} > a`);
    assert.equal(path(sam), `/me/consents/${kind}`);
    assert.doesNotMatch(await sam.textContent('main'), /\{\{/, 'no template placeholders in the text');
    await sam.fill('#name', NEW_CLIENT.legalName);
    await sam.check('#agree');
    await clickThrough(sam, `form[action="/me/consents/${kind}"] button[type="submit"]`);
    assert.equal(path(sam), '/me/consents');
    assert.match(await sam.textContent(`#consent-${kind}`), /Signed/);
  }
  const pdfHref = await sam.getAttribute('#consent-telehealth_informed_consent a.pdf-link', 'href');
  const pdf = await sam.request.get(pdfHref);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.ok((await pdf.body()).subarray(0, 5).equals(Buffer.from('%PDF-')), 'a PDF');

  // --- Emergency and contingency plan. -------------------------------------------------
  await suite.visit(sam, '/home', { status: 200 });
  await clickThrough(sam, '#path-emergency_plan a');
  assert.equal(path(sam), '/me/emergency-plan');
  await sam.fill('#jurisdiction', 'US-MA');
  await sam.fill('#address', '14 Larchmont Street, Apt 3, Boston');
  await sam.fill('#facility_name', 'Boston Medical Center');
  await sam.fill('#facility_address', '1 Boston Medical Center Place');
  await sam.fill('#contact_name', 'Ifeoma Okafor');
  await sam.fill('#contact_relationship', 'sister');
  await sam.fill('#contact_phone', '+1 617 555 0188');
  await sam.check('#contact_permission_yes');
  await sam.fill('#fallback_phone', NEW_CLIENT.phone);
  await sam.fill('#client_waits_minutes', '5');
  await sam.fill('#clinician_waits_minutes', '10');
  await sam.check('#reconnect_both_rejoin');
  await clickThrough(sam, '#ep-form button[type="submit"]');
  assert.ok(await sam.$('#ep-complete'), 'the plan is complete');

  // Everything the client can do is done; the clinician's steps remain.
  await suite.visit(sam, '/home', { status: 200 });
  assert.match(await sam.textContent('#path-status'), /Getting ready: 7 of 9/);
  assert.match(await stepText(sam, 'identity_verified'), /^To do:/);
  assert.match(await stepText(sam, 'assessment'), /^To do:/);

  // --- The clinician: the caseload, the identity check, the assessment. ----------------
  await suite.visit(clinician, '/home', { status: 200 });
  let rows = await caseload(clinician);
  assert.ok(rows[NEW_CLIENT.legalName], 'the new client is on the caseload');
  assert.equal(rows[NEW_CLIENT.legalName].status, 'Getting ready: 7 of 9');
  samId = rows[NEW_CLIENT.legalName].href.split('/').pop();

  await suite.visit(clinician, `/clients/${samId}/identity`, { status: 200 });
  await clinician.selectOption('#method', 'photo_id_on_camera');
  await clinician.fill('#note', 'Passport shown on camera; name and photo matched.');
  await clickThrough(clinician, `form[action="/clients/${samId}/identity"] button[type="submit"]`);
  assert.ok(await clinician.$('#identity-current'), 'the check is recorded');

  await suite.visit(clinician, `/clients/${samId}/assessment`, { status: 200 });
  for (const [name, value] of [
    ['current_risk', 'low'],
    ['psychosis_or_severe_impairment', 'none'],
    ['substance_use', 'none'],
    ['home_safety', 'none'],
    ['intimate_partner_violence', 'no'],
    ['privacy', 'none'],
    ['technology', 'none'],
    ['sensory_or_cognitive_needs', 'none'],
    ['client_preference', 'online'],
    ['outcome', 'suitable'],
  ]) {
    await clinician.selectOption(`#${name}`, value);
  }
  await clinician.fill('#signed_name', dana.name);
  await clickThrough(clinician, `form[action="/clients/${samId}/assessment"] button[type="submit"]`);
  assert.ok(await clinician.$('#assessment-saved'), 'the assessment is signed');

  // --- Ready, on both sides. --------------------------------------------------------------
  await suite.visit(clinician, '/home', { status: 200 });
  rows = await caseload(clinician);
  assert.equal(rows[NEW_CLIENT.legalName].status, 'Ready');
  await suite.visit(sam, '/home', { status: 200 });
  assert.match(await sam.textContent('#path-status'), /You are ready for online sessions/);
  for (const step of ['invited', 'account', 'contact_verified', 'identity_verified', 'intake', 'screening', 'consents', 'emergency_plan', 'assessment']) {
    assert.match(await stepText(sam, step), /^Done:/, `${step} is done`);
  }
  suite.assertNoCspErrors(sam);
  suite.assertNoCspErrors(clinician);
});

test('a new version of the telehealth consent blocks readiness until the client signs it', TIMEOUT, async () => {
  const alexAccount = suite.account('client', 'Alex Rivera');
  const alex = await suite.signedInPage(alexAccount);
  const clinician = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  assert.match(await alex.textContent('#path-status'), /You are ready for online sessions/);
  assert.equal((await caseload(clinician))['Alex Rivera'].status, 'Ready');

  // The admin publishes version 2 (version 1 is in force) from the editor.
  const priya = await suite.signedInPage(suite.account('admin', 'Priya Natarajan'));
  await suite.visit(priya, '/admin/consents/telehealth_informed_consent', { status: 200 });
  const published = await priya.$$eval('table tbody tr td:first-child', (tds) => tds.map((td) => td.textContent.trim()));
  const next = Math.max(...published.map(Number)) + 1;
  const body = await priya.inputValue('#body');
  await priya.fill('#body', `${body}\n\n# Recordings\n\nWe never record sessions. Please do not record them either.`);
  await clickThrough(priya, 'button[name="action"][value="publish"]');
  assert.match(await priya.textContent('#consent-published'), new RegExp(`Version ${next}`));

  // The client is no longer ready: the path says why and links the consent to sign again.
  await suite.visit(alex, '/home', { status: 200 });
  assert.match(await alex.textContent('#path-status'), /consent form was updated\. Please read it and sign it again/);
  assert.match(await stepText(alex, 'consents'), /^To do: Consent forms — Updated since you signed, please read and sign again: Consent to online therapy\./);
  assert.equal(await alex.getAttribute('#path-consents', 'aria-current'), 'step');
  // The caseload says the same.
  await suite.visit(clinician, '/home', { status: 200 });
  assert.equal((await caseload(clinician))['Alex Rivera'].status, 'Re-consent needed: 8 of 9');

  // The client reads the new version and signs it.
  await clickThrough(alex, '#path-consents a');
  assert.match(await alex.textContent('#consent-telehealth_informed_consent'), new RegExp(`signed version 1.*version ${next}`, 's'));
  await clickThrough(alex, '#consent-telehealth_informed_consent > a');
  assert.match(await alex.textContent('#consent-version'), new RegExp(`Version ${next}`));
  assert.match(await alex.textContent('main'), /We never record sessions/);
  await alex.fill('#name', alexAccount.name);
  await alex.check('#agree');
  await clickThrough(alex, 'form[action="/me/consents/telehealth_informed_consent"] button[type="submit"]');
  assert.match(await alex.textContent('#consent-telehealth_informed_consent'), new RegExp(`Signed \\(version ${next},`));

  // Ready again, on both sides.
  await suite.visit(alex, '/home', { status: 200 });
  assert.match(await alex.textContent('#path-status'), /You are ready for online sessions/);
  await suite.visit(clinician, '/home', { status: 200 });
  assert.equal((await caseload(clinician))['Alex Rivera'].status, 'Ready');
  suite.assertNoCspErrors(alex);
  suite.assertNoCspErrors(priya);
});

test("a minor's guardian is invited by email and signs the consents from the link", TIMEOUT, async () => {
  const dana = suite.account('clinician', 'Dana Whitfield');
  const clinician = await suite.signedInPage(dana);
  const minor = { legalName: 'Noor Haddad', email: 'noor.haddad@mail.example', dob: '2012-02-09' };

  await suite.visit(clinician, '/clients/invite', { status: 200 });
  await clinician.fill('#legal_name', minor.legalName);
  await clinician.fill('#email', minor.email);
  await clinician.fill('#home', 'US-MA');
  await submitFrom(clinician, '#home');
  const invitation = await sink.waitFor((m) => m.to.includes(minor.email), `invitation to ${minor.email}`);
  const link = invitation.links().find((l) => l.includes('/invite/'));

  const noor = await suite.newPage(await suite.newContext());
  await suite.visit(noor, link, { status: 200 });
  await noor.fill('#date_of_birth', minor.dob);
  await noor.fill('#password', 'quiet harbour lantern 77');
  await noor.fill('#confirm', 'quiet harbour lantern 77');
  await clickThrough(noor, 'form[action^="/invite/"] button[type="submit"]');
  assert.equal(path(noor), '/home');

  // The clinician sees that a guardian must consent, and invites one.
  await suite.visit(clinician, '/home', { status: 200 });
  const noorId = (await caseload(clinician))[minor.legalName].href.split('/').pop();
  await suite.visit(clinician, `/clients/${noorId}/guardian`, { status: 200 });
  assert.match(await clinician.textContent('#guardian-status'), /guardian/i);
  await clinician.fill('#name', 'Rania Haddad');
  await clinician.fill('#email', 'rania.haddad@mail.example');
  await submitFrom(clinician, '#email');
  assert.ok(await clinician.$('#guardian-notice'), 'the invitation is sent');

  const mail = await sink.waitFor((m) => m.to.includes('rania.haddad@mail.example'), 'the guardian invitation');
  assert.doesNotMatch(`${mail.subject}\n${mail.text()}`, /Noor|Haddad/, 'the email never names the client');
  const guardianLink = mail.links().find((l) => l.includes('/guardian/'));
  assert.ok(guardianLink, `a guardian link in:\n${mail.text()}`);
  assert.equal(new URL(guardianLink).origin, suite.url);

  // The guardian reads every required consent and signs, without an account.
  const rania = await suite.newPage(await suite.newContext());
  await suite.visit(rania, guardianLink, { status: 200 });
  assert.doesNotMatch(await rania.textContent('main'), /\{\{/, 'no template placeholders');
  await rania.fill('#name', 'Rania Haddad');
  await rania.check('#agree');
  await clickThrough(rania, `form[action^="/guardian/"] button[type="submit"]`);
  assert.ok(await rania.$('#guardian-signed'), 'the guardian sees what they signed');
  const pdfHref = await rania.getAttribute('#guardian-signed a', 'href');
  const pdf = await rania.request.get(pdfHref);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');

  // The clinician's page shows the guardian's consent.
  await suite.visit(clinician, `/clients/${noorId}/guardian`, { status: 200 });
  assert.match(await clinician.textContent('main'), /Rania Haddad/);
  // The minor's consents page links the guardian's signed copy.
  await suite.visit(noor, '/me/consents', { status: 200 });
  assert.ok(await noor.$('#consent-telehealth_informed_consent a.pdf-link'), 'a PDF of the guardian signature');
  suite.assertNoCspErrors(rania);
});

test('the screening page switches its items to Spanish and back, by keyboard', TIMEOUT, async () => {
  // Jordan Lee has not sent the intake and the browser asks for English: English first.
  const jordan = await suite.signedInPage(suite.account('client', 'Jordan Lee'));
  await suite.visit(jordan, '/me/screening/gad7', { status: 200 });
  assert.equal(await jordan.getAttribute('#screening-form', 'lang'), 'en');
  assert.match(await jordan.textContent('#scr-stem'), /Over the last 2 weeks/);
  assert.equal(await jordan.getAttribute('#scr-languages a[lang="en"]', 'aria-current'), 'true');

  // The switch: a link named in its own language, reached and followed with the keyboard.
  await jordan.focus('#scr-languages a[lang="en"]');
  await jordan.keyboard.press('Tab');
  assert.equal(await jordan.evaluate(() => document.activeElement.getAttribute('lang')), 'es');
  await suite.navigate(jordan, () => jordan.keyboard.press('Enter'));
  assert.equal(new URL(jordan.url()).search, '?lang=es');
  assert.equal(await jordan.getAttribute('#screening-form', 'lang'), 'es');
  assert.match(await jordan.textContent('#scr-stem'), /Durante las últimas 2 semanas/);
  assert.match(await jordan.textContent('#item-1 legend'), /nervioso|ansioso/i);

  // Sending with an item missing keeps the Spanish items.
  await answerScreening(jordan, () => 0);
  await jordan.evaluate(() => {
    for (const r of document.querySelectorAll('input[name="item_7"]')) {
      r.checked = false;
      r.removeAttribute('required');
    }
  });
  await clickThrough(jordan, '#screening-form button[type="submit"]');
  assert.ok(await jordan.$('#scr-error'), 'the missing item is named');
  assert.equal(await jordan.getAttribute('#screening-form', 'lang'), 'es', 'still in Spanish');
  assert.match(await jordan.textContent('#scr-stem'), /Durante las últimas 2 semanas/);

  // And back to English.
  await clickThrough(jordan, '#scr-languages a[lang="en"]');
  assert.equal(await jordan.getAttribute('#screening-form', 'lang'), 'en');
  suite.assertNoCspErrors(jordan);
});

test('the release form never shows blank placeholders and shows the filled-in text before signing', TIMEOUT, async () => {
  const riley = suite.account('client', 'Riley Chen');
  const page = await suite.signedInPage(riley);
  // The generic consent page sends a release to its own form instead of showing the template.
  await suite.visit(page, '/me/consents/release_of_information', { status: 200 });
  assert.equal(path(page), '/me/releases');
  assert.doesNotMatch(await page.textContent('main'), /\{\{/);

  await page.fill('#recipient', 'Harbourview Dental, Dr. Ines Mora');
  await page.fill('#purpose', 'Planning sedation for a procedure');
  await page.fill('#scope', 'Current medications');
  await page.fill('#expires', '2099-01-31');
  await clickThrough(page, 'button[name="action"][value="preview"]');
  assert.match(await page.textContent('#release-preview-note'), /text you will sign/);
  const text = squash(await page.textContent('#release-text article'));
  assert.match(text, /They may share it with: Harbourview Dental, Dr\. Ines Mora/);
  assert.match(text, /This permission ends on January 31, 2099/);
  assert.doesNotMatch(text, /\{\{|\[Why\]/);
  assert.equal(await page.$('#release-list'), null, 'nothing was signed by the preview');

  await page.fill('#name', riley.name);
  await page.check('#agree');
  await clickThrough(page, 'button[name="action"][value="sign"]');
  assert.match(await page.textContent('#release-notice'), /permission is signed/);
  assert.match(await page.textContent('#release-list'), /Harbourview Dental/);
  suite.assertNoCspErrors(page);
});
