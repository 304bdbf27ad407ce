import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/domain/auth/actor.js';
import { discover } from '../../../src/domain/discovery/discover.js';
import { databaseDirectory, discoveryDeps, listVendorDiscoveries, provideDiscoveryNetwork, requestVendorDiscovery, runVendorDiscoveryJob } from '../../../src/domain/discovery/discovery.service.js';
import {
  addVendorKey,
  createVendor,
  getVendor,
  listVendors,
  matchVendorsForPurls,
  median,
  presentVendor,
  recordResponseTime,
  updateContact,
  updateVendor,
} from '../../../src/domain/vendors/vendor.service.js';
import { inTransaction } from '../../../src/server/transaction.js';
import { createTestContext, DIALECTS } from '../../helpers/databases.js';
import { buildUser } from '../../helpers/factories.js';
import { inAMonth, mailResolver, site, startVirtualHosts, testResolver, type VirtualHosts } from '../discovery/discovery.support.js';

const operator = systemActor('test');

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([10, 1, 3])).toBe(3);
    expect(median([1, 3])).toBe(2);
  });
});

describe.each(DIALECTS)('vendor directory on %s', (engine) => {
  let context: Awaited<ReturnType<typeof createTestContext>>;
  let web: VirtualHosts;
  let publicKey: string;
  let privateKey: string;

  beforeAll(async () => {
    context = await createTestContext(engine, { CVDESK_FETCH_ALLOW_LOOPBACK: '1', CVDESK_DISCOVERY_FETCH_TIMEOUT_MS: '2000' });
    web = await startVirtualHosts();
    provideDiscoveryNetwork(context, { resolve: testResolver, mailResolver: mailResolver({ 'acme.test': ['mx.acme.test'] }) });
    ({ publicKey, privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Acme PSIRT', email: 'psirt@acme.test' }], format: 'armored' }));
  });
  afterAll(async () => {
    await web?.close();
    await context?.close();
  });

  it('is seeded with the known coordinators, as editable vendors of kind coordinator', async () => {
    const { items } = await listVendors(context, context.db, operator, { kind: 'coordinator', limit: 50, offset: 0 });
    expect(items.map((v) => v.name)).toEqual(expect.arrayContaining(['CERT/CC', 'CISA', 'NCSC-NL', 'BSI / CERT-Bund', 'JPCERT/CC', 'CERT-FR']));
    const certcc = items.find((v) => v.name === 'CERT/CC')!;
    expect(certcc.preferredContact).toMatchObject({ kind: 'web_form', value: 'https://kb.cert.org/vince/' });
    const changed = await inTransaction(context, (trx) => updateVendor(context, trx, operator, certcc.id, { notes: 'Use VINCE for **multi-party** cases.' }));
    expect((await presentVendor(context.db, changed)).notes.html).toContain('<strong>multi-party</strong>');
  });

  it('creates a vendor with domains, repositories, packages and contacts, normalised, audited, with safe notes', async () => {
    const row = await inTransaction(context, (trx) =>
      createVendor(context, trx, operator, {
        name: ' Acme Corp ',
        domains: ['ACME.test.', 'https://www.acme.test/security'],
        repositories: ['git+https://GitHub.com/acme/widget.git', 'git@github.com:acme/gadget.git'],
        packages: ['pkg:npm/%40acme/widget@1.0.0', 'pkg:npm/%40acme/*', 'pkg:pypi/Acme_Tools'],
        notes: 'Ask for **Jane**. <script>alert(1)</script> [x](javascript:alert(1))',
        contacts: [{ kind: 'email', value: 'mailto:PSIRT@acme.test' }, { kind: 'private_reporting', value: 'https://github.com/acme/widget/security/advisories/new' }],
      }),
    );
    const view = await presentVendor(context.db, row);
    expect(view).toMatchObject({
      name: 'Acme Corp',
      kind: 'vendor',
      domains: ['acme.test', 'www.acme.test'],
      repositories: ['https://github.com/acme/gadget', 'https://github.com/acme/widget'],
      packages: expect.arrayContaining([{ ecosystem: 'npm', name: '@acme/widget', purl: 'pkg:npm/%40acme/widget' }, { ecosystem: 'npm', name: '@acme/*', purl: 'pkg:npm/%40acme/*' }, { ecosystem: 'pypi', name: 'acme-tools', purl: 'pkg:pypi/acme-tools' }]),
    });
    expect(view.contacts.map((c) => [c.kind, c.value, c.status, c.preferred])).toEqual([
      ['email', 'psirt@acme.test', 'unverified', true],
      ['private_reporting', 'https://github.com/acme/widget/security/advisories/new', 'unverified', false],
    ]);
    expect(view.notes.html).not.toContain('<script');
    expect(view.notes.html).not.toMatch(/href="javascript/i);
    const audit = await context.db.selectFrom('audit_events').select(['action', 'object_id']).where('object_id', '=', row.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['vendor.created']);
    expect((await listVendors(context, context.db, operator, { q: 'widget', limit: 10, offset: 0 })).items.map((v) => v.name)).toEqual(['Acme Corp']);
    expect((await listVendors(context, context.db, operator, { q: 'ACME.TEST', limit: 10, offset: 0 })).items.map((v) => v.name)).toEqual(['Acme Corp']);
  });

  it('refuses bad input naming the field, and stores nothing of a refused vendor', async () => {
    const count = async () => Number((await context.db.selectFrom('vendors').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const attempt = (input: Parameters<typeof createVendor>[3]) => inTransaction(context, (trx) => createVendor(context, trx, operator, input));
    await expect(attempt({ name: 'X', domains: ['not a domain'] })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/domains/0' }] });
    await expect(attempt({ name: 'X', packages: ['npm/widget'] })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/packages/0' }] });
    await expect(attempt({ name: 'X', repositories: ['ftp://example.org/repo'] })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/repositories/0' }] });
    await expect(attempt({ name: 'X', contacts: [{ kind: 'email', value: 'nobody' }] })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/contacts/0/value' }] });
    await expect(attempt({ name: 'X', contacts: [{ kind: 'web_form', value: 'javascript:alert(1)' }] })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(attempt({ name: '   ' })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/name' }] });
    // A domain another vendor owns: conflict, and the half-made vendor is rolled back.
    await expect(attempt({ name: 'Impostor', domains: ['acme.test'] })).rejects.toMatchObject({ code: 'conflict', details: [{ field: '/domains/0' }] });
    await expect(attempt({ name: 'Impostor', packages: ['pkg:npm/%40acme/widget'] })).rejects.toMatchObject({ code: 'conflict' });
    expect(await count()).toBe(before);
  });

  it('keeps OpenPGP public keys and refuses private keys and garbage', async () => {
    const vendor = (await listVendors(context, context.db, operator, { q: 'Acme Corp', limit: 1, offset: 0 })).items[0]!;
    const key = await inTransaction(context, (trx) => addVendorKey(context, trx, operator, vendor.id, publicKey));
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(JSON.parse(key.user_ids)).toEqual(['Acme PSIRT <psirt@acme.test>']);
    await expect(inTransaction(context, (trx) => addVendorKey(context, trx, operator, vendor.id, privateKey))).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/private key/) });
    await expect(inTransaction(context, (trx) => addVendorKey(context, trx, operator, vendor.id, 'not a key'))).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(inTransaction(context, (trx) => addVendorKey(context, trx, operator, vendor.id, publicKey))).rejects.toMatchObject({ code: 'conflict' });
    expect((await presentVendor(context.db, await getVendor(context.db, operator, vendor.id))).keys).toHaveLength(1);
  });

  it('records response times and shows their medians', async () => {
    const vendor = (await listVendors(context, context.db, operator, { q: 'Acme Corp', limit: 1, offset: 0 })).items[0]!;
    for (const hours of [2, 10, 4]) {
      await inTransaction(context, (trx) => recordResponseTime(context, trx, operator, vendor.id, { kind: 'acknowledgement', contactedAt: '2026-11-01T00:00:00Z', respondedAt: new Date(Date.parse('2026-11-01T00:00:00Z') + hours * 3_600_000).toISOString(), caseRef: 'CASE-1' }));
    }
    await expect(inTransaction(context, (trx) => recordResponseTime(context, trx, operator, vendor.id, { kind: 'fix', contactedAt: '2026-11-02T00:00:00Z', respondedAt: '2026-11-01T00:00:00Z' }))).rejects.toMatchObject({ details: [{ field: '/respondedAt' }] });
    const view = await presentVendor(context.db, await getVendor(context.db, operator, vendor.id));
    expect(view.responseTimes).toEqual({ acknowledgement: { medianHours: 4, count: 3 }, fix: { medianHours: null, count: 0 } });
  });

  it('chooses vendors from package URLs: exact package, namespace, normalised name, forge repository', async () => {
    const matches = await matchVendorsForPurls(context.db, operator, ['pkg:npm/%40acme/widget@2.0.0', 'pkg:npm/%40acme/other', 'pkg:pypi/ACME.tools@1', 'pkg:github/acme/gadget', 'pkg:npm/left-pad', 'nonsense']);
    expect(matches.map((m) => m.vendor?.name ?? null)).toEqual(['Acme Corp', 'Acme Corp', 'Acme Corp', 'Acme Corp', null, null]);
    expect(matches[5]!.error).toMatch(/not a package URL/);
    const directory = databaseDirectory(context.db);
    expect((await directory.findVendor({ hosts: [], repositories: [], purl: { type: 'npm', namespace: '@acme', name: 'widget' } }))?.name).toBe('Acme Corp');
  });

  it('lets staff read and only triagers and leads change the directory', async () => {
    const vendor = (await listVendors(context, context.db, operator, { q: 'Acme Corp', limit: 1, offset: 0 })).items[0]!;
    const reporter = await buildUser(context, { roles: ['reporter'] });
    const auditor = await buildUser(context, { roles: ['auditor'] });
    const triager = await buildUser(context, { roles: ['triager'] });
    await expect(getVendor(context.db, reporter.actor, vendor.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await getVendor(context.db, auditor.actor, vendor.id)).id).toBe(vendor.id);
    await expect(inTransaction(context, (trx) => updateVendor(context, trx, auditor.actor, vendor.id, { notes: 'x' }))).rejects.toMatchObject({ code: 'forbidden' });
    await inTransaction(context, (trx) => updateVendor(context, trx, triager.actor, vendor.id, { notes: 'checked' }));
  });

  it('discovers from the directory first, and a discovery job stores its result and marks dead contacts', async () => {
    web.set('shop.test', site({ '/.well-known/security.txt': `Contact: mailto:security@acme.test\nContact: ${web.origin('shop.test')}/gone\nExpires: ${inAMonth()}\n` }));
    const row = await inTransaction(context, (trx) =>
      createVendor(context, trx, operator, { name: 'Shop', domains: [web.authority('shop.test').replace(/:\d+$/, '')], contacts: [{ kind: 'email', value: 'old@acme.test' }, { kind: 'web_form', value: `${web.origin('shop.test')}/old-form` }] }),
    );
    const bounced = (await presentVendor(context.db, row)).contacts[0]!;
    await inTransaction(context, (trx) => updateContact(context, trx, operator, row.id, bounced.id, { status: 'bounced' }));

    // The vendor's domain has no port here, so the security.txt is read from the target itself.
    const direct = await discover(web.authority('shop.test'), discoveryDeps(context));
    expect(direct.vendor?.name).toBe('Shop');
    expect(direct.channels.map((c) => [c.source, c.value])).toEqual([
      ['security_txt', 'security@acme.test'],
      ['coordinator', 'https://kb.cert.org/vince/'],
      ['coordinator', 'cert@cert.org'],
    ]);
    expect(direct.rejected.map((c) => [c.source, c.value, c.status])).toEqual([
      ['directory', 'old@acme.test', 'bounced'],
      ['directory', `${web.origin('shop.test')}/old-form`, 'not_live'],
      ['security_txt', `${web.origin('shop.test')}/gone`, 'not_live'],
    ]);

    const queued = await inTransaction(context, (trx) => requestVendorDiscovery(context, trx, operator, row.id, web.authority('shop.test')));
    expect(queued.state).toBe('queued');
    await runVendorDiscoveryJob(context, { discoveryId: queued.id });
    await runVendorDiscoveryJob(context, { discoveryId: queued.id });
    const [stored] = await listVendorDiscoveries(context.db, operator, row.id);
    expect(stored).toMatchObject({ id: queued.id, state: 'done', result: { vendor: { name: 'Shop' }, target: web.authority('shop.test') } });
    const contacts = (await presentVendor(context.db, await getVendor(context.db, operator, row.id))).contacts;
    expect(contacts.map((c) => [c.value, c.status])).toEqual([
      ['old@acme.test', 'bounced'],
      [`${web.origin('shop.test')}/old-form`, 'not_live'],
    ]);
    const actions = (await context.db.selectFrom('audit_events').select('action').where('object_id', '=', row.id).execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['vendor.discovery_requested', 'vendor.discovery_finished']));
    expect(actions.filter((a) => a === 'vendor.discovery_finished')).toHaveLength(1);
    await expect(inTransaction(context, (trx) => requestVendorDiscovery(context, trx, operator, row.id, 'ftp://x'))).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
