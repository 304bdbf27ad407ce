import { describe, expect, test } from 'vitest';
import { fillPasswordStep, linkIn, mailTo, mainNav, openUserMenu, pwExpect, setupE2E } from './helpers.js';

const e2e = setupE2E();

describe('reporter', () => {
  test('signs up, verifies the address from the mail, signs in without admin navigation, and signs out', async () => {
    const { page } = await e2e.newSession();
    const email = `reporter-${Date.now().toString(36)}@example.net`;
    const password = 'purple elephants dance quietly';

    await page.goto('/signin');
    await page.getByRole('link', { name: 'Create a reporter account' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Create a reporter account' })).toBeVisible();
    await pwExpect(page).toHaveURL(/\/signup$/);

    await page.getByLabel('Name').fill('Rita Reporter');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();

    await pwExpect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
    await pwExpect(page.getByRole('status')).toContainText(email);

    // Not verified yet: sign-in explains.
    await page.getByRole('link', { name: 'Go to sign in' }).click();
    await fillPasswordStep(page, email, password);
    await pwExpect(page.getByRole('alert')).toContainText(/verif/i);
    await pwExpect(page.getByText('Open the link in the email we sent')).toBeVisible();

    const mail = await mailTo(e2e.context, email, /confirm your email/i);
    const link = linkIn(mail.text, e2e.origin);
    expect(link).toContain('/verify-email?token=');
    await page.goto(link);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Email verified' })).toBeVisible();
    await page.getByRole('link', { name: 'Sign in' }).click();

    // A wrong password: an error in the form, nothing else happens.
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await fillPasswordStep(page, email, 'not the right password');
    const alert = page.locator('form').getByRole('alert');
    await pwExpect(alert).toContainText(/wrong|incorrect|invalid|not match/i);
    await pwExpect(page).toHaveURL(/\/signin/);
    await pwExpect(page.getByLabel('Email')).toHaveValue(email);

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Welcome, Rita' })).toBeVisible();
    await pwExpect(page).toHaveURL(new RegExp(`^${e2e.origin}/$`));
    await pwExpect(page.getByText('Your email address is not verified yet.')).toHaveCount(0);

    const nav = mainNav(page);
    await pwExpect(nav).toBeVisible();
    await pwExpect(nav.getByRole('link', { name: 'Dashboard' })).toBeVisible();
    await pwExpect(nav.getByRole('link', { name: 'Profile' })).toBeVisible();
    for (const name of ['Users', 'Audit log', 'Mail outbox', 'Jobs']) {
      await pwExpect(nav.getByRole('link', { name })).toHaveCount(0);
    }
    await pwExpect(nav.getByRole('heading', { name: 'Administration' })).toHaveCount(0);
    await pwExpect(page.getByRole('heading', { name: 'Administration' })).toHaveCount(0);

    // Reporters are offered (not forced into) two-factor.
    await pwExpect(page.getByRole('link', { name: 'Set it up' })).toBeVisible();

    await openUserMenu(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await pwExpect(page).toHaveURL(/\/signin$/);
    await pwExpect(page.getByText('You have signed out.')).toBeVisible();

    // Signed out for real: the dashboard sends back to sign-in, and the cookie is gone server-side.
    await page.goto('/account');
    await pwExpect(page).toHaveURL(/\/signin\?next=%2Faccount$/);
    const session = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    expect(session).toBe(401);
  });

  test('sign-up refuses a short password before asking the server, and a taken address after', async () => {
    const { page } = await e2e.newSession();
    await page.goto('/signup');
    await page.getByLabel('Email').fill('someone@example.net');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await pwExpect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(page.getByLabel('Password')).toBeFocused();

    const existing = await e2e.user(['reporter']);
    await page.getByLabel('Email').fill(existing.row.email);
    await page.getByLabel('Password').fill('a perfectly fine passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Either an error, or the same "check your email" answer (so addresses cannot be probed):
    // both are fine, but the page must answer and stay usable.
    await pwExpect(page.locator('h1')).toHaveText(/Create a reporter account|Check your email/);
    await pwExpect(page.getByRole('button', { name: /Creating account/ })).toHaveCount(0);
  });
});
