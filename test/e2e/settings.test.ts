import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { systemActor } from '../../src/domain/auth/actor.js';
import { addKey, prepareGeneratedKey } from '../../src/domain/keys/keys.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { ARTIFACTS, mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

// Webhooks in this file point at a loopback HTTP server, which only WEBHOOK_ALLOW_PRIVATE permits.
const e2e = setupE2E({ WEBHOOK_ALLOW_PRIVATE: 'true' });
const PHONE = { width: 375, height: 740 };
const PASSPHRASE = 'a long and winding passphrase';

async function signInLead(page: Page) {
  const lead = await e2e.user(['lead']);
  await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
  return lead;
}

/** A call to the API from Node with a bearer token, as a script (or another person) would make it. */
async function api<T = unknown>(token: string, method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(`${e2e.origin}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The public security.txt, fetched from Node (no browser cache in between). */
async function securityTxt(): Promise<string> {
  const response = await fetch(`${e2e.origin}/.well-known/security.txt`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The element an input names in aria-describedby whose id ends in `-error`. */
async function errorOf(page: Page, input: ReturnType<Page['getByLabel']>) {
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/);
  const errorId = ids.find((id) => id.endsWith('-error'));
  expect(errorId, 'the field names its error in aria-describedby').toBeTruthy();
  return page.locator(`[id="${errorId}"]`);
}

/** The bell in the top bar, by its full accessible name ("Notifications, 2 unread"). */
function bellNamed(page: Page, name: string) {
  return page.getByRole('banner').getByRole('button', { name, exact: true });
}

/**
 * Waits for `locator` to show, telling the page its window got focus again and again meanwhile
 * (the bell asks the server on focus, at most every two seconds).
 */
async function visibleAfterFocus(page: Page, locator: ReturnType<Page['getByRole']>, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    if (await locator.isVisible()) return;
    if (Date.now() > deadline) throw new Error(`${locator} did not show after focus events`);
    await page.waitForTimeout(250);
  }
}

/** Nothing wider than the screen: no sideways scrolling of the page itself. */
async function expectNoHorizontalOverflow(page: Page) {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll, `page is ${widths.scroll}px wide on a ${widths.client}px screen`).toBeLessThanOrEqual(widths.client);
}

describe('organisation settings and security.txt', () => {
  test('a lead changes settings and sees them in security.txt; a bad value is refused next to its field; reset to default', async () => {
    const { page } = await e2e.newSession();
    await signInLead(page);

    await mainNav(page).getByRole('link', { name: 'Settings', exact: true }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await pwExpect(page).toHaveTitle('Settings · cvdesk');
    const host = new URL(e2e.origin).hostname;
    const org = page.getByLabel('Organisation name');
    await pwExpect(org).toHaveValue(host);

    await org.fill('Acme Corp');
    await page.getByLabel(/^Security contact email/).fill('security@acme.example');
    await page.getByLabel(/^Further contacts/).fill('https://acme.example/security\ntel:+1-201-555-0123');
    await pwExpect(page.getByText('3 unsaved changes')).toBeVisible();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Saved' })).toContainText(
      'Saved: Organisation name, Security contact email, Further contacts.',
    );
    await pwExpect(page.getByText(/unsaved change/)).toHaveCount(0);
    // Who changed it shows beside the field, with the way back to the default.
    await pwExpect(page.getByRole('button', { name: 'Reset Organisation name to its default' })).toBeVisible();

    // The public file, through the link the page offers. A browser showing a text file asks for
    // /favicon.ico, which cvdesk does not serve (the SPA names its icon in index.html): that 404
    // is not the app failing, so it is answered here.
    await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
    await page.getByRole('link', { name: 'See security.txt' }).click();
    await pwExpect(page).toHaveURL(/\/\.well-known\/security\.txt$/);
    const served = await page.locator('body').innerText();
    expect(served).toContain('# Security contact for Acme Corp (RFC 9116)');
    expect(served).toContain('Contact: mailto:security@acme.example');
    expect(served).toContain('Contact: https://acme.example/security');
    expect(served).toContain('Contact: tel:+1-201-555-0123');

    // A value the server refuses: the message sits next to the field, which gets focus.
    await page.goto('/admin/settings');
    const hiring = page.getByLabel(/^Hiring page/);
    await hiring.fill('ftp://jobs.acme.example');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await pwExpect(hiring).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(hiring).toBeFocused();
    await pwExpect(await errorOf(page, hiring)).toHaveText('Must be an https:// URL');
    await pwExpect(page.getByRole('alert').filter({ hasText: 'correct' })).toHaveText('Please correct the field marked below.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'settings-field-error.png'), fullPage: true });

    // An entry of a list: the message names the entry.
    await hiring.fill('');
    const contacts = page.getByLabel(/^Further contacts/);
    await contacts.fill('https://acme.example/security\ngopher://acme.example');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await pwExpect(contacts).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(await errorOf(page, contacts)).toHaveText('Entry 2 (“gopher://acme.example”): must be an https:, mailto: or tel: URI');
    await pwExpect(hiring).not.toHaveAttribute('aria-invalid', 'true');
    // Nothing was saved.
    expect(await securityTxt()).not.toContain('gopher:');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await pwExpect(contacts).toHaveValue('https://acme.example/security\ntel:+1-201-555-0123');

    // Reset one field to its default.
    await page.getByRole('button', { name: 'Reset Organisation name to its default' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'reset' })).toContainText(
      `Organisation name reset to its default (${host}). It was “Acme Corp”.`,
    );
    await pwExpect(org).toHaveValue(host);
    await pwExpect(page.getByRole('button', { name: 'Reset Organisation name to its default' })).toHaveCount(0);
    const after = await securityTxt();
    expect(after).toContain(`# Security contact for ${host} (RFC 9116)`);
    expect(after).toContain('Contact: mailto:security@acme.example');
  });

  test('other staff read the settings, keys and security.txt but change nothing; webhooks are for leads', async () => {
    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    const nav = mainNav(page);
    await pwExpect(nav.getByRole('link', { name: 'Settings', exact: true })).toBeVisible();
    await pwExpect(nav.getByRole('link', { name: 'OpenPGP keys' })).toBeVisible();
    await pwExpect(nav.getByRole('link', { name: 'security.txt' })).toBeVisible();
    await pwExpect(nav.getByRole('link', { name: 'Webhooks' })).toHaveCount(0);

    await nav.getByRole('link', { name: 'Settings', exact: true }).click();
    await pwExpect(page.getByText('Only security leads can change these settings.')).toBeVisible();
    await pwExpect(page.getByRole('textbox')).toHaveCount(0);
    await pwExpect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);

    await nav.getByRole('link', { name: 'security.txt' }).click();
    await pwExpect(page.getByText('Only security leads can sign security.txt.')).toBeVisible();
    await pwExpect(page.getByLabel('Passphrase of the current key')).toHaveCount(0);

    await page.goto('/admin/webhooks');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Not available to you' })).toBeVisible();

    // Triagers get the triage kinds in their notification settings.
    await page.goto('/account/notifications');
    await pwExpect(page.getByRole('heading', { level: 2, name: 'Triage' })).toBeVisible();
    await pwExpect(page.getByRole('checkbox', { name: 'New reports: by mail' })).toBeChecked();
  });

  test('keys are listed with their fingerprint and the commands; a lead signs security.txt with the passphrase, which is not kept in the page', async () => {
    const actor = systemActor('e2e');
    const prepared = await prepareGeneratedKey(e2e.context, actor, {
      name: 'Acme Security',
      email: 'security@acme.example',
      passphrase: PASSPHRASE,
      expiresInDays: 20,
    });
    await inTransaction(e2e.context, (trx) => addKey(e2e.context, trx, actor, prepared));

    const { page } = await e2e.newSession();
    await signInLead(page);
    await mainNav(page).getByRole('link', { name: 'OpenPGP keys' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'OpenPGP keys' })).toBeVisible();
    const card = page.getByRole('article', { name: /Acme Security/ });
    await pwExpect(card).toContainText('current');
    await pwExpect(card).toContainText('ed25519/cv25519');
    // The fingerprint in groups of four, and the warning of an expiry under 30 days.
    const grouped = prepared.fingerprint.match(/.{4}/g)!.join(' ');
    await pwExpect(card.locator('.fingerprint')).toHaveText(grouped);
    await pwExpect(card).toContainText(/expires in (19|20) days/);
    await pwExpect(page.locator('.alert-warning').filter({ hasText: 'The current key expires in' })).toBeVisible();
    await pwExpect(page.getByRole('link', { name: '/pgp-key.txt' }).first()).toHaveAttribute('href', '/pgp-key.txt');
    await pwExpect(page.getByText('cvdesk keys generate', { exact: false }).first()).toBeVisible();
    await card.getByText('Revoke command for this key').click();
    await pwExpect(card.locator('.key-revoke pre')).toContainText(`cvdesk keys revoke ${prepared.fingerprint} --reason`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'keys.png'), fullPage: true });

    await mainNav(page).getByRole('link', { name: 'security.txt' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'security.txt' })).toBeVisible();
    const served = page.getByRole('region', { name: /Served now/ });
    await pwExpect(served).toContainText('not signed');
    await pwExpect(served).toContainText('Nobody has signed it yet');
    await pwExpect(served.locator('pre')).toContainText('Encryption: ');
    await pwExpect(page.getByRole('link', { name: 'Open /.well-known/security.txt' })).toHaveAttribute('href', '/.well-known/security.txt');

    // A wrong passphrase: refused on the field, and the field is empty again.
    const field = page.getByLabel('Passphrase of the current key');
    await pwExpect(field).toHaveAttribute('type', 'password');
    await pwExpect(field).toHaveAttribute('autocomplete', 'off');
    await field.fill('not the passphrase');
    await page.getByRole('button', { name: 'Sign security.txt' }).click();
    await pwExpect(field).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(await errorOf(page, field)).toHaveText('Does not unlock the key');
    await pwExpect(field).toHaveValue('');

    await field.fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Sign security.txt' }).click();
    await pwExpect(field).toHaveValue('');
    await pwExpect(page.getByRole('status').filter({ hasText: 'signed' })).toContainText('security.txt signed.');
    await pwExpect(served).toContainText(/Served now\s*signed/);
    await pwExpect(served.locator('pre')).toContainText('-----BEGIN PGP SIGNED MESSAGE-----');
    expect(await page.content()).not.toContain(PASSPHRASE);
    expect(await securityTxt()).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\n/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-txt-signed.png'), fullPage: true });

    // Changing a setting makes the signed copy stale: the settings page says so and links back.
    await mainNav(page).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByLabel(/^Hiring page/).fill('https://acme.example/jobs');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await pwExpect(page.getByText('security.txt is now served unsigned')).toBeVisible();
    await page.getByRole('link', { name: 'Sign it again' }).click();
    await pwExpect(page.getByRole('region', { name: /Served now/ })).toContainText('the settings changed since');
    const now = await securityTxt();
    expect(now).not.toContain('BEGIN PGP');
    expect(now).toContain('Hiring: https://acme.example/jobs');
  });
});

