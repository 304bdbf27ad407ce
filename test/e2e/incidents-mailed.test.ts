import fs from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { receiveMail } from '../../src/mail-intake/intake.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { changeIncidentSettings } from '../../src/domain/incidents/incident-settings.js';
import { inTransaction } from '../../src/server/transaction.js';
import { buildProgram } from '../helpers/programs.js';
import { GpgHome } from '../helpers/gpg.js';
import { addOrganisationKey, currentPublicKey, ORG_PASSPHRASE } from '../server/incidents.support.js';
import { ARTIFACTS, pwExpect, setupE2E, signIn } from './helpers.js';
import { pgpMimeMail } from '../helpers/pgp-mime.js';

/**
 * Mailed-in sealed incidents in the browser. A reporter's mail client sends a PGP/MIME mail
 * (RFC 3156) encrypted by real GnuPG to the organisation key — a text part holding a canary and
 * markup, a binary attachment, an HTML part — which arrives through the real mail intake. A
 * triager unlocks the key in the incident page and sees the text part as text (the markup inert),
 * the attachments as downloads (the binary one byte for byte, the HTML one as a file, never
 * rendered), and the unseal form filled from the mail. A mailed message that decompresses beyond
 * the page's 64 MB bound is not opened: the page says so. Plain mail is filed as an open report
 * and listed as an incident for its alarm: its page has nothing sealed, links the report and
 * is acknowledged there.
 */
const e2e = setupE2E();

const canary = `CANARY-mailed-${process.pid}-${Math.random().toString(36).slice(2)}`;
const MARKUP = '<img src="/x.png" onerror="window.pwned = 1"><b>bold?</b>';
const HTML_PART = '<script>window.pwned = 2</script><p>also in HTML</p>';
/** Every byte value, so a download that went through a text decoding anywhere would differ. */
const DUMP = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256));
const SUBJECT = 'Heap overflow in the image parser';
let gpg: GpgHome;

beforeAll(async () => {
  await addOrganisationKey(e2e.context);
  gpg = new GpgHome();
  gpg.importKey(await currentPublicKey(e2e.context));
});
afterAll(() => gpg?.destroy());

