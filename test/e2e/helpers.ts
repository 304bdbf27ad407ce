/**
 * Shared set-up for the browser tests: a real cvdesk server (the source modules, in-process, on
 * a free port and a fresh SQLite folder) and one headless Chromium per test file, with a fresh
 * browser context per test. Every page is watched: console errors, uncaught exceptions, CSP
 * violations and 5xx answers fail the test that saw them.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { AppContext } from '../../src/context.js';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import { totpCode, totpStep } from '../../src/security/totp.js';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { TEST_PASSWORD, buildUser, type BuiltUser } from '../helpers/factories.js';
import type { Role } from '../../src/shared/roles.js';

export { TEST_PASSWORD };

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const ARTIFACTS = path.join(ROOT, '.test-artifacts', 'e2e');
const WEB_BUILD = path.join(ROOT, 'dist', 'web', 'index.html');
const WEB_SOURCES = path.join(ROOT, 'web');

/** The server serves dist/web: stop early with a clear message when it is missing, warn when stale. */
function checkWebBuild(): void {
  if (!fs.existsSync(WEB_BUILD)) throw new Error('The web app is not built: run `npm run build` before the browser tests.');
  const built = fs.statSync(WEB_BUILD).mtimeMs;
  const newer = (fs.readdirSync(WEB_SOURCES, { recursive: true }) as string[])
    .filter((f) => /\.(tsx?|css|html|svg)$/.test(f))
    .filter((f) => fs.statSync(path.join(WEB_SOURCES, f)).mtimeMs > built);
  if (newer.length > 0) console.warn(`web/ changed since the last build (${newer.slice(0, 3).join(', ')}…): run \`npm run build:web\`.`);
}

/**
 * Debian's Chromium, headless, nothing phoning home. Playwright refuses a `--user-data-dir`
 * argument to `launch()`; it gives every launched browser a fresh temporary profile folder of
 * its own (removed on close), which is what we want, and `newContext()` isolates each test.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A port nobody listens on now (the server needs it before it listens, for PUBLIC_URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  /** http://127.0.0.1:<port>, equal to PUBLIC_URL (the server refuses writes from other origins). */
  origin: string;
  context: AppContext;
  running: RunningServer;
  /** Everything the server printed at start. */
  printed: string[];
  /** The first-admin setup link, from the print callback. */
  setupLink: string | undefined;
  stop(): Promise<void>;
}

