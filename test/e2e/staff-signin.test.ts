import { describe, expect, test } from 'vitest';
import { currentCode, fillPasswordStep, mainNav, pwExpect, setupE2E, wrongCode } from './helpers.js';

const e2e = setupE2E();

describe('staff sign-in with two-factor', () => {
  test('password step, then code step; a wrong code is refused; the right one signs in', async () => {
    const triager = await e2e.user(['triager']);
    expect(triager.totpSecret).toBeDefined();
    const { page } = await e2e.newSession();

    await page.goto('/signin');
    await fillPasswordStep(page, triager.row.email, 'correct horse battery staple');

    const codeHeading = page.getByRole('heading', { level: 1, name: 'Two-factor check' });
    await pwExpect(codeHeading).toBeVisible();
    const code = page.getByLabel('Authentication code');
    await pwExpect(code).toBeFocused();
    await pwExpect(page.getByRole('button', { name: 'Verify' })).toBeDisabled();

    await code.fill(wrongCode(triager.totpSecret!));
    await page.getByRole('button', { name: 'Verify' }).click();
    const alert = page.locator('form').getByRole('alert');
    await pwExpect(alert).toContainText(/code/i);
    await pwExpect(codeHeading).toBeVisible();
    // Still half signed in: the API treats the session as no one.
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(me).toBe(401);

    // A page visited now comes back to the code step, and after it to that page.
    await page.goto('/admin/audit');
    await pwExpect(page).toHaveURL(/\/signin\?next=%2Fadmin%2Faudit$/);
    await pwExpect(codeHeading).toBeVisible();

    await page.getByLabel('Authentication code').fill(currentCode(triager.totpSecret!));
    await page.getByRole('button', { name: 'Verify' }).click();
    await pwExpect(page).toHaveURL(/\/admin\/audit$/);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();

    const nav = mainNav(page);
    await pwExpect(nav.getByRole('link', { name: 'Audit log' })).toBeVisible();
    await pwExpect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
    // Triagers browse the log but do not verify or export it.
    await pwExpect(page.getByRole('button', { name: 'Verify chain' })).toHaveCount(0);
    // Our own sign-in is in the log.
    await pwExpect(page.getByRole('cell', { name: 'auth.mfa_passed' }).first()).toBeVisible();
  });

  test('the recovery-code switch and "cancel" work on the code step', async () => {
    const cna = await e2e.user(['cna']);
    const { page } = await e2e.newSession();
    await page.goto('/signin');
    await fillPasswordStep(page, cna.row.email, 'correct horse battery staple');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Two-factor check' })).toBeVisible();

    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await pwExpect(page.getByLabel('Recovery code')).toBeFocused();
    await page.getByLabel('Recovery code').fill('not-a-recovery-code');
    await page.getByRole('button', { name: 'Verify' }).click();
    await pwExpect(page.locator('form').getByRole('alert')).toContainText(/code/i);

    await page.getByRole('button', { name: 'Use the authenticator app instead' }).click();
    await pwExpect(page.getByLabel('Authentication code')).toBeVisible();
    await pwExpect(page.locator('form .alert-error')).toHaveCount(0);

    await page.getByRole('button', { name: 'Cancel and sign in as someone else' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await pwExpect(page.getByLabel('Email')).toHaveValue('');
  });
});