/** The MIME entity a mail client encrypts: protected Subject, text, a binary file, an HTML part. */
function innerEntity(): string {
  return [
    'Content-Type: multipart/mixed; boundary="inner"; protected-headers="v1"',
    `Subject: ${SUBJECT}`,
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Grüße — the parser overflows: ${canary}`,
    MARKUP,
    '--inner',
    'Content-Type: application/octet-stream',
    'Content-Disposition: attachment; filename="crash-dump.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    ...(DUMP.toString('base64').match(/.{1,76}/g) ?? []),
    '--inner',
    'Content-Type: text/html; charset=utf-8',
    '',
    HTML_PART,
    '--inner--',
    '',
  ].join('\r\n');
}

/** The mail as sent: multipart/encrypted around the armoured ciphertext. */
function mailed(armoured: string, id: string): Buffer {
  return Buffer.from(pgpMimeMail({ from: 'Reporter <reporter@example.net>', to: 'security@example.org', subject: '...', messageId: `<${id}-${Date.now()}@example.net>` }, armoured));
}

async function deliver(raw: Buffer): Promise<string> {
  const outcome = await receiveMail(e2e.context, { raw, envelopeFrom: 'reporter@example.net', recipients: ['security@example.org'] });
  expect(outcome).toMatchObject({ kind: 'incident', duplicate: false });
  return outcome.id;
}

async function unlock(page: Page): Promise<void> {
  await page.getByLabel('Key passphrase').fill(ORG_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock and decrypt' }).click();
}

describe('mailed-in PGP/MIME incidents on the incident page', () => {
  test('the text part is shown as text, the attachments are downloads, the unseal form is filled from the mail', async () => {
    const armoured = gpg.ok(['--armor', '--encrypt', '-r', gpg.listKeys()[0]!.fingerprint], innerEntity());
    const incidentId = await deliver(mailed(armoured, 'pgp-mime'));
    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/incidents/${incidentId}`);
    await pwExpect(page.getByText('Sealed. Unlock the key to read it.')).toHaveCount(1);
    await pwExpect(page.getByText(canary, { exact: false })).toHaveCount(0);

    await unlock(page);
    const message = page.locator('.incident-message').first();
    await pwExpect(message.locator('.sealed-text', { hasText: `Grüße — the parser overflows: ${canary}` })).toBeVisible();
    await pwExpect(message.locator('.sealed-fields')).toContainText(new RegExp(`Subject\\s+${SUBJECT}\\s+Message\\s+Grüße`));
    // The MIME structure is read, not shown: no headers, no boundaries, no base64.
    await pwExpect(message).not.toContainText('Content-Type');
    await pwExpect(message).not.toContainText('--inner');
    // The reporter's markup is text: no element made of it, no handler run.
    await pwExpect(message).toContainText(MARKUP);
    expect(await message.locator('.sealed-text').evaluateAll((els) => els.map((el) => el.children.length))).toEqual([0, 0]);
    await pwExpect(page.locator('main img, main b, main p:text-is("also in HTML")')).toHaveCount(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'incidents-mailed-pgp-mime.png'), fullPage: true });

    const [dump] = await Promise.all([page.waitForEvent('download'), message.getByRole('button', { name: 'Download crash-dump.bin' }).click()]);
    expect(dump.suggestedFilename()).toBe('crash-dump.bin');
    expect(fs.readFileSync((await dump.path())!).equals(DUMP)).toBe(true);
    // The HTML part is a file too (named for its type), saved as bytes, never rendered here.
    await pwExpect(message.locator('.sealed-files li', { hasText: 'part-2.html' })).toContainText('text/html');
    const [html] = await Promise.all([page.waitForEvent('download'), message.getByRole('button', { name: 'Download part-2.html' }).click()]);
    expect(html.suggestedFilename()).toBe('part-2.html');
    expect(fs.readFileSync((await html.path())!, 'utf8')).toBe(HTML_PART);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    // Unsealing starts from the mail: its subject as the title, its text as the description.
    await page.getByRole('button', { name: 'Unseal…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unseal into a report' });
    await pwExpect(dialog.getByLabel('Title')).toHaveValue(SUBJECT);
    await pwExpect(dialog.getByLabel('Description')).toHaveValue(`Grüße — the parser overflows: ${canary}\n${MARKUP}`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await pwExpect(dialog).toHaveCount(0);

    // The mail carried no key the server could see: the triager pastes the one the reporter sent.
    const reply = page.getByRole('region', { name: 'Reply' });
    await pwExpect(reply.getByText('The reporter gave no key')).toBeVisible();
    const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'reporter@example.net' }], date: new Date(Date.now() - 86_400_000), format: 'armored' });
    await reply.getByLabel('The reporter’s public key').fill('not a key');
    await reply.getByRole('button', { name: 'Use this key' }).click();
    await pwExpect(reply.getByRole('alert').filter({ hasText: 'publicKey' })).toContainText('not an armoured OpenPGP public key');
    await reply.getByLabel('The reporter’s public key').fill(publicKey);
    await reply.getByRole('button', { name: 'Use this key' }).click();
    await pwExpect(reply.getByText('The reporter gave no key')).toHaveCount(0);
    await pwExpect(reply.getByText('Encrypted here to the reporter’s key and the organisation key.')).toBeVisible();
  });

  test('plain mail: listed as an open report, its page links the report and acknowledges, with nothing sealed to unlock', async () => {
    const program = await buildProgram(e2e.context);
    await inTransaction(e2e.context, (trx) => changeIncidentSettings(e2e.context, trx, systemActor('test'), { mailIntakeProgram: program.slug }));
    const plainSubject = `Open redirect on the login page ${process.pid}`;
    const raw = Buffer.from(
      [
        'From: Plain Reporter <plain@example.net>',
        'To: security@example.org',
        `Subject: ${plainSubject}`,
        `Message-ID: <plain-${Date.now()}@example.net>`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        `The next parameter is not checked: ${canary}`,
        '',
      ].join('\r\n'),
    );
    const outcome = await receiveMail(e2e.context, { raw, envelopeFrom: 'plain@example.net', recipients: ['security@example.org'] });
    expect(outcome).toMatchObject({ kind: 'report', duplicate: false });
    const incident = await e2e.context.db.selectFrom('incidents').select('id').where('report_id', '=', outcome.id).executeTakeFirstOrThrow();

    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto('/incidents');
    const row = page.locator('tr', { has: page.locator(`a[href="/incidents/${incident.id}"]`) });
    await pwExpect(row).toContainText('open report');
    await pwExpect(row).toContainText('not encrypted');
    await row.locator(`a[href="/incidents/${incident.id}"]`).click();
    await pwExpect(page.getByRole('heading', { name: 'Sent unencrypted' })).toBeVisible();
    // Nothing sealed: no key to unlock, no messages, no reply, no unsealing.
    await pwExpect(page.getByLabel('Key passphrase')).toHaveCount(0);
    await pwExpect(page.getByRole('heading', { name: 'Messages' })).toHaveCount(0);
    await pwExpect(page.getByRole('button', { name: 'Unseal…' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await pwExpect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
    expect((await e2e.context.db.selectFrom('incidents').select('state').where('id', '=', incident.id).executeTakeFirstOrThrow()).state).toBe('acknowledged');
    // The content is read on the report.
    await page.getByRole('link', { name: 'Open the report' }).click();
    await pwExpect(page.getByRole('heading', { name: plainSubject })).toBeVisible();
    await pwExpect(page.getByText(canary, { exact: false })).toBeVisible();
  });

  test('a mailed message that decompresses beyond 64 MB is not opened in the page', async () => {
    // A compressed PGP/MIME body of zeros: small on the wire, 65 MB once decompressed.
    const encryptionKeys = await openpgp.readKey({ armoredKey: await currentPublicKey(e2e.context) });
    const bomb = new Uint8Array(65 * 1024 * 1024);
    bomb.set(new TextEncoder().encode('Content-Type: text/plain\r\n\r\n'));
    const armoured = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: bomb }), encryptionKeys, config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib } });
    expect(armoured.length).toBeLessThan(1_000_000);
    const incidentId = await deliver(mailed(armoured, 'bomb'));
    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/incidents/${incidentId}`);
    await unlock(page);
    await pwExpect(page.getByRole('alert').filter({ hasText: 'decompresses to more than 64 MB' })).toBeVisible();
    await pwExpect(page.locator('.sealed-content')).toHaveCount(0);
  });
});
