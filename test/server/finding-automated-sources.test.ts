import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';

/**
 * Registered automated sources over the API, and the review gate's exploit as a triager would try
 * it: upload your own finding declaring itself automated, then approve it.
 */
describe.each(DIALECTS)('automated finding sources API on %s', (engine) => {
  let t: TestApp;
  let triager: BuiltUser;
  let colleague: BuiltUser;
  let lead: BuiltUser;
  let auditor: BuiltUser;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    triager = await buildUser(t.context, { roles: ['triager'] });
    colleague = await buildUser(t.context, { roles: ['triager'] });
    lead = await buildUser(t.context, { roles: ['lead'] });
    auditor = await buildUser(t.context, { roles: ['auditor'] });
  });
  afterAll(async () => t?.close());

  const own = (title: string) =>
    JSON.stringify({ format: 'cvdesk-findings', version: 1, finder: { kind: 'automated', name: 'Definitely a scanner' }, findings: [{ title, rule: 'authz', severity: 'critical', target: { repository: `https://git.example.org/api/${title.replace(/\W/g, '-')}` } }] });
  const upload = (token: string, body: string, source: string) =>
    t.request({ method: 'POST', url: `/api/v1/findings/imports?source=${encodeURIComponent(source)}`, token, headers: { 'content-type': 'application/json' }, payload: body });
  const candidateId = async (title: string) => (await t.context.db.selectFrom('finding_candidates').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id;
  const approve = (token: string, id: string) => t.request({ method: 'POST', url: `/api/v1/findings/candidates/${id}/review`, token, payload: { decision: 'approve' } });

  it('refuses the self-declared automated finding of an unregistered source with a 403 naming why, and shows why on the candidate', async () => {
    const imported = await upload(triager.token, own('Approve me alone'), 'totally-a-bot');
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({ created: 1, automation: 'unregistered' });
    const id = await candidateId('Approve me alone');
    const refused = await approve(triager.token, id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/declared automated, but source "totally-a-bot" was not a registered automated source.*did not import it/) });
    const detail = (await t.request({ method: 'GET', url: `/api/v1/findings/candidates/${id}`, token: triager.token })).json();
    expect(detail).toMatchObject({ origin: 'person', canApprove: false, approvalBlock: refused.json().error.message, authors: [triager.row.id] });
    expect(detail.items[0]).toMatchObject({ countedAs: 'person', importedBy: triager.row.email, why: expect.stringMatching(/not a registered automated source/) });
    const queue = (await t.request({ method: 'GET', url: '/api/v1/findings/candidates?source=totally-a-bot', token: auditor.token })).json();
    expect(queue.items).toMatchObject([{ id, origin: 'person' }]);
    expect((await approve(colleague.token, id)).json()).toMatchObject({ state: 'approved', origin: 'person' });
  });

  it('lets a lead register a source for an uploader, lists it to staff, and retire it; all audited', async () => {
    const created = await t.request({ method: 'POST', url: '/api/v1/findings/automated-sources', token: lead.token, payload: { name: ' ci-codeql ', description: 'CodeQL in CI (platform team)', uploaderEmail: colleague.row.email } });
    expect(created.statusCode, created.body).toBe(201);
    const source = created.json();
    expect(source).toMatchObject({ name: 'ci-codeql', uploader: colleague.row.email, uploaderId: colleague.row.id, registeredBy: lead.row.email, retiredAt: null, retiredBy: null });

    // The pipeline's account uploads: automated, one engineer approves — the triager, who is neither finder nor importer, or anyone.
    expect((await upload(colleague.token, own('From CI'), 'ci-codeql')).json().automation).toBe('registered');
    const fromCi = await candidateId('From CI');
    const detail = (await t.request({ method: 'GET', url: `/api/v1/findings/candidates/${fromCi}`, token: triager.token })).json();
    expect(detail).toMatchObject({ origin: 'automated', canApprove: true, originReasons: ['automated: registered source "ci-codeql"'] });
    // The triager borrowing the name is refused.
    expect((await upload(triager.token, own('Borrowed'), 'ci-codeql')).json().automation).toBe('other_uploader');
    expect((await approve(triager.token, await candidateId('Borrowed'))).statusCode).toBe(403);

    for (const who of [triager, lead, auditor]) {
      const list = await t.request({ method: 'GET', url: '/api/v1/findings/automated-sources', token: who.token });
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((s: { name: string }) => s.name)).toContain('ci-codeql');
    }
    const twice = await t.request({ method: 'POST', url: '/api/v1/findings/automated-sources', token: lead.token, payload: { name: 'ci-codeql', description: 'again' } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('conflict');
    const byTriager = await t.request({ method: 'POST', url: '/api/v1/findings/automated-sources', token: triager.token, payload: { name: 'mine', description: 'my bot' } });
    expect(byTriager.statusCode).toBe(403);
    const unknownField = await t.request({ method: 'POST', url: '/api/v1/findings/automated-sources', token: lead.token, payload: { name: 'x', description: 'x', trusted: true } });
    expect(unknownField.statusCode).toBe(400);
    const wrongType = await t.request({ method: 'POST', url: '/api/v1/findings/automated-sources', token: lead.token, payload: { name: 'x', description: 'x', uploaderEmail: 42 } });
    expect(wrongType.statusCode).toBe(400);

    expect((await t.request({ method: 'POST', url: `/api/v1/findings/automated-sources/${source.id}/retire`, token: triager.token })).statusCode).toBe(403);
    const retired = await t.request({ method: 'POST', url: `/api/v1/findings/automated-sources/${source.id}/retire`, token: lead.token });
    expect(retired.statusCode, retired.body).toBe(200);
    expect(retired.json()).toMatchObject({ id: source.id, retiredBy: lead.row.email, candidatesNowPersonFound: 1 });
    expect((await t.request({ method: 'POST', url: `/api/v1/findings/automated-sources/${source.id}/retire`, token: lead.token })).statusCode).toBe(409);
    // Retired: no longer listed by default, still in the history; the CI finding is a person's now, so its importer may not approve it.
    expect((await t.request({ method: 'GET', url: '/api/v1/findings/automated-sources', token: auditor.token })).json().items.map((s: { id: string }) => s.id)).not.toContain(source.id);
    expect((await t.request({ method: 'GET', url: '/api/v1/findings/automated-sources?includeRetired=true', token: auditor.token })).json().items).toContainEqual(expect.objectContaining({ id: source.id, retiredAt: expect.any(String) }));
    expect((await approve(colleague.token, fromCi)).statusCode).toBe(403);
    expect((await approve(triager.token, fromCi)).json()).toMatchObject({ state: 'approved', origin: 'person' });

    const audit = await t.context.db.selectFrom('audit_events').select(['action', 'actor_id']).where('object_id', '=', source.id).orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'finding_automated_source.registered', actor_id: lead.row.id },
      { action: 'finding_automated_source.retired', actor_id: lead.row.id },
    ]);
  });
});
