// The intake form through a real browser (issue 5, part 3): a client fills it in with the
// keyboard alone, leaves, comes back to the saved draft, sends it and sees the path advance;
// the care team reads it; the practice edits the form with the keyboard. axe-core runs on
// every page reached (the harness fails on serious or critical violations).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Suite, focused } from './lib/harness.mjs';

/** @type {Suite} */
let suite;
const TIMEOUT = { timeout: 180_000 };

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

/** Presses Tab until `want(focused element)` holds; fails after `max` presses. */
async function tabTo(page, want, what, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && want(f)) return f;
  }
  assert.fail(`Tab never reached ${what}`);
}

const byId = (id) => (f) => f.id === id;

/** The text of the path step `key` on the client's home. */
const stepText = (page, key) => page.textContent(`#path-${key}`).then((t) => t.replace(/\s+/g, ' ').trim());

let jordanId = null;

test('a client fills in the intake with the keyboard, leaves, resumes the draft and sends it', TIMEOUT, async () => {
  const jordan = suite.account('client', 'Jordan Lee');
  const page = await suite.signedInPage(jordan, { fresh: true });

  // Home shows the path: intake still to do, linked.
  assert.match(await page.textContent('#path-status'), /Getting ready: 3 of 9/);
  assert.match(await stepText(page, 'intake'), /^To do: About you \(intake form\)/);
  assert.equal(await page.getAttribute('#path-identity_verified', 'aria-current'), 'step');

  // Keyboard only: Tab to the intake link on the path, Enter.
  await tabTo(page, (f) => f.href === '/me/intake', 'the intake link on the path');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(path(page), '/me/intake');
  // The demo left a draft: its answers are back.
  assert.equal(await page.inputValue('#q-occupation'), 'Graduate student');
  assert.ok(await page.isChecked('#q-supports-partner'));

  // Sending with a required question unanswered names it, keeps the answers, and the
  // summary's link takes focus to the question.
  await tabTo(page, byId('intake-send'), 'the send button');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(path(page), '/me/intake');
  assert.match(await page.textContent('#intake-errors'), /What would you like help with\?: Please answer this question\./);
  assert.equal(await page.getAttribute('#q-reason', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#q-occupation'), 'Graduate student', 'answers kept');
  await page.focus('#intake-errors a[href="#q-reason"]');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page))?.id, 'q-reason', 'the error link moves focus to the question');

  // Type the reason, then Tab on to the other questions.
  await page.keyboard.type('I freeze before exams and cannot sleep the night before.');
  await tabTo(page, byId('q-preferred_language'), 'the language list');
  await page.keyboard.type('Spanish');
  assert.equal(await page.inputValue('#q-preferred_language'), 'es');
  await tabTo(page, byId('q-interpreter-yes'), 'the interpreter question');
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('#q-interpreter-yes'));
  await tabTo(page, byId('q-accessibility_needs-captions'), 'the captions choice');
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('#q-accessibility_needs-captions'));

  // The draft saves itself after a pause in typing.
  await page.waitForFunction(() => /Draft saved at/.test(document.getElementById('intake-autosave-status').textContent), null, { timeout: 15_000 });

  // Leave, and come back later in a new tab: the draft is there.
  await suite.visit(page, '/home', { status: 200 });
  await page.close();
  const again = await suite.newPage(page.context());
  await suite.visit(again, '/me/intake', { status: 200 });
  assert.match(await again.textContent('#intake-draft'), /You have a draft, last saved at/);
  assert.equal(await again.inputValue('#q-reason'), 'I freeze before exams and cannot sleep the night before.');
  assert.equal(await again.inputValue('#q-preferred_language'), 'es');
  assert.ok(await again.isChecked('#q-interpreter-yes'));
  assert.ok(await again.isChecked('#q-accessibility_needs-captions'));
  assert.equal(await again.inputValue('#q-occupation'), 'Graduate student');

  // Send, by keyboard: the path advances.
  await again.focus('#q-reason');
  await tabTo(again, byId('intake-send'), 'the send button');
  await suite.navigate(again, () => again.keyboard.press('Enter'));
  assert.equal(path(again), '/home');
  assert.match(await again.textContent('#intake-sent'), /Your answers were sent to your care team/);
  assert.match(await stepText(again, 'intake'), /^Done: About you \(intake form\)/);
  assert.match(await again.textContent('#path-status'), /Getting ready: 4 of 9/);

  // The form now shows what was sent.
  await suite.visit(again, '/me/intake', { status: 200 });
  assert.match(await again.textContent('#intake-submitted'), /You sent your answers at/);
  suite.assertNoCspErrors(again);
});

