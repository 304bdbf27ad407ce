import { beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createProgram } from '../../src/domain/programs/program.service.js';
import { processReportIntake } from '../../src/domain/reports/report-intake.js';
import { submitReport } from '../../src/domain/reports/report.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * The inbox's asset and age filters and its orders, end to end: each choice lands in the URL,
 * narrows or reorders the rows, and survives a reload. Its bulk bar adds and removes labels.
 */
const e2e = setupE2E();

const SLUG = 'inbox-e2e';
const TITLES = { old: 'Old open redirect on www', mid: 'Mid SQL injection in the API', fresh: 'Fresh clickjacking on www' };

beforeAll(async () => {
  const program = await inTransaction(e2e.context, (trx) =>
    createProgram(e2e.context, trx, systemActor('e2e'), {
      slug: SLUG,
      name: 'Inbox filters',
      kind: 'vdp',
      policy: '# Policy\n\nBe kind.',
      scope: [
        { kind: 'domain', identifier: 'www.inbox.example', tier: 1, inScope: true },
        { kind: 'api', identifier: 'https://api.inbox.example', tier: 1, inScope: true },
      ],
      exclusions: [],
      responseTargets: { firstResponse: { value: 2, unit: 'days' } },
    }),
  );
  const reporter = await e2e.user(['reporter']);
  const scope = await e2e.context.db.selectFrom('program_assets').select(['id', 'identifier']).where('program_id', '=', program.id).execute();
  const asset = (identifier: string) => scope.find((a) => a.identifier === identifier)!.id;
  const filed: [keyof typeof TITLES, string, string, string][] = [
    ['old', asset('www.inbox.example'), 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', '2026-01-15T10:00:00.000Z'],
    ['mid', asset('https://api.inbox.example'), 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '2026-02-15T10:00:00.000Z'],
    ['fresh', asset('www.inbox.example'), 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:N/I:L/A:N', '2026-03-15T10:00:00.000Z'],
  ];
  for (const [key, assetId, cvss, createdAt] of filed) {
    const row = await inTransaction(e2e.context, (trx) =>
      submitReport(e2e.context, trx, reporter.actor, { program: SLUG, title: TITLES[key], description: 'Found while testing.', asset: assetId, cvss: [cvss] }),
    );
    // Received at known days, so the age filter has something to tell apart.
    await e2e.context.db.updateTable('reports').set({ created_at: createdAt }).where('id', '=', row.id).execute();
  }
  await processReportIntake(e2e.context);
});

describe('the inbox filters', () => {
  test('asset, received dates and a CVSS order, kept in the URL', async () => {
    const { page } = await e2e.newSession();
    const triager = await e2e.user(['triager']);
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Inbox' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
    const filters = page.getByRole('search', { name: 'Filter the inbox' });
    const rows = page.getByRole('table').getByRole('row');

    await pwExpect(filters.getByLabel('Asset')).toBeDisabled();
    await filters.getByLabel('Programme').selectOption({ label: 'Inbox filters' });
    await pwExpect(page).toHaveURL(/[?&]program=inbox-e2e/);
    await pwExpect(rows).toHaveCount(4);

    await filters.getByLabel('Asset').selectOption({ label: 'www.inbox.example' });
    await pwExpect(page).toHaveURL(/[?&]asset=[0-9a-f-]{36}/);
    await pwExpect(rows).toHaveCount(3);
    await pwExpect(rows.nth(1)).toContainText(TITLES.fresh);
    await pwExpect(rows.nth(2)).toContainText(TITLES.old);

    await filters.getByLabel('Received from').fill('2026-02-01');
    await pwExpect(page).toHaveURL(/[?&]createdAfter=2026-02-01/);
    await pwExpect(rows).toHaveCount(2);
    await pwExpect(rows.nth(1)).toContainText(TITLES.fresh);

    // Any asset again; received before a day (not included).
    await filters.getByLabel('Asset').selectOption({ label: 'Any asset' });
    await pwExpect(page).not.toHaveURL(/[?&]asset=/);
    await filters.getByLabel('Received before').fill('2026-03-15');
    await pwExpect(page).toHaveURL(/[?&]createdBefore=2026-03-15/);
    await pwExpect(rows).toHaveCount(2);
    await pwExpect(rows.nth(1)).toContainText(TITLES.mid);

    await filters.getByLabel('Received from').fill('');
    await pwExpect(page).not.toHaveURL(/[?&]createdAfter=/);
    await pwExpect(rows).toHaveCount(3);
    await filters.getByLabel('Order').selectOption({ label: 'Highest CVSS score first' });
    await pwExpect(page).toHaveURL(/[?&]sort=severity/);
    await pwExpect(rows.nth(1)).toContainText(TITLES.mid);
    await pwExpect(rows.nth(2)).toContainText(TITLES.old);

    // A reload (or a shared link) shows the same choices and rows.
    await page.reload();
    await pwExpect(filters.getByLabel('Order')).toHaveValue('severity');
    await pwExpect(filters.getByLabel('Received before')).toHaveValue('2026-03-15');
    await pwExpect(rows).toHaveCount(3);
    await pwExpect(rows.nth(1)).toContainText(TITLES.mid);
    await filters.getByLabel('Order').selectOption({ label: 'Oldest first' });
    await pwExpect(page).toHaveURL(/[?&]sort=oldest/);
    await pwExpect(rows.nth(1)).toContainText(TITLES.old);
  });
});

describe('the inbox bulk bar', () => {
  test('adds labels to the selected reports and removes them, each keeping its others', async () => {
    const labelsOf = async (title: string) =>
      JSON.parse((await e2e.context.db.selectFrom('reports').select('labels').where('title', '=', title).executeTakeFirstOrThrow()).labels) as string[];
    await e2e.context.db.updateTable('reports').set({ labels: JSON.stringify(['legacy']) }).where('title', '=', TITLES.old).execute();
    const { page } = await e2e.newSession();
    const triager = await e2e.user(['triager']);
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('search', { name: 'Filter the inbox' }).getByLabel('Programme').selectOption({ label: 'Inbox filters' });
    const row = (title: string) => page.getByRole('table').getByRole('row').filter({ hasText: title });
    await pwExpect(row(TITLES.old).locator('.label-chip')).toHaveText('legacy');

    await page.getByLabel(`Select “${TITLES.old}”`).check();
    await page.getByLabel(`Select “${TITLES.mid}”`).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await pwExpect(bar.getByRole('button', { name: 'Add labels' })).toBeDisabled();
    await bar.getByLabel('Labels').fill('q4, web');
    await bar.getByRole('button', { name: 'Add labels' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Labels' })).toHaveText('Labels added to 2 reports.');
    await pwExpect(row(TITLES.old).locator('.label-chip')).toHaveCount(3);
    expect(await labelsOf(TITLES.old)).toEqual(['legacy', 'q4', 'web']);
    expect(await labelsOf(TITLES.mid)).toEqual(['q4', 'web']);

    await page.getByLabel(`Select “${TITLES.old}”`).check();
    await bar.getByLabel('Labels').fill('legacy');
    await bar.getByRole('button', { name: 'Remove labels' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Labels' })).toHaveText('Labels removed from 1 report.');
    await pwExpect(row(TITLES.old).locator('.label-chip')).toHaveCount(2);
    expect(await labelsOf(TITLES.old)).toEqual(['q4', 'web']);
    expect(await labelsOf(TITLES.mid)).toEqual(['q4', 'web']);
  });
});
