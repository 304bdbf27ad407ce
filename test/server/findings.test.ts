import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { SARIF_EXAMPLES, sarifLog } from '../domain/findings/findings.support.js';

describe.each(DIALECTS)('findings API on %s', (engine) => {
  let t: TestApp;
  let triager: BuiltUser;
  let lead: BuiltUser;
  let auditor: BuiltUser;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    triager = await buildUser(t.context, { roles: ['triager'] });
    lead = await buildUser(t.context, { roles: ['lead'] });
    auditor = await buildUser(t.context, { roles: ['auditor'] });
  });
  afterAll(async () => t?.close());

  const upload = (token: string, body: string | Buffer, query: string, contentType = 'application/sarif+json') =>
    t.request({ method: 'POST', url: `/api/v1/findings/imports?${query}`, token, headers: { 'content-type': contentType }, payload: body });

  it('imports an uploaded SARIF log (streamed, any content type) and re-importing creates nothing', async () => {
    const body = fs.readFileSync(path.join(SARIF_EXAMPLES, 'codeql-2.11.1_mrva_apache-hadoop.sarif'));
    const first = await upload(triager.token, body, 'source=codeql&filename=hadoop.sarif');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ format: 'sarif', read: 3, created: 3, duplicates: 0, suppressed: 0, rejected: 0 });
    const again = await upload(lead.token, body, 'source=codeql', 'application/json');
    expect(again.json()).toMatchObject({ read: 3, created: 0, duplicates: 3 });
    const imports = await t.request({ method: 'GET', url: '/api/v1/findings/imports?source=codeql', token: auditor.token });
    expect(imports.json().items.map((i: { created: number; filename: string | null }) => [i.created, i.filename])).toEqual([
      [0, null],
      [3, 'hadoop.sarif'],
    ]);
  });

  it('takes --target from the query for logs that name no repository', async () => {
    const body = fs.readFileSync(path.join(SARIF_EXAMPLES, 'semgrep_test_sarif_output_with_dataflow_traces.sarif'));
    const res = await upload(triager.token, body, `source=semgrep&target=${encodeURIComponent('pkg:pypi/taint-demo@0.1')}`, 'application/octet-stream');
    expect(res.json()).toMatchObject({ created: 1, rejected: 0 });
  });

  it('answers 400 naming the problem for a bad query or a malformed body, and stores nothing', async () => {
    const missing = await upload(triager.token, '{}', '');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].field).toBe('/source');
    const badTarget = await upload(triager.token, '{}', 'source=x&target=nonsense');
    expect(badTarget.json().error.details[0].field).toBe('/target');
    const before = (await t.request({ method: 'GET', url: '/api/v1/findings/candidates?state=all&limit=200', token: triager.token })).json().total;
    const text = JSON.stringify(sarifLog([{ line: 1 }, { line: 2 }], { repository: 'https://github.com/api/truncated' }));
    const truncated = await upload(triager.token, text.slice(0, -20), 'source=broken');
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.code).toBe('invalid_json');
    expect(truncated.json().error.message).toMatch(/truncated/);
    const deep = await upload(triager.token, `{"version":"2.1.0","runs":${'['.repeat(5000)}`, 'source=broken');
    expect(deep.json().error.message).toMatch(/nesting deeper/);
    const after = (await t.request({ method: 'GET', url: '/api/v1/findings/candidates?state=all&limit=200', token: triager.token })).json().total;
    expect(after).toBe(before);
    const failed = (await t.request({ method: 'GET', url: '/api/v1/findings/imports?source=broken', token: triager.token })).json().items;
    expect(failed.map((i: { state: string }) => i.state)).toEqual(['failed', 'failed']);
  });

  it('refuses an import from roles that may not import, before reading the upload', async () => {
    const reporter = await buildUser(t.context, { roles: ['reporter'] });
    for (const user of [reporter, auditor]) {
      const res = await upload(user.token, '{"version":"2.1.0","runs":[]}', 'source=x');
      expect(res.statusCode).toBe(403);
    }
    const anonymous = await t.request({ method: 'POST', url: '/api/v1/findings/imports?source=x', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('serves the queue, a candidate, the review gate, groups, suppressions and the dashboard', async () => {
    // The triager's token uploads for the "queue" scanner: its findings count as automated (finding-automated-sources.test.ts has the rest).
    const registered = await t.request({ method: 'POST', url: '/api/v1/findings/automated-sources', token: lead.token, payload: { name: 'queue', description: 'The queue scanner', uploaderEmail: triager.row.email } });
    expect(registered.statusCode, registered.body).toBe(201);
    const log = sarifLog([{ line: 1, fingerprint: 'q1' }, { rule: 'js/sqli', line: 2 }], { repository: 'https://github.com/api/queue' });
    const imported = await upload(triager.token, JSON.stringify(log), 'source=queue');
    expect(imported.statusCode).toBe(201);
    expect(imported.json().automation).toBe('registered');
    const queue = await t.request({ method: 'GET', url: `/api/v1/findings/candidates?project=${encodeURIComponent('repo:github.com/api/queue')}&minSeverity=0`, token: auditor.token });
    expect(queue.statusCode, queue.body).toBe(200);
    const items = queue.json().items as { id: string; rule: string; priority: number }[];
    expect(items.map((i) => i.rule)).toEqual(['js/sqli', 'js/xss']);

    const detail = await t.request({ method: 'GET', url: `/api/v1/findings/candidates/${items[1]!.id}`, token: triager.token });
    expect(detail.json()).toMatchObject({ rule: 'js/xss', cwe: 79, origin: 'automated', canApprove: false, approvalBlock: expect.stringMatching(/uploads the automated findings/), items: [{ source: 'queue', finder: { kind: 'automated', name: 'TestScanner' }, countedAs: 'automated', importedBy: triager.row.email }] });
    expect((await t.request({ method: 'GET', url: `/api/v1/findings/candidates/${items[1]!.id}`, token: auditor.token })).json().canApprove).toBe(false);

    const rejected = await t.request({ method: 'POST', url: `/api/v1/findings/candidates/${items[1]!.id}/review`, token: triager.token, payload: { decision: 'reject', reason: 'false_positive', note: 'test code' } });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ state: 'rejected', rejectionReason: 'false_positive', suppressionsCreated: 1 });
    const approved = await t.request({ method: 'POST', url: `/api/v1/findings/candidates/${items[0]!.id}/review`, token: lead.token, payload: { decision: 'approve' } });
    expect(approved.json()).toMatchObject({ state: 'approved' });
    const unknownField = await t.request({ method: 'POST', url: `/api/v1/findings/candidates/${items[0]!.id}/review`, token: lead.token, payload: { decision: 'approve', extra: 1 } });
    expect(unknownField.statusCode).toBe(400);

    const suppressions = await t.request({ method: 'GET', url: `/api/v1/findings/suppressions?project=${encodeURIComponent('repo:github.com/api/queue')}`, token: auditor.token });
    expect(suppressions.json().items).toMatchObject([{ kind: 'fingerprint', reason: 'false_positive', note: 'test code' }]);
    const groups = await t.request({ method: 'GET', url: '/api/v1/findings/groups', token: triager.token });
    expect(groups.json().items.find((g: { projectKey: string }) => g.projectKey === 'repo:github.com/api/queue')).toMatchObject({ candidates: 1, approved: 1 });
    const dashboard = await t.request({ method: 'GET', url: '/api/v1/findings/dashboard?days=30', token: auditor.token });
    expect(dashboard.json().sources.find((s: { name: string }) => s.name === 'queue')).toMatchObject({ approved: 1, falsePositive: 1, falsePositiveRate: 0.5 });

    const removed = await t.request({ method: 'DELETE', url: `/api/v1/findings/suppressions/${suppressions.json().items[0].id}`, token: lead.token });
    expect(removed.statusCode).toBe(204);
    const audit = await t.context.db.selectFrom('audit_events').select('action').where('action', 'like', 'finding%').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['findings.imported', 'finding_candidate.rejected', 'finding_candidate.approved', 'finding_suppression.deleted']));
  });

  it('imports an SBOM upload and lists it', async () => {
    const native = { format: 'cvdesk-findings', version: 1, finder: { kind: 'automated', name: 'deps' }, findings: [{ title: 'Bug in zlib-thing', rule: 'r', severity: 'high', target: { purl: 'pkg:npm/zlib-thing@1.2.3' } }] };
    expect((await upload(triager.token, JSON.stringify(native), 'source=deps', 'application/json')).json()).toMatchObject({ created: 1 });
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'zlib-thing', version: '1.2.3', purl: 'pkg:npm/zlib-thing@1.2.3' }] };
    const res = await t.request({ method: 'POST', url: '/api/v1/sboms?name=Website', token: lead.token, headers: { 'content-type': 'application/vnd.cyclonedx+json' }, payload: JSON.stringify(bom) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Website', format: 'cyclonedx', components: 1, candidatesMarked: 1 });
    const list = await t.request({ method: 'GET', url: '/api/v1/sboms', token: auditor.token });
    expect(list.json().items).toMatchObject([{ name: 'Website', components: 1 }]);
    const inUse = await t.request({ method: 'GET', url: '/api/v1/findings/candidates?inUse=true', token: triager.token });
    expect(inUse.json().items).toMatchObject([{ target: 'pkg:npm/zlib-thing@1.2.3', componentInUse: [{ sbom: 'Website', name: 'zlib-thing', version: '1.2.3' }] }]);
    const notifications = await t.request({ method: 'GET', url: '/api/v1/notifications', token: triager.token });
    expect(JSON.stringify(notifications.json())).toContain('We use an affected component');
  });
});
