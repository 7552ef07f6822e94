// Video sessions in real browsers (issue 6): Chromium with a fake camera and microphone, the
// real `alcove` binary. A 1:1 session connects both ways with frames decoded; when the client's
// connection drops both sides see the agreed fallback at once and the reconnect button resumes
// the same session; a group of four (Samuel Okafor and his three demo clients) connects as a
// mesh; and a client on one instance and the clinician on another (one PostgreSQL) still
// connect. axe runs on every page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Suite, launchBrowser, startDemoServer } from './lib/harness.mjs';
import { admit, checkIn, enterAsHost, enterFromWaitingRoom, measureFps, sessionFromList, waitAllConnected } from './lib/video.mjs';

const TIMEOUT = { timeout: 240_000 };

/** Every page's inbound videos have decoded frames (each side sees the others move). */
async function assertFramesDecoded(pages) {
  const { videos, minFrames } = await measureFps(pages, 2000);
  assert.equal(videos, pages.length * (pages.length - 1), 'one inbound video per other participant on every page');
  assert.ok(minFrames > 0, `every inbound video decodes frames (fewest in 2 s: ${minFrames})`);
}

function scriptErrors(page) {
  // Chromium logs the favicon's 404 as a console error; everything else counts.
  return page.consoleErrors.filter((m) => !/Failed to load resource/.test(m));
}

describe('video on one instance', () => {
  let suite;
  before(async () => {
    suite = await Suite.start({ media: true });
  });
  after(async () => {
    if (suite) await suite.stop();
  });

  test('a 1:1 session connects both ways, and a dropped connection shows the fallback and reconnects', TIMEOUT, async () => {
    const axe = (p) => suite.axe(p);
    const dana = await suite.signedInPage(suite.account('clinician', 'Dana Whitfield'));
    const alex = await suite.signedInPage(suite.account('client', 'Alex Rivera'));
    const id = await sessionFromList(dana, 'Individual');
    await checkIn(alex, id, { jurisdiction: 'US-MA', phone: '+1 617 555 0142', axe });
    await admit(dana, id, ['Alex Rivera']);
    await axe(dana);
    await Promise.all([enterAsHost(dana, id), enterFromWaitingRoom(alex)]);
    await waitAllConnected([dana, alex]);
    await assertFramesDecoded([dana, alex]);
    for (const p of [dana, alex]) {
      await axe(p);
      suite.assertNoCspErrors(p);
      assert.equal(await p.isHidden('#fallback'), true, 'no fallback while connected');
    }
    // Each tile is labelled with the other person's name and says it is connected.
    assert.match(await dana.textContent('#peers figure.tile figcaption'), /Alex Rivera/);
    assert.match(await alex.textContent('#peers figure.tile figcaption'), /Dana Whitfield/);
    assert.equal(await dana.getAttribute('#peers figure.tile', 'data-state'), 'connected');

    // Mute is a toggle a screen reader hears as one.
    await alex.click('#mute');
    assert.equal(await alex.getAttribute('#mute', 'aria-pressed'), 'true');
    assert.equal(await alex.evaluate(() => document.getElementById('self-view').srcObject.getAudioTracks()[0].enabled), false);
    await alex.click('#mute');
    assert.equal(await alex.evaluate(() => document.getElementById('self-view').srcObject.getAudioTracks()[0].enabled), true);

    // Alex's connection drops (the socket goes without a goodbye): both see the fallback at
    // once — Dana with the number Alex confirmed at check-in.
    const lostAt = Date.now();
    await alex.evaluate(() => window.alcoveVideo.dropSocket());
    await dana.locator('#fallback').waitFor({ state: 'visible', timeout: 5_000 });
    await alex.locator('#fallback').waitFor({ state: 'visible', timeout: 5_000 });
    const shownIn = Date.now() - lostAt;
    assert.ok(shownIn < 5_000, `the fallback shows at once (${shownIn} ms)`);
    assert.match(await dana.textContent('#fallback'), /617 555 0142/, "Dana's fallback names the number to call");
    await axe(dana);
    await axe(alex);

    // Reconnect resumes the same session: new connections both ways, the fallback goes away.
    await alex.click('#reconnect');
    await waitAllConnected([dana, alex]);
    await dana.locator('#fallback').waitFor({ state: 'hidden', timeout: 10_000 });
    await alex.locator('#fallback').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.match(new URL(alex.url()).pathname, new RegExp(`/sessions/${id}/room$`), 'the same room');
    assert.equal((await dana.$$('#peers figure.tile')).length, 1, 'the old connection is gone, the new one shown');
    await assertFramesDecoded([dana, alex]);
    assert.deepEqual(scriptErrors(dana), []);
    assert.deepEqual(scriptErrors(alex), []);

    // The session record notes the drop and the reconnection.
    const record = await suite.newPage(dana.context());
    await suite.visit(record, `/sessions/${id}/record`, { status: 200 });
    const text = await record.textContent('main');
    assert.match(text, /connection_lost|Connection lost|connection lost/i);
    assert.match(text, /reconnected/i);
  });

  test('a group of four connects as a mesh', TIMEOUT, async () => {
    const axe = (p) => suite.axe(p);
    const samuel = await suite.signedInPage(suite.account('clinician', 'Samuel Okafor'));
    const id = await sessionFromList(samuel, 'Group');
    const names = ['Riley Chen', 'Taylor Brooks', 'Noor Haddad'];
    const clients = [];
    for (const [i, name] of names.entries()) {
      const p = await suite.signedInPage(suite.account('client', name));
      await checkIn(p, id, { jurisdiction: 'US-PA', phone: `+1 215 555 01${50 + i}`, axe });
      clients.push(p);
    }
    await admit(samuel, id, names);
    await Promise.all([enterAsHost(samuel, id), ...clients.map(enterFromWaitingRoom)]);
    const pages = [samuel, ...clients];
    await waitAllConnected(pages, { timeout: 60_000 });
    await assertFramesDecoded(pages);
    for (const p of pages) {
      assert.equal((await p.$$('#peers figure.tile')).length, 3, 'three tiles on every page');
      await axe(p);
      suite.assertNoCspErrors(p);
      assert.deepEqual(scriptErrors(p), []);
    }
    // Each tile names who it shows: Samuel sees his three clients.
    const captions = await samuel.$$eval('#peers figure.tile figcaption', (fs) => fs.map((f) => f.textContent));
    for (const name of names) assert.ok(captions.some((t) => t.includes(name)), `${name} has a tile: ${captions}`);
  });
});

