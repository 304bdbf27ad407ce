import { describe, expect, test } from 'vitest';
import { currentCode, fillPasswordStep, mainNav, pwExpect, setupE2E, wrongCode } from './helpers.js';

const e2e = setupE2E({ CVDESK_ADMIN_EMAIL: 'first.admin@example.org' });

describe('first administrator', () => {
  test('sets a password from the printed link, enrols in two-factor, sees recovery codes once, reaches the dashboard', async () => {
    const link = e2e.server.setupLink;
    expect(link, `setup link in:\n${e2e.server.printed.join('\n')}`).toBeDefined();
    expect(link!.startsWith(`${e2e.origin}/reset-password?token=`)).toBe(true);
    expect(link).toContain('setup=1');

    const { page } = await e2e.newSession();
    await page.goto(link!);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Set your password' })).toBeVisible();
    await pwExpect(page).toHaveTitle('Set your password · cvdesk');

    // Too short first: the form says so next to the field, without asking the server.
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the password').fill('short');
    await page.getByRole('button', { name: 'Set password' }).click();
    await pwExpect(page.getByText(/must be at least \d+ characters/i)).toBeVisible();
    await pwExpect(page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');

    const password = 'a long and memorable passphrase';
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the password').fill(password);
    await page.getByRole('button', { name: 'Set password' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Password set' })).toBeVisible();
    await pwExpect(page.getByText(/Staff accounts set up two-factor/)).toBeVisible();

    // The link works once.
    const again = await fetch(`${e2e.origin}/api/v1/auth/password-reset/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: e2e.origin },
      body: JSON.stringify({ token: new URL(link!).searchParams.get('token'), password: 'another long passphrase' }),
    });
    expect(again.status).toBeGreaterThanOrEqual(400);

    await page.getByRole('link', { name: 'Sign in' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await fillPasswordStep(page, 'first.admin@example.org', password);

    // Staff without two-factor are sent to enrol and can do nothing else.
    await pwExpect(page).toHaveURL(/\/account\/two-factor$/);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Two-factor authentication' })).toBeVisible();
    await pwExpect(page.getByText('Staff accounts need two-factor authentication.')).toBeVisible();
    await pwExpect(mainNav(page)).toHaveCount(0);
    await page.goto('/admin/users');
    await pwExpect(page).toHaveURL(/\/account\/two-factor$/);

    await page.getByRole('button', { name: 'Begin setup' }).click();
    await pwExpect(page.getByRole('heading', { name: '1. Add cvdesk to your app' })).toBeFocused();
    const qr = page.getByRole('img', { name: /QR code/ });
    await pwExpect(qr).toBeVisible();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\//);
    // The QR code really rendered (CSP allows data: images).
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // Read the secret as a person would, from the page (it is shown in groups for reading).
    const shown = (await page.locator('.secret code').innerText()).trim();
    const secret = shown.replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    // A wrong code is refused next to the field.
    await page.getByLabel('6-digit code from the app').fill(wrongCode(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await pwExpect(page.locator('.form-alert .alert-error, .field-error').first()).toBeVisible();

    await page.getByLabel('6-digit code from the app').fill(currentCode(secret));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();

    const codesHeading = page.getByRole('heading', { name: 'Save your recovery codes' });
    await pwExpect(codesHeading).toBeVisible();
    await pwExpect(codesHeading).toBeFocused();
    const codes = await page.locator('.recovery-codes code').allInnerTexts();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    expect(new Set(codes).size).toBe(codes.length);

    const proceed = page.getByRole('button', { name: 'Continue' });
    await pwExpect(proceed).toBeDisabled();
    await page.getByLabel('I have saved them somewhere safe').check();
    await proceed.click();

    await pwExpect(page).toHaveURL(new RegExp(`^${e2e.origin}/$`));
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Welcome, Administrator' })).toBeVisible();
    const nav = mainNav(page);
    await pwExpect(nav).toBeVisible();
    for (const name of ['Dashboard', 'Users', 'Audit log', 'Mail outbox', 'Jobs', 'Profile', 'Two-factor', 'API tokens']) {
      await pwExpect(nav.getByRole('link', { name, exact: true })).toBeVisible();
    }
    await pwExpect(nav.getByRole('heading', { name: 'Administration' })).toBeVisible();

    // The recovery codes are never shown again.
    await nav.getByRole('link', { name: 'Two-factor', exact: true }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Two-factor authentication' })).toBeVisible();
    await pwExpect(page.getByRole('heading', { name: /Status/ })).toContainText('on');
    await pwExpect(page.getByRole('heading', { name: 'Save your recovery codes' })).toHaveCount(0);
    await pwExpect(page.getByText(codes[0]!)).toHaveCount(0);
  });
});
