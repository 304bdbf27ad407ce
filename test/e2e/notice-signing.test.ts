import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { systemActor } from '../../src/domain/auth/actor.js';
import { listNoticeSigningKeys } from '../../src/domain/keys/notice-signing.service.js';
import { GpgHome } from '../helpers/gpg.js';
import { ARTIFACTS, mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

const e2e = setupE2E();
const PHONE = { width: 375, height: 740 };

/** The fingerprint as the page shows it: groups of four. */
const grouped = (fingerprint: string) => fingerprint.match(/.{4}/g)!.join(' ');

async function storedKeys() {
  return listNoticeSigningKeys(e2e.context.db, systemActor('e2e'));
}

/** /notice-signing-key.txt, fetched from Node (no browser cache in between). */
async function published(): Promise<{ status: number; text: string }> {
  const response = await fetch(`${e2e.origin}/notice-signing-key.txt`);
  return { status: response.status, text: await response.text() };
}

/** The element an input names in aria-describedby whose id ends in `-error`. */
async function errorOf(page: Page, input: ReturnType<Page['getByLabel']>) {
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/);
  const errorId = ids.find((id) => id.endsWith('-error'));
  expect(errorId, 'the field names its error in aria-describedby').toBeTruthy();
  return page.locator(`[id="${errorId}"]`);
}

async function openKeysPage(page: Page) {
  await mainNav(page).getByRole('link', { name: 'OpenPGP keys' }).click();
  await pwExpect(page.getByRole('heading', { level: 1, name: 'OpenPGP keys' })).toBeVisible();
  return page.getByRole('region', { name: 'Notice-signing key' });
}

describe('the notice-signing key on the OpenPGP keys page', () => {
  test('a lead makes the key, sees its fingerprint and rotates it with revocation; a triager sees it all without the actions', async () => {
    const lead = await e2e.user(['lead']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    const panel = await openKeysPage(page);

    // None yet: notices go out unsigned, and the public file is 404.
    await pwExpect(panel.locator('.alert-warning')).toContainText('There is no notice-signing key: case notices go out unsigned.');
    await pwExpect(panel.getByRole('link', { name: '/notice-signing-key.txt' })).toHaveAttribute('href', '/notice-signing-key.txt');
    expect((await published()).status).toBe(404);

    // --- Make the first key, after confirming. Cancel first: nothing is made. ---
    await panel.getByRole('button', { name: 'Make a key' }).click();
    let dialog = page.getByRole('dialog', { name: 'Make a notice-signing key?' });
    await pwExpect(dialog).toBeVisible();
    await pwExpect(dialog.getByRole('checkbox')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await pwExpect(dialog).toHaveCount(0);
    expect(await storedKeys()).toEqual([]);

    await panel.getByRole('button', { name: 'Make a key' }).click();
    await dialog.getByRole('button', { name: 'Make the key' }).click();
    await pwExpect(dialog).toHaveCount(0);
    const [first] = await storedKeys();
    expect(first).toMatchObject({ status: 'current', revokedAt: null });
    await pwExpect(panel.locator('.status-region')).toContainText(`Case notices are signed with the new key …${grouped(first!.fingerprint.slice(-16))} from now on.`);
    await pwExpect(panel.locator('.alert-warning')).toHaveCount(0);
    const current = panel.locator('.notice-signing-current .fingerprint');
    await pwExpect(current).toHaveText(grouped(first!.fingerprint));
    await pwExpect(panel).toContainText(first!.uid);
    expect((await published()).text).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);

    // --- Rotate, revoking the old key: the reason is required, and the server's refusal is shown at the field. ---
    await panel.getByRole('button', { name: 'Rotate' }).click();
    dialog = page.getByRole('dialog', { name: 'Rotate the notice-signing key?' });
    await pwExpect(dialog).toContainText(`The current key …${grouped(first!.fingerprint.slice(-16))} is retired`);
    await dialog.getByRole('checkbox', { name: /^Revoke the previous key \(compromised\)/ }).check();
    const reason = dialog.getByLabel('Why it is revoked');
    await dialog.getByRole('button', { name: 'Rotate and revoke' }).click();
    await pwExpect(reason).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(await errorOf(page, reason)).toHaveText('Say why the key is revoked');
    await pwExpect(reason).toBeFocused();
    await reason.fill('   ');
    await dialog.getByRole('button', { name: 'Rotate and revoke' }).click();
    // The server's message replaces the page's (the form clears the error while it waits).
    await pwExpect(dialog.locator('.field-error')).toHaveText('Must say why the key is revoked');
    await pwExpect(await errorOf(page, reason)).toHaveText('Must say why the key is revoked');
    expect((await storedKeys()).map((k) => k.fingerprint)).toEqual([first!.fingerprint]);

    await reason.fill('Backup with the master key left on a shared drive');
    await dialog.getByRole('button', { name: 'Rotate and revoke' }).click();
    await pwExpect(dialog).toHaveCount(0);
    const keys = await storedKeys();
    expect(keys.map((k) => [k.fingerprint === first!.fingerprint ? 'first' : 'second', k.status])).toEqual([
      ['second', 'current'],
      ['first', 'revoked'],
    ]);
    const second = keys[0]!;
    expect(keys[1]).toMatchObject({ revocationReason: 'Backup with the master key left on a shared drive' });
    await pwExpect(panel.locator('.status-region')).toContainText(`The previous key …${grouped(first!.fingerprint.slice(-16))} is revoked and stays published.`);
    await pwExpect(current).toHaveText(grouped(second.fingerprint));
    const earlier = panel.getByRole('list', { name: 'Earlier notice-signing keys' }).getByRole('listitem');
    await pwExpect(earlier).toHaveCount(1);
    await pwExpect(earlier.locator('.fingerprint')).toHaveText(grouped(first!.fingerprint));
    await pwExpect(earlier).toContainText('revoked');
    await pwExpect(earlier).toContainText('Backup with the master key left on a shared drive');
    await panel.screenshot({ path: path.join(ARTIFACTS, 'notice-signing.png') });

    // GnuPG reads both keys from the public file and sees the old one revoked.
    const gpg = new GpgHome();
    try {
      gpg.ok(['--import'], (await published()).text);
      const listed = gpg.listKeys();
      expect(listed.find((k) => k.fingerprint === first!.fingerprint)?.validity).toBe('r');
      expect(listed.find((k) => k.fingerprint === second.fingerprint)?.validity).not.toBe('r');
    } finally {
      gpg.destroy();
    }

    // --- A triager, on a phone: reads the same panel, is offered nothing to change. ---
    const triager = await e2e.user(['triager']);
    const other = await e2e.newSession({ viewport: PHONE });
    await signIn(other.page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await other.page.goto('/admin/keys');
    const readOnly = other.page.getByRole('region', { name: 'Notice-signing key' });
    await pwExpect(readOnly.locator('.notice-signing-current .fingerprint')).toHaveText(grouped(second.fingerprint));
    await pwExpect(readOnly.getByRole('listitem')).toContainText('Backup with the master key left on a shared drive');
    await pwExpect(readOnly).toContainText('Only security leads can make or rotate the notice-signing key.');
    await pwExpect(readOnly.getByRole('button', { name: /^(Rotate|Make a key)$/ })).toHaveCount(0);
    await pwExpect(readOnly.getByRole('checkbox')).toHaveCount(0);
    const widths = await other.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll, `page is ${widths.scroll}px wide on a ${widths.client}px screen`).toBeLessThanOrEqual(widths.client);
    await readOnly.screenshot({ path: path.join(ARTIFACTS, 'narrow-notice-signing.png') });
  });
});
