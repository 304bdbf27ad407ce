import { beforeAll, describe, expect, test } from 'vitest';
import { importFindingsFile } from '../../src/domain/findings/finding-import.js';
import { importer, sarifLog, writeTemp } from '../domain/findings/findings.support.js';
import type { BuiltUser } from '../helpers/factories.js';
import { mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * Outbound findings in the browser (issue 6): a triager finds the review queue in the navigation,
 * filters it, opens a candidate, approves it; on a candidate they found themselves the page says
 * a second engineer must approve (the server refuses too) and they reject it as a false positive,
 * which teaches a suppression rule; the dashboard shows the outcome per source.
 */
const e2e = setupE2E();
let triager: BuiltUser;

beforeAll(async () => {
  triager = await e2e.user(['triager']);
  await importFindingsFile(e2e.context, importer, writeTemp('e2e.sarif', sarifLog([{ rule: 'js/sqli', line: 3 }, { line: 8, sinkLine: 20 }], { repository: 'https://github.com/e2e/widget' })), { source: 'e2e-scanner' });
  await importFindingsFile(
    e2e.context,
    importer,
    writeTemp('e2e-manual.json', {
      format: 'cvdesk-findings',
      version: 1,
      finder: { kind: 'person', name: 'Manual review', email: triager.row.email },
      findings: [{ title: 'Hard-coded admin password', rule: 'hardcoded-credentials', cwe: 798, severity: 'high', target: { repository: 'https://git.example.org/vendor/router' } }],
    }),
    { source: 'manual' },
  );
});

describe('findings', () => {
  test('a triager reviews the queue: approves a scanner finding, cannot approve their own, rejects it as a false positive', async () => {
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Findings' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Findings' })).toBeVisible();
    const rows = page.locator('table.findings-table tbody tr');
    await pwExpect(rows).toHaveCount(3);

    await page.getByLabel('Minimum severity').selectOption('9');
    await pwExpect(rows).toHaveCount(0);
    await page.getByLabel('Minimum severity').selectOption('7');
    await pwExpect(rows).toHaveCount(2);

    await page.getByRole('link', { name: 'SQL injection' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'SQL injection' })).toBeVisible();
    await pwExpect(page.getByText('CWE-89 · js/sqli')).toBeVisible();
    // The scanner's source is not registered: its declared "automated" is not trusted, and the page says why.
    await pwExpect(page.getByText(/declared automated, but source "e2e-scanner" was not a registered automated source/).first()).toBeVisible();
    await page.getByRole('button', { name: 'Approve' }).click();
    await pwExpect(page.getByText('Approved.')).toBeVisible();
    await pwExpect(page.getByText(/Approved by /)).toBeVisible();

    await page.getByRole('link', { name: '← Review queue' }).click();
    await page.getByRole('link', { name: 'Hard-coded admin password' }).click();
    await pwExpect(page.getByText(/You cannot approve this one: You found this yourself: a second engineer who is not its author must approve it/)).toBeVisible();
    await pwExpect(page.getByRole('button', { name: 'Approve' })).toBeDisabled();
    await page.getByLabel('Reject as').selectOption('false_positive');
    await page.getByLabel('Suppress next time').selectOption('rule_target');
    await page.getByLabel(/Note/).fill('Test fixture credentials, not shipped');
    await page.getByRole('button', { name: 'Reject' }).click();
    await pwExpect(page.getByText(/Rejected; 1 suppression rule\(s\) learned\./)).toBeVisible();

    const rules = await e2e.context.db.selectFrom('finding_suppressions').selectAll().execute();
    expect(rules).toMatchObject([{ kind: 'rule_target', reason: 'false_positive', note: 'Test fixture credentials, not shipped' }]);

    await page.getByRole('link', { name: '← Review queue' }).click();
    await page.getByRole('navigation', { name: 'Findings' }).getByRole('link', { name: 'Dashboard' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Findings dashboard' })).toBeVisible();
    const manual = page.getByRole('table', { name: /Per source/ }).getByRole('row', { name: /manual/ });
    await pwExpect(manual.getByRole('cell').last()).toHaveText('100%');

    await page.getByRole('navigation', { name: 'Findings' }).getByRole('link', { name: 'Draft case groups' }).click();
    // The rejected manual finding left the groups; the scanner's project is one group of two candidates.
    const group = page.getByRole('row', { name: /repo:github\.com\/e2e\/widget/ });
    await pwExpect(group.getByRole('cell').nth(1)).toHaveText('2');
    await pwExpect(page.getByRole('row', { name: /vendor\/router/ })).toHaveCount(0);
  });

  test('a lead registers an automated source in the findings panel and retires it', async () => {
    const lead = await e2e.user(['lead']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Findings' }).click();
    await page.getByRole('navigation', { name: 'Findings' }).getByRole('link', { name: 'Automated sources' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Automated sources' })).toBeVisible();
    await page.getByLabel('Source name').fill('e2e-agent');
    await page.getByLabel('Description').fill('The end-to-end agent');
    await page.getByRole('button', { name: 'Register' }).click();
    await pwExpect(page.getByText('Registered e2e-agent.')).toBeVisible();
    const row = page.getByRole('table', { name: 'Automated sources' }).getByRole('row', { name: /e2e-agent/ });
    await pwExpect(row.getByText('The command line')).toBeVisible();
    await pwExpect(row.getByText('In force')).toBeVisible();

    await row.getByRole('button', { name: 'Retire e2e-agent' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retire' }).click();
    await pwExpect(page.getByText(/Retired e2e-agent; 0 candidate\(s\) now count as found by a person\./)).toBeVisible();
    await pwExpect(page.getByRole('row', { name: /e2e-agent/ })).toHaveCount(0);
    await page.getByLabel('Show retired registrations').check();
    await pwExpect(page.getByRole('row', { name: /e2e-agent/ }).getByText('Retired')).toBeVisible();
    const stored = await e2e.context.db.selectFrom('finding_automated_sources').selectAll().where('name', '=', 'e2e-agent').executeTakeFirstOrThrow();
    expect(stored.retired_at).not.toBeNull();
  });
});
