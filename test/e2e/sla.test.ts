import { beforeAll, describe, test } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createProgram } from '../../src/domain/programs/program.service.js';
import { submitReport } from '../../src/domain/reports/report.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { actorFor } from '../helpers/factories.js';
import { pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * Response targets as people see them: the public programme page states the bounty target beside
 * its measured median and says how the median is measured; the lead's dashboard charts time to
 * bounty with the other steps, in business hours for a business-day programme. A VDP shows no bounty step.
 */
const e2e = setupE2E();

beforeAll(async () => {
  const targets = { firstResponse: { value: 1, unit: 'days' }, bounty: { value: 10, unit: 'days' } } as const;
  await inTransaction(e2e.context, async (trx) => {
    await createProgram(e2e.context, trx, systemActor('e2e'), {
      slug: 'sla-bounty',
      name: 'Gadgets bounty',
      kind: 'bounty',
      policy: '# Gadgets',
      rewards: { currency: 'USD', ranges: [{ tier: 1, severity: 'high', min: 500, max: 1500 }] },
      responseTargets: targets,
      businessDays: true,
    });
    await createProgram(e2e.context, trx, systemActor('e2e'), { slug: 'sla-vdp', name: 'Gadgets VDP', kind: 'vdp', policy: '# Gadgets', responseTargets: targets });
  });
  const reporter = await e2e.user(['reporter']);
  await inTransaction(e2e.context, (trx) => submitReport(e2e.context, trx, actorFor(reporter.row), { program: 'sla-bounty', title: 'Open redirect on login', description: 'The next parameter is not checked.' }));
});

describe('response targets', () => {
  test('the public page shows time to bounty and how medians are measured; a VDP has no bounty step', async () => {
    const { page } = await e2e.newSession();
    await page.goto('/programs/sla-bounty');
    const targets = page.getByRole('table', { name: /Response targets/ });
    await pwExpect(targets.getByRole('row', { name: /Bounty/ })).toContainText('10 days');
    await pwExpect(page.getByText(/in business time; reports still waiting count with their wait so far/)).toBeVisible();
    await pwExpect(page.getByText(/the bounty step is the first reward awarded/)).toBeVisible();
    await page.goto('/programs/sla-vdp');
    await pwExpect(page.getByRole('table', { name: /Response targets/ })).toContainText('First response');
    await pwExpect(page.getByRole('table', { name: /Response targets/ }).getByRole('row', { name: /Bounty/ })).toHaveCount(0);
  });

  test("a lead's dashboard charts time to bounty in business hours", async () => {
    const lead = await e2e.user(['lead']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await page.goto('/admin/programs/sla-bounty/sla');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Response times: Gadgets bounty' })).toBeVisible();
    await pwExpect(page.getByText('Bounty: business hours to reach it')).toBeVisible();
    await pwExpect(page.getByRole('columnheader', { name: /Bounty/ })).toBeVisible();
    await pwExpect(page.getByText(/bounty 10 days \(to the first reward awarded\)/)).toBeVisible();
  });
});
