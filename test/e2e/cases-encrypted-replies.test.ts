import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { receiveMail } from '../../src/mail-intake/intake.js';
import { GpgHome } from '../helpers/gpg.js';
import { buildVendor } from '../server/cases.support.js';
import { addOrganisationKey, currentPublicKey, ORG_PASSPHRASE } from '../server/incidents.support.js';
import { ARTIFACTS, pwExpect, setupE2E, signIn } from './helpers.js';
import { pgpMimeMail } from '../helpers/pgp-mime.js';

/**
 * Encrypted vendor replies in a case (browser). The vendor answers a notice with a PGP/MIME
 * reply encrypted by real GnuPG to the organisation key — a text part holding a canary and
 * markup, and an HTML attachment — which arrives through the mail intake's reply path. A
 * triager opens the case, clicks "Decrypt", unlocks the key with its passphrase in the page (a
 * wrong one refused there), reads the canary as text (the markup stays text) and downloads the
 * attachment as a file. The opening is audited; neither the passphrase nor the canary reaches
 * the request bodies, the server's logs (trace level) or the database files.
 */
const e2e = setupE2E({ LOG_LEVEL: 'trace' });

const canary = `CANARY-case-reply-${process.pid}-${Math.random().toString(36).slice(2)}`;
const MARKUP = '<img src="/x.png" onerror="window.pwned = 1"><b>bold?</b>';
const ATTACHMENT = `<script>window.pwned = 2</script><p>proof ${canary}</p>`;
const logs: string[] = [];
const bodies: Buffer[] = [];
let gpg: GpgHome;

beforeAll(async () => {
  const log = e2e.server.running.app.log as unknown as Record<symbol, unknown>;
  const streamSym = Object.getOwnPropertySymbols(log).find((s) => s.description === 'pino.stream');
  if (!streamSym) throw new Error('no pino stream to capture');
  log[streamSym] = { write: (line: string) => void logs.push(line) };
  await addOrganisationKey(e2e.context);
  gpg = new GpgHome();
  gpg.importKey(await currentPublicKey(e2e.context));
});
afterAll(() => gpg?.destroy());

function captureBodies(page: Page): void {
  page.on('request', (request) => {
    const body = request.postDataBuffer();
    if (body) bodies.push(body);
  });
}

