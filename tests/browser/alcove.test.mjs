// End-to-end tests of the Alcove web app through a real browser, against the real binary.
// One demo server and one browser serve the whole file; every page reached is checked with
// axe-core (serious/critical violations fail) and for Content Security Policy console errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Suite, focused, tableRows } from './lib/harness.mjs';

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

/** Pages opened by a test, so each test can assert no CSP errors on any of them. */
function tracker() {
  const pages = [];
  return {
    pages,
    add(p) {
      pages.push(p);
      return p;
    },
    assertNoCspErrors() {
      for (const p of pages) suite.assertNoCspErrors(p);
    },
  };
}

/** Dana's /messages page: thread links by client name. Also checks it with axe. */
async function threadLinksOf(page) {
  await suite.visit(page, '/messages', { status: 200 });
  const links = await page.$$eval('ul.threads a[href^="/messages/"]', (as) =>
    as.map((a) => ({ name: a.textContent.trim(), href: a.getAttribute('href') })),
  );
  return Object.fromEntries(links.map((l) => [l.name, l.href]));
}

test('a clinician signs in with a TOTP code and sees their caseload', TIMEOUT, async () => {
  const t = tracker();
  const dana = suite.account('clinician', 'Dana Whitfield');
  const page = t.add(await suite.newPage());

  await suite.visit(page, '/sign-in', { status: 200 });
  await page.fill('#email', dana.email);
  await page.fill('#password', dana.password);
  await suite.navigate(page, () => page.click('form[action="/sign-in"] button[type="submit"]'));
  assert.equal(path(page), '/sign-in/code', 'a clinician is asked for a code after the password');

  await page.fill('#code', await suite.freshCode(dana));
  await suite.navigate(page, () => page.click('form[action="/sign-in/code"] button[type="submit"]'));
  assert.equal(path(page), '/home');

  const clients = (await tableRows(page)).map((r) => r[0]).sort();
  assert.deepEqual(clients, ['Alex Rivera', 'Casey Morgan', 'Jordan Lee'], "Dana's caseload table");
  const body = await page.textContent('main');
  assert.ok(!body.includes('Riley Chen'), "another clinician's client is not on Dana's caseload");
  await suite.remember(dana, page);
  t.assertNoCspErrors();
});

test("a client signs in and sees the clinician's view in their access history", TIMEOUT, async () => {
  const t = tracker();
  const dana = t.add(await suite.signedInPage(suite.account('clinician', 'Dana Whitfield')));
  const links = await threadLinksOf(dana);
  assert.ok(links['Alex Rivera'], `Dana's /messages links to Alex Rivera's thread (links: ${JSON.stringify(links)})`);
  await suite.visit(dana, links['Alex Rivera'], { status: 200 });
  assert.ok((await dana.$$('li.message')).length > 0, "Alex's thread shows messages to Dana");

  const alex = t.add(await suite.signedInPage(suite.account('client', 'Alex Rivera')));
  // Reach the access history the way a person would: from the navigation.
  await suite.navigate(alex, () => alex.getByRole('link', { name: 'Who has accessed my record' }).first().click());
  assert.equal(path(alex), '/me/access-log');
  const rows = await tableRows(alex, 'table.access-log');
  const seen = rows.some(([, who, role, what]) => who === 'Dana Whitfield' && role === 'Clinician' && what === 'Read your messages');
  assert.ok(seen, `a row "Dana Whitfield | Clinician | Read your messages" in Alex's access history; rows:\n${rows.map((r) => r.join(' | ')).join('\n')}`);
  t.assertNoCspErrors();
});

