import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csafProblems } from '../../src/domain/csaf/csaf-validate.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';
import { csafSchemaErrors, osvSchemaErrors } from '../domain/advisories/official-schemas.js';
import { createDraft, publish, sampleContent } from './advisories.support.js';

describe.each(DIALECTS)('advisories on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
  });
  afterAll(async () => t?.close());

  it('keeps drafts private to staff, and publishing to leads', async () => {
    const id = await createDraft(t, triager);
    expect(id).toMatch(/^ADV-\d{4}-\d{4}$/);
    for (const who of [undefined, reporter.token]) {
      expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}`, ...(who ? { token: who } : {}) })).statusCode).toBe(404);
      expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf`, ...(who ? { token: who } : {}) })).statusCode).toBe(404);
      expect((await t.request({ method: 'GET', url: '/api/v1/advisories?state=all', ...(who ? { token: who } : {}) })).json().items.map((a: { id: string }) => a.id)).not.toContain(id);
    }
    expect((await t.request({ method: 'GET', url: `/advisories/${id}` })).statusCode).toBe(404);
    const staff = await t.request({ method: 'GET', url: `/api/v1/advisories/${id}`, token: triager.token });
    expect(staff.json()).toMatchObject({ id, state: 'draft', revision: 0, content: null, draft: { unpublishedChanges: true } });
    expect((await t.request({ method: 'GET', url: '/api/v1/advisories?state=draft', token: triager.token })).json().items.map((a: { id: string }) => a.id)).toContain(id);
    const refused = await publish(t, triager, id);
    expect(refused.statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: '/api/v1/advisories', token: reporter.token, payload: {} })).statusCode).toBe(403);
  });

  it('publishes a valid CSAF document and OSV record, with an audited, versioned revision history', async () => {
    const id = await createDraft(t, triager);
    const first = await publish(t, lead, id);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ state: 'published', revision: 1, severity: 'medium', cves: ['CVE-2026-10001'], revisions: [{ number: 1, summary: 'Initial public release' }] });
    expect(first.json().content.summary.html).not.toContain('<script>');

    const csaf = await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf` });
    expect(csaf.statusCode).toBe(200);
    const doc = csaf.json();
    expect(await csafProblems(doc)).toEqual([]);
    expect(csafSchemaErrors(doc)).toEqual([]);
    expect(doc.document).toMatchObject({ category: 'csaf_security_advisory', tracking: { id, status: 'final', version: '1' } });
    expect(doc.vulnerabilities[0]).toMatchObject({ cve: 'CVE-2026-10001', cwe: { id: 'CWE-79', name: 'Improper Neutralization of Input During Web Page Generation (\'Cross-site Scripting\')' } });
    expect(doc.vulnerabilities[0].scores[0].cvss_v3).toMatchObject({ version: '3.1', baseScore: 5.4, baseSeverity: 'MEDIUM' });
    expect(doc.vulnerabilities[0].product_status.known_not_affected).toHaveLength(1);
    expect(doc.document.acknowledgments).toEqual([
      { names: ['alice'], summary: 'finding and reporting the vulnerability' },
      { organization: 'Security Research — Scout', summary: 'finding the vulnerability (an automated system)' },
    ]);

    const osv = await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/osv` });
    expect(osv.statusCode).toBe(200);
    expect(osvSchemaErrors(osv.json())).toEqual([]);
    expect(osv.json()).toMatchObject({ id: `x_localhost-${id}`, aliases: ['CVE-2026-10001'] });
    expect(osv.json().affected).toEqual([
      expect.objectContaining({ package: { ecosystem: 'npm', name: '@acme/widget', purl: 'pkg:npm/%40acme/widget' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.4.2' }] }] }),
      expect.objectContaining({ ranges: [{ type: 'GIT', repo: 'https://git.acme.example/renderer', events: [{ introduced: '0' }, { fixed: 'a'.repeat(40) }] }] }),
    ]);

    // Staff preview the draft as the next revision; nobody else can.
    const preview = await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf?draft=true`, token: triager.token });
    expect(preview.json().document.tracking).toMatchObject({ status: 'draft', version: '2' });
    expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf?draft=true` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/osv?draft=true`, token: reporter.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}` })).json().draft).toBeUndefined();

    // Nothing changed: nothing to publish. A change needs its summary.
    expect((await publish(t, lead, id, 'again')).statusCode).toBe(409);
    const changed = await t.request({ method: 'PATCH', url: `/api/v1/advisories/${id}`, token: triager.token, payload: { content: sampleContent({ workarounds: 'Upgrade, or turn widgets off.' }) } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().draft.unpublishedChanges).toBe(true);
    // The public still reads revision 1.
    expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}` })).json().content.workarounds.markdown).toBe('Turn widgets off in the admin console.');
    const noSummary = await publish(t, lead, id);
    expect(noSummary.statusCode).toBe(400);
    expect(noSummary.json().error.details[0].field).toBe('/changeSummary');
    const second = await publish(t, lead, id, 'Workaround: upgrading also helps');
    expect(second.statusCode, second.body).toBe(200);
    const doc2 = (await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf` })).json();
    expect(doc2.document.tracking).toMatchObject({ version: '2', revision_history: [{ number: '1' }, { number: '2', summary: 'Workaround: upgrading also helps' }] });
    expect(await csafProblems(doc2)).toEqual([]);

    const internalId = (await t.context.db.selectFrom('advisories').select('id').where('tracking_id', '=', id).executeTakeFirstOrThrow()).id;
    const audit = await t.context.db.selectFrom('audit_events').select(['action']).where('object_id', '=', internalId).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['advisory.created', 'advisory.published', 'advisory.draft_changed', 'advisory.published']);
  });

  it('refuses to publish an incomplete draft or one without consent to a credit, naming each problem, and stores nothing', async () => {
    const id = await createDraft(t, lead, { title: 'Half done' });
    const res = await publish(t, lead, id);
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['/summary', '/vulnerabilities', '/products']));
    const noConsent = await createDraft(t, lead, sampleContent({ credits: [{ name: 'bob', consent: false }] }));
    const refused = await publish(t, lead, noConsent);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual([{ field: '/credits/0/consent', message: expect.stringContaining('bob has not agreed') }]);
    const revisions = await t.context.db.selectFrom('advisory_revisions as r').innerJoin('advisories as a', 'a.id', 'r.advisory_id').select('r.number').where('a.tracking_id', 'in', [id, noConsent]).execute();
    expect(revisions).toEqual([]);
  });

  it('refuses bad input with 400 naming the field: vectors, CWEs, CVE IDs, and ranges OSV cannot express', async () => {
    const bad = async (content: object) => {
      const res = await t.request({ method: 'POST', url: '/api/v1/advisories', token: lead.token, payload: { content } });
      expect(res.statusCode, res.body).toBe(400);
      return res.json().error.details[0].field as string;
    };
    const widget = (range: object) => ({ products: [{ vendor: 'Acme', product: 'w', ecosystem: 'npm', packageName: 'w', ranges: [range] }] });
    expect(await bad({ vulnerabilities: [{ cvss: ['CVSS:3.1/AV:X'] }] })).toBe('/content/vulnerabilities/0/cvss/0');
    expect(await bad({ vulnerabilities: [{ cwes: [999999] }] })).toBe('/content/vulnerabilities/0/cwes/0');
    expect(await bad({ vulnerabilities: [{ cve: 'CVE-26-1' }] })).toBe('/content/vulnerabilities/0/cve');
    expect(await bad({ vulnerabilities: [{ cve: 'CVE-2026-1111' }, { cve: 'CVE-2026-1111' }] })).toBe('/content/vulnerabilities/1/cve');
    expect(await bad(widget({ type: 'SEMVER', introduced: 'v1.0', fixed: '1.2.0' }))).toBe('/content/products/0/ranges/0/introduced');
    expect(await bad(widget({ type: 'SEMVER', introduced: '2.0.0', fixed: '1.2.0' }))).toBe('/content/products/0/ranges/0/fixed');
    expect(await bad(widget({ type: 'SEMVER', introduced: '1.0.0', fixed: '1.2.0', lastAffected: '1.1.0' }))).toBe('/content/products/0/ranges/0/lastAffected');
    expect(await bad(widget({ type: 'GIT', repo: 'https://git.example/x', introduced: 'abc123' }))).toBe('/content/products/0/ranges/0/introduced');
    expect(await bad(widget({ type: 'GIT', introduced: '0' }))).toBe('/content/products/0/ranges/0/repo');
    expect(await bad({ products: [{ vendor: 'Acme', product: 'w', ranges: [{ type: 'ECOSYSTEM', introduced: '0', fixed: '2' }] }] })).toBe('/content/products/0/ranges/0/type');
    expect(await bad({ products: [{ vendor: 'Acme', product: 'w', ecosystem: 'Cobol', packageName: 'w' }] })).toBe('/content/products/0/ecosystem');
    expect(await bad({ products: [{ vendor: 'Acme', product: 'w', ranges: [{ type: 'SEMVER', introduced: '1.0.0|2', fixed: '1.2.0' }] }] })).toBe('/content/products/0/ranges/0/introduced');
    expect(await bad({ products: [{ vendor: 'Acme', product: 'w', versions: ['1.2.0'], ranges: [{ type: 'SEMVER', introduced: '1.0.0', fixed: '1.2.0' }] }] })).toBe('/content/products/0/versions/0');
    expect(await bad({ products: [{ vendor: 'Acme', product: 'w', status: 'not_affected', justification: 'component_not_present', ranges: [{ type: 'SEMVER', introduced: '0', fixed: '1.0.0' }] }] })).toBe('/content/products/0/ranges');
    expect(await bad({ references: [{ url: 'javascript:alert(1)' }] })).toBe('/content/references/0/url');
    expect(await bad({ title: 'a\u0000b' })).toBe('/content/title');
  });

  it('answers 422 csaf_invalid when the validator finds a problem the draft checks did not', async () => {
    // CWE-1039's name differs between the CWE list cvdesk ships and the one the CSAF validator knows.
    const id = await createDraft(t, lead, sampleContent({ vulnerabilities: [{ title: 'x', description: 'y', cve: 'CVE-2026-10002', cwes: [1039], cvss: [] }] }));
    const res = await publish(t, lead, id);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'csaf_invalid', details: [{ field: '/csaf/vulnerabilities/0/cwe/name', message: expect.stringContaining('mandatoryTest_6_1_11') }] });
    expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}`, token: lead.token })).json().revision).toBe(0);
  });

  it('makes a VEX document for not-affected statements about own products', async () => {
    const id = await createDraft(
      t,
      lead,
      sampleContent({
        kind: 'vex',
        title: 'Acme portal is not affected by CVE-2026-20001',
        products: [{ vendor: 'Acme', product: 'portal', status: 'not_affected', justification: 'vulnerable_code_not_present', versions: ['3.1.0', '3.2.0'] }],
        vulnerabilities: [{ title: 'Upstream flaw', description: 'A flaw in a library we do not ship in the affected form.', cve: 'CVE-2026-20001', cwes: [], cvss: [] }],
      }),
    );
    expect((await publish(t, lead, id)).statusCode).toBe(200);
    const doc = (await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf` })).json();
    expect(doc.document.category).toBe('csaf_vex');
    expect(await csafProblems(doc)).toEqual([]);
    expect(csafSchemaErrors(doc)).toEqual([]);
    expect(doc.vulnerabilities[0].flags).toEqual([{ label: 'vulnerable_code_not_present', product_ids: expect.any(Array) }]);
    // No package affected: no OSV record.
    expect((await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/osv` })).statusCode).toBe(404);
  });

  it('drafts an advisory from a resolved report, crediting the reporter only when they chose to be named', async () => {
    const program = await buildProgram(t.context);
    const hunter = await buildUser(t.context);
    await t.request({ method: 'PATCH', url: '/api/v1/me/hall-of-fame', token: hunter.token, payload: { handle: 'hunter', public: true } });
    const submitted = await t.request({
      method: 'POST',
      url: '/api/v1/reports',
      token: hunter.token,
      payload: { program: program.slug, title: 'IDOR on invoices', description: 'Any invoice can be read by id.', cvss: ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N'], cwe: 639 },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const reportId = submitted.json().id;
    const early = await t.request({ method: 'POST', url: '/api/v1/advisories', token: lead.token, payload: { fromReport: reportId } });
    expect(early.statusCode).toBe(409);
    for (const to of ['triaged', 'resolved']) {
      const moved = await t.request({ method: 'POST', url: `/api/v1/reports/${reportId}/transitions`, token: triager.token, payload: { to, reason: 'fixed' } });
      expect(moved.statusCode, moved.body).toBe(200);
    }
    const res = await t.request({ method: 'POST', url: '/api/v1/advisories', token: lead.token, payload: { fromReport: reportId } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ source: { kind: 'report', id: reportId }, draft: { content: { title: 'IDOR on invoices', credits: [{ name: 'hunter', consent: true }], vulnerabilities: [{ cwes: [639], cvss: ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N'] }] } } });
    expect((await t.request({ method: 'POST', url: '/api/v1/advisories', token: lead.token, payload: { fromReport: reportId } })).statusCode).toBe(409);
  });

  it('lists, searches and filters published advisories for everyone, and offers OSV in bulk', async () => {
    const id = await createDraft(t, lead, sampleContent({ title: 'Zebra overflow in gadget', products: [{ vendor: 'Acme', product: 'gadget', ecosystem: 'PyPI', packageName: 'gadget', ranges: [{ type: 'ECOSYSTEM', introduced: '0', fixed: '2.0' }] }], vulnerabilities: [{ title: 'Overflow', description: 'd', cve: 'CVE-2026-30001', cwes: [120], cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] }] }));
    expect((await publish(t, lead, id)).statusCode).toBe(200);
    const list = async (qs: string) => (await t.request({ method: 'GET', url: `/api/v1/advisories${qs}` })).json().items.map((a: { id: string }) => a.id) as string[];
    expect(await list('?q=zebra')).toEqual([id]);
    expect(await list('?q=CVE-2026-30001')).toEqual([id]);
    expect(await list('?product=gadget')).toEqual([id]);
    expect(await list('?severity=critical')).toEqual([id]);
    expect(await list('?q=100%25')).toEqual([]);
    expect(await list(`?year=${new Date().getUTCFullYear() + 1}`)).toEqual([]);
    expect((await t.request({ method: 'GET', url: '/api/v1/advisories?severity=bad' })).statusCode).toBe(400);
    const bulk = await t.request({ method: 'GET', url: '/api/v1/advisories/osv' });
    expect(bulk.statusCode).toBe(200);
    const records = bulk.json() as { id: string }[];
    expect(records.map((r) => r.id)).toContain(`x_localhost-${id}`);
    for (const record of records) expect(osvSchemaErrors(record)).toEqual([]);
  });
});
