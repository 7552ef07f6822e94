// The session (issue 6) through a real browser against the real binary: check-in with a
// refusal for an unlicensed location, the waiting room updating by itself when the clinician
// admits, the room with its clock and the 10- and 5-minute cues, the fallback panel, the end
// for everyone and the session record; the device check with Chromium's fake camera and
// microphone. Every page is checked with axe.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM, Suite } from './lib/harness.mjs';

/** @type {Suite} */
let suite;
const TIMEOUT = { timeout: 180_000 };

before(async () => {
  suite = await Suite.start();
});

after(async () => {
  if (suite) await suite.stop();
});

const path = (page) => new URL(page.url()).pathname;

/** The href of the session titled `title` on the caller's /sessions page. */
async function sessionHref(page, title) {
  await suite.visit(page, '/sessions', { status: 200 });
  const href = await page.$$eval(
    '#sessions-upcoming a[href^="/sessions/"]',
    (as, t) => as.find((a) => a.textContent.trim() === t)?.getAttribute('href'),
    title,
  );
  assert.ok(href, `a session "${title}" on /sessions`);
  return href;
}

async function fillCheckIn(page, place) {
  await page.fill('#jurisdiction', place);
  await page.check('#private_place');
  await page.check('#emergency_contact_confirmed');
}

test('a client in a state where the clinician is not licensed is refused at check-in, with why and what to do', TIMEOUT, async () => {
  const casey = await suite.signedInPage(suite.account('client', 'Casey Morgan'));
  // Reachable from home.
  await suite.navigate(casey, () => casey.click('#home-sessions a[href="/sessions"]'));
  const href = await sessionHref(casey, 'Individual session');
  await suite.visit(casey, href, { status: 200 });
  assert.equal(await casey.inputValue('#jurisdiction'), 'US-CA', 'the place starts from her home');
  assert.ok(await casey.isVisible('#not-ready'), 'her remaining onboarding steps are listed');
  await fillCheckIn(casey, 'US-CA');
  await casey.fill('#fallback_phone', '+1 415 555 0188');
  await suite.navigate(casey, () => casey.click('#check-in-form button[type="submit"]'));
  assert.equal(path(casey), href);
  const denied = await casey.textContent('#check-in-denied');
  assert.match(denied, /not licensed where you are now \(US-CA\)/);
  assert.match(denied, /referral/);
  assert.equal(await casey.locator('#waiting-room').count(), 0, 'no waiting room after a refusal');
  suite.assertNoCspErrors(casey);
});

let alexSession;

test('the waiting room shows the way in by itself when the clinician admits the client', TIMEOUT, async () => {
  const alex = await suite.signedInPage(suite.account('client', 'Alex Rivera'));
  alexSession = await sessionHref(alex, 'Individual session');
  await suite.visit(alex, alexSession, { status: 200 });
  assert.equal(await alex.inputValue('#jurisdiction'), 'US-MA');
  assert.notEqual(await alex.inputValue('#fallback_phone'), '', 'the phone comes from the plan');
  assert.match(await alex.textContent('#emergency-contact'), /Sam Rivera/);
  // A missing confirmation is named beside its box, keyboard first.
  await alex.fill('#jurisdiction', 'US-MA');
  await alex.check('#emergency_contact_confirmed');
  await suite.navigate(alex, () => alex.click('#check-in-form button[type="submit"]'));
  assert.ok(await alex.isVisible('#private_place-error'));
  await fillCheckIn(alex, 'US-MA');
  await suite.navigate(alex, () => alex.click('#check-in-form button[type="submit"]'));
  assert.equal(await alex.getAttribute('#waiting-room', 'data-phase'), 'waiting');
  assert.ok(await alex.isHidden('#waiting-admitted'));
  // The room is shut until Dana admits.
  const shut = await alex.context().request.get(`${alexSession}/room`);
  assert.equal(shut.status(), 403);

  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  await suite.visit(dana, alexSession, { status: 200 });
  const card = await dana.textContent('#check-ins');
  assert.match(card, /US-MA/);
  assert.match(card, /LICSW|123456/);
  await suite.navigate(dana, () => dana.click('button.admit'));
  assert.match(await dana.textContent('#check-ins'), /Admitted/);

  // Alex's page learns it without a reload.
  await alex.waitForSelector('#waiting-admitted:not([hidden])', { timeout: 15_000 });
  assert.match(await alex.textContent('#waiting-status'), /admitted/);
  await suite.axe(alex);
  await suite.navigate(alex, () => alex.click('#enter-room'));
  assert.equal(path(alex), `${alexSession}/room`);
  for (const id of ['#peers', '#mute', '#camera', '#audio-only', '#not-recorded', '#session-clock']) {
    assert.equal(await alex.locator(id).count(), 1, id);
  }
  assert.equal(await alex.getAttribute('#peers', 'data-session'), alexSession.split('/').pop());
  assert.ok(await alex.isHidden('#fallback'));
  assert.equal(await alex.locator('#end-session').count(), 0, 'only the clinician ends it');
  suite.assertNoCspErrors(alex);
  suite.assertNoCspErrors(dana);
});

