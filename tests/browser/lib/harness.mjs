// The browser-test harness: one real `alcove demo` server, Debian's Chromium driven by
// playwright-core, axe-core run on every page a test reaches, and sign-in helpers that
// compute TOTP codes themselves. Nothing here builds: `scripts/test` builds first.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { stepAt, totp, STEP_SECONDS } from './totp.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..', '..');
export const BINARY = process.env.E2E_ALCOVE_BIN ? resolve(process.env.E2E_ALCOVE_BIN) : join(REPO, 'target', 'debug', 'alcove');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

// "$@" is the server command line. The wrapper waits for the server and exits with it; a
// watcher stops the server (SIGTERM) once the wrapper's stdin, a pipe from this process,
// reaches EOF: when the test closes it, or when the test process dies, however it dies.
const LEASH = `exec 3<&0
"$@" 3<&- </dev/null &
pid=$!
( cat <&3 >/dev/null; kill -TERM "$pid" 2>/dev/null ) &
exec 3<&-
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
wait "$pid"; rc=$?
wait "$pid" 2>/dev/null
exit $rc`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (the OS picks it; the server binds it a moment later). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * Starts `alcove demo --data <fresh dir> --addr 127.0.0.1:<free port>` and waits for /healthz.
 * Returns { url, dir, accounts, stop(), log() }.
 *
 * Options (all optional): `env`, extra environment (e.g. ALCOVE_DATABASE_URL), or a function
 * of the server's URL returning it (e.g. for ALCOVE_PUBLIC_URL, known once the port is); `command`,
 * `'serve'` instead of `'demo'`; `prepare(dataDir)`, run before the server starts (e.g. to
 * copy a practice's keys in). A `serve` server has no demo-accounts.json: `accounts` is [].
 */
export async function startDemoServer({ env: extraEnv = {}, command = 'demo', prepare } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(
      `${BINARY} does not exist. The browser tests build nothing: run \`cargo build --workspace --bins\` ` +
        '(or ./scripts/test, which builds first) and try again.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'alcove-browser-'));
  const dataDir = join(dir, 'data');
  const logPath = join(dir, 'server.log');
  if (prepare) await prepare(dataDir);
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logFd = openSync(logPath, 'a');
    const more = typeof extraEnv === 'function' ? extraEnv(url) : extraEnv;
    const env = { ...process.env, ALCOVE_LOG: process.env.ALCOVE_LOG || 'warn', ...more };
    delete env.ALCOVE_ADDR;
    delete env.ALCOVE_DATA_DIR;
    // A small sh wrapper holds the server on a leash: it stops the server when its stdin (a
    // pipe from this process) closes, so even a test runner killed with SIGKILL leaves no
    // server behind.
    const child = spawn('/bin/sh', ['-c', LEASH, 'alcove-leash', BINARY, command, '--data', dataDir, '--addr', `127.0.0.1:${port}`], {
      stdio: ['pipe', logFd, logFd],
      env,
    });
    closeSync(logFd);
    let exited = null;
    child.on('exit', (code, signal) => {
      exited = { code, signal };
    });
    const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
    const deadline = Date.now() + 60_000;
    let up = false;
    while (Date.now() < deadline && exited === null) {
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.status === 200) {
          up = true;
          break;
        }
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
    if (!up) {
      child.stdin.end();
      child.kill('SIGTERM');
      lastError = new Error(
        `alcove demo did not answer /healthz on ${url} ` +
          (exited ? `(it exited: ${JSON.stringify(exited)})` : '(timed out after 60 s)') +
          `\n--- server log ---\n${log()}`,
      );
      // A port taken between our probe and the bind: try another one.
      if (exited && /cannot listen|address in use/i.test(log())) continue;
      break;
    }
    const accountsPath = join(dataDir, 'demo-accounts.json');
    const accounts = command === 'demo' ? JSON.parse(readFileSync(accountsPath, 'utf8')) : [];
    const stop = async () => {
      if (exited === null) {
        child.stdin.end(); // the leash: the wrapper sends SIGTERM and waits for the server
        for (let i = 0; i < 100 && exited === null; i++) await sleep(100);
        if (exited === null) child.kill('SIGTERM');
      }
      rmSync(dir, { recursive: true, force: true });
    };
    return { url, dir: dataDir, accounts, stop, log, pid: child.pid };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

/** Chromium's stand-ins for a camera and a microphone, allowed without asking (video tests). */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/**
 * Launches Debian's Chromium (never a downloaded one) with a fresh profile; `media: true`
 * gives it a fake camera and microphone that need no permission prompt.
 */
export async function launchBrowser({ media = false } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium chromium-driver (scripts/test does this).`);
  }
  // playwright-core gives every launch its own fresh, temporary user-data dir.
  const args = media ? [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `      - ${n.target.join(' ')}\n        ${(n.failureSummary || '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * The suite: one server, one browser, accounts by role, a TOTP step ledger (a code is
 * accepted once per account, so each sign-in uses a step the server has not seen yet),
 * axe on every page and CSP console errors collected per page.
 */
export class Suite {
  /**
   * `options` go to `startDemoServer` (e.g. `{ env: (url) => ({ ALCOVE_SMTP_URL: ... }) }`);
   * `media: true`: the browser has a fake camera and microphone (see `launchBrowser`).
   */
  static async start({ media = false, ...options } = {}) {
    const s = new Suite();
    s.server = await startDemoServer(options);
    try {
      s.browser = await launchBrowser({ media });
    } catch (e) {
      await s.server.stop();
      throw e;
    }
    return s;
  }

  constructor() {
    this.lastStep = new Map();
    this.sessions = new Map();
    this.contexts = new Set();
    this.axeChecked = [];
  }

  get url() {
    return this.server.url;
  }

  async stop() {
    for (const c of this.contexts) await c.close().catch(() => {});
    if (this.browser) await this.browser.close().catch(() => {});
    if (this.server) await this.server.stop();
  }

  /** The demo account of this role (and name, if given). */
  account(role, name) {
    const a = this.server.accounts.find((x) => x.role === role && (name === undefined || x.name === name));
    assert.ok(a, `demo-accounts.json has no ${role}${name ? ` named ${name}` : ''}`);
    return a;
  }

  /** A TOTP code for this account that the server has not accepted yet. */
  async freshCode(account) {
    assert.ok(account.totp_secret, `${account.email} has no TOTP secret`);
    for (;;) {
      const now = stepAt(Date.now() / 1000);
      const last = this.lastStep.get(account.email) ?? -Infinity;
      // The server accepts the current step and one either side, each step only once.
      const step = Math.max(now, last + 1);
      if (step <= now + 1) {
        // Avoid the very edge of the window, where server and client clocks may disagree.
        const secsIntoStep = (Date.now() / 1000) % STEP_SECONDS;
        if (step === now + 1 && secsIntoStep < 2) {
          await sleep(2000);
          continue;
        }
        this.lastStep.set(account.email, step);
        return totp(account.totp_secret, step);
      }
      const wait = ((step - 1) * STEP_SECONDS - Date.now() / 1000 + 0.5) * 1000;
      await sleep(Math.max(wait, 200));
    }
  }

  /** A new isolated browser context (its own cookies), closed when the suite stops. */
  async newContext(options = {}) {
    const ctx = await this.browser.newContext({ baseURL: this.url, ...options });
    this.contexts.add(ctx);
    ctx.on('close', () => this.contexts.delete(ctx));
    return ctx;
  }

  /** A new page that records console errors and page errors. */
  async newPage(ctx) {
    const page = await (ctx ?? (await this.newContext())).newPage();
    page.consoleErrors = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') page.consoleErrors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => page.consoleErrors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  /** Runs axe on the page as it is now; fails on any serious or critical violation. */
  async axe(page) {
    await page.waitForLoadState('load');
    await page.evaluate(AXE_SOURCE);
    const results = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      }));
    });
    const blocking = results.filter((v) => BLOCKING_IMPACTS.has(v.impact));
    const path = new URL(page.url()).pathname;
    this.axeChecked.push(path);
    const minor = results.filter((v) => !BLOCKING_IMPACTS.has(v.impact));
    if (minor.length > 0) {
      console.log(`# axe (not blocking) on ${path}:\n${describeViolations(minor)}`);
    }
    assert.equal(
      blocking.length,
      0,
      `axe found ${blocking.length} serious/critical violation(s) on ${path}:\n${describeViolations(blocking)}`,
    );
  }

  /** Asserts that the page logged no Content Security Policy errors. */
  assertNoCspErrors(page) {
    const csp = page.consoleErrors.filter((m) => /Content Security Policy/i.test(m));
    assert.deepEqual(csp, [], `console errors about the Content Security Policy:\n${csp.join('\n')}`);
  }

  /** Navigates to a path, checks the response status if given, and runs axe. */
  async visit(page, path, { status } = {}) {
    const resp = await page.goto(path);
    assert.ok(resp, `no response for ${path}`);
    if (status !== undefined) {
      assert.equal(resp.status(), status, `${path} answered ${resp.status()}, expected ${status}`);
    }
    await this.axe(page);
    return resp;
  }

  /** Performs an action that navigates (click, Enter), waits for the new page, runs axe. */
  async navigate(page, action) {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
    await this.axe(page);
  }

  /**
   * Signs in through the real form: /sign-in, then /sign-in/code with a TOTP code for staff.
   * Every page on the way is checked with axe. Ends on /home.
   */
  async signIn(page, account) {
    await this.visit(page, '/sign-in', { status: 200 });
    await page.fill('#email', account.email);
    await page.fill('#password', account.password);
    await this.navigate(page, () => page.click('form[action="/sign-in"] button[type="submit"]'));
    if (account.totp_secret) {
      assert.equal(new URL(page.url()).pathname, '/sign-in/code', `${account.email}: after the password, expected the code page`);
      await page.fill('#code', await this.freshCode(account));
      await this.navigate(page, () => page.click('form[action="/sign-in/code"] button[type="submit"]'));
    }
    assert.equal(new URL(page.url()).pathname, '/home', `${account.email}: expected to land on /home, got ${page.url()}`);
    return page;
  }

  /**
   * A new context + page signed in as this account, on /home. By default it reuses the
   * cookies of an earlier sign-in of the same account in this suite (a TOTP code works once
   * per 30 s step, so signing staff in again and again would mean waiting); `fresh: true`
   * always goes through the form and keeps the session to itself.
   */
  async signedInPage(account, { fresh = false } = {}) {
    const saved = fresh ? undefined : this.sessions.get(account.email);
    if (saved) {
      const ctx = await this.browser.newContext({ baseURL: this.url, storageState: saved });
      this.contexts.add(ctx);
      ctx.on('close', () => this.contexts.delete(ctx));
      const page = await this.newPage(ctx);
      await page.goto('/home');
      if (new URL(page.url()).pathname === '/home') {
        await this.axe(page);
        return page;
      }
      await ctx.close();
    }
    const page = await this.newPage(await this.newContext());
    await this.signIn(page, account);
    if (!fresh) this.sessions.set(account.email, await page.context().storageState());
    return page;
  }

  /** Lets later `signedInPage` calls reuse this page's signed-in session. */
  async remember(account, page) {
    this.sessions.set(account.email, await page.context().storageState());
  }

  /** A bearer token for the JSON API (clients need no code; staff get a fresh TOTP code). */
  async apiToken(account) {
    const body = { email: account.email, password: account.password };
    if (account.totp_secret) body.totp = await this.freshCode(account);
    const r = await fetch(`${this.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    assert.equal(r.status, 200, `POST /api/v1/auth/token for ${account.email}: ${r.status} ${text}`);
    return JSON.parse(text).token;
  }
}

/** Text of the cells of every row of the first table on the page. */
export async function tableRows(page, selector = 'table') {
  return page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((c) => c.textContent.trim())),
  );
}

/** Describes what currently has keyboard focus. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return null;
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id || null,
      className: typeof el.className === 'string' ? el.className : '',
      href: el.getAttribute('href'),
      type: el.getAttribute('type'),
      text: (el.textContent || '').trim(),
    };
  });
}