test("a client cannot open another client's thread", TIMEOUT, async () => {
  const t = tracker();
  const dana = t.add(await suite.signedInPage(suite.account('clinician', 'Dana Whitfield')));
  const links = await threadLinksOf(dana);
  const jordanThread = links['Jordan Lee'];
  assert.ok(jordanThread, `Dana's /messages links to Jordan Lee's thread (links: ${JSON.stringify(links)})`);
  await suite.visit(dana, jordanThread, { status: 200 });
  const jordanTexts = (await dana.$$eval('li.message p.body', (ps) => ps.map((p) => p.textContent.trim()))).filter(Boolean);
  assert.ok(jordanTexts.length > 0, "Dana sees the messages in Jordan's thread");

  const alex = t.add(await suite.signedInPage(suite.account('client', 'Alex Rivera')));
  const resp = await suite.visit(alex, jordanThread);
  assert.equal(resp.status(), 404, `Alex opening ${jordanThread} gets 404, got ${resp.status()}`);
  const shown = await alex.textContent('body');
  assert.match(shown, /We could not find this page/, 'the not-found page is shown');
  for (const text of jordanTexts) {
    assert.ok(!shown.includes(text), `Alex must not see Jordan's message: ${JSON.stringify(text)}`);
  }
  assert.ok(!shown.includes('Jordan'), "Jordan's name does not appear either");
  // The API says the same thing to Alex's bearer token.
  const token = await suite.apiToken(suite.account('client', 'Alex Rivera'));
  const api = await fetch(`${suite.url}/api/v1/threads/${jordanThread.split('/').pop()}/messages`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const apiText = await api.text();
  assert.equal(api.status, 404, `the API answers 404 too (got ${api.status}: ${apiText})`);
  for (const text of jordanTexts) assert.ok(!apiText.includes(text), 'the API error does not leak the message');
  t.assertNoCspErrors();
});

test('every page is reachable by keyboard alone', TIMEOUT, async () => {
  const t = tracker();
  const riley = suite.account('client', 'Riley Chen');
  const page = t.add(await suite.newPage());
  await suite.visit(page, '/sign-in', { status: 200 });

  await page.keyboard.press('Tab');
  let f = await focused(page);
  assert.ok(f && f.tag === 'a' && f.href === '#main', `the first Tab focuses the skip link, got ${JSON.stringify(f)}`);
  assert.ok(f.className.includes('skip-link'));
  assert.ok(await page.evaluate(() => {
    const r = document.activeElement.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0;
  }), 'the focused skip link is visible on screen');

  await page.keyboard.press('Enter');
  f = await focused(page);
  assert.ok(f && f.tag === 'main' && f.id === 'main', `Enter on the skip link moves focus to main, got ${JSON.stringify(f)}`);

  // From main, the form: Tab to the email field, type, Tab, type, Enter.
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f?.id, 'email', `Tab from main reaches the email field, got ${JSON.stringify(f)}`);
  await page.keyboard.type(riley.email);
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f?.id, 'password', `Tab from email reaches the password field, got ${JSON.stringify(f)}`);
  await page.keyboard.type(riley.password);
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(path(page), '/home', 'Enter in the password field submits the form and signs in');

  // On /home, Tab alone reaches every navigation link and the sign-out button.
  const reached = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
    if (!f || f.tag === 'body') break;
    reached.add(f.href ?? `${f.tag}:${f.text}`);
  }
  for (const href of ['/home', '/messages', '/me/access-log', '/account']) {
    assert.ok(reached.has(href), `Tab reaches ${href} on /home (reached: ${[...reached].join(', ')})`);
  }
  assert.ok(reached.has('button:Sign out'), `Tab reaches the sign-out button (reached: ${[...reached].join(', ')})`);

  // And following a link by keyboard works: focus the messages link, press Enter.
  await page.focus('nav a[href="/messages"]');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(path(page), '/messages');
  t.assertNoCspErrors();
});

test('sign out ends the session', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.signedInPage(suite.account('client', 'Casey Morgan'), { fresh: true }));
  await suite.navigate(page, () => page.getByRole('button', { name: 'Sign out' }).click());
  assert.ok(['/', '/sign-in'].includes(path(page)), `after signing out the browser is on a public page, got ${path(page)}`);

  const resp = await page.goto('/home');
  assert.equal(path(page), '/sign-in', `/home after sign-out redirects to /sign-in (status ${resp.status()}, at ${page.url()})`);
  await suite.axe(page);
  const me = await page.request.get('/api/v1/me');
  assert.equal(me.status(), 401, 'the old session is not accepted any more');
  t.assertNoCspErrors();
});

