import { describe, expect, test } from 'vitest';
import { mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

const e2e = setupE2E();

describe('advisories', () => {
  test('a lead writes a draft, sees a refused value next to its field, previews, publishes, and the public page shows it', async () => {
    const { page } = await e2e.newSession();
    const lead = await e2e.user(['lead']);
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });

    await mainNav(page).getByRole('link', { name: 'Advisories', exact: true }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Advisories' })).toBeVisible();
    await page.getByRole('button', { name: 'Start a draft' }).click();
    await pwExpect(page).toHaveURL(/\/manage\/advisories\/ADV-\d{4}-\d{4}$/);
    const id = page.url().split('/').pop()!;

    await page.getByLabel('Title', { exact: true }).first().fill('Path traversal in the <export> tool');
    await page.getByLabel('Summary (Markdown)').fill('The export tool **escaped** its folder.');
    await page.getByRole('button', { name: 'Add a vulnerability' }).click();
    const vulnerability = page.getByRole('group', { name: 'Vulnerability 1' });
    await vulnerability.getByLabel('Title', { exact: true }).fill('Path traversal');
    await vulnerability.getByLabel(/^CVE ID/).fill('CVE-26-1');
    await vulnerability.getByLabel(/^CWE ids/).fill('22');
    await vulnerability.getByLabel(/^CVSS vectors/).fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N');
    await vulnerability.getByLabel('Description (Markdown)').fill('`../` was not refused.');
    await page.getByRole('button', { name: 'Add a product' }).click();
    const product = page.getByRole('group', { name: 'Product 1' });
    await product.getByLabel('Vendor').fill('Acme');
    await product.getByLabel('Product', { exact: true }).fill('exporter');
    await product.getByLabel(/^OSV ecosystem/).fill('npm');
    await product.getByLabel(/^Package name/).fill('acme-exporter');
    await product.getByRole('button', { name: 'Add a version range' }).click();
    await product.getByLabel(/^Introduced/).fill('1.0.0');
    await product.getByLabel(/^Fixed/).fill('1.2.0');

    // A malformed CVE ID is refused next to its field, and nothing is saved.
    await page.getByRole('button', { name: 'Save draft' }).click();
    const cve = vulnerability.getByLabel(/^CVE ID/);
    await pwExpect(cve).toHaveAttribute('aria-invalid', 'true');
    await cve.fill('CVE-2026-55501');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
    const preview = page.getByRole('region', { name: 'Preview of the saved draft' });
    await pwExpect(preview.getByText('Path traversal in the <export> tool')).toBeVisible();
    await pwExpect(preview.locator('strong', { hasText: 'escaped' })).toBeVisible();

    // Not public yet.
    expect((await fetch(`${e2e.origin}/advisories/${id}`)).status).toBe(404);

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Published as revision 1.' })).toBeVisible();
    await pwExpect(page.getByRole('region', { name: 'Revisions' }).getByText('Initial public release')).toBeVisible();

    // The public page is plain server-rendered HTML.
    await page.getByRole('link', { name: 'public page' }).click();
    await pwExpect(page).toHaveURL(new RegExp(`/advisories/${id}$`));
    await pwExpect(page.getByRole('heading', { level: 1 })).toHaveText(`${id}: Path traversal in the <export> tool`);
    await pwExpect(page.getByRole('link', { name: 'CVE-2026-55501' })).toBeVisible();
    expect(await page.locator('script').count()).toBe(0);
    const csaf = await (await fetch(`${e2e.origin}/api/v1/advisories/${id}/csaf`)).json();
    expect(csaf.document.tracking).toMatchObject({ id, version: '1', status: 'final' });
  });

  test('a lead edits a section of the security policy page; /security shows the new version', async () => {
    const { page } = await e2e.newSession();
    const lead = await e2e.user(['lead']);
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Security policy page', exact: true }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Security policy page' })).toBeVisible();
    const section = page.locator('form').filter({ has: page.getByRole('heading', { name: 'When we find vulnerabilities in your products' }) });
    await pwExpect(section.getByText('Default text (never edited)')).toBeVisible();
    await section.getByLabel('Markdown').fill('We give vendors **60 days** to fix.');
    await section.getByRole('button', { name: 'Save as a new version' }).click();
    await pwExpect(section.getByRole('status').filter({ hasText: 'Saved as version 1.' })).toBeVisible();
    await page.goto('/security');
    await pwExpect(page.locator('#outbound-disclosure strong')).toHaveText('60 days');
    await pwExpect(page.locator('#outbound-disclosure .updated')).toContainText('(version 1)');
    expect(await page.locator('script').count()).toBe(0);
  });
});
