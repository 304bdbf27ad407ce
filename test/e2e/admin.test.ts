import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { recordAudit } from '../../src/domain/audit/audit.service.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { sendMail } from '../../src/domain/mail/mail.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { fillPasswordStep, mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

const e2e = setupE2E();

async function signInLead(page: Page) {
  const lead = await e2e.user(['lead']);
  await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });
  return lead;
}

/** The users-table row of one account (its header cell holds name and email). */
function userRow(page: Page, email: string) {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader').filter({ hasText: email }) });
}

describe('administration as a security lead', () => {
  test('invite a user with roles, change the roles, follow it in the audit log, verify the chain, read the mail, see the jobs', async () => {
    const { page } = await e2e.newSession();
    await signInLead(page);
    const nav = mainNav(page);
    const invitee = `invitee-${Date.now().toString(36)}@example.org`;

    // Keyboard: on a freshly loaded page the first Tab reaches the skip link, which moves focus
    // to the page content.
    await page.goto('/');
    await pwExpect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
    await page.keyboard.press('Tab');
    await pwExpect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
    await page.keyboard.press('Enter');
    await pwExpect(page.locator('main#main')).toBeFocused();

    // --- Users: invite ---
    await nav.getByRole('link', { name: 'Users' }).click();
    const usersHeading = page.getByRole('heading', { level: 1, name: 'Users' });
    await pwExpect(usersHeading).toBeVisible();
    // Moving to another page puts focus on its heading.
    await pwExpect(usersHeading).toBeFocused();
    await page.getByRole('button', { name: 'Invite user' }).click();
    const invite = page.getByRole('dialog', { name: 'Invite a user' });
    await pwExpect(invite).toBeVisible();
    await pwExpect(invite.getByLabel('Email')).toBeFocused();
    await invite.getByLabel('Email').fill(invitee);
    await invite.getByLabel('Name').fill('Ivy Invitee');
    await pwExpect(invite.getByRole('checkbox', { name: /^Triager/ })).toBeChecked();
    await invite.getByRole('checkbox', { name: /^Auditor/ }).check();
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await pwExpect(invite).toHaveCount(0);
    await pwExpect(page.getByRole('status').filter({ hasText: 'Invitation' })).toHaveText(`Invitation sent to ${invitee}.`);

    const row = userRow(page, invitee);
    await pwExpect(row).toBeVisible();
    await pwExpect(row).toContainText('Ivy Invitee');
    await pwExpect(row).toContainText('Triager');
    await pwExpect(row).toContainText('Auditor');

    // Filter by role (kept in the URL).
    await page.getByRole('search', { name: 'Filter users' }).getByLabel('Role').selectOption('auditor');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await pwExpect(page).toHaveURL(/\/admin\/users\?role=auditor$/);
    await pwExpect(page.getByRole('table').getByRole('row')).toHaveCount(2); // header + the invitee
    await pwExpect(row).toBeVisible();
    await page.getByRole('button', { name: 'Clear' }).click();
    await pwExpect(page).toHaveURL(/\/admin\/users$/);

    // --- Users: change roles ---
    await row.getByRole('button', { name: `Roles of ${invitee}` }).click();
    const rolesDialog = page.getByRole('dialog', { name: 'Roles of Ivy Invitee' });
    await pwExpect(rolesDialog).toBeVisible();
    await rolesDialog.getByRole('checkbox', { name: /^Triager/ }).uncheck();
    await rolesDialog.getByRole('checkbox', { name: /^CNA publisher/ }).check();
    await rolesDialog.getByRole('button', { name: 'Save roles' }).click();
    await pwExpect(rolesDialog).toHaveCount(0);
    await pwExpect(page.getByRole('status').filter({ hasText: 'saved' })).toHaveText(`Roles of ${invitee} saved.`);
    await pwExpect(row).toContainText('CNA publisher');
    await pwExpect(row).not.toContainText('Triager');
    await page.reload();
    await pwExpect(userRow(page, invitee)).toContainText('CNA publisher');
    await pwExpect(userRow(page, invitee)).not.toContainText('Triager');

    // --- Users: disable and enable again ---
    await userRow(page, invitee).getByRole('button', { name: `Disable ${invitee}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Disable this account?' });
    await pwExpect(confirm).toContainText(invitee);
    await confirm.getByRole('button', { name: 'Disable account' }).click();
    await pwExpect(confirm).toHaveCount(0);
    await pwExpect(userRow(page, invitee)).toContainText('disabled');
    await userRow(page, invitee).getByRole('button', { name: `Enable ${invitee}` }).click();
    await page.getByRole('dialog', { name: 'Enable this account?' }).getByRole('button', { name: 'Enable account' }).click();
    await pwExpect(userRow(page, invitee)).not.toContainText('disabled');
    await pwExpect(userRow(page, invitee).getByRole('button', { name: `Disable ${invitee}` })).toBeVisible();

    // --- Audit log ---
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    const table = page.getByRole('table', { name: 'Audit events, newest first' });
    await pwExpect(table.getByRole('cell', { name: 'user.created', exact: true }).first()).toBeVisible();
    await pwExpect(table.getByRole('cell', { name: 'user.changed', exact: true }).first()).toBeVisible();

    // The oldest user.changed is the role change (then came disable and enable): its details
    // show the roles before and after.
    const changedRow = table.getByRole('row').filter({ has: page.getByRole('cell', { name: 'user.changed', exact: true }) }).last();
    await changedRow.getByRole('button', { name: /Details of event/ }).click();
    const details = page.locator('.details-row');
    await pwExpect(details).toHaveCount(1);
    await pwExpect(details).toContainText('"previousRoles"');
    await pwExpect(details).toContainText('"cna"');

    // Filter by action.
    const filters = page.getByRole('search', { name: 'Filter the audit log' });
    await filters.getByLabel('Action').fill('user.changed');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await pwExpect(page).toHaveURL(/\/admin\/audit\?action=user\.changed$/);
    await pwExpect(table.getByRole('cell', { name: 'user.changed', exact: true })).toHaveCount(3);
    await pwExpect(table.getByRole('cell', { name: 'user.created', exact: true })).toHaveCount(0);
    await pwExpect(table.locator('tbody tr:not(.details-row)')).toHaveCount(3);
    await filters.getByRole('link', { name: 'Clear' }).click();
    await pwExpect(page).toHaveURL(/\/admin\/audit$/);
    await pwExpect(table.getByRole('cell', { name: 'user.created', exact: true }).first()).toBeVisible();

    // Verify the hash chain.
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await pwExpect(page.locator('.verify-result')).toContainText(/Chain intact: \d+ events? checked\./);

    // --- Outbox: the invitation mail ---
    await nav.getByRole('link', { name: 'Mail outbox' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Mail outbox' })).toBeVisible();
    const mailRow = page.getByRole('row').filter({ hasText: invitee });
    await pwExpect(mailRow).toContainText('You have been invited to cvdesk');
    await pwExpect(mailRow).toContainText('stored');
    await mailRow.getByRole('link', { name: 'You have been invited to cvdesk' }).click();
    await pwExpect(page).toHaveURL(/\/admin\/outbox\/[^/]+$/);
    const reader = page.getByRole('article', { name: 'You have been invited to cvdesk' });
    await pwExpect(reader).toBeVisible();
    await pwExpect(reader.getByRole('heading', { name: 'You have been invited to cvdesk' })).toBeFocused();
    await pwExpect(reader).toContainText(invitee);
    const text = await reader.locator('.mail-text').innerText();
    const setupLink = text.match(/https?:\/\/\S+\/reset-password\?token=\S+&setup=1/)?.[0];
    expect(setupLink, text).toBeDefined();
    expect(setupLink!.startsWith(e2e.origin)).toBe(true);
    // A direct load of the message URL opens it too.
    await page.reload();
    await pwExpect(page.getByRole('article', { name: 'You have been invited to cvdesk' })).toBeVisible();
    await reader.getByRole('link', { name: /Close/ }).click();
    await pwExpect(page).toHaveURL(/\/admin\/outbox$/);
    await pwExpect(page.getByRole('article')).toHaveCount(0);

    // --- Jobs ---
    await nav.getByRole('link', { name: 'Jobs' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
    await pwExpect(page.locator('.loading')).toHaveCount(0);
    await pwExpect(page.locator('main .load-error')).toHaveCount(0);
    await pwExpect(page.locator('main table, main .empty')).toBeVisible();
    const states = page.getByRole('navigation', { name: 'Job state' });
    await pwExpect(states.getByRole('link', { name: 'All' })).toHaveAttribute('aria-current', 'page');
    await states.getByRole('link', { name: 'Dead' }).click();
    await pwExpect(page).toHaveURL(/\/admin\/jobs\?state=dead$/);
    await pwExpect(states.getByRole('link', { name: 'Dead' })).toHaveAttribute('aria-current', 'page');
    await pwExpect(page.getByText('No dead jobs.')).toBeVisible();

    // --- The invitee completes the invitation in a browser of their own ---
    const second = await e2e.newSession();
    await second.page.goto(setupLink!);
    await pwExpect(second.page.getByRole('heading', { level: 1, name: 'Set your password' })).toBeVisible();
    await second.page.getByLabel('Password', { exact: true }).fill('ivy has a long passphrase');
    await second.page.getByLabel('Repeat the password').fill('ivy has a long passphrase');
    await second.page.getByRole('button', { name: 'Set password' }).click();
    await pwExpect(second.page.getByRole('heading', { level: 1, name: 'Password set' })).toBeVisible();
    await second.page.getByRole('link', { name: 'Sign in' }).click();
    await fillPasswordStep(second.page, invitee, 'ivy has a long passphrase');
    await pwExpect(second.page).toHaveURL(/\/account\/two-factor$/);
    await pwExpect(second.page.getByText('Staff accounts need two-factor authentication.')).toBeVisible();
  });
});

describe('role-aware navigation', () => {
  test('an auditor sees the audit log (and may verify it) but not users, outbox or jobs', async () => {
    const auditor = await e2e.user(['auditor']);
    const { page } = await e2e.newSession();
    await signIn(page, { email: auditor.row.email, totpSecret: auditor.totpSecret });

    const nav = mainNav(page);
    await pwExpect(nav.getByRole('link', { name: 'Audit log' })).toBeVisible();
    for (const name of ['Users', 'Mail outbox', 'Jobs', 'Webhooks']) await pwExpect(nav.getByRole('link', { name })).toHaveCount(0);
    const adminPanel = page.getByRole('region', { name: 'Administration' });
    // Auditors read everything and change nothing: every administration page a lead or the CNA
    // team works on is listed (read-only there), but not users, outbox, jobs or webhooks.
    const readable = ['Advisories', 'CVE ID pool', 'CVE Services', 'CVE records', 'CVE requests', 'CNA settings', 'Audit log', 'Settings', 'OpenPGP keys', 'security.txt'];
    await pwExpect(adminPanel.getByRole('link')).toHaveCount(readable.length);
    for (const name of readable) {
      await pwExpect(adminPanel.getByRole('link', { name, exact: true })).toBeVisible();
    }

    await nav.getByRole('link', { name: 'Audit log' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await pwExpect(page.locator('.verify-result')).toContainText('Chain intact');
    // Export downloads the chain as JSON lines, one event a line, oldest first.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export JSON lines' }).click()]);
    expect(download.suggestedFilename()).toBe('cvdesk-audit.jsonl');
    const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));

    for (const path of ['/admin/users', '/admin/outbox', '/admin/jobs']) {
      await page.goto(path);
      await pwExpect(page.getByRole('heading', { level: 1, name: 'Not available to you' })).toBeVisible();
      await pwExpect(page.getByText('Your roles do not include this part of cvdesk.')).toBeVisible();
    }
    await page.getByRole('link', { name: 'Back to the dashboard' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible();

    // The server refuses what the navigation hides (auditors may list accounts by the server's
    // policy, but the web app's Users page is for managing them, which only leads may do).
    const statuses = await page.evaluate(async () =>
      Promise.all(['/api/v1/outbox', '/api/v1/jobs', '/api/v1/audit'].map(async (u) => (await fetch(u)).status)),
    );
    expect(statuses).toEqual([403, 403, 200]);
  });
});

describe('long lists page with "Load more"', () => {
  test('outbox and audit log: 50 at a time, no repeats, to the end', async () => {
    const lead = await e2e.user(['lead']);
    await inTransaction(e2e.context, async (trx) => {
      for (let i = 1; i <= 62; i++) {
        await sendMail(e2e.context, trx, { to: `bulk${i}@example.org`, subject: `Bulk message ${i}`, text: `Message number ${i}` });
      }
      for (let i = 1; i <= 120; i++) {
        await recordAudit(e2e.context, trx, systemActor('paging test'), { action: 'test.paging', objectType: 'test', objectId: String(i) });
      }
    });

    const { page } = await e2e.newSession();
    await signIn(page, { email: lead.row.email, totpSecret: lead.totpSecret });

    // --- Outbox: the 62 messages, and any the other tests of this file made ---
    const mails = Number((await e2e.context.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(mails).toBeGreaterThanOrEqual(62);
    expect(mails).toBeLessThan(100);
    await page.goto('/admin/outbox');
    const mailRows = page.getByRole('table', { name: 'Mail, newest first' }).locator('tbody tr');
    await pwExpect(mailRows).toHaveCount(50);
    // (Messages made in the same millisecond have no order among themselves: only count them.)
    await page.getByRole('button', { name: 'Load more' }).click();
    await pwExpect(mailRows).toHaveCount(mails);
    await pwExpect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);
    const recipients = await page.locator('tbody tr .cell-sub').allInnerTexts();
    expect(new Set(recipients).size).toBe(mails);

    // Keyboard: j moves down the list, Enter opens the message.
    const third = (await mailRows.nth(2).locator('.cell-title').innerText()).trim();
    const number = third.replace('Bulk message ', '');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await pwExpect(mailRows.nth(2)).toBeFocused();
    await page.keyboard.press('Enter');
    await pwExpect(page.getByRole('article', { name: third })).toBeVisible();
    await pwExpect(page.getByRole('article')).toContainText(`Message number ${number}`);

    // --- Audit log: the 120 events plus those of making the lead and signing in ---
    const total = await e2e.context.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const count = Number(total.n);
    expect(count).toBeGreaterThan(100);
    await page.goto('/admin/audit');
    const auditRows = page.getByRole('table', { name: 'Audit events, newest first' }).locator('tbody tr:not(.details-row)');
    await pwExpect(auditRows).toHaveCount(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await pwExpect(auditRows).toHaveCount(100);
    await pwExpect(page.getByRole('status').filter({ hasText: 'Loaded' })).toHaveText('Loaded 50 more events.');
    while (await page.getByRole('button', { name: 'Load more' }).count()) {
      await page.getByRole('button', { name: 'Load more' }).click();
      await pwExpect(page.getByRole('button', { name: 'Loading…' })).toHaveCount(0);
    }
    await pwExpect(auditRows).toHaveCount(count);
    await pwExpect(page.getByText('End of the log.')).toBeVisible();
    const seqs = (await page.locator('tbody tr:not(.details-row) td.num').allInnerTexts()).map(Number);
    expect(seqs).toEqual(Array.from({ length: count }, (_, i) => count - i));

    // Filtered, the pages hold only matching events.
    await page.goto('/admin/audit?action=test.paging');
    await pwExpect(auditRows).toHaveCount(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await pwExpect(auditRows).toHaveCount(100);
    await page.getByRole('button', { name: 'Load more' }).click();
    await pwExpect(auditRows).toHaveCount(120);
    await pwExpect(page.getByText('End of the log.')).toBeVisible();
    await pwExpect(page.getByRole('cell', { name: 'test.paging', exact: true })).toHaveCount(120);
  });
});