/** A real server via `startServer`, as `cvdesk serve` runs it, on a fresh data folder. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-e2e-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const config = loadConfig(
      {
        LOG_LEVEL: 'silent',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: origin,
        JOB_POLL_MS: '50',
        // Every test signs in from 127.0.0.1; the default (20 a minute) would throttle the suite.
        AUTH_RATE_LIMIT_PER_MINUTE: '1000',
        ...env,
      },
      { dataDir },
    );
    const printed: string[] = [];
    try {
      const running = await startServer(config, (line) => printed.push(line));
      const setupLink = printed.join('\n').match(/https?:\/\/\S+\/reset-password\?\S+/)?.[0];
      return {
        origin,
        context: running.context,
        running,
        printed,
        setupLink,
        async stop() {
          await running.stop();
          fs.rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      // Someone took the port between the probe and listen: try another one.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  throw lastError;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Reports CSP violations through the console, so they are caught like any other console error. */
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.sourceFile + ':' + e.lineNumber);
});`;

/**
 * Chromium prints "Failed to load resource: … status of 4xx" for every refused API call; a
 * wrong password or the signed-out GET /session answer 401 on purpose. Those are the app
 * working, not failing, so 4xx answers from /api/v1/ are let through (a 4xx for anything else,
 * such as a missing asset, still fails); 5xx answers are caught separately from the network events.
 */
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors, CSP violations and 5xx answers seen so far. */
  problems: string[];
  /** Every console message of type error or warning, including expected 4xx noise. */
  console: string[];
}

export interface E2E {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly origin: string;
  readonly context: AppContext;
  /** A fresh browser context (no cookies) and page, watched for problems; closed after the test. */
  newSession(options?: { viewport?: { width: number; height: number } }): Promise<BrowserSession>;
  /** A user made through the services (password TEST_PASSWORD; staff get a TOTP secret). */
  user(roles: Role[], options?: { email?: string; mfa?: boolean }): Promise<BuiltUser>;
}

/**
 * Registers the file's hooks: one server and one browser for the file, a new context per test,
 * and after each test a screenshot if it failed and a check that no page saw a problem.
 */
export function setupE2E(env: Record<string, string> = {}): E2E {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let sessions: BrowserSession[] = [];

  beforeAll(async () => {
    checkWebBuild();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [server, browser] = await Promise.all([startTestServer(env), launchBrowser()]);
  });

  afterEach(async (ctx) => {
    const open = sessions;
    sessions = [];
    const failed = ctx.task.result?.state === 'fail';
    for (const [i, session] of open.entries()) {
      const file = path.join(ARTIFACTS, `${slug(ctx.task.name)}${i > 0 ? `-${i + 1}` : ''}-failure.png`);
      // A passing test removes the screenshot an earlier failing run left.
      if (failed) await session.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      else fs.rmSync(file, { force: true });
    }
    await Promise.all(open.map((s) => s.context.close().catch(() => undefined)));
    const problems = open.flatMap((s) => s.problems);
    expect(problems, 'console errors, page errors, CSP violations or 5xx answers').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const e2e: E2E = {
    get server() {
      if (!server) throw new Error('server not started');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('browser not started');
      return browser;
    },
    get origin() {
      return e2e.server.origin;
    },
    get context() {
      return e2e.server.context;
    },
    async newSession(options = {}) {
      const context = await e2e.browser.newContext({
        baseURL: e2e.origin,
        viewport: options.viewport ?? { width: 1280, height: 860 },
        locale: 'en-GB',
        timezoneId: 'UTC',
        reducedMotion: 'reduce',
      });
      context.setDefaultTimeout(10_000);
      await context.addInitScript({ content: CSP_LISTENER });
      const session: BrowserSession = { context, page: undefined as unknown as Page, problems: [], console: [] };
      const watch = (page: Page) => {
        page.on('console', (message) => {
          const type = message.type();
          if (type !== 'error' && type !== 'warning') return;
          const text = message.text();
          const where = message.location().url ? ` (${message.location().url})` : '';
          session.console.push(`${type}: ${text}`);
          const expected = EXPECTED_CONSOLE.test(text) && message.location().url.startsWith(`${e2e.origin}/api/v1/`);
          if (type === 'error' && !expected) session.problems.push(`console error on ${page.url()}: ${text}${where}`);
          if (/content security policy/i.test(text) && type === 'warning') session.problems.push(`CSP warning on ${page.url()}: ${text}`);
        });
        page.on('pageerror', (error) => session.problems.push(`uncaught error on ${page.url()}: ${error.stack ?? error.message}`));
        page.on('response', (response) => {
          if (response.status() >= 500) session.problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
        });
      };
      context.on('page', watch);
      session.page = await context.newPage();
      sessions.push(session);
      return session;
    },
    user(roles, options = {}) {
      return buildUser(e2e.context, { roles, ...(options.email ? { email: options.email } : {}), ...(options.mfa === undefined ? {} : { mfa: options.mfa }) });
    },
  };
  return e2e;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/**
 * The TOTP code for `at` (now by default), as an authenticator app shows it. A step is accepted
 * once per account: sign each staff account in once, or use a recovery code the second time.
 */
export function currentCode(secret: string, at = new Date()): string {
  return totpCode(secret, totpStep(at));
}

/** A 6-digit code that is not valid now, nor one step either side. */
export function wrongCode(secret: string): string {
  const near = new Set([-30_000, 0, 30_000].map((ms) => currentCode(secret, new Date(Date.now() + ms))));
  for (let n = 123456; ; n++) if (!near.has(String(n))) return String(n);
}

/** The password step of the sign-in page, as a person fills it in. */
export async function fillPasswordStep(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in through the UI (password, then the TOTP code for staff) and waits for the dashboard. */
export async function signIn(page: Page, user: { email: string; password?: string; totpSecret?: string | undefined }): Promise<void> {
  await page.goto('/signin');
  await pwExpect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await fillPasswordStep(page, user.email, user.password ?? TEST_PASSWORD);
  if (user.totpSecret) {
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Two-factor check' })).toBeVisible();
    await page.getByLabel('Authentication code').fill(currentCode(user.totpSecret));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await pwExpect(page.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible();
  await pwExpect(page).toHaveURL(/\/$/);
}

/** The newest stored mail to `recipient` whose subject matches, opened. */
export async function mailTo(context: AppContext, recipient: string, subject: RegExp) {
  const summary = (await listOutbox(context.db, { limit: 100 })).find((m) => m.recipient === recipient && subject.test(m.subject));
  if (!summary) throw new Error(`no mail to ${recipient} matching ${subject}`);
  return readOutboxMessage(context, context.db, summary.id);
}

/** The first link in a mail's text that starts with `origin`. */
export function linkIn(text: string, origin: string): string {
  const escaped = origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const link = text.match(new RegExp(`${escaped}/\\S+`))?.[0];
  if (!link) throw new Error(`no link to ${origin} in mail:\n${text}`);
  return link;
}

/** The main navigation landmark of the signed-in frame. */
export function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

/** Opens the user menu (top right). */
export async function openUserMenu(page: Page) {
  const button = page.getByRole('button', { name: /account menu/ });
  await button.click();
  await pwExpect(button).toHaveAttribute('aria-expanded', 'true');
}

/** `GET /api/v1/me` from Node (not the browser), with a bearer token. */
export async function fetchMe(origin: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}


/**
 * Web-first assertions (playwright-core has no `expect`): each one retries until it holds or
 * the time is up, then fails naming what it last saw.
 */
const ASSERT_TIMEOUT = 10_000;

async function eventually(describe: string, probe: () => Promise<{ ok: boolean; saw: unknown }>, timeout = ASSERT_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  let saw: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result.ok) return;
      saw = result.saw;
    } catch (error) {
      saw = (error as Error).message;
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Expected ${describe}; last saw ${JSON.stringify(saw)}`);
}