describe('webhooks', () => {
  const received: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  let receiver: http.Server;
  let hookUrl: string;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  test('a lead adds an endpoint, sees the secret once, sends a test ping and finds it in the log; edit, deactivate, rotate, delete', async () => {
    const { page, context } = await e2e.newSession();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.origin });
    await signInLead(page);
    await mainNav(page).getByRole('link', { name: 'Webhooks' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    await pwExpect(page.getByText('No endpoints yet.', { exact: false })).toBeVisible();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await pwExpect(dialog).toBeVisible();
    await pwExpect(dialog.getByLabel('Name')).toBeFocused();
    await dialog.getByLabel('Name').fill('Tracker');
    // Refused by the server, on the URL field.
    await dialog.getByLabel('URL').fill('ftp://127.0.0.1/hook');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await pwExpect(dialog.getByLabel('URL')).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(await errorOf(page, dialog.getByLabel('URL'))).toHaveText('Must be an https:// URL');
    await dialog.getByLabel('URL').fill(hookUrl);
    await pwExpect(dialog.getByRole('checkbox', { name: /^Report submitted/ })).toBeChecked();
    await dialog.getByRole('checkbox', { name: /^Public reply/ }).check();
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await pwExpect(dialog).toHaveCount(0);

    // The secret, once, with a copy button and the note on verifying signatures.
    const shown = page.getByRole('region', { name: 'Copy the signing secret now' });
    await pwExpect(shown).toBeVisible();
    await pwExpect(shown.getByRole('heading', { name: 'Copy the signing secret now' })).toBeFocused();
    const secret = (await shown.locator('.token-value code').innerText()).trim();
    expect(secret).toMatch(/^whsec_\S{20,}$/);
    await pwExpect(shown).toContainText('X-Cvdesk-Signature');
    await shown.getByRole('button', { name: 'Copy secret' }).click();
    await pwExpect(shown.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page.screenshot({ path: path.join(ARTIFACTS, 'webhook-secret.png'), fullPage: true });

    const card = page.getByRole('article', { name: 'Tracker' });
    await pwExpect(card).toContainText(hookUrl);
    await pwExpect(card).toContainText('Public reply');
    await pwExpect(card).toContainText('active');

    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await pwExpect(shown).toHaveCount(0);
    await page.reload();
    await pwExpect(page.getByRole('article', { name: 'Tracker' })).toBeVisible();
    expect(await page.content()).not.toContain(secret);

    // A test ping: queued, delivered to the loopback server, and in the log.
    await page.getByRole('button', { name: 'Send test to Tracker' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Test ping' })).toContainText('Test ping queued for “Tracker”.');
    const log = page.getByRole('region', { name: 'Deliveries to Tracker' });
    await pwExpect(log).toBeVisible();
    await pwExpect(page).toHaveURL(/\/admin\/webhooks\?log=/);
    const row = log.getByRole('row').filter({ hasText: 'ping' });
    await pwExpect(row).toContainText('delivered');
    await pwExpect(row).toContainText('204');
    await pwExpect(row).toContainText(/\d+ ms/);
    await row.getByRole('button', { name: /Details of the ping delivery/ }).click();
    await pwExpect(log.getByRole('table', { name: 'Attempts' })).toBeVisible();
    await page.screenshot({ path: path.join(ARTIFACTS, 'webhook-log.png'), fullPage: true });

    // What arrived verifies with the secret shown once.
    expect(received).toHaveLength(1);
    const delivery = received[0]!;
    expect(delivery.headers['x-cvdesk-event']).toBe('ping');
    const signature = String(delivery.headers['x-cvdesk-signature']);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
    expect(t && v1).toBeTruthy();
    const expected = createHmac('sha256', secret).update(`${t}.`).update(delivery.body).digest();
    expect(timingSafeEqual(expected, Buffer.from(v1!, 'hex'))).toBe(true);

    // Edit.
    await page.getByRole('button', { name: 'Edit Tracker' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Tracker' });
    await edit.getByLabel('Name').fill('Tracker two');
    await edit.getByRole('checkbox', { name: /^Report submitted/ }).uncheck();
    await edit.getByRole('checkbox', { name: /^Public reply/ }).uncheck();
    await edit.getByRole('checkbox', { name: /^State changed/ }).uncheck();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await pwExpect(edit.getByRole('group', { name: 'Events' })).toHaveAttribute('aria-invalid', 'true');
    await edit.getByRole('checkbox', { name: /^State changed/ }).check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await pwExpect(edit).toHaveCount(0);
    const renamed = page.getByRole('article', { name: 'Tracker two' });
    await pwExpect(renamed).toContainText('State changed');
    await pwExpect(renamed).not.toContainText('Public reply');

    // Deactivate and activate.
    await page.getByRole('button', { name: 'Deactivate Tracker two' }).click();
    await pwExpect(renamed).toContainText('inactive');
    await pwExpect(page.getByRole('status').filter({ hasText: 'deactivated' })).toContainText('“Tracker two” deactivated');
    await page.getByRole('button', { name: 'Activate Tracker two' }).click();
    await pwExpect(page.getByRole('button', { name: 'Deactivate Tracker two' })).toBeVisible();

    // Rotate: a new secret, shown once.
    await page.getByRole('button', { name: 'Rotate secret of Tracker two' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await pwExpect(rotate.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await rotate.getByRole('button', { name: 'Rotate secret' }).click();
    await pwExpect(rotate).toHaveCount(0);
    const rotated = (await page.getByRole('region', { name: 'Copy the signing secret now' }).locator('.token-value code').innerText()).trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);

    // Delete, after confirming.
    await page.getByRole('button', { name: 'Delete Tracker two' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this endpoint?' });
    await pwExpect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
    await pwExpect(confirm).toHaveCount(0);
    await pwExpect(page.getByRole('article', { name: 'Tracker two' })).toHaveCount(0);
    await pwExpect(page.getByText('No endpoints yet.', { exact: false })).toBeVisible();
    await pwExpect(page).toHaveURL(/\/admin\/webhooks$/);
    expect((await api<{ items: unknown[] }>((await e2e.user(['lead'])).token, 'GET', '/webhooks')).items).toHaveLength(0);
  });
});

describe('notifications', () => {
  test('a reporter sees a triager’s reply in the bell, opens it, marks the rest read and changes a preference', async () => {
    const lead = await e2e.user(['lead']);
    const triager = await e2e.user(['triager']);
    const reporter = await e2e.user(['reporter']);
    const slug = `acme-${Date.now().toString(36)}`;
    await api(lead.token, 'POST', '/programs', { slug, name: 'Acme', kind: 'vdp', policy: 'Please report responsibly.' });
    const report = await api<{ id: string }>(reporter.token, 'POST', '/reports', {
      program: slug,
      title: 'XSS in search',
      description: 'The search box reflects input.',
    });

    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await pwExpect(bellNamed(page, 'Notifications, none unread')).toBeVisible();

    // The triager replies (through the API); the bell asks again when the window gets focus.
    await api(triager.token, 'POST', `/reports/${report.id}/comments`, { body: 'Thanks, we are looking into it.' });
    await visibleAfterFocus(page, bellNamed(page, 'Notifications, 1 unread'));
    await pwExpect(bell.locator('.bell-badge')).toHaveText('1');
    await page.screenshot({ path: path.join(ARTIFACTS, 'bell-unread.png') });

    await bell.click();
    const panel = page.getByRole('region', { name: 'Latest notifications' });
    await pwExpect(panel).toBeVisible();
    const item = panel.getByRole('link', { name: /New reply on your report: XSS in search/ });
    await pwExpect(item).toContainText('Thanks, we are looking into it.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'bell-panel.png') });
    await item.click();
    await pwExpect(page).toHaveURL(new RegExp(`/reports/${report.id}$`));

    // The notifications page: the reply is read now; a state change arrives and is marked read.
    await api(triager.token, 'POST', `/reports/${report.id}/transitions`, { to: 'triaged' });
    await page.goto('/notifications');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
    const list = page.getByRole('list', { name: /Notifications, newest first/ });
    const reply = list.getByRole('listitem').filter({ hasText: 'New reply on your report' });
    await pwExpect(reply).toBeVisible();
    await pwExpect(reply.getByRole('button', { name: /^Mark read/ })).toHaveCount(0);
    const change = list.getByRole('listitem').filter({ hasText: 'unread' });
    await pwExpect(change).toHaveCount(1);
    await pwExpect(bellNamed(page, 'Notifications, 1 unread')).toBeVisible();
    await pwExpect(page.getByRole('link', { name: 'Unread (1)' })).toBeVisible();
    await page.screenshot({ path: path.join(ARTIFACTS, 'notifications.png'), fullPage: true });
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'marked read' })).toHaveText('All 1 marked read.');
    await pwExpect(bellNamed(page, 'Notifications, none unread')).toBeVisible();
    await pwExpect(list.getByRole('button', { name: /^Mark read/ })).toHaveCount(0);
    expect((await api<{ unread: number }>(reporter.token, 'GET', '/notifications?unread=true')).unread).toBe(0);

    // Preferences: only the kinds about one's own reports.
    await mainNav(page).getByRole('link', { name: 'Notification settings' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Notification settings' })).toBeVisible();
    await pwExpect(page.getByRole('heading', { level: 2, name: 'Your reports' })).toBeVisible();
    await pwExpect(page.getByRole('heading', { level: 2, name: 'Triage' })).toHaveCount(0);
    const byMail = page.getByRole('checkbox', { name: 'Replies from the security team: by mail' });
    await pwExpect(byMail).toBeChecked();
    await byMail.uncheck();
    await pwExpect(page.getByText('1 unsaved change')).toBeVisible();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'saved' })).toHaveText('Notification settings saved.');
    await page.reload();
    await pwExpect(page.getByRole('checkbox', { name: 'Replies from the security team: by mail' })).not.toBeChecked();
    await pwExpect(page.getByRole('checkbox', { name: 'Replies from the security team: in the app' })).toBeChecked();
    const prefs = await api<{ items: { kind: string; inApp: boolean; email: boolean }[] }>(reporter.token, 'GET', '/me/notification-preferences');
    expect(prefs.items.find((p) => p.kind === 'reply')).toMatchObject({ inApp: true, email: false });
  });
});

describe('narrow screens and dark mode', () => {
  test('the new pages fit a phone, in light and dark', async () => {
    const { page } = await e2e.newSession({ viewport: PHONE });
    const lead = await signInLead(page);
    // An endpoint nobody listens on (the discard port): its ping fails, and the log says why.
    const hook = await api<{ id: string }>(lead.token, 'POST', '/webhooks', {
      name: 'Nobody home',
      url: 'http://127.0.0.1:9/hook',
      events: ['report.created', 'report.state_changed', 'report.comment_added'],
    });
    await api(lead.token, 'POST', `/webhooks/${hook.id}/test`);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [url, heading, shot] of [
        ['/admin/settings', 'Settings', 'settings'],
        ['/admin/keys', 'OpenPGP keys', 'keys'],
        ['/admin/security-txt', 'security.txt', 'security-txt'],
        [`/admin/webhooks?log=${hook.id}`, 'Webhooks', 'webhooks'],
        ['/notifications', 'Notifications', 'notifications'],
        ['/account/notifications', 'Notification settings', 'notification-settings'],
      ] as const) {
        await page.goto(url);
        await pwExpect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
        await pwExpect(page.locator('main .loading')).toHaveCount(0);
        if (shot === 'webhooks') await pwExpect(page.getByRole('region', { name: 'Deliveries to Nobody home' }).getByRole('row').filter({ hasText: 'ping' })).toContainText(/failed|dead/);
        await expectNoHorizontalOverflow(page);
        await page.screenshot({ path: path.join(ARTIFACTS, `narrow-${shot}-${scheme}.png`), fullPage: true });
      }
    }
    await page.goto('/admin/webhooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-webhook-dialog-dark.png') });
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: /^Notifications/ }).click();
    const panel = page.getByRole('region', { name: 'Latest notifications' });
    await pwExpect(panel).toBeVisible();
    const panelBox = await panel.boundingBox();
    expect(panelBox!.x).toBeGreaterThanOrEqual(0);
    expect(panelBox!.x + panelBox!.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-bell-dark.png') });
    await page.keyboard.press('Escape');
    await pwExpect(panel).toBeHidden();
    await pwExpect(page.getByRole('button', { name: /^Notifications/ })).toBeFocused();
  });
});
