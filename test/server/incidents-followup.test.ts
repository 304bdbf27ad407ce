import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIncidentsHourly } from '../../src/domain/incidents/incident-retention.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { addOrganisationKey, currentPublicKey, encryptTo, reporterKeyPair } from './incidents.support.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(DIALECTS)('incident receipts and follow-up on %s', (engine) => {
  let t: TestApp;
  const clock = testClock();
  let lead: BuiltUser;
  let triager: BuiltUser;
  let orgKey: string;

  const submit = async (extra: Record<string, unknown> = {}) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/incidents', payload: { message: await encryptTo(orgKey, 'the report'), accept_unconditional: true, ...extra } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; receipt: string; receiptExpiresAt: string };
  };
  const redeem = (receipt: string, app = t, remoteAddress?: string) =>
    app.app.inject({ method: 'POST', url: '/api/v1/incidents/receipt', payload: { receipt }, ...(remoteAddress ? { remoteAddress } : {}) });
  const followUp = (token: string) => t.request({ method: 'GET', url: '/api/v1/incidents/followup', headers: { 'x-follow-up-token': token } });
  const tokenFor = async (receipt: string) => {
    const res = await redeem(receipt);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token as string;
  };
  const wrong = (receipt: string) => {
    const digits = receipt.replace(/-/g, '');
    const last = digits.at(-1) === '0' ? '1' : '0';
    return `${digits.slice(0, -1)}${last}`;
  };
  // Valid both on the test clock and for OpenPGP.js encrypting at the real time.
  const keyDate = () => new Date(Math.min(Date.now(), clock.now().getTime()) - DAY);

  beforeAll(async () => {
    t = await buildTestApp(engine, { INCIDENT_RECEIPT_RATE_LIMIT_PER_MINUTE: '1000', INCIDENT_RECEIPT_GLOBAL_PER_MINUTE: '1000' }, clock);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    await addOrganisationKey(t.context);
    orgKey = await currentPublicKey(t.context);
  });
  afterAll(async () => t?.close());

  it('exchanges a receipt for a token to read encrypted replies and add information', async () => {
    const pair = await reporterKeyPair(undefined, keyDate());
    const made = await submit({ contact: { method: 'receipt', publicKey: pair.publicKey } });
    // Spaces instead of dashes are fine.
    const grant = await redeem(made.receipt.replace(/-/g, ' '));
    expect(grant.statusCode, grant.body).toBe(200);
    expect(grant.json()).toMatchObject({ incidentId: made.id, token: expect.stringMatching(/^cvf_/) });
    expect(Date.parse(grant.json().expiresAt) - clock.now().getTime()).toBe(30 * MINUTE);
    const token = grant.json().token as string;

    const view = await followUp(token);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({ id: made.id, state: 'new', replyKey: null, hasReporterKey: true, items: [{ author: 'reporter' }] });
    expect(view.json().contact).toBeUndefined();
    expect(view.json().acknowledgedBy).toBeUndefined();
    expect(view.json().items[0].authorId).toBeUndefined();

    clock.advance(1000);
    const replyText = `We are on it (${engine}).`;
    const reply = await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/replies`, token: triager.token, payload: { message: await encryptTo([pair.publicKey, orgKey], replyText) } });
    expect(reply.statusCode, reply.body).toBe(201);
    const items = (await followUp(token)).json().items as { author: string; message: string }[];
    expect(items.map((i) => i.author)).toEqual(['reporter', 'staff']);
    const privateKey = await openpgp.readPrivateKey({ armoredKey: pair.privateKey });
    const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: items[1]!.message }), decryptionKeys: privateKey });
    expect(data).toBe(replyText);

    clock.advance(1000);
    const more = await t.request({ method: 'POST', url: '/api/v1/incidents/followup/messages', headers: { 'x-follow-up-token': token }, payload: { message: await encryptTo(orgKey, 'one more thing') } });
    expect(more.statusCode, more.body).toBe(201);
    expect(more.json().author).toBe('reporter');
    const staffView = (await t.request({ method: 'GET', url: `/api/v1/incidents/${made.id}`, token: triager.token })).json();
    expect(staffView.items.map((i: { author: string }) => i.author)).toEqual(['reporter', 'staff', 'reporter']);
    const notice = (await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', lead.row.email).execute()).map((m) => t.context.secrets.open(m.body));
    expect(notice.some((text) => text.includes('added an encrypted message') && text.includes(made.id))).toBe(true);
    expect(notice.join()).not.toContain('one more thing');
    const [added] = await t.context.db.selectFrom('audit_events').selectAll().where('object_id', '=', made.id).where('action', '=', 'incident.message_added').orderBy('seq', 'desc').execute();
    expect(added).toMatchObject({ actor_label: 'anonymous', ip: null });

    const wrongKey = await t.request({ method: 'POST', url: '/api/v1/incidents/followup/messages', headers: { 'x-follow-up-token': token }, payload: { message: await encryptTo(pair.publicKey, 'to myself') } });
    expect(wrongKey.statusCode).toBe(422);
    for (const bad of [undefined, 'cvf_nonsense', 'nope']) {
      const res = await t.request({ method: 'GET', url: '/api/v1/incidents/followup', ...(bad ? { headers: { 'x-follow-up-token': bad } } : {}) });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('receipt_invalid');
    }
    // A token lasts 30 minutes.
    clock.advance(31 * MINUTE);
    expect((await followUp(token)).statusCode).toBe(401);
  });

  it('refuses wrong and unknown receipts alike, and locks a lookup id after five wrong ones', async () => {
    const made = await submit();
    const unknown = await redeem(`0000-0000-${made.receipt.slice(10)}`);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('receipt_invalid');
    const malformed = await redeem('1234-5678');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details[0].field).toBe('/receipt');
    for (let i = 0; i < 5; i++) {
      const res = await redeem(wrong(made.receipt));
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error.code).toBe('receipt_invalid');
    }
    const locked = await redeem(made.receipt);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(3000);
    const failures = await t.context.db.selectFrom('audit_events').selectAll().where('object_id', '=', made.id).where('action', '=', 'incident.receipt_failed').orderBy('seq').execute();
    expect(failures.map((f) => JSON.parse(f.data))).toEqual([
      { failures: 1, lockedForMinutes: 0 },
      { failures: 2, lockedForMinutes: 0 },
      { failures: 3, lockedForMinutes: 0 },
      { failures: 4, lockedForMinutes: 0 },
      { failures: 5, lockedForMinutes: 60 },
    ]);
    expect(failures.every((f) => f.ip === null)).toBe(true);
    clock.advance(61 * MINUTE);
    expect((await redeem(made.receipt)).statusCode).toBe(200);
    const row = await t.context.db.selectFrom('incident_receipts').selectAll().where('incident_id', '=', made.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ failures: 0, locked_until: null });
  });

  it('limits receipt checks per address and across all addresses', async () => {
    const strict = await buildTestApp(engine, { INCIDENT_RECEIPT_RATE_LIMIT_PER_MINUTE: '3', INCIDENT_RECEIPT_GLOBAL_PER_MINUTE: '5' });
    try {
      const guess = '1111-2222-3333-4444-5555-6666-7777-8888-9999';
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await redeem(guess, strict, '10.0.0.1')).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Other addresses: two more pass the per-address limit, then the global one stops them.
      const others = [];
      for (let i = 2; i < 6; i++) others.push((await redeem(guess, strict, `10.0.0.${i}`)).statusCode);
      expect(others).toEqual([401, 401, 429, 429]);
    } finally {
      await strict.close();
    }
  });

  it('expires receipts after the configured days (counted from the last use) and deletes them', async () => {
    const set = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { receiptValidityDays: 10 } });
    expect(set.statusCode, set.body).toBe(200);
    const made = await submit();
    expect(Date.parse(made.receiptExpiresAt) - clock.now().getTime()).toBe(10 * DAY);
    clock.advance(9 * DAY);
    const token = await tokenFor(made.receipt);
    clock.advance(9 * DAY);
    expect((await redeem(made.receipt)).statusCode).toBe(200);
    clock.advance(10 * DAY + MINUTE);
    const expired = await redeem(made.receipt);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('receipt_invalid');
    expect((await followUp(token)).statusCode).toBe(401);
    const outcome = await runIncidentsHourly(t.context);
    expect(outcome.receiptsExpired).toBeGreaterThanOrEqual(1);
    expect(await t.context.db.selectFrom('incident_receipts').select('lookup_id').where('incident_id', '=', made.id).execute()).toEqual([]);
    expect(await t.context.db.selectFrom('incidents').select('id').where('id', '=', made.id).executeTakeFirst()).toBeDefined();
    const audit = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', made.id).where('action', '=', 'incident.receipt_expired').execute();
    expect(audit).toHaveLength(1);
    await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { receiptValidityDays: 90 } });
  });

  it('keeps a reply key protected by the receipt, so a reporter without a key can read encrypted replies', async () => {
    const made = await submit();
    const token = await tokenFor(made.receipt);
    const unprotected = await reporterKeyPair(undefined, keyDate());
    const refused = await t.request({ method: 'PUT', url: '/api/v1/incidents/followup/reply-key', headers: { 'x-follow-up-token': token }, payload: { privateKey: unprotected.privateKey } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/not protected by a passphrase/);
    const pair = await reporterKeyPair(made.receipt, keyDate());
    const kept = await t.request({ method: 'PUT', url: '/api/v1/incidents/followup/reply-key', headers: { 'x-follow-up-token': token }, payload: { privateKey: pair.privateKey } });
    expect(kept.statusCode, kept.body).toBe(200);
    const stored = await t.context.db.selectFrom('incidents').select(['reply_key', 'contact_public_key']).where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(stored.reply_key).not.toContain('PRIVATE KEY');

    const notForThem = await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/replies`, token: triager.token, payload: { message: await encryptTo(orgKey, 'x') } });
    expect(notForThem.statusCode).toBe(422);
    clock.advance(1000);
    const reply = await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/replies`, token: triager.token, payload: { message: await encryptTo([pair.publicKey, orgKey], 'readable with the receipt') } });
    expect(reply.statusCode, reply.body).toBe(201);

    const view = (await followUp(await tokenFor(made.receipt))).json();
    const replyKey = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: view.replyKey }), passphrase: made.receipt });
    const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: view.items[1].message }), decryptionKeys: replyKey });
    expect(data).toBe('readable with the receipt');
    const other = await reporterKeyPair(made.receipt, keyDate());
    const swap = await t.request({ method: 'PUT', url: '/api/v1/incidents/followup/reply-key', headers: { 'x-follow-up-token': token }, payload: { privateKey: other.privateKey } });
    expect(swap.statusCode).toBe(409);
  });
});
