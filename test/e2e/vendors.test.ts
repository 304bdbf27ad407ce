import { afterAll, beforeAll, describe, test } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createVendor } from '../../src/domain/vendors/vendor.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { inAMonth, site } from '../domain/discovery/discovery.support.js';
import { startServer as startSite, type TestServer as Site } from '../cli/securitytxt.support.js';
import type { BuiltUser } from '../helpers/factories.js';
import { mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * The vendor directory in the browser (issue 6): a triager finds Vendors in the navigation,
 * discovers the channels of a loopback site at once (a bounty page is flagged), opens a vendor,
 * runs its discovery as a job (npm → repository → SECURITY.md), and adds the found address to
 * the vendor's contacts with its evidence; an auditor reads the directory but is offered no changes.
 */
let sites: Site;
const routes = site({
  '/.well-known/security.txt': `Contact: mailto:security@e2e-vendor.example\nContact: https://hackerone.com/e2e\nExpires: ${inAMonth()}\n`,
  '/npm/e2e-widget/latest': JSON.stringify({ repository: 'git+https://github.com/e2e/widget.git' }),
  '/raw/e2e/widget/HEAD/SECURITY.md': 'Please report vulnerabilities to psirt@e2e-widget.example.\n',
});
sites = await startSite(routes);
const e2e = setupE2E({
  CVDESK_FETCH_ALLOW_LOOPBACK: '1',
  CVDESK_DISCOVERY_MAIL_CHECK: 'off',
  CVDESK_DISCOVERY_NPM_URL: `${sites.origin}/npm`,
  CVDESK_DISCOVERY_GITHUB_RAW_URL: `${sites.origin}/raw`,
  CVDESK_DISCOVERY_GITHUB_URL: `${sites.origin}/gh`,
});
let triager: BuiltUser;
let auditor: BuiltUser;
let vendorId: string;

beforeAll(async () => {
  triager = await e2e.user(['triager']);
  auditor = await e2e.user(['auditor']);
  vendorId = (await inTransaction(e2e.context, (trx) => createVendor(e2e.context, trx, systemActor('e2e'), { name: 'E2E Widgets', packages: ['pkg:npm/e2e-widget'], notes: 'Prefers **mail**.' }))).id;
});
afterAll(async () => {
  await sites?.close();
});

describe('vendors', () => {
  test('a triager discovers channels, runs a vendor’s discovery and adopts what it found', async () => {
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Vendors' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Vendors' })).toBeVisible();
    await pwExpect(page.getByRole('link', { name: 'CERT/CC' })).toBeVisible();

    await page.getByLabel('Discover the channels of').fill(`127.0.0.1:${sites.port}`);
    await page.getByRole('button', { name: 'Discover', exact: true }).click();
    await pwExpect(page.getByText(/Recommended:.*security@e2e-vendor\.example/)).toBeVisible();
    await pwExpect(page.getByText('bounty platform')).toBeVisible();

    await page.getByLabel('Search').fill('widgets');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'E2E Widgets' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: /E2E Widgets/ })).toBeVisible();
    await pwExpect(page.getByText('Not run yet.')).toBeVisible();
    await page.getByRole('button', { name: 'Discover', exact: true }).click();
    await pwExpect(page.getByText(/Discovery queued/)).toBeVisible();
    // The job runs in the server; refresh until its result is there.
    for (let i = 0; i < 50 && !(await page.getByText(/Recommended:/).isVisible()); i++) {
      const refresh = page.getByRole('button', { name: 'Refresh' });
      if (await refresh.isVisible()) await refresh.click();
      await page.waitForTimeout(200);
    }
    await pwExpect(page.getByText(/Recommended:.*psirt@e2e-widget\.example/)).toBeVisible();
    await page.getByRole('button', { name: 'Add to contacts' }).first().click();
    await pwExpect(page.getByText('Added to the contacts, with its evidence.')).toBeVisible();
    await pwExpect(page.getByRole('cell', { name: /psirt@e2e-widget\.example.*preferred/ })).toBeVisible();

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel(/^Country/).fill('nl');
    await page.getByLabel(/^Notes/).fill('Answers within a *day*. <img src=x onerror=alert(1)>');
    await page.getByRole('button', { name: 'Save' }).click();
    await pwExpect(page.getByText('Saved.')).toBeVisible();
    await pwExpect(page.locator('.prose em', { hasText: 'day' })).toBeVisible();
    await pwExpect(page.locator('.prose img')).toHaveCount(0);
  });

  test('an auditor reads a vendor but is offered no changes', async () => {
    const { page } = await e2e.newSession();
    await signIn(page, { email: auditor.row.email, totpSecret: auditor.totpSecret });
    await page.goto(`${e2e.origin}/vendors/${vendorId}`);
    await pwExpect(page.getByRole('heading', { level: 1, name: /E2E Widgets/ })).toBeVisible();
    // The notes as the triager left them, rendered safely.
    await pwExpect(page.locator('.prose em', { hasText: 'day' })).toBeVisible();
    await pwExpect(page.getByRole('button', { name: 'Discover', exact: true })).toHaveCount(0);
    await pwExpect(page.getByRole('button', { name: 'Add contact' })).toHaveCount(0);
  });
});