test("each role's home page passes axe", TIMEOUT, async () => {
  const t = tracker();
  const pagesByRole = {
    client: ['/home', '/account', '/messages', '/me/access-log', '/me/electronic-data', '/me/encounter-plan', '/policies/social-media'],
    clinician: ['/home', '/account', '/messages', '/credentials', '/credentials/liability', '/where-can-i-see-clients', '/ce', '/profile', '/inbox', '/listings'],
    supervisor: ['/home', '/account', '/ce'],
    admin: ['/home', '/account', '/admin/credentials', '/admin/policies/social-media', '/admin/ce', '/listings'],
    auditor: ['/home', '/account', '/audit'],
  };
  for (const [role, paths] of Object.entries(pagesByRole)) {
    const page = t.add(await suite.signedInPage(suite.account(role)));
    for (const p of paths) {
      await suite.visit(page, p, { status: 200 });
      assert.equal(path(page), p, `${role} stays on ${p}`);
    }
    if (role === 'client' || role === 'clinician') {
      // The first conversation too.
      await suite.visit(page, '/messages', { status: 200 });
      const first = await page.$eval('ul.threads a', (a) => a.getAttribute('href'));
      await suite.visit(page, first, { status: 200 });
    }
    await page.context().close();
  }
  t.assertNoCspErrors();
});

test('the public home lists clinicians with profile links', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.newPage());
  await suite.visit(page, '/', { status: 200 });
  const hrefs = await page.$$eval('main a[href^="/clinicians/"]', (as) => as.map((a) => a.getAttribute('href')));
  for (const slug of ['dana-whitfield', 'samuel-okafor']) {
    assert.ok(hrefs.includes(`/clinicians/${slug}`), `/ links to /clinicians/${slug} (links: ${hrefs.join(', ')})`);
  }
  for (const [slug, name] of [['dana-whitfield', 'Dana Whitfield'], ['samuel-okafor', 'Samuel Okafor']]) {
    await suite.navigate(page, () => page.click(`main a[href="/clinicians/${slug}"]`));
    assert.equal(path(page), `/clinicians/${slug}`);
    assert.equal((await page.textContent('h1')).trim(), name);
    await suite.visit(page, '/');
  }
  t.assertNoCspErrors();
});

test('a clinician checks a location for a travelling client and is told why not and what would allow it', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.signedInPage(suite.account('clinician', 'Dana Whitfield')));
  await suite.visit(page, '/where-can-i-see-clients', { status: 200 });
  const places = (await tableRows(page)).map((r) => r[0]).join(' ');
  assert.ok(places.includes('US-MA') && places.includes('US-NY'), `covered places: ${places}`);
  // Keyboard only: type the location, then Enter submits the check.
  await page.focus('#location');
  await page.keyboard.type('US-CA');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  const result = await page.textContent('#check-result');
  assert.match(result, /may not see a client in US-CA/);
  assert.match(result, /a licence issued by US-CA/);
  await page.context().close();
  t.assertNoCspErrors();
});

