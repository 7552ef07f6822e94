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
    client: ['/home', '/account', '/messages', '/me/access-log'],
    clinician: ['/home', '/account', '/messages', '/credentials', '/where-can-i-see-clients'],
    supervisor: ['/home', '/account'],
    admin: ['/home', '/account', '/admin/credentials'],
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