function matches(actual: string | null, expected: string | RegExp, contains = false): boolean {
  if (actual === null) return false;
  if (typeof expected === 'string') return contains ? actual.includes(expected) : actual === expected;
  return expected.test(actual);
}

function locatorAssertions(locator: Locator, negate: boolean) {
  const name = `${locator}`;
  const not = negate ? 'not ' : '';
  const check = (what: string, probe: () => Promise<{ ok: boolean; saw: unknown }>) =>
    eventually(`${name} ${not}${what}`, async () => {
      const r = await probe();
      return { ok: negate ? !r.ok : r.ok, saw: r.saw };
    });
  return {
    toBeVisible: () => check('to be visible', async () => ({ ok: await locator.first().isVisible(), saw: await locator.count() })),
    toBeHidden: () => check('to be hidden', async () => ({ ok: !(await locator.first().isVisible()), saw: await locator.count() })),
    toHaveCount: (n: number) => check(`to have count ${n}`, async () => { const c = await locator.count(); return { ok: c === n, saw: c }; }),
    toBeFocused: () =>
      check('to be focused', async () => {
        const focused = await locator.evaluate((el) => el === document.activeElement, undefined, { timeout: 1000 });
        const active = await locator.page().evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? null);
        return { ok: focused, saw: active };
      }),
    toBeDisabled: () => check('to be disabled', async () => ({ ok: await locator.isDisabled({ timeout: 1000 }), saw: 'enabled' })),
    toBeEnabled: () => check('to be enabled', async () => ({ ok: await locator.isEnabled({ timeout: 1000 }), saw: 'disabled' })),
    toBeChecked: () => check('to be checked', async () => ({ ok: await locator.isChecked({ timeout: 1000 }), saw: 'unchecked' })),
    toHaveAttribute: (attribute: string, expected: string | RegExp) =>
      check(`to have ${attribute}=${expected}`, async () => {
        const v = await locator.getAttribute(attribute, { timeout: 1000 });
        return { ok: matches(v, expected), saw: v };
      }),
    toHaveText: (expected: string | RegExp) =>
      check(`to have text ${expected}`, async () => {
        const v = (await locator.innerText({ timeout: 1000 })).trim();
        return { ok: matches(v, expected), saw: v };
      }),
    toContainText: (expected: string | RegExp) =>
      check(`to contain text ${expected}`, async () => {
        const v = await locator.innerText({ timeout: 1000 });
        return { ok: matches(v, expected, true), saw: v };
      }),
    toHaveValue: (expected: string | RegExp) =>
      check(`to have value ${expected}`, async () => {
        const v = await locator.inputValue({ timeout: 1000 });
        return { ok: matches(v, expected), saw: v };
      }),
  };
}

function pageAssertions(page: Page, negate: boolean) {
  const not = negate ? 'not ' : '';
  const check = (what: string, probe: () => Promise<{ ok: boolean; saw: unknown }>) =>
    eventually(`page ${not}${what}`, async () => {
      const r = await probe();
      return { ok: negate ? !r.ok : r.ok, saw: r.saw };
    });
  return {
    toHaveURL: (expected: string | RegExp) =>
      check(`to have URL ${expected}`, async () => {
        const url = page.url();
        const want = typeof expected === 'string' && !/^https?:/.test(expected) ? new URL(expected, page.url()).href : expected;
        return { ok: matches(url, want), saw: url };
      }),
    toHaveTitle: (expected: string | RegExp) =>
      check(`to have title ${expected}`, async () => {
        const title = await page.title();
        return { ok: matches(title, expected), saw: title };
      }),
  };
}

function isPage(target: Locator | Page): target is Page {
  return typeof (target as Page).goto === 'function';
}

export function pwExpect(target: Page): ReturnType<typeof pageAssertions> & { not: ReturnType<typeof pageAssertions> };
export function pwExpect(target: Locator): ReturnType<typeof locatorAssertions> & { not: ReturnType<typeof locatorAssertions> };
export function pwExpect(target: Locator | Page) {
  if (isPage(target)) return { ...pageAssertions(target, false), not: pageAssertions(target, true) };
  return { ...locatorAssertions(target, false), not: locatorAssertions(target, true) };
}
