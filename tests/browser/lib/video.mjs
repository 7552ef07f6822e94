// The steps of a video session as people take them, for video.test.mjs and scripts/e2e-video:
// a client checks in and waits, the clinician admits, both enter the room, and the pages'
// `window.alcoveVideo` (static/video.js) says when every peer connection is up and how many
// frames each inbound video decodes.
import assert from 'node:assert/strict';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The id of the session listed on /sessions whose row mentions `text` (e.g. "Group"). */
export async function sessionFromList(page, text) {
  await page.goto('/sessions');
  const rows = await page.$$eval('#sessions-upcoming tbody tr[data-session]', (trs) =>
    trs.map((tr) => ({ id: tr.dataset.session, text: tr.textContent.replace(/\s+/g, ' ') })),
  );
  const row = rows.find((r) => r.text.includes(text));
  assert.ok(row, `/sessions lists a session with "${text}": ${JSON.stringify(rows)}`);
  return row.id;
}

/**
 * The client's check-in on /sessions/{id}: where they are, a private place, the phone number
 * for a dropped connection, the emergency contact confirmed. Ends in the waiting room.
 */
export async function checkIn(page, id, { jurisdiction = 'US-MA', phone = '+1 617 555 0100', axe } = {}) {
  await page.goto(`/sessions/${id}`);
  if (axe) await axe(page);
  await page.fill('#jurisdiction', jurisdiction);
  await page.fill('#fallback_phone', phone);
  await page.check('#private_place');
  await page.check('#emergency_contact_confirmed');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#check-in-form button[type="submit"]')]);
  const phase = await page.getAttribute('#waiting-room', 'data-phase').catch(() => null);
  assert.ok(
    phase === 'waiting' || phase === 'admitted',
    `after checking in, ${new URL(page.url()).pathname} shows the waiting room (got ${phase}): ${await page.textContent('main').catch(() => '')}`,
  );
  if (axe) await axe(page);
}

/** The clinician admits each named client from /sessions/{id}; resolves when the last one is in. */
export async function admit(page, id, names) {
  await page.goto(`/sessions/${id}`);
  for (const name of names) {
    const card = page.locator('#check-ins li.card', { hasText: name });
    await card.locator('button.admit').waitFor({ timeout: 15_000 });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), card.locator('button.admit').click()]);
    assert.equal(await card.getAttribute('data-admitted'), 'true', `${name} is admitted`);
  }
}

/** A waiting client follows the way in once it appears (the waiting room polls), into the room. */
export async function enterFromWaitingRoom(page) {
  await page.locator('#enter-room').waitFor({ state: 'visible', timeout: 20_000 });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#enter-room')]);
  assert.match(new URL(page.url()).pathname, /^\/sessions\/[^/]+\/room$/);
}

/** The clinician enters the room from their session page. */
export async function enterAsHost(page, id) {
  await page.goto(`/sessions/${id}/room`);
  assert.match(new URL(page.url()).pathname, /\/room$/);
}

/** Each page's peers, as video.js reports them. */
export async function peersOf(pages) {
  return Promise.all(pages.map((p) => p.evaluate(() => (window.alcoveVideo ? window.alcoveVideo.peers() : null))));
}

/**
 * Waits until every page has `pages.length - 1` peers, all "connected"; returns the time it
 * happened (ms since the epoch). Throws, with every page's view, after `timeout` ms.
 */
export async function waitAllConnected(pages, { timeout = 30_000 } = {}) {
  const want = pages.length - 1;
  const deadline = Date.now() + timeout;
  let last = [];
  while (Date.now() < deadline) {
    last = await peersOf(pages);
    if (last.every((ps) => ps && ps.length === want && ps.every((p) => p.state === 'connected'))) return Date.now();
    await sleep(50);
  }
  throw new Error(`not every peer connected within ${timeout} ms: ${JSON.stringify(last)}`);
}

/**
 * Mean decoded frames per second per inbound video over `ms`, from getStats: every page's
 * inbound videos sampled at the start and the end. Also returns how many videos and the
 * smallest frame count decoded in the window.
 */
export async function measureFps(pages, ms = 5000) {
  const sample = () => Promise.all(pages.map((p) => p.evaluate(() => window.alcoveVideo.stats())));
  const before = await sample();
  const t0 = Date.now();
  await sleep(ms);
  const after = await sample();
  const seconds = (Date.now() - t0) / 1000;
  const rates = [];
  let minFrames = Infinity;
  after.forEach((stats, i) => {
    for (const s of stats) {
      const b = before[i].find((x) => x.peer === s.peer);
      const frames = s.framesDecoded - (b ? b.framesDecoded : 0);
      minFrames = Math.min(minFrames, frames);
      rates.push(frames / seconds);
    }
  });
  const fps = rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0;
  return { fps, videos: rates.length, minFrames: rates.length ? minFrames : 0 };
}
