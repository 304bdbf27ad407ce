import { describe, expect, test } from 'vitest';
import { TEST_PASSWORD, currentCode, fillPasswordStep, linkIn, mailTo, mainNav, openUserMenu, pwExpect, setupE2E, signIn } from './helpers.js';

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
    // The form's alert region is in the accessibility tree before anything goes wrong (an empty
    // live region, not display: none), so screen readers announce the error when it appears.
    const alert = page.locator('form').getByRole('alert');
    await pwExpect(alert).toHaveCount(1);
    await fillPasswordStep(page, email, 'not the right password');
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

  test('sign-up refuses a short password before asking the server, and answers a taken address like a new one', async () => {
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
    // No account enumeration: the page says what it says for a new address; the holder gets a mail instead.
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  });

  test('a reporter turns two-factor on, signs in with a recovery code, and turns it off', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    await page.getByRole('link', { name: 'Set it up' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Two-factor authentication' })).toBeVisible();
    await pwExpect(page.getByText('Staff accounts need two-factor authentication.')).toHaveCount(0);

    await page.getByRole('button', { name: 'Begin setup' }).click();
    const secret = (await page.locator('.secret code').innerText()).replace(/\s+/g, '');
    await page.getByLabel('6-digit code from the app').fill(currentCode(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    // allInnerTexts does not wait: wait for the codes panel before reading it.
    await pwExpect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
    const codes = await page.locator('.recovery-codes code').allInnerTexts();
    expect(codes.length).toBeGreaterThan(0);
    await page.getByLabel('I have saved them somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Two-factor authentication is' })).toHaveText('Two-factor authentication is on.');
    await pwExpect(page.getByRole('heading', { name: /Status/ })).toContainText('on');
    await pwExpect(page).toHaveURL(/\/account\/two-factor$/);

    // Sign out and in again: now a code is asked for; a recovery code does instead.
    await openUserMenu(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await fillPasswordStep(page, reporter.row.email, TEST_PASSWORD);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Two-factor check' })).toBeVisible();
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
    await pwExpect(page.getByRole('link', { name: 'Set it up' })).toHaveCount(0);

    // Reporters may turn it off again, with their password.
    await mainNav(page).getByRole('link', { name: 'Two-factor' }).click();
    const off = page.getByRole('region', { name: 'Turn off two-factor' });
    await off.getByLabel('Password').fill('wrong password here');
    await off.getByRole('button', { name: 'Turn off two-factor' }).click();
    await pwExpect(off.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await off.getByLabel('Password').fill(TEST_PASSWORD);
    await off.getByRole('button', { name: 'Turn off two-factor' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Two-factor authentication is' })).toHaveText('Two-factor authentication is off.');
    await pwExpect(page.getByRole('button', { name: 'Begin setup' })).toBeVisible();
  });
});
