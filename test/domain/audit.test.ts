import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { recordAudit, verifyAuditChain } from '../../src/domain/audit/audit.service.js';
import { GENESIS_HASH, hashAuditEvent } from '../../src/domain/audit/audit-hash.js';
import { inTransaction } from '../../src/server/transaction.js';
import { DIALECTS, createTestContext } from '../helpers/databases.js';

describe.each(DIALECTS)('audit chain on %s', (engine) => {
  let context: AppContext;
  beforeEach(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
    for (let i = 1; i <= 5; i++) {
      await inTransaction(context, (trx) => recordAudit(context, trx, systemActor('test'), { action: `test.event${i}`, objectType: 'thing', objectId: String(i), data: { i } }));
    }
  });
  afterEach(async () => context?.close());

  it('links each event to the one before it', async () => {
    const rows = await context.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(await verifyAuditChain(context.db)).toEqual({ ok: true, checked: 5, firstBad: null });
  });

  it('writes nothing when the transaction that caused the event rolls back', async () => {
    await expect(
      inTransaction(context, async (trx) => {
        await recordAudit(context, trx, systemActor('test'), { action: 'test.rolled_back', objectType: 'thing' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await verifyAuditChain(context.db)).checked).toBe(5);
  });

  it('catches an edited event', async () => {
    await context.db.updateTable('audit_events').set({ data: '{"i":999}' }).where('seq', '=', 3).execute();
    const verdict = await verifyAuditChain(context.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad).toMatchObject({ seq: 3, reason: expect.stringContaining('changed') });
  });

  it('catches an edited event whose hash was recomputed, at the next event', async () => {
    const row = (await context.db.selectFrom('audit_events').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow())!;
    const { hash: _old, ...fields } = { ...row, actor_label: 'someone else' };
    await context.db.updateTable('audit_events').set({ actor_label: 'someone else', hash: hashAuditEvent(fields) }).where('seq', '=', 2).execute();
    const verdict = await verifyAuditChain(context.db);
    expect(verdict.firstBad).toMatchObject({ seq: 3, reason: expect.stringContaining('link') });
  });

  it('catches a removed event', async () => {
    await context.db.deleteFrom('audit_events').where('seq', '=', 4).execute();
    const verdict = await verifyAuditChain(context.db);
    expect(verdict.firstBad).toMatchObject({ seq: 5, reason: expect.stringContaining('missing') });
  });

  it('catches an inserted event', async () => {
    // Make room: shift events 3..5 up by one, then forge an event at 3 that links to 2.
    for (const seq of [5, 4, 3]) await sql`update audit_events set seq = ${seq + 1} where seq = ${seq}`.execute(context.db);
    const two = await context.db.selectFrom('audit_events').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
    const forged = {
      seq: 3,
      id: '11111111-1111-4111-8111-111111111111',
      occurred_at: two.occurred_at,
      actor_id: null,
      actor_label: 'forger',
      action: 'test.forged',
      object_type: 'thing',
      object_id: null,
      data: '{}',
      ip: null,
      prev_hash: two.hash,
    };
    await context.db.insertInto('audit_events').values({ ...forged, hash: hashAuditEvent(forged) }).execute();
    const verdict = await verifyAuditChain(context.db);
    expect(verdict.firstBad).toMatchObject({ seq: 4, reason: expect.stringContaining('link') });
  });
});

describe('audit log readers', () => {
  it('masks addresses and hides client IPs from staff who do not administer accounts', async () => {
    const { buildTestApp } = await import('../helpers/app.js');
    const { buildUser } = await import('../helpers/factories.js');
    const t = await buildTestApp('sqlite');
    try {
      const triager = await buildUser(t.context, { roles: ['triager'] });
      const lead = await buildUser(t.context, { roles: ['lead'] });
      await buildUser(t.context, { email: 'secret.person@example.org' });
      const asTriager = await t.request({ method: 'GET', url: '/api/v1/audit?action=user.created', token: triager.token });
      expect(asTriager.body).not.toContain('secret.person@example.org');
      expect(asTriager.body).toContain('s…@example.org');
      const asLead = await t.request({ method: 'GET', url: '/api/v1/audit?action=user.created', token: lead.token });
      expect(asLead.body).toContain('secret.person@example.org');
    } finally {
      await t.close();
    }
  });
});
