import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createProgram, getVisibleProgram, updateProgram } from '../../src/domain/programs/program.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { ARTIFACTS, mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * The inbound-reports interface end to end: a reporter submits through the form (out-of-scope
 * warnings first, a CWE picked, a CVSS vector typed then a metric clicked, an attachment); a
 * triager finds it in the inbox with filters and the keyboard, triages it, writes an internal
 * note and a reply; the reporter reads the reply but never the note; a lead creates a
 * programme through the admin form.
 */
const e2e = setupE2E();

const SLUG = 'acme-e2e';
const REDIRECT = 'https://status.example.net/security';
const WORD = `zebrafish${Date.now().toString(36)}`;
const TITLE = `Stored XSS in the ${WORD} display name`;
const REPLY = 'Thanks, we reproduced it and are working on a fix.';
const NOTE = 'Internal: the template escapes nothing here; ask the web team.';
let reportUrl = '';

beforeAll(async () => {
  await inTransaction(e2e.context, (trx) =>
    createProgram(e2e.context, trx, systemActor('e2e'), {
      slug: SLUG,
      name: 'Acme bounty',
      kind: 'bounty',
      policy: '# Acme policy\n\nTest **only** what is in scope.',
      scope: [
        { kind: 'domain', identifier: 'www.acme.example', tier: 1, inScope: true, description: 'The main site' },
        { kind: 'domain', identifier: 'legacy.acme.example', tier: 3, inScope: false, description: 'Retired; not maintained.' },
      ],
      exclusions: [{ name: 'Status page', description: 'Run by a supplier.', redirectUrl: REDIRECT }],
      rewards: { currency: 'USD', ranges: [{ tier: 1, severity: 'high', min: 1000, max: 3000 }] },
      responseTargets: { firstResponse: { value: 2, unit: 'days' }, triage: { value: 5, unit: 'days' } },
    }),
  );
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `reports-${name}.png`), fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 740 });
  await page.waitForTimeout(150);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) throw new Error(`${name} is ${overflow}px wider than a 375px screen`);
  await page.screenshot({ path: path.join(ARTIFACTS, `reports-${name}-narrow.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}

describe('inbound reports', () => {
  test('a reporter submits through the form: scope warnings first, CWE, CVSS typed and clicked, an attachment', async () => {
    const { page } = await e2e.newSession();
    const reporter = await e2e.user(['reporter']);
    await signIn(page, { email: reporter.row.email });

    await mainNav(page).getByRole('link', { name: 'Programmes' }).click();
    await page.getByRole('link', { name: 'Acme bounty', exact: true }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Acme bounty' })).toBeVisible();
    await pwExpect(page.getByRole('table', { name: /in and out of scope/ })).toContainText('legacy.acme.example');
    await page.getByRole('link', { name: 'Submit a report' }).first().click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Submit a report' })).toBeVisible();

    await page.getByLabel('Title').fill(TITLE);

    // An out-of-scope asset and an out-of-scope category say so, with the redirect, before submitting.
    await page.getByLabel('Affected asset').selectOption({ label: 'legacy.acme.example — out of scope' });
    await pwExpect(page.getByText('legacy.acme.example is out of scope.')).toBeVisible();
    await pwExpect(page.getByText('Retired; not maintained.')).toBeVisible();
    await page.getByLabel('Is it one of these?').selectOption({ label: 'Status page' });
    await pwExpect(page.getByRole('link', { name: REDIRECT })).toHaveAttribute('href', REDIRECT);
    // Back in scope.
    await page.getByLabel('Is it one of these?').selectOption({ label: 'None of these' });
    await page.getByLabel('Affected asset').selectOption({ label: 'www.acme.example — Domain, tier 1' });
    await pwExpect(page.getByText('is out of scope.')).toHaveCount(0);

    // The CWE combobox: type, arrow down, Enter.
    const cwe = page.getByRole('combobox', { name: /Weakness \(CWE\)/ });
    await cwe.fill('cross-site scripting');
    await pwExpect(page.getByRole('option', { name: /CWE-79\b/ })).toBeVisible();
    await pwExpect(cwe).toHaveAttribute('aria-expanded', 'true');
    for (let i = 0; i < 10; i++) {
      const active = await cwe.getAttribute('aria-activedescendant');
      if (active && (await page.locator(`[id="${active}"]`).innerText()).startsWith('CWE-79 ')) break;
      await cwe.press('ArrowDown');
    }
    await cwe.press('Enter');
    await pwExpect(page.getByText(/Chosen: CWE-79\b/)).toBeVisible();
    await pwExpect(cwe).toHaveAttribute('aria-expanded', 'false');

    // CVSS: a bad vector names the bad metric; a good one sets the buttons and is scored.
    const vector = page.getByLabel('Vector string');
    await vector.fill('CVSS:3.1/AV:Q/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N');
    await pwExpect(page.getByText(/AV:Q is not a valid value for AV \(Attack Vector\)/)).toBeVisible();
    await vector.fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N');
    const result = page.locator('.cvss-result');
    await pwExpect(result).toContainText('6.1');
    await pwExpect(result).toContainText('Medium');
    const attackVector = page.getByRole('group', { name: /^Attack Vector/ });
    await pwExpect(attackVector.getByRole('radio', { name: 'Network' })).toBeChecked();
    await pwExpect(page.getByRole('group', { name: /^User Interaction/ }).getByRole('radio', { name: 'Required' })).toBeChecked();
    // Clicking a metric rewrites the vector and the score follows.
    await page.getByRole('group', { name: /^Confidentiality/ }).getByRole('radio', { name: 'High' }).check();
    await pwExpect(vector).toHaveValue('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:L/A:N');
    await pwExpect(result).toContainText('8.2');
    await pwExpect(result).toContainText('High');

    await page.getByLabel('Description', { exact: true }).fill(`The display name is rendered without escaping (${WORD}).`);
    await page.getByLabel('Steps to reproduce').fill('1. Set the display name to <script>alert(1)</script>\n2. Open the profile.');
    await page.getByLabel('Impact').fill('Script runs in every visitor’s session.');

    // Uploaded as soon as it is picked.
    await page.getByLabel('Attachments').setInputFiles({ name: 'poc.txt', mimeType: 'text/plain', buffer: Buffer.from('alert(document.domain)\n') });
    const upload = page.getByRole('list', { name: 'Files for this report' }).getByRole('listitem');
    await pwExpect(upload).toContainText('poc.txt');
    await pwExpect(upload).toContainText('uploaded');

    await shoot(page, 'form');

    // Not without accepting the policy.
    await page.getByRole('button', { name: 'Submit report' }).click();
    await pwExpect(page.getByText(/tick the box to accept the policy/i).first()).toBeVisible();
    await page.getByLabel(/I have read the policy \(version 1\)/).check();
    await page.getByRole('button', { name: 'Submit report' }).click();

    await pwExpect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    reportUrl = new URL(page.url()).pathname;
    await pwExpect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
    await pwExpect(page.getByRole('status').filter({ hasText: 'submitted' })).toContainText('Your report was submitted');
    await pwExpect(page.getByRole('link', { name: 'poc.txt' })).toHaveAttribute('href', /\/api\/v1\/attachments\//);
    await pwExpect(page.getByRole('link', { name: 'CWE-79' })).toBeVisible();
    await pwExpect(page.locator('.report-meta')).toContainText('High 8.2');
    // The Markdown came back rendered by the server, the script as text.
    await pwExpect(page.locator('.report-body')).toContainText('<script>alert(1)</script>');
    await pwExpect(page.locator('.report-body script')).toHaveCount(0);
  });

  test('a reporter gives both a CVSS 3.1 and a 4.0 vector; the 4.0 score leads', async () => {
    const { page } = await e2e.newSession();
    const reporter = await e2e.user(['reporter']);
    await signIn(page, { email: reporter.row.email });
    await page.goto(`/programs/${SLUG}/submit`);
    await page.getByLabel('Title').fill(`Two vectors ${WORD}`);
    await page.getByLabel('Vector string').fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N');
    await page.getByRole('button', { name: 'Add a CVSS 4.0 vector too' }).click();
    const second = page.getByRole('group', { name: /second vector/ });
    await pwExpect(second.getByLabel('Vector string')).toHaveValue('CVSS:4.0/');
    await second.getByLabel('Vector string').fill('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    await pwExpect(second.locator('.cvss-result')).toContainText('9.3');
    await page.getByLabel('Description', { exact: true }).fill('Both versions, please.');
    // A file over the server's limit is refused here, before any upload.
    await page.getByLabel('Attachments').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(26 * 1024 * 1024 + 1) });
    await pwExpect(page.getByText(/huge\.bin: larger than .*, the most one file may be; not added\./)).toBeVisible();
    await pwExpect(page.getByRole('list', { name: 'Files for this report' })).toHaveCount(0);
    await page.getByLabel(/I have read the policy \(version 1\)/).check();
    await page.getByRole('button', { name: 'Submit report' }).click();
    await pwExpect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    await pwExpect(page.locator('.report-meta')).toContainText('Critical 9.3');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const row = await e2e.context.db.selectFrom('reports').select('cvss_vectors').where('id', '=', id).executeTakeFirstOrThrow();
    expect((JSON.parse(row.cvss_vectors) as { version: string }[]).map((v) => v.version)).toEqual(['3.1', '4.0']);
  });

  test('a triager finds it in the inbox with filters and the keyboard, triages it, writes a note and a reply', async () => {
    if (!reportUrl) throw new Error('the submission test must run first');
    const { page } = await e2e.newSession();
    const triager = await e2e.user(['triager']);
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });

    await mainNav(page).getByRole('link', { name: 'Inbox' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
    const filters = page.getByRole('search', { name: 'Filter the inbox' });
    await filters.getByLabel('Programme').selectOption({ label: 'Acme bounty' });
    await pwExpect(page).toHaveURL(/[?&]program=acme-e2e/);
    await filters.getByLabel('Severity').selectOption({ label: 'High' });
    await pwExpect(page).toHaveURL(/[?&]severity=high/);
    await filters.getByLabel('Search').fill(WORD);
    await filters.getByLabel('Search').press('Enter');
    await pwExpect(page).toHaveURL(new RegExp(`[?&]q=${WORD}`));
    const rows = page.getByRole('table').getByRole('row');
    await pwExpect(rows).toHaveCount(2); // header + the report
    await pwExpect(rows.nth(1)).toContainText(TITLE);

    await shoot(page, 'inbox');

    // Keyboard: ? lists the shortcuts; j focuses the first row, e assigns it to me, o opens it.
    await page.locator('main h1').click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await pwExpect(help).toBeVisible();
    await page.keyboard.press('Escape');
    await pwExpect(help).toHaveCount(0);
    await page.keyboard.press('j');
    await pwExpect(rows.nth(1)).toBeFocused();
    await page.keyboard.press('e');
    await pwExpect(page.getByRole('status').filter({ hasText: 'assigned to you' })).toBeVisible();
    await pwExpect(rows.nth(1)).toContainText('you');
    await page.keyboard.press('o');
    await pwExpect(page).toHaveURL(new RegExp(`${reportUrl}$`));
    await pwExpect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();

    // Triage: only the allowed moves are offered.
    const triage = page.getByRole('region', { name: 'Triage' });
    await pwExpect(triage.getByRole('button', { name: 'Resolve…' })).toHaveCount(0);
    await triage.getByRole('button', { name: 'Triage', exact: true }).click();
    const move = page.getByRole('dialog', { name: 'Move to “Triaged”' });
    await move.getByLabel(/Message to the reporter/).fill('Confirmed.');
    await move.getByRole('button', { name: 'Move to Triaged' }).click();
    await pwExpect(move).toHaveCount(0);
    await pwExpect(page.locator('.report-meta .state-chip')).toHaveText('Triaged');
    await pwExpect(triage.getByRole('button', { name: 'Resolve…' })).toBeVisible();
    await pwExpect(triage.getByLabel('Assignee')).toHaveValue(triager.row.id);

    // An internal note, marked as such.
    await page.getByRole('radio', { name: 'Internal note (staff only)' }).check();
    await page.getByLabel('Note for the team').fill(NOTE);
    await page.getByRole('button', { name: 'Add internal note' }).click();
    const activity = page.getByRole('list', { name: 'Activity' });
    const note = activity.getByRole('listitem').filter({ hasText: NOTE });
    await pwExpect(note).toBeVisible();
    await pwExpect(note).toContainText(/internal · staff only/i);

    // A reply to the reporter.
    await page.getByRole('radio', { name: 'Reply (the reporter reads it)' }).check();
    await page.getByLabel('Message', { exact: true }).fill(REPLY);
    await page.getByRole('button', { name: 'Send reply' }).click();
    const reply = activity.getByRole('listitem').filter({ hasText: REPLY });
    await pwExpect(reply).toBeVisible();
    await pwExpect(reply.locator('.internal-badge')).toHaveCount(0);

    await shoot(page, 'report-staff');
  });

  test('the reporter reads the reply but never the internal note', async () => {
    if (!reportUrl) throw new Error('the submission test must run first');
    const { page } = await e2e.newSession();
    // The first test's reporter: find the account by the report.
    const row = await e2e.context.db.selectFrom('reports').innerJoin('users', 'users.id', 'reports.reporter_id').select('users.email').where('reports.id', '=', reportUrl.split('/').pop()!).executeTakeFirstOrThrow();
    await signIn(page, { email: row.email });
    await mainNav(page).getByRole('link', { name: 'My reports' }).click();
    await page.getByRole('link', { name: TITLE }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
    await pwExpect(page.locator('.report-meta .state-chip')).toHaveText('Triaged');
    await pwExpect(page.getByRole('list', { name: 'Activity' })).toContainText(REPLY);
    await pwExpect(page.getByText(NOTE)).toHaveCount(0);
    await pwExpect(page.getByText('Internal · staff only')).toHaveCount(0);
    await pwExpect(page.getByRole('radio', { name: 'Internal note (staff only)' })).toHaveCount(0);
    await pwExpect(page.getByRole('region', { name: 'Triage' })).toHaveCount(0);
    await shoot(page, 'report-reporter');
    // The policy version the reporter accepted is one click away, as it read then.
    await page.getByRole('link', { name: /^version \d+$/ }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: /policy, version \d+$/ })).toBeVisible();
    await pwExpect(page.getByText('This is the current version.')).toBeVisible();
  });

  test('a lead creates a programme through the admin form', async () => {
    const { page } = await e2e.newSession();
    const lead = await e2e.user(['lead']);
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Manage programmes' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Manage programmes' })).toBeVisible();
    await page.getByRole('link', { name: 'New programme' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'New programme' })).toBeVisible();

    await page.getByLabel('Name', { exact: true }).fill('Widgets bounty');
    await page.getByLabel('Slug').fill('widgets');
    await page.getByRole('radio', { name: 'Bug bounty' }).check();
    await page.getByRole('textbox', { name: 'Policy' }).fill('# Widgets\n\nBe kind to our widgets.');
    await page.getByRole('button', { name: 'Add an asset' }).click();
    await page.getByLabel('Asset 1').fill('widgets.example');
    await page.getByRole('button', { name: 'Add a category' }).click();
    await page.getByLabel('Category 1').fill('Self-XSS');
    await page.getByLabel('Report it instead at').fill('https://example.net/elsewhere');
    await page.getByLabel('Tier 1 high: from').fill('500');
    await page.getByLabel('Tier 1 high: to').fill('2000');
    await page.getByLabel('First response: how many').fill('2');
    await page.getByLabel('First response: unit').selectOption('days');
    await page.getByRole('button', { name: 'Create programme' }).click();

    await pwExpect(page).toHaveURL(/\/programs\/widgets$/);
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Widgets bounty' })).toBeVisible();
    await pwExpect(page.getByRole('table', { name: /in and out of scope/ })).toContainText('widgets.example');
    await pwExpect(page.getByRole('table', { name: /Reward ranges/ })).toContainText('2,000');
    await pwExpect(page.getByRole('table', { name: /Response targets/ })).toContainText('2 days');
    await pwExpect(page.getByRole('link', { name: 'https://example.net/elsewhere' })).toBeVisible();

    // Its response-time dashboard and the rewards ledger open for leads.
    await page.getByRole('link', { name: 'Response times' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Response times: Widgets bounty' })).toBeVisible();
    await pwExpect(page.getByText('No reports in this period.')).toBeVisible();
    await mainNav(page).getByRole('link', { name: 'Rewards ledger' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Rewards ledger' })).toBeVisible();
    await pwExpect(page.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/v1/rewards/export.csv');
  });

  test('a lead invites a reporter to an invite-only programme and limits low-signal reporters', async () => {
    await inTransaction(e2e.context, (trx) =>
      createProgram(e2e.context, trx, systemActor('e2e'), { slug: 'private-e2e', name: 'Private bounty', kind: 'vdp', visibility: 'invite_only', policy: 'Members only.' }),
    );
    const invitee = await e2e.user(['reporter']);
    const { page } = await e2e.newSession();
    const lead = await e2e.user(['lead']);
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
    await page.goto('/admin/programs/private-e2e/edit');
    const members = page.getByRole('region', { name: 'Members' });
    await pwExpect(members.getByText('Nobody is invited yet.')).toBeVisible();
    await members.getByLabel('Invite by email').fill('nobody-at-all@example.org');
    await members.getByRole('button', { name: 'Invite' }).click();
    await pwExpect(members.getByText('no such account')).toBeVisible();
    await members.getByLabel('Invite by email').fill(invitee.row.email);
    await members.getByRole('button', { name: 'Invite' }).click();
    await pwExpect(members.getByRole('table', { name: 'Invited accounts' })).toContainText(invitee.row.email);

    const limit = page.getByRole('region', { name: 'Limit for low-signal reporters' });
    await limit.getByLabel('Reputation below').fill('-5');
    await limit.getByLabel('Reports allowed').fill('2');
    await limit.getByRole('button', { name: 'Save limit' }).click();
    await pwExpect(limit.getByText(/fewer than -5 reputation points may file 2 reports per 30 days/)).toBeVisible();
    await shoot(page, 'program-access');

    // The invitee now sees the programme; withdrawing the invitation hides it again.
    const guest = await e2e.newSession();
    await signIn(guest.page, { email: invitee.row.email });
    await guest.page.goto('/programs/private-e2e');
    await pwExpect(guest.page.getByRole('heading', { level: 1, name: 'Private bounty' })).toBeVisible();
    await members.getByRole('button', { name: `Withdraw the invitation of ${invitee.row.email}` }).click();
    await pwExpect(members.getByText('Nobody is invited yet.')).toBeVisible();
    await guest.page.reload();
    await pwExpect(guest.page.getByRole('heading', { level: 1, name: 'Private bounty' })).toHaveCount(0);
  });

  test('a policy that changes while the reporter writes is shown again for a fresh acceptance', async () => {
    const { page } = await e2e.newSession();
    const reporter = await e2e.user(['reporter']);
    await signIn(page, { email: reporter.row.email });
    await page.goto(`/programs/${SLUG}/submit`);
    await page.getByLabel('Title').fill('Policy race');
    await page.getByLabel('Description', { exact: true }).fill('Written under the old policy.');
    const accept = page.getByRole('checkbox', { name: /I have read the policy/ });
    await pwExpect(accept).toBeVisible();
    await accept.check();

    await inTransaction(e2e.context, async (trx) => {
      const program = await getVisibleProgram(trx, systemActor('e2e'), SLUG);
      await updateProgram(e2e.context, trx, systemActor('e2e'), program.id, { policy: '# Acme policy\n\nNo automated scanners, please.' });
    });
    await page.getByRole('button', { name: 'Submit report' }).click();
    await pwExpect(page.getByRole('alert').filter({ hasText: 'The policy changed while you were writing' })).toBeVisible();
    await pwExpect(page.getByText('No automated scanners, please.')).toBeVisible();
    await pwExpect(accept).not.toBeChecked();
    await pwExpect(page.getByLabel('Title')).toHaveValue('Policy race');
    await accept.check();
    await page.getByRole('button', { name: 'Submit report' }).click();
    await pwExpect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    await pwExpect(page.getByText(/version 2 accepted/)).toBeVisible();
  });

  test('visitors who are not signed in read programmes, disclosed reports and the hall of fame', async () => {
    const { page } = await e2e.newSession();
    await page.goto('/programs');
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Programmes' })).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await pwExpect(nav.getByRole('link', { name: 'Programmes' })).toHaveAttribute('aria-current', 'page');
    await page.getByRole('link', { name: 'Acme bounty', exact: true }).click();
    await pwExpect(page.getByRole('heading', { level: 2, name: 'Safe harbour' })).toBeVisible();
    await nav.getByRole('link', { name: 'Disclosed' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Disclosed reports' })).toBeVisible();
    await nav.getByRole('link', { name: 'Hall of fame' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Hall of fame' })).toBeVisible();
    // Submitting needs an account: to sign-in, and back afterwards.
    await page.goto(`/programs/${SLUG}`);
    await page.getByRole('link', { name: 'Submit a report' }).first().click();
    await pwExpect(page).toHaveURL(new RegExp(`/signin\\?next=%2Fprograms%2F${SLUG}%2Fsubmit$`));
  });
});
