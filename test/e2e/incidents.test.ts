import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createProgram } from '../../src/domain/programs/program.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { addOrganisationKey, currentPublicKey, encryptTo, ORG_PASSPHRASE, reporterKeyPair } from '../server/incidents.support.js';
import { ARTIFACTS, mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * Sealed incidents in the browser (issue 4). A reporter without an account writes an encrypted
 * report with an attachment on /report; the page encrypts it with OpenPGP.js before upload. A
 * unique canary string in the fields, the file name and the file must then be nowhere the server
 * keeps or sees anything: the request bodies the browser sent, the SQLite database and its WAL,
 * every file in the data folder (incident and attachment stores), the logs at level trace and the
 * mail outbox. The reporter comes back with the receipt; a triager unlocks the organisation key
 * with its passphrase in the page, reads the canary, downloads the attachment, replies (which the
 * reporter then reads through the reply key), acknowledges and unseals with a reason.
 */
const e2e = setupE2E({ LOG_LEVEL: 'trace' });

const canary = `CANARY-e2e-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
const FORMS = [canary, Buffer.from(canary).toString('base64'), Buffer.from(canary).toString('hex'), canary.toLowerCase()];
const REPLY = `Thanks, we are on it (reply ${Math.random().toString(36).slice(2)})`;
const SLUG = 'sealed-e2e';
/** Markup in a report: staff must see it as text, never as an element. */
const HTML = '<img src="/x.png" onerror="window.pwned = 1"><b>bold?</b>';
const logs: string[] = [];
const bodies: Buffer[] = [];
let receipt = '';
let incidentId = '';

beforeAll(async () => {
  // The server logs at trace level; its lines are captured here (pino's stream, swapped in place).
  const log = e2e.server.running.app.log as unknown as Record<symbol, unknown>;
  const streamSym = Object.getOwnPropertySymbols(log).find((s) => s.description === 'pino.stream');
  if (!streamSym) throw new Error('no pino stream to capture');
  log[streamSym] = { write: (line: string) => void logs.push(line) };
  await addOrganisationKey(e2e.context);
  await inTransaction(e2e.context, (trx) =>
    createProgram(e2e.context, trx, systemActor('e2e'), { slug: SLUG, name: 'Sealed e2e programme', kind: 'vdp', policy: 'Report responsibly.' }),
  );
});

/** Every request body the page sends to the server, as sent. */
function captureBodies(page: Page): void {
  page.on('request', (request) => {
    const body = request.postDataBuffer();
    if (body) bodies.push(body);
  });
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

async function expectCanaryNowhere(): Promise<void> {
  const dataDir = e2e.context.config.dataDir;
  const files = filesUnder(dataDir);
  // The checks would pass vacuously if nothing were captured or stored.
  expect(files.some((file) => file.endsWith('cvdesk.sqlite-wal') || file.endsWith('cvdesk.sqlite'))).toBe(true);
  expect(filesUnder(path.join(dataDir, 'incidents')).length).toBeGreaterThanOrEqual(1);
  expect(logs.some((line) => line.includes('/api/v1/incidents'))).toBe(true);
  expect(bodies.some((body) => body.includes('-----BEGIN PGP MESSAGE-----'))).toBe(true);
  const outbox = await e2e.context.db.selectFrom('mail_outbox').select('body').execute();
  expect(outbox.length).toBeGreaterThan(0);
  const places: [string, string][] = [
    ...files.map((file): [string, string] => [`file ${path.relative(dataDir, file)}`, fs.readFileSync(file).toString('latin1')]),
    ['logs', logs.join('')],
    ['request bodies', Buffer.concat(bodies).toString('latin1')],
    ['mail', outbox.map((m) => e2e.context.secrets.open(m.body)).join('\n')],
  ];
  for (const [where, text] of places) for (const form of FORMS) expect(text.includes(form), `the canary (${form}) is in ${where}`).toBe(false);
}

async function openFollowUp(page: Page, code: string): Promise<void> {
  await page.goto('/report/follow-up');
  await page.getByLabel('Receipt code').fill(code);
  await page.getByRole('button', { name: 'Open my report' }).click();
}

describe('sealed incidents in the browser', () => {
  test('a reporter without an account sends an encrypted report with an attachment; the statement must be accepted; the receipt is shown once', async () => {
    const { page } = await e2e.newSession();
    captureBodies(page);
    // security.txt's Contact is the page: a deep link the server answers with the app.
    const securityTxt = await (await fetch(`${e2e.origin}/.well-known/security.txt`)).text();
    const contact = /^Contact: (\S+\/report)\r?$/m.exec(securityTxt)?.[1];
    expect(contact).toBe(`${e2e.origin}/report`);
    await page.goto(contact!);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Report an incident, encrypted' })).toBeVisible();
    await pwExpect(page.getByText('Information you send this way is shared unconditionally: no embargo demands, payment demands or agreements')).toBeVisible();
    // OpenPGP.js is not in the main bundle: it is fetched as its own chunk, only by these pages.
    const scripts = await page.evaluate(() => Array.from(document.scripts, (s) => s.src));
    expect(scripts.some((src) => /openpgp/i.test(src))).toBe(false);

    await page.getByLabel('Title', { exact: true }).fill(`Database dump found ${canary}`);
    await page.getByLabel('Description', { exact: true }).fill(`The dump at the backup host holds ${canary} and customer data. ${HTML}`);
    await page.getByLabel('Programme').selectOption(SLUG);
    await page.getByLabel(/^Attachments/).setInputFiles({ name: `proof-${canary}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`attachment body ${canary}\n`) });
    await pwExpect(page.getByText(`proof-${canary}.txt`)).toBeVisible();

    // Without the tick: refused in the page, nothing sent.
    await page.getByRole('button', { name: 'Encrypt and send' }).click();
    await pwExpect(page.locator('.field-error')).toContainText('shared unconditionally');
    await pwExpect(page.getByLabel(/I accept that what I send is shared unconditionally/)).toBeFocused();
    expect(bodies.some((body) => body.includes('-----BEGIN PGP MESSAGE-----'))).toBe(false);

    await page.getByLabel(/I accept that what I send is shared unconditionally/).check();
    await page.getByRole('button', { name: 'Encrypt and send' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Report received' })).toBeVisible();
    await pwExpect(page.getByText('Write this down now.')).toBeVisible();
    receipt = (await page.getByTestId('receipt').innerText()).trim();
    expect(receipt).toMatch(/^\d{4}(?:-\d{4}){8}$/);
    await pwExpect(page.getByRole('button', { name: 'Copy the receipt code' })).toBeVisible();
    await pwExpect(page.getByText('Your reply key is stored, locked with this code')).toBeVisible();
    await page.screenshot({ path: path.join(ARTIFACTS, 'incidents-receipt.png'), fullPage: true });

    const incidents = await e2e.context.db.selectFrom('incidents').selectAll().execute();
    expect(incidents).toHaveLength(1);
    incidentId = incidents[0]!.id;
    expect(incidents[0]!.contact_public_key).not.toBeNull();
    expect(incidents[0]!.reply_key).not.toBeNull();
    await expectCanaryNowhere();
  });

  test('an invalid receipt is refused with a clear message; the right one opens the report and adds encrypted information', async () => {
    const { page } = await e2e.newSession();
    captureBodies(page);
    const wrong = receipt.slice(0, 10) + (receipt.slice(10).replace(/\d/g, (d) => String((Number(d) + 1) % 10)));
    await openFollowUp(page, wrong);
    await pwExpect(page.locator('.field-error')).toContainText('This receipt code is wrong, unknown or expired');
    await openFollowUp(page, 'not a receipt');
    await pwExpect(page.locator('.field-error')).toContainText('receipt');

    await openFollowUp(page, receipt);
    await pwExpect(page.getByRole('heading', { name: 'Your report' })).toBeVisible();
    await pwExpect(page.getByText('What you sent, encrypted for the security team')).toBeVisible();
    await page.getByLabel('More information').fill(`Also: the dump is still up (${canary}).`);
    await page.getByRole('button', { name: 'Encrypt and send' }).click();
    await pwExpect(page.getByText('Your message was encrypted and sent.')).toBeVisible();
    await pwExpect(page.getByText('What you sent, encrypted for the security team')).toHaveCount(2);
    await expectCanaryNowhere();
  });

  test('a triager unlocks the key in the page, reads the canary and the attachment, replies; the reporter reads the reply', async () => {
    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    captureBodies(page);
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Sealed incidents' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Sealed incidents' })).toBeVisible();
    await pwExpect(page.getByText('Sealed e2e programme')).toBeVisible();
    await page.getByRole('link', { name: /open incident/ }).first().click();
    await pwExpect(page).toHaveURL(new RegExp(`/incidents/${incidentId}$`));
    await pwExpect(page.getByText('Sealed. Unlock the key to read it.')).toHaveCount(2);

    // A wrong passphrase: refused here (the passphrase never goes to the server).
    await page.getByLabel('Key passphrase').fill('not the passphrase at all');
    await page.getByRole('button', { name: 'Unlock and decrypt' }).click();
    await pwExpect(page.locator('.field-error')).toContainText('does not unlock');
    await page.getByLabel('Key passphrase').fill(ORG_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock and decrypt' }).click();
    await pwExpect(page.getByText(`Database dump found ${canary}`)).toBeVisible();
    await pwExpect(page.getByText(`Also: the dump is still up (${canary}).`)).toBeVisible();
    expect(bodies.some((body) => body.includes(ORG_PASSPHRASE))).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, 'incidents-staff-decrypted.png'), fullPage: true });
    // Text is text: the decrypted report is never rendered as HTML.
    expect(await page.locator('.sealed-text').first().evaluate((el) => el.children.length)).toBe(0);
    await pwExpect(page.getByText(HTML, { exact: false })).toBeVisible();
    await pwExpect(page.locator('main img, main b')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download proof-${canary}.txt` }).click()]);
    expect(download.suggestedFilename()).toBe(`proof-${canary}.txt`);
    expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(`attachment body ${canary}\n`);

    await page.getByLabel('Your reply').fill(`${REPLY} ${canary}`);
    await page.getByRole('button', { name: 'Encrypt and send reply' }).click();
    await pwExpect(page.getByText('Your reply was encrypted and sent.')).toBeVisible();
    await pwExpect(page.getByText(`${REPLY} ${canary}`)).toBeVisible();

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await pwExpect(page.getByText('Acknowledged: the alarms have stopped.')).toBeVisible();
    const row = await e2e.context.db.selectFrom('incidents').select(['state', 'next_alarm_at']).where('id', '=', incidentId).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'acknowledged', next_alarm_at: null });
    const audited = await e2e.context.db.selectFrom('audit_events').select('action').where('object_id', '=', incidentId).execute();
    expect(audited.map((a) => a.action)).toContain('incident.sealed_read');

    // The reporter reads the reply, decrypted with the reply key their receipt unlocks.
    const reporter = await e2e.newSession();
    captureBodies(reporter.page);
    await openFollowUp(reporter.page, receipt);
    await pwExpect(reporter.page.getByText(`${REPLY} ${canary}`)).toBeVisible();
    await expectCanaryNowhere();
  });

  test('a triager unseals the incident into a report, stating why; it is audited', async () => {
    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/incidents/${incidentId}`);
    await page.getByLabel('Key passphrase').fill(ORG_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock and decrypt' }).click();
    await pwExpect(page.getByText(`Database dump found ${canary}`)).toBeVisible();
    await page.getByRole('button', { name: 'Unseal…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unseal into a report' });
    await pwExpect(dialog.getByLabel('Title')).toHaveValue(`Database dump found ${canary}`);
    // The reason is required.
    await dialog.getByRole('button', { name: 'Unseal into a report' }).click();
    await pwExpect(dialog.locator('.field-error')).toContainText('Say why');
    await dialog.getByLabel('Title').fill('Database dump on the backup host');
    await dialog.getByLabel('Why unseal it?').fill('Confirmed real; needs a fix and a CVE');
    await dialog.getByRole('button', { name: 'Unseal into a report' }).click();
    await pwExpect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    await pwExpect(page.getByRole('heading', { level: 1, name: /Database dump on the backup host/ })).toBeVisible();
    const event = await e2e.context.db.selectFrom('audit_events').selectAll().where('object_id', '=', incidentId).where('action', '=', 'incident.unsealed').executeTakeFirstOrThrow();
    expect(JSON.parse(event.data as string)).toMatchObject({ reason: 'Confirmed real; needs a fix and a CVE' });
    expect(event.actor_id).toBe(triager.row.id);
  });

  test('a reporter with their own key: replies are encrypted to it and read after unlocking it in the page, never uploaded', async () => {
    const passphrase = 'the reporter passphrase, only here';
    const pair = await reporterKeyPair(passphrase, new Date(Date.now() - 86_400_000));
    const { page } = await e2e.newSession();
    const sent: Buffer[] = [];
    page.on('request', (request) => {
      const body = request.postDataBuffer();
      if (body) sent.push(body);
    });
    await page.goto('/report');
    await page.getByLabel('Title', { exact: true }).fill('Leaked API key in a public repository');
    await page.getByLabel('Description', { exact: true }).fill('Found in a commit of the mobile app.');
    await page.getByLabel('Use my own OpenPGP key').check();
    await page.getByLabel('Your public key', { exact: true }).fill(pair.publicKey);
    await page.getByLabel(/I accept that what I send is shared unconditionally/).check();
    await page.getByRole('button', { name: 'Encrypt and send' }).click();
    const code = (await page.getByTestId('receipt').innerText()).trim();
    const { id } = await e2e.context.db.selectFrom('incidents').select('id').orderBy('received_at', 'desc').where('reply_key', 'is', null).executeTakeFirstOrThrow();

    // A triager replies (through the API here; the page's reply is covered above), encrypted to the reporter's key and the organisation's.
    const triager = await e2e.user(['triager']);
    const reply = JSON.stringify({ format: 'cvdesk-reply/1', text: 'Revoked the key, thank you.', files: [] });
    const response = await fetch(`${e2e.origin}/api/v1/incidents/${id}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${triager.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: await encryptTo([pair.publicKey, await currentPublicKey(e2e.context)], reply) }),
    });
    expect(response.status, await response.text()).toBe(201);

    await openFollowUp(page, code);
    await pwExpect(page.getByText('A reply, encrypted to your key: unlock your key below to read it.')).toBeVisible();
    await page.getByLabel('Your private key').fill(pair.privateKey);
    await page.getByLabel(/^Its passphrase/).fill(passphrase);
    await page.getByRole('button', { name: 'Unlock and read replies' }).click();
    await pwExpect(page.getByText('Revoked the key, thank you.')).toBeVisible();
    const everything = Buffer.concat(sent).toString('utf8');
    expect(everything).not.toContain('PRIVATE KEY BLOCK');
    expect(everything).not.toContain(passphrase);
  });

  test('a signed-in reporter sends one too: no receipt, it is followed from the account', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    await page.goto('/report');
    await pwExpect(page.getByText('You are signed in: this report is linked to your account.')).toBeVisible();
    await page.getByLabel('Title', { exact: true }).fill('Phishing kit using our logo');
    await page.getByLabel('Description', { exact: true }).fill('Seen at a look-alike domain.');
    await page.getByLabel(/I accept that what I send is shared unconditionally/).check();
    await page.getByRole('button', { name: 'Encrypt and send' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Report received' })).toBeVisible();
    await pwExpect(page.getByTestId('receipt')).toHaveCount(0);
    await page.getByRole('link', { name: 'follow it there' }).click();
    await pwExpect(page.getByText('What you sent, encrypted for the security team')).toBeVisible();
    const mine = await e2e.context.db.selectFrom('incidents').select(['id', 'contact_method']).where('reporter_id', '=', reporter.row.id).execute();
    expect(mine.map((m) => m.contact_method)).toEqual(['none']);
    expect(await e2e.context.db.selectFrom('incident_receipts').select('lookup_id').where('incident_id', '=', mine[0]!.id).execute()).toEqual([]);
  });

  test('/report is usable on a 375 px screen', async () => {
    const { page } = await e2e.newSession({ viewport: { width: 375, height: 740 } });
    await page.goto('/report');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Report an incident, encrypted' })).toBeVisible();
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll, `page is ${widths.scroll}px wide on a ${widths.client}px screen`).toBeLessThanOrEqual(widths.client);
    const send = await page.getByRole('button', { name: 'Encrypt and send' }).boundingBox();
    expect(send!.x + send!.width).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-report.png'), fullPage: true });
  });
});