test('the session clock gives gentle cues at 10 and 5 minutes left', TIMEOUT, async () => {
  assert.ok(alexSession, 'the admission test ran first');
  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  // The page's own clock is driven; the server's stays real (the room stays open).
  await dana.clock.install({ time: new Date() });
  await suite.visit(dana, `${alexSession}/room`, { status: 200 });
  assert.match(await dana.textContent('#clock-remaining'), /min left/);
  assert.equal(await dana.textContent('#clock-cue'), '');
  assert.equal(await dana.getAttribute('#clock-cue', 'aria-live'), 'polite');
  const end = Date.parse(await dana.getAttribute('#session-clock', 'data-end'));
  const left = () => dana.evaluate(() => Number(document.getElementById('session-clock').dataset.left));
  // Jump to 9.5 minutes before the end.
  await dana.clock.fastForward(Math.max(0, end - 9.5 * 60_000 - Date.now()));
  await dana.clock.runFor(1500);
  assert.ok((await left()) <= 10, `left ${await left()}`);
  assert.equal(await dana.textContent('#clock-cue'), '10 minutes left in the session.');
  await dana.clock.fastForward(5 * 60_000);
  await dana.clock.runFor(1500);
  assert.equal(await dana.textContent('#clock-cue'), '5 minutes left in the session.');
  await suite.axe(dana);
  await dana.context().close();
});

test('a dropped connection shows the agreed fallback at once and is noted; the clinician ends the session for everyone', TIMEOUT, async () => {
  assert.ok(alexSession, 'the admission test ran first');
  const alex = await suite.signedInPage(suite.account('client', 'Alex Rivera'));
  await suite.visit(alex, `${alexSession}/room`, { status: 200 });
  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  await suite.visit(dana, `${alexSession}/room`, { status: 200 });

  // What the video script reports when the peer connection fails.
  await dana.evaluate(() => document.dispatchEvent(new CustomEvent('alcove:connection-lost')));
  assert.ok(await dana.isVisible('#fallback'));
  assert.match(await dana.textContent('#fallback'), /Call Alex Rivera at \+1/);
  assert.ok(await dana.isVisible('#reconnect'));
  await suite.axe(dana);
  await alex.evaluate(() => document.dispatchEvent(new CustomEvent('alcove:connection-lost')));
  assert.match(await alex.textContent('#fallback'), /will call you at/);
  await suite.axe(alex);
  await dana.evaluate(() => document.dispatchEvent(new CustomEvent('alcove:reconnected')));
  assert.ok(await dana.isHidden('#fallback'));

  await suite.navigate(dana, () => dana.click('#end-session'));
  assert.equal(path(dana), `${alexSession}/record`);
  // Alex's room closes by itself and says so.
  await alex.waitForURL((u) => u.pathname === alexSession, { timeout: 15_000 });
  await alex.waitForLoadState('load');
  assert.match(await alex.textContent('#session-phase'), /This session has ended/);
  await suite.axe(alex);

  const record = await dana.textContent('main');
  assert.match(record, /US-MA/);
  assert.match(record, /LICSW|123456/);
  assert.match(record, /Connection lost/);
  assert.match(record, /Reconnected/);
  assert.doesNotMatch(await dana.textContent('#record-ended'), /Not ended/);
  suite.assertNoCspErrors(alex);
  suite.assertNoCspErrors(dana);
});

test('the device check finds the camera and microphone and times the connection', TIMEOUT, async () => {
  // Chromium's fake devices: a test pattern and a beep, and no permission prompt.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  try {
    const saved = await (await suite.signedInPage(suite.account('client', 'Alex Rivera'))).context().storageState();
    const ctx = await browser.newContext({ baseURL: suite.url, storageState: saved });
    const page = await ctx.newPage();
    await page.goto('/home');
    await suite.navigate(page, () => page.click('#home-device-check'));
    assert.equal(path(page), '/device-check');
    assert.ok(await page.isHidden('#dev-needs-script'));
    await page.click('#run-checks');
    await page.waitForSelector('#connection-result[data-state="ok"]', { timeout: 20_000 });
    assert.equal(await page.getAttribute('#camera-result', 'data-state'), 'ok');
    assert.equal(await page.getAttribute('#microphone-result', 'data-state'), 'ok');
    assert.match(await page.textContent('#connection-result'), /ms/);
    await page.click('#play-tone');
    await page.waitForSelector('#speaker-result[data-state]', { timeout: 10_000 });
    await suite.axe(page);
  } finally {
    await browser.close();
  }
});
