import { describe, expect, test } from 'vitest';
import { fillPasswordStep, linkIn, mailTo, mainNav, openUserMenu, pwExpect, setupE2E, signIn } from './helpers.js';

const e2e = setupE2E();

describe('sessions in the browser', () => {
  test('a session that ends mid-use sends the person to sign in, and back to where they were', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page, context } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });

    // The session ends behind the page's back (another device signed out, or it expired).
    await context.clearCookies();
    await mainNav(page).getByRole('link', { name: 'Profile' }).click();

    await pwExpect(page).toHaveURL(/\/signin\?next=%2Faccount$/);
    await pwExpect(page.getByText('Your session has ended. Sign in again to continue.')).toBeVisible();
    await fillPasswordStep(page, reporter.row.email, 'correct horse battery staple');
    await pwExpect(page).toHaveURL(/\/account$/);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible();
    await pwExpect(page.getByRole('main').getByText(reporter.row.email)).toBeVisible();
  });

  test('a tab holding an old CSRF token (the other tab signed in again) still saves, after renewing it', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page, context } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    await page.goto('/account/tokens');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();

    // Another tab of the same browser signs out and in again: new session, new CSRF token.
    const other = await context.newPage();
    await other.goto('/');
    await openUserMenu(other);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await pwExpect(other.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await fillPasswordStep(other, reporter.row.email, 'correct horse battery staple');
    await pwExpect(other.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();

    // The first tab still works: its write is refused once (csrf_failed), it renews the token, retries.
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/api/v1/me/tokens')) statuses.push(r.status());
    });
    const create = page.getByRole('region', { name: 'Create a token' });
    await create.getByLabel('Name').fill('from the old tab');
    await create.getByRole('button', { name: 'Create token' }).click();
    await pwExpect(page.getByRole('heading', { name: 'Copy your new token now' })).toBeVisible();
    await pwExpect(page.getByRole('row', { name: /from the old tab/ })).toBeVisible();
    expect(statuses).toEqual([403, 201]);
  });

  test('forgotten password: the mailed link sets a new one, the old one stops working', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page } = await e2e.newSession();
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeVisible();
    await page.getByLabel('Email').fill(reporter.row.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();

    const link = linkIn((await mailTo(e2e.context, reporter.row.email, /reset/i)).text, e2e.origin);
    expect(link).toContain('/reset-password?token=');
    await page.goto(link);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible();
    await page.getByLabel('New password').fill('a brand new passphrase');
    await page.getByLabel('Repeat the password').fill('a brand new passphrase, mistyped');
    await page.getByRole('button', { name: 'Change password' }).click();
    await pwExpect(page.getByLabel('Repeat the password')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Repeat the password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Password changed' })).toBeVisible();

    await page.getByRole('link', { name: 'Sign in' }).click();
    await fillPasswordStep(page, reporter.row.email, 'correct horse battery staple');
    await pwExpect(page.locator('form').getByRole('alert')).toContainText(/\S/);
    await page.getByLabel('Password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();

    // The link was for one use.
    await page.goto(link);
    await page.getByLabel('New password').fill('yet another passphrase');
    await page.getByLabel('Repeat the password').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await pwExpect(page.getByRole('link', { name: 'ask for a new link' })).toBeVisible();
  });
});