test('anyone writes to a clinician through the contact form, keyboard only and with JavaScript off', TIMEOUT, async () => {
  const t = tracker();
  // With scripts on, for axe: the form page itself holds no script at all.
  const checked = t.add(await suite.newPage());
  await suite.visit(checked, '/contact?to=dana-whitfield', { status: 200 });
  assert.equal(await checked.locator('script').count(), 0, 'the contact page needs no script');
  await checked.context().close();

  const page = t.add(await suite.newPage(await suite.newContext({ javaScriptEnabled: false })));
  const resp = await page.goto('/contact?to=dana-whitfield');
  assert.equal(resp.status(), 200);
  await page.focus('#name');
  await page.keyboard.type('Lantern');
  await page.keyboard.press('Tab'); // the optional reply address: left empty
  await page.keyboard.press('Tab');
  await page.keyboard.type('Is there a waiting list for evening sessions?');
  await page.keyboard.press('Tab'); // past the honeypot (out of the tab order) to the button
  const onButton = await page.evaluate(() => document.activeElement?.textContent?.trim()).catch(() => null);
  if (onButton !== null) assert.equal(onButton, 'Send message');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  assert.equal((await page.textContent('h1')).trim(), 'Message sent');
  await page.context().close();

  const dana = t.add(await suite.signedInPage(suite.account('clinician', 'Dana Whitfield')));
  await suite.visit(dana, '/inbox', { status: 200 });
  const inbox = await dana.textContent('main');
  assert.match(inbox, /From “Lantern”/);
  assert.match(inbox, /evening sessions/);
  assert.match(inbox, /not a clinical channel/);
  await dana.context().close();
  t.assertNoCspErrors();
});

test('a clinician adds a licence to the register and records a listing check, keyboard only', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.signedInPage(suite.account('clinician', 'Dana Whitfield')));
  await suite.visit(page, '/credentials', { status: 200 });
  const fill = async (id, text) => {
    await page.focus(id);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
  };
  await fill('#kind', 'temporary_permit');
  await fill('#jurisdiction', 'US-VT');
  await fill('#title', 'Temporary permit');
  await fill('#number', 'VT-TMP-42');
  await fill('#starts', '2026-11-01');
  await fill('#expires', '2027-01-31');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  const rows = (await tableRows(page)).map((r) => r.join(' '));
  assert.ok(rows.some((r) => r.includes('US-VT') && r.includes('VT-TMP-42')), `register rows: ${rows.join(' | ')}`);
  await suite.visit(page, '/where-can-i-see-clients', { status: 200 });
  assert.ok((await tableRows(page)).some((r) => r[0].includes('US-VT')), 'the permit counts at once');

  // The online-listings register: the overdue directory listing is first; check it.
  await suite.visit(page, '/home', { status: 200 });
  assert.match(await page.textContent('main'), /online listing is due for a check/);
  await suite.visit(page, '/listings', { status: 200 });
  assert.match(await page.textContent('main'), /never offers to answer reviews/);
  const first = (await tableRows(page))[0].join(' ');
  assert.match(first, /Local business directory/);
  await page.focus('table tbody tr:first-child input[name="note"]');
  await page.keyboard.type('phone number updated');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  const after = (await tableRows(page)).map((r) => r.join(' ')).join(' | ');
  assert.match(after, /Dana Whitfield · accurate · phone number updated/);
  await suite.visit(page, '/home', { status: 200 });
  assert.doesNotMatch(await page.textContent('main'), /due for a check/);

  // Her public profile, as a prospective client reads it.
  await suite.visit(page, '/profile', { status: 200 });
  await suite.visit(page, '/clinicians/dana-whitfield', { status: 200 });
  assert.match(await page.textContent('main'), /If the technology fails/);
  await page.context().close();
  t.assertNoCspErrors();
});

/** Presses Tab until `want(focused)` holds (at most `max` times); fails naming what was reached. */
async function tabTo(page, want, what, max = 80) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && want(f)) return f;
    seen.push(f ? f.id || f.href || `${f.tag}:${f.text.slice(0, 30)}` : 'nothing');
  }
  assert.fail(`Tab never reached ${what}; reached: ${seen.join(', ')}`);
}