// Two `alcove` processes on one PostgreSQL database: the test makes its own throwaway
// database (user postgres, trust auth, like live.test.mjs) and fails, never skips, without one.
describe('video across two instances', () => {
  const PG = { host: '127.0.0.1', port: '5432', user: 'postgres', adminDb: process.env.PG_ADMIN_DB || 'test' };
  const DB = `alcove_browser_video_${process.pid}_${Date.now()}`;
  const psql = (sql) =>
    execFileSync('psql', ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', PG.adminDb, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  let a;
  let b;
  let browser;
  let created = false;
  const checks = new Suite();

  before(async () => {
    psql(`CREATE DATABASE "${DB}"`);
    created = true;
    const env = { ALCOVE_DATABASE_URL: `postgres://${PG.user}@${PG.host}:${PG.port}/${DB}` };
    a = await startDemoServer({ env });
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
    browser = await launchBrowser({ media: true });
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (b) await b.stop();
    if (a) await a.stop();
    if (created) psql(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  });

  test('a client on instance B and the clinician on instance A connect', TIMEOUT, async () => {
    checks.server = a; // accounts (and TOTP bookkeeping) of the shared practice
    const on = async (server) => {
      const ctx = await browser.newContext({ baseURL: server.url });
      return checks.newPage(ctx);
    };
    const dana = await on(a);
    await checks.signIn(dana, a.accounts.find((x) => x.name === 'Dana Whitfield'));
    const alex = await on(b);
    await checks.signIn(alex, a.accounts.find((x) => x.name === 'Alex Rivera'));
    const id = await sessionFromList(dana, 'Individual');
    await checkIn(alex, id, { jurisdiction: 'US-MA' });
    await admit(dana, id, ['Alex Rivera']);
    await Promise.all([enterAsHost(dana, id), enterFromWaitingRoom(alex)]);
    await waitAllConnected([dana, alex]);
    await assertFramesDecoded([dana, alex]);
    for (const p of [dana, alex]) {
      await checks.axe(p);
      checks.assertNoCspErrors(p);
      assert.deepEqual(scriptErrors(p), []);
    }
  });
});
