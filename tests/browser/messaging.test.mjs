// Messaging boundaries and the crisis path (issue 7) through a real browser against the real
// binary: out-of-hours notice, the length limit stated and enforced, the crisis panel for the
// client, the urgent flag for the clinician who acknowledges it. Every page is checked with axe.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Suite } from './lib/harness.mjs';

/** @type {Suite} */
let suite;
const TIMEOUT = { timeout: 180_000 };
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

before(async () => {
  suite = await Suite.start();
});

after(async () => {
  if (suite) await suite.stop();
});

const path = (page) => new URL(page.url()).pathname;

/** Today's weekday in New York (Dana's time zone), e.g. "friday". */
function todayInNewYork() {
  return new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'America/New_York' })
    .format(new Date())
    .toLowerCase();
}

/** Dana's thread with Alex, from her messages page. */
async function alexThread(page) {
  await suite.visit(page, '/messages', { status: 200 });
  const href = await page.$$eval('a[href^="/messages/"]', (as) =>
    as.find((a) => a.textContent.includes('Alex Rivera'))?.getAttribute('href'),
  );
  assert.ok(href, 'a thread with Alex Rivera');
  return href;
}

let thread;

test('a clinician sets hours that exclude today and a 200-character limit', TIMEOUT, async () => {
  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  thread = await alexThread(dana);
  await suite.visit(dana, '/messaging/policy', { status: 200 });
  const today = todayInNewYork();
  const other = DAYS[(DAYS.indexOf(today) + 3) % 7];
  for (const day of DAYS) {
    await dana.fill(`#opens-${day}`, day === other ? '09:00' : '');
    await dana.fill(`#closes-${day}`, day === other ? '10:00' : '');
  }
  await dana.fill('#time_zone', 'America/New_York');
  await dana.fill('#max_length', '200');
  await suite.navigate(dana, () => dana.click('form[action="/messaging/policy"] button[type="submit"]'));
  assert.equal(await dana.locator('[role="status"]').count() > 0, true, 'saved');
  suite.assertNoCspErrors(dana);
});

