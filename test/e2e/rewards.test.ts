import { beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createProgram } from '../../src/domain/programs/program.service.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { findAssets } from '../../src/domain/programs/program.repository.js';
import { requestDisclosure } from '../../src/domain/reports/report-disclosure.js';
import { addComment, submitReport, transitionReport } from '../../src/domain/reports/report.service.js';
import { readPoints, setSubmissionLimit } from '../../src/domain/reputation/reputation.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { actorFor, type BuiltUser } from '../helpers/factories.js';
import { pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * Bounty rewards, reputation and disclosure in the web app: a lead awards a bounty from the
 * suggested range (amounts read strictly: "5,000" is five thousand, "5,00" is refused before
 * anything is sent) and marks it paid; the reporter sees it among their earnings, with their
 * reputation and the programme's limit that applies to them; a lead edits reputation points
 * (errors by field); staff withhold a reply from the public timeline and the disclosed page
 * leaves it out; a reporter opts in to the programme's hall of fame.
 */
const e2e = setupE2E();

const SLUG = 'rewards-e2e';
const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N';
const SECRET = 'internal-db-7.corp.acme.example';
const KEPT = 'Thanks for the quick fix, confirmed on my side.';
const ACCOUNT = 'my test account alice.liddell@globex.example';
let program: ProgramRow;
let reporter: BuiltUser;
let awardReport = '';
let disclosedReport = '';

beforeAll(async () => {
  const seeder = await e2e.user(['lead']);
  reporter = await e2e.user(['reporter']);
  const staff = actorFor(seeder.row);
  const author = actorFor(reporter.row);
  const context = e2e.context;
  await inTransaction(context, async (trx) => {
    program = await createProgram(context, trx, systemActor('e2e'), {
      slug: SLUG,
      name: 'Globex bounty',
      kind: 'bounty',
      policy: '# Globex policy\n\nIn scope: the shop.',
      scope: [{ kind: 'domain', identifier: 'shop.globex.example', tier: 1, inScope: true, description: 'The shop' }],
      exclusions: [],
      rewards: { currency: 'USD', ranges: [{ tier: 1, severity: 'high', min: 1000, max: 3000 }] },
      disclosure: { mode: 'mutual', delayDays: 30, level: 'full' },
    });
    const asset = (await findAssets(trx, program.id))[0]!.id;
    const submit = (title: string) => submitReport(context, trx, author, { program: SLUG, title, description: 'The order id is not checked.', asset, cvss: [HIGH] });
    const award = await submit('Order details of other customers readable');
    const disclose = await submit('Invoice PDFs readable without signing in');
    for (const report of [award, disclose]) {
      await transitionReport(context, trx, staff, report.id, { to: 'triaged' });
      await transitionReport(context, trx, staff, report.id, { to: 'resolved', reason: 'Fixed in this week’s release.' });
    }
    await addComment(context, trx, staff, disclose.id, { body: `Fixed on ${SECRET}; the cache there kept old copies.`, internal: false });
    await addComment(context, trx, author, disclose.id, { body: KEPT, internal: false });
    await addComment(context, trx, author, disclose.id, { body: `Reproduced with ${ACCOUNT}.`, internal: false });
    await requestDisclosure(context, trx, author, disclose.id);
    // Resolved reports earned the reporter 7 points each; the programme holds reporters below 50.
    await setSubmissionLimit(context, trx, systemActor('e2e'), program, { reputationBelow: 50, maxReports: 2 });
    awardReport = award.id;
    disclosedReport = disclose.id;
  });
});

async function rewardRows(): Promise<number> {
  const rows = await e2e.context.db.selectFrom('rewards').select('id').where('report_id', '=', awardReport).execute();
  return rows.length;
}

describe('rewards, reputation and disclosure', () => {
  test('a lead awards a bounty from the suggested range, strictly read, and marks it paid; the reporter sees it', async () => {
    const { page } = await e2e.newSession();
    const lead = await e2e.user(['lead']);
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await page.goto(`/reports/${awardReport}`);
    const panel = page.getByRole('region', { name: 'Rewards' });
    await pwExpect(panel).toContainText(/Suggested for tier 1 × high: US\$1,000–US\$3,000/);

    await panel.getByRole('button', { name: 'Award a reward…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Award a reward' });
    const amount = dialog.getByLabel('Amount (USD)');
    await pwExpect(amount).toHaveValue('1000');

    // A comma followed by two digits could be a decimal comma: refused, nothing sent.
    await amount.fill('5,00');
    await dialog.getByRole('button', { name: 'Award' }).click();
    await pwExpect(dialog.getByText('Is ambiguous: a comma only separates thousands here; write decimals with a point, such as 5.50')).toBeVisible();
    await pwExpect(amount).toHaveAttribute('aria-invalid', 'true');
    await amount.fill('12,34,567');
    await dialog.getByRole('button', { name: 'Award' }).click();
    await pwExpect(dialog.getByText(/Has separators in the wrong places/)).toBeVisible();
    expect(await rewardRows()).toBe(0);

    // "5,000" is five thousand, outside the range: warned while typing; back inside, no warning.
    await amount.fill('5,000');
    await pwExpect(dialog.getByText('US$5,000 is outside the suggested range; say why in the note.')).toBeVisible();
    await amount.fill('2,500.50');
    await pwExpect(dialog.getByText(/outside the suggested range/)).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Award' }).click();
    await pwExpect(page.getByText('Awarded US$2,500.50.')).toBeVisible();
    await pwExpect(panel).toContainText('US$2,500.50 bounty');
    const stored = await e2e.context.db.selectFrom('rewards').select(['amount', 'state']).where('report_id', '=', awardReport).execute();
    expect(stored).toEqual([{ amount: 250_050, state: 'awarded' }]);

    await page.goto(`/admin/rewards?program=${SLUG}`);
    await page.getByRole('button', { name: `Mark paid to ${reporter.row.email}` }).click();
    const settle = page.getByRole('dialog', { name: 'Mark as paid' });
    await settle.getByLabel('Payment reference').fill('WIRE-2026-0042');
    await settle.getByRole('button', { name: 'Mark paid' }).click();
    await pwExpect(page.getByText(`US$2,500.50 to ${reporter.row.email} marked paid.`)).toBeVisible();

    const mine = await e2e.newSession();
    await signIn(mine.page, { email: reporter.row.email });
    await mine.page.goto('/account/earnings');
    const totals = mine.page.getByRole('table', { name: 'Totals per currency' });
    await pwExpect(totals.getByRole('row', { name: /USD/ })).toContainText('US$2,500.50');
    const rewards = mine.page.getByRole('table', { name: 'Your rewards, newest first' });
    await pwExpect(rewards).toContainText('US$2,500.50');
    await pwExpect(rewards).toContainText('paid');
  });

  test('a reporter sees their reputation, what it is made of, and the limit it brings', async () => {
    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    await page.goto('/account/earnings');
    const panel = page.getByRole('region', { name: 'Reputation' });
    await pwExpect(panel).toContainText('Your reputation: 14 points.');
    await pwExpect(panel.getByRole('table', { name: /What your reputation is made of/ }).getByRole('row', { name: /resolved/ })).toHaveCount(2);
    await pwExpect(panel.getByRole('listitem').filter({ hasText: 'Globex bounty' })).toContainText('at most 2 reports per 30 days (until your reputation reaches 50)');
  });

  test('a lead edits reputation points per outcome, errors shown by field', async () => {
    const { page } = await e2e.newSession();
    const lead = await e2e.user(['lead']);
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await page.goto('/admin/programs');
    const panel = page.getByRole('region', { name: 'Reputation points per outcome' });
    await pwExpect(panel.getByLabel('Resolved', { exact: true })).toHaveValue('7');

    await panel.getByLabel('Resolved', { exact: true }).fill('5000');
    await panel.getByLabel('Spam', { exact: true }).fill('lots');
    await panel.getByRole('button', { name: 'Save points' }).click();
    await pwExpect(panel.getByText('Please correct the fields marked below.')).toBeVisible();
    await pwExpect(panel.getByLabel('Resolved', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(panel.getByLabel('Spam', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await pwExpect(panel.getByLabel('Informative', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
    await pwExpect(panel.locator('.field-error', { hasText: 'Must be a whole number from -1000 to 1000' })).toHaveCount(2);
    expect((await readPoints(e2e.context.db)).resolved).toBe(7);

    await panel.getByLabel('Resolved', { exact: true }).fill('9');
    await panel.getByLabel('Spam', { exact: true }).fill('-20');
    await panel.getByRole('button', { name: 'Save points' }).click();
    await pwExpect(panel.getByText('Reputation points saved. They apply to outcomes recorded from now on.')).toBeVisible();
    expect(await readPoints(e2e.context.db)).toMatchObject({ resolved: 9, spam: -20, informative: 0 });
  });

  test('staff withhold a reply from the public timeline; the disclosed page leaves it out', async () => {
    const { page } = await e2e.newSession();
    const triager = await e2e.user(['triager']);
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/reports/${disclosedReport}`);
    const panel = page.getByRole('region', { name: 'Disclosure' });
    await panel.getByRole('button', { name: 'Edit what is published' }).click();
    const dialog = page.getByRole('dialog', { name: 'What is published' });
    const preview = dialog.getByRole('list', { name: 'Public timeline preview' });
    await pwExpect(preview).toContainText(SECRET);

    const secretReply = dialog.locator('fieldset.redaction-choice', { hasText: SECRET });
    await secretReply.getByLabel('Withhold the text').check();
    await pwExpect(preview).not.toContainText(SECRET);
    await pwExpect(preview).toContainText('(text withheld)');
    await pwExpect(preview).toContainText(KEPT);

    const accountReply = dialog.locator('fieldset.redaction-choice', { hasText: ACCOUNT });
    await accountReply.getByLabel('Publish rewritten text').check();
    const rewrite = accountReply.getByLabel('Published text');
    await pwExpect(rewrite).toHaveValue(`Reproduced with ${ACCOUNT}.`);
    await rewrite.fill('Reproduced with a test account.');
    await pwExpect(preview).toContainText('Reproduced with a test account.');
    await pwExpect(preview).not.toContainText(ACCOUNT);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await pwExpect(page.getByText('Disclosure text saved.')).toBeVisible();

    await panel.getByRole('button', { name: 'Agree to disclose' }).click();
    await pwExpect(page.getByText('The report is disclosed.')).toBeVisible();
    await panel.getByRole('link', { name: 'Read the public page' }).click();
    await pwExpect(page).toHaveURL(new RegExp(`/disclosed/${disclosedReport}$`));
    const timeline = page.getByRole('list', { name: 'Public timeline' });
    await pwExpect(timeline).toContainText(KEPT);
    await pwExpect(timeline).toContainText('Reproduced with a test account.');
    await pwExpect(page.locator('main')).not.toContainText(SECRET);
    await pwExpect(page.locator('main')).not.toContainText(ACCOUNT);

    // Signed out, the same.
    const anonymous = await e2e.newSession();
    await anonymous.page.goto(`/disclosed/${disclosedReport}`);
    await pwExpect(anonymous.page.getByRole('list', { name: 'Public timeline' })).toContainText(KEPT);
    expect(await anonymous.page.content()).not.toContain(SECRET);
    expect(await anonymous.page.content()).not.toContain(ACCOUNT);
  });

  test("a reporter opts in to the hall of fame and appears on the programme's page", async () => {
    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    await page.goto(`/programs/${SLUG}/hall-of-fame`);
    await pwExpect(page.getByText('globex-hunter')).toHaveCount(0);

    await page.goto('/account');
    const panel = page.getByRole('region', { name: 'Hall of fame' });
    await panel.getByLabel(/List me in the hall of fame/).check();
    await panel.getByRole('textbox', { name: 'Handle' }).fill('globex-hunter');
    await panel.getByRole('button', { name: 'Save' }).click();
    await pwExpect(panel.getByText('Saved: you are listed in the hall of fame.')).toBeVisible();

    await page.goto(`/programs/${SLUG}/hall-of-fame`);
    await pwExpect(page.getByRole('row', { name: /globex-hunter/ })).toContainText('14');
  });
});
