import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/cve-services/emulator/emulator-server.js';
import { runRecordOperation } from '../../src/domain/cve-records/record-publication.js';
import { runPublicationClock } from '../../src/domain/cve-records/publication-clock.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';
import { emulator } from '../cve-services/emulator.support.js';
import { EMULATED } from '../cve-services/fixtures.js';

const ORG_ID = 'b3476cb9-2e3d-41a6-98d0-0f47421a65b6';
const HOUR = 3_600_000;

const PROFILE = {
  orgId: ORG_ID,
  scopeStatement: 'All software **Acme** ships.',
  products: ['Acme Web', 'Acme Agent'],
  thirdPartyCovered: false,
  exclusions: [{ title: 'AI model behaviour', explanation: 'AI model behaviour — jailbreaks, harmful outputs — is not a vulnerability under this policy.' }],
};

const ELIGIBLE = { nature: 'vulnerability', scope: 'own-product', independentlyFixable: true, willBePublic: true, tags: ['exclusively-hosted-service'] };

describe.each(DIALECTS)('CNA workflow on %s', (engine) => {
  let t: TestApp;
  let service: RunningEmulator;
  const clock = testClock(new Date('2026-11-28T08:00:00Z'));
  let lead: BuiltUser;
  let cna: BuiltUser;
  let triager: BuiltUser;
  let auditor: BuiltUser;
  let reporter: BuiltUser;
  let reportId: string;

  beforeAll(async () => {
    service = await emulator({ quota: 50, now: () => clock.now() });
    t = await buildTestApp(engine, { CVE_API_URL: service.url, CVE_ORG: EMULATED.org, CVE_USER: EMULATED.user, CVE_API_KEY: EMULATED.key, CVE_API_RETRIES: '0', CVE_ID_UNUSED_DAYS: '21' }, clock);
    [lead, cna, triager, auditor, reporter] = [
      await buildUser(t.context, { roles: ['lead'] }),
      await buildUser(t.context, { roles: ['cna'] }),
      await buildUser(t.context, { roles: ['triager'] }),
      await buildUser(t.context, { roles: ['auditor'] }),
      await buildUser(t.context, { roles: ['reporter'] }),
    ];
    const program = await buildProgram(t.context);
    const detail = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).json();
    const report = await t.request({
      method: 'POST',
      url: '/api/v1/reports',
      token: reporter.token,
      payload: { program: program.slug, title: 'Stored XSS in the profile page', description: 'The bio field is rendered unescaped.', asset: detail.scope[0].id, cwe: 79, cvss: ['CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N'] },
    });
    expect(report.statusCode, report.body).toBe(201);
    reportId = report.json().id;
  });
  afterAll(async () => {
    await t?.close();
    await service?.close();
  });

  const audit = (action: string) => t.context.db.selectFrom('audit_events').select(['object_id', 'data', 'actor_label']).where('action', '=', action).execute();

  it('keeps the CNA profile: leads edit it, audited; the short name comes from the CVE Services connection', async () => {
    const empty = await t.request({ method: 'GET', url: '/api/v1/cna/profile', token: triager.token });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ orgId: null, products: [], shortName: EMULATED.org, unusedIdDays: 21, updatedAt: null });
    expect((await t.request({ method: 'PUT', url: '/api/v1/cna/profile', token: cna.token, payload: PROFILE })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/v1/cna/profile', token: reporter.token })).statusCode).toBe(403);

    const saved = await t.request({ method: 'PUT', url: '/api/v1/cna/profile', token: lead.token, payload: PROFILE });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ orgId: ORG_ID, products: ['Acme Web', 'Acme Agent'], exclusions: [{ id: 'ai-model-behaviour', title: 'AI model behaviour' }], updatedBy: expect.any(String) });
    const events = await audit('cna.profile_changed');
    expect(events).toHaveLength(1);
    expect(Object.keys(JSON.parse(events[0]!.data).changes).sort()).toEqual(['exclusions', 'orgId', 'products', 'scopeStatement']);
    // Saving the same again changes nothing and audits nothing.
    await t.request({ method: 'PUT', url: '/api/v1/cna/profile', token: lead.token, payload: PROFILE });
    expect(await audit('cna.profile_changed')).toHaveLength(1);
  });

  it('refuses a bad profile, naming the field, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ ...PROFILE, orgId: 'not-a-uuid' }, '/orgId'],
      [{ ...PROFILE, products: ['Acme', 'acme '] }, '/products/1'],
      [{ ...PROFILE, products: ['bad\u0000name'] }, '/products/0'],
      [{ ...PROFILE, exclusions: [{ title: 'X', explanation: '' }] }, '/exclusions/0/explanation'],
      [{ ...PROFILE, exclusions: [{ title: 'Same', explanation: 'a' }, { title: 'same', explanation: 'b' }] }, '/exclusions/1/id'],
      [{ ...PROFILE, exclusions: [{ id: 'Not A Slug', title: 'X', explanation: 'y' }] }, '/exclusions/0/id'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.request({ method: 'PUT', url: '/api/v1/cna/profile', token: lead.token, payload: payload as object });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await t.request({ method: 'GET', url: '/api/v1/cna/profile', token: lead.token })).json().products).toEqual(PROFILE.products);
  });

  it('publishes the policy as a page readable without JavaScript and as JSON', async () => {
    const json = await t.request({ method: 'GET', url: '/api/v1/cna/policy' });
    expect(json.statusCode).toBe(200);
    const policy = json.json();
    expect(policy.scope.products).toEqual(PROFILE.products);
    expect(policy.scope.statement.html).toContain('<strong>Acme</strong>');
    expect(policy.exclusions[0].explanation.html).toContain('jailbreaks');
    expect(policy.assignment.join(' ')).toContain('21 days');
    expect(policy.updatedAt).toBe(clock.now().toISOString());
    const page = await t.request({ method: 'GET', url: '/cna' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).not.toContain('<script');
    for (const heading of ['What is in scope', 'What is not in scope, and why', 'How to request a CVE', 'How IDs are assigned', 'How disclosure is coordinated', 'How to dispute']) expect(page.body).toContain(heading);
    expect(page.body).toContain('Last updated 2026-11-28');
    expect(page.body).toContain('AI model behaviour');
    expect(page.body).toContain('https://cveform.mitre.org/');
  });

  it('escapes what leads write on the public page', async () => {
    const hostile = { ...PROFILE, products: [...PROFILE.products, '<img src=x onerror=alert(1)>'], exclusions: [{ title: '<script>alert(1)</script>', explanation: '<b onmouseover=x>hi</b> [x](javascript:alert(1))' }] };
    expect((await t.request({ method: 'PUT', url: '/api/v1/cna/profile', token: lead.token, payload: hostile })).statusCode).toBe(200);
    const page = (await t.request({ method: 'GET', url: '/cna' })).body;
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b onmouseover');
    expect(page).not.toContain('href="javascript:');
    expect((await t.request({ method: 'PUT', url: '/api/v1/cna/profile', token: lead.token, payload: PROFILE })).statusCode).toBe(200);
  });

  let recordId: string;

  it('drafts from a report without a provider in the body (the profile gives the organisation UUID)', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/cve-records/from-report', token: triager.token, payload: { reportId } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().container.providerMetadata).toEqual({ orgId: ORG_ID, shortName: EMULATED.org });
    recordId = res.json().id;
  });

  it('derives eligibility from the questionnaire, keeps the rationale, and assigns an ID only when eligible', async () => {
    const url = `/api/v1/cve-records/${recordId}/eligibility`;
    expect((await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/assign-id`, token: cna.token, payload: {} })).json().error.code).toBe('not_eligible');
    expect((await t.request({ method: 'POST', url, token: triager.token, payload: { answers: ELIGIBLE, rationale: 'x' } })).statusCode).toBe(403);

    const excluded = await t.request({ method: 'POST', url, token: cna.token, payload: { answers: { ...ELIGIBLE, exclusion: 'ai-model-behaviour' }, rationale: 'A jailbreak of the assistant.' } });
    expect(excluded.statusCode, excluded.body).toBe(201);
    expect(excluded.json()).toMatchObject({ outcome: 'do_not_assign', reasons: [{ rule: 'exclusion:ai-model-behaviour' }], rationale: 'A jailbreak of the assistant.' });
    const refused = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/assign-id`, token: cna.token, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('not_eligible');

    const other = await t.request({ method: 'POST', url, token: cna.token, payload: { answers: { ...ELIGIBLE, scope: 'other-cna', otherCna: 'GitHub_M' }, rationale: 'Upstream library.' } });
    expect(other.json()).toMatchObject({ outcome: 'refer', referTo: 'GitHub_M' });

    const bad = await t.request({ method: 'POST', url, token: cna.token, payload: { answers: { ...ELIGIBLE, exclusion: 'no-such-exclusion' }, rationale: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('/answers/exclusion');

    const yes = await t.request({ method: 'POST', url, token: lead.token, payload: { answers: ELIGIBLE, rationale: 'Stored XSS in our own product, fixed on its own.' } });
    expect(yes.json().outcome).toBe('assign');
    // The decision's tags are carried into the record, not typed again.
    const record = await t.request({ method: 'GET', url: `/api/v1/cve-records/${recordId}`, token: cna.token });
    expect(record.json().container.tags).toEqual(['exclusively-hosted-service']);
    const history = await t.request({ method: 'GET', url, token: auditor.token });
    expect(history.json().items.map((d: { outcome: string }) => d.outcome)).toEqual(['assign', 'refer', 'do_not_assign']);
    expect(await audit('cna.eligibility_decided')).toHaveLength(3);

    // No ID in the pool yet: the pool says so.
    const empty = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/assign-id`, token: cna.token, payload: {} });
    expect(empty.statusCode).toBe(409);

    const reserved = await t.request({ method: 'POST', url: '/api/v1/cve-ids/reservations', token: cna.token, payload: { amount: 2 }, headers: { 'idempotency-key': `cna-test-${engine}-0001` } });
    expect(reserved.statusCode, reserved.body).toBe(202);
    await t.context.jobs.drain();
    const assigned = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/assign-id`, token: cna.token, payload: {} });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().cveId).toMatch(/^CVE-2026-\d+$/);
    const pool = await t.context.db.selectFrom('cve_ids').select(['subject_kind', 'subject_ref']).where('cve_id', '=', assigned.json().cveId).executeTakeFirstOrThrow();
    expect(pool).toEqual({ subject_kind: 'report', subject_ref: reportId });
    expect((await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/assign-id`, token: cna.token, payload: {} })).statusCode).toBe(409);
  });

  it('runs the publication clock from the disclosure and alerts the CNA role once per mark', async () => {
    const disclosed = new Date(clock.now().getTime() - 19 * HOUR).toISOString();
    const future = await t.request({ method: 'PATCH', url: `/api/v1/cve-records/${recordId}`, token: cna.token, payload: { disclosedAt: new Date(clock.now().getTime() + 2 * HOUR).toISOString() } });
    expect(future.statusCode).toBe(400);
    const res = await t.request({ method: 'PATCH', url: `/api/v1/cve-records/${recordId}`, token: cna.token, payload: { disclosedAt: disclosed } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().publicationClock).toMatchObject({ status: 'approaching', hoursElapsed: 19, shouldPublishBy: new Date(Date.parse(disclosed) + 24 * HOUR).toISOString() });
    const mailsTo = async (email: string) => (await t.context.db.selectFrom('mail_outbox').select(['subject']).where('recipient', '=', email).execute()).filter((m) => m.subject.startsWith('[CNA]'));
    expect((await runPublicationClock(t.context)).alerted).toBe(1);
    expect(await runPublicationClock(t.context)).toMatchObject({ alerted: 0 });
    expect(await mailsTo(cna.row.email)).toHaveLength(1);
    expect(await mailsTo(lead.row.email)).toHaveLength(1);
    expect(await mailsTo(triager.row.email)).toHaveLength(0);
    clock.advance(6 * HOUR);
    expect((await runPublicationClock(t.context)).alerted).toBe(1);
    const over = (await mailsTo(cna.row.email)).map((m) => m.subject);
    expect(over[1]).toContain('overdue');
    clock.advance(48 * HOUR);
    expect((await runPublicationClock(t.context)).alerted).toBe(1);
    expect((await t.request({ method: 'GET', url: `/api/v1/cve-records/${recordId}`, token: auditor.token })).json().publicationClock.status).toBe('breached');
  });

  it("starts a draft's clock when its report's disclosure is published", async () => {
    const draft = (await t.request({ method: 'POST', url: '/api/v1/cve-records/from-report', token: cna.token, payload: { reportId } })).json();
    expect(draft.disclosedAt).toBeNull();
    const publishedAt = new Date(clock.now().getTime() - 2 * HOUR).toISOString();
    await t.context.db
      .insertInto('report_disclosures')
      .values({ report_id: reportId, requested_at: publishedAt, requested_by: 'staff', reporter_agreed_at: publishedAt, staff_agreed_at: publishedAt, due_at: null, level: 'full', title: 'XSS', summary: 'XSS', description: null, steps: null, impact: null, published_at: publishedAt, timeline: null, timeline_redactions: null })
      .execute();
    expect((await runPublicationClock(t.context)).adopted).toBeGreaterThanOrEqual(1);
    const after = (await t.request({ method: 'GET', url: `/api/v1/cve-records/${draft.id}`, token: cna.token })).json();
    expect(after.publicationClock).toMatchObject({ disclosedAt: publishedAt, status: 'running', hoursElapsed: 2 });
    expect(await audit('cve_record.disclosure_noted')).toContainEqual(expect.objectContaining({ object_id: draft.id }));
    // A draft made now takes the disclosure at once.
    const later = (await t.request({ method: 'POST', url: '/api/v1/cve-records/from-report', token: cna.token, payload: { reportId } })).json();
    expect(later.disclosedAt).toBe(publishedAt);
  });

  it('publishes through CVE Services as a job, then rejects and undoes the rejection', async () => {
    const record = (await t.request({ method: 'GET', url: `/api/v1/cve-records/${recordId}`, token: cna.token })).json();
    const cveId = record.cveId as string;
    // Not valid yet (no public reference): refused before anything is queued.
    const early = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/publish`, token: cna.token });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.details.map((d: { field: string }) => d.field)).toContain('/container/references');
    const container = { ...record.container, references: [{ url: 'https://acme.example/advisories/1' }] };
    expect((await t.request({ method: 'PATCH', url: `/api/v1/cve-records/${recordId}`, token: cna.token, payload: { container } })).statusCode).toBe(200);

    expect((await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/publish`, token: triager.token })).statusCode).toBe(403);
    const requested = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/publish`, token: cna.token });
    expect(requested.statusCode, requested.body).toBe(202);
    expect(requested.json()).toMatchObject({ kind: 'publish', status: 'pending' });
    const twice = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/publish`, token: cna.token });
    expect(twice.statusCode).toBe(409);
    await t.context.jobs.drain();
    const published = (await t.request({ method: 'GET', url: `/api/v1/cve-records/${recordId}`, token: cna.token })).json();
    expect(published).toMatchObject({ state: 'published', version: 1, publicationClock: { status: 'met_late' } });
    expect(service.org.ids.find((i) => i.cveId === cveId)?.state).toBe('PUBLISHED');
    // The job running again (a worker died after finishing) does nothing more.
    const posts = service.requests.length;
    await runRecordOperation(t.context, requested.json().id);
    expect(service.requests.length).toBe(posts);
    expect((await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/publish`, token: cna.token })).json().error.code).toBe('invalid_transition');

    const noReason = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/reject`, token: cna.token, payload: { reasons: [{ lang: 'de', value: 'Duplikat' }] } });
    expect(noReason.statusCode).toBe(400);
    const reject = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/reject`, token: lead.token, payload: { reasons: [{ lang: 'en', value: 'Duplicate of an earlier record.' }] } });
    expect(reject.statusCode, reject.body).toBe(202);
    await t.context.jobs.drain();
    expect((await t.request({ method: 'GET', url: `/api/v1/cve-records/${recordId}`, token: cna.token })).json()).toMatchObject({ state: 'rejected', version: 2 });
    expect(service.org.ids.find((i) => i.cveId === cveId)?.state).toBe('REJECTED');

    const undo = await t.request({ method: 'POST', url: `/api/v1/cve-records/${recordId}/undo-reject`, token: cna.token });
    expect(undo.statusCode, undo.body).toBe(202);
    await t.context.jobs.drain();
    expect((await t.request({ method: 'GET', url: `/api/v1/cve-records/${recordId}`, token: cna.token })).json()).toMatchObject({ state: 'published', version: 3 });
    expect(service.org.ids.find((i) => i.cveId === cveId)?.state).toBe('PUBLISHED');
    const ops = (await t.request({ method: 'GET', url: `/api/v1/cve-records/${recordId}/operations`, token: auditor.token })).json().items;
    expect(ops.map((o: { kind: string; status: string }) => `${o.kind}:${o.status}`)).toEqual(['undo_reject:done', 'reject:done', 'publish:done']);
  });

  it('keeps an operation when the service is down, and finishes it on the retry without doing it twice', async () => {
    const draft = (await t.request({ method: 'POST', url: '/api/v1/cve-records/from-report', token: cna.token, payload: { reportId } })).json();
    await t.request({ method: 'POST', url: `/api/v1/cve-records/${draft.id}/eligibility`, token: cna.token, payload: { answers: ELIGIBLE, rationale: 'A second flaw, fixed separately.' } });
    const assigned = await t.request({ method: 'POST', url: `/api/v1/cve-records/${draft.id}/assign-id`, token: cna.token, payload: {} });
    expect(assigned.statusCode, assigned.body).toBe(200);
    await t.request({ method: 'PATCH', url: `/api/v1/cve-records/${draft.id}`, token: cna.token, payload: { container: { ...draft.container, references: [{ url: 'https://acme.example/advisories/2' }] } } });
    const op = (await t.request({ method: 'POST', url: `/api/v1/cve-records/${draft.id}/publish`, token: cna.token })).json();
    service.injectFaults([{ status: 503 }]);
    await expect(runRecordOperation(t.context, op.id)).rejects.toThrow();
    const calling = await t.context.db.selectFrom('cve_record_operations').select(['status', 'attempts']).where('id', '=', op.id).executeTakeFirstOrThrow();
    expect(calling).toEqual({ status: 'calling', attempts: 1 });
    expect((await t.request({ method: 'GET', url: `/api/v1/cve-records/${draft.id}`, token: cna.token })).json().state).toBe('draft');
    const done = await runRecordOperation(t.context, op.id);
    expect(done?.status).toBe('done');
    expect((await t.request({ method: 'GET', url: `/api/v1/cve-records/${draft.id}/versions`, token: cna.token })).json().items).toHaveLength(1);
    await t.context.jobs.drain();
    expect((await t.request({ method: 'GET', url: `/api/v1/cve-records/${draft.id}/versions`, token: cna.token })).json().items).toHaveLength(1);
  });
});