test('client completes the electronic data transmission request with the keyboard alone', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.signedInPage(suite.account('client', 'Jordan Lee')));
  await suite.visit(page, '/home', { status: 200 });
  // From the home page, by keyboard: the link to the request.
  await tabTo(page, (f) => f.href === '/me/electronic-data', 'the link to /me/electronic-data');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(path(page), '/me/electronic-data');
  assert.match(await page.textContent('#edt-current'), /have not signed a request yet/);
  for (const risk of ['not encrypted from end to end', 'lock screen', 'overheard']) {
    assert.ok((await page.textContent('main')).includes(risk), `the page explains the risk: ${risk}`);
  }

  // Tick two choices with the space bar, type the name, press Enter to sign.
  await tabTo(page, (f) => f.id === 'accept-email-appointment_reminders', 'the email reminders box');
  await page.keyboard.press('Space');
  await tabTo(page, (f) => f.id === 'accept-video-sessions', 'the video sessions box');
  await page.keyboard.press('Space');
  await tabTo(page, (f) => f.id === 'signature', 'the signature field');
  await page.keyboard.type('Jordan Lee');
  await suite.navigate(page, () => page.keyboard.press('Enter'));

  assert.equal(path(page), '/me/electronic-data');
  assert.match(await page.textContent('#edt-saved'), /signed and saved as version 1/);
  const current = await page.$$eval('#edt-current li', (lis) => lis.map((li) => li.textContent.trim()));
  assert.deepEqual(current, ['Email: Appointment reminders', 'Video: Therapy sessions']);
  assert.ok(await page.isChecked('#accept-email-appointment_reminders'), 'the box stays ticked');
  assert.ok(!(await page.isChecked('#accept-text-appointment_reminders')), 'an unticked box stays unticked');
  const rows = await tableRows(page, 'table.edt-history');
  assert.equal(rows.length, 1, `one signed version; rows: ${JSON.stringify(rows)}`);
  const [version, , signedAs, changes] = rows[0];
  assert.equal(version, '1');
  assert.equal(signedAs, 'Jordan Lee');
  assert.match(changes, /Allowed: Email: Appointment reminders/);
  assert.match(changes, /Allowed: Video: Therapy sessions/);
  t.assertNoCspErrors();
});

test('a client reads and acknowledges the social-media policy, and the home page stops asking', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.signedInPage(suite.account('client', 'Casey Morgan')));
  await suite.visit(page, '/home', { status: 200 });
  const notice = page.locator('#policy-ack-due a');
  assert.match(await notice.textContent(), /Please read and acknowledge the social-media policy \(version 1\)/);
  await suite.navigate(page, () => notice.click());
  assert.equal(path(page), '/policies/social-media');
  assert.match(await page.textContent('#policy-version'), /Version 1, in effect from/);
  await suite.navigate(page, () => page.getByRole('button', { name: 'I have read and accept version 1' }).click());
  assert.match(await page.textContent('#ack-status'), /You acknowledged version 1 on/);
  await suite.visit(page, '/home', { status: 200 });
  assert.equal(await page.locator('#policy-ack-due').count(), 0, 'the home page no longer asks');
  t.assertNoCspErrors();
});

test('the seed 001 pages pass axe for the public, the care team, the client and the admin', TIMEOUT, async () => {
  const t = tracker();
  // The public: from the practice's home to the policy.
  const anon = t.add(await suite.newPage());
  await suite.visit(anon, '/', { status: 200 });
  await suite.navigate(anon, () => anon.click('main a[href="/policies/social-media"]'));
  assert.equal(path(anon), '/policies/social-media');
  assert.ok((await anon.$$('main h2')).length >= 5, 'the policy has its section headings');
  await suite.visit(anon, '/clinicians/dana-whitfield', { status: 200 });
  assert.equal(await anon.locator('main a[href="/policies/social-media"]').count(), 1, 'the profile links the policy');

  // The care team: caseload → record → plan form.
  const dana = t.add(await suite.signedInPage(suite.account('clinician', 'Dana Whitfield')));
  await suite.visit(dana, '/home', { status: 200 });
  await suite.navigate(dana, () => dana.getByRole('link', { name: 'Alex Rivera' }).click());
  assert.match(path(dana), /^\/clients\/[0-9a-f-]{36}$/);
  assert.match(await dana.textContent('#encounter-plan'), /climbing gym/);
  await suite.navigate(dana, () => dana.getByRole('link', { name: 'Change the plan' }).click());
  assert.match(path(dana), /\/encounter-plan$/);
  assert.ok(await dana.isChecked('#platform-instagram'));

  // The client's read-only plan, and the admin's publishing page.
  const alex = t.add(await suite.signedInPage(suite.account('client', 'Alex Rivera')));
  await suite.visit(alex, '/me/encounter-plan', { status: 200 });
  assert.match(await alex.textContent('#encounter-plan'), /climbing gym/);
  assert.equal(await alex.locator('main form').count(), 0, 'the client cannot edit the plan');
  const admin = t.add(await suite.signedInPage(suite.account('admin')));
  await suite.visit(admin, '/admin/policies/social-media', { status: 200 });
  assert.match(await admin.inputValue('#body'), /We do not connect with clients online/);
  t.assertNoCspErrors();
});

