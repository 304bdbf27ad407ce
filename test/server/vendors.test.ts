import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provideDiscoveryNetwork } from '../../src/domain/discovery/discovery.service.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { inAMonth, mailResolver, site, startVirtualHosts, testResolver, type VirtualHosts } from '../domain/discovery/discovery.support.js';

describe.each(DIALECTS)('vendors API on %s', (engine) => {
  let t: TestApp;
  let web: VirtualHosts;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let auditor: BuiltUser;
  let reporter: BuiltUser;
  let vendorId: string;

  beforeAll(async () => {
    t = await buildTestApp(engine, { CVDESK_FETCH_ALLOW_LOOPBACK: '1' });
    web = await startVirtualHosts();
    provideDiscoveryNetwork(t.context, { resolve: testResolver, mailResolver: mailResolver({ 'widgets.test': ['mx.widgets.test'] }) });
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    auditor = await buildUser(t.context, { roles: ['auditor'] });
    reporter = await buildUser(t.context, { roles: ['reporter'] });
  });
  afterAll(async () => {
    await web?.close();
    await t?.close();
  });

  it('lets triagers create vendors, staff read them, and refuses reporters and anonymous callers', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/vendors',
      token: triager.token,
      payload: { name: 'Widgets Ltd', domains: ['widgets.test'], packages: ['pkg:cargo/widgets'], notes: '*Friendly*', contacts: [{ kind: 'email', value: 'security@widgets.test' }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    vendorId = created.json().id;
    expect(created.json()).toMatchObject({ name: 'Widgets Ltd', domains: ['widgets.test'], packages: [{ ecosystem: 'cargo', name: 'widgets', purl: 'pkg:cargo/widgets' }], notes: { html: '<p><em>Friendly</em></p>\n' } });
    const read = await t.request({ method: 'GET', url: `/api/v1/vendors/${vendorId}`, token: auditor.token });
    expect(read.statusCode).toBe(200);
    expect(read.json().contacts[0]).toMatchObject({ kind: 'email', value: 'security@widgets.test', status: 'unverified', preferred: true, evidence: null });
    expect((await t.request({ method: 'PATCH', url: `/api/v1/vendors/${vendorId}`, token: auditor.token, payload: { notes: 'x' } })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `/api/v1/vendors/${vendorId}`, token: reporter.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/v1/vendors' })).statusCode).toBe(401);
    const list = await t.request({ method: 'GET', url: '/api/v1/vendors?q=widgets', token: auditor.token });
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: vendorId, name: 'Widgets Ltd', preferredContact: { value: 'security@widgets.test' } }] });
  });

  it('answers hostile input with a 400 naming the field, and 404 for what does not exist', async () => {
    const bad = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
      const res = await t.request({ method, url, token: lead.token, payload });
      expect(res.statusCode, res.body).toBe(400);
      return res.json().error;
    };
    expect(await bad('POST', '/api/v1/vendors', { name: 'X', extra: 1 })).toMatchObject({ code: 'validation_failed' });
    expect((await bad('POST', '/api/v1/vendors', { name: 'X', domains: ['exa mple.org'] })).details).toEqual([{ field: '/domains/0', message: expect.any(String) }]);
    expect(await bad('POST', '/api/v1/vendors', { name: 'X', notes: 'x'.repeat(20_001) })).toMatchObject({ code: 'validation_failed' });
    expect(await bad('POST', '/api/v1/vendors', { name: 'X', packages: [{ $gt: '' }] })).toMatchObject({ code: 'validation_failed' });
    expect((await bad('PATCH', `/api/v1/vendors/${vendorId}`, { preferredContactId: '00000000-0000-4000-8000-000000000000' })).details[0].field).toBe('/preferredContactId');
    expect(await bad('POST', `/api/v1/vendors/${vendorId}/contacts`, { kind: 'fax', value: '1' })).toMatchObject({ code: 'validation_failed' });
    expect(await bad('POST', '/api/v1/discovery', { target: 'gopher://example.org' })).toMatchObject({ code: 'validation_failed' });
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'a@widgets.test' }], format: 'armored' });
    expect((await bad('POST', `/api/v1/vendors/${vendorId}/keys`, { armored: privateKey })).message).toMatch(/private key/);
    expect((await t.request({ method: 'GET', url: '/api/v1/vendors/00000000-0000-4000-8000-000000000000', token: lead.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/vendors/${vendorId}/contacts/nope`, token: lead.token })).statusCode).toBe(404);
    const dup = await t.request({ method: 'POST', url: '/api/v1/vendors', token: lead.token, payload: { name: 'Copycat', domains: ['widgets.test'] } });
    expect(dup.statusCode).toBe(409);
  });

  it('marks a contact bounced, records response times, and matches package URLs to vendors', async () => {
    const vendor = (await t.request({ method: 'GET', url: `/api/v1/vendors/${vendorId}`, token: lead.token })).json();
    const contactId = vendor.contacts[0].id;
    const patched = await t.request({ method: 'PATCH', url: `/api/v1/vendors/${vendorId}/contacts/${contactId}`, token: triager.token, payload: { status: 'bounced', note: 'came back 2026-11-20' } });
    expect(patched.json()).toMatchObject({ status: 'bounced', note: 'came back 2026-11-20' });
    const times = await t.request({ method: 'POST', url: `/api/v1/vendors/${vendorId}/response-times`, token: triager.token, payload: { kind: 'fix', contactedAt: '2026-10-01T00:00:00Z', respondedAt: '2026-10-31T00:00:00Z', caseRef: 'CASE-7' } });
    expect(times.statusCode, times.body).toBe(201);
    expect((await t.request({ method: 'GET', url: `/api/v1/vendors/${vendorId}`, token: auditor.token })).json().responseTimes.fix).toEqual({ medianHours: 720, count: 1 });
    const match = await t.request({ method: 'POST', url: '/api/v1/vendors/match', token: auditor.token, payload: { purls: ['pkg:cargo/widgets@0.1.0', 'pkg:cargo/other'] } });
    expect(match.json().items.map((i: { vendor: { name: string } | null }) => i.vendor?.name ?? null)).toEqual(['Widgets Ltd', null]);
    const actions = (await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', vendorId).execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['vendor.created', 'vendor.contact_changed', 'vendor.response_recorded']));
  });

  it('discovers a target now, and as a job whose result is stored with the vendor and can be adopted as a contact', async () => {
    web.set('widgets.test', site({ '/.well-known/security.txt': `Contact: mailto:psirt@widgets.test\nContact: https://bugcrowd.com/widgets\nExpires: ${inAMonth()}\n` }));
    const now = await t.request({ method: 'POST', url: '/api/v1/discovery', token: triager.token, payload: { target: web.authority('widgets.test') } });
    expect(now.statusCode, now.body).toBe(200);
    const result = now.json();
    expect(result.vendor).toMatchObject({ id: vendorId });
    expect(result.channels[0]).toMatchObject({ kind: 'email', value: 'psirt@widgets.test', source: 'security_txt', status: 'live', evidence: { url: `${web.origin('widgets.test')}/.well-known/security.txt`, http_status: 200, check: 'MX mx.widgets.test' } });
    expect(result.rejected.map((c: { value: string; flags: string[] }) => [c.value, c.flags])).toEqual(expect.arrayContaining([['security@widgets.test', []], ['https://bugcrowd.com/widgets', ['bounty_platform']]]));
    expect((await t.request({ method: 'POST', url: '/api/v1/discovery', token: auditor.token, payload: { target: 'widgets.test' } })).statusCode).toBe(403);

    const queued = await t.request({ method: 'POST', url: `/api/v1/vendors/${vendorId}/discover`, token: lead.token, payload: { target: web.authority('widgets.test') } });
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.json()).toMatchObject({ state: 'queued', result: null });
    await t.context.jobs.drain();
    const stored = (await t.request({ method: 'GET', url: `/api/v1/vendors/${vendorId}/discoveries`, token: auditor.token })).json().items[0];
    expect(stored).toMatchObject({ id: queued.json().id, state: 'done', result: { channels: expect.arrayContaining([expect.objectContaining({ value: 'psirt@widgets.test' })]) } });
    expect(stored.result.channels[0].value).toBe('psirt@widgets.test');
    const adopted = await t.request({ method: 'POST', url: `/api/v1/vendors/${vendorId}/discoveries/${stored.id}/adopt`, token: triager.token, payload: { channel: 0 } });
    expect(adopted.statusCode, adopted.body).toBe(201);
    expect(adopted.json()).toMatchObject({ kind: 'email', value: 'psirt@widgets.test', source: 'discovery', status: 'live', evidence: { url: `${web.origin('widgets.test')}/.well-known/security.txt`, http_status: 200 } });
    expect((await t.request({ method: 'POST', url: `/api/v1/vendors/${vendorId}/discoveries/${stored.id}/adopt`, token: triager.token, payload: { channel: 99 } })).statusCode).toBe(400);
    const actions = (await t.context.db.selectFrom('audit_events').select('action').execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['discovery.run', 'vendor.discovery_requested', 'vendor.discovery_finished', 'vendor.contact_added']));
  });

  it('deletes a vendor with everything it holds', async () => {
    const res = await t.request({ method: 'DELETE', url: `/api/v1/vendors/${vendorId}`, token: lead.token });
    expect(res.json()).toEqual({ ok: true });
    expect(await t.context.db.selectFrom('vendor_contacts').select('id').where('vendor_id', '=', vendorId).execute()).toEqual([]);
    expect((await t.request({ method: 'GET', url: `/api/v1/vendors/${vendorId}`, token: lead.token })).statusCode).toBe(404);
  });
});