/** The vendor's reply, as their mail client sends it: RFC 3156, the MIME entity encrypted by GnuPG. */
function pgpMimeReply(to: string): Buffer {
  const inner = [
    'Content-Type: multipart/mixed; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `We confirm the flaw: ${canary}`,
    MARKUP,
    '--inner',
    'Content-Type: text/html; charset=utf-8',
    'Content-Disposition: attachment; filename="poc.html"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(ATTACHMENT).toString('base64'),
    '--inner--',
    '',
  ].join('\r\n');
  const armoured = gpg.ok(['--armor', '--encrypt', '-r', gpg.listKeys()[0]!.fingerprint], inner);
  return Buffer.from(pgpMimeMail({ from: 'PSIRT <psirt@sealed-vendor.example>', to, subject: 'Re: Security vulnerability report', messageId: `<reply-${Date.now()}@sealed-vendor.example>` }, armoured));
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

describe('encrypted vendor replies on the case page', () => {
  test('a triager decrypts a PGP/MIME reply in the page: text shown as text, the attachment a download, the opening audited, nothing secret sent', async () => {
    const triager = await e2e.user(['triager']);
    const vendor = await buildVendor(e2e.context, { name: 'Sealed Vendor', email: 'psirt@sealed-vendor.example' });
    const created = await fetch(`${e2e.origin}/api/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${triager.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Case with an encrypted reply', participants: [{ vendorId: vendor.id }] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const caseId = ((await created.json()) as { id: string }).id;
    const { reply_token: token } = await e2e.context.db.selectFrom('case_participants').select('reply_token').where('case_id', '=', caseId).executeTakeFirstOrThrow();
    const address = `case+${token}@cvdesk.example`;
    const outcome = await receiveMail(e2e.context, { raw: pgpMimeReply(address), envelopeFrom: 'psirt@sealed-vendor.example', recipients: [address] });
    expect(outcome).toMatchObject({ kind: 'case_reply', duplicate: false });

    const { page } = await e2e.newSession();
    captureBodies(page);
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/cases/${caseId}`);
    const entry = page.locator(`.case-log li[data-entry="${outcome.id}"]`);
    await pwExpect(entry).toContainText('Reply by mail from psirt@sealed-vendor.example');
    await pwExpect(entry.getByText('encrypted', { exact: true })).toBeVisible();
    await pwExpect(page.getByText(canary, { exact: false })).toHaveCount(0);

    await entry.getByRole('button', { name: /^Decrypt/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Unlock the organisation key' });
    await dialog.getByLabel('Key passphrase').fill('not the passphrase at all');
    await dialog.getByRole('button', { name: 'Unlock and decrypt' }).click();
    await pwExpect(dialog.locator('.field-error')).toContainText('does not unlock');
    await dialog.getByLabel('Key passphrase').fill(ORG_PASSPHRASE);
    await dialog.getByRole('button', { name: 'Unlock and decrypt' }).click();
    await pwExpect(dialog).toHaveCount(0);

    const decrypted = entry.getByRole('region', { name: 'Decrypted entry' });
    await pwExpect(decrypted).toContainText(`We confirm the flaw: ${canary}`);
    // The vendor's markup is text: no element made of it, no handler run.
    await pwExpect(decrypted).toContainText(MARKUP);
    await pwExpect(page.locator('main img, main b, .case-log-decrypted script')).toHaveCount(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'cases-encrypted-reply.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), decrypted.getByRole('button', { name: 'Download poc.html' }).click()]);
    expect(download.suggestedFilename()).toBe('poc.html');
    expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(ATTACHMENT);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    // The opening is audited, by whom and which entry; the protected key's fetch too.
    const audited = await e2e.context.db.selectFrom('audit_events').select(['action', 'actor_id', 'object_id', 'data']).where('actor_id', '=', triager.row.id).execute();
    const opened = audited.filter((a) => a.action === 'case.log_entry_opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.object_id).toBe(caseId);
    expect(JSON.parse(opened[0]!.data as string)).toMatchObject({ logId: outcome.id, kind: 'reply_received' });
    expect(audited.map((a) => a.action)).toContain('key.private_key_fetched');

    // Hide and decrypt again: the key stays unlocked in the page, and each opening is audited.
    await decrypted.getByRole('button', { name: /^Hide/ }).click();
    await pwExpect(page.getByText(`We confirm the flaw: ${canary}`)).toHaveCount(0);
    await entry.getByRole('button', { name: /^Decrypt/ }).click();
    await pwExpect(entry.getByRole('region', { name: 'Decrypted entry' })).toContainText(canary);
    const count = async () => (await e2e.context.db.selectFrom('audit_events').select('id').where('action', '=', 'case.log_entry_opened').where('actor_id', '=', triager.row.id).execute()).length;
    await expect.poll(count).toBe(2);

    // Neither the passphrase nor the plaintext reached the server.
    const dataDir = e2e.context.config.dataDir;
    const files = filesUnder(dataDir);
    expect(files.some((file) => /cvdesk\.sqlite(-wal)?$/.test(file))).toBe(true);
    expect(logs.some((line) => line.includes('/openings'))).toBe(true);
    expect(bodies.some((body) => body.includes('not the passphrase at all'))).toBe(false);
    const places: [string, string][] = [
      ...files.map((file): [string, string] => [`file ${path.relative(dataDir, file)}`, fs.readFileSync(file).toString('latin1')]),
      ['logs', logs.join('')],
      ['request bodies', Buffer.concat(bodies).toString('latin1')],
    ];
    for (const [where, text] of places) {
      expect(text.includes(ORG_PASSPHRASE), `the passphrase is in ${where}`).toBe(false);
      expect(text.includes(canary), `the decrypted reply is in ${where}`).toBe(false);
    }
  });
});