test("the care team reads the client's intake, and the caseload shows each client's path", TIMEOUT, async () => {
  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  const rows = await dana.$$eval('table tbody tr', (trs) =>
    trs.map((tr) => ({
      name: tr.querySelector('a')?.textContent.trim(),
      href: tr.querySelector('a')?.getAttribute('href'),
      status: tr.querySelector('td.path-status')?.textContent.trim(),
    })),
  );
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  assert.equal(byName['Alex Rivera'].status, 'Ready');
  assert.equal(byName['Jordan Lee'].status, 'Getting ready: 4 of 9', 'the intake Jordan sent counts');
  assert.equal(byName['Casey Morgan'].status, 'Getting ready: 3 of 9');
  jordanId = byName['Jordan Lee'].href.split('/').pop();

  await suite.visit(dana, `/clients/${jordanId}/intake`, { status: 200 });
  const text = await dana.textContent('main');
  assert.match(text, /I freeze before exams and cannot sleep the night before\./);
  assert.match(text, /Captions during video/);
  assert.match(text, /answering version 1 of the intake form/);
  await suite.visit(dana, `/clients/${jordanId}`, { status: 200 });
  assert.ok(await dana.$(`a[href="/clients/${jordanId}/intake"]`), 'the record links to the intake');
  suite.assertNoCspErrors(dana);
});

test('the practice adds a question and publishes a new version with the keyboard', TIMEOUT, async () => {
  const priya = await suite.signedInPage(suite.account('admin', 'Priya Natarajan'));
  await tabTo(priya, (f) => f.href === '/admin/intake', 'the intake form link in the navigation');
  await suite.navigate(priya, () => priya.keyboard.press('Enter'));
  assert.equal(path(priya), '/admin/intake');
  assert.ok(await priya.$('#intake-unchanged'));

  // Add a question: Tab through the add form, typing.
  await priya.focus('#f-section');
  await tabTo(priya, byId('f-name'), 'the name input');
  await priya.keyboard.type('sleep_hours');
  await priya.keyboard.press('Tab');
  await priya.keyboard.type('How many hours do you sleep on a usual night?');
  await tabTo(priya, byId('f-kind'), 'the kind list');
  await priya.keyboard.type('Whole number');
  assert.equal(await priya.inputValue('#f-kind'), 'number');
  await tabTo(priya, byId('f-max'), 'the largest input');
  await priya.keyboard.type('24');
  await tabTo(priya, (f) => f.tag === 'button' && f.text === 'Add the question', 'the add button');
  await suite.navigate(priya, () => priya.keyboard.press('Enter'));
  assert.match(await priya.textContent('#intake-edit-notice'), /added to the working copy/);
  assert.ok(await priya.$('#intake-changed'));

  // Move it up one place, by keyboard.
  await priya.focus('#field-sleep_hours');
  await tabTo(priya, (f) => f.tag === 'button' && f.text.startsWith('Move up'), 'its move-up button', 10);
  await suite.navigate(priya, () => priya.keyboard.press('Enter'));
  const names = await priya.$$eval('table.intake-fields tbody tr', (trs) => trs.map((tr) => tr.id));
  assert.ok(names.indexOf('field-sleep_hours') < names.indexOf('field-cultural_background'), names.join(', '));

  // Publish.
  await priya.focus('#intake-publish button');
  await suite.navigate(priya, () => priya.keyboard.press('Enter'));
  assert.match(await priya.textContent('#intake-edit-notice'), /Version 2 is published/);
  await suite.visit(priya, '/admin/intake/fields/sleep_hours', { status: 200 });

  // Jordan's answers to version 1 still read as version 1 for the care team.
  const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
  await suite.visit(dana, `/clients/${jordanId}/intake`, { status: 200 });
  assert.match(await dana.textContent('main'), /answering version 1 of the intake form/);
  assert.doesNotMatch(await dana.textContent('main'), /hours do you sleep/);
  // Casey, who has not started, gets version 2.
  const casey = await suite.signedInPage(suite.account('client', 'Casey Morgan'));
  await suite.visit(casey, '/me/intake', { status: 200 });
  assert.ok(await casey.$('#q-sleep_hours[type="number"][max="24"]'));
  suite.assertNoCspErrors(priya);
  suite.assertNoCspErrors(casey);
});
