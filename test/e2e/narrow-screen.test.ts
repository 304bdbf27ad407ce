import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, TEST_PASSWORD, mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

const e2e = setupE2E();
const PHONE = { width: 375, height: 740 };

/** Nothing wider than the screen: no sideways scrolling of the page itself. */
async function expectNoHorizontalOverflow(page: Page) {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll, `page is ${widths.scroll}px wide on a ${widths.client}px screen`).toBeLessThanOrEqual(widths.client);
}

/** A short description of the focused element, as a screen reader user would hear it. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    const label = (el as HTMLInputElement).labels?.[0]?.textContent?.trim();
    return `${el.tagName.toLowerCase()}:${label ?? el.textContent?.trim() ?? ''}`;
  });
}

describe('narrow screen (375×740)', () => {
  test('sign-in page fits, and Tab reaches the fields and the button in order; keyboard alone signs in', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page } = await e2e.newSession({ viewport: PHONE });
    await page.goto('/signin');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-signin.png'), fullPage: true });

    for (const locator of [page.getByLabel('Email'), page.getByLabel('Password'), page.getByRole('button', { name: 'Sign in' })]) {
      const box = await locator.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      expect(box!.height).toBeGreaterThanOrEqual(24); // a finger can hit it
    }

    // The email field has focus on arrival.
    await pwExpect(page.getByLabel('Email')).toBeFocused();

    // From the top of the page, Tab goes skip link → brand → Email → Password → Sign in.
    // A click on an empty spot at the top moves the start of keyboard navigation there.
    await page.mouse.click(2, 2);
    expect(await focused(page)).toBe('body');
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused(page));
    }
    expect(order.slice(0, 5)).toEqual(['a:Skip to content', 'a:cvdesk', 'input:Email', 'input:Password', 'button:Sign in']);

    // Keyboard only: Shift+Tab back to Email, type, Tab, type, Enter.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('input:Email');
    await page.keyboard.type(reporter.row.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await pwExpect(page.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible();
  });

  test('dashboard is usable: the menu toggle opens and closes the navigation', async () => {
    const reporter = await e2e.user(['reporter']);
    const { page } = await e2e.newSession({ viewport: PHONE });
    await signIn(page, { email: reporter.row.email });
    await expectNoHorizontalOverflow(page);

    const toggle = page.getByRole('button', { name: 'Menu', exact: true });
    const nav = mainNav(page);
    await pwExpect(toggle).toBeVisible();
    await pwExpect(toggle).toHaveAttribute('aria-expanded', 'false');
    await pwExpect(nav).toBeHidden();
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-dashboard.png'), fullPage: true });

    await toggle.click();
    await pwExpect(toggle).toHaveAttribute('aria-expanded', 'true');
    await pwExpect(nav).toBeVisible();
    await pwExpect(nav.getByRole('link', { name: 'API tokens' })).toBeVisible();
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-dashboard-menu.png') });

    // Escape closes it and gives focus back to the toggle.
    await page.keyboard.press('Escape');
    await pwExpect(nav).toBeHidden();
    await pwExpect(toggle).toBeFocused();
    await pwExpect(toggle).toHaveAttribute('aria-expanded', 'false');

    // Choosing a page closes it.
    await toggle.click();
    await nav.getByRole('link', { name: 'API tokens' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();
    await pwExpect(nav).toBeHidden();
    await pwExpect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-tokens.png'), fullPage: true });

    // The user menu works on a phone too, and its button keeps the person's name for screen
    // readers although only the initials show.
    const userButton = page.getByRole('button', { name: /account menu/ });
    await pwExpect(page.getByRole('button', { name: `${reporter.row.name || reporter.row.email} — account menu`, exact: true })).toBeVisible();
    await userButton.click();
    await pwExpect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-user-menu.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  });

  test('admin pages fit a phone: tables scroll inside their frame, dialogs fit', async () => {
    const lead = await e2e.user(['lead']);
    const { page } = await e2e.newSession({ viewport: PHONE });
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    for (const [path, heading] of [
      ['/admin/users', 'Users'],
      ['/admin/audit', 'Audit log'],
      ['/admin/outbox', 'Mail outbox'],
      ['/admin/jobs', 'Jobs'],
      ['/account', 'Profile'],
      ['/account/two-factor', 'Two-factor authentication'],
    ] as const) {
      await page.goto(path);
      await pwExpect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await pwExpect(page.locator('main .loading')).toHaveCount(0);
      await expectNoHorizontalOverflow(page);
    }
    await page.goto('/admin/audit');
    await pwExpect(page.getByRole('table')).toBeVisible();
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-audit.png'), fullPage: true });

    await page.goto('/admin/users');
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a user' });
    await pwExpect(dialog).toBeVisible();
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await pwExpect(dialog.getByRole('button', { name: 'Send invitation' })).toBeVisible();
    await page.screenshot({ path: path.join(ARTIFACTS, 'narrow-invite-dialog.png') });
  });
});