test('a client sends a message out of hours and sees when to expect a reply', TIMEOUT, async () => {
  assert.ok(thread, 'the policy test ran first');
  const alex = await suite.signedInPage(suite.account('client', 'Alex Rivera'));
  await suite.visit(alex, thread, { status: 200 });
  // The limit is stated before sending, and the counter follows the typing.
  assert.match(await alex.locator('#body-hint').innerText(), /up to 200 characters/);
  assert.equal(await alex.getAttribute('#body', 'maxlength'), '200');
  await alex.locator('#body').pressSequentially('Just checking in about Thursday.');
  await alex.waitForFunction(() => document.querySelector('#body-counter')?.textContent.startsWith('32 of 200'));
  assert.equal(await alex.locator('#body-counter').isVisible(), true);
  await suite.navigate(alex, () => alex.click('form[action^="/messages/"] button[type="submit"]'));
  assert.equal(path(alex), thread);
  const notice = await alex.locator('#out-of-hours-notice').innerText();
  assert.match(notice, /outside your clinician's hours/);
  assert.match(notice, /988/);
  assert.equal(await alex.locator('#crisis-panel').count(), 0, 'no crisis language: no panel');
  assert.match(await alex.locator('ol.messages').innerText(), /Just checking in about Thursday\./);
  suite.assertNoCspErrors(alex);
});

test('an over-length message is refused with the limit and the text kept', TIMEOUT, async () => {
  const alex = await suite.signedInPage(suite.account('client', 'Alex Rivera'));
  await suite.visit(alex, thread, { status: 200 });
  const long = 'x'.repeat(201);
  // The browser stops typing at the limit.
  await alex.fill('#body', long);
  assert.equal((await alex.inputValue('#body')).length, 200, 'maxlength holds the typing');
  // Past the browser's check (an old browser, a script): the counter warns, the server refuses.
  await alex.evaluate((text) => {
    const area = document.querySelector('#body');
    area.removeAttribute('maxlength');
    area.value = text;
    area.dispatchEvent(new Event('input'));
  }, long);
  await alex.waitForFunction(() => document.querySelector('#body-counter')?.classList.contains('over'));
  const [resp] = await Promise.all([
    alex.waitForNavigation({ waitUntil: 'load' }),
    alex.click('form[action^="/messages/"] button[type="submit"]'),
  ]);
  assert.equal(resp.status(), 422);
  await suite.axe(alex);
  assert.match(await alex.locator('#send-error').innerText(), /up to 200 characters\. Nothing was sent/);
  assert.equal(await alex.inputValue('#body'), long, 'what was typed is kept');
  suite.assertNoCspErrors(alex);
});

test('a crisis message shows the client the crisis panel and the clinician an urgent flag to acknowledge', TIMEOUT, async () => {
  const alex = await suite.signedInPage(suite.account('client', 'Alex Rivera'));
  await suite.visit(alex, thread, { status: 200 });
  await alex.fill('#body', 'I have been saving my pills and I am going to take them all tonight.');
  await suite.navigate(alex, () => alex.click('form[action^="/messages/"] button[type="submit"]'));
  assert.equal(path(alex), thread, 'delivered: back on the thread');
  const panel = alex.locator('#crisis-panel');
  assert.equal(await panel.isVisible(), true);
  const text = await panel.innerText();
  for (const part of ['988', '911', 'Sam Rivera', 'brother', 'City General Hospital']) {
    assert.ok(text.includes(part), `${part} in the crisis panel`);
  }
  assert.equal(await alex.locator('#crisis-panel a[href="tel:988"]').count(), 1);
  assert.equal(await alex.locator('#crisis-panel a[href="sms:988"]').count(), 1);
  assert.match(await alex.locator('ol.messages').innerText(), /saving my pills/);
  suite.assertNoCspErrors(alex);

  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  await suite.visit(dana, '/home', { status: 200 });
  const marker = dana.locator('table a.urgent-marker');
  assert.equal(await marker.count(), 1, 'one client marked urgent');
  assert.match(await marker.innerText(), /Urgent/);
  await suite.navigate(dana, () => marker.click());
  assert.equal(path(dana), thread);
  const flag = dana.locator('[id^="flag-"]');
  assert.equal(await flag.count(), 1);
  assert.match(await flag.innerText(), /Urgent flag \(acute\)/);
  // Acknowledge with the keyboard.
  await flag.locator('button').focus();
  await suite.navigate(dana, () => dana.keyboard.press('Enter'));
  assert.equal(await dana.locator('[id^="flag-"]').count(), 0, 'acknowledged');
  await suite.visit(dana, '/home', { status: 200 });
  assert.equal(await dana.locator('table a.urgent-marker').count(), 0, 'the marker is gone');
  suite.assertNoCspErrors(dana);
});

test('the after-hours instructions and care-team pages pass axe', TIMEOUT, async () => {
  const admin = await suite.signedInPage(suite.account('admin'));
  await suite.visit(admin, '/admin/after-hours', { status: 200 });
  await admin.fill('#body', 'Call the on-call line at 617-555-0100.');
  await admin.fill('#summary', 'On-call line');
  await suite.navigate(admin, () => admin.click('form[action="/admin/after-hours"] button[type="submit"]'));
  assert.equal(await admin.locator('#after-hours-published').count(), 1);
  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  await suite.visit(dana, '/home', { status: 200 });
  const record = await dana.$$eval('table a[href^="/clients/"]', (as) =>
    as.find((a) => a.textContent.includes('Alex Rivera'))?.getAttribute('href'),
  );
  await suite.visit(dana, `${record}/care-team`, { status: 200 });
  assert.match(await dana.locator('#care-team').innerText(), /Primary clinician/);
  suite.assertNoCspErrors(admin);
  suite.assertNoCspErrors(dana);
});
