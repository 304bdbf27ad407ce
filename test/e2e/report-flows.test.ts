import { beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createProgram } from '../../src/domain/programs/program.service.js';
import { processReportIntake } from '../../src/domain/reports/report-intake.js';
import { requestRetest } from '../../src/domain/reports/report-retest.js';
import { submitReport, transitionReport } from '../../src/domain/reports/report.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import type { BuiltUser } from '../helpers/factories.js';
import { pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * The report page's and the inbox's smaller flows, end to end: the "Overdue only" filter; the
 * possible-duplicates panel and marking a duplicate; priority and labels; a retest asked for by
 * staff and answered both ways by the reporter; the reporter asking to disclose; collaborators
 * with a reward split on the submission form.
 */
const e2e = setupE2E();

/** Bounty programme for the report-page flows; a VDP of its own for the inbox filter, so its rows are known. */
const SLUG = 'flows-e2e';
const OVERDUE_SLUG = 'flows-overdue-e2e';
const WORD = `kestrel${Date.now().toString(36)}`;
const ORIGINAL = `SQL injection in the ${WORD} order search`;
const COPY = `SQL injection through the ${WORD} order search field`;

let lead: BuiltUser;
let reporter: BuiltUser;

/** Seeds go through the services, as the API would store them. */
function submit(who: BuiltUser, program: string, title: string, description = 'The parameter is pasted into the query.') {
  return inTransaction(e2e.context, (trx) => submitReport(e2e.context, trx, who.actor, { program, title, description }));
}

async function resolve(id: string): Promise<void> {
  await inTransaction(e2e.context, async (trx) => {
    await transitionReport(e2e.context, trx, lead.actor, id, { to: 'triaged' });
    await transitionReport(e2e.context, trx, lead.actor, id, { to: 'resolved', reason: 'Fixed in the latest release.' });
  });
}

const report = (id: string) => e2e.context.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

beforeAll(async () => {
  lead = await e2e.user(['lead']);
  reporter = await e2e.user(['reporter']);
  await inTransaction(e2e.context, async (trx) => {
    await createProgram(e2e.context, trx, systemActor('e2e'), {
      slug: SLUG,
      name: 'Flows bounty',
      kind: 'bounty',
      policy: '# Flows policy\n\nBe kind.',
      rewards: { currency: 'USD', ranges: [{ tier: 1, severity: 'high', min: 500, max: 1500 }] },
      disclosure: { mode: 'mutual', delayDays: 30, level: 'full' },
    });
    await createProgram(e2e.context, trx, systemActor('e2e'), {
      slug: OVERDUE_SLUG,
      name: 'Flows overdue',
      kind: 'vdp',
      policy: '# Overdue policy',
      responseTargets: { firstResponse: { value: 2, unit: 'days' } },
    });
  });
});

describe('the inbox', () => {
  test('"Overdue only" keeps the reports past a response target, in the URL and after a reload', async () => {
    const late = await submit(reporter, OVERDUE_SLUG, 'Late: open redirect on the login page');
    await submit(reporter, OVERDUE_SLUG, 'On time: verbose error page');
    // The first response was due an hour ago.
    await e2e.context.db.updateTable('reports').set({ first_response_due_at: new Date(Date.now() - 3600_000).toISOString() }).where('id', '=', late.id).execute();
    await processReportIntake(e2e.context);

    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/inbox?program=${OVERDUE_SLUG}`);
    const filters = page.getByRole('search', { name: 'Filter the inbox' });
    const rows = page.getByRole('table').getByRole('row');
    await pwExpect(rows).toHaveCount(3);

    // The box follows the URL, which changes just after the click: click, then wait for both.
    await filters.getByLabel('Overdue only').click();
    await pwExpect(page).toHaveURL(/[?&]slaBreached=true/);
    await pwExpect(filters.getByLabel('Overdue only')).toBeChecked();
    await pwExpect(rows).toHaveCount(2);
    await pwExpect(rows.nth(1)).toContainText('Late: open redirect');
    await pwExpect(rows.nth(1)).toContainText('overdue');

    await page.reload();
    await pwExpect(filters.getByLabel('Overdue only')).toBeChecked();
    await pwExpect(rows).toHaveCount(2);

    await filters.getByLabel('Overdue only').click();
    await pwExpect(page).not.toHaveURL(/[?&]slaBreached=/);
    await pwExpect(rows).toHaveCount(3);
  });
});

describe('the report page', () => {
  test('"Possible duplicates" names the earlier report; "Mark as a duplicate…" closes the copy and links the original', async () => {
    const other = await e2e.user(['reporter']);
    const original = await submit(reporter, SLUG, ORIGINAL, `The ${WORD} search box pastes its text into the SQL query; a quote breaks it.`);
    const copy = await submit(other, SLUG, COPY, `Typing a quote into the ${WORD} search box breaks the SQL query: its text is pasted in.`);
    await processReportIntake(e2e.context);

    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/reports/${copy.id}`);
    await pwExpect(page.getByRole('heading', { level: 1, name: COPY })).toBeVisible();
    const panel = page.getByRole('region', { name: 'Possible duplicates' });
    const suggestion = panel.getByRole('link', { name: ORIGINAL });
    await pwExpect(suggestion).toHaveAttribute('href', `/reports/${original.id}`);
    await pwExpect(panel).toContainText(WORD);

    await panel.getByRole('button', { name: 'Mark as a duplicate…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move to “Duplicate”' });
    await pwExpect(dialog.getByRole('radio', { name: new RegExp(ORIGINAL) })).toBeChecked();
    // A closing move needs a reason the reporter reads; nothing is sent without one.
    await dialog.getByRole('button', { name: 'Move to Duplicate' }).click();
    await pwExpect(dialog.getByText(/say why; the reporter reads it/i).first()).toBeVisible();
    expect((await report(copy.id)).state).toBe('new');
    await dialog.getByLabel(/^Reason/).fill('Reported earlier by someone else.');
    await dialog.getByRole('button', { name: 'Move to Duplicate' }).click();
    await pwExpect(dialog).toHaveCount(0);

    await pwExpect(page.locator('.report-meta .state-chip')).toHaveText('Duplicate');
    const link = page.getByRole('link', { name: /^report / });
    await pwExpect(link).toHaveAttribute('href', `/reports/${original.id}`);
    const stored = await report(copy.id);
    expect(stored).toMatchObject({ state: 'duplicate', duplicate_of: original.id });

    // The link leads to the original.
    await link.click();
    await pwExpect(page.getByRole('heading', { level: 1, name: ORIGINAL })).toBeVisible();
  });

  test('a triager sets the priority and adds and removes labels; both are kept', async () => {
    const filed = await submit(reporter, SLUG, 'CSRF on the newsletter settings');
    const triager = await e2e.user(['triager']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await page.goto(`/reports/${filed.id}`);
    const triage = page.getByRole('region', { name: 'Triage' });
    const suggested = (await report(filed.id)).priority;
    expect(suggested).not.toBe('P1');
    await pwExpect(triage.getByLabel('Priority')).toHaveValue(suggested ?? 'P3');

    await triage.getByLabel('Priority').selectOption('P1');
    await pwExpect(page.getByRole('status').filter({ hasText: 'Priority set to P1.' })).toBeVisible();

    const labelInput = triage.getByLabel('Labels', { exact: true });
    const onReport = triage.getByRole('list', { name: 'Labels on this report' }).getByRole('listitem');
    await labelInput.fill('auth');
    await labelInput.press('Enter');
    await pwExpect(page.getByRole('status').filter({ hasText: 'Label “auth” added.' })).toBeVisible();
    await pwExpect(onReport).toHaveCount(1);
    await pwExpect(labelInput).toHaveValue('');
    await labelInput.fill('needs-repro');
    await triage.getByRole('button', { name: 'Add', exact: true }).click();
    await pwExpect(onReport).toHaveCount(2);
    await pwExpect(onReport.nth(1)).toContainText('needs-repro');
    // The same label again changes nothing.
    await labelInput.fill('auth');
    await labelInput.press('Enter');
    await pwExpect(onReport).toHaveCount(2);

    await triage.getByRole('button', { name: 'Remove label auth' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Label “auth” removed.' })).toBeVisible();
    await pwExpect(onReport).toHaveCount(1);
    await pwExpect(onReport.first()).toContainText('needs-repro');

    await page.reload();
    await pwExpect(triage.getByLabel('Priority')).toHaveValue('P1');
    await pwExpect(onReport).toHaveCount(1);
    await pwExpect(onReport.first()).toContainText('needs-repro');
    const stored = await report(filed.id);
    expect(stored.priority).toBe('P1');
    expect(JSON.parse(stored.labels)).toEqual(['needs-repro']);
  });

  test('staff ask for a retest; the reporter answers "It still works" (a note required) and "It is fixed"', async () => {
    const broken = await submit(reporter, SLUG, 'Password reset token reusable');
    const fixed = await submit(reporter, SLUG, 'Account enumeration on the sign-up form');
    await resolve(broken.id);
    await resolve(fixed.id);
    await inTransaction(e2e.context, (trx) => requestRetest(e2e.context, trx, lead.actor, fixed.id, undefined));

    // Staff ask on the first through the page.
    const triager = await e2e.user(['triager']);
    const staff = (await e2e.newSession()).page;
    await signIn(staff, { email: triager.row.email, totpSecret: triager.totpSecret });
    await staff.goto(`/reports/${broken.id}`);
    const retest = staff.getByRole('region', { name: 'Retest' });
    await pwExpect(retest).toContainText('Ask the reporter to check the fix.');
    await retest.getByRole('button', { name: 'Ask for a retest' }).click();
    const dialog = staff.getByRole('dialog', { name: 'Ask for a retest' });
    await dialog.getByLabel(/Note to the reporter/).fill('Deployed to production this morning.');
    await dialog.getByRole('button', { name: 'Ask for a retest' }).click();
    await pwExpect(dialog).toHaveCount(0);
    await pwExpect(staff.getByRole('status').filter({ hasText: 'Retest requested.' })).toBeVisible();
    await pwExpect(retest).toContainText('Waiting for the reporter to retest.');
    await pwExpect(retest.getByRole('button', { name: 'Ask for a retest' })).toHaveCount(0);
    expect((await report(broken.id)).retest_state).toBe('requested');

    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    await page.goto(`/reports/${broken.id}`);
    const ask = page.getByRole('region', { name: 'Please retest' });
    await pwExpect(ask).toBeVisible();
    await pwExpect(ask.getByRole('button', { name: 'Send the result' })).toBeDisabled();
    await ask.getByLabel('It still works (the fix is incomplete)').check();
    await ask.getByRole('button', { name: 'Send the result' }).click();
    await pwExpect(ask.getByText(/say what is still broken/i).first()).toBeVisible();
    await pwExpect(ask.getByLabel(/^Notes/)).toHaveAttribute('aria-invalid', 'true');
    expect((await report(broken.id)).retest_state).toBe('requested');
    await ask.getByLabel(/^Notes/).fill('The old token still works after a second reset.');
    await ask.getByRole('button', { name: 'Send the result' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'the report is open again' })).toBeVisible();
    await pwExpect(page.locator('.report-meta .state-chip')).toHaveText('Triaged');
    await pwExpect(ask).toHaveCount(0);
    expect(await report(broken.id)).toMatchObject({ state: 'triaged', retest_state: 'incomplete' });

    await page.goto(`/reports/${fixed.id}`);
    const confirm = page.getByRole('region', { name: 'Please retest' });
    await confirm.getByLabel('It is fixed').check();
    await confirm.getByRole('button', { name: 'Send the result' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Thank you: the fix is confirmed.' })).toBeVisible();
    await pwExpect(confirm).toHaveCount(0);
    await pwExpect(page.locator('.report-meta .state-chip')).toHaveText('Resolved');
    expect(await report(fixed.id)).toMatchObject({ state: 'resolved', retest_state: 'confirmed' });

    // Staff see both answers.
    await staff.goto(`/reports/${fixed.id}`);
    await pwExpect(staff.getByRole('region', { name: 'Retest' })).toContainText('The reporter confirmed the fix.');
    await staff.goto(`/reports/${broken.id}`);
    await pwExpect(staff.locator('.report-meta .state-chip')).toHaveText('Triaged');
    await pwExpect(staff.getByRole('list', { name: 'Activity' })).toContainText('The old token still works after a second reset.');
  });

  test('the reporter asks to disclose a resolved report and waits for the team', async () => {
    const filed = await submit(reporter, SLUG, 'Stored XSS in the invoice notes');
    const open = await submit(reporter, SLUG, 'Clickjacking on the account page');
    await resolve(filed.id);

    const { page } = await e2e.newSession();
    await signIn(page, { email: reporter.row.email });
    // Not offered before the report is resolved.
    await page.goto(`/reports/${open.id}`);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Clickjacking on the account page' })).toBeVisible();
    await pwExpect(page.getByRole('button', { name: 'Ask to disclose' })).toHaveCount(0);

    await page.goto(`/reports/${filed.id}`);
    const panel = page.getByRole('region', { name: 'Disclosure' });
    await pwExpect(panel).toContainText('Published when both the reporter and the team agree.');
    await panel.getByRole('button', { name: 'Ask to disclose' }).click();
    await pwExpect(page.getByRole('status').filter({ hasText: 'Disclosure requested.' })).toBeVisible();
    await pwExpect(panel).toContainText('the reporter');
    await pwExpect(panel).toContainText('You agreed; waiting for the team.');
    await pwExpect(panel.getByRole('button', { name: /Ask to disclose|Agree to disclose/ })).toHaveCount(0);
    const row = await e2e.context.db.selectFrom('report_disclosures').selectAll().where('report_id', '=', filed.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requested_by: 'reporter', staff_agreed_at: null, published_at: null });
    expect(row.reporter_agreed_at).not.toBeNull();
  });

  test('a reporter names collaborators with a reward split on the submission form', async () => {
    // A fresh submitter: this test submits through the form, apart from the seeded reports.
    const submitter = await e2e.user(['reporter']);
    const friend = await e2e.user(['reporter']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: submitter.row.email });
    await page.goto(`/programs/${SLUG}/submit`);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Submit a report' })).toBeVisible();
    await page.getByLabel('Title').fill('IDOR on the shared basket');
    await page.getByLabel('Description', { exact: true }).fill('Changing the basket id shows anyone’s basket.');
    await page.getByLabel(/I have read the policy/).check();

    const people = page.getByRole('region', { name: /Collaborators/ });
    await pwExpect(people).toContainText('You keep 100%.');
    await people.getByRole('button', { name: 'Add a collaborator' }).click();
    await people.getByLabel('Collaborator 1: email or account id').fill(friend.row.email);
    await people.getByLabel('Share (%)').first().fill('60');
    await people.getByRole('button', { name: 'Add a collaborator' }).click();
    await people.getByLabel('Collaborator 2: email or account id').fill(`nobody-${WORD}@example.net`);
    await people.getByLabel('Share (%)').nth(1).fill('45');
    await pwExpect(people).toContainText('You keep 0%.');

    // More than 99% together is refused in the page.
    await page.getByRole('button', { name: 'Submit report' }).click();
    await pwExpect(people.getByText(/at most 99% together/)).toBeVisible();
    // Within the limit, an account that does not exist is refused by the server beside its field.
    await people.getByLabel('Share (%)').nth(1).fill('10');
    await pwExpect(people).toContainText('You keep 30%.');
    await page.getByRole('button', { name: 'Submit report' }).click();
    await pwExpect(people.getByLabel('Collaborator 2: email or account id')).toHaveAttribute('aria-invalid', 'true');
    // Once, beside the field: not repeated under the section.
    await pwExpect(people.getByText(/is not an account that can be named/i)).toHaveCount(1);
    expect(await e2e.context.db.selectFrom('reports').select('id').where('reporter_id', '=', submitter.row.id).execute()).toEqual([]);

    await people.getByRole('button', { name: 'Remove collaborator 2' }).click();
    await pwExpect(people).toContainText('You keep 40%.');
    await page.getByRole('button', { name: 'Submit report' }).click();
    await pwExpect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await pwExpect(page.getByRole('heading', { level: 1, name: 'IDOR on the shared basket' })).toBeVisible();
    await pwExpect(page.getByRole('region', { name: 'Rewards' })).toContainText('Split: submitter 40%, collaborator 60%.');
    const named = await e2e.context.db.selectFrom('report_collaborators').select(['user_id', 'share']).where('report_id', '=', id).execute();
    expect(named).toEqual([{ user_id: friend.row.id, share: 60 }]);

    // The collaborator reads the report.
    const other = await e2e.newSession();
    await signIn(other.page, { email: friend.row.email });
    await other.page.goto(`/reports/${id}`);
    await pwExpect(other.page.getByRole('heading', { level: 1, name: 'IDOR on the shared basket' })).toBeVisible();
  });
});
