// Two instances of one practice on one PostgreSQL database (DESIGN.md, "Storage"): a message
// sent through the web form on instance A appears, without a reload, on the thread page a
// client has open on instance B. Both are real `alcove` processes; the test makes its own
// throwaway database on the PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) and
// fails, never skips, when there is none.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Suite, launchBrowser, startDemoServer } from './lib/harness.mjs';
import { stepAt, totp } from './lib/totp.mjs';

const PG = { host: '127.0.0.1', port: '5432', user: 'postgres', adminDb: process.env.PG_ADMIN_DB || 'test' };
const DB = `alcove_browser_live_${process.pid}_${Date.now()}`;
const DATABASE_URL = `postgres://${PG.user}@${PG.host}:${PG.port}/${DB}`;
const TIMEOUT = { timeout: 180_000 };

function psql(sql) {
  execFileSync('psql', ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', PG.adminDb, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

let a;
let b;
let browser;
let created = false;
// axe and CSP checks from the shared harness (only its page checks are used here).
const checks = new Suite();

before(async () => {
  psql(`CREATE DATABASE "${DB}"`);
  created = true;
  const env = { ALCOVE_DATABASE_URL: DATABASE_URL };
  a = await startDemoServer({ env });
  // B serves the same practice: the keys kept outside the database, and the shared database.
  b = await startDemoServer({
    env,
    command: 'serve',
    prepare: (dataDir) => {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      for (const f of ['master.key', 'audit-signing.pem']) {
        copyFileSync(join(a.dir, f), join(dataDir, f));
        chmodSync(join(dataDir, f), 0o600);
      }
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (b) await b.stop();
  if (a) await a.stop();
  if (created) psql(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
});

async function pageOn(server) {
  const ctx = await browser.newContext({ baseURL: server.url });
  const page = await checks.newPage(ctx);
  return page;
}

async function signIn(page, account) {
  await page.goto('/sign-in');
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button[type="submit"]')]);
  if (account.totp_secret) {
    assert.equal(new URL(page.url()).pathname, '/sign-in/code');
    await page.fill('#code', totp(account.totp_secret, stepAt(Date.now() / 1000)));
    await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in/code"] button[type="submit"]')]);
  }
  assert.equal(new URL(page.url()).pathname, '/home', `${account.email} lands on /home`);
}

test('a message sent on one instance appears live to a reader on another', TIMEOUT, async () => {
  const alex = a.accounts.find((x) => x.name === 'Alex Rivera');
  const dana = a.accounts.find((x) => x.name === 'Dana Whitfield');

  // Alex reads the thread on instance B.
  const reader = await pageOn(b);
  await signIn(reader, alex);
  await reader.goto('/messages');
  const threadHref = await reader.getAttribute('ul.threads a[href^="/messages/"]', 'href');
  assert.ok(threadHref, "Alex's /messages on B links to the thread");
  await reader.goto(threadHref);
  await checks.axe(reader);
  const before = await reader.$$eval('ol.messages li.message', (li) => li.length);
  // A marker that a reload would wipe: the message must arrive without one.
  await reader.evaluate(() => {
    window.__stillTheSamePage = true;
  });
  // Give the page's socket a moment to subscribe (it also catches up on subscribing).
  await reader.waitForTimeout(1000);

  // Dana writes on instance A, through the ordinary form.
  const writer = await pageOn(a);
  await signIn(writer, dana);
  await writer.goto('/messages');
  const links = await writer.$$eval('ul.threads a[href^="/messages/"]', (as) =>
    as.map((x) => ({ name: x.textContent.trim(), href: x.getAttribute('href') })),
  );
  const toAlex = links.find((l) => l.name === 'Alex Rivera');
  assert.ok(toAlex, `Dana's /messages on A lists Alex (${JSON.stringify(links)})`);
  assert.equal(toAlex.href, threadHref, 'the same thread on both instances');
  await writer.goto(toAlex.href);
  const text = `Written on instance A at ${new Date().toISOString()}`;
  await writer.fill('#body', text);
  await Promise.all([writer.waitForNavigation(), writer.click(`form[action="${toAlex.href}"] button[type="submit"]`)]);

  // It appears on B, in the list, and is announced to screen readers.
  const arrived = reader.locator('ol.messages li.message', { hasText: text });
  await arrived.waitFor({ timeout: 15_000 });
  assert.equal(await reader.$$eval('ol.messages li.message', (li) => li.length), before + 1);
  assert.equal(await reader.evaluate(() => window.__stillTheSamePage), true, 'no reload happened');
  assert.match(await reader.textContent('#live-status'), /New message from Dana Whitfield/);
  assert.match(await arrived.textContent(), /Dana Whitfield/);
  await checks.axe(reader);
  checks.assertNoCspErrors(reader);
  checks.assertNoCspErrors(writer);
  // Chromium logs the favicon request's 404 as a console error; a failed live.js would show
  // as the message never arriving, above. What must be empty is everything else.
  const scriptErrors = reader.consoleErrors.filter((m) => !/Failed to load resource/.test(m));
  assert.deepEqual(scriptErrors, [], 'no script errors on the reading page');

  // Read state follows: the new message was read on the page, so nothing waits on /home.
  await reader.goto('/home');
  assert.equal(await reader.locator('#home-unread').count(), 0, 'nothing unread after reading it live');
});
