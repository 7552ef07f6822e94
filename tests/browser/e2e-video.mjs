// scripts/e2e-video [--participants N]: one demo server, N headless Debian Chromium instances
// with a fake camera and microphone, the whole walk of a session (sign-in, check-in, waiting
// room, admission, the room), then the figures. The LAST line of output is JSON:
//   {"participants":N,"connected_ms":...,"fps":...}
// connected_ms: from the clinician's last admission to every peer connection "connected" on
// every page, as the pages recorded it (so it includes the waiting room noticing the admission
// and the room loading);
// fps: mean decoded frames per second per inbound video over 5 s (getStats).
// Exit status 1 if any peer connection does not come up (or anything else fails).
import { launchBrowser, Suite, startDemoServer } from './lib/harness.mjs';
import { admit, checkIn, enterAsHost, enterFromWaitingRoom, measureFps, sessionFromList, waitAllConnected } from './lib/video.mjs';

// Who takes part for N participants, and which demo session they meet in (see the demo's
// sessions: `sessions::seed_demo_sessions`): Dana's 1:1 with Alex, or Samuel's group of his
// three ready clients in Pennsylvania, both open for check-in when the demo starts.
const GROUP = ['Riley Chen', 'Taylor Brooks', 'Noor Haddad'];
const PLANS = {
  2: { clinician: 'Dana Whitfield', session: 'Individual', clients: ['Alex Rivera'] },
  3: { clinician: 'Samuel Okafor', session: 'Group', clients: GROUP.slice(0, 2) },
  4: { clinician: 'Samuel Okafor', session: 'Group', clients: GROUP },
};
const WHERE = { 'Alex Rivera': 'US-MA', 'Riley Chen': 'US-PA', 'Taylor Brooks': 'US-PA', 'Noor Haddad': 'US-PA' };

function usage(msg) {
  if (msg) console.error(`e2e-video: ${msg}`);
  console.error('usage: scripts/e2e-video [--participants N]   (N = 2, 3 or 4; default 2)');
  process.exit(2);
}

let n = 2;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--participants' || a === '-n') n = Number(argv[++i]);
  else if (a.startsWith('--participants=')) n = Number(a.split('=')[1]);
  else if (a === '--help' || a === '-h') usage();
  else usage(`unknown argument ${a}`);
}
if (!Number.isInteger(n) || !PLANS[n]) usage(`--participants must be 2, 3 or 4 (got ${n})`);
const plan = PLANS[n];

const log = (m) => console.log(`# ${m}`);
let server;
const browsers = [];
let code = 0;
try {
  server = await startDemoServer();
  log(`server ${server.url}`);
  // The suite's sign-in helpers (TOTP for the clinician) against this server.
  const suite = new Suite();
  suite.server = server;
  for (let i = 0; i < n; i++) browsers.push(await launchBrowser({ media: true }));
  const pageIn = async (browser) => {
    const ctx = await browser.newContext({ baseURL: server.url });
    return suite.newPage(ctx);
  };
  const host = await pageIn(browsers[0]);
  await suite.signIn(host, suite.account('clinician', plan.clinician));
  const id = await sessionFromList(host, plan.session);
  log(`session ${id} (${plan.session}) with ${plan.clients.join(', ')}`);

  const clients = [];
  for (const [i, name] of plan.clients.entries()) {
    const page = await pageIn(browsers[i + 1]);
    await suite.signIn(page, suite.account('client', name));
    await checkIn(page, id, { jurisdiction: WHERE[name] });
    clients.push(page);
  }
  log('checked in; the clinician admits');
  await admit(host, id, plan.clients);
  const admittedAt = Date.now();
  // When each page is in its room (the host loads it; the clients hear of the admission first).
  const inRoom = await Promise.all(
    [enterAsHost(host, id), ...clients.map(enterFromWaitingRoom)].map((p) => p.then(() => Date.now() - admittedAt)),
  );
  log(`in the room after (ms): ${inRoom.join(', ')}`);
  const pages = [host, ...clients];
  let connectedAt;
  try {
    connectedAt = await waitAllConnected(pages, { timeout: 30_000 });
  } catch (e) {
    console.error(`e2e-video: ${e.message}`);
    code = 1;
  }
  // Each page's steps (video.js), in ms after the admission: where the time went. The moment
  // the last connection came up is the latest "connected" step a page recorded; the poll that
  // noticed it (every 50 ms, one page after another) only bounds it from above.
  let lastConnected = 0;
  for (const [i, page] of pages.entries()) {
    const steps = await page.evaluate(() => (window.alcoveVideo ? window.alcoveVideo.steps() : []));
    log(`page ${i}: ${steps.map(([what, at]) => `${what} ${at - admittedAt}`).join(', ')}`);
    for (const [what, at] of steps) if (what.startsWith('connected')) lastConnected = Math.max(lastConnected, at);
  }
  if (connectedAt) log(`the poll saw every peer connected after ${connectedAt - admittedAt} ms`);
  const connected_ms = connectedAt ? (lastConnected || connectedAt) - admittedAt : null;
  const { fps, videos, minFrames } = connectedAt ? await measureFps(pages, 5000) : { fps: 0, videos: 0, minFrames: 0 };
  if (connectedAt) log(`${videos} inbound videos; fewest frames decoded in 5 s: ${minFrames}`);
  if (connectedAt && videos !== n * (n - 1)) {
    console.error(`e2e-video: expected ${n * (n - 1)} inbound videos, found ${videos}`);
    code = 1;
  }
  console.log(JSON.stringify({ participants: n, connected_ms, fps: Math.round(fps * 10) / 10 }));
} catch (e) {
  console.error(`e2e-video: ${e.stack || e}`);
  if (server) console.error(`--- server log ---\n${server.log().slice(-4000)}`);
  console.log(JSON.stringify({ participants: n, connected_ms: null, fps: 0 }));
  code = 1;
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  if (server) await server.stop();
}
process.exit(code);
