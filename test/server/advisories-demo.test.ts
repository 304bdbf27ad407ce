import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { csafProblems } from '../../src/domain/csaf/csaf-validate.js';
import { seedDemoAccounts } from '../../src/demo/seed-accounts.js';
import { seedDemoAdvisories } from '../../src/demo/seed-advisories.js';
import { DEMO_PACKAGE, seedDemoCase } from '../../src/demo/seed-case.js';
import { seedDemoReports } from '../../src/demo/seed-reports.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { osvSchemaErrors } from '../domain/advisories/official-schemas.js';

describe.each(DIALECTS)('demo advisories on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('builds the outbound case through the review gate, the portal and a decision, once', async () => {
    await seedDemoAccounts(t.context, systemActor('test'));
    const made = await seedDemoCase(t.context);
    expect(made).not.toBeNull();
    expect(await seedDemoCase(t.context)).toBeNull();
    const db = t.context.db;
    const row = await db.selectFrom('cases').selectAll().where('id', '=', made!.caseId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'disclosed', project_key: DEMO_PACKAGE.projectKey, advisory_id: made!.advisoryId });

    // The review gate: Tomás found and imported the path traversal, Lena approved it; the ReDoS
    // warning was rejected and never reached the vendor.
    const candidates = await db.selectFrom('finding_candidates').select(['id', 'state', 'cwe', 'origin', 'decided_by']).where('project_key', '=', DEMO_PACKAGE.projectKey).orderBy('cwe').execute();
    expect(candidates.map((c) => [Number(c.cwe), c.state, c.origin])).toEqual([
      [22, 'approved', 'person'],
      [1333, 'rejected', 'automated'],
    ]);
    const vulnerabilities = await db.selectFrom('case_vulnerabilities').select(['candidate_id', 'versions']).where('case_id', '=', row.id).execute();
    expect(vulnerabilities).toEqual([{ candidate_id: candidates[0]!.id, versions: JSON.stringify([`< ${DEMO_PACKAGE.fixed}`]) }]);

    // Fabrikam, found by its package: notified (encrypted to its key), acknowledged and marked fixed in the portal.
    const [participant] = await db.selectFrom('case_participants').innerJoin('vendors', 'vendors.id', 'case_participants.vendor_id').select(['case_participants.id', 'vendors.name', 'case_participants.acknowledged_at', 'case_participants.notice_count']).where('case_id', '=', row.id).execute();
    expect(participant).toMatchObject({ name: 'Fabrikam', notice_count: 1 });
    expect(participant!.acknowledged_at).not.toBeNull();
    const notice = await db.selectFrom('case_notices').select(['recipient', 'encrypted_to']).where('case_id', '=', row.id).executeTakeFirstOrThrow();
    expect(notice.recipient).toBe('security@fabrikam.example');
    expect(notice.encrypted_to).toMatch(/^[0-9A-F]{40}$/);
    // …and signed with the notice-signing key Lena made for the demo (once: the second run made none).
    const signingKeys = await db.selectFrom('notice_signing_keys').select(['fingerprint', 'status']).execute();
    expect(signingKeys).toEqual([{ fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/), status: 'current' }]);
    const queued = await db.selectFrom('audit_events').select('data').where('action', '=', 'case.notice_queued').where('object_id', '=', row.id).executeTakeFirstOrThrow();
    expect(JSON.parse(queued.data)).toMatchObject({ encrypted: true, signedWith: signingKeys[0]!.fingerprint });
    const statuses = await db.selectFrom('case_participant_status').select('status').where('participant_id', '=', participant!.id).execute();
    expect(statuses).toEqual([{ status: 'fixed' }]);
    const log = (await db.selectFrom('case_log').select(['kind', 'channel']).where('case_id', '=', row.id).execute()).map((e) => `${e.kind}/${e.channel}`);
    expect(log).toEqual(expect.arrayContaining(['notice_queued/mail', 'acknowledged/portal', 'decision/staff']));
    const decision = await db.selectFrom('case_decisions').select('condition').where('case_id', '=', row.id).execute();
    expect(decision).toEqual([{ condition: 'fix_released' }]);
  });

  it('publishes one advisory drafted from the inbound report and one from the outbound case, once', async () => {
    await seedDemoReports(t.context);
    const { advisories } = await seedDemoAdvisories(t.context);
    expect(advisories).toHaveLength(2);
    expect((await seedDemoAdvisories(t.context)).advisories).toEqual([]);
    expect(await seedDemoCase(t.context)).toBeNull();
    const list = (await t.request({ method: 'GET', url: '/api/v1/advisories' })).json();
    expect(list.items.map((a: { id: string }) => a.id).sort()).toEqual([...advisories].sort());
    for (const id of advisories) {
      const doc = (await t.request({ method: 'GET', url: `/api/v1/advisories/${id}/csaf` })).json();
      expect(await csafProblems(doc)).toEqual([]);
    }
    const [fromReport, fromCase] = advisories as [string, string];
    const sources = await t.context.db.selectFrom('advisories').select(['tracking_id', 'source_kind', 'revision']).where('tracking_id', 'in', advisories).orderBy('tracking_id').execute();
    expect(Object.fromEntries(sources.map((s) => [s.tracking_id, [s.source_kind, s.revision]]))).toEqual({ [fromReport]: ['report', 1], [fromCase]: ['outbound_case', 1] });

    const view = (await t.request({ method: 'GET', url: `/api/v1/advisories/${fromReport}` })).json();
    expect(view.content.credits).toEqual([{ name: 'rosa', kind: 'person' }]);
    // The hall of fame links the credited researcher to the advisory.
    const hall = (await t.request({ method: 'GET', url: '/api/v1/hall-of-fame' })).json();
    expect(hall.items.find((e: { handle: string }) => e.handle === 'rosa').advisories).toEqual([{ id: fromReport, title: view.title }]);

    // The case's advisory: Fabrikam's package with the fixed version, and only the credit given with consent.
    const outbound = (await t.request({ method: 'GET', url: `/api/v1/advisories/${fromCase}` })).json();
    expect(outbound.title).toBe('Path traversal when extracting tarballs with fabrikam-tar');
    // Both are rated: the public list shows a severity for each.
    expect(list.items.map((a: { severity: string }) => a.severity)).not.toContain('unknown');
    expect(outbound.content.credits.map((c: { name: string }) => c.name)).toEqual(['Acme Security Research']);
    const osv = (await t.request({ method: 'GET', url: `/api/v1/advisories/${fromCase}/osv` })).json();
    expect(osvSchemaErrors(osv)).toEqual([]);
    expect(osv.aliases).toEqual(['CVE-2026-41002']);
    expect(osv.affected).toEqual([expect.objectContaining({ package: expect.objectContaining({ ecosystem: 'npm', name: 'fabrikam-tar' }), ranges: [expect.objectContaining({ events: [{ introduced: '0' }, { fixed: DEMO_PACKAGE.fixed }] })] })]);
    expect((await t.request({ method: 'GET', url: '/advisories' })).body).toContain('Path traversal when extracting tarballs with fabrikam-tar');
  });
});
