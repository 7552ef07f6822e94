// Issue 5, parts 2 and 7 in a real browser against the real binary: a client checks their
// phone with the code from the development SMS gateway (`alcove demo` writes texts to
// DATA_DIR/sms-outbox.log), downloads the PDF of a consent they signed, makes and stops a
// release authorisation; the clinician sees the releases and the guardian page. Every page is
// checked with axe-core and for CSP errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Suite } from './lib/harness.mjs';
import { codeFromGateway as codeFromGatewayIn } from './lib/sms.mjs';

/** @type {Suite} */
let suite;
const TIMEOUT = { timeout: 120_000 };

before(async () => {
  suite = await Suite.start();
});

after(async () => {
  if (suite) {
    console.log(`# axe checked ${suite.axeChecked.length} page views: ${[...new Set(suite.axeChecked)].sort().join(', ')}`);
    await suite.stop();
  }
});

const path = (page) => new URL(page.url()).pathname;

/** The code in the latest development-gateway line to this E.164 number. */
const codeFromGateway = (e164) => codeFromGatewayIn(suite.server.dir, e164);

test('a client checks their phone with the texted code, by keyboard', TIMEOUT, async () => {
  const alex = suite.account('client', 'Alex Rivera');
  const page = await suite.signedInPage(alex);
  // The home page links the contact page.
  await suite.navigate(page, () => page.click('a[href="/me/contact"]'));
  assert.equal(path(page), '/me/contact');

  // A number that is not one is refused, plainly.
  await page.fill('#phone', 'call me');
  await suite.navigate(page, () => page.press('#phone', 'Enter'));
  assert.match(await page.textContent('#contact-error'), /not a phone number/);

  await page.fill('#phone', '+1 617 555 0177');
  await suite.navigate(page, () => page.press('#phone', 'Enter'));
  assert.match(await page.textContent('#contact-notice'), /sent you a code/);
  const code = codeFromGateway('+16175550177');

  await page.focus('#code');
  await page.keyboard.type(code);
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.match(await page.textContent('#contact-notice'), /phone number is checked/);
  assert.match(await page.textContent('#contact-phone-status'), /\+16175550177 — checked/);
  suite.assertNoCspErrors(page);
});

test('a client downloads the PDF of a consent they signed and manages a release', TIMEOUT, async () => {
  const alex = suite.account('client', 'Alex Rivera');
  const page = await suite.signedInPage(alex);
  await suite.visit(page, '/me/consents', { status: 200 });
  const href = await page.getAttribute('#consent-telehealth_informed_consent a.pdf-link', 'href');
  assert.equal(href, '/me/consents/telehealth_informed_consent/1/pdf');
  const pdf = await page.request.get(href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.ok((await pdf.body()).subarray(0, 5).equals(Buffer.from('%PDF-')));

  await suite.visit(page, '/me/releases', { status: 200 });
  await page.fill('#recipient', 'Northside Youth Sports coach');
  await page.fill('#purpose', 'Explaining missed practices');
  await page.fill('#scope', 'Dates of sessions only');
  await page.fill('#expires', '2099-12-31');
  await page.fill('#name', 'Alex Rivera');
  await page.check('#agree');
  await suite.navigate(page, () => page.click('form[action="/me/releases"] button[type="submit"]'));
  assert.match(await page.textContent('#release-notice'), /permission is signed/);
  const row = page.locator('tr', { hasText: 'Northside Youth Sports coach' });
  assert.match(await row.textContent(), /In force/);
  await suite.navigate(page, () => row.locator('button[type="submit"]').click());
  assert.match(await page.textContent('#release-notice'), /permission is stopped/);
  assert.match(await page.locator('tr', { hasText: 'Northside Youth Sports coach' }).textContent(), /Stopped on/);
  suite.assertNoCspErrors(page);
});

test('the clinician sees the releases and the guardian page of a client', TIMEOUT, async () => {
  const dana = suite.account('clinician', 'Dana Whitfield');
  const page = await suite.signedInPage(dana);
  await suite.navigate(page, () => page.click('table a:text("Alex Rivera")'));
  const record = path(page);
  assert.match(record, /^\/clients\//);
  await suite.navigate(page, () => page.click(`a[href="${record}/releases"]`));
  assert.match(await page.textContent('main'), /Dr\. Morgan Patel/);
  await suite.visit(page, `${record}/guardian`, { status: 200 });
  assert.match(await page.textContent('#guardian-status'), /No guardian consent is needed/);
  suite.assertNoCspErrors(page);
});
