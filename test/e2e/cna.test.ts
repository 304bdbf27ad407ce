import { describe, expect, test } from 'vitest';
import { buildProgram } from '../helpers/programs.js';
import { pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * The CNA workflow in the browser: a lead sets the CNA profile; a triager drafts a record from a
 * report; the CNA publisher edits it in the form and sees the JSON follow (and the other way
 * round), sees the server's validation on the field it is about, and previews it; someone without
 * an account asks for a CVE for a product outside the scope and is told where to go instead.
 */
const e2e = setupE2E();

describe('CNA', () => {
  test('lead settings, a record drafted from a report, form and JSON side by side, validation by field, preview', async () => {
    // A report to draft from, sent by a reporter through the API.
    const program = await buildProgram(e2e.context);
    const reporter = await e2e.user(['reporter']);
    const detail = (await (await fetch(`${e2e.origin}/api/v1/programs/${program.slug}`)).json()) as { scope: { id: string }[] };
    const sent = await fetch(`${e2e.origin}/api/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reporter.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ program: program.slug, title: 'Reflected XSS in search', description: 'q is echoed unescaped.', asset: detail.scope[0]!.id, cwe: 79 }),
    });
    expect(sent.status).toBe(201);
    const reportId = ((await sent.json()) as { id: string }).id;

    // The lead sets the CNA profile.
    const leadSession = await e2e.newSession();
    const lead = await e2e.user(['lead']);
    await signIn(leadSession.page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await leadSession.page.goto('/admin/cna');
    await pwExpect(leadSession.page.getByRole('heading', { level: 1, name: 'CNA settings' })).toBeVisible();
    await leadSession.page.getByLabel('Organisation UUID').fill('not-a-uuid');
    await leadSession.page.getByLabel('Products in scope').fill('Acme Web\nAcme Agent');
    await leadSession.page.getByRole('button', { name: 'Add an exclusion' }).click();
    await leadSession.page.getByLabel('Exclusion 1').fill('AI model behaviour');
    await leadSession.page.getByLabel('Public explanation').fill('Jailbreaks and harmful outputs are not vulnerabilities under this policy.');
    await leadSession.page.getByRole('button', { name: 'Save' }).click();
    await pwExpect(leadSession.page.getByLabel('Organisation UUID')).toHaveAttribute('aria-invalid', 'true');
    await leadSession.page.getByLabel('Organisation UUID').fill('b3476cb9-2e3d-41a6-98d0-0f47421a65b6');
    await leadSession.page.getByRole('button', { name: 'Save' }).click();
    await pwExpect(leadSession.page.getByRole('status').filter({ hasText: 'CNA settings saved.' })).toBeVisible();
    await leadSession.page.goto('/cna');
    await pwExpect(leadSession.page.getByRole('heading', { level: 2, name: 'What is in scope' })).toBeVisible();
    await pwExpect(leadSession.page.getByText('Acme Agent')).toBeVisible();
    await pwExpect(leadSession.page.getByText('AI model behaviour')).toBeVisible();
    expect(await leadSession.page.locator('script').count()).toBe(0);

    // A triager drafts a record from the report page.
    const triagerSession = await e2e.newSession();
    const triager = await e2e.user(['triager']);
    await signIn(triagerSession.page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await triagerSession.page.goto(`/reports/${reportId}`);
    await triagerSession.page.getByRole('button', { name: 'Draft CVE record' }).click();
    await pwExpect(triagerSession.page).toHaveURL(/\/cve-records\/[0-9a-f-]{36}$/);
    const recordUrl = new URL(triagerSession.page.url()).pathname;

    // The CNA publisher edits it.
    const { page } = await e2e.newSession();
    const cna = await e2e.user(['cna']);
    await signIn(page, { email: cna.row.email, totpSecret: cna.totpSecret });
    await page.goto(recordUrl);
    const form = page.getByRole('form', { name: 'Record form' });
    const json = page.getByLabel('JSON (CNA container)');
    await pwExpect(form.getByLabel('Title', { exact: true })).toHaveValue('Reflected XSS in search');
    // No public reference yet: the server's complaint sits on the references field.
    const references = form.getByLabel('Public references');
    await pwExpect(references).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(form.locator('[data-field="references"] .field-error')).toContainText('/references');

    await form.getByLabel('Title', { exact: true }).fill('Reflected XSS in the search page');
    await pwExpect(json).toHaveValue(/"title": "Reflected XSS in the search page"/);
    await references.fill('https://acme.example/advisories/2026-1');
    await pwExpect(json).toHaveValue(/"url": "https:\/\/acme.example\/advisories\/2026-1"/);
    await pwExpect(references).not.toHaveAttribute('aria-invalid', 'true');

    // A JSON mistake is shown where it is; fixing it brings the form along.
    const text = await json.inputValue();
    await json.fill(text.replace('"title": "Reflected XSS in the search page",', '"title": "Reflected XSS in the search page"'));
    await pwExpect(page.locator('.json-error')).toBeVisible();
    await json.fill(text.replace('Reflected XSS in the search page', 'Reflected XSS in /search'));
    await pwExpect(page.locator('.json-error')).toHaveCount(0);
    await pwExpect(form.getByLabel('Title', { exact: true })).toHaveValue('Reflected XSS in /search');
    // A product status the format does not know: flagged on its field by JSON path.
    await form.getByLabel('Product', { exact: true }).fill('');
    await pwExpect(form.getByLabel('Product', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await form.getByLabel('Product', { exact: true }).fill('Acme Web');

    await page.getByRole('button', { name: 'Save' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    const preview = page.getByRole('region', { name: 'Preview (as saved)' });
    await pwExpect(preview.getByText('Reflected XSS in /search')).toBeVisible();
    await pwExpect(page.getByText('Passes CVE Record Format 5.2 and the CNA rules.')).toBeVisible();

    // Eligibility: the organisation's exclusion applies, so no ID is offered; the reason is the policy's.
    const eligibility = page.getByRole('region', { name: 'Eligibility' });
    await eligibility.getByLabel('Exclusion of our policy').selectOption({ label: 'AI model behaviour' });
    await eligibility.getByLabel('Rationale').fill('The finding is a jailbreak of the assistant.');
    await eligibility.getByRole('button', { name: 'Record the decision' }).click();
    await pwExpect(eligibility.getByText('Do not assign', { exact: true })).toBeVisible();
    await pwExpect(eligibility.getByText(/Jailbreaks and harmful outputs are not vulnerabilities/)).toBeVisible();
    await pwExpect(page.getByRole('button', { name: 'Assign a CVE ID from the pool' })).toHaveCount(0);
  });

  test('someone without an account asks for a CVE for a product outside the scope and is told where to go', async () => {
    const { page } = await e2e.newSession();
    await page.goto('/cve-request');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Request a CVE' })).toBeVisible();
    await page.getByLabel('Product').fill('Someone Else Server');
    await page.getByLabel('Title').fill('Heap overflow in the parser');
    await page.getByLabel(/what does an attacker gain/).fill('A long header overflows a buffer.');
    await page.getByLabel('Your email (for our answer)').fill('finder@example.org');
    await page.getByRole('button', { name: 'Request a CVE' }).click();
    const answer = page.locator('.out-of-scope');
    await pwExpect(answer).toContainText('Someone Else Server');
    await pwExpect(answer.getByRole('link', { name: /CVE Program request form/ })).toHaveAttribute('href', 'https://cveform.mitre.org/');
    expect((await e2e.context.db.selectFrom('cve_requests').select('id').execute()).length).toBe(0);
  });
});