/** Today's date in UTC (the server's date), shifted by `days`, as YYYY-MM-DD. */
function utcDate(days = 0) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The "N of M hours" line of the licence section whose heading names `place`. */
async function countedFor(page, place) {
  return page.$$eval(
    '#ce-progress section.licence',
    (sections, place) => {
      const s = sections.find((x) => x.querySelector('h3')?.textContent.includes(place));
      return s?.querySelector('.ce-counted')?.textContent.trim() ?? null;
    },
    place,
  );
}

test('a clinician records a continuing-education activity with the keyboard and sees progress', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.signedInPage(suite.account('clinician', 'Dana Whitfield')));
  // Reach the page the way a person would: from the navigation.
  await suite.navigate(page, () => page.getByRole('link', { name: 'Continuing education' }).first().click());
  assert.equal(path(page), '/ce');
  const before = await countedFor(page, 'US-MA');
  const m = /^([\d.]+) of 30 hours$/.exec(before ?? '');
  assert.ok(m, `the Massachusetts licence shows hours counted of 30, got ${JSON.stringify(before)}`);
  assert.match(await page.textContent('#ce-progress'), /marked for verification/, 'the unverified figures are flagged');

  // Keyboard only: each field, then Tab to the next. Hours are left out on purpose first.
  const title = `Telehealth ethics and boundaries ${Date.now()}`;
  await page.focus('#ce-provider');
  await page.keyboard.type('NASW Massachusetts Chapter');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page))?.id, 'ce-provider_approval_number');
  await page.keyboard.type('D 12345');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page))?.id, 'ce-title');
  await page.keyboard.type(title);
  await page.keyboard.press('Tab');
  assert.equal((await focused(page))?.id, 'ce-completed_on');
  const today = utcDate();
  const [yyyy, mm, dd] = today.split('-');
  // <input type="date"> takes the digits in the browser's order (month, day, year for en-US).
  await page.keyboard.type(`${mm}${dd}${yyyy}`);
  assert.equal(await page.inputValue('#ce-completed_on'), today, 'the date typed with the keyboard');
  // Tab walks the date's own parts (and its calendar button) before leaving it.
  for (let i = 0; i < 4 && (await focused(page))?.id === 'ce-completed_on'; i++) await page.keyboard.press('Tab');
  assert.equal((await focused(page))?.id, 'ce-hours');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page))?.id, 'ce-category');
  await page.keyboard.type('Technology');
  assert.equal(await page.inputValue('#ce-category'), 'technology');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page))?.id, 'ce-format');
  await page.keyboard.type('Live online');
  assert.equal(await page.inputValue('#ce-format'), 'live_online');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page))?.id, 'ce-counts_towards');
  assert.equal(await page.inputValue('#ce-counts_towards'), '', 'it counts towards every licence unless one is chosen');
  await page.keyboard.press('Tab'); // the certificate file chooser
  await page.keyboard.press('Tab');
  const button = await focused(page);
  assert.equal(button?.text, 'Record activity', `Tab reaches the submit button, got ${JSON.stringify(button)}`);
  await suite.navigate(page, () => page.keyboard.press('Enter'));

  // The missing hours are named next to the field; everything typed is still there.
  const error = await page.textContent('#ce-hours-error');
  assert.match(error, /Enter the hours as a number/);
  assert.equal(await page.getAttribute('#ce-hours', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#ce-hours', 'aria-describedby'), /ce-hours-error/);
  assert.equal(await page.inputValue('#ce-title'), title);
  assert.equal(await page.inputValue('#ce-category'), 'technology');
  // The error summary links to the field.
  assert.ok(await page.$('#ce-errors a[href="#ce-hours"]'), 'the summary links to the hours field');

  await page.focus('#ce-hours');
  await page.keyboard.type('2.5');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.equal(path(page), '/ce', 'Enter in the hours field submits the form');
  const after = await countedFor(page, 'US-MA');
  const expected = `${Number(m[1]) + 2.5} of 30 hours`;
  assert.equal(after, expected, 'the Massachusetts progress counts the new hours');
  const rows = await tableRows(page, 'table.ce-activities');
  const row = rows.find((r) => r[1] === title);
  assert.ok(row, `the activity is listed: ${JSON.stringify(rows)}`);
  assert.equal(row[0], today);
  assert.equal(row[3], '2.5');

  // Its edit page, reached by keyboard, passes axe too.
  await page.locator('table.ce-activities tr', { hasText: title }).locator('a[href$="/edit"]').focus();
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.match(path(page), /^\/ce\/[0-9a-f-]+\/edit$/);
  assert.equal(await page.inputValue('#ce-hours'), '2.5');
  await page.context().close();
  t.assertNoCspErrors();
});

