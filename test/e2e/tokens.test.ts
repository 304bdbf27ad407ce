import { describe, expect, test } from 'vitest';
import { fetchMe, mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

const e2e = setupE2E();

describe('account: API tokens', () => {
  test('a token is shown once, works from a script, and stops working when revoked in the UI', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });

    await mainNav(page).getByRole('link', { name: 'API tokens' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
    await pwExpect(page).toHaveTitle('API tokens · cvdesk');

    const create = page.getByRole('region', { name: 'Create a token' });
    // Submitting without a name is refused by the server, on the Name field.
    await create.getByRole('button', { name: 'Create token' }).click();
    await pwExpect(create.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');

    await create.getByLabel('Name').fill('nightly scanner');
    await pwExpect(create.getByRole('checkbox', { name: /^read/ })).toBeChecked();
    await create.getByRole('checkbox', { name: /^write/ }).check();
    await create.getByLabel(/Expires after/).fill('30');
    await create.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('region', { name: 'Copy your new token now' });
    await pwExpect(shown).toBeVisible();
    await pwExpect(shown.getByRole('heading', { name: 'Copy your new token now' })).toBeFocused();
    const token = (await shown.locator('.token-value code').innerText()).trim();
    expect(token).toMatch(/^cvd_\S{20,}$/);

    // The list has it, by prefix only.
    const row = page.getByRole('row', { name: /nightly scanner/ });
    await pwExpect(row).toBeVisible();
    await pwExpect(row).toContainText(token.slice(0, 12));
    await pwExpect(row).toContainText('read, write');
    await pwExpect(create.getByLabel('Name')).toHaveValue('');

    // From Node, as a script would use it.
    const before = await fetchMe(e2e.origin, token);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ email: reporter.row.email, roles: ['reporter'], emailVerified: true });

    // Shown once: after "I have stored it", or on a fresh load, the secret is gone from the page.
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await pwExpect(shown).toHaveCount(0);
    await page.reload();
    await pwExpect(page.getByRole('row', { name: /nightly scanner/ })).toBeVisible();
    await pwExpect(page.getByText(token)).toHaveCount(0);
    expect(await page.content()).not.toContain(token);
    // The use from Node shows as "last used".
    await pwExpect(page.getByRole('row', { name: /nightly scanner/ })).not.toContainText('never');

    // Used again just before revoking, so the server's short-lived token cache holds it.
    expect((await fetchMe(e2e.origin, token)).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke nightly scanner' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke token?' });
    await pwExpect(dialog).toBeVisible();
    await pwExpect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await pwExpect(dialog).toHaveCount(0);
    await pwExpect(page.getByRole('status').filter({ hasText: 'revoked' })).toContainText('Token “nightly scanner” revoked.');
    await pwExpect(page.getByRole('row', { name: /nightly scanner/ })).toContainText('revoked');
    await pwExpect(page.getByRole('button', { name: 'Revoke nightly scanner' })).toHaveCount(0);

    const after = await fetchMe(e2e.origin, token);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: 'token_invalid' } });

    // The revocation survives a reload (it happened on the server, not only in the page).
    await page.reload();
    await pwExpect(page.getByRole('row', { name: /nightly scanner/ })).toContainText('revoked');
  });

  test('a read-only token may read but not write', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    await page.goto('/account/tokens');
    const create = page.getByRole('region', { name: 'Create a token' });
    await create.getByLabel('Name').fill('read only');
    await create.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('.token-value code').innerText()).trim();

    expect((await fetchMe(e2e.origin, token)).status).toBe(200);
    const write = await fetch(`${e2e.origin}/api/v1/me/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', scopes: ['read'] }),
    });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
  });
});
