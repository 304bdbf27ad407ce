import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueAlarms, startAlarmWatch } from '../../src/domain/incidents/incident-alarms.js';
import { prepareIncident, storeIncident } from '../../src/domain/incidents/incident.service.js';
import { storeCiphertext } from '../../src/domain/incidents/incident-store.js';
import { ANONYMOUS } from '../../src/domain/auth/actor.js';
import { runIncidentsHourly } from '../../src/domain/incidents/incident-retention.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { GpgHome } from '../helpers/gpg.js';
import { buildProgram } from '../helpers/programs.js';
import { addOrganisationKey, currentPublicKey, decryptWithStoredKey, encryptTo, packReport, reporterKeyPair, storedMessages } from './incidents.support.js';

const MAX = 200_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(DIALECTS)('sealed incidents on %s', (engine) => {
  let t: TestApp;
  const clock = testClock();
  let program: ProgramRow;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let auditor: BuiltUser;
  let cna: BuiltUser;
  let reporter: BuiltUser;
  let otherReporter: BuiltUser;
  let orgKey: string;
  let server: http.Server;
  let origin: string;
  let hooks: { path: string; body: string; event: string }[] = [];

  const submit = (payload: Record<string, unknown>, token?: string) => t.request({ method: 'POST', url: '/api/v1/incidents', payload, ...(token ? { token } : {}) });
  const sealed = async (text: string, extra: Record<string, unknown> = {}, token?: string) => {
    const res = await submit({ message: await encryptTo(orgKey, text), accept_unconditional: true, ...extra }, token);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; receivedAt: string; receipt?: string; receiptExpiresAt?: string };
  };
  const counts = async () => ({
    incidents: Number((await t.context.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    messages: Number((await t.context.db.selectFrom('incident_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    receipts: Number((await t.context.db.selectFrom('incident_receipts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
    audit: Number((await t.context.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'incident.received').executeTakeFirstOrThrow()).n),
  });
  const mailTo = async (recipient: string) =>
    (await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', recipient).orderBy('created_at').execute()).map((row) => ({
      subject: row.subject,
      text: t.context.secrets.open(row.body),
    }));
  const auditOf = (id: string, action: string) => t.context.db.selectFrom('audit_events').selectAll().where('object_id', '=', id).where('action', '=', action).orderBy('seq').execute();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        hooks.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), event: String(req.headers['x-cvdesk-event']) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await buildTestApp(engine, { WEBHOOK_ALLOW_PRIVATE: 'true', INCIDENT_MAX_BYTES: String(MAX) }, clock);
    program = await buildProgram(t.context);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    auditor = await buildUser(t.context, { roles: ['auditor'] });
    cna = await buildUser(t.context, { roles: ['cna'] });
    reporter = await buildUser(t.context);
    otherReporter = await buildUser(t.context);
    await addOrganisationKey(t.context);
    orgKey = await currentPublicKey(t.context);
    const hook = await t.request({ method: 'POST', url: '/api/v1/webhooks', token: lead.token, payload: { name: 'On call', url: `${origin}/oncall`, events: ['incident.received'] } });
    expect(hook.statusCode, hook.body).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('tells the report form what to accept, the limit and the key to encrypt to', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/incidents/intake' });
    expect(res.statusCode, res.body).toBe(200);
    const info = res.json();
    expect(info.statement.version).toBe(1);
    expect(info.statement.text).toMatch(/unconditionally/);
    expect(info.maxMessageBytes).toBe(MAX);
    expect(info.key.publicKey.trim()).toBe(orgKey.trim());
    expect(info.key.publicKey).not.toContain('PRIVATE');
  });

  it('stores an anonymous submission as ciphertext with routing metadata only, and gives a receipt once', async () => {
    const secretText = packReport({ title: 'RCE in the upload handler', description: `anonymous ${engine}` });
    const message = await encryptTo(orgKey, secretText);
    const before = await counts();
    const res = await submit({ message, accept_unconditional: true, program: program.slug });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.receipt).toMatch(/^\d{4}(-\d{4}){8}$/);
    expect(Date.parse(body.receiptExpiresAt) - clock.now().getTime()).toBe(90 * DAY);
    const row = await t.context.db.selectFrom('incidents').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ program_id: program.id, reporter_id: null, source: 'web', state: 'new', size: Buffer.byteLength(message), contact_method: 'receipt', terms_version: 1, program_policy_version: 1 });
    expect(row.accepted_at).toBe(body.receivedAt);
    const [key] = (await t.request({ method: 'GET', url: '/api/v1/keys', token: triager.token })).json().items;
    expect(JSON.parse(row.encrypted_to)).toEqual([{ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), fingerprint: key.fingerprint }]);
    const messages = await storedMessages(t.context, body.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toBe(message);
    const receipt = await t.context.db.selectFrom('incident_receipts').selectAll().where('incident_id', '=', body.id).executeTakeFirstOrThrow();
    const digits = body.receipt.replace(/-/g, '');
    expect(receipt.lookup_id).toBe(digits.slice(0, 8));
    expect(receipt.secret_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(receipt)).not.toContain(digits.slice(8));
    const [audit] = await auditOf(body.id, 'incident.received');
    expect(audit).toMatchObject({ actor_label: 'anonymous', actor_id: null, ip: null });
    expect(JSON.parse(audit!.data)).toMatchObject({ size: row.size, contactMethod: 'receipt', receipt: true, programId: program.id });
    expect(await counts()).toEqual({ incidents: before.incidents + 1, messages: before.messages + 1, receipts: before.receipts + 1, audit: before.audit + 1 });
    // A second submission gets a different receipt.
    expect((await sealed('again')).receipt).not.toBe(body.receipt);
  });

  it('refuses bad bodies with a specific 4xx and stores nothing', async () => {
    const stranger = (await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ email: 'someone@example.net' }], format: 'armored' })).publicKey;
    const good = await encryptTo(orgKey, 'a perfectly fine report');
    const lines = good.trim().split('\n');
    const signingKey = (await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ email: 'signer@example.net' }], format: 'object' })).privateKey;
    const cases: [string, Record<string, unknown>, number, string, RegExp][] = [
      ['acceptance missing', { message: good }, 400, 'validation_failed', /shared unconditionally/],
      ['acceptance refused', { message: good, accept_unconditional: false }, 400, 'validation_failed', /shared unconditionally/],
      ['an unknown key', { message: await encryptTo(stranger, 'for someone else') }, 422, 'unknown_recipient', /encrypted to an unknown key/],
      ['no armour at all', { message: 'Hello, I found a bug in your login page.' }, 400, 'openpgp_invalid', /not an armoured OpenPGP message/],
      ['garbage armour', { message: '-----BEGIN PGP MESSAGE-----\n\nnot base64 at all!!!\n-----END PGP MESSAGE-----\n' }, 400, 'openpgp_invalid', /truncated|armour|cannot be read/],
      ['a truncated message (end line kept)', { message: [...lines.slice(0, Math.ceil(lines.length / 2)), ...lines.slice(-2)].join('\n') }, 400, 'openpgp_invalid', /truncated|damaged/],
      ['a truncated message (cut off)', { message: lines.slice(0, Math.ceil(lines.length / 2)).join('\n') }, 400, 'openpgp_invalid', /truncated: the armour has no -----END PGP MESSAGE----- line/],
      ['an oversized message', { message: await encryptTo(orgKey, 'x'.repeat(MAX)) }, 413, 'payload_too_large', /at most 200000/],
      ['a cleartext-signed message', { message: await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: 'in the clear' }), signingKeys: signingKey }) }, 400, 'openpgp_invalid', /cleartext-signed/],
      ['a signed, unencrypted message', { message: await openpgp.sign({ message: await openpgp.createMessage({ text: 'in the clear' }), signingKeys: signingKey }) }, 400, 'openpgp_invalid', /signed but not encrypted/],
      ['a password-encrypted message', { message: await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'x' }), passwords: ['hunter2'] }) }, 400, 'openpgp_invalid', /encrypted with a password/],
      ['a public key', { message: orgKey }, 400, 'openpgp_invalid', /not an encrypted message/],
      ['two messages', { message: `${good}\n${good}` }, 400, 'openpgp_invalid', /more than one message/],
      ['an empty message', { message: '' }, 400, 'openpgp_invalid', /required/],
    ];
    const before = await counts();
    for (const [label, payload, status, code, message] of cases) {
      const res = await submit(label === 'acceptance missing' ? payload : { accept_unconditional: true, ...payload });
      expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
      expect(res.json().error.code, label).toBe(code);
      expect(res.json().error.message, label).toMatch(message);
    }
    const tooBig = await t.request({ method: 'POST', url: '/api/v1/incidents', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ message: 'x'.repeat(MAX + 300 * 1024), accept_unconditional: true }) });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('payload_too_large');
    expect(await counts()).toEqual(before);
  });

  it('accepts what GnuPG encrypted to the organisation key; staff decrypt it with the fetched, unlocked key (both audited)', async () => {
    const gpg = new GpgHome();
    try {
      expect(gpg.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body).status).toBe(0);
      const text = `Heap overflow in the image parser, found with ${engine}.\n`;
      const armoured = gpg.encryptTo('security@example.org', text);
      const res = await submit({ message: armoured, accept_unconditional: true });
      expect(res.statusCode, res.body).toBe(201);
      const made = res.json() as { id: string; receipt: string };
      expect(made.receipt).toMatch(/^\d{4}-/);
      const read = await t.request({ method: 'GET', url: `/api/v1/incidents/${made.id}`, token: triager.token });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().items[0].message).toContain('-----BEGIN PGP MESSAGE-----');
      const key = await t.request({ method: 'GET', url: '/api/v1/keys/current/private', token: triager.token });
      expect(key.statusCode, key.body).toBe(200);
      expect(key.json().privateKey).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
      expect((await openpgp.readPrivateKey({ armoredKey: key.json().privateKey })).isDecrypted()).toBe(false);
      expect(await decryptWithStoredKey(key.json().privateKey, read.json().items[0].message)).toBe(text);
      const byFingerprint = await t.request({ method: 'GET', url: `/api/v1/keys/${key.json().fingerprint.toLowerCase()}/private`, token: lead.token });
      expect(byFingerprint.json().privateKey).toBe(key.json().privateKey);
      expect((await t.request({ method: 'GET', url: '/api/v1/keys/current/private', token: auditor.token })).statusCode).toBe(403);
      expect((await t.request({ method: 'GET', url: '/api/v1/keys/current/private', token: reporter.token })).statusCode).toBe(403);
      expect((await t.request({ method: 'GET', url: '/api/v1/keys/current/private' })).statusCode).toBe(401);
      const fetched = await t.context.db.selectFrom('audit_events').selectAll().where('action', '=', 'key.private_key_fetched').execute();
      expect(fetched.map((a) => a.actor_label)).toEqual(expect.arrayContaining([triager.row.email, lead.row.email]));
      const reads = await auditOf(made.id, 'incident.sealed_read');
      expect(reads).toHaveLength(1);
      expect(reads[0]!.actor_id).toBe(triager.row.id);
      await t.request({ method: 'GET', url: `/api/v1/incidents/${made.id}`, token: lead.token });
      expect(await auditOf(made.id, 'incident.sealed_read')).toHaveLength(2);
    } finally {
      gpg.destroy();
    }
  });

  it('links a signed-in reporter: they list and read only their own; auditors see metadata only', async () => {
    const mine = await sealed('mine', { program: program.slug }, reporter.token);
    expect(mine.receipt).toBeUndefined();
    const row = await t.context.db.selectFrom('incidents').selectAll().where('id', '=', mine.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reporter_id: reporter.row.id, contact_method: 'none' });
    expect((await submit({ message: await encryptTo(orgKey, 'x'), accept_unconditional: true, contact: { method: 'receipt' } }, reporter.token)).statusCode).toBe(400);

    const own = (await t.request({ method: 'GET', url: '/api/v1/incidents', token: reporter.token })).json().items;
    expect(own.map((i: { id: string }) => i.id)).toEqual([mine.id]);
    expect(own[0].reporterId).toBeUndefined();
    expect((await t.request({ method: 'GET', url: '/api/v1/incidents', token: otherReporter.token })).json().items).toEqual([]);
    expect((await t.request({ method: 'GET', url: '/api/v1/incidents', token: cna.token })).json().items).toEqual([]);
    expect((await t.request({ method: 'GET', url: '/api/v1/incidents' })).statusCode).toBe(401);
    const detail = await t.request({ method: 'GET', url: `/api/v1/incidents/${mine.id}`, token: reporter.token });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().contact).toBeUndefined();
    expect((await t.request({ method: 'GET', url: `/api/v1/incidents/${mine.id}`, token: otherReporter.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/incidents/${mine.id}`, token: cna.token })).statusCode).toBe(404);

    const audited = await t.request({ method: 'GET', url: '/api/v1/incidents?limit=100', token: auditor.token });
    expect(audited.statusCode).toBe(200);
    const listed = audited.json().items.find((i: { id: string }) => i.id === mine.id);
    expect(listed).toMatchObject({ id: mine.id, reporterId: reporter.row.id, program: { slug: program.slug }, state: 'new', messages: 1 });
    expect(JSON.stringify(audited.json())).not.toContain('BEGIN PGP MESSAGE');
    const refused = await t.request({ method: 'GET', url: `/api/v1/incidents/${mine.id}`, token: auditor.token });
    expect(refused.statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: `/api/v1/incidents/${mine.id}/acknowledge`, token: auditor.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: `/api/v1/incidents/${mine.id}/acknowledge`, token: reporter.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: `/api/v1/incidents/${mine.id}/acknowledge`, token: otherReporter.token })).statusCode).toBe(404);

    // The owner adds information, encrypted to the organisation key.
    const more = await t.request({ method: 'POST', url: `/api/v1/incidents/${mine.id}/replies`, token: reporter.token, payload: { message: await encryptTo(orgKey, 'more detail') } });
    expect(more.statusCode, more.body).toBe(201);
    expect(more.json().author).toBe('reporter');
  });

  it('raises the alarm at once by mail and webhook with no content, and repeats it until acknowledged', async () => {
    hooks = [];
    const canary = `alarm-canary-${engine}-${Date.now()}`;
    const made = await sealed(packReport({ title: canary, description: canary }), { program: program.slug });
    await t.context.jobs.drain();
    const first = (await mailTo(lead.row.email)).filter((m) => m.text.includes(made.id));
    expect(first).toHaveLength(1);
    expect(first[0]!.subject).toMatch(/ALERT: encrypted incident report received/);
    expect(first[0]!.text).toContain(`http://localhost:8080/incidents/${made.id}`);
    expect(first[0]!.text).toContain(program.name);
    const alarms = hooks.filter((h) => h.body.includes(made.id));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.event).toBe('incident.received');
    const event = JSON.parse(alarms[0]!.body);
    expect(event).toMatchObject({ type: 'incident.received', data: { alarm: 1, acknowledged: false, incident: { id: made.id, url: `http://localhost:8080/incidents/${made.id}`, program: { slug: program.slug } } } });
    for (const text of [...first.map((m) => m.text + m.subject), ...alarms.map((h) => h.body)]) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain('BEGIN PGP');
    }

    clock.advance(15 * MINUTE);
    expect(await runDueAlarms(t.context)).toBeGreaterThanOrEqual(1);
    await t.context.jobs.drain();
    expect(await runDueAlarms(t.context)).toBe(0);
    expect((await mailTo(lead.row.email)).filter((m) => m.text.includes(made.id))).toHaveLength(2);
    const second = hooks.filter((h) => h.body.includes(made.id)).map((h) => JSON.parse(h.body).data.alarm);
    expect(second).toEqual([1, 2]);
    expect(await auditOf(made.id, 'incident.alarm_repeated')).toHaveLength(1);

    const ack = await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/acknowledge`, token: triager.token });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: triager.row.email, alarms: 2, nextAlarmAt: null });
    expect((await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/acknowledge`, token: lead.token })).statusCode).toBe(409);
    clock.advance(60 * MINUTE);
    await runDueAlarms(t.context);
    await t.context.jobs.drain();
    expect((await mailTo(lead.row.email)).filter((m) => m.text.includes(made.id))).toHaveLength(2);
    expect(hooks.filter((h) => h.body.includes(made.id))).toHaveLength(2);
    expect(await auditOf(made.id, 'incident.acknowledged')).toHaveLength(1);
  });

  it('sends alarms to the on-call addresses when set (leads only)', async () => {
    expect((await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: triager.token, payload: { onCallEmails: ['x@example.org'] } })).statusCode).toBe(403);
    const set = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { onCallEmails: ['oncall@example.org', 'Pager@Example.org'], alarmRepeatMinutes: 5 } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ onCallEmails: ['oncall@example.org', 'pager@example.org'], alarmRecipients: ['oncall@example.org', 'pager@example.org'], alarmRepeatMinutes: 5 });
    const made = await sealed('on call');
    expect((await mailTo('oncall@example.org')).filter((m) => m.text.includes(made.id))).toHaveLength(1);
    expect((await mailTo('pager@example.org')).filter((m) => m.text.includes(made.id))).toHaveLength(1);
    expect((await mailTo(lead.row.email)).filter((m) => m.text.includes(made.id))).toHaveLength(0);
    clock.advance(5 * MINUTE);
    await runDueAlarms(t.context);
    expect((await mailTo('oncall@example.org')).filter((m) => m.text.includes(made.id))).toHaveLength(2);
    await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/close`, token: triager.token, payload: {} });
    const reset = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { onCallEmails: null, alarmRepeatMinutes: 15 } });
    expect(reset.json().alarmRecipients).toContain(lead.row.email);
    const audit = await t.context.db.selectFrom('audit_events').select('data').where('action', '=', 'incident.settings_changed').execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  /** Stores `n` incidents in one transaction without raising their alarm (a burst, or a crash before the round). */
  const storeQuietly = async (n: number): Promise<string[]> => {
    const message = await encryptTo(orgKey, 'burst');
    const ids: string[] = [];
    await t.context.db.transaction().execute(async (trx) => {
      for (let i = 0; i < n; i++) {
        const prepared = await prepareIncident(t.context, trx, ANONYMOUS, { message, acceptUnconditional: true, contact: { method: 'none' } });
        const storageKey = await storeCiphertext(t.context, prepared.ciphertext);
        ids.push((await storeIncident(t.context, trx, ANONYMOUS, { ...prepared, storageKey })).row.id);
      }
    });
    return ids;
  };
  const silence = (ids: string[]) => t.context.db.updateTable('incidents').set({ state: 'closed', next_alarm_at: null }).where('id', 'in', ids).execute();

  it('alarms a burst in one round: one mail per on-call address naming each incident, one webhook event each; a flood lists 50 and counts the rest', async () => {
    // Earlier tests' incidents stop ringing, so that the rounds below hold only this test's.
    await t.context.db.updateTable('incidents').set({ next_alarm_at: null }).execute();
    hooks = [];
    const ids = await storeQuietly(3);
    expect(await runDueAlarms(t.context)).toBe(3);
    await t.context.jobs.drain();
    const naming = async () => (await mailTo(lead.row.email)).filter((m) => ids.some((id) => m.text.includes(id)));
    const [first, ...others] = await naming();
    expect(others).toHaveLength(0);
    expect(first!.subject).toBe('[cvdesk] ALERT: 3 encrypted incident reports waiting — please acknowledge');
    for (const id of ids) expect(first!.text).toContain(`http://localhost:8080/incidents/${id}`);
    expect(first!.text).not.toContain('BEGIN PGP');
    for (const id of ids) {
      const events = hooks.filter((h) => h.body.includes(id)).map((h) => JSON.parse(h.body).data);
      expect(events).toEqual([expect.objectContaining({ alarm: 1, acknowledged: false, incident: expect.objectContaining({ id }) })]);
    }

    clock.advance(15 * MINUTE);
    expect(await runDueAlarms(t.context)).toBe(3);
    const mails = await naming();
    expect(mails).toHaveLength(2);
    expect(mails[1]!.text.match(/\(reminder 2\)/g)).toHaveLength(3);
    for (const id of ids) expect(await auditOf(id, 'incident.alarm_repeated')).toHaveLength(1);
    await silence(ids);

    const flood = await storeQuietly(55);
    expect(await runDueAlarms(t.context)).toBe(55);
    const [floodMail, ...more] = (await mailTo(lead.row.email)).filter((m) => flood.some((id) => m.text.includes(id)));
    expect(more).toHaveLength(0);
    expect(floodMail!.subject).toContain('ALERT: 55 encrypted incident reports waiting');
    expect(flood.filter((id) => floodMail!.text.includes(id))).toHaveLength(50);
    expect(floodMail!.text).toContain('…and 5 more: http://localhost:8080/incidents');
    const counted = await t.context.db.selectFrom('incidents').select('alarm_count').where('id', 'in', flood).execute();
    expect(counted.map((row) => row.alarm_count)).toEqual(flood.map(() => 1));
    await silence(flood);
  });

  it('alarms each due incident once per pass, even with one-minute repeats and more than a round of them', async () => {
    await t.context.db.updateTable('incidents').set({ next_alarm_at: null }).execute();
    const set = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { alarmRepeatMinutes: 1 } });
    expect(set.statusCode, set.body).toBe(200);
    const many = await storeQuietly(501);
    // Two rounds (500, then 1), and the pass ends: an incident just alarmed is not due again yet.
    expect(await runDueAlarms(t.context)).toBe(501);
    expect(await runDueAlarms(t.context)).toBe(0);
    const counts = await t.context.db.selectFrom('incidents').select('alarm_count').where('id', 'in', many).execute();
    expect(new Set(counts.map((row) => row.alarm_count))).toEqual(new Set([1]));
    clock.advance(MINUTE);
    expect(await runDueAlarms(t.context)).toBe(501);
    await silence(many);
    await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { alarmRepeatMinutes: 15 } });
  });

  it('an incident whose round never ran (the process died after commit) is alarmed by the alarm watch', async () => {
    await runDueAlarms(t.context);
    const [id] = await storeQuietly(1);
    expect(await mailTo(lead.row.email).then((mails) => mails.filter((m) => m.text.includes(id!)))).toHaveLength(0);
    const watch = startAlarmWatch(t.context, MINUTE);
    await watch.stop();
    const mails = (await mailTo(lead.row.email)).filter((m) => m.text.includes(id!));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('[cvdesk] ALERT: encrypted incident report received — please acknowledge');
    await silence([id!]);
  });

  it('does not let staff give a key for a reporter who holds a receipt (they give their own with it)', async () => {
    const made = await sealed('with a receipt');
    expect(made.receipt).toBeDefined();
    const pair = await reporterKeyPair();
    const res = await t.request({ method: 'PUT', url: `/api/v1/incidents/${made.id}/reporter-key`, token: triager.token, payload: { publicKey: pair.publicKey } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('receipt');
    expect((await t.request({ method: 'GET', url: `/api/v1/incidents/${made.id}`, token: triager.token })).json().hasReporterKey).toBe(false);
  });

  it("replies encrypted to the reporter's key; the reporter is told a reply waits, without its content", async () => {
    const pair = await reporterKeyPair(undefined, new Date(clock.now().getTime() - DAY));
    const made = await sealed('please write back', { contact: { method: 'email', email: 'anon@example.net', publicKey: pair.publicKey } });
    expect(made.receipt).toMatch(/^\d{4}/);
    const stored = await t.context.db.selectFrom('incidents').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(stored.contact_email).not.toContain('anon@example.net');
    expect(stored.contact_public_key).not.toContain('PUBLIC KEY');
    const detail = (await t.request({ method: 'GET', url: `/api/v1/incidents/${made.id}`, token: triager.token })).json();
    expect(detail.contact).toEqual({ email: 'anon@example.net', publicKey: expect.stringContaining('PUBLIC KEY') });
    expect(detail.hasReporterKey).toBe(true);

    const notForThem = await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/replies`, token: triager.token, payload: { message: await encryptTo(orgKey, 'we read it') } });
    expect(notForThem.statusCode).toBe(422);
    expect(notForThem.json().error.message).toMatch(/not encrypted to the reporter's key/);
    const plain = await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/replies`, token: triager.token, payload: { message: 'We read it, thanks' } });
    expect(plain.statusCode).toBe(400);
    const replyText = `reply-secret-${engine}`;
    const reply = await t.request({ method: 'POST', url: `/api/v1/incidents/${made.id}/replies`, token: triager.token, payload: { message: await encryptTo([pair.publicKey, orgKey], replyText) } });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json().author).toBe('staff');
    const notices = await mailTo('anon@example.net');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toMatch(/reply to your report is waiting/);
    expect(notices[0]!.text).toContain('http://localhost:8080/report/follow-up');
    expect(notices[0]!.text).not.toContain(replyText);
    expect(notices[0]!.text).not.toContain('BEGIN PGP');
    const [added] = await auditOf(made.id, 'incident.message_added');
    expect(JSON.parse(added!.data)).toMatchObject({ author: 'staff' });
  });

  it('unseals into a report through the report service, audited with who and why; the original stays sealed', async () => {
    const anonymous = await sealed('unseal me', { program: program.slug });
    const missing = await t.request({ method: 'POST', url: `/api/v1/incidents/${anonymous.id}/unseal`, token: triager.token, payload: { reason: 'x', report: { title: '', description: 'd' } } });
    expect(missing.statusCode).toBe(400);
    const res = await t.request({
      method: 'POST',
      url: `/api/v1/incidents/${anonymous.id}/unseal`,
      token: triager.token,
      payload: { reason: 'Needs CVE assignment and deduplication', report: { title: 'Stored XSS in profile', description: 'Decrypted and redacted by the triager.' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { reportId, incident } = res.json();
    // Still a sealed incident (its messages stay on it): only plain mail is open from the start.
    expect(incident).toMatchObject({ reportId, unsealedBy: triager.row.email, state: 'acknowledged', sealed: true });
    const read = await t.request({ method: 'GET', url: `/api/v1/incidents/${anonymous.id}`, token: lead.token });
    expect(read.json()).toMatchObject({ sealed: true, messages: 1 });
    const report = await t.request({ method: 'GET', url: `/api/v1/reports/${reportId}`, token: lead.token });
    expect(report.json()).toMatchObject({ title: 'Stored XSS in profile', programId: program.id, reporterId: triager.row.id });
    const [audit] = await auditOf(anonymous.id, 'incident.unsealed');
    expect(audit!.actor_id).toBe(triager.row.id);
    expect(JSON.parse(audit!.data)).toMatchObject({ reason: 'Needs CVE assignment and deduplication', reportId });
    expect(await storedMessages(t.context, anonymous.id)).toHaveLength(1);
    const again = await t.request({ method: 'POST', url: `/api/v1/incidents/${anonymous.id}/unseal`, token: lead.token, payload: { reason: 'again', report: { title: 't', description: 'd' } } });
    expect(again.statusCode).toBe(409);
    expect((await t.request({ method: 'POST', url: `/api/v1/incidents/${anonymous.id}/unseal`, token: auditor.token, payload: { reason: 'r', report: { title: 't', description: 'd' } } })).statusCode).toBe(403);

    // A signed-in reporter's incident becomes their report; one without a programme needs one named.
    const theirs = await sealed('mine to unseal', {}, reporter.token);
    const noProgram = await t.request({ method: 'POST', url: `/api/v1/incidents/${theirs.id}/unseal`, token: lead.token, payload: { reason: 'r', report: { title: 't', description: 'd' } } });
    expect(noProgram.statusCode).toBe(400);
    expect(noProgram.json().error.details[0].field).toBe('/report/program');
    const named = await t.request({ method: 'POST', url: `/api/v1/incidents/${theirs.id}/unseal`, token: lead.token, payload: { reason: 'r', report: { program: program.slug, title: 'Theirs', description: 'd' } } });
    expect(named.statusCode, named.body).toBe(201);
    const theirReport = await t.request({ method: 'GET', url: `/api/v1/reports/${named.json().reportId}`, token: reporter.token });
    expect(theirReport.statusCode).toBe(200);
    expect(theirReport.json().reporterId).toBe(reporter.row.id);
  });

  it('changes the statement as a new version; a submission that read an older one gets 409', async () => {
    const changed = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { statement: 'Everything you send is shared unconditionally. Version two.' } });
    expect(changed.json().statementVersion).toBe(2);
    const stale = await submit({ message: await encryptTo(orgKey, 'x'), accept_unconditional: true, statementVersion: 1 });
    expect(stale.statusCode).toBe(409);
    const fresh = await sealed('fresh', { statementVersion: 2 });
    expect((await t.context.db.selectFrom('incidents').select('terms_version').where('id', '=', fresh.id).executeTakeFirstOrThrow()).terms_version).toBe(2);
    const intake = (await t.request({ method: 'GET', url: '/api/v1/incidents/intake' })).json();
    expect(intake.statement).toEqual({ version: 2, text: 'Everything you send is shared unconditionally. Version two.' });
  });

  it('deletes closed, never-unsealed incidents after retention, with a reminder first and an audit event that they existed', async () => {
    const other = await buildProgram(t.context);
    const set = await t.request({
      method: 'PATCH',
      url: '/api/v1/incidents/settings',
      token: lead.token,
      payload: { retentionDays: 30, retentionReminderDays: 7, programRetentionDays: { [other.slug]: null } },
    });
    expect(set.statusCode, set.body).toBe(200);
    const doomed = await sealed('to be forgotten', { program: program.slug });
    const kept = await sealed('kept for ever', { program: other.slug });
    const unsealed = await sealed('opened', { program: program.slug });
    const open = await sealed('still open', { program: program.slug });
    for (const id of [doomed.id, kept.id, unsealed.id]) {
      const closed = await t.request({ method: 'POST', url: `/api/v1/incidents/${id}/close`, token: triager.token, payload: { reason: 'handled' } });
      expect(closed.statusCode, closed.body).toBe(200);
    }
    await t.request({ method: 'POST', url: `/api/v1/incidents/${unsealed.id}/unseal`, token: triager.token, payload: { reason: 'keep', report: { title: 'Opened', description: 'd' } } });
    const listed = (await t.request({ method: 'GET', url: '/api/v1/incidents?state=closed&limit=100', token: triager.token })).json().items;
    const due = listed.find((i: { id: string }) => i.id === doomed.id);
    expect(Date.parse(due.deletesAt) - Date.parse(due.closedAt)).toBe(30 * DAY);
    expect(listed.find((i: { id: string }) => i.id === kept.id).deletesAt).toBeNull();
    const size = (await t.context.db.selectFrom('incidents').select('size').where('id', '=', doomed.id).executeTakeFirstOrThrow()).size;
    const files = (await storedMessages(t.context, doomed.id)).map((m) => path.join(t.context.config.dataDir, 'incidents', m.storage_key.slice(0, 2), m.storage_key));
    expect(files.every((file) => fs.existsSync(file))).toBe(true);

    clock.advance(22 * DAY);
    expect((await runIncidentsHourly(t.context)).reminded).toBe(0);
    clock.advance(2 * DAY);
    const reminded = await runIncidentsHourly(t.context);
    expect(reminded.reminded).toBeGreaterThanOrEqual(1);
    expect(reminded.deleted).toBe(0);
    expect(await auditOf(doomed.id, 'incident.retention_reminded')).toHaveLength(1);
    const reminder = (await mailTo(lead.row.email)).filter((m) => m.text.includes(doomed.id));
    expect(reminder.at(-1)!.subject).toMatch(/will be deleted on/);
    clock.advance(6 * DAY);
    expect((await runIncidentsHourly(t.context)).deleted).toBe(0);
    expect(await t.context.db.selectFrom('incidents').select('id').where('id', '=', doomed.id).executeTakeFirst()).toBeDefined();
    clock.advance(1 * DAY + MINUTE);
    expect((await runIncidentsHourly(t.context)).deleted).toBeGreaterThanOrEqual(1);

    expect(await t.context.db.selectFrom('incidents').select('id').where('id', '=', doomed.id).executeTakeFirst()).toBeUndefined();
    expect(await t.context.db.selectFrom('incident_messages').select('id').where('incident_id', '=', doomed.id).execute()).toEqual([]);
    expect(files.some((file) => fs.existsSync(file))).toBe(false);
    expect(await t.context.db.selectFrom('incident_receipts').select('lookup_id').where('incident_id', '=', doomed.id).execute()).toEqual([]);
    const [deleted] = await auditOf(doomed.id, 'incident.deleted');
    expect(JSON.parse(deleted!.data)).toEqual({ reason: 'retention', receivedAt: doomed.receivedAt, size, closedAt: expect.any(String), messages: 1, retentionDays: 30 });
    expect((await t.request({ method: 'GET', url: `/api/v1/incidents/${doomed.id}`, token: triager.token })).statusCode).toBe(404);
    for (const id of [kept.id, unsealed.id, open.id]) expect(await t.context.db.selectFrom('incidents').select('id').where('id', '=', id).executeTakeFirst()).toBeDefined();
    await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { retentionDays: 365 } });
  });
});