test('the dashboard shows a reminder for a credential that expires soon', TIMEOUT, async () => {
  const t = tracker();
  const sam = t.add(await suite.signedInPage(suite.account('clinician', 'Samuel Okafor')));
  await suite.visit(sam, '/credentials', { status: 200 });
  const expires = utcDate(20);
  await sam.fill('#kind', 'license');
  await sam.fill('#jurisdiction', 'US-CT');
  await sam.fill('#title', 'Licensed Psychologist');
  await sam.fill('#number', 'CT-PSY-77');
  await sam.fill('#expires', expires);
  await suite.navigate(sam, () => sam.click('form[action="/credentials"] button[type="submit"]'));
  assert.equal(path(sam), '/credentials');

  await suite.visit(sam, '/home', { status: 200 });
  const notices = await sam.textContent('section.notices');
  assert.ok(
    notices.includes(`Your Licensed Psychologist licence in US-CT expires in 20 days (${expires}) — renew and update the register.`),
    `Samuel's dashboard shows the reminder: ${notices}`,
  );

  const admin = t.add(await suite.signedInPage(suite.account('admin')));
  const adminNotices = await admin.textContent('section.notices');
  assert.ok(
    adminNotices.includes(`Samuel Okafor: Licensed Psychologist licence in US-CT expires in 20 days (${expires}).`),
    `the admin's dashboard shows it too: ${adminNotices}`,
  );
  await sam.context().close();
  await admin.context().close();
  t.assertNoCspErrors();
});

test('a client completes the PHQ-9 with the keyboard alone and sees crisis resources after item 9', TIMEOUT, async () => {
  const t = tracker();
  const page = t.add(await suite.signedInPage(suite.account('client', 'Jordan Lee')));
  await suite.visit(page, '/me/screening/phq9', { status: 200 });
  // Each item is a radio group: Tab reaches it, Space picks the first answer, an arrow moves on.
  for (let n = 1; n <= 9; n++) {
    await tabTo(page, (f) => f.id === `item_${n}_0`, `the first answer of item ${n}`);
    await page.keyboard.press('Space');
    if (n === 9) await page.keyboard.press('ArrowDown');
  }
  assert.ok(await page.isChecked('#item_9_1'), 'the arrow key chose "Several days" for item 9');
  await tabTo(page, (f) => f.tag === 'button' && /Submit answers/.test(f.text ?? ''), 'the submit button');
  await suite.navigate(page, () => page.keyboard.press('Enter'));
  assert.match(await page.textContent('#crisis-resources'), /988/);
  assert.match(await page.textContent('#scr-result'), /PHQ-9 score: 1 \/ 27/);
  t.assertNoCspErrors();
});
