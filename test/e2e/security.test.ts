import { describe, expect, test } from 'vitest';
import { mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

const e2e = setupE2E();

/** `default-src 'self'; img-src 'self' data:` → { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'] } */
function parseCsp(header: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name.toLowerCase()] = values;
  }
  return out;
}

function expectStrictCsp(header: string | undefined, where: string) {
  expect(header, `CSP header on ${where}`).toBeTruthy();
  expect(header, where).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic|\*/);
  const csp = parseCsp(header!);
  expect(csp['default-src'], where).toEqual(["'self'"]);
  expect(csp['script-src'], where).toEqual(["'self'"]);
  expect(csp['style-src'], where).toEqual(["'self'"]);
  expect(csp['img-src'], where).toEqual(["'self'", 'data:']);
  expect(csp['connect-src'], where).toEqual(["'self'"]);
  expect(csp['object-src'], where).toEqual(["'none'"]);
  expect(csp['base-uri'], where).toEqual(["'none'"]);
  expect(csp['frame-ancestors'], where).toEqual(["'none'"]);
  expect(csp['form-action'], where).toEqual(["'self'"]);
}

describe('security', () => {
  test('every page is served with a strict CSP and the usual hardening headers; the shell has nothing inline', async () => {
    const { page } = await e2e.newSession();
    for (const path of ['/', '/signin', '/signup', '/reset-password?token=x&setup=1', '/admin/audit?action=user.created', '/no/such/page']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      const headers = response!.headers();
      expectStrictCsp(headers['content-security-policy'], path);
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['x-frame-options'], path).toBe('DENY');
      expect(headers['referrer-policy'], path).toBe('no-referrer');
      expect(headers['cache-control'], path).toBe('no-cache');
      await pwExpect(page.locator('h1')).toBeVisible();
    }
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();

    // The HTML shell carries no inline script, style or event handler for the CSP to have to allow.
    const html = await (await fetch(`${e2e.origin}/`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    // Everything the page loaded came from its own origin.
    const external = await page.evaluate((origin) => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => !u.startsWith(origin) && !u.startsWith('data:')), e2e.origin);
    expect(external).toEqual([]);

    // JSON answers get the tightest policy of all and are not cached.
    const api = await fetch(`${e2e.origin}/api/v1/session`);
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers.get('cache-control')).toBe('no-store');
  });

  test('no CSP violation or console error on any page, as a lead and while setting up two-factor', async () => {
    const lead = await e2e.user(['lead']);
    const { page, context, console: messages } = await e2e.newSession();
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });

    // The session cookie is out of reach of scripts and not sent cross-site.
    const cookie = (await context.cookies()).find((c) => c.name === 'cvdesk_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('cvdesk_session');

    const nav = mainNav(page);
    const visits: [string, string][] = [
      ['Users', 'Users'],
      ['Audit log', 'Audit log'],
      ['Mail outbox', 'Mail outbox'],
      ['Jobs', 'Jobs'],
      ['Profile', 'Profile'],
      ['Two-factor', 'Two-factor authentication'],
      ['API tokens', 'API tokens'],
      ['Dashboard', `Welcome, ${lead.row.name || lead.row.email}`.split(/\s+/).slice(0, 2).join(' ')],
    ];
    for (const [link, heading] of visits) {
      await nav.getByRole('link', { name: link, exact: true }).click();
      await pwExpect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await pwExpect(page.locator('main .loading')).toHaveCount(0);
    }

    // Dialogs, the expanded audit row, the verification result and the message reader.
    await page.goto('/admin/users');
    await page.getByRole('button', { name: 'Invite user' }).click();
    await pwExpect(page.getByRole('dialog', { name: 'Invite a user' })).toBeVisible();
    await page.keyboard.press('Escape');
    await pwExpect(page.getByRole('dialog')).toHaveCount(0);
    await page.goto('/admin/audit');
    await page.getByRole('button', { name: /Details of event/ }).first().click();
    await pwExpect(page.locator('.details-row')).toHaveCount(1);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await pwExpect(page.locator('.verify-result')).toContainText('Chain intact');
    await page.goto('/no/such/page');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
    await pwExpect(mainNav(page)).toBeVisible();

    // A reporter setting up two-factor: the QR code is a data: image the CSP must allow.
    const reporter = await e2e.user(['reporter']);
    const second = await e2e.newSession();
    await signIn(second.page, { email: reporter.row.email });
    await second.page.goto('/account/two-factor');
    await second.page.getByRole('button', { name: 'Begin setup' }).click();
    const qr = second.page.getByRole('img', { name: /QR code/ });
    await pwExpect(qr).toBeVisible();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // The after-each check fails the test on any problem; say it plainly here as well.
    const all = [...messages, ...second.console];
    expect(all.filter((m) => /content security policy|csp violation/i.test(m))).toEqual([]);
  });
});
