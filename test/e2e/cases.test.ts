import { describe, expect, test } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { addContact } from '../../src/domain/vendors/vendor.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { buildVendor } from '../server/cases.support.js';
import { mainNav, pwExpect, setupE2E, signIn } from './helpers.js';

/**
 * Outbound cases in the browser (issue 6): a triager opens a case, adds a vulnerability and a
 * vendor from the directory and sends the notice; the vendor opens the portal link from it (no
 * account), acknowledges, says the flaw is fixed and posts a statement; the triager sees all of
 * it on the case page, edits the vulnerability, picks the participant's mail contact and records a
 * credit's consent.
 */
const e2e = setupE2E();

describe('cases and the vendor portal in the browser', () => {
  test('staff create a case, the vendor answers in the portal, staff see it', async () => {
    const triager = await e2e.user(['triager']);
    const vendorRow = await buildVendor(e2e.context, { name: 'Portal Vendor Ltd', email: 'psirt@portal-vendor.example' });
    const staff = await e2e.newSession();
    const page = staff.page;
    await signIn(page, { email: triager.row.email, totpSecret: triager.totpSecret });
    await mainNav(page).getByRole('link', { name: 'Cases' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Cases' })).toBeVisible();
    await page.getByRole('button', { name: 'New case' }).click();
    const create = page.getByRole('form', { name: 'New case' });
    await create.getByLabel('Title').fill('Browser case: widget flaw');
    await create.getByLabel('Disclosure policy').selectOption('deadline_90_30');
    await create.getByRole('button', { name: 'Create case' }).click();
    await pwExpect(page.getByRole('heading', { level: 1, name: 'Browser case: widget flaw' })).toBeVisible();
    const caseId = page.url().split('/cases/')[1]!;

    await page.getByRole('button', { name: 'Add vulnerability' }).click();
    const vuln = page.getByRole('form', { name: 'Add vulnerability' });
    await vuln.getByLabel('Vulnerability title').fill('Path traversal in uploads');
    await vuln.getByLabel('Product').fill('Widget Server');
    await vuln.getByLabel('CWE').fill('22');
    await vuln.getByRole('button', { name: 'Add' }).click();
    await pwExpect(page.getByRole('heading', { level: 3, name: 'Path traversal in uploads' })).toBeVisible();

    await page.getByLabel('Add a vendor or coordinator').selectOption({ label: 'Portal Vendor Ltd' });
    await page.getByRole('button', { name: 'Add participant' }).click();
    await pwExpect(page.getByRole('group', { name: 'Actions for Portal Vendor Ltd' })).toBeVisible();
    await page.getByRole('group', { name: 'Actions for Portal Vendor Ltd' }).getByRole('button', { name: 'Send notice' }).click();
    await pwExpect(page.getByText(/notifying/).first()).toBeVisible();
    await pwExpect(page.locator('#notices-title + ul')).toContainText('psirt@portal-vendor.example');

    // The vendor's mail (kept in the store: no SMTP in this test) carries the portal link.
    const notice = await e2e.context.db.selectFrom('case_notices').select('body').where('case_id', '=', caseId).executeTakeFirstOrThrow();
    const link = /https?:\/\/\S+\/portal\/cvp_[A-Za-z0-9_-]+/.exec(e2e.context.secrets.open(notice.body))![0];
    const path = new URL(link).pathname;

    const vendor = await e2e.newSession();
    const portal = vendor.page;
    await portal.goto(path);
    await pwExpect(portal.getByRole('heading', { level: 1, name: 'Browser case: widget flaw' })).toBeVisible();
    // The token leaves the address bar at once.
    await pwExpect(portal).toHaveURL(/\/portal$/);
    await portal.getByRole('button', { name: 'Acknowledge receipt' }).click();
    await pwExpect(portal.getByText('Acknowledged')).toBeVisible();
    const article = portal.getByRole('article', { name: 'Path traversal in uploads' });
    await article.getByRole('button', { name: 'Fixed' }).click();
    await pwExpect(article.getByText('Your status:')).toContainText('Fixed');
    await portal.getByLabel('Your statement').fill('Fixed in **2.4.1**. <script>window.pwned = 1</script>');
    await portal.getByRole('button', { name: 'Post statement' }).click();
    await pwExpect(portal.locator('.case-statement strong', { hasText: '2.4.1' })).toBeVisible();
    expect(await portal.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    await page.reload();
    const row = page.locator('tr[data-participant="Portal Vendor Ltd"]');
    await pwExpect(row.getByText('acknowledged', { exact: true })).toBeVisible();
    await pwExpect(row.getByLabel('Status of Portal Vendor Ltd for Path traversal in uploads')).toHaveValue('fixed');
    await pwExpect(page.locator('.case-log')).toContainText('Portal Vendor Ltd acknowledged the case');
    await pwExpect(page.locator('.case-log')).toContainText('unknown → fixed');
    await pwExpect(page.getByText(/coordinating/).first()).toBeVisible();

    // Staff edit the vulnerability (a CWE not in the list is refused, naming the field), choose the
    // participant's mail contact, and credit a finder, recording their consent afterwards.
    const vulnArticle = page.getByRole('article', { name: 'Path traversal in uploads' });
    await vulnArticle.getByRole('button', { name: 'Edit vulnerability' }).click();
    const edit = page.getByRole('form', { name: 'Edit Path traversal in uploads' });
    await pwExpect(edit.getByLabel('Product')).toHaveValue('Widget Server');
    await edit.getByLabel('Affected versions').fill('< 2.4.1');
    await edit.getByLabel('CVSS vectors').fill('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N');
    await edit.getByLabel('CWE').fill('99998');
    await edit.getByRole('button', { name: 'Save vulnerability' }).click();
    await pwExpect(edit.getByText('CWE-99998 is not in the CWE list').first()).toBeVisible();
    await edit.getByLabel('CWE').fill('23');
    await edit.getByRole('button', { name: 'Save vulnerability' }).click();
    await pwExpect(vulnArticle.locator('p.muted')).toContainText('Widget Server · < 2.4.1 · CWE-23 · CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N');

    await inTransaction(e2e.context, (trx) => addContact(e2e.context, trx, systemActor('test'), vendorRow.id, { kind: 'email', value: 'cert@portal-vendor.example' }));
    await page.reload();
    await page.getByLabel('Mail contact for Portal Vendor Ltd').selectOption({ label: 'cert@portal-vendor.example' });
    await pwExpect(row.locator('th .muted')).toContainText('cert@portal-vendor.example');
    const chosen = await e2e.context.db.selectFrom('case_participants').innerJoin('vendor_contacts', 'vendor_contacts.id', 'case_participants.contact_id').select('vendor_contacts.value').where('case_participants.case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(chosen.value).toBe('cert@portal-vendor.example');

    const credit = page.getByRole('form', { name: 'Add credit' });
    await credit.getByLabel('Credit kind').selectOption('individual');
    await credit.getByLabel('Credited name').fill('Jane Finder');
    await credit.getByRole('button', { name: 'Add credit' }).click();
    const jane = page.locator('li[data-credit="Jane Finder"]');
    await pwExpect(jane).toContainText('no consent');
    await jane.getByRole('button', { name: 'Record consent' }).click();
    await pwExpect(jane).toContainText('may be named');
    const credits = await e2e.context.db.selectFrom('case_credits').select(['name', 'consent_to_name']).where('case_id', '=', caseId).execute();
    expect(credits.map((c) => [c.name, Number(c.consent_to_name)])).toEqual([['Jane Finder', 1]]);

    // The dashboard counts it, with the vendor's acknowledgement time.
    await page.getByRole('link', { name: 'All cases' }).click();
    await page.locator('.page-actions').getByRole('link', { name: 'Dashboard' }).click();
    await pwExpect(page.getByRole('heading', { level: 2, name: 'Open cases by age and state' })).toBeVisible();
    await pwExpect(page.getByRole('heading', { level: 2, name: 'Disclosure policies' })).toBeVisible();
    await pwExpect(page.locator('.case-figures')).toContainText(/1\s*open cases/);
    await pwExpect(page.locator('.case-figures')).toContainText('median time to acknowledge (1)');
  });
});
